/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Changes the server refused, dealt with from frontdesk-ctl: sent again,
 * or discarded back to the server's version; a payment is never discarded.
 * Usage: test-refused FRONTDESK-CTL */
#include <locale.h>

#include "fd-fhir.h"
#include "fd-sync-engine.h"
#include "fd-test-util.h"

static const char *ctl;
static GSubprocess *server;
static GSubprocess *proxy;
static char *server_url;
static char *proxy_url;
static char *work_dir;

/* Runs frontdesk-ctl on the desk's profile; @server_address NULL runs it
 * without a server. Returns the exit status; *@out gets stdout and stderr. */
static int
run_ctl (const char  *server_address,
         char       **out,
         const char  *command,
         const char  *record)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = g_build_filename (work_dir, "desk", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                        G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *output = NULL;

  g_subprocess_launcher_unsetenv (launcher, "FRONTDESK_SERVER_URL");
  g_ptr_array_add (argv, (gpointer) ctl);
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, data_dir);
  if (server_address != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--server");
      g_ptr_array_add (argv, (gpointer) server_address);
    }
  g_ptr_array_add (argv, (gpointer) command);
  if (record != NULL)
    g_ptr_array_add (argv, (gpointer) record);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &output, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("ctl %s %s: %s", command, record ? record : "", output);
  if (out != NULL)
    *out = g_steal_pointer (&output);
  return g_subprocess_get_exit_status (process);
}

