/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <adwaita.h>
#include <gtk/gtkunixprint.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>
#include <unistd.h>

#include "fd-account-pane.h"
#include "fd-drawer-dialog.h"
#include "fd-fhir.h"
#include "fd-payment-dialog.h"
#include "fd-payments-util.h"
#include "fd-payments-view.h"
#include "fd-refund-dialog.h"
#include "fd-statements-dialog.h"
#include "fd-store-ledger.h"
#include "fd-store-private.h"
#include "fd-test-ui.h"
#include "fd-test-util.h"
#include "fd-view-util.h"
#include "fd-window.h"

/* The cashier's flows in a real window, driven as the desk drives them:
 * the account, taking cash with change, bad input refused with nothing
 * posted, card numbers kept off the disk, splits, voids, the drawer's
 * over/short, printing through GtkPrintOperation to a PDF read back with
 * pdftotext, and the statement run. */

#define CARD_SPACED "4111 1111 1111 1111"
#define CARD_DIGITS "4111111111111111"

static char *tmp_dir;
static FdStore *store;
static GDate today;
static guint n_added;

/* Setting up accounts */

static void
put_json (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) resource = fd_fhir_parse (json, -1, &error);

  g_assert_no_error (error);
  g_assert_true (fd_store_put (store, resource, FD_STORE_ORIGIN_SERVER, &error));
  g_assert_no_error (error);
}

static char *
dollars (gint64 cents)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%02d", cents / 100, (int) (cents % 100));
}

static char *
iso_day (int days_ago)
{
  GDate day = today;

  g_date_subtract_days (&day, days_ago);
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&day), g_date_get_month (&day), g_date_get_day (&day));
}

static void
add_invoice (const char *patient_id,
             gint64      cents,
             int         days_ago,
             const char *what)
{
  g_autofree char *day = iso_day (days_ago);
  g_autofree char *amount = dollars (cents);
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\":\"Invoice\",\"id\":\"inv-%s-%u\",\"status\":\"issued\","
    "\"subject\":{\"reference\":\"Patient/%s\"},\"account\":{\"reference\":\"Account/acc-%s\"},"
    "\"date\":\"%s\",\"lineItem\":[{\"chargeItemCodeableConcept\":{\"text\":\"%s\"},"
    "\"priceComponent\":[{\"type\":\"base\",\"amount\":{\"value\":%s,\"currency\":\"USD\"}}]}]}",
    patient_id, ++n_added, patient_id, patient_id, day, what, amount);

  put_json (json);
}

/* A patient of the demo clinic's kind: an account, a co-pay on the card
 * and a visit today when @copay_cents > 0, and what is owed from a visit
 * @days_ago days back */
static char *
add_patient (const char *family,
             const char *given,
             gint64      copay_cents,
             gint64      balance_cents,
             int         days_ago)
{
  g_autofree char *id = g_strdup_printf ("pf%u", ++n_added);
  g_autofree char *json = NULL;

  json = g_strdup_printf ("{\"resourceType\":\"Patient\",\"id\":\"%s\",\"name\":[{\"family\":\"%s\",\"given\":[\"%s\"]}],"
                          "\"address\":[{\"line\":[\"%u Elm Street\"],\"city\":\"Springfield\",\"state\":\"IL\","
                          "\"postalCode\":\"62701\"}]}",
                          id, family, given, 100 + n_added);
  put_json (json);
  g_free (json);
  json = g_strdup_printf ("{\"resourceType\":\"Account\",\"id\":\"acc-%s\",\"status\":\"active\","
                          "\"subject\":[{\"reference\":\"Patient/%s\"}],"
                          "\"guarantor\":[{\"party\":{\"reference\":\"Patient/%s\"}}]}", id, id, id);
  put_json (json);

  if (copay_cents > 0)
    {
      g_autoptr(GDateTime) start = g_date_time_new_local (g_date_get_year (&today), g_date_get_month (&today),
                                                          g_date_get_day (&today), 8, 0, 0);
      g_autoptr(GDateTime) end = g_date_time_add_minutes (start, 20);
      g_autofree char *from = g_date_time_format (start, "%FT%T%:z");
      g_autofree char *to = g_date_time_format (end, "%FT%T%:z");
      g_autofree char *copay = dollars (copay_cents);

      g_free (json);
      json = g_strdup_printf ("{\"resourceType\":\"Coverage\",\"id\":\"cov-%s\",\"status\":\"active\","
                              "\"beneficiary\":{\"reference\":\"Patient/%s\"},\"payor\":[{\"display\":\"Payer\"}],"
                              "\"costToBeneficiary\":[{\"type\":{\"coding\":[{\"code\":\"copay\"}]},"
                              "\"valueMoney\":{\"value\":%s,\"currency\":\"USD\"}}]}", id, id, copay);
      put_json (json);
      g_free (json);
      json = g_strdup_printf ("{\"resourceType\":\"Appointment\",\"id\":\"appt-%s\",\"status\":\"arrived\","
                              "\"start\":\"%s\",\"end\":\"%s\",\"participant\":[{\"actor\":"
                              "{\"reference\":\"Patient/%s\"},\"status\":\"accepted\"}]}", id, from, to, id);
      put_json (json);
    }
  if (balance_cents > 0)
    add_invoice (id, balance_cents, days_ago, "Office visit");
  return g_steal_pointer (&id);
}

/* Reading what happened */

static gint64
sql_count (const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (fd_store_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static gint64
n_receipts (void)
{
  return sql_count ("SELECT count(DISTINCT receipt) FROM ledger_payment WHERE receipt <> ''");
}

/* The PaymentReconciliations waiting for the server; with @receipt, those
 * of that receipt */
static guint
outbox_payments (const char *receipt)
{
  g_autoptr(GPtrArray) entries = fd_store_list_outbox (store, FALSE, NULL);
  guint n = 0;

  g_assert_nonnull (entries);
  for (guint i = 0; i < entries->len; i++)
    {
      FdOutboxEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(JsonObject) json = NULL;

      if (!g_str_equal (entry->type, "PaymentReconciliation"))
        continue;
      if (receipt == NULL)
        {
          n++;
          continue;
        }
      json = fd_store_get (store, "PaymentReconciliation", entry->id, NULL);
      g_assert_nonnull (json);
      if (g_strcmp0 (fd_fhir_get_string (fd_fhir_get_object (json, "paymentIdentifier"), "value"), receipt) == 0)
        n++;
    }
  return n;
}

static FdLedgerAccount *
account_of (const char *patient_id)
{
  g_autoptr(GError) error = NULL;
  FdLedgerAccount *account = g_new0 (FdLedgerAccount, 1);

  g_assert_true (fd_ledger_get_account (store, patient_id, &today, account, &error));
  g_assert_no_error (error);
  return account;
}

static void
account_free (FdLedgerAccount *account)
{
  fd_ledger_account_clear (account);
  g_free (account);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdLedgerAccount, account_free)

static char *
pdf_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;
  const char *argv[] = { "pdftotext", "-layout", path, "-", NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

/* Width and height of the first page, in points */
static void
pdf_page_size (const char *path,
               double     *width,
               double     *height)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  const char *argv[] = { "pdfinfo", path, NULL };
  const char *size;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, NULL, &error));
  g_assert_no_error (error);
  size = strstr (out, "Page size:");
  g_assert_nonnull (size);
  g_assert_cmpint (sscanf (size, "Page size: %lf x %lf", width, height), ==, 2);
}

static guint
count_substrings (const char *haystack,
                  const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* The window and its dialogs */

static FdWindow *
new_window (void)
{
  FdWindow *window = fd_window_new (NULL, store, NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  fd_test_iterate ();
  return window;
}

static FdPaymentsView *
payments_view (FdWindow *window)
{
  return fd_test_template_child (window, FD_TYPE_WINDOW, "payments_view");
}

static gpointer
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = g_list_model_get_n_items (toplevels); i-- > 0;)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static gboolean
no_payment_dialog (gpointer data)
{
  return find_toplevel (FD_TYPE_PAYMENT_DIALOG) == NULL;
}

static void
close_all_dialogs (void)
{
  GType types[] = { ADW_TYPE_MESSAGE_DIALOG, FD_TYPE_PAYMENT_DIALOG, FD_TYPE_DRAWER_DIALOG, FD_TYPE_STATEMENTS_DIALOG,
                    FD_TYPE_REFUND_DIALOG };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      GtkWindow *window;

      while ((window = find_toplevel (types[i])) != NULL)
        gtk_window_destroy (window);
    }
  fd_test_iterate ();
}

static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        g_ptr_array_add (out, child);
      collect (child, type, out);
    }
}

/* The button under @widget with this tooltip, in the row titled @row_title */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *row_title,
             const char *tooltip)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect (widget, ADW_TYPE_ACTION_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

      if (g_strcmp0 (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), row_title) != 0)
        continue;
      collect (g_ptr_array_index (rows, i), GTK_TYPE_BUTTON, buttons);
      for (guint j = 0; j < buttons->len; j++)
        if (g_strcmp0 (gtk_widget_get_tooltip_text (g_ptr_array_index (buttons, j)), tooltip) == 0)
          return g_ptr_array_index (buttons, j);
    }
  return NULL;
}

