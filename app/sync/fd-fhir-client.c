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

struct _FdFhirClient
{
  GObject      parent_instance;

  SoupSession *session;
  GUri        *base;
  char        *base_url;
  char        *token;
};

G_DEFINE_FINAL_TYPE (FdFhirClient, fd_fhir_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (fd-sync-error-quark, fd_sync_error)

/* Helpers */

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

/* Object */

static void
fd_fhir_client_finalize (GObject *object)
{
  FdFhirClient *self = (FdFhirClient *)object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->base, g_uri_unref);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->token, g_free);

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
 * client with the same address, credentials and time limit.
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
  fd_fhir_client_set_token (copy, self->token);
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
 * fd_fhir_client_set_token:
 * @self: the client
 * @bearer_token: (nullable): an OAuth2 bearer token
 */
void
fd_fhir_client_set_token (FdFhirClient *self,
                          const char   *bearer_token)
{
  g_return_if_fail (FD_IS_FHIR_CLIENT (self));
  g_free (self->token);
  self->token = g_strdup (bearer_token && *bearer_token ? bearer_token : NULL);
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
set_transport_error (FdFhirClient  *self,
                     GError        *cause,
                     GError       **error)
{
  const char *host = g_uri_get_host (self->base);

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
  SoupMessageHeaders *headers;
  guint status;
  JsonNode *root;

  url = resolve (self, path_or_url, error);
  if (url == NULL)
    return NULL;

  msg = soup_message_new (method, url);
  if (msg == NULL)
    {
      g_set_error_literal (error, FD_SYNC_ERROR, FD_SYNC_ERROR_BAD_ADDRESS,
                           _("The request address is not valid"));
      return NULL;
    }
  /* Credentials and preconditions go to this server only, never where a redirect points */
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Accept", "application/fhir+json");
  /* The station keeps what the server stored: ask for it back */
  if (resource != NULL)
    soup_message_headers_replace (headers, "Prefer", "return=representation");
  if (self->token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", self->token);
      soup_message_headers_replace (headers, "Authorization", auth);
    }
  if (if_match_version != NULL)
    {
      g_autofree char *etag = g_strdup_printf ("W/\"%s\"", if_match_version);
      soup_message_headers_replace (headers, "If-Match", etag);
    }
  if (resource != NULL)
    {
      g_autofree char *json = fd_fhir_to_string (resource);
      gsize length = strlen (json);
      g_autoptr(GBytes) request = g_bytes_new_take (g_steal_pointer (&json), length);

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
      set_transport_error (self, local_error, error);
      return NULL;
    }

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
