/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A server that misbehaves (tests/fhir-server/fault-proxy.js in front of the
 * real one): a clear error, no crash, and nothing half-applied in the cache. */
#include <locale.h>
#include <stdlib.h>

#include "fd-fhir.h"
#include "fd-sync-engine.h"
#include "fd-test-util.h"

static GSubprocess *server;
static GSubprocess *proxy;
static char *server_url;
static char *proxy_url;
static char *work_dir;
static guint expected_total;  /* of the station's working set */

static FdStore *
new_store (void)
{
  static guint n;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("desk-%u", n++);
  g_autofree char *path = g_build_filename (work_dir, name, "frontdesk.db", NULL);
  FdStore *store = fd_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

static FdSyncEngine *
engine_for (FdStore    *store,
            const char *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFhirClient) client = fd_fhir_client_new (url, &error);
  FdSyncEngine *engine;

  g_assert_no_error (error);
  fd_fhir_client_set_timeout (client, 2);
  engine = fd_sync_engine_new (store, client);
  fd_sync_engine_set_page_size (engine, 50);
  return engine;
}

static gint64
cached (FdStore *store)
{
  FdStoreCounts counts;

  g_assert_true (fd_store_get_counts (store, &counts, NULL));
  return counts.resources;
}

typedef struct
{
  const char *rule;
  GQuark      domain;
  int         code;
} PullFault;

static void
test_pull_faults (void)
{
  PullFault faults[] = {
    { "{\"mode\":\"refuse\"}", FD_SYNC_ERROR, FD_SYNC_ERROR_NETWORK },
    { "{\"mode\":\"hang\"}", FD_SYNC_ERROR, FD_SYNC_ERROR_NETWORK },
    { "{\"mode\":\"status\",\"status\":500}", FD_SYNC_ERROR, FD_SYNC_ERROR_SERVER },
    { "{\"mode\":\"status\",\"status\":503}", FD_SYNC_ERROR, FD_SYNC_ERROR_SERVER },
    { "{\"mode\":\"status\",\"status\":401}", FD_SYNC_ERROR, FD_SYNC_ERROR_UNAUTHORIZED },
    { "{\"mode\":\"cut\"}", FD_SYNC_ERROR, FD_SYNC_ERROR_NETWORK },
    { "{\"mode\":\"malformed\"}", FD_SYNC_ERROR, FD_SYNC_ERROR_MALFORMED },
    { "{\"mode\":\"wrong-type\"}", FD_SYNC_ERROR, FD_SYNC_ERROR_MALFORMED },
    { "{\"mode\":\"huge\"}", FD_SYNC_ERROR, FD_SYNC_ERROR_MALFORMED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FdStore) store = new_store ();
      g_autoptr(FdSyncEngine) engine = engine_for (store, proxy_url);
      FdSyncStats stats;

      g_test_message ("fault %s", faults[i].rule);
      fd_test_set_fault (proxy_url, faults[i].rule);
      g_assert_false (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
      g_assert_error (error, faults[i].domain, faults[i].code);
      g_assert_nonnull (error->message);
      g_assert_cmpint (cached (store), ==, 0);
      fd_test_set_fault (proxy_url, NULL);
    }
}

/* A fault in the middle of a download: what came before stays, the rest
 * comes with the next pull, nothing twice */
static void
test_pull_resumes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = new_store ();
  g_autoptr(FdSyncEngine) engine = engine_for (store, proxy_url);
  FdSyncStats first, second;

  fd_test_set_fault (proxy_url, "{\"mode\":\"status\",\"status\":503,\"match\":\"Patient\"}");
  g_assert_false (fd_sync_engine_pull (engine, NULL, NULL, &first, NULL, &error));
  g_assert_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_SERVER);
  g_clear_error (&error);
  g_assert_cmpint (cached (store), >, 0);
  g_assert_cmpint (cached (store), <, expected_total);

  fd_test_set_fault (proxy_url, NULL);
  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &second, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cached (store), ==, expected_total);
  g_assert_cmpuint (first.pulled + second.pulled, ==, expected_total);
}

