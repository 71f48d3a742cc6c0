/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The working set against the real FHIR server: a clinic whose schedule
 * spans 60 days, of which the station keeps the appointments from 7 days
 * back to 30 ahead, their patients and those patients' records; changes of
 * patients in the set arrive, of others not; a patient found on the server
 * and opened at the desk is cached and stays. */
#include <locale.h>

#include "fd-fhir.h"
#include "fd-patient-search.h"
#include "fd-store-workset.h"
#include "fd-sync-engine.h"
#include "fd-test-util.h"

static GSubprocess *server;
static char *server_url;
static char *work_dir;
static GDate today;

static FdStore *
new_store (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (work_dir, name, "frontdesk.db", NULL);
  FdStore *store = fd_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

static FdFhirClient *
new_client (void)
{
  g_autoptr(GError) error = NULL;
  FdFhirClient *client = fd_fhir_client_new (server_url, &error);

  g_assert_no_error (error);
  return client;
}

static FdSyncEngine *
new_engine (FdStore *store)
{
  g_autoptr(FdFhirClient) client = new_client ();
  FdSyncEngine *engine = fd_sync_engine_new (store, client);

  fd_sync_engine_set_today (engine, &today);
  fd_sync_engine_set_page_size (engine, 100);
  fd_sync_engine_set_batch_size (engine, 100);
  return engine;
}

static gint64
server_total (const char *query)
{
  g_autoptr(JsonObject) bundle = fd_test_get_from_server (server_url, query);

  return json_object_get_int_member (bundle, "total");
}

/* Every resource a search finds on the server, all pages */
static GPtrArray *
server_all (const char *query)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint offset = 0;; offset += 1000)
    {
      g_autofree char *path = g_strdup_printf ("%s%s_count=1000&_offset=%u", query,
                                               strchr (query, '?') ? "&" : "?", offset);
      g_autoptr(JsonObject) bundle = fd_test_get_from_server (server_url, path);
      JsonArray *entries = fd_fhir_get_array (bundle, "entry");
      guint n = entries ? json_array_get_length (entries) : 0;

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (all, json_object_ref (fd_fhir_get_object (fd_fhir_array_object (entries, i), "resource")));
      if (n < 1000)
        return all;
    }
}

static char *
window_query (const GDate *first,
              const GDate *last)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
  g_autoptr(GDateTime) from = g_date_time_new (tz, g_date_get_year (first), g_date_get_month (first),
                                               g_date_get_day (first), 0, 0, 0);
  g_autoptr(GDateTime) to = g_date_time_new (tz, g_date_get_year (last), g_date_get_month (last),
                                             g_date_get_day (last), 23, 59, 59);
  g_autofree char *a = g_date_time_format (from, "%Y-%m-%dT%H:%M:%S%:z");
  g_autofree char *b = g_date_time_format (to, "%Y-%m-%dT%H:%M:%S%:z");
  g_autofree char *ea = g_uri_escape_string (a, NULL, FALSE);
  g_autofree char *eb = g_uri_escape_string (b, NULL, FALSE);

  return g_strdup_printf ("Appointment?date=ge%s&date=le%s", ea, eb);
}

/* The patients the server's appointments of the window name */
static GHashTable *
window_patients (const GDate *first,
                 const GDate *last,
                 guint       *n_appointments)
{
  g_autofree char *query = window_query (first, last);
  g_autoptr(GPtrArray) appointments = server_all (query);
  GHashTable *patients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < appointments->len; i++)
    {
      JsonArray *participants = fd_fhir_get_array (g_ptr_array_index (appointments, i), "participant");

      for (guint p = 0; participants && p < json_array_get_length (participants); p++)
        {
          const char *ref = fd_fhir_get_string (fd_fhir_get_object (fd_fhir_array_object (participants, p), "actor"),
                                                "reference");

          if (ref != NULL && g_str_has_prefix (ref, "Patient/"))
            g_hash_table_add (patients, g_strdup (ref + strlen ("Patient/")));
        }
    }
  *n_appointments = appointments->len;

  /* and whoever answers for their accounts */
  {
    g_autoptr(GPtrArray) accounts = server_all ("Account");
    g_autoptr(GPtrArray) guarantors = g_ptr_array_new ();

    for (guint i = 0; i < accounts->len; i++)
      {
        JsonObject *account = g_ptr_array_index (accounts, i);
        const char *subject = fd_fhir_get_string (fd_fhir_array_object (fd_fhir_get_array (account, "subject"), 0),
                                                  "reference");
        JsonObject *party = fd_fhir_get_object (fd_fhir_array_object (fd_fhir_get_array (account, "guarantor"), 0),
                                                "party");
        const char *ref = fd_fhir_get_string (party, "reference");

        if (subject != NULL && g_str_has_prefix (subject, "Patient/") &&
            g_hash_table_contains (patients, subject + strlen ("Patient/")) &&
            ref != NULL && g_str_has_prefix (ref, "Patient/"))
          g_ptr_array_add (guarantors, (gpointer) (ref + strlen ("Patient/")));
      }
    for (guint i = 0; i < guarantors->len; i++)
      g_hash_table_add (patients, g_strdup (g_ptr_array_index (guarantors, i)));
  }
  return patients;
}

