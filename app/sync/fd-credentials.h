/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "fd-fhir-client.h"

G_BEGIN_DECLS

#define FD_CREDENTIALS_ERROR (fd_credentials_error_quark ())

typedef enum
{
  FD_CREDENTIALS_ERROR_NO_KEYRING,  /* no Secret Service answers on this computer */
  FD_CREDENTIALS_ERROR_NOT_FOUND,   /* the keyring holds no secret for this server */
  FD_CREDENTIALS_ERROR_INCOMPLETE,  /* a field the method needs is empty */
} FdCredentialsError;

/**
 * FdCredentialsSource:
 * @FD_CREDENTIALS_SOURCE_NONE: no secret
 * @FD_CREDENTIALS_SOURCE_ENVIRONMENT: the FRONTDESK_* environment variables
 * @FD_CREDENTIALS_SOURCE_KEYRING: the desktop keyring
 * @FD_CREDENTIALS_SOURCE_ENTERED: typed in by a person, not saved yet
 *
 * Where the secret of a #FdCredentials came from.
 */
typedef enum
{
  FD_CREDENTIALS_SOURCE_NONE,
  FD_CREDENTIALS_SOURCE_ENVIRONMENT,
  FD_CREDENTIALS_SOURCE_KEYRING,
  FD_CREDENTIALS_SOURCE_ENTERED,
} FdCredentialsSource;

/**
 * FdCredentials:
 * @mode: the authentication method
 * @user: the user name (HTTP Basic)
 * @token_url: the OAuth2 token endpoint
 * @client_id: the OAuth2 client id
 * @scope: the OAuth2 scopes, or %NULL
 * @secret: the password, bearer token or client secret; never logged,
 *   never written to settings or files
 * @source: where @secret came from
 *
 * How the station signs in to the clinic's server.
 */
typedef struct
{
  FdAuthMode           mode;
  char                *user;
  char                *token_url;
  char                *client_id;
  char                *scope;
  char                *secret;
  FdCredentialsSource  source;
} FdCredentials;

GQuark          fd_credentials_error_quark     (void);

const char     *fd_auth_mode_to_string         (FdAuthMode           mode);
gboolean        fd_auth_mode_from_string       (const char          *text,
                                                FdAuthMode          *mode);

FdCredentials  *fd_credentials_new             (FdAuthMode           mode);
FdCredentials  *fd_credentials_copy            (const FdCredentials *self);
void            fd_credentials_free            (FdCredentials       *self);
void            fd_credentials_set_secret      (FdCredentials       *self,
                                                const char          *secret,
                                                FdCredentialsSource  source);
FdCredentials  *fd_credentials_from_environment (void);
FdCredentials  *fd_credentials_from_settings   (GSettings           *settings);
gboolean        fd_credentials_save_settings   (const FdCredentials *self,
                                                GSettings           *settings);
gboolean        fd_credentials_check           (const FdCredentials *self,
                                                GError             **error);
gboolean        fd_credentials_apply           (const FdCredentials *self,
                                                FdFhirClient        *client,
                                                GError             **error);

char           *fd_credentials_lookup_secret   (const FdCredentials *self,
                                                const char          *server_url,
                                                GCancellable        *cancellable,
                                                GError             **error);
gboolean        fd_credentials_store_secret    (const FdCredentials *self,
                                                const char          *server_url,
                                                GCancellable        *cancellable,
                                                GError             **error);
gboolean        fd_credentials_clear_secret    (const FdCredentials *self,
                                                const char          *server_url,
                                                GCancellable        *cancellable,
                                                GError             **error);

void            fd_credentials_resolve_async   (const FdCredentials *self,
                                                const char          *server_url,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
FdCredentials  *fd_credentials_resolve_finish  (GAsyncResult        *result,
                                                GError             **error);
void            fd_credentials_store_async     (const FdCredentials *self,
                                                const char          *server_url,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean        fd_credentials_store_finish    (GAsyncResult        *result,
                                                GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdCredentials, fd_credentials_free)

G_END_DECLS