/* A server without paging links: the station pages itself */
static void
test_no_next_links (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = new_store ();
  g_autoptr(FdSyncEngine) engine = engine_for (store, proxy_url);
  FdSyncStats stats;

  fd_test_set_fault (proxy_url, "{\"mode\":\"strip-links\"}");
  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  g_assert_no_error (error);
  fd_test_set_fault (proxy_url, NULL);
  g_assert_cmpint (cached (store), ==, expected_total);
  g_assert_cmpuint (stats.pulled, ==, expected_total);
}

static char *
first_patient (FdStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = fd_store_search_patients (store, "k", 1, &error);

  g_assert_cmpuint (hits->len, ==, 1);
  return g_strdup (fd_patient_item_get_id (g_ptr_array_index (hits, 0)));
}

static gboolean
outbox_is_empty (FdStore *store)
{
  gint64 pending = -1, parked = -1;

  g_assert_true (fd_store_count_outbox (store, &pending, &parked, NULL));
  return pending == 0 && parked == 0;
}

static void
set_phone (FdStore    *store,
           const char *id,
           const char *phone)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) patient = fd_store_get (store, "Patient", id, &error);
  g_autoptr(JsonArray) telecom = json_array_new ();
  JsonObject *cp = json_object_new ();

  json_object_set_string_member (cp, "system", "phone");
  json_object_set_string_member (cp, "value", phone);
  json_array_add_object_element (telecom, cp);
  json_object_set_array_member (patient, "telecom", json_array_ref (telecom));
  g_assert_true (fd_store_put (store, patient, FD_STORE_ORIGIN_LOCAL, &error));
}

/* The server applies the write, and the reply is lost on the way back */
static void
test_push_lost_reply (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = new_store ();
  g_autoptr(FdSyncEngine) direct = engine_for (store, server_url);
  g_autoptr(FdSyncEngine) engine = engine_for (store, proxy_url);
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  FdSyncStats stats;
  int version;

  g_assert_true (fd_sync_engine_pull (direct, NULL, NULL, &stats, NULL, &error));
  id = first_patient (store);
  path = g_strdup_printf ("Patient/%s", id);
  before = fd_test_get_from_server (server_url, path);
  version = atoi (fd_fhir_get_string (fd_fhir_get_object (before, "meta"), "versionId"));

  set_phone (store, id, "(512) 555-3131");
  fd_test_set_fault (proxy_url, "{\"mode\":\"drop-reply\",\"count\":1}");
  g_assert_false (fd_sync_engine_push (engine, &stats, NULL, &error));
  g_assert_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_NETWORK);
  g_clear_error (&error);

  /* The retry recognises the applied change and sends nothing twice */
  g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pushed, ==, 1);
  g_assert_cmpuint (stats.conflicts, ==, 0);
  after = fd_test_get_from_server (server_url, path);
  g_assert_cmpint (atoi (fd_fhir_get_string (fd_fhir_get_object (after, "meta"), "versionId")), ==, version + 1);
  g_assert_cmpstr (fd_fhir_patient_phone (after), ==, "(512) 555-3131");
}

/* The same, one record at a time over a connection already used: the lost
 * reply must reach the engine, not be sent again behind its back */
static void
test_push_lost_reply_reused_connection (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = new_store ();
  g_autoptr(FdSyncEngine) direct = engine_for (store, server_url);
  g_autoptr(FdSyncEngine) engine = engine_for (store, proxy_url);
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  FdSyncStats stats;
  int version;

  g_assert_true (fd_sync_engine_pull (direct, NULL, NULL, &stats, NULL, &error));
  fd_sync_engine_set_use_batch (engine, FALSE);
  id = first_patient (store);
  path = g_strdup_printf ("Patient/%s", id);

  /* A first change goes well, and leaves its connection open */
  set_phone (store, id, "(512) 555-4040");
  g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pushed, ==, 1);
  before = fd_test_get_from_server (server_url, path);
  version = atoi (fd_fhir_get_string (fd_fhir_get_object (before, "meta"), "versionId"));

  set_phone (store, id, "(512) 555-4141");
  fd_test_set_fault (proxy_url, "{\"mode\":\"drop-reply\",\"count\":1}");
  g_assert_false (fd_sync_engine_push (engine, &stats, NULL, &error));
  g_assert_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_NETWORK);
  g_clear_error (&error);
  fd_test_set_fault (proxy_url, NULL);

  g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pushed, ==, 1);
  g_assert_cmpuint (stats.conflicts + stats.parked, ==, 0);
  after = fd_test_get_from_server (server_url, path);
  g_assert_cmpint (atoi (fd_fhir_get_string (fd_fhir_get_object (after, "meta"), "versionId")), ==, version + 1);
  g_assert_cmpstr (fd_fhir_patient_phone (after), ==, "(512) 555-4141");
  g_assert_true (outbox_is_empty (store));
}

