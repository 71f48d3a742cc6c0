/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FD_TYPE_CALENDAR_VIEW (fd_calendar_view_get_type ())
G_DECLARE_FINAL_TYPE (FdCalendarView, fd_calendar_view, FD, CALENDAR_VIEW, GtkWidget)

/* Properties: "store" (FdStore), "date" (GDateTime, the day shown).
 * Signal: "patient-activated" (const char *patient_id). */

guint fd_calendar_view_get_n_columns (FdCalendarView *self);
guint fd_calendar_view_get_n_appointments (FdCalendarView *self);
gboolean fd_calendar_view_is_empty (FdCalendarView *self);

G_END_DECLS
