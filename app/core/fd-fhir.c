/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdFhir"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fd-core.h"
#include "fd-fhir.h"

/**
 * fd_fhir_get_string:
 * @object: (nullable): a JSON object
 * @member: a member name
 *
 * Returns: (transfer none) (nullable): the member's string, or %NULL when it is
 *   missing or not a string
 */
const char *
fd_fhir_get_string (JsonObject *object,
                    const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/**
 * fd_fhir_get_object:
 * @object: (nullable): a JSON object
 * @member: a member name
 *
 * Returns: (transfer none) (nullable): the member if it is an object
 */
JsonObject *
fd_fhir_get_object (JsonObject *object,
                    const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

/**
 * fd_fhir_get_array:
 * @object: (nullable): a JSON object
 * @member: a member name
 *
 * Returns: (transfer none) (nullable): the member if it is an array
 */
JsonArray *
fd_fhir_get_array (JsonObject *object,
                   const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

/**
 * fd_fhir_array_object:
 * @array: (nullable): a JSON array
 * @index: position
 *
 * Returns: (transfer none) (nullable): the element at @index if it is an object
 */
JsonObject *
fd_fhir_array_object (JsonArray *array,
                      guint      index)
{
  JsonNode *node;

  if (array == NULL || index >= json_array_get_length (array))
    return NULL;
  node = json_array_get_element (array, index);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

/**
 * fd_fhir_check_resource:
 * @resource: a JSON object
 * @error: return location for a #FD_CORE_ERROR_MALFORMED
 *
 * Returns: whether @resource has a resourceType and an id the store can key by
 */
gboolean
fd_fhir_check_resource (JsonObject  *resource,
                        GError     **error)
{
  const char *type = fd_fhir_get_string (resource, "resourceType");
  const char *id = fd_fhir_get_string (resource, "id");

  if (type == NULL || *type == '\0' || !g_ascii_isupper (*type))
    {
      g_set_error_literal (error, FD_CORE_ERROR, FD_CORE_ERROR_MALFORMED,
                           _("The record has no resource type"));
      return FALSE;
    }

  /* FHIR ids: [A-Za-z0-9\-\.]{1,64} */
  if (id == NULL || *id == '\0' || strlen (id) > 64)
    goto bad_id;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      goto bad_id;

  return TRUE;

bad_id:
  g_set_error (error, FD_CORE_ERROR, FD_CORE_ERROR_MALFORMED,
               _("A %s record has a missing or invalid id"), type);
  return FALSE;
}

/**
 * fd_fhir_parse:
 * @json: JSON text
 * @length: its length, or -1 if nul-terminated
 * @error: return location for a #FD_CORE_ERROR_MALFORMED
 *
 * Returns: (transfer full) (nullable): the resource, if @json holds a JSON
 *   object with a resource type and a valid id
 */
JsonObject *
fd_fhir_parse (const char  *json,
               gssize       length,
               GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, json, length, &local_error))
    {
      g_set_error (error, FD_CORE_ERROR, FD_CORE_ERROR_MALFORMED,
                   _("The record is not valid JSON: %s"), local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, FD_CORE_ERROR, FD_CORE_ERROR_MALFORMED,
                           _("The record is not a JSON object"));
      return NULL;
    }

  if (!fd_fhir_check_resource (json_node_get_object (root), error))
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

/**
 * fd_fhir_to_string:
 * @resource: a JSON object
 *
 * Returns: (transfer full): compact JSON text
 */
char *
fd_fhir_to_string (JsonObject *resource)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_node_set_object (node, resource);
  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

/**
 * fd_fhir_reference_id:
 * @reference: (nullable): a FHIR Reference
 * @type: the expected resource type, "Patient"
 *
 * Returns: (transfer none) (nullable): the id of a relative reference
 *   "Patient/<id>", or %NULL for other references
 */
const char *
fd_fhir_reference_id (JsonObject *reference,
                      const char *type)
{
  const char *ref = fd_fhir_get_string (reference, "reference");
  gsize type_len = strlen (type);
  const char *slash;

  if (ref == NULL)
    return NULL;

  /* Absolute references end with Type/id as well */
  slash = strrchr (ref, '/');
  if (slash == NULL || slash == ref || slash[1] == '\0')
    return NULL;
  if ((gsize) (slash - ref) < type_len ||
      strncmp (slash - type_len, type, type_len) != 0 ||
      (slash - type_len != ref && slash[-(gssize) type_len - 1] != '/'))
    return NULL;

  return slash + 1;
}

/**
 * fd_fhir_coding_has:
 * @codeable_concept: (nullable): a CodeableConcept
 * @system: (nullable): the code system, %NULL for any
 * @code: the code
 *
 * Returns: whether one of the concept's codings is @system|@code
 */
gboolean
fd_fhir_coding_has (JsonObject *codeable_concept,
                    const char *system,
                    const char *code)
{
  JsonArray *codings = fd_fhir_get_array (codeable_concept, "coding");

  for (guint i = 0; codings && i < json_array_get_length (codings); i++)
    {
      JsonObject *coding = fd_fhir_array_object (codings, i);

      if (g_strcmp0 (fd_fhir_get_string (coding, "code"), code) == 0 &&
          (system == NULL || g_strcmp0 (fd_fhir_get_string (coding, "system"), system) == 0))
        return TRUE;
    }

  return FALSE;
}

/**
 * fd_fhir_first_code:
 * @codeable_concept: (nullable): a CodeableConcept
 *
 * Returns: (transfer none) (nullable): the code of its first coding
 */
const char *
fd_fhir_first_code (JsonObject *codeable_concept)
{
  JsonArray *codings = fd_fhir_get_array (codeable_concept, "coding");

  return fd_fhir_get_string (fd_fhir_array_object (codings, 0), "code");
}

/**
 * fd_fhir_patient_name:
 * @patient: a Patient
 *
 * Returns: (transfer none) (nullable): the official name, else the first one
 *   that is not old
 */
JsonObject *
fd_fhir_patient_name (JsonObject *patient)
{
  JsonArray *names = fd_fhir_get_array (patient, "name");
  JsonObject *fallback = NULL;

  for (guint i = 0; names && i < json_array_get_length (names); i++)
    {
      JsonObject *name = fd_fhir_array_object (names, i);
      const char *use = fd_fhir_get_string (name, "use");

      if (name == NULL)
        continue;
      if (g_strcmp0 (use, "official") == 0)
        return name;
      if (fallback == NULL && g_strcmp0 (use, "old") != 0 && g_strcmp0 (use, "maiden") != 0)
        fallback = name;
    }

  return fallback;
}

static void
append_strings (GString    *out,
                JsonArray  *array)
{
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      if (out->len > 0 && out->str[out->len - 1] != ' ')
        g_string_append_c (out, ' ');
      g_string_append (out, json_node_get_string (node));
    }
}

/**
 * fd_fhir_human_name_display:
 * @human_name: (nullable): a HumanName
 * @family_first: "Family, Given" rather than "Given Family"
 *
 * Returns: (transfer full): the name to show; the name's text if it has no parts
 */
char *
fd_fhir_human_name_display (JsonObject *human_name,
                            gboolean    family_first)
{
  g_autoptr(GString) given = g_string_new (NULL);
  const char *family = fd_fhir_get_string (human_name, "family");

  append_strings (given, fd_fhir_get_array (human_name, "given"));

  if (family == NULL && given->len == 0)
    return g_strdup (fd_fhir_get_string (human_name, "text") ?: "");
  if (family == NULL)
    return g_strdup (given->str);
  if (given->len == 0)
    return g_strdup (family);

  return family_first ? g_strdup_printf ("%s, %s", family, given->str)
                      : g_strdup_printf ("%s %s", given->str, family);
}

/**
 * fd_fhir_patient_display:
 * @patient: a Patient
 *
 * Returns: (transfer full): "Family, Given Middle"
 */
char *
fd_fhir_patient_display (JsonObject *patient)
{
  return fd_fhir_human_name_display (fd_fhir_patient_name (patient), TRUE);
}

/**
 * fd_fhir_patient_mrn:
 * @patient: a Patient
 *
 * Returns: (transfer none) (nullable): the value of the identifier typed MR
 */
const char *
fd_fhir_patient_mrn (JsonObject *patient)
{
  JsonArray *ids = fd_fhir_get_array (patient, "identifier");

  for (guint i = 0; ids && i < json_array_get_length (ids); i++)
    {
      JsonObject *id = fd_fhir_array_object (ids, i);

      if (fd_fhir_coding_has (fd_fhir_get_object (id, "type"), FD_FHIR_MRN_TYPE_SYSTEM, "MR"))
        return fd_fhir_get_string (id, "value");
    }

  return NULL;
}

/**
 * fd_fhir_account_number:
 * @account: (nullable): an Account
 * @account_id: (nullable): its id, when the record itself is not at hand
 *
 * The number a person reads on a statement or a receipt: the Account's
 * identifier typed AN (or else its first identifier); without one, its id,
 * which alone is sure to tell the clinic's accounts apart.
 *
 * Returns: (transfer full) (nullable): the account number
 */
char *
fd_fhir_account_number (JsonObject *account,
                        const char *account_id)
{
  JsonArray *ids = fd_fhir_get_array (account, "identifier");
  const char *first = NULL;

  for (guint i = 0; ids && i < json_array_get_length (ids); i++)
    {
      JsonObject *id = fd_fhir_array_object (ids, i);
      const char *value = fd_fhir_get_string (id, "value");

      if (value == NULL)
        continue;
      if (fd_fhir_coding_has (fd_fhir_get_object (id, "type"), FD_FHIR_MRN_TYPE_SYSTEM, "AN"))
        return g_strdup (value);
      if (first == NULL)
        first = value;
    }
  if (first != NULL)
    return g_strdup (first);

  if (account_id == NULL && account != NULL)
    account_id = fd_fhir_get_string (account, "id");
  return g_strdup (account_id);
}

/**
 * fd_fhir_patient_phone:
 * @patient: a Patient
 *
 * Returns: (transfer none) (nullable): the first phone number still in use
 */
const char *
fd_fhir_patient_phone (JsonObject *patient)
{
  JsonArray *telecom = fd_fhir_get_array (patient, "telecom");

  for (guint i = 0; telecom && i < json_array_get_length (telecom); i++)
    {
      JsonObject *cp = fd_fhir_array_object (telecom, i);

      if (g_strcmp0 (fd_fhir_get_string (cp, "system"), "phone") == 0 &&
          g_strcmp0 (fd_fhir_get_string (cp, "use"), "old") != 0 &&
          fd_fhir_get_string (cp, "value") != NULL)
        return fd_fhir_get_string (cp, "value");
    }

  return NULL;
}

/**
 * fd_fhir_patient_address:
 * @patient: a Patient
 *
 * Returns: (transfer none) (nullable): the home address, else the first one
 *   that is not old
 */
JsonObject *
fd_fhir_patient_address (JsonObject *patient)
{
  JsonArray *addresses = fd_fhir_get_array (patient, "address");
  JsonObject *fallback = NULL;

  for (guint i = 0; addresses && i < json_array_get_length (addresses); i++)
    {
      JsonObject *address = fd_fhir_array_object (addresses, i);
      const char *use = fd_fhir_get_string (address, "use");

      if (address == NULL || g_strcmp0 (use, "old") == 0)
        continue;
      if (g_strcmp0 (use, "home") == 0)
        return address;
      if (fallback == NULL)
        fallback = address;
    }

  return fallback;
}

/**
 * fd_fhir_address_display:
 * @address: (nullable): an Address
 *
 * Returns: (transfer full): the address on one or two lines, or an empty string
 */
char *
fd_fhir_address_display (JsonObject *address)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *city, *state, *zip;

  if (address == NULL)
    return g_strdup ("");

  append_strings (out, fd_fhir_get_array (address, "line"));
  city = fd_fhir_get_string (address, "city");
  state = fd_fhir_get_string (address, "state");
  zip = fd_fhir_get_string (address, "postalCode");
  if (out->len > 0 && (city || state || zip))
    g_string_append_c (out, '\n');
  if (city)
    g_string_append (out, city);
  if (state)
    g_string_append_printf (out, "%s%s", city ? ", " : "", state);
  if (zip)
    g_string_append_printf (out, "%s%s", city || state ? " " : "", zip);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * fd_fhir_patient_language:
 * @patient: a Patient
 *
 * Returns: (transfer none) (nullable): the BCP 47 code of the preferred
 *   language, else of the first one listed
 */
const char *
fd_fhir_patient_language (JsonObject *patient)
{
  JsonArray *comms = fd_fhir_get_array (patient, "communication");
  const char *first = NULL;

  for (guint i = 0; comms && i < json_array_get_length (comms); i++)
    {
      JsonObject *comm = fd_fhir_array_object (comms, i);
      const char *code = fd_fhir_first_code (fd_fhir_get_object (comm, "language"));
      JsonNode *preferred = comm ? json_object_get_member (comm, "preferred") : NULL;

      if (code == NULL)
        continue;
      if (preferred && json_node_get_value_type (preferred) == G_TYPE_BOOLEAN &&
          json_node_get_boolean (preferred))
        return code;
      if (first == NULL)
        first = code;
    }

  return first;
}

/**
 * fd_fhir_money:
 * @money: (nullable): a FHIR Money
 * @out: (out caller-allocates): the amount
 *
 * Returns: whether @money held a usable value
 */
gboolean
fd_fhir_money (JsonObject *money,
               FdMoney    *out)
{
  JsonNode *value = money ? json_object_get_member (money, "value") : NULL;
  const char *currency = fd_fhir_get_string (money, "currency");
  GType type;

  fd_money_init (out, 0, currency);
  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value))
    return FALSE;

  type = json_node_get_value_type (value);
  if (type == G_TYPE_INT64)
    {
      gint64 units = json_node_get_int (value);

      if (units > FD_MONEY_MAX_CENTS / 100 || units < -FD_MONEY_MAX_CENTS / 100)
        return FALSE;
      out->cents = units * 100;
      return TRUE;
    }
  if (type == G_TYPE_DOUBLE)
    return fd_money_from_decimal (json_node_get_double (value), currency, out);

  return FALSE;
}

