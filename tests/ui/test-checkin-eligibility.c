/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The check-in panel against the real test server and its simulated payer:
 * active, inactive, payer error, server down and no answer in time — and in
 * every case the insurance on file stays in front of the desk. */
#include <adwaita.h>
#include <locale.h>
#include <string.h>

#include "fd-checkin-dialog.h"
#include "fd-dates.h"
#include "fd-fhir.h"
#include "fd-store-checkin.h"
#include "fd-sync-engine.h"
#include "fd-test-ui.h"
#include "fd-test-util.h"
#include "fd-view-util.h"

static GSubprocess *server;
static GSubprocess *proxy;
static char *server_url;
static char *proxy_url;
static char *work_dir;
static FdStore *store;
static GDate today;
static guint next_visit;

static FdFhirClient *
client_for (const char *url)
{
  g_autoptr(GError) error = NULL;
  FdFhirClient *client = fd_fhir_client_new (url, &error);

  g_assert_no_error (error);
  fd_fhir_client_set_timeout (client, 3);
  return client;
}

/* A scheduled visit today of an insured patient not used yet */
static char *
insured_visit (void)
{
  g_autoptr(GPtrArray) visits = fd_store_list_visits (store, &today, g_get_real_time () / G_USEC_PER_SEC, NULL);
  guint skip = next_visit++;

  for (guint i = 0; visits && i < visits->len; i++)
    {
      FdVisitItem *visit = g_ptr_array_index (visits, i);

      if (fd_visit_item_get_state (visit) == FD_FLOW_SCHEDULED &&
          !(fd_visit_item_get_outstanding (visit) & FD_OUTSTANDING_NO_COVERAGE) && skip-- == 0)
        return g_strdup (fd_visit_item_get_id (visit));
    }
  g_assert_not_reached ();
}

static gboolean
answered (gpointer data)
{
  AdwPreferencesRow *row = data;

  return !g_str_has_prefix (adw_preferences_row_get_title (row), "Checking");
}

/* Opens the panel, waits for the check it starts, and returns the verdict */
static char *
check (FdFhirClient *client,
       char        **subtitle,
       char        **icon)
{
  g_autofree char *appointment_id = insured_visit ();
  FdCheckinDialog *dialog = fd_checkin_dialog_new (store, client, appointment_id);
  AdwPreferencesRow *eligibility = fd_test_template_child (dialog, FD_TYPE_CHECKIN_DIALOG, "eligibility_row");
  AdwPreferencesRow *coverage = fd_test_template_child (dialog, FD_TYPE_CHECKIN_DIALOG, "coverage_row");
  GtkImage *image = fd_test_template_child (dialog, FD_TYPE_CHECKIN_DIALOG, "eligibility_icon");
  char *title;

  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (g_str_has_prefix (adw_preferences_row_get_title (eligibility), "Checking"));
  g_assert_true (fd_test_wait_for (answered, eligibility, 20));

  /* Whatever the answer, the coverage is there and the check-in can go on */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (coverage)));
  g_assert_cmpstr (adw_preferences_row_get_title (coverage), !=, "No insurance on file");
  g_assert_true (gtk_widget_is_sensitive (fd_test_template_child (dialog, FD_TYPE_CHECKIN_DIALOG, "complete_button")));

  title = g_strdup (adw_preferences_row_get_title (eligibility));
  *subtitle = g_strdup (adw_action_row_get_subtitle (ADW_ACTION_ROW (eligibility)));
  *icon = g_strdup (gtk_image_get_icon_name (image));
  g_test_message ("eligibility: %s / %s", title, *subtitle);
  gtk_window_destroy (GTK_WINDOW (dialog));
  return title;
}

static void
test_active (void)
{
  g_autoptr(FdFhirClient) client = client_for (server_url);
  g_autofree char *subtitle = NULL;
  g_autofree char *icon = NULL;
  g_autofree char *title = NULL;

  fd_test_set_payer (server_url, "{\"delay_ms\": 200, \"outcome\": \"active\"}");
  title = check (client, &subtitle, &icon);
  g_assert_true (g_str_has_prefix (title, "Insurance verified today at"));
  g_assert_true (g_str_has_prefix (subtitle, "Active"));
  g_assert_cmpstr (icon, ==, "emblem-ok-symbolic");
}

static void
test_inactive (void)
{
  g_autoptr(FdFhirClient) client = client_for (server_url);
  g_autofree char *subtitle = NULL;
  g_autofree char *icon = NULL;
  g_autofree char *title = NULL;

  fd_test_set_payer (server_url, "{\"delay_ms\": 200, \"outcome\": \"inactive\"}");
  title = check (client, &subtitle, &icon);
  g_assert_true (g_str_has_prefix (title, "Not active"));
  g_assert_cmpstr (icon, ==, "dialog-error-symbolic");
}

