/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "fd-account-pane.h"

G_BEGIN_DECLS

#define FD_TYPE_PAYMENTS_VIEW (fd_payments_view_get_type ())
G_DECLARE_FINAL_TYPE (FdPaymentsView, fd_payments_view, FD, PAYMENTS_VIEW, GtkWidget)

/* Properties: "store" (FdStore). Signal: "patient-activated" (const char *patient_id). */

GListModel    *fd_payments_view_get_model        (FdPaymentsView *self);
GtkWindow     *fd_payments_view_open_account     (FdPaymentsView *self,
                                                  const char     *patient_id,
                                                  gint64          amount_cents);
FdAccountPane *fd_payments_view_get_account_pane (FdPaymentsView *self);

G_END_DECLS
