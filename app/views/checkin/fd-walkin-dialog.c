/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdWalkinDialog"

#include "config.h"

#include <glib/gi18n.h>

#include "fd-dates.h"
#include "fd-store-checkin.h"
#include "fd-text.h"
#include "fd-validate.h"
#include "fd-view-util.h"
#include "fd-walkin-dialog.h"

/* A patient without an appointment: the minimum a desk needs, the patients
 * on file who may be the same person, then an appointment for now and the
 * check-in, in one step. */
struct _FdWalkinDialog
{
  AdwWindow            parent_instance;

  FdStore             *store;
  GPtrArray           *providers;   /* FdStoreRef, parallel to provider_row */
  GPtrArray           *candidates;  /* FdDuplicateCandidate */
  GPtrArray           *candidate_rows;
  GtkCheckButton      *new_check;
  char                *birth_date;
  char                *phone;

  GtkLabel            *message_label;
  GtkStack            *stack;
  GtkButton           *next_button;
  AdwEntryRow         *family_row;
  AdwEntryRow         *given_row;
  AdwEntryRow         *birth_row;
  AdwComboRow         *sex_row;
  AdwEntryRow         *phone_row;
  AdwEntryRow         *mrn_row;
  AdwComboRow         *provider_row;
  AdwPreferencesGroup *candidates_group;
};

G_DEFINE_FINAL_TYPE (FdWalkinDialog, fd_walkin_dialog, ADW_TYPE_WINDOW)

enum {
  CHECKED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const sexes[] = { "female", "male", "other", "unknown" };

static void
show_message (FdWalkinDialog *self,
              const char     *message)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static void
mark (AdwEntryRow *row,
      const char  *title,
      const char  *message)
{
  if (message != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%s — %s", title, message);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
    }
}

static char *
row_text (AdwEntryRow *row)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (row)));

  return g_strdup (g_strstrip (text));
}

static gboolean
check_details (FdWalkinDialog *self)
{
  g_autofree char *family = row_text (self->family_row);
  g_autofree char *given = row_text (self->given_row);
  g_autofree char *birth = row_text (self->birth_row);
  g_autofree char *phone = row_text (self->phone_row);
  g_autoptr(GError) birth_error = NULL;
  g_autoptr(GError) phone_error = NULL;
  GtkWidget *first_bad = NULL;
  GDate today;

  fd_date_set_today (&today, fd_store_get_time_zone (self->store));
  g_clear_pointer (&self->birth_date, g_free);
  g_clear_pointer (&self->phone, g_free);

  mark (self->family_row, _("Family name"), fd_text_has_letters (family) ? NULL : _("required"));
  if (!fd_text_has_letters (family))
    first_bad = GTK_WIDGET (self->family_row);
  mark (self->given_row, _("Given names"), fd_text_has_letters (given) ? NULL : _("required"));
  if (!fd_text_has_letters (given) && first_bad == NULL)
    first_bad = GTK_WIDGET (self->given_row);

  if (*birth == '\0')
    g_set_error_literal (&birth_error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("required"));
  else
    self->birth_date = fd_validate_birth_date (birth, &today, &birth_error);
  mark (self->birth_row, _("Birth date"), birth_error ? birth_error->message : NULL);
  if (birth_error != NULL && first_bad == NULL)
    first_bad = GTK_WIDGET (self->birth_row);

  if (*phone != '\0')
    self->phone = fd_validate_phone (phone, &phone_error);
  mark (self->phone_row, _("Mobile phone"), phone_error ? phone_error->message : NULL);
  if (phone_error != NULL && first_bad == NULL)
    first_bad = GTK_WIDGET (self->phone_row);

  if (self->providers->len == 0)
    {
      show_message (self, _("No provider is on file on this station yet, so a visit cannot be booked."));
      return FALSE;
    }

  if (first_bad != NULL)
    {
      show_message (self, _("Some details are missing or cannot be right. Fix the marked fields."));
      gtk_widget_grab_focus (first_bad);
      return FALSE;
    }
  show_message (self, NULL);
  return TRUE;
}

