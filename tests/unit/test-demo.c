/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "fd-demo-clinic.h"
#include "fd-core.h"
#include "fd-fhir.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#define TODAY_TEXT "2026-11-27"

static GTimeZone *chicago;

static void
init_options (FdDemoOptions *options,
              guint          n_patients)
{
  fd_demo_options_init (options);
  g_date_set_dmy (&options->today, 27, G_DATE_NOVEMBER, 2026);
  options->tz = chicago;
  options->n_patients = n_patients;
  options->seed = 7;
}

static gboolean
collect (JsonObject  *resource,
         gpointer     user_data,
         GError     **error)
{
  g_ptr_array_add (user_data, json_object_ref (resource));
  return TRUE;
}

static GPtrArray *
generate (const FdDemoOptions *options)
{
  GPtrArray *resources = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GError) error = NULL;

  g_assert_true (fd_demo_clinic_generate (options, collect, resources, &error));
  g_assert_no_error (error);
  return resources;
}

static GBytes *
write_bundle (const FdDemoOptions *options)
{
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_assert_true (fd_demo_clinic_write_bundle (options, stream, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (stream, NULL, &error));
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (stream));
}

static const char *
type_of (JsonObject *resource)
{
  return json_object_get_string_member (resource, "resourceType");
}

static guint
count_type (GPtrArray  *resources,
            const char *type)
{
  guint n = 0;

  for (guint i = 0; i < resources->len; i++)
    n += g_str_equal (type_of (g_ptr_array_index (resources, i)), type);
  return n;
}

static JsonObject *
official_name (JsonObject *patient)
{
  return json_array_get_object_element (json_object_get_array_member (patient, "name"), 0);
}

static const char *
participant_reference (JsonObject *appointment,
                       const char *type)
{
  JsonArray *participants = json_object_get_array_member (appointment, "participant");

  for (guint i = 0; i < json_array_get_length (participants); i++)
    {
      JsonObject *actor = json_object_get_object_member (json_array_get_object_element (participants, i),
                                                         "actor");
      const char *reference = json_object_get_string_member (actor, "reference");

      if (g_str_has_prefix (reference, type) && reference[strlen (type)] == '/')
        return reference;
    }
  return NULL;
}

static void
test_deterministic (void)
{
  FdDemoOptions options;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GBytes) other = NULL;
  g_autoptr(GPtrArray) resources = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *bundle;
  JsonArray *entries;
  gsize size;
  const gchar *data;

  init_options (&options, 300);
  first = write_bundle (&options);
  second = write_bundle (&options);
  g_assert_true (g_bytes_equal (first, second));

  options.seed = 8;
  other = write_bundle (&options);
  g_assert_false (g_bytes_equal (first, other));

  options.seed = 7;
  resources = generate (&options);
  data = g_bytes_get_data (first, &size);
  g_assert_true (json_parser_load_from_data (parser, data, size, &error));
  g_assert_no_error (error);
  bundle = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (bundle, "resourceType"), ==, "Bundle");
  g_assert_cmpstr (json_object_get_string_member (bundle, "type"), ==, "batch");
  entries = json_object_get_array_member (bundle, "entry");
  g_assert_cmpuint (json_array_get_length (entries), ==, resources->len);

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      JsonObject *resource = json_object_get_object_member (entry, "resource");
      JsonObject *request = json_object_get_object_member (entry, "request");
      const char *id = json_object_get_string_member (resource, "id");
      g_autofree gchar *full_url = g_strconcat ("urn:uuid:", id, NULL);
      g_autofree gchar *url = g_strconcat (type_of (resource), "/", id, NULL);

      g_assert_cmpstr (id, ==, json_object_get_string_member (g_ptr_array_index (resources, i), "id"));
      g_assert_cmpstr (json_object_get_string_member (entry, "fullUrl"), ==, full_url);
      g_assert_cmpstr (json_object_get_string_member (request, "method"), ==, "PUT");
      g_assert_cmpstr (json_object_get_string_member (request, "url"), ==, url);
    }
}

