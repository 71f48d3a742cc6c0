/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdPreferencesWindow"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fd-credentials.h"
#include "fd-fhir.h"
#include "fd-fhir-client.h"
#include "fd-preferences-window.h"

/* Long enough for a slow clinic network, short enough to wait for at the desk */
#define TEST_TIMEOUT_SECONDS 10
#define STATION_CODE_MAX 8

/* Where the station finds its clinic server, how it signs in, and how often
 * it asks it for news. The address and station code are saved only when
 * applied and valid; the sign-in when saved: its secret in the desktop
 * keyring, the rest in the settings. */
struct _FdPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  GCancellable         *cancellable;
  char                 *last_test_result;
  gboolean              testing;
  gboolean              saving;

  /* Template widgets */
  AdwPreferencesGroup  *unsaved_group;
  AdwEntryRow          *server_row;
  GtkLabel             *server_error_label;
  AdwComboRow          *auth_mode_row;
  AdwPasswordEntryRow  *token_row;
  AdwEntryRow          *user_row;
  AdwPasswordEntryRow  *password_row;
  AdwEntryRow          *token_url_row;
  AdwEntryRow          *client_id_row;
  AdwPasswordEntryRow  *client_secret_row;
  AdwEntryRow          *scope_row;
  GtkLabel             *auth_status_label;
  GtkLabel             *auth_error_label;
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

enum {
  CREDENTIALS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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

static FdAuthMode
selected_mode (FdPreferencesWindow *self)
{
  return (FdAuthMode) adw_combo_row_get_selected (self->auth_mode_row);
}

/* Only the fields of the chosen method are shown */
static void
show_mode_rows (FdPreferencesWindow *self)
{
  FdAuthMode mode = selected_mode (self);

  gtk_widget_set_visible (GTK_WIDGET (self->token_row), mode == FD_AUTH_BEARER);
  gtk_widget_set_visible (GTK_WIDGET (self->user_row), mode == FD_AUTH_BASIC);
  gtk_widget_set_visible (GTK_WIDGET (self->password_row), mode == FD_AUTH_BASIC);
  gtk_widget_set_visible (GTK_WIDGET (self->token_url_row), mode == FD_AUTH_OAUTH2);
  gtk_widget_set_visible (GTK_WIDGET (self->client_id_row), mode == FD_AUTH_OAUTH2);
  gtk_widget_set_visible (GTK_WIDGET (self->client_secret_row), mode == FD_AUTH_OAUTH2);
  gtk_widget_set_visible (GTK_WIDGET (self->scope_row), mode == FD_AUTH_OAUTH2);
}

static void
show_auth_status (FdPreferencesWindow *self,
                  const char          *text)
{
  gtk_label_set_label (self->auth_status_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->auth_status_label), text != NULL);
}

