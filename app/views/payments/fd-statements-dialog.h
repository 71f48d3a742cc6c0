/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "fd-store.h"

G_BEGIN_DECLS

#define FD_TYPE_STATEMENTS_DIALOG (fd_statements_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FdStatementsDialog, fd_statements_dialog, FD, STATEMENTS_DIALOG, AdwWindow)

/* The statement run: every guarantor with a balance above the threshold and
 * no statement in the interval, to one PDF or to the printer, rendered in a
 * worker thread with progress and cancel. The statement date is recorded per
 * account once they are out. Property "running" (read-only). */

FdStatementsDialog *fd_statements_dialog_new        (FdStore            *store);
void                fd_statements_dialog_run_to_pdf (FdStatementsDialog *self,
                                                     const char         *path);
void                fd_statements_dialog_cancel     (FdStatementsDialog *self);
gboolean            fd_statements_dialog_get_running (FdStatementsDialog *self);
guint               fd_statements_dialog_get_done   (FdStatementsDialog *self);
guint               fd_statements_dialog_get_total  (FdStatementsDialog *self);
const char         *fd_statements_dialog_get_status (FdStatementsDialog *self);

G_END_DECLS