static void
test_counts (void)
{
  FdDemoOptions options;
  g_autoptr(GPtrArray) resources = NULL;
  g_autoptr(GHashTable) days = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                      (GDestroyNotify) g_array_unref);
  GHashTableIter iter;
  gpointer value;
  guint n_coverage;
  guint clinic_days = 0;
  GDate first;

  init_options (&options, 500);
  resources = generate (&options);

  g_assert_cmpuint (count_type (resources, "Organization"), ==, 6);
  g_assert_cmpuint (count_type (resources, "Location"), ==, 2);
  g_assert_cmpuint (count_type (resources, "Practitioner"), ==, 8);
  g_assert_cmpuint (count_type (resources, "Schedule"), ==, 8);
  g_assert_cmpuint (count_type (resources, "Patient"), ==, 500);
  g_assert_cmpuint (count_type (resources, "Account"), ==, 500);
  n_coverage = count_type (resources, "Coverage");
  g_assert_cmpuint (n_coverage, >=, 375);
  g_assert_cmpuint (n_coverage, <=, 475);

  /* 2026-11-21 to 2026-12-04 */
  first = options.today;
  g_date_subtract_days (&first, 6);
  for (guint d = 0; d < 14; d++)
    {
      GDate day = first;

      g_date_add_days (&day, d);
      clinic_days += g_date_get_weekday (&day) <= G_DATE_FRIDAY;
    }
  g_assert_cmpuint (clinic_days, ==, 10);

  for (guint i = 0; i < resources->len; i++)
    {
      JsonObject *appointment = g_ptr_array_index (resources, i);
      g_autoptr(GDateTime) start = NULL;
      g_autoptr(GDateTime) end = NULL;
      g_autoptr(GDateTime) local_start = NULL;
      g_autoptr(GDateTime) local_end = NULL;
      g_autofree gchar *local_day = NULL;
      g_autofree gchar *key = NULL;
      const char *start_text;
      const char *status;
      GArray *slots;
      gint64 span[2];
      gint64 duration;
      gint start_minutes;
      gint end_minutes;
      gint day_compare;

      if (!g_str_equal (type_of (appointment), "Appointment"))
        continue;

      start_text = json_object_get_string_member (appointment, "start");
      g_assert_true (g_str_has_suffix (start_text, "-06:00"));
      start = g_date_time_new_from_iso8601 (start_text, NULL);
      end = g_date_time_new_from_iso8601 (json_object_get_string_member (appointment, "end"), NULL);
      g_assert_nonnull (start);
      g_assert_nonnull (end);
      local_start = g_date_time_to_timezone (start, chicago);
      local_end = g_date_time_to_timezone (end, chicago);

      duration = g_date_time_difference (end, start) / G_TIME_SPAN_MINUTE;
      g_assert_cmpint (duration, ==, json_object_get_int_member (appointment, "minutesDuration"));
      g_assert_true (duration == 15 || duration == 20 || duration == 30);

      g_assert_cmpint (g_date_time_get_day_of_week (local_start), <=, 5);
      local_day = g_date_time_format (local_start, "%Y-%m-%d");
      g_assert_cmpstr (local_day, >=, "2026-11-21");
      g_assert_cmpstr (local_day, <=, "2026-12-04");

      start_minutes = g_date_time_get_hour (local_start) * 60 + g_date_time_get_minute (local_start);
      end_minutes = g_date_time_get_hour (local_end) * 60 + g_date_time_get_minute (local_end);
      g_assert_cmpint (start_minutes, >=, 8 * 60);
      g_assert_cmpint (end_minutes, <=, 17 * 60);
      g_assert_true (end_minutes <= 12 * 60 || start_minutes >= 13 * 60);

      status = json_object_get_string_member (appointment, "status");
      day_compare = strcmp (local_day, TODAY_TEXT);
      if (day_compare < 0)
        g_assert_true (g_strv_contains ((const char *[]) { "fulfilled", "noshow", "cancelled", NULL }, status));
      else if (day_compare > 0)
        g_assert_true (g_strv_contains ((const char *[]) { "booked", "cancelled", NULL }, status));
      else if (start_minutes < 12 * 60)
        g_assert_true (g_strv_contains ((const char *[]) { "fulfilled", "arrived", "checked-in", NULL }, status));
      else
        g_assert_true (g_strv_contains ((const char *[]) { "booked", "cancelled", NULL }, status));

      g_assert_nonnull (participant_reference (appointment, "Patient"));
      g_assert_nonnull (participant_reference (appointment, "Location"));
      key = g_strconcat (participant_reference (appointment, "Practitioner"), " ", local_day, NULL);
      slots = g_hash_table_lookup (days, key);
      if (slots == NULL)
        {
          slots = g_array_new (FALSE, FALSE, sizeof (gint64) * 2);
          g_hash_table_insert (days, g_steal_pointer (&key), slots);
        }
      span[0] = g_date_time_to_unix (start);
      span[1] = g_date_time_to_unix (end);
      g_array_append_val (slots, span);
    }

  g_assert_cmpuint (g_hash_table_size (days), ==, 8 * clinic_days);

  g_hash_table_iter_init (&iter, days);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GArray *slots = value;
      const gint64 *spans = (const gint64 *) (gpointer) slots->data;

      g_assert_cmpuint (slots->len, >=, 16);
      g_assert_cmpuint (slots->len, <=, 22);
      for (guint a = 0; a < slots->len; a++)
        for (guint b = a + 1; b < slots->len; b++)
          g_assert_true (spans[2 * a + 1] <= spans[2 * b] || spans[2 * b + 1] <= spans[2 * a]);
    }
}

