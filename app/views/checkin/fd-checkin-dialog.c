/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdCheckinDialog"

#include "config.h"

#include <glib/gi18n.h>

#include "fd-checkin-dialog.h"
#include "fd-coverage-dialog.h"
#include "fd-dates.h"
#include "fd-demographics.h"
#include "fd-eligibility.h"
#include "fd-fhir.h"
#include "fd-forms.h"
#include "fd-store-checkin.h"
#include "fd-text.h"
#include "fd-validate.h"
#include "fd-view-util.h"

/* Arrival, in one panel: who the patient is, what changed in their contact
 * details, their insurance and co-pay, the forms on file, and the check-in
 * itself. Every step is reachable from the keyboard; Ctrl+Enter completes. */

typedef enum
{
  FIELD_BIRTH,
  FIELD_LINE,
  FIELD_CITY,
  FIELD_STATE,
  FIELD_ZIP,
  FIELD_MOBILE,
  FIELD_HOME,
  FIELD_EMAIL,
  FIELD_EMERGENCY_NAME,
  FIELD_EMERGENCY_PHONE,
  N_FIELDS
} Field;

static const struct
{
  const char *title;
  GtkInputPurpose purpose;
} fields[N_FIELDS] = {
  [FIELD_BIRTH] = { N_("Birth date"), GTK_INPUT_PURPOSE_FREE_FORM },
  [FIELD_LINE] = { N_("Street address"), GTK_INPUT_PURPOSE_FREE_FORM },
  [FIELD_CITY] = { N_("City"), GTK_INPUT_PURPOSE_FREE_FORM },
  [FIELD_STATE] = { N_("State"), GTK_INPUT_PURPOSE_ALPHA },
  [FIELD_ZIP] = { N_("ZIP code"), GTK_INPUT_PURPOSE_DIGITS },
  [FIELD_MOBILE] = { N_("Mobile phone"), GTK_INPUT_PURPOSE_PHONE },
  [FIELD_HOME] = { N_("Home phone"), GTK_INPUT_PURPOSE_PHONE },
  [FIELD_EMAIL] = { N_("Email"), GTK_INPUT_PURPOSE_EMAIL },
  [FIELD_EMERGENCY_NAME] = { N_("Emergency contact"), GTK_INPUT_PURPOSE_NAME },
  [FIELD_EMERGENCY_PHONE] = { N_("Emergency contact’s phone"), GTK_INPUT_PURPOSE_PHONE },
};

struct _FdCheckinDialog
{
  AdwWindow             parent_instance;

  FdStore              *store;
  gulong                changed_id;
  FdFhirClient         *client;
  GCancellable         *cancellable;
  FdEligibilityResult  *result;     /* of the check made from this panel */
  gboolean              checking;
  char                 *practitioner_id;
  char                 *appointment_id;
  char                 *patient_id;
  char                 *coverage_id;
  JsonObject           *patient;
  FdDemographics        original;
  FdMoney               copay;
  gboolean              done;

  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkButton            *complete_button;
  GtkLabel             *message_label;
  AdwActionRow         *name_row;
  AdwActionRow         *appointment_row;
  GtkCheckButton       *confirm_check;
  AdwPreferencesGroup  *contact_group;
  AdwPreferencesGroup  *insurance_group;
  AdwActionRow         *coverage_row;
  AdwActionRow         *eligibility_row;
  GtkImage             *eligibility_icon;
  AdwActionRow         *copay_row;
  AdwPreferencesGroup  *forms_group;

  AdwEntryRow          *entries[N_FIELDS];
  AdwComboRow          *language_row;
  GtkWidget            *form_rows[8];
};

G_DEFINE_FINAL_TYPE (FdCheckinDialog, fd_checkin_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  PROP_APPOINTMENT_ID,
  PROP_CLIENT,
  N_PROPS
};

enum {
  CHECKED_IN,
  COLLECT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Helpers */

static gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static GDateTime *
now_local (FdCheckinDialog *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_to_timezone (now, fd_store_get_time_zone (self->store));
}

static void
show_message (FdCheckinDialog *self,
              const char      *message)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->message_label), GTK_ACCESSIBLE_STATE_HIDDEN,
                               message == NULL, -1);
}

static const char *
field_title (Field field)
{
  return _(fields[field].title);
}

static void
set_field_error (FdCheckinDialog *self,
                 Field            field,
                 const char      *message)
{
  AdwEntryRow *row = self->entries[field];

  if (message != NULL)
    {
      g_autofree char *title = g_strdup_printf ("%s — %s", field_title (field), message);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), field_title (field));
      gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
    }
}

