/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "fd-fhir-client.h"

G_BEGIN_DECLS

/* A server search is asked for only when the station's own search found
 * fewer patients than this */
#define FD_PATIENT_SEARCH_LOCAL_FEW 5

GPtrArray *fd_patient_search_queries (const char    *text,
                                      guint          limit);
GPtrArray *fd_patient_search_server  (FdFhirClient  *client,
                                      const char    *text,
                                      guint          limit,
                                      GCancellable  *cancellable,
                                      GError       **error);

G_END_DECLS
