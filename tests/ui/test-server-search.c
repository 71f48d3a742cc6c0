/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's patient search against the real FHIR server: a patient the
 * station does not hold is found on the server, marked as such, cached and
 * kept when opened; with the server unreachable the list says so plainly. */
#include <adwaita.h>
#include <locale.h>

#include "fd-fhir.h"
#include "fd-store-workset.h"
#include "fd-sync-engine.h"
#include "fd-test-ui.h"
#include "fd-test-util.h"
#include "fd-window.h"

static GSubprocess *server;
static GSubprocess *proxy;
static char *server_url;
static char *proxy_url;
static char *work_dir;
static FdStore *store;

static FdSyncService *
service_for (const char *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFhirClient) client = fd_fhir_client_new (url, &error);

  g_assert_no_error (error);
  fd_fhir_client_set_timeout (client, 3);
  return fd_sync_service_new (store, client);
}

typedef struct
{
  FdWindow   *window;
  const char *id;
} Lookup;

static gint
position_of (FdWindow   *window,
             const char *id)
{
  GListModel *results = fd_window_get_search_results (window);

  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(FdPatientItem) item = g_list_model_get_item (results, i);

      if (g_str_equal (fd_patient_item_get_id (item), id))
        return (gint) i;
    }
  return -1;
}

static gboolean
listed (gpointer data)
{
  Lookup *lookup = data;

  return position_of (lookup->window, lookup->id) >= 0;
}

static gboolean
cached (gpointer data)
{
  Lookup *lookup = data;
  g_autofree char *version = fd_store_get_version (store, "Patient", lookup->id);

  /* The records come first, then the patient is kept in the working set */
  return version != NULL && fd_store_is_patient_kept (store, lookup->id);
}

static gboolean
says_unreachable (gpointer data)
{
  const char *note = fd_window_get_search_note (data);

  return note != NULL && g_str_has_prefix (note, "Only patients on this station are shown");
}

/* Whether a label under @widget reads @text */
static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text))
      return TRUE;
  return FALSE;
}

static void
type_search (FdWindow   *window,
             const char *text)
{
  GtkWidget *entry = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), FD_TYPE_WINDOW, "search_entry"));

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  fd_test_iterate ();
}

static void
test_found_on_server (void)
{
  g_autoptr(FdSyncService) service = service_for (server_url);
  FdWindow *window = fd_window_new (NULL, store, NULL);
  g_autoptr(JsonObject) all = fd_test_get_from_server (server_url, "Patient?_count=1000");
  JsonArray *entries = fd_fhir_get_array (all, "entry");
  GtkWidget *list = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), FD_TYPE_WINDOW, "search_list"));
  JsonObject *outside = NULL;
  Lookup lookup = { window, NULL };
  g_autofree char *family = NULL;
  gint position;

  fd_window_set_sync_service (window, service);
  gtk_window_present (GTK_WINDOW (window));

  /* A patient of the clinic with nothing in this station's window */
  for (guint i = 0; i < json_array_get_length (entries) && outside == NULL; i++)
    {
      JsonObject *patient = fd_fhir_get_object (fd_fhir_array_object (entries, i), "resource");
      g_autofree char *version = fd_store_get_version (store, "Patient", fd_fhir_get_string (patient, "id"));
      g_autoptr(GPtrArray) local = NULL;

      family = g_strdup (fd_fhir_get_string (fd_fhir_patient_name (patient), "family"));
      local = fd_store_search_patients (store, family, 10, NULL);
      if (version == NULL && local->len < 3 && g_utf8_strlen (family, -1) >= 4)
        outside = patient;
      else
        g_clear_pointer (&family, g_free);
    }
  g_assert_nonnull (outside);
  lookup.id = fd_fhir_get_string (outside, "id");

  /* Typed at the desk: the server's patient joins the list, marked */
  type_search (window, family);
  g_assert_true (fd_test_wait_for (listed, &lookup, 20));
  fd_test_iterate ();
  position = position_of (window, lookup.id);
  g_assert_true (shows_text (list, "From the clinic server"));
  /* The station's own patients come first */
  for (guint i = 0; i < g_list_model_get_n_items (fd_window_get_search_results (window)); i++)
    {
      g_autoptr(FdPatientItem) item = g_list_model_get_item (fd_window_get_search_results (window), i);
      g_autofree char *version = fd_store_get_version (store, "Patient", fd_patient_item_get_id (item));

      if (version != NULL)
        g_assert_cmpint ((gint) i, <, position);
    }
  {
    g_autofree char *version = fd_store_get_version (store, "Patient", lookup.id);

    g_assert_null (version);
  }

  /* Opening it caches the patient with the coverage, and keeps it */
  gtk_widget_activate_action (list, "list.activate-item", "u", (guint) position);
  g_assert_true (fd_test_wait_for (cached, &lookup, 20));
  g_assert_true (fd_store_is_patient_kept (store, lookup.id));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_unreachable (void)
{
  g_autoptr(FdSyncService) service = service_for (proxy_url);
  FdWindow *window = fd_window_new (NULL, store, NULL);

  fd_window_set_sync_service (window, service);
  gtk_window_present (GTK_WINDOW (window));
  fd_test_set_fault (proxy_url, "{\"mode\": \"refuse\"}");

  type_search (window, "Zzyzx");
  g_assert_true (fd_test_wait_for (says_unreachable, window, 20));
  g_assert_cmpuint (g_list_model_get_n_items (fd_window_get_search_results (window)), ==, 0);

  /* Emptying the search clears the note */
  type_search (window, "");
  g_assert_null (fd_window_get_search_note (window));

  fd_test_set_fault (proxy_url, NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  g_autofree char *node = NULL;
  g_autoptr(GError) error = NULL;
  FdDemoOptions options;
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
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
  options.n_patients = 600;
  options.n_days = 2;
  options.seed = 29;
  server = fd_test_start_demo_server (work_dir, &options, &server_url);
  proxy = fd_test_start_fault_proxy (server_url, &proxy_url);

  {
    g_autofree char *path = g_build_filename (work_dir, "desk", "frontdesk.db", NULL);
    g_autoptr(FdFhirClient) client = fd_fhir_client_new (server_url, &error);
    g_autoptr(FdSyncEngine) engine = NULL;
    FdSyncStats stats;

    store = fd_store_open (path, &error);
    g_assert_no_error (error);
    engine = fd_sync_engine_new (store, client);
    g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
    g_assert_no_error (error);
  }

  g_test_add_func ("/server-search/found-on-server", test_found_on_server);
  g_test_add_func ("/server-search/unreachable", test_unreachable);

  ret = g_test_run ();

  g_clear_object (&store);
  fd_test_stop_fhir_server (g_steal_pointer (&proxy));
  fd_test_stop_fhir_server (g_steal_pointer (&server));
  g_free (server_url);
  g_free (proxy_url);
  fd_test_remove_dir (work_dir);
  g_free (work_dir);
  return ret;
}
