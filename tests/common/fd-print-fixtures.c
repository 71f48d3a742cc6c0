/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "fd-print-fixtures.h"

static const char * const clinic_address[] = {
  "1200 River Road, Suite 4", "Springfield, IL 62704", NULL,
};
static const char * const clinic_remit[] = {
  "Riverbend Family Clinic", "Billing Office", "PO Box 4417", "Springfield, IL 62708", NULL,
};
static const FdPrintClinic clinic = {
  "Riverbend Family Clinic", clinic_address, "(217) 555-0142", "37-1234567", clinic_remit,
};
static const char * const guarantor_address[] = {
  "4821 Sycamore Hollow Lane, Apt 12B", "Chatham, IL 62629", NULL,
};

/**
 * fd_fixture_clinic:
 *
 * Returns: (transfer none): the synthetic clinic
 */
const FdPrintClinic *
fd_fixture_clinic (void)
{
  return &clinic;
}

static FdMoney
usd (gint64 cents)
{
  FdMoney money;

  fd_money_init (&money, cents, "USD");
  return money;
}

/**
 * fd_fixture_receipt_init:
 * @fixture: (out caller-allocates): the receipt
 *
 * Four lines: two $25.00 card co-pays on the same day, a cash payment and a
 * void of an earlier payment; $60.00 cash tendered.
 */
void
fd_fixture_receipt_init (FdReceiptFixture *fixture)
{
  FdReceipt *r = &fixture->receipt;
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("America/Chicago");

  memset (fixture, 0, sizeof *fixture);
  fixture->lines[0] = (FdReceiptLine) {
    FD_RECEIPT_LINE_PAYMENT, "Co-pay, office visit 11/27/2026",
    { FD_PAYMENT_METHOD_CARD, NULL, "Visa", "4111111111114242", NULL }, usd (2500), NULL,
  };
  fixture->lines[1] = (FdReceiptLine) {
    FD_RECEIPT_LINE_PAYMENT, "Co-pay, office visit 11/27/2026",
    { FD_PAYMENT_METHOD_CARD, NULL, "Visa", "4242", NULL }, usd (2500), NULL,
  };
  fixture->lines[2] = (FdReceiptLine) {
    FD_RECEIPT_LINE_PAYMENT, "Balance payment, statement of 10/31/2026",
    { FD_PAYMENT_METHOD_CASH, NULL, NULL, NULL, NULL }, usd (4275), NULL,
  };
  fixture->lines[3] = (FdReceiptLine) {
    FD_RECEIPT_LINE_VOID, "Co-pay, lab draw 11/20/2026",
    { FD_PAYMENT_METHOD_CHECK, "1042", NULL, NULL, NULL }, usd (1500), "Charged twice",
  };

  r->receipt_number = "RFC1-20261127-0042";
  r->issued_at = g_date_time_new (tz, 2026, 11, 27, 14, 5, 0);
  r->patient_name = "Maria-Fernanda Castellanos-Villarreal de la Fuente";
  r->account_number = "A-00012345";
  r->cashier = "J. Okafor";
  r->station = "Front desk 1";
  r->lines = fixture->lines;
  r->n_lines = G_N_ELEMENTS (fixture->lines);
  r->total_paid = usd (2500 + 2500 + 4275 - 1500);
  r->has_cash_tendered = TRUE;
  r->tendered = usd (6000);
  r->change = usd (6000 - 4275);
  r->balance = usd (12050);
}

void
fd_fixture_receipt_clear (FdReceiptFixture *fixture)
{
  g_clear_pointer (&fixture->receipt.issued_at, g_date_time_unref);
}

static const char * const services[] = {
  "Office visit, established patient, level 3",
  "Office visit, established patient, level 4",
  "Comprehensive metabolic panel",
  "Influenza vaccine, quadrivalent, preservative free",
  "Venipuncture",
  "Electrocardiogram, 12-lead, with interpretation and report",
  "Hemoglobin A1c",
  "Lipid panel",
};

/**
 * fd_fixture_statement_init:
 * @fixture: (out caller-allocates): the statement
 * @n_lines: how many activity lines
 * @seed: varies the amounts and descriptions
 *
 * A statement of 11/30/2026 whose activity starts on 10/31/2026: charges,
 * insurance and patient payments, adjustments, in date order.
 */
