/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdDrawerDialog"

#include "config.h"

#include <glib/gi18n.h>

#include "fd-drawer-dialog.h"
#include "fd-payments-util.h"
#include "fd-store-ledger.h"

struct _FdDrawerDialog
{
  AdwWindow        parent_instance;

  FdStore         *store;
  gint64           session_id;
  FdDrawerSummary  summary;
  GtkEntry        *counted[FD_N_PAYMENT_METHODS];
  GtkLabel        *expected[FD_N_PAYMENT_METHODS];
  GtkLabel        *over_short[FD_N_PAYMENT_METHODS];

  AdwWindowTitle  *window_title;
  GtkStack        *stack;
  GtkEntry        *float_entry;
  GtkLabel        *float_error;
  GtkLabel        *session_label;
  GtkGrid         *count_grid;
  GtkLabel        *count_error;
  GtkButton       *close_button;
};

G_DEFINE_FINAL_TYPE (FdDrawerDialog, fd_drawer_dialog, ADW_TYPE_WINDOW)

/* Helpers */

static GtkLabel *
grid_label (FdDrawerDialog *self,
            const char     *text,
            int             column,
            int             row,
            gboolean        numeric)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), numeric ? 1 : 0);
  if (numeric)
    gtk_widget_add_css_class (label, "numeric");
  if (row == 0)
    gtk_widget_add_css_class (label, "heading");
  gtk_grid_attach (self->count_grid, label, column, row, 1, 1);
  return GTK_LABEL (label);
}

/* A count may be zero, unlike a payment */
static gboolean
parse_count (const char  *text,
             gint64      *cents,
             GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));
  FdMoneyStyle style;
  FdMoney money;

  *cents = 0;
  if (*stripped == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("enter what was counted, 0 for none"));
      return FALSE;
    }
  fd_money_style_from_locale (&style);
  if (!fd_money_parse (stripped, NULL, &style, &money, error))
    return FALSE;
  if (money.cents < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("a count cannot be negative"));
      return FALSE;
    }
  *cents = money.cents;
  return TRUE;
}

static void
set_over_short (GtkLabel *label,
                gint64    cents)
{
  /* Signed, as the close-out report prints it: counted less expected */
  g_autofree char *amount = fd_payments_format_cents (cents);
  g_autofree char *text = NULL;

  gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (label), "warning");
  if (cents > 0)
    /* Translators: more was counted than expected, "$2.00 over" */
    text = g_strdup_printf (_("%s over"), amount);
  else if (cents < 0)
    /* Translators: less was counted than expected, "-$5.00 short" */
    text = g_strdup_printf (_("%s short"), amount);
  else
    text = g_strdup (_("Balanced"));
  if (cents < 0)
    gtk_widget_add_css_class (GTK_WIDGET (label), "error");
  else if (cents > 0)
    gtk_widget_add_css_class (GTK_WIDGET (label), "warning");
  gtk_label_set_label (label, text);
}

static void
counted_changed_cb (GtkEditable    *editable,
                    FdDrawerDialog *self)
{
  for (guint m = 0; m < FD_N_PAYMENT_METHODS; m++)
    {
      gint64 counted = 0;

      if (self->summary.closed_at != NULL)
        set_over_short (self->over_short[m], self->summary.over_short[m]);
      else if (parse_count (gtk_editable_get_text (GTK_EDITABLE (self->counted[m])), &counted, NULL))
        set_over_short (self->over_short[m], counted - self->summary.expected[m]);
      else
        gtk_label_set_label (self->over_short[m], "");
    }
}

static void
move_on_cb (GtkEntry       *entry,
            FdDrawerDialog *self)
{
  gtk_widget_child_focus (GTK_WIDGET (self), GTK_DIR_TAB_FORWARD);
}

