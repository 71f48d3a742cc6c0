/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Check-in reaches the real FHIR server: the arrived appointment and its
 * visit, the status changes, walk-ins, forms and a new coverage; and two
 * desks checking in the same patient end with one visit. */
#include <locale.h>
#include <string.h>

#include "fd-checkin.h"
#include "fd-dates.h"
#include "fd-fhir.h"
#include "fd-store-checkin.h"
#include "fd-sync-engine.h"
#include "fd-test-util.h"

static GSubprocess *server;
static char *server_url;
static char *work_dir;
static GDate today;

static FdSyncEngine *
engine_for (FdStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFhirClient) client = fd_fhir_client_new (server_url, &error);

  g_assert_no_error (error);
  fd_fhir_client_set_timeout (client, 5);
  return fd_sync_engine_new (store, client);
}

static void
pull (FdStore *store)
{
  g_autoptr(FdSyncEngine) engine = engine_for (store);
  g_autoptr(GError) error = NULL;
  FdSyncStats stats;

  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  g_assert_no_error (error);
}

static void
push (FdStore *store)
{
  g_autoptr(FdSyncEngine) engine = engine_for (store);
  g_autoptr(GError) error = NULL;
  gint64 pending = -1, parked = -1;
  FdSyncStats stats;

  g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (fd_store_count_outbox (store, &pending, &parked, NULL));
  g_assert_cmpint (pending, ==, 0);
  g_assert_cmpint (parked, ==, 0);
}

/* A desk that has downloaded the clinic */
static FdStore *
desk (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (work_dir, name, "frontdesk.db", NULL);
  g_autoptr(FdStore) store = fd_store_open (path, &error);

  g_assert_no_error (error);
  pull (store);
  return g_steal_pointer (&store);
}

static JsonObject *
on_server (const char *type,
           const char *id)
{
  g_autofree char *path = g_strdup_printf ("%s/%s", type, id);
  return fd_test_get_from_server (server_url, path);
}

/* Today's scheduled appointments, the @skip-th */
static char *
scheduled (FdStore *store,
           guint    skip)
{
  g_autoptr(GPtrArray) visits = fd_store_list_visits (store, &today, g_get_real_time () / G_USEC_PER_SEC, NULL);

  for (guint i = 0; visits && i < visits->len; i++)
    {
      FdVisitItem *visit = g_ptr_array_index (visits, i);

      if (fd_visit_item_get_state (visit) == FD_FLOW_SCHEDULED && skip-- == 0)
        return g_strdup (fd_visit_item_get_id (visit));
    }
  g_assert_not_reached ();
}

static GDateTime *
now (void)
{
  return g_date_time_new_now_local ();
}

static void
test_checkin_reaches_server (void)
{
  g_autoptr(FdStore) store = desk ("a1");
  g_autofree char *appointment_id = scheduled (store, 0);
  g_autofree char *encounter_id = fd_checkin_encounter_id (appointment_id);
  g_autoptr(GDateTime) t = now ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) appointment = NULL;
  g_autoptr(JsonObject) encounter = NULL;
  const char *who = NULL;

  g_assert_true (fd_store_checkin (store, appointment_id, NULL, NULL, t, "FD1", &error));
  g_assert_no_error (error);
  push (store);

  appointment = on_server ("Appointment", appointment_id);
  g_assert_cmpstr (fd_fhir_get_string (appointment, "status"), ==, "arrived");
  encounter = on_server ("Encounter", encounter_id);
  g_assert_nonnull (encounter);
  g_assert_cmpstr (fd_fhir_get_string (encounter, "status"), ==, "arrived");
  g_assert_true (fd_encounter_last_change (encounter, &who, NULL));
  g_assert_cmpstr (who, ==, "FD1");
  g_clear_pointer (&encounter, json_object_unref);
  g_clear_pointer (&appointment, json_object_unref);

  /* Roomed, then out: the history of the visit on the server */
  g_assert_true (fd_store_change_visit (store, appointment_id, FD_FLOW_ROOMED, "Exam 2", t, "FD1", &error));
  g_assert_true (fd_store_change_visit (store, appointment_id, FD_FLOW_CHECKED_OUT, NULL, t, "FD1", &error));
  g_assert_no_error (error);
  push (store);
  encounter = on_server ("Encounter", encounter_id);
  g_assert_cmpstr (fd_fhir_get_string (encounter, "status"), ==, "finished");
  g_assert_cmpuint (json_array_get_length (fd_fhir_get_array (encounter, "statusHistory")), ==, 3);
  appointment = on_server ("Appointment", appointment_id);
  g_assert_cmpstr (fd_fhir_get_string (appointment, "status"), ==, "fulfilled");
}

