/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Downloading the demo clinic from a real FHIR server (tests/fhir-server). */
#include <locale.h>

#include "fd-fhir.h"
#include "fd-sync-engine.h"
#include "fd-test-util.h"

static GSubprocess *server;
static char *server_url;
static char *work_dir;
static GHashTable *expected;  /* type -> count, of the working set */
static guint expected_total;
static GDate today;

static void
start_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bundle = g_build_filename (work_dir, "clinic.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (bundle);
  g_autoptr(GFileOutputStream) out = NULL;
  FdDemoOptions options;

  fd_demo_options_init (&options);
  options.n_patients = 300;
  options.n_days = 5;
  options.seed = 11;
  g_date_set_dmy (&options.today, 25, 11, 2026);
  today = options.today;

  /* The days of the demo all lie in the station's appointment window */
  {
    GDate first, last;

    fd_test_default_window (&today, &first, &last);
    expected = fd_test_demo_working_set (&options, &first, &last, &expected_total);
  }
  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fd_demo_clinic_write_bundle (&options, G_OUTPUT_STREAM (out), &error));
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error));

  server = fd_test_start_fhir_server (bundle, &server_url);
}

/* A copy to edit, without the server's meta */
static JsonObject *
copy_for_server (JsonObject *resource)
{
  g_autofree char *json = fd_fhir_to_string (resource);
  JsonObject *copy = fd_fhir_parse (json, -1, NULL);

  json_object_remove_member (copy, "meta");
  return copy;
}

static FdStore *
new_store (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (work_dir, name, "frontdesk.db", NULL);
  FdStore *store = fd_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

static FdSyncEngine *
new_engine (FdStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFhirClient) client = fd_fhir_client_new (server_url, &error);
  FdSyncEngine *engine;

  g_assert_no_error (error);
  engine = fd_sync_engine_new (store, client);
  fd_sync_engine_set_today (engine, &today);
  /* Small pages: the demo spans many of them */
  fd_sync_engine_set_page_size (engine, 50);
  return engine;
}

static void
test_first_sync (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = new_store ("first");
  g_autoptr(FdSyncEngine) engine = new_engine (store);
  FdStoreCounts counts;
  FdSyncStats stats;

  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  g_assert_no_error (error);

  /* Every resource of the working set arrives once */
  g_assert_cmpuint (stats.pulled, ==, expected_total);
  g_assert_cmpuint (stats.pages, >, 8);
  g_assert_true (fd_store_get_counts (store, &counts, &error));
  g_assert_cmpint (counts.resources, ==, expected_total);
  g_assert_cmpint (counts.patients, ==, GPOINTER_TO_UINT (g_hash_table_lookup (expected, "Patient")));
  g_assert_cmpint (counts.appointments, ==, GPOINTER_TO_UINT (g_hash_table_lookup (expected, "Appointment")));
  g_assert_cmpint (counts.coverages, ==, GPOINTER_TO_UINT (g_hash_table_lookup (expected, "Coverage")));
  g_assert_cmpint (counts.practitioners, ==, 8);
  g_assert_cmpint (counts.outbox_pending, ==, 0);

  /* Downloaded data is searchable at once */
  {
    g_autoptr(GPtrArray) hits = fd_store_search_patients (store, "garcia, maria", 10, &error);
    g_assert_cmpuint (hits->len, >=, 1);
  }

  /* A second pull brings nothing new and writes nothing */
  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  g_assert_cmpuint (stats.pulled, ==, 0);
  g_assert_true (fd_store_get_counts (store, &counts, &error));
  g_assert_cmpint (counts.resources, ==, expected_total);
}

static void
test_change_reaches_second_desk (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = new_store ("desk-b");
  g_autoptr(FdSyncEngine) engine = new_engine (store);
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(JsonObject) patient = NULL;
  g_autoptr(JsonObject) edited = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(GPtrArray) renamed = NULL;
  FdSyncStats stats;
  const char *id;

  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  hits = fd_store_search_patients (store, "obri", 10, &error);
  g_assert_cmpuint (hits->len, >=, 1);
  id = fd_patient_item_get_id (g_ptr_array_index (hits, 0));

  /* Another desk renames the patient on the server */
  patient = fd_store_get (store, "Patient", id, &error);
  edited = copy_for_server (patient);
  json_object_set_string_member (fd_fhir_patient_name (edited), "family", "Quintero-Obregón");
  g_free (fd_test_put_on_server (server_url, edited, NULL));

  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pulled, ==, 1);
  renamed = fd_store_search_patients (store, "quintero-obr", 10, &error);
  g_assert_cmpuint (renamed->len, ==, 1);
  after = fd_store_get (store, "Patient", id, &error);
  g_assert_cmpstr (fd_fhir_get_string (fd_fhir_get_object (after, "meta"), "versionId"), !=,
                   fd_fhir_get_string (fd_fhir_get_object (patient, "meta"), "versionId"));
}

