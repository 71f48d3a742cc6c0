/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "fd-ledger.h"
#include "fd-store.h"

G_BEGIN_DECLS

#define FD_TYPE_REFUND_DIALOG (fd_refund_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FdRefundDialog, fd_refund_dialog, FD, REFUND_DIALOG, AdwWindow)

/* Giving back part or all of a payment, by the method the desk chooses
 * (the payment's own to begin with): cash, a check with its number, or a
 * card with its brand, last four digits and authorization, behind the same
 * card-number guard as taking a payment. Ctrl+Enter refunds. Signal
 * "refunded" (const char *refund_receipt) once the refund is in the ledger;
 * the dialog then closes. Fields for fd_refund_dialog_get_field(): the
 * FD_PAYMENT_FIELD_ names for the amount and the method's fields, and
 * FD_REFUND_FIELD_REASON. */

#define FD_REFUND_FIELD_REASON "reason"

FdRefundDialog  *fd_refund_dialog_new         (FdStore         *store,
                                               const char      *receipt_number);
FdPaymentMethod  fd_refund_dialog_get_method  (FdRefundDialog  *self);
void             fd_refund_dialog_set_method  (FdRefundDialog  *self,
                                               FdPaymentMethod  method);
GtkEditable     *fd_refund_dialog_get_field   (FdRefundDialog  *self,
                                               const char      *field);
GtkLabel        *fd_refund_dialog_get_message (FdRefundDialog  *self);
gboolean         fd_refund_dialog_post        (FdRefundDialog  *self);

G_END_DECLS