static void
test_two_desks_one_visit (void)
{
  g_autoptr(FdStore) a = desk ("a2");
  g_autoptr(FdStore) b = desk ("b2");
  g_autofree char *appointment_id = scheduled (a, 1);
  g_autofree char *encounter_id = fd_checkin_encounter_id (appointment_id);
  g_autofree char *query = g_strdup_printf ("Encounter?appointment=Appointment/%s", appointment_id);
  g_autoptr(GDateTime) t = now ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (t, 20);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) encounter = NULL;
  g_autoptr(JsonObject) bundle = NULL;
  g_autoptr(FdVisitItem) visit = NULL;
  const char *who = NULL;

  /* Both desks check the same patient in before either has synced */
  g_assert_true (fd_store_checkin (a, appointment_id, NULL, NULL, t, "FD-A", &error));
  g_assert_true (fd_store_checkin (b, appointment_id, NULL, NULL, later, "FD-B", &error));
  g_assert_no_error (error);

  push (a);
  push (b);

  /* One visit on the server: the first desk's */
  bundle = fd_test_get_from_server (server_url, query);
  g_assert_cmpint (json_object_get_int_member (bundle, "total"), ==, 1);
  encounter = on_server ("Encounter", encounter_id);
  g_assert_true (fd_encounter_last_change (encounter, &who, NULL));
  g_assert_cmpstr (who, ==, "FD-A");
  g_clear_pointer (&encounter, json_object_unref);

  /* The second desk holds that visit now, and can tell who did it */
  visit = fd_store_get_visit (b, appointment_id, g_get_real_time () / G_USEC_PER_SEC, NULL);
  g_assert_cmpint (fd_visit_item_get_state (visit), ==, FD_FLOW_ARRIVED);
  g_assert_cmpstr (fd_visit_item_get_changed_by (visit), ==, "FD-A");
  g_assert_false (fd_store_checkin (b, appointment_id, NULL, NULL, later, "FD-B", &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_ALREADY_DONE);
  g_assert_nonnull (strstr (error->message, "FD-A"));
}

static void
test_second_desk_went_on (void)
{
  g_autoptr(FdStore) a = desk ("a4");
  g_autoptr(FdStore) b = desk ("b4");
  g_autofree char *appointment_id = scheduled (a, 2);
  g_autofree char *encounter_id = fd_checkin_encounter_id (appointment_id);
  g_autoptr(GDateTime) t = now ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) parked = NULL;
  g_autoptr(FdSyncEngine) engine = NULL;
  gint64 pending = -1, n_parked = -1;
  FdSyncStats stats;
  FdOutboxEntry *entry = NULL;

  /* The second desk checked in too, and took the patient to a room before syncing */
  g_assert_true (fd_store_checkin (a, appointment_id, NULL, NULL, t, "FD-A", &error));
  g_assert_true (fd_store_checkin (b, appointment_id, NULL, NULL, t, "FD-B", &error));
  g_assert_true (fd_store_change_visit (b, appointment_id, FD_FLOW_ROOMED, "Exam 4", t, "FD-B", &error));
  g_assert_no_error (error);
  push (a);

  engine = engine_for (b);
  g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
  g_assert_no_error (error);

  /* Nothing of it is dropped: the visit waits for a person, with the other desk's version */
  g_assert_true (fd_store_count_outbox (b, &pending, &n_parked, NULL));
  g_assert_cmpint (pending, ==, 0);
  g_assert_cmpint (n_parked, >=, 1);
  parked = fd_store_list_outbox (b, TRUE, NULL);
  g_assert_cmpuint (parked->len, ==, (guint) n_parked);
  for (guint i = 0; i < parked->len; i++)
    {
      entry = g_ptr_array_index (parked, i);
      g_assert_cmpstr (entry->type, ==, "Encounter");
      g_assert_cmpstr (entry->id, ==, encounter_id);
      g_assert_cmpstr (entry->kind, ==, "conflict");
    }
  g_assert_nonnull (entry);
  g_assert_nonnull (entry->theirs);
  g_assert_nonnull (strstr (entry->theirs, "FD-A"));
}

