/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The contact details the desk edits at check-in */
typedef struct
{
  char *birth_date;       /* YYYY-MM-DD */
  char *line;             /* street address, one line */
  char *city;
  char *state;
  char *zip;
  char *mobile;
  char *home;
  char *email;
  char *language;         /* BCP 47 code */
  char *emergency_name;
  char *emergency_phone;
} FdDemographics;

typedef struct
{
  const char *code;
  const char *name;       /* untranslated; use g_dpgettext2 (NULL, "language", name) */
} FdLanguage;

void              fd_demographics_read   (JsonObject           *patient,
                                          FdDemographics       *out);
void              fd_demographics_write  (JsonObject           *patient,
                                          const FdDemographics *demographics);
void              fd_demographics_clear  (FdDemographics       *demographics);
gboolean          fd_demographics_equal  (const FdDemographics *a,
                                          const FdDemographics *b);
void              fd_demographics_merge  (const FdDemographics *current,
                                          const FdDemographics *original,
                                          const FdDemographics *typed,
                                          FdDemographics       *out);
const FdLanguage *fd_languages           (guint                *n_languages);
const char       *fd_language_name       (const char           *code);

G_END_DECLS