static void
test_patients (void)
{
  FdDemoOptions options;
  g_autoptr(GPtrArray) resources = NULL;
  g_autoptr(GPtrArray) patients = g_ptr_array_new ();
  g_autoptr(GHashTable) mrns = g_hash_table_new (g_str_hash, g_str_equal);
  guint hyphenated = 0;
  guint accented = 0;
  guint apostrophe = 0;
  guint spanish = 0;
  guint no_phone = 0;
  guint two_given = 0;
  JsonObject *name;
  JsonArray *given;

  init_options (&options, 2000);
  resources = generate (&options);
  for (guint i = 0; i < resources->len; i++)
    if (g_str_equal (type_of (g_ptr_array_index (resources, i)), "Patient"))
      g_ptr_array_add (patients, g_ptr_array_index (resources, i));
  g_assert_cmpuint (patients->len, ==, 2000);

  name = official_name (g_ptr_array_index (patients, 0));
  given = json_object_get_array_member (name, "given");
  g_assert_cmpstr (json_object_get_string_member (name, "family"), ==, "García");
  g_assert_cmpuint (json_array_get_length (given), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (given, 0), ==, "María");
  g_assert_cmpstr (json_array_get_string_element (given, 1), ==, "José");
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (patients, 0), "birthDate"),
                   ==, "1961-03-07");

  name = official_name (g_ptr_array_index (patients, 1));
  given = json_object_get_array_member (name, "given");
  g_assert_cmpstr (json_object_get_string_member (name, "family"), ==, "O'Brien");
  g_assert_cmpuint (json_array_get_length (given), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (given, 0), ==, "Siobhan");

  name = official_name (g_ptr_array_index (patients, 2));
  given = json_object_get_array_member (name, "given");
  g_assert_cmpstr (json_object_get_string_member (name, "family"), ==, "Smith-Jones");
  g_assert_cmpuint (json_array_get_length (given), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (given, 0), ==, "Alexander");

  for (guint i = 0; i < patients->len; i++)
    {
      JsonObject *patient = g_ptr_array_index (patients, i);
      JsonObject *identifier = json_array_get_object_element (json_object_get_array_member (patient, "identifier"), 0);
      JsonObject *type = json_object_get_object_member (identifier, "type");
      JsonObject *coding = json_array_get_object_element (json_object_get_array_member (type, "coding"), 0);
      JsonObject *communication = json_array_get_object_element (json_object_get_array_member (patient, "communication"), 0);
      JsonObject *language = json_object_get_object_member (communication, "language");
      JsonObject *language_coding = json_array_get_object_element (json_object_get_array_member (language, "coding"), 0);
      const char *mrn = json_object_get_string_member (identifier, "value");
      const char *family = json_object_get_string_member (official_name (patient), "family");
      const char *birth = json_object_get_string_member (patient, "birthDate");
      const char *gender = json_object_get_string_member (patient, "gender");
      gboolean has_phone = FALSE;

      g_assert_cmpstr (json_object_get_string_member (coding, "system"), ==,
                       "http://terminology.hl7.org/CodeSystem/v2-0203");
      g_assert_cmpstr (json_object_get_string_member (coding, "code"), ==, "MR");
      g_assert_cmpstr (json_object_get_string_member (identifier, "system"), ==, "urn:frontdesk:mrn");
      g_assert_cmpuint (strlen (mrn), ==, 8);
      g_assert_cmpint (mrn[0], ==, '1');
      for (const char *p = mrn; *p != '\0'; p++)
        g_assert_true (g_ascii_isdigit (*p));
      g_assert_true (g_hash_table_add (mrns, (gpointer) mrn));

      g_assert_cmpuint (strlen (birth), ==, 10);
      g_assert_cmpstr (birth, <=, TODAY_TEXT);
      g_assert_cmpstr (birth, >=, "1927-11-27");
      g_assert_true (g_strv_contains ((const char *[]) { "female", "male", "other", "unknown", NULL }, gender));

      g_assert_true (g_utf8_validate (family, -1, NULL));
      hyphenated += strchr (family, '-') != NULL;
      apostrophe += strchr (family, '\'') != NULL;
      for (const char *p = family; *p != '\0'; p++)
        if ((guchar) *p >= 0x80)
          {
            accented++;
            break;
          }
      two_given += json_array_get_length (json_object_get_array_member (official_name (patient), "given")) == 2;

      g_assert_cmpstr (json_object_get_string_member (language_coding, "system"), ==, "urn:ietf:bcp:47");
      g_assert_true (json_object_get_boolean_member (communication, "preferred"));
      spanish += g_str_equal (json_object_get_string_member (language_coding, "code"), "es");

      if (json_object_has_member (patient, "telecom"))
        {
          JsonArray *telecoms = json_object_get_array_member (patient, "telecom");

          for (guint t = 0; t < json_array_get_length (telecoms); t++)
            {
              JsonObject *telecom = json_array_get_object_element (telecoms, t);

              if (g_str_equal (json_object_get_string_member (telecom, "system"), "phone"))
                {
                  const char *phone = json_object_get_string_member (telecom, "value");

                  has_phone = TRUE;
                  g_assert_nonnull (strstr (phone, "555"));
                }
              else
                {
                  const char *email = json_object_get_string_member (telecom, "value");

                  g_assert_true (g_str_has_suffix (email, "@example.com") ||
                                 g_str_has_suffix (email, "@example.org") ||
                                 g_str_has_suffix (email, "@example.net"));
                }
            }
        }
      no_phone += !has_phone;
    }

  g_test_message ("hyphenated %u, accented %u, apostrophe %u, two given %u, Spanish %u, no phone %u",
                  hyphenated, accented, apostrophe, two_given, spanish, no_phone);
  g_assert_cmpuint (hyphenated, >=, 100);
  g_assert_cmpuint (hyphenated, <=, 260);
  g_assert_cmpuint (accented, >, 50);
  g_assert_cmpuint (apostrophe, >, 5);
  g_assert_cmpuint (two_given, >, 100);
  g_assert_cmpuint (spanish, >=, 200);
  g_assert_cmpuint (spanish, <=, 600);
  g_assert_cmpuint (no_phone, >=, 20);
  g_assert_cmpuint (no_phone, <=, 160);
}

