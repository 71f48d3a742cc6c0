/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdPaymentsView"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "fd-account-pane.h"
#include "fd-balance-model.h"
#include "fd-drawer-dialog.h"
#include "fd-money.h"
#include "fd-payments-view.h"
#include "fd-statements-dialog.h"
#include "fd-store.h"
#include "fd-view-util.h"

/* The patients with an open balance, largest first. */
struct _FdPaymentsView
{
  GtkWidget           parent_instance;

  FdStore            *store;
  FdBalanceModel     *model;
  GtkSingleSelection *selection;
  gulong              changed_id;
  FdMoneyStyle        money_style;

  GtkLabel           *summary_label;
  GtkStack           *stack;
  GtkColumnView      *column_view;
  GtkStack           *account_stack;
  FdAccountPane      *account_pane;
};

G_DEFINE_FINAL_TYPE (FdPaymentsView, fd_payments_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

enum {
  PATIENT_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef enum
{
  COLUMN_PATIENT,
  COLUMN_MRN,
  COLUMN_PHONE,
  COLUMN_BALANCE,
} Column;

/* Helpers */

static void
update_summary (FdPaymentsView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  g_autofree char *summary = NULL;

  /* Translators: how many patients owe money to the clinic */
  summary = g_strdup_printf (ngettext ("%u patient with an open balance",
                                       "%u patients with an open balance", n), n);
  gtk_label_set_label (self->summary_label, summary);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_label), n > 0);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);

  switch (column)
    {
    case COLUMN_PATIENT:
      {
        GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
        GtkWidget *avatar = adw_avatar_new (28, NULL, TRUE);

        gtk_accessible_update_state (GTK_ACCESSIBLE (avatar), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
        gtk_box_append (GTK_BOX (box), avatar);
        gtk_widget_set_hexpand (label, TRUE);
        gtk_box_append (GTK_BOX (box), label);
        gtk_list_item_set_child (list_item, box);
      }
      return;

    case COLUMN_MRN:
      gtk_widget_add_css_class (label, "numeric");
      gtk_widget_add_css_class (label, "dim-label");
      break;

    case COLUMN_PHONE:
      gtk_widget_add_css_class (label, "numeric");
      break;

    case COLUMN_BALANCE:
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_widget_add_css_class (label, "balance-amount");
      gtk_widget_add_css_class (label, "numeric");
      break;

    default:
      g_assert_not_reached ();
    }

  gtk_list_item_set_child (list_item, label);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item,
         FdPaymentsView           *self)
{
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "column"));
  FdPatientItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *child = gtk_list_item_get_child (list_item);

  if (item == NULL)
    return;

  switch (column)
    {
    case COLUMN_PATIENT:
      {
        GtkWidget *avatar = gtk_widget_get_first_child (child);
        GtkWidget *label = gtk_widget_get_next_sibling (avatar);
        const char *display = fd_patient_item_get_display (item);

        adw_avatar_set_text (ADW_AVATAR (avatar), display);
        gtk_label_set_label (GTK_LABEL (label), display);
      }
      break;

    case COLUMN_MRN:
      gtk_label_set_label (GTK_LABEL (child), fd_patient_item_get_mrn (item));
      break;

    case COLUMN_PHONE:
      gtk_label_set_label (GTK_LABEL (child), fd_patient_item_get_phone (item));
      break;

    case COLUMN_BALANCE:
      {
        const FdMoney *balance = fd_patient_item_get_balance (item);
        g_autofree char *text = balance->currency[0] ? fd_money_format (balance, &self->money_style) : NULL;

        gtk_label_set_label (GTK_LABEL (child), text);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
add_column (FdPaymentsView *self,
            const char     *title,
            Column          column,
            gboolean        expand,
            int             fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) col = NULL;

  g_object_set_data (G_OBJECT (factory), "column", GINT_TO_POINTER (column));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), GINT_TO_POINTER (column));
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_cb), self, 0);
  col = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (col, expand);
  gtk_column_view_column_set_resizable (col, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (col, fixed_width);
  gtk_column_view_append_column (self->column_view, col);
}

/* Callbacks */

static void
store_changed_cb (FdStore            *store,
                  const char         *type,
                  const char * const *ids,
                  FdPaymentsView     *self)
{
  if (g_str_equal (type, "Account") || g_str_equal (type, "Patient") ||
      g_str_equal (type, "PaymentReconciliation") || g_str_equal (type, "Invoice"))
    fd_balance_model_reload (self->model);
}

static void
model_items_changed_cb (FdPaymentsView *self,
                        guint           position,
                        guint           removed,
                        guint           added,
                        GListModel     *model)
{
  update_summary (self);
}

static void
column_view_activated_cb (FdPaymentsView *self,
                          guint           position,
                          GtkColumnView  *column_view)
{
  g_autoptr(FdPatientItem) item = g_list_model_get_item (G_LIST_MODEL (self->model), position);
  const char *patient_id = item ? fd_patient_item_get_id (item) : NULL;

  if (patient_id != NULL && patient_id[0] != '\0')
    g_signal_emit (self, signals[PATIENT_ACTIVATED], 0, patient_id);
}

static void
selection_changed_cb (FdPaymentsView *self)
{
  FdPatientItem *item = gtk_single_selection_get_selected_item (self->selection);
  const char *patient_id = item ? fd_patient_item_get_id (item) : NULL;

  if (patient_id != NULL && patient_id[0] != '\0')
    fd_payments_view_open_account (self, patient_id, -2);
}

static void
drawer_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FdPaymentsView *self = FD_PAYMENTS_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  FdDrawerDialog *dialog;

  if (self->store == NULL)
    return;
  dialog = fd_drawer_dialog_new (self->store);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
