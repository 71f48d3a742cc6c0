/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdRefundDialog"

#include "config.h"

#include <glib/gi18n.h>

#include "fd-payment-dialog.h"
#include "fd-payments-util.h"
#include "fd-refund-dialog.h"
#include "fd-store-ledger.h"

struct _FdRefundDialog
{
  AdwWindow        parent_instance;

  FdStore         *store;
  char            *receipt_number;

  AdwWindowTitle  *window_title;
  GtkLabel        *summary_label;
  GtkEntry        *amount_entry;
  GtkEntry        *reason_entry;
  GtkDropDown     *method_drop_down;
  GtkWidget       *check_box;
  GtkEntry        *check_number_entry;
  GtkWidget       *card_box;
  GtkEntry        *card_brand_entry;
  GtkEntry        *card_last4_entry;
  GtkEntry        *authorization_entry;
  GtkLabel        *error_label;
};

G_DEFINE_FINAL_TYPE (FdRefundDialog, fd_refund_dialog, ADW_TYPE_WINDOW)

enum {
  REFUNDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Helpers */

static void
show_method_fields (FdRefundDialog *self)
{
  FdPaymentMethod method = fd_refund_dialog_get_method (self);

  gtk_widget_set_visible (self->check_box, method == FD_PAYMENT_METHOD_CHECK);
  gtk_widget_set_visible (self->card_box, method == FD_PAYMENT_METHOD_CREDIT_CARD ||
                                          method == FD_PAYMENT_METHOD_DEBIT_CARD);
}

/* Callbacks */

static void
method_changed_cb (FdRefundDialog *self)
{
  show_method_fields (self);
  fd_payments_show_message (self->error_label, NULL);
}

static void
move_on_cb (FdRefundDialog *self)
{
  gtk_widget_child_focus (GTK_WIDGET (self), GTK_DIR_TAB_FORWARD);
}

static void
post_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  fd_refund_dialog_post (FD_REFUND_DIALOG (widget));
}

/* Object */

static void
fd_refund_dialog_dispose (GObject *object)
{
  FdRefundDialog *self = (FdRefundDialog *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_REFUND_DIALOG);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fd_refund_dialog_parent_class)->dispose (object);
}

static void
fd_refund_dialog_finalize (GObject *object)
{
  FdRefundDialog *self = (FdRefundDialog *)object;

  g_free (self->receipt_number);

  G_OBJECT_CLASS (fd_refund_dialog_parent_class)->finalize (object);
}

