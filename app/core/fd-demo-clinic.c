/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdDemoClinic"

#include "fd-checkin.h"
#include "fd-demo-clinic.h"
#include "fd-fhir.h"
#include "fd-forms.h"
#include "fd-core.h"

#include <gio/gio.h>
#include <string.h>

/* Everything here is invented: names are common names drawn at random from
 * word lists, phone numbers use the 555 exchange, e-mail addresses use the
 * reserved example domains, and the NPIs deliberately fail their check digit
 * so that none can belong to a real provider. */

#define RESOURCE_PATH "/org/frontdesk/Frontdesk/demo/"

#define N_PAYERS        5
#define N_LOCATIONS     2
#define N_PRACTITIONERS 8
#define UUID_LEN        36
#define MRN_SPACE       10000000u
#define FAMILY_FIRST    10       /* the first parent; families every FAMILY_EVERY patients */
#define FAMILY_EVERY    100
#define MAX_PER_DAY     22
#define HALF_DAY        240   /* minutes in the morning and in the afternoon */
#define MORNING_START   (8 * 60)
#define AFTERNOON_START (13 * 60)
#define NOON            (12 * 60)
#define FLUSH_SIZE      (64 * 1024)

#define SYSTEM_V2_0203        "http://terminology.hl7.org/CodeSystem/v2-0203"
#define SYSTEM_V2_0131        "http://terminology.hl7.org/CodeSystem/v2-0131"
#define SYSTEM_V2_0276        "http://terminology.hl7.org/CodeSystem/v2-0276"
#define SYSTEM_MRN            "urn:frontdesk:mrn"
#define SYSTEM_ACCOUNT        "urn:frontdesk:account"
#define SYSTEM_NPI            "http://hl7.org/fhir/sid/us-npi"
#define SYSTEM_BCP47          "urn:ietf:bcp:47"
#define SYSTEM_ORG_TYPE       "http://terminology.hl7.org/CodeSystem/organization-type"
#define SYSTEM_COVERAGE_CLASS "http://terminology.hl7.org/CodeSystem/coverage-class"
#define SYSTEM_COPAY_TYPE     "http://terminology.hl7.org/CodeSystem/coverage-copay-type"
#define SYSTEM_SUBSCRIBER_REL "http://terminology.hl7.org/CodeSystem/subscriber-relationship"
#define SYSTEM_AGGREGATE      "http://hl7.org/fhir/account-aggregate"
#define SYSTEM_BALANCE_TERM   "http://hl7.org/fhir/account-balance-term"
#define URL_ACCOUNT_BALANCE   "http://hl7.org/fhir/5.0/StructureDefinition/extension-Account.balance"

static const struct
{
  const char *name;
  const char *code;   /* subscriber id and plan code stem */
  const char *phone;
  guint       weight;
} payers[N_PAYERS] = {
  { "Bluebonnet Health Plan",          "BHP", "(800) 555-0131", 30 },
  { "Lone Prairie Mutual",             "LPM", "(800) 555-0132", 25 },
  { "Cedar Ridge Health Insurance",    "CRH", "(800) 555-0133", 20 },
  { "Pecan Valley Health Cooperative", "PVH", "(800) 555-0134", 15 },
  { "Redbud Care Alliance",            "RCA", "(800) 555-0135", 10 },
};

static const struct
{
  const char *code;
  const char *name;
} plan_kinds[] = {
  { "PPO",  "PPO" },
  { "HMO",  "HMO Select" },
  { "HDHP", "High Deductible" },
};

static const char * const employers[] = {
  "Balcones Software Cooperative",
  "Caprock Freight Lines",
  "Riverside Grocers",
  "Pedernales Builders",
  "Lakeshore Hospitality Group",
  "Oak Hollow Manufacturing",
  "Cypress Creek Schools",
  "Bluestem Credit Union",
  "Hill Country Print Works",
  "Granite Ridge Logistics",
};

static const guint copays[] = { 10, 15, 20, 25, 30, 40, 50 };

/* What a visit is billed as; codes of the clinic's own charge master */
#define SYSTEM_CHARGE_CODE "urn:frontdesk:charge-code"
#define N_CHARGES 6
static const struct
{
  const char *code;
  const char *display;
} charges[N_CHARGES] = {
  { "OV-EST", "Office visit, established patient" },
  { "OV-NEW", "Office visit, new patient" },
  { "LAB-PANEL", "Laboratory panel" },
  { "IMM", "Immunization" },
  { "XR-2V", "X-ray, two views" },
  { "PROC-MIN", "Minor procedure" },
};

static const struct
{
  const char *name;
  const char *line;
  const char *suite;
  const char *postal_code;
  const char *phone;
} locations[N_LOCATIONS] = {
  { "Live Oak Family Medicine Riverside", "2150 Riverbend Parkway", NULL, "78741", "(512) 555-0110" },
  { "Live Oak Family Medicine Northgate", "8800 Prairie Rose Boulevard", "Suite 200", "78758", "(512) 555-0120" },
};

#define CLINIC_NAME  "Live Oak Family Medicine"
#define CLINIC_PHONE "(512) 555-0100"

/* Index 0 must stay English: surnames without a tag map to it. */
static const struct
{
  const char *code;
  const char *name;
} languages[] = {
  { "en", "English" },
  { "es", "Spanish" },
  { "vi", "Vietnamese" },
  { "zh", "Chinese" },
  { "ko", "Korean" },
  { "ar", "Arabic" },
  { "ru", "Russian" },
  { "uk", "Ukrainian" },
  { "pl", "Polish" },
  { "pt", "Portuguese" },
  { "tl", "Tagalog" },
  { "hi", "Hindi" },
  { "gu", "Gujarati" },
  { "ur", "Urdu" },
  { "fa", "Persian" },
  { "tr", "Turkish" },
  { "so", "Somali" },
  { "am", "Amharic" },
  { "ja", "Japanese" },
};

#define LANGUAGE_ENGLISH 0
#define LANGUAGE_SPANISH 1

static const char * const street_types[] = {
  "Drive", "Lane", "Trail", "Court", "Street", "Road", "Cove", "Way",
  "Circle", "Path", "Loop", "Boulevard",
};

/* Mobile numbers often keep an area code from elsewhere. */
static const char * const other_area_codes[] = {
  "737", "281", "469", "361", "832",
};

static const struct
{
  guint min_age;
  guint max_age;
  guint weight;
} age_bands[] = {
  {  0,  4,  6 },
  {  5, 17, 15 },
  { 18, 34, 22 },
  { 35, 49, 19 },
  { 50, 64, 19 },
  { 65, 79, 14 },
  { 80, 89,  4 },
  { 90, 98,  1 },
};

typedef enum
{
  VISIT_ROUTINE,
  VISIT_FOLLOWUP,
  VISIT_CHECKUP,
  VISIT_WALKIN,
  N_VISITS
} VisitType;

static const struct
{
  const char *code;
  const char *display;
  guint       weight;
} visit_types[N_VISITS] = {
  [VISIT_ROUTINE]  = { "ROUTINE",  "Routine appointment - default if not valued", 45 },
  [VISIT_FOLLOWUP] = { "FOLLOWUP", "A follow up visit from a previous appointment", 35 },
  [VISIT_CHECKUP]  = { "CHECKUP",  "A routine check-up, such as an annual physical", 17 },
  [VISIT_WALKIN]   = { "WALKIN",   "A previously unscheduled walk-in visit", 3 },
};

static const char * const routine_reasons[] = {
  "Sick visit", "Medication review", "Blood pressure check", "Sore throat",
  "Cough", "Back pain", "Rash", "Ear pain", "Vaccination", "Lab work",
};

static const char * const followup_reasons[] = {
  "Follow-up visit", "Lab results review", "Diabetes follow-up",
  "Blood pressure follow-up", "Post-visit recheck",
};

static const char * const cancel_reasons[] = {
  "Patient rescheduled", "Patient feeling better", "Transportation problem",
  "Provider unavailable", "Work conflict", "Weather",
};

typedef enum
{
  RELATIONSHIP_SELF,
  RELATIONSHIP_SPOUSE,
  RELATIONSHIP_CHILD,
  N_RELATIONSHIPS
} Relationship;

static const struct
{
  const char *code;
  const char *display;
} relationships[N_RELATIONSHIPS] = {
  [RELATIONSHIP_SELF]   = { "self", "Self" },
  [RELATIONSHIP_SPOUSE] = { "spouse", "Spouse" },
  [RELATIONSHIP_CHILD]  = { "child", "Child" },
};

typedef enum
{
  DAY_PAST,
  DAY_TODAY,
  DAY_FUTURE,
} DayKind;

typedef struct
{
  gchar        id[UUID_LEN + 1];
  gchar        coverage_id[UUID_LEN + 1];  /* empty when uninsured */
  const gchar *display;                    /* "Family, Given", in the string chunk */
  guint32      birth_julian;
  guint8       language;
  gboolean     is_parent;                  /* answers for the accounts of the patients after it */
  const gchar *family;                     /* a parent's family name, in the string chunk */
  guint        guarantor;                  /* a child's: its parent's index + 1; else 0 */
} PatientInfo;

