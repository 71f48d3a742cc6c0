/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "fd-fhir-client.h"

G_BEGIN_DECLS

#define FD_TYPE_CHECKIN_VIEW (fd_checkin_view_get_type ())
G_DECLARE_FINAL_TYPE (FdCheckinView, fd_checkin_view, FD, CHECKIN_VIEW, GtkWidget)

GListModel *fd_checkin_view_get_model        (FdCheckinView *self);
GListModel *fd_checkin_view_get_shown        (FdCheckinView *self);
void        fd_checkin_view_open_checkin     (FdCheckinView *self,
                                              const char    *appointment_id);
GtkWindow  *fd_checkin_view_get_dialog       (FdCheckinView *self);
void        fd_checkin_view_set_client       (FdCheckinView *self,
                                              FdFhirClient  *client);

G_END_DECLS
