/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The station's header tells the truth about sync, against a real server. */
#include <adwaita.h>
#include <locale.h>

#include "fd-conflict-dialog.h"
#include "fd-fhir.h"
#include "fd-sync-panel.h"
#include "fd-payments-view.h"
#include "fd-test-util.h"
#include "fd-window.h"

static GSubprocess *server;
static char *server_url;
static char *work_dir;
static guint n_patients;  /* in the station's working set */

static FdStore *
empty_store (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (work_dir, name, "frontdesk.db", NULL);
  FdStore *store = fd_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

static FdSyncService *
service_for (FdStore    *store,
             const char *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFhirClient) client = fd_fhir_client_new (url, &error);
  FdSyncService *service;

  g_assert_no_error (error);
  fd_fhir_client_set_timeout (client, 3);
  service = fd_sync_service_new (store, client);
  fd_sync_service_set_interval (service, 1);
  return service;
}

typedef gboolean (*Condition) (gpointer data);

static void
wait_until (Condition condition,
            gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  fd_test_iterate ();
}

static gboolean
synced (gpointer data)
{
  return fd_sync_service_get_last_sync (data) != NULL && !fd_sync_service_get_busy (data);
}

static gboolean
offline (gpointer data)
{
  return fd_sync_service_get_offline_since (data) != NULL;
}

static gboolean
outbox_empty (gpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 pending = -1, parked = -1;

  fd_store_count_outbox (data, &pending, &parked, &error);
  g_assert_no_error (error);
  return pending == 0;
}

static gboolean
nothing_waits (gpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 pending = -1, parked = -1;

  fd_store_count_outbox (data, &pending, &parked, &error);
  g_assert_no_error (error);
  return pending == 0 && parked == 0;
}

/* FRONTDESK_SCREENSHOT_DIR=dir: pictures of the screen for the documentation */
static void
screenshot (const char *name)
{
  const char *dir = g_getenv ("FRONTDESK_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autofree char *command = NULL;

  if (dir == NULL)
    return;
  for (guint i = 0; i < 20; i++)
    fd_test_iterate ();
  path = g_build_filename (dir, name, NULL);
  command = g_strdup_printf ("import -window root %s", path);
  g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
}

static void
show_sync_panel (FdWindow *window)
{
  gtk_menu_button_popup (GTK_MENU_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (window), FD_TYPE_WINDOW, "sync_button")));
}

static void
hide_sync_panel (FdWindow *window)
{
  gtk_menu_button_popdown (GTK_MENU_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (window), FD_TYPE_WINDOW, "sync_button")));
  fd_test_iterate ();
}

static const char *
status_text (FdWindow *window)
{
  return gtk_label_get_label (GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (window), FD_TYPE_WINDOW, "sync_label")));
}

static void
progress_seen_cb (FdSyncService *service,
                  FdWindow      *window)
{
  guint *seen = g_object_get_data (G_OBJECT (window), "progress-seen");

  /* The window updates on the same signal; read it once that has run */
  if (fd_sync_service_get_progress (service) > 0 && fd_sync_service_get_busy (service) &&
      fd_sync_service_get_last_sync (service) == NULL)
    {
      GtkWidget *bar = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), FD_TYPE_WINDOW, "sync_progress"));

      /* The first download shows a progress bar with the count */
      g_assert_true (gtk_widget_get_visible (bar));
      g_assert_true (g_str_has_prefix (gtk_progress_bar_get_text (GTK_PROGRESS_BAR (bar)), "Downloading"));
      *seen = MAX (*seen, fd_sync_service_get_progress (service));
    }
}

