/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "fd-ledger.h"
#include "fd-store.h"

G_BEGIN_DECLS

#define FD_TYPE_DRAWER_DIALOG (fd_drawer_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FdDrawerDialog, fd_drawer_dialog, FD, DRAWER_DIALOG, AdwWindow)

/* This station's cash drawer: open it with a starting float, see what it
 * should hold by method, count and close it with over/short, then print or
 * save the close-out report. */

FdDrawerDialog *fd_drawer_dialog_new              (FdStore         *store);
gint64          fd_drawer_dialog_get_session      (FdDrawerDialog  *self);
GtkEditable    *fd_drawer_dialog_get_float_entry  (FdDrawerDialog  *self);
GtkEditable    *fd_drawer_dialog_get_counted      (FdDrawerDialog  *self,
                                                   FdPaymentMethod  method);
const char     *fd_drawer_dialog_get_over_short   (FdDrawerDialog  *self,
                                                   FdPaymentMethod  method);
gboolean        fd_drawer_dialog_open_drawer      (FdDrawerDialog  *self);
gboolean        fd_drawer_dialog_close_drawer     (FdDrawerDialog  *self);

G_END_DECLS