static char *
new_patient (FdStore *store,
             guint    n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *json = g_strdup_printf ("{\"resourceType\":\"Patient\",\"id\":\"%s\","
                                           "\"name\":[{\"family\":\"Lost-Reply\",\"given\":[\"Nueva %u\"]}],"
                                           "\"birthDate\":\"1991-02-%02u\"}", id, n, n + 1);
  g_autoptr(JsonObject) patient = fd_fhir_parse (json, -1, &error);

  g_assert_no_error (error);
  g_assert_true (fd_store_put (store, patient, FD_STORE_ORIGIN_LOCAL, &error));
  return g_steal_pointer (&id);
}

static guint
history_length (const char *path)
{
  g_autofree char *history_path = g_strdup_printf ("%s/_history", path);
  g_autoptr(JsonObject) history = fd_test_get_from_server (server_url, history_path);

  return json_array_get_length (fd_fhir_get_array (history, "entry"));
}

typedef enum
{
  CREATE_AS_SENT,      /* the retry finds the record as it was sent */
  CREATE_EDITED,       /* the desk edited it while the answer was missing */
  CREATE_NEVER_CAME,   /* the request never reached the server */
} CreateCase;

/* A create whose answer is lost: the retry reads the record first and writes
 * it only when needed, so the server's version stays 1 */
static void
lost_create (gconstpointer data)
{
  const char *rule = g_str_has_suffix (g_test_get_path (), "never-came")
                     ? "{\"mode\":\"refuse\",\"count\":1}" : "{\"mode\":\"drop-reply\",\"count\":1}";
  CreateCase create_case = GPOINTER_TO_UINT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = new_store ();
  g_autofree char *db_path = g_strdup (fd_store_get_path (store));
  g_autoptr(JsonObject) remote = NULL;
  g_autoptr(JsonObject) cached_copy = NULL;
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  FdSyncStats stats;

  for (guint batch = 0; batch < 2; batch++)
    {
      g_test_message ("%s", batch ? "in a batch" : "one by one");
      g_clear_pointer (&id, g_free);
      g_clear_pointer (&path, g_free);
      g_clear_pointer (&remote, json_object_unref);
      g_clear_pointer (&cached_copy, json_object_unref);
      id = new_patient (store, batch);
      path = g_strdup_printf ("Patient/%s", id);

      {
        g_autoptr(FdSyncEngine) engine = engine_for (store, proxy_url);

        fd_sync_engine_set_use_batch (engine, batch);
        fd_test_set_fault (proxy_url, rule);
        g_assert_false (fd_sync_engine_push (engine, &stats, NULL, &error));
        g_assert_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_NETWORK);
        g_clear_error (&error);
        fd_test_set_fault (proxy_url, NULL);
      }

      if (create_case == CREATE_EDITED)
        set_phone (store, id, "(512) 555-2626");

      /* The station restarts: what was sent is remembered */
      g_clear_object (&store);
      store = fd_store_open (db_path, &error);
      g_assert_no_error (error);

      {
        g_autoptr(FdSyncEngine) engine = engine_for (store, proxy_url);

        fd_sync_engine_set_use_batch (engine, batch);
        g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
        g_assert_no_error (error);
      }
      g_assert_cmpuint (stats.pushed, ==, 1);
      g_assert_cmpuint (stats.conflicts + stats.parked, ==, 0);

      remote = fd_test_get_from_server (server_url, path);
      cached_copy = fd_store_get (store, "Patient", id, &error);
      g_assert_no_error (error);
      if (create_case == CREATE_EDITED)
        {
          /* The edit goes on top of the create that arrived */
          g_assert_cmpstr (fd_fhir_get_string (fd_fhir_get_object (remote, "meta"), "versionId"), ==, "2");
          g_assert_cmpstr (fd_fhir_patient_phone (remote), ==, "(512) 555-2626");
          g_assert_cmpuint (history_length (path), ==, 2);
        }
      else
        {
          g_assert_cmpstr (fd_fhir_get_string (fd_fhir_get_object (remote, "meta"), "versionId"), ==, "1");
          g_assert_cmpuint (history_length (path), ==, 1);
        }
      g_assert_cmpstr (fd_fhir_get_string (fd_fhir_get_object (cached_copy, "meta"), "versionId"), ==,
                       fd_fhir_get_string (fd_fhir_get_object (remote, "meta"), "versionId"));
      g_assert_true (outbox_is_empty (store));
    }
}

