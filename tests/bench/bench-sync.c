/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sync against the real FHIR server: the initial pull of a large clinic
 * against plain HTTP GETs of the same pages, the longest stall of the main
 * loop while the station pulls in the background, and a push of 1,000 changes
 * against the server ingesting them as one batch. */
#include <libsoup/soup.h>
#include <locale.h>
#include <stdlib.h>

#include "fd-fhir.h"
#include "fd-sync-engine.h"
#include "fd-sync-service.h"
#include "fd-test-util.h"

static const char * const types[] = {
  "Organization", "Location", "Practitioner", "Schedule", "Patient", "RelatedPerson", "Coverage", "Account", "Appointment",
  "CoverageEligibilityRequest", "CoverageEligibilityResponse", "Encounter", "QuestionnaireResponse",
  "Consent", "Invoice", "PaymentReconciliation",
};

/* The working set's appointment window covers every day seeded, so the
 * whole schedule is in it (the default window would hold a fifth of it) */
#define WINDOW_DAYS 200

/* Times the push and its baseline are measured */
#define PUSH_ROUNDS 3

static char *server_url;

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1e6;
}

/* Baseline: the same pages, fetched and thrown away */
static guint
plain_gets (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  guint n = 0;

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      g_autofree char *url = g_strdup_printf ("%s/%s?_count=200&_sort=_lastUpdated", server_url, types[t]);

      while (url != NULL)
        {
          g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
          g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);
          g_autoptr(JsonObject) bundle = fd_fhir_parse (g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body), NULL);
          JsonArray *links = fd_fhir_get_array (bundle, "link");
          const char *next = NULL;

          n += json_array_get_length (fd_fhir_get_array (bundle, "entry") ?: json_array_new ());
          for (guint i = 0; links && i < json_array_get_length (links); i++)
            if (g_strcmp0 (fd_fhir_get_string (fd_fhir_array_object (links, i), "relation"), "next") == 0)
              next = fd_fhir_get_string (fd_fhir_array_object (links, i), "url");
          g_free (url);
          url = g_strdup (next);
        }
    }

  return n;
}

static FdStore *
new_store (const char *dir,
           const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, "frontdesk.db", NULL);
  FdStore *store = fd_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

typedef struct
{
  gint64 last;
  gint64 longest;
} Stall;

static gboolean
tick_cb (gpointer data)
{
  Stall *stall = data;
  gint64 now = g_get_monotonic_time ();

  if (stall->last != 0)
    stall->longest = MAX (stall->longest, now - stall->last);
  stall->last = now;
  return G_SOURCE_CONTINUE;
}

