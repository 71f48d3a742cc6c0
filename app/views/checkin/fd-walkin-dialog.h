/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "fd-store.h"

G_BEGIN_DECLS

#define FD_TYPE_WALKIN_DIALOG (fd_walkin_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FdWalkinDialog, fd_walkin_dialog, FD, WALKIN_DIALOG, AdwWindow)

FdWalkinDialog *fd_walkin_dialog_new (FdStore *store);

G_END_DECLS