/* What the account pane shows in its totals: title -> amount */
static GHashTable *
pane_totals (FdAccountPane *pane)
{
  GtkWidget *box = fd_test_template_child (pane, FD_TYPE_ACCOUNT_PANE, "totals_box");
  GHashTable *totals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (GtkWidget *child = gtk_widget_get_first_child (box); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *card = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));
      GtkWidget *title = gtk_widget_get_first_child (card);
      GtkWidget *amount = gtk_widget_get_next_sibling (title);

      g_hash_table_insert (totals, g_strdup (gtk_label_get_label (GTK_LABEL (title))),
                           g_strdup (gtk_label_get_label (GTK_LABEL (amount))));
    }
  return totals;
}

static void
assert_total (GHashTable *totals,
              const char *title,
              gint64      cents)
{
  g_autofree char *expected = fd_payments_format_cents (cents);

  g_assert_cmpstr (g_hash_table_lookup (totals, title), ==, expected);
}

static GtkLabel *
payment_message (FdPaymentDialog *dialog,
                 guint            which)
{
  return fd_payment_dialog_get_message (dialog, which);
}

static void
set_field (FdPaymentDialog *dialog,
           guint            line,
           const char      *field,
           const char      *text)
{
  gtk_editable_set_text (fd_payment_dialog_get_field (dialog, line, field), text);
}

/* Types @text a character at a time, as a person or a card reader would */
static void
type_text (GtkEditable *editable,
           const char  *text)
{
  gtk_editable_set_text (editable, "");
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      int position = -1;

      gtk_editable_set_position (editable, -1);
      position = gtk_editable_get_position (editable);
      gtk_editable_insert_text (editable, p, (int) (g_utf8_next_char (p) - p), &position);
    }
}

static gboolean
drawer_is_open (void)
{
  g_autofree char *station = fd_payments_station ();
  gint64 session = 0;

  return fd_ledger_drawer_current (store, station, &session, NULL);
}

static void
ensure_drawer_open (void)
{
  g_autofree char *station = fd_payments_station ();
  g_autoptr(GError) error = NULL;

  if (drawer_is_open ())
    return;
  g_assert_true (fd_ledger_drawer_open (store, station, "Test cashier", 10000, NULL, NULL, &error));
  g_assert_no_error (error);
}

static gint64
drawer_expected (FdPaymentMethod method)
{
  g_autofree char *station = fd_payments_station ();
  g_auto(FdDrawerSummary) summary = { 0 };
  gint64 session = 0;

  g_assert_true (fd_ledger_drawer_current (store, station, &session, NULL));
  g_assert_true (fd_ledger_drawer_summary (store, session, &summary, NULL));
  return summary.expected[method];
}

/* Presses @accel on @widget, with either order of the modifiers */
static void
press (GtkWidget  *widget,
       const char *accel)
{
  if (fd_test_press (widget, accel))
    return;
  if (g_str_equal (accel, "<Control><Shift>d"))
    g_assert_true (fd_test_press (widget, "<Shift><Control>d"));
  else if (g_str_equal (accel, "<Control><Shift>s"))
    g_assert_true (fd_test_press (widget, "<Shift><Control>s"));
  else
    g_error ("No shortcut %s", accel);
}

/* The tests */

/* The account pane shows what fd_ledger_get_account() says, and the
 * activity line by line */
static void
test_account_pane (void)
{
  FdWindow *window = new_window ();
  FdPaymentsView *view = payments_view (window);
  FdAccountPane *pane = fd_payments_view_get_account_pane (view);
  g_autofree char *id = add_patient ("Account", "Aging", 2500, 8000, 75);
  g_autoptr(FdLedgerAccount) account = NULL;
  g_autoptr(GPtrArray) activity = NULL;
  g_autoptr(GHashTable) totals = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  GtkWidget *activity_list = fd_test_template_child (pane, FD_TYPE_ACCOUNT_PANE, "activity_list");
  GtkLabel *name = fd_test_template_child (pane, FD_TYPE_ACCOUNT_PANE, "name_label");

  add_invoice (id, 4000, 40, "Lab work");
  add_invoice (id, 1234, 3, "Flu shot");

  g_assert_null (fd_payments_view_open_account (view, id, -2));
  fd_test_iterate ();
  g_assert_cmpstr (fd_account_pane_get_patient_id (pane), ==, id);
  g_assert_cmpstr (gtk_label_get_label (name), ==, "Account, Aging");

  account = account_of (id);
  g_assert_cmpint (account->balance.cents, ==, 8000 + 4000 + 1234);
  g_assert_cmpint (account->copay_due.cents, ==, 2500);
  g_assert_cmpint (account->aging[FD_AGING_CURRENT], ==, 1234);
  g_assert_cmpint (account->aging[FD_AGING_31_60], ==, 4000);
  g_assert_cmpint (account->aging[FD_AGING_61_90], ==, 8000);

  totals = pane_totals (pane);
  assert_total (totals, "Balance", account->balance.cents);
  assert_total (totals, "Co-pay due today", account->copay_due.cents);
  assert_total (totals, "Credit", account->credit.cents);
  assert_total (totals, "Current", account->aging[FD_AGING_CURRENT]);
  assert_total (totals, "31–60 days", account->aging[FD_AGING_31_60]);
  assert_total (totals, "61–90 days", account->aging[FD_AGING_61_90]);
  assert_total (totals, "Over 90 days", account->aging[FD_AGING_OVER_90]);

  /* Every charge, newest first, with its amount */
  activity = fd_ledger_list_activity (store, id, NULL, NULL);
  g_assert_cmpuint (activity->len, ==, 3);
  collect (activity_list, ADW_TYPE_ACTION_ROW, rows);
  g_assert_cmpuint (rows->len, ==, activity->len);
  for (guint i = 0; i < rows->len; i++)
    {
      FdLedgerEntry *entry = g_ptr_array_index (activity, activity->len - 1 - i);
      g_autoptr(GPtrArray) labels = g_ptr_array_new ();
      g_autofree char *amount = fd_payments_format_cents (entry->amount.cents);
      gboolean found = FALSE;

      g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), ==, entry->description);
      collect (g_ptr_array_index (rows, i), GTK_TYPE_LABEL, labels);
      for (guint j = 0; j < labels->len; j++)
        found |= g_strcmp0 (gtk_label_get_label (g_ptr_array_index (labels, j)), amount) == 0;
      g_assert_true (found);
    }
  g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 0)), ==, "Flu shot");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* $40 cash for a $25 co-pay and a $15 balance: change shown as typed, the
 * drawer offered first, one receipt, nothing owed, the record queued */