static char *
entry_text (FdCheckinDialog *self,
            Field            field)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entries[field])));

  g_strstrip (text);
  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

static void
set_entry_text (FdCheckinDialog *self,
                Field            field,
                const char      *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->entries[field]), text ? text : "");
  set_field_error (self, field, NULL);
}

typedef char *(*Validator) (const char *text, GError **error);

static char *
validate_birth_date (const char  *text,
                     GError     **error)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
  GDate today;

  fd_date_set_today (&today, tz);
  return fd_validate_birth_date (text, &today, error);
}

/* Checks one field; stores the cleaned value in @out */
static gboolean
check_field (FdCheckinDialog  *self,
             Field             field,
             Validator         validator,
             char            **out,
             GtkWidget       **first_bad)
{
  g_autofree char *text = entry_text (self, field);
  g_autoptr(GError) error = NULL;

  *out = NULL;
  if (text == NULL || validator == NULL)
    {
      *out = g_steal_pointer (&text);
      set_field_error (self, field, NULL);
      return TRUE;
    }

  *out = validator (text, &error);
  set_field_error (self, field, error ? error->message : NULL);
  if (*out == NULL && *first_bad == NULL)
    *first_bad = GTK_WIDGET (self->entries[field]);
  return *out != NULL;
}

/* What the desk typed, checked; %FALSE with every bad field marked */
static gboolean
read_contact (FdCheckinDialog *self,
              FdDemographics  *out)
{
  GtkWidget *first_bad = NULL;
  gboolean ok = TRUE;
  guint language;
  guint n_languages;
  const FdLanguage *languages = fd_languages (&n_languages);

  memset (out, 0, sizeof *out);
  ok &= check_field (self, FIELD_BIRTH, validate_birth_date, &out->birth_date, &first_bad);
  if (out->birth_date == NULL && ok)
    {
      /* The record keeps its birth date: it is confirmed, not removed */
      set_field_error (self, FIELD_BIRTH, _("required"));
      if (first_bad == NULL)
        first_bad = GTK_WIDGET (self->entries[FIELD_BIRTH]);
      ok = FALSE;
    }
  ok &= check_field (self, FIELD_LINE, NULL, &out->line, &first_bad);
  ok &= check_field (self, FIELD_CITY, NULL, &out->city, &first_bad);
  ok &= check_field (self, FIELD_STATE, fd_validate_state, &out->state, &first_bad);
  ok &= check_field (self, FIELD_ZIP, fd_validate_zip, &out->zip, &first_bad);
  ok &= check_field (self, FIELD_MOBILE, fd_validate_phone, &out->mobile, &first_bad);
  ok &= check_field (self, FIELD_HOME, fd_validate_phone, &out->home, &first_bad);
  ok &= check_field (self, FIELD_EMAIL, fd_validate_email, &out->email, &first_bad);
  ok &= check_field (self, FIELD_EMERGENCY_NAME, NULL, &out->emergency_name, &first_bad);
  ok &= check_field (self, FIELD_EMERGENCY_PHONE, fd_validate_phone, &out->emergency_phone, &first_bad);

  language = adw_combo_row_get_selected (self->language_row);
  if (language > 0 && language - 1 < n_languages)
    out->language = g_strdup (languages[language - 1].code);
  else
    out->language = g_strdup (self->original.language);

  if (first_bad != NULL)
    gtk_widget_grab_focus (first_bad);
  return ok;
}

/* Filling in */

