/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdApplication"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fd-application.h"
#include "fd-preferences-window.h"
#include "fd-store.h"
#include "fd-window.h"

struct _FdApplication
{
  AdwApplication  parent_instance;

  char           *profile;
  char           *data_dir;
  char           *server_url;
  FdStore        *store;
  FdSyncService  *sync_service;
  GSettings      *settings;
  GError         *store_error;
};

G_DEFINE_FINAL_TYPE (FdApplication, fd_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "profile", 'p', 0, G_OPTION_ARG_STRING, NULL, N_("Station profile to open (default: “default”)"), N_("NAME") },
  { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Folder that holds the station profiles"), N_("DIR") },
  { "server", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Address of the clinic’s FHIR R4 server (or FRONTDESK_SERVER_URL)"), N_("URL") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
  { NULL }
};

static void
quit_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_action_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  AdwAboutWindow *about;

  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  adw_about_window_set_application_name (about, "Frontdesk");
  adw_about_window_set_application_icon (about, APP_ID);
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_comments (about, _("The front desk station of a medical clinic"));
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  adw_about_window_set_developer_name (about, _("The Frontdesk developers"));
  gtk_window_set_transient_for (GTK_WINDOW (about), gtk_application_get_active_window (app));
  gtk_window_present (GTK_WINDOW (about));
}

static void start_sync (FdApplication *self);

static void
preferences_action_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  FdApplication *self = FD_APPLICATION (user_data);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;
  FdPreferencesWindow *preferences;

  schema = g_settings_schema_source_lookup (g_settings_schema_source_get_default (), APP_ID, TRUE);
  if (schema != NULL)
    settings = g_settings_new (APP_ID);
  preferences = fd_preferences_window_new (settings);
  fd_preferences_window_set_token (preferences, g_getenv ("FRONTDESK_SERVER_TOKEN"));
  gtk_window_set_transient_for (GTK_WINDOW (preferences),
                                gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (GTK_WINDOW (preferences));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action_cb },
  { "about", about_action_cb },
  { "preferences", preferences_action_cb },
};

/* FRONTDESK_BENCH_STARTUP: print the time from the process start to the
 * first painted frame, then quit. Used by build-aux/bench. */
static double
process_age_ms (void)
{
  g_autofree char *stat = NULL;
  const char *p;
  unsigned long long start_ticks = 0;
  struct timespec now;

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL) ||
      (p = strrchr (stat, ')')) == NULL)
    return -1;
  /* Field 22, counted after the command name in parentheses */
  for (int field = 2; field < 22 && p != NULL; field++)
    p = strchr (p + 1, ' ');
  if (p == NULL || sscanf (p + 1, "%llu", &start_ticks) != 1)
    return -1;
  clock_gettime (CLOCK_BOOTTIME, &now);
  return (now.tv_sec + now.tv_nsec / 1e9 - (double) start_ticks / sysconf (_SC_CLK_TCK)) * 1000.0;
}

static void
first_frame_painted_cb (GdkFrameClock *clock,
                        GApplication  *app)
{
  g_signal_handlers_disconnect_by_func (clock, first_frame_painted_cb, app);
  g_print ("first-frame %.0f ms\n", process_age_ms ());
  g_application_quit (app);
}

static void
window_mapped_cb (GtkWidget    *window,
                  GApplication *app)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (first_frame_painted_cb), app);
}

static void
server_url_changed_cb (GSettings     *settings,
                       const char    *key,
                       FdApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  /* A new address from Preferences: a new service, right away */
  g_clear_object (&self->sync_service);
  g_clear_pointer (&self->server_url, g_free);
  self->server_url = g_settings_get_string (settings, key);
  start_sync (self);
  if (FD_IS_WINDOW (window))
    fd_window_set_sync_service (FD_WINDOW (window), self->sync_service);
  if (self->sync_service != NULL)
    fd_sync_service_start (self->sync_service);
}

/* The server comes from --server, then FRONTDESK_SERVER_URL, then the settings */
static void
start_sync (FdApplication *self)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(FdFhirClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup (self->server_url);
  guint interval = 15;

  schema = g_settings_schema_source_lookup (g_settings_schema_source_get_default (), APP_ID, TRUE);
  if (schema != NULL)
    settings = g_settings_new (APP_ID);
  if (settings != NULL && self->settings == NULL)
    {
      self->settings = g_object_ref (settings);
      g_signal_connect (self->settings, "changed::server-url", G_CALLBACK (server_url_changed_cb), self);
    }
  if (url == NULL)
    url = g_strdup (g_getenv ("FRONTDESK_SERVER_URL"));
  if (url == NULL && settings != NULL)
    url = g_settings_get_string (settings, "server-url");
  if (settings != NULL)
    interval = g_settings_get_uint (settings, "pull-interval");
  if (url == NULL || *url == '\0')
    return;

  client = fd_fhir_client_new (url, &error);
  if (client == NULL)
    {
      g_warning ("The clinic server address is not usable: %s", error->message);
      return;
    }
  fd_fhir_client_set_token (client, g_getenv ("FRONTDESK_SERVER_TOKEN"));

  self->sync_service = fd_sync_service_new (self->store, client);
  fd_sync_service_set_interval (self->sync_service, interval);
  if (settings != NULL)
    fd_sync_service_set_window (self->sync_service,
                                g_settings_get_uint (settings, "sync-days-back"),
                                g_settings_get_uint (settings, "sync-days-ahead"));
}

static int
fd_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  FdApplication *self = FD_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("frontdesk %s\n", PACKAGE_VERSION);
      return 0;
    }

  g_variant_dict_lookup (options, "profile", "s", &self->profile);
  g_variant_dict_lookup (options, "data-dir", "^ay", &self->data_dir);
  g_variant_dict_lookup (options, "server", "s", &self->server_url);

  return -1;
}

static void
fd_application_startup (GApplication *app)
{
  FdApplication *self = FD_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (fd_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);

  self->store = fd_store_open_profile (self->data_dir, self->profile, &self->store_error);
  if (self->store == NULL)
    {
      g_warning ("The station database could not be opened (%s)",
                 g_quark_to_string (self->store_error->domain));
      return;
    }

  start_sync (self);
}

static void
fd_application_activate (GApplication *app)
{
  FdApplication *self = FD_APPLICATION (app);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    {
      window = GTK_WINDOW (fd_window_new (self, self->store, self->store_error));
      if (self->sync_service != NULL)
        {
          fd_window_set_sync_service (FD_WINDOW (window), self->sync_service);
          fd_sync_service_start (self->sync_service);
        }
      if (g_getenv ("FRONTDESK_BENCH_STARTUP") != NULL)
        g_signal_connect (window, "map", G_CALLBACK (window_mapped_cb), self);
    }

  gtk_window_present (window);
}

static void
fd_application_finalize (GObject *object)
{
  FdApplication *self = (FdApplication *)object;

  g_clear_object (&self->sync_service);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_clear_error (&self->store_error);
  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->profile, g_free);
  g_clear_pointer (&self->data_dir, g_free);

  G_OBJECT_CLASS (fd_application_parent_class)->finalize (object);
}

static void
fd_application_class_init (FdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = fd_application_finalize;

  app_class->handle_local_options = fd_application_handle_local_options;
  app_class->startup = fd_application_startup;
  app_class->activate = fd_application_activate;
}

static void
fd_application_init (FdApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("The front desk station of a medical clinic"));
}

FdApplication *
fd_application_new (void)
{
  /* One station per profile and process: no D-Bus uniqueness between profiles */
  return g_object_new (FD_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/org/frontdesk/Frontdesk",
                       NULL);
}
