/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The station's header tells the truth about sync, against a real server. */
#include <adwaita.h>
#include <locale.h>

#include "fd-conflict-dialog.h"
#include "fd-fhir.h"
#include "fd-sync-engine.h"
#include "fd-sync-panel.h"
#include "fd-payments-view.h"
#include "fd-test-util.h"
#include "fd-window.h"

static GSubprocess *server;
static GSubprocess *proxy;
static char *server_url;
static char *proxy_url;
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

static gboolean
n_refused_is (gpointer data)
{
  FdStore *store = data;
  gint64 pending = -1, parked = -1;

  g_assert_true (fd_store_count_outbox (store, &pending, &parked, NULL));
  return pending == 0 && parked == GPOINTER_TO_INT (g_object_get_data (G_OBJECT (store), "want-refused"));
}

static void
wait_refused (FdStore *store,
              gint64   n)
{
  g_object_set_data (G_OBJECT (store), "want-refused", GINT_TO_POINTER ((int) n));
  wait_until (n_refused_is, store);
}

static gboolean
restored (gpointer data)
{
  g_autoptr(GPtrArray) waiting = fd_store_list_discarded (data, NULL);

  return waiting->len == 0;
}

/* How many buttons in @widget activate @action for @record */
static guint
count_action_buttons (GtkWidget  *widget,
                      const char *action,
                      const char *record)
{
  guint n = 0;

  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    {
      GVariant *target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget));

      if (record == NULL || g_strcmp0 (g_variant_get_string (target, NULL), record) == 0)
        n++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    n += count_action_buttons (child, action, record);
  return n;
}

static AdwMessageDialog *
find_message_dialog (void)
{
  g_autoptr(GListModel) toplevels = NULL;

  fd_test_iterate ();
  toplevels = g_object_ref (gtk_window_get_toplevels ());
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

/* Asks the panel to discard @record's change, checks what the confirmation
 * says will be lost, and confirms */
static void
discard_from_panel (FdSyncPanel *panel,
                    const char  *record,
                    const char  *says)
{
  AdwMessageDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "sync-panel.discard", "s", record));
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Discard Change?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), says));
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "discard"), ==, "_Discard Change");
  /* As its button does: the answer, then the dialog closes */
  adw_message_dialog_response (dialog, "discard");
  gtk_window_close (GTK_WINDOW (dialog));
  fd_test_iterate ();
}

static void
patient_changed_cb (FdStore            *store,
                    const char         *type,
                    const char * const *ids,
                    GHashTable         *heard)
{
  if (g_str_equal (type, "Patient"))
    for (guint i = 0; ids[i] != NULL; i++)
      g_hash_table_add (heard, g_strdup (ids[i]));
}

/* Changes the server refused, discarded from the sync panel: the cache goes
 * back to the server's version, a new record it never had goes away */