static void
test_walkin_forms_coverage_reach_server (void)
{
  g_autoptr(FdStore) store = desk ("a3");
  g_autoptr(GPtrArray) practitioners = fd_store_list_practitioners (store, NULL);
  g_autoptr(GDateTime) t = now ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) appointment = NULL;
  g_autoptr(JsonObject) patient = NULL;
  g_autofree char *appointment_id = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  const char *patient_id;
  FdWalkin walkin = {
    .family = "Okonkwo-Halvorsen",
    .given = "Theodora",
    .birth_date = "1987-06-14",
    .gender = "female",
    .phone = "(512) 555-0142",
    .practitioner_id = ((FdStoreRef *) g_ptr_array_index (practitioners, 0))->id,
  };

  appointment_id = fd_store_register_walkin (store, &walkin, NULL, t, "FD1", &error);
  g_assert_no_error (error);
  hits = fd_store_search_patients (store, "okonkwo", 5, NULL);
  g_assert_cmpuint (hits->len, ==, 1);
  patient_id = fd_patient_item_get_id (g_ptr_array_index (hits, 0));
  g_assert_true (fd_store_receive_form (store, patient_id, "intake", t, &error));
  g_assert_true (fd_store_receive_form (store, patient_id, "consent-treatment", t, &error));
  g_assert_true (fd_store_receive_form (store, patient_id, "privacy-notice", t, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) payers = fd_store_list_payers (store, NULL);
    FdStoreRef *payer = g_ptr_array_index (payers, 0);
    FdCoverageInput input = {
      .patient_id = patient_id, .patient_display = "Okonkwo-Halvorsen, Theodora",
      .payer_id = payer->id, .payer_display = payer->display,
      .member_id = "RCA000123456", .group = "G00042", .relationship = "spouse",
      .subscriber = "Okonkwo-Halvorsen, Emeka", .start = "2026-01-01", .copay_cents = 3500, .currency = "USD",
    };
    g_autoptr(JsonObject) coverage = fd_coverage_new (&input, "b5a3e0a4-1c8e-4f5e-9a57-5d2f0c7e6b11");

    g_assert_true (fd_store_replace_coverage (store, coverage, NULL, t, &error));
    g_assert_no_error (error);
  }
  push (store);
  {
    g_autoptr(JsonObject) coverage = on_server ("Coverage", "b5a3e0a4-1c8e-4f5e-9a57-5d2f0c7e6b11");
    FdMoney copay;

    g_assert_nonnull (coverage);
    g_assert_true (fd_fhir_coverage_copay (coverage, &copay));
    g_assert_cmpint (copay.cents, ==, 3500);
  }

  patient = on_server ("Patient", patient_id);
  g_assert_cmpstr (fd_fhir_get_string (patient, "birthDate"), ==, "1987-06-14");
  appointment = on_server ("Appointment", appointment_id);
  g_assert_cmpstr (fd_fhir_get_string (appointment, "status"), ==, "arrived");
  {
    g_autofree char *encounter_id = fd_checkin_encounter_id (appointment_id);
    g_autoptr(JsonObject) encounter = on_server ("Encounter", encounter_id);
    g_autofree char *consents = g_strdup_printf ("Consent?patient=Patient/%s", patient_id);
    g_autofree char *responses = g_strdup_printf ("QuestionnaireResponse?subject=Patient/%s", patient_id);
    g_autoptr(JsonObject) consent_bundle = fd_test_get_from_server (server_url, consents);
    g_autoptr(JsonObject) response_bundle = fd_test_get_from_server (server_url, responses);

    g_assert_nonnull (encounter);
    g_assert_cmpint (json_object_get_int_member (consent_bundle, "total"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (response_bundle, "total"), ==, 1);
  }

  /* A second desk sees the forms on file after its pull */
  {
    g_autoptr(FdStore) other = desk ("b3");
    gint64 n = g_get_real_time () / G_USEC_PER_SEC;

    g_assert_true (fd_store_form_on_file (other, patient_id, "intake", n, NULL, NULL));
    g_assert_true (fd_store_form_on_file (other, patient_id, "consent-treatment", n, NULL, NULL));
    g_assert_true (fd_store_form_on_file (other, patient_id, "privacy-notice", n, NULL, NULL));
  }
}

int
main (int argc, char **argv)
{
  g_autofree char *node = NULL;
  FdDemoOptions options;
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  node = g_find_program_in_path ("node");
  if (node == NULL)
    {
      g_test_skip ("node is not installed");
      return g_test_run ();
    }

  {
    g_autoptr(GTimeZone) tz = g_time_zone_new_local ();

    fd_date_set_today (&today, tz);
  }
  work_dir = fd_test_make_dir ();
  fd_demo_options_init (&options);
  options.n_patients = 300;
  options.n_days = 2;
  options.seed = 11;
  options.today = today;
  server = fd_test_start_demo_server (work_dir, &options, &server_url);

  g_test_add_func ("/checkin-sync/reaches-server", test_checkin_reaches_server);
  g_test_add_func ("/checkin-sync/two-desks-one-visit", test_two_desks_one_visit);
  g_test_add_func ("/checkin-sync/second-desk-went-on", test_second_desk_went_on);
  g_test_add_func ("/checkin-sync/walk-in-forms-reach-server", test_walkin_forms_coverage_reach_server);

  ret = g_test_run ();

  fd_test_stop_fhir_server (g_steal_pointer (&server));
  g_free (server_url);
  fd_test_remove_dir (work_dir);
  g_free (work_dir);
  return ret;
}