static void
test_cash_copay_and_balance (void)
{
  FdWindow *window = new_window ();
  FdPaymentsView *view = payments_view (window);
  FdAccountPane *pane = fd_payments_view_get_account_pane (view);
  g_autofree char *id = add_patient ("Cash", "Rosa", 2500, 1500, 10);
  g_autoptr(FdLedgerAccount) after = NULL;
  g_autoptr(FdLedgerReceipt) receipt = NULL;
  FdPaymentDialog *dialog;
  GtkLabel *change;
  AdwMessageDialog *offer;
  GtkWidget *float_entry;
  gint64 receipts = n_receipts ();
  guint queued = outbox_payments (NULL);

  g_assert_false (drawer_is_open ());

  /* As check-in's Collect Now opens it: everything due offered */
  dialog = FD_PAYMENT_DIALOG (fd_payments_view_open_account (view, id, -1));
  g_assert_nonnull (dialog);
  g_assert_cmpint (fd_payment_dialog_get_due (dialog), ==, 4000);
  g_assert_cmpstr (gtk_editable_get_text (fd_payment_dialog_get_field (dialog, G_MAXUINT, FD_PAYMENT_FIELD_AMOUNT)),
                   ==, "40.00");
  change = fd_test_template_child (dialog, FD_TYPE_PAYMENT_DIALOG, "change_label");

  set_field (dialog, 0, FD_PAYMENT_FIELD_TENDERED, "40.00");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (change)));
  g_assert_cmpstr (gtk_label_get_label (change), ==, "Change due: $0.00");
  set_field (dialog, 0, FD_PAYMENT_FIELD_TENDERED, "50.00");
  g_assert_cmpstr (gtk_label_get_label (change), ==, "Change due: $10.00");

  /* No drawer open: posting asks for the float first */
  g_assert_true (fd_test_press (GTK_WIDGET (dialog), "<Control>Return"));
  offer = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (offer);
  g_assert_cmpint (n_receipts (), ==, receipts);
  float_entry = gtk_widget_get_first_child (adw_message_dialog_get_extra_child (offer));
  gtk_editable_set_text (GTK_EDITABLE (float_entry), "150.00");
  adw_message_dialog_response (offer, "open");
  g_assert_true (fd_test_wait_for (no_payment_dialog, NULL, 5));
  g_assert_true (drawer_is_open ());
  g_assert_cmpint (drawer_expected (FD_PAYMENT_METHOD_CASH), ==, 15000 + 4000);

  /* Posted: the change stays on screen, nothing is owed */
  g_assert_nonnull (fd_account_pane_get_last_receipt (pane));
  g_assert_cmpint (n_receipts (), ==, receipts + 1);
  g_assert_cmpstr (fd_account_pane_get_change_text (pane), ==, "Change due: $10.00");
  /* The $15 is paid and so is the co-pay; the co-pay waits for today's
   * visit to be billed and does not show as a credit meanwhile */
  after = account_of (id);
  g_assert_cmpint (after->copay_due.cents, ==, 0);
  g_assert_cmpint (after->balance.cents, ==, 0);
  for (guint b = 0; b < FD_N_AGING_BUCKETS; b++)
    g_assert_cmpint (after->aging[b], ==, 0);
  {
    g_autoptr(GPtrArray) open = fd_ledger_list_open_invoices (store, id, NULL);

    g_assert_cmpuint (open->len, ==, 0);
  }
  {
    g_autoptr(GHashTable) totals = pane_totals (pane);

    assert_total (totals, "Co-pay due today", 0);
    assert_total (totals, "31–60 days", 0);
  }
  /* Once the visit's charge arrives, nothing is owed */
  add_invoice (id, 2500, 0, "Office visit, today");
  fd_test_iterate ();
  account_free (g_steal_pointer (&after));
  after = account_of (id);
  g_assert_cmpint (after->balance.cents, ==, 0);
  {
    g_autoptr(GHashTable) totals = pane_totals (pane);

    assert_total (totals, "Balance", 0);
    assert_total (totals, "Co-pay due today", 0);
  }

  receipt = fd_ledger_get_receipt (store, fd_account_pane_get_last_receipt (pane), NULL);
  g_assert_nonnull (receipt);
  g_assert_cmpint (receipt->total.cents, ==, 4000);
  g_assert_cmpint (receipt->tendered_cents, ==, 5000);
  g_assert_cmpint (receipt->change_cents, ==, 1000);
  g_assert_cmpuint (receipt->items->len, ==, 2);
  g_assert_cmpint (((FdLedgerReceiptItem *) g_ptr_array_index (receipt->items, 0))->target, ==, FD_ALLOCATION_COPAY);

  /* Waiting for the server, once */
  g_assert_cmpuint (outbox_payments (receipt->number), ==, 1);
  g_assert_cmpuint (outbox_payments (NULL), ==, queued + 1);

  close_all_dialogs ();
  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  const char *amount;
  FdPaymentMethod method;
  const char *tendered;
  gboolean    credit;
  guint       message;    /* which label: G_MAXUINT amount, G_MAXUINT - 1 apply, 0 the line */
  const char *says;
} BadInput;

/* Each bad input is refused beside its field, and nothing is posted */
static void
test_bad_input (void)
{
  static const BadInput cases[] = {
    { "0", FD_PAYMENT_METHOD_CASH, "", FALSE, G_MAXUINT, "more than zero" },
    { "0.00", FD_PAYMENT_METHOD_CASH, "", FALSE, G_MAXUINT, "more than zero" },
    { "-5.00", FD_PAYMENT_METHOD_CASH, "", FALSE, G_MAXUINT, "negative" },
    { "10.005", FD_PAYMENT_METHOD_CASH, "", FALSE, G_MAXUINT, "two decimals" },
    { "1.000,00", FD_PAYMENT_METHOD_CASH, "", FALSE, G_MAXUINT, "" },
    { "", FD_PAYMENT_METHOD_CASH, "", FALSE, G_MAXUINT, "Enter an amount" },
    { "100.00", FD_PAYMENT_METHOD_CASH, "", FALSE, G_MAXUINT - 1, "prepayment credit" },
    { "50.00", FD_PAYMENT_METHOD_CASH, "20.00", FALSE, 0, "less than" },
    { "50.00", FD_PAYMENT_METHOD_CHECK, "", FALSE, 0, "Check number" },
    { "50.00", FD_PAYMENT_METHOD_CREDIT_CARD, "", FALSE, 0, "" },
  };
  FdWindow *window = new_window ();
  FdPaymentsView *view = payments_view (window);
  g_autofree char *id = add_patient ("Refused", "Tomas", 0, 5000, 20);
  gint64 receipts = n_receipts ();
  guint queued = outbox_payments (NULL);

  ensure_drawer_open ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const BadInput *c = &cases[i];
      FdPaymentDialog *dialog = FD_PAYMENT_DIALOG (fd_payments_view_open_account (view, id, -1));
      GtkLabel *message;

      g_test_message ("bad input %u: “%s”", i, c->amount);
      fd_payment_dialog_set_method (dialog, 0, c->method);
      set_field (dialog, G_MAXUINT, FD_PAYMENT_FIELD_AMOUNT, c->amount);
      set_field (dialog, 0, FD_PAYMENT_FIELD_TENDERED, c->tendered);
      gtk_check_button_set_active (fd_test_template_child (dialog, FD_TYPE_PAYMENT_DIALOG, "credit_check"), c->credit);

      g_assert_true (fd_test_press (GTK_WIDGET (dialog), "<Control>Return"));
      message = payment_message (dialog, c->message);
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (message)));
      g_test_message ("  says: %s", gtk_label_get_label (message));
      g_assert_cmpstr (gtk_label_get_label (message), !=, "");
      g_assert_nonnull (strstr (gtk_label_get_label (message), c->says));

      /* Still open, nothing posted, nothing queued */
      g_assert_true (find_toplevel (FD_TYPE_PAYMENT_DIALOG) == dialog);
      g_assert_cmpint (n_receipts (), ==, receipts);
      g_assert_cmpuint (outbox_payments (NULL), ==, queued);
      gtk_window_destroy (GTK_WINDOW (dialog));
      fd_test_iterate ();
    }

  /* The same amount with the rest kept as a credit goes through */
  {
    FdPaymentDialog *dialog = FD_PAYMENT_DIALOG (fd_payments_view_open_account (view, id, 10000));
    g_autoptr(FdLedgerAccount) after = NULL;

    gtk_check_button_set_active (fd_test_template_child (dialog, FD_TYPE_PAYMENT_DIALOG, "credit_check"), TRUE);
    g_assert_true (fd_test_press (GTK_WIDGET (dialog), "<Control>Return"));
    g_assert_true (fd_test_wait_for (no_payment_dialog, NULL, 5));
    after = account_of (id);
    /* Nothing owed; $50 kept on the account (a credit is a negative balance) */
    g_assert_cmpint (after->balance.cents, ==, -5000);
    g_assert_cmpint (after->credit.cents, ==, 5000);
  }

  close_all_dialogs ();
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Refused in @editable: emptied, and @message says why */
static void
assert_card_refused (GtkEditable *editable,
                     GtkLabel    *message,
                     const char  *what)
{
  const char *forms[] = { CARD_SPACED, CARD_DIGITS };

  for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
    for (guint typed = 0; typed < 2; typed++)
      {
        g_test_message ("card number in %s (%s, %s)", what, forms[f], typed ? "typed" : "pasted");
        if (message != NULL)
          fd_payments_show_message (message, NULL);
        if (typed)
          type_text (editable, forms[f]);
        else
          gtk_editable_set_text (editable, forms[f]);
        g_assert_null (strstr (gtk_editable_get_text (editable), "1111 1111"));
        g_assert_null (strstr (gtk_editable_get_text (editable), "11111111"));
        if (!typed)
          g_assert_cmpstr (gtk_editable_get_text (editable), ==, "");
        if (message != NULL)
          {
            g_assert_true (gtk_widget_get_visible (GTK_WIDGET (message)));
            g_assert_nonnull (strstr (gtk_label_get_label (message), "card number"));
            g_assert_null (strstr (gtk_label_get_label (message), "1111"));
          }
      }
}

static void
assert_not_on_disk (void)
{
  g_autoptr(GDir) dir = g_dir_open (tmp_dir, 0, NULL);
  const char *name;
  guint files = 0;

  /* Everything SQLite keeps: the database, its WAL and shared memory */
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || !g_str_has_prefix (name, "frontdesk.db"))
        continue;
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_null (memmem (contents, length, CARD_DIGITS, strlen (CARD_DIGITS)));
      g_assert_null (memmem (contents, length, CARD_SPACED, strlen (CARD_SPACED)));
      g_assert_null (memmem (contents, length, "41111111", 8));
      files++;
    }
  g_assert_cmpuint (files, >=, 1);
}

/* A card number typed into any text field of the cashier's dialogs is
 * refused at once, and never reaches the profile's files */
