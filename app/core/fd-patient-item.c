/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdPatientItem"

#include "fd-patient-item.h"

/* One patient as lists show it: a row of the search results or of the balances. */
struct _FdPatientItem
{
  GObject  parent_instance;

  char    *id;
  char    *display;
  char    *birth_date;
  char    *mrn;
  char    *phone;
  FdMoney  balance;
};

G_DEFINE_FINAL_TYPE (FdPatientItem, fd_patient_item, G_TYPE_OBJECT)

static void
fd_patient_item_finalize (GObject *object)
{
  FdPatientItem *self = (FdPatientItem *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->display, g_free);
  g_clear_pointer (&self->birth_date, g_free);
  g_clear_pointer (&self->mrn, g_free);
  g_clear_pointer (&self->phone, g_free);

  G_OBJECT_CLASS (fd_patient_item_parent_class)->finalize (object);
}

static void
fd_patient_item_class_init (FdPatientItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fd_patient_item_finalize;
}

static void
fd_patient_item_init (FdPatientItem *self)
{
  fd_money_init (&self->balance, 0, NULL);
}

/**
 * fd_patient_item_new:
 * @id: the Patient id
 * @display: "Family, Given"
 * @birth_date: (nullable): ISO date
 * @mrn: (nullable): medical record number
 * @phone: (nullable): phone as recorded
 *
 * Returns: (transfer full): a new item
 */
FdPatientItem *
fd_patient_item_new (const char *id,
                     const char *display,
                     const char *birth_date,
                     const char *mrn,
                     const char *phone)
{
  FdPatientItem *self = g_object_new (FD_TYPE_PATIENT_ITEM, NULL);

  self->id = g_strdup (id);
  self->display = g_strdup (display);
  self->birth_date = g_strdup (birth_date);
  self->mrn = g_strdup (mrn);
  self->phone = g_strdup (phone);

  return self;
}

const char *
fd_patient_item_get_id (FdPatientItem *self)
{
  g_return_val_if_fail (FD_IS_PATIENT_ITEM (self), NULL);
  return self->id;
}

const char *
fd_patient_item_get_display (FdPatientItem *self)
{
  g_return_val_if_fail (FD_IS_PATIENT_ITEM (self), NULL);
  return self->display;
}

const char *
fd_patient_item_get_birth_date (FdPatientItem *self)
{
  g_return_val_if_fail (FD_IS_PATIENT_ITEM (self), NULL);
  return self->birth_date;
}

const char *
fd_patient_item_get_mrn (FdPatientItem *self)
{
  g_return_val_if_fail (FD_IS_PATIENT_ITEM (self), NULL);
  return self->mrn;
}

const char *
fd_patient_item_get_phone (FdPatientItem *self)
{
  g_return_val_if_fail (FD_IS_PATIENT_ITEM (self), NULL);
  return self->phone;
}

const FdMoney *
fd_patient_item_get_balance (FdPatientItem *self)
{
  g_return_val_if_fail (FD_IS_PATIENT_ITEM (self), NULL);
  return &self->balance;
}

void
fd_patient_item_set_balance (FdPatientItem *self,
                             const FdMoney *balance)
{
  g_return_if_fail (FD_IS_PATIENT_ITEM (self));
  self->balance = *balance;
}