static void
fd_refund_dialog_class_init (FdRefundDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_refund_dialog_dispose;
  object_class->finalize = fd_refund_dialog_finalize;

  /**
   * FdRefundDialog::refunded:
   * @refund_receipt: the refund's own receipt number
   */
  signals[REFUNDED] =
    g_signal_new ("refunded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/frontdesk/Frontdesk/ui/payments/fd-refund-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FdRefundDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, FdRefundDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, FdRefundDialog, amount_entry);
  gtk_widget_class_bind_template_child (widget_class, FdRefundDialog, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, FdRefundDialog, method_drop_down);
  gtk_widget_class_bind_template_child (widget_class, FdRefundDialog, check_box);
  gtk_widget_class_bind_template_child (widget_class, FdRefundDialog, check_number_entry);
  gtk_widget_class_bind_template_child (widget_class, FdRefundDialog, card_box);
  gtk_widget_class_bind_template_child (widget_class, FdRefundDialog, card_brand_entry);
  gtk_widget_class_bind_template_child (widget_class, FdRefundDialog, card_last4_entry);
  gtk_widget_class_bind_template_child (widget_class, FdRefundDialog, authorization_entry);
  gtk_widget_class_bind_template_child (widget_class, FdRefundDialog, error_label);

  gtk_widget_class_install_action (widget_class, "refund.post", NULL, post_action_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "refund.post", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "refund.post", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fd_refund_dialog_init (FdRefundDialog *self)
{
  g_autoptr(GListModel) names = fd_payments_method_names ();
  static const char * const field_names[] = {
    N_("Amount to refund"), N_("Reason"), N_("Check number"), N_("Card brand"),
    N_("Last four digits"), N_("Authorization code"),
  };
  GtkEntry *entries[G_N_ELEMENTS (field_names)];

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drop_down_set_model (self->method_drop_down, names);

  entries[0] = self->amount_entry;
  entries[1] = self->reason_entry;
  entries[2] = self->check_number_entry;
  entries[3] = self->card_brand_entry;
  entries[4] = self->card_last4_entry;
  entries[5] = self->authorization_entry;
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      fd_payments_guard_editable (GTK_EDITABLE (entries[i]), _(field_names[i]), self->error_label);
      g_signal_connect_swapped (entries[i], "activate", G_CALLBACK (move_on_cb), self);
    }
  g_signal_connect_swapped (self->method_drop_down, "notify::selected", G_CALLBACK (method_changed_cb), self);
  show_method_fields (self);
}

/* Public API */

/**
 * fd_refund_dialog_new:
 * @store: the store
 * @receipt_number: the payment to give money back from
 *
 * The amount starts at what is left of the payment, the method at the
 * payment's (first) method, with a card's brand and last four digits.
 *
 * Returns: (transfer none): a new dialog, not yet shown
 */
FdRefundDialog *
fd_refund_dialog_new (FdStore    *store,
                      const char *receipt_number)
{
  FdRefundDialog *self = g_object_new (FD_TYPE_REFUND_DIALOG, NULL);
  g_autoptr(FdLedgerReceipt) receipt = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *left_text = NULL;
  gint64 left = 0;

  self->store = g_object_ref (store);
  self->receipt_number = g_strdup (receipt_number);
  adw_window_title_set_subtitle (self->window_title, receipt_number);

  receipt = fd_ledger_get_receipt (store, receipt_number, &error);
  if (receipt == NULL)
    {
      fd_payments_show_message (self->error_label, error->message);
      return self;
    }

  left = receipt->total.cents - receipt->refunded_cents;
  {
    FdMoney money;

    fd_money_init (&money, left, receipt->total.currency);
    left_text = fd_money_to_decimal (&money);
    gtk_editable_set_text (GTK_EDITABLE (self->amount_entry), left_text);
  }
  {
    g_autofree char *paid = fd_payments_format_cents (receipt->total.cents);
    g_autofree char *rest = fd_payments_format_cents (left);

    /* Translators: at the top of the refund dialog: a receipt number, what it paid, what is left to refund */
    summary = g_strdup_printf (_("Receipt %1$s paid %2$s; %3$s of it can still be given back: all of it, "
                                 "or the amount you type."), receipt_number, paid, rest);
    gtk_label_set_label (self->summary_label, summary);
  }

  if (receipt->lines->len > 0)
    {
      FdLedgerReceiptLine *first = g_ptr_array_index (receipt->lines, 0);

      fd_refund_dialog_set_method (self, first->method);
      if (first->method == FD_PAYMENT_METHOD_CREDIT_CARD || first->method == FD_PAYMENT_METHOD_DEBIT_CARD)
        {
          /* Back to the same card, unless the desk says otherwise */
          gtk_editable_set_text (GTK_EDITABLE (self->card_brand_entry), first->card_brand ? first->card_brand : "");
          gtk_editable_set_text (GTK_EDITABLE (self->card_last4_entry), first->card_last4 ? first->card_last4 : "");
        }
    }
  gtk_widget_grab_focus (GTK_WIDGET (self->reason_entry));
  return self;
}

/**
 * fd_refund_dialog_get_method:
 * @self: the dialog
 *
 * Returns: the method the money goes back by
 */
FdPaymentMethod
fd_refund_dialog_get_method (FdRefundDialog *self)
{
  g_return_val_if_fail (FD_IS_REFUND_DIALOG (self), FD_PAYMENT_METHOD_CASH);
  return (FdPaymentMethod) gtk_drop_down_get_selected (self->method_drop_down);
}

/**
 * fd_refund_dialog_set_method:
 * @self: the dialog
 * @method: the method the money goes back by
 */
void
fd_refund_dialog_set_method (FdRefundDialog  *self,
                             FdPaymentMethod  method)
{
  g_return_if_fail (FD_IS_REFUND_DIALOG (self));
  g_return_if_fail (method < FD_N_PAYMENT_METHODS);

  gtk_drop_down_set_selected (self->method_drop_down, method);
}

/**
 * fd_refund_dialog_get_field:
 * @self: the dialog
 * @field: %FD_REFUND_FIELD_REASON, or one of the FD_PAYMENT_FIELD_ names
 *   (amount, check number, card brand, last four digits, authorization)
 *
 * Returns: (transfer none) (nullable): the text field
 */
GtkEditable *
fd_refund_dialog_get_field (FdRefundDialog *self,
                            const char     *field)
{
  g_return_val_if_fail (FD_IS_REFUND_DIALOG (self), NULL);

  if (g_str_equal (field, FD_REFUND_FIELD_REASON))
    return GTK_EDITABLE (self->reason_entry);
  if (g_str_equal (field, FD_PAYMENT_FIELD_AMOUNT))
    return GTK_EDITABLE (self->amount_entry);
  if (g_str_equal (field, FD_PAYMENT_FIELD_CHECK_NUMBER))
    return GTK_EDITABLE (self->check_number_entry);
  if (g_str_equal (field, FD_PAYMENT_FIELD_CARD_BRAND))
    return GTK_EDITABLE (self->card_brand_entry);
  if (g_str_equal (field, FD_PAYMENT_FIELD_CARD_LAST4))
    return GTK_EDITABLE (self->card_last4_entry);
  if (g_str_equal (field, FD_PAYMENT_FIELD_AUTHORIZATION))
    return GTK_EDITABLE (self->authorization_entry);
  return NULL;
}

/**
 * fd_refund_dialog_get_message:
 * @self: the dialog
 *
 * Returns: (transfer none): the label that says what is wrong
 */
GtkLabel *
fd_refund_dialog_get_message (FdRefundDialog *self)
{
  g_return_val_if_fail (FD_IS_REFUND_DIALOG (self), NULL);
  return self->error_label;
}

/**
 * fd_refund_dialog_post:
 * @self: the dialog
 *
 * Checks everything and posts the refund (Ctrl+Enter); a refusal is shown
 * in the dialog and nothing is written.
 *
 * Returns: whether the refund was posted
 */
gboolean
fd_refund_dialog_post (FdRefundDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *station = fd_payments_station ();
  g_autofree char *cashier = fd_payments_cashier ();
  g_autofree char *refund_receipt = NULL;
  const char *reason = gtk_editable_get_text (GTK_EDITABLE (self->reason_entry));
  FdPaymentLine how = { 0 };

  g_return_val_if_fail (FD_IS_REFUND_DIALOG (self), FALSE);

  fd_payments_show_message (self->error_label, NULL);
  if (!fd_ledger_check_text (reason, _("Reason"), TRUE, &error) ||
      !fd_payments_parse_amount (gtk_editable_get_text (GTK_EDITABLE (self->amount_entry)), FALSE,
                                 &how.amount_cents, &error) ||
      !fd_payments_read_method (fd_refund_dialog_get_method (self), GTK_EDITABLE (self->check_number_entry),
                                GTK_EDITABLE (self->card_brand_entry), GTK_EDITABLE (self->card_last4_entry),
                                GTK_EDITABLE (self->authorization_entry), &how, &error) ||
      !fd_ledger_refund (self->store, self->receipt_number, &how, reason, station, cashier, NULL,
                         &refund_receipt, &error))
    {
      g_debug ("Refund from receipt %s refused", self->receipt_number);
      fd_payments_show_message (self->error_label, error->message);
      return FALSE;
    }

  g_debug ("Refunded from receipt %s as %s", self->receipt_number, refund_receipt);
  g_signal_emit (self, signals[REFUNDED], 0, refund_receipt);
  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}