static void
test_card_numbers (void)
{
  static const char *fields[] = {
    FD_PAYMENT_FIELD_AMOUNT, FD_PAYMENT_FIELD_TENDERED, FD_PAYMENT_FIELD_CHECK_NUMBER,
    FD_PAYMENT_FIELD_CARD_BRAND, FD_PAYMENT_FIELD_CARD_LAST4, FD_PAYMENT_FIELD_AUTHORIZATION,
  };
  FdWindow *window = new_window ();
  FdPaymentsView *view = payments_view (window);
  FdAccountPane *pane = fd_payments_view_get_account_pane (view);
  g_autofree char *id = add_patient ("Guard", "Lucia", 0, 6000, 12);
  FdPaymentDialog *dialog;
  FdDrawerDialog *drawer;
  FdStatementsDialog *statements;
  AdwMessageDialog *reason;
  GtkWidget *button, *box;
  guint second;

  ensure_drawer_open ();
  dialog = FD_PAYMENT_DIALOG (fd_payments_view_open_account (view, id, -1));
  second = fd_payment_dialog_add_method (dialog);
  g_assert_cmpuint (second, ==, 1);
  fd_payment_dialog_set_method (dialog, 1, FD_PAYMENT_METHOD_CREDIT_CARD);

  assert_card_refused (fd_payment_dialog_get_field (dialog, G_MAXUINT, FD_PAYMENT_FIELD_AMOUNT),
                       payment_message (dialog, G_MAXUINT), "amount");
  for (guint line = 0; line <= second; line++)
    for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
      assert_card_refused (fd_payment_dialog_get_field (dialog, line, fields[i]),
                           payment_message (dialog, line), fields[i]);

  /* A split of cash and card goes through afterwards, with the real last four */
  set_field (dialog, G_MAXUINT, FD_PAYMENT_FIELD_AMOUNT, "60.00");
  set_field (dialog, 0, FD_PAYMENT_FIELD_AMOUNT, "20.00");
  set_field (dialog, 0, FD_PAYMENT_FIELD_TENDERED, "");
  set_field (dialog, 1, FD_PAYMENT_FIELD_AMOUNT, "40.00");
  set_field (dialog, 1, FD_PAYMENT_FIELD_CARD_BRAND, "Visa");
  set_field (dialog, 1, FD_PAYMENT_FIELD_CARD_LAST4, "1111");
  set_field (dialog, 1, FD_PAYMENT_FIELD_AUTHORIZATION, "A1B2C3");
  g_assert_true (fd_test_press (GTK_WIDGET (dialog), "<Control>Return"));
  g_assert_true (fd_test_wait_for (no_payment_dialog, NULL, 5));
  g_assert_nonnull (fd_account_pane_get_last_receipt (pane));

  /* The reason of a void */
  button = find_button (GTK_WIDGET (pane), fd_account_pane_get_last_receipt (pane), "Void payment");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  reason = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (reason);
  box = adw_message_dialog_get_extra_child (reason);
  assert_card_refused (GTK_EDITABLE (gtk_widget_get_first_child (box)),
                       GTK_LABEL (gtk_widget_get_last_child (box)), "reason");
  adw_message_dialog_response (reason, "cancel");
  fd_test_iterate ();

  /* The drawer: the float and each count */
  press (GTK_WIDGET (view), "<Control>d");
  drawer = find_toplevel (FD_TYPE_DRAWER_DIALOG);
  g_assert_nonnull (drawer);
  assert_card_refused (fd_drawer_dialog_get_float_entry (drawer),
                       fd_test_template_child (drawer, FD_TYPE_DRAWER_DIALOG, "float_error"), "float");
  for (guint m = 0; m < FD_N_PAYMENT_METHODS; m++)
    assert_card_refused (fd_drawer_dialog_get_counted (drawer, m),
                         fd_test_template_child (drawer, FD_TYPE_DRAWER_DIALOG, "count_error"), "count");
  gtk_window_destroy (GTK_WINDOW (drawer));

  /* The statement run's smallest balance */
  press (GTK_WIDGET (view), "<Control><Shift>s");
  statements = find_toplevel (FD_TYPE_STATEMENTS_DIALOG);
  g_assert_nonnull (statements);
  assert_card_refused (fd_test_template_child (statements, FD_TYPE_STATEMENTS_DIALOG, "min_entry"),
                       fd_test_template_child (statements, FD_TYPE_STATEMENTS_DIALOG, "status_label"), "minimum");
  gtk_window_destroy (GTK_WINDOW (statements));

  close_all_dialogs ();
  gtk_window_destroy (GTK_WINDOW (window));
  fd_test_iterate ();
  assert_not_on_disk ();
}