static void
fill_identity (FdCheckinDialog *self,
               JsonObject      *appointment)
{
  g_autofree char *display = fd_fhir_patient_display (self->patient);
  const char *birth = fd_fhir_get_string (self->patient, "birthDate");
  const char *mrn = fd_fhir_patient_mrn (self->patient);
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autoptr(GDateTime) start = fd_date_time_parse (fd_fhir_get_string (appointment, "start"),
                                                   fd_store_get_time_zone (self->store));
  g_autoptr(FdVisitItem) visit = fd_store_get_visit (self->store, self->appointment_id, now_unix (), NULL);
  GDate birth_date, today;

  adw_window_title_set_subtitle (self->window_title, display);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->name_row), display);

  fd_date_set_today (&today, fd_store_get_time_zone (self->store));
  if (birth != NULL && fd_date_parse_iso (birth, &birth_date))
    {
      g_autofree char *text = fd_date_format_short (&birth_date, fd_date_order_from_locale ());
      guint age = fd_date_age_years (&birth_date, &today);

      /* Translators: "Born 03/07/1961 · 65 years" */
      g_string_append_printf (subtitle, g_dngettext (NULL, "Born %s · %u year", "Born %s · %u years", age),
                              text, age);
    }
  if (mrn != NULL)
    /* Translators: medical record number */
    g_string_append_printf (subtitle, "%s%s %s", subtitle->len ? " · " : "", _("MRN"), mrn);
  adw_action_row_set_subtitle (self->name_row, subtitle->str);

  if (visit != NULL)
    {
      FdAppointmentItem *item = fd_visit_item_get_appointment (visit);
      g_autofree char *time = start ? fd_time_format_short (start) : g_strdup ("");
      g_autofree char *text = NULL;
      const char *provider = fd_appointment_item_get_practitioner_display (item);
      const char *location = fd_appointment_item_get_location_display (item);

      if (location != NULL && *location != '\0')
        /* Translators: time, provider and place of an appointment: "10:30 AM with Ana Ortiz, MD · Northside" */
        text = g_strdup_printf (_("%s with %s · %s"), time, provider, location);
      else
        /* Translators: time and provider of an appointment */
        text = g_strdup_printf (_("%s with %s"), time, provider);
      adw_action_row_set_subtitle (self->appointment_row, text);

      if (fd_visit_item_get_state (visit) != FD_FLOW_SCHEDULED)
        {
          g_autoptr(GDateTime) since = fd_visit_item_get_since (visit)
            ? g_date_time_new_from_unix_local (fd_visit_item_get_since (visit)) : NULL;
          g_autofree char *when = since ? fd_time_format_short (since) : NULL;
          const char *who = fd_visit_item_get_changed_by (visit);
          g_autofree char *message = NULL;

          if (fd_visit_item_get_state (visit) == FD_FLOW_ARRIVED && who != NULL && when != NULL)
            message = g_strdup_printf (_("Already checked in by %s at %s"), who, when);
          else
            /* Translators: the status of a visit, "Checked out" */
            message = g_strdup_printf (_("This visit is “%s”; there is nothing to check in."),
                                       fd_flow_state_label (fd_visit_item_get_state (visit)));
          show_message (self, message);
          self->done = TRUE;
        }
    }
}

static void
fill_contact (FdCheckinDialog *self)
{
  guint n_languages;
  const FdLanguage *languages = fd_languages (&n_languages);
  guint selected = 0;

  fd_demographics_clear (&self->original);
  fd_demographics_read (self->patient, &self->original);

  {
    GDate birth;
    g_autofree char *shown = NULL;

    if (self->original.birth_date != NULL && fd_date_parse_iso (self->original.birth_date, &birth))
      shown = fd_date_format_short (&birth, fd_date_order_from_locale ());
    set_entry_text (self, FIELD_BIRTH, shown);
  }
  set_entry_text (self, FIELD_LINE, self->original.line);
  set_entry_text (self, FIELD_CITY, self->original.city);
  set_entry_text (self, FIELD_STATE, self->original.state);
  set_entry_text (self, FIELD_ZIP, self->original.zip);
  set_entry_text (self, FIELD_MOBILE, self->original.mobile);
  set_entry_text (self, FIELD_HOME, self->original.home);
  set_entry_text (self, FIELD_EMAIL, self->original.email);
  set_entry_text (self, FIELD_EMERGENCY_NAME, self->original.emergency_name);
  set_entry_text (self, FIELD_EMERGENCY_PHONE, self->original.emergency_phone);

  for (guint i = 0; self->original.language && i < n_languages; i++)
    if (g_ascii_strncasecmp (self->original.language, languages[i].code, strlen (languages[i].code)) == 0)
      selected = i + 1;
  adw_combo_row_set_selected (self->language_row, selected);
}

static JsonObject *
active_coverage (FdCheckinDialog *self)
{
  g_autoptr(GPtrArray) coverages = fd_store_list_coverages (self->store, self->patient_id, NULL);

  for (guint i = 0; coverages && i < coverages->len; i++)
    {
      JsonObject *coverage = g_ptr_array_index (coverages, i);

      const char *end = fd_fhir_get_string (fd_fhir_get_object (coverage, "period"), "end");
      g_autofree char *today = NULL;
      GDate day;

      fd_date_set_today (&day, fd_store_get_time_zone (self->store));
      today = fd_date_format_iso (&day);
      if (g_strcmp0 (fd_fhir_get_string (coverage, "status"), "active") == 0 &&
          (end == NULL || strncmp (end, today, 10) >= 0))
        return json_object_ref (coverage);
    }
  return NULL;
}

