/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <adwaita.h>
#include <locale.h>
#include <string.h>

#include "fd-checkin-dialog.h"
#include "fd-checkin-view.h"
#include "fd-coverage-dialog.h"
#include "fd-dates.h"
#include "fd-demographics.h"
#include "fd-fhir.h"
#include "fd-forms.h"
#include "fd-store-checkin.h"
#include "fd-test-ui.h"
#include "fd-test-util.h"
#include "fd-view-util.h"
#include "fd-walkin-dialog.h"
#include "fd-window.h"

/* The check-in flow as the desk drives it, in a real window, from the
 * keyboard: the flow board, the check-in panel, walk-ins, undo, and the
 * board following changes that come from elsewhere. */

static char *tmp_dir;
static FdStore *store;
static GDate today;

static FdWindow *
new_window (void)
{
  FdWindow *window = fd_window_new (NULL, store, NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  fd_test_iterate ();
  return window;
}

static FdCheckinView *
checkin_view (FdWindow *window)
{
  return fd_test_template_child (window, FD_TYPE_WINDOW, "checkin_view");
}

static gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
has_dialog (gpointer data)
{
  return fd_checkin_view_get_dialog (data) != NULL;
}

static gboolean
has_no_dialog (gpointer data)
{
  return fd_checkin_view_get_dialog (data) == NULL;
}

static JsonObject *
get (const char *type,
     const char *id)
{
  g_autoptr(GError) error = NULL;
  JsonObject *resource = fd_store_get (store, type, id, &error);

  g_assert_no_error (error);
  return resource;
}

/* Changes waiting for the server, leaving out eligibility checks (an
 * offline panel queues one by itself) */
static gint64
pending_changes (void)
{
  g_autoptr(GPtrArray) entries = fd_store_list_outbox (store, FALSE, NULL);
  gint64 pending = 0;

  g_assert_nonnull (entries);
  for (guint i = 0; i < entries->len; i++)
    {
      FdOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (!g_str_equal (entry->type, "CoverageEligibilityRequest"))
        pending++;
    }
  return pending;
}

/* The patients the search puts first for @prefix: today's before the others */
static char *
first_hit (const char *prefix)
{
  g_autoptr(GPtrArray) hits = fd_store_search_patients (store, prefix, 50, NULL);
  g_autoptr(GHashTable) expected = fd_store_patients_seen_on (store, &today, NULL);

  for (guint i = 0; hits && i < hits->len; i++)
    if (g_hash_table_contains (expected, fd_patient_item_get_id (g_ptr_array_index (hits, i))))
      return g_strdup (fd_patient_item_get_id (g_ptr_array_index (hits, i)));
  return NULL;
}

/* A scheduled visit today whose patient three letters of the surname find
 * first, and who has no other visit today */
static FdVisitItem *
find_scheduled_visit (char **prefix_out,
                      guint  skip)
{
  g_autoptr(GPtrArray) visits = fd_store_list_visits (store, &today, now_unix (), NULL);

  g_assert_nonnull (visits);
  for (guint i = 0; i < visits->len; i++)
    {
      FdVisitItem *visit = g_ptr_array_index (visits, i);
      FdAppointmentItem *appointment = fd_visit_item_get_appointment (visit);
      const char *display = fd_appointment_item_get_patient_display (appointment);
      const char *patient_id = fd_appointment_item_get_patient_id (appointment);
      g_autofree char *prefix = NULL;
      g_autofree char *first = NULL;
      g_autofree char *pending = NULL;

      if (fd_visit_item_get_state (visit) != FD_FLOW_SCHEDULED || strlen (display) < 3 ||
          !g_ascii_isalpha (display[0]) || !g_ascii_isalpha (display[1]) || !g_ascii_isalpha (display[2]))
        continue;
      prefix = g_ascii_strdown (display, 3);
      first = first_hit (prefix);
      pending = fd_store_find_today_appointment (store, patient_id, &today);
      if (g_strcmp0 (first, patient_id) != 0 || g_strcmp0 (pending, fd_visit_item_get_id (visit)) != 0)
        continue;
      if (skip-- > 0)
        continue;
      *prefix_out = g_steal_pointer (&prefix);
      return g_object_ref (visit);
    }
  return NULL;
}

/* Any scheduled visit today, the @skip-th */
static FdVisitItem *
any_scheduled_visit (guint skip)
{
  g_autoptr(GPtrArray) visits = fd_store_list_visits (store, &today, now_unix (), NULL);

  for (guint i = 0; visits && i < visits->len; i++)
    if (fd_visit_item_get_state (g_ptr_array_index (visits, i)) == FD_FLOW_SCHEDULED && skip-- == 0)
      return g_object_ref (g_ptr_array_index (visits, i));
  g_assert_not_reached ();
}

static void
collect_rows (GtkWidget *widget,
              GType      type,
              GPtrArray *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        g_ptr_array_add (out, child);
      collect_rows (child, type, out);
    }
}

