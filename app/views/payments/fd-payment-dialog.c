/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdPaymentDialog"

#include "config.h"

#include <glib/gi18n.h>

#include "fd-fhir.h"
#include "fd-payment-dialog.h"
#include "fd-payments-util.h"
#include "fd-store-ledger.h"

#define MAX_LINES 8

typedef struct
{
  GtkWidget   *box;
  GtkDropDown *method;
  GtkEntry    *amount;
  GtkButton   *remove;
  GtkWidget   *cash_box;
  GtkEntry    *tendered;
  GtkLabel    *change;
  GtkWidget   *check_box;
  GtkEntry    *check_number;
  GtkWidget   *card_box;
  GtkEntry    *card_brand;
  GtkEntry    *card_last4;
  GtkEntry    *authorization;
  GtkLabel    *error;
} MethodLine;

struct _FdPaymentDialog
{
  AdwWindow        parent_instance;

  FdStore         *store;
  char            *patient_id;
  FdLedgerAccount  account;
  gint64           due_cents;
  GPtrArray       *lines;     /* MethodLine */
  GPtrArray       *invoices;  /* FdLedgerInvoice */

  AdwWindowTitle  *window_title;
  GtkLabel        *due_label;
  GtkEntry        *amount_entry;
  GtkLabel        *amount_error;
  GtkBox          *lines_box;
  GtkCheckButton  *copay_check;
  GtkCheckButton  *oldest_radio;
  GtkCheckButton  *chosen_radio;
  GtkListBox      *invoice_list;
  GtkCheckButton  *credit_check;
  GtkLabel        *apply_error;
  GtkLabel        *change_label;
  GtkLabel        *error_label;
};

G_DEFINE_FINAL_TYPE (FdPaymentDialog, fd_payment_dialog, ADW_TYPE_WINDOW)

