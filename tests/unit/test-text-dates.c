/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <locale.h>
#include <string.h>

#include "fd-core.h"
#include "fd-dates.h"
#include "fd-fhir.h"
#include "fd-text.h"

static void
test_fold (void)
{
  struct { const char *in; const char *key; const char *words; } cases[] = {
    { "García", "garcia", "garcia" },
    { "García-López", "garcialopez", "garcia lopez" },
    { "O'Brien", "obrien", "obrien" },
    { "O\u2019Connor", "oconnor", "oconnor" },
    { "de la Cruz", "delacruz", "de la cruz" },
    { "Nguyễn", "nguyen", "nguyen" },
    { "Łukasiewicz", "lukasiewicz", "lukasiewicz" },
    { "Sørensen", "sorensen", "sorensen" },
    { "Çelik", "celik", "celik" },
    { "Strauß", "strauss", "strauss" },
    { "  NEAR \"x*\" -y  ", "nearxy", "near x y" },
    { "", "", "" },
    { NULL, "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *key = fd_text_fold (cases[i].in);
      g_autofree char *words = fd_text_fold_words (cases[i].in);

      g_assert_cmpstr (key, ==, cases[i].key);
      g_assert_cmpstr (words, ==, cases[i].words);
    }

  {
    g_autofree char *bad = fd_text_fold ("\xff\xfe");
    g_assert_cmpstr (bad, ==, "");
  }
}

static void
test_digits (void)
{
  g_autofree char *a = fd_text_digits ("(512) 555-0142");
  g_autofree char *b = fd_text_digits ("+1 512.555.0142");

  g_assert_cmpstr (a, ==, "5125550142");
  g_assert_cmpstr (b, ==, "15125550142");
  g_assert_true (fd_text_has_letters ("Ana"));
  g_assert_false (fd_text_has_letters ("03/07/1961"));
}

static void
assert_date (const char  *text,
             FdDateOrder  order,
             guint        y,
             guint        m,
             guint        d)
{
  g_autoptr(GError) error = NULL;
  GDate date;

  if (!fd_date_parse (text, order, &date, &error))
    g_error ("“%s” should parse: %s", text, error->message);
  g_assert_cmpuint (g_date_get_year (&date), ==, y);
  g_assert_cmpuint (g_date_get_month (&date), ==, m);
  g_assert_cmpuint (g_date_get_day (&date), ==, d);
}

static void
test_parse_dates (void)
{
  assert_date ("03/07/1961", FD_DATE_ORDER_MDY, 1961, 3, 7);
  assert_date ("3/7/1961", FD_DATE_ORDER_MDY, 1961, 3, 7);
  assert_date ("03/07/1961", FD_DATE_ORDER_DMY, 1961, 7, 3);
  assert_date ("03.07.1961", FD_DATE_ORDER_DMY, 1961, 7, 3);
  assert_date ("1961-03-07", FD_DATE_ORDER_MDY, 1961, 3, 7);
  assert_date ("1961-03-07", FD_DATE_ORDER_DMY, 1961, 3, 7);
  assert_date (" 02/29/2000 ", FD_DATE_ORDER_MDY, 2000, 2, 29);

  {
    const char *bad[] = { "02/30/1990", "13/01/1990", "02/29/2001", "1961-3", "hello",
                          "1961-03-07x", "", "00/00/0000", "99999/1/1", "1/1/1/1" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(GError) error = NULL;
        GDate date;

        g_assert_false (fd_date_parse (bad[i], FD_DATE_ORDER_MDY, &date, &error));
        g_assert_error (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID);
        g_assert_false (g_date_valid (&date));
      }
  }
}

static void
test_two_digit_year (void)
{
  GDate date, today;

  fd_date_set_today (&today, NULL);
  g_assert_true (fd_date_parse ("1/1/50", FD_DATE_ORDER_MDY, &date, NULL));
  /* Never in the future */
  g_assert_cmpint (g_date_compare (&date, &today), <=, 0);
  g_assert_cmpuint (g_date_get_year (&date) % 100, ==, 50);
}

static void
test_birth_date_check (void)
{
  g_autoptr(GError) error = NULL;
  GDate today, birth;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 27, 11, 2026);
  g_date_clear (&birth, 1);

  g_date_set_dmy (&birth, 7, 3, 1961);
  g_assert_true (fd_birth_date_check (&birth, &today, &error));
  g_assert_cmpuint (fd_date_age_years (&birth, &today), ==, 65);

  g_date_set_dmy (&birth, 28, 11, 2026);
  g_assert_false (fd_birth_date_check (&birth, &today, &error));
  g_assert_error (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID);
  g_clear_error (&error);

  g_date_set_dmy (&birth, 1, 1, 1850);
  g_assert_false (fd_birth_date_check (&birth, &today, &error));
  g_assert_error (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID);
}