/**
 * fd_fhir_coverage_copay:
 * @coverage: a Coverage
 * @out: (out caller-allocates): the co-pay for an office visit
 *
 * Returns: whether the coverage states a co-pay as money
 */
gboolean
fd_fhir_coverage_copay (JsonObject *coverage,
                        FdMoney    *out)
{
  JsonArray *costs = fd_fhir_get_array (coverage, "costToBeneficiary");
  static const char * const wanted[] = { "copay", "gpvisit", "spvisit" };

  for (guint w = 0; w < G_N_ELEMENTS (wanted); w++)
    for (guint i = 0; costs && i < json_array_get_length (costs); i++)
      {
        JsonObject *cost = fd_fhir_array_object (costs, i);
        JsonObject *type = fd_fhir_get_object (cost, "type");

        if ((type == NULL && w == 0) || fd_fhir_coding_has (type, NULL, wanted[w]))
          if (fd_fhir_money (fd_fhir_get_object (cost, "valueMoney"), out))
            return TRUE;
      }

  fd_money_init (out, 0, NULL);
  return FALSE;
}

static JsonObject *
find_extension (JsonObject *object,
                const char *url)
{
  JsonArray *extensions = fd_fhir_get_array (object, "extension");

  for (guint i = 0; extensions && i < json_array_get_length (extensions); i++)
    {
      JsonObject *ext = fd_fhir_array_object (extensions, i);

      if (g_strcmp0 (fd_fhir_get_string (ext, "url"), url) == 0)
        return ext;
    }

  return NULL;
}

