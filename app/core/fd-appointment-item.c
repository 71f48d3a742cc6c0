/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdAppointmentItem"

#include "fd-appointment-item.h"

/* One appointment as the day lists show it, with the names already resolved. */
struct _FdAppointmentItem
{
  GObject    parent_instance;

  char      *id;
  gint64     start_unix;
  gint64     end_unix;
  char      *status;
  char      *patient_id;
  char      *patient_display;
  char      *practitioner_id;
  char      *practitioner_display;
  char      *location_display;
  char      *description;
  FdMissing  missing;
};

G_DEFINE_FINAL_TYPE (FdAppointmentItem, fd_appointment_item, G_TYPE_OBJECT)

static void
fd_appointment_item_finalize (GObject *object)
{
  FdAppointmentItem *self = (FdAppointmentItem *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->patient_id, g_free);
  g_clear_pointer (&self->patient_display, g_free);
  g_clear_pointer (&self->practitioner_id, g_free);
  g_clear_pointer (&self->practitioner_display, g_free);
  g_clear_pointer (&self->location_display, g_free);
  g_clear_pointer (&self->description, g_free);

  G_OBJECT_CLASS (fd_appointment_item_parent_class)->finalize (object);
}

static void
fd_appointment_item_class_init (FdAppointmentItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fd_appointment_item_finalize;
}

static void
fd_appointment_item_init (FdAppointmentItem *self)
{
}

/**
 * fd_appointment_item_new:
 *
 * Returns: (transfer full): a new item; times are seconds since the epoch
 */
FdAppointmentItem *
fd_appointment_item_new (const char *id,
                         gint64      start_unix,
                         gint64      end_unix,
                         const char *status,
                         const char *patient_id,
                         const char *patient_display,
                         const char *practitioner_id,
                         const char *practitioner_display,
                         const char *location_display,
                         const char *description,
                         FdMissing   missing)
{
  FdAppointmentItem *self = g_object_new (FD_TYPE_APPOINTMENT_ITEM, NULL);

  self->id = g_strdup (id);
  self->start_unix = start_unix;
  self->end_unix = end_unix;
  self->status = g_strdup (status);
  self->patient_id = g_strdup (patient_id);
  self->patient_display = g_strdup (patient_display);
  self->practitioner_id = g_strdup (practitioner_id);
  self->practitioner_display = g_strdup (practitioner_display);
  self->location_display = g_strdup (location_display);
  self->description = g_strdup (description);
  self->missing = missing;

  return self;
}

#define GETTER(type, name) \
  type \
  fd_appointment_item_get_##name (FdAppointmentItem *self) \
  { \
    g_return_val_if_fail (FD_IS_APPOINTMENT_ITEM (self), (type) 0); \
    return self->name; \
  }

GETTER (const char *, id)
GETTER (const char *, status)
GETTER (const char *, patient_id)
GETTER (const char *, patient_display)
GETTER (const char *, practitioner_id)
GETTER (const char *, practitioner_display)
GETTER (const char *, location_display)
GETTER (const char *, description)
GETTER (FdMissing, missing)

gint64
fd_appointment_item_get_start (FdAppointmentItem *self)
{
  g_return_val_if_fail (FD_IS_APPOINTMENT_ITEM (self), 0);
  return self->start_unix;
}

gint64
fd_appointment_item_get_end (FdAppointmentItem *self)
{
  g_return_val_if_fail (FD_IS_APPOINTMENT_ITEM (self), 0);
  return self->end_unix;
}