typedef struct
{
  const FdDemoOptions *options;
  FdDemoEmitFunc       emit;
  gpointer             user_data;
  GRand               *rand;
  GRand               *visit_rand;   /* encounters and forms: their own stream, so the rest stays as it was */
  GRand               *ledger_rand;  /* invoices only: the rest of the clinic stays as it was */
  GRand               *family_rand;  /* families: the same */
  GTimeZone           *tz;
  gchar               *last_updated;
  guint32              today_julian;

  GPtrArray *surnames;           /* (element-type GStrv) */
  GArray    *surname_languages;  /* guint8, index into languages[] */
  GArray    *surname_pool;       /* guint rows, repeated by weight */
  GArray    *simple_pool;        /* the same, only rows usable in compounds */
  GPtrArray *female;
  GPtrArray *male;
  GPtrArray *streets;
  GPtrArray *cities;
  GArray    *city_weights;       /* guint */

  gchar  clinic_id[UUID_LEN + 1];
  gchar  payer_ids[N_PAYERS][UUID_LEN + 1];
  gchar  location_ids[N_LOCATIONS][UUID_LEN + 1];
  gchar  practitioner_ids[N_PRACTITIONERS][UUID_LEN + 1];
  gchar *practitioner_names[N_PRACTITIONERS];  /* "Dr. Given Family" */

  guint32       mrn_offset;
  PatientInfo  *patients;
  GStringChunk *strings;

  /* Sealed parts shared by many resources: building each anew for
   * 100,000 patients costs more than all the rest. */
  JsonObject *mr_type;
  JsonObject *an_type;
  JsonArray  *emergency_relationship;
  JsonObject *language_concepts[G_N_ELEMENTS (languages)];
  JsonObject *relationship_concepts[N_RELATIONSHIPS];
  JsonObject *group_type;
  JsonObject *plan_type;
  JsonObject *copay_type;
  JsonObject *copay_money[G_N_ELEMENTS (copays)];
  JsonObject *zero_money;
  JsonObject *aggregate_extension;
  JsonObject *term_extension;
  JsonObject *visit_concepts[N_VISITS];
  JsonObject *clinic_reference;
  JsonArray  *payor_arrays[N_PAYERS];
  JsonObject *practitioner_participants[N_PRACTITIONERS];
  JsonObject *location_participants[N_LOCATIONS];
  JsonObject *charge_concepts[N_CHARGES];
} Generator;

static void
clear_generator (Generator *gen)
{
  g_clear_pointer (&gen->rand, g_rand_free);
  g_clear_pointer (&gen->visit_rand, g_rand_free);
  g_clear_pointer (&gen->ledger_rand, g_rand_free);
  g_clear_pointer (&gen->family_rand, g_rand_free);
  g_clear_pointer (&gen->tz, g_time_zone_unref);
  g_clear_pointer (&gen->last_updated, g_free);
  g_clear_pointer (&gen->surnames, g_ptr_array_unref);
  g_clear_pointer (&gen->surname_languages, g_array_unref);
  g_clear_pointer (&gen->surname_pool, g_array_unref);
  g_clear_pointer (&gen->simple_pool, g_array_unref);
  g_clear_pointer (&gen->female, g_ptr_array_unref);
  g_clear_pointer (&gen->male, g_ptr_array_unref);
  g_clear_pointer (&gen->streets, g_ptr_array_unref);
  g_clear_pointer (&gen->cities, g_ptr_array_unref);
  g_clear_pointer (&gen->city_weights, g_array_unref);
  for (guint i = 0; i < N_PRACTITIONERS; i++)
    g_clear_pointer (&gen->practitioner_names[i], g_free);
  g_clear_pointer (&gen->patients, g_free);
  g_clear_pointer (&gen->strings, g_string_chunk_free);

  g_clear_pointer (&gen->mr_type, json_object_unref);
  g_clear_pointer (&gen->an_type, json_object_unref);
  g_clear_pointer (&gen->emergency_relationship, json_array_unref);
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    g_clear_pointer (&gen->language_concepts[i], json_object_unref);
  for (guint i = 0; i < N_RELATIONSHIPS; i++)
    g_clear_pointer (&gen->relationship_concepts[i], json_object_unref);
  g_clear_pointer (&gen->group_type, json_object_unref);
  g_clear_pointer (&gen->plan_type, json_object_unref);
  g_clear_pointer (&gen->copay_type, json_object_unref);
  for (guint i = 0; i < G_N_ELEMENTS (copays); i++)
    g_clear_pointer (&gen->copay_money[i], json_object_unref);
  g_clear_pointer (&gen->zero_money, json_object_unref);
  g_clear_pointer (&gen->aggregate_extension, json_object_unref);
  g_clear_pointer (&gen->term_extension, json_object_unref);
  for (guint i = 0; i < N_VISITS; i++)
    g_clear_pointer (&gen->visit_concepts[i], json_object_unref);
  g_clear_pointer (&gen->clinic_reference, json_object_unref);
  for (guint i = 0; i < N_PAYERS; i++)
    g_clear_pointer (&gen->payor_arrays[i], json_array_unref);
  for (guint i = 0; i < N_PRACTITIONERS; i++)
    g_clear_pointer (&gen->practitioner_participants[i], json_object_unref);
  for (guint i = 0; i < N_LOCATIONS; i++)
    g_clear_pointer (&gen->location_participants[i], json_object_unref);
  for (guint i = 0; i < N_CHARGES; i++)
    g_clear_pointer (&gen->charge_concepts[i], json_object_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Generator, clear_generator)

/* Random helpers */

static guint
pick (GRand *rand,
      guint  n)
{
  if (n <= 1)
    return 0;
  return (guint) g_rand_int_range (rand, 0, (gint32) n);
}

static gboolean
chance (GRand *rand,
        guint  permille)
{
  return pick (rand, 1000) < permille;
}

static guint
pick_weighted (GRand       *rand,
               const guint *weights,
               guint        n_weights)
{
  guint total = 0;
  guint roll;

  for (guint i = 0; i < n_weights; i++)
    total += weights[i];
  roll = pick (rand, total);
  for (guint i = 0; i < n_weights; i++)
    {
      if (roll < weights[i])
        return i;
      roll -= weights[i];
    }
  return n_weights - 1;
}

static void
make_uuid (GRand *rand,
           gchar  out[UUID_LEN + 1])
{
  static const char hex[] = "0123456789abcdef";
  guint8 bytes[16];
  guint pos = 0;

  for (guint i = 0; i < 4; i++)
    {
      guint32 value = g_rand_int (rand);

      bytes[i * 4] = value >> 24;
      bytes[i * 4 + 1] = value >> 16;
      bytes[i * 4 + 2] = value >> 8;
      bytes[i * 4 + 3] = value;
    }
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;

  for (guint i = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        out[pos++] = '-';
      out[pos++] = hex[bytes[i] >> 4];
      out[pos++] = hex[bytes[i] & 0x0f];
    }
  out[pos] = '\0';
}

/* Word lists */

static GPtrArray *
load_list (const char  *name,
           guint        min_fields,
           GError     **error)
{
  g_autofree gchar *path = g_strconcat (RESOURCE_PATH, name, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree gchar *text = NULL;
  g_auto(GStrv) lines = NULL;
  const gchar *data;
  gsize size;

  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &size);
  if (!g_utf8_validate_len (data, size, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Demo word list %s is not UTF-8", name);
      return NULL;
    }

  text = g_strndup (data, size);
  lines = g_strsplit (text, "\n", -1);
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      gchar *line = g_strchomp (lines[i]);
      gchar **fields;

      if (line[0] == '\0' || line[0] == '#')
        continue;

      fields = g_strsplit (line, "\t", -1);
      if (g_strv_length (fields) < min_fields)
        {
          g_strfreev (fields);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "Demo word list %s: line %u has too few fields", name, i + 1);
          return NULL;
        }
      g_ptr_array_add (rows, fields);
    }

  if (rows->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Demo word list %s is empty", name);
      return NULL;
    }

  return g_steal_pointer (&rows);
}

static const char *
row_field (GPtrArray *list,
           guint      row,
           guint      field)
{
  return ((const char * const *) g_ptr_array_index (list, row))[field];
}

static const char *
pick_word (GRand     *rand,
           GPtrArray *list)
{
  return row_field (list, pick (rand, list->len), 0);
}

static guint
pick_surname (GRand  *rand,
              GArray *pool)
{
  return g_array_index (pool, guint, pick (rand, pool->len));
}

static guint8
find_language (const char *tag)
{
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (g_str_equal (languages[i].code, tag))
      return i;
  return LANGUAGE_ENGLISH;
}

static gboolean
load_lists (Generator  *gen,
            GError    **error)
{
  if (!(gen->surnames = load_list ("surnames.txt", 1, error)) ||
      !(gen->female = load_list ("given-female.txt", 1, error)) ||
      !(gen->male = load_list ("given-male.txt", 1, error)) ||
      !(gen->streets = load_list ("streets.txt", 1, error)) ||
      !(gen->cities = load_list ("cities.txt", 5, error)))
    return FALSE;

  gen->surname_languages = g_array_sized_new (FALSE, FALSE, sizeof (guint8), gen->surnames->len);
  gen->surname_pool = g_array_new (FALSE, FALSE, sizeof (guint));
  gen->simple_pool = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < gen->surnames->len; i++)
    {
      const char * const *fields = g_ptr_array_index (gen->surnames, i);
      guint8 language = fields[1] != NULL ? find_language (fields[1]) : LANGUAGE_ENGLISH;
      /* a Central Texas clinic: Hispanic surnames are far more common */
      guint copies = language == LANGUAGE_SPANISH ? 3 : 1;

      g_array_append_val (gen->surname_languages, language);
      for (guint c = 0; c < copies; c++)
        {
          g_array_append_val (gen->surname_pool, i);
          /* "de la Cruz-Al-Farsi" reads as nobody's name */
          if (strpbrk (fields[0], " -") == NULL)
            g_array_append_val (gen->simple_pool, i);
        }
    }
  if (gen->simple_pool->len < N_PRACTITIONERS)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "Demo surname list is too short");
      return FALSE;
    }

  gen->city_weights = g_array_sized_new (FALSE, FALSE, sizeof (guint), gen->cities->len);
  for (guint i = 0; i < gen->cities->len; i++)
    {
      guint weight = (guint) g_ascii_strtoull (row_field (gen->cities, i, 4), NULL, 10);

      g_array_append_val (gen->city_weights, weight);
    }

  return TRUE;
}

/* JSON helpers */

static JsonArray *
new_array_with (JsonObject *element)
{
  JsonArray *array = json_array_new ();

  json_array_add_object_element (array, element);
  return array;
}