/**
 * fd_fhir_account_balance:
 * @account: an Account
 * @out: (out caller-allocates): what the patient owes
 *
 * Reads the R5 Account.balance carried by its cross-version extension; the
 * patient's aggregate wins over the total.
 *
 * Returns: whether the account states a balance
 */
gboolean
fd_fhir_account_balance (JsonObject *account,
                         FdMoney    *out)
{
  JsonArray *extensions = fd_fhir_get_array (account, "extension");
  gboolean found_patient = FALSE, found_other = FALSE;
  FdMoney patient, other;

  fd_money_init (&patient, 0, NULL);
  fd_money_init (&other, 0, NULL);
  for (guint i = 0; extensions && i < json_array_get_length (extensions); i++)
    {
      JsonObject *ext = fd_fhir_array_object (extensions, i);
      JsonObject *aggregate;
      gboolean is_patient;
      FdMoney amount;

      if (g_strcmp0 (fd_fhir_get_string (ext, "url"), FD_FHIR_ACCOUNT_BALANCE_URL) != 0)
        continue;

      aggregate = fd_fhir_get_object (find_extension (ext, "aggregate"), "valueCodeableConcept");
      if (aggregate != NULL && !fd_fhir_coding_has (aggregate, NULL, "patient"))
        continue;
      if (!fd_fhir_money (fd_fhir_get_object (find_extension (ext, "amount"), "valueMoney"), &amount))
        continue;

      /* Terms (current, 30, 60 days...) of one aggregate add up */
      is_patient = aggregate != NULL;
      if (is_patient)
        {
          if (!found_patient)
            patient = amount;
          else if (!fd_money_add (&patient, &amount, &patient, NULL))
            continue;
          found_patient = TRUE;
        }
      else
        {
          if (!found_other)
            other = amount;
          else if (!fd_money_add (&other, &amount, &other, NULL))
            continue;
          found_other = TRUE;
        }
    }

  *out = found_patient ? patient : other;
  return found_patient || found_other;
}