static void
register_walkin (FdWalkinDialog *self,
                 const char     *existing_patient_id)
{
  g_autofree char *family = row_text (self->family_row);
  g_autofree char *given = row_text (self->given_row);
  g_autofree char *who = fd_view_station_code ();
  g_autofree char *appointment_id = NULL;
  g_autofree char *display = NULL;
  g_autoptr(GDateTime) utc = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) now = g_date_time_to_timezone (utc, fd_store_get_time_zone (self->store));
  g_autoptr(GError) error = NULL;
  FdStoreRef *provider = g_ptr_array_index (self->providers, adw_combo_row_get_selected (self->provider_row));
  guint sex = adw_combo_row_get_selected (self->sex_row);
  FdWalkin walkin = {
    .family = family,
    .given = given,
    .birth_date = self->birth_date,
    .gender = sex < G_N_ELEMENTS (sexes) ? sexes[sex] : "unknown",
    .phone = self->phone,
    .practitioner_id = provider->id,
  };

  appointment_id = fd_store_register_walkin (self->store, &walkin, existing_patient_id, now, who, &error);
  if (appointment_id == NULL)
    {
      show_message (self, error->message);
      return;
    }

  if (existing_patient_id != NULL)
    {
      for (guint i = 0; i < self->candidates->len; i++)
        {
          FdDuplicateCandidate *candidate = g_ptr_array_index (self->candidates, i);

          if (g_str_equal (candidate->patient_id, existing_patient_id))
            display = g_strdup (candidate->display);
        }
    }
  if (display == NULL)
    display = g_strdup_printf ("%s, %s", family, given);

  g_signal_emit (self, signals[CHECKED_IN], 0, appointment_id, display);
  gtk_window_close (GTK_WINDOW (self));
}

static GtkWidget *
new_choice_row (FdWalkinDialog *self,
                const char     *title,
                const char     *subtitle,
                GtkCheckButton *group)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  if (group != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  g_object_set_data (G_OBJECT (row), "check", check);
  return row;
}

static void
show_candidates (FdWalkinDialog *self)
{
  GtkCheckButton *first = NULL;

  for (guint i = 0; i < self->candidate_rows->len; i++)
    adw_preferences_group_remove (self->candidates_group, g_ptr_array_index (self->candidate_rows, i));
  g_ptr_array_set_size (self->candidate_rows, 0);

  for (guint i = 0; i < self->candidates->len; i++)
    {
      FdDuplicateCandidate *candidate = g_ptr_array_index (self->candidates, i);
      g_autoptr(GString) subtitle = g_string_new (NULL);
      GtkWidget *row;
      GDate birth;

      if (candidate->birth_date != NULL && fd_date_parse_iso (candidate->birth_date, &birth))
        {
          g_autofree char *text = fd_date_format_short (&birth, fd_date_order_from_locale ());

          /* Translators: a birth date */
          g_string_append_printf (subtitle, _("Born %s"), text);
        }
      if (candidate->phone != NULL)
        g_string_append_printf (subtitle, "%s%s", subtitle->len ? " · " : "", candidate->phone);
      if (candidate->mrn != NULL)
        g_string_append_printf (subtitle, "%s%s %s", subtitle->len ? " · " : "", _("MRN"), candidate->mrn);
      g_string_append_printf (subtitle, "\n%s", candidate->why);

      row = new_choice_row (self, candidate->display, subtitle->str, first);
      if (first == NULL)
        first = g_object_get_data (G_OBJECT (row), "check");
      g_object_set_data_full (G_OBJECT (row), "patient-id", g_strdup (candidate->patient_id), g_free);
      adw_preferences_group_add (self->candidates_group, row);
      g_ptr_array_add (self->candidate_rows, row);
    }

  {
    GtkWidget *row = new_choice_row (self, _("None of these"),
                                     _("Register a new patient with the details typed"), first);

    self->new_check = g_object_get_data (G_OBJECT (row), "check");
    adw_preferences_group_add (self->candidates_group, row);
    g_ptr_array_add (self->candidate_rows, row);
  }

  gtk_check_button_set_active (first, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "candidates");
  gtk_button_set_label (self->next_button, _("C_heck In"));
  gtk_widget_grab_focus (GTK_WIDGET (first));
}

static void
next_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FdWalkinDialog *self = FD_WALKIN_DIALOG (widget);
  g_autoptr(GError) error = NULL;

  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "candidates"))
    {
      for (guint i = 0; i < self->candidate_rows->len; i++)
        {
          GObject *row = g_ptr_array_index (self->candidate_rows, i);
          GtkCheckButton *check = g_object_get_data (row, "check");

          if (gtk_check_button_get_active (check))
            {
              register_walkin (self, g_object_get_data (row, "patient-id"));
              return;
            }
        }
      show_message (self, _("Pick a patient, or “None of these”."));
      return;
    }

  if (!check_details (self))
    return;

  {
    g_autofree char *family = row_text (self->family_row);
    g_autofree char *given = row_text (self->given_row);

    g_autofree char *mrn = row_text (self->mrn_row);

    g_clear_pointer (&self->candidates, g_ptr_array_unref);
    self->candidates = fd_store_find_duplicates (self->store, family, given, self->birth_date, self->phone,
                                                 mrn, &error);
  }
  if (self->candidates == NULL)
    {
      show_message (self, error->message);
      self->candidates = g_ptr_array_new ();
      return;
    }

  if (self->candidates->len == 0)
    register_walkin (self, NULL);
  else
    show_candidates (self);
}

