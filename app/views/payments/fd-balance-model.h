/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "fd-store.h"

G_BEGIN_DECLS

#define FD_TYPE_BALANCE_MODEL (fd_balance_model_get_type ())
G_DECLARE_FINAL_TYPE (FdBalanceModel, fd_balance_model, FD, BALANCE_MODEL, GObject)

/* A GListModel of FdPatientItem: the patients with an open balance, largest
 * first, read from the store a chunk at a time as rows are asked for. */

FdBalanceModel *fd_balance_model_new        (FdStore        *store);
FdStore        *fd_balance_model_get_store  (FdBalanceModel *self);
void            fd_balance_model_reload     (FdBalanceModel *self);

G_END_DECLS
