/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fd-sync-error.h"

G_BEGIN_DECLS

#define FD_TYPE_FHIR_CLIENT (fd_fhir_client_get_type ())
G_DECLARE_FINAL_TYPE (FdFhirClient, fd_fhir_client, FD, FHIR_CLIENT, GObject)

FdFhirClient *fd_fhir_client_new            (const char    *base_url,
                                             GError       **error);
FdFhirClient *fd_fhir_client_copy           (FdFhirClient  *self);
const char   *fd_fhir_client_get_base_url   (FdFhirClient  *self);
void          fd_fhir_client_set_token      (FdFhirClient  *self,
                                             const char    *bearer_token);
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
JsonObject   *fd_fhir_client_read_capabilities (FdFhirClient *self,
                                                GCancellable *cancellable,
                                                GError      **error);

G_END_DECLS
