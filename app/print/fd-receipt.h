/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "fd-print.h"

G_BEGIN_DECLS

double   fd_receipt_measure   (double               width,
                               const FdReceipt     *receipt,
                               const FdPrintClinic *clinic,
                               const char          *language);
void     fd_receipt_draw      (cairo_t             *cr,
                               double               width,
                               double               height,
                               const FdReceipt     *receipt,
                               const FdPrintClinic *clinic,
                               const char          *language);
gboolean fd_receipt_write_pdf (const char          *path,
                               FdPaper              paper,
                               const FdReceipt     *receipt,
                               const FdPrintClinic *clinic,
                               const char          *language,
                               GCancellable        *cancellable,
                               GError             **error);

G_END_DECLS
