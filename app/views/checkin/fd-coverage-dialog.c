/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdCoverageDialog"

#include "config.h"

#include <glib/gi18n.h>

#include "fd-checkin.h"
#include "fd-coverage-dialog.h"
#include "fd-dates.h"
#include "fd-fhir.h"
#include "fd-money.h"
#include "fd-store-checkin.h"
#include "fd-text.h"
#include "fd-view-util.h"

/* A new insurance card at the desk: the coverage typed in, added beside the
 * one on file or replacing it. */
struct _FdCoverageDialog
{
  AdwWindow        parent_instance;

  FdStore         *store;
  char            *patient_id;
  char            *patient_display;
  char            *current_id;
  GPtrArray       *payers;   /* FdStoreRef, parallel to payer_row */

  AdwWindowTitle  *window_title;
  GtkLabel        *message_label;
  AdwComboRow     *payer_row;
  AdwEntryRow     *member_row;
  AdwEntryRow     *group_row;
  AdwComboRow     *relationship_row;
  AdwEntryRow     *subscriber_row;
  AdwEntryRow     *start_row;
  AdwEntryRow     *end_row;
  AdwEntryRow     *copay_row;
  GtkWidget       *replace_group;
  GtkSwitch       *replace_switch;
};

G_DEFINE_FINAL_TYPE (FdCoverageDialog, fd_coverage_dialog, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const relationships[] = { "self", "spouse", "child", "other" };

static char *
row_text (AdwEntryRow *row)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (row)));

  return g_strdup (g_strstrip (text));
}

static void
mark (AdwEntryRow *row,
      const char  *title,
      const char  *message)
{
  g_autofree char *text = message ? g_strdup_printf ("%s — %s", title, message) : g_strdup (title);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

/* A date typed in the locale's order; "" gives NULL without an error */
static gboolean
read_date (AdwEntryRow  *row,
           const char   *title,
           char        **out,
           GtkWidget   **first_bad)
{
  g_autofree char *text = row_text (row);
  g_autoptr(GError) error = NULL;
  GDate date;

  *out = NULL;
  if (*text != '\0')
    {
      g_date_clear (&date, 1);
      if (fd_date_parse (text, fd_date_order_from_locale (), &date, &error))
        *out = fd_date_format_iso (&date);
    }
  mark (row, title, error ? error->message : NULL);
  if (error != NULL && *first_bad == NULL)
    *first_bad = GTK_WIDGET (row);
  return error == NULL;
}

static void
show_message (FdCoverageDialog *self,
              const char       *message)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static void
save_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FdCoverageDialog *self = FD_COVERAGE_DIALOG (widget);
  g_autofree char *member = row_text (self->member_row);
  g_autofree char *group = row_text (self->group_row);
  g_autofree char *subscriber = row_text (self->subscriber_row);
  g_autofree char *copay_text = row_text (self->copay_row);
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr(JsonObject) coverage = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  GtkWidget *first_bad = NULL;
  guint relationship = adw_combo_row_get_selected (self->relationship_row);
  guint payer = adw_combo_row_get_selected (self->payer_row);
  FdStoreRef *payer_ref;
  FdMoney copay;
  FdMoneyStyle style;
  FdCoverageInput input = { 0 };

  if (payer == GTK_INVALID_LIST_POSITION || payer >= self->payers->len)
    {
      show_message (self, _("No payer is on file on this station yet. Try again after the next sync."));
      return;
    }
  payer_ref = g_ptr_array_index (self->payers, payer);

  mark (self->member_row, _("Member ID"), *member == '\0' ? _("required") : NULL);
  if (*member == '\0')
    first_bad = GTK_WIDGET (self->member_row);
  read_date (self->start_row, _("Effective from"), &start, &first_bad);
  if (start == NULL && first_bad == NULL)
    {
      mark (self->start_row, _("Effective from"), _("required"));
      first_bad = GTK_WIDGET (self->start_row);
    }
  read_date (self->end_row, _("Effective until (if printed)"), &end, &first_bad);
  if (start != NULL && end != NULL && strcmp (end, start) < 0)
    {
      mark (self->end_row, _("Effective until (if printed)"), _("ends before it starts"));
      if (first_bad == NULL)
        first_bad = GTK_WIDGET (self->end_row);
    }

  fd_money_style_from_locale (&style);
  fd_money_init (&copay, -1, "USD");
  if (*copay_text != '\0' && !fd_money_parse (copay_text, "USD", &style, &copay, &error))
    {
      mark (self->copay_row, _("Office visit co-pay"), error->message);
      if (first_bad == NULL)
        first_bad = GTK_WIDGET (self->copay_row);
      fd_money_init (&copay, -1, "USD");
    }
  else if (*copay_text != '\0' && copay.cents < 0)
    {
      mark (self->copay_row, _("Office visit co-pay"), _("cannot be negative"));
      if (first_bad == NULL)
        first_bad = GTK_WIDGET (self->copay_row);
    }
  else
    mark (self->copay_row, _("Office visit co-pay"), NULL);

  if (first_bad != NULL)
    {
      show_message (self, _("Some details are missing or cannot be right. Fix the marked fields; nothing was saved."));
      gtk_widget_grab_focus (first_bad);
      return;
    }

  input.patient_id = self->patient_id;
  input.patient_display = self->patient_display;
  input.payer_id = payer_ref->id;
  input.payer_display = payer_ref->display;
  input.member_id = member;
  input.group = group;
  input.relationship = relationships[MIN (relationship, G_N_ELEMENTS (relationships) - 1)];
  input.subscriber = subscriber;
  input.start = start;
  input.end = end;
  input.copay_cents = *copay_text != '\0' ? copay.cents : -1;
  input.currency = "USD";
  coverage = fd_coverage_new (&input, id);

  if (!fd_store_replace_coverage (self->store, coverage,
                                  gtk_switch_get_active (self->replace_switch) ? self->current_id : NULL,
                                  now, &error))
    {
      show_message (self, error->message);
      return;
    }

  g_signal_emit (self, signals[SAVED], 0, id);
  gtk_window_close (GTK_WINDOW (self));
}

