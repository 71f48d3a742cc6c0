/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "fd-fhir-client.h"
#include "fd-money.h"
#include "fd-store.h"

G_BEGIN_DECLS

typedef enum
{
  FD_ELIGIBILITY_ACTIVE,        /* the payer says the coverage is in force */
  FD_ELIGIBILITY_INACTIVE,      /* the payer says it is not */
  FD_ELIGIBILITY_ERROR,         /* the payer answered, but could not tell */
  FD_ELIGIBILITY_NOT_VERIFIED,  /* no answer from the payer (yet) */
} FdEligibilityState;

typedef struct
{
  FdEligibilityState  state;
  char               *message;      /* plain language, translated: why not active / not verified;
                                     * %NULL when active */
  gboolean            has_copay;
  FdMoney             copay;        /* from the payer's answer */
  GDateTime          *checked_at;   /* when the payer answered; %NULL when not verified */
  gboolean            queued;       /* the request waits to be sent or answered */
  char               *request_id;
  char               *disposition;  /* the payer's own words, untranslated; may be %NULL */
} FdEligibilityResult;

void                 fd_eligibility_check_async   (FdStore              *store,
                                                   FdFhirClient         *client,
                                                   const char           *coverage_id,
                                                   const char           *practitioner_id,
                                                   guint                 timeout_seconds,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
FdEligibilityResult *fd_eligibility_check_finish  (GAsyncResult         *result,
                                                   GError              **error);
FdEligibilityResult *fd_eligibility_get_latest    (FdStore              *store,
                                                   const char           *coverage_id,
                                                   GError              **error);
gboolean             fd_eligibility_result_is_from_today (const FdEligibilityResult *result,
                                                          GTimeZone                 *tz);
gboolean             fd_eligibility_result_is_verified_today (const FdEligibilityResult *result,
                                                              GTimeZone                 *tz);
char                *fd_eligibility_result_dup_summary (const FdEligibilityResult *result,
                                                        GTimeZone                 *tz);
void                 fd_eligibility_result_free   (FdEligibilityResult  *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdEligibilityResult, fd_eligibility_result_free)

G_END_DECLS