static gboolean
quit_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static void
synced_cb (FdSyncService *service,
           GMainLoop     *loop)
{
  if (fd_sync_service_get_last_sync (service) != NULL && !fd_sync_service_get_busy (service))
    g_main_loop_quit (loop);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(FdStore) store = NULL;
  g_autoptr(FdFhirClient) client = NULL;
  g_autoptr(FdSyncEngine) engine = NULL;
  guint n_patients, n_days;
  FdDemoOptions options;
  FdSyncStats stats;
  double pulled_s, baseline_s;
  guint n;

  setlocale (LC_ALL, "C.UTF-8");
  /* For the helpers that find the server's script */
  g_test_init (&argc, &argv, NULL);
  n_patients = argc > 1 ? (guint) atoi (argv[1]) : 10000;
  n_days = argc > 2 ? (guint) atoi (argv[2]) : 180;
  dir = fd_test_make_dir ();
  fd_demo_options_init (&options);
  options.n_patients = n_patients;
  options.n_days = n_days;
  server = fd_test_start_demo_server (dir, &options, &server_url);

  /* Initial pull, against fetching the same pages */
  {
    gint64 start = g_get_monotonic_time ();
    n = plain_gets ();
    baseline_s = seconds_since (start);
  }
  store = new_store (dir, "pull");
  client = fd_fhir_client_new (server_url, &error);
  engine = fd_sync_engine_new (store, client);
  fd_sync_engine_set_window (engine, WINDOW_DAYS, WINDOW_DAYS);
  {
    gint64 start = g_get_monotonic_time ();
    g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
    pulled_s = seconds_since (start);
  }
  /* The baseline reads the whole clinic; the working set leaves out the
   * patients without an appointment, and their records */
  g_print ("bench initial-pull-%u-resources %.2f s (baseline %.2f s for %u resources; %u patients entered the working set)\n",
           stats.pulled, pulled_s, baseline_s, n, stats.entered);
  g_assert_cmpuint (stats.pulled, <=, n);

  /* The main loop while the station pulls the same clinic in the background */
  {
    g_autoptr(FdStore) other = new_store (dir, "service");
    g_autoptr(FdSyncService) service = fd_sync_service_new (other, client);
    g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
    Stall busy = { 0 }, idle = { 0 };
    guint tick;
    gint64 start = g_get_monotonic_time ();
    double took;

    fd_sync_service_set_window (service, WINDOW_DAYS, WINDOW_DAYS);
    tick = g_timeout_add (1, tick_cb, &busy);
    g_signal_connect (service, "state-changed", G_CALLBACK (synced_cb), loop);
    fd_sync_service_start (service);
    g_main_loop_run (loop);
    g_source_remove (tick);
    took = seconds_since (start);

    /* Baseline: the same loop, as long, with nothing else to do */
    tick = g_timeout_add (1, tick_cb, &idle);
    g_timeout_add ((guint) (took * 1000), quit_cb, loop);
    g_main_loop_run (loop);
    g_source_remove (tick);

    g_print ("bench main-loop-longest-stall-during-pull %.1f ms (baseline %.1f ms)\n",
             busy.longest / 1000.0, idle.longest / 1000.0);
  }

  /* 1,000 changes queued offline, pushed; baseline: one batch Bundle of the
   * same records. Both run PUSH_ROUNDS times in turn, so that neither has the
   * server warmed up for it alone; the medians are printed. */
  {
    g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func (g_object_unref);
    const char *letters = "abcdefghijklmnopqrstuvwxyz";
    static const char * const genders[] = { "unknown", "other", "female", "male" };
    g_autoptr(GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(GArray) push_s = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) batch_s = g_array_new (FALSE, FALSE, sizeof (double));

    for (const char *l = letters; *l && hits->len < 1000; l++)
      {
        char q[2] = { *l, 0 };
        g_autoptr(GPtrArray) some = fd_store_search_patients (store, q, 50, &error);

        for (guint i = 0; i < some->len && hits->len < 1000; i++)
          if (g_hash_table_add (taken, (gpointer) fd_patient_item_get_id (g_ptr_array_index (some, i))))
            g_ptr_array_add (hits, g_object_ref (g_ptr_array_index (some, i)));
      }

    for (guint round = 0; round < PUSH_ROUNDS; round++)
      {
        g_autoptr(GString) batch = g_string_new ("{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[");

        for (guint i = 0; i < hits->len; i++)
          {
            const char *id = fd_patient_item_get_id (g_ptr_array_index (hits, i));
            g_autoptr(JsonObject) patient = fd_store_get (store, "Patient", id, &error);
            g_autoptr(JsonObject) copy = NULL;
            g_autofree char *json = NULL;

            json_object_set_string_member (patient, "gender", genders[(2 * round) % G_N_ELEMENTS (genders)]);
            g_assert_true (fd_store_put (store, patient, FD_STORE_ORIGIN_LOCAL, &error));

            /* The baseline writes the same records once more, as a batch */
            json = fd_fhir_to_string (patient);
            copy = fd_fhir_parse (json, -1, NULL);
            json_object_remove_member (copy, "meta");
            json_object_set_string_member (copy, "gender", genders[(2 * round + 1) % G_N_ELEMENTS (genders)]);
            g_free (json);
            json = fd_fhir_to_string (copy);
            g_string_append_printf (batch, "%s{\"resource\":%s,\"request\":{\"method\":\"PUT\",\"url\":\"Patient/%s\"}}",
                                    i ? "," : "", json, id);
          }
        g_string_append (batch, "]}");

        {
          gint64 start = g_get_monotonic_time ();
          g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
          double took = seconds_since (start);

          g_array_append_val (push_s, took);
          g_assert_cmpuint (stats.pushed, ==, hits->len);
        }
        {
          g_autoptr(SoupSession) session = soup_session_new ();
          g_autoptr(SoupMessage) msg = soup_message_new ("POST", server_url);
          g_autoptr(GBytes) body = g_bytes_new (batch->str, batch->len);
          g_autoptr(GBytes) answer = NULL;
          gint64 start = g_get_monotonic_time ();

          soup_message_set_request_body_from_bytes (msg, "application/fhir+json", body);
          double took;

          answer = soup_session_send_and_read (session, msg, NULL, &error);
          took = seconds_since (start);
          g_array_append_val (batch_s, took);
          g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
        }

        /* The station learns the versions the baseline made, for the next round */
        g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
      }

    g_print ("bench push-%u-changes %.2f s (baseline %.2f s; medians of %d rounds)\n", hits->len,
             fd_test_percentile (push_s, 0.5), fd_test_percentile (batch_s, 0.5), PUSH_ROUNDS);
  }

  fd_test_stop_fhir_server (g_steal_pointer (&server));
  g_free (server_url);
  g_clear_object (&engine);
  g_clear_object (&store);
  fd_test_remove_dir (dir);
  return 0;
}
