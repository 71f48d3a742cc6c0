/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint      n_patients;  /* how many Patient resources */
  guint      n_days;      /* appointment days: centred on @today, (n_days - 1) / 2 days back */
  guint32    seed;        /* same seed, same options: byte-identical output */
  GDate      today;       /* the clinic's "today" (a valid GDate) */
  GTimeZone *tz;          /* time zone of the clinic; NULL for the local one */
} FdDemoOptions;

/**
 * FdDemoEmitFunc:
 * @resource: (transfer none): one FHIR R4 resource, complete with id
 * @user_data: closure
 * @error: return location for an error; returning %FALSE stops the generation
 */
typedef gboolean (*FdDemoEmitFunc) (JsonObject  *resource,
                                    gpointer     user_data,
                                    GError     **error);

void     fd_demo_options_init     (FdDemoOptions        *options);
gboolean fd_demo_clinic_generate  (const FdDemoOptions  *options,
                                   FdDemoEmitFunc        emit,
                                   gpointer              user_data,
                                   GError              **error);
gboolean fd_demo_clinic_write_bundle (const FdDemoOptions  *options,
                                      GOutputStream        *stream,
                                      GError              **error);

G_END_DECLS