static const char *
coverage_class (JsonObject *coverage,
                const char *type,
                const char *member)
{
  JsonArray *classes = fd_fhir_get_array (coverage, "class");

  for (guint i = 0; classes && i < json_array_get_length (classes); i++)
    {
      JsonObject *klass = fd_fhir_array_object (classes, i);

      if (g_strcmp0 (fd_fhir_first_code (fd_fhir_get_object (klass, "type")), type) == 0)
        return fd_fhir_get_string (klass, member);
    }
  return NULL;
}

/* Seconds the desk waits for the payer */
static guint
eligibility_timeout (void)
{
  g_autoptr(GSettings) settings = fd_view_settings ();

  return settings ? g_settings_get_uint (settings, "eligibility-timeout") : 10;
}

static void
set_eligibility_icon (FdCheckinDialog *self,
                      const char      *icon,
                      const char      *css_class)
{
  gtk_image_set_from_icon_name (self->eligibility_icon, icon);
  gtk_widget_remove_css_class (GTK_WIDGET (self->eligibility_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->eligibility_icon), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->eligibility_icon), "error");
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->eligibility_icon), css_class);
}

static void
fill_eligibility (FdCheckinDialog *self)
{
  GTimeZone *tz = fd_store_get_time_zone (self->store);
  g_autoptr(FdEligibilityResult) latest = NULL;
  const FdEligibilityResult *result;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  FdMoneyStyle style;

  gtk_widget_set_visible (GTK_WIDGET (self->eligibility_row), self->coverage_id != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "checkin.check-eligibility",
                                 self->coverage_id != NULL && !self->checking);
  if (self->coverage_id == NULL)
    return;

  if (self->checking)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->eligibility_row), _("Checking with the payer…"));
      adw_action_row_set_subtitle (self->eligibility_row, _("The check-in can go on meanwhile."));
      set_eligibility_icon (self, "content-loading-symbolic", NULL);
      return;
    }

  /* What the payer said last, unless this panel's own check knows better */
  latest = fd_eligibility_get_latest (self->store, self->coverage_id, NULL);
  result = latest;
  if (self->result != NULL && (latest == NULL || !fd_eligibility_result_is_verified_today (latest, tz)))
    result = self->result;

  fd_money_style_from_locale (&style);
  if (result == NULL)
    {
      title = g_strdup (_("Not verified today"));
      subtitle = g_strdup (_("Press Check Now to ask the payer. The check-in can go on meanwhile."));
      set_eligibility_icon (self, "dialog-warning-symbolic", "warning");
    }
  else if (fd_eligibility_result_is_verified_today (result, tz))
    {
      g_autoptr(GDateTime) at = g_date_time_to_timezone (result->checked_at, tz);
      g_autofree char *time = fd_time_format_short (at);
      g_autofree char *copay = result->has_copay ? fd_money_format (&result->copay, &style) : NULL;

      /* Translators: a time */
      title = g_strdup_printf (_("Insurance verified today at %s"), time);
      if (copay != NULL)
        /* Translators: the co-pay the payer reports */
        subtitle = g_strdup_printf (_("Active · the payer gives a co-pay of %s"), copay);
      else
        subtitle = g_strdup (_("Active"));
      set_eligibility_icon (self, "emblem-ok-symbolic", "success");
    }
  else if (result->state == FD_ELIGIBILITY_INACTIVE)
    {
      title = g_strdup (result->message ? result->message : _("Not active"));
      subtitle = g_strdup (_("Ask the patient for a current insurance card, or the visit is self-pay."));
      set_eligibility_icon (self, "dialog-error-symbolic", "error");
    }
  else
    {
      title = fd_eligibility_result_dup_summary (result, tz);
      if (result->queued)
        subtitle = g_strdup (_("The check is queued; the answer shows here when it arrives. The check-in can go on."));
      else
        subtitle = g_strdup (_("The check-in can go on. Press Check Now to try again."));
      set_eligibility_icon (self, "dialog-warning-symbolic", "warning");
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->eligibility_row), title);
  adw_action_row_set_subtitle (self->eligibility_row, subtitle);
}

