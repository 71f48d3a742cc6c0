/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "fd-checkin.h"
#include "fd-demographics.h"
#include "fd-store.h"
#include "fd-visit-item.h"

G_BEGIN_DECLS

/* A patient the desk may be about to register twice */
typedef struct
{
  char *patient_id;
  char *display;
  char *birth_date;
  char *phone;
  char *mrn;
  char *why;   /* what matched, in words */
} FdDuplicateCandidate;

/* What a walk-in is registered with */
typedef struct
{
  const char *family;
  const char *given;
  const char *birth_date;   /* YYYY-MM-DD */
  const char *gender;       /* male, female, other, unknown */
  const char *phone;        /* as the record keeps it, or NULL */
  const char *practitioner_id;
  const char *location_id;  /* or NULL */
} FdWalkin;

GPtrArray  *fd_store_list_visits          (FdStore            *self,
                                           const GDate        *day,
                                           gint64              now_unix,
                                           GError            **error);
GPtrArray  *fd_store_get_visits           (FdStore            *self,
                                           const char * const *appointment_ids,
                                           gint64              now_unix,
                                           GError            **error);
GPtrArray  *fd_store_visits_touched       (FdStore            *self,
                                           const GDate        *day,
                                           const char         *type,
                                           const char * const *ids,
                                           GError            **error);
FdVisitItem *fd_store_get_visit           (FdStore            *self,
                                           const char         *appointment_id,
                                           gint64              now_unix,
                                           GError            **error);
char       *fd_store_find_encounter       (FdStore            *self,
                                           const char         *appointment_id);
char       *fd_store_find_today_appointment (FdStore          *self,
                                             const char       *patient_id,
                                             const GDate      *day);
GHashTable *fd_store_patients_seen_on     (FdStore            *self,
                                           const GDate        *day,
                                           GError            **error);

gboolean    fd_store_checkin              (FdStore            *self,
                                           const char         *appointment_id,
                                           const FdDemographics *original,
                                           const FdDemographics *typed,
                                           GDateTime          *now,
                                           const char         *who,
                                           GError            **error);
gboolean    fd_store_change_visit         (FdStore            *self,
                                           const char         *appointment_id,
                                           FdFlowState         state,
                                           const char         *room,
                                           GDateTime          *now,
                                           const char         *who,
                                           GError            **error);
gboolean    fd_store_undo_visit           (FdStore            *self,
                                           const char         *appointment_id,
                                           const char         *reason,
                                           GDateTime          *now,
                                           const char         *who,
                                           GError            **error);

gboolean    fd_store_form_on_file         (FdStore            *self,
                                           const char         *patient_id,
                                           const char         *form_code,
                                           gint64              now_unix,
                                           gint64             *recorded_unix,
                                           GError            **error);
gboolean    fd_store_receive_form         (FdStore            *self,
                                           const char         *patient_id,
                                           const char         *form_code,
                                           GDateTime          *now,
                                           GError            **error);
gboolean    fd_store_verified_on          (FdStore            *self,
                                           const char         *coverage_id,
                                           gint64              day_start_unix,
                                           gint64             *checked_unix);

GPtrArray  *fd_store_list_payers          (FdStore            *self,
                                           GError            **error);
gboolean    fd_store_replace_coverage     (FdStore            *self,
                                           JsonObject         *coverage,
                                           const char         *replaced_id,
                                           GDateTime          *now,
                                           GError            **error);

GPtrArray  *fd_store_find_duplicates      (FdStore            *self,
                                           const char         *family,
                                           const char         *given,
                                           const char         *birth_date,
                                           const char         *phone,
                                           const char         *mrn,
                                           GError            **error);
char       *fd_store_register_walkin      (FdStore            *self,
                                           const FdWalkin     *walkin,
                                           const char         *existing_patient_id,
                                           GDateTime          *now,
                                           const char         *who,
                                           GError            **error);

void        fd_duplicate_candidate_free   (FdDuplicateCandidate *candidate);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdDuplicateCandidate, fd_duplicate_candidate_free)

G_END_DECLS