static const char *
beneficiary (JsonObject *coverage)
{
  const char *ref = fd_fhir_get_string (fd_fhir_get_object (coverage, "beneficiary"), "reference");

  return ref != NULL && g_str_has_prefix (ref, "Patient/") ? ref + strlen ("Patient/") : NULL;
}

/* The server's copy of a patient, renamed, without its meta */
static void
rename_on_server (const char *patient_id,
                  const char *family)
{
  g_autofree char *path = g_strdup_printf ("Patient/%s", patient_id);
  g_autoptr(JsonObject) patient = fd_test_get_from_server (server_url, path);

  json_object_remove_member (patient, "meta");
  json_object_set_string_member (fd_fhir_patient_name (patient), "family", family);
  g_free (fd_test_put_on_server (server_url, patient, NULL));
}

static void
test_first_pull (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = new_store ("first");
  g_autoptr(FdSyncEngine) engine = new_engine (store);
  g_autoptr(GHashTable) patients = NULL;
  g_autoptr(GPtrArray) coverages = server_all ("Coverage");
  g_autoptr(GPtrArray) before = NULL;
  g_autofree char *before_query = NULL;
  GHashTableIter iter;
  gpointer id;
  guint n_appointments, n_coverages = 0;
  GDate first, last, day_before;
  FdStoreCounts counts;
  FdSyncStats stats;

  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (fd_store_get_counts (store, &counts, &error));

  /* The appointments of the window, not the whole schedule */
  fd_sync_engine_get_window (engine, &first, &last);
  g_assert_cmpint (g_date_days_between (&first, &today), ==, 7);
  g_assert_cmpint (g_date_days_between (&today, &last), ==, 30);
  patients = window_patients (&first, &last, &n_appointments);
  g_assert_cmpuint (n_appointments, >, 1000);
  g_assert_cmpint (counts.appointments, ==, n_appointments);
  g_assert_cmpint (counts.appointments, <, server_total ("Appointment?_summary=count"));

  /* ... and none of the three weeks before it */
  day_before = first;
  g_date_subtract_days (&day_before, 1);
  {
    GDate long_before = first;

    g_date_subtract_days (&long_before, 20);
    before_query = window_query (&long_before, &day_before);
  }
  before = server_all (before_query);
  g_assert_cmpuint (before->len, >, 0);
  for (guint i = 0; i < before->len; i++)
    g_assert_null (fd_store_get_version (store, "Appointment", fd_fhir_get_string (g_ptr_array_index (before, i), "id")));

  /* The patients they name, each cached, and no one else */
  g_assert_cmpint (counts.patients, ==, g_hash_table_size (patients));
  g_assert_cmpint (counts.patients, <, server_total ("Patient?_summary=count"));
  g_hash_table_iter_init (&iter, patients);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    {
      g_autofree char *version = fd_store_get_version (store, "Patient", id);
      g_assert_nonnull (version);
    }
  g_assert_cmpint (fd_store_working_set_count (store, NULL), ==, g_hash_table_size (patients));
  g_assert_cmpuint (stats.entered, ==, g_hash_table_size (patients));

  /* Their coverages, and only theirs */
  for (guint i = 0; i < coverages->len; i++)
    if (beneficiary (g_ptr_array_index (coverages, i)) != NULL &&
        g_hash_table_contains (patients, beneficiary (g_ptr_array_index (coverages, i))))
      n_coverages++;
  g_assert_cmpuint (n_coverages, >, 0);
  g_assert_cmpint (counts.coverages, ==, n_coverages);
  g_assert_cmpint (counts.coverages, <, coverages->len);

  /* Reference data whole */
  g_assert_cmpint (counts.practitioners, ==, server_total ("Practitioner?_summary=count"));
  g_assert_cmpint (counts.locations, ==, server_total ("Location?_summary=count"));

  /* A second pull brings nothing new and fetches no one again */
  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pulled, ==, 0);
  g_assert_cmpuint (stats.entered, ==, 0);

  /* A day later the window moves: the new last day's appointments arrive */
  {
    GDate tomorrow = today;
    g_autofree char *query = NULL;
    g_autoptr(GHashTable) moved = NULL;
    guint n_moved;

    g_date_add_days (&tomorrow, 1);
    fd_sync_engine_set_today (engine, &tomorrow);
    g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
    g_assert_no_error (error);
    fd_sync_engine_get_window (engine, &first, &last);
    moved = window_patients (&first, &last, &n_moved);
    query = window_query (&last, &last);
    {
      g_autoptr(GPtrArray) newest = server_all (query);

      for (guint i = 0; i < newest->len; i++)
        {
          g_autofree char *version = fd_store_get_version (store, "Appointment",
                                                           fd_fhir_get_string (g_ptr_array_index (newest, i), "id"));
          g_assert_nonnull (version);
        }
    }
    g_assert_cmpint (fd_store_working_set_count (store, NULL), ==, g_hash_table_size (moved));
  }
}

