/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The ledger's rules: card numbers, cents, change, splits, allocation, aging,
 * receipt numbers. No database. */
#include <locale.h>
#include <string.h>

#include "fd-core.h"
#include "fd-ledger.h"
#include "fd-money.h"

static void
test_luhn (void)
{
  g_assert_true (fd_ledger_luhn_valid ("4111111111111111"));
  g_assert_true (fd_ledger_luhn_valid ("79927398713"));
  g_assert_true (fd_ledger_luhn_valid ("378282246310005"));
  g_assert_false (fd_ledger_luhn_valid ("4111111111111112"));
  g_assert_false (fd_ledger_luhn_valid ("79927398710"));
  g_assert_false (fd_ledger_luhn_valid ("4111a11111111111"));
  g_assert_false (fd_ledger_luhn_valid (""));
}

static void
test_card_number_in_text (void)
{
  /* Typed as people type them */
  g_assert_true (fd_ledger_text_has_card_number ("4111111111111111"));
  g_assert_true (fd_ledger_text_has_card_number ("4111 1111 1111 1111"));
  g_assert_true (fd_ledger_text_has_card_number ("4111-1111-1111-1111"));
  g_assert_true (fd_ledger_text_has_card_number ("4111 - 1111 - 1111 - 1111"));
  g_assert_true (fd_ledger_text_has_card_number ("4111\u00A01111\u00A01111\u00A01111"));
  g_assert_true (fd_ledger_text_has_card_number ("paid with card 5555555555554444 exp 12/29"));
  g_assert_true (fd_ledger_text_has_card_number ("amex 3782 822463 10005"));
  g_assert_true (fd_ledger_text_has_card_number ("card 4111 1111 1111 1111 0429"));  /* run on into other digits */
  g_assert_false (fd_ledger_text_has_card_number ("ref41111111111111119"));  /* 17 digits that fail the check */
  g_assert_true (fd_ledger_text_has_card_number ("6011000990139424"));

  /* Ordinary desk text */
  g_assert_false (fd_ledger_text_has_card_number (NULL));
  g_assert_false (fd_ledger_text_has_card_number (""));
  g_assert_false (fd_ledger_text_has_card_number ("Check 1043"));
  g_assert_false (fd_ledger_text_has_card_number ("4111111111111112"));     /* fails the check */
  g_assert_false (fd_ledger_text_has_card_number ("(512) 555-0100"));
  g_assert_false (fd_ledger_text_has_card_number ("411111111116"));         /* 12 digits */
  g_assert_false (fd_ledger_text_has_card_number ("4111 1111, 1111 1111"));  /* a comma breaks the run */
  g_assert_false (fd_ledger_text_has_card_number ("Visa 1111, auth A1B2C3"));
}

static void
test_card_number_refused (void)
{
  const char *fields[] = { "Check number", "Note", "Reason" };
  const char *cards[] = { "4111 1111 1111 1111", "5555-5555-5555-4444", "378282246310005" };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (fd_ledger_check_text (cards[i], fields[i], FALSE, &error));
      g_assert_error (error, FD_CORE_ERROR, FD_CORE_ERROR_CARD_NUMBER);
      /* The message names the field and never repeats the digits */
      g_assert_nonnull (strstr (error->message, fields[i]));
      for (const char *p = error->message; *p; p++)
        g_assert_false (g_ascii_isdigit (*p));
    }
}