static JsonArray *
new_string_array (const char * const *strings,
                  guint               n_strings)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < n_strings; i++)
    json_array_add_string_element (array, strings[i]);
  return array;
}

static JsonObject *
new_money (gint64 cents)
{
  JsonObject *money = json_object_new ();

  json_object_set_double_member (money, "value", cents / 100.0);
  json_object_set_string_member (money, "currency", "USD");
  return money;
}

static JsonObject *
new_telecom (const char *system,
             const char *value,
             const char *use)
{
  JsonObject *telecom = json_object_new ();

  json_object_set_string_member (telecom, "system", system);
  json_object_set_string_member (telecom, "value", value);
  json_object_set_string_member (telecom, "use", use);
  return telecom;
}

static JsonObject *
new_address (const char *use,
             const char *line,
             const char *line2,
             const char *city,
             const char *state,
             const char *postal_code)
{
  JsonObject *address = json_object_new ();
  const char *lines[] = { line, line2 };

  json_object_set_string_member (address, "use", use);
  json_object_set_array_member (address, "line", new_string_array (lines, line2 != NULL ? 2 : 1));
  json_object_set_string_member (address, "city", city);
  json_object_set_string_member (address, "state", state);
  json_object_set_string_member (address, "postalCode", postal_code);
  json_object_set_string_member (address, "country", "US");
  return address;
}

static JsonObject *
new_resource (Generator  *gen,
              const char *type,
              gchar       id[UUID_LEN + 1])
{
  JsonObject *resource = json_object_new ();
  JsonObject *meta = json_object_new ();

  make_uuid (gen->rand, id);
  json_object_set_string_member (resource, "resourceType", type);
  json_object_set_string_member (resource, "id", id);
  json_object_set_string_member (meta, "versionId", "1");
  json_object_set_string_member (meta, "lastUpdated", gen->last_updated);
  json_object_set_object_member (resource, "meta", meta);
  return resource;
}

static JsonObject *
seal_object (JsonObject *object)
{
  json_object_seal (object);
  return object;
}

static JsonObject *
new_extension_concept (const char *url,
                       const char *system,
                       const char *code,
                       const char *display)
{
  JsonObject *extension = json_object_new ();

  json_object_set_string_member (extension, "url", url);
  json_object_set_object_member (extension, "valueCodeableConcept", fd_fhir_new_concept (system, code, display));
  return extension;
}

static void
build_shared (Generator *gen)
{
  gen->mr_type = seal_object (fd_fhir_new_concept (SYSTEM_V2_0203, "MR", "Medical record number"));
  gen->an_type = seal_object (fd_fhir_new_concept (SYSTEM_V2_0203, "AN", "Account number"));
  gen->emergency_relationship = new_array_with (fd_fhir_new_concept (SYSTEM_V2_0131, "C", "Emergency Contact"));
  json_array_seal (gen->emergency_relationship);

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      JsonObject *concept = fd_fhir_new_concept (SYSTEM_BCP47, languages[i].code, languages[i].name);

      json_object_set_string_member (concept, "text", languages[i].name);
      gen->language_concepts[i] = seal_object (concept);
    }

  for (guint i = 0; i < N_RELATIONSHIPS; i++)
    gen->relationship_concepts[i] = seal_object (fd_fhir_new_concept (SYSTEM_SUBSCRIBER_REL,
                                                              relationships[i].code,
                                                              relationships[i].display));

  gen->group_type = seal_object (fd_fhir_new_concept (SYSTEM_COVERAGE_CLASS, "group", "Group"));
  gen->plan_type = seal_object (fd_fhir_new_concept (SYSTEM_COVERAGE_CLASS, "plan", "Plan"));
  gen->copay_type = seal_object (fd_fhir_new_concept (SYSTEM_COPAY_TYPE, "copay", "Copay Amount"));
  for (guint i = 0; i < G_N_ELEMENTS (copays); i++)
    gen->copay_money[i] = seal_object (new_money ((gint64) copays[i] * 100));
  gen->zero_money = seal_object (new_money (0));

  gen->aggregate_extension = seal_object (new_extension_concept ("aggregate", SYSTEM_AGGREGATE,
                                                                 "patient", "Patient"));
  gen->term_extension = seal_object (new_extension_concept ("term", SYSTEM_BALANCE_TERM,
                                                            "current", "Current"));

  for (guint i = 0; i < N_VISITS; i++)
    gen->visit_concepts[i] = seal_object (fd_fhir_new_concept (SYSTEM_V2_0276, visit_types[i].code,
                                                       visit_types[i].display));

  for (guint i = 0; i < N_CHARGES; i++)
    {
      JsonObject *concept = fd_fhir_new_concept (SYSTEM_CHARGE_CODE, charges[i].code, charges[i].display);

      json_object_set_string_member (concept, "text", charges[i].display);
      gen->charge_concepts[i] = seal_object (concept);
    }
}

static gboolean
emit_resource (Generator   *gen,
               JsonObject  *resource,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (gen->emit (resource, gen->user_data, &local_error))
    return TRUE;

  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                         "Demo clinic generation was stopped");
  return FALSE;
}

static gchar *
format_date (const GDate *date)
{
  return g_strdup_printf ("%04u-%02u-%02u",
                          (guint) g_date_get_year (date),
                          (guint) g_date_get_month (date),
                          (guint) g_date_get_day (date));
}

static gchar *
format_instant (GDateTime *time)
{
  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%S%:z");
}

static gchar *
format_phone (GRand      *rand,
              const char *area_code)
{
  static const guint weights[] = { 40, 30, 15, 15 };
  guint last = pick (rand, 10000);

  switch (pick_weighted (rand, weights, G_N_ELEMENTS (weights)))
    {
    case 0:
      return g_strdup_printf ("(%s) 555-%04u", area_code, last);
    case 1:
      return g_strdup_printf ("%s-555-%04u", area_code, last);
    case 2:
      return g_strdup_printf ("%s.555.%04u", area_code, last);
    default:
      return g_strdup_printf ("+1 %s 555 %04u", area_code, last);
    }
}

/* Lower-case ASCII letters and digits only, for e-mail local parts */
static gchar *
fold_to_ascii (const char *text)
{
  g_autoptr(GString) prepared = g_string_new (NULL);
  g_autofree gchar *ascii = NULL;
  GString *folded = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* letters g_str_to_ascii() has no transliteration for */
      if (c == 0x0131)
        c = 'i';
      else if (c == 0x0110)
        c = 'D';
      else if (c == 0x0111)
        c = 'd';
      g_string_append_unichar (prepared, c);
    }

  ascii = g_str_to_ascii (prepared->str, "C");
  for (const char *p = ascii; *p != '\0'; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (folded, g_ascii_tolower (*p));

  return g_string_free (folded, FALSE);
}

static guint
age_in_years (guint32 birth_julian,
              guint32 day_julian)
{
  GDate birth;
  GDate day;
  guint age;

  if (day_julian <= birth_julian)
    return 0;

  g_date_clear (&birth, 1);
  g_date_clear (&day, 1);
  g_date_set_julian (&birth, birth_julian);
  g_date_set_julian (&day, day_julian);

  age = g_date_get_year (&day) - g_date_get_year (&birth);
  if (g_date_get_month (&day) < g_date_get_month (&birth) ||
      (g_date_get_month (&day) == g_date_get_month (&birth) &&
       g_date_get_day (&day) < g_date_get_day (&birth)))
    age--;
  return age;
}

/* Reference data */

static gboolean
emit_organizations (Generator  *gen,
                    GError    **error)
{
  g_autoptr(JsonObject) clinic = new_resource (gen, "Organization", gen->clinic_id);

  json_object_set_boolean_member (clinic, "active", TRUE);
  json_object_set_array_member (clinic, "type",
                                new_array_with (fd_fhir_new_concept (SYSTEM_ORG_TYPE, "prov",
                                                             "Healthcare Provider")));
  json_object_set_string_member (clinic, "name", CLINIC_NAME);
  json_object_set_array_member (clinic, "telecom",
                                new_array_with (new_telecom ("phone", CLINIC_PHONE, "work")));
  json_object_set_array_member (clinic, "address",
                                new_array_with (new_address ("work", locations[0].line, NULL, "Austin",
                                                             "TX", locations[0].postal_code)));
  if (!emit_resource (gen, clinic, error))
    return FALSE;
  gen->clinic_reference = seal_object (fd_fhir_new_reference ("Organization", gen->clinic_id, CLINIC_NAME));

  for (guint i = 0; i < N_PAYERS; i++)
    {
      g_autoptr(JsonObject) payer = new_resource (gen, "Organization", gen->payer_ids[i]);

      json_object_set_boolean_member (payer, "active", TRUE);
      json_object_set_array_member (payer, "type",
                                    new_array_with (fd_fhir_new_concept (SYSTEM_ORG_TYPE, "ins",
                                                                 "Insurance Company")));
      json_object_set_string_member (payer, "name", payers[i].name);
      json_object_set_array_member (payer, "telecom",
                                    new_array_with (new_telecom ("phone", payers[i].phone, "work")));
      if (!emit_resource (gen, payer, error))
        return FALSE;
      gen->payor_arrays[i] = new_array_with (fd_fhir_new_reference ("Organization", gen->payer_ids[i],
                                                            payers[i].name));
      json_array_seal (gen->payor_arrays[i]);
    }

  return TRUE;
}

static gboolean
emit_locations (Generator  *gen,
                GError    **error)
{
  for (guint i = 0; i < N_LOCATIONS; i++)
    {
      g_autoptr(JsonObject) location = new_resource (gen, "Location", gen->location_ids[i]);
      JsonObject *address = new_address ("work", locations[i].line, locations[i].suite, "Austin", "TX",
                                         locations[i].postal_code);

      json_object_set_string_member (location, "status", "active");
      json_object_set_string_member (location, "name", locations[i].name);
      json_object_set_string_member (location, "mode", "instance");
      json_object_set_array_member (location, "telecom",
                                    new_array_with (new_telecom ("phone", locations[i].phone, "work")));
      json_object_set_object_member (location, "address", address);
      json_object_set_object_member (location, "managingOrganization",
                                     json_object_ref (gen->clinic_reference));
      if (!emit_resource (gen, location, error))
        return FALSE;
      gen->location_participants[i] =
        seal_object (fd_fhir_new_participant (fd_fhir_new_reference ("Location", gen->location_ids[i],
                                                     locations[i].name)));
    }

  return TRUE;
}

