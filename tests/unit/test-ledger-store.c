/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The ledger over a real store: balances, payments, voids, refunds, the
 * drawer, receipts, statements, and card numbers that never reach the disk. */
#include <locale.h>
#include <string.h>

#include "fd-core.h"
#include "fd-fhir.h"
#include "fd-ledger-documents.h"
#include "fd-patient-item.h"
#include "fd-store-ledger.h"
#include "fd-store-private.h"
#include "fd-test-util.h"

#define STATION "DESK1"
#define CASHIER "Front desk A"

typedef struct
{
  char      *dir;
  char      *path;
  FdStore   *store;
  GDateTime *now;
  GDate      today;
} Fixture;

static const char * const resources[] = {
  "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"name\":[{\"family\":\"Testa\",\"given\":[\"Ana\"]}]}",
  "{\"resourceType\":\"Patient\",\"id\":\"p2\",\"name\":[{\"family\":\"Prueba\",\"given\":[\"Luis\"]}]}",
  "{\"resourceType\":\"Patient\",\"id\":\"p3\",\"name\":[{\"family\":\"Nadie\",\"given\":[\"Eva\"]}]}",
  "{\"resourceType\":\"Coverage\",\"id\":\"cov1\",\"status\":\"active\",\"beneficiary\":{\"reference\":\"Patient/p1\"},"
  "\"payor\":[{\"display\":\"Payer\"}],\"costToBeneficiary\":[{\"type\":{\"coding\":[{\"code\":\"copay\"}]},"
  "\"valueMoney\":{\"value\":25,\"currency\":\"USD\"}}]}",
  "{\"resourceType\":\"Appointment\",\"id\":\"appt1\",\"status\":\"arrived\",\"start\":\"2026-11-27T09:00:00-06:00\","
  "\"end\":\"2026-11-27T09:20:00-06:00\",\"participant\":[{\"actor\":{\"reference\":\"Patient/p1\"},\"status\":\"accepted\"}]}",
  "{\"resourceType\":\"Account\",\"id\":\"acc1\",\"status\":\"active\",\"subject\":[{\"reference\":\"Patient/p1\"}],"
  "\"guarantor\":[{\"party\":{\"reference\":\"Patient/p1\",\"display\":\"Testa, Ana\"}}],"
  "\"extension\":[{\"url\":\"http://hl7.org/fhir/5.0/StructureDefinition/extension-Account.balance\",\"extension\":["
  "{\"url\":\"amount\",\"valueMoney\":{\"value\":999,\"currency\":\"USD\"}}]}]}",
  "{\"resourceType\":\"Account\",\"id\":\"acc2\",\"status\":\"active\",\"subject\":[{\"reference\":\"Patient/p2\"}],"
  "\"extension\":[{\"url\":\"http://hl7.org/fhir/5.0/StructureDefinition/extension-Account.balance\",\"extension\":["
  "{\"url\":\"amount\",\"valueMoney\":{\"value\":50,\"currency\":\"USD\"}}]}]}",
};

static JsonObject *
invoice (const char *id,
         const char *patient,
         const char *date,
         const char *status,
         double      base,
         double      discount,
         double      deduction)
{
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\":\"Invoice\",\"id\":\"%s\",\"status\":\"%s\",\"subject\":{\"reference\":\"Patient/%s\"},"
    "\"account\":{\"reference\":\"Account/acc1\"},\"date\":\"%s\",\"lineItem\":[{\"chargeItemCodeableConcept\":"
    "{\"text\":\"Office visit\"},\"priceComponent\":[{\"type\":\"base\",\"amount\":{\"value\":%.2f,\"currency\":\"USD\"}},"
    "{\"type\":\"discount\",\"amount\":{\"value\":%.2f,\"currency\":\"USD\"}},"
    "{\"type\":\"deduction\",\"amount\":{\"value\":%.2f,\"currency\":\"USD\"}}]}]}",
    id, status, patient, date, base, discount, deduction);

  return fd_fhir_parse (json, -1, NULL);
}

static void
put (Fixture    *fixture,
     JsonObject *resource)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fd_store_put (fixture->store, resource, FD_STORE_ORIGIN_SERVER, &error));
  g_assert_no_error (error);
}