static void
test_changes_in_and_out (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = new_store ("changes");
  g_autoptr(FdSyncEngine) engine = new_engine (store);
  g_autoptr(GPtrArray) all = server_all ("Patient");
  g_autoptr(GPtrArray) hits = NULL;
  const char *inside = NULL, *outside = NULL;
  FdSyncStats stats;

  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  for (guint i = 0; i < all->len && (inside == NULL || outside == NULL); i++)
    {
      const char *id = fd_fhir_get_string (g_ptr_array_index (all, i), "id");

      if (fd_store_working_set_contains (store, id))
        inside = inside ? inside : id;
      else
        outside = outside ? outside : id;
    }
  g_assert_nonnull (inside);
  g_assert_nonnull (outside);

  /* Another desk renames one patient of each kind on the server */
  rename_on_server (inside, "Quillfeather");
  rename_on_server (outside, "Thistlewood");

  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pulled, ==, 1);
  g_assert_cmpuint (stats.skipped, >=, 1);
  hits = fd_store_search_patients (store, "quillfeather", 10, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpstr (fd_patient_item_get_id (g_ptr_array_index (hits, 0)), ==, inside);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = fd_store_search_patients (store, "thistlewood", 10, &error);
  g_assert_cmpuint (hits->len, ==, 0);
  g_assert_null (fd_store_get_version (store, "Patient", outside));
}

/* A guarantor who is not a patient (a parent, as a RelatedPerson) comes
 * with the patient, so the family's statement has their name and address */
static void
test_related_person_guarantor (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = new_store ("related");
  g_autoptr(FdSyncEngine) engine = new_engine (store);
  g_autoptr(GPtrArray) accounts = server_all ("Account");
  g_autoptr(JsonObject) account = NULL;
  g_autoptr(JsonObject) guardian = NULL;
  g_autoptr(JsonObject) cached = NULL;
  g_autofree char *patient_ref = NULL;
  g_autofree char *version = NULL;
  FdSyncStats stats;

  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  g_assert_no_error (error);

  /* An account of a patient in the set, owned by the patient */
  for (guint i = 0; i < accounts->len && account == NULL; i++)
    {
      JsonObject *candidate = g_ptr_array_index (accounts, i);
      const char *subject = fd_fhir_get_string (fd_fhir_array_object (fd_fhir_get_array (candidate, "subject"), 0),
                                                "reference");
      const char *party = fd_fhir_get_string (fd_fhir_get_object (fd_fhir_array_object (
                                                fd_fhir_get_array (candidate, "guarantor"), 0), "party"), "reference");

      if (subject != NULL && g_strcmp0 (subject, party) == 0 &&
          fd_store_working_set_contains (store, subject + strlen ("Patient/")))
        account = json_object_ref (candidate);
    }
  g_assert_nonnull (account);
  patient_ref = g_strdup (fd_fhir_get_string (fd_fhir_array_object (fd_fhir_get_array (account, "subject"), 0),
                                              "reference"));

  {
    g_autofree char *text = g_strdup_printf ("{\"resourceType\":\"RelatedPerson\",\"id\":\"guardian-ws-1\",\"active\":true,"
                                             "\"patient\":{\"reference\":\"%s\"},"
                                             "\"name\":[{\"family\":\"Whitfield-Osei\",\"given\":[\"Marguerite\"]}],"
                                             "\"address\":[{\"line\":[\"88 Larkspur Court\"],\"city\":\"Austin\","
                                             "\"state\":\"TX\",\"postalCode\":\"78704\"}]}", patient_ref);

    guardian = fd_fhir_parse (text, -1, &error);
    g_assert_no_error (error);
  }
  g_free (fd_test_put_on_server (server_url, guardian, NULL));
  {
    JsonObject *party = fd_fhir_get_object (fd_fhir_array_object (fd_fhir_get_array (account, "guarantor"), 0), "party");
    g_autofree char *account_version = g_strdup (fd_fhir_get_string (fd_fhir_get_object (account, "meta"), "versionId"));

    json_object_set_string_member (party, "reference", "RelatedPerson/guardian-ws-1");
    json_object_set_string_member (party, "display", "Whitfield-Osei, Marguerite");
    json_object_remove_member (account, "meta");
    g_free (fd_test_put_on_server (server_url, account, account_version));
  }

  /* The next pull brings the guardian, with the account naming them */
  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  g_assert_no_error (error);
  cached = fd_store_get (store, "RelatedPerson", "guardian-ws-1", &error);
  g_assert_no_error (error);
  g_assert_nonnull (cached);
  g_assert_cmpstr (fd_fhir_get_string (fd_fhir_patient_name (cached), "family"), ==, "Whitfield-Osei");

  /* ... and so does a desk's first pull */
  {
    g_autoptr(FdStore) fresh = new_store ("related-first");
    g_autoptr(FdSyncEngine) first_engine = new_engine (fresh);

    g_assert_true (fd_sync_engine_pull (first_engine, NULL, NULL, &stats, NULL, &error));
    g_assert_no_error (error);
    version = fd_store_get_version (fresh, "RelatedPerson", "guardian-ws-1");
    g_assert_nonnull (version);
  }
}