/* Ctrl+T, two methods: one receipt with a line for each */
static void
test_split (void)
{
  FdWindow *window = new_window ();
  FdPaymentsView *view = payments_view (window);
  FdAccountPane *pane = fd_payments_view_get_account_pane (view);
  g_autofree char *id = add_patient ("Split", "Marco", 0, 9000, 5);
  g_autoptr(FdLedgerReceipt) receipt = NULL;
  g_autoptr(FdLedgerAccount) after = NULL;
  FdPaymentDialog *dialog;
  FdLedgerReceiptLine *cash, *card;
  gint64 receipts = n_receipts ();

  ensure_drawer_open ();
  fd_payments_view_open_account (view, id, -2);
  press (GTK_WIDGET (view), "<Control>t");
  dialog = find_toplevel (FD_TYPE_PAYMENT_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (gtk_editable_get_text (fd_payment_dialog_get_field (dialog, G_MAXUINT, FD_PAYMENT_FIELD_AMOUNT)),
                   ==, "90.00");

  gtk_widget_activate_action (GTK_WIDGET (dialog), "payment.add-method", NULL);
  fd_payment_dialog_set_method (dialog, 1, FD_PAYMENT_METHOD_CREDIT_CARD);
  set_field (dialog, 0, FD_PAYMENT_FIELD_AMOUNT, "30.00");
  set_field (dialog, 0, FD_PAYMENT_FIELD_TENDERED, "40.00");
  set_field (dialog, 1, FD_PAYMENT_FIELD_AMOUNT, "60.00");
  set_field (dialog, 1, FD_PAYMENT_FIELD_CARD_BRAND, "Mastercard");
  set_field (dialog, 1, FD_PAYMENT_FIELD_CARD_LAST4, "5454");
  set_field (dialog, 1, FD_PAYMENT_FIELD_AUTHORIZATION, "OK7788");
  g_assert_cmpstr (gtk_label_get_label (fd_test_template_child (dialog, FD_TYPE_PAYMENT_DIALOG, "change_label")),
                   ==, "Change due: $10.00");

  g_assert_true (fd_test_press (GTK_WIDGET (dialog), "<Control>Return"));
  g_assert_true (fd_test_wait_for (no_payment_dialog, NULL, 5));
  g_assert_cmpint (n_receipts (), ==, receipts + 1);

  receipt = fd_ledger_get_receipt (store, fd_account_pane_get_last_receipt (pane), NULL);
  g_assert_cmpuint (receipt->lines->len, ==, 2);
  cash = g_ptr_array_index (receipt->lines, 0);
  card = g_ptr_array_index (receipt->lines, 1);
  g_assert_cmpint (cash->method, ==, FD_PAYMENT_METHOD_CASH);
  g_assert_cmpint (cash->amount_cents, ==, 3000);
  g_assert_cmpint (cash->change_cents, ==, 1000);
  g_assert_cmpint (card->method, ==, FD_PAYMENT_METHOD_CREDIT_CARD);
  g_assert_cmpint (card->amount_cents, ==, 6000);
  g_assert_cmpstr (card->card_last4, ==, "5454");
  g_assert_cmpint (receipt->total.cents, ==, 9000);
  g_assert_cmpuint (outbox_payments (receipt->number), ==, 2);
  after = account_of (id);
  g_assert_cmpint (after->balance.cents, ==, 0);
  g_assert_cmpstr (fd_account_pane_get_change_text (pane), ==, "Change due: $10.00");

  close_all_dialogs ();
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Void with a reason, through the receipt's button: the balance and the
 * drawer go back to what they were */
static void
test_void (void)
{
  FdWindow *window = new_window ();
  FdPaymentsView *view = payments_view (window);
  FdAccountPane *pane = fd_payments_view_get_account_pane (view);
  g_autofree char *id = add_patient ("Void", "Elena", 0, 7000, 15);
  g_autoptr(FdLedgerAccount) before = NULL;
  g_autoptr(FdLedgerAccount) paid = NULL;
  g_autoptr(FdLedgerAccount) after = NULL;
  g_autoptr(FdLedgerReceipt) original = NULL;
  g_autofree char *number = NULL;
  FdPaymentDialog *dialog;
  AdwMessageDialog *confirm;
  GtkWidget *box;
  gint64 cash_before;

  ensure_drawer_open ();
  before = account_of (id);
  cash_before = drawer_expected (FD_PAYMENT_METHOD_CASH);

  dialog = FD_PAYMENT_DIALOG (fd_payments_view_open_account (view, id, 2500));
  g_assert_true (fd_test_press (GTK_WIDGET (dialog), "<Control>Return"));
  g_assert_true (fd_test_wait_for (no_payment_dialog, NULL, 5));
  number = g_strdup (fd_account_pane_get_last_receipt (pane));
  paid = account_of (id);
  g_assert_cmpint (paid->balance.cents, ==, before->balance.cents - 2500);
  g_assert_cmpint (drawer_expected (FD_PAYMENT_METHOD_CASH), ==, cash_before + 2500);

  /* Without a reason nothing happens */
  g_signal_emit_by_name (find_button (GTK_WIDGET (pane), number, "Void payment"), "clicked");
  confirm = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (confirm);
  adw_message_dialog_response (confirm, "confirm");
  fd_test_iterate ();
  original = fd_ledger_get_receipt (store, number, NULL);
  g_assert_false (original->voided);
  close_all_dialogs ();
  g_clear_pointer (&original, fd_ledger_receipt_free);

  g_signal_emit_by_name (find_button (GTK_WIDGET (pane), number, "Void payment"), "clicked");
  confirm = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  box = adw_message_dialog_get_extra_child (confirm);
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_first_child (box)), "Charged the wrong visit");
  adw_message_dialog_response (confirm, "confirm");
  fd_test_iterate ();

  original = fd_ledger_get_receipt (store, number, NULL);
  g_assert_true (original->voided);
  after = account_of (id);
  g_assert_cmpint (after->balance.cents, ==, before->balance.cents);
  g_assert_cmpint (drawer_expected (FD_PAYMENT_METHOD_CASH), ==, cash_before);
  /* The void is its own record, waiting for the server; no Void button left */
  g_assert_cmpint (sql_count ("SELECT count(*) FROM ledger_payment WHERE kind = 'void'"), >=, 1);
  g_assert_null (find_button (GTK_WIDGET (pane), number, "Void payment"));

  close_all_dialogs ();
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
no_refund_dialog (gpointer data)
{
  return find_toplevel (FD_TYPE_REFUND_DIALOG) == NULL;
}

/* Takes a payment of @cents through the dialog, by @method; returns its receipt */
static char *
pay (FdPaymentsView  *view,
     const char      *id,
     gint64           cents,
     FdPaymentMethod  method)
{
  FdAccountPane *pane = fd_payments_view_get_account_pane (view);
  FdPaymentDialog *dialog = FD_PAYMENT_DIALOG (fd_payments_view_open_account (view, id, cents));

  fd_payment_dialog_set_method (dialog, 0, method);
  if (method == FD_PAYMENT_METHOD_CREDIT_CARD || method == FD_PAYMENT_METHOD_DEBIT_CARD)
    {
      set_field (dialog, 0, FD_PAYMENT_FIELD_CARD_BRAND, "Visa");
      set_field (dialog, 0, FD_PAYMENT_FIELD_CARD_LAST4, "4242");
      set_field (dialog, 0, FD_PAYMENT_FIELD_AUTHORIZATION, "A1B2C3");
    }
  else if (method == FD_PAYMENT_METHOD_CHECK)
    set_field (dialog, 0, FD_PAYMENT_FIELD_CHECK_NUMBER, "2201");
  g_assert_true (fd_test_press (GTK_WIDGET (dialog), "<Control>Return"));
  g_assert_true (fd_test_wait_for (no_payment_dialog, NULL, 5));
  return g_strdup (fd_account_pane_get_last_receipt (pane));
}

/* The refund dialog of a receipt, from its row's button */
static FdRefundDialog *
open_refund (FdAccountPane *pane,
             const char    *number)
{
  FdRefundDialog *dialog;

  g_signal_emit_by_name (find_button (GTK_WIDGET (pane), number, "Refund payment"), "clicked");
  dialog = find_toplevel (FD_TYPE_REFUND_DIALOG);
  g_assert_nonnull (dialog);
  return dialog;
}

/* A partial refund: the amount typed goes back, by the payment's method,
 * and the rest of the payment can still be refunded */
static void
test_partial_refund (void)
{
  FdWindow *window = new_window ();
  FdPaymentsView *view = payments_view (window);
  FdAccountPane *pane = fd_payments_view_get_account_pane (view);
  g_autofree char *id = add_patient ("Refund", "Tomas", 0, 7000, 15);
  g_autoptr(FdLedgerReceipt) original = NULL;
  g_autofree char *number = NULL;
  FdRefundDialog *dialog;
  gint64 cash_before;

  ensure_drawer_open ();
  cash_before = drawer_expected (FD_PAYMENT_METHOD_CASH);
  number = pay (view, id, 4000, FD_PAYMENT_METHOD_CASH);

  dialog = open_refund (pane, number);
  /* The amount starts at what is left of the payment, the method at its own */
  g_assert_cmpstr (gtk_editable_get_text (fd_refund_dialog_get_field (dialog, FD_PAYMENT_FIELD_AMOUNT)), ==, "40.00");
  g_assert_cmpint (fd_refund_dialog_get_method (dialog), ==, FD_PAYMENT_METHOD_CASH);

  /* Without a reason nothing happens */
  g_assert_true (fd_test_press (GTK_WIDGET (dialog), "<Control>Return"));
  fd_test_iterate ();
  g_assert_true (find_toplevel (FD_TYPE_REFUND_DIALOG) == dialog);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fd_refund_dialog_get_message (dialog))));
  g_assert_cmpint (sql_count ("SELECT count(*) FROM ledger_payment WHERE kind = 'refund'"), ==, 0);

  gtk_editable_set_text (fd_refund_dialog_get_field (dialog, FD_REFUND_FIELD_REASON), "Paid twice by mistake");
  gtk_editable_set_text (fd_refund_dialog_get_field (dialog, FD_PAYMENT_FIELD_AMOUNT), "15.00");
  g_assert_true (fd_test_press (GTK_WIDGET (dialog), "<Control>Return"));
  g_assert_true (fd_test_wait_for (no_refund_dialog, NULL, 5));

  original = fd_ledger_get_receipt (store, number, NULL);
  g_assert_cmpint (original->refunded_cents, ==, 1500);
  g_assert_false (original->voided);
  g_assert_cmpint (drawer_expected (FD_PAYMENT_METHOD_CASH), ==, cash_before + 4000 - 1500);
  g_assert_nonnull (find_button (GTK_WIDGET (pane), number, "Refund payment"));

  close_all_dialogs ();
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A card payment given back in cash: the refund's record says cash, the
 * drawer expects that much less cash and the same card total, and the
 * refund's receipt and the drawer report print it as cash. A check refund
 * needs its number; a card number typed in the dialog never stays. */
