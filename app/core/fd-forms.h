/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A form or consent the desk collects before a visit */
typedef struct
{
  const char *code;           /* the desk's name for it, stable */
  const char *title;          /* untranslated; use fd_desk_form_title() */
  const char *resource_type;  /* "QuestionnaireResponse" or "Consent" */
  guint       valid_months;   /* 0: once is enough */
} FdDeskForm;

#define FD_QUESTIONNAIRE_INTAKE "http://frontdesk.org/fhir/Questionnaire/patient-intake"

const FdDeskForm *fd_desk_forms             (guint          *n_forms);
const FdDeskForm *fd_desk_form_lookup       (const char     *code);
const char       *fd_desk_form_title        (const FdDeskForm *form);
const char       *fd_desk_form_code_for     (JsonObject     *resource);
gboolean          fd_desk_form_is_on_file   (JsonObject     *resource);
const char       *fd_desk_form_recorded_at  (JsonObject     *resource);
JsonObject       *fd_desk_form_new_received (const FdDeskForm *form,
                                             const char     *id,
                                             const char     *patient_id,
                                             const char     *patient_display,
                                             GDateTime      *now);

G_END_DECLS
