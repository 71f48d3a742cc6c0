/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <locale.h>

#include "fd-core.h"
#include "fd-fhir.h"
#include "fd-money.h"

static void
assert_parses (const FdMoneyStyle *style,
               const char         *text,
               gint64              cents)
{
  g_autoptr(GError) error = NULL;
  FdMoney money;

  if (!fd_money_parse (text, "USD", style, &money, &error))
    g_error ("“%s” should parse: %s", text, error->message);
  g_assert_cmpint (money.cents, ==, cents);
  g_assert_cmpstr (money.currency, ==, "USD");
}

static void
assert_refused (const FdMoneyStyle *style,
                const char         *text)
{
  g_autoptr(GError) error = NULL;
  FdMoney money;

  if (fd_money_parse (text, "USD", style, &money, &error))
    g_error ("“%s” should be refused, parsed as %" G_GINT64_FORMAT, text, money.cents);
  g_assert_error (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
}

static void
test_parse_us (void)
{
  FdMoneyStyle us;

  fd_money_style_init (&us, ".", ",", TRUE);
  assert_parses (&us, "25", 2500);
  assert_parses (&us, "25.5", 2550);
  assert_parses (&us, "25.50", 2550);
  assert_parses (&us, "$25.05", 2505);
  assert_parses (&us, " $ 1,234.56 ", 123456);
  assert_parses (&us, "1234.56", 123456);
  assert_parses (&us, "0.01", 1);
  assert_parses (&us, ".75", 75);
  assert_parses (&us, "0", 0);
  assert_parses (&us, "12,345,678.90", 1234567890);
  assert_parses (&us, "40 USD", 4000);

  assert_refused (&us, "");
  assert_refused (&us, "   ");
  assert_refused (&us, "-5");
  assert_refused (&us, "$-5");
  assert_refused (&us, "\u22125");
  assert_refused (&us, "12.345");        /* three decimals */
  assert_refused (&us, "1.234,56");      /* a European amount at a US desk */
  assert_refused (&us, "12,34");         /* misplaced separator */
  assert_refused (&us, "1,2345");
  assert_refused (&us, "abc");
  assert_refused (&us, "12abc");
  assert_refused (&us, "1e5");
  assert_refused (&us, "$");
  assert_refused (&us, "99999999999999");
  assert_refused (&us, "\xff\xfe");
  assert_refused (&us, NULL);
}

static void
test_parse_european (void)
{
  FdMoneyStyle es;

  fd_money_style_init (&es, ",", ".", FALSE);
  assert_parses (&es, "25,50", 2550);
  assert_parses (&es, "1.234,56", 123456);
  assert_parses (&es, "1.234,56 $", 123456);
  assert_refused (&es, "25.50");         /* a US amount at a Spanish desk: 2550? no, refused */
  assert_refused (&es, "1,234.56");
  assert_refused (&es, "2,505");         /* three decimals */
}

static void
test_format (void)
{
  FdMoneyStyle us, es;
  FdMoney m;
  struct { gint64 cents; const char *us; const char *es; } cases[] = {
    { 0, "$0.00", "0,00\u00A0$" },
    { 5, "$0.05", "0,05\u00A0$" },
    { 2500, "$25.00", "25,00\u00A0$" },
    { 123456, "$1,234.56", "1.234,56\u00A0$" },
    { -4005, "-$40.05", "-40,05\u00A0$" },
    { 100000000, "$1,000,000.00", "1.000.000,00\u00A0$" },
  };

  fd_money_style_init (&us, ".", ",", TRUE);
  fd_money_style_init (&es, ",", ".", FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *a = NULL;
      g_autofree char *b = NULL;

      fd_money_init (&m, cases[i].cents, "USD");
      a = fd_money_format (&m, &us);
      b = fd_money_format (&m, &es);
      g_assert_cmpstr (a, ==, cases[i].us);
      g_assert_cmpstr (b, ==, cases[i].es);
    }
}

static void
test_round_trip (void)
{
  FdMoneyStyle us;

  fd_money_style_init (&us, ".", ",", TRUE);
  for (gint64 cents = 0; cents < 200000; cents += 7)
    {
      g_autofree char *text = NULL;
      FdMoney m, back;

      fd_money_init (&m, cents, "USD");
      text = fd_money_format (&m, &us);
      g_assert_true (fd_money_parse (text, "USD", &us, &back, NULL));
      g_assert_cmpint (back.cents, ==, cents);
    }
}

static void
test_add (void)
{
  g_autoptr(GError) error = NULL;
  FdMoney a, b, sum, eur;

  fd_money_init (&a, 2500, "USD");
  fd_money_init (&b, 1505, "USD");
  g_assert_true (fd_money_add (&a, &b, &sum, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sum.cents, ==, 4005);

  fd_money_init (&eur, 100, "EUR");
  g_assert_false (fd_money_add (&a, &eur, &sum, &error));
  g_assert_error (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID);
  g_clear_error (&error);

  fd_money_init (&a, FD_MONEY_MAX_CENTS, "USD");
  fd_money_init (&b, 1, "USD");
  g_assert_false (fd_money_add (&a, &b, &sum, &error));
  g_assert_error (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID);
}

static void
test_fhir_edge (void)
{
  struct { const char *json; gboolean ok; gint64 cents; } cases[] = {
    { "{\"value\": 125.40000000000001, \"currency\": \"USD\"}", TRUE, 12540 },
    { "{\"value\": 0.1, \"currency\": \"USD\"}", TRUE, 10 },
    { "{\"value\": 25, \"currency\": \"USD\"}", TRUE, 2500 },
    { "{\"value\": 19.99}", TRUE, 1999 },
    { "{\"value\": \"12\"}", FALSE, 0 },
    { "{\"currency\": \"USD\"}", FALSE, 0 },
    { "{\"value\": 1e300}", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      FdMoney m;

      g_assert_true (json_parser_load_from_data (parser, cases[i].json, -1, NULL));
      g_assert_cmpint (fd_fhir_money (json_node_get_object (json_parser_get_root (parser)), &m), ==, cases[i].ok);
      if (cases[i].ok)
        g_assert_cmpint (m.cents, ==, cases[i].cents);
    }

  {
    FdMoney m;
    g_autofree char *text = NULL;

    fd_money_init (&m, 12540, "USD");
    text = fd_money_to_decimal (&m);
    g_assert_cmpstr (text, ==, "125.40");
  }
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/money/parse-us", test_parse_us);
  g_test_add_func ("/money/parse-european", test_parse_european);
  g_test_add_func ("/money/format", test_format);
  g_test_add_func ("/money/round-trip", test_round_trip);
  g_test_add_func ("/money/add", test_add);
  g_test_add_func ("/money/fhir-edge", test_fhir_edge);

  return g_test_run ();
}
