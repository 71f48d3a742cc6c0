/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdFhirClient"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "fd-fhir.h"
#include "fd-fhir-client.h"

/* The largest answer the station reads: a page of a few hundred resources is
 * a few megabytes; anything near this is a server that lost its mind. */
#define MAX_BODY (16 * 1024 * 1024)

/* Refresh an OAuth2 token this long before the server says it expires, or
 * after a tenth of its life when that is shorter */
#define TOKEN_MARGIN_SECONDS 60

/* The OAuth2 client credentials and the access token they bought. Copies of
 * a client, one per worker thread, share one cache, so that the station asks
 * the token endpoint once per token, not once per thread. */
typedef struct
{
  gatomicrefcount  ref;
  GMutex           lock;
  char            *token_url;
  char            *client_id;
  char            *client_secret;
  char            *scope;
  char            *access_token;  /* under lock */
  gint64           refresh_at;    /* monotonic time after which to fetch anew; under lock */
} TokenCache;

struct _FdFhirClient
{
  GObject      parent_instance;

  SoupSession *session;
  GUri        *base;
  char        *base_url;
  FdAuthMode   auth_mode;
  char        *token;         /* bearer */
  char        *basic;         /* the whole "Basic …" header value */
  TokenCache  *oauth;
};

G_DEFINE_FINAL_TYPE (FdFhirClient, fd_fhir_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (fd-sync-error-quark, fd_sync_error)

/* Helpers */

static TokenCache *
token_cache_ref (TokenCache *cache)
{
  g_atomic_ref_count_inc (&cache->ref);
  return cache;
}

static void
token_cache_unref (TokenCache *cache)
{
  if (!g_atomic_ref_count_dec (&cache->ref))
    return;
  g_mutex_clear (&cache->lock);
  g_free (cache->token_url);
  g_free (cache->client_id);
  g_clear_pointer (&cache->client_secret, g_free);
  g_free (cache->scope);
  g_clear_pointer (&cache->access_token, g_free);
  g_free (cache);
}

static void
clear_auth (FdFhirClient *self)
{
  self->auth_mode = FD_AUTH_NONE;
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->basic, g_free);
  g_clear_pointer (&self->oauth, token_cache_unref);
}

static gboolean
is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static gboolean
same_origin (GUri *a,
             GUri *b)
{
  return g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (a), g_uri_get_host (b)) == 0 &&
         g_uri_get_port (a) == g_uri_get_port (b);
}

static char *
resolve (FdFhirClient  *self,
         const char    *path_or_url,
         GError       **error)
{
  g_autoptr(GUri) uri = NULL;

  if (g_str_has_prefix (path_or_url, "http://") || g_str_has_prefix (path_or_url, "https://"))
    {
      /* Paging links are opaque, but they must point back at the same server */
      uri = g_uri_parse (path_or_url, G_URI_FLAGS_ENCODED, NULL);
      if (uri == NULL || !same_origin (uri, self->base))
        {
          g_set_error_literal (error, FD_SYNC_ERROR, FD_SYNC_ERROR_MALFORMED,
                               _("The server sent a link to another address"));
          return NULL;
        }
      return g_strdup (path_or_url);
    }

  while (*path_or_url == '/')
    path_or_url++;
  if (*path_or_url == '\0')
    return g_strdup (self->base_url);
  return g_strconcat (self->base_url, "/", path_or_url, NULL);
}

static gboolean
set_http_error (SoupMessage  *msg,
                GBytes       *body,
                GError      **error)
{
  guint status = soup_message_get_status (msg);

  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    g_set_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_UNAUTHORIZED,
                 _("The server refused the station’s credentials (HTTP %u)"), status);
  else if (status == SOUP_STATUS_NOT_FOUND || status == SOUP_STATUS_GONE)
    g_set_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_NOT_FOUND,
                 _("The server has no such record (HTTP %u)"), status);
  else
    g_set_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_SERVER,
                 _("The server answered with an error (HTTP %u %s)"), status,
                 soup_message_get_reason_phrase (msg) ?: "");
  return FALSE;
}

