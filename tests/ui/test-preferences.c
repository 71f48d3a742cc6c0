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
  g_assert_cmpstr (fd_preferences_window_get_token (window), ==, "");

  /* The token is typed, never stored */
  fd_preferences_window_set_token (window, "secret");
  g_assert_cmpstr (fd_preferences_window_get_token (window), ==, "secret");
  g_assert_cmpstr (gtk_editable_get_text (child (window, "token_row")), ==, "secret");

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

  return g_test_run ();
}