/* The row of @type under @widget whose title starts with @title */
static gpointer
find_row (gpointer    widget,
          GType       type,
          const char *title)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_rows (widget, type, rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_str_has_prefix (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), title))
      return g_ptr_array_index (rows, i);
  g_error ("No row titled “%s”", title);
}

static void
set_row_text (gpointer    dialog,
              const char *title,
              const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (find_row (dialog, ADW_TYPE_ENTRY_ROW, title)), text);
}

static gpointer
dialog_child (gpointer    dialog,
              const char *name)
{
  return fd_test_template_child (dialog, FD_TYPE_CHECKIN_DIALOG, name);
}

static void
test_keyboard_checkin (void)
{
  FdWindow *window = new_window ();
  FdCheckinView *view = checkin_view (window);
  GtkWidget *entry = fd_test_template_child (window, FD_TYPE_WINDOW, "search_entry");
  g_autofree char *prefix = NULL;
  g_autoptr(FdVisitItem) visit = find_scheduled_visit (&prefix, 0);
  g_autoptr(JsonObject) appointment = NULL;
  g_autoptr(JsonObject) encounter = NULL;
  g_autofree char *encounter_id = NULL;
  g_autofree char *station = fd_view_station_code ();
  const char *who = NULL;
  gint64 pending_before = pending_changes ();
  GtkWindow *dialog;
  guint keystrokes = 0;

  g_assert_nonnull (visit);

  /* Ctrl+F, three letters of the surname */
  g_assert_true (fd_test_press (GTK_WIDGET (window), "<Control>f"));
  keystrokes++;
  for (guint i = 0; i < 3; i++)
    {
      int position = -1;

      gtk_editable_insert_text (GTK_EDITABLE (entry), prefix + i, 1, &position);
      keystrokes++;
      fd_test_iterate ();
    }

  /* Enter: the patient expected today is first and goes straight to check-in */
  g_signal_emit_by_name (entry, "activate");
  keystrokes++;
  g_assert_true (fd_test_wait_for (has_dialog, view, 5));
  dialog = fd_checkin_view_get_dialog (view);
  g_assert_true (FD_IS_CHECKIN_DIALOG (dialog));
  g_assert_cmpstr (fd_checkin_dialog_get_appointment_id (FD_CHECKIN_DIALOG (dialog)), ==, fd_visit_item_get_id (visit));

  /* The panel shows who, and the insurance whatever the eligibility check says */
  g_assert_cmpstr (adw_preferences_row_get_title (dialog_child (dialog, "name_row")), ==,
                   fd_appointment_item_get_patient_display (fd_visit_item_get_appointment (visit)));
  g_assert_true (gtk_widget_get_visible (dialog_child (dialog, "coverage_row")));

  /* Space: name and birth date confirmed (the focus starts there) */
  g_assert_true (gtk_root_get_focus (GTK_ROOT (dialog)) == dialog_child (dialog, "confirm_check"));
  gtk_widget_activate (gtk_root_get_focus (GTK_ROOT (dialog)));
  keystrokes++;
  g_assert_true (gtk_check_button_get_active (dialog_child (dialog, "confirm_check")));

  /* Ctrl+Enter: done */
  g_assert_true (fd_test_press (GTK_WIDGET (dialog), "<Control>Return"));
  keystrokes++;
  g_assert_true (fd_test_wait_for (has_no_dialog, view, 5));

  printf ("# keystrokes from Ctrl+F to checked in: %u (goal: at most 10)\n", keystrokes);
  g_assert_cmpuint (keystrokes, <=, 10);

  /* In the store: the appointment arrived and its visit opened, both queued */
  appointment = get ("Appointment", fd_visit_item_get_id (visit));
  g_assert_cmpstr (fd_fhir_get_string (appointment, "status"), ==, "arrived");
  encounter_id = fd_store_find_encounter (store, fd_visit_item_get_id (visit));
  g_assert_nonnull (encounter_id);
  encounter = get ("Encounter", encounter_id);
  g_assert_cmpstr (fd_fhir_get_string (encounter, "status"), ==, "arrived");
  g_assert_true (fd_encounter_last_change (encounter, &who, NULL));
  g_assert_cmpstr (who, ==, station);
  g_assert_cmpint (pending_changes (), >=, pending_before + 2);

  /* On the board */
  {
    g_autoptr(FdVisitItem) row = fd_store_get_visit (store, fd_visit_item_get_id (visit), now_unix (), NULL);

    g_assert_cmpint (fd_visit_item_get_state (row), ==, FD_FLOW_ARRIVED);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_validation (void)
{
  FdWindow *window = new_window ();
  FdCheckinView *view = checkin_view (window);
  g_autoptr(FdVisitItem) visit = any_scheduled_visit (3);
  const char *patient_id = fd_appointment_item_get_patient_id (fd_visit_item_get_appointment (visit));
  g_autoptr(JsonObject) before = get ("Patient", patient_id);
  g_autofree char *before_json = fd_fhir_to_string (before);
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonObject) appointment = NULL;
  gint64 pending_before = pending_changes ();
  JsonObject *address;
  GtkWindow *dialog;
  struct {
    const char *title;
    const char *bad;
    const char *message;
  } cases[] = {
    { "Birth date", "12/31/2099", "in the future" },
    { "ZIP code", "7870", "A ZIP code has 5 digits" },
    { "Mobile phone", "555-12", "A phone number has 10 digits" },
    { "Home phone", "(012) 555-0134", "This cannot be a phone number" },
    { "Email", "someone@", "An email address looks like" },
    { "State", "Texas", "Use the two-letter postal code" },
  };

  fd_checkin_view_open_checkin (view, fd_visit_item_get_id (visit));
  dialog = fd_checkin_view_get_dialog (view);
  g_assert_nonnull (dialog);

  /* Without the identity confirmed nothing happens, and the panel says why */
  g_assert_true (fd_test_press (GTK_WIDGET (dialog), "<Control>Return"));
  g_assert_true (gtk_widget_get_visible (dialog_child (dialog, "message_label")));
  g_assert_nonnull (strstr (gtk_label_get_label (dialog_child (dialog, "message_label")), "birth date"));
  gtk_check_button_set_active (dialog_child (dialog, "confirm_check"), TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    set_row_text (dialog, cases[i].title, cases[i].bad);
  g_assert_true (fd_test_press (GTK_WIDGET (dialog), "<Control>Return"));

  /* Each bad field says what is wrong beside it; nothing was saved */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      AdwPreferencesRow *row = find_row (dialog, ADW_TYPE_ENTRY_ROW, cases[i].title);

      g_assert_nonnull (strstr (adw_preferences_row_get_title (row), cases[i].message));
      g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), "error"));
    }
  g_assert_nonnull (strstr (gtk_label_get_label (dialog_child (dialog, "message_label")), "nothing was saved"));
  g_assert_true (fd_checkin_view_get_dialog (view) == dialog);
  appointment = get ("Appointment", fd_visit_item_get_id (visit));
  g_assert_cmpstr (fd_fhir_get_string (appointment, "status"), ==, "booked");
  after = get ("Patient", patient_id);
  {
    g_autofree char *after_json = fd_fhir_to_string (after);

    g_assert_cmpstr (after_json, ==, before_json);
  }
  g_assert_cmpint (pending_changes (), ==, pending_before);
  g_clear_pointer (&after, json_object_unref);
  g_clear_pointer (&appointment, json_object_unref);

  /* A date that does not exist is refused as well */
  set_row_text (dialog, "Birth date", "02/30/1990");
  g_assert_true (fd_test_press (GTK_WIDGET (dialog), "<Control>Return"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (find_row (dialog, ADW_TYPE_ENTRY_ROW, "Birth date")), "error"));
  g_assert_cmpint (pending_changes (), ==, pending_before);
  {
    GDate birth;

    g_assert_true (fd_date_parse_iso (fd_fhir_get_string (before, "birthDate"), &birth));
    {
      g_autofree char *shown = fd_date_format_short (&birth, fd_date_order_from_locale ());

      set_row_text (dialog, "Birth date", shown);
    }
  }

  /* Fixed, the changes are saved with the check-in, as the record keeps them */
  set_row_text (dialog, "ZIP code", "78701-1234");
  set_row_text (dialog, "Mobile phone", "512.555.0199");
  set_row_text (dialog, "Home phone", "");
  set_row_text (dialog, "Email", "someone@example.com");
  set_row_text (dialog, "State", "tx");
  set_row_text (dialog, "City", "Austin");
  g_assert_true (fd_test_press (GTK_WIDGET (dialog), "<Control>Return"));
  g_assert_true (fd_test_wait_for (has_no_dialog, view, 5));

  after = get ("Patient", patient_id);
  address = fd_fhir_patient_address (after);
  g_assert_cmpstr (fd_fhir_get_string (address, "postalCode"), ==, "78701-1234");
  g_assert_cmpstr (fd_fhir_get_string (address, "state"), ==, "TX");
  g_assert_cmpstr (fd_fhir_get_string (address, "city"), ==, "Austin");
  {
    FdDemographics demographics;

    fd_demographics_read (after, &demographics);
    g_assert_cmpstr (demographics.mobile, ==, "(512) 555-0199");
    g_assert_cmpstr (demographics.email, ==, "someone@example.com");
    g_assert_null (demographics.home);
    fd_demographics_clear (&demographics);
  }
  appointment = get ("Appointment", fd_visit_item_get_id (visit));
  g_assert_cmpstr (fd_fhir_get_string (appointment, "status"), ==, "arrived");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_forms_and_insurance_offline (void)
{
  FdWindow *window = new_window ();
  FdCheckinView *view = checkin_view (window);
  g_autoptr(GPtrArray) visits = fd_store_list_visits (store, &today, now_unix (), NULL);
  FdVisitItem *visit = NULL;
  const char *patient_id;
  AdwActionRow *row;
  GtkWindow *dialog;
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  AdwPreferencesRow *eligibility;

  /* Someone scheduled, insured, with a form missing */
  for (guint i = 0; i < visits->len && visit == NULL; i++)
    {
      FdVisitItem *candidate = g_ptr_array_index (visits, i);

      if (fd_visit_item_get_state (candidate) == FD_FLOW_SCHEDULED &&
          (fd_visit_item_get_outstanding (candidate) & FD_OUTSTANDING_FORMS) &&
          !(fd_visit_item_get_outstanding (candidate) & FD_OUTSTANDING_NO_COVERAGE))
        visit = candidate;
    }
  g_assert_nonnull (visit);
  patient_id = fd_appointment_item_get_patient_id (fd_visit_item_get_appointment (visit));
  g_assert_false (fd_store_form_on_file (store, patient_id, "intake", now_unix (), NULL, NULL) &&
                  fd_store_form_on_file (store, patient_id, "consent-treatment", now_unix (), NULL, NULL) &&
                  fd_store_form_on_file (store, patient_id, "privacy-notice", now_unix (), NULL, NULL));

  fd_checkin_view_open_checkin (view, fd_visit_item_get_id (visit));
  dialog = fd_checkin_view_get_dialog (view);
  fd_test_iterate ();

  /* No server here: the check cannot be made, the panel says so and keeps the coverage */
  eligibility = dialog_child (dialog, "eligibility_row");
  g_assert_cmpstr (adw_preferences_row_get_title (eligibility), ==, "Not verified — this station is not connected to a clinic server");
  g_assert_true (gtk_widget_get_visible (dialog_child (dialog, "coverage_row")));
  g_assert_cmpstr (adw_preferences_row_get_title (dialog_child (dialog, "coverage_row")), !=, "");
  g_assert_cmpstr (adw_preferences_row_get_title (dialog_child (dialog, "coverage_row")), !=, "No insurance on file");

  /* A paper form handed in */
  collect_rows (GTK_WIDGET (dialog_child (dialog, "forms_group")), GTK_TYPE_BUTTON, buttons);
  g_assert_cmpuint (buttons->len, >, 0);
  row = ADW_ACTION_ROW (gtk_widget_get_ancestor (g_ptr_array_index (buttons, 0), ADW_TYPE_ACTION_ROW));
  {
    g_autofree char *title = g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
    guint n_forms;
    const FdDeskForm *forms = fd_desk_forms (&n_forms);
    const char *code = NULL;

    for (guint i = 0; i < n_forms; i++)
      if (g_str_equal (fd_desk_form_title (&forms[i]), title))
        code = forms[i].code;
    g_assert_nonnull (code);
    g_signal_emit_by_name (g_ptr_array_index (buttons, 0), "clicked");
    fd_test_iterate ();
    g_assert_true (fd_store_form_on_file (store, patient_id, code, now_unix (), NULL, NULL));
    row = find_row (dialog_child (dialog, "forms_group"), ADW_TYPE_ACTION_ROW, title);
    g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (row), "On file since"));
  }

  /* The check-in goes on without the eligibility answer */
  gtk_check_button_set_active (dialog_child (dialog, "confirm_check"), TRUE);
  g_assert_true (fd_test_press (GTK_WIDGET (dialog), "<Control>Return"));
  g_assert_true (fd_test_wait_for (has_no_dialog, view, 5));
  {
    g_autoptr(FdVisitItem) row_after = fd_store_get_visit (store, fd_visit_item_get_id (visit), now_unix (), NULL);

    g_assert_cmpint (fd_visit_item_get_state (row_after), ==, FD_FLOW_ARRIVED);
    g_assert_true (fd_visit_item_get_outstanding (row_after) & FD_OUTSTANDING_NOT_VERIFIED);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

static FdFlowState state_of (const char *appointment_id);

static void
walkin_fill (GtkWindow  *dialog,
             const char *family,
             const char *given,
             const char *birth)
{
  gtk_editable_set_text (GTK_EDITABLE (fd_test_template_child (dialog, FD_TYPE_WALKIN_DIALOG, "family_row")), family);
  gtk_editable_set_text (GTK_EDITABLE (fd_test_template_child (dialog, FD_TYPE_WALKIN_DIALOG, "given_row")), given);
  gtk_editable_set_text (GTK_EDITABLE (fd_test_template_child (dialog, FD_TYPE_WALKIN_DIALOG, "birth_row")), birth);
}

static char *
format_birth (const char *iso)
{
  GDate date;

  g_assert_true (fd_date_parse_iso (iso, &date));
  return fd_date_format_short (&date, fd_date_order_from_locale ());
}

static void
test_walkin (void)
{
  FdWindow *window = new_window ();
  FdCheckinView *view = checkin_view (window);
  GListModel *rows = fd_checkin_view_get_model (view);
  g_autoptr(FdVisitItem) existing_visit = any_scheduled_visit (5);
  const char *existing_id = fd_appointment_item_get_patient_id (fd_visit_item_get_appointment (existing_visit));
  g_autoptr(JsonObject) existing = get ("Patient", existing_id);
  JsonObject *name = fd_fhir_patient_name (existing);
  g_autofree char *birth = format_birth (fd_fhir_get_string (existing, "birthDate"));
  g_autofree char *given = g_strdup (json_array_get_string_element (fd_fhir_get_array (name, "given"), 0));
  FdStoreCounts counts_before, counts_after;
  GtkWindow *dialog;
  GtkStack *stack;
  guint rows_before = g_list_model_get_n_items (rows);

  g_assert_true (fd_store_get_counts (store, &counts_before, NULL));

  /* Ctrl+N on the board; a birth date in the future is refused */
  g_assert_true (fd_test_press (GTK_WIDGET (view), "<Control>n"));
  dialog = fd_checkin_view_get_dialog (view);
  g_assert_true (FD_IS_WALKIN_DIALOG (dialog));
  walkin_fill (dialog, "Quillby", "Anneliese", "12/31/2099");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "walkin.next", NULL);
  g_assert_nonnull (strstr (adw_preferences_row_get_title (fd_test_template_child (dialog, FD_TYPE_WALKIN_DIALOG, "birth_row")),
                            "in the future"));
  g_assert_true (fd_store_get_counts (store, &counts_after, NULL));
  g_assert_cmpint (counts_after.patients, ==, counts_before.patients);

  /* The same person typed again: offered, picked, no new record */
  walkin_fill (dialog, fd_fhir_get_string (name, "family"), given, birth);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "walkin.next", NULL);
  stack = fd_test_template_child (dialog, FD_TYPE_WALKIN_DIALOG, "stack");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "candidates");
  {
    AdwActionRow *candidate = find_row (dialog, ADW_TYPE_ACTION_ROW, fd_appointment_item_get_patient_display (fd_visit_item_get_appointment (existing_visit)));

    g_assert_nonnull (strstr (adw_action_row_get_subtitle (candidate), "Same name and birth date"));
    gtk_widget_activate (GTK_WIDGET (candidate));
  }
  gtk_widget_activate_action (GTK_WIDGET (dialog), "walkin.next", NULL);
  g_assert_true (fd_test_wait_for (has_no_dialog, view, 5));
  g_assert_true (fd_store_get_counts (store, &counts_after, NULL));
  g_assert_cmpint (counts_after.patients, ==, counts_before.patients);
  /* …who was booked for later today: that visit is checked in, none is added */
  g_assert_cmpint (counts_after.appointments, ==, counts_before.appointments);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, rows_before);
  g_assert_cmpint (state_of (fd_visit_item_get_id (existing_visit)), ==, FD_FLOW_ARRIVED);

  /* An MRN from the patient's card finds them whatever name was typed */
  g_assert_true (fd_test_press (GTK_WIDGET (view), "<Control>n"));
  dialog = fd_checkin_view_get_dialog (view);
  walkin_fill (dialog, "Nobodyhere", "Quentin", "01/02/1977");
  gtk_editable_set_text (GTK_EDITABLE (fd_test_template_child (dialog, FD_TYPE_WALKIN_DIALOG, "mrn_row")),
                         fd_fhir_patient_mrn (existing));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "walkin.next", NULL);
  stack = fd_test_template_child (dialog, FD_TYPE_WALKIN_DIALOG, "stack");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "candidates");
  {
    AdwActionRow *candidate = find_row (dialog, ADW_TYPE_ACTION_ROW, fd_appointment_item_get_patient_display (fd_visit_item_get_appointment (existing_visit)));

    g_assert_nonnull (strstr (adw_action_row_get_subtitle (candidate), "Same MRN"));
  }
  gtk_window_destroy (dialog);
  fd_test_iterate ();

  /* Someone new: no candidates, a new patient checked in for now */
  g_assert_true (fd_test_press (GTK_WIDGET (view), "<Control>n"));
  dialog = fd_checkin_view_get_dialog (view);
  walkin_fill (dialog, "Zyxwort-Quillby", "Anneliese Marie", "04/02/1990");
  gtk_editable_set_text (GTK_EDITABLE (fd_test_template_child (dialog, FD_TYPE_WALKIN_DIALOG, "phone_row")), "512-555-0177");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "walkin.next", NULL);
  g_assert_true (fd_test_wait_for (has_no_dialog, view, 5));
  g_assert_true (fd_store_get_counts (store, &counts_after, NULL));
  g_assert_cmpint (counts_after.patients, ==, counts_before.patients + 1);
  {
    g_autoptr(GPtrArray) hits = fd_store_search_patients (store, "zyxwort", 5, NULL);
    g_autofree char *appointment_id = NULL;
    g_autoptr(FdVisitItem) visit = NULL;

    g_assert_cmpuint (hits->len, ==, 1);
    g_assert_cmpstr (fd_patient_item_get_birth_date (g_ptr_array_index (hits, 0)), ==, "1990-04-02");
    appointment_id = fd_store_find_today_appointment (store, fd_patient_item_get_id (g_ptr_array_index (hits, 0)), &today);
    g_assert_nonnull (appointment_id);
    visit = fd_store_get_visit (store, appointment_id, now_unix (), NULL);
    g_assert_cmpint (fd_visit_item_get_state (visit), ==, FD_FLOW_ARRIVED);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static void
select_row (FdCheckinView *view,
            const char    *appointment_id)
{
  GListModel *shown = fd_checkin_view_get_shown (view);

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(FdVisitItem) visit = g_list_model_get_item (shown, i);

      if (g_str_equal (fd_visit_item_get_id (visit), appointment_id))
        {
          gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (shown), i);
          return;
        }
    }
  g_assert_not_reached ();
}