/**
 * fd_fhir_account_guarantor:
 * @account: an Account
 *
 * Who answers for the account: its first guarantor's party, when that is a
 * Patient or a RelatedPerson.
 *
 * Returns: (transfer full) (nullable): "Patient/<id>" or
 *   "RelatedPerson/<id>"; %NULL when the account names neither
 */
char *
fd_fhir_account_guarantor (JsonObject *account)
{
  JsonObject *guarantor = fd_fhir_array_object (fd_fhir_get_array (account, "guarantor"), 0);
  JsonObject *party = fd_fhir_get_object (guarantor, "party");
  static const char * const types[] = { "Patient", "RelatedPerson" };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      const char *id = fd_fhir_reference_id (party, types[i]);

      if (id != NULL)
        return g_strconcat (types[i], "/", id, NULL);
    }
  return NULL;
}

/**
 * fd_fhir_new_money:
 * @money: an amount
 *
 * The only place money leaves whole cents: JSON has one number type, and a
 * double prints as the shortest text that reads back the same ("12.5"),
 * exact for any amount in cents a desk handles.
 *
 * Returns: (transfer full): a FHIR Money
 */
JsonObject *
fd_fhir_new_money (const FdMoney *money)
{
  JsonObject *object = json_object_new ();
  g_autofree char *decimal = fd_money_to_decimal (money);

  json_object_set_double_member (object, "value", g_ascii_strtod (decimal, NULL));
  json_object_set_string_member (object, "currency", money->currency);
  return object;
}

