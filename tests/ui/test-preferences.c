/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <adwaita.h>
#include <string.h>

#include "fd-preferences-window.h"
#include "fd-test-util.h"

/* Nothing listens on the discard port of this computer */
#define REFUSED_URL "http://127.0.0.1:9/fhir/R4"
#define TEST_DEADLINE_SECONDS 30

static gpointer
child (gpointer    window,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (window), FD_TYPE_PREFERENCES_WINDOW, name);

  g_assert_nonnull (object);
  return object;
}

/* Settings as a fresh station has them: the memory backend lives as long as
 * the test program */
static GSettings *
new_settings (void)
{
  GSettings *settings = g_settings_new ("org.frontdesk.Frontdesk");

  g_settings_reset (settings, "server-url");
  g_settings_reset (settings, "station-code");
  g_settings_reset (settings, "pull-interval");
  g_settings_reset (settings, "auth-mode");
  g_settings_reset (settings, "auth-user");
  g_settings_reset (settings, "oauth-token-url");
  g_settings_reset (settings, "oauth-client-id");
  g_settings_reset (settings, "oauth-scope");
  return settings;
}

static FdPreferencesWindow *
new_window (GSettings *settings)
{
  FdPreferencesWindow *window = fd_preferences_window_new (settings);

  gtk_window_present (GTK_WINDOW (window));
  fd_test_iterate ();
  return window;
}

static void
close_window (FdPreferencesWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  fd_test_iterate ();
}

/* Types @text into @row and presses Enter, which applies it */
static void
type_and_apply (AdwEntryRow *row,
                const char  *text)
{
  GtkEditable *delegate = gtk_editable_get_delegate (GTK_EDITABLE (row));

  gtk_widget_grab_focus (GTK_WIDGET (row));
  fd_test_iterate ();
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (delegate)));
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_signal_emit_by_name (delegate, "activate");
  fd_test_iterate ();
}

static gboolean
shows_error (gpointer row)
{
  return gtk_widget_has_css_class (GTK_WIDGET (row), "error");
}

static void
wait_for_test (FdPreferencesWindow *window)
{
  gint64 deadline = g_get_monotonic_time () + TEST_DEADLINE_SECONDS * G_USEC_PER_SEC;

  while (fd_preferences_window_is_testing (window))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
test_server_address (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  FdPreferencesWindow *window = new_window (settings);
  AdwEntryRow *row = child (window, "server_row");
  GtkLabel *error_label = child (window, "server_error_label");
  g_autofree char *saved = NULL;

  g_assert_false (shows_error (row));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));

  /* Not an address: refused, and the label says what one looks like */
  type_and_apply (row, "fhir.example.org");
  g_assert_true (shows_error (row));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_nonnull (strstr (gtk_label_get_label (error_label), "https://fhir.example.org/R4"));
  saved = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (saved, ==, "");
  g_clear_pointer (&saved, g_free);

  /* Plain http to another computer: refused */
  type_and_apply (row, "http://fhir.example.org/R4");
  g_assert_true (shows_error (row));
  g_assert_nonnull (strstr (gtk_label_get_label (error_label), "https"));
  saved = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (saved, ==, "");
  g_clear_pointer (&saved, g_free);

  type_and_apply (row, "https://fhir.example.org/R4");
  g_assert_false (shows_error (row));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  saved = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (saved, ==, "https://fhir.example.org/R4");
  g_clear_pointer (&saved, g_free);

  /* Plain http to this computer is fine */
  type_and_apply (row, "http://localhost:8080/fhir");
  g_assert_false (shows_error (row));
  saved = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (saved, ==, "http://localhost:8080/fhir");
  g_clear_pointer (&saved, g_free);

  /* Empty makes a standalone station */
  type_and_apply (row, "");
  g_assert_false (shows_error (row));
  saved = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (saved, ==, "");

  close_window (window);
}

static void
test_address_follows_settings (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  FdPreferencesWindow *window;

  g_settings_set_string (settings, "server-url", "https://fhir.example.org/R4");
  g_settings_set_string (settings, "station-code", "DESK1");
  window = new_window (settings);

  g_assert_cmpstr (gtk_editable_get_text (child (window, "server_row")), ==, "https://fhir.example.org/R4");
  g_assert_cmpstr (gtk_editable_get_text (child (window, "station_row")), ==, "DESK1");

  close_window (window);
}