/* The token endpoint follows the rule of the server: https, or plain http
 * to this computer only */
static gboolean
check_token_url (const char  *token_url,
                 GUri       **out,
                 GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (token_url, G_URI_FLAGS_ENCODED, NULL);
  const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0))
    {
      g_set_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_BAD_ADDRESS,
                   _("“%s” is not a token endpoint address; it should look like https://auth.example.org/oauth2/token"),
                   token_url);
      return FALSE;
    }
  if (g_strcmp0 (scheme, "http") == 0 && !is_loopback (g_uri_get_host (uri)))
    {
      g_set_error_literal (error, FD_SYNC_ERROR, FD_SYNC_ERROR_BAD_ADDRESS,
                           _("The token endpoint must use https; plain http is allowed only to this computer"));
      return FALSE;
    }
  if (out != NULL)
    *out = g_steal_pointer (&uri);
  return TRUE;
}

/* Object */

static void
fd_fhir_client_finalize (GObject *object)
{
  FdFhirClient *self = (FdFhirClient *)object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->base, g_uri_unref);
  g_clear_pointer (&self->base_url, g_free);
  clear_auth (self);

  G_OBJECT_CLASS (fd_fhir_client_parent_class)->finalize (object);
}

static void
fd_fhir_client_class_init (FdFhirClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fd_fhir_client_finalize;
}

static void
fd_fhir_client_init (FdFhirClient *self)
{
  self->session = soup_session_new_with_options ("user-agent", "Frontdesk/" PACKAGE_VERSION,
                                                 "timeout", 15,
                                                 "idle-timeout", 60,
                                                 NULL);
}

/**
 * fd_fhir_client_new:
 * @base_url: the FHIR base, "https://fhir.example.org/R4"
 * @error: return location for a #FD_SYNC_ERROR_BAD_ADDRESS
 *
 * Plain http is accepted only for loopback addresses; TLS certificates are
 * always verified.
 *
 * Returns: (transfer full) (nullable): the client
 */
FdFhirClient *
fd_fhir_client_new (const char  *base_url,
                    GError     **error)
{
  g_autoptr(FdFhirClient) self = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  uri = base_url ? g_uri_parse (base_url, G_URI_FLAGS_ENCODED, NULL) : NULL;
  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0))
    {
      g_set_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_BAD_ADDRESS,
                   _("“%s” is not a server address; it should look like https://fhir.example.org/R4"),
                   base_url ? base_url : "");
      return NULL;
    }
  if (g_strcmp0 (scheme, "http") == 0 && !is_loopback (g_uri_get_host (uri)))
    {
      g_set_error_literal (error, FD_SYNC_ERROR, FD_SYNC_ERROR_BAD_ADDRESS,
                           _("Patient data may travel only over https; plain http is allowed only to this computer"));
      return NULL;
    }

  self = g_object_new (FD_TYPE_FHIR_CLIENT, NULL);
  self->base = g_steal_pointer (&uri);
  self->base_url = g_strdup (base_url);
  while (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';

  return g_steal_pointer (&self);
}

/**
 * fd_fhir_client_copy:
 * @self: a client
 *
 * A session belongs to the thread that uses it: each worker gets its own
 * client with the same address, credentials and time limit. Copies share
 * one OAuth2 token, fetched by whichever needs it first.
 *
 * Returns: (transfer full): a new client
 */
FdFhirClient *
fd_fhir_client_copy (FdFhirClient *self)
{
  FdFhirClient *copy;
  guint timeout;

  g_return_val_if_fail (FD_IS_FHIR_CLIENT (self), NULL);

  copy = fd_fhir_client_new (self->base_url, NULL);
  copy->auth_mode = self->auth_mode;
  copy->token = g_strdup (self->token);
  copy->basic = g_strdup (self->basic);
  copy->oauth = self->oauth ? token_cache_ref (self->oauth) : NULL;
  g_object_get (self->session, "timeout", &timeout, NULL);
  fd_fhir_client_set_timeout (copy, timeout);
  return copy;
}

const char *
fd_fhir_client_get_base_url (FdFhirClient *self)
{
  g_return_val_if_fail (FD_IS_FHIR_CLIENT (self), NULL);
  return self->base_url;
}

