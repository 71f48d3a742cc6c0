/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdVisitItem"

#include "config.h"

#include "fd-visit-item.h"

/* One row of the flow board: an appointment of the day and where its
 * visit stands. Immutable; the board replaces a row when it changes. */
struct _FdVisitItem
{
  GObject            parent_instance;

  FdAppointmentItem *appointment;
  char              *encounter_id;
  char              *encounter_status;
  gint64             arrived_unix;
  gint64             since_unix;
  char              *changed_by;
  char              *room;
  FdOutstanding      outstanding;
  guint              forms_missing;
  FdMoney            copay;
  FdFlowState        state;
};

G_DEFINE_FINAL_TYPE (FdVisitItem, fd_visit_item, G_TYPE_OBJECT)

static void
fd_visit_item_finalize (GObject *object)
{
  FdVisitItem *self = (FdVisitItem *)object;

  g_clear_object (&self->appointment);
  g_free (self->encounter_id);
  g_free (self->encounter_status);
  g_free (self->changed_by);
  g_free (self->room);

  G_OBJECT_CLASS (fd_visit_item_parent_class)->finalize (object);
}

static void
fd_visit_item_class_init (FdVisitItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fd_visit_item_finalize;
}

static void
fd_visit_item_init (FdVisitItem *self)
{
}

/**
 * fd_visit_item_new:
 * @appointment: the appointment
 * @info: where its visit stands
 *
 * Returns: (transfer full): a new row
 */
FdVisitItem *
fd_visit_item_new (FdAppointmentItem *appointment,
                   const FdVisitInfo *info)
{
  FdVisitItem *self = g_object_new (FD_TYPE_VISIT_ITEM, NULL);

  self->appointment = g_object_ref (appointment);
  self->encounter_id = g_strdup (info->encounter_id);
  self->encounter_status = g_strdup (info->encounter_status);
  self->arrived_unix = info->arrived_unix;
  self->since_unix = info->since_unix;
  self->changed_by = g_strdup (info->changed_by);
  self->room = g_strdup (info->room);
  self->outstanding = info->outstanding;
  self->forms_missing = info->forms_missing;
  self->copay = info->copay;
  self->state = fd_flow_state_from_status (fd_appointment_item_get_status (appointment),
                                           info->encounter_status);
  return self;
}

FdAppointmentItem *
fd_visit_item_get_appointment (FdVisitItem *self)
{
  g_return_val_if_fail (FD_IS_VISIT_ITEM (self), NULL);
  return self->appointment;
}

const char *
fd_visit_item_get_id (FdVisitItem *self)
{
  g_return_val_if_fail (FD_IS_VISIT_ITEM (self), NULL);
  return fd_appointment_item_get_id (self->appointment);
}

FdFlowState
fd_visit_item_get_state (FdVisitItem *self)
{
  g_return_val_if_fail (FD_IS_VISIT_ITEM (self), FD_FLOW_SCHEDULED);
  return self->state;
}

const char *
fd_visit_item_get_encounter_id (FdVisitItem *self)
{
  g_return_val_if_fail (FD_IS_VISIT_ITEM (self), NULL);
  return self->encounter_id;
}

const char *
fd_visit_item_get_encounter_status (FdVisitItem *self)
{
  g_return_val_if_fail (FD_IS_VISIT_ITEM (self), NULL);
  return self->encounter_status;
}

gint64
fd_visit_item_get_arrived (FdVisitItem *self)
{
  g_return_val_if_fail (FD_IS_VISIT_ITEM (self), 0);
  return self->arrived_unix;
}

gint64
fd_visit_item_get_since (FdVisitItem *self)
{
  g_return_val_if_fail (FD_IS_VISIT_ITEM (self), 0);
  return self->since_unix;
}

const char *
fd_visit_item_get_changed_by (FdVisitItem *self)
{
  g_return_val_if_fail (FD_IS_VISIT_ITEM (self), NULL);
  return self->changed_by;
}

const char *
fd_visit_item_get_room (FdVisitItem *self)
{
  g_return_val_if_fail (FD_IS_VISIT_ITEM (self), NULL);
  return self->room;
}

FdOutstanding
fd_visit_item_get_outstanding (FdVisitItem *self)
{
  g_return_val_if_fail (FD_IS_VISIT_ITEM (self), FD_OUTSTANDING_NONE);
  return self->outstanding;
}

guint
fd_visit_item_get_forms_missing (FdVisitItem *self)
{
  g_return_val_if_fail (FD_IS_VISIT_ITEM (self), 0);
  return self->forms_missing;
}

const FdMoney *
fd_visit_item_get_copay (FdVisitItem *self)
{
  g_return_val_if_fail (FD_IS_VISIT_ITEM (self), NULL);
  return &self->copay;
}