static void
build_grid (FdDrawerDialog *self)
{
  grid_label (self, _("Method"), 0, 0, FALSE);
  grid_label (self, _("Expected"), 1, 0, TRUE);
  grid_label (self, _("Counted"), 2, 0, FALSE);
  grid_label (self, _("Over/short"), 3, 0, TRUE);

  for (guint m = 0; m < FD_N_PAYMENT_METHODS; m++)
    {
      GtkWidget *entry = gtk_entry_new ();
      g_autofree char *accessible = g_strdup_printf (_("Counted, %s"), fd_payment_method_label (m));

      grid_label (self, fd_payment_method_label (m), 0, m + 1, FALSE);
      self->expected[m] = grid_label (self, "", 1, m + 1, TRUE);
      gtk_editable_set_width_chars (GTK_EDITABLE (entry), 10);
      gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_NUMBER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      fd_payments_guard_editable (GTK_EDITABLE (entry), accessible, self->count_error);
      g_signal_connect (entry, "changed", G_CALLBACK (counted_changed_cb), self);
      g_signal_connect (entry, "activate", G_CALLBACK (move_on_cb), self);
      gtk_grid_attach (self->count_grid, entry, 2, m + 1, 1, 1);
      self->counted[m] = GTK_ENTRY (entry);
      self->over_short[m] = grid_label (self, "", 3, m + 1, TRUE);
    }
}

static void
show_session (FdDrawerDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *opened = NULL;
  g_autofree char *float_text = NULL;
  g_autofree char *text = NULL;

  fd_drawer_summary_clear (&self->summary);
  if (self->session_id <= 0 || !fd_ledger_drawer_summary (self->store, self->session_id, &self->summary, &error))
    {
      if (error != NULL)
        g_warning ("Could not read drawer session %" G_GINT64_FORMAT ": %s", self->session_id, error->message);
      gtk_stack_set_visible_child_name (self->stack, "closed");
      gtk_widget_grab_focus (GTK_WIDGET (self->float_entry));
      return;
    }

  opened = g_date_time_format (self->summary.opened_at, "%x %X");
  float_text = fd_payments_format_cents (self->summary.opening_float.cents);
  if (self->summary.closed_at != NULL)
    {
      g_autofree char *closed = g_date_time_format (self->summary.closed_at, "%x %X");

      /* Translators: station, when opened, when closed, the float */
      text = g_strdup_printf (_("Drawer of station %1$s, opened %2$s, closed %3$s. Starting float %4$s."),
                              self->summary.station, opened, closed, float_text);
    }
  else
    /* Translators: station, when opened, the float, receipts so far */
    text = g_strdup_printf (_("Drawer of station %1$s, open since %2$s. Starting float %3$s; %4$u receipts, %5$u voids, %6$u refunds."),
                            self->summary.station, opened, float_text,
                            self->summary.n_receipts, self->summary.n_voids, self->summary.n_refunds);
  gtk_label_set_label (self->session_label, text);

  for (guint m = 0; m < FD_N_PAYMENT_METHODS; m++)
    {
      g_autofree char *expected = fd_payments_format_cents (self->summary.expected[m]);

      gtk_label_set_label (self->expected[m], expected);
      gtk_editable_set_editable (GTK_EDITABLE (self->counted[m]), self->summary.closed_at == NULL);
      if (self->summary.closed_at != NULL)
        {
          g_autofree char *counted = fd_payments_format_cents (self->summary.counted[m]);

          gtk_editable_set_text (GTK_EDITABLE (self->counted[m]), counted);
        }
    }
  counted_changed_cb (NULL, self);
  gtk_widget_set_visible (GTK_WIDGET (self->close_button), self->summary.closed_at == NULL);
  gtk_stack_set_visible_child_name (self->stack, "count");
  if (self->summary.closed_at == NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->counted[FD_PAYMENT_METHOD_CASH]));
}

static FdDocument *
report_document (FdDrawerDialog *self)
{
  const char * const *languages = g_get_language_names ();
  FdDocumentClinic clinic;
  g_autoptr(GError) error = NULL;
  FdDocument *document;

  fd_payments_load_clinic (&clinic);
  document = fd_document_new_drawer_report (self->store, self->session_id, languages[0], &clinic, &error);
  fd_payments_clear_clinic (&clinic);
  if (document == NULL)
    fd_payments_show_error (GTK_WIDGET (self), _("Could Not Prepare the Report"), error->message);
  return document;
}

