/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdPreferencesWindow"

#include "config.h"

#include <glib/gi18n.h>

#include "fd-fhir.h"
#include "fd-fhir-client.h"
#include "fd-preferences-window.h"

/* Long enough for a slow clinic network, short enough to wait for at the desk */
#define TEST_TIMEOUT_SECONDS 10
#define STATION_CODE_MAX 8

/* Where the station finds its clinic server and how often it asks it for news.
 * The address and station code are saved only when applied and valid; the
 * token lives only as long as the session. */
struct _FdPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  GCancellable         *cancellable;
  char                 *last_test_result;
  gboolean              testing;

  /* Template widgets */
  AdwPreferencesGroup  *unsaved_group;
  AdwEntryRow          *server_row;
  AdwPasswordEntryRow  *token_row;
  GtkLabel             *server_error_label;
  GtkButton            *test_button;
  AdwActionRow         *result_row;
  GtkStack             *status_stack;
  GtkSpinner           *spinner;
  GtkSpinButton        *interval_spin;
  GtkSpinButton        *wait_spin;
  GtkSpinButton        *late_spin;
  GtkSpinButton        *eligibility_spin;
  AdwEntryRow          *station_row;
  GtkLabel             *station_error_label;
};

G_DEFINE_FINAL_TYPE (FdPreferencesWindow, fd_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Helpers */

static char *
editable_text (gpointer editable)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));
}

static void
show_problem (gpointer    row,
              GtkLabel   *label,
              const char *message)
{
  gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID,
                               GTK_ACCESSIBLE_INVALID_TRUE, -1);
  gtk_label_set_label (label, message);
  gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
}

static void
clear_problem (gpointer  row,
               GtkLabel *label)
{
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  gtk_accessible_reset_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID);
  gtk_widget_set_visible (GTK_WIDGET (label), FALSE);
}

/* Saves @value under @key, or says on @row why it could not */
static gboolean
save_string (FdPreferencesWindow *self,
             const char          *key,
             const char          *value,
             gpointer             row,
             GtkLabel            *label)
{
  if (self->settings == NULL)
    {
      show_problem (row, label, _("Settings cannot be saved on this station"));
      return FALSE;
    }
  if (!g_settings_set_string (self->settings, key, value))
    {
      show_problem (row, label, _("This setting is locked by the administrator"));
      return FALSE;
    }

  clear_problem (row, label);
  return TRUE;
}

static gboolean
is_station_code (const char *code)
{
  gsize length = 0;

  for (const char *p = code; *p != '\0'; p++, length++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return length <= STATION_CODE_MAX;
}

/* "HAPI FHIR Server 6.4.0" from the CapabilityStatement, if it says */
static char *
describe_software (JsonObject *statement)
{
  JsonObject *software = fd_fhir_get_object (statement, "software");
  const char *name = fd_fhir_get_string (software, "name");
  const char *version = fd_fhir_get_string (software, "version");

  if (name != NULL && version != NULL)
    return g_strdup_printf ("%s %s", name, version);
  return g_strdup (name);
}

static void
show_result (FdPreferencesWindow *self,
             const char          *status,
             const char          *text)
{
  gtk_stack_set_visible_child_name (self->status_stack, status);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->result_row), text);
}

static void
set_testing (FdPreferencesWindow *self,
             gboolean             testing)
{
  self->testing = testing;
  gtk_spinner_set_spinning (self->spinner, testing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.test-connection", !testing);
}

static void
finish_test (FdPreferencesWindow *self,
             gboolean             success,
             const char          *text)
{
  set_testing (self, FALSE);
  g_free (self->last_test_result);
  self->last_test_result = g_strdup (text);
  show_result (self, success ? "success" : "failure", text);
}

/* Stops a test under way; its answer, when it comes, is dropped */
static void
stop_test (FdPreferencesWindow *self)
{
  if (!self->testing)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_testing (self, FALSE);
  show_result (self, "idle", _("Not tested yet"));
}

static void
read_capabilities_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  FdFhirClient *client = task_data;
  g_autoptr(JsonObject) statement = NULL;
  GError *error = NULL;

  statement = fd_fhir_client_read_capabilities (client, cancellable, &error);
  if (statement == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&statement), (GDestroyNotify) json_object_unref);
}