enum {
  POSTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_change (FdPaymentDialog *self);

/* Helpers */

static GtkEntry *
add_field (GtkWidget  *box,
           const char *mnemonic,
           const char *accessible,
           GtkLabel   *message)
{
  GtkWidget *field = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *label = gtk_label_new_with_mnemonic (mnemonic);
  GtkWidget *entry = gtk_entry_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
  gtk_widget_set_hexpand (field, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_box_append (GTK_BOX (field), label);
  gtk_box_append (GTK_BOX (field), entry);
  gtk_box_append (GTK_BOX (box), field);
  fd_payments_guard_editable (GTK_EDITABLE (entry), accessible, message);
  return GTK_ENTRY (entry);
}

static FdPaymentMethod
line_method (MethodLine *line)
{
  return (FdPaymentMethod) gtk_drop_down_get_selected (line->method);
}

static void
show_line_fields (FdPaymentDialog *self)
{
  gboolean split = self->lines->len > 1;

  for (guint i = 0; i < self->lines->len; i++)
    {
      MethodLine *line = g_ptr_array_index (self->lines, i);
      FdPaymentMethod method = line_method (line);

      gtk_widget_set_visible (GTK_WIDGET (line->amount), split);
      gtk_widget_set_visible (gtk_widget_get_prev_sibling (GTK_WIDGET (line->amount)), split);
      gtk_widget_set_visible (GTK_WIDGET (line->remove), split);
      gtk_widget_set_visible (line->cash_box, method == FD_PAYMENT_METHOD_CASH);
      gtk_widget_set_visible (line->check_box, method == FD_PAYMENT_METHOD_CHECK);
      gtk_widget_set_visible (line->card_box, method == FD_PAYMENT_METHOD_CREDIT_CARD ||
                                              method == FD_PAYMENT_METHOD_DEBIT_CARD);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "payment.add-method", self->lines->len < MAX_LINES);
}

static void
method_line_free (MethodLine *line)
{
  g_free (line);
}

static void
move_on_cb (GtkEntry        *entry,
            FdPaymentDialog *self)
{
  gtk_widget_child_focus (GTK_WIDGET (self), GTK_DIR_TAB_FORWARD);
}

static void
field_changed_cb (GtkEditable     *editable,
                  FdPaymentDialog *self)
{
  update_change (self);
}

static void
method_changed_cb (GtkDropDown     *drop_down,
                   GParamSpec      *pspec,
                   FdPaymentDialog *self)
{
  show_line_fields (self);
  update_change (self);
}

static void
remove_line_cb (GtkButton       *button,
                FdPaymentDialog *self)
{
  for (guint i = 0; i < self->lines->len; i++)
    {
      MethodLine *line = g_ptr_array_index (self->lines, i);

      if (line->remove == button)
        {
          gtk_box_remove (self->lines_box, line->box);
          g_ptr_array_remove_index (self->lines, i);
          break;
        }
    }
  show_line_fields (self);
  update_change (self);
}

static MethodLine *
add_line (FdPaymentDialog *self)
{
  MethodLine *line = g_new0 (MethodLine, 1);
  GtkWidget *top, *row;
  g_autoptr(GListModel) names = fd_payments_method_names ();

  line->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_add_css_class (line->box, "card");
  gtk_widget_add_css_class (line->box, "method-line");
  line->error = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (line->error, 0);
  gtk_label_set_wrap (line->error, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (line->error), "error");
  gtk_widget_add_css_class (GTK_WIDGET (line->error), "field-message");
  gtk_widget_set_visible (GTK_WIDGET (line->error), FALSE);

  top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  line->method = GTK_DROP_DOWN (gtk_drop_down_new (g_steal_pointer (&names), NULL));
  gtk_widget_set_valign (GTK_WIDGET (line->method), GTK_ALIGN_END);
  gtk_accessible_update_property (GTK_ACCESSIBLE (line->method), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Payment method"), -1);
  gtk_box_append (GTK_BOX (top), GTK_WIDGET (line->method));
  {
    GtkWidget *label = gtk_label_new_with_mnemonic (_("A_mount of this part"));
    GtkWidget *field = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);

    line->amount = GTK_ENTRY (gtk_entry_new ());
    gtk_label_set_xalign (GTK_LABEL (label), 0);
    gtk_widget_add_css_class (label, "caption-heading");
    gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (line->amount));
    gtk_accessible_update_property (GTK_ACCESSIBLE (line->amount), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Amount of this part"), -1);
    fd_payments_guard_editable (GTK_EDITABLE (line->amount), _("Amount of this part"), line->error);
    gtk_widget_set_hexpand (field, TRUE);
    gtk_box_append (GTK_BOX (field), label);
    gtk_box_append (GTK_BOX (field), GTK_WIDGET (line->amount));
    gtk_box_append (GTK_BOX (top), field);
  }
  line->remove = GTK_BUTTON (gtk_button_new_from_icon_name ("user-trash-symbolic"));
  gtk_widget_set_valign (GTK_WIDGET (line->remove), GTK_ALIGN_END);
  gtk_widget_set_tooltip_text (GTK_WIDGET (line->remove), _("Remove this method"));
  gtk_widget_add_css_class (GTK_WIDGET (line->remove), "flat");
  gtk_box_append (GTK_BOX (top), GTK_WIDGET (line->remove));
  gtk_box_append (GTK_BOX (line->box), top);

  line->cash_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  line->tendered = add_field (line->cash_box, _("Cash _tendered"), _("Cash tendered"), line->error);
  gtk_entry_set_placeholder_text (line->tendered, _("Exact amount"));
  line->change = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_valign (GTK_WIDGET (line->change), GTK_ALIGN_END);
  gtk_widget_add_css_class (GTK_WIDGET (line->change), "heading");
  gtk_widget_add_css_class (GTK_WIDGET (line->change), "numeric");
  gtk_box_append (GTK_BOX (line->cash_box), GTK_WIDGET (line->change));
  gtk_box_append (GTK_BOX (line->box), line->cash_box);

  line->check_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  line->check_number = add_field (line->check_box, _("Check _number"), _("Check number"), line->error);
  gtk_box_append (GTK_BOX (line->box), line->check_box);

  line->card_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  line->card_brand = add_field (row, _("Card _brand"), _("Card brand"), line->error);
  line->card_last4 = add_field (row, _("_Last four digits"), _("Last four digits"), line->error);
  /* No length limit: a whole card number pasted here must reach the guard,
   * not be cut to its first four digits and kept */
  gtk_editable_set_width_chars (GTK_EDITABLE (line->card_last4), 6);
  gtk_box_append (GTK_BOX (line->card_box), row);
  line->authorization = add_field (line->card_box, _("A_uthorization code"), _("Authorization code"), line->error);
  gtk_box_append (GTK_BOX (line->box), line->card_box);
  gtk_box_append (GTK_BOX (line->box), GTK_WIDGET (line->error));

  for (GtkEntry **e = (GtkEntry *[]) { line->amount, line->tendered, line->check_number, line->card_brand,
                                       line->card_last4, line->authorization, NULL }; *e; e++)
    {
      g_signal_connect (*e, "activate", G_CALLBACK (move_on_cb), self);
      g_signal_connect (*e, "changed", G_CALLBACK (field_changed_cb), self);
    }
  g_signal_connect (line->method, "notify::selected", G_CALLBACK (method_changed_cb), self);
  g_signal_connect (line->remove, "clicked", G_CALLBACK (remove_line_cb), self);

  gtk_box_append (self->lines_box, line->box);
  g_ptr_array_add (self->lines, line);
  show_line_fields (self);
  return line;
}

/* Parses the whole form; messages go beside the fields. */
static gboolean
read_form (FdPaymentDialog  *self,
           gint64           *amount_cents,
           FdPaymentLine    *lines,
           gint64           *change_cents,
           gboolean          show)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  if (show)
    fd_payments_show_message (self->amount_error, NULL);
  if (!fd_payments_parse_amount (gtk_editable_get_text (GTK_EDITABLE (self->amount_entry)), FALSE,
                                 amount_cents, &error))
    {
      if (show)
        fd_payments_show_message (self->amount_error, error->message);
      return FALSE;
    }

  for (guint i = 0; i < self->lines->len; i++)
    {
      MethodLine *line = g_ptr_array_index (self->lines, i);
      FdPaymentLine *out = &lines[i];
      g_autoptr(GError) line_error = NULL;

      memset (out, 0, sizeof *out);
      out->method = line_method (line);
      if (show)
        fd_payments_show_message (line->error, NULL);

      if (self->lines->len == 1)
        out->amount_cents = *amount_cents;
      else if (!fd_payments_parse_amount (gtk_editable_get_text (GTK_EDITABLE (line->amount)), FALSE,
                                          &out->amount_cents, &line_error))
        goto bad_line;

      if (out->method == FD_PAYMENT_METHOD_CASH &&
          !fd_payments_parse_amount (gtk_editable_get_text (GTK_EDITABLE (line->tendered)), TRUE,
                                     &out->tendered_cents, &line_error))
        {
          g_clear_error (&line_error);
          g_set_error_literal (&line_error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("The cash handed over is not a valid amount"));
          goto bad_line;
        }
      if (out->method == FD_PAYMENT_METHOD_CASH && out->tendered_cents > 0 &&
          out->tendered_cents < out->amount_cents)
        {
          g_autofree char *amount = fd_payments_format_cents (out->amount_cents);

          g_set_error (&line_error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The cash handed over is less than %s"), amount);
          goto bad_line;
        }
      if (!fd_payments_read_method (out->method, GTK_EDITABLE (line->check_number),
                                    GTK_EDITABLE (line->card_brand), GTK_EDITABLE (line->card_last4),
                                    GTK_EDITABLE (line->authorization), out, &line_error))
        goto bad_line;
      continue;

    bad_line:
      if (show)
        fd_payments_show_message (line->error, line_error->message);
      ok = FALSE;
    }

  if (!ok)
    return FALSE;

  if (!fd_ledger_check_lines (lines, self->lines->len, *amount_cents, change_cents, &error))
    {
      MethodLine *last = g_ptr_array_index (self->lines, self->lines->len - 1);

      if (show)
        fd_payments_show_message (self->lines->len == 1 ? last->error : self->error_label, error->message);
      return FALSE;
    }
  return TRUE;
}

static void
update_change (FdPaymentDialog *self)
{
  FdPaymentLine lines[MAX_LINES];
  gint64 amount = 0, change = 0;
  gboolean ok;

  for (guint i = 0; i < self->lines->len; i++)
    {
      MethodLine *line = g_ptr_array_index (self->lines, i);
      gint64 part = 0, tendered = 0, line_change = 0;
      g_autofree char *text = NULL;

      gtk_label_set_label (line->change, "");
      /* With one method the change due below says it all */
      if (line_method (line) != FD_PAYMENT_METHOD_CASH || self->lines->len == 1)
        continue;
      if (self->lines->len == 1)
        fd_payments_parse_amount (gtk_editable_get_text (GTK_EDITABLE (self->amount_entry)), FALSE, &part, NULL);
      else
        fd_payments_parse_amount (gtk_editable_get_text (GTK_EDITABLE (line->amount)), FALSE, &part, NULL);
      if (part <= 0 ||
          !fd_payments_parse_amount (gtk_editable_get_text (GTK_EDITABLE (line->tendered)), TRUE, &tendered, NULL) ||
          tendered == 0 || !fd_ledger_cash_change (part, tendered, &line_change, NULL))
        continue;
      text = fd_payments_format_cents (line_change);
      {
        /* Translators: the cash to give back, shown as it is typed */
        g_autofree char *label = g_strdup_printf (_("Change %s"), text);

        gtk_label_set_label (line->change, label);
      }
    }

  ok = read_form (self, &amount, lines, &change, FALSE);
  if (ok && change > 0)
    {
      g_autofree char *text = fd_payments_format_cents (change);
      g_autofree char *label = g_strdup_printf (_("Change due: %s"), text);

      gtk_label_set_label (self->change_label, label);
      gtk_widget_set_visible (GTK_WIDGET (self->change_label), TRUE);
    }
  else if (ok && self->lines->len == 1 &&
           line_method (g_ptr_array_index (self->lines, 0)) == FD_PAYMENT_METHOD_CASH &&
           lines[0].tendered_cents > 0)
    {
      g_autofree char *text = fd_payments_format_cents (0);
      g_autofree char *label = g_strdup_printf (_("Change due: %s"), text);

      gtk_label_set_label (self->change_label, label);
      gtk_widget_set_visible (GTK_WIDGET (self->change_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->change_label), FALSE);
}

static void
fill_invoices (FdPaymentDialog *self)
{
  g_autoptr(GError) error = NULL;
  FdMoneyStyle style;

  fd_money_style_from_locale (&style);
  g_clear_pointer (&self->invoices, g_ptr_array_unref);
  self->invoices = fd_ledger_list_open_invoices (self->store, self->patient_id, &error);
  if (self->invoices == NULL)
    {
      g_warning ("Could not list the open invoices of Patient/%s: %s", self->patient_id, error->message);
      self->invoices = g_ptr_array_new ();
    }

  for (guint i = 0; i < self->invoices->len; i++)
    {
      FdLedgerInvoice *invoice = g_ptr_array_index (self->invoices, i);
      g_autofree char *amount = fd_money_format (&invoice->open, &style);
      g_autofree char *day = g_date_valid (&invoice->date) ? g_strdup_printf ("%02u/%02u/%04u",
                                                                             g_date_get_month (&invoice->date),
                                                                             g_date_get_day (&invoice->date),
                                                                             g_date_get_year (&invoice->date))
                                                           : g_strdup ("");
      /* Translators: an open invoice to choose: date, what it was for, what is left to pay */
      g_autofree char *text = g_strdup_printf (_("%1$s  %2$s — %3$s open"), day,
                                               invoice->description ? invoice->description : "", amount);
      GtkWidget *check = gtk_check_button_new_with_label (text);

      gtk_widget_set_margin_start (check, 6);
      gtk_widget_set_margin_top (check, 4);
      gtk_widget_set_margin_bottom (check, 4);
      g_object_set_data (G_OBJECT (check), "invoice-index", GUINT_TO_POINTER (i));
      gtk_list_box_append (self->invoice_list, check);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->chosen_radio), self->invoices->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->invoice_list), self->invoices->len > 0);
}

static GPtrArray *
chosen_invoices (FdPaymentDialog *self)
{
  GPtrArray *ids = g_ptr_array_new ();

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->invoice_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *check = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
      guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "invoice-index"));

      if (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)))
        g_ptr_array_add (ids, ((FdLedgerInvoice *) g_ptr_array_index (self->invoices, index))->id);
    }
  g_ptr_array_add (ids, NULL);
  return ids;
}

