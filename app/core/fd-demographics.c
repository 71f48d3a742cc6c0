/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdDemographics"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fd-demographics.h"
#include "fd-fhir.h"

#define SYSTEM_BCP47 "urn:ietf:bcp:47"
#define SYSTEM_CONTACT_ROLE "http://terminology.hl7.org/CodeSystem/v2-0131"

/* The languages most asked for at US clinics; the code is what the record keeps */
static const FdLanguage languages[] = {
  { "en", NC_("language", "English") },
  { "es", NC_("language", "Spanish") },
  { "zh", NC_("language", "Chinese") },
  { "vi", NC_("language", "Vietnamese") },
  { "tl", NC_("language", "Tagalog") },
  { "ar", NC_("language", "Arabic") },
  { "ko", NC_("language", "Korean") },
  { "ru", NC_("language", "Russian") },
  { "fr", NC_("language", "French") },
  { "ht", NC_("language", "Haitian Creole") },
  { "pt", NC_("language", "Portuguese") },
  { "hi", NC_("language", "Hindi") },
  { "de", NC_("language", "German") },
  { "pl", NC_("language", "Polish") },
  { "ja", NC_("language", "Japanese") },
  { "asl", NC_("language", "American Sign Language") },
};

/**
 * fd_languages:
 * @n_languages: (out): how many
 *
 * Returns: (transfer none) (array length=n_languages): the languages the
 *   desk offers as a patient's preferred one
 */
const FdLanguage *
fd_languages (guint *n_languages)
{
  *n_languages = G_N_ELEMENTS (languages);
  return languages;
}

/**
 * fd_language_name:
 * @code: (nullable): a BCP 47 code, "es" or "es-MX"
 *
 * Returns: (transfer none) (nullable): the language's name, translated
 */
const char *
fd_language_name (const char *code)
{
  gsize len;

  if (code == NULL)
    return NULL;
  len = strcspn (code, "-_");
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (strlen (languages[i].code) == len && g_ascii_strncasecmp (languages[i].code, code, len) == 0)
      return g_dpgettext2 (NULL, "language", languages[i].name);
  return NULL;
}

static char *
dup_or_null (const char *text)
{
  return text != NULL && *text != '\0' ? g_strdup (text) : NULL;
}

static JsonObject *
find_telecom (JsonObject *owner,
              const char *system,
              const char *use)
{
  JsonArray *telecom = fd_fhir_get_array (owner, "telecom");

  for (guint i = 0; telecom && i < json_array_get_length (telecom); i++)
    {
      JsonObject *point = fd_fhir_array_object (telecom, i);

      if (g_strcmp0 (fd_fhir_get_string (point, "system"), system) == 0 &&
          (use == NULL || g_strcmp0 (fd_fhir_get_string (point, "use"), use) == 0))
        return point;
    }
  return NULL;
}

static JsonObject *
find_emergency_contact (JsonObject *patient)
{
  JsonArray *contacts = fd_fhir_get_array (patient, "contact");
  JsonObject *first = NULL;

  for (guint i = 0; contacts && i < json_array_get_length (contacts); i++)
    {
      JsonObject *contact = fd_fhir_array_object (contacts, i);
      JsonArray *relationships = fd_fhir_get_array (contact, "relationship");

      if (first == NULL)
        first = contact;
      for (guint j = 0; relationships && j < json_array_get_length (relationships); j++)
        if (fd_fhir_coding_has (fd_fhir_array_object (relationships, j), SYSTEM_CONTACT_ROLE, "C"))
          return contact;
    }
  return first;
}

static char *
contact_name (JsonObject *contact)
{
  JsonObject *name = fd_fhir_get_object (contact, "name");
  const char *text = fd_fhir_get_string (name, "text");

  if (text != NULL)
    return g_strdup (text);
  return name ? fd_fhir_human_name_display (name, FALSE) : NULL;
}

/**
 * fd_demographics_read:
 * @patient: a Patient
 * @out: (out caller-allocates): its contact details; clear with
 *   fd_demographics_clear()
 */
