/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "fd-store.h"

G_BEGIN_DECLS

/* What every view does with the store it is given and the day it shows */

gboolean fd_view_set_store          (FdStore   **store,
                                     gulong     *changed_id,
                                     FdStore    *new_store,
                                     GCallback   changed_cb,
                                     gpointer    user_data);
void     fd_view_clear_store        (FdStore   **store,
                                     gulong     *changed_id);
gboolean fd_view_set_date           (GDateTime **date,
                                     GDateTime  *new_date);
void     fd_view_unparent_children  (GtkWidget  *widget);
char    *fd_view_station_code       (void);
gboolean fd_view_show_toast         (GtkWidget  *widget,
                                     gpointer    toast);
GSettings *fd_view_settings         (void);

G_END_DECLS