static FdStore *
open_desk (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (work_dir, "desk", "default", "frontdesk.db", NULL);
  FdStore *store = fd_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

static FdOutboxEntry *
outbox_entry (FdStore    *store,
              const char *type,
              const char *id)
{
  g_autoptr(GPtrArray) entries = fd_store_list_outbox (store, TRUE, NULL);

  for (guint i = 0; i < entries->len; i++)
    {
      FdOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (g_str_equal (entry->type, type) && g_str_equal (entry->id, id))
        return g_ptr_array_steal_index (entries, i);
    }
  return NULL;
}

static void
test_ctl_retry_discard (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *updated = NULL;
  g_autofree char *created = g_uuid_string_random ();
  g_autofree char *payment = NULL;
  g_autofree char *out = NULL;
  g_autofree char *payment_record = NULL;
  g_autofree char *updated_record = NULL;
  g_autofree char *created_record = g_strdup_printf ("Patient/%s", created);

  /* The desk downloads the clinic, then makes three changes the server refuses:
   * a patient's gender spoilt, a new patient likewise, and a payment */
  g_assert_cmpint (run_ctl (server_url, NULL, "sync", NULL), ==, 0);
  {
    g_autoptr(FdStore) store = open_desk ();
    g_autoptr(GPtrArray) hits = fd_store_search_patients (store, "m", 2, &error);
    g_autoptr(JsonObject) patient = NULL;
    g_autoptr(JsonObject) walk_in = NULL;
    g_autofree char *json = NULL;
    g_autoptr(FdFhirClient) client = fd_fhir_client_new (proxy_url, &error);
    g_autoptr(FdSyncEngine) engine = fd_sync_engine_new (store, client);
    FdSyncStats stats;

    updated = g_strdup (fd_patient_item_get_id (g_ptr_array_index (hits, 0)));
    updated_record = g_strdup_printf ("Patient/%s", updated);
    patient = fd_store_get (store, "Patient", updated, &error);
    fd_test_spoil_patient (store, patient);
    json = g_strdup_printf ("{\"resourceType\":\"Patient\",\"id\":\"%s\",\"name\":[{\"family\":\"Refused\"}]}", created);
    walk_in = fd_fhir_parse (json, -1, &error);
    fd_test_spoil_patient (store, walk_in);
    payment = fd_test_take_payment (store, fd_patient_item_get_id (g_ptr_array_index (hits, 1)), 1500);
    payment_record = g_strdup_printf ("PaymentReconciliation/%s", payment);

    /* The server is misconfigured for payments today */
    fd_sync_engine_set_use_batch (engine, FALSE);
    fd_test_set_fault (proxy_url, "{\"mode\":\"status\",\"status\":422,\"match\":\"PaymentReconciliation\"}");
    g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
    g_assert_no_error (error);
    fd_test_set_fault (proxy_url, NULL);
    g_assert_cmpuint (stats.parked, ==, 3);
  }
  g_assert_cmpint (run_ctl (NULL, &out, "outbox", NULL), ==, 0);
  g_assert_nonnull (strstr (out, payment_record));
  g_assert_nonnull (strstr (out, updated_record));
  g_clear_pointer (&out, g_free);

  /* A payment is never discarded: the command says why and what to do */
  g_assert_cmpint (run_ctl (server_url, &out, "discard", payment_record), ==, 1);
  g_assert_nonnull (strstr (out, "financial"));
  g_assert_nonnull (strstr (out, "frontdesk-ctl retry"));
  g_clear_pointer (&out, g_free);
  {
    g_autoptr(FdStore) store = open_desk ();
    g_autoptr(FdOutboxEntry) entry = outbox_entry (store, "PaymentReconciliation", payment);

    g_assert_nonnull (entry);
    g_assert_cmpstr (entry->state, ==, "parked");
  }

  /* Discarded with the server at hand: the cache is the server's version */
  g_assert_cmpint (run_ctl (server_url, &out, "discard", updated_record), ==, 0);
  g_assert_nonnull (strstr (out, "as the server has it"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl (server_url, NULL, "discard", created_record), ==, 0);
  {
    g_autoptr(FdStore) store = open_desk ();
    g_autoptr(GPtrArray) waiting = fd_store_list_discarded (store, &error);
    g_autoptr(JsonObject) gone = NULL;

    g_assert_true (fd_test_cached_as_on_server (store, server_url, "Patient", updated));
    g_assert_null (outbox_entry (store, "Patient", updated));
    g_assert_cmpuint (waiting->len, ==, 0);

    /* The new patient never reached the server: gone from the station */
    gone = fd_store_get (store, "Patient", created, &error);
    g_assert_null (gone);
    g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
    g_assert_null (outbox_entry (store, "Patient", created));
  }

  /* Nothing refused is left to discard or retry for that record */
  g_assert_cmpint (run_ctl (NULL, NULL, "retry", updated_record), ==, 1);
  g_assert_cmpint (run_ctl (NULL, NULL, "discard", updated_record), ==, 1);
  g_assert_cmpint (run_ctl (NULL, NULL, "retry", "Patient"), ==, 1);

  /* The server is fixed: the payment goes again, once */
  g_assert_cmpint (run_ctl (NULL, NULL, "retry", payment_record), ==, 0);
  g_assert_cmpint (run_ctl (server_url, NULL, "sync", NULL), ==, 0);
  {
    g_autoptr(FdStore) store = open_desk ();
    g_autofree char *path = g_strdup_printf ("PaymentReconciliation/%s", payment);
    g_autoptr(JsonObject) remote = fd_test_get_from_server (server_url, path);
    gint64 pending = -1, parked = -1;

    g_assert_nonnull (remote);
    g_assert_cmpstr (fd_fhir_get_string (fd_fhir_get_object (remote, "meta"), "versionId"), ==, "1");
    g_assert_true (fd_store_count_outbox (store, &pending, &parked, NULL));
    g_assert_cmpint (pending + parked, ==, 0);
  }
}

/* Discarded without the server: the station goes back to the server's
 * version with the next sync, after a restart too */
static void
test_ctl_discard_offline (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *record = NULL;
  g_autofree char *out = NULL;

  {
    g_autoptr(FdStore) store = open_desk ();
    g_autoptr(GPtrArray) hits = fd_store_search_patients (store, "r", 1, &error);
    g_autoptr(JsonObject) patient = NULL;

    id = g_strdup (fd_patient_item_get_id (g_ptr_array_index (hits, 0)));
    record = g_strdup_printf ("Patient/%s", id);
    patient = fd_store_get (store, "Patient", id, &error);
    fd_test_spoil_patient (store, patient);
  }
  g_assert_cmpint (run_ctl (server_url, NULL, "sync", NULL), ==, 0);

  g_assert_cmpint (run_ctl (NULL, &out, "discard", record), ==, 0);
  g_assert_nonnull (strstr (out, "next sync"));
  {
    g_autoptr(FdStore) store = open_desk ();
    g_autoptr(GPtrArray) waiting = fd_store_list_discarded (store, &error);

    g_assert_null (outbox_entry (store, "Patient", id));
    g_assert_cmpuint (waiting->len, ==, 1);
    g_assert_false (fd_test_cached_as_on_server (store, server_url, "Patient", id));
  }

  g_assert_cmpint (run_ctl (server_url, NULL, "sync", NULL), ==, 0);
  {
    g_autoptr(FdStore) store = open_desk ();
    g_autoptr(GPtrArray) waiting = fd_store_list_discarded (store, &error);

    g_assert_cmpuint (waiting->len, ==, 0);
    g_assert_true (fd_test_cached_as_on_server (store, server_url, "Patient", id));
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
  if (argc < 2 || node == NULL)
    {
      g_test_skip ("needs frontdesk-ctl and node");
      return g_test_run ();
    }
  ctl = argv[1];

  work_dir = fd_test_make_dir ();
  fd_demo_options_init (&options);
  options.n_patients = 150;
  options.n_days = 3;
  options.seed = 17;
  server = fd_test_start_demo_server (work_dir, &options, &server_url);
  proxy = fd_test_start_fault_proxy (server_url, &proxy_url);

  g_test_add_func ("/refused/ctl-retry-discard", test_ctl_retry_discard);
  g_test_add_func ("/refused/ctl-discard-offline", test_ctl_discard_offline);
  ret = g_test_run ();

  fd_test_stop_fhir_server (g_steal_pointer (&proxy));
  fd_test_stop_fhir_server (g_steal_pointer (&server));
  g_free (server_url);
  g_free (proxy_url);
  fd_test_remove_dir (work_dir);
  g_free (work_dir);
  return ret;
}
