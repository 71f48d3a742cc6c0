/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "fd-store.h"
#include "fd-visit-item.h"

G_BEGIN_DECLS

#define FD_TYPE_BOARD_MODEL (fd_board_model_get_type ())
G_DECLARE_FINAL_TYPE (FdBoardModel, fd_board_model, FD, BOARD_MODEL, GObject)

FdBoardModel *fd_board_model_new          (void);
void          fd_board_model_set_store    (FdBoardModel       *self,
                                           FdStore            *store);
void          fd_board_model_set_day      (FdBoardModel       *self,
                                           const GDate        *day);
GListModel   *fd_board_model_get_model    (FdBoardModel       *self);
void          fd_board_model_reload       (FdBoardModel       *self);
void          fd_board_model_apply_change (FdBoardModel       *self,
                                           const char         *type,
                                           const char * const *ids);
FdVisitItem  *fd_board_model_lookup       (FdBoardModel       *self,
                                           const char         *appointment_id);
void          fd_board_model_set_live     (FdBoardModel       *self,
                                           gboolean            live);

G_END_DECLS
