/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdForms"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fd-dates.h"
#include "fd-fhir.h"
#include "fd-forms.h"

#define LOINC "http://loinc.org"
#define CONSENT_SCOPE "http://terminology.hl7.org/CodeSystem/consentscope"
#define ACT_CODE "http://terminology.hl7.org/CodeSystem/v3-ActCode"

static const FdDeskForm forms[] = {
  { "intake", N_("Patient intake form"), "QuestionnaireResponse", 12 },
  { "consent-treatment", N_("Consent to treatment"), "Consent", 12 },
  { "privacy-notice", N_("Privacy notice acknowledgment"), "Consent", 0 },
};

/* The LOINC document codes the two consents carry as their category */
#define LOINC_CONSENT_DOCUMENT "59284-0"
#define LOINC_PRIVACY_ACKNOWLEDGMENT "57016-8"

/**
 * fd_desk_forms:
 * @n_forms: (out): how many
 *
 * Returns: (transfer none) (array length=n_forms): the forms every patient
 *   needs on file before a visit
 */
const FdDeskForm *
fd_desk_forms (guint *n_forms)
{
  *n_forms = G_N_ELEMENTS (forms);
  return forms;
}

/**
 * fd_desk_form_lookup:
 * @code: a form's code
 *
 * Returns: (transfer none) (nullable): the form
 */
const FdDeskForm *
fd_desk_form_lookup (const char *code)
{
  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    if (g_strcmp0 (forms[i].code, code) == 0)
      return &forms[i];
  return NULL;
}

/**
 * fd_desk_form_title:
 * @form: a form
 *
 * Returns: (transfer none): its name, translated
 */
const char *
fd_desk_form_title (const FdDeskForm *form)
{
  return _(form->title);
}

static gboolean
category_has (JsonObject *consent,
              const char *code)
{
  JsonArray *categories = fd_fhir_get_array (consent, "category");

  for (guint i = 0; categories && i < json_array_get_length (categories); i++)
    if (fd_fhir_coding_has (fd_fhir_array_object (categories, i), LOINC, code))
      return TRUE;
  return FALSE;
}

/**
 * fd_desk_form_code_for:
 * @resource: a QuestionnaireResponse or Consent
 *
 * Returns: (transfer none) (nullable): the code of the desk form it is, if any
 */
const char *
fd_desk_form_code_for (JsonObject *resource)
{
  const char *type = fd_fhir_get_string (resource, "resourceType");

  if (g_strcmp0 (type, "QuestionnaireResponse") == 0)
    {
      const char *questionnaire = fd_fhir_get_string (resource, "questionnaire");

      if (questionnaire != NULL && g_str_has_prefix (questionnaire, FD_QUESTIONNAIRE_INTAKE))
        return "intake";
      return NULL;
    }

  if (g_strcmp0 (type, "Consent") == 0)
    {
      if (category_has (resource, LOINC_PRIVACY_ACKNOWLEDGMENT) ||
          fd_fhir_coding_has (fd_fhir_get_object (resource, "scope"), CONSENT_SCOPE, "patient-privacy"))
        return "privacy-notice";
      if (fd_fhir_coding_has (fd_fhir_get_object (resource, "scope"), CONSENT_SCOPE, "treatment"))
        return "consent-treatment";
    }

  return NULL;
}

/**
 * fd_desk_form_is_on_file:
 * @resource: a QuestionnaireResponse or Consent
 *
 * Returns: whether it counts: a completed response, an active consent
 */
gboolean
fd_desk_form_is_on_file (JsonObject *resource)
{
  const char *type = fd_fhir_get_string (resource, "resourceType");
  const char *status = fd_fhir_get_string (resource, "status");

  if (g_strcmp0 (type, "QuestionnaireResponse") == 0)
    return g_strcmp0 (status, "completed") == 0 || g_strcmp0 (status, "amended") == 0;
  return g_strcmp0 (status, "active") == 0;
}

/**
 * fd_desk_form_recorded_at:
 * @resource: a QuestionnaireResponse or Consent
 *
 * Returns: (transfer none) (nullable): when it was signed or received
 */