static void
open_store (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->store = fd_store_open (fixture->path, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = fd_test_make_dir ();
  fixture->path = g_build_filename (fixture->dir, "frontdesk.db", NULL);
  open_store (fixture);
  fixture->now = g_date_time_new_local (2026, 11, 27, 10, 30, 0);
  g_date_clear (&fixture->today, 1);
  g_date_set_dmy (&fixture->today, 27, 11, 2026);

  for (guint i = 0; i < G_N_ELEMENTS (resources); i++)
    {
      g_autoptr(JsonObject) resource = fd_fhir_parse (resources[i], -1, NULL);

      put (fixture, resource);
    }
  /* $150 owed: 80 (149 days), 40 (73 days), 30 (7 days); one cancelled */
  {
    g_autoptr(JsonObject) old = invoice ("inv-old", "p1", "2026-07-01", "issued", 200, 70, 50);
    g_autoptr(JsonObject) mid = invoice ("inv-mid", "p1", "2026-09-15", "issued", 40, 0, 0);
    g_autoptr(JsonObject) recent = invoice ("inv-new", "p1", "2026-11-20T14:00:00-06:00", "issued", 100, 20, 50);
    g_autoptr(JsonObject) cancelled = invoice ("inv-void", "p1", "2026-11-01", "cancelled", 500, 0, 0);

    put (fixture, old);
    put (fixture, mid);
    put (fixture, recent);
    put (fixture, cancelled);
  }
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  fd_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
  g_date_time_unref (fixture->now);
}

static gint64
count (Fixture    *fixture,
       const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (fd_store_db (fixture->store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static gint64
balance (Fixture    *fixture,
         const char *patient)
{
  g_autoptr(GError) error = NULL;
  FdMoney money;

  g_assert_true (fd_ledger_get_balance (fixture->store, patient, &money, &error));
  g_assert_no_error (error);
  return money.cents;
}

static gint64
open_drawer (Fixture *fixture,
             gint64   float_cents)
{
  g_autoptr(GError) error = NULL;
  gint64 session = 0;

  g_assert_true (fd_ledger_drawer_open (fixture->store, STATION, CASHIER, float_cents, fixture->now, &session, &error));
  g_assert_no_error (error);
  g_assert_cmpint (session, >, 0);
  return session;
}

static void
init_request (Fixture          *fixture,
              FdPaymentRequest *request,
              FdPaymentLine    *line,
              gint64            cents)
{
  memset (request, 0, sizeof *request);
  memset (line, 0, sizeof *line);
  line->method = FD_PAYMENT_METHOD_CASH;
  line->amount_cents = cents;
  request->patient_id = "p1";
  request->station = STATION;
  request->cashier = CASHIER;
  request->amount_cents = cents;
  request->lines = line;
  request->n_lines = 1;
  request->pay_copay = TRUE;
  request->mode = FD_APPLY_OLDEST_FIRST;
  request->when = fixture->now;
}

static char *
post (Fixture                *fixture,
      const FdPaymentRequest *request)
{
  g_autoptr(GError) error = NULL;
  char *receipt = NULL;

  fd_ledger_post_payment (fixture->store, request, &receipt, &error);
  g_assert_no_error (error);
  g_assert_nonnull (receipt);
  return receipt;
}

static gint64
expected (Fixture         *fixture,
          gint64           session,
          FdPaymentMethod  method)
{
  g_auto(FdDrawerSummary) summary = { 0 };

  g_assert_true (fd_ledger_drawer_summary (fixture->store, session, &summary, NULL));
  return summary.expected[method];
}

static void
test_balance_and_aging (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(FdLedgerAccount) account = { 0 };
  g_autoptr(GPtrArray) activity = NULL;
  g_autoptr(GPtrArray) balances = NULL;
  g_autoptr(GPtrArray) open = NULL;
  gint64 sum = 0;

  /* The ledger, not the stale $999 of the Account */
  g_assert_cmpint (balance (fixture, "p1"), ==, 15000);
  /* Without ledger rows, the Account's balance */
  g_assert_cmpint (balance (fixture, "p2"), ==, 5000);
  g_assert_cmpint (balance (fixture, "p3"), ==, 0);

  g_assert_true (fd_ledger_get_account (fixture->store, "p1", &fixture->today, &account, &error));
  g_assert_no_error (error);
  g_assert_true (account.from_ledger);
  g_assert_cmpstr (account.account_id, ==, "acc1");
  g_assert_cmpstr (account.guarantor_id, ==, "p1");
  g_assert_cmpint (account.balance.cents, ==, 15000);
  g_assert_cmpint (account.aging[FD_AGING_CURRENT], ==, 3000);
  g_assert_cmpint (account.aging[FD_AGING_31_60], ==, 0);
  g_assert_cmpint (account.aging[FD_AGING_61_90], ==, 4000);
  g_assert_cmpint (account.aging[FD_AGING_OVER_90], ==, 8000);
  g_assert_cmpint (account.copay_due.cents, ==, 2500);
  g_assert_cmpstr (account.copay_appointment_id, ==, "appt1");
  g_assert_false (g_date_valid (&account.last_statement));

  /* Aging moves with the day it is counted on */
  {
    g_auto(FdLedgerAccount) later = { 0 };
    GDate as_of = fixture->today;

    g_date_add_days (&as_of, 30);
    g_assert_true (fd_ledger_get_account (fixture->store, "p1", &as_of, &later, &error));
    g_assert_cmpint (later.aging[FD_AGING_31_60], ==, 3000);
    g_assert_cmpint (later.aging[FD_AGING_OVER_90], ==, 12000);
    g_assert_cmpint (later.copay_due.cents, ==, 0);  /* no visit that day */
  }

  /* Charges, adjustments and insurance add up to the balance */
  activity = fd_ledger_list_activity (fixture->store, "p1", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (activity->len, ==, 3 + 2 + 2);
  for (guint i = 0; i < activity->len; i++)
    sum += ((FdLedgerEntry *) g_ptr_array_index (activity, i))->amount.cents;
  g_assert_cmpint (sum, ==, 15000);
  g_assert_cmpint (((FdLedgerEntry *) g_ptr_array_index (activity, 0))->kind, ==, FD_LEDGER_ENTRY_CHARGE);

  open = fd_ledger_list_open_invoices (fixture->store, "p1", &error);
  g_assert_cmpuint (open->len, ==, 3);
  g_assert_cmpstr (((FdLedgerInvoice *) g_ptr_array_index (open, 0))->id, ==, "inv-old");

  /* Listing by balance: the ledger's and the Account's, largest first */
  g_assert_cmpint (fd_ledger_count_balances (fixture->store, &error), ==, 2);
  balances = fd_ledger_list_balances (fixture->store, 0, 10, &error);
  g_assert_cmpuint (balances->len, ==, 2);
  g_assert_cmpstr (fd_patient_item_get_id (g_ptr_array_index (balances, 0)), ==, "p1");
  g_assert_cmpstr (fd_patient_item_get_id (g_ptr_array_index (balances, 1)), ==, "p2");
  {
    /* A page further down holds the rows after the ones before it */
    g_autoptr(GPtrArray) second = fd_ledger_list_balances (fixture->store, 1, 10, &error);
    g_autoptr(GPtrArray) beyond = fd_ledger_list_balances (fixture->store, 2, 10, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (second->len, ==, 1);
    g_assert_cmpstr (fd_patient_item_get_id (g_ptr_array_index (second, 0)), ==, "p2");
    g_assert_cmpuint (beyond->len, ==, 0);
  }

  /* An invoice the server cancels leaves the balance */
  {
    g_autoptr(JsonObject) cancelled = invoice ("inv-mid", "p1", "2026-09-15", "cancelled", 40, 0, 0);

    put (fixture, cancelled);
    g_assert_cmpint (balance (fixture, "p1"), ==, 11000);
  }
}

static void
test_copay_then_oldest_first (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(FdLedgerAccount) account = { 0 };
  g_autoptr(FdLedgerReceipt) receipt = NULL;
  g_autofree char *number = NULL;
  FdPaymentRequest request;
  FdPaymentLine line;
  gint64 session = open_drawer (fixture, 10000);

  /* $60 from a $100 bill: the $25 co-pay, then $35 on the oldest invoice */
  init_request (fixture, &request, &line, 6000);
  line.tendered_cents = 10000;
  number = post (fixture, &request);
  g_assert_cmpstr (number, ==, "DESK1-20261127-0001");

  /* The co-pay is for today's visit, not yet billed: it does not lower the balance of
   * the old invoices (it will offset the visit's charge when that comes in) */
  g_assert_cmpint (balance (fixture, "p1"), ==, 11500);
  g_assert_true (fd_ledger_get_account (fixture->store, "p1", &fixture->today, &account, &error));
  g_assert_cmpint (account.copay_due.cents, ==, 0);
  g_assert_cmpint (account.aging[FD_AGING_OVER_90], ==, 4500);
  g_assert_cmpint (account.aging[FD_AGING_61_90], ==, 4000);

  receipt = fd_ledger_get_receipt (fixture->store, number, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (receipt->kind, ==, "payment");
  g_assert_cmpstr (receipt->patient_display, ==, "Testa, Ana");
  g_assert_cmpstr (receipt->cashier, ==, CASHIER);
  g_assert_cmpstr (receipt->station, ==, STATION);
  g_assert_cmpint (receipt->total.cents, ==, 6000);
  g_assert_cmpint (receipt->tendered_cents, ==, 10000);
  g_assert_cmpint (receipt->change_cents, ==, 4000);
  g_assert_cmpint (receipt->balance_after.cents, ==, 11500);
  g_assert_cmpuint (receipt->items->len, ==, 2);
  g_assert_cmpint (((FdLedgerReceiptItem *) g_ptr_array_index (receipt->items, 0))->target, ==, FD_ALLOCATION_COPAY);
  g_assert_cmpint (((FdLedgerReceiptItem *) g_ptr_array_index (receipt->items, 0))->cents, ==, 2500);
  g_assert_cmpstr (((FdLedgerReceiptItem *) g_ptr_array_index (receipt->items, 1))->invoice_id, ==, "inv-old");

  /* The cash kept is what was paid, not what was handed over */
  g_assert_cmpint (expected (fixture, session, FD_PAYMENT_METHOD_CASH), ==, 16000);

  /* Queued for the server with the rows, in one go */
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM outbox WHERE type = 'PaymentReconciliation'"), ==, 1);

  /* The co-pay is paid: the next payment goes to invoices only */
  {
    g_autofree char *second = NULL;
    g_autoptr(FdLedgerReceipt) r2 = NULL;

    init_request (fixture, &request, &line, 5000);
    second = post (fixture, &request);
    g_assert_cmpstr (second, ==, "DESK1-20261127-0002");
    r2 = fd_ledger_get_receipt (fixture->store, second, &error);
    g_assert_cmpuint (r2->items->len, ==, 2);
    g_assert_cmpstr (((FdLedgerReceiptItem *) g_ptr_array_index (r2->items, 0))->invoice_id, ==, "inv-old");
    g_assert_cmpint (((FdLedgerReceiptItem *) g_ptr_array_index (r2->items, 0))->cents, ==, 4500);
    g_assert_cmpstr (((FdLedgerReceiptItem *) g_ptr_array_index (r2->items, 1))->invoice_id, ==, "inv-mid");
    g_assert_cmpint (balance (fixture, "p1"), ==, 6500);
  }
}

static void
test_chosen_and_credit (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(FdLedgerAccount) account = { 0 };
  g_autofree char *number = NULL;
  const char *chosen[] = { "inv-new", NULL };
  FdPaymentRequest request;
  FdPaymentLine line;

  open_drawer (fixture, 0);

  /* $50 on a $30 invoice: refused unless the rest is kept as credit */
  init_request (fixture, &request, &line, 5000);
  request.pay_copay = FALSE;
  request.mode = FD_APPLY_CHOSEN;
  request.invoice_ids = chosen;
  g_assert_false (fd_ledger_post_payment (fixture->store, &request, &number, &error));
  g_assert_error (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID);
  g_assert_null (number);
  g_clear_error (&error);
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM ledger_payment"), ==, 0);

  request.keep_excess_as_credit = TRUE;
  number = post (fixture, &request);
  g_assert_true (fd_ledger_get_account (fixture->store, "p1", &fixture->today, &account, &error));
  g_assert_cmpint (account.balance.cents, ==, 10000);
  g_assert_cmpint (account.credit.cents, ==, 2000);
  g_assert_cmpint (account.aging[FD_AGING_CURRENT], ==, 0);
  g_assert_cmpint (account.copay_due.cents, ==, 2500);

  /* A prepayment of a patient who owes nothing */
  {
    g_autofree char *pre = NULL;

    init_request (fixture, &request, &line, 2000);
    request.patient_id = "p3";
    request.mode = FD_APPLY_PREPAYMENT;
    pre = post (fixture, &request);
    g_assert_cmpint (balance (fixture, "p3"), ==, -2000);
  }
}

static void
test_split_is_one_receipt (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdLedgerReceipt) receipt = NULL;
  g_autoptr(GPtrArray) receipts = NULL;
  g_autofree char *number = NULL;
  FdPaymentRequest request;
  FdPaymentLine dummy;
  FdPaymentLine lines[] = {
    { FD_PAYMENT_METHOD_CASH, 2000, 2500, NULL, NULL, NULL, NULL },
    { FD_PAYMENT_METHOD_CREDIT_CARD, 5000, 0, NULL, "Visa", "1111", "A1B2C3" },
  };
  gint64 session = open_drawer (fixture, 5000);

  init_request (fixture, &request, &dummy, 7000);
  request.lines = lines;
  request.n_lines = 2;
  number = post (fixture, &request);

  receipt = fd_ledger_get_receipt (fixture->store, number, &error);
  g_assert_cmpuint (receipt->lines->len, ==, 2);
  g_assert_cmpint (((FdLedgerReceiptLine *) g_ptr_array_index (receipt->lines, 0))->change_cents, ==, 500);
  g_assert_cmpstr (((FdLedgerReceiptLine *) g_ptr_array_index (receipt->lines, 1))->card_last4, ==, "1111");
  g_assert_cmpint (receipt->total.cents, ==, 7000);
  g_assert_cmpint (receipt->change_cents, ==, 500);
  g_assert_cmpuint (receipt->items->len, ==, 2);  /* co-pay, then the oldest invoice, across both methods */
  g_assert_cmpint (((FdLedgerReceiptItem *) g_ptr_array_index (receipt->items, 1))->cents, ==, 4500);

  g_assert_cmpint (count (fixture, "SELECT count(*) FROM outbox WHERE type = 'PaymentReconciliation'"), ==, 2);
  g_assert_cmpint (expected (fixture, session, FD_PAYMENT_METHOD_CASH), ==, 7000);
  g_assert_cmpint (expected (fixture, session, FD_PAYMENT_METHOD_CREDIT_CARD), ==, 5000);

  receipts = fd_ledger_list_receipts (fixture->store, "p1", &error);
  g_assert_cmpuint (receipts->len, ==, 1);
}

typedef struct
{
  const char *what;
  gint64      amount;
  FdPaymentLine line;
  gboolean    copay;
  gboolean    prepay_ok;
  const char *patient;
  const char *station;
} BadCase;

static void
test_bad_input_writes_nothing (Fixture       *fixture,
                               gconstpointer  data)
{
  BadCase cases[] = {
    { "zero", 0, { FD_PAYMENT_METHOD_CASH, 0, 0 }, TRUE, FALSE, "p1", STATION },
    { "negative", -500, { FD_PAYMENT_METHOD_CASH, -500, 0 }, TRUE, FALSE, "p1", STATION },
    { "over the balance", 20000, { FD_PAYMENT_METHOD_CASH, 20000, 0 }, TRUE, FALSE, "p1", STATION },
    { "cash short", 6000, { FD_PAYMENT_METHOD_CASH, 6000, 5000 }, TRUE, FALSE, "p1", STATION },
    { "check without number", 3000, { FD_PAYMENT_METHOD_CHECK, 3000, 0, NULL }, TRUE, FALSE, "p1", STATION },
    { "card without authorization", 3000, { FD_PAYMENT_METHOD_CREDIT_CARD, 3000, 0, NULL, "Visa", "1111", NULL }, TRUE, FALSE, "p1", STATION },
    { "lines not adding up", 3000, { FD_PAYMENT_METHOD_CASH, 2000, 0 }, TRUE, FALSE, "p1", STATION },
    { "unknown patient", 3000, { FD_PAYMENT_METHOD_CASH, 3000, 0 }, TRUE, FALSE, "nobody", STATION },
    { "no station code", 3000, { FD_PAYMENT_METHOD_CASH, 3000, 0 }, TRUE, FALSE, "p1", "" },
    { "no drawer open", 3000, { FD_PAYMENT_METHOD_CASH, 3000, 0 }, TRUE, FALSE, "p1", "DESK2" },
  };
  const char *tables[] = {
    "SELECT count(*) FROM resource", "SELECT count(*) FROM outbox", "SELECT count(*) FROM ledger_payment",
    "SELECT count(*) FROM ledger_allocation", "SELECT count(*) FROM drawer_event",
    "SELECT count(*) FROM receipt_sequence", "SELECT sum (balance_cents) FROM ledger_balance",
  };
  gint64 before[G_N_ELEMENTS (tables)];

  open_drawer (fixture, 0);
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    before[t] = count (fixture, tables[t]);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *number = NULL;
      FdPaymentRequest request;
      FdPaymentLine unused;

      init_request (fixture, &request, &unused, cases[i].amount);
      request.lines = &cases[i].line;
      request.pay_copay = cases[i].copay;
      request.keep_excess_as_credit = cases[i].prepay_ok;
      request.patient_id = cases[i].patient;
      request.station = cases[i].station;

      if (fd_ledger_post_payment (fixture->store, &request, &number, &error))
        g_error ("“%s” was posted", cases[i].what);
      g_assert_nonnull (error);
      g_assert_cmpstr (error->message, !=, "");
      g_assert_null (number);
      g_test_message ("%s: %s", cases[i].what, error->message);
      for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
        g_assert_cmpint (count (fixture, tables[t]), ==, before[t]);
    }
}

static void
test_void_and_refund (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *voided = NULL;
  g_autofree char *refund = NULL;
  g_autoptr(FdLedgerReceipt) receipt = NULL;
  FdPaymentRequest request;
  FdPaymentLine line;
  FdPaymentLine back = { FD_PAYMENT_METHOD_CASH, 1000, 0 };
  gint64 session = open_drawer (fixture, 10000);
  gint64 payments;

  init_request (fixture, &request, &line, 6000);
  first = post (fixture, &request);
  g_assert_cmpint (balance (fixture, "p1"), ==, 11500);

  /* A reason is required */
  g_assert_false (fd_ledger_void (fixture->store, first, "  ", STATION, CASHIER, fixture->now, &voided, &error));
  g_assert_error (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (fd_ledger_void (fixture->store, first, "Wrong patient", STATION, CASHIER, fixture->now, &voided, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (voided, ==, "DESK1-20261127-0002");
  g_assert_cmpint (balance (fixture, "p1"), ==, 15000);
  g_assert_cmpint (expected (fixture, session, FD_PAYMENT_METHOD_CASH), ==, 10000);
  {
    g_auto(FdLedgerAccount) account = { 0 };

    g_assert_true (fd_ledger_get_account (fixture->store, "p1", &fixture->today, &account, NULL));
    g_assert_cmpint (account.copay_due.cents, ==, 2500);  /* the co-pay is due again */
  }

  /* The original stays, marked; the void is its own receipt */
  receipt = fd_ledger_get_receipt (fixture->store, first, &error);
  g_assert_true (receipt->voided);
  g_assert_cmpint (receipt->total.cents, ==, 6000);
  g_clear_pointer (&receipt, fd_ledger_receipt_free);
  receipt = fd_ledger_get_receipt (fixture->store, voided, &error);
  g_assert_cmpstr (receipt->kind, ==, "void");
  g_assert_cmpstr (receipt->corrects, ==, first);
  g_assert_cmpstr (receipt->reason, ==, "Wrong patient");
  g_assert_cmpint (receipt->total.cents, ==, -6000);

  /* Twice is refused, so are refunds of a voided payment and voids of a void */
  payments = count (fixture, "SELECT count(*) FROM ledger_payment");
  g_assert_false (fd_ledger_void (fixture->store, first, "Again", STATION, CASHIER, fixture->now, NULL, &error));
  g_assert_nonnull (strstr (error->message, "already voided"));
  g_clear_error (&error);
  g_assert_false (fd_ledger_refund (fixture->store, first, &back, "Overpaid", STATION, CASHIER, fixture->now, NULL, &error));
  g_clear_error (&error);
  g_assert_false (fd_ledger_void (fixture->store, voided, "Undo", STATION, CASHIER, fixture->now, NULL, &error));
  g_clear_error (&error);
  g_assert_false (fd_ledger_void (fixture->store, "DESK1-20261127-0099", "Typo", STATION, CASHIER, fixture->now, NULL, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM ledger_payment"), ==, payments);

  /* A refund: credit first, then the newest invoice paid */
  init_request (fixture, &request, &line, 20000);
  request.keep_excess_as_credit = TRUE;
  second = post (fixture, &request);
  g_assert_cmpint (balance (fixture, "p1"), ==, -2500);
  g_assert_cmpint (expected (fixture, session, FD_PAYMENT_METHOD_CASH), ==, 30000);

  back.amount_cents = 6000;
  g_assert_true (fd_ledger_refund (fixture->store, second, &back, "Overpaid", STATION, CASHIER, fixture->now, &refund, &error));
  g_assert_no_error (error);
  g_assert_cmpint (balance (fixture, "p1"), ==, 3500);
  g_assert_cmpint (expected (fixture, session, FD_PAYMENT_METHOD_CASH), ==, 24000);
  {
    g_auto(FdLedgerAccount) account = { 0 };
    g_autoptr(FdLedgerReceipt) r = fd_ledger_get_receipt (fixture->store, refund, NULL);

    g_assert_true (fd_ledger_get_account (fixture->store, "p1", &fixture->today, &account, NULL));
    g_assert_cmpint (account.credit.cents, ==, 0);
    /* $25 of credit, then the $30 of the newest invoice and $5 of the one before */
    g_assert_cmpint (account.aging[FD_AGING_CURRENT], ==, 3000);
    g_assert_cmpint (account.aging[FD_AGING_61_90], ==, 500);
    g_assert_cmpint (r->total.cents, ==, -6000);
    g_assert_cmpuint (r->items->len, ==, 3);
    g_assert_cmpint (((FdLedgerReceiptItem *) g_ptr_array_index (r->items, 0))->target, ==, FD_ALLOCATION_CREDIT);
  }

  /* Never more than what is left; no void after a refund */
  back.amount_cents = 14001;
  g_assert_false (fd_ledger_refund (fixture->store, second, &back, "Overpaid", STATION, CASHIER, fixture->now, NULL, &error));
  g_assert_nonnull (strstr (error->message, "more than"));
  g_clear_error (&error);
  g_assert_false (fd_ledger_void (fixture->store, second, "Mistake", STATION, CASHIER, fixture->now, NULL, &error));
  g_clear_error (&error);
  back.amount_cents = 14000;
  g_assert_true (fd_ledger_refund (fixture->store, second, &back, "Rest", STATION, CASHIER, fixture->now, NULL, &error));
  g_assert_cmpint (balance (fixture, "p1"), ==, 15000);
  {
    g_autoptr(FdLedgerReceipt) r = fd_ledger_get_receipt (fixture->store, second, NULL);

    g_assert_cmpint (r->refunded_cents, ==, 20000);
  }
}

static void
test_drawer_over_short (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(FdDrawerSummary) summary = { 0 };
  g_autofree char *cash = NULL;
  g_autofree char *check = NULL;
  g_autofree char *card = NULL;
  FdPaymentRequest request;
  FdPaymentLine line;
  FdPaymentLine back = { FD_PAYMENT_METHOD_CASH, 1000, 0 };
  gint64 counted[FD_N_PAYMENT_METHODS] = { 0 };
  gint64 session = open_drawer (fixture, 10000), current = 0, other = 0;

  /* One drawer per station at a time */
  g_assert_false (fd_ledger_drawer_open (fixture->store, STATION, CASHIER, 0, fixture->now, &other, &error));
  g_clear_error (&error);
  g_assert_true (fd_ledger_drawer_current (fixture->store, STATION, &current, &error));
  g_assert_cmpint (current, ==, session);
  g_assert_false (fd_ledger_drawer_open (fixture->store, STATION, CASHIER, -1, fixture->now, &other, &error));
  g_clear_error (&error);

  init_request (fixture, &request, &line, 6000);
  line.tendered_cents = 10000;
  cash = post (fixture, &request);
  init_request (fixture, &request, &line, 4000);
  line.method = FD_PAYMENT_METHOD_CHECK;
  line.check_number = "1043";
  check = post (fixture, &request);
  init_request (fixture, &request, &line, 2500);
  line.method = FD_PAYMENT_METHOD_DEBIT_CARD;
  line.card_brand = "Visa";
  line.card_last4 = "0002";
  line.authorization = "OK1234";
  card = post (fixture, &request);
  g_assert_true (fd_ledger_refund (fixture->store, cash, &back, "Overpaid", STATION, CASHIER, fixture->now, NULL, &error));
  g_assert_true (fd_ledger_void (fixture->store, card, "Card declined later", STATION, CASHIER, fixture->now, NULL, &error));
  g_assert_no_error (error);

  counted[FD_PAYMENT_METHOD_CASH] = 14900;   /* a dollar short */
  counted[FD_PAYMENT_METHOD_CHECK] = 4000;
  counted[FD_PAYMENT_METHOD_DEBIT_CARD] = 100;  /* a dollar over */
  g_assert_true (fd_ledger_drawer_close (fixture->store, session, CASHIER, counted, fixture->now, &error));
  g_assert_no_error (error);
  g_assert_false (fd_ledger_drawer_close (fixture->store, session, CASHIER, counted, fixture->now, &error));
  g_clear_error (&error);

  g_assert_true (fd_ledger_drawer_summary (fixture->store, session, &summary, &error));
  g_assert_nonnull (summary.closed_at);
  g_assert_cmpint (summary.opening_float.cents, ==, 10000);
  g_assert_cmpint (summary.expected[FD_PAYMENT_METHOD_CASH], ==, 10000 + 6000 - 1000);
  g_assert_cmpint (summary.expected[FD_PAYMENT_METHOD_CHECK], ==, 4000);
  g_assert_cmpint (summary.expected[FD_PAYMENT_METHOD_DEBIT_CARD], ==, 0);
  g_assert_cmpint (summary.over_short[FD_PAYMENT_METHOD_CASH], ==, -100);
  g_assert_cmpint (summary.over_short[FD_PAYMENT_METHOD_CHECK], ==, 0);
  g_assert_cmpint (summary.over_short[FD_PAYMENT_METHOD_DEBIT_CARD], ==, 100);
  g_assert_cmpuint (summary.n_receipts, ==, 3);
  g_assert_cmpuint (summary.n_refunds, ==, 1);
  g_assert_cmpuint (summary.n_voids, ==, 1);

  /* Closed: no drawer, no payments, until one is opened */
  g_assert_false (fd_ledger_drawer_current (fixture->store, STATION, &current, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  init_request (fixture, &request, &line, 100);
  g_assert_false (fd_ledger_post_payment (fixture->store, &request, NULL, &error));
}

static void
test_receipt_numbers_survive_reopen (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (fixture->now, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  FdPaymentRequest request;
  FdPaymentLine line;
  gint64 other = 0;

  open_drawer (fixture, 0);
  g_assert_true (fd_ledger_drawer_open (fixture->store, "DESK2", CASHIER, 0, fixture->now, &other, &error));

  for (guint i = 1; i <= 3; i++)
    {
      char *number;
      g_autofree char *want = g_strdup_printf ("DESK1-20261127-%04u", i);

      init_request (fixture, &request, &line, 100);
      number = post (fixture, &request);
      g_assert_cmpstr (number, ==, want);
      g_assert_true (g_hash_table_add (seen, number));
    }
  init_request (fixture, &request, &line, 100);
  request.station = "desk2";
  {
    char *number = post (fixture, &request);

    g_assert_cmpstr (number, ==, "DESK2-20261127-0001");
    g_assert_true (g_hash_table_add (seen, number));
  }

  /* Closing and opening the database carries on the sequence */
  g_clear_object (&fixture->store);
  open_store (fixture);
  init_request (fixture, &request, &line, 100);
  {
    char *number = post (fixture, &request);

    g_assert_cmpstr (number, ==, "DESK1-20261127-0004");
    g_assert_true (g_hash_table_add (seen, number));
  }

  /* A new day starts at one */
  init_request (fixture, &request, &line, 100);
  request.when = tomorrow;
  {
    char *number = post (fixture, &request);

    g_assert_cmpstr (number, ==, "DESK1-20261128-0001");
    g_assert_true (g_hash_table_add (seen, number));
  }
}

static void
test_server_copy_is_the_same_record (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(JsonObject) pr = NULL;
  g_autofree char *number = NULL;
  JsonObject *meta = json_object_new ();
  FdPaymentRequest request;
  FdPaymentLine line;
  FdOutboxEntry *entry;

  open_drawer (fixture, 0);
  init_request (fixture, &request, &line, 6000);
  number = post (fixture, &request);

  /* What the sync engine does with the server's answer */
  outbox = fd_store_list_outbox (fixture->store, FALSE, &error);
  g_assert_cmpuint (outbox->len, ==, 1);
  entry = g_ptr_array_index (outbox, 0);
  pr = fd_fhir_parse (entry->json, -1, &error);
  json_object_set_string_member (meta, "versionId", "1");
  json_object_set_string_member (meta, "lastUpdated", "2026-11-27T16:31:00Z");
  json_object_set_object_member (pr, "meta", meta);
  g_assert_true (fd_store_finish_outbox (fixture->store, "PaymentReconciliation", entry->id, entry->seq, pr, TRUE, &error));
  g_assert_no_error (error);

  g_assert_cmpint (count (fixture, "SELECT count(*) FROM ledger_payment"), ==, 1);
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM ledger_allocation"), ==, 2);
  g_assert_cmpint (balance (fixture, "p1"), ==, 11500);
}

static void
test_append_only (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *number = NULL;
  FdPaymentRequest request;
  FdPaymentLine line;
  const char *forbidden[] = {
    "UPDATE ledger_payment SET amount_cents = 1",
    "DELETE FROM ledger_payment",
    "UPDATE ledger_allocation SET amount_cents = 1",
    "DELETE FROM ledger_allocation",
    "UPDATE drawer_session SET float_cents = 0",
    "DELETE FROM drawer_session",
    "UPDATE drawer_event SET amount_cents = 0",
    "DELETE FROM drawer_event",
  };

  open_drawer (fixture, 500);
  init_request (fixture, &request, &line, 6000);
  number = post (fixture, &request);

  for (guint i = 0; i < G_N_ELEMENTS (forbidden); i++)
    {
      char *message = NULL;
      int rc = sqlite3_exec (fd_store_db (fixture->store), forbidden[i], NULL, NULL, &message);

      g_assert_cmpint (rc, !=, SQLITE_OK);
      g_assert_nonnull (strstr (message, "append-only"));
      sqlite3_free (message);
    }
  g_assert_cmpint (count (fixture, "SELECT sum (amount_cents) FROM ledger_payment"), ==, 6000);
}

static void
test_statements (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GPtrArray) since = NULL;
  GDate sent, run;
  FdStatementGroup *group;
  FdStatementCandidate *candidate;

  groups = fd_ledger_list_statement_groups (fixture->store, 10000, 30, &fixture->today, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (groups->len, ==, 1);
  group = g_ptr_array_index (groups, 0);
  g_assert_cmpstr (group->guarantor, ==, "Patient/p1");
  g_assert_cmpint (group->total.cents, ==, 15000);
  g_assert_cmpuint (group->accounts->len, ==, 1);
  candidate = g_ptr_array_index (group->accounts, 0);
  g_assert_cmpstr (candidate->patient_id, ==, "p1");
  g_assert_cmpstr (candidate->account_id, ==, "acc1");
  g_assert_cmpstr (candidate->guarantor_id, ==, "p1");
  g_assert_cmpint (candidate->balance.cents, ==, 15000);
  g_clear_pointer (&groups, g_ptr_array_unref);

  /* Above the threshold only */
  groups = fd_ledger_list_statement_groups (fixture->store, 15000, 30, &fixture->today, &error);
  g_assert_cmpuint (groups->len, ==, 0);
  g_clear_pointer (&groups, g_ptr_array_unref);

  /* Sent ten days ago: not again until thirty days have passed */
  sent = fixture->today;
  g_date_subtract_days (&sent, 10);
  g_assert_true (fd_ledger_record_statement (fixture->store, "p1", &sent, &error));
  groups = fd_ledger_list_statement_groups (fixture->store, 10000, 30, &fixture->today, &error);
  g_assert_cmpuint (groups->len, ==, 0);
  g_clear_pointer (&groups, g_ptr_array_unref);
  run = sent;
  g_date_add_days (&run, 31);
  groups = fd_ledger_list_statement_groups (fixture->store, 10000, 30, &run, &error);
  g_assert_cmpuint (groups->len, ==, 1);
  group = g_ptr_array_index (groups, 0);
  g_assert_cmpint (g_date_compare (&group->last_statement, &sent), ==, 0);

  /* The statement shows what happened since the last one */
  since = fd_ledger_list_activity (fixture->store, "p1", &sent, &error);
  g_assert_cmpuint (since->len, ==, 3);  /* the recent invoice: charge, adjustment, insurance */
}

/* A parent (here a RelatedPerson, not a patient) guarantees the accounts of
 * two children: one statement for both, the threshold on what they owe
 * together, thirty days counted from a statement for either, and the
 * statement date recorded on each account */
static void
test_statements_by_guarantor (Fixture       *fixture,
                              gconstpointer  data)
{
  static const char * const family[] = {
    "{\"resourceType\":\"RelatedPerson\",\"id\":\"rp1\",\"patient\":{\"reference\":\"Patient/p2\"},"
    "\"name\":[{\"family\":\"Prueba\",\"given\":[\"Marta\"]}],"
    "\"address\":[{\"line\":[\"12 Oak Lane\"],\"city\":\"Austin\",\"state\":\"TX\",\"postalCode\":\"78701\"}]}",
    "{\"resourceType\":\"Account\",\"id\":\"acc2\",\"status\":\"active\",\"subject\":[{\"reference\":\"Patient/p2\"}],"
    "\"guarantor\":[{\"party\":{\"reference\":\"RelatedPerson/rp1\"}}],"
    "\"extension\":[{\"url\":\"http://hl7.org/fhir/5.0/StructureDefinition/extension-Account.balance\",\"extension\":["
    "{\"url\":\"amount\",\"valueMoney\":{\"value\":50,\"currency\":\"USD\"}}]}]}",
    "{\"resourceType\":\"Account\",\"id\":\"acc3\",\"status\":\"active\",\"subject\":[{\"reference\":\"Patient/p3\"}],"
    "\"guarantor\":[{\"party\":{\"reference\":\"https://fhir.example.org/r4/RelatedPerson/rp1\"}}],"
    "\"extension\":[{\"url\":\"http://hl7.org/fhir/5.0/StructureDefinition/extension-Account.balance\",\"extension\":["
    "{\"url\":\"amount\",\"valueMoney\":{\"value\":70,\"currency\":\"USD\"}}]}]}",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(FdStatementGroup) single = NULL;
  g_autoptr(FdDocument) document = NULL;
  g_auto(GStrv) patient_ids = NULL;
  FdStatementGroup *group;
  const char *both[] = { "p2", "p3", NULL };
  GDate sent, run;

  for (guint i = 0; i < G_N_ELEMENTS (family); i++)
    {
      g_autoptr(JsonObject) resource = fd_fhir_parse (family[i], -1, NULL);

      put (fixture, resource);
    }

  /* $50 and $70: each under $100, together over it */
  groups = fd_ledger_list_statement_groups (fixture->store, 10000, 30, &fixture->today, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (groups->len, ==, 2);
  group = g_ptr_array_index (groups, 1);
  g_assert_cmpstr (group->guarantor, ==, "RelatedPerson/rp1");
  g_assert_cmpint (group->total.cents, ==, 12000);
  g_assert_cmpuint (group->accounts->len, ==, 2);
  g_assert_cmpstr (((FdStatementCandidate *) g_ptr_array_index (group->accounts, 0))->patient_id, ==, "p2");
  g_assert_cmpstr (((FdStatementCandidate *) g_ptr_array_index (group->accounts, 1))->patient_id, ==, "p3");
  g_assert_cmpstr (((FdStatementCandidate *) g_ptr_array_index (group->accounts, 1))->guarantor_id, ==, "rp1");
  g_assert_false (g_date_valid (&group->last_statement));

  /* One statement for the family, to the guarantor, covering both accounts */
  document = fd_document_new_statements (fixture->store, groups, &fixture->today, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fd_document_get_n_statements (document), ==, 2);
  patient_ids = fd_document_get_patient_ids (document);
  g_assert_cmpuint (g_strv_length (patient_ids), ==, 3);
  g_assert_cmpstr (patient_ids[1], ==, "p2");
  g_assert_cmpstr (patient_ids[2], ==, "p3");
  g_clear_pointer (&groups, g_ptr_array_unref);

  groups = fd_ledger_list_statement_groups (fixture->store, 13000, 30, &fixture->today, &error);
  g_assert_cmpuint (groups->len, ==, 1);
  g_assert_cmpstr (((FdStatementGroup *) g_ptr_array_index (groups, 0))->guarantor, ==, "Patient/p1");
  g_clear_pointer (&groups, g_ptr_array_unref);

  /* A statement for one child ten days ago holds back the guarantor's */
  sent = fixture->today;
  g_date_subtract_days (&sent, 10);
  g_assert_true (fd_ledger_record_statement (fixture->store, "p3", &sent, &error));
  groups = fd_ledger_list_statement_groups (fixture->store, 10000, 30, &fixture->today, &error);
  g_assert_cmpuint (groups->len, ==, 1);
  g_assert_cmpstr (((FdStatementGroup *) g_ptr_array_index (groups, 0))->guarantor, ==, "Patient/p1");
  g_clear_pointer (&groups, g_ptr_array_unref);
  run = sent;
  g_date_add_days (&run, 31);
  groups = fd_ledger_list_statement_groups (fixture->store, 10000, 30, &run, &error);
  g_assert_cmpuint (groups->len, ==, 2);
  group = g_ptr_array_index (groups, 1);
  g_assert_cmpint (g_date_compare (&group->last_statement, &sent), ==, 0);
  g_clear_pointer (&groups, g_ptr_array_unref);

  /* The run records its date on every account it covered */
  g_assert_true (fd_ledger_record_statements (fixture->store, both, &run, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM ledger_statement WHERE patient_id = 'p2'"), ==, 1);
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM ledger_statement WHERE patient_id = 'p3'"), ==, 2);
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM ledger_statement WHERE account_id = 'acc3'"), ==, 2);
  for (guint i = 0; both[i] != NULL; i++)
    {
      g_auto(FdLedgerAccount) account = { 0 };

      g_assert_true (fd_ledger_get_account (fixture->store, both[i], &run, &account, &error));
      g_assert_cmpint (g_date_compare (&account.last_statement, &run), ==, 0);
    }
  groups = fd_ledger_list_statement_groups (fixture->store, 10000, 30, &run, &error);
  g_assert_cmpuint (groups->len, ==, 1);
  g_clear_pointer (&groups, g_ptr_array_unref);

  /* An unknown patient among them records nothing */
  {
    const char *bad[] = { "p2", "nobody", NULL };
    GDate later = run;

    g_date_add_days (&later, 40);
    g_assert_false (fd_ledger_record_statements (fixture->store, bad, &later, &error));
    g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
    g_assert_cmpint (count (fixture, "SELECT count(*) FROM ledger_statement WHERE patient_id = 'p2'"), ==, 1);
  }

  /* From the account pane: that one account, to its guarantor */
  single = fd_ledger_get_statement_group (fixture->store, "p3", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (single->guarantor, ==, "RelatedPerson/rp1");
  g_assert_cmpuint (single->accounts->len, ==, 1);
  g_assert_cmpint (single->total.cents, ==, 7000);
}

/* Luhn-valid numbers, one per field, so each one can be looked for on disk */
static char *
make_card_number (guint index)
{
  char digits[17];
  guint sum = 0;

  g_snprintf (digits, sizeof digits, "49%013u", 1357913u + index * 1111111u);
  for (guint i = 0; i < 15; i++)
    {
      guint d = (guint) (digits[14 - i] - '0');

      if (i % 2 == 0)
        {
          d *= 2;
          if (d > 9)
            d -= 9;
        }
      sum += d;
    }
  digits[15] = (char) ('0' + (10 - sum % 10) % 10);
  digits[16] = '\0';
  g_assert_true (fd_ledger_luhn_valid (digits));
  return g_strdup (digits);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  /* The file is binary: look past NUL bytes */
  for (gsize i = 0, n = strlen (needle); i + n <= length; i++)
    if (contents[i] == needle[0] && memcmp (contents + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static void
test_card_numbers_never_stored (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GPtrArray) cards = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *good = NULL;
  enum { CHECK, BRAND, LAST4, AUTH, PAYER, NOTE, CASHIER_FIELD, VOID_REASON, REFUND_REASON,
         REFUND_CHECK, STATION_FIELD, N_FIELDS };
  FdPaymentRequest request;
  FdPaymentLine line;
  gint64 payments;

  open_drawer (fixture, 0);
  init_request (fixture, &request, &line, 1000);
  good = post (fixture, &request);
  payments = count (fixture, "SELECT count(*) FROM ledger_payment");

  for (guint f = 0; f < N_FIELDS; f++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *grouped = NULL;
      char *card = make_card_number (f);
      gboolean ok;

      g_ptr_array_add (cards, card);
      /* Every other field gets it grouped the way it is printed on the card */
      grouped = f % 2 ? g_strdup_printf ("%.4s %.4s %.4s %.4s", card, card + 4, card + 8, card + 12)
                      : g_strdup (card);

      init_request (fixture, &request, &line, 1000);
      line.method = FD_PAYMENT_METHOD_CREDIT_CARD;
      line.card_brand = "Visa";
      line.card_last4 = "1111";
      line.authorization = "A1B2C3";
      switch (f)
        {
        case CHECK:
          line.method = FD_PAYMENT_METHOD_CHECK;
          line.check_number = grouped;
          break;
        case BRAND: line.card_brand = grouped; break;
        case LAST4: line.card_last4 = grouped; break;
        case AUTH: line.authorization = grouped; break;
        case PAYER: request.payer = grouped; break;
        case NOTE: request.note = grouped; break;
        case CASHIER_FIELD: request.cashier = grouped; break;
        case STATION_FIELD: request.station = grouped; break;
        default: break;
        }

      if (f == VOID_REASON)
        ok = fd_ledger_void (fixture->store, good, grouped, STATION, CASHIER, fixture->now, NULL, &error);
      else if (f == REFUND_REASON || f == REFUND_CHECK)
        {
          FdPaymentLine back = { FD_PAYMENT_METHOD_CHECK, 500, 0, f == REFUND_CHECK ? grouped : "2001" };

          ok = fd_ledger_refund (fixture->store, good, &back, f == REFUND_REASON ? grouped : "Overpaid",
                                 STATION, CASHIER, fixture->now, NULL, &error);
        }
      else
        ok = fd_ledger_post_payment (fixture->store, &request, NULL, &error);

      g_assert_false (ok);
      g_assert_nonnull (error);
      if (f != STATION_FIELD)
        g_assert_error (error, FD_CORE_ERROR, FD_CORE_ERROR_CARD_NUMBER);
      g_assert_null (strstr (error->message, card + 12));
      g_assert_cmpint (count (fixture, "SELECT count(*) FROM ledger_payment"), ==, payments);
    }

  /* Nothing of them in the database, its journal, or anywhere in the profile */
  g_clear_object (&fixture->store);
  {
    g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
    const char *name;
    guint files = 0;

    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

        files++;
        for (guint i = 0; i < cards->len; i++)
          {
            const char *card = g_ptr_array_index (cards, i);
            g_autofree char *grouped = g_strdup_printf ("%.4s %.4s", card + 4, card + 8);

            g_assert_false (file_contains (path, card));
            g_assert_false (file_contains (path, grouped));
          }
      }
    g_assert_cmpuint (files, >=, 1);
  }
  /* And the search really looks: the good payment's receipt is there */
  {
    g_autofree char *db = g_build_filename (fixture->dir, "frontdesk.db", NULL);
    g_autofree char *wal = g_build_filename (fixture->dir, "frontdesk.db-wal", NULL);

    g_assert_true (file_contains (db, good) || file_contains (wal, good));
  }
  open_store (fixture);
}

/* The demo clinic's invoices explain each account's balance, across all ages */
static void
test_demo_invoices (void)
{
  g_autofree char *dir = fd_test_make_dir ();
  GDate today;
  g_autoptr(FdStore) store = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 buckets[FD_N_AGING_BUCKETS] = { 0 };
  guint accounts = 0;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 27, 11, 2026);
  store = fd_test_seeded_store (dir, 400, 3, &today);

  g_assert_cmpint (sqlite3_prepare_v2 (fd_store_db (store),
                                       "SELECT patient_id, balance_cents FROM account WHERE balance_cents > 0",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *patient = (const char *) sqlite3_column_text (stmt, 0);
      g_auto(FdLedgerAccount) account = { 0 };

      g_assert_true (fd_ledger_get_account (store, patient, &today, &account, NULL));
      g_assert_true (account.from_ledger);
      g_assert_cmpint (account.balance.cents, ==, sqlite3_column_int64 (stmt, 1));
      for (guint b = 0; b < FD_N_AGING_BUCKETS; b++)
        buckets[b] += account.aging[b];
      accounts++;
    }
  sqlite3_finalize (stmt);

  g_assert_cmpuint (accounts, >, 50);
  for (guint b = 0; b < FD_N_AGING_BUCKETS; b++)
    g_assert_cmpint (buckets[b], >, 0);
  g_assert_cmpint (fd_ledger_count_balances (store, NULL), ==, fd_store_count_balances (store, NULL));

  g_clear_object (&store);
  fd_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/ledger-store/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("balance-and-aging", test_balance_and_aging);
  ADD ("copay-then-oldest-first", test_copay_then_oldest_first);
  ADD ("chosen-and-credit", test_chosen_and_credit);
  ADD ("split-is-one-receipt", test_split_is_one_receipt);
  ADD ("bad-input-writes-nothing", test_bad_input_writes_nothing);
  ADD ("void-and-refund", test_void_and_refund);
  ADD ("drawer-over-short", test_drawer_over_short);
  ADD ("receipt-numbers-survive-reopen", test_receipt_numbers_survive_reopen);
  ADD ("server-copy-is-the-same-record", test_server_copy_is_the_same_record);
  ADD ("append-only", test_append_only);
  ADD ("statements", test_statements);
  ADD ("statements-by-guarantor", test_statements_by_guarantor);
  ADD ("card-numbers-never-stored", test_card_numbers_never_stored);
  g_test_add_func ("/ledger-store/demo-invoices", test_demo_invoices);

  return g_test_run ();
}
