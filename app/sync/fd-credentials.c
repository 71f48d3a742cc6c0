/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdCredentials"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "fd-credentials.h"

/* How the station signs in to the clinic's server, and where the secret
 * lives: the desktop keyring (libsecret), or for CI and the demo the
 * environment. Non-secret settings go to GSettings; secrets never go to
 * settings, files or logs. The keyring calls block: run them in a worker
 * thread, or use the _async functions. */

G_DEFINE_QUARK (fd-credentials-error-quark, fd_credentials_error)

static const char * const mode_names[] = {
  [FD_AUTH_NONE] = "none",
  [FD_AUTH_BEARER] = "bearer",
  [FD_AUTH_BASIC] = "basic",
  [FD_AUTH_OAUTH2] = "oauth2",
};

static const SecretSchema *
credential_schema (void)
{
  static const SecretSchema schema = {
    "org.frontdesk.Frontdesk.Credential", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

/* Helpers */

static void
wipe_free (char *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

static char *
dup_nonempty (const char *text)
{
  return text != NULL && *text != '\0' ? g_strdup (text) : NULL;
}

/* What the keyring calls the secret of each method */
static const char *
secret_kind (FdAuthMode mode)
{
  switch (mode)
    {
    case FD_AUTH_BEARER:
      return "token";
    case FD_AUTH_BASIC:
      return "password";
    case FD_AUTH_OAUTH2:
      return "client-secret";
    case FD_AUTH_NONE:
    default:
      return NULL;
    }
}

/* The user name or client id the secret belongs to */
static const char *
secret_account (const FdCredentials *self)
{
  if (self->mode == FD_AUTH_BASIC)
    return self->user ? self->user : "";
  if (self->mode == FD_AUTH_OAUTH2)
    return self->client_id ? self->client_id : "";
  return "";
}

/* One server, one key: "https://fhir.example.org/R4/" is ".../R4" */
static char *
server_key (const char *server_url)
{
  char *key = g_strdup (server_url ? server_url : "");

  while (g_str_has_suffix (key, "/"))
    key[strlen (key) - 1] = '\0';
  return key;
}

static gboolean
keyring_failed (GError  *cause,
                GError **error)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_error_copy (cause));
  else
    g_set_error (error, FD_CREDENTIALS_ERROR, FD_CREDENTIALS_ERROR_NO_KEYRING,
                 _("The desktop keyring cannot be reached on this computer, so secrets can be neither read from it nor kept in it; the FRONTDESK_* environment variables can give them instead (%s)"), cause->message);
  return FALSE;
}

/* Public API */

/**
 * fd_auth_mode_to_string:
 * @mode: a method
 *
 * Returns: (transfer none): "none", "bearer", "basic" or "oauth2", as the
 *   settings and frontdesk-ctl's --auth spell it
 */
const char *
fd_auth_mode_to_string (FdAuthMode mode)
{
  g_return_val_if_fail (mode <= FD_AUTH_OAUTH2, "none");
  return mode_names[mode];
}

/**
 * fd_auth_mode_from_string:
 * @text: "none", "bearer", "basic" or "oauth2"
 * @mode: (out): the method
 *
 * Returns: %TRUE if @text names a method
 */
gboolean
fd_auth_mode_from_string (const char *text,
                          FdAuthMode *mode)
{
  for (guint i = 0; i < G_N_ELEMENTS (mode_names); i++)
    if (g_strcmp0 (text, mode_names[i]) == 0)
      {
        *mode = (FdAuthMode) i;
        return TRUE;
      }
  return FALSE;
}

/**
 * fd_credentials_new:
 * @mode: the method
 *
 * Returns: (transfer full): empty credentials for @mode
 */
FdCredentials *
fd_credentials_new (FdAuthMode mode)
{
  FdCredentials *self = g_new0 (FdCredentials, 1);

  self->mode = mode;
  return self;
}

/**
 * fd_credentials_copy:
 * @self: credentials
 *
 * Returns: (transfer full): a copy, secret included
 */
FdCredentials *
fd_credentials_copy (const FdCredentials *self)
{
  FdCredentials *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = fd_credentials_new (self->mode);
  copy->user = g_strdup (self->user);
  copy->token_url = g_strdup (self->token_url);
  copy->client_id = g_strdup (self->client_id);
  copy->scope = g_strdup (self->scope);
  copy->secret = g_strdup (self->secret);
  copy->source = self->source;
  return copy;
}

/**
 * fd_credentials_free:
 * @self: (nullable): credentials
 *
 * Frees them, overwriting the secret first.
 */
void
fd_credentials_free (FdCredentials *self)
{
  if (self == NULL)
    return;
  g_free (self->user);
  g_free (self->token_url);
  g_free (self->client_id);
  g_free (self->scope);
  wipe_free (self->secret);
  g_free (self);
}

/**
 * fd_credentials_set_secret:
 * @self: credentials
 * @secret: (nullable): the password, token or client secret
 * @source: where it comes from
 */
void
fd_credentials_set_secret (FdCredentials       *self,
                           const char          *secret,
                           FdCredentialsSource  source)
{
  g_return_if_fail (self != NULL);

  wipe_free (self->secret);
  self->secret = dup_nonempty (secret);
  self->source = self->secret ? source : FD_CREDENTIALS_SOURCE_NONE;
}

/**
 * fd_credentials_from_environment:
 *
 * The override for CI and the demo: OAuth2 client credentials when
 * FRONTDESK_OAUTH_TOKEN_URL is set (with FRONTDESK_OAUTH_CLIENT_ID,
 * FRONTDESK_OAUTH_CLIENT_SECRET and optionally FRONTDESK_OAUTH_SCOPE), else
 * HTTP Basic when FRONTDESK_SERVER_USER is set (with
 * FRONTDESK_SERVER_PASSWORD), else a bearer token in FRONTDESK_SERVER_TOKEN.
 *
 * Returns: (transfer full) (nullable): the credentials, or %NULL when the
 *   environment sets none
 */
FdCredentials *
fd_credentials_from_environment (void)
{
  FdCredentials *self = NULL;
  const char *token_url = g_getenv ("FRONTDESK_OAUTH_TOKEN_URL");
  const char *user = g_getenv ("FRONTDESK_SERVER_USER");
  const char *token = g_getenv ("FRONTDESK_SERVER_TOKEN");

  if (token_url != NULL && *token_url != '\0')
    {
      self = fd_credentials_new (FD_AUTH_OAUTH2);
      self->token_url = g_strdup (token_url);
      self->client_id = dup_nonempty (g_getenv ("FRONTDESK_OAUTH_CLIENT_ID"));
      self->scope = dup_nonempty (g_getenv ("FRONTDESK_OAUTH_SCOPE"));
      fd_credentials_set_secret (self, g_getenv ("FRONTDESK_OAUTH_CLIENT_SECRET"), FD_CREDENTIALS_SOURCE_ENVIRONMENT);
    }
  else if (user != NULL && *user != '\0')
    {
      self = fd_credentials_new (FD_AUTH_BASIC);
      self->user = g_strdup (user);
      fd_credentials_set_secret (self, g_getenv ("FRONTDESK_SERVER_PASSWORD"), FD_CREDENTIALS_SOURCE_ENVIRONMENT);
    }
  else if (token != NULL && *token != '\0')
    {
      self = fd_credentials_new (FD_AUTH_BEARER);
      fd_credentials_set_secret (self, token, FD_CREDENTIALS_SOURCE_ENVIRONMENT);
    }

  return self;
}

/**
 * fd_credentials_from_settings:
 * @settings: settings of schema org.frontdesk.Frontdesk
 *
 * Returns: (transfer full): the method and its non-secret fields; the
 *   secret is in the keyring (fd_credentials_lookup_secret())
 */
FdCredentials *
fd_credentials_from_settings (GSettings *settings)
{
  g_autofree char *mode_name = NULL;
  g_autofree char *user = NULL;
  g_autofree char *token_url = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *scope = NULL;
  FdAuthMode mode = FD_AUTH_NONE;
  FdCredentials *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  mode_name = g_settings_get_string (settings, "auth-mode");
  fd_auth_mode_from_string (mode_name, &mode);
  user = g_settings_get_string (settings, "auth-user");
  token_url = g_settings_get_string (settings, "oauth-token-url");
  client_id = g_settings_get_string (settings, "oauth-client-id");
  scope = g_settings_get_string (settings, "oauth-scope");

  self = fd_credentials_new (mode);
  self->user = dup_nonempty (user);
  self->token_url = dup_nonempty (token_url);
  self->client_id = dup_nonempty (client_id);
  self->scope = dup_nonempty (scope);
  return self;
}

/**
 * fd_credentials_save_settings:
 * @self: credentials
 * @settings: settings of schema org.frontdesk.Frontdesk
 *
 * Writes the method and its non-secret fields, all at once; never the secret.
 *
 * Returns: %FALSE if the administrator locked one of the keys
 */
gboolean
fd_credentials_save_settings (const FdCredentials *self,
                              GSettings           *settings)
{
  gboolean saved;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);

  g_settings_delay (settings);
  saved = g_settings_set_string (settings, "auth-mode", fd_auth_mode_to_string (self->mode)) &&
          g_settings_set_string (settings, "auth-user", self->user ? self->user : "") &&
          g_settings_set_string (settings, "oauth-token-url", self->token_url ? self->token_url : "") &&
          g_settings_set_string (settings, "oauth-client-id", self->client_id ? self->client_id : "") &&
          g_settings_set_string (settings, "oauth-scope", self->scope ? self->scope : "");
  if (saved)
    g_settings_apply (settings);
  else
    g_settings_revert (settings);
  return saved;
}

