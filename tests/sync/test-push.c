/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Changes made at the desk reach a real FHIR server once, whatever happens. */
#include <locale.h>

#include "fd-fhir.h"
#include "fd-sync-engine.h"
#include "fd-test-util.h"

static GSubprocess *server;
static char *server_url;
static char *work_dir;

static FdSyncEngine *
engine_for (FdStore    *store,
            const char *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFhirClient) client = fd_fhir_client_new (url, &error);

  g_assert_no_error (error);
  fd_fhir_client_set_timeout (client, 5);
  return fd_sync_engine_new (store, client);
}

/* A desk that has downloaded the clinic */
static FdStore *
synced_store (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (work_dir, name, "frontdesk.db", NULL);
  g_autoptr(FdStore) store = fd_store_open (path, &error);
  g_autoptr(FdSyncEngine) engine = engine_for (store, server_url);
  FdSyncStats stats;

  g_assert_no_error (error);
  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

static GPtrArray *
patient_ids (FdStore    *store,
             const char *query,
             guint       n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = fd_store_search_patients (store, query, n, &error);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  for (guint i = 0; i < hits->len; i++)
    g_ptr_array_add (ids, g_strdup (fd_patient_item_get_id (g_ptr_array_index (hits, i))));
  return ids;
}

static JsonObject *
server_resource (const char *type,
                 const char *id)
{
  g_autofree char *path = g_strdup_printf ("%s/%s", type, id);
  return fd_test_get_from_server (server_url, path);
}

static const char *
version_of (JsonObject *resource)
{
  return fd_fhir_get_string (fd_fhir_get_object (resource, "meta"), "versionId");
}

static void
set_phone (JsonObject *patient,
           const char *phone)
{
  JsonArray *telecom = json_array_new ();
  JsonObject *cp = json_object_new ();

  json_object_set_string_member (cp, "system", "phone");
  json_object_set_string_member (cp, "value", phone);
  json_array_add_object_element (telecom, cp);
  json_object_set_array_member (patient, "telecom", telecom);
}

static gint64
pending (FdStore *store)
{
  FdStoreCounts counts;

  g_assert_true (fd_store_get_counts (store, &counts, NULL));
  return counts.outbox_pending;
}

static void
test_outage_then_push (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = synced_store ("outage");
  g_autoptr(FdSyncEngine) dead = engine_for (store, "http://127.0.0.1:9/fhir/R4");
  g_autoptr(FdSyncEngine) live = engine_for (store, server_url);
  g_autoptr(GPtrArray) updated = patient_ids (store, "m", 40);
  g_autoptr(GPtrArray) created = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  FdSyncStats stats;

  g_assert_cmpuint (updated->len, ==, 40);

  /* 40 demographic updates and 10 new patients, each of those edited again */
  for (guint i = 0; i < updated->len; i++)
    {
      g_autoptr(JsonObject) patient = fd_store_get (store, "Patient", g_ptr_array_index (updated, i), &error);
      g_autofree char *phone = g_strdup_printf ("(512) 555-%04u", 1000 + i);

      set_phone (patient, phone);
      g_assert_true (fd_store_put (store, patient, FD_STORE_ORIGIN_LOCAL, &error));
    }
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *id = g_strdup_printf ("%08x-0000-4000-8000-%012x", g_rand_int (rand), i);
      g_autofree char *json = g_strdup_printf ("{\"resourceType\":\"Patient\",\"id\":\"%s\","
                                               "\"name\":[{\"family\":\"Walkin-Test\",\"given\":[\"Nueva %u\"]}],"
                                               "\"birthDate\":\"1990-01-%02u\"}", id, i, i + 1);
      g_autoptr(JsonObject) patient = fd_fhir_parse (json, -1, &error);

      g_assert_true (fd_store_put (store, patient, FD_STORE_ORIGIN_LOCAL, &error));
      set_phone (patient, "(737) 555-0100");
      g_assert_true (fd_store_put (store, patient, FD_STORE_ORIGIN_LOCAL, &error));
      g_ptr_array_add (created, g_strdup (id));
    }
  g_assert_cmpint (pending (store), ==, 60);

  /* The server is out of reach: everything stays, nothing is lost */
  g_assert_false (fd_sync_engine_push (dead, &stats, NULL, &error));
  g_assert_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_NETWORK);
  g_clear_error (&error);
  g_assert_cmpint (pending (store), ==, 60);

  /* Back online: each of the 50 records goes up once */
  g_assert_true (fd_sync_engine_push (live, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pushed, ==, 50);
  g_assert_cmpuint (stats.parked + stats.conflicts, ==, 0);
  g_assert_cmpint (pending (store), ==, 0);

  for (guint i = 0; i < updated->len; i++)
    {
      const char *id = g_ptr_array_index (updated, i);
      g_autoptr(JsonObject) remote = server_resource ("Patient", id);
      g_autofree char *cached = fd_store_get_version (store, "Patient", id);
      g_autofree char *phone = g_strdup_printf ("(512) 555-%04u", 1000 + i);

      g_assert_cmpstr (version_of (remote), ==, "2");
      g_assert_cmpstr (cached, ==, "2");
      g_assert_cmpstr (fd_fhir_patient_phone (remote), ==, phone);
    }
  for (guint i = 0; i < created->len; i++)
    {
      const char *id = g_ptr_array_index (created, i);
      g_autoptr(JsonObject) remote = server_resource ("Patient", id);
      g_autofree char *history_path = g_strdup_printf ("Patient/%s/_history", id);
      g_autoptr(JsonObject) history = fd_test_get_from_server (server_url, history_path);

      /* A create and its edit are one create */
      g_assert_cmpstr (version_of (remote), ==, "1");
      g_assert_cmpstr (fd_fhir_patient_phone (remote), ==, "(737) 555-0100");
      g_assert_cmpuint (json_array_get_length (fd_fhir_get_array (history, "entry")), ==, 1);
    }

  /* Nothing is sent twice */
  g_assert_true (fd_sync_engine_push (live, &stats, NULL, &error));
  g_assert_cmpuint (stats.pushed, ==, 0);
}