static void
test_amounts (void)
{
  g_autoptr(GError) error = NULL;
  FdMoneyStyle us, es;
  FdMoney money, sum;

  fd_money_style_init (&us, ".", ",", TRUE);
  fd_money_style_init (&es, ",", ".", FALSE);

  g_assert_true (fd_ledger_parse_amount ("$1,234.50", "USD", &us, &money, &error));
  g_assert_cmpint (money.cents, ==, 123450);
  g_assert_true (fd_ledger_parse_amount ("0.01", "USD", &us, &money, &error));
  g_assert_cmpint (money.cents, ==, 1);
  g_assert_true (fd_ledger_parse_amount ("1.234,50", "USD", &es, &money, &error));
  g_assert_cmpint (money.cents, ==, 123450);

  /* Refused, each with a message */
  {
    const char *bad_us[] = { "0", "0.00", "-5", "12.345", "1.234,50", "12,34", "", "abc", "4111 1111 1111 1111" };
    const char *bad_es[] = { "1,234.50", "12,345", "0,00" };

    for (guint i = 0; i < G_N_ELEMENTS (bad_us); i++)
      {
        g_clear_error (&error);
        g_assert_false (fd_ledger_parse_amount (bad_us[i], "USD", &us, &money, &error));
        g_assert_nonnull (error);
        g_assert_cmpstr (error->message, !=, "");
      }
    for (guint i = 0; i < G_N_ELEMENTS (bad_es); i++)
      {
        g_clear_error (&error);
        g_assert_false (fd_ledger_parse_amount (bad_es[i], "USD", &es, &money, &error));
        g_assert_nonnull (error);
      }
  }

  /* Cents add exactly where doubles would not: 0.10 + 0.20 is 0.30 */
  {
    FdMoney a, b;

    g_assert_true (fd_money_from_decimal (0.1, "USD", &a));
    g_assert_true (fd_money_from_decimal (0.2, "USD", &b));
    g_assert_true (fd_money_add (&a, &b, &sum, NULL));
    g_assert_cmpint (sum.cents, ==, 30);
    g_assert_true (fd_money_from_decimal (19.99, "USD", &a));
    g_assert_cmpint (a.cents, ==, 1999);
    g_assert_true (fd_money_from_decimal (1.005, "USD", &a));  /* a binary 1.00499..., never 1.01 by accident of sums */
    g_assert_cmpint (a.cents, >=, 100);
    g_assert_cmpint (a.cents, <=, 101);
    fd_money_init (&a, FD_MONEY_MAX_CENTS, "USD");
    fd_money_init (&b, 1, "USD");
    g_assert_false (fd_money_add (&a, &b, &sum, NULL));
  }
}

static void
test_change (void)
{
  g_autoptr(GError) error = NULL;
  gint64 change = -1;

  g_assert_true (fd_ledger_cash_change (4500, 5000, &change, &error));
  g_assert_cmpint (change, ==, 500);
  g_assert_true (fd_ledger_cash_change (4500, 0, &change, &error));
  g_assert_cmpint (change, ==, 0);
  g_assert_true (fd_ledger_cash_change (1999, 2000, &change, &error));
  g_assert_cmpint (change, ==, 1);

  g_assert_false (fd_ledger_cash_change (4500, 4000, &change, &error));
  g_assert_error (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "less"));
  g_clear_error (&error);
  g_assert_false (fd_ledger_cash_change (0, 100, &change, &error));
}