static gboolean
do_post (FdPaymentDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) chosen = NULL;
  g_autofree char *station = fd_payments_station ();
  g_autofree char *cashier = fd_payments_cashier ();
  g_autofree char *receipt = NULL;
  FdPaymentLine lines[MAX_LINES];
  FdPaymentRequest request = { 0 };
  gint64 amount = 0, change = 0;

  if (!read_form (self, &amount, lines, &change, TRUE))
    return FALSE;

  chosen = chosen_invoices (self);
  request.patient_id = self->patient_id;
  request.station = station;
  request.cashier = cashier;
  request.amount_cents = amount;
  request.lines = lines;
  request.n_lines = self->lines->len;
  request.pay_copay = gtk_widget_get_visible (GTK_WIDGET (self->copay_check)) &&
                      gtk_check_button_get_active (self->copay_check);
  request.mode = gtk_check_button_get_active (self->chosen_radio) ? FD_APPLY_CHOSEN : FD_APPLY_OLDEST_FIRST;
  request.invoice_ids = (const char * const *) chosen->pdata;
  request.keep_excess_as_credit = gtk_check_button_get_active (self->credit_check);

  if (!fd_ledger_post_payment (self->store, &request, &receipt, &error))
    {
      g_debug ("Payment for Patient/%s refused", self->patient_id);
      fd_payments_show_message (self->apply_error, error->message);
      return FALSE;
    }

  g_debug ("Payment posted for Patient/%s as receipt %s", self->patient_id, receipt);
  g_signal_emit (self, signals[POSTED], 0, receipt, change);
  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}