static void
run_test (FdPreferencesWindow *window,
          const char          *url)
{
  GtkWidget *button = child (window, "test_button");

  gtk_editable_set_text (child (window, "server_row"), url);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "preferences.test-connection", NULL));

  /* The test runs while the window stays responsive */
  g_assert_true (fd_preferences_window_is_testing (window));
  g_assert_null (fd_preferences_window_get_last_test_result (window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (window, "status_stack")), ==, "testing");
  g_assert_true (gtk_spinner_get_spinning (child (window, "spinner")));
  g_assert_false (gtk_widget_is_sensitive (button));

  wait_for_test (window);
  fd_test_iterate ();
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_false (gtk_spinner_get_spinning (child (window, "spinner")));
}

static void
test_connection_refused (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  FdPreferencesWindow *window = new_window (settings);
  const char *urls[] = { REFUSED_URL, "http://127.0.0.1:9" };
  g_autofree char *saved = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      const char *result;

      run_test (window, urls[i]);
      result = fd_preferences_window_get_last_test_result (window);
      g_assert_nonnull (result);
      g_assert_nonnull (strstr (result, "refused"));
      g_assert_cmpstr (gtk_stack_get_visible_child_name (child (window, "status_stack")), ==, "failure");
      g_assert_cmpstr (adw_preferences_row_get_title (child (window, "result_row")), ==, result);
    }

  /* Testing an address does not apply it */
  saved = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (saved, ==, "");

  close_window (window);
}

static void
test_connection_bad_address (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  FdPreferencesWindow *window = new_window (settings);
  const char *result;

  gtk_editable_set_text (child (window, "server_row"), "http://fhir.example.org/R4");
  gtk_widget_activate_action (GTK_WIDGET (window), "preferences.test-connection", NULL);

  /* Refused before anything is sent */
  g_assert_false (fd_preferences_window_is_testing (window));
  result = fd_preferences_window_get_last_test_result (window);
  g_assert_nonnull (result);
  g_assert_nonnull (strstr (result, "https"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (window, "status_stack")), ==, "failure");

  gtk_editable_set_text (child (window, "server_row"), "");
  gtk_widget_activate_action (GTK_WIDGET (window), "preferences.test-connection", NULL);
  g_assert_false (fd_preferences_window_is_testing (window));
  g_assert_nonnull (fd_preferences_window_get_last_test_result (window));

  close_window (window);
}

/* A socket that takes connections and never answers, so that a test waits */
static void
test_close_while_testing (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  FdPreferencesWindow *window = new_window (settings);
  gint64 until;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u/fhir", port);

  gtk_editable_set_text (child (window, "server_row"), url);
  gtk_widget_activate_action (GTK_WIDGET (window), "preferences.test-connection", NULL);
  g_assert_true (fd_preferences_window_is_testing (window));

  /* The main loop keeps running while the server keeps silent */
  until = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_true (fd_preferences_window_is_testing (window));

  /* Closing stops the test at once */
  g_object_ref (window);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_false (fd_preferences_window_is_testing (window));
  g_assert_null (fd_preferences_window_get_last_test_result (window));
  fd_test_iterate ();
  g_object_unref (window);
  fd_test_iterate ();
}

static void
test_station_code (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  FdPreferencesWindow *window = new_window (settings);
  AdwEntryRow *row = child (window, "station_row");
  GtkLabel *error_label = child (window, "station_error_label");
  const char *refused[] = { "ABC 12!", "DESK-2", "ABCDEFGH9", "DÉSK" };
  g_autofree char *saved = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      type_and_apply (row, refused[i]);
      g_assert_true (shows_error (row));
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
      saved = g_settings_get_string (settings, "station-code");
      g_assert_cmpstr (saved, ==, "");
      g_clear_pointer (&saved, g_free);
    }

  /* Editing the code takes the complaint away until the next apply */
  gtk_editable_set_text (GTK_EDITABLE (row), "DESK");
  g_assert_false (shows_error (row));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));

  type_and_apply (row, "DESK2");
  g_assert_false (shows_error (row));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  saved = g_settings_get_string (settings, "station-code");
  g_assert_cmpstr (saved, ==, "DESK2");
  g_clear_pointer (&saved, g_free);

  type_and_apply (row, "ABCD1234");
  saved = g_settings_get_string (settings, "station-code");
  g_assert_cmpstr (saved, ==, "ABCD1234");

  close_window (window);
}

static void
test_pull_interval (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  FdPreferencesWindow *window = new_window (settings);
  GtkSpinButton *spin = child (window, "interval_spin");

  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 15);

  gtk_spin_button_set_value (spin, 60);
  g_assert_cmpuint (g_settings_get_uint (settings, "pull-interval"), ==, 60);

  g_settings_set_uint (settings, "pull-interval", 300);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 300);

  /* The schema's range is the spin button's range */
  gtk_spin_button_set_value (spin, 1);
  g_assert_cmpuint (g_settings_get_uint (settings, "pull-interval"), ==, 5);
  gtk_spin_button_set_value (spin, 100000);
  g_assert_cmpuint (g_settings_get_uint (settings, "pull-interval"), ==, 3600);

  close_window (window);
}