/* Callbacks */

static void
open_activated_cb (FdDrawerDialog *self)
{
  fd_drawer_dialog_open_drawer (self);
}

static void
close_clicked_cb (FdDrawerDialog *self)
{
  fd_drawer_dialog_close_drawer (self);
}

static void
print_clicked_cb (FdDrawerDialog *self)
{
  g_autoptr(FdDocument) document = report_document (self);

  if (document != NULL)
    fd_payments_print_interactive (GTK_WIDGET (self), document, FD_PRINT_KIND_STATEMENT);
}

static void
save_clicked_cb (FdDrawerDialog *self)
{
  FdDocument *document = report_document (self);
  g_autofree char *name = g_strdup_printf ("%s-%" G_GINT64_FORMAT ".pdf", _("drawer-close-out"), self->session_id);

  if (document != NULL)
    fd_payments_save_pdf (GTK_WIDGET (self), document, FD_PRINT_KIND_STATEMENT, name);
}

/* Object */

static void
fd_drawer_dialog_dispose (GObject *object)
{
  FdDrawerDialog *self = (FdDrawerDialog *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_DRAWER_DIALOG);
  g_clear_object (&self->store);
  fd_drawer_summary_clear (&self->summary);

  G_OBJECT_CLASS (fd_drawer_dialog_parent_class)->dispose (object);
}