/* Ten digits that look like an NPI but fail its Luhn check (prefix 80840) */
static gchar *
make_fake_npi (GRand *rand)
{
  guint digits[9];
  guint sum = 24;  /* the Luhn contribution of the 80840 prefix */
  guint check;

  digits[0] = 1 + pick (rand, 2);
  for (guint i = 1; i < 9; i++)
    digits[i] = pick (rand, 10);

  for (guint i = 0; i < 9; i++)
    {
      guint d = digits[8 - i];

      if (i % 2 == 0)
        {
          d *= 2;
          if (d > 9)
            d -= 9;
        }
      sum += d;
    }
  check = (10 - sum % 10) % 10;
  check = (check + 1 + pick (rand, 9)) % 10;

  return g_strdup_printf ("%u%u%u%u%u%u%u%u%u%u", digits[0], digits[1], digits[2],
                          digits[3], digits[4], digits[5], digits[6], digits[7],
                          digits[8], check);
}

static gboolean
emit_practitioners (Generator  *gen,
                    GError    **error)
{
  guint used[N_PRACTITIONERS];

  for (guint i = 0; i < N_PRACTITIONERS; i++)
    {
      g_autoptr(JsonObject) practitioner = new_resource (gen, "Practitioner",
                                                         gen->practitioner_ids[i]);
      g_autofree gchar *npi = make_fake_npi (gen->rand);
      gboolean female = i % 2 == 0;
      const char *given = pick_word (gen->rand, female ? gen->female : gen->male);
      const char *prefix = "Dr.";
      const char *family;
      JsonObject *identifier = json_object_new ();
      JsonObject *name = json_object_new ();
      gboolean taken;
      guint row;

      do
        {
          row = pick_surname (gen->rand, gen->simple_pool);
          taken = FALSE;
          for (guint j = 0; j < i; j++)
            taken |= used[j] == row;
        }
      while (taken);
      used[i] = row;
      family = row_field (gen->surnames, row, 0);
      gen->practitioner_names[i] = g_strdup_printf ("Dr. %s %s", given, family);

      json_object_set_string_member (identifier, "system", SYSTEM_NPI);
      json_object_set_string_member (identifier, "value", npi);
      json_object_set_array_member (practitioner, "identifier", new_array_with (identifier));
      json_object_set_boolean_member (practitioner, "active", TRUE);
      json_object_set_string_member (name, "use", "official");
      json_object_set_string_member (name, "family", family);
      json_object_set_array_member (name, "given", new_string_array (&given, 1));
      json_object_set_array_member (name, "prefix", new_string_array (&prefix, 1));
      json_object_set_array_member (practitioner, "name", new_array_with (name));
      json_object_set_string_member (practitioner, "gender", female ? "female" : "male");
      if (!emit_resource (gen, practitioner, error))
        return FALSE;
      gen->practitioner_participants[i] =
        seal_object (fd_fhir_new_participant (fd_fhir_new_reference ("Practitioner", gen->practitioner_ids[i],
                                                     gen->practitioner_names[i])));
    }

  return TRUE;
}

static GDateTime *
new_local_time (Generator   *gen,
                const GDate *day,
                guint        minutes)
{
  return g_date_time_new (gen->tz, g_date_get_year (day), g_date_get_month (day),
                          g_date_get_day (day), minutes / 60, minutes % 60, 0);
}

static void
get_window (Generator *gen,
            GDate     *first,
            GDate     *last)
{
  *first = gen->options->today;
  g_date_subtract_days (first, (gen->options->n_days - 1) / 2);
  *last = *first;
  g_date_add_days (last, gen->options->n_days - 1);
}

static gboolean
emit_schedules (Generator  *gen,
                GError    **error)
{
  for (guint i = 0; i < N_PRACTITIONERS; i++)
    {
      g_autoptr(JsonObject) schedule = NULL;
      gchar id[UUID_LEN + 1];
      guint site = i % N_LOCATIONS;
      JsonArray *actors = json_array_new ();

      schedule = new_resource (gen, "Schedule", id);
      json_object_set_boolean_member (schedule, "active", TRUE);
      json_array_add_object_element (actors, fd_fhir_new_reference ("Practitioner", gen->practitioner_ids[i],
                                                            gen->practitioner_names[i]));
      json_array_add_object_element (actors, fd_fhir_new_reference ("Location", gen->location_ids[site],
                                                            locations[site].name));
      json_object_set_array_member (schedule, "actor", actors);

      if (gen->options->n_days > 0)
        {
          JsonObject *horizon = json_object_new ();
          GDate first, last;
          g_autoptr(GDateTime) start = NULL;
          g_autoptr(GDateTime) end = NULL;
          g_autofree gchar *start_text = NULL;
          g_autofree gchar *end_text = NULL;

          get_window (gen, &first, &last);
          start = new_local_time (gen, &first, MORNING_START);
          end = new_local_time (gen, &last, AFTERNOON_START + HALF_DAY);
          start_text = format_instant (start);
          end_text = format_instant (end);
          json_object_set_string_member (horizon, "start", start_text);
          json_object_set_string_member (horizon, "end", end_text);
          json_object_set_object_member (schedule, "planningHorizon", horizon);
        }

      json_object_set_string_member (schedule, "comment", "Monday to Friday, 08:00 to 17:00");
      if (!emit_resource (gen, schedule, error))
        return FALSE;
    }

  return TRUE;
}

/* Patients */

static guint8
choose_language (GRand  *rand,
                 guint8  surname_language)
{
  static const guint8 others[] = { 2, 3, 4, 5, 6 };  /* vi zh ko ar ru */

  if (surname_language == LANGUAGE_SPANISH)
    return chance (rand, 500) ? LANGUAGE_SPANISH : LANGUAGE_ENGLISH;
  if (surname_language != LANGUAGE_ENGLISH)
    return chance (rand, 450) ? surname_language : LANGUAGE_ENGLISH;
  if (chance (rand, 60))
    return LANGUAGE_SPANISH;
  if (chance (rand, 15))
    return others[pick (rand, G_N_ELEMENTS (others))];
  return LANGUAGE_ENGLISH;
}

static void
random_birth_date (Generator *gen,
                   GDate     *birth)
{
  guint weights[G_N_ELEMENTS (age_bands)];
  guint band;
  guint age;

  for (guint i = 0; i < G_N_ELEMENTS (age_bands); i++)
    weights[i] = age_bands[i].weight;
  band = pick_weighted (gen->rand, weights, G_N_ELEMENTS (weights));
  age = age_bands[band].min_age + pick (gen->rand, age_bands[band].max_age - age_bands[band].min_age + 1);

  *birth = gen->options->today;
  if (age > 0)
    g_date_subtract_years (birth, age);
  g_date_subtract_days (birth, pick (gen->rand, 365));
}

/* One random draw per statement: argument order is unspecified in C,
 * and the output must not depend on the compiler. */
static gchar *
random_street_line (Generator *gen)
{
  guint number = 100 + pick (gen->rand, 9900);
  const char *street = pick_word (gen->rand, gen->streets);
  const char *type = street_types[pick (gen->rand, G_N_ELEMENTS (street_types))];

  return g_strdup_printf ("%u %s %s", number, street, type);
}

static JsonObject *
new_patient_contact (Generator  *gen,
                     const char *patient_family)
{
  JsonObject *contact = json_object_new ();
  JsonObject *name = json_object_new ();
  GPtrArray *given_list = chance (gen->rand, 500) ? gen->female : gen->male;
  const char *given = pick_word (gen->rand, given_list);
  const char *family = patient_family;
  const char *area_code = "512";
  g_autofree gchar *phone = NULL;

  if (!chance (gen->rand, 600))
    family = row_field (gen->surnames, pick_surname (gen->rand, gen->surname_pool), 0);
  if (!chance (gen->rand, 800))
    area_code = other_area_codes[pick (gen->rand, G_N_ELEMENTS (other_area_codes))];
  phone = format_phone (gen->rand, area_code);

  json_object_set_array_member (contact, "relationship", json_array_ref (gen->emergency_relationship));
  json_object_set_string_member (name, "family", family);
  json_object_set_array_member (name, "given", new_string_array (&given, 1));
  json_object_set_object_member (contact, "name", name);
  json_object_set_array_member (contact, "telecom",
                                new_array_with (new_telecom ("phone", phone, "mobile")));
  return contact;
}