static void
test_without_settings (void)
{
  FdPreferencesWindow *window = new_window (NULL);
  AdwEntryRow *row = child (window, "server_row");

  g_assert_true (gtk_widget_get_visible (child (window, "unsaved_group")));

  /* A valid address still cannot be kept */
  type_and_apply (row, "https://fhir.example.org/R4");
  g_assert_true (shows_error (row));
  g_assert_true (gtk_widget_get_visible (child (window, "server_error_label")));

  type_and_apply (child (window, "station_row"), "DESK2");
  g_assert_true (shows_error (child (window, "station_row")));

  close_window (window);
}

#define AUTH_USER "desk1"
#define AUTH_PASSWORD "Pw-prefs-41c7"
#define AUTH_CLIENT "frontdesk-station"
#define AUTH_SECRET "Cs-prefs-8d02"

static gboolean
row_shown (FdPreferencesWindow *window,
           const char          *name)
{
  return gtk_widget_get_visible (child (window, name));
}

static void
choose_mode (FdPreferencesWindow *window,
             FdAuthMode           mode)
{
  adw_combo_row_set_selected (child (window, "auth_mode_row"), mode);
  fd_test_iterate ();
}

/* The saved method and its fields come back; only its own fields show */
static void
test_auth_follows_settings (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  g_autoptr(FdCredentials) entered = NULL;
  FdPreferencesWindow *window;

  g_settings_set_string (settings, "auth-mode", "basic");
  g_settings_set_string (settings, "auth-user", AUTH_USER);
  window = new_window (settings);

  g_assert_cmpuint (adw_combo_row_get_selected (child (window, "auth_mode_row")), ==, FD_AUTH_BASIC);
  g_assert_cmpstr (gtk_editable_get_text (child (window, "user_row")), ==, AUTH_USER);
  g_assert_cmpstr (gtk_editable_get_text (child (window, "password_row")), ==, "");
  g_assert_true (row_shown (window, "user_row"));
  g_assert_true (row_shown (window, "password_row"));
  g_assert_false (row_shown (window, "token_row"));
  g_assert_false (row_shown (window, "client_secret_row"));

  choose_mode (window, FD_AUTH_OAUTH2);
  g_assert_false (row_shown (window, "user_row"));
  g_assert_true (row_shown (window, "token_url_row"));
  g_assert_true (row_shown (window, "client_id_row"));
  g_assert_true (row_shown (window, "client_secret_row"));
  g_assert_true (row_shown (window, "scope_row"));

  choose_mode (window, FD_AUTH_NONE);
  g_assert_false (row_shown (window, "token_url_row"));
  g_assert_false (row_shown (window, "token_row"));

  choose_mode (window, FD_AUTH_BEARER);
  g_assert_true (row_shown (window, "token_row"));
  gtk_editable_set_text (child (window, "token_row"), "Tk-typed");
  entered = fd_preferences_window_get_credentials (window);
  g_assert_cmpint (entered->mode, ==, FD_AUTH_BEARER);
  g_assert_cmpstr (entered->secret, ==, "Tk-typed");

  close_window (window);
}

static void
credentials_changed_cb (FdPreferencesWindow *window,
                        guint               *count)
{
  (*count)++;
}

/* Saved: the method and user name in the settings, the password nowhere in
 * them; the station is told either way */
static void
test_save_credentials (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;
  FdPreferencesWindow *window = new_window (settings);
  GtkLabel *error_label = child (window, "auth_error_label");
  g_autofree char *mode = NULL;
  g_autofree char *user = NULL;
  guint changed = 0;
  gint64 deadline;

  g_signal_connect (window, "credentials-changed", G_CALLBACK (credentials_changed_cb), &changed);
  gtk_editable_set_text (child (window, "server_row"), "https://fhir.example.org/R4");
  choose_mode (window, FD_AUTH_BASIC);
  gtk_editable_set_text (child (window, "user_row"), AUTH_USER);

  /* No password: said plainly, nothing saved */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "preferences.save-credentials", NULL));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_nonnull (strstr (gtk_label_get_label (error_label), "password"));
  mode = g_settings_get_string (settings, "auth-mode");
  g_assert_cmpstr (mode, ==, "none");
  g_clear_pointer (&mode, g_free);

  /* Typing takes the complaint away */
  gtk_editable_set_text (child (window, "password_row"), AUTH_PASSWORD);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "preferences.save-credentials", NULL));
  deadline = g_get_monotonic_time () + TEST_DEADLINE_SECONDS * G_USEC_PER_SEC;
  while (changed == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_cmpuint (changed, ==, 1);
  /* Without a keyring service (headless CI) the window says the secret is not kept */
  if (gtk_widget_get_visible (child (window, "auth_status_label")))
    g_assert_nonnull (strstr (gtk_label_get_label (child (window, "auth_status_label")), "keyring"));
  mode = g_settings_get_string (settings, "auth-mode");
  user = g_settings_get_string (settings, "auth-user");
  g_assert_cmpstr (mode, ==, "basic");
  g_assert_cmpstr (user, ==, AUTH_USER);

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *text = g_variant_print (value, FALSE);

      g_assert_null (strstr (text, AUTH_PASSWORD));
    }

  close_window (window);
}

