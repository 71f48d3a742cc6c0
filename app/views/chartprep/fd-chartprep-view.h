/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FD_TYPE_CHARTPREP_VIEW (fd_chartprep_view_get_type ())
G_DECLARE_FINAL_TYPE (FdChartprepView, fd_chartprep_view, FD, CHARTPREP_VIEW, GtkWidget)

GListModel *fd_chartprep_view_get_model (FdChartprepView *self);

G_END_DECLS