/* Every patient's own, from one walk through the MRN space */
static char *
patient_mrn (Generator *gen,
             guint      index)
{
  return g_strdup_printf ("%u", (guint) (MRN_SPACE + ((guint64) index * 7919 + gen->mrn_offset) % MRN_SPACE));
}
static gboolean
emit_patient (Generator  *gen,
              guint       index,
              GError    **error)
{
  PatientInfo *info = &gen->patients[index];
  g_autoptr(JsonObject) patient = new_resource (gen, "Patient", info->id);
  g_autofree gchar *family = NULL;
  g_autofree gchar *display = NULL;
  g_autofree gchar *mrn = NULL;
  g_autofree gchar *birth_text = NULL;
  g_autofree gchar *given_text = NULL;
  const char *given[2] = { NULL, NULL };
  guint n_given = 1;
  const char *gender;
  GPtrArray *given_list;
  guint8 surname_language;
  guint city;
  const char *area_code;
  GDate birth;
  JsonObject *identifier;
  JsonObject *name;
  JsonArray *telecoms;
  JsonObject *communication;

  static const guint gender_weights[] = { 493, 495, 10, 2 };

  switch (pick_weighted (gen->rand, gender_weights, G_N_ELEMENTS (gender_weights)))
    {
    case 0:
      gender = "female";
      given_list = gen->female;
      break;
    case 1:
      gender = "male";
      given_list = gen->male;
      break;
    case 2:
      gender = "other";
      given_list = chance (gen->rand, 500) ? gen->female : gen->male;
      break;
    default:
      gender = "unknown";
      given_list = chance (gen->rand, 500) ? gen->female : gen->male;
      break;
    }

  given[0] = pick_word (gen->rand, given_list);
  if (chance (gen->rand, 120))
    {
      given[1] = pick_word (gen->rand, given_list);
      if (!g_str_equal (given[0], given[1]))
        n_given = 2;
    }

  if (chance (gen->rand, 80))
    {
      guint first = pick_surname (gen->rand, gen->simple_pool);
      guint second;

      do
        second = pick_surname (gen->rand, gen->simple_pool);
      while (second == first);
      family = g_strconcat (row_field (gen->surnames, first, 0), "-",
                            row_field (gen->surnames, second, 0), NULL);
      surname_language = g_array_index (gen->surname_languages, guint8, first);
    }
  else
    {
      guint row = pick_surname (gen->rand, gen->surname_pool);

      family = g_strdup (row_field (gen->surnames, row, 0));
      surname_language = g_array_index (gen->surname_languages, guint8, row);
    }

  random_birth_date (gen, &birth);

  /* A few fixed patients the tests and the demo script rely on */
  if (gen->options->n_patients >= 50 && index < 3)
    {
      static const char * const fixed_family[] = { "García", "O'Brien", "Smith-Jones" };
      static const char * const fixed_given[][2] = {
        { "María", "José" }, { "Siobhan", NULL }, { "Alexander", NULL },
      };
      GDate fixed_birth;

      g_free (family);
      family = g_strdup (fixed_family[index]);
      given[0] = fixed_given[index][0];
      given[1] = fixed_given[index][1];
      n_given = given[1] != NULL ? 2 : 1;
      gender = index == 2 ? "male" : "female";
      surname_language = index == 0 ? LANGUAGE_SPANISH : LANGUAGE_ENGLISH;

      g_date_clear (&fixed_birth, 1);
      g_date_set_dmy (&fixed_birth, 7, G_DATE_MARCH, 1961);
      if (index == 0 && g_date_compare (&fixed_birth, &gen->options->today) <= 0)
        birth = fixed_birth;
    }

  /* A family: the parent old enough to answer for the children, who carry
   * the parent's family name */
  if (info->is_parent)
    {
      if (gen->today_julian - g_date_get_julian (&birth) < 28 * 365)
        {
          birth = gen->options->today;
          g_date_subtract_years (&birth, 30 + pick (gen->family_rand, 20));
        }
      info->family = g_string_chunk_insert (gen->strings, family);
    }
  else if (info->guarantor > 0)
    {
      g_free (family);
      family = g_strdup (gen->patients[info->guarantor - 1].family);
      birth = gen->options->today;
      g_date_subtract_years (&birth, 1 + pick (gen->family_rand, 16));
      g_date_subtract_days (&birth, pick (gen->family_rand, 365));
    }

  info->language = choose_language (gen->rand, surname_language);
  info->birth_julian = g_date_get_julian (&birth);
  given_text = n_given == 2 ? g_strconcat (given[0], " ", given[1], NULL) : g_strdup (given[0]);
  display = g_strconcat (family, ", ", given_text, NULL);
  info->display = g_string_chunk_insert (gen->strings, display);

  /* multiplying by a unit modulo MRN_SPACE permutes it: unique MRNs */
  mrn = patient_mrn (gen, index);
  identifier = json_object_new ();
  json_object_set_string_member (identifier, "use", "usual");
  json_object_set_object_member (identifier, "type", json_object_ref (gen->mr_type));
  json_object_set_string_member (identifier, "system", SYSTEM_MRN);
  json_object_set_string_member (identifier, "value", mrn);
  json_object_set_array_member (patient, "identifier", new_array_with (identifier));
  json_object_set_boolean_member (patient, "active", TRUE);

  name = json_object_new ();
  json_object_set_string_member (name, "use", "official");
  json_object_set_string_member (name, "family", family);
  json_object_set_array_member (name, "given", new_string_array (given, n_given));
  json_object_set_array_member (patient, "name", new_array_with (name));

  city = pick_weighted (gen->rand, (const guint *) (gpointer) gen->city_weights->data,
                        gen->city_weights->len);
  area_code = row_field (gen->cities, city, 3);
  if (!chance (gen->rand, 800))
    area_code = other_area_codes[pick (gen->rand, G_N_ELEMENTS (other_area_codes))];

  telecoms = json_array_new ();
  if (!chance (gen->rand, 40))
    {
      g_autofree gchar *phone = format_phone (gen->rand, area_code);
      gboolean mobile = chance (gen->rand, 700);

      json_array_add_object_element (telecoms, new_telecom ("phone", phone, mobile ? "mobile" : "home"));
      if (mobile && chance (gen->rand, 100))
        {
          g_autofree gchar *home = format_phone (gen->rand, row_field (gen->cities, city, 3));

          json_array_add_object_element (telecoms, new_telecom ("phone", home, "home"));
        }
    }
  if (chance (gen->rand, 500))
    {
      static const char * const domains[] = { "example.com", "example.org", "example.net" };
      static const char * const separators[] = { ".", "_", "" };
      g_autofree gchar *local_given = fold_to_ascii (given[0]);
      g_autofree gchar *local_family = fold_to_ascii (family);
      g_autofree gchar *suffix = NULL;
      g_autofree gchar *email = NULL;
      const char *separator;
      const char *domain;

      /* people with common names add digits */
      suffix = chance (gen->rand, 400) ? g_strdup_printf ("%u", pick (gen->rand, 100)) : g_strdup ("");
      separator = separators[pick (gen->rand, G_N_ELEMENTS (separators))];
      domain = domains[pick (gen->rand, G_N_ELEMENTS (domains))];
      email = g_strdup_printf ("%s%s%s%s@%s", local_given, separator, local_family, suffix, domain);

      json_array_add_object_element (telecoms, new_telecom ("email", email, "home"));
    }
  if (json_array_get_length (telecoms) > 0)
    json_object_set_array_member (patient, "telecom", telecoms);
  else
    json_array_unref (telecoms);

  birth_text = format_date (&birth);
  json_object_set_string_member (patient, "gender", gender);
  json_object_set_string_member (patient, "birthDate", birth_text);

  if (!chance (gen->rand, 40))
    {
      g_autofree gchar *line = random_street_line (gen);
      g_autofree gchar *unit = NULL;
      g_autofree gchar *postal_code = NULL;

      if (chance (gen->rand, 150))
        {
          gboolean apartment = chance (gen->rand, 500);
          guint number = 1 + pick (gen->rand, 450);

          unit = g_strdup_printf (apartment ? "Apt %u" : "Unit %u", number);
        }
      postal_code = g_strdup_printf ("%s%02u", row_field (gen->cities, city, 2), pick (gen->rand, 100));
      json_object_set_array_member (patient, "address",
                                    new_array_with (new_address ("home", line, unit,
                                                                 row_field (gen->cities, city, 0),
                                                                 row_field (gen->cities, city, 1),
                                                                 postal_code)));
    }
  else if (info->is_parent)
    {
      /* A guarantor's statements need somewhere to go */
      g_autofree gchar *line = g_strdup_printf ("%u %s %s", 100 + pick (gen->family_rand, 9900),
                                                pick_word (gen->family_rand, gen->streets),
                                                street_types[pick (gen->family_rand, G_N_ELEMENTS (street_types))]);
      g_autofree gchar *postal_code = g_strdup_printf ("%s%02u", row_field (gen->cities, city, 2),
                                                       pick (gen->family_rand, 100));

      json_object_set_array_member (patient, "address",
                                    new_array_with (new_address ("home", line, NULL,
                                                                 row_field (gen->cities, city, 0),
                                                                 row_field (gen->cities, city, 1),
                                                                 postal_code)));
    }

  if (chance (gen->rand, 870))
    json_object_set_array_member (patient, "contact",
                                  new_array_with (new_patient_contact (gen, family)));

  communication = json_object_new ();
  json_object_set_object_member (communication, "language",
                                 json_object_ref (gen->language_concepts[info->language]));
  json_object_set_boolean_member (communication, "preferred", TRUE);
  json_object_set_array_member (patient, "communication", new_array_with (communication));

  return emit_resource (gen, patient, error);
}

static JsonObject *
new_coverage_class (JsonObject *type,
                    const char *value,
                    const char *name)
{
  JsonObject *class = json_object_new ();

  json_object_set_object_member (class, "type", json_object_ref (type));
  json_object_set_string_member (class, "value", value);
  json_object_set_string_member (class, "name", name);
  return class;
}