static FdFlowState
state_of (const char *appointment_id)
{
  g_autoptr(FdVisitItem) visit = fd_store_get_visit (store, appointment_id, now_unix (), NULL);

  return fd_visit_item_get_state (visit);
}

static void
test_board_actions_and_undo (void)
{
  FdWindow *window = new_window ();
  FdCheckinView *view = checkin_view (window);
  g_autoptr(FdVisitItem) visit = any_scheduled_visit (8);
  g_autoptr(FdVisitItem) absent = any_scheduled_visit (9);
  const char *id = fd_visit_item_get_id (visit);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *encounter_id = NULL;
  g_autoptr(JsonObject) encounter = NULL;
  AdwMessageDialog *message;
  GError *error = NULL;

  g_assert_true (fd_store_checkin (store, id, NULL, NULL, now, "FD1", &error));
  g_assert_no_error (error);
  fd_test_iterate ();

  /* Room: Ctrl+R asks which room */
  select_row (view, id);
  g_assert_true (fd_test_press (GTK_WIDGET (view), "<Control>r"));
  message = find_message_dialog ();
  g_assert_nonnull (message);
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (message)), "Exam 3");
  adw_message_dialog_response (message, "ok");
  gtk_window_destroy (GTK_WINDOW (message));
  fd_test_iterate ();
  g_assert_cmpint (state_of (id), ==, FD_FLOW_ROOMED);
  {
    g_autoptr(FdVisitItem) row = fd_store_get_visit (store, id, now_unix (), NULL);

    g_assert_cmpstr (fd_visit_item_get_room (row), ==, "Exam 3");
  }

  /* Check out, then undo it: back in the room */
  g_assert_true (fd_test_press (GTK_WIDGET (view), "<Shift><Control>o"));
  g_assert_cmpint (state_of (id), ==, FD_FLOW_CHECKED_OUT);
  g_assert_true (fd_test_press (GTK_WIDGET (view), "<Control>z"));
  g_assert_cmpint (state_of (id), ==, FD_FLOW_ROOMED);
  {
    g_autoptr(FdVisitItem) row = fd_store_get_visit (store, id, now_unix (), NULL);

    g_assert_cmpstr (fd_visit_item_get_room (row), ==, "Exam 3");
  }
  g_assert_true (fd_test_press (GTK_WIDGET (view), "<Control>z"));
  g_assert_cmpint (state_of (id), ==, FD_FLOW_ARRIVED);

  /* Undoing a check-in asks why; the reason stays on the visit */
  g_assert_true (fd_test_press (GTK_WIDGET (view), "<Control>z"));
  message = find_message_dialog ();
  g_assert_nonnull (message);
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (message)), "Wrong patient picked");
  adw_message_dialog_response (message, "ok");
  gtk_window_destroy (GTK_WINDOW (message));
  fd_test_iterate ();
  g_assert_cmpint (state_of (id), ==, FD_FLOW_SCHEDULED);
  encounter_id = fd_store_find_encounter (store, id);
  encounter = get ("Encounter", encounter_id);
  g_assert_cmpstr (fd_fhir_get_string (encounter, "status"), ==, "cancelled");
  {
    g_autofree char *json = fd_fhir_to_string (encounter);

    g_assert_nonnull (strstr (json, "Wrong patient picked"));
  }

  /* Checked in again two hours later: the wait counts from the new arrival */
  {
    g_autoptr(GDateTime) later = g_date_time_add_hours (now, 2);
    g_autoptr(FdVisitItem) row = NULL;

    g_assert_true (fd_store_checkin (store, id, NULL, NULL, later, "FD1", &error));
    g_assert_no_error (error);
    row = fd_store_get_visit (store, id, now_unix (), NULL);
    g_assert_cmpint (fd_visit_item_get_state (row), ==, FD_FLOW_ARRIVED);
    g_assert_cmpint (fd_visit_item_get_arrived (row), ==, g_date_time_to_unix (later));
    g_assert_true (fd_store_undo_visit (store, id, "Test over", later, "FD1", &error));
  }

  /* No-show from the board, for someone who did not come */
  select_row (view, fd_visit_item_get_id (absent));
  g_assert_true (fd_test_press (GTK_WIDGET (view), "<Shift><Control>n"));
  g_assert_cmpint (state_of (fd_visit_item_get_id (absent)), ==, FD_FLOW_NO_SHOW);

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  guint emissions;
  guint max_changed;
} Changes;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *changes)
{
  changes->emissions++;
  changes->max_changed = MAX (changes->max_changed, MAX (removed, added));
}

