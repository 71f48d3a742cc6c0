/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "fd-store.h"

G_BEGIN_DECLS

#define FD_TYPE_CONFLICT_DIALOG (fd_conflict_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FdConflictDialog, fd_conflict_dialog, FD, CONFLICT_DIALOG, AdwWindow)

FdConflictDialog *fd_conflict_dialog_new          (GtkWindow      *parent,
                                                   FdStore        *store,
                                                   FdOutboxEntry  *entry);
guint             fd_conflict_dialog_get_n_fields (FdConflictDialog *self);

G_END_DECLS