static gboolean
emit_coverage (Generator  *gen,
               guint       index,
               GError    **error)
{
  PatientInfo *info = &gen->patients[index];
  g_autoptr(JsonObject) coverage = NULL;
  g_autofree gchar *subscriber_id = NULL;
  g_autofree gchar *start_text = NULL;
  g_autofree gchar *group_value = NULL;
  g_autofree gchar *plan_value = NULL;
  g_autofree gchar *plan_name = NULL;
  guint weights[N_PAYERS];
  guint payer;
  guint kind;
  guint age = age_in_years (info->birth_julian, gen->today_julian);
  Relationship relationship;
  guint month;
  guint year;
  const char *group_name;
  GDate start;
  JsonObject *period;
  JsonArray *classes;
  JsonObject *cost;

  for (guint i = 0; i < N_PAYERS; i++)
    weights[i] = payers[i].weight;
  payer = pick_weighted (gen->rand, weights, N_PAYERS);
  kind = pick (gen->rand, G_N_ELEMENTS (plan_kinds));

  coverage = new_resource (gen, "Coverage", info->coverage_id);
  subscriber_id = g_strdup_printf ("%s%09u", payers[payer].code, pick (gen->rand, 1000000000));

  if (age < 18 && chance (gen->rand, 950))
    relationship = RELATIONSHIP_CHILD;
  else if (age >= 18 && chance (gen->rand, 120))
    relationship = RELATIONSHIP_SPOUSE;
  else
    relationship = RELATIONSHIP_SELF;

  month = 1 + pick (gen->rand, 12);
  year = g_date_get_year (&gen->options->today) - pick (gen->rand, 6);
  g_date_clear (&start, 1);
  g_date_set_dmy (&start, 1, month, year);
  if (g_date_get_julian (&start) > gen->today_julian)
    g_date_set_julian (&start, gen->today_julian);
  if (g_date_get_julian (&start) < info->birth_julian)
    g_date_set_julian (&start, info->birth_julian);
  start_text = format_date (&start);

  json_object_set_string_member (coverage, "status", "active");
  json_object_set_string_member (coverage, "subscriberId", subscriber_id);
  json_object_set_object_member (coverage, "beneficiary",
                                 fd_fhir_new_reference ("Patient", info->id, info->display));
  json_object_set_object_member (coverage, "relationship",
                                 json_object_ref (gen->relationship_concepts[relationship]));
  period = json_object_new ();
  json_object_set_string_member (period, "start", start_text);
  json_object_set_object_member (coverage, "period", period);
  json_object_set_array_member (coverage, "payor", json_array_ref (gen->payor_arrays[payer]));

  if (chance (gen->rand, 150))
    {
      group_value = g_strdup ("IND");
      group_name = "Individual and family plan";
    }
  else
    {
      group_value = g_strdup_printf ("G%05u", pick (gen->rand, 100000));
      group_name = employers[pick (gen->rand, G_N_ELEMENTS (employers))];
    }
  plan_value = g_strdup_printf ("%s-%s", payers[payer].code, plan_kinds[kind].code);
  plan_name = g_strdup_printf ("%s %s", payers[payer].name, plan_kinds[kind].name);
  classes = json_array_new ();
  json_array_add_object_element (classes, new_coverage_class (gen->group_type, group_value, group_name));
  json_array_add_object_element (classes, new_coverage_class (gen->plan_type, plan_value, plan_name));
  json_object_set_array_member (coverage, "class", classes);

  cost = json_object_new ();
  json_object_set_object_member (cost, "type", json_object_ref (gen->copay_type));
  json_object_set_object_member (cost, "valueMoney",
                                 json_object_ref (gen->copay_money[pick (gen->rand, G_N_ELEMENTS (copays))]));
  json_object_set_array_member (coverage, "costToBeneficiary", new_array_with (cost));

  return emit_resource (gen, coverage, error);
}

static gint64
random_balance_cents (GRand *rand)
{
  static const guint weights[] = { 60, 25, 12, 3 };
  static const guint bounds[][2] = {
    { 500, 15000 }, { 15000, 60000 }, { 60000, 150000 }, { 150000, 240000 },
  };
  guint band = pick_weighted (rand, weights, G_N_ELEMENTS (weights));

  return bounds[band][0] + pick (rand, bounds[band][1] - bounds[band][0] + 1);
}

static JsonObject *
new_price_component (const char *type,
                     gint64      cents)
{
  JsonObject *component = json_object_new ();

  json_object_set_string_member (component, "type", type);
  json_object_set_object_member (component, "amount", new_money (cents));
  return component;
}

/* One issued Invoice: what the visit was billed, what the payer's contract
 * took off (discount), what insurance paid (deduction), and the patient's
 * part, which is what the desk collects */
static gboolean
emit_invoice (Generator   *gen,
              guint        index,
              const char  *account_id,
              gint64       patient_cents,
              GError     **error)
{
  PatientInfo *info = &gen->patients[index];
  GRand *rand = gen->ledger_rand;
  g_autoptr(JsonObject) invoice = json_object_new ();
  g_autofree gchar *date_text = NULL;
  gchar id[UUID_LEN + 1];
  JsonObject *meta = json_object_new ();
  JsonObject *line = json_object_new ();
  JsonArray *components = json_array_new ();
  gboolean insured = info->coverage_id[0] != '\0';
  gint64 insurance = insured ? patient_cents * (1 + pick (rand, 3)) : 0;
  gint64 adjustment = (patient_cents + insurance) * pick (rand, insured ? 45 : 15) / 100;
  GDate date;

  /* 0 to 150 days back: every aging bucket has some */
  g_date_clear (&date, 1);
  g_date_set_julian (&date, gen->today_julian - pick (rand, 151));
  date_text = format_date (&date);

  make_uuid (rand, id);
  json_object_set_string_member (invoice, "resourceType", "Invoice");
  json_object_set_string_member (invoice, "id", id);
  json_object_set_string_member (meta, "versionId", "1");
  json_object_set_string_member (meta, "lastUpdated", gen->last_updated);
  json_object_set_object_member (invoice, "meta", meta);
  json_object_set_string_member (invoice, "status", "issued");
  json_object_set_object_member (invoice, "subject", fd_fhir_new_reference ("Patient", info->id, info->display));
  json_object_set_object_member (invoice, "recipient", fd_fhir_new_reference ("Patient", info->id, info->display));
  json_object_set_string_member (invoice, "date", date_text);
  json_object_set_object_member (invoice, "issuer", json_object_ref (gen->clinic_reference));
  json_object_set_object_member (invoice, "account", fd_fhir_new_reference ("Account", account_id, NULL));

  json_object_set_int_member (line, "sequence", 1);
  json_object_set_object_member (line, "chargeItemCodeableConcept",
                                 json_object_ref (gen->charge_concepts[pick (rand, N_CHARGES)]));
  json_array_add_object_element (components, new_price_component ("base", patient_cents + insurance + adjustment));
  if (adjustment > 0)
    json_array_add_object_element (components, new_price_component ("discount", adjustment));
  if (insurance > 0)
    json_array_add_object_element (components, new_price_component ("deduction", insurance));
  json_object_set_array_member (line, "priceComponent", components);
  json_object_set_array_member (invoice, "lineItem", new_array_with (line));

  json_object_set_object_member (invoice, "totalGross", new_money (patient_cents + insurance + adjustment));
  json_object_set_object_member (invoice, "totalNet", new_money (patient_cents));

  return emit_resource (gen, invoice, error);
}

/* Invoices whose patient parts add up to the account's balance */
static gboolean
emit_invoices (Generator   *gen,
               guint        index,
               const char  *account_id,
               gint64       balance_cents,
               GError     **error)
{
  guint n = 1 + pick (gen->ledger_rand, 3);
  gint64 left = balance_cents;

  /* A patient's part of one visit stays under about $450: a large balance is
   * many visits, not one implausible charge */
  n = MAX (n, (guint) MIN (12, (balance_cents + 44999) / 45000));
  if (balance_cents < (gint64) n * 200)
    n = 1;
  for (guint i = 0; i < n; i++)
    {
      gint64 share = left;

      if (i + 1 < n)
        {
          gint64 even = left / (n - i);

          share = MAX (100, even * (60 + pick (gen->ledger_rand, 81)) / 100);
          share = MIN (share, left - 100 * (gint64) (n - i - 1));
        }
      if (!emit_invoice (gen, index, account_id, share, error))
        return FALSE;
      left -= share;
    }

  g_assert (left == 0);
  return TRUE;
}

static gboolean
emit_account (Generator  *gen,
              guint       index,
              GError    **error)
{
  PatientInfo *info = &gen->patients[index];
  g_autoptr(JsonObject) account = NULL;
  gchar id[UUID_LEN + 1];
  gint64 cents = chance (gen->rand, 250) ? random_balance_cents (gen->rand) : 0;
  JsonObject *balance = json_object_new ();
  JsonArray *parts = json_array_new ();
  JsonObject *amount = json_object_new ();
  JsonObject *guarantor = json_object_new ();
  PatientInfo *payer = info;

  /* A child's account is its parent's to pay, and has something on it */
  if (info->guarantor > 0)
    {
      payer = &gen->patients[info->guarantor - 1];
      if (cents == 0)
        cents = 1500 + pick (gen->family_rand, 18000);
    }

  account = new_resource (gen, "Account", id);
  {
    /* The number printed on statements and receipts: the clinic's own, not the record's id */
    g_autofree char *mrn = patient_mrn (gen, index);
    g_autofree char *number = g_strconcat ("A", mrn, NULL);
    JsonObject *identifier = json_object_new ();

    json_object_set_string_member (identifier, "use", "usual");
    json_object_set_object_member (identifier, "type", json_object_ref (gen->an_type));
    json_object_set_string_member (identifier, "system", SYSTEM_ACCOUNT);
    json_object_set_string_member (identifier, "value", number);
    json_object_set_array_member (account, "identifier", new_array_with (identifier));
  }

  json_array_add_object_element (parts, json_object_ref (gen->aggregate_extension));
  json_array_add_object_element (parts, json_object_ref (gen->term_extension));
  json_object_set_string_member (amount, "url", "amount");
  json_object_set_object_member (amount, "valueMoney",
                                 cents > 0 ? new_money (cents) : json_object_ref (gen->zero_money));
  json_array_add_object_element (parts, amount);
  json_object_set_string_member (balance, "url", URL_ACCOUNT_BALANCE);
  json_object_set_array_member (balance, "extension", parts);
  json_object_set_array_member (account, "extension", new_array_with (balance));

  json_object_set_string_member (account, "status", "active");
  json_object_set_string_member (account, "name", "Patient account");
  json_object_set_array_member (account, "subject",
                                new_array_with (fd_fhir_new_reference ("Patient", info->id, info->display)));
  if (info->coverage_id[0] != '\0')
    {
      JsonObject *coverage = json_object_new ();

      json_object_set_object_member (coverage, "coverage",
                                     fd_fhir_new_reference ("Coverage", info->coverage_id, NULL));
      json_object_set_int_member (coverage, "priority", 1);
      json_object_set_array_member (account, "coverage", new_array_with (coverage));
    }
  json_object_set_object_member (account, "owner", json_object_ref (gen->clinic_reference));
  json_object_set_object_member (guarantor, "party",
                                 fd_fhir_new_reference ("Patient", payer->id, payer->display));
  json_object_set_array_member (account, "guarantor", new_array_with (guarantor));

  if (!emit_resource (gen, account, error))
    return FALSE;
  return cents == 0 || emit_invoices (gen, index, id, cents, error);
}