/**
 * fd_fhir_client_get_auth_mode:
 * @self: the client
 *
 * Returns: how the client proves who it is to the server
 */
FdAuthMode
fd_fhir_client_get_auth_mode (FdFhirClient *self)
{
  g_return_val_if_fail (FD_IS_FHIR_CLIENT (self), FD_AUTH_NONE);
  return self->auth_mode;
}

/**
 * fd_fhir_client_set_token:
 * @self: the client
 * @bearer_token: (nullable): a bearer token; %NULL or empty for none
 *
 * Replaces any other authentication.
 */
void
fd_fhir_client_set_token (FdFhirClient *self,
                          const char   *bearer_token)
{
  g_return_if_fail (FD_IS_FHIR_CLIENT (self));

  clear_auth (self);
  if (bearer_token == NULL || *bearer_token == '\0')
    return;
  self->auth_mode = FD_AUTH_BEARER;
  self->token = g_strdup (bearer_token);
}

/**
 * fd_fhir_client_set_basic:
 * @self: the client
 * @user: (nullable): the user name; %NULL or empty for no authentication
 * @password: (nullable): the password
 *
 * HTTP Basic authentication (RFC 7617) on every request. Replaces any other
 * authentication.
 */
void
fd_fhir_client_set_basic (FdFhirClient *self,
                          const char   *user,
                          const char   *password)
{
  g_autofree char *pair = NULL;
  g_autofree char *encoded = NULL;

  g_return_if_fail (FD_IS_FHIR_CLIENT (self));

  clear_auth (self);
  if (user == NULL || *user == '\0')
    return;
  pair = g_strconcat (user, ":", password ? password : "", NULL);
  encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  explicit_bzero (pair, strlen (pair));
  self->auth_mode = FD_AUTH_BASIC;
  self->basic = g_strconcat ("Basic ", encoded, NULL);
}

/**
 * fd_fhir_client_set_oauth2:
 * @self: the client
 * @token_url: the OAuth2 token endpoint
 * @client_id: the client id the server's administrator gave the clinic
 * @client_secret: its secret
 * @scope: (nullable): the scopes to ask for, separated by spaces
 * @error: return location for a #FD_SYNC_ERROR_BAD_ADDRESS
 *
 * OAuth2 client credentials (RFC 6749 §4.4): the client asks the token
 * endpoint for an access token when it first needs one, sends it as a bearer
 * token, fetches a new one shortly before it expires and once more when the
 * server refuses it. Replaces any other authentication. The token endpoint,
 * like the server, must use https unless it is on this computer; when it does
 * not, the settings are kept but every request fails with the same error.
 *
 * Returns: %TRUE if the token endpoint's address is usable
 */
gboolean
fd_fhir_client_set_oauth2 (FdFhirClient  *self,
                           const char    *token_url,
                           const char    *client_id,
                           const char    *client_secret,
                           const char    *scope,
                           GError       **error)
{
  TokenCache *cache;

  g_return_val_if_fail (FD_IS_FHIR_CLIENT (self), FALSE);

  clear_auth (self);
  cache = g_new0 (TokenCache, 1);
  g_atomic_ref_count_init (&cache->ref);
  g_mutex_init (&cache->lock);
  cache->token_url = g_strdup (token_url ? token_url : "");
  cache->client_id = g_strdup (client_id ? client_id : "");
  cache->client_secret = g_strdup (client_secret ? client_secret : "");
  cache->scope = scope && *scope ? g_strdup (scope) : NULL;
  self->auth_mode = FD_AUTH_OAUTH2;
  self->oauth = cache;

  return check_token_url (cache->token_url, NULL, error);
}

/**
 * fd_fhir_client_set_timeout:
 * @self: the client
 * @seconds: how long a request may take before it fails
 */
void
fd_fhir_client_set_timeout (FdFhirClient *self,
                            guint         seconds)
{
  g_return_if_fail (FD_IS_FHIR_CLIENT (self));
  g_object_set (self->session, "timeout", seconds, NULL);
}