static void
test_refund_by_chosen_method (void)
{
  FdWindow *window = new_window ();
  FdPaymentsView *view = payments_view (window);
  FdAccountPane *pane = fd_payments_view_get_account_pane (view);
  g_autofree char *id = add_patient ("Refund", "Ines", 0, 9000, 20);
  g_autofree char *pdf = g_build_filename (tmp_dir, "refund-receipt.pdf", NULL);
  g_autofree char *report_pdf = g_build_filename (tmp_dir, "refund-report.pdf", NULL);
  g_autofree char *number = NULL;
  g_autofree char *refund_number = NULL;
  g_autofree char *text = NULL;
  g_autoptr(FdLedgerReceipt) refund = NULL;
  FdRefundDialog *dialog;
  gint64 cash_before, card_before, n_refunds;

  ensure_drawer_open ();
  number = pay (view, id, 6000, FD_PAYMENT_METHOD_CREDIT_CARD);
  cash_before = drawer_expected (FD_PAYMENT_METHOD_CASH);
  card_before = drawer_expected (FD_PAYMENT_METHOD_CREDIT_CARD);
  n_refunds = sql_count ("SELECT count(*) FROM ledger_payment WHERE kind = 'refund'");

  dialog = open_refund (pane, number);
  /* It starts at the card it was paid with */
  g_assert_cmpint (fd_refund_dialog_get_method (dialog), ==, FD_PAYMENT_METHOD_CREDIT_CARD);
  g_assert_cmpstr (gtk_editable_get_text (fd_refund_dialog_get_field (dialog, FD_PAYMENT_FIELD_CARD_LAST4)), ==, "4242");
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (gtk_widget_get_parent (
    GTK_WIDGET (fd_refund_dialog_get_field (dialog, FD_PAYMENT_FIELD_AUTHORIZATION))))));

  /* The same card-number guard as taking a payment, on every field */
  assert_card_refused (fd_refund_dialog_get_field (dialog, FD_REFUND_FIELD_REASON),
                       fd_refund_dialog_get_message (dialog), "refund reason");
  assert_card_refused (fd_refund_dialog_get_field (dialog, FD_PAYMENT_FIELD_CARD_LAST4),
                       fd_refund_dialog_get_message (dialog), "refund last four");
  gtk_editable_set_text (fd_refund_dialog_get_field (dialog, FD_PAYMENT_FIELD_CARD_LAST4), "4242");

  /* A check needs its number: refused, nothing posted */
  gtk_editable_set_text (fd_refund_dialog_get_field (dialog, FD_REFUND_FIELD_REASON), "Card declined later");
  fd_refund_dialog_set_method (dialog, FD_PAYMENT_METHOD_CHECK);
  g_assert_false (fd_refund_dialog_post (dialog));
  g_assert_nonnull (strstr (gtk_label_get_label (fd_refund_dialog_get_message (dialog)), "Check number"));
  g_assert_cmpint (sql_count ("SELECT count(*) FROM ledger_payment WHERE kind = 'refund'"), ==, n_refunds);

  /* Cash it is: $25 of the $60 */
  fd_refund_dialog_set_method (dialog, FD_PAYMENT_METHOD_CASH);
  gtk_editable_set_text (fd_refund_dialog_get_field (dialog, FD_PAYMENT_FIELD_AMOUNT), "25.00");
  g_assert_true (fd_test_press (GTK_WIDGET (dialog), "<Control>Return"));
  g_assert_true (fd_test_wait_for (no_refund_dialog, NULL, 5));
  g_assert_cmpint (sql_count ("SELECT count(*) FROM ledger_payment WHERE kind = 'refund'"), ==, n_refunds + 1);

  /* The drawer: $25 less cash than before, the card total as it was */
  g_assert_cmpint (drawer_expected (FD_PAYMENT_METHOD_CASH), ==, cash_before - 2500);
  g_assert_cmpint (drawer_expected (FD_PAYMENT_METHOD_CREDIT_CARD), ==, card_before);

  /* The refund's own record: cash, pointing to the card payment */
  {
    g_autoptr(GPtrArray) receipts = fd_ledger_list_receipts (store, id, NULL);

    for (guint i = 0; i < receipts->len; i++)
      {
        FdLedgerReceipt *r = g_ptr_array_index (receipts, i);

        if (g_strcmp0 (r->kind, "refund") == 0)
          {
            g_assert_null (refund_number);
            refund_number = g_strdup (r->number);
          }
      }
    g_assert_nonnull (refund_number);
  }
  refund = fd_ledger_get_receipt (store, refund_number, NULL);
  g_assert_cmpstr (refund->corrects, ==, number);
  g_assert_cmpint (refund->total.cents, ==, -2500);
  g_assert_cmpuint (refund->lines->len, ==, 1);
  g_assert_cmpint (((FdLedgerReceiptLine *) g_ptr_array_index (refund->lines, 0))->method, ==, FD_PAYMENT_METHOD_CASH);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM resource r JOIN ledger_payment p ON p.id = r.id"
                                            " WHERE r.type = 'PaymentReconciliation' AND p.receipt = '%s'"
                                            " AND r.json LIKE '%%extension-PaymentReconciliation.method%%'"
                                            " AND r.json LIKE '%%\"CASH\"%%' AND r.json NOT LIKE '%%4242%%'",
                                            refund_number);

    g_assert_cmpint (sql_count (sql), ==, 1);
  }

  /* Its receipt, printed from its row, says cash */
  fd_payments_set_print_export (pdf);
  g_signal_emit_by_name (find_button (GTK_WIDGET (pane), refund_number, "Reprint receipt"), "clicked");
  fd_test_iterate ();
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
  text = pdf_text (pdf);
  g_assert_nonnull (strstr (text, refund_number));
  g_assert_nonnull (strstr (text, "Cash"));
  g_assert_null (strstr (text, "4242"));
  g_assert_nonnull (strstr (text, "-$25.00"));
  g_clear_pointer (&text, g_free);

  /* And so does the drawer's report */
  {
    g_autofree char *station = fd_payments_station ();
    g_autoptr(FdDocument) report = NULL;
    gint64 session = 0;

    g_auto(GStrv) lines = NULL;
    guint n_cash = 0;

    g_assert_true (fd_ledger_drawer_current (store, station, &session, NULL));
    report = fd_document_new_drawer_report (store, session, NULL, NULL, NULL);
    g_assert_true (fd_document_write_pdf (report, report_pdf, FD_DOCUMENT_PAPER_LETTER, NULL, NULL, NULL, NULL));
    text = pdf_text (report_pdf);
    lines = g_strsplit (text, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++)
      if (strstr (lines[i], refund_number) != NULL && strstr (lines[i], "Refund") != NULL &&
          strstr (lines[i], "Cash") != NULL && strstr (lines[i], "-$25.00") != NULL)
        n_cash++;
    g_assert_cmpuint (n_cash, ==, 1);
  }
  fd_payments_set_print_export (NULL);

  close_all_dialogs ();
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A remembered receipt printer that is no longer there: printing the receipt
 * after the payment says so plainly, prints nothing, leaves no file and
 * neither undoes nor repeats the payment; the next print starts afresh */
/* The desk closes the window the moment printing waits on the print system */
static void
sensitive_changed_cb (GtkWindow  *window,
                      GParamSpec *pspec,
                      guint      *tries)
{
  if (!gtk_widget_get_sensitive (GTK_WIDGET (window)))
    {
      (*tries)++;
      gtk_window_close (window);
    }
}

static void
destroyed_cb (GtkWidget *widget,
              gboolean  *destroyed)
{
  *destroyed = TRUE;
}

static void
test_missing_printer (void)
{
  gboolean destroyed = FALSE;
  guint tries = 0;
  gulong watch;
  FdWindow *window = new_window ();
  FdPaymentsView *view = payments_view (window);
  FdAccountPane *pane = fd_payments_view_get_account_pane (view);
  g_autofree char *id = add_patient ("Printer", "Gone", 0, 5000, 6);
  g_autoptr(GSettings) settings = fd_view_settings ();
  g_autoptr(FdLedgerAccount) paid = NULL;
  g_autoptr(FdLedgerAccount) after = NULL;
  g_autoptr(FdLedgerReceipt) receipt = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *number = NULL;
  g_autofree char *remembered = NULL;
  AdwMessageDialog *message;
  const char *name;
  gint64 receipts, drawer_cash;

  ensure_drawer_open ();
  fd_payments_set_print_export (NULL);
  g_settings_set_string (settings, "receipt-printer", "Front Desk Receipt Printer (gone)");

  receipts = n_receipts ();
  number = pay (view, id, 2000, FD_PAYMENT_METHOD_CASH);
  g_assert_cmpint (n_receipts (), ==, receipts + 1);
  paid = account_of (id);
  drawer_cash = drawer_expected (FD_PAYMENT_METHOD_CASH);

  /* The window is closed while the print system is asked: it stays until
   * the answer is in, so nothing printing uses goes away meanwhile */
  watch = g_signal_connect (window, "notify::sensitive", G_CALLBACK (sensitive_changed_cb), &tries);
  g_signal_connect (window, "destroy", G_CALLBACK (destroyed_cb), &destroyed);
  g_signal_emit_by_name (find_button (GTK_WIDGET (pane), number, "Reprint receipt"), "clicked");
  fd_test_iterate ();
  g_signal_handler_disconnect (window, watch);
  g_assert_cmpuint (tries, ==, 1);
  g_assert_false (destroyed);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (window)));

  /* The message, for the desk, naming the printer; no print dialog */
  message = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (message);
  g_assert_cmpstr (adw_message_dialog_get_heading (message), ==, "Could Not Print");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (message), "“Front Desk Receipt Printer (gone)”"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (message), "not available"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (message), "Nothing was printed"));
  g_assert_null (find_toplevel (GTK_TYPE_PRINT_UNIX_DIALOG));

  /* The payment is there once, as it was */
  g_assert_cmpint (n_receipts (), ==, receipts + 1);
  g_assert_cmpuint (outbox_payments (number), ==, 1);
  after = account_of (id);
  g_assert_cmpint (after->balance.cents, ==, paid->balance.cents);
  g_assert_cmpint (drawer_expected (FD_PAYMENT_METHOD_CASH), ==, drawer_cash);
  receipt = fd_ledger_get_receipt (store, number, NULL);
  g_assert_false (receipt->voided);
  g_assert_cmpint (receipt->refunded_cents, ==, 0);

  /* Nothing half-written anywhere */
  dir = g_dir_open (tmp_dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_false (name[0] == '.' && strstr (name, ".pdf.") != NULL);

  /* The printer that is gone is no longer offered */
  remembered = g_settings_get_string (settings, "receipt-printer");
  g_assert_cmpstr (remembered, ==, "");

  close_all_dialogs ();
  gtk_window_destroy (GTK_WINDOW (window));
}

/* FRONTDESK_SCREENSHOT_DIR=dir: the refund dialog over the account, for the
 * documentation, in the language of LANGUAGE (refund-dialog-en.png or -es) */