/**
 * fd_credentials_check:
 * @self: credentials
 * @error: return location for a #FD_CREDENTIALS_ERROR_INCOMPLETE, or a
 *   #FD_SYNC_ERROR_BAD_ADDRESS for the token endpoint
 *
 * Returns: %TRUE if every field the method needs is there
 */
gboolean
fd_credentials_check (const FdCredentials  *self,
                      GError              **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  switch (self->mode)
    {
    case FD_AUTH_NONE:
      return TRUE;
    case FD_AUTH_BEARER:
      if (self->secret != NULL)
        return TRUE;
      g_set_error_literal (error, FD_CREDENTIALS_ERROR, FD_CREDENTIALS_ERROR_INCOMPLETE,
                           _("Enter the access token"));
      return FALSE;
    case FD_AUTH_BASIC:
      if (self->user != NULL && self->secret != NULL)
        return TRUE;
      g_set_error_literal (error, FD_CREDENTIALS_ERROR, FD_CREDENTIALS_ERROR_INCOMPLETE,
                           _("Enter the user name and the password"));
      return FALSE;
    case FD_AUTH_OAUTH2:
      if (self->token_url == NULL || self->client_id == NULL || self->secret == NULL)
        {
          g_set_error_literal (error, FD_CREDENTIALS_ERROR, FD_CREDENTIALS_ERROR_INCOMPLETE,
                               _("Enter the token endpoint, the client id and the client secret"));
          return FALSE;
        }
      return fd_fhir_client_check_token_url (self->token_url, error);
    default:
      g_return_val_if_reached (FALSE);
    }
}