static void
test_found_on_server_and_kept (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = new_store ("kept");
  g_autoptr(FdSyncEngine) engine = new_engine (store);
  g_autoptr(FdFhirClient) client = new_client ();
  g_autoptr(GPtrArray) coverages = server_all ("Coverage");
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) local_coverages = NULL;
  g_autoptr(GPtrArray) encounters = NULL;
  g_autoptr(JsonObject) patient = NULL;
  g_autofree char *path = NULL;
  g_autofree char *encounter_query = NULL;
  const char *id = NULL;
  gboolean listed = FALSE;
  FdSyncStats stats;

  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));

  /* An insured patient with past visits but nothing in the window */
  for (guint i = 0; i < coverages->len && id == NULL; i++)
    {
      const char *candidate = beneficiary (g_ptr_array_index (coverages, i));
      g_autofree char *query = g_strdup_printf ("Encounter?subject=Patient/%s&_summary=count", candidate);
      g_autofree char *version = fd_store_get_version (store, "Patient", candidate);

      if (version == NULL && server_total (query) > 0)
        id = candidate;
    }
  g_assert_nonnull (id);
  path = g_strdup_printf ("Patient/%s", id);
  patient = fd_test_get_from_server (server_url, path);

  /* The desk searches for the surname: the server knows the patient */
  found = fd_patient_search_server (client, fd_fhir_get_string (fd_fhir_patient_name (patient), "family"),
                                    20, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < found->len; i++)
    listed |= g_str_equal (fd_patient_item_get_id (g_ptr_array_index (found, i)), id);
  g_assert_true (listed);

  /* Opened at the desk: cached with the coverage, and kept */
  g_assert_true (fd_sync_engine_fetch_patient (engine, id, NULL, &error));
  g_assert_no_error (error);
  {
    g_autofree char *version = fd_store_get_version (store, "Patient", id);

    g_assert_nonnull (version);
  }
  local_coverages = fd_store_list_coverages (store, id, &error);
  g_assert_cmpuint (local_coverages->len, >=, 1);
  g_assert_true (fd_store_is_patient_kept (store, id));

  /* The next pull brings the rest of the patient's records, then changes */
  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.entered, ==, 1);
  g_assert_true (fd_store_working_set_contains (store, id));
  encounter_query = g_strdup_printf ("Encounter?subject=Patient/%s", id);
  encounters = server_all (encounter_query);
  for (guint i = 0; i < encounters->len; i++)
    {
      g_autofree char *version = fd_store_get_version (store, "Encounter",
                                                       fd_fhir_get_string (g_ptr_array_index (encounters, i), "id"));
      g_assert_nonnull (version);
    }

  rename_on_server (id, "Pemberton-Kept");
  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  {
    g_autoptr(GPtrArray) hits = fd_store_search_patients (store, "pemberton-kept", 10, &error);
    g_assert_cmpuint (hits->len, ==, 1);
  }

  /* A patient the server does not have is an error, and nothing is kept */
  g_assert_false (fd_sync_engine_fetch_patient (engine, "no-such-patient", NULL, &error));
  g_assert_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_NOT_FOUND);
  g_assert_false (fd_store_is_patient_kept (store, "no-such-patient"));
}

