/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Payments taken at the payment dialog while the server refuses every
 * connection reach it once it is back: each PaymentReconciliation exactly
 * once, even when the reply to the first write is lost on the way back. */
#include <adwaita.h>
#include <locale.h>

#include "fd-fhir.h"
#include "fd-patient-item.h"
#include "fd-payment-dialog.h"
#include "fd-payments-util.h"
#include "fd-store-ledger.h"
#include "fd-sync-engine.h"
#include "fd-test-ui.h"
#include "fd-test-util.h"

static GSubprocess *server;
static GSubprocess *proxy;
static char *server_url;
static char *proxy_url;
static char *work_dir;

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

static gint64
server_count (const char *query)
{
  g_autoptr(JsonObject) bundle = fd_test_get_from_server (server_url, query);

  g_assert_nonnull (bundle);
  return json_object_get_int_member (bundle, "total");
}

static gboolean
dialog_closed (gpointer data)
{
  return !gtk_widget_get_visible (data);
}

/* Takes a payment at the dialog as the cashier would; returns its receipt */
static char *
take_payment (FdStore         *store,
              const char      *patient_id,
              gint64           cents,
              FdPaymentMethod  second_method)
{
  FdPaymentDialog *dialog = fd_payment_dialog_new (store, patient_id, cents);
  g_autoptr(GPtrArray) receipts = NULL;
  g_autofree char *amount = g_strdup_printf ("%" G_GINT64_FORMAT ".00", cents / 100);
  char *number;

  g_object_ref_sink (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  fd_test_iterate ();
  gtk_editable_set_text (fd_payment_dialog_get_field (dialog, G_MAXUINT, FD_PAYMENT_FIELD_AMOUNT), amount);
  if (second_method != FD_PAYMENT_METHOD_CASH)
    {
      g_autofree char *half = g_strdup_printf ("%" G_GINT64_FORMAT ".00", cents / 200);

      fd_payment_dialog_add_method (dialog);
      fd_payment_dialog_set_method (dialog, 1, second_method);
      gtk_editable_set_text (fd_payment_dialog_get_field (dialog, 0, FD_PAYMENT_FIELD_AMOUNT), half);
      gtk_editable_set_text (fd_payment_dialog_get_field (dialog, 1, FD_PAYMENT_FIELD_AMOUNT), half);
      gtk_editable_set_text (fd_payment_dialog_get_field (dialog, 1, FD_PAYMENT_FIELD_CARD_BRAND), "Visa");
      gtk_editable_set_text (fd_payment_dialog_get_field (dialog, 1, FD_PAYMENT_FIELD_CARD_LAST4), "4242");
      gtk_editable_set_text (fd_payment_dialog_get_field (dialog, 1, FD_PAYMENT_FIELD_AUTHORIZATION), "OK1234");
    }
  g_assert_true (fd_test_press (GTK_WIDGET (dialog), "<Control>Return"));
  g_assert_true (fd_test_wait_for (dialog_closed, dialog, 5));
  g_object_unref (dialog);

  /* The newest receipt of the patient is this one */
  receipts = fd_ledger_list_receipts (store, patient_id, NULL);
  g_assert_nonnull (receipts);
  g_assert_cmpuint (receipts->len, >=, 1);
  number = g_strdup (((FdLedgerReceipt *) g_ptr_array_index (receipts, 0))->number);
  for (guint i = 1; i < receipts->len; i++)
    {
      const char *other = ((FdLedgerReceipt *) g_ptr_array_index (receipts, i))->number;

      if (g_strcmp0 (other, number) > 0)
        {
          g_free (number);
          number = g_strdup (other);
        }
    }
  return number;
}

/* The ids of the PaymentReconciliations waiting for the server */
static GPtrArray *
queued_payments (FdStore *store)
{
  g_autoptr(GPtrArray) entries = fd_store_list_outbox (store, TRUE, NULL);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < entries->len; i++)
    {
      FdOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (g_str_equal (entry->type, "PaymentReconciliation"))
        g_ptr_array_add (ids, g_strdup (entry->id));
    }
  return ids;
}