static void
test_payer_error (void)
{
  g_autoptr(FdFhirClient) client = client_for (server_url);
  g_autofree char *subtitle = NULL;
  g_autofree char *icon = NULL;
  g_autofree char *title = NULL;

  fd_test_set_payer (server_url, "{\"delay_ms\": 200, \"outcome\": \"error\"}");
  title = check (client, &subtitle, &icon);
  g_assert_true (g_str_has_prefix (title, "Not verified — "));
  g_assert_cmpstr (icon, ==, "dialog-warning-symbolic");
}

static void
test_server_error (void)
{
  g_autoptr(FdFhirClient) client = client_for (proxy_url);
  g_autofree char *subtitle = NULL;
  g_autofree char *icon = NULL;
  g_autofree char *title = NULL;

  fd_test_set_payer (server_url, NULL);
  fd_test_set_fault (proxy_url, "{\"mode\": \"status\", \"status\": 500}");
  title = check (client, &subtitle, &icon);
  fd_test_set_fault (proxy_url, NULL);
  g_assert_true (g_str_has_prefix (title, "Not verified — "));
  g_assert_nonnull (strstr (subtitle, "queued"));
}

static void
test_offline (void)
{
  g_autoptr(FdFhirClient) client = client_for (proxy_url);
  g_autofree char *subtitle = NULL;
  g_autofree char *icon = NULL;
  g_autofree char *title = NULL;
  gint64 pending_before = 0, pending_after = 0, parked = 0;

  g_assert_true (fd_store_count_outbox (store, &pending_before, &parked, NULL));
  fd_test_set_fault (proxy_url, "{\"mode\": \"refuse\"}");
  title = check (client, &subtitle, &icon);
  fd_test_set_fault (proxy_url, NULL);
  g_assert_cmpstr (title, ==, "Not verified — the clinic server cannot be reached");
  g_assert_nonnull (strstr (subtitle, "queued"));

  /* The check waits in the outbox for the server */
  g_assert_true (fd_store_count_outbox (store, &pending_after, &parked, NULL));
  g_assert_cmpint (pending_after, ==, pending_before + 1);
}

static void
test_no_answer_in_time (void)
{
  g_autoptr(FdFhirClient) client = client_for (server_url);
  g_autoptr(GSettings) settings = fd_view_settings ();
  g_autofree char *subtitle = NULL;
  g_autofree char *icon = NULL;
  g_autofree char *title = NULL;

  g_settings_set_uint (settings, "eligibility-timeout", 2);
  fd_test_set_payer (server_url, "{\"outcome\": \"silent\"}");
  title = check (client, &subtitle, &icon);
  g_settings_reset (settings, "eligibility-timeout");
  fd_test_set_payer (server_url, NULL);
  g_assert_true (g_str_has_prefix (title, "Not verified — "));
  g_assert_nonnull (strstr (subtitle, "queued"));
}

int
main (int argc, char **argv)
{
  g_autofree char *node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
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

  {
    g_autoptr(GTimeZone) tz = g_time_zone_new_local ();

    fd_date_set_today (&today, tz);
  }
  work_dir = fd_test_make_dir ();
  fd_demo_options_init (&options);
  options.n_patients = 300;
  options.n_days = 2;
  options.seed = 13;
  options.today = today;
  server = fd_test_start_demo_server (work_dir, &options, &server_url);
  proxy = fd_test_start_fault_proxy (server_url, &proxy_url);

  path = g_build_filename (work_dir, "desk", "frontdesk.db", NULL);
  store = fd_store_open (path, &error);
  g_assert_no_error (error);
  {
    g_autoptr(FdFhirClient) client = client_for (server_url);
    g_autoptr(FdSyncEngine) engine = fd_sync_engine_new (store, client);
    FdSyncStats stats;

    g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
    g_assert_no_error (error);
  }

  g_test_add_func ("/checkin-eligibility/active", test_active);
  g_test_add_func ("/checkin-eligibility/inactive", test_inactive);
  g_test_add_func ("/checkin-eligibility/payer-error", test_payer_error);
  g_test_add_func ("/checkin-eligibility/server-error", test_server_error);
  g_test_add_func ("/checkin-eligibility/offline", test_offline);
  g_test_add_func ("/checkin-eligibility/no-answer-in-time", test_no_answer_in_time);

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