/* A window of three days holds a small part of the schedule, so the first
 * pull searches it by date instead of reading the schedule whole (the
 * default window of /working-set/first-pull holds most of it): the same
 * appointments and patients either way */
static void
test_narrow_window (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = new_store ("narrow");
  g_autoptr(FdSyncEngine) engine = new_engine (store);
  g_autoptr(GHashTable) patients = NULL;
  g_autofree char *query = NULL;
  g_autoptr(GPtrArray) appointments = NULL;
  guint n_appointments;
  GDate first, last;
  FdStoreCounts counts;
  FdSyncStats stats;

  fd_sync_engine_set_window (engine, 1, 1);
  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (fd_store_get_counts (store, &counts, &error));

  fd_sync_engine_get_window (engine, &first, &last);
  patients = window_patients (&first, &last, &n_appointments);
  g_assert_cmpuint (n_appointments, >, 0);
  g_assert_cmpint (counts.appointments * 3, <, server_total ("Appointment?_summary=count"));
  g_assert_cmpint (counts.appointments, ==, n_appointments);
  query = window_query (&first, &last);
  appointments = server_all (query);
  for (guint i = 0; i < appointments->len; i++)
    {
      g_autofree char *version = fd_store_get_version (store, "Appointment",
                                                       fd_fhir_get_string (g_ptr_array_index (appointments, i), "id"));
      g_assert_nonnull (version);
    }
  g_assert_cmpint (counts.patients, ==, g_hash_table_size (patients));
  g_assert_cmpuint (stats.entered, ==, g_hash_table_size (patients));
}

static void
test_search_queries (void)
{
  struct {
    const char *text;
    const char *first;
  } cases[] = {
    { "1961-03-07", "Patient?birthdate=1961-03-07&_count=20" },
    { "03/07/1961", "Patient?birthdate=1961-03-07&_count=20" },
    { "García, María", "Patient?family=Garc%C3%ADa&given=Mar%C3%ADa&_count=20" },
    { "okonkwo", "Patient?name=okonkwo&_count=20" },
    { "mary ann", "Patient?name=mary&name=ann&_count=20" },
    { "15658986", "Patient?identifier=15658986&_count=20" },
    { "ok", NULL },
    { "12", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) queries = fd_patient_search_queries (cases[i].text, 20);

      if (cases[i].first == NULL)
        g_assert_cmpuint (queries->len, ==, 0);
      else
        g_assert_cmpstr (g_ptr_array_index (queries, 0), ==, cases[i].first);
    }

  /* Phone digits ask by phone too */
  {
    g_autoptr(GPtrArray) queries = fd_patient_search_queries ("(512) 555-9869", 20);
    g_assert_cmpuint (queries->len, ==, 3);
    g_assert_cmpstr (g_ptr_array_index (queries, 1), ==, "Patient?phone=5125559869&_count=20");
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
  g_test_add_func ("/working-set/search-queries", test_search_queries);

  node = g_find_program_in_path ("node");
  if (node == NULL)
    {
      g_test_skip ("node is not installed");
      return g_test_run ();
    }

  work_dir = fd_test_make_dir ();
  fd_demo_options_init (&options);
  /* More patients than the window's appointments can name */
  options.n_patients = 2500;
  options.n_days = 60;
  options.seed = 17;
  today = options.today;
  server = fd_test_start_demo_server (work_dir, &options, &server_url);

  g_test_add_func ("/working-set/first-pull", test_first_pull);
  g_test_add_func ("/working-set/narrow-window", test_narrow_window);
  g_test_add_func ("/working-set/changes-in-and-out", test_changes_in_and_out);
  g_test_add_func ("/working-set/found-on-server-and-kept", test_found_on_server_and_kept);
  g_test_add_func ("/working-set/related-person-guarantor", test_related_person_guarantor);

  ret = g_test_run ();

  fd_test_stop_fhir_server (g_steal_pointer (&server));
  g_free (server_url);
  fd_test_remove_dir (work_dir);
  g_free (work_dir);
  return ret;
}