/* Callbacks */

/* A complaint stays until the text it was about changes */
static void
server_row_changed_cb (FdPreferencesWindow *self)
{
  clear_problem (self->server_row, self->server_error_label);
}

static void
station_row_changed_cb (FdPreferencesWindow *self)
{
  clear_problem (self->station_row, self->station_error_label);
}

static void
server_row_applied_cb (FdPreferencesWindow *self)
{
  g_autofree char *url = editable_text (self->server_row);
  g_autoptr(FdFhirClient) client = NULL;
  g_autoptr(GError) error = NULL;

  /* An empty address makes a standalone station */
  if (*url != '\0')
    {
      client = fd_fhir_client_new (url, &error);
      if (client == NULL)
        {
          show_problem (self->server_row, self->server_error_label, error->message);
          return;
        }
    }

  if (save_string (self, "server-url", url, self->server_row, self->server_error_label))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                      adw_toast_new (*url ? _("Server address saved")
                                                          : _("This station now works without a server")));
}

static void
station_row_applied_cb (FdPreferencesWindow *self)
{
  g_autofree char *code = editable_text (self->station_row);

  if (!is_station_code (code))
    {
      show_problem (self->station_row, self->station_error_label,
                    _("A station code may have only letters and digits, at most 8"));
      return;
    }

  if (save_string (self, "station-code", code, self->station_row, self->station_error_label))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                      adw_toast_new (_("Station code saved")));
}

static void
connection_tested_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  FdPreferencesWindow *self = FD_PREFERENCES_WINDOW (object);
  g_autoptr(JsonObject) statement = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *software = NULL;
  g_autofree char *text = NULL;

  statement = g_task_propagate_pointer (G_TASK (result), &error);
  /* The window closed or a test was stopped: nobody waits for this answer */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (statement == NULL)
    {
      finish_test (self, FALSE, error->message);
      return;
    }

  software = describe_software (statement);
  if (software != NULL)
    /* Translators: %s is the server software, "HAPI FHIR Server 6.4.0" */
    text = g_strdup_printf (_("Connected: a FHIR R4 server (%s)"), software);
  else
    text = g_strdup (_("Connected: a FHIR R4 server"));
  finish_test (self, TRUE, text);
}

static void
test_connection_activated_cb (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  FdPreferencesWindow *self = FD_PREFERENCES_WINDOW (widget);
  g_autofree char *url = editable_text (self->server_row);
  g_autofree char *token = editable_text (self->token_row);
  g_autoptr(FdFhirClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *waiting = NULL;

  if (self->testing)
    return;

  if (*url == '\0')
    {
      finish_test (self, FALSE, _("Enter the server address to test the connection"));
      return;
    }
  client = fd_fhir_client_new (url, &error);
  if (client == NULL)
    {
      finish_test (self, FALSE, error->message);
      return;
    }
  fd_fhir_client_set_token (client, token);
  fd_fhir_client_set_timeout (client, TEST_TIMEOUT_SECONDS);

  g_clear_pointer (&self->last_test_result, g_free);
  set_testing (self, TRUE);
  /* Translators: %s is the server address */
  waiting = g_strdup_printf (_("Connecting to %s…"), fd_fhir_client_get_base_url (client));
  show_result (self, "testing", waiting);

  task = g_task_new (self, self->cancellable, connection_tested_cb, NULL);
  g_task_set_source_tag (task, test_connection_activated_cb);
  g_task_set_task_data (task, g_steal_pointer (&client), g_object_unref);
  g_task_run_in_thread (task, read_capabilities_thread);
}

/* Object */

static gboolean
fd_preferences_window_close_request (GtkWindow *window)
{
  /* A test under way would otherwise keep the closed window for its timeout */
  stop_test (FD_PREFERENCES_WINDOW (window));

  return GTK_WINDOW_CLASS (fd_preferences_window_parent_class)->close_request (window);
}

static void
fd_preferences_window_constructed (GObject *object)
{
  FdPreferencesWindow *self = (FdPreferencesWindow *)object;

  G_OBJECT_CLASS (fd_preferences_window_parent_class)->constructed (object);

  if (self->settings == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->unsaved_group), TRUE);
      return;
    }

  /* The entries follow the settings, but write them only when applied */
  g_settings_bind (self->settings, "server-url", self->server_row, "text", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "station-code", self->station_row, "text", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "pull-interval", self->interval_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "wait-threshold", self->wait_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "late-window", self->late_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "eligibility-timeout", self->eligibility_spin, "value", G_SETTINGS_BIND_DEFAULT);
}