static void
test_lost_reply (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = synced_store ("lost-reply");
  g_autoptr(FdSyncEngine) engine = engine_for (store, server_url);
  g_autoptr(GPtrArray) ids = patient_ids (store, "r", 1);
  g_autoptr(JsonObject) patient = fd_store_get (store, "Patient", g_ptr_array_index (ids, 0), &error);
  g_autoptr(JsonObject) remote = NULL;
  g_autofree char *history_path = NULL;
  g_autoptr(JsonObject) history = NULL;
  g_autofree char *applied = NULL;
  g_autofree char *base = g_strdup (version_of (patient));
  guint versions_before;
  FdSyncStats stats;

  history_path = g_strdup_printf ("Patient/%s/_history", (char *) g_ptr_array_index (ids, 0));
  history = fd_test_get_from_server (server_url, history_path);
  versions_before = json_array_get_length (fd_fhir_get_array (history, "entry"));
  g_clear_pointer (&history, json_object_unref);

  set_phone (patient, "(512) 555-7777");
  g_assert_true (fd_store_put (store, patient, FD_STORE_ORIGIN_LOCAL, &error));

  /* The server applied the station's request, but the reply never came back */
  applied = fd_test_put_on_server (server_url, patient, base);
  g_assert_cmpint (pending (store), ==, 1);

  /* The retry sees its own change there and sends nothing more */
  g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pushed, ==, 1);
  g_assert_cmpuint (stats.conflicts, ==, 0);
  g_assert_cmpint (pending (store), ==, 0);

  history = fd_test_get_from_server (server_url, history_path);
  g_assert_cmpuint (json_array_get_length (fd_fhir_get_array (history, "entry")), ==, versions_before + 1);
  remote = server_resource ("Patient", g_ptr_array_index (ids, 0));
  g_assert_cmpstr (version_of (remote), ==, applied);
}

