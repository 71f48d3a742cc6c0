/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "fd-money.h"

G_BEGIN_DECLS

#define FD_FHIR_MRN_TYPE_SYSTEM "http://terminology.hl7.org/CodeSystem/v2-0203"
#define FD_FHIR_ACCOUNT_BALANCE_URL "http://hl7.org/fhir/5.0/StructureDefinition/extension-Account.balance"

const char *fd_fhir_get_string        (JsonObject   *object,
                                       const char   *member);
JsonObject *fd_fhir_get_object        (JsonObject   *object,
                                       const char   *member);
JsonArray  *fd_fhir_get_array         (JsonObject   *object,
                                       const char   *member);
JsonObject *fd_fhir_array_object      (JsonArray    *array,
                                       guint         index);
JsonObject *fd_fhir_parse             (const char   *json,
                                       gssize        length,
                                       GError      **error);
char       *fd_fhir_to_string         (JsonObject   *resource);
gboolean    fd_fhir_check_resource    (JsonObject   *resource,
                                       GError      **error);
const char *fd_fhir_reference_id      (JsonObject   *reference,
                                       const char   *type);
gboolean    fd_fhir_coding_has        (JsonObject   *codeable_concept,
                                       const char   *system,
                                       const char   *code);
const char *fd_fhir_first_code        (JsonObject   *codeable_concept);
JsonObject *fd_fhir_patient_name      (JsonObject   *patient);
char       *fd_fhir_human_name_display (JsonObject  *human_name,
                                        gboolean     family_first);
char       *fd_fhir_patient_display   (JsonObject   *patient);
const char *fd_fhir_patient_mrn       (JsonObject   *patient);
char       *fd_fhir_account_number    (JsonObject   *account,
                                       const char   *account_id);
const char *fd_fhir_patient_phone     (JsonObject   *patient);
JsonObject *fd_fhir_patient_address   (JsonObject   *patient);
char       *fd_fhir_address_display   (JsonObject   *address);
const char *fd_fhir_patient_language  (JsonObject   *patient);
gboolean    fd_fhir_money             (JsonObject   *money,
                                       FdMoney      *out);
JsonObject *fd_fhir_new_money         (const FdMoney *money);
JsonObject *fd_fhir_new_reference     (const char   *type,
                                       const char   *id,
                                       const char   *display);
JsonObject *fd_fhir_new_participant   (JsonObject   *actor);
JsonObject *fd_fhir_new_concept       (const char   *system,
                                       const char   *code,
                                       const char   *display);
gboolean    fd_fhir_coverage_copay    (JsonObject   *coverage,
                                       FdMoney      *out);
gboolean    fd_fhir_account_balance   (JsonObject   *account,
                                       FdMoney      *out);
char       *fd_fhir_account_guarantor (JsonObject   *account);

G_END_DECLS