/* The words of the server's OperationOutcome, if it sent one */
static char *
outcome_text (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonObject *root, *issue;

  if (body == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body), NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (json_object_get_string_member_with_default (root, "resourceType", ""), "OperationOutcome") != 0)
    return NULL;
  issue = fd_fhir_array_object (fd_fhir_get_array (root, "issue"), 0);
  if (fd_fhir_get_string (issue, "diagnostics") != NULL)
    return g_strdup (fd_fhir_get_string (issue, "diagnostics"));
  return g_strdup (fd_fhir_get_string (fd_fhir_get_object (issue, "details"), "text"));
}

/* Says what went wrong on the way, in words the clinic's IT person can act on */
static void
set_transport_error (GUri    *uri,
                     GError  *cause,
                     GError **error)
{
  const char *host = g_uri_get_host (uri);

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_error_copy (cause));
  else if (cause->domain == G_RESOLVER_ERROR)
    g_set_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_BAD_ADDRESS,
                 _("No server called “%s” can be found; check the address"), host);
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    g_set_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_NETWORK,
                 _("%s refused the connection: the server is not running or the port is wrong"), host);
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_NETWORK,
                 _("%s did not answer in time"), host);
  else if (cause->domain == G_TLS_ERROR)
    g_set_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_TLS,
                 _("The certificate of %s cannot be trusted, so nothing was sent (%s)"), host, cause->message);
  else
    g_set_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_NETWORK,
                 _("The server could not be reached: %s"), cause->message);
}

/* Reads the answer, but never more than MAX_BODY into memory */
static GBytes *
read_limited (FdFhirClient  *self,
              SoupMessage   *msg,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GByteArray) body = g_byte_array_new ();
  guint8 buffer[64 * 1024];

  stream = soup_session_send (self->session, msg, cancellable, error);
  if (stream == NULL)
    return NULL;

  for (;;)
    {
      gssize n = g_input_stream_read (stream, buffer, sizeof buffer, cancellable, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      if (body->len + (gsize) n > MAX_BODY)
        {
          g_set_error_literal (error, FD_SYNC_ERROR, FD_SYNC_ERROR_MALFORMED,
                               _("The server’s answer is too large to be a FHIR page"));
          return NULL;
        }
      g_byte_array_append (body, buffer, (guint) n);
    }

  if (!g_input_stream_close (stream, cancellable, error))
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&body));
}

/* RFC 6749 §2.3.1: the client id and secret are form-encoded, then Basic */
static char *
client_basic_header (TokenCache *cache)
{
  g_autofree char *id = g_uri_escape_string (cache->client_id, NULL, FALSE);
  g_autofree char *secret = g_uri_escape_string (cache->client_secret, NULL, FALSE);
  g_autofree char *pair = g_strconcat (id, ":", secret, NULL);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));

  explicit_bzero (pair, strlen (pair));
  explicit_bzero (secret, strlen (secret));
  return g_strconcat ("Basic ", encoded, NULL);
}

/* The "error" code of an OAuth2 error answer (RFC 6749 §5.2), if any */
static char *
oauth_error_code (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  if (body == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body), NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return g_strdup (fd_fhir_get_string (json_node_get_object (root), "error"));
}

/* Asks the token endpoint for an access token with the client credentials;
 * sets @lifetime to its life in seconds, or 0 when the endpoint does not say */