static void
test_parked_does_not_block (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = synced_store ("poison");
  g_autoptr(FdSyncEngine) engine = engine_for (store, server_url);
  g_autoptr(GPtrArray) ids = patient_ids (store, "b", 2);
  g_autoptr(JsonObject) bad = fd_store_get (store, "Patient", g_ptr_array_index (ids, 0), &error);
  g_autoptr(JsonObject) good = fd_store_get (store, "Patient", g_ptr_array_index (ids, 1), &error);
  g_autoptr(JsonObject) remote = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  FdSyncStats stats;

  /* A value no FHIR server accepts, then a good change behind it */
  json_object_set_int_member (bad, "gender", 5);
  g_assert_true (fd_store_put (store, bad, FD_STORE_ORIGIN_LOCAL, &error));
  set_phone (good, "(512) 555-4242");
  g_assert_true (fd_store_put (store, good, FD_STORE_ORIGIN_LOCAL, &error));

  g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.parked, ==, 1);
  g_assert_cmpuint (stats.pushed, ==, 1);

  remote = server_resource ("Patient", g_ptr_array_index (ids, 1));
  g_assert_cmpstr (fd_fhir_patient_phone (remote), ==, "(512) 555-4242");

  /* The refused change stays, with the server's reason */
  outbox = fd_store_list_outbox (store, TRUE, &error);
  g_assert_cmpuint (outbox->len, ==, 1);
  {
    FdOutboxEntry *entry = g_ptr_array_index (outbox, 0);

    g_assert_cmpstr (entry->state, ==, "parked");
    g_assert_cmpstr (entry->id, ==, g_ptr_array_index (ids, 0));
    g_assert_nonnull (entry->error);
    g_assert_nonnull (strstr (entry->error, "refused"));
  }
}

/* More changes than one batch holds: a refused record in the first batch
 * goes one by one, and the batches behind it still all arrive, once */
static void
test_many_batches (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = synced_store ("batches");
  g_autoptr(FdSyncEngine) engine = engine_for (store, server_url);
  g_autoptr(GPtrArray) created = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonObject) appointment = NULL;
  g_autoptr(JsonObject) remote = NULL;
  g_autofree char *appointment_json = NULL;
  FdSyncStats stats;

  for (guint i = 0; i < 250; i++)
    {
      g_autofree char *id = g_strdup_printf ("batch-test-%03u", i);
      g_autofree char *json = g_strdup_printf ("{\"resourceType\":\"Patient\",\"id\":\"%s\","
                                               "\"name\":[{\"family\":\"Batch-Test\",\"given\":[\"N%u\"]}],"
                                               "\"birthDate\":\"1980-02-%02u\"}", id, i, 1 + i % 28);
      g_autoptr(JsonObject) patient = fd_fhir_parse (json, -1, &error);

      /* The fifth record carries a value no FHIR server accepts */
      if (i == 4)
        json_object_set_int_member (patient, "gender", 5);
      g_assert_true (fd_store_put (store, patient, FD_STORE_ORIGIN_LOCAL, &error));
      g_ptr_array_add (created, g_strdup (id));
    }
  appointment_json = g_strdup ("{\"resourceType\":\"Appointment\",\"id\":\"batch-test-visit\",\"status\":\"booked\","
                               "\"start\":\"2026-11-25T15:00:00Z\",\"end\":\"2026-11-25T15:15:00Z\","
                               "\"participant\":[{\"actor\":{\"reference\":\"Patient/batch-test-249\"},\"status\":\"accepted\"}]}");
  appointment = fd_fhir_parse (appointment_json, -1, &error);
  g_assert_true (fd_store_put (store, appointment, FD_STORE_ORIGIN_LOCAL, &error));

  g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pushed, ==, 250);
  g_assert_cmpuint (stats.parked, ==, 1);
  g_assert_cmpint (pending (store), ==, 0);

  for (guint i = 0; i < created->len; i++)
    {
      g_autoptr(JsonObject) patient = NULL;
      g_autofree char *cached = NULL;

      if (i == 4)
        continue;
      patient = server_resource ("Patient", g_ptr_array_index (created, i));
      cached = fd_store_get_version (store, "Patient", g_ptr_array_index (created, i));
      g_assert_cmpstr (version_of (patient), ==, "1");
      g_assert_cmpstr (cached, ==, "1");
    }
  remote = server_resource ("Appointment", "batch-test-visit");
  g_assert_cmpstr (version_of (remote), ==, "1");

  /* Nothing is sent twice */
  g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
  g_assert_cmpuint (stats.pushed, ==, 0);
}