static void
test_refund_screenshot (void)
{
  FdWindow *window;
  FdPaymentsView *view;
  g_autofree char *id = NULL;
  g_autofree char *number = NULL;
  g_autofree char *path = NULL;
  g_autofree char *command = NULL;
  const char *language = g_getenv ("LANGUAGE");
  FdRefundDialog *dialog;

  /* As the station does: the desk's language, before any template is built */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("FRONTDESK_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  window = new_window ();
  view = payments_view (window);
  id = add_patient ("Lindqvist-Moreno", "Ines", 0, 9000, 20);
  ensure_drawer_open ();
  number = pay (view, id, 6000, FD_PAYMENT_METHOD_CREDIT_CARD);
  fd_test_press (GTK_WIDGET (window), "<Control>4");
  dialog = fd_refund_dialog_new (store, number);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (dialog));
  fd_refund_dialog_set_method (dialog, FD_PAYMENT_METHOD_CASH);
  gtk_editable_set_text (fd_refund_dialog_get_field (dialog, FD_PAYMENT_FIELD_AMOUNT), "25.00");
  gtk_editable_set_text (fd_refund_dialog_get_field (dialog, FD_REFUND_FIELD_REASON),
                         language && g_str_has_prefix (language, "es") ? "Cobro duplicado" : "Charged twice");
  for (guint i = 0; i < 20; i++)
    fd_test_iterate ();
  path = g_build_filename (g_getenv ("FRONTDESK_SCREENSHOT_DIR"),
                           language && g_str_has_prefix (language, "es") ? "refund-dialog-es.png"
                                                                         : "refund-dialog-en.png", NULL);
  command = g_strdup_printf ("import -window root %s", path);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));

  close_all_dialogs ();
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Printing through GtkPrintOperation to a PDF: the receipt on the 80 mm
 * roll with everything a patient checks, two same-amount payments of one
 * day as two lines of the statement on Letter paper, and a path that
 * cannot be written */