/**
 * fd_fhir_new_reference:
 * @type: the resource type
 * @id: the resource id
 * @display: (nullable): its name for people
 *
 * Returns: (transfer full): a Reference to `type/id`
 */
JsonObject *
fd_fhir_new_reference (const char *type,
                       const char *id,
                       const char *display)
{
  JsonObject *reference = json_object_new ();
  g_autofree char *target = g_strconcat (type, "/", id, NULL);

  json_object_set_string_member (reference, "reference", target);
  if (display != NULL && *display != '\0')
    json_object_set_string_member (reference, "display", display);
  return reference;
}

/**
 * fd_fhir_new_participant:
 * @actor: (transfer full): a Reference to the patient, practitioner or location
 *
 * An Appointment participant that is required and has accepted.
 *
 * Returns: (transfer full): the participant
 */
JsonObject *
fd_fhir_new_participant (JsonObject *actor)
{
  JsonObject *participant = json_object_new ();

  json_object_set_object_member (participant, "actor", actor);
  json_object_set_string_member (participant, "required", "required");
  json_object_set_string_member (participant, "status", "accepted");
  return participant;
}

/**
 * fd_fhir_new_concept:
 * @system: the code system
 * @code: the code
 * @display: (nullable): the code's name
 *
 * Returns: (transfer full): a CodeableConcept with one coding
 */
JsonObject *
fd_fhir_new_concept (const char *system,
                     const char *code,
                     const char *display)
{
  JsonObject *concept = json_object_new ();
  JsonObject *coding = json_object_new ();
  JsonArray *codings = json_array_new ();

  json_object_set_string_member (coding, "system", system);
  json_object_set_string_member (coding, "code", code);
  if (display != NULL)
    json_object_set_string_member (coding, "display", display);
  json_array_add_object_element (codings, coding);
  json_object_set_array_member (concept, "coding", codings);
  return concept;
}