static void
test_formats (void)
{
  GDate d;
  g_autofree char *iso = NULL;
  g_autofree char *us = NULL;
  g_autofree char *eu = NULL;

  g_date_clear (&d, 1);
  g_date_set_dmy (&d, 7, 3, 1961);
  iso = fd_date_format_iso (&d);
  us = fd_date_format_short (&d, FD_DATE_ORDER_MDY);
  eu = fd_date_format_short (&d, FD_DATE_ORDER_DMY);
  g_assert_cmpstr (iso, ==, "1961-03-07");
  g_assert_cmpstr (us, ==, "03/07/1961");
  g_assert_cmpstr (eu, ==, "07/03/1961");

  {
    g_autofree char *long_date = NULL;

    g_date_set_dmy (&d, 27, 11, 2026);
    long_date = fd_date_format_long (&d);
    g_assert_cmpstr (long_date, ==, "Friday, November 27, 2026");
  }

  g_assert_true (fd_date_parse_iso ("2026-11-27T09:20:00-06:00", &d));
  g_assert_false (fd_date_parse_iso ("2026-02-30", &d));
  g_assert_false (fd_date_parse_iso ("26-11-27", &d));
  g_assert_false (fd_date_parse_iso (NULL, &d));
}

/* Sync watermarks: lastUpdated compared as points in time, however written */
static void
test_instants (void)
{
  const char *ten_z = "2026-11-27T10:00:00Z";
  const char *ten_ms = "2026-11-27T10:00:00.123+00:00";
  const char *ten_ny = "2026-11-27T05:00:00-05:00";
  const char *ten_madrid = "2026-11-27T11:00:00+01:00";
  const char *instants[] = { ten_ny, "2026-11-27T09:59:59.999999Z", ten_ms, ten_z, "2026-11-27T04:30:00-05:00" };
  const char *newest = NULL;

  /* One instant, three spellings */
  g_assert_true (fd_instant_equal (ten_z, ten_ny));
  g_assert_true (fd_instant_equal (ten_madrid, ten_z));
  g_assert_false (fd_instant_later (ten_ny, ten_z));
  g_assert_false (fd_instant_later (ten_z, ten_ny));

  /* Text order says otherwise: "05:00-05:00" < "10:00:00Z" < "10:00:00.123" */
  g_assert_cmpint (strcmp (ten_ny, ten_z), <, 0);
  g_assert_true (fd_instant_later (ten_ms, ten_ny));
  g_assert_true (fd_instant_later ("2026-11-27T06:00:00-05:00", ten_ms));
  g_assert_false (fd_instant_later ("2026-11-27T10:30:00Z", "2026-11-27T06:00:00-05:00"));
  g_assert_true (fd_instant_later ("2026-11-27T10:00:00.000001Z", ten_z));

  /* The maximum of mixed spellings, kept as the server wrote it */
  for (guint i = 0; i < G_N_ELEMENTS (instants); i++)
    if (fd_instant_later (instants[i], newest))
      newest = instants[i];
  g_assert_true (newest == ten_ms);

  /* What is not an instant never moves a watermark, nor equals anything */
  g_assert_true (fd_instant_later (ten_z, NULL));
  g_assert_true (fd_instant_later (ten_z, "yesterday"));
  g_assert_false (fd_instant_later (NULL, ten_z));
  g_assert_false (fd_instant_later ("9999-99-99T99:99:99Z", ten_z));
  g_assert_false (fd_instant_later ("2026-11-28T10:00:00", ten_z));  /* no zone */
  g_assert_false (fd_instant_later ("2026-11-28", ten_z));
  g_assert_false (fd_instant_later ("", NULL));
  g_assert_false (fd_instant_equal ("soon", "soon"));
  g_assert_false (fd_instant_equal (NULL, NULL));
}