static void
test_splits (void)
{
  g_autoptr(GError) error = NULL;
  gint64 change = 0;

  {
    /* $20 cash out of a $50 bill, $30 on a card: $30 change */
    FdPaymentLine lines[] = {
      { FD_PAYMENT_METHOD_CASH, 2000, 5000, NULL, NULL, NULL, NULL },
      { FD_PAYMENT_METHOD_CREDIT_CARD, 3000, 0, NULL, "Visa", "1111", "A1B2C3" },
    };
    g_assert_true (fd_ledger_check_lines (lines, 2, 5000, &change, &error));
    g_assert_no_error (error);
    g_assert_cmpint (change, ==, 3000);
  }
  {
    /* $100 in three: 33.33 + 33.33 + 33.34 */
    FdPaymentLine lines[] = {
      { FD_PAYMENT_METHOD_CASH, 3333, 0, NULL, NULL, NULL, NULL },
      { FD_PAYMENT_METHOD_CHECK, 3333, 0, "1043", NULL, NULL, NULL },
      { FD_PAYMENT_METHOD_DEBIT_CARD, 3334, 0, NULL, "Mastercard", "4444", "778899" },
    };
    g_assert_true (fd_ledger_check_lines (lines, 3, 10000, &change, &error));
    g_assert_cmpint (change, ==, 0);
    lines[2].amount_cents = 3333;
    g_assert_false (fd_ledger_check_lines (lines, 3, 10000, &change, &error));
    g_assert_nonnull (strstr (error->message, "add up"));
    g_clear_error (&error);
  }

  {
    struct {
      FdPaymentLine line;
      gint64        total;
    } bad[] = {
      { { FD_PAYMENT_METHOD_CHECK, 2000, 0, NULL, NULL, NULL, NULL }, 2000 },        /* no check number */
      { { FD_PAYMENT_METHOD_CHECK, 2000, 0, "  ", NULL, NULL, NULL }, 2000 },        /* blank number */
      { { FD_PAYMENT_METHOD_CHECK, 2000, 2500, "1043", NULL, NULL, NULL }, 2000 },   /* over-tendered check */
      { { FD_PAYMENT_METHOD_CREDIT_CARD, 2000, 0, NULL, "Visa", "1111", NULL }, 2000 },   /* no authorization */
      { { FD_PAYMENT_METHOD_CREDIT_CARD, 2000, 0, NULL, NULL, "1111", "A1" }, 2000 },     /* no brand */
      { { FD_PAYMENT_METHOD_CREDIT_CARD, 2000, 0, NULL, "Visa", "11111", "A1" }, 2000 },  /* five digits */
      { { FD_PAYMENT_METHOD_CREDIT_CARD, 2000, 0, NULL, "Visa", "11a1", "A1" }, 2000 },
      { { FD_PAYMENT_METHOD_CREDIT_CARD, 2000, 3000, NULL, "Visa", "1111", "A1" }, 2000 },
      { { FD_PAYMENT_METHOD_CASH, 2000, 1000, NULL, NULL, NULL, NULL }, 2000 },      /* tendered less */
      { { FD_PAYMENT_METHOD_CASH, 0, 0, NULL, NULL, NULL, NULL }, 0 },               /* zero */
      { { FD_PAYMENT_METHOD_CASH, -500, 0, NULL, NULL, NULL, NULL }, -500 },         /* negative */
      { { FD_PAYMENT_METHOD_CASH, 2000, 0, "4111111111111111", NULL, NULL, NULL }, 2000 },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        if (fd_ledger_check_lines (&bad[i].line, 1, bad[i].total, &change, &error))
          g_error ("bad split %u was accepted", i);
        g_assert_nonnull (error);
        g_clear_error (&error);
      }
    g_assert_false (fd_ledger_check_lines (NULL, 0, 100, &change, &error));
  }
}

static GDate
day (guint d,
     guint m,
     guint y)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, d, m, y);
  return date;
}

static void
assert_allocation (GArray             *allocations,
                   guint               index,
                   FdAllocationTarget  target,
                   const char         *invoice,
                   gint64              cents)
{
  FdAllocation *a;

  g_assert_cmpuint (index, <, allocations->len);
  a = &g_array_index (allocations, FdAllocation, index);
  g_assert_cmpint (a->target, ==, target);
  g_assert_cmpstr (a->invoice_id, ==, invoice);
  g_assert_cmpint (a->cents, ==, cents);
}