void
fd_demographics_read (JsonObject     *patient,
                      FdDemographics *out)
{
  JsonObject *address = fd_fhir_patient_address (patient);
  JsonArray *lines = fd_fhir_get_array (address, "line");
  JsonObject *contact = find_emergency_contact (patient);
  JsonObject *mobile = find_telecom (patient, "phone", "mobile");
  JsonObject *home = find_telecom (patient, "phone", "home");
  g_autoptr(GString) line = g_string_new (NULL);

  memset (out, 0, sizeof *out);

  /* A number without a use is the one people call: show it as the mobile */
  if (mobile == NULL && home == NULL)
    mobile = find_telecom (patient, "phone", NULL);

  for (guint i = 0; lines && i < json_array_get_length (lines); i++)
    {
      JsonNode *node = json_array_get_element (lines, i);

      if (json_node_get_value_type (node) == G_TYPE_STRING)
        g_string_append_printf (line, "%s%s", line->len ? ", " : "", json_node_get_string (node));
    }
  out->birth_date = dup_or_null (fd_fhir_get_string (patient, "birthDate"));
  out->line = dup_or_null (line->str);
  out->city = dup_or_null (fd_fhir_get_string (address, "city"));
  out->state = dup_or_null (fd_fhir_get_string (address, "state"));
  out->zip = dup_or_null (fd_fhir_get_string (address, "postalCode"));
  out->mobile = dup_or_null (fd_fhir_get_string (mobile, "value"));
  out->home = dup_or_null (fd_fhir_get_string (home, "value"));
  out->email = dup_or_null (fd_fhir_get_string (find_telecom (patient, "email", NULL), "value"));
  out->language = dup_or_null (fd_fhir_patient_language (patient));
  out->emergency_name = contact ? contact_name (contact) : NULL;
  out->emergency_phone = dup_or_null (fd_fhir_get_string (find_telecom (contact, "phone", NULL), "value"));
}

/* Sets, replaces or removes the contact point for @system and @use */
static void
write_telecom (JsonObject *owner,
               const char *system,
               const char *use,
               const char *value)
{
  JsonArray *telecom = fd_fhir_get_array (owner, "telecom");
  JsonObject *point = find_telecom (owner, system, use);

  if (value == NULL || *value == '\0')
    {
      for (guint i = 0; point && telecom && i < json_array_get_length (telecom); i++)
        if (fd_fhir_array_object (telecom, i) == point)
          {
            json_array_remove_element (telecom, i);
            break;
          }
      if (telecom != NULL && json_array_get_length (telecom) == 0)
        json_object_remove_member (owner, "telecom");
      return;
    }

  if (point == NULL)
    {
      if (telecom == NULL)
        {
          telecom = json_array_new ();
          json_object_set_array_member (owner, "telecom", telecom);
        }
      point = json_object_new ();
      json_object_set_string_member (point, "system", system);
      if (use != NULL)
        json_object_set_string_member (point, "use", use);
      json_array_add_object_element (telecom, point);
    }
  json_object_set_string_member (point, "value", value);
}

static void
set_or_remove (JsonObject *object,
               const char *member,
               const char *value)
{
  if (value != NULL && *value != '\0')
    json_object_set_string_member (object, member, value);
  else if (json_object_has_member (object, member))
    json_object_remove_member (object, member);
}

static void
write_address (JsonObject           *patient,
               const FdDemographics *in)
{
  JsonObject *address = fd_fhir_patient_address (patient);
  gboolean empty = in->line == NULL && in->city == NULL && in->state == NULL && in->zip == NULL;

  if (address == NULL)
    {
      JsonArray *addresses;

      if (empty)
        return;
      addresses = fd_fhir_get_array (patient, "address");
      if (addresses == NULL)
        {
          addresses = json_array_new ();
          json_object_set_array_member (patient, "address", addresses);
        }
      address = json_object_new ();
      json_object_set_string_member (address, "use", "home");
      json_array_add_object_element (addresses, address);
    }

  if (in->line != NULL)
    {
      FdDemographics now_on_file;
      gboolean same;

      /* Lines shown joined come back unchanged: keep them as they were */
      fd_demographics_read (patient, &now_on_file);
      same = g_strcmp0 (now_on_file.line, in->line) == 0;
      fd_demographics_clear (&now_on_file);
      if (!same)
        {
          JsonArray *lines = json_array_new ();

          json_array_add_string_element (lines, in->line);
          json_object_set_array_member (address, "line", lines);
        }
    }
  else if (json_object_has_member (address, "line"))
    json_object_remove_member (address, "line");
  set_or_remove (address, "city", in->city);
  set_or_remove (address, "state", in->state);
  set_or_remove (address, "postalCode", in->zip);
  if (json_object_has_member (address, "text"))
    json_object_remove_member (address, "text");
}

