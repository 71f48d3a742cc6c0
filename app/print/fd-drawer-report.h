/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "fd-print.h"

G_BEGIN_DECLS

guint    fd_drawer_report_count_pages (double                width,
                                       double                height,
                                       const FdDrawerReport *report,
                                       const FdPrintClinic  *clinic,
                                       const char           *language);
void     fd_drawer_report_draw_page   (cairo_t              *cr,
                                       double                width,
                                       double                height,
                                       const FdDrawerReport *report,
                                       const FdPrintClinic  *clinic,
                                       const char           *language,
                                       guint                 page_index);
gboolean fd_drawer_report_write_pdf   (const char           *path,
                                       FdPaper               paper,
                                       const FdDrawerReport *report,
                                       const FdPrintClinic  *clinic,
                                       const char           *language,
                                       GCancellable         *cancellable,
                                       GError              **error);

G_END_DECLS
