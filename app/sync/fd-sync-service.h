/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "fd-fhir-client.h"
#include "fd-store.h"

G_BEGIN_DECLS

#define FD_TYPE_SYNC_SERVICE (fd_sync_service_get_type ())
G_DECLARE_FINAL_TYPE (FdSyncService, fd_sync_service, FD, SYNC_SERVICE, GObject)

FdSyncService *fd_sync_service_new              (FdStore       *store,
                                                 FdFhirClient  *client);
void           fd_sync_service_set_interval     (FdSyncService *self,
                                                 guint          seconds);
void           fd_sync_service_set_window       (FdSyncService *self,
                                                 guint          days_back,
                                                 guint          days_ahead);
void           fd_sync_service_start            (FdSyncService *self);
void           fd_sync_service_sync_now         (FdSyncService *self);
const char    *fd_sync_service_get_server_url   (FdSyncService *self);
gboolean       fd_sync_service_get_online       (FdSyncService *self);
gboolean       fd_sync_service_get_busy         (FdSyncService *self);
GDateTime     *fd_sync_service_get_offline_since (FdSyncService *self);
GDateTime     *fd_sync_service_get_last_sync    (FdSyncService *self);
const char    *fd_sync_service_get_last_error   (FdSyncService *self);
guint          fd_sync_service_get_first_sync_count (FdSyncService *self);
guint          fd_sync_service_get_progress     (FdSyncService *self);

FdFhirClient  *fd_sync_service_get_client       (FdSyncService *self);
GStrv          fd_sync_service_get_server_limits (FdSyncService *self);

void           fd_sync_service_search_patients_async  (FdSyncService       *self,
                                                       const char          *text,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GPtrArray     *fd_sync_service_search_patients_finish (FdSyncService       *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void           fd_sync_service_fetch_patient_async    (FdSyncService       *self,
                                                       const char          *patient_id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean       fd_sync_service_fetch_patient_finish   (FdSyncService       *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

G_END_DECLS