static void
check_references (JsonNode   *node,
                  GHashTable *seen)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *child = json_object_get_member (object, l->data);

          if (g_str_equal (l->data, "reference"))
            {
              const char *reference = json_node_get_string (child);

              if (!g_hash_table_contains (seen, reference))
                g_error ("reference %s points to nothing emitted before", reference);
            }
          else
            check_references (child, seen);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        check_references (json_array_get_element (array, i), seen);
    }
}

static gboolean
is_uuid_v4 (const char *id)
{
  if (strlen (id) != 36 || id[14] != '4' || strchr ("89ab", id[19]) == NULL)
    return FALSE;
  for (guint i = 0; i < 36; i++)
    {
      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (id[i] != '-')
            return FALSE;
        }
      else if (!g_ascii_isdigit (id[i]) && !(id[i] >= 'a' && id[i] <= 'f'))
        return FALSE;
    }
  return TRUE;
}

static void
test_references (void)
{
  FdDemoOptions options;
  g_autoptr(GPtrArray) resources = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  init_options (&options, 400);
  resources = generate (&options);

  for (guint i = 0; i < resources->len; i++)
    {
      JsonObject *resource = g_ptr_array_index (resources, i);
      JsonObject *meta = json_object_get_object_member (resource, "meta");
      const char *id = json_object_get_string_member (resource, "id");
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), resource);

      /* A visit's id is made from its appointment's, so two desks name it alike */
      if (g_str_equal (type_of (resource), "Encounter"))
        {
          JsonObject *appointment = json_array_get_object_element (json_object_get_array_member (resource, "appointment"), 0);
          g_autofree char *expected = g_strconcat ("visit-", json_object_get_string_member (appointment, "reference")
                                                   + strlen ("Appointment/"), NULL);

          g_assert_cmpstr (id, ==, expected);
        }
      else
        g_assert_true (is_uuid_v4 (id));
      g_assert_cmpstr (json_object_get_string_member (meta, "versionId"), ==, "1");
      g_assert_cmpstr (json_object_get_string_member (meta, "lastUpdated"), ==, "2026-11-20T08:00:00Z");
      check_references (node, seen);
      g_assert_true (g_hash_table_add (seen, g_strconcat (type_of (resource), "/", id, NULL)));
    }
}