static void
eligibility_checked_cb (GObject      *source,
                        GAsyncResult *async_result,
                        gpointer      user_data)
{
  g_autoptr(FdCheckinDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdEligibilityResult) result = fd_eligibility_check_finish (async_result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->checking = FALSE;
  g_clear_pointer (&self->result, fd_eligibility_result_free);
  self->result = g_steal_pointer (&result);
  if (self->result == NULL)
    g_debug ("Eligibility check failed: %s", error->message);
  fill_eligibility (self);
}

static void
check_eligibility (FdCheckinDialog *self)
{
  if (self->coverage_id == NULL || self->checking)
    return;

  self->checking = TRUE;
  fill_eligibility (self);
  fd_eligibility_check_async (self->store, self->client, self->coverage_id, self->practitioner_id,
                              eligibility_timeout (), self->cancellable, eligibility_checked_cb,
                              g_object_ref (self));
}

static void
fill_insurance (FdCheckinDialog *self)
{
  g_autoptr(JsonObject) coverage = active_coverage (self);
  g_autofree char *amount = NULL;
  FdMoneyStyle style;

  g_clear_pointer (&self->coverage_id, g_free);
  fd_money_init (&self->copay, 0, "USD");

  if (coverage == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->coverage_row), _("No insurance on file"));
      adw_action_row_set_subtitle (self->coverage_row,
                                   _("Add the patient’s insurance card, or the visit is self-pay."));
    }
  else
    {
      const char *plan = coverage_class (coverage, "plan", "name");
      const char *payer = fd_fhir_get_string (fd_fhir_array_object (fd_fhir_get_array (coverage, "payor"), 0),
                                              "display");
      const char *member = fd_fhir_get_string (coverage, "subscriberId");
      const char *group = coverage_class (coverage, "group", "value");
      g_autoptr(GString) subtitle = g_string_new (NULL);

      self->coverage_id = g_strdup (fd_fhir_get_string (coverage, "id"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->coverage_row),
                                     plan ? plan : payer ? payer : _("Insurance"));
      if (member != NULL)
        /* Translators: the patient's id at the insurance company */
        g_string_append_printf (subtitle, _("Member ID %s"), member);
      if (group != NULL)
        {
          if (subtitle->len)
            g_string_append (subtitle, " · ");
          /* Translators: the employer group number of an insurance plan */
          g_string_append_printf (subtitle, _("Group %s"), group);
        }
      adw_action_row_set_subtitle (self->coverage_row, subtitle->str);
      fd_fhir_coverage_copay (coverage, &self->copay);
    }

  fill_eligibility (self);

  fd_money_style_from_locale (&style);
  amount = fd_money_format (&self->copay, &style);
  adw_action_row_set_subtitle (self->copay_row, self->copay.cents > 0 ? amount : _("None"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "checkin.collect", self->copay.cents > 0);
}

static void
mark_received_cb (GtkButton       *button,
                  FdCheckinDialog *self)
{
  const char *code = g_object_get_data (G_OBJECT (button), "form-code");
  g_autoptr(GDateTime) now = now_local (self);
  g_autoptr(GError) error = NULL;

  if (!fd_store_receive_form (self->store, self->patient_id, code, now, &error))
    {
      show_message (self, error->message);
      return;
    }
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Form marked as received")));
}

static void
fill_forms (FdCheckinDialog *self)
{
  guint n_forms;
  const FdDeskForm *forms = fd_desk_forms (&n_forms);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  gboolean refocus = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (self->form_rows) && self->form_rows[i] != NULL; i++)
    {
      if (focus != NULL && gtk_widget_is_ancestor (focus, self->form_rows[i]))
        refocus = TRUE;
      adw_preferences_group_remove (self->forms_group, self->form_rows[i]);
      self->form_rows[i] = NULL;
    }

  for (guint i = 0; i < n_forms && i < G_N_ELEMENTS (self->form_rows) - 1; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      g_autoptr(GError) error = NULL;
      gint64 recorded = 0;
      gboolean on_file = fd_store_form_on_file (self->store, self->patient_id, forms[i].code,
                                                now_unix (), &recorded, &error);
      GtkWidget *icon = gtk_image_new_from_icon_name (on_file ? "emblem-ok-symbolic" : "dialog-warning-symbolic");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fd_desk_form_title (&forms[i]));
      gtk_widget_add_css_class (icon, on_file ? "success" : "warning");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      if (on_file)
        {
          g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (recorded);
          GDate day;
          g_autofree char *date = NULL;
          g_autofree char *subtitle = NULL;

          fd_date_from_date_time (&day, at);
          date = fd_date_format_short (&day, fd_date_order_from_locale ());
          /* Translators: a date */
          subtitle = g_strdup_printf (_("On file since %s"), date);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
        }
      else
        {
          GtkWidget *button = gtk_button_new_with_mnemonic (_("Mark _Received"));
          g_autofree char *label = g_strdup_printf (_("Mark “%s” as received"), fd_desk_form_title (&forms[i]));

          adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                       error ? error->message : _("Missing: ask the patient to sign it"));
          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
          g_object_set_data (G_OBJECT (button), "form-code", (gpointer) forms[i].code);
          g_signal_connect (button, "clicked", G_CALLBACK (mark_received_cb), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      adw_preferences_group_add (self->forms_group, row);
      self->form_rows[i] = row;
    }

  if (refocus)
    gtk_widget_grab_focus (GTK_WIDGET (self->complete_button));
}