static char *
fetch_token (FdFhirClient  *self,
             TokenCache    *cache,
             gint64        *lifetime,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) form = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *client_auth = NULL;
  g_autofree char *code = NULL;
  char *encoded;
  SoupMessageHeaders *headers;
  JsonObject *answer;
  JsonNode *root, *expires;
  const char *access_token, *token_type;
  guint status;

  if (!check_token_url (cache->token_url, &uri, error))
    return NULL;
  if (*cache->client_id == '\0')
    {
      g_set_error_literal (error, FD_SYNC_ERROR, FD_SYNC_ERROR_UNAUTHORIZED,
                           _("Enter the client id the server’s administrator gave the clinic"));
      return NULL;
    }

  msg = soup_message_new_from_uri (SOUP_METHOD_POST, uri);
  /* The secret goes to the token endpoint only, never where a redirect points */
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Accept", "application/json");
  client_auth = client_basic_header (cache);
  soup_message_headers_replace (headers, "Authorization", client_auth);
  explicit_bzero (client_auth, strlen (client_auth));
  encoded = cache->scope != NULL
    ? soup_form_encode ("grant_type", "client_credentials", "scope", cache->scope, NULL)
    : soup_form_encode ("grant_type", "client_credentials", NULL);
  form = g_bytes_new_take (encoded, strlen (encoded));
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", form);

  g_debug ("Asking the token endpoint for an access token");
  body = read_limited (self, msg, cancellable, &local_error);
  if (body == NULL)
    {
      g_autoptr(GError) cause = NULL;

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          g_error_matches (local_error, FD_SYNC_ERROR, FD_SYNC_ERROR_MALFORMED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      set_transport_error (uri, local_error, &cause);
      /* Translators: %s says why, "127.0.0.1 refused the connection: …" */
      g_set_error (error, FD_SYNC_ERROR, cause->code,
                   _("The token endpoint is not reachable: %s"), cause->message);
      return NULL;
    }

  status = soup_message_get_status (msg);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      code = oauth_error_code (body);
      if (status == SOUP_STATUS_UNAUTHORIZED || g_strcmp0 (code, "invalid_client") == 0)
        g_set_error_literal (error, FD_SYNC_ERROR, FD_SYNC_ERROR_UNAUTHORIZED,
                             _("The token endpoint refused the client id or secret"));
      else if (g_strcmp0 (code, "invalid_scope") == 0)
        g_set_error_literal (error, FD_SYNC_ERROR, FD_SYNC_ERROR_UNAUTHORIZED,
                             _("The token endpoint refused the scope; check it with the server’s administrator"));
      else if (status == SOUP_STATUS_BAD_REQUEST || status == SOUP_STATUS_FORBIDDEN)
        /* Translators: %s is an OAuth2 error code such as "unauthorized_client" */
        g_set_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_UNAUTHORIZED,
                     _("The token endpoint refused to give this client a token (%s)"),
                     code ? code : soup_message_get_reason_phrase (msg));
      else
        g_set_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_SERVER,
                     _("The token endpoint answered with an error (HTTP %u)"), status);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  root = json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body), NULL)
    ? json_parser_get_root (parser) : NULL;
  answer = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  access_token = fd_fhir_get_string (answer, "access_token");
  token_type = fd_fhir_get_string (answer, "token_type");
  expires = answer ? json_object_get_member (answer, "expires_in") : NULL;
  *lifetime = 0;
  if (expires != NULL && JSON_NODE_HOLDS_VALUE (expires) && json_node_get_value_type (expires) == G_TYPE_INT64)
    *lifetime = json_node_get_int (expires);
  else if (expires != NULL && JSON_NODE_HOLDS_VALUE (expires) && json_node_get_value_type (expires) == G_TYPE_STRING)
    *lifetime = g_ascii_strtoll (json_node_get_string (expires), NULL, 10);
  /* Only a bearer token is something the station can send */
  if (access_token == NULL || *access_token == '\0' ||
      (token_type != NULL && g_ascii_strcasecmp (token_type, "bearer") != 0) || *lifetime < 0)
    {
      g_set_error_literal (error, FD_SYNC_ERROR, FD_SYNC_ERROR_MALFORMED,
                           _("The token endpoint answered with something that is not a token"));
      return NULL;
    }

  g_debug ("Got an access token for %" G_GINT64_FORMAT " s", *lifetime);
  return g_strdup (access_token);
}

/* The OAuth2 access token to send: the shared one while it is fresh and not
 * @rejected by the server, else a new one. Threads wait for each other, so
 * one fetch serves them all. */
