/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <adwaita.h>
#include <glib/gstdio.h>

#include "fd-balance-model.h"
#include "fd-demo-clinic.h"
#include "fd-payments-view.h"
#include "fd-store-ledger.h"
#include "fd-test-util.h"

typedef struct
{
  char           *dir;
  FdStore        *store;
  GHashTable     *accounts;  /* patient id -> Account id */
  GtkWindow      *window;
  FdPaymentsView *view;
} Fixture;

static gboolean
put_cb (JsonObject  *resource,
        gpointer     user_data,
        GError     **error)
{
  Fixture *f = user_data;

  if (g_strcmp0 (json_object_get_string_member_with_default (resource, "resourceType", ""), "Account") == 0)
    {
      JsonArray *subject = json_object_get_array_member (resource, "subject");
      JsonObject *ref = json_array_get_object_element (subject, 0);
      const char *reference = json_object_get_string_member (ref, "reference");

      g_assert_true (g_str_has_prefix (reference, "Patient/"));
      g_hash_table_insert (f->accounts, g_strdup (reference + strlen ("Patient/")),
                           g_strdup (json_object_get_string_member (resource, "id")));
    }

  return fd_store_put (f->store, resource, FD_STORE_ORIGIN_SERVER, error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  gboolean seed = GPOINTER_TO_INT (data);
  FdDemoOptions options;

  f->accounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  f->dir = g_dir_make_tmp ("frontdesk-payments-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "frontdesk.db", NULL);
  f->store = fd_store_open (path, &error);
  g_assert_no_error (error);

  if (seed)
    {
      fd_demo_options_init (&options);
      options.n_patients = 1000;  /* about 270 balances: three chunks of 100 */
      options.n_days = 7;
      options.seed = 20261125;
      g_date_set_dmy (&options.today, 25, 11, 2026);

      g_assert_true (fd_store_begin (f->store, &error));
      g_assert_true (fd_demo_clinic_generate (&options, put_cb, f, &error));
      g_assert_no_error (error);
      g_assert_true (fd_store_commit (f->store, &error));
    }

  f->view = g_object_new (FD_TYPE_PAYMENTS_VIEW, "store", f->store, NULL);
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 1000, 700);
  gtk_window_set_child (f->window, GTK_WIDGET (f->view));
  gtk_window_present (f->window);
  fd_test_iterate ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (f->window);
  fd_test_iterate ();
  g_clear_object (&f->store);
  g_clear_pointer (&f->accounts, g_hash_table_unref);
  fd_test_remove_dir (f->dir);
  g_free (f->dir);
}

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_widget (child, type)) != NULL)
        return found;
    }
  return NULL;
}

static const char *
visible_page (Fixture *f)
{
  GtkWidget *stack = find_widget (GTK_WIDGET (f->view), GTK_TYPE_STACK);

  g_assert_nonnull (stack);
  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

/* The model has every open balance, largest first, through all its chunks */
static void
test_order (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GListModel *model = fd_payments_view_get_model (f->view);
  gint64 expected = fd_store_count_balances (f->store, &error);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 previous = G_MAXINT64;
  guint n;

  g_assert_no_error (error);
  g_assert_nonnull (model);
  g_assert_true (g_list_model_get_item_type (model) == FD_TYPE_PATIENT_ITEM);
  n = g_list_model_get_n_items (model);
  g_assert_cmpint (n, ==, expected);
  /* More than one chunk of 100, so walking them reads several */
  g_assert_cmpuint (n, >, 100);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FdPatientItem) item = g_list_model_get_item (model, i);
      const FdMoney *balance;

      g_assert_true (FD_IS_PATIENT_ITEM (item));
      balance = fd_patient_item_get_balance (item);
      g_assert_cmpint (balance->cents, >, 0);
      g_assert_cmpint (balance->cents, <=, previous);
      previous = balance->cents;
      g_assert_true (g_hash_table_add (seen, g_strdup (fd_patient_item_get_id (item))));
    }
  g_assert_null (g_list_model_get_item (model, n));

  /* Backwards, across chunk edges, the rows are the same */
  for (guint i = n; i-- > 0;)
    {
      g_autoptr(FdPatientItem) item = g_list_model_get_item (model, i);

      g_assert_true (g_hash_table_contains (seen, fd_patient_item_get_id (item)));
    }

  g_assert_cmpstr (visible_page (f), ==, "list");
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *count)
{
  (*count)++;
}