static void
test_patient_helpers (void)
{
  const char *json =
    "{\"resourceType\":\"Patient\",\"id\":\"p1\","
    "\"identifier\":[{\"type\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v2-0203\",\"code\":\"MR\"}]},\"value\":\"10000001\"}],"
    "\"name\":[{\"use\":\"old\",\"family\":\"Old\"},{\"use\":\"official\",\"family\":\"García-López\",\"given\":[\"María\",\"José\"]}],"
    "\"telecom\":[{\"system\":\"email\",\"value\":\"a@example.org\"},{\"system\":\"phone\",\"value\":\"(512) 555-0142\"}],"
    "\"communication\":[{\"language\":{\"coding\":[{\"code\":\"en\"}]}},{\"language\":{\"coding\":[{\"code\":\"es\"}]},\"preferred\":true}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) patient = fd_fhir_parse (json, -1, &error);
  g_autofree char *display = NULL;

  g_assert_no_error (error);
  display = fd_fhir_patient_display (patient);
  g_assert_cmpstr (display, ==, "García-López, María José");
  g_assert_cmpstr (fd_fhir_patient_mrn (patient), ==, "10000001");
  g_assert_cmpstr (fd_fhir_patient_phone (patient), ==, "(512) 555-0142");
  g_assert_cmpstr (fd_fhir_patient_language (patient), ==, "es");

  g_assert_null (fd_fhir_parse ("{not json", -1, &error));
  g_assert_error (error, FD_CORE_ERROR, FD_CORE_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_null (fd_fhir_parse ("[1,2]", -1, &error));
  g_assert_error (error, FD_CORE_ERROR, FD_CORE_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_null (fd_fhir_parse ("{\"resourceType\":\"Patient\",\"id\":\"../etc\"}", -1, &error));
  g_assert_error (error, FD_CORE_ERROR, FD_CORE_ERROR_MALFORMED);
}

static void
test_references (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;

  g_assert_true (json_parser_load_from_data (parser,
    "{\"a\":{\"reference\":\"Patient/abc\"},\"b\":{\"reference\":\"https://x.example/fhir/Patient/def\"},"
    "\"c\":{\"reference\":\"Practitioner/abc\"},\"d\":{\"reference\":\"Patient/\"},\"e\":{\"reference\":\"XPatient/q\"}}", -1, NULL));
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (fd_fhir_reference_id (fd_fhir_get_object (o, "a"), "Patient"), ==, "abc");
  g_assert_cmpstr (fd_fhir_reference_id (fd_fhir_get_object (o, "b"), "Patient"), ==, "def");
  g_assert_null (fd_fhir_reference_id (fd_fhir_get_object (o, "c"), "Patient"));
  g_assert_null (fd_fhir_reference_id (fd_fhir_get_object (o, "d"), "Patient"));
  g_assert_null (fd_fhir_reference_id (fd_fhir_get_object (o, "e"), "Patient"));
}

static void
test_account_balance (void)
{
  const char *json =
    "{\"resourceType\":\"Account\",\"id\":\"a1\",\"extension\":["
    "{\"url\":\"http://hl7.org/fhir/5.0/StructureDefinition/extension-Account.balance\",\"extension\":["
    "{\"url\":\"amount\",\"valueMoney\":{\"value\":500.0,\"currency\":\"USD\"}}]},"
    "{\"url\":\"http://hl7.org/fhir/5.0/StructureDefinition/extension-Account.balance\",\"extension\":["
    "{\"url\":\"aggregate\",\"valueCodeableConcept\":{\"coding\":[{\"code\":\"patient\"}]}},"
    "{\"url\":\"amount\",\"valueMoney\":{\"value\":120.25,\"currency\":\"USD\"}}]},"
    "{\"url\":\"http://hl7.org/fhir/5.0/StructureDefinition/extension-Account.balance\",\"extension\":["
    "{\"url\":\"aggregate\",\"valueCodeableConcept\":{\"coding\":[{\"code\":\"patient\"}]}},"
    "{\"url\":\"term\",\"valueCodeableConcept\":{\"coding\":[{\"code\":\"30\"}]}},"
    "{\"url\":\"amount\",\"valueMoney\":{\"value\":10.0,\"currency\":\"USD\"}}]},"
    "{\"url\":\"http://hl7.org/fhir/5.0/StructureDefinition/extension-Account.balance\",\"extension\":["
    "{\"url\":\"aggregate\",\"valueCodeableConcept\":{\"coding\":[{\"code\":\"insurance\"}]}},"
    "{\"url\":\"amount\",\"valueMoney\":{\"value\":900.0,\"currency\":\"USD\"}}]}]}";
  g_autoptr(JsonObject) account = fd_fhir_parse (json, -1, NULL);
  FdMoney balance;

  /* The patient's terms add up; the total and the insurance's share do not count */
  g_assert_true (fd_fhir_account_balance (account, &balance));
  g_assert_cmpint (balance.cents, ==, 13025);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/text/fold", test_fold);
  g_test_add_func ("/text/digits", test_digits);
  g_test_add_func ("/dates/parse", test_parse_dates);
  g_test_add_func ("/dates/two-digit-year", test_two_digit_year);
  g_test_add_func ("/dates/birth-date-check", test_birth_date_check);
  g_test_add_func ("/dates/formats", test_formats);
  g_test_add_func ("/dates/instants", test_instants);
  g_test_add_func ("/fhir/patient-helpers", test_patient_helpers);
  g_test_add_func ("/fhir/references", test_references);
  g_test_add_func ("/fhir/account-balance", test_account_balance);

  return g_test_run ();
}