static void
test_board_follows_other_desks (void)
{
  FdWindow *window = new_window ();
  FdCheckinView *view = checkin_view (window);
  GListModel *rows = fd_checkin_view_get_model (view);
  g_autoptr(FdVisitItem) visit = any_scheduled_visit (12);
  g_autoptr(JsonObject) appointment = get ("Appointment", fd_visit_item_get_id (visit));
  g_autoptr(JsonObject) encounter = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(FdVisitItem) row = NULL;
  Changes changes = { 0 };
  GError *error = NULL;

  g_signal_connect (rows, "items-changed", G_CALLBACK (items_changed_cb), &changes);

  /* Another desk checked the patient in; the change arrives with a download */
  encounter = fd_checkin_new_encounter (appointment, now, "FD9");
  json_object_set_string_member (appointment, "status", "arrived");
  g_assert_true (fd_store_begin (store, &error));
  g_assert_true (fd_store_put (store, appointment, FD_STORE_ORIGIN_SERVER, &error));
  g_assert_true (fd_store_put (store, encounter, FD_STORE_ORIGIN_SERVER, &error));
  g_assert_true (fd_store_commit (store, &error));
  g_assert_no_error (error);
  fd_test_iterate ();

  /* That row, and only that row, changed */
  g_assert_cmpuint (changes.emissions, >, 0);
  g_assert_cmpuint (changes.max_changed, ==, 1);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      FdVisitItem *item = g_list_model_get_item (rows, i);

      if (g_str_equal (fd_visit_item_get_id (item), fd_visit_item_get_id (visit)))
        row = item;
      else
        g_object_unref (item);
    }
  g_assert_nonnull (row);
  g_assert_cmpint (fd_visit_item_get_state (row), ==, FD_FLOW_ARRIVED);
  g_assert_cmpstr (fd_visit_item_get_changed_by (row), ==, "FD9");

  /* This desk trying the same check-in is told who did it */
  g_assert_false (fd_store_checkin (store, fd_visit_item_get_id (visit), NULL, NULL, now, "FD1", &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_ALREADY_DONE);
  g_assert_nonnull (strstr (error->message, "FD9"));
  g_clear_error (&error);

  g_signal_handlers_disconnect_by_func (rows, items_changed_cb, &changes);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_busy_day (void)
{
  FdWindow *window = new_window ();
  FdCheckinView *view = checkin_view (window);
  g_autoptr(GPtrArray) visits = fd_store_list_visits (store, &today, now_unix (), NULL);
  g_autoptr(GDateTime) base = g_date_time_new_local (g_date_get_year (&today), g_date_get_month (&today),
                                                     g_date_get_day (&today), 7, 0, 0);
  guint have = visits->len;
  GListModel *shown;
  GtkDropDown *providers;
  GError *error = NULL;

  /* Fill the day up to 300 appointments */
  g_assert_true (fd_store_begin (store, &error));
  for (guint i = 0; have + i < 300; i++)
    {
      FdVisitItem *model = g_ptr_array_index (visits, i % visits->len);
      g_autoptr(JsonObject) copy = get ("Appointment", fd_visit_item_get_id (model));
      g_autofree char *id = g_uuid_string_random ();
      g_autoptr(GDateTime) start = g_date_time_add_minutes (base, (gint) (i % 600));
      g_autoptr(GDateTime) end = g_date_time_add_minutes (start, 15);
      g_autofree char *start_text = fd_date_time_format_fhir (start);
      g_autofree char *end_text = fd_date_time_format_fhir (end);

      json_object_set_string_member (copy, "id", id);
      json_object_set_string_member (copy, "status", "booked");
      json_object_set_string_member (copy, "start", start_text);
      json_object_set_string_member (copy, "end", end_text);
      json_object_remove_member (copy, "meta");
      g_assert_true (fd_store_put (store, copy, FD_STORE_ORIGIN_SERVER, &error));
    }
  g_assert_true (fd_store_commit (store, &error));
  g_assert_no_error (error);
  fd_test_iterate ();

  g_assert_cmpuint (g_list_model_get_n_items (fd_checkin_view_get_model (view)), >=, 300);
  shown = fd_checkin_view_get_shown (view);
  g_assert_cmpuint (g_list_model_get_n_items (shown), >=, 300);

  /* One provider's patients only */
  providers = fd_test_template_child (view, FD_TYPE_CHECKIN_VIEW, "provider_dropdown");
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (providers)), >, 2);
  gtk_drop_down_set_selected (providers, 1);
  fd_test_iterate ();
  g_assert_cmpuint (g_list_model_get_n_items (shown), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (shown), <, 300);
  {
    g_autoptr(FdVisitItem) first = g_list_model_get_item (shown, 0);
    const char *provider = fd_appointment_item_get_practitioner_id (fd_visit_item_get_appointment (first));

    for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
      {
        g_autoptr(FdVisitItem) item = g_list_model_get_item (shown, i);

        g_assert_cmpstr (fd_appointment_item_get_practitioner_id (fd_visit_item_get_appointment (item)), ==, provider);
      }
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

static FdCoverageDialog *
find_coverage_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (FD_IS_COVERAGE_DIALOG (window))
        return FD_COVERAGE_DIALOG (window);
    }
  return NULL;
}

