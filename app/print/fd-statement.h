/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "fd-print.h"

G_BEGIN_DECLS

guint    fd_statement_count_pages  (double               width,
                                    double               height,
                                    const FdStatement   *statement,
                                    const FdPrintClinic *clinic,
                                    const char          *language);
void     fd_statement_draw_page    (cairo_t             *cr,
                                    double               width,
                                    double               height,
                                    const FdStatement   *statement,
                                    const FdPrintClinic *clinic,
                                    const char          *language,
                                    guint                page_index);
gboolean fd_statement_write_pdf    (const char          *path,
                                    FdPaper              paper,
                                    const FdStatement   *statement,
                                    const FdPrintClinic *clinic,
                                    const char          *language,
                                    GCancellable        *cancellable,
                                    GError             **error);
gboolean fd_statements_write_pdf   (const char                 *path,
                                    FdPaper                     paper,
                                    const FdStatement * const  *statements,
                                    guint                       n_statements,
                                    const FdPrintClinic        *clinic,
                                    FdPrintProgressFunc         progress,
                                    gpointer                    user_data,
                                    GCancellable               *cancellable,
                                    GError                    **error);

G_END_DECLS