/* A resource of the visit stream: its id and meta, like new_resource () */
static JsonObject *
finish_visit_resource (Generator  *gen,
                       JsonObject *resource)
{
  JsonObject *meta = json_object_new ();

  json_object_set_string_member (meta, "versionId", "1");
  json_object_set_string_member (meta, "lastUpdated", gen->last_updated);
  json_object_set_object_member (resource, "meta", meta);
  return resource;
}

/* The signed forms and consents on file: most patients have them, some
 * lapsed, a few never signed */
static gboolean
emit_forms (Generator  *gen,
            guint       index,
            GError    **error)
{
  static const guint on_file[] = { 780, 850, 900 };  /* per mille, in fd_desk_forms () order */
  PatientInfo *info = &gen->patients[index];
  g_autoptr(GDateTime) now = new_local_time (gen, &gen->options->today, 8 * 60);
  guint n_forms;
  const FdDeskForm *forms = fd_desk_forms (&n_forms);

  for (guint i = 0; i < n_forms && i < G_N_ELEMENTS (on_file); i++)
    {
      g_autoptr(JsonObject) record = NULL;
      g_autoptr(GDateTime) signed_at = NULL;
      gchar id[UUID_LEN + 1];
      guint days_ago;

      if (!chance (gen->visit_rand, on_file[i]))
        continue;
      /* one in ten signed more than a year ago: a yearly form that has lapsed */
      days_ago = chance (gen->visit_rand, 100) ? 370 + pick (gen->visit_rand, 700) : 1 + pick (gen->visit_rand, 360);
      signed_at = g_date_time_add_days (now, -(gint) days_ago);
      make_uuid (gen->visit_rand, id);
      record = finish_visit_resource (gen, fd_desk_form_new_received (&forms[i], id, info->id, info->display,
                                                                     signed_at));
      if (!emit_resource (gen, record, error))
        return FALSE;
    }
  return TRUE;
}

/* Every hundredth patient from the eleventh is a parent who answers for the
 * accounts of the next two or three patients, their children */
static void
plan_families (Generator *gen)
{
  guint n = gen->options->n_patients;

  for (guint parent = FAMILY_FIRST; parent + 3 < n; parent += FAMILY_EVERY)
    {
      guint n_children = 2 + pick (gen->family_rand, 2);

      gen->patients[parent].is_parent = TRUE;
      for (guint c = 1; c <= n_children; c++)
        gen->patients[parent + c].guarantor = parent + 1;
    }
}

static gboolean
emit_patients (Generator  *gen,
               GError    **error)
{
  guint n = gen->options->n_patients;

  gen->patients = g_new0 (PatientInfo, MAX (n, 1));
  plan_families (gen);

  for (guint i = 0; i < n; i++)
    if (!emit_patient (gen, i, error))
      return FALSE;

  for (guint i = 0; i < n; i++)
    if (chance (gen->rand, 850) && !emit_coverage (gen, i, error))
      return FALSE;

  for (guint i = 0; i < n; i++)
    if (!emit_account (gen, i, error))
      return FALSE;

  for (guint i = 0; i < n; i++)
    if (!emit_forms (gen, i, error))
      return FALSE;

  return TRUE;
}

/* Appointments */

static guint
pick_duration (GRand     *rand,
               VisitType  type)
{
  switch (type)
    {
    case VISIT_CHECKUP:
      return chance (rand, 800) ? 30 : 20;
    case VISIT_FOLLOWUP:
      return chance (rand, 550) ? 15 : 20;
    case VISIT_WALKIN:
      return 15;
    case VISIT_ROUTINE:
    case N_VISITS:
    default:
      switch (pick (rand, 3))
        {
        case 0:
          return 15;
        case 1:
          return 20;
        default:
          return 30;
        }
    }
}

static const char *
pick_status (GRand   *rand,
             DayKind  kind,
             guint    start_minutes)
{
  switch (kind)
    {
    case DAY_PAST:
      if (chance (rand, 850))
        return "fulfilled";
      return chance (rand, 333) ? "noshow" : "cancelled";

    case DAY_TODAY:
      {
        /* the morning is under way: early visits are done, late ones just arrived */
        static const guint early[] = { 85, 10, 5 };
        static const guint middle[] = { 40, 40, 20 };
        static const guint late[] = { 5, 35, 60 };
        const guint *weights;

        if (start_minutes >= NOON)
          return chance (rand, 50) ? "cancelled" : "booked";
        if (start_minutes < 10 * 60)
          weights = early;
        else if (start_minutes < 11 * 60)
          weights = middle;
        else
          weights = late;

        switch (pick_weighted (rand, weights, 3))
          {
          case 0:
            return "fulfilled";
          case 1:
            return "checked-in";
          default:
            return "arrived";
          }
      }

    case DAY_FUTURE:
    default:
      return chance (rand, 80) ? "cancelled" : "booked";
    }
}

static const char *
describe_visit (GRand     *rand,
                VisitType  type,
                guint      age)
{
  switch (type)
    {
    case VISIT_CHECKUP:
      if (age < 18)
        return "Well-child visit";
      if (age >= 65)
        return "Annual wellness visit";
      return "Annual physical";
    case VISIT_FOLLOWUP:
      return followup_reasons[pick (rand, G_N_ELEMENTS (followup_reasons))];
    case VISIT_WALKIN:
      return "Walk-in visit";
    case VISIT_ROUTINE:
    case N_VISITS:
    default:
      return routine_reasons[pick (rand, G_N_ELEMENTS (routine_reasons))];
    }
}

/* The visit (Encounter) check-in opened for an appointment the patient came
 * to: arrival a little early or late, the room, the end */
static gboolean
emit_visit (Generator   *gen,
            JsonObject  *appointment,
            const char  *status,
            GDateTime   *start,
            guint        duration,
            GError     **error)
{
  static const char * const desks[] = { "FD1", "FD2" };
  g_autoptr(JsonObject) encounter = NULL;
  g_autoptr(GDateTime) arrived = NULL;
  g_autoptr(GDateTime) roomed = NULL;
  g_autoptr(GDateTime) finished = NULL;
  g_autofree char *room = NULL;
  const char *desk = desks[pick (gen->visit_rand, G_N_ELEMENTS (desks))];
  gboolean in_room = g_str_equal (status, "checked-in");
  gboolean done = g_str_equal (status, "fulfilled");

  if (!in_room && !done && !g_str_equal (status, "arrived"))
    return TRUE;

  /* one in eight comes late; the rest up to twenty minutes early */
  if (chance (gen->visit_rand, 125))
    arrived = g_date_time_add_minutes (start, 11 + (gint) pick (gen->visit_rand, 20));
  else
    arrived = g_date_time_add_minutes (start, -(gint) pick (gen->visit_rand, 21));
  roomed = g_date_time_add_minutes (arrived, 4 + (gint) pick (gen->visit_rand, 28));
  finished = g_date_time_add_minutes (roomed, (gint) duration + (gint) pick (gen->visit_rand, 15));
  room = g_strdup_printf ("Exam %u", 1 + pick (gen->visit_rand, 8));

  encounter = finish_visit_resource (gen, fd_checkin_new_encounter (appointment, arrived, desk));
  if (in_room || done)
    {
      fd_encounter_set_room (encounter, room, roomed);
      fd_encounter_change_status (encounter, "in-progress", roomed, desk, NULL);
    }
  if (done)
    {
      fd_encounter_set_room (encounter, NULL, finished);
      fd_encounter_change_status (encounter, "finished", finished, desk, NULL);
    }
  return emit_resource (gen, encounter, error);
}

static gboolean
emit_appointment (Generator    *gen,
                  const GDate  *day,
                  DayKind       kind,
                  guint         practitioner,
                  VisitType     type,
                  guint         start_minutes,
                  guint         duration,
                  GError      **error)
{
  PatientInfo *patient = &gen->patients[pick (gen->rand, gen->options->n_patients)];
  guint site = practitioner % N_LOCATIONS;
  g_autoptr(JsonObject) appointment = NULL;
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;
  g_autofree gchar *start_text = NULL;
  g_autofree gchar *end_text = NULL;
  g_autofree gchar *comment = NULL;
  gchar id[UUID_LEN + 1];
  const char *status = pick_status (gen->rand, kind, start_minutes);
  guint age = age_in_years (patient->birth_julian, g_date_get_julian (day));
  JsonArray *participants;

  appointment = new_resource (gen, "Appointment", id);
  start = new_local_time (gen, day, start_minutes);
  end = g_date_time_add_minutes (start, duration);
  start_text = format_instant (start);
  end_text = format_instant (end);

  json_object_set_string_member (appointment, "status", status);
  if (g_str_equal (status, "cancelled") && chance (gen->rand, 600))
    {
      JsonObject *reason = json_object_new ();

      json_object_set_string_member (reason, "text",
                                     cancel_reasons[pick (gen->rand, G_N_ELEMENTS (cancel_reasons))]);
      json_object_set_object_member (appointment, "cancelationReason", reason);
    }
  json_object_set_object_member (appointment, "appointmentType",
                                 json_object_ref (gen->visit_concepts[type]));
  json_object_set_string_member (appointment, "description", describe_visit (gen->rand, type, age));
  json_object_set_string_member (appointment, "start", start_text);
  json_object_set_string_member (appointment, "end", end_text);
  json_object_set_int_member (appointment, "minutesDuration", duration);

  if (patient->language != LANGUAGE_ENGLISH && chance (gen->rand, 400))
    comment = g_strdup_printf ("Interpreter needed: %s", languages[patient->language].name);
  else if (chance (gen->rand, 50))
    comment = g_strdup ("Bring current medication list");
  if (comment != NULL)
    json_object_set_string_member (appointment, "comment", comment);

  participants = json_array_new ();
  json_array_add_object_element (participants,
                                 fd_fhir_new_participant (fd_fhir_new_reference ("Patient", patient->id,
                                                                 patient->display)));
  json_array_add_object_element (participants,
                                 json_object_ref (gen->practitioner_participants[practitioner]));
  json_array_add_object_element (participants, json_object_ref (gen->location_participants[site]));
  json_object_set_array_member (appointment, "participant", participants);

  if (!emit_resource (gen, appointment, error))
    return FALSE;
  return emit_visit (gen, appointment, status, start, duration, error);
}