/**
 * fd_credentials_apply:
 * @self: credentials
 * @client: the client to sign in with them
 * @error: return location for a #FD_CREDENTIALS_ERROR_INCOMPLETE or a
 *   #FD_SYNC_ERROR_BAD_ADDRESS for the token endpoint
 *
 * Sets @client's authentication. Incomplete credentials are set all the
 * same (the server will refuse them), and the error says what is missing.
 *
 * Returns: %TRUE if the credentials are complete
 */
gboolean
fd_credentials_apply (const FdCredentials  *self,
                      FdFhirClient         *client,
                      GError              **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (FD_IS_FHIR_CLIENT (client), FALSE);

  switch (self->mode)
    {
    case FD_AUTH_NONE:
      fd_fhir_client_set_token (client, NULL);
      break;
    case FD_AUTH_BEARER:
      fd_fhir_client_set_token (client, self->secret);
      break;
    case FD_AUTH_BASIC:
      fd_fhir_client_set_basic (client, self->user, self->secret);
      break;
    case FD_AUTH_OAUTH2:
      fd_fhir_client_set_oauth2 (client, self->token_url, self->client_id, self->secret, self->scope, NULL);
      break;
    default:
      g_return_val_if_reached (FALSE);
    }

  return fd_credentials_check (self, error);
}
/**
 * fd_credentials_lookup_secret:
 * @self: credentials (the method, and the user name or client id)
 * @server_url: the clinic server they are for
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #FD_CREDENTIALS_ERROR: NO_KEYRING when no
 *   keyring answers, NOT_FOUND when it holds no such secret
 *
 * Reads the secret from the desktop keyring. Blocking: never on the main
 * thread.
 *
 * Returns: (transfer full) (nullable): the secret
 */
