/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Where a visit stands on the desk's flow board */
typedef enum
{
  FD_FLOW_SCHEDULED,
  FD_FLOW_ARRIVED,
  FD_FLOW_ROOMED,
  FD_FLOW_CHECKED_OUT,
  FD_FLOW_NO_SHOW,
  FD_FLOW_CANCELLED,
  FD_FLOW_N_STATES
} FdFlowState;

#define FD_FHIR_EXT_CHANGED_BY "http://frontdesk.org/fhir/StructureDefinition/status-changed-by"
#define FD_FHIR_EXT_CHANGE_REASON "http://frontdesk.org/fhir/StructureDefinition/status-change-reason"

FdFlowState  fd_flow_state_from_status   (const char   *appointment_status,
                                          const char   *encounter_status);
const char  *fd_flow_state_label         (FdFlowState   state);

char        *fd_checkin_encounter_id     (const char   *appointment_id);
JsonObject  *fd_checkin_new_encounter    (JsonObject   *appointment,
                                          GDateTime    *now,
                                          const char   *who);
void         fd_encounter_change_status  (JsonObject   *encounter,
                                          const char   *status,
                                          GDateTime    *now,
                                          const char   *who,
                                          const char   *reason);
void         fd_encounter_set_room       (JsonObject   *encounter,
                                          const char   *room,
                                          GDateTime    *now);
const char  *fd_encounter_get_room       (JsonObject   *encounter);
gboolean     fd_encounter_last_change    (JsonObject   *encounter,
                                          const char  **who,
                                          const char  **since);
const char  *fd_encounter_arrived_at     (JsonObject   *encounter);
gboolean     fd_encounter_checked_in_by  (JsonObject   *encounter,
                                          const char  **who,
                                          const char  **since);
const char  *fd_encounter_reopen_room    (JsonObject   *encounter);
const char  *fd_encounter_previous_status (JsonObject  *encounter);

/* A coverage as the desk types it from an insurance card */
typedef struct
{
  const char *patient_id;
  const char *patient_display;
  const char *payer_id;
  const char *payer_display;
  const char *member_id;
  const char *group;          /* nullable */
  const char *relationship;   /* self, spouse, child, other */
  const char *subscriber;     /* nullable: the policy holder's name when not self */
  const char *start;          /* YYYY-MM-DD */
  const char *end;            /* nullable */
  gint64      copay_cents;    /* < 0: none on the card */
  const char *currency;
} FdCoverageInput;

JsonObject  *fd_coverage_new             (const FdCoverageInput *input,
                                          const char   *id);

G_END_DECLS