static void
test_local_change_held (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = new_store ("desk-c");
  g_autoptr(FdSyncEngine) engine = new_engine (store);
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(JsonObject) mine = NULL;
  g_autoptr(JsonObject) theirs = NULL;
  g_autoptr(JsonObject) kept = NULL;
  FdSyncStats stats;
  const char *id;

  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  hits = fd_store_search_patients (store, "smith-jones", 10, &error);
  g_assert_cmpuint (hits->len, >=, 1);
  id = fd_patient_item_get_id (g_ptr_array_index (hits, 0));

  /* This desk changes the patient; it has not gone up yet */
  mine = fd_store_get (store, "Patient", id, &error);
  json_object_set_string_member (mine, "gender", "other");
  g_assert_true (fd_store_put (store, mine, FD_STORE_ORIGIN_LOCAL, &error));

  /* Meanwhile the server gets another version */
  theirs = copy_for_server (mine);
  json_object_set_string_member (theirs, "gender", "unknown");
  g_free (fd_test_put_on_server (server_url, theirs, NULL));

  /* The pull does not overwrite the waiting change */
  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  g_assert_cmpuint (stats.held, ==, 1);
  kept = fd_store_get (store, "Patient", id, &error);
  g_assert_cmpstr (fd_fhir_get_string (kept, "gender"), ==, "other");
}

static void
test_bad_servers (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFhirClient) client = NULL;
  g_autoptr(JsonObject) statement = NULL;
  g_autofree char *root = NULL;
  const char *bad[] = { "", "fhir.example.org", "ftp://127.0.0.1/fhir", "http://fhir.example.org/R4", "https://" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(FdFhirClient) c = fd_fhir_client_new (bad[i], &error);
      g_assert_null (c);
      g_assert_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_BAD_ADDRESS);
      g_clear_error (&error);
    }

  /* The server's real FHIR base answers with its capabilities */
  client = fd_fhir_client_new (server_url, &error);
  statement = fd_fhir_client_read_capabilities (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (statement);
  g_clear_object (&client);

  /* The same host but not a FHIR base */
  root = g_strndup (server_url, strstr (server_url, "/fhir") - server_url);
  client = fd_fhir_client_new (root, &error);
  g_assert_null (fd_fhir_client_read_capabilities (client, NULL, &error));
  g_assert_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_NOT_FHIR);
  g_clear_error (&error);
  g_clear_object (&client);

  /* Nobody listens: the store is left as it was */
  {
    g_autoptr(FdStore) store = new_store ("refused");
    g_autoptr(FdSyncEngine) engine = NULL;
    FdStoreCounts counts;
    FdSyncStats stats;

    client = fd_fhir_client_new ("http://127.0.0.1:9/fhir/R4", &error);
    fd_fhir_client_set_timeout (client, 3);
    engine = fd_sync_engine_new (store, client);
    g_assert_false (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
    g_assert_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_NETWORK);
    g_assert_true (fd_store_get_counts (store, &counts, NULL));
    g_assert_cmpint (counts.resources, ==, 0);
  }
}

int
main (int argc, char **argv)
{
  g_autofree char *node = NULL;
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  node = g_find_program_in_path ("node");
  if (node == NULL)
    {
      g_test_skip ("node is not installed");
      return g_test_run ();
    }

  work_dir = fd_test_make_dir ();
  start_server ();

  g_test_add_func ("/pull/first-sync", test_first_sync);
  g_test_add_func ("/pull/change-reaches-second-desk", test_change_reaches_second_desk);
  g_test_add_func ("/pull/local-change-held", test_local_change_held);
  g_test_add_func ("/pull/bad-servers", test_bad_servers);

  ret = g_test_run ();

  fd_test_stop_fhir_server (g_steal_pointer (&server));
  g_clear_pointer (&expected, g_hash_table_unref);
  g_free (server_url);
  fd_test_remove_dir (work_dir);
  g_free (work_dir);
  return ret;
}