static gboolean
post_after_drawer_cb (gpointer user_data)
{
  FdPaymentDialog *self = user_data;

  if (self->store != NULL && gtk_widget_get_visible (GTK_WIDGET (self)))
    do_post (self);
  return G_SOURCE_REMOVE;
}

static void
drawer_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    FdPaymentDialog  *self)
{
  GtkWidget *box = adw_message_dialog_get_extra_child (dialog);
  GtkEditable *entry = GTK_EDITABLE (gtk_widget_get_first_child (box));
  GtkLabel *message = GTK_LABEL (gtk_widget_get_last_child (box));
  g_autofree char *station = fd_payments_station ();
  g_autofree char *cashier = fd_payments_cashier ();
  g_autoptr(GError) error = NULL;
  gint64 float_cents = 0, session = 0;

  if (!g_str_equal (response, "open"))
    return;

  if (!fd_payments_parse_amount (gtk_editable_get_text (entry), TRUE, &float_cents, &error) ||
      !fd_ledger_drawer_open (self->store, station, cashier, float_cents, NULL, &session, &error))
    {
      fd_payments_show_error (GTK_WIDGET (self), _("Could Not Open the Drawer"), error->message);
      return;
    }
  (void) message;
  /* Posting closes this dialog, and the message dialog asking for the
   * float is transient for it: post once that one is gone */
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, post_after_drawer_cb, g_object_ref (self), g_object_unref);
}