static void
fd_drawer_dialog_class_init (FdDrawerDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_drawer_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/frontdesk/Frontdesk/ui/payments/fd-drawer-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FdDrawerDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, FdDrawerDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, FdDrawerDialog, float_entry);
  gtk_widget_class_bind_template_child (widget_class, FdDrawerDialog, float_error);
  gtk_widget_class_bind_template_child (widget_class, FdDrawerDialog, session_label);
  gtk_widget_class_bind_template_child (widget_class, FdDrawerDialog, count_grid);
  gtk_widget_class_bind_template_child (widget_class, FdDrawerDialog, count_error);
  gtk_widget_class_bind_template_child (widget_class, FdDrawerDialog, close_button);
  gtk_widget_class_bind_template_callback (widget_class, open_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, print_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fd_drawer_dialog_init (FdDrawerDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  fd_payments_guard_editable (GTK_EDITABLE (self->float_entry), _("Starting float"), self->float_error);
  build_grid (self);
}

/**
 * fd_drawer_dialog_new:
 * @store: the store
 *
 * Returns: (transfer none): the dialog for this station's drawer, not shown
 */
FdDrawerDialog *
fd_drawer_dialog_new (FdStore *store)
{
  FdDrawerDialog *self = g_object_new (FD_TYPE_DRAWER_DIALOG, NULL);
  g_autofree char *station = fd_payments_station ();

  self->store = g_object_ref (store);
  adw_window_title_set_subtitle (self->window_title, station);
  if (!fd_ledger_drawer_current (store, station, &self->session_id, NULL))
    self->session_id = 0;
  show_session (self);
  return self;
}

/**
 * fd_drawer_dialog_get_session:
 * @self: the dialog
 *
 * Returns: the drawer session shown, 0 when none is open
 */
gint64
fd_drawer_dialog_get_session (FdDrawerDialog *self)
{
  g_return_val_if_fail (FD_IS_DRAWER_DIALOG (self), 0);
  return self->session_id;
}

/**
 * fd_drawer_dialog_get_float_entry:
 * @self: the dialog
 *
 * Returns: (transfer none): the starting float's field
 */
GtkEditable *
fd_drawer_dialog_get_float_entry (FdDrawerDialog *self)
{
  g_return_val_if_fail (FD_IS_DRAWER_DIALOG (self), NULL);
  return GTK_EDITABLE (self->float_entry);
}

/**
 * fd_drawer_dialog_get_counted:
 * @self: the dialog
 * @method: a payment method
 *
 * Returns: (transfer none): the field for what was counted of @method
 */
GtkEditable *
fd_drawer_dialog_get_counted (FdDrawerDialog  *self,
                              FdPaymentMethod  method)
{
  g_return_val_if_fail (FD_IS_DRAWER_DIALOG (self), NULL);
  g_return_val_if_fail (method < FD_N_PAYMENT_METHODS, NULL);
  return GTK_EDITABLE (self->counted[method]);
}

/**
 * fd_drawer_dialog_get_over_short:
 * @self: the dialog
 * @method: a payment method
 *
 * Returns: (transfer none): the over/short shown for @method
 */
const char *
fd_drawer_dialog_get_over_short (FdDrawerDialog  *self,
                                 FdPaymentMethod  method)
{
  g_return_val_if_fail (FD_IS_DRAWER_DIALOG (self), NULL);
  g_return_val_if_fail (method < FD_N_PAYMENT_METHODS, NULL);
  return gtk_label_get_label (self->over_short[method]);
}

/**
 * fd_drawer_dialog_open_drawer:
 * @self: the dialog
 *
 * Opens the drawer with the float typed.
 *
 * Returns: whether it was opened
 */
gboolean
fd_drawer_dialog_open_drawer (FdDrawerDialog *self)
{
  g_autofree char *station = fd_payments_station ();
  g_autofree char *cashier = fd_payments_cashier ();
  g_autoptr(GError) error = NULL;
  gint64 float_cents = 0;

  g_return_val_if_fail (FD_IS_DRAWER_DIALOG (self), FALSE);

  fd_payments_show_message (self->float_error, NULL);
  if (!fd_payments_parse_amount (gtk_editable_get_text (GTK_EDITABLE (self->float_entry)), TRUE,
                                 &float_cents, &error) ||
      !fd_ledger_drawer_open (self->store, station, cashier, float_cents, NULL, &self->session_id, &error))
    {
      fd_payments_show_message (self->float_error, error->message);
      return FALSE;
    }
  g_debug ("Drawer session %" G_GINT64_FORMAT " opened", self->session_id);
  show_session (self);
  return TRUE;
}

/**
 * fd_drawer_dialog_close_drawer:
 * @self: the dialog
 *
 * Closes the drawer with what was counted; every method must be counted
 * (0 when there is none).
 *
 * Returns: whether it was closed
 */
gboolean
fd_drawer_dialog_close_drawer (FdDrawerDialog *self)
{
  g_autofree char *cashier = fd_payments_cashier ();
  g_autoptr(GError) error = NULL;
  gint64 counted[FD_N_PAYMENT_METHODS] = { 0 };

  g_return_val_if_fail (FD_IS_DRAWER_DIALOG (self), FALSE);

  fd_payments_show_message (self->count_error, NULL);
  for (guint m = 0; m < FD_N_PAYMENT_METHODS; m++)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (self->counted[m]));
      g_autofree char *stripped = g_strstrip (g_strdup (text));
      g_autoptr(GError) amount_error = NULL;

      if (*stripped == '\0' && self->summary.expected[m] == 0)
        continue;
      if (!parse_count (stripped, &counted[m], &amount_error))
        {
          /* Translators: a method and why its count cannot be read */
          g_autofree char *message = g_strdup_printf (_("%1$s: %2$s"), fd_payment_method_label (m),
                                                      amount_error->message);
          fd_payments_show_message (self->count_error, message);
          gtk_widget_grab_focus (GTK_WIDGET (self->counted[m]));
          return FALSE;
        }
    }

  if (!fd_ledger_drawer_close (self->store, self->session_id, cashier, counted, NULL, &error))
    {
      fd_payments_show_message (self->count_error, error->message);
      return FALSE;
    }
  g_debug ("Drawer session %" G_GINT64_FORMAT " closed", self->session_id);
  show_session (self);
  return TRUE;
}
