/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FD_TYPE_PATIENT_PANEL (fd_patient_panel_get_type ())
G_DECLARE_FINAL_TYPE (FdPatientPanel, fd_patient_panel, FD, PATIENT_PANEL, GtkWidget)

void        fd_patient_panel_set_patient_id (FdPatientPanel *self,
                                             const char     *patient_id);
const char *fd_patient_panel_get_patient_id (FdPatientPanel *self);

G_END_DECLS
