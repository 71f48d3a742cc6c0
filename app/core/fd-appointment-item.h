/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* What cached data shows to be missing before a visit */
typedef enum
{
  FD_MISSING_NONE     = 0,
  FD_MISSING_COVERAGE = 1 << 0,
  FD_MISSING_PHONE    = 1 << 1,
  FD_MISSING_ADDRESS  = 1 << 2,
} FdMissing;

#define FD_TYPE_APPOINTMENT_ITEM (fd_appointment_item_get_type ())
G_DECLARE_FINAL_TYPE (FdAppointmentItem, fd_appointment_item, FD, APPOINTMENT_ITEM, GObject)

FdAppointmentItem *fd_appointment_item_new                   (const char        *id,
                                                              gint64             start_unix,
                                                              gint64             end_unix,
                                                              const char        *status,
                                                              const char        *patient_id,
                                                              const char        *patient_display,
                                                              const char        *practitioner_id,
                                                              const char        *practitioner_display,
                                                              const char        *location_display,
                                                              const char        *description,
                                                              FdMissing          missing);
const char        *fd_appointment_item_get_id                (FdAppointmentItem *self);
gint64             fd_appointment_item_get_start             (FdAppointmentItem *self);
gint64             fd_appointment_item_get_end               (FdAppointmentItem *self);
const char        *fd_appointment_item_get_status            (FdAppointmentItem *self);
const char        *fd_appointment_item_get_patient_id        (FdAppointmentItem *self);
const char        *fd_appointment_item_get_patient_display   (FdAppointmentItem *self);
const char        *fd_appointment_item_get_practitioner_id   (FdAppointmentItem *self);
const char        *fd_appointment_item_get_practitioner_display (FdAppointmentItem *self);
const char        *fd_appointment_item_get_location_display  (FdAppointmentItem *self);
const char        *fd_appointment_item_get_description       (FdAppointmentItem *self);
FdMissing          fd_appointment_item_get_missing           (FdAppointmentItem *self);

G_END_DECLS
