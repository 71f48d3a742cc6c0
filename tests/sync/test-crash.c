/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A push killed with SIGKILL at random moments, again and again: afterwards
 * every change is on the server once and nothing is lost or duplicated.
 * Usage: test-crash FRONTDESK-CTL */
#include <locale.h>
#include <signal.h>

#include "fd-fhir.h"
#include "fd-test-util.h"

#define N_UPDATES 150
#define N_CREATES 50
#define N_KILLS 30

static const char *ctl;
static GSubprocess *server;
static char *server_url;
static char *work_dir;

/* Returns the exit status, or -1 when the run was killed before it ended */
static int
run_ctl (const char *command,
         guint       kill_after_ms)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = g_build_filename (work_dir, "desk", NULL);
  g_autoptr(GSubprocess) process = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              ctl, "--data-dir", data_dir, "--server", server_url, command, NULL);
  g_assert_no_error (error);

  if (kill_after_ms > 0)
    {
      g_usleep (kill_after_ms * 1000);
      g_subprocess_send_signal (process, SIGKILL);
    }
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
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

static gint64
pending_changes (void)
{
  g_autoptr(FdStore) store = open_desk ();
  gint64 pending = -1, parked = -1;

  g_assert_true (fd_store_count_outbox (store, &pending, &parked, NULL));
  if (parked > 0)
    {
      g_autoptr(GPtrArray) entries = fd_store_list_outbox (store, TRUE, NULL);

      for (guint i = 0; i < entries->len; i++)
        {
          FdOutboxEntry *entry = g_ptr_array_index (entries, i);

          if (g_str_equal (entry->state, "parked"))
            g_test_message ("parked %s %s/%s base %s: %s", entry->op, entry->type, entry->id,
                            entry->base_version ? entry->base_version : "-", entry->error);
        }
    }
  g_assert_cmpint (parked, ==, 0);
  return pending;
}

/* Round @round: 150 demographic updates and 50 new patients, made offline */
static void
make_changes (GPtrArray *patients,
              guint      round)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = open_desk ();

  g_assert_true (fd_store_begin (store, &error));
  for (guint i = 0; i < patients->len; i++)
    {
      g_autoptr(JsonObject) patient = fd_store_get (store, "Patient", g_ptr_array_index (patients, i), &error);
      g_autofree char *birth = g_strdup_printf ("19%02u-01-%02u", 40 + round, 1 + i % 28);

      g_assert_no_error (error);
      json_object_set_string_member (patient, "birthDate", birth);
      g_assert_true (fd_store_put (store, patient, FD_STORE_ORIGIN_LOCAL, &error));
    }
  for (guint i = 0; i < N_CREATES; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"resourceType\":\"Patient\",\"id\":\"c4a5e000-0000-4000-8%03u-%012u\","
                                               "\"name\":[{\"family\":\"Crash-Test\",\"given\":[\"R%u N%u\"]}]}",
                                               round, i, round, i);
      g_autoptr(JsonObject) patient = fd_fhir_parse (json, -1, &error);

      g_assert_true (fd_store_put (store, patient, FD_STORE_ORIGIN_LOCAL, &error));
    }
  g_assert_true (fd_store_commit (store, &error));
}

static void
test_killed_push (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) patients = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261127);
  g_autoptr(JsonObject) count = NULL;
  guint mid_push = 0, killed = 0;

  /* The desk downloads the clinic */
  g_assert_cmpint (run_ctl ("sync", 0), ==, 0);
  {
    g_autoptr(FdStore) store = open_desk ();
    g_autoptr(GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);
    const char *letters[] = { "a", "b", "c", "d", "g", "h", "m", "r", "s", "w" };

    /* Surnames by letter; a patient found twice (by a given name) counts once */
    for (guint l = 0; l < G_N_ELEMENTS (letters) && patients->len < N_UPDATES; l++)
      {
        g_autoptr(GPtrArray) some = fd_store_search_patients (store, letters[l], 50, &error);

        for (guint j = 0; j < some->len && patients->len < N_UPDATES; j++)
          {
            const char *id = fd_patient_item_get_id (g_ptr_array_index (some, j));

            if (!g_hash_table_contains (taken, id))
              {
                g_ptr_array_add (patients, g_strdup (id));
                g_hash_table_add (taken, g_ptr_array_index (patients, patients->len - 1));
              }
          }
      }
    g_assert_cmpuint (patients->len, ==, N_UPDATES);
  }

  /* Each round: 200 changes, then a sync killed at a random moment */
  for (guint round = 0; round < N_KILLS; round++)
    {
      gint64 before, after;

      make_changes (patients, round);
      before = pending_changes ();
      if (run_ctl ("sync", (guint) g_rand_int_range (rand, 30, 160)) < 0)
        killed++;
      after = pending_changes ();
      if (after > 0 && after < before)
        mid_push++;
    }
  /* Some kills leave part of the outbox sent; others land before the reply
   * of a batch the server applied, the lost-reply case */
  g_test_message ("%u of %u runs killed, %u of them with part of the changes sent", killed, N_KILLS, mid_push);
  g_assert_cmpuint (killed, >=, 2 * N_KILLS / 3);
  g_assert_cmpuint (mid_push, >, 0);

  /* The last run finishes the work */
  g_assert_cmpint (run_ctl ("sync", 0), ==, 0);
  g_assert_cmpint (pending_changes (), ==, 0);

  /* Every last change is on the server, and no resource twice */
  for (guint i = 0; i < patients->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("Patient/%s", (char *) g_ptr_array_index (patients, i));
      g_autoptr(JsonObject) remote = fd_test_get_from_server (server_url, path);
      g_autofree char *birth = g_strdup_printf ("19%02u-01-%02u", 40 + N_KILLS - 1, 1 + i % 28);

      g_assert_cmpstr (fd_fhir_get_string (remote, "birthDate"), ==, birth);
    }
  count = fd_test_get_from_server (server_url, "Patient?family=Crash-Test&_summary=count");
  g_assert_cmpint (json_object_get_int_member (count, "total"), ==, N_CREATES * N_KILLS);
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
  if (argc < 2 || node == NULL)
    {
      g_test_skip ("needs frontdesk-ctl and node");
      return g_test_run ();
    }
  ctl = argv[1];

  work_dir = fd_test_make_dir ();
  fd_demo_options_init (&options);
  options.n_patients = 600;
  options.n_days = 3;
  options.seed = 9;
  server = fd_test_start_demo_server (work_dir, &options, &server_url);

  g_test_add_func ("/crash/killed-push", test_killed_push);
  ret = g_test_run ();

  fd_test_stop_fhir_server (g_steal_pointer (&server));
  g_free (server_url);
  fd_test_remove_dir (work_dir);
  g_free (work_dir);
  return ret;
}