statement_run_action_cb (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  FdPaymentsView *self = FD_PAYMENTS_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  FdStatementsDialog *dialog;

  if (self->store == NULL)
    return;
  dialog = fd_statements_dialog_new (self->store);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
take_payment_action_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  FdPaymentsView *self = FD_PAYMENTS_VIEW (widget);

  fd_account_pane_take_payment (self->account_pane, -1);
}

/* Object */

static void
set_model (FdPaymentsView *self,
           FdBalanceModel *model)
{
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, model_items_changed_cb, self);
  g_set_object (&self->model, model);
  g_signal_connect_object (model, "items-changed", G_CALLBACK (model_items_changed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (model));
  update_summary (self);
}

static void
set_store (FdPaymentsView *self,
           FdStore        *store)
{
  g_autoptr(FdBalanceModel) model = NULL;

  if (!fd_view_set_store (&self->store, &self->changed_id, store, G_CALLBACK (store_changed_cb), self))
    return;

  model = fd_balance_model_new (store);
  set_model (self, model);
  g_object_set (self->account_pane, "store", store, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

static void
fd_payments_view_dispose (GObject *object)
{
  FdPaymentsView *self = (FdPaymentsView *)object;

  fd_view_clear_store (&self->store, &self->changed_id);
  fd_view_unparent_children (GTK_WIDGET (self));
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_PAYMENTS_VIEW);
  g_clear_object (&self->selection);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, model_items_changed_cb, self);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (fd_payments_view_parent_class)->dispose (object);
}

static void
fd_payments_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FdPaymentsView *self = FD_PAYMENTS_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_payments_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FdPaymentsView *self = FD_PAYMENTS_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_payments_view_class_init (FdPaymentsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_payments_view_dispose;
  object_class->get_property = fd_payments_view_get_property;
  object_class->set_property = fd_payments_view_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FdPaymentsView::patient-activated:
   * @patient_id: the id of the patient of the activated row
   */
  signals[PATIENT_ACTIVATED] =
    g_signal_new ("patient-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/frontdesk/Frontdesk/ui/payments/fd-payments-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FdPaymentsView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, FdPaymentsView, stack);
  gtk_widget_class_bind_template_child (widget_class, FdPaymentsView, column_view);
  gtk_widget_class_bind_template_child (widget_class, FdPaymentsView, account_stack);
  gtk_widget_class_bind_template_child (widget_class, FdPaymentsView, account_pane);
  gtk_widget_class_bind_template_callback (widget_class, column_view_activated_cb);

  gtk_widget_class_install_action (widget_class, "payments.drawer", NULL, drawer_action_cb);
  gtk_widget_class_install_action (widget_class, "payments.statement-run", NULL, statement_run_action_cb);
  gtk_widget_class_install_action (widget_class, "payments.take-payment", NULL, take_payment_action_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK,
                                       "payments.drawer", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "payments.statement-run", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK,
                                       "payments.take-payment", NULL);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
fd_payments_view_init (FdPaymentsView *self)
{
  g_autoptr(FdBalanceModel) model = NULL;

  g_type_ensure (FD_TYPE_ACCOUNT_PANE);
  gtk_widget_init_template (GTK_WIDGET (self));
  fd_money_style_from_locale (&self->money_style);

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "selection-changed", G_CALLBACK (selection_changed_cb), self,
                           G_CONNECT_SWAPPED);

  add_column (self, _("Patient"), COLUMN_PATIENT, TRUE, -1);
  /* Beside the account pane the list keeps to who and how much */
  add_column (self, _("MRN"), COLUMN_MRN, FALSE, 100);
  add_column (self, _("Balance"), COLUMN_BALANCE, FALSE, 120);

  model = fd_balance_model_new (NULL);
  set_model (self, model);
}

/**
 * fd_payments_view_get_model:
 * @self: the view
 *
 * Returns: (transfer none): the patients shown, of #FdPatientItem
 */
GListModel *
fd_payments_view_get_model (FdPaymentsView *self)
{
  g_return_val_if_fail (FD_IS_PAYMENTS_VIEW (self), NULL);
  return G_LIST_MODEL (self->model);
}

/**
 * fd_payments_view_open_account:
 * @self: the view
 * @patient_id: whose account
 * @amount_cents: the amount to take at once, as check-in's "Collect Now"
 *   asks; -1 for what is due; -2 to only show the account
 *
 * Shows the patient's account and, unless @amount_cents is -2, the payment
 * dialog with that amount.
 *
 * Returns: (transfer none) (nullable): the payment dialog when one opened
 */
GtkWindow *
fd_payments_view_open_account (FdPaymentsView *self,
                               const char     *patient_id,
                               gint64          amount_cents)
{
  g_return_val_if_fail (FD_IS_PAYMENTS_VIEW (self), NULL);

  fd_account_pane_set_patient_id (self->account_pane, patient_id);
  gtk_stack_set_visible_child_name (self->account_stack, patient_id ? "account" : "none");
  if (patient_id == NULL || amount_cents < -1)
    return NULL;
  return fd_account_pane_take_payment (self->account_pane, amount_cents == 0 ? -1 : amount_cents);
}

/**
 * fd_payments_view_get_account_pane:
 * @self: the view
 *
 * Returns: (transfer none): the account shown beside the list
 */
FdAccountPane *
fd_payments_view_get_account_pane (FdPaymentsView *self)
{
  g_return_val_if_fail (FD_IS_PAYMENTS_VIEW (self), NULL);
  return self->account_pane;
}
