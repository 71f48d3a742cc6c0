/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "fd-appointment-item.h"
#include "fd-checkin.h"
#include "fd-money.h"

G_BEGIN_DECLS

/* What stands between a patient and the visit, as the board shows it */
typedef enum
{
  FD_OUTSTANDING_NONE          = 0,
  FD_OUTSTANDING_NO_COVERAGE   = 1 << 0,
  FD_OUTSTANDING_NOT_VERIFIED  = 1 << 1,
  FD_OUTSTANDING_FORMS         = 1 << 2,
  FD_OUTSTANDING_COPAY         = 1 << 3,
} FdOutstanding;

typedef struct
{
  const char    *encounter_id;
  const char    *encounter_status;
  gint64         arrived_unix;   /* 0: not arrived */
  gint64         since_unix;     /* when the current status began; 0: unknown */
  const char    *changed_by;
  const char    *room;
  FdOutstanding  outstanding;
  guint          forms_missing;
  FdMoney        copay;          /* due today; zero when none */
} FdVisitInfo;

#define FD_TYPE_VISIT_ITEM (fd_visit_item_get_type ())
G_DECLARE_FINAL_TYPE (FdVisitItem, fd_visit_item, FD, VISIT_ITEM, GObject)

FdVisitItem       *fd_visit_item_new               (FdAppointmentItem *appointment,
                                                    const FdVisitInfo *info);
FdAppointmentItem *fd_visit_item_get_appointment   (FdVisitItem       *self);
const char        *fd_visit_item_get_id            (FdVisitItem       *self);
FdFlowState        fd_visit_item_get_state         (FdVisitItem       *self);
const char        *fd_visit_item_get_encounter_id  (FdVisitItem       *self);
const char        *fd_visit_item_get_encounter_status (FdVisitItem    *self);
gint64             fd_visit_item_get_arrived       (FdVisitItem       *self);
gint64             fd_visit_item_get_since         (FdVisitItem       *self);
const char        *fd_visit_item_get_changed_by    (FdVisitItem       *self);
const char        *fd_visit_item_get_room          (FdVisitItem       *self);
FdOutstanding      fd_visit_item_get_outstanding   (FdVisitItem       *self);
guint              fd_visit_item_get_forms_missing (FdVisitItem       *self);
const FdMoney     *fd_visit_item_get_copay         (FdVisitItem       *self);

G_END_DECLS