static void
offer_drawer (FdPaymentDialog *self)
{
  GtkWidget *dialog, *box, *entry, *message;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Open the Cash Drawer First"),
                                   _("Payments are counted in this station’s drawer. "
                                     "Enter the starting cash (float) to open it."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Starting float"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Starting float"), -1);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  message = gtk_label_new (NULL);
  gtk_widget_add_css_class (message, "error");
  gtk_widget_set_visible (message, FALSE);
  fd_payments_guard_editable (GTK_EDITABLE (entry), _("Starting float"), GTK_LABEL (message));
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), message);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "open", _("_Open Drawer and Post"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "open");
  g_signal_connect_object (dialog, "response", G_CALLBACK (drawer_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Callbacks */

static void
apply_mode_toggled_cb (FdPaymentDialog *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->invoice_list), gtk_check_button_get_active (self->chosen_radio));
}

static void
post_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  fd_payment_dialog_post (FD_PAYMENT_DIALOG (widget));
}

static void
add_method_action_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  FdPaymentDialog *self = FD_PAYMENT_DIALOG (widget);
  guint line = fd_payment_dialog_add_method (self);
  MethodLine *added = g_ptr_array_index (self->lines, line);

  gtk_widget_grab_focus (GTK_WIDGET (added->method));
}

/* Object */

