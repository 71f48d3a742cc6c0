/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fd-sync-error.h"

G_BEGIN_DECLS

/**
 * FdAuthMode:
 * @FD_AUTH_NONE: no credentials
 * @FD_AUTH_BEARER: a fixed bearer token
 * @FD_AUTH_BASIC: HTTP Basic, user name and password
 * @FD_AUTH_OAUTH2: OAuth2 client credentials, for a bearer token
 *
 * How the station proves who it is to the clinic's server.
 */
typedef enum
{
  FD_AUTH_NONE,
  FD_AUTH_BEARER,
  FD_AUTH_BASIC,
  FD_AUTH_OAUTH2,
} FdAuthMode;

#define FD_TYPE_FHIR_CLIENT (fd_fhir_client_get_type ())
G_DECLARE_FINAL_TYPE (FdFhirClient, fd_fhir_client, FD, FHIR_CLIENT, GObject)

FdFhirClient *fd_fhir_client_new            (const char    *base_url,
                                             GError       **error);
FdFhirClient *fd_fhir_client_copy           (FdFhirClient  *self);
const char   *fd_fhir_client_get_base_url   (FdFhirClient  *self);
FdAuthMode    fd_fhir_client_get_auth_mode  (FdFhirClient  *self);
void          fd_fhir_client_set_token      (FdFhirClient  *self,
                                             const char    *bearer_token);
void          fd_fhir_client_set_basic      (FdFhirClient  *self,
                                             const char    *user,
                                             const char    *password);
gboolean      fd_fhir_client_set_oauth2     (FdFhirClient  *self,
                                             const char    *token_url,
                                             const char    *client_id,
                                             const char    *client_secret,
                                             const char    *scope,
                                             GError       **error);
void          fd_fhir_client_set_timeout    (FdFhirClient  *self,
                                             guint          seconds);
JsonObject   *fd_fhir_client_get            (FdFhirClient  *self,
                                             const char    *path_or_url,
                                             GCancellable  *cancellable,
                                             GError       **error);
JsonObject   *fd_fhir_client_put            (FdFhirClient  *self,
                                             JsonObject    *resource,
                                             const char    *if_match_version,
                                             GCancellable  *cancellable,
                                             GError       **error);
JsonObject   *fd_fhir_client_post_batch     (FdFhirClient  *self,
                                             JsonObject    *bundle,
                                             GCancellable  *cancellable,
                                             GError       **error);
gboolean      fd_fhir_client_check_token_url (const char   *token_url,
                                              GError      **error);
gboolean      fd_fhir_client_authenticate   (FdFhirClient  *self,
                                             GCancellable  *cancellable,
                                             GError       **error);
gboolean      fd_fhir_client_check_access   (FdFhirClient  *self,
                                             GCancellable  *cancellable,
                                             GError       **error);
JsonObject   *fd_fhir_client_read_capabilities (FdFhirClient *self,
                                                GCancellable *cancellable,
                                                GError      **error);

G_END_DECLS