static void
fd_preferences_window_dispose (GObject *object)
{
  FdPreferencesWindow *self = (FdPreferencesWindow *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->last_test_result, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (fd_preferences_window_parent_class)->dispose (object);
}

static void
fd_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  FdPreferencesWindow *self = FD_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  FdPreferencesWindow *self = FD_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_preferences_window_class_init (FdPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = fd_preferences_window_constructed;
  object_class->dispose = fd_preferences_window_dispose;
  object_class->get_property = fd_preferences_window_get_property;
  object_class->set_property = fd_preferences_window_set_property;
  window_class->close_request = fd_preferences_window_close_request;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "preferences.test-connection", NULL,
                                   test_connection_activated_cb);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/frontdesk/Frontdesk/ui/common/fd-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, unsaved_group);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, token_row);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, server_error_label);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, test_button);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, result_row);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, status_stack);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, wait_spin);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, late_spin);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, eligibility_spin);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, station_row);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, station_error_label);
  gtk_widget_class_bind_template_callback (widget_class, server_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, server_row_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, station_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, station_row_applied_cb);
}

static void
fd_preferences_window_init (FdPreferencesWindow *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * fd_preferences_window_new:
 * @settings: (nullable): settings of schema org.frontdesk.Frontdesk; %NULL
 *   when the station has none, and then nothing is saved
 *
 * Returns: (transfer floating): the window
 */
FdPreferencesWindow *
fd_preferences_window_new (GSettings *settings)
{
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  return g_object_new (FD_TYPE_PREFERENCES_WINDOW, "settings", settings, NULL);
}

/**
 * fd_preferences_window_get_token:
 * @self: the window
 *
 * The token is never saved with the settings: whoever opened the window
 * decides what to do with it.
 *
 * Returns: (transfer none): the access token as typed, possibly empty
 */
const char *
fd_preferences_window_get_token (FdPreferencesWindow *self)
{
  g_return_val_if_fail (FD_IS_PREFERENCES_WINDOW (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->token_row));
}

/**
 * fd_preferences_window_set_token:
 * @self: the window
 * @token: (nullable): the token the session uses now
 */
void
fd_preferences_window_set_token (FdPreferencesWindow *self,
                                 const char          *token)
{
  g_return_if_fail (FD_IS_PREFERENCES_WINDOW (self));
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), token ? token : "");
}

/**
 * fd_preferences_window_get_last_test_result:
 * @self: the window
 *
 * Returns: (transfer none) (nullable): what the last finished connection test
 *   showed; %NULL before any, or while a test runs
 */
const char *
fd_preferences_window_get_last_test_result (FdPreferencesWindow *self)
{
  g_return_val_if_fail (FD_IS_PREFERENCES_WINDOW (self), NULL);
  return self->last_test_result;
}

gboolean
fd_preferences_window_is_testing (FdPreferencesWindow *self)
{
  g_return_val_if_fail (FD_IS_PREFERENCES_WINDOW (self), FALSE);
  return self->testing;
}
