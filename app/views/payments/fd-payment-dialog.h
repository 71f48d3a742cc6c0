/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "fd-ledger.h"
#include "fd-store.h"

G_BEGIN_DECLS

#define FD_TYPE_PAYMENT_DIALOG (fd_payment_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FdPaymentDialog, fd_payment_dialog, FD, PAYMENT_DIALOG, AdwWindow)

/* Taking a payment, keyboard first: Enter moves on, Ctrl+Enter posts.
 * Signal "posted" (const char *receipt_number, gint64 change_cents) once the
 * payment is in the ledger; the dialog then closes. */

/* The fields of a method line, for fd_payment_dialog_get_field() */
#define FD_PAYMENT_FIELD_AMOUNT        "amount"
#define FD_PAYMENT_FIELD_TENDERED      "tendered"
#define FD_PAYMENT_FIELD_CHECK_NUMBER  "check-number"
#define FD_PAYMENT_FIELD_CARD_BRAND    "card-brand"
#define FD_PAYMENT_FIELD_CARD_LAST4    "card-last4"
#define FD_PAYMENT_FIELD_AUTHORIZATION "authorization"

FdPaymentDialog *fd_payment_dialog_new         (FdStore         *store,
                                                const char      *patient_id,
                                                gint64           amount_cents);
gint64           fd_payment_dialog_get_due     (FdPaymentDialog *self);
guint            fd_payment_dialog_add_method  (FdPaymentDialog *self);
void             fd_payment_dialog_set_method  (FdPaymentDialog *self,
                                                guint            line,
                                                FdPaymentMethod  method);
GtkEditable     *fd_payment_dialog_get_field   (FdPaymentDialog *self,
                                                guint            line,
                                                const char      *field);
GtkLabel        *fd_payment_dialog_get_message (FdPaymentDialog *self,
                                                guint            line);
gboolean         fd_payment_dialog_post        (FdPaymentDialog *self);

G_END_DECLS