char *
fd_credentials_lookup_secret (const FdCredentials  *self,
                              const char           *server_url,
                              GCancellable         *cancellable,
                              GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *server = server_key (server_url);
  const char *kind;
  char *secret;

  g_return_val_if_fail (self != NULL, NULL);

  kind = secret_kind (self->mode);
  if (kind == NULL)
    {
      g_set_error_literal (error, FD_CREDENTIALS_ERROR, FD_CREDENTIALS_ERROR_NOT_FOUND,
                           _("This sign-in method has no secret"));
      return NULL;
    }

  secret = secret_password_lookup_sync (credential_schema (), cancellable, &local_error,
                                        "server", server,
                                        "kind", kind,
                                        "account", secret_account (self),
                                        NULL);
  if (local_error != NULL)
    {
      keyring_failed (local_error, error);
      return NULL;
    }
  if (secret == NULL)
    {
      g_set_error (error, FD_CREDENTIALS_ERROR, FD_CREDENTIALS_ERROR_NOT_FOUND,
                   _("The keyring holds no secret for %s; enter it in Preferences"), server);
      return NULL;
    }

  {
    char *copy = g_strdup (secret);

    secret_password_free (secret);
    return copy;
  }
}

/**
 * fd_credentials_store_secret:
 * @self: credentials with their secret
 * @server_url: the clinic server they are for
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #FD_CREDENTIALS_ERROR_NO_KEYRING
 *
 * Keeps the secret in the desktop keyring, replacing the one stored before
 * for the same server, method and account; with no secret, removes it.
 * Blocking: never on the main thread.
 *
 * Returns: %TRUE if the keyring took it
 */
gboolean
fd_credentials_store_secret (const FdCredentials  *self,
                             const char           *server_url,
                             GCancellable         *cancellable,
                             GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *server = server_key (server_url);
  g_autofree char *label = NULL;
  const char *kind;

  g_return_val_if_fail (self != NULL, FALSE);

  kind = secret_kind (self->mode);
  if (kind == NULL)
    return TRUE;
  if (self->secret == NULL)
    return fd_credentials_clear_secret (self, server_url, cancellable, error);

  /* Translators: the name of a secret in the keyring; %s is the server address */
  label = g_strdup_printf (_("Frontdesk sign-in for %s"), server);
  if (!secret_password_store_sync (credential_schema (), SECRET_COLLECTION_DEFAULT, label, self->secret,
                                   cancellable, &local_error,
                                   "server", server,
                                   "kind", kind,
                                   "account", secret_account (self),
                                   NULL))
    return keyring_failed (local_error, error);

  g_debug ("Stored the %s for the clinic server in the keyring", kind);
  return TRUE;
}

/**
 * fd_credentials_clear_secret:
 * @self: credentials (the method, and the user name or client id)
 * @server_url: the clinic server they are for
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #FD_CREDENTIALS_ERROR_NO_KEYRING
 *
 * Removes the secret from the keyring. Blocking.
 *
 * Returns: %TRUE if the keyring no longer holds it
 */