static char *
oauth_token (FdFhirClient  *self,
             const char    *rejected,
             GCancellable  *cancellable,
             GError       **error)
{
  TokenCache *cache = self->oauth;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&cache->lock);
  g_autofree char *token = NULL;
  gint64 lifetime = 0, margin;

  if (cache->access_token != NULL && g_strcmp0 (cache->access_token, rejected) != 0 &&
      g_get_monotonic_time () < cache->refresh_at)
    return g_strdup (cache->access_token);

  g_clear_pointer (&cache->access_token, g_free);
  token = fetch_token (self, cache, &lifetime, cancellable, error);
  if (token == NULL)
    return NULL;

  margin = MIN (TOKEN_MARGIN_SECONDS, lifetime / 10);
  cache->access_token = g_strdup (token);
  cache->refresh_at = lifetime > 0
    ? g_get_monotonic_time () + (lifetime - margin) * G_USEC_PER_SEC
    : G_MAXINT64;
  return g_steal_pointer (&token);
}

/* The Authorization header for the next request, or %NULL for none; sets
 * @bearer to the OAuth2 token it carries */
static gboolean
authorization (FdFhirClient  *self,
               const char    *rejected,
               char         **header,
               char         **bearer,
               GCancellable  *cancellable,
               GError       **error)
{
  *header = NULL;
  *bearer = NULL;
  switch (self->auth_mode)
    {
    case FD_AUTH_NONE:
      return TRUE;
    case FD_AUTH_BEARER:
      *header = g_strconcat ("Bearer ", self->token, NULL);
      return TRUE;
    case FD_AUTH_BASIC:
      *header = g_strdup (self->basic);
      return TRUE;
    case FD_AUTH_OAUTH2:
      *bearer = oauth_token (self, rejected, cancellable, error);
      if (*bearer == NULL)
        return FALSE;
      *header = g_strconcat ("Bearer ", *bearer, NULL);
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

/* One request, with the credentials; an OAuth2 token the server refuses is
 * replaced once. Returns the body, and the message in @out_msg. */
static GBytes *
exchange (FdFhirClient  *self,
          const char    *method,
          const char    *url,
          JsonObject    *resource,
          const char    *if_match_version,
          SoupMessage  **out_msg,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autofree char *json = resource ? fd_fhir_to_string (resource) : NULL;
  g_autofree char *rejected = NULL;

  for (guint attempt = 0; ; attempt++)
    {
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autofree char *auth = NULL;
      g_autofree char *bearer = NULL;
      SoupMessageHeaders *headers;

      msg = soup_message_new (method, url);
      if (msg == NULL)
        {
          g_set_error_literal (error, FD_SYNC_ERROR, FD_SYNC_ERROR_BAD_ADDRESS,
                               _("The request address is not valid"));
          return NULL;
        }
      if (!authorization (self, rejected, &auth, &bearer, cancellable, error))
        return NULL;

      /* Credentials and preconditions go to this server only, never where a redirect points */
      soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
      /* A write goes on a connection of its own. On one used before, libsoup
       * sends a PUT again by itself when the reply is lost; the engine must
       * learn of the loss, because it decides what a second send may do. */
      if (g_strcmp0 (method, SOUP_METHOD_GET) != 0)
        soup_message_add_flags (msg, SOUP_MESSAGE_NEW_CONNECTION);
      headers = soup_message_get_request_headers (msg);
      soup_message_headers_replace (headers, "Accept", "application/fhir+json");
      /* The station keeps what the server stored: ask for it back */
      if (resource != NULL)
        soup_message_headers_replace (headers, "Prefer", "return=representation");
      if (auth != NULL)
        soup_message_headers_replace (headers, "Authorization", auth);
      if (if_match_version != NULL)
        {
          g_autofree char *etag = g_strdup_printf ("W/\"%s\"", if_match_version);
          soup_message_headers_replace (headers, "If-Match", etag);
        }
      if (json != NULL)
        {
          g_autoptr(GBytes) request = g_bytes_new (json, strlen (json));

          soup_message_set_request_body_from_bytes (msg, "application/fhir+json", request);
        }

      body = read_limited (self, msg, cancellable, &local_error);
      if (body == NULL && g_error_matches (local_error, FD_SYNC_ERROR, FD_SYNC_ERROR_MALFORMED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (body == NULL)
        {
          set_transport_error (self->base, local_error, error);
          return NULL;
        }

      /* A token revoked or expired early: one new token, one more try */
      if (soup_message_get_status (msg) == SOUP_STATUS_UNAUTHORIZED && bearer != NULL && attempt == 0)
        {
          g_debug ("The server refused the access token; asking for a new one");
          rejected = g_steal_pointer (&bearer);
          continue;
        }

      *out_msg = g_steal_pointer (&msg);
      return g_steal_pointer (&body);
    }
}

static JsonObject *
send (FdFhirClient  *self,
      const char    *method,
      const char    *path_or_url,
      JsonObject    *resource,
      const char    *if_match_version,
      GCancellable  *cancellable,
      GError       **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *url = NULL;
  guint status;
  JsonNode *root;

  url = resolve (self, path_or_url, error);
  if (url == NULL)
    return NULL;

  body = exchange (self, method, url, resource, if_match_version, &msg, cancellable, error);
  if (body == NULL)
    return NULL;

  status = soup_message_get_status (msg);
  if (status == SOUP_STATUS_PRECONDITION_FAILED || status == SOUP_STATUS_CONFLICT)
    {
      g_set_error_literal (error, FD_SYNC_ERROR, FD_SYNC_ERROR_CONFLICT,
                           _("Someone else changed this record on the server meanwhile"));
      return NULL;
    }
  if (resource != NULL && (status == SOUP_STATUS_BAD_REQUEST || status == SOUP_STATUS_UNPROCESSABLE_ENTITY ||
                           status == SOUP_STATUS_NOT_FOUND || status == SOUP_STATUS_METHOD_NOT_ALLOWED ||
                           status == SOUP_STATUS_GONE))
    {
      g_autofree char *why = outcome_text (body);

      g_set_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_REJECTED,
                   _("The server refused this change (HTTP %u): %s"), status,
                   why ? why : _("no reason given"));
      return NULL;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      set_http_error (msg, body, error);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body),
                                   &local_error))
    {
      g_set_error_literal (error, FD_SYNC_ERROR, FD_SYNC_ERROR_MALFORMED,
                           _("The server’s answer is not valid JSON"));
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "resourceType"))
    {
      g_set_error_literal (error, FD_SYNC_ERROR, FD_SYNC_ERROR_MALFORMED,
                           _("The server’s answer is not a FHIR resource"));
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

/**
 * fd_fhir_client_get:
 * @self: the client
 * @path_or_url: a path under the base ("Patient?_count=50") or a paging link
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #FD_SYNC_ERROR
 *
 * A blocking GET, for worker threads and the command-line tool.
 *
 * Returns: (transfer full) (nullable): the JSON object the server answered
 */
JsonObject *
fd_fhir_client_get (FdFhirClient  *self,
                    const char    *path_or_url,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_return_val_if_fail (FD_IS_FHIR_CLIENT (self), NULL);
  return send (self, SOUP_METHOD_GET, path_or_url, NULL, NULL, cancellable, error);
}

/**
 * fd_fhir_client_put:
 * @self: the client
 * @resource: a resource with its (client-assigned) id
 * @if_match_version: (nullable): the server version the change was made on;
 *   %NULL to create
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #FD_SYNC_ERROR; #FD_SYNC_ERROR_CONFLICT on a
 *   stale version, #FD_SYNC_ERROR_REJECTED when the server refuses the content
 *
 * A blocking update-as-create: sent again after a lost reply it creates no
 * duplicate.
 *
 * Returns: (transfer full) (nullable): the resource as the server stored it
 */
JsonObject *
fd_fhir_client_put (FdFhirClient  *self,
                    JsonObject    *resource,
                    const char    *if_match_version,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (FD_IS_FHIR_CLIENT (self), NULL);

  path = g_strdup_printf ("%s/%s", fd_fhir_get_string (resource, "resourceType"),
                          fd_fhir_get_string (resource, "id"));
  return send (self, SOUP_METHOD_PUT, path, resource, if_match_version, cancellable, error);
}

/**
 * fd_fhir_client_post_batch:
 * @self: the client
 * @bundle: a Bundle of type batch
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #FD_SYNC_ERROR
 *
 * Sends a batch to the base address; each entry succeeds or fails alone.
 *
 * Returns: (transfer full) (nullable): the batch-response Bundle
 */
JsonObject *
fd_fhir_client_post_batch (FdFhirClient  *self,
                           JsonObject    *bundle,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_return_val_if_fail (FD_IS_FHIR_CLIENT (self), NULL);
  return send (self, SOUP_METHOD_POST, "", bundle, NULL, cancellable, error);
}

/**
 * fd_fhir_client_read_capabilities:
 * @self: the client
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #FD_SYNC_ERROR, #FD_SYNC_ERROR_NOT_FHIR when
 *   the address answers but is not a FHIR R4 server
 *
 * Returns: (transfer full) (nullable): the server's CapabilityStatement
 */
JsonObject *
fd_fhir_client_read_capabilities (FdFhirClient  *self,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) statement = NULL;
  const char *version;

  statement = fd_fhir_client_get (self, "metadata", cancellable, &local_error);
  if (statement == NULL)
    {
      if (g_error_matches (local_error, FD_SYNC_ERROR, FD_SYNC_ERROR_MALFORMED) ||
          g_error_matches (local_error, FD_SYNC_ERROR, FD_SYNC_ERROR_SERVER) ||
          g_error_matches (local_error, FD_SYNC_ERROR, FD_SYNC_ERROR_NOT_FOUND))
        g_set_error_literal (error, FD_SYNC_ERROR, FD_SYNC_ERROR_NOT_FHIR,
                             _("This address answers, but not as a FHIR server"));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  version = json_object_get_string_member_with_default (statement, "fhirVersion", "");
  if (g_strcmp0 (json_object_get_string_member_with_default (statement, "resourceType", ""), "CapabilityStatement") != 0 ||
      !g_str_has_prefix (version, "4.0"))
    {
      g_set_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_NOT_FHIR,
                   _("This server does not speak FHIR R4 (it says “%s”)"), version);
      return NULL;
    }

  return g_steal_pointer (&statement);
}

/**
 * fd_fhir_client_authenticate:
 * @self: the client
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #FD_SYNC_ERROR
 *
 * Makes sure the client holds what it needs to be let in: with OAuth2 client
 * credentials, an access token from the token endpoint (errors then name the
 * token endpoint); with the other modes there is nothing to fetch. Blocking.
 *
 * Returns: %TRUE if requests can carry credentials now
 */
gboolean
fd_fhir_client_authenticate (FdFhirClient  *self,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autofree char *token = NULL;

  g_return_val_if_fail (FD_IS_FHIR_CLIENT (self), FALSE);

  if (self->auth_mode != FD_AUTH_OAUTH2)
    return TRUE;
  token = oauth_token (self, NULL, cancellable, error);
  return token != NULL;
}

/**
 * fd_fhir_client_check_access:
 * @self: the client
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #FD_SYNC_ERROR, #FD_SYNC_ERROR_UNAUTHORIZED
 *   when the server refuses the credentials
 *
 * Many servers show their CapabilityStatement to anyone: this asks for
 * something only a signed-in client may read (how many patients there are,
 * and no patient's data) to learn whether the credentials are accepted.
 * Blocking.
 *
 * Returns: %TRUE if the server let the client in
 */
gboolean
fd_fhir_client_check_access (FdFhirClient  *self,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autoptr(JsonObject) answer = NULL;

  g_return_val_if_fail (FD_IS_FHIR_CLIENT (self), FALSE);

  answer = fd_fhir_client_get (self, "Patient?_summary=count", cancellable, error);
  return answer != NULL;
}

/**
 * fd_fhir_client_check_token_url:
 * @token_url: an OAuth2 token endpoint
 * @error: return location for a #FD_SYNC_ERROR_BAD_ADDRESS
 *
 * The token endpoint follows the rule of the server: https, or plain http
 * to this computer only.
 *
 * Returns: %TRUE if the address is usable
 */
gboolean
fd_fhir_client_check_token_url (const char  *token_url,
                                GError     **error)
{
  return check_token_url (token_url ? token_url : "", NULL, error);
}