static void
load (FdCheckinDialog *self)
{
  g_autoptr(JsonObject) appointment = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *participants;

  if (self->store == NULL || self->appointment_id == NULL)
    return;

  appointment = fd_store_get (self->store, "Appointment", self->appointment_id, &error);
  if (appointment == NULL)
    {
      show_message (self, error->message);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "checkin.complete", FALSE);
      return;
    }

  participants = fd_fhir_get_array (appointment, "participant");
  for (guint i = 0; participants && i < json_array_get_length (participants); i++)
    {
      JsonObject *actor = fd_fhir_get_object (fd_fhir_array_object (participants, i), "actor");
      const char *id = fd_fhir_reference_id (actor, "Patient");

      if (fd_fhir_reference_id (actor, "Practitioner") != NULL)
        {
          g_free (self->practitioner_id);
          self->practitioner_id = g_strdup (fd_fhir_reference_id (actor, "Practitioner"));
        }
      if (id != NULL)
        {
          g_free (self->patient_id);
          self->patient_id = g_strdup (id);
        }
    }

  g_clear_pointer (&self->patient, json_object_unref);
  if (self->patient_id != NULL)
    self->patient = fd_store_get (self->store, "Patient", self->patient_id, &error);
  if (self->patient == NULL)
    {
      show_message (self, _("The patient’s record is not on this station yet. Try again after the next sync."));
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "checkin.complete", FALSE);
      return;
    }

  fill_identity (self, appointment);
  fill_contact (self);
  fill_insurance (self);
  fill_forms (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "checkin.complete", !self->done);
}

/* Callbacks */

static void
store_changed_cb (FdStore            *store,
                  const char         *type,
                  const char * const *ids,
                  FdCheckinDialog    *self)
{
  if (self->patient_id == NULL)
    return;

  if (g_str_equal (type, "Coverage") || g_str_equal (type, "CoverageEligibilityResponse"))
    fill_insurance (self);
  else if (g_str_equal (type, "QuestionnaireResponse") || g_str_equal (type, "Consent"))
    fill_forms (self);
  else if (g_str_equal (type, "Encounter") || g_str_equal (type, "Appointment"))
    {
      g_autoptr(JsonObject) appointment = fd_store_get (store, "Appointment", self->appointment_id, NULL);

      if (appointment != NULL && !self->done)
        {
          fill_identity (self, appointment);
          gtk_widget_action_set_enabled (GTK_WIDGET (self), "checkin.complete", !self->done);
        }
    }
}

static void
complete_action_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FdCheckinDialog *self = FD_CHECKIN_DIALOG (widget);
  FdDemographics typed;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *who = NULL;
  g_autofree char *display = NULL;

  if (self->done || self->patient == NULL)
    return;

  if (!gtk_check_button_get_active (self->confirm_check))
    {
      show_message (self, _("Confirm the patient’s name and birth date first."));
      gtk_widget_grab_focus (GTK_WIDGET (self->confirm_check));
      return;
    }

  if (!read_contact (self, &typed))
    {
      show_message (self, _("Some contact details cannot be right. Fix the marked fields; nothing was saved."));
      fd_demographics_clear (&typed);
      return;
    }

  now = now_local (self);
  who = fd_view_station_code ();
  if (!fd_store_checkin (self->store, self->appointment_id, &self->original, &typed, now, who, &error))
    {
      fd_demographics_clear (&typed);
      show_message (self, error->message);
      return;
    }
  fd_demographics_clear (&typed);

  self->done = TRUE;
  display = fd_fhir_patient_display (self->patient);
  g_signal_emit (self, signals[CHECKED_IN], 0, self->appointment_id, display);
  gtk_window_close (GTK_WINDOW (self));
}