gboolean
fd_credentials_clear_secret (const FdCredentials  *self,
                             const char           *server_url,
                             GCancellable         *cancellable,
                             GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *server = server_key (server_url);
  const char *kind;

  g_return_val_if_fail (self != NULL, FALSE);

  kind = secret_kind (self->mode);
  if (kind == NULL)
    return TRUE;
  secret_password_clear_sync (credential_schema (), cancellable, &local_error,
                              "server", server,
                              "kind", kind,
                              "account", secret_account (self),
                              NULL);
  if (local_error != NULL)
    return keyring_failed (local_error, error);
  return TRUE;
}

typedef struct
{
  FdCredentials *credentials;
  char          *server_url;
} KeyringJob;

static void
keyring_job_free (KeyringJob *job)
{
  g_clear_pointer (&job->credentials, fd_credentials_free);
  g_free (job->server_url);
  g_free (job);
}

static void
resolve_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  KeyringJob *job = task_data;
  g_autoptr(FdCredentials) found = fd_credentials_from_environment ();
  GError *error = NULL;
  char *secret;

  if (found != NULL)
    {
      g_debug ("Credentials from the environment (%s)", fd_auth_mode_to_string (found->mode));
      g_task_return_pointer (task, g_steal_pointer (&found), (GDestroyNotify) fd_credentials_free);
      return;
    }

  found = fd_credentials_copy (job->credentials);
  if (found->mode == FD_AUTH_NONE || found->secret != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&found), (GDestroyNotify) fd_credentials_free);
      return;
    }

  secret = fd_credentials_lookup_secret (found, job->server_url, cancellable, &error);
  if (secret == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  fd_credentials_set_secret (found, secret, FD_CREDENTIALS_SOURCE_KEYRING);
  wipe_free (secret);
  g_task_return_pointer (task, g_steal_pointer (&found), (GDestroyNotify) fd_credentials_free);
}

/**
 * fd_credentials_resolve_async:
 * @self: the method and non-secret fields, as the settings hold them
 * @server_url: the clinic server
 * @cancellable: (nullable): a cancellable
 * @callback: called on the calling thread's main context
 * @user_data: closure for @callback
 *
 * Finds the credentials the station signs in with, in a worker thread: the
 * environment override when it is set, else @self with its secret from the
 * keyring.
 */
void
fd_credentials_resolve_async (const FdCredentials *self,
                              const char          *server_url,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  KeyringJob *job;

  g_return_if_fail (self != NULL);

  job = g_new0 (KeyringJob, 1);
  job->credentials = fd_credentials_copy (self);
  job->server_url = g_strdup (server_url);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_credentials_resolve_async);
  g_task_set_task_data (task, job, (GDestroyNotify) keyring_job_free);
  g_task_run_in_thread (task, resolve_thread);
}

/**
 * fd_credentials_resolve_finish:
 * @result: the result
 * @error: return location for a #FD_CREDENTIALS_ERROR
 *
 * Returns: (transfer full) (nullable): the credentials, secret included
 */
FdCredentials *
fd_credentials_resolve_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
store_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  KeyringJob *job = task_data;
  GError *error = NULL;

  if (fd_credentials_store_secret (job->credentials, job->server_url, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * fd_credentials_store_async:
 * @self: credentials with their secret
 * @server_url: the clinic server
 * @cancellable: (nullable): a cancellable
 * @callback: called on the calling thread's main context
 * @user_data: closure for @callback
 *
 * fd_credentials_store_secret() in a worker thread.
 */
void
fd_credentials_store_async (const FdCredentials *self,
                            const char          *server_url,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  KeyringJob *job;

  g_return_if_fail (self != NULL);

  job = g_new0 (KeyringJob, 1);
  job->credentials = fd_credentials_copy (self);
  job->server_url = g_strdup (server_url);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_credentials_store_async);
  g_task_set_task_data (task, job, (GDestroyNotify) keyring_job_free);
  g_task_run_in_thread (task, store_thread);
}

/**
 * fd_credentials_store_finish:
 * @result: the result
 * @error: return location for a #FD_CREDENTIALS_ERROR_NO_KEYRING
 *
 * Returns: %TRUE if the keyring took the secret
 */
gboolean
fd_credentials_store_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