static void
test_conflict_kept (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = synced_store ("conflict");
  g_autoptr(FdSyncEngine) engine = engine_for (store, server_url);
  g_autoptr(GPtrArray) ids = patient_ids (store, "w", 1);
  const char *id = g_ptr_array_index (ids, 0);
  g_autoptr(JsonObject) mine = fd_store_get (store, "Patient", id, &error);
  g_autoptr(JsonObject) theirs = fd_store_get (store, "Patient", id, &error);
  g_autoptr(JsonObject) kept = NULL;
  FdSyncStats stats;

  set_phone (theirs, "(512) 555-1111");
  g_free (fd_test_put_on_server (server_url, theirs, version_of (theirs)));

  set_phone (mine, "(512) 555-2222");
  g_assert_true (fd_store_put (store, mine, FD_STORE_ORIGIN_LOCAL, &error));

  g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.conflicts, ==, 1);
  g_assert_cmpuint (stats.pushed, ==, 0);

  /* Nobody's work disappears: ours stays here, theirs on the server */
  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  g_assert_cmpuint (stats.held, >=, 1);
  kept = fd_store_get (store, "Patient", id, &error);
  g_assert_cmpstr (fd_fhir_patient_phone (kept), ==, "(512) 555-2222");
  {
    g_autoptr(JsonObject) remote = server_resource ("Patient", id);
    g_assert_cmpstr (fd_fhir_patient_phone (remote), ==, "(512) 555-1111");
  }
}

/* Two desks change different parts of one record: both changes survive */
static void
test_disjoint_merge (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = synced_store ("merge");
  g_autoptr(FdSyncEngine) engine = engine_for (store, server_url);
  g_autoptr(GPtrArray) ids = patient_ids (store, "t", 1);
  const char *id = g_ptr_array_index (ids, 0);
  g_autoptr(JsonObject) mine = fd_store_get (store, "Patient", id, &error);
  g_autoptr(JsonObject) theirs = fd_store_get (store, "Patient", id, &error);
  g_autoptr(JsonObject) remote = NULL;
  g_autoptr(JsonObject) cached_after = NULL;
  FdSyncStats stats;

  json_object_set_string_member (theirs, "gender", "unknown");
  g_free (fd_test_put_on_server (server_url, theirs, version_of (theirs)));

  set_phone (mine, "(512) 555-6060");
  g_assert_true (fd_store_put (store, mine, FD_STORE_ORIGIN_LOCAL, &error));

  g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.merged, ==, 1);
  g_assert_cmpuint (stats.conflicts, ==, 0);
  g_assert_cmpint (pending (store), ==, 0);

  remote = server_resource ("Patient", id);
  g_assert_cmpstr (fd_fhir_get_string (remote, "gender"), ==, "unknown");
  g_assert_cmpstr (fd_fhir_patient_phone (remote), ==, "(512) 555-6060");
  cached_after = fd_store_get (store, "Patient", id, &error);
  g_assert_cmpstr (fd_fhir_get_string (cached_after, "gender"), ==, "unknown");
  g_assert_cmpstr (fd_fhir_patient_phone (cached_after), ==, "(512) 555-6060");
}