static void
test_replace_coverage (void)
{
  FdWindow *window = new_window ();
  FdCheckinView *view = checkin_view (window);
  g_autoptr(GPtrArray) visits = fd_store_list_visits (store, &today, now_unix (), NULL);
  g_autoptr(GPtrArray) coverages = NULL;
  FdVisitItem *visit = NULL;
  const char *patient_id;
  g_autofree char *old_id = NULL;
  FdCoverageDialog *coverage_dialog;
  GtkWindow *dialog;
  guint active = 0;

  for (guint i = 0; i < visits->len && visit == NULL; i++)
    {
      FdVisitItem *candidate = g_ptr_array_index (visits, i);

      if (fd_visit_item_get_state (candidate) == FD_FLOW_SCHEDULED && i > 20 &&
          !(fd_visit_item_get_outstanding (candidate) & FD_OUTSTANDING_NO_COVERAGE))
        visit = candidate;
    }
  g_assert_nonnull (visit);
  patient_id = fd_appointment_item_get_patient_id (fd_visit_item_get_appointment (visit));
  coverages = fd_store_list_coverages (store, patient_id, NULL);
  g_assert_cmpuint (coverages->len, >=, 1);
  old_id = g_strdup (fd_fhir_get_string (g_ptr_array_index (coverages, 0), "id"));

  fd_checkin_view_open_checkin (view, fd_visit_item_get_id (visit));
  dialog = fd_checkin_view_get_dialog (view);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "checkin.edit-coverage", NULL);
  coverage_dialog = find_coverage_dialog ();
  g_assert_nonnull (coverage_dialog);

  /* Without a member ID nothing is saved */
  gtk_widget_activate_action (GTK_WIDGET (coverage_dialog), "coverage.save", NULL);
  g_assert_nonnull (strstr (adw_preferences_row_get_title (fd_test_template_child (coverage_dialog, FD_TYPE_COVERAGE_DIALOG, "member_row")),
                            "required"));
  g_assert_true (find_coverage_dialog () == coverage_dialog);

  gtk_editable_set_text (GTK_EDITABLE (fd_test_template_child (coverage_dialog, FD_TYPE_COVERAGE_DIALOG, "member_row")), "BHP555000111");
  gtk_editable_set_text (GTK_EDITABLE (fd_test_template_child (coverage_dialog, FD_TYPE_COVERAGE_DIALOG, "group_row")), "G77");
  gtk_editable_set_text (GTK_EDITABLE (fd_test_template_child (coverage_dialog, FD_TYPE_COVERAGE_DIALOG, "copay_row")), "30.00");
  g_assert_true (fd_test_press (GTK_WIDGET (coverage_dialog), "<Control>Return"));
  fd_test_iterate ();
  g_assert_null (find_coverage_dialog ());

  /* The old card ended, the new one on file and in the panel */
  g_clear_pointer (&coverages, g_ptr_array_unref);
  coverages = fd_store_list_coverages (store, patient_id, NULL);
  for (guint i = 0; i < coverages->len; i++)
    {
      JsonObject *coverage = g_ptr_array_index (coverages, i);
      FdMoney copay;

      if (g_str_equal (fd_fhir_get_string (coverage, "id"), old_id))
        {
          /* Ended the day before the new one starts, not rescinded */
          g_assert_cmpstr (fd_fhir_get_string (coverage, "status"), ==, "active");
          g_assert_nonnull (fd_fhir_get_string (fd_fhir_get_object (coverage, "period"), "end"));
        }
      else if (g_str_equal (fd_fhir_get_string (coverage, "status"), "active"))
        {
          active++;
          g_assert_cmpstr (fd_fhir_get_string (coverage, "subscriberId"), ==, "BHP555000111");
          g_assert_true (fd_fhir_coverage_copay (coverage, &copay));
          g_assert_cmpint (copay.cents, ==, 3000);
        }
    }
  g_assert_cmpuint (active, ==, 1);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (dialog_child (dialog, "coverage_row")), "BHP555000111"));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  tmp_dir = fd_test_make_dir ();
  {
    g_autoptr(GTimeZone) tz = g_time_zone_new_local ();

    fd_date_set_today (&today, tz);
  }
  store = fd_test_seeded_store (tmp_dir, 1500, 7, &today);

  g_test_add_func ("/checkin/keyboard", test_keyboard_checkin);
  g_test_add_func ("/checkin/validation", test_validation);
  g_test_add_func ("/checkin/forms-and-insurance-offline", test_forms_and_insurance_offline);
  g_test_add_func ("/checkin/walk-in", test_walkin);
  g_test_add_func ("/checkin/replace-coverage", test_replace_coverage);
  g_test_add_func ("/checkin/board-actions-and-undo", test_board_actions_and_undo);
  g_test_add_func ("/checkin/board-follows-other-desks", test_board_follows_other_desks);
  g_test_add_func ("/checkin/busy-day", test_busy_day);

  ret = g_test_run ();

  g_clear_object (&store);
  fd_test_remove_dir (tmp_dir);
  g_free (tmp_dir);
  return ret;
}