void
fd_fixture_statement_init (FdStatementFixture *fixture,
                           guint               n_lines,
                           guint               seed)
{
  FdStatement *s = &fixture->statement;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  gint64 charges = 0, payments = 0, adjustments = 0;

  memset (fixture, 0, sizeof *fixture);
  fixture->strings = g_ptr_array_new_with_free_func (g_free);
  fixture->lines = g_new0 (FdStatementLine, MAX (n_lines, 1));

  for (guint i = 0; i < n_lines; i++)
    {
      FdStatementLine *line = &fixture->lines[i];
      guint kind = i % 3 == 0 ? 0 : g_rand_int_range (rand, 0, 3);
      guint day = 1 + (i * 30) / MAX (n_lines, 1);

      g_date_clear (&line->date, 1);
      g_date_set_dmy (&line->date, (GDateDay) (day), G_DATE_NOVEMBER, 2026);
      line->kind = kind;
      if (kind == FD_STATEMENT_LINE_CHARGE)
        {
          line->description = services[g_rand_int_range (rand, 0, G_N_ELEMENTS (services))];
          line->amount = usd (g_rand_int_range (rand, 2000, 32000));
          charges += line->amount.cents;
        }
      else if (kind == FD_STATEMENT_LINE_PAYMENT)
        {
          char *text = g_strdup_printf (i % 2 ? "Payment, thank you (receipt RFC1-202611%02u-%04u)"
                                              : "Insurance payment, claim 26%07u",
                                        day, g_rand_int_range (rand, 1, 9999));
          g_ptr_array_add (fixture->strings, text);
          line->description = text;
          line->amount = usd (-g_rand_int_range (rand, 1000, 15000));
          payments += line->amount.cents;
        }
      else
        {
          line->description = "Contractual adjustment, Blue Prairie Health Plan";
          line->amount = usd (-g_rand_int_range (rand, 500, 6000));
          adjustments += line->amount.cents;
        }
    }

  g_date_clear (&s->statement_date, 1);
  g_date_set_dmy (&s->statement_date, 30, G_DATE_NOVEMBER, 2026);
  g_date_clear (&s->previous_statement_date, 1);
  g_date_set_dmy (&s->previous_statement_date, 31, G_DATE_OCTOBER, 2026);
  g_date_clear (&s->pay_by, 1);
  g_date_set_dmy (&s->pay_by, 24, G_DATE_DECEMBER, 2026);
  s->account_number = "A-00012345";
  s->guarantor_name = "Maria-Fernanda Castellanos-Villarreal de la Fuente";
  s->guarantor_address = guarantor_address;
  s->patient_name = "Sofia Castellanos-Villarreal";
  s->previous_balance = usd (18450);
  s->lines = fixture->lines;
  s->n_lines = n_lines;
  {
    gint64 due = MAX (0, 18450 + charges + payments + adjustments);
    s->amount_due = usd (due);
    s->aging[FD_AGING_CURRENT] = usd (due - due / 2);
    s->aging[FD_AGING_31_60] = usd (due / 4);
    s->aging[FD_AGING_61_90] = usd (due / 8);
    s->aging[FD_AGING_OVER_90] = usd (due / 2 - due / 4 - due / 8);
  }
}

void
fd_fixture_statement_clear (FdStatementFixture *fixture)
{
  g_clear_pointer (&fixture->lines, g_free);
  g_clear_pointer (&fixture->strings, g_ptr_array_unref);
}

/**
 * fd_fixture_drawer_init:
 * @fixture: (out caller-allocates): the close-out
 * @n_entries: how many receipt lines the drawer took
 */
void
fd_fixture_drawer_init (FdDrawerFixture *fixture,
                        guint            n_entries)
{
  FdDrawerReport *d = &fixture->report;
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("America/Chicago");
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  gint64 expected[4] = { 15000, 0, 0, 0 };
  guint counts[4] = { 0 };

  memset (fixture, 0, sizeof *fixture);
  fixture->entries = g_new0 (FdDrawerEntry, MAX (n_entries, 1));
  for (guint i = 0; i < n_entries; i++)
    {
      FdDrawerEntry *e = &fixture->entries[i];
      FdPaymentMethodKind method = g_rand_int_range (rand, 0, 4);
      guint minutes = (i * 540) / MAX (n_entries, 1);

      e->time = g_date_time_new (tz, 2026, 11, 27, 8 + minutes / 60, minutes % 60, 0);
      e->receipt_number = g_strdup_printf ("RFC1-20261127-%04u", i + 1);
      e->kind = i == 5 ? FD_RECEIPT_LINE_VOID : i == 11 ? FD_RECEIPT_LINE_REFUND : FD_RECEIPT_LINE_PAYMENT;
      if (e->kind != FD_RECEIPT_LINE_PAYMENT)
        method = FD_PAYMENT_METHOD_CASH;
      e->method.kind = method;
      e->method.check_number = method == FD_PAYMENT_METHOD_CHECK ? "2213" : NULL;
      e->method.card_brand = method == FD_PAYMENT_METHOD_CARD ? "Mastercard" : NULL;
      e->method.card_last_four = method == FD_PAYMENT_METHOD_CARD ? "5454" : NULL;
      e->method.other = method == FD_PAYMENT_METHOD_OTHER ? "Money order" : NULL;
      e->amount = usd (g_rand_int_range (rand, 10, 200) * 500 / 2);
      e->reason = e->kind == FD_RECEIPT_LINE_VOID ? "Wrong patient selected"
                  : e->kind == FD_RECEIPT_LINE_REFUND ? "Overpayment on account" : NULL;
      expected[method] += e->kind == FD_RECEIPT_LINE_PAYMENT ? e->amount.cents : -e->amount.cents;
      counts[method]++;
    }

  for (guint m = 0; m < 4; m++)
    {
      fixture->methods[m].method = m;
      fixture->methods[m].n_payments = counts[m];
      fixture->methods[m].expected = usd (expected[m]);
      fixture->methods[m].counted = usd (expected[m] + (m == FD_PAYMENT_METHOD_CASH ? -500 : 0));
    }

  d->station = "Front desk 1";
  d->cashier = "J. Okafor";
  d->opened_at = g_date_time_new (tz, 2026, 11, 27, 7, 45, 0);
  d->closed_at = g_date_time_new (tz, 2026, 11, 27, 17, 32, 0);
  d->opening_float = usd (15000);
  d->methods = fixture->methods;
  d->n_methods = 4;
  d->entries = fixture->entries;
  d->n_entries = n_entries;
}

void
fd_fixture_drawer_clear (FdDrawerFixture *fixture)
{
  for (guint i = 0; i < fixture->report.n_entries; i++)
    {
      g_date_time_unref (fixture->entries[i].time);
      g_free ((char *) fixture->entries[i].receipt_number);
    }
  g_clear_pointer (&fixture->entries, g_free);
  g_clear_pointer ((GDateTime **) &fixture->report.opened_at, g_date_time_unref);
  g_clear_pointer ((GDateTime **) &fixture->report.closed_at, g_date_time_unref);
}