static void
test_allocation (void)
{
  g_autoptr(GError) error = NULL;
  GArray *allocations;
  FdOpenItem items[] = {
    { "inv-b", day (15, 9, 2026), 4000 },
    { "inv-a", day (1, 7, 2026), 8000 },
    { "inv-c", day (20, 11, 2026), 3000 },
    { "inv-paid", day (1, 1, 2026), 0 },
  };

  /* Co-pay first, then oldest first */
  allocations = fd_ledger_allocate (10000, 2500, items, 4, FD_APPLY_OLDEST_FIRST, NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (allocations->len, ==, 2);
  assert_allocation (allocations, 0, FD_ALLOCATION_COPAY, NULL, 2500);
  assert_allocation (allocations, 1, FD_ALLOCATION_INVOICE, "inv-a", 7500);
  g_array_unref (allocations);
  allocations = fd_ledger_allocate (12000, 0, items, 4, FD_APPLY_OLDEST_FIRST, NULL, FALSE, &error);
  assert_allocation (allocations, 0, FD_ALLOCATION_INVOICE, "inv-a", 8000);
  assert_allocation (allocations, 1, FD_ALLOCATION_INVOICE, "inv-b", 4000);
  g_assert_cmpuint (allocations->len, ==, 2);
  g_array_unref (allocations);

  /* A co-pay larger than the payment takes all of it */
  allocations = fd_ledger_allocate (1000, 2500, items, 4, FD_APPLY_OLDEST_FIRST, NULL, FALSE, &error);
  g_assert_cmpuint (allocations->len, ==, 1);
  assert_allocation (allocations, 0, FD_ALLOCATION_COPAY, NULL, 1000);
  g_array_unref (allocations);

  /* Chosen invoices, in the order chosen */
  {
    const char *chosen[] = { "inv-c", "inv-a", NULL };

    allocations = fd_ledger_allocate (5000, 0, items, 4, FD_APPLY_CHOSEN, chosen, FALSE, &error);
    g_assert_no_error (error);
    assert_allocation (allocations, 0, FD_ALLOCATION_INVOICE, "inv-c", 3000);
    assert_allocation (allocations, 1, FD_ALLOCATION_INVOICE, "inv-a", 2000);
    g_array_unref (allocations);

    /* More than the chosen invoices: refused, or the rest kept as credit */
    g_assert_null (fd_ledger_allocate (20000, 0, items, 4, FD_APPLY_CHOSEN, chosen, FALSE, &error));
    g_assert_error (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID);
    g_clear_error (&error);
    allocations = fd_ledger_allocate (20000, 0, items, 4, FD_APPLY_CHOSEN, chosen, TRUE, &error);
    g_assert_cmpuint (allocations->len, ==, 3);
    assert_allocation (allocations, 2, FD_ALLOCATION_CREDIT, NULL, 9000);
    g_array_unref (allocations);
  }
  {
    const char *paid[] = { "inv-paid", NULL };
    const char *unknown[] = { "inv-x", NULL };
    const char *twice[] = { "inv-a", "inv-a", NULL };

    g_assert_null (fd_ledger_allocate (100, 0, items, 4, FD_APPLY_CHOSEN, paid, FALSE, &error));
    g_clear_error (&error);
    g_assert_null (fd_ledger_allocate (100, 0, items, 4, FD_APPLY_CHOSEN, unknown, FALSE, &error));
    g_clear_error (&error);
    g_assert_null (fd_ledger_allocate (100, 0, items, 4, FD_APPLY_CHOSEN, twice, FALSE, &error));
    g_clear_error (&error);
    g_assert_null (fd_ledger_allocate (100, 0, items, 4, FD_APPLY_CHOSEN, NULL, FALSE, &error));
    g_clear_error (&error);
  }

  /* More than everything owed */
  g_assert_null (fd_ledger_allocate (15001, 0, items, 4, FD_APPLY_OLDEST_FIRST, NULL, FALSE, &error));
  g_assert_nonnull (strstr (error->message, "credit"));
  g_clear_error (&error);
  allocations = fd_ledger_allocate (15001, 0, items, 4, FD_APPLY_OLDEST_FIRST, NULL, TRUE, &error);
  assert_allocation (allocations, 3, FD_ALLOCATION_CREDIT, NULL, 1);
  g_array_unref (allocations);

  /* A prepayment: nothing to invoices */
  allocations = fd_ledger_allocate (5000, 0, items, 4, FD_APPLY_PREPAYMENT, NULL, FALSE, &error);
  g_assert_cmpuint (allocations->len, ==, 1);
  assert_allocation (allocations, 0, FD_ALLOCATION_CREDIT, NULL, 5000);
  g_array_unref (allocations);

  g_assert_null (fd_ledger_allocate (0, 0, items, 4, FD_APPLY_OLDEST_FIRST, NULL, TRUE, &error));
  g_clear_error (&error);
  g_assert_null (fd_ledger_allocate (-100, 0, items, 4, FD_APPLY_OLDEST_FIRST, NULL, TRUE, &error));
}

static void
test_aging (void)
{
  GDate as_of = day (27, 11, 2026);
  struct {
    guint  days_back;
    FdAgingBucket bucket;
  } cases[] = {
    { 0, FD_AGING_CURRENT }, { 30, FD_AGING_CURRENT }, { 31, FD_AGING_31_60 }, { 60, FD_AGING_31_60 },
    { 61, FD_AGING_61_90 }, { 90, FD_AGING_61_90 }, { 91, FD_AGING_OVER_90 }, { 150, FD_AGING_OVER_90 },
  };
  FdOpenItem items[G_N_ELEMENTS (cases) + 1];
  gint64 buckets[FD_N_AGING_BUCKETS];

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      items[i].id = "x";
      items[i].date = as_of;
      g_date_subtract_days (&items[i].date, cases[i].days_back);
      items[i].open_cents = 100 * (i + 1);
      g_assert_cmpint (fd_ledger_aging_bucket (&items[i].date, &as_of), ==, cases[i].bucket);
    }
  /* Dated after the run: current */
  items[G_N_ELEMENTS (cases)] = (FdOpenItem) { "later", day (1, 12, 2026), 1 };
  g_assert_cmpint (fd_ledger_aging_bucket (&items[G_N_ELEMENTS (cases)].date, &as_of), ==, FD_AGING_CURRENT);

  fd_ledger_age (items, G_N_ELEMENTS (items), &as_of, buckets);
  g_assert_cmpint (buckets[FD_AGING_CURRENT], ==, 100 + 200 + 1);
  g_assert_cmpint (buckets[FD_AGING_31_60], ==, 300 + 400);
  g_assert_cmpint (buckets[FD_AGING_61_90], ==, 500 + 600);
  g_assert_cmpint (buckets[FD_AGING_OVER_90], ==, 700 + 800);

  /* Across a month end and a leap day */
  {
    GDate leap = day (31, 3, 2028);
    GDate feb = day (29, 2, 2028);
    GDate jan = day (31, 1, 2028);

    g_assert_cmpint (fd_ledger_aging_bucket (&feb, &leap), ==, FD_AGING_31_60);  /* 31 days */
    g_assert_cmpint (fd_ledger_aging_bucket (&jan, &leap), ==, FD_AGING_31_60);  /* 60 days */
  }
}