static void
fd_payment_dialog_dispose (GObject *object)
{
  FdPaymentDialog *self = (FdPaymentDialog *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_PAYMENT_DIALOG);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fd_payment_dialog_parent_class)->dispose (object);
}

static void
fd_payment_dialog_finalize (GObject *object)
{
  FdPaymentDialog *self = (FdPaymentDialog *)object;

  g_free (self->patient_id);
  fd_ledger_account_clear (&self->account);
  g_clear_pointer (&self->lines, g_ptr_array_unref);
  g_clear_pointer (&self->invoices, g_ptr_array_unref);

  G_OBJECT_CLASS (fd_payment_dialog_parent_class)->finalize (object);
}

static void
fd_payment_dialog_class_init (FdPaymentDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_payment_dialog_dispose;
  object_class->finalize = fd_payment_dialog_finalize;

  /**
   * FdPaymentDialog::posted:
   * @receipt_number: the receipt of the payment
   * @change_cents: the cash to give back
   */
  signals[POSTED] =
    g_signal_new ("posted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/frontdesk/Frontdesk/ui/payments/fd-payment-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FdPaymentDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, FdPaymentDialog, due_label);
  gtk_widget_class_bind_template_child (widget_class, FdPaymentDialog, amount_entry);
  gtk_widget_class_bind_template_child (widget_class, FdPaymentDialog, amount_error);
  gtk_widget_class_bind_template_child (widget_class, FdPaymentDialog, lines_box);
  gtk_widget_class_bind_template_child (widget_class, FdPaymentDialog, copay_check);
  gtk_widget_class_bind_template_child (widget_class, FdPaymentDialog, oldest_radio);
  gtk_widget_class_bind_template_child (widget_class, FdPaymentDialog, chosen_radio);
  gtk_widget_class_bind_template_child (widget_class, FdPaymentDialog, invoice_list);
  gtk_widget_class_bind_template_child (widget_class, FdPaymentDialog, credit_check);
  gtk_widget_class_bind_template_child (widget_class, FdPaymentDialog, apply_error);
  gtk_widget_class_bind_template_child (widget_class, FdPaymentDialog, change_label);
  gtk_widget_class_bind_template_child (widget_class, FdPaymentDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, apply_mode_toggled_cb);

  gtk_widget_class_install_action (widget_class, "payment.post", NULL, post_action_cb);
  gtk_widget_class_install_action (widget_class, "payment.add-method", NULL, add_method_action_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "payment.post", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "payment.post", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fd_payment_dialog_init (FdPaymentDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) method_line_free);
  fd_payments_guard_editable (GTK_EDITABLE (self->amount_entry), _("Amount"), self->amount_error);
  g_signal_connect (self->amount_entry, "activate", G_CALLBACK (move_on_cb), self);
  g_signal_connect (self->amount_entry, "changed", G_CALLBACK (field_changed_cb), self);
}

/**
 * fd_payment_dialog_new:
 * @store: the store
 * @patient_id: whose payment
 * @amount_cents: the amount to offer; negative for what is due
 *
 * Returns: (transfer none): a new dialog, not yet shown
 */
FdPaymentDialog *
fd_payment_dialog_new (FdStore    *store,
                       const char *patient_id,
                       gint64      amount_cents)
{
  FdPaymentDialog *self = g_object_new (FD_TYPE_PAYMENT_DIALOG, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) due = g_string_new (NULL);
  g_autoptr(JsonObject) patient = NULL;
  g_autofree char *offer = NULL;
  GDate today;

  self->store = g_object_ref (store);
  self->patient_id = g_strdup (patient_id);
  g_date_set_time_t (&today, time (NULL));
  if (!fd_ledger_get_account (store, patient_id, &today, &self->account, &error))
    {
      g_warning ("Could not read the account of Patient/%s: %s", patient_id, error->message);
      fd_money_init (&self->account.balance, 0, NULL);
    }
  self->due_cents = self->account.copay_due.cents + MAX (self->account.balance.cents, 0);

  patient = fd_store_get (store, "Patient", patient_id, NULL);
  if (patient != NULL)
    {
      g_autofree char *name = fd_fhir_patient_display (patient);

      adw_window_title_set_subtitle (self->window_title, name);
    }

  {
    g_autofree char *balance = fd_payments_format_cents (self->account.balance.cents);
    g_autofree char *copay = fd_payments_format_cents (self->account.copay_due.cents);

    /* Translators: what the patient owes, at the top of the payment dialog */
    g_string_append_printf (due, _("Balance %s"), balance);
    if (self->account.copay_due.cents > 0)
      /* Translators: follows "Balance $15.00" */
      g_string_append_printf (due, _(" · Co-pay due today %s"), copay);
    if (self->account.credit.cents > 0)
      {
        g_autofree char *credit = fd_payments_format_cents (self->account.credit.cents);

        /* Translators: follows "Balance $15.00" */
        g_string_append_printf (due, _(" · Credit %s"), credit);
      }
    gtk_label_set_label (self->due_label, due->str);
  }

  gtk_widget_set_visible (GTK_WIDGET (self->copay_check), self->account.copay_due.cents > 0);
  fill_invoices (self);
  add_line (self);

  if (amount_cents < 0)
    amount_cents = self->due_cents;
  if (amount_cents > 0)
    {
      FdMoneyStyle style;
      FdMoney money;

      /* The amount as the desk types it, without a currency symbol */
      fd_money_style_from_locale (&style);
      fd_money_init (&money, amount_cents, NULL);
      offer = g_strdup_printf ("%" G_GINT64_FORMAT "%s%02d", amount_cents / 100, style.decimal,
                               (int) (amount_cents % 100));
      gtk_editable_set_text (GTK_EDITABLE (self->amount_entry), offer);
    }
  gtk_widget_grab_focus (GTK_WIDGET (self->amount_entry));
  return self;
}

/**
 * fd_payment_dialog_get_due:
 * @self: the dialog
 *
 * Returns: today's co-pay plus the open balance, in cents
 */
gint64
fd_payment_dialog_get_due (FdPaymentDialog *self)
{
  g_return_val_if_fail (FD_IS_PAYMENT_DIALOG (self), 0);
  return self->due_cents;
}

/**
 * fd_payment_dialog_add_method:
 * @self: the dialog
 *
 * Splits the payment over one more method.
 *
 * Returns: the index of the new method line
 */
guint
fd_payment_dialog_add_method (FdPaymentDialog *self)
{
  g_return_val_if_fail (FD_IS_PAYMENT_DIALOG (self), 0);

  if (self->lines->len >= MAX_LINES)
    return self->lines->len - 1;
  add_line (self);
  return self->lines->len - 1;
}

/**
 * fd_payment_dialog_set_method:
 * @self: the dialog
 * @line: a method line
 * @method: how that part is paid
 */
void
fd_payment_dialog_set_method (FdPaymentDialog *self,
                              guint            line,
                              FdPaymentMethod  method)
{
  g_return_if_fail (FD_IS_PAYMENT_DIALOG (self));
  g_return_if_fail (line < self->lines->len);

  gtk_drop_down_set_selected (((MethodLine *) g_ptr_array_index (self->lines, line))->method, method);
}

/**
 * fd_payment_dialog_get_field:
 * @self: the dialog
 * @line: a method line; ignored for "amount" when @line is G_MAXUINT
 * @field: one of the FD_PAYMENT_FIELD_ names
 *
 * Returns: (transfer none) (nullable): the text field; with @line
 *   G_MAXUINT and "amount", the payment's amount
 */
GtkEditable *
fd_payment_dialog_get_field (FdPaymentDialog *self,
                             guint            line,
                             const char      *field)
{
  MethodLine *l;

  g_return_val_if_fail (FD_IS_PAYMENT_DIALOG (self), NULL);

  if (line == G_MAXUINT)
    return g_str_equal (field, FD_PAYMENT_FIELD_AMOUNT) ? GTK_EDITABLE (self->amount_entry) : NULL;
  g_return_val_if_fail (line < self->lines->len, NULL);
  l = g_ptr_array_index (self->lines, line);
  if (g_str_equal (field, FD_PAYMENT_FIELD_AMOUNT))
    return GTK_EDITABLE (l->amount);
  if (g_str_equal (field, FD_PAYMENT_FIELD_TENDERED))
    return GTK_EDITABLE (l->tendered);
  if (g_str_equal (field, FD_PAYMENT_FIELD_CHECK_NUMBER))
    return GTK_EDITABLE (l->check_number);
  if (g_str_equal (field, FD_PAYMENT_FIELD_CARD_BRAND))
    return GTK_EDITABLE (l->card_brand);
  if (g_str_equal (field, FD_PAYMENT_FIELD_CARD_LAST4))
    return GTK_EDITABLE (l->card_last4);
  if (g_str_equal (field, FD_PAYMENT_FIELD_AUTHORIZATION))
    return GTK_EDITABLE (l->authorization);
  return NULL;
}

/**
 * fd_payment_dialog_get_message:
 * @self: the dialog
 * @line: a method line, or G_MAXUINT for the amount, G_MAXUINT - 1 for
 *   "Apply to", G_MAXUINT - 2 for the dialog's own message
 *
 * Returns: (transfer none): the label that tells what is wrong there
 */
GtkLabel *
fd_payment_dialog_get_message (FdPaymentDialog *self,
                               guint            line)
{
  g_return_val_if_fail (FD_IS_PAYMENT_DIALOG (self), NULL);

  if (line == G_MAXUINT)
    return self->amount_error;
  if (line == G_MAXUINT - 1)
    return self->apply_error;
  if (line == G_MAXUINT - 2)
    return self->error_label;
  g_return_val_if_fail (line < self->lines->len, NULL);
  return ((MethodLine *) g_ptr_array_index (self->lines, line))->error;
}

/**
 * fd_payment_dialog_post:
 * @self: the dialog
 *
 * Checks everything and posts the payment (Ctrl+Enter). Without an open
 * drawer it first offers to open one.
 *
 * Returns: whether the payment was posted
 */
gboolean
fd_payment_dialog_post (FdPaymentDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *station = fd_payments_station ();
  FdPaymentLine lines[MAX_LINES];
  gint64 amount = 0, change = 0, session = 0;

  g_return_val_if_fail (FD_IS_PAYMENT_DIALOG (self), FALSE);

  fd_payments_show_message (self->apply_error, NULL);
  fd_payments_show_message (self->error_label, NULL);
  if (!read_form (self, &amount, lines, &change, TRUE))
    return FALSE;

  if (!fd_ledger_drawer_current (self->store, station, &session, &error))
    {
      if (g_error_matches (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
        offer_drawer (self);
      else
        fd_payments_show_message (self->error_label, error->message);
      return FALSE;
    }
  return do_post (self);
}
