/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "fd-money.h"

G_BEGIN_DECLS

#define FD_TYPE_PATIENT_ITEM (fd_patient_item_get_type ())
G_DECLARE_FINAL_TYPE (FdPatientItem, fd_patient_item, FD, PATIENT_ITEM, GObject)

FdPatientItem *fd_patient_item_new              (const char    *id,
                                                 const char    *display,
                                                 const char    *birth_date,
                                                 const char    *mrn,
                                                 const char    *phone);
const char    *fd_patient_item_get_id           (FdPatientItem *self);
const char    *fd_patient_item_get_display      (FdPatientItem *self);
const char    *fd_patient_item_get_birth_date   (FdPatientItem *self);
const char    *fd_patient_item_get_mrn          (FdPatientItem *self);
const char    *fd_patient_item_get_phone        (FdPatientItem *self);
const FdMoney *fd_patient_item_get_balance      (FdPatientItem *self);
void           fd_patient_item_set_balance      (FdPatientItem *self,
                                                 const FdMoney *balance);

G_END_DECLS