static void
test_refused_discard (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = empty_store ("refused-discard");
  g_autoptr(FdSyncService) service = service_for (store, server_url);
  g_autoptr(GHashTable) heard = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  FdWindow *window = fd_window_new (NULL, store, NULL);
  FdSyncPanel *panel = FD_SYNC_PANEL (gtk_widget_get_template_child (GTK_WIDGET (window), FD_TYPE_WINDOW, "sync_panel"));
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(JsonObject) patient = NULL;
  g_autoptr(JsonObject) walk_in = NULL;
  g_autoptr(JsonObject) gone = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *created = g_uuid_string_random ();
  g_autofree char *updated_record = NULL;
  g_autofree char *created_record = g_strdup_printf ("Patient/%s", created);
  g_autofree char *json = NULL;
  const char *id;

  fd_window_set_sync_service (window, service);
  gtk_window_present (GTK_WINDOW (window));
  fd_sync_service_start (service);
  wait_until (synced, service);

  /* A patient's record and a new patient, both refused by the server */
  hits = fd_store_search_patients (store, "l", 1, &error);
  id = fd_patient_item_get_id (g_ptr_array_index (hits, 0));
  updated_record = g_strdup_printf ("Patient/%s", id);
  patient = fd_store_get (store, "Patient", id, &error);
  fd_test_spoil_patient (store, patient);
  wait_refused (store, 1);
  json = g_strdup_printf ("{\"resourceType\":\"Patient\",\"id\":\"%s\",\"name\":[{\"family\":\"Refusedwalkin\","
                          "\"given\":[\"Ana\"]}]}", created);
  walk_in = fd_fhir_parse (json, -1, &error);
  fd_test_spoil_patient (store, walk_in);
  wait_refused (store, 2);
  wait_until (synced, service);

  /* Each refused row offers both ways out */
  fd_sync_panel_reload (panel);
  g_assert_cmpuint (fd_sync_panel_get_n_changes (panel), ==, 2);
  g_assert_cmpuint (count_action_buttons (GTK_WIDGET (panel), "sync-panel.retry", updated_record), ==, 1);
  g_assert_cmpuint (count_action_buttons (GTK_WIDGET (panel), "sync-panel.discard", updated_record), ==, 1);
  g_assert_cmpuint (count_action_buttons (GTK_WIDGET (panel), "sync-panel.discard", created_record), ==, 1);
  show_sync_panel (window);
  screenshot ("sync-refused.png");
  hide_sync_panel (window);

  /* The update: back to the server's version, re-read from it */
  discard_from_panel (panel, updated_record, "server’s version");
  wait_until (restored, store);
  wait_until (synced, service);
  g_assert_true (fd_test_cached_as_on_server (store, server_url, "Patient", id));
  g_assert_false (fd_store_has_pending_change (store, "Patient", id));

  /* The create the server never took: gone from the station, and the views heard it */
  g_signal_connect (store, "changed", G_CALLBACK (patient_changed_cb), heard);
  discard_from_panel (panel, created_record, "removes it from this station");
  g_assert_true (g_hash_table_contains (heard, created));
  g_signal_handlers_disconnect_by_func (store, patient_changed_cb, heard);
  gone = fd_store_get (store, "Patient", created, &error);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  found = fd_store_search_patients (store, "Refusedwalkin", 5, &error);
  g_assert_cmpuint (found->len, ==, 0);

  wait_until (nothing_waits, store);
  fd_sync_panel_reload (panel);
  g_assert_cmpuint (fd_sync_panel_get_n_changes (panel), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Refused while the server was misconfigured, sent again from the panel
 * once it is fixed; a payment offers only that */
static void
test_refused_retry (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = empty_store ("refused-retry");
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(JsonObject) patient = NULL;
  g_autoptr(JsonObject) remote = NULL;
  g_autofree char *payment = NULL;
  g_autofree char *payment_record = NULL;
  g_autofree char *patient_record = NULL;
  g_autofree char *path = NULL;
  FdSyncService *service;
  FdSyncPanel *panel;
  FdWindow *window;
  const char *id;

  /* Downloaded, then a new address and a payment that the server refuses */
  {
    g_autoptr(FdFhirClient) client = fd_fhir_client_new (proxy_url, &error);
    g_autoptr(FdSyncEngine) engine = fd_sync_engine_new (store, client);
    FdSyncStats stats;

    g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
    g_assert_no_error (error);
    hits = fd_store_search_patients (store, "g", 2, &error);
    id = fd_patient_item_get_id (g_ptr_array_index (hits, 0));
    patient_record = g_strdup_printf ("Patient/%s", id);
    patient = fd_store_get (store, "Patient", id, &error);
    json_object_set_string_member (patient, "gender", "other");
    g_assert_true (fd_store_put (store, patient, FD_STORE_ORIGIN_LOCAL, &error));
    payment = fd_test_take_payment (store, fd_patient_item_get_id (g_ptr_array_index (hits, 1)), 2500);
    payment_record = g_strdup_printf ("PaymentReconciliation/%s", payment);

    fd_sync_engine_set_use_batch (engine, FALSE);
    fd_test_set_fault (proxy_url, "{\"mode\":\"status\",\"status\":422}");
    g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
    g_assert_no_error (error);
    fd_test_set_fault (proxy_url, NULL);
    g_assert_cmpuint (stats.parked, ==, 2);
  }

  service = service_for (store, server_url);
  window = fd_window_new (NULL, store, NULL);
  panel = FD_SYNC_PANEL (gtk_widget_get_template_child (GTK_WIDGET (window), FD_TYPE_WINDOW, "sync_panel"));
  fd_window_set_sync_service (window, service);
  gtk_window_present (GTK_WINDOW (window));
  fd_sync_service_start (service);
  wait_until (synced, service);

  /* The payment can only go again, and the row says why */
  fd_sync_panel_reload (panel);
  g_assert_cmpuint (fd_sync_panel_get_n_changes (panel), ==, 2);
  g_assert_cmpuint (count_action_buttons (GTK_WIDGET (panel), "sync-panel.retry", payment_record), ==, 1);
  g_assert_cmpuint (count_action_buttons (GTK_WIDGET (panel), "sync-panel.discard", payment_record), ==, 0);
  g_assert_cmpuint (count_action_buttons (GTK_WIDGET (panel), "sync-panel.discard", patient_record), ==, 1);
  show_sync_panel (window);
  screenshot ("sync-refused-payment.png");
  hide_sync_panel (window);
  g_assert_false (fd_store_discard_parked (store, "PaymentReconciliation", payment, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_true (fd_store_has_pending_change (store, "PaymentReconciliation", payment));

  /* The server is fixed: both go, once */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "sync-panel.retry", "s", patient_record));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "sync-panel.retry", "s", payment_record));
  wait_until (nothing_waits, store);
  wait_until (synced, service);
  path = g_strdup_printf ("Patient/%s", id);
  remote = fd_test_get_from_server (server_url, path);
  g_assert_cmpstr (fd_fhir_get_string (remote, "gender"), ==, "other");
  g_assert_true (fd_test_cached_as_on_server (store, server_url, "PaymentReconciliation", payment));

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (service);
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
  proxy = fd_test_start_fault_proxy (server_url, &proxy_url);

  g_test_add_func ("/sync-status/online", test_online);
  g_test_add_func ("/sync-status/offline", test_offline);
  g_test_add_func ("/sync-status/conflict-dialog", test_conflict_dialog);
  g_test_add_func ("/sync-status/refused-discard", test_refused_discard);
  g_test_add_func ("/sync-status/refused-retry", test_refused_retry);

  ret = g_test_run ();

  fd_test_stop_fhir_server (g_steal_pointer (&proxy));
  fd_test_stop_fhir_server (g_steal_pointer (&server));
  g_free (server_url);
  g_free (proxy_url);
  fd_test_remove_dir (work_dir);
  g_free (work_dir);
  return ret;
}