/* Without the clinic's number, the id itself; a typed AN wins */
static void
test_account_number (void)
{
  g_autoptr(JsonObject) bare = fd_fhir_parse ("{\"resourceType\":\"Account\",\"id\":\"bc4bdb91-1111-4222-8333-444455556666\"}", -1, NULL);
  g_autoptr(JsonObject) typed = fd_fhir_parse ("{\"resourceType\":\"Account\",\"id\":\"x\",\"identifier\":["
                                               "{\"system\":\"urn:other\",\"value\":\"OLD-7\"},"
                                               "{\"type\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v2-0203\",\"code\":\"AN\"}]},"
                                               "\"value\":\"A12345678\"}]}", -1, NULL);
  g_autoptr(JsonObject) untyped = fd_fhir_parse ("{\"resourceType\":\"Account\",\"id\":\"x\",\"identifier\":[{\"value\":\"77-1\"}]}", -1, NULL);
  g_autofree char *from_id = fd_fhir_account_number (bare, NULL);
  g_autofree char *from_type = fd_fhir_account_number (typed, NULL);
  g_autofree char *from_first = fd_fhir_account_number (untyped, NULL);
  g_autofree char *without_record = fd_fhir_account_number (NULL, "ab12");
  g_autofree char *nothing = fd_fhir_account_number (NULL, NULL);

  g_assert_cmpstr (from_id, ==, "bc4bdb91-1111-4222-8333-444455556666");
  g_assert_cmpstr (from_type, ==, "A12345678");
  g_assert_cmpstr (from_first, ==, "77-1");
  g_assert_cmpstr (without_record, ==, "ab12");
  g_assert_null (nothing);
}