/* A server that says 409 where others say 412 */
static void
test_push_conflict_409 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = new_store ();
  g_autoptr(FdSyncEngine) direct = engine_for (store, server_url);
  g_autoptr(FdSyncEngine) engine = engine_for (store, proxy_url);
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) theirs = NULL;
  FdSyncStats stats;

  g_assert_true (fd_sync_engine_pull (direct, NULL, NULL, &stats, NULL, &error));
  id = first_patient (store);
  path = g_strdup_printf ("Patient/%s", id);

  /* Both change the phone: a true conflict */
  theirs = fd_test_get_from_server (server_url, path);
  json_object_set_array_member (theirs, "telecom", json_array_new ());
  g_free (fd_test_put_on_server (server_url, theirs,
                                 fd_fhir_get_string (fd_fhir_get_object (theirs, "meta"), "versionId")));

  set_phone (store, id, "(512) 555-4040");
  fd_test_set_fault (proxy_url, "{\"mode\":\"conflict-409\"}");
  g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
  g_assert_no_error (error);
  fd_test_set_fault (proxy_url, NULL);
  g_assert_cmpuint (stats.conflicts, ==, 1);
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
  options.n_patients = 200;
  options.n_days = 3;
  options.seed = 21;
  {
    g_autoptr(GHashTable) counts = NULL;
    GDate first, last;

    fd_test_default_window (&options.today, &first, &last);
    counts = fd_test_demo_working_set (&options, &first, &last, &expected_total);
  }
  server = fd_test_start_demo_server (work_dir, &options, &server_url);
  proxy = fd_test_start_fault_proxy (server_url, &proxy_url);

  g_test_add_func ("/faults/pull", test_pull_faults);
  g_test_add_func ("/faults/pull-resumes", test_pull_resumes);
  g_test_add_func ("/faults/no-next-links", test_no_next_links);
  g_test_add_func ("/faults/push-lost-reply", test_push_lost_reply);
  g_test_add_func ("/faults/push-lost-reply-reused-connection", test_push_lost_reply_reused_connection);
  g_test_add_func ("/faults/push-conflict-409", test_push_conflict_409);
  g_test_add_data_func ("/faults/lost-create/as-sent", GUINT_TO_POINTER (CREATE_AS_SENT), lost_create);
  g_test_add_data_func ("/faults/lost-create/edited", GUINT_TO_POINTER (CREATE_EDITED), lost_create);
  g_test_add_data_func ("/faults/lost-create/never-came", GUINT_TO_POINTER (CREATE_NEVER_CAME), lost_create);

  ret = g_test_run ();

  fd_test_stop_fhir_server (g_steal_pointer (&proxy));
  fd_test_stop_fhir_server (g_steal_pointer (&server));
  g_free (server_url);
  g_free (proxy_url);
  fd_test_remove_dir (work_dir);
  g_free (work_dir);
  return ret;
}
