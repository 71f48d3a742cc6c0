/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "fd-fhir-client.h"
#include "fd-store.h"

G_BEGIN_DECLS

#define FD_TYPE_CHECKIN_DIALOG (fd_checkin_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FdCheckinDialog, fd_checkin_dialog, FD, CHECKIN_DIALOG, AdwWindow)

FdCheckinDialog *fd_checkin_dialog_new               (FdStore         *store,
                                                      FdFhirClient    *client,
                                                      const char      *appointment_id);
const char      *fd_checkin_dialog_get_appointment_id (FdCheckinDialog *self);

G_END_DECLS