static void
relationship_changed_cb (FdCoverageDialog *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->subscriber_row),
                            adw_combo_row_get_selected (self->relationship_row) != 0);
}

static void
fd_coverage_dialog_dispose (GObject *object)
{
  FdCoverageDialog *self = (FdCoverageDialog *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_COVERAGE_DIALOG);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fd_coverage_dialog_parent_class)->dispose (object);
}

static void
fd_coverage_dialog_finalize (GObject *object)
{
  FdCoverageDialog *self = (FdCoverageDialog *)object;

  g_free (self->patient_id);
  g_free (self->patient_display);
  g_free (self->current_id);
  g_clear_pointer (&self->payers, g_ptr_array_unref);

  G_OBJECT_CLASS (fd_coverage_dialog_parent_class)->finalize (object);
}

static void
fd_coverage_dialog_class_init (FdCoverageDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_coverage_dialog_dispose;
  object_class->finalize = fd_coverage_dialog_finalize;

  /**
   * FdCoverageDialog::saved:
   * @coverage_id: the new coverage
   */
  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/frontdesk/Frontdesk/ui/checkin/fd-coverage-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FdCoverageDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, FdCoverageDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, FdCoverageDialog, payer_row);
  gtk_widget_class_bind_template_child (widget_class, FdCoverageDialog, member_row);
  gtk_widget_class_bind_template_child (widget_class, FdCoverageDialog, group_row);
  gtk_widget_class_bind_template_child (widget_class, FdCoverageDialog, relationship_row);
  gtk_widget_class_bind_template_child (widget_class, FdCoverageDialog, subscriber_row);
  gtk_widget_class_bind_template_child (widget_class, FdCoverageDialog, start_row);
  gtk_widget_class_bind_template_child (widget_class, FdCoverageDialog, end_row);
  gtk_widget_class_bind_template_child (widget_class, FdCoverageDialog, copay_row);
  gtk_widget_class_bind_template_child (widget_class, FdCoverageDialog, replace_group);
  gtk_widget_class_bind_template_child (widget_class, FdCoverageDialog, replace_switch);

  gtk_widget_class_install_action (widget_class, "coverage.save", NULL, save_action_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "coverage.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fd_coverage_dialog_init (FdCoverageDialog *self)
{
  const char *names[] = { C_("relationship", "Self"), C_("relationship", "Spouse"),
                          C_("relationship", "Child"), C_("relationship", "Other"), NULL };
  g_autoptr(GtkStringList) model = gtk_string_list_new (names);

  gtk_widget_init_template (GTK_WIDGET (self));
  adw_combo_row_set_model (self->relationship_row, G_LIST_MODEL (model));
  g_signal_connect_swapped (self->relationship_row, "notify::selected", G_CALLBACK (relationship_changed_cb), self);
  relationship_changed_cb (self);
}

/**
 * fd_coverage_dialog_new:
 * @store: the station's store
 * @patient_id: whose insurance
 * @current_coverage_id: (nullable): the coverage on file, which the new one
 *   replaces unless the desk says otherwise
 *
 * Returns: (transfer floating): the panel
 */
FdCoverageDialog *
fd_coverage_dialog_new (FdStore    *store,
                        const char *patient_id,
                        const char *current_coverage_id)
{
  FdCoverageDialog *self = g_object_new (FD_TYPE_COVERAGE_DIALOG, NULL);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(JsonObject) patient = fd_store_get (store, "Patient", patient_id, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = NULL;
  GDate day;

  self->store = g_object_ref (store);
  self->patient_id = g_strdup (patient_id);
  self->patient_display = patient ? fd_fhir_patient_display (patient) : NULL;
  self->current_id = g_strdup (current_coverage_id);
  self->payers = fd_store_list_payers (store, NULL);
  if (self->payers == NULL)
    self->payers = g_ptr_array_new ();
  for (guint i = 0; i < self->payers->len; i++)
    gtk_string_list_append (names, ((FdStoreRef *) g_ptr_array_index (self->payers, i))->display);
  adw_combo_row_set_model (self->payer_row, G_LIST_MODEL (names));

  adw_window_title_set_subtitle (self->window_title, self->patient_display);
  gtk_widget_set_visible (self->replace_group, current_coverage_id != NULL);
  fd_date_from_date_time (&day, now);
  today = fd_date_format_short (&day, fd_date_order_from_locale ());
  gtk_editable_set_text (GTK_EDITABLE (self->start_row), today);
  gtk_widget_grab_focus (GTK_WIDGET (self->payer_row));
  return self;
}
