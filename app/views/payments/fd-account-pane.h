/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "fd-store.h"

G_BEGIN_DECLS

#define FD_TYPE_ACCOUNT_PANE (fd_account_pane_get_type ())
G_DECLARE_FINAL_TYPE (FdAccountPane, fd_account_pane, FD, ACCOUNT_PANE, GtkWidget)

/* One patient's account at the cashier: what is owed and why (balance,
 * credit, aging, today's co-pay, activity) and the receipts, with Reprint,
 * Void and Refund. Properties: "store" (FdStore), "patient-id". */

void        fd_account_pane_set_patient_id  (FdAccountPane *self,
                                             const char    *patient_id);
const char *fd_account_pane_get_patient_id  (FdAccountPane *self);
GtkWindow  *fd_account_pane_take_payment    (FdAccountPane *self,
                                             gint64         amount_cents);
const char *fd_account_pane_get_last_receipt (FdAccountPane *self);
const char *fd_account_pane_get_change_text (FdAccountPane *self);
gboolean    fd_account_pane_void            (FdAccountPane *self,
                                             const char    *receipt_number,
                                             const char    *reason,
                                             GError       **error);

G_END_DECLS