static void
test_accounts (void)
{
  FdDemoOptions options;
  g_autoptr(GPtrArray) resources = NULL;
  g_autoptr(GHashTable) parents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n_accounts = 0;
  guint n_owing = 0;
  guint n_children = 0;

  init_options (&options, 2000);
  resources = generate (&options);

  for (guint i = 0; i < resources->len; i++)
    {
      JsonObject *account = g_ptr_array_index (resources, i);
      JsonObject *balance;
      JsonArray *parts;
      gboolean has_aggregate = FALSE;
      gboolean has_term = FALSE;
      gdouble amount = -1;

      if (!g_str_equal (type_of (account), "Account"))
        continue;
      n_accounts++;

      g_assert_cmpstr (json_object_get_string_member (account, "status"), ==, "active");
      {
        /* The number on statements and receipts is the clinic's, made from the MRN */
        g_autofree char *number = fd_fhir_account_number (account, NULL);

        g_assert_nonnull (number);
        g_assert_true (number[0] == 'A' && strlen (number) == 9);
      }
      balance = json_array_get_object_element (json_object_get_array_member (account, "extension"), 0);
      g_assert_cmpstr (json_object_get_string_member (balance, "url"), ==,
                       "http://hl7.org/fhir/5.0/StructureDefinition/extension-Account.balance");
      parts = json_object_get_array_member (balance, "extension");
      for (guint p = 0; p < json_array_get_length (parts); p++)
        {
          JsonObject *part = json_array_get_object_element (parts, p);
          const char *url = json_object_get_string_member (part, "url");

          if (g_str_equal (url, "amount"))
            {
              JsonObject *money = json_object_get_object_member (part, "valueMoney");

              g_assert_cmpstr (json_object_get_string_member (money, "currency"), ==, "USD");
              amount = json_object_get_double_member (money, "value");
            }
          else
            {
              JsonObject *concept = json_object_get_object_member (part, "valueCodeableConcept");
              JsonObject *coding = json_array_get_object_element (json_object_get_array_member (concept, "coding"), 0);
              const char *code = json_object_get_string_member (coding, "code");

              has_aggregate |= g_str_equal (url, "aggregate") && g_str_equal (code, "patient");
              has_term |= g_str_equal (url, "term") && g_str_equal (code, "current");
            }
        }
      g_assert_true (has_aggregate);
      g_assert_true (has_term);

      /* A child's account: its parent answers for it, and it owes something */
      {
        JsonObject *subject = json_array_get_object_element (json_object_get_array_member (account, "subject"), 0);
        JsonObject *guarantor = json_array_get_object_element (json_object_get_array_member (account, "guarantor"), 0);
        JsonObject *party = json_object_get_object_member (guarantor, "party");

        if (!g_str_equal (json_object_get_string_member (subject, "reference"),
                          json_object_get_string_member (party, "reference")))
          {
            const char *child = json_object_get_string_member (subject, "display");
            const char *parent = json_object_get_string_member (party, "display");

            n_children++;
            g_hash_table_add (parents, g_strdup (json_object_get_string_member (party, "reference")));
            g_assert_true (g_str_has_prefix (json_object_get_string_member (party, "reference"), "Patient/"));
            /* "Family, Given": the same family name */
            g_assert_cmpint (strchr (child, ',') - child, ==, strchr (parent, ',') - parent);
            g_assert_true (strncmp (child, parent, strchr (child, ',') - child) == 0);
            g_assert_cmpfloat (amount, >, 0);
          }
      }
      g_assert_cmpfloat (fabs (amount * 100 - round (amount * 100)), <, 1e-6);
      if (amount > 0)
        {
          n_owing++;
          g_assert_cmpfloat (amount, >=, 5.0);
          g_assert_cmpfloat (amount, <=, 2400.0);
        }
      else
        g_assert_cmpfloat (amount, ==, 0.0);
    }

  g_assert_cmpuint (n_accounts, ==, 2000);
  g_assert_cmpuint (g_hash_table_size (parents), ==, 20);
  g_assert_cmpuint (n_children, >=, 40);
  g_assert_cmpuint (n_children, <=, 60);
  g_assert_cmpuint (n_owing, >=, 400);
  g_assert_cmpuint (n_owing, <=, 600);
}