const char *
fd_desk_form_recorded_at (JsonObject *resource)
{
  const char *type = fd_fhir_get_string (resource, "resourceType");

  if (g_strcmp0 (type, "QuestionnaireResponse") == 0)
    return fd_fhir_get_string (resource, "authored");
  return fd_fhir_get_string (resource, "dateTime");
}

static JsonObject *
new_patient_reference (const char *patient_id,
                       const char *patient_display)
{
  JsonObject *reference = json_object_new ();
  g_autofree char *text = g_strdup_printf ("Patient/%s", patient_id);

  json_object_set_string_member (reference, "reference", text);
  if (patient_display != NULL)
    json_object_set_string_member (reference, "display", patient_display);
  return reference;
}

/**
 * fd_desk_form_new_received:
 * @form: which form
 * @id: the new record's id
 * @patient_id: whose
 * @patient_display: (nullable): the patient's name for the reference
 * @now: when the desk received it
 *
 * A paper form handed in at the desk, as the record that puts it on file:
 * a completed QuestionnaireResponse or an active Consent.
 *
 * Returns: (transfer full): the new resource
 */
JsonObject *
fd_desk_form_new_received (const FdDeskForm *form,
                           const char       *id,
                           const char       *patient_id,
                           const char       *patient_display,
                           GDateTime        *now)
{
  JsonObject *resource = json_object_new ();
  g_autofree char *time = fd_date_time_format_fhir (now);

  json_object_set_string_member (resource, "resourceType", form->resource_type);
  json_object_set_string_member (resource, "id", id);

  if (g_str_equal (form->resource_type, "QuestionnaireResponse"))
    {
      json_object_set_string_member (resource, "questionnaire", FD_QUESTIONNAIRE_INTAKE);
      json_object_set_string_member (resource, "status", "completed");
      json_object_set_object_member (resource, "subject", new_patient_reference (patient_id, patient_display));
      json_object_set_string_member (resource, "authored", time);
    }
  else
    {
      gboolean privacy = g_str_equal (form->code, "privacy-notice");
      JsonArray *categories = json_array_new ();
      JsonObject *attachment = json_object_new ();

      json_object_set_string_member (resource, "status", "active");
      json_object_set_object_member (resource, "scope",
                                     fd_fhir_new_concept (CONSENT_SCOPE, privacy ? "patient-privacy" : "treatment",
                                                  privacy ? "Privacy Consent" : "Treatment"));
      json_array_add_object_element (categories,
                                     fd_fhir_new_concept (LOINC,
                                                  privacy ? LOINC_PRIVACY_ACKNOWLEDGMENT : LOINC_CONSENT_DOCUMENT,
                                                  privacy ? "Privacy policy acknowledgment Document"
                                                          : "Consent Document"));
      json_object_set_array_member (resource, "category", categories);
      json_object_set_object_member (resource, "patient", new_patient_reference (patient_id, patient_display));
      json_object_set_string_member (resource, "dateTime", time);
      json_object_set_string_member (attachment, "title", "Signed paper form received at the front desk");
      json_object_set_string_member (attachment, "creation", time);
      json_object_set_object_member (resource, "sourceAttachment", attachment);
      json_object_set_object_member (resource, "policyRule", fd_fhir_new_concept (ACT_CODE, "OPTIN", "opt-in"));

      /* A yearly consent says so itself, for every system that reads it */
      if (form->valid_months > 0)
        {
          g_autoptr(GDateTime) until = g_date_time_add_months (now, (int) form->valid_months);
          g_autofree char *end = fd_date_time_format_fhir (until);
          JsonObject *provision = json_object_new ();
          JsonObject *period = json_object_new ();

          json_object_set_string_member (provision, "type", "permit");
          json_object_set_string_member (period, "start", time);
          json_object_set_string_member (period, "end", end);
          json_object_set_object_member (provision, "period", period);
          json_object_set_object_member (resource, "provision", provision);
        }
    }

  return resource;
}