static void
test_online (void)
{
  guint progress_seen = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = empty_store ("online");
  g_autoptr(FdSyncService) service = service_for (store, server_url);
  FdWindow *window = fd_window_new (NULL, store, NULL);
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(JsonObject) patient = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) remote = NULL;
  FdStoreCounts counts;

  fd_window_set_sync_service (window, service);
  g_object_set_data (G_OBJECT (window), "progress-seen", &progress_seen);
  g_signal_connect_after (service, "state-changed", G_CALLBACK (progress_seen_cb), window);
  gtk_window_present (GTK_WINDOW (window));
  fd_sync_service_start (service);
  g_assert_true (g_str_has_prefix (status_text (window), "Connecting") ||
                 g_str_has_prefix (status_text (window), "Downloading"));

  /* The first sync downloads the clinic without freezing the window, counting */
  wait_until (synced, service);
  g_assert_cmpuint (progress_seen, >, 0);
  g_signal_handlers_disconnect_by_func (service, progress_seen_cb, window);
  g_assert_true (g_str_has_prefix (status_text (window), "Online · synced "));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), FD_TYPE_WINDOW,
                                                                                     "sync_progress"))));
  show_sync_panel (window);
  screenshot ("sync-online.png");
  hide_sync_panel (window);
  g_assert_true (fd_store_get_counts (store, &counts, &error));
  g_assert_cmpint (counts.patients, ==, n_patients);
  g_assert_cmpuint (fd_sync_service_get_first_sync_count (service), >=, n_patients);

  /* The views heard about the download: the open balances are listed */
  g_assert_cmpuint (g_list_model_get_n_items (fd_payments_view_get_model (
    FD_PAYMENTS_VIEW (gtk_widget_get_template_child (GTK_WIDGET (window), FD_TYPE_WINDOW, "payments_view")))), >, 0);

  /* A change made at the desk goes up by itself */
  hits = fd_store_search_patients (store, "gar", 1, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  patient = fd_store_get (store, "Patient", fd_patient_item_get_id (g_ptr_array_index (hits, 0)), &error);
  json_object_set_string_member (patient, "gender", "unknown");
  g_assert_true (fd_store_put (store, patient, FD_STORE_ORIGIN_LOCAL, &error));
  wait_until (outbox_empty, store);
  path = g_strdup_printf ("Patient/%s", fd_patient_item_get_id (g_ptr_array_index (hits, 0)));
  remote = fd_test_get_from_server (server_url, path);
  g_assert_cmpstr (fd_fhir_get_string (remote, "gender"), ==, "unknown");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_offline (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = empty_store ("offline");
  g_autoptr(FdSyncService) service = service_for (store, "http://127.0.0.1:9/fhir/R4");
  FdWindow *window = fd_window_new (NULL, store, NULL);
  g_autoptr(JsonObject) patient = NULL;

  fd_window_set_sync_service (window, service);
  gtk_window_present (GTK_WINDOW (window));
  fd_sync_service_start (service);

  wait_until (offline, service);
  g_assert_true (g_str_has_prefix (status_text (window), "Offline since "));

  /* The desk goes on working, and the header counts what waits */
  patient = fd_fhir_parse ("{\"resourceType\":\"Patient\",\"id\":\"walk-in-1\","
                           "\"name\":[{\"family\":\"Offline\",\"given\":[\"Ana\"]}]}", -1, &error);
  g_assert_true (fd_store_put (store, patient, FD_STORE_ORIGIN_LOCAL, &error));
  fd_test_iterate ();
  g_assert_nonnull (strstr (status_text (window), "1 change waiting"));
  show_sync_panel (window);
  screenshot ("sync-offline.png");
  hide_sync_panel (window);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A conflict listed in the sync panel, compared side by side, resolved */
static void
test_conflict_dialog (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = empty_store ("conflict");
  g_autoptr(FdSyncService) service = service_for (store, server_url);
  FdWindow *window = fd_window_new (NULL, store, NULL);
  FdSyncPanel *panel = FD_SYNC_PANEL (gtk_widget_get_template_child (GTK_WIDGET (window), FD_TYPE_WINDOW, "sync_panel"));
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(JsonObject) mine = NULL;
  g_autoptr(JsonObject) theirs = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(JsonObject) remote = NULL;
  g_autofree char *path = NULL;
  FdConflictDialog *dialog;
  const char *id;

  fd_window_set_sync_service (window, service);
  gtk_window_present (GTK_WINDOW (window));
  fd_sync_service_start (service);
  wait_until (synced, service);

  hits = fd_store_search_patients (store, "s", 1, &error);
  id = fd_patient_item_get_id (g_ptr_array_index (hits, 0));
  path = g_strdup_printf ("Patient/%s", id);

  /* Someone else renames the patient; this desk renames it too */
  theirs = fd_test_get_from_server (server_url, path);
  json_object_set_string_member (fd_fhir_patient_name (theirs), "family", "Theirs-Name");
  g_free (fd_test_put_on_server (server_url, theirs,
                                 fd_fhir_get_string (fd_fhir_get_object (theirs, "meta"), "versionId")));
  mine = fd_store_get (store, "Patient", id, &error);
  json_object_set_string_member (fd_fhir_patient_name (mine), "family", "Mine-Name");
  g_assert_true (fd_store_put (store, mine, FD_STORE_ORIGIN_LOCAL, &error));
  wait_until (outbox_empty, store);

  fd_sync_panel_reload (panel);
  g_assert_cmpuint (fd_sync_panel_get_n_changes (panel), ==, 1);

  outbox = fd_store_list_outbox (store, TRUE, &error);
  dialog = fd_conflict_dialog_new (GTK_WINDOW (window), store, g_ptr_array_index (outbox, 0));
  gtk_window_present (GTK_WINDOW (dialog));
  fd_test_iterate ();
  g_assert_cmpuint (fd_conflict_dialog_get_n_fields (dialog), >=, 1);
  screenshot ("sync-conflict.png");

  /* Keep this desk's version: it reaches the server */
  g_signal_emit_by_name (gtk_widget_get_template_child (GTK_WIDGET (dialog), FD_TYPE_CONFLICT_DIALOG, "mine_button"),
                         "clicked");
  g_assert_cmpuint (fd_sync_panel_get_n_changes (panel), ==, 1);
  fd_sync_service_sync_now (service);
  wait_until (nothing_waits, store);
  wait_until (synced, service);

  remote = fd_test_get_from_server (server_url, path);
  g_assert_cmpstr (fd_fhir_get_string (fd_fhir_patient_name (remote), "family"), ==, "Mine-Name");
  fd_sync_panel_reload (panel);
  g_assert_cmpuint (fd_sync_panel_get_n_changes (panel), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  g_autofree char *node = NULL;
  g_autoptr(GError) error = NULL;
  FdDemoOptions options;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  node = g_find_program_in_path ("node");
  if (node == NULL)
    {
      g_test_skip ("node is not installed");
      return g_test_run ();
    }

  work_dir = fd_test_make_dir ();
  fd_demo_options_init (&options);
  options.n_patients = 300;
  options.n_days = 3;
  {
    g_autoptr(GHashTable) counts = NULL;
    GDate first, last;

    fd_test_default_window (&options.today, &first, &last);
    counts = fd_test_demo_working_set (&options, &first, &last, NULL);
    n_patients = GPOINTER_TO_UINT (g_hash_table_lookup (counts, "Patient"));
  }
  server = fd_test_start_demo_server (work_dir, &options, &server_url);

  g_test_add_func ("/sync-status/online", test_online);
  g_test_add_func ("/sync-status/offline", test_offline);
  g_test_add_func ("/sync-status/conflict-dialog", test_conflict_dialog);

  ret = g_test_run ();

  fd_test_stop_fhir_server (g_steal_pointer (&server));
  g_free (server_url);
  fd_test_remove_dir (work_dir);
  g_free (work_dir);
  return ret;
}