static void
write_language (JsonObject *patient,
                const char *code)
{
  JsonArray *comms = fd_fhir_get_array (patient, "communication");
  JsonObject *comm = NULL;
  JsonObject *language;
  JsonObject *coding;
  JsonArray *codings;
  const char *name;

  if (code == NULL)
    return;
  if (g_strcmp0 (fd_fhir_patient_language (patient), code) == 0)
    return;

  /* The chosen language becomes the only preferred one */
  for (guint i = 0; comms && i < json_array_get_length (comms); i++)
    {
      JsonObject *existing = fd_fhir_array_object (comms, i);

      if (g_strcmp0 (fd_fhir_first_code (fd_fhir_get_object (existing, "language")), code) == 0)
        comm = existing;
      else if (json_object_has_member (existing, "preferred"))
        json_object_set_boolean_member (existing, "preferred", FALSE);
    }

  if (comm == NULL)
    {
      if (comms == NULL)
        {
          comms = json_array_new ();
          json_object_set_array_member (patient, "communication", comms);
        }
      comm = json_object_new ();
      language = json_object_new ();
      coding = json_object_new ();
      codings = json_array_new ();
      json_object_set_string_member (coding, "system", SYSTEM_BCP47);
      json_object_set_string_member (coding, "code", code);
      name = NULL;
      for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
        if (g_str_equal (languages[i].code, code))
          name = languages[i].name;
      if (name != NULL)
        json_object_set_string_member (coding, "display", name);
      json_array_add_object_element (codings, coding);
      json_object_set_array_member (language, "coding", codings);
      json_object_set_object_member (comm, "language", language);
      json_array_add_object_element (comms, comm);
    }
  json_object_set_boolean_member (comm, "preferred", TRUE);
}

static void
write_emergency_contact (JsonObject           *patient,
                         const FdDemographics *in)
{
  JsonObject *contact = find_emergency_contact (patient);

  /* A contact with neither name nor phone would be no contact at all (pat-1) */
  if (contact != NULL && in->emergency_name == NULL && in->emergency_phone == NULL)
    {
      JsonArray *contacts = fd_fhir_get_array (patient, "contact");

      for (guint i = 0; contacts && i < json_array_get_length (contacts); i++)
        if (fd_fhir_array_object (contacts, i) == contact)
          {
            json_array_remove_element (contacts, i);
            break;
          }
      if (contacts != NULL && json_array_get_length (contacts) == 0)
        json_object_remove_member (patient, "contact");
      return;
    }

  if (contact == NULL)
    {
      JsonArray *contacts;
      JsonObject *relationship, *coding;
      JsonArray *relationships, *codings;

      if (in->emergency_name == NULL && in->emergency_phone == NULL)
        return;
      contacts = fd_fhir_get_array (patient, "contact");
      if (contacts == NULL)
        {
          contacts = json_array_new ();
          json_object_set_array_member (patient, "contact", contacts);
        }
      contact = json_object_new ();
      relationship = json_object_new ();
      coding = json_object_new ();
      relationships = json_array_new ();
      codings = json_array_new ();
      json_object_set_string_member (coding, "system", SYSTEM_CONTACT_ROLE);
      json_object_set_string_member (coding, "code", "C");
      json_object_set_string_member (coding, "display", "Emergency Contact");
      json_array_add_object_element (codings, coding);
      json_object_set_array_member (relationship, "coding", codings);
      json_array_add_object_element (relationships, relationship);
      json_object_set_array_member (contact, "relationship", relationships);
      json_array_add_object_element (contacts, contact);
    }

  if (in->emergency_name != NULL)
    {
      JsonObject *name = json_object_new ();

      json_object_set_string_member (name, "text", in->emergency_name);
      json_object_set_object_member (contact, "name", name);
    }
  else if (json_object_has_member (contact, "name"))
    json_object_remove_member (contact, "name");
  write_telecom (contact, "phone", NULL, in->emergency_phone);
}