static void
set_entry (gpointer    row,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

static void
drop_empty (char **field)
{
  if (*field != NULL && **field == '\0')
    g_clear_pointer (field, g_free);
}

/* The sign-in as typed, whatever is shown or saved */
static FdCredentials *
entered_credentials (FdPreferencesWindow *self)
{
  FdCredentials *credentials = fd_credentials_new (selected_mode (self));
  g_autofree char *secret = NULL;

  switch (credentials->mode)
    {
    case FD_AUTH_BEARER:
      secret = editable_text (self->token_row);
      break;
    case FD_AUTH_BASIC:
      credentials->user = editable_text (self->user_row);
      secret = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
      break;
    case FD_AUTH_OAUTH2:
      credentials->token_url = editable_text (self->token_url_row);
      credentials->client_id = editable_text (self->client_id_row);
      credentials->scope = editable_text (self->scope_row);
      secret = editable_text (self->client_secret_row);
      break;
    case FD_AUTH_NONE:
    default:
      break;
    }

  /* Empty fields are missing fields */
  drop_empty (&credentials->user);
  drop_empty (&credentials->token_url);
  drop_empty (&credentials->client_id);
  drop_empty (&credentials->scope);
  fd_credentials_set_secret (credentials, secret, FD_CREDENTIALS_SOURCE_ENTERED);
  if (secret != NULL)
    explicit_bzero (secret, strlen (secret));
  return credentials;
}

/* What a refusal by the server means for the method in use */
static const char *
refusal_text (FdAuthMode mode)
{
  switch (mode)
    {
    case FD_AUTH_BEARER:
      return _("The server refused these credentials: check the access token");
    case FD_AUTH_BASIC:
      return _("The server refused these credentials: check the user name and the password");
    case FD_AUTH_OAUTH2:
      return _("The server refused these credentials: the token endpoint gave a token, but the server does not accept it; check the scope and the client’s permissions");
    case FD_AUTH_NONE:
    default:
      return _("The server refused these credentials: it wants the station to sign in; choose how above");
    }
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

  /* The token endpoint first, so that its failures are named as its own;
   * then the address; then whether the server lets these credentials in */
  if (!fd_fhir_client_authenticate (client, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  statement = fd_fhir_client_read_capabilities (client, cancellable, &error);
  if (statement == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!fd_fhir_client_check_access (client, cancellable, &error))
    {
      if (g_error_matches (error, FD_SYNC_ERROR, FD_SYNC_ERROR_UNAUTHORIZED))
        {
          g_clear_error (&error);
          g_set_error_literal (&error, FD_SYNC_ERROR, FD_SYNC_ERROR_UNAUTHORIZED,
                               refusal_text (fd_fhir_client_get_auth_mode (client)));
        }
      g_task_return_error (task, error);
      return;
    }
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
  g_autoptr(FdCredentials) credentials = entered_credentials (self);
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
  if (!fd_credentials_apply (credentials, client, &error))
    {
      finish_test (self, FALSE, error->message);
      return;
    }
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

static void
auth_mode_changed_cb (FdPreferencesWindow *self)
{
  show_mode_rows (self);
  clear_problem (self->auth_mode_row, self->auth_error_label);
}

static void
auth_row_changed_cb (FdPreferencesWindow *self)
{
  clear_problem (self->auth_mode_row, self->auth_error_label);
}

static void
credentials_stored_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(FdPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fd_credentials_store_finish (result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->saving = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.save-credentials", TRUE);
  if (error != NULL)
    {
      g_debug ("The keyring did not take the secret (%s)", g_quark_to_string (error->domain));
      show_auth_status (self, _("No keyring service runs on this computer, so the secret is not kept: the station "
                                "uses it until it closes. Set the FRONTDESK_* environment variables to give it at start."));
    }
  else
    {
      show_auth_status (self, NULL);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (_("Sign-in saved")));
    }

  /* Either way the station signs in with it from now on */
  g_signal_emit (self, signals[CREDENTIALS_CHANGED], 0);
}

static void
save_credentials_activated_cb (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  FdPreferencesWindow *self = FD_PREFERENCES_WINDOW (widget);
  g_autoptr(FdCredentials) credentials = entered_credentials (self);
  g_autofree char *url = editable_text (self->server_row);
  g_autoptr(GError) error = NULL;

  if (self->saving)
    return;

  if (!fd_credentials_check (credentials, &error))
    {
      show_problem (self->auth_mode_row, self->auth_error_label, error->message);
      return;
    }
  if (credentials->mode != FD_AUTH_NONE && *url == '\0')
    {
      show_problem (self->auth_mode_row, self->auth_error_label,
                    _("Enter the server address first: the secret is kept for that server"));
      return;
    }
  if (self->settings == NULL)
    {
      show_problem (self->auth_mode_row, self->auth_error_label, _("Settings cannot be saved on this station"));
      return;
    }
  if (!fd_credentials_save_settings (credentials, self->settings))
    {
      show_problem (self->auth_mode_row, self->auth_error_label, _("This setting is locked by the administrator"));
      return;
    }
  clear_problem (self->auth_mode_row, self->auth_error_label);

  /* The keyring may take a moment, or ask to be unlocked: not on this thread */
  self->saving = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.save-credentials", FALSE);
  fd_credentials_store_async (credentials, url, self->cancellable, credentials_stored_cb, g_object_ref (self));
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

  show_mode_rows (self);

  if (self->settings == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->unsaved_group), TRUE);
      return;
    }

  /* The method and its fields as saved; the secret comes from whoever opens
   * the window (fd_preferences_window_set_credentials()) */
  {
    g_autoptr(FdCredentials) saved = fd_credentials_from_settings (self->settings);

    fd_preferences_window_set_credentials (self, saved);
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
  gtk_widget_class_install_action (widget_class, "preferences.save-credentials", NULL,
                                   save_credentials_activated_cb);

  /**
   * FdPreferencesWindow::credentials-changed:
   *
   * Emitted when the sign-in was saved: the station should sign in with
   * fd_preferences_window_get_credentials() from now on, even when the
   * keyring could not keep the secret.
   */
  signals[CREDENTIALS_CHANGED] =
    g_signal_new ("credentials-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/frontdesk/Frontdesk/ui/common/fd-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, unsaved_group);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, auth_mode_row);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, token_row);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, user_row);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, password_row);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, token_url_row);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, client_id_row);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, client_secret_row);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, scope_row);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, auth_status_label);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, auth_error_label);
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
  gtk_widget_class_bind_template_callback (widget_class, auth_mode_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, auth_row_changed_cb);
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
 * fd_preferences_window_get_credentials:
 * @self: the window
 *
 * Returns: (transfer full): the sign-in as typed, secret included, saved or not
 */
FdCredentials *
fd_preferences_window_get_credentials (FdPreferencesWindow *self)
{
  g_return_val_if_fail (FD_IS_PREFERENCES_WINDOW (self), NULL);
  return entered_credentials (self);
}

/**
 * fd_preferences_window_set_credentials:
 * @self: the window
 * @credentials: the sign-in the station uses now, secret included when known
 *
 * Fills the authentication fields. Credentials from the environment are
 * shown with a word that they win over what is saved here.
 */
void
fd_preferences_window_set_credentials (FdPreferencesWindow *self,
                                       const FdCredentials *credentials)
{
  const char *secret;

  g_return_if_fail (FD_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (credentials != NULL);

  secret = credentials->secret;
  adw_combo_row_set_selected (self->auth_mode_row, credentials->mode);
  set_entry (self->token_row, credentials->mode == FD_AUTH_BEARER ? secret : NULL);
  set_entry (self->user_row, credentials->user);
  set_entry (self->password_row, credentials->mode == FD_AUTH_BASIC ? secret : NULL);
  set_entry (self->token_url_row, credentials->token_url);
  set_entry (self->client_id_row, credentials->client_id);
  set_entry (self->client_secret_row, credentials->mode == FD_AUTH_OAUTH2 ? secret : NULL);
  set_entry (self->scope_row, credentials->scope);
  show_mode_rows (self);
  clear_problem (self->auth_mode_row, self->auth_error_label);

  if (credentials->source == FD_CREDENTIALS_SOURCE_ENVIRONMENT)
    show_auth_status (self, _("The FRONTDESK_* environment variables sign this station in now; they win over what is saved here."));
  else
    show_auth_status (self, NULL);
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