static gboolean
emit_practitioner_day (Generator    *gen,
                       const GDate  *day,
                       DayKind       kind,
                       guint         practitioner,
                       GError      **error)
{
  guint weights[N_VISITS];
  VisitType types[MAX_PER_DAY];
  guint durations[MAX_PER_DAY];
  guint starts[MAX_PER_DAY];
  guint n = 16 + pick (gen->rand, MAX_PER_DAY - 16 + 1);
  guint total = 0;
  guint split = 0;
  guint best_imbalance = G_MAXUINT;
  guint prefix = 0;

  for (guint i = 0; i < N_VISITS; i++)
    weights[i] = visit_types[i].weight;

  for (guint i = 0; i < n; i++)
    {
      types[i] = pick_weighted (gen->rand, weights, N_VISITS);
      if (types[i] == VISIT_WALKIN && kind == DAY_FUTURE)
        types[i] = VISIT_ROUTINE;
      durations[i] = pick_duration (gen->rand, types[i]);
      total += durations[i];
    }

  /* At most 450 minutes so that a balanced split fits both half days:
   * each half is then within 15 minutes of 225. */
  while (total > 2 * HALF_DAY - 30)
    {
      guint i = pick (gen->rand, n);

      if (durations[i] == 30)
        {
          durations[i] = 20;
          total -= 10;
        }
      else if (durations[i] == 20)
        {
          durations[i] = 15;
          total -= 5;
        }
    }

  for (guint m = 0; m <= n; m++)
    {
      guint rest = total - prefix;
      guint imbalance = prefix > rest ? prefix - rest : rest - prefix;

      if (imbalance < best_imbalance)
        {
          best_imbalance = imbalance;
          split = m;
        }
      if (m < n)
        prefix += durations[m];
    }

  for (guint half = 0; half < 2; half++)
    {
      guint from = half == 0 ? 0 : split;
      guint to = half == 0 ? split : n;
      guint used = 0;
      guint gaps[MAX_PER_DAY + 1] = { 0 };
      guint slack_units;
      guint t;

      for (guint i = from; i < to; i++)
        used += durations[i];
      g_assert (used <= HALF_DAY);

      /* spread the free time in 5-minute pieces between the visits */
      slack_units = (HALF_DAY - used) / 5;
      for (guint u = 0; u < slack_units; u++)
        gaps[pick (gen->rand, to - from + 1)]++;

      t = (half == 0 ? MORNING_START : AFTERNOON_START) + gaps[0] * 5;
      for (guint i = from; i < to; i++)
        {
          starts[i] = t;
          t += durations[i] + gaps[i - from + 1] * 5;
        }
    }

  for (guint i = 0; i < n; i++)
    if (!emit_appointment (gen, day, kind, practitioner, types[i], starts[i], durations[i], error))
      return FALSE;

  return TRUE;
}

static gboolean
emit_appointments (Generator  *gen,
                   GError    **error)
{
  GDate first, last;

  if (gen->options->n_patients == 0 || gen->options->n_days == 0)
    return TRUE;

  get_window (gen, &first, &last);
  for (guint d = 0; d < gen->options->n_days; d++)
    {
      GDate day = first;
      GDateWeekday weekday;
      guint32 julian;
      DayKind kind;

      g_date_add_days (&day, d);
      weekday = g_date_get_weekday (&day);
      if (weekday == G_DATE_SATURDAY || weekday == G_DATE_SUNDAY)
        continue;

      julian = g_date_get_julian (&day);
      if (julian < gen->today_julian)
        kind = DAY_PAST;
      else if (julian == gen->today_julian)
        kind = DAY_TODAY;
      else
        kind = DAY_FUTURE;

      for (guint p = 0; p < N_PRACTITIONERS; p++)
        if (!emit_practitioner_day (gen, &day, kind, p, error))
          return FALSE;
    }

  return TRUE;
}

/* Public API */

void
fd_demo_options_init (FdDemoOptions *options)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->n_patients = 500;
  options->n_days = 14;
  options->seed = 1;
  g_date_clear (&options->today, 1);
  g_date_set_dmy (&options->today, g_date_time_get_day_of_month (now),
                  g_date_time_get_month (now), g_date_time_get_year (now));
  options->tz = NULL;
}

static gboolean
check_options (const FdDemoOptions  *options,
               GError              **error)
{
  if (!g_date_valid (&options->today) ||
      g_date_get_year (&options->today) < 1900 ||
      g_date_get_year (&options->today) > 9000)
    {
      g_set_error_literal (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID,
                           "The demo clinic needs a valid date for today");
      return FALSE;
    }
  if (options->n_patients > MRN_SPACE)
    {
      g_set_error (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID,
                   "The demo clinic can have at most %u patients", MRN_SPACE);
      return FALSE;
    }
  if (options->n_days > 3660)
    {
      g_set_error_literal (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID,
                           "The demo clinic schedule can span at most ten years");
      return FALSE;
    }
  return TRUE;
}

gboolean
fd_demo_clinic_generate (const FdDemoOptions  *options,
                         FdDemoEmitFunc        emit,
                         gpointer              user_data,
                         GError              **error)
{
  g_auto(Generator) gen = { 0 };
  GDate updated;

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (emit != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_options (options, error))
    return FALSE;

  gen.options = options;
  gen.emit = emit;
  gen.user_data = user_data;
  gen.rand = g_rand_new_with_seed (options->seed);
  gen.visit_rand = g_rand_new_with_seed (options->seed ^ 0x51a7e5u);
  gen.ledger_rand = g_rand_new_with_seed (options->seed ^ 0x1ed9e7u);
  gen.family_rand = g_rand_new_with_seed (options->seed ^ 0xfa3117u);
  gen.tz = options->tz != NULL ? g_time_zone_ref (options->tz) : g_time_zone_new_local ();
  gen.today_julian = g_date_get_julian (&options->today);
  gen.strings = g_string_chunk_new (64 * 1024);

  /* a plausible import a week ago, the same for every run */
  updated = options->today;
  g_date_subtract_days (&updated, 7);
  gen.last_updated = g_strdup_printf ("%04u-%02u-%02uT08:00:00Z",
                                      (guint) g_date_get_year (&updated),
                                      (guint) g_date_get_month (&updated),
                                      (guint) g_date_get_day (&updated));

  if (!load_lists (&gen, error))
    return FALSE;
  build_shared (&gen);

  gen.mrn_offset = pick (gen.rand, MRN_SPACE);

  return emit_organizations (&gen, error) &&
         emit_locations (&gen, error) &&
         emit_practitioners (&gen, error) &&
         emit_schedules (&gen, error) &&
         emit_patients (&gen, error) &&
         emit_appointments (&gen, error);
}

/* Bundle writer */

typedef struct
{
  GOutputStream *stream;
  GString       *buffer;
  JsonGenerator *generator;
  gboolean       first;
} BundleWriter;

static gboolean
flush_writer (BundleWriter  *writer,
              GError       **error)
{
  if (writer->buffer->len == 0)
    return TRUE;
  if (!g_output_stream_write_all (writer->stream, writer->buffer->str, writer->buffer->len,
                                  NULL, NULL, error))
    return FALSE;
  g_string_truncate (writer->buffer, 0);
  return TRUE;
}

static gboolean
write_entry (JsonObject  *resource,
             gpointer     user_data,
             GError     **error)
{
  BundleWriter *writer = user_data;
  const char *type = json_object_get_string_member (resource, "resourceType");
  const char *id = json_object_get_string_member (resource, "id");
  g_autofree gchar *full_url = g_strconcat ("urn:uuid:", id, NULL);
  g_autofree gchar *url = g_strconcat (type, "/", id, NULL);
  g_autoptr(JsonObject) entry = json_object_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *request = json_object_new ();

  json_object_set_string_member (entry, "fullUrl", full_url);
  json_object_set_object_member (entry, "resource", json_object_ref (resource));
  json_object_set_string_member (request, "method", "PUT");
  json_object_set_string_member (request, "url", url);
  json_object_set_object_member (entry, "request", request);

  root = json_node_init_object (json_node_alloc (), entry);
  if (!writer->first)
    g_string_append_c (writer->buffer, ',');
  writer->first = FALSE;
  json_generator_set_root (writer->generator, root);
  json_generator_to_gstring (writer->generator, writer->buffer);

  if (writer->buffer->len >= FLUSH_SIZE)
    return flush_writer (writer, error);
  return TRUE;
}

gboolean
fd_demo_clinic_write_bundle (const FdDemoOptions  *options,
                             GOutputStream        *stream,
                             GError              **error)
{
  g_autoptr(GString) buffer = g_string_sized_new (FLUSH_SIZE + 4096);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  BundleWriter writer = { stream, buffer, generator, TRUE };

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* the envelope by hand: the entries never exist as one tree */
  g_string_append (buffer, "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[");
  if (!fd_demo_clinic_generate (options, write_entry, &writer, error))
    return FALSE;
  g_string_append (buffer, "]}");

  return flush_writer (&writer, error);
}