static GSubprocess *
start_auth_server (const char  *spec,
                   char       **url)
{
  const char *args[] = { "--auth", spec, NULL };

  return fd_test_start_fhir_server_with_args (NULL, args, url);
}

static void
assert_test_result (FdPreferencesWindow *window,
                    const char          *url,
                    const char          *status,
                    const char          *words)
{
  const char *result;

  run_test (window, url);
  result = fd_preferences_window_get_last_test_result (window);
  g_assert_nonnull (result);
  if (strstr (result, words) == NULL)
    g_error ("“%s” does not say “%s”", result, words);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (window, "status_stack")), ==, status);
  g_assert_cmpstr (adw_preferences_row_get_title (child (window, "result_row")), ==, result);
}

/* The IT person sees whether the server lets these credentials in */
static void
test_connection_credentials (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *basic_url = NULL;
  g_autofree char *oauth_url = NULL;
  g_autofree char *token_url = NULL;
  g_autofree char *origin = NULL;
  g_autofree char *saved_mode = NULL;
  GSubprocess *basic_server, *oauth_server;
  FdPreferencesWindow *window;

  if (node == NULL)
    {
      g_test_skip ("node is not installed");
      return;
    }
  basic_server = start_auth_server ("basic:" AUTH_USER ":" AUTH_PASSWORD, &basic_url);
  oauth_server = start_auth_server ("oauth2:" AUTH_CLIENT ":" AUTH_SECRET, &oauth_url);
  origin = g_strndup (oauth_url, strstr (oauth_url, "/fhir") - oauth_url);
  token_url = g_strconcat (origin, "/oauth/token", NULL);
  window = new_window (settings);

  /* The server answers /metadata to anyone: that is not enough */
  choose_mode (window, FD_AUTH_NONE);
  assert_test_result (window, basic_url, "failure", "The server refused these credentials");

  choose_mode (window, FD_AUTH_BASIC);
  gtk_editable_set_text (child (window, "user_row"), AUTH_USER);
  gtk_editable_set_text (child (window, "password_row"), "not-the-password");
  assert_test_result (window, basic_url, "failure", "The server refused these credentials: check the user name and the password");

  gtk_editable_set_text (child (window, "password_row"), AUTH_PASSWORD);
  assert_test_result (window, basic_url, "success", "Connected: a FHIR R4 server");

  choose_mode (window, FD_AUTH_OAUTH2);
  gtk_editable_set_text (child (window, "token_url_row"), token_url);
  gtk_editable_set_text (child (window, "client_id_row"), AUTH_CLIENT);
  gtk_editable_set_text (child (window, "client_secret_row"), "Cs-wrong");
  assert_test_result (window, oauth_url, "failure", "The token endpoint refused the client id or secret");

  gtk_editable_set_text (child (window, "client_secret_row"), AUTH_SECRET);
  assert_test_result (window, oauth_url, "success", "Connected: a FHIR R4 server");

  /* Testing saves nothing */
  saved_mode = g_settings_get_string (settings, "auth-mode");
  g_assert_cmpstr (saved_mode, ==, "none");

  close_window (window);
  fd_test_stop_fhir_server (basic_server);
  fd_test_stop_fhir_server (oauth_server);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/preferences/server-address", test_server_address);
  g_test_add_func ("/preferences/address-follows-settings", test_address_follows_settings);
  g_test_add_func ("/preferences/connection-refused", test_connection_refused);
  g_test_add_func ("/preferences/connection-bad-address", test_connection_bad_address);
  g_test_add_func ("/preferences/close-while-testing", test_close_while_testing);
  g_test_add_func ("/preferences/station-code", test_station_code);
  g_test_add_func ("/preferences/pull-interval", test_pull_interval);
  g_test_add_func ("/preferences/without-settings", test_without_settings);
  g_test_add_func ("/preferences/auth-follows-settings", test_auth_follows_settings);
  g_test_add_func ("/preferences/save-credentials", test_save_credentials);
  g_test_add_func ("/preferences/connection-credentials", test_connection_credentials);

  return g_test_run ();
}
