/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Payments taken while the server is away reach it once, and it accepts them. */
#include <locale.h>

#include "fd-fhir.h"
#include "fd-patient-item.h"
#include "fd-store-ledger.h"
#include "fd-store-private.h"
#include "fd-sync-engine.h"
#include "fd-test-util.h"

#define STATION "FD07"
#define CASHIER "Cashier B"

static GSubprocess *server;
static char *server_url;
static char *work_dir;
static GDate today;
static guint set_invoices;  /* of the patients in the station's working set */

static FdSyncEngine *
engine_for (FdStore    *store,
            const char *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFhirClient) client = fd_fhir_client_new (url, &error);

  g_assert_no_error (error);
  fd_fhir_client_set_timeout (client, 5);
  return fd_sync_engine_new (store, client);
}

static FdStore *
synced_store (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (work_dir, name, "frontdesk.db", NULL);
  g_autoptr(FdStore) store = fd_store_open (path, &error);
  g_autoptr(FdSyncEngine) engine = engine_for (store, server_url);
  FdSyncStats stats;

  g_assert_no_error (error);
  fd_sync_engine_set_today (engine, &today);
  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

static gint64
server_count (const char *query)
{
  g_autoptr(JsonObject) bundle = fd_test_get_from_server (server_url, query);

  return json_object_get_int_member (bundle, "total");
}

static gint64
local_count (FdStore    *store,
             const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (fd_store_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static char *
pay (FdStore             *store,
     const char          *patient,
     const FdPaymentLine *lines,
     guint                n_lines)
{
  g_autoptr(GError) error = NULL;
  FdPaymentRequest request = { 0 };
  char *receipt = NULL;

  request.patient_id = patient;
  request.station = STATION;
  request.cashier = CASHIER;
  for (guint i = 0; i < n_lines; i++)
    request.amount_cents += lines[i].amount_cents;
  request.lines = lines;
  request.n_lines = n_lines;
  request.pay_copay = TRUE;
  request.mode = FD_APPLY_OLDEST_FIRST;
  request.keep_excess_as_credit = TRUE;
  g_assert_true (fd_ledger_post_payment (store, &request, &receipt, &error));
  g_assert_no_error (error);
  return receipt;
}

static void
test_demo_ledger_loaded (void)
{
  g_autoptr(FdStore) store = synced_store ("loaded");
  gint64 invoices = server_count ("Invoice?_summary=count");

  /* The server took every invoice of the bundle, and the desk has those of
   * the patients in its working set */
  g_assert_cmpint (set_invoices, <=, invoices);
  g_assert_cmpint (set_invoices, >, 50);
  g_assert_cmpint (local_count (store, "SELECT count(*) FROM ledger_invoice"), ==, set_invoices);
  g_assert_cmpint (fd_ledger_count_balances (store, NULL), ==, fd_store_count_balances (store, NULL));
}

static void
test_offline_payments_reach_server_once (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = synced_store ("desk");
  g_autoptr(FdSyncEngine) dead = engine_for (store, "http://127.0.0.1:9/fhir/R4");
  g_autoptr(FdSyncEngine) live = engine_for (store, server_url);
  g_autoptr(GPtrArray) owing = fd_ledger_list_balances (store, 0, 3, &error);
  g_autoptr(FdLedgerReceipt) reprint = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  const char *pa, *pb, *pc;
  FdMoney before_b, after_b;
  gint64 pending = 0, parked = 0, before = server_count ("PaymentReconciliation?_summary=count");
  FdSyncStats stats;
  FdPaymentLine cash = { FD_PAYMENT_METHOD_CASH, 1500, 2000 };
  FdPaymentLine check = { FD_PAYMENT_METHOD_CHECK, 2500, 0, "3301" };
  FdPaymentLine split[] = {
    { FD_PAYMENT_METHOD_CASH, 1000, 0 },
    { FD_PAYMENT_METHOD_CREDIT_CARD, 2000, 0, NULL, "Visa", "4242", "AUTH77" },
  };

  g_assert_cmpuint (owing->len, ==, 3);
  pa = fd_patient_item_get_id (g_ptr_array_index (owing, 0));
  pb = fd_patient_item_get_id (g_ptr_array_index (owing, 1));
  pc = fd_patient_item_get_id (g_ptr_array_index (owing, 2));
  g_assert_true (fd_ledger_get_balance (store, pb, &before_b, NULL));

  /* The server is away: the desk takes payments and a void all the same */
  g_assert_true (fd_ledger_drawer_open (store, STATION, CASHIER, 5000, NULL, NULL, &error));
  a = pay (store, pa, &cash, 1);
  b = pay (store, pb, split, 2);
  c = pay (store, pc, &check, 1);
  g_assert_true (fd_ledger_void (store, a, "Charged the wrong patient", STATION, CASHIER, NULL, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (fd_sync_engine_push (dead, &stats, NULL, &error));
  g_assert_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_NETWORK);
  g_clear_error (&error);
  g_assert_true (fd_store_count_outbox (store, &pending, &parked, NULL));
  g_assert_cmpint (pending, ==, 5);

  /* Back: five records (a split is one per method), each accepted once */
  g_assert_true (fd_sync_engine_push (live, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pushed, ==, 5);
  g_assert_cmpuint (stats.parked + stats.conflicts, ==, 0);
  g_assert_cmpint (server_count ("PaymentReconciliation?_summary=count"), ==, before + 5);

  /* Nothing goes twice, and what comes back down is the same ledger */
  g_assert_true (fd_sync_engine_push (live, &stats, NULL, &error));
  g_assert_cmpuint (stats.pushed, ==, 0);
  g_assert_true (fd_sync_engine_pull (live, NULL, NULL, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (server_count ("PaymentReconciliation?_summary=count"), ==, before + 5);
  g_assert_cmpint (local_count (store, "SELECT count(*) FROM ledger_payment"), ==, 5);
  g_assert_true (fd_ledger_get_balance (store, pb, &after_b, NULL));
  g_assert_cmpint (after_b.cents, ==, before_b.cents - 3000);

  /* Another desk sees the payment and can reprint it */
  {
    g_autoptr(FdStore) other = synced_store ("other-desk");
    FdMoney seen;

    g_assert_true (fd_ledger_get_balance (other, pb, &seen, NULL));
    g_assert_cmpint (seen.cents, ==, after_b.cents);
    reprint = fd_ledger_get_receipt (other, b, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (reprint->lines->len, ==, 2);
    g_assert_cmpint (reprint->total.cents, ==, 3000);
    g_assert_cmpstr (((FdLedgerReceiptLine *) g_ptr_array_index (reprint->lines, 1))->card_last4, ==, "4242");
    g_clear_pointer (&reprint, fd_ledger_receipt_free);
    reprint = fd_ledger_get_receipt (other, a, &error);
    g_assert_true (reprint->voided);
  }
}

int
main (int argc, char **argv)
{
  g_autofree char *node = NULL;
  FdDemoOptions options;
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  node = g_find_program_in_path ("node");
  if (node == NULL)
    {
      g_test_skip ("node is not installed");
      return g_test_run ();
    }

  work_dir = fd_test_make_dir ();
  fd_demo_options_init (&options);
  options.n_patients = 300;
  options.n_days = 3;
  options.seed = 11;
  g_date_set_dmy (&options.today, 25, 11, 2026);
  today = options.today;
  {
    g_autoptr(GHashTable) counts = NULL;
    GDate first, last;

    fd_test_default_window (&today, &first, &last);
    counts = fd_test_demo_working_set (&options, &first, &last, NULL);
    set_invoices = GPOINTER_TO_UINT (g_hash_table_lookup (counts, "Invoice"));
  }
  server = fd_test_start_demo_server (work_dir, &options, &server_url);

  g_test_add_func ("/ledger-sync/demo-ledger-loaded", test_demo_ledger_loaded);
  g_test_add_func ("/ledger-sync/offline-payments-reach-server-once", test_offline_payments_reach_server_once);

  ret = g_test_run ();

  fd_test_stop_fhir_server (g_steal_pointer (&server));
  g_free (server_url);
  fd_test_remove_dir (work_dir);
  g_free (work_dir);
  return ret;
}