static void
test_printing (void)
{
  FdWindow *window = new_window ();
  FdPaymentsView *view = payments_view (window);
  FdAccountPane *pane = fd_payments_view_get_account_pane (view);
  g_autofree char *id = add_patient ("Printer", "Sofia", 0, 10000, 8);
  g_autofree char *pdf = g_build_filename (tmp_dir, "receipt.pdf", NULL);
  g_autofree char *statement_pdf = g_build_filename (tmp_dir, "statement.pdf", NULL);
  g_autofree char *blocked = g_build_filename (tmp_dir, "not-a-folder", NULL);
  g_autofree char *bad_pdf = g_build_filename (blocked, "receipt.pdf", NULL);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *text = NULL;
  g_autofree char *balance = NULL;
  AdwMessageDialog *error_dialog;
  double width, height;

  ensure_drawer_open ();
  for (guint i = 0; i < 2; i++)
    {
      FdPaymentDialog *dialog = FD_PAYMENT_DIALOG (fd_payments_view_open_account (view, id, 2000));

      g_assert_true (fd_test_press (GTK_WIDGET (dialog), "<Control>Return"));
      g_assert_true (fd_test_wait_for (no_payment_dialog, NULL, 5));
      if (i == 0)
        first = g_strdup (fd_account_pane_get_last_receipt (pane));
      else
        second = g_strdup (fd_account_pane_get_last_receipt (pane));
    }
  g_assert_cmpstr (first, !=, second);

  /* Reprint the second receipt from its row */
  fd_payments_set_print_export (pdf);
  g_signal_emit_by_name (find_button (GTK_WIDGET (pane), second, "Reprint receipt"), "clicked");
  fd_test_iterate ();
  g_assert_null (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
  pdf_page_size (pdf, &width, &height);
  g_assert_cmpfloat_with_epsilon (width, 226.77, 1.0);  /* 80 mm */
  text = pdf_text (pdf);
  g_assert_nonnull (strstr (text, "Printer, Sofia"));
  g_assert_nonnull (strstr (text, second));
  g_assert_nonnull (strstr (text, "Office visit"));
  g_assert_nonnull (strstr (text, "$20.00"));
  balance = fd_payments_format_cents (6000);
  g_assert_nonnull (strstr (text, balance));
  g_assert_nonnull (strstr (text, "Total paid"));
  g_assert_nonnull (strstr (text, "Remaining balance"));
  g_assert_nonnull (strstr (text, "Cash"));
  g_clear_pointer (&text, g_free);

  /* The statement: both payments, as two lines, on Letter */
  fd_payments_set_print_export (statement_pdf);
  gtk_widget_activate_action (GTK_WIDGET (pane), "account.print-statement", NULL);
  fd_test_iterate ();
  g_assert_true (g_file_test (statement_pdf, G_FILE_TEST_EXISTS));
  pdf_page_size (statement_pdf, &width, &height);
  g_assert_cmpfloat_with_epsilon (width, 612, 1.0);
  g_assert_cmpfloat_with_epsilon (height, 792, 1.0);
  text = pdf_text (statement_pdf);
  g_assert_nonnull (strstr (text, "Printer, Sofia") ? strstr (text, "Printer, Sofia") : strstr (text, "Sofia Printer"));
  g_assert_cmpuint (count_substrings (text, "-$20.00"), ==, 2);
  g_assert_cmpuint (count_substrings (text, "Payment (Cash)"), ==, 2);
  g_assert_nonnull (strstr (text, "$60.00"));
  {
    g_autoptr(FdLedgerAccount) after = account_of (id);

    /* Printing it recorded the statement date */
    g_assert_true (g_date_valid (&after->last_statement));
    g_assert_cmpint (g_date_compare (&after->last_statement, &today), ==, 0);
  }

  /* A folder that is a file: the message, and no file anywhere */
  g_assert_true (g_file_set_contents (blocked, "x", 1, NULL));
  fd_payments_set_print_export (bad_pdf);
  g_signal_emit_by_name (find_button (GTK_WIDGET (pane), first, "Reprint receipt"), "clicked");
  fd_test_iterate ();
  error_dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (error_dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (error_dialog), ==, "Could Not Print");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (error_dialog), "cannot be written"));
  g_assert_false (g_file_test (bad_pdf, G_FILE_TEST_EXISTS));
  close_all_dialogs ();

  /* An unwritable PDF path leaves the one that was there untouched */
  {
    g_autofree char *sum = fd_test_file_checksum (pdf);
    g_autofree char *ro_dir = g_build_filename (tmp_dir, "ro", NULL);
    g_autofree char *in_ro = g_build_filename (ro_dir, "receipt.pdf", NULL);
    g_autoptr(GDir) dir = NULL;
    const char *name;
    guint n = 0;

    g_assert_cmpint (g_mkdir (ro_dir, 0500), ==, 0);
    fd_payments_set_print_export (in_ro);
    g_signal_emit_by_name (find_button (GTK_WIDGET (pane), first, "Reprint receipt"), "clicked");
    fd_test_iterate ();
    if (geteuid () != 0)
      {
        g_assert_nonnull (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
        g_assert_false (g_file_test (in_ro, G_FILE_TEST_EXISTS));
      }
    close_all_dialogs ();
    /* No temporary file left behind anywhere */
    dir = g_dir_open (tmp_dir, 0, NULL);
    while ((name = g_dir_read_name (dir)) != NULL)
      g_assert_false (name[0] == '.' && strstr (name, ".pdf.") != NULL);
    g_clear_pointer (&dir, g_dir_close);
    dir = g_dir_open (ro_dir, 0, NULL);
    while ((name = g_dir_read_name (dir)) != NULL)
      n += name[0] == '.';
    g_assert_cmpuint (n, ==, 0);
    {
      g_autofree char *now = fd_test_file_checksum (pdf);

      g_assert_cmpstr (sum, ==, now);
    }
  }

  fd_payments_set_print_export (NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
statements_stopped (gpointer data)
{
  return !fd_statements_dialog_get_running (data);
}

static gboolean
statements_started (gpointer data)
{
  return fd_statements_dialog_get_done (data) > 0 || !fd_statements_dialog_get_running (data);
}

/* The statement run: cancelled it leaves no file and records nothing; run
 * through, N accounts to one PDF, progress reaching N, each dated */
static void
test_statement_run (void)
{
  FdWindow *window = new_window ();
  FdPaymentsView *view = payments_view (window);
  g_autofree char *pdf = g_build_filename (tmp_dir, "statements.pdf", NULL);
  g_autoptr(GPtrArray) groups = NULL;
  g_autofree char *text = NULL;
  FdStatementsDialog *dialog;
  gint64 recorded = sql_count ("SELECT count(*) FROM ledger_statement");
  guint n, n_accounts = 0;

  groups = fd_ledger_list_statement_groups (store, 1000, 30, &today, NULL);
  g_assert_nonnull (groups);
  n = groups->len;
  g_assert_cmpuint (n, >, 20);

  press (GTK_WIDGET (view), "<Control><Shift>s");
  dialog = find_toplevel (FD_TYPE_STATEMENTS_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (gtk_editable_get_text (fd_test_template_child (dialog, FD_TYPE_STATEMENTS_DIALOG, "min_entry")),
                   ==, "10.00");

  /* Cancelled once under way */
  fd_statements_dialog_run_to_pdf (dialog, pdf);
  g_assert_true (fd_statements_dialog_get_running (dialog));
  g_assert_true (fd_test_wait_for (statements_started, dialog, 60));
  fd_statements_dialog_cancel (dialog);
  g_assert_true (fd_test_wait_for (statements_stopped, dialog, 60));
  g_assert_nonnull (strstr (fd_statements_dialog_get_status (dialog), "Stopped"));
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_assert_cmpint (sql_count ("SELECT count(*) FROM ledger_statement"), ==, recorded);

  /* Run through */
  fd_statements_dialog_run_to_pdf (dialog, pdf);
  g_assert_true (fd_test_wait_for (statements_stopped, dialog, 120));
  g_assert_cmpuint (fd_statements_dialog_get_total (dialog), ==, n);
  g_assert_cmpuint (fd_statements_dialog_get_done (dialog), ==, n);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
  text = pdf_text (pdf);
  for (guint i = 0; i < n; i++)
    {
      FdStatementGroup *group = g_ptr_array_index (groups, i);

      for (guint j = 0; j < group->accounts->len; j++, n_accounts++)
        {
          FdStatementCandidate *candidate = g_ptr_array_index (group->accounts, j);
          g_autoptr(FdLedgerAccount) account = account_of (candidate->patient_id);
          g_autoptr(JsonObject) patient = fd_store_get (store, "Patient", candidate->patient_id, NULL);

          g_assert_true (g_date_valid (&account->last_statement));
          g_assert_cmpint (g_date_compare (&account->last_statement, &today), ==, 0);
          if (i < 10)
            {
              g_autofree char *family = g_strdup (fd_fhir_get_string (fd_fhir_patient_name (patient), "family"));

              g_assert_nonnull (strstr (text, family));
            }
        }
    }
  g_assert_cmpint (sql_count ("SELECT count(*) FROM ledger_statement"), ==, recorded + n_accounts);

  /* Nobody is due another one now */
  g_clear_pointer (&groups, g_ptr_array_unref);
  groups = fd_ledger_list_statement_groups (store, 1000, 30, &today, NULL);
  g_assert_cmpuint (groups->len, ==, 0);

  close_all_dialogs ();
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Open with a float, take payments, count the cash $5 short: the dialog
 * shows -$5.00 for cash, and the close-out report prints it */
static void
test_drawer_close (void)
{
  FdWindow *window = new_window ();
  FdPaymentsView *view = payments_view (window);
  g_autofree char *id = add_patient ("Drawer", "Pablo", 0, 12000, 4);
  g_autofree char *pdf = g_build_filename (tmp_dir, "close-out.pdf", NULL);
  g_autofree char *text = NULL;
  g_auto(FdDrawerSummary) summary = { 0 };
  FdDrawerDialog *drawer;
  gint64 expected[FD_N_PAYMENT_METHODS];

  /* Whatever earlier tests left open is closed first, balanced */
  press (GTK_WIDGET (view), "<Control>d");
  drawer = find_toplevel (FD_TYPE_DRAWER_DIALOG);
  g_assert_nonnull (drawer);
  if (fd_drawer_dialog_get_session (drawer) > 0)
    {
      for (guint m = 0; m < FD_N_PAYMENT_METHODS; m++)
        {
          g_autofree char *count = dollars (drawer_expected (m));

          gtk_editable_set_text (fd_drawer_dialog_get_counted (drawer, m), count);
        }
      g_assert_true (fd_drawer_dialog_close_drawer (drawer));
    }
  gtk_window_destroy (GTK_WINDOW (drawer));
  fd_test_iterate ();
  g_assert_false (drawer_is_open ());

  /* Opened with a $100 float */
  press (GTK_WIDGET (view), "<Control>d");
  drawer = find_toplevel (FD_TYPE_DRAWER_DIALOG);
  g_assert_cmpint (fd_drawer_dialog_get_session (drawer), ==, 0);
  gtk_editable_set_text (fd_drawer_dialog_get_float_entry (drawer), "-1.00");
  g_assert_false (fd_drawer_dialog_open_drawer (drawer));
  g_assert_false (drawer_is_open ());
  gtk_editable_set_text (fd_drawer_dialog_get_float_entry (drawer), "100.00");
  g_assert_true (fd_drawer_dialog_open_drawer (drawer));
  g_assert_true (drawer_is_open ());
  gtk_window_destroy (GTK_WINDOW (drawer));

  /* $45 cash and a $30 check */
  {
    FdPaymentDialog *dialog = FD_PAYMENT_DIALOG (fd_payments_view_open_account (view, id, 4500));

    set_field (dialog, 0, FD_PAYMENT_FIELD_TENDERED, "50.00");
    g_assert_true (fd_test_press (GTK_WIDGET (dialog), "<Control>Return"));
    g_assert_true (fd_test_wait_for (no_payment_dialog, NULL, 5));
    dialog = FD_PAYMENT_DIALOG (fd_payments_view_open_account (view, id, 3000));
    fd_payment_dialog_set_method (dialog, 0, FD_PAYMENT_METHOD_CHECK);
    set_field (dialog, 0, FD_PAYMENT_FIELD_CHECK_NUMBER, "1042");
    g_assert_true (fd_test_press (GTK_WIDGET (dialog), "<Control>Return"));
    g_assert_true (fd_test_wait_for (no_payment_dialog, NULL, 5));
  }

  press (GTK_WIDGET (view), "<Control>d");
  drawer = find_toplevel (FD_TYPE_DRAWER_DIALOG);
  g_assert_cmpint (fd_drawer_dialog_get_session (drawer), >, 0);
  for (guint m = 0; m < FD_N_PAYMENT_METHODS; m++)
    expected[m] = drawer_expected (m);
  g_assert_cmpint (expected[FD_PAYMENT_METHOD_CASH], ==, 10000 + 4500);
  g_assert_cmpint (expected[FD_PAYMENT_METHOD_CHECK], ==, 3000);

  /* Nothing counted for cash: refused, still open */
  gtk_editable_set_text (fd_drawer_dialog_get_counted (drawer, FD_PAYMENT_METHOD_CHECK), "30.00");
  g_assert_false (fd_drawer_dialog_close_drawer (drawer));
  g_assert_true (drawer_is_open ());

  /* $5 short in cash, the check as expected */
  {
    g_autofree char *cash = dollars (expected[FD_PAYMENT_METHOD_CASH] - 500);

    gtk_editable_set_text (fd_drawer_dialog_get_counted (drawer, FD_PAYMENT_METHOD_CASH), cash);
  }
  g_assert_true (g_str_has_prefix (fd_drawer_dialog_get_over_short (drawer, FD_PAYMENT_METHOD_CASH), "-$5.00"));
  g_assert_cmpstr (fd_drawer_dialog_get_over_short (drawer, FD_PAYMENT_METHOD_CHECK), ==, "Balanced");

  g_assert_true (fd_drawer_dialog_close_drawer (drawer));
  g_assert_false (drawer_is_open ());
  g_assert_true (fd_ledger_drawer_summary (store, fd_drawer_dialog_get_session (drawer), &summary, NULL));
  g_assert_cmpint (summary.over_short[FD_PAYMENT_METHOD_CASH], ==, -500);
  g_assert_cmpint (summary.over_short[FD_PAYMENT_METHOD_CHECK], ==, 0);
  /* Closed, it still shows the result */
  g_assert_true (g_str_has_prefix (fd_drawer_dialog_get_over_short (drawer, FD_PAYMENT_METHOD_CASH), "-$5.00"));

  /* The close-out report, printed */
  fd_payments_set_print_export (pdf);
  {
    g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
    GtkWidget *print = NULL;

    collect (GTK_WIDGET (drawer), GTK_TYPE_BUTTON, buttons);
    for (guint i = 0; i < buttons->len; i++)
      if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), "_Print Report…") == 0)
        print = g_ptr_array_index (buttons, i);
    g_assert_nonnull (print);
    g_assert_true (gtk_widget_is_sensitive (print));
    g_signal_emit_by_name (print, "clicked");
  }
  fd_test_iterate ();
  fd_payments_set_print_export (NULL);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
  text = pdf_text (pdf);
  g_assert_nonnull (strstr (text, "-$5.00"));
  g_assert_nonnull (strstr (text, "$145.00"));
  g_assert_nonnull (strstr (text, "$140.00"));

  close_all_dialogs ();
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  tmp_dir = fd_test_make_dir ();
  g_date_clear (&today, 1);
  g_date_set_time_t (&today, time (NULL));
  store = fd_test_seeded_store (tmp_dir, 600, 3, &today);

  g_test_add_func ("/payments-flow/account-pane", test_account_pane);
  g_test_add_func ("/payments-flow/cash-copay-and-balance", test_cash_copay_and_balance);
  g_test_add_func ("/payments-flow/bad-input", test_bad_input);
  g_test_add_func ("/payments-flow/card-numbers", test_card_numbers);
  g_test_add_func ("/payments-flow/split", test_split);
  g_test_add_func ("/payments-flow/void", test_void);
  g_test_add_func ("/payments-flow/partial-refund", test_partial_refund);
  g_test_add_func ("/payments-flow/refund-by-chosen-method", test_refund_by_chosen_method);
  if (g_getenv ("FRONTDESK_SCREENSHOT_DIR") != NULL)
    g_test_add_func ("/payments-flow/refund-screenshot", test_refund_screenshot);
  g_test_add_func ("/payments-flow/printing", test_printing);
  g_test_add_func ("/payments-flow/missing-printer", test_missing_printer);
  g_test_add_func ("/payments-flow/statement-run", test_statement_run);
  g_test_add_func ("/payments-flow/drawer-close", test_drawer_close);

  ret = g_test_run ();

  g_clear_object (&store);
  fd_test_remove_dir (tmp_dir);
  g_free (tmp_dir);
  return ret;
}