static void
test_reference_data_only (void)
{
  FdDemoOptions options;
  g_autoptr(GPtrArray) resources = NULL;
  g_autoptr(GPtrArray) no_days = NULL;

  init_options (&options, 0);
  resources = generate (&options);
  g_assert_cmpuint (resources->len, ==, 6 + 2 + 8 + 8);
  g_assert_cmpuint (count_type (resources, "Patient"), ==, 0);
  g_assert_cmpuint (count_type (resources, "Appointment"), ==, 0);

  init_options (&options, 60);
  options.n_days = 0;
  no_days = generate (&options);
  g_assert_cmpuint (count_type (no_days, "Patient"), ==, 60);
  g_assert_cmpuint (count_type (no_days, "Account"), ==, 60);
  g_assert_cmpuint (count_type (no_days, "Appointment"), ==, 0);
}

static gboolean
stop_after_ten (JsonObject  *resource,
                gpointer     user_data,
                GError     **error)
{
  guint *calls = user_data;

  if (++*calls < 10)
    return TRUE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "disk full");
  return FALSE;
}

static void
test_emit_error (void)
{
  FdDemoOptions options;
  g_autoptr(GError) error = NULL;
  guint calls = 0;

  init_options (&options, 100);
  g_assert_false (fd_demo_clinic_generate (&options, stop_after_ten, &calls, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_assert_cmpuint (calls, ==, 10);
}

static void
test_invalid_options (void)
{
  FdDemoOptions options;
  g_autoptr(GPtrArray) resources = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GError) error = NULL;

  init_options (&options, 10);
  g_date_clear (&options.today, 1);
  g_assert_false (fd_demo_clinic_generate (&options, collect, resources, &error));
  g_assert_error (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID);
  g_assert_cmpuint (resources->len, ==, 0);
}

static void
test_options_init (void)
{
  FdDemoOptions options;

  fd_demo_options_init (&options);
  g_assert_cmpuint (options.n_patients, ==, 500);
  g_assert_cmpuint (options.n_days, ==, 14);
  g_assert_cmpuint (options.seed, ==, 1);
  g_assert_true (g_date_valid (&options.today));
  g_assert_null (options.tz);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  chicago = g_time_zone_new_identifier ("America/Chicago");
  g_assert_nonnull (chicago);

  g_test_add_func ("/demo/options-init", test_options_init);
  g_test_add_func ("/demo/deterministic", test_deterministic);
  g_test_add_func ("/demo/counts", test_counts);
  g_test_add_func ("/demo/patients", test_patients);
  g_test_add_func ("/demo/references", test_references);
  g_test_add_func ("/demo/accounts", test_accounts);
  g_test_add_func ("/demo/account-number", test_account_number);
  g_test_add_func ("/demo/reference-data-only", test_reference_data_only);
  g_test_add_func ("/demo/emit-error", test_emit_error);
  g_test_add_func ("/demo/invalid-options", test_invalid_options);

  status = g_test_run ();
  g_time_zone_unref (chicago);
  return status;
}