static void
entry_activated_cb (FdWalkinDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "walkin.next", NULL);
}

static void
fill_providers (FdWalkinDialog *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) providers = fd_store_list_practitioners (self->store, NULL);

  g_clear_pointer (&self->providers, g_ptr_array_unref);
  self->providers = providers ? g_ptr_array_ref (providers) : g_ptr_array_new ();
  for (guint i = 0; i < self->providers->len; i++)
    gtk_string_list_append (names, ((FdStoreRef *) g_ptr_array_index (self->providers, i))->display);
  adw_combo_row_set_model (self->provider_row, G_LIST_MODEL (names));
}

static void
fd_walkin_dialog_dispose (GObject *object)
{
  FdWalkinDialog *self = (FdWalkinDialog *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_WALKIN_DIALOG);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fd_walkin_dialog_parent_class)->dispose (object);
}

static void
fd_walkin_dialog_finalize (GObject *object)
{
  FdWalkinDialog *self = (FdWalkinDialog *)object;

  g_clear_pointer (&self->providers, g_ptr_array_unref);
  g_clear_pointer (&self->candidates, g_ptr_array_unref);
  g_ptr_array_unref (self->candidate_rows);
  g_free (self->birth_date);
  g_free (self->phone);

  G_OBJECT_CLASS (fd_walkin_dialog_parent_class)->finalize (object);
}

static void
fd_walkin_dialog_class_init (FdWalkinDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_walkin_dialog_dispose;
  object_class->finalize = fd_walkin_dialog_finalize;

  /**
   * FdWalkinDialog::checked-in:
   * @appointment_id: the walk-in's new appointment
   * @patient_display: the patient's name
   */
  signals[CHECKED_IN] =
    g_signal_new ("checked-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/frontdesk/Frontdesk/ui/checkin/fd-walkin-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FdWalkinDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, FdWalkinDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, FdWalkinDialog, next_button);
  gtk_widget_class_bind_template_child (widget_class, FdWalkinDialog, family_row);
  gtk_widget_class_bind_template_child (widget_class, FdWalkinDialog, given_row);
  gtk_widget_class_bind_template_child (widget_class, FdWalkinDialog, birth_row);
  gtk_widget_class_bind_template_child (widget_class, FdWalkinDialog, sex_row);
  gtk_widget_class_bind_template_child (widget_class, FdWalkinDialog, phone_row);
  gtk_widget_class_bind_template_child (widget_class, FdWalkinDialog, mrn_row);
  gtk_widget_class_bind_template_child (widget_class, FdWalkinDialog, provider_row);
  gtk_widget_class_bind_template_child (widget_class, FdWalkinDialog, candidates_group);

  gtk_widget_class_install_action (widget_class, "walkin.next", NULL, next_action_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "walkin.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fd_walkin_dialog_init (FdWalkinDialog *self)
{
  const char *sex_names[] = { C_("sex", "Female"), C_("sex", "Male"), C_("sex", "Other"), C_("sex", "Unknown"), NULL };
  g_autoptr(GtkStringList) sex_model = gtk_string_list_new (sex_names);
  g_autofree char *hint = NULL;
  GDate example;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->candidate_rows = g_ptr_array_new ();
  self->candidates = g_ptr_array_new ();
  adw_combo_row_set_model (self->sex_row, G_LIST_MODEL (sex_model));
  adw_combo_row_set_selected (self->sex_row, 3);

  g_date_clear (&example, 1);
  g_date_set_dmy (&example, 7, 3, 1961);
  hint = fd_date_format_short (&example, fd_date_order_from_locale ());
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->birth_row), hint);

  g_signal_connect_swapped (self->family_row, "entry-activated", G_CALLBACK (entry_activated_cb), self);
  g_signal_connect_swapped (self->given_row, "entry-activated", G_CALLBACK (entry_activated_cb), self);
  g_signal_connect_swapped (self->birth_row, "entry-activated", G_CALLBACK (entry_activated_cb), self);
  g_signal_connect_swapped (self->phone_row, "entry-activated", G_CALLBACK (entry_activated_cb), self);
  g_signal_connect_swapped (self->mrn_row, "entry-activated", G_CALLBACK (entry_activated_cb), self);
}

/**
 * fd_walkin_dialog_new:
 * @store: the station's store
 *
 * Returns: (transfer floating): the walk-in panel
 */
FdWalkinDialog *
fd_walkin_dialog_new (FdStore *store)
{
  FdWalkinDialog *self = g_object_new (FD_TYPE_WALKIN_DIALOG, NULL);

  self->store = g_object_ref (store);
  fill_providers (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->family_row));
  return self;
}
