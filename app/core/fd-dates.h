/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  FD_DATE_ORDER_MDY,
  FD_DATE_ORDER_DMY,
  FD_DATE_ORDER_YMD,
} FdDateOrder;

FdDateOrder fd_date_order_from_locale (void);
gboolean    fd_date_parse             (const char   *text,
                                       FdDateOrder   order,
                                       GDate        *out,
                                       GError      **error);
gboolean    fd_date_parse_iso         (const char   *text,
                                       GDate        *out);
gboolean    fd_birth_date_check       (const GDate  *birth_date,
                                       const GDate  *today,
                                       GError      **error);
char       *fd_date_format_iso        (const GDate  *date);
char       *fd_date_format_short      (const GDate  *date,
                                       FdDateOrder   order);
guint       fd_date_age_years         (const GDate  *birth_date,
                                       const GDate  *today);
void        fd_date_set_today         (GDate        *date,
                                       GTimeZone    *tz);
void        fd_date_from_date_time    (GDate        *date,
                                       GDateTime    *date_time);
GDateTime  *fd_date_time_parse        (const char   *instant,
                                       GTimeZone    *tz);
char       *fd_date_time_format_fhir  (GDateTime    *date_time);
gboolean    fd_instant_later          (const char   *candidate,
                                       const char   *current);
gboolean    fd_instant_equal          (const char   *a,
                                       const char   *b);

G_END_DECLS

G_BEGIN_DECLS
char       *fd_time_format_short      (GDateTime    *date_time);
char       *fd_date_format_long       (const GDate  *date);
const char *fd_appointment_status_label (const char *status);
G_END_DECLS