/**
 * fd_demographics_write:
 * @patient: a Patient, changed in place
 * @demographics: the details to keep; %NULL fields are removed
 *
 * Writes the home address, the mobile and home phones, the email, the
 * preferred language and the emergency contact, leaving everything else
 * in the record as it was.
 */
void
fd_demographics_write (JsonObject           *patient,
                       const FdDemographics *demographics)
{
  JsonObject *untyped = find_telecom (patient, "phone", NULL);

  /* The number shown as the mobile may have been one without a use */
  if (find_telecom (patient, "phone", "mobile") == NULL && find_telecom (patient, "phone", "home") == NULL &&
      untyped != NULL)
    json_object_set_string_member (untyped, "use", "mobile");

  if (demographics->birth_date != NULL)
    json_object_set_string_member (patient, "birthDate", demographics->birth_date);
  write_address (patient, demographics);
  write_telecom (patient, "phone", "mobile", demographics->mobile);
  write_telecom (patient, "phone", "home", demographics->home);
  write_telecom (patient, "email", NULL, demographics->email);
  write_language (patient, demographics->language);
  write_emergency_contact (patient, demographics);
}

/**
 * fd_demographics_clear:
 * @demographics: details read with fd_demographics_read()
 */
void
fd_demographics_clear (FdDemographics *demographics)
{
  g_clear_pointer (&demographics->birth_date, g_free);
  g_clear_pointer (&demographics->line, g_free);
  g_clear_pointer (&demographics->city, g_free);
  g_clear_pointer (&demographics->state, g_free);
  g_clear_pointer (&demographics->zip, g_free);
  g_clear_pointer (&demographics->mobile, g_free);
  g_clear_pointer (&demographics->home, g_free);
  g_clear_pointer (&demographics->email, g_free);
  g_clear_pointer (&demographics->language, g_free);
  g_clear_pointer (&demographics->emergency_name, g_free);
  g_clear_pointer (&demographics->emergency_phone, g_free);
}

#define N_TEXT_FIELDS (sizeof (FdDemographics) / sizeof (char *))

/**
 * fd_demographics_equal:
 * @a: details
 * @b: other details
 *
 * Returns: whether they are the same, a missing field equal to an empty one
 */
gboolean
fd_demographics_equal (const FdDemographics *a,
                       const FdDemographics *b)
{
  const char * const *x = (const char * const *) a;
  const char * const *y = (const char * const *) b;

  for (guint i = 0; i < N_TEXT_FIELDS; i++)
    if (g_strcmp0 (x[i] ? x[i] : "", y[i] ? y[i] : "") != 0)
      return FALSE;
  return TRUE;
}

/**
 * fd_demographics_merge:
 * @current: the details on file now
 * @original: the details when the desk started editing
 * @typed: what the desk typed
 * @out: (out caller-allocates): @current with only the fields the desk
 *   changed taken from @typed; clear with fd_demographics_clear()
 *
 * A change that arrived from elsewhere while the desk was typing is kept
 * unless the desk changed that same field.
 */
void
fd_demographics_merge (const FdDemographics *current,
                       const FdDemographics *original,
                       const FdDemographics *typed,
                       FdDemographics       *out)
{
  const char * const *c = (const char * const *) current;
  const char * const *o = (const char * const *) original;
  const char * const *t = (const char * const *) typed;
  char **r = (char **) out;

  for (guint i = 0; i < N_TEXT_FIELDS; i++)
    {
      gboolean changed = g_strcmp0 (t[i] ? t[i] : "", o[i] ? o[i] : "") != 0;

      r[i] = g_strdup (changed ? t[i] : c[i]);
    }
}
