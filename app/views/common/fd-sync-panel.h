/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "fd-store.h"
#include "fd-sync-service.h"

G_BEGIN_DECLS

#define FD_TYPE_SYNC_PANEL (fd_sync_panel_get_type ())
G_DECLARE_FINAL_TYPE (FdSyncPanel, fd_sync_panel, FD, SYNC_PANEL, GtkWidget)

void  fd_sync_panel_set_store     (FdSyncPanel   *self,
                                   FdStore       *store);
void  fd_sync_panel_set_service   (FdSyncPanel   *self,
                                   FdSyncService *service);
void  fd_sync_panel_set_detail    (FdSyncPanel   *self,
                                   const char    *detail);
void  fd_sync_panel_reload        (FdSyncPanel   *self);
guint fd_sync_panel_get_n_changes (FdSyncPanel   *self);

G_END_DECLS