static void
collect_action_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FdCheckinDialog *self = FD_CHECKIN_DIALOG (widget);
  g_autofree char *patient_id = g_strdup (self->patient_id);
  FdMoney copay = self->copay;

  if (patient_id == NULL || copay.cents <= 0)
    return;

  /* The co-pay is taken for a visit that is checked in: complete it first,
   * and stay here if something is still to fix */
  if (!self->done)
    {
      gtk_widget_activate_action (widget, "checkin.complete", NULL);
      if (!self->done)
        return;
    }
  g_signal_emit (self, signals[COLLECT], 0, patient_id, copay.cents, copay.currency);
}

static void
check_eligibility_action_cb (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  FdCheckinDialog *self = FD_CHECKIN_DIALOG (widget);

  check_eligibility (self);
}

static void
coverage_saved_cb (FdCheckinDialog *self)
{
  g_clear_pointer (&self->result, fd_eligibility_result_free);
  fill_insurance (self);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Insurance saved")));
  /* A new card is worth a new check */
  check_eligibility (self);
}

static void
edit_coverage_action_cb (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  FdCheckinDialog *self = FD_CHECKIN_DIALOG (widget);
  FdCoverageDialog *dialog;

  if (self->patient_id == NULL)
    return;
  dialog = fd_coverage_dialog_new (self->store, self->patient_id, self->coverage_id);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (coverage_saved_cb), self, G_CONNECT_SWAPPED);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
confirm_toggled_cb (FdCheckinDialog *self)
{
  if (gtk_check_button_get_active (self->confirm_check))
    show_message (self, NULL);
}

/* Overrides */

static void
fd_checkin_dialog_constructed (GObject *object)
{
  FdCheckinDialog *self = (FdCheckinDialog *)object;

  G_OBJECT_CLASS (fd_checkin_dialog_parent_class)->constructed (object);
  load (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->confirm_check));

  /* Not verified today: ask the payer right away, while the desk talks to the patient */
  if (self->coverage_id != NULL && !self->done)
    {
      g_autoptr(FdEligibilityResult) latest = fd_eligibility_get_latest (self->store, self->coverage_id, NULL);

      /* …unless a check already waits for its answer */
      if (latest == NULL ||
          (!fd_eligibility_result_is_verified_today (latest, fd_store_get_time_zone (self->store)) && !latest->queued))
        check_eligibility (self);
    }
}

static void
fd_checkin_dialog_dispose (GObject *object)
{
  FdCheckinDialog *self = (FdCheckinDialog *)object;

  g_cancellable_cancel (self->cancellable);
  fd_view_clear_store (&self->store, &self->changed_id);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_CHECKIN_DIALOG);

  G_OBJECT_CLASS (fd_checkin_dialog_parent_class)->dispose (object);
}

static void
fd_checkin_dialog_finalize (GObject *object)
{
  FdCheckinDialog *self = (FdCheckinDialog *)object;

  g_free (self->appointment_id);
  g_free (self->patient_id);
  g_free (self->coverage_id);
  g_free (self->practitioner_id);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->result, fd_eligibility_result_free);
  g_clear_pointer (&self->patient, json_object_unref);
  fd_demographics_clear (&self->original);

  G_OBJECT_CLASS (fd_checkin_dialog_parent_class)->finalize (object);
}