/* The same field: a person chooses, and either choice reaches the server */
static void
test_resolve_conflict (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = synced_store ("resolve");
  g_autoptr(FdSyncEngine) engine = engine_for (store, server_url);
  g_autoptr(GPtrArray) ids = patient_ids (store, "l", 2);
  FdSyncStats stats;

  for (guint i = 0; i < 2; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      g_autoptr(JsonObject) mine = fd_store_get (store, "Patient", id, &error);
      g_autoptr(JsonObject) theirs = fd_store_get (store, "Patient", id, &error);

      set_phone (theirs, "(512) 555-0001");
      g_free (fd_test_put_on_server (server_url, theirs, version_of (theirs)));
      set_phone (mine, "(512) 555-0002");
      g_assert_true (fd_store_put (store, mine, FD_STORE_ORIGIN_LOCAL, &error));
    }

  g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
  g_assert_cmpuint (stats.conflicts, ==, 2);
  {
    g_autoptr(GPtrArray) outbox = fd_store_list_outbox (store, TRUE, &error);
    FdOutboxEntry *entry = g_ptr_array_index (outbox, 0);

    g_assert_cmpuint (outbox->len, ==, 2);
    g_assert_cmpstr (entry->kind, ==, "conflict");
    g_assert_nonnull (entry->theirs);
    g_assert_nonnull (strstr (entry->error, "telecom"));
  }

  /* Keep mine for the first, theirs for the second */
  g_assert_true (fd_store_resolve_conflict (store, "Patient", g_ptr_array_index (ids, 0), TRUE, &error));
  g_assert_true (fd_store_resolve_conflict (store, "Patient", g_ptr_array_index (ids, 1), FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (fd_store_resolve_conflict (store, "Patient", g_ptr_array_index (ids, 1), FALSE, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
  g_assert_cmpuint (stats.pushed, ==, 1);
  g_assert_cmpint (pending (store), ==, 0);
  {
    g_autoptr(JsonObject) first = server_resource ("Patient", g_ptr_array_index (ids, 0));
    g_autoptr(JsonObject) second = server_resource ("Patient", g_ptr_array_index (ids, 1));
    g_autoptr(JsonObject) second_cached = fd_store_get (store, "Patient", g_ptr_array_index (ids, 1), &error);

    g_assert_cmpstr (fd_fhir_patient_phone (first), ==, "(512) 555-0002");
    g_assert_cmpstr (fd_fhir_patient_phone (second), ==, "(512) 555-0001");
    g_assert_cmpstr (fd_fhir_patient_phone (second_cached), ==, "(512) 555-0001");
  }
}

static gboolean
put_local_cb (JsonObject  *resource,
              gpointer     user_data,
              GError     **error)
{
  return fd_store_put (user_data, resource, FD_STORE_ORIGIN_SERVER, error);
}

/* A profile that began standalone brings everything it holds, with its ids */
static void
test_standalone_profile_connects (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (work_dir, "standalone", "frontdesk.db", NULL);
  g_autoptr(FdStore) store = fd_store_open (path, &error);
  g_autoptr(FdSyncEngine) engine = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  FdDemoOptions options;
  FdStoreCounts counts;
  FdSyncStats stats;

  g_assert_no_error (error);
  fd_demo_options_init (&options);
  options.n_patients = 30;
  options.n_days = 1;
  options.seed = 777;
  g_assert_true (fd_store_begin (store, &error));
  g_assert_true (fd_demo_clinic_generate (&options, put_local_cb, store, &error));
  g_assert_true (fd_store_set_meta (store, "standalone-records", "1", &error));
  g_assert_true (fd_store_commit (store, &error));
  g_assert_true (fd_store_get_counts (store, &counts, &error));

  engine = engine_for (store, server_url);
  g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stats.pushed, ==, counts.resources);
  g_assert_cmpint (pending (store), ==, 0);

  ids = patient_ids (store, "a", 5);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(JsonObject) remote = server_resource ("Patient", g_ptr_array_index (ids, i));
      g_assert_nonnull (remote);
    }

  /* Once is enough */
  g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
  g_assert_cmpuint (stats.pushed, ==, 0);
}

int
main (int argc, char **argv)
{
  g_autofree char *node = NULL;
  g_autoptr(GError) error = NULL;
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

  work_dir = fd_test_make_dir ();
  fd_demo_options_init (&options);
  options.n_patients = 400;
  options.n_days = 3;
  options.seed = 5;
  g_date_set_dmy (&options.today, 25, 11, 2026);
  server = fd_test_start_demo_server (work_dir, &options, &server_url);

  g_test_add_func ("/push/outage-then-push", test_outage_then_push);
  g_test_add_func ("/push/lost-reply", test_lost_reply);
  g_test_add_func ("/push/parked-does-not-block", test_parked_does_not_block);
  g_test_add_func ("/push/many-batches", test_many_batches);
  g_test_add_func ("/push/conflict-kept", test_conflict_kept);
  g_test_add_func ("/push/disjoint-merge", test_disjoint_merge);
  g_test_add_func ("/push/resolve-conflict", test_resolve_conflict);
  g_test_add_func ("/push/standalone-profile-connects", test_standalone_profile_connects);

  ret = g_test_run ();

  fd_test_stop_fhir_server (g_steal_pointer (&server));
  g_free (server_url);
  fd_test_remove_dir (work_dir);
  g_free (work_dir);
  return ret;
}