static void
test_offline_at_the_dialog (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (work_dir, "desk", "frontdesk.db", NULL);
  g_autoptr(FdStore) store = fd_store_open (path, &error);
  g_autoptr(FdSyncEngine) engine = NULL;
  g_autoptr(GPtrArray) owing = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *station = fd_payments_station ();
  gint64 before, pending = 0, parked = 0;
  FdSyncStats stats;

  g_assert_no_error (error);
  engine = engine_for (store, proxy_url);
  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  g_assert_no_error (error);
  before = server_count ("PaymentReconciliation?_summary=count");
  owing = fd_ledger_list_balances (store, 0, 3, &error);
  g_assert_cmpuint (owing->len, ==, 3);

  /* The server goes away; the desk goes on */
  fd_test_set_fault (proxy_url, "{\"mode\":\"refuse\"}");
  g_assert_true (fd_ledger_drawer_open (store, station, "Cashier D", 5000, NULL, NULL, &error));
  g_ptr_array_add (numbers, take_payment (store, fd_patient_item_get_id (g_ptr_array_index (owing, 0)), 2000,
                                          FD_PAYMENT_METHOD_CASH));
  g_ptr_array_add (numbers, take_payment (store, fd_patient_item_get_id (g_ptr_array_index (owing, 0)), 2000,
                                          FD_PAYMENT_METHOD_CASH));
  g_ptr_array_add (numbers, take_payment (store, fd_patient_item_get_id (g_ptr_array_index (owing, 1)), 4000,
                                          FD_PAYMENT_METHOD_CREDIT_CARD));
  g_ptr_array_add (numbers, take_payment (store, fd_patient_item_get_id (g_ptr_array_index (owing, 2)), 1000,
                                          FD_PAYMENT_METHOD_CASH));
  for (guint i = 0; i < numbers->len; i++)
    for (guint j = i + 1; j < numbers->len; j++)
      g_assert_cmpstr (g_ptr_array_index (numbers, i), !=, g_ptr_array_index (numbers, j));

  g_assert_false (fd_sync_engine_push (engine, &stats, NULL, &error));
  g_assert_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_NETWORK);
  g_clear_error (&error);
  ids = queued_payments (store);
  g_assert_cmpuint (ids->len, ==, 5);  /* a record per method: the split has two */
  g_assert_cmpint (server_count ("PaymentReconciliation?_summary=count"), ==, before);

  /* Back. The records were on their way when the connection went, so
   * whether they arrived is not known: each is read before it is written.
   * (A write whose answer is lost is tested in test-faults.) */
  fd_test_set_fault (proxy_url, NULL);
  g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.parked + stats.conflicts, ==, 0);
  g_assert_true (fd_store_count_outbox (store, &pending, &parked, NULL));
  g_assert_cmpint (pending + parked, ==, 0);

  /* Each record on the server once, as the desk wrote it, and written once:
   * the one whose reply was lost is found there as sent */
  g_assert_cmpint (server_count ("PaymentReconciliation?_summary=count"), ==, before + 5);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *resource = g_strdup_printf ("PaymentReconciliation/%s", (char *) g_ptr_array_index (ids, i));
      g_autoptr(JsonObject) on_server = fd_test_get_from_server (server_url, resource);
      g_autoptr(JsonObject) local = fd_store_get (store, "PaymentReconciliation", g_ptr_array_index (ids, i), NULL);
      FdMoney theirs, ours;
      const char *receipt;
      gboolean known = FALSE;

      g_assert_nonnull (on_server);
      g_assert_nonnull (local);
      g_assert_cmpstr (fd_fhir_get_string (fd_fhir_get_object (on_server, "meta"), "versionId"), ==, "1");
      g_assert_true (fd_fhir_money (fd_fhir_get_object (on_server, "paymentAmount"), &theirs));
      g_assert_true (fd_fhir_money (fd_fhir_get_object (local, "paymentAmount"), &ours));
      g_assert_cmpint (theirs.cents, ==, ours.cents);
      receipt = fd_fhir_get_string (fd_fhir_get_object (on_server, "paymentIdentifier"), "value");
      for (guint j = 0; j < numbers->len; j++)
        known |= g_strcmp0 (receipt, g_ptr_array_index (numbers, j)) == 0;
      g_assert_true (known);
    }

  /* Nothing goes twice afterwards */
  g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
  g_assert_cmpuint (stats.pushed, ==, 0);
  g_assert_cmpint (server_count ("PaymentReconciliation?_summary=count"), ==, before + 5);
}

int
main (int argc, char **argv)
{
  g_autofree char *node = NULL;
  FdDemoOptions options;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

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
  options.seed = 12;
  server = fd_test_start_demo_server (work_dir, &options, &server_url);
  proxy = fd_test_start_fault_proxy (server_url, &proxy_url);

  g_test_add_func ("/payments-offline/at-the-dialog", test_offline_at_the_dialog);

  ret = g_test_run ();

  fd_test_stop_fhir_server (g_steal_pointer (&proxy));
  fd_test_stop_fhir_server (g_steal_pointer (&server));
  g_free (server_url);
  g_free (proxy_url);
  fd_test_remove_dir (work_dir);
  g_free (work_dir);
  return ret;
}