static void
fd_checkin_dialog_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FdCheckinDialog *self = FD_CHECKIN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_APPOINTMENT_ID:
      g_value_set_string (value, self->appointment_id);
      break;
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_checkin_dialog_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  FdCheckinDialog *self = FD_CHECKIN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      fd_view_set_store (&self->store, &self->changed_id, g_value_get_object (value),
                         G_CALLBACK (store_changed_cb), self);
      break;
    case PROP_APPOINTMENT_ID:
      self->appointment_id = g_value_dup_string (value);
      break;
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_checkin_dialog_class_init (FdCheckinDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = fd_checkin_dialog_constructed;
  object_class->dispose = fd_checkin_dialog_dispose;
  object_class->finalize = fd_checkin_dialog_finalize;
  object_class->get_property = fd_checkin_dialog_get_property;
  object_class->set_property = fd_checkin_dialog_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_APPOINTMENT_ID] =
    g_param_spec_string ("appointment-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, FD_TYPE_FHIR_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FdCheckinDialog::checked-in:
   * @appointment_id: the appointment
   * @patient_display: the patient's name, for the toast
   */
  signals[CHECKED_IN] =
    g_signal_new ("checked-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * FdCheckinDialog::collect:
   * @patient_id: the patient
   * @cents: the co-pay due
   * @currency: its currency
   */
  signals[COLLECT] =
    g_signal_new ("collect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_INT64, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/frontdesk/Frontdesk/ui/checkin/fd-checkin-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FdCheckinDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FdCheckinDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, FdCheckinDialog, complete_button);
  gtk_widget_class_bind_template_child (widget_class, FdCheckinDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, FdCheckinDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, FdCheckinDialog, appointment_row);
  gtk_widget_class_bind_template_child (widget_class, FdCheckinDialog, confirm_check);
  gtk_widget_class_bind_template_child (widget_class, FdCheckinDialog, contact_group);
  gtk_widget_class_bind_template_child (widget_class, FdCheckinDialog, insurance_group);
  gtk_widget_class_bind_template_child (widget_class, FdCheckinDialog, coverage_row);
  gtk_widget_class_bind_template_child (widget_class, FdCheckinDialog, eligibility_row);
  gtk_widget_class_bind_template_child (widget_class, FdCheckinDialog, eligibility_icon);
  gtk_widget_class_bind_template_child (widget_class, FdCheckinDialog, copay_row);
  gtk_widget_class_bind_template_child (widget_class, FdCheckinDialog, forms_group);

  gtk_widget_class_install_action (widget_class, "checkin.complete", NULL, complete_action_cb);
  gtk_widget_class_install_action (widget_class, "checkin.collect", NULL, collect_action_cb);
  gtk_widget_class_install_action (widget_class, "checkin.check-eligibility", NULL, check_eligibility_action_cb);
  gtk_widget_class_install_action (widget_class, "checkin.edit-coverage", NULL, edit_coverage_action_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "checkin.complete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "checkin.complete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fd_checkin_dialog_init (FdCheckinDialog *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint n_languages;
  const FdLanguage *languages = fd_languages (&n_languages);

  gtk_widget_init_template (GTK_WIDGET (self));
  fd_money_init (&self->copay, 0, "USD");
  self->cancellable = g_cancellable_new ();

  for (guint i = 0; i < N_FIELDS; i++)
    {
      self->entries[i] = ADW_ENTRY_ROW (adw_entry_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->entries[i]), field_title (i));
      gtk_editable_set_max_width_chars (GTK_EDITABLE (self->entries[i]), 40);
      g_object_set (self->entries[i], "input-purpose", fields[i].purpose, NULL);
      adw_preferences_group_add (self->contact_group, GTK_WIDGET (self->entries[i]));

      if (i == FIELD_EMAIL)
        {
          gtk_string_list_append (names, _("Not recorded"));
          for (guint j = 0; j < n_languages; j++)
            gtk_string_list_append (names, g_dpgettext2 (NULL, "language", languages[j].name));
          self->language_row = ADW_COMBO_ROW (adw_combo_row_new ());
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->language_row), _("Preferred language"));
          adw_combo_row_set_model (self->language_row, G_LIST_MODEL (names));
          adw_preferences_group_add (self->contact_group, GTK_WIDGET (self->language_row));
        }
    }

  g_signal_connect_swapped (self->confirm_check, "toggled", G_CALLBACK (confirm_toggled_cb), self);
}

/**
 * fd_checkin_dialog_new:
 * @store: the station's store
 * @client: (nullable): the clinic server's client, for eligibility checks;
 *   %NULL when the station has no server
 * @appointment_id: the appointment of the patient who arrived
 *
 * Returns: (transfer floating): the check-in panel for the appointment
 */
FdCheckinDialog *
fd_checkin_dialog_new (FdStore      *store,
                       FdFhirClient *client,
                       const char   *appointment_id)
{
  return g_object_new (FD_TYPE_CHECKIN_DIALOG,
                       "store", store,
                       "client", client,
                       "appointment-id", appointment_id,
                       NULL);
}

/**
 * fd_checkin_dialog_get_appointment_id:
 * @self: the panel
 *
 * Returns: (transfer none): the appointment being checked in
 */
const char *
fd_checkin_dialog_get_appointment_id (FdCheckinDialog *self)
{
  g_return_val_if_fail (FD_IS_CHECKIN_DIALOG (self), NULL);
  return self->appointment_id;
}