/* A balance paid in full takes its patient off the list at once */
static void
test_store_changed (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdPatientItem) first = NULL;
  g_autoptr(FdPatientItem) top = NULL;
  g_autofree char *receipt = NULL;
  GListModel *model = fd_payments_view_get_model (f->view);
  guint n = g_list_model_get_n_items (model);
  guint changes = 0;
  gint64 session = 0;
  FdPaymentLine line = { 0 };
  FdPaymentRequest request = { 0 };

  first = g_list_model_get_item (model, 0);
  g_assert_true (fd_ledger_drawer_open (f->store, "T1", "Test cashier", 0, NULL, &session, &error));
  g_assert_no_error (error);

  line.method = FD_PAYMENT_METHOD_CASH;
  line.amount_cents = fd_patient_item_get_balance (first)->cents;
  request.patient_id = fd_patient_item_get_id (first);
  request.station = "T1";
  request.cashier = "Test cashier";
  request.amount_cents = line.amount_cents;
  request.lines = &line;
  request.n_lines = 1;
  request.mode = FD_APPLY_OLDEST_FIRST;

  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  g_assert_true (fd_ledger_post_payment (f->store, &request, &receipt, &error));
  g_assert_no_error (error);
  fd_test_iterate ();
  g_signal_handlers_disconnect_by_func (model, items_changed_cb, &changes);

  g_assert_cmpuint (changes, >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n - 1);
  top = g_list_model_get_item (model, 0);
  g_assert_cmpstr (fd_patient_item_get_id (top), !=, fd_patient_item_get_id (first));
}

static void
patient_activated_cb (FdPaymentsView *view,
                      const char     *patient_id,
                      char          **out)
{
  g_free (*out);
  *out = g_strdup (patient_id);
}

/* Activating a row (Enter, double-click) names its patient */
static void
test_activate (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(FdPatientItem) item = g_list_model_get_item (fd_payments_view_get_model (f->view), 2);
  g_autofree char *activated = NULL;
  GtkWidget *column_view = find_widget (GTK_WIDGET (f->view), GTK_TYPE_COLUMN_VIEW);

  g_assert_nonnull (column_view);
  g_signal_connect (f->view, "patient-activated", G_CALLBACK (patient_activated_cb), &activated);
  g_signal_emit_by_name (column_view, "activate", 2);
  g_assert_cmpstr (activated, ==, fd_patient_item_get_id (item));
}

/* A store where nobody owes anything shows the status page */
static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  g_assert_cmpuint (g_list_model_get_n_items (fd_payments_view_get_model (f->view)), ==, 0);
  g_assert_cmpstr (visible_page (f), ==, "empty");
}

/* The model alone: reload reports every row changed */
static void
test_model_reload (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(FdBalanceModel) model = fd_balance_model_new (f->store);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));
  guint changes = 0;

  g_assert_cmpuint (n, ==, g_list_model_get_n_items (fd_payments_view_get_model (f->view)));
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  fd_balance_model_reload (model);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, n);

  g_clear_object (&model);
  model = fd_balance_model_new (NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 0));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/payments-view/order", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_order, fixture_tear_down);
  g_test_add ("/payments-view/store-changed", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_store_changed, fixture_tear_down);
  g_test_add ("/payments-view/activate", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_activate, fixture_tear_down);
  g_test_add ("/payments-view/empty", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_empty, fixture_tear_down);
  g_test_add ("/payments-view/model-reload", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_model_reload, fixture_tear_down);

  return g_test_run ();
}
