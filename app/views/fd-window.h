/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "fd-application.h"
#include "fd-store.h"
#include "fd-sync-service.h"

G_BEGIN_DECLS

#define FD_TYPE_WINDOW (fd_window_get_type ())
G_DECLARE_FINAL_TYPE (FdWindow, fd_window, FD, WINDOW, AdwApplicationWindow)

FdWindow   *fd_window_new              (FdApplication *application,
                                        FdStore       *store,
                                        const GError  *store_error);
void        fd_window_open_patient     (FdWindow      *self,
                                        const char    *patient_id);
const char *fd_window_get_search_note  (FdWindow      *self);
GListModel *fd_window_get_search_results (FdWindow    *self);
void        fd_window_set_sync_service (FdWindow      *self,
                                        FdSyncService *service);

G_END_DECLS
