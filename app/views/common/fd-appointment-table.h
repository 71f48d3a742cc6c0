/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FD_TYPE_APPOINTMENT_TABLE (fd_appointment_table_get_type ())
G_DECLARE_FINAL_TYPE (FdAppointmentTable, fd_appointment_table, FD, APPOINTMENT_TABLE, GtkWidget)

void        fd_appointment_table_set_items   (FdAppointmentTable *self,
                                              GPtrArray          *items);
GListModel *fd_appointment_table_get_model   (FdAppointmentTable *self);
char       *fd_appointment_missing_text      (guint               missing);

G_END_DECLS