static void
test_receipt_numbers (void)
{
  GDate date = day (27, 11, 2026);
  g_autofree char *first = fd_ledger_format_receipt_number ("desk1", &date, 1);
  g_autofree char *big = fd_ledger_format_receipt_number ("DESK1", &date, 12345);
  g_autofree char *station = NULL;
  GDate parsed;
  guint seq;

  g_assert_cmpstr (first, ==, "DESK1-20261127-0001");
  g_assert_cmpstr (big, ==, "DESK1-20261127-12345");
  g_assert_true (fd_ledger_parse_receipt_number (big, &station, &parsed, &seq));
  g_assert_cmpstr (station, ==, "DESK1");
  g_assert_cmpint (g_date_compare (&parsed, &date), ==, 0);
  g_assert_cmpuint (seq, ==, 12345);
  g_assert_false (fd_ledger_parse_receipt_number ("DESK1-20261327-0001", NULL, NULL, NULL));
  g_assert_false (fd_ledger_parse_receipt_number ("DESK-1-20261127-0001", NULL, NULL, NULL));
  g_assert_false (fd_ledger_parse_receipt_number ("", NULL, NULL, NULL));

  g_assert_true (fd_ledger_check_station_code ("FD01", NULL));
  g_assert_false (fd_ledger_check_station_code ("", NULL));
  g_assert_false (fd_ledger_check_station_code (NULL, NULL));
  g_assert_false (fd_ledger_check_station_code ("DESK-1", NULL));
  g_assert_false (fd_ledger_check_station_code ("ABCDEFGHIJKLM", NULL));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ledger/luhn", test_luhn);
  g_test_add_func ("/ledger/card-number-in-text", test_card_number_in_text);
  g_test_add_func ("/ledger/card-number-refused", test_card_number_refused);
  g_test_add_func ("/ledger/amounts", test_amounts);
  g_test_add_func ("/ledger/change", test_change);
  g_test_add_func ("/ledger/splits", test_splits);
  g_test_add_func ("/ledger/allocation", test_allocation);
  g_test_add_func ("/ledger/aging", test_aging);
  g_test_add_func ("/ledger/receipt-numbers", test_receipt_numbers);

  return g_test_run ();
}
