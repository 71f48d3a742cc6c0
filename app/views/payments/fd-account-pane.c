/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdAccountPane"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "fd-account-pane.h"
#include "fd-fhir.h"
#include "fd-payment-dialog.h"
#include "fd-payments-util.h"
#include "fd-refund-dialog.h"
#include "fd-store-ledger.h"
#include "fd-view-util.h"

struct _FdAccountPane
{
  GtkWidget        parent_instance;

  FdStore         *store;
  gulong           changed_id;
  char            *patient_id;
  char            *last_receipt;
  char            *change_text;
  FdMoneyStyle     money_style;

  GtkLabel        *name_label;
  GtkLabel        *account_label;
  GtkRevealer     *change_revealer;
  GtkLabel        *change_label;
  GtkFlowBox      *totals_box;
  GtkListBox      *activity_list;
  GtkListBox      *receipt_list;
};

G_DEFINE_FINAL_TYPE (FdAccountPane, fd_account_pane, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_PATIENT_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Helpers */

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      if (GTK_IS_LIST_BOX (box))
        gtk_list_box_remove (GTK_LIST_BOX (box), child);
      else
        gtk_flow_box_remove (GTK_FLOW_BOX (box), child);
    }
}

static char *
format_money (FdAccountPane *self,
              const FdMoney *money)
{
  FdMoney m = *money;

  if (m.currency[0] == '\0')
    fd_money_init (&m, money->cents, NULL);
  return fd_money_format (&m, &self->money_style);
}

static char *
format_date (const GDate *date)
{
  char buffer[64];

  if (!g_date_valid (date))
    return g_strdup ("");
  g_date_strftime (buffer, sizeof buffer, "%x", date);
  return g_strdup (buffer);
}

static void
add_total (FdAccountPane *self,
           const char    *title,
           gint64         cents,
           const char    *css_class)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *label = gtk_label_new (title);
  g_autofree char *text = fd_payments_format_cents (cents);
  GtkWidget *amount = gtk_label_new (text);

  gtk_widget_add_css_class (box, "card");
  gtk_widget_add_css_class (box, "account-total");
  if (css_class != NULL)
    gtk_widget_add_css_class (box, css_class);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (amount, "title-3");
  gtk_widget_add_css_class (amount, "numeric");
  gtk_widget_set_margin_top (label, 8);
  gtk_widget_set_margin_bottom (amount, 8);
  gtk_widget_set_margin_start (box, 2);
  gtk_widget_set_margin_end (box, 2);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), amount);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_flow_box_append (self->totals_box, box);
}

static const char *
entry_kind_name (FdLedgerEntryKind kind)
{
  switch (kind)
    {
    case FD_LEDGER_ENTRY_CHARGE:
      return _("Charge");
    case FD_LEDGER_ENTRY_ADJUSTMENT:
      return _("Adjustment");
    case FD_LEDGER_ENTRY_INSURANCE:
      return _("Insurance payment");
    case FD_LEDGER_ENTRY_PAYMENT:
      return _("Patient payment");
    case FD_LEDGER_ENTRY_VOID:
      return _("Void");
    case FD_LEDGER_ENTRY_REFUND:
      return _("Refund");
    default:
      return "";
    }
}

static void
add_empty_row (GtkListBox *list,
               const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_list_box_append (list, label);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (gtk_widget_get_last_child (GTK_WIDGET (list))), FALSE);
}

static void receipt_button_clicked_cb (GtkButton *button, FdAccountPane *self);

static GtkWidget *
receipt_button (FdAccountPane *self,
                const char    *icon,
                const char    *tooltip,
                const char    *what,
                const char    *number)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data_full (G_OBJECT (button), "receipt", g_strdup (number), g_free);
  g_object_set_data (G_OBJECT (button), "what", (gpointer) what);
  g_signal_connect (button, "clicked", G_CALLBACK (receipt_button_clicked_cb), self);
  return button;
}

static void
reload (FdAccountPane *self)
{
  g_auto(FdLedgerAccount) account = { 0 };
  g_autoptr(GPtrArray) activity = NULL;
  g_autoptr(GPtrArray) receipts = NULL;
  g_autoptr(JsonObject) patient = NULL;
  g_autoptr(GError) error = NULL;
  GDate today;

  clear_box (GTK_WIDGET (self->totals_box));
  clear_box (GTK_WIDGET (self->activity_list));
  clear_box (GTK_WIDGET (self->receipt_list));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "account.take-payment", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "account.print-statement", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "account.save-statement", FALSE);

  if (self->store == NULL || self->patient_id == NULL)
    {
      gtk_label_set_label (self->name_label, "");
      gtk_label_set_label (self->account_label, "");
      return;
    }

  patient = fd_store_get (self->store, "Patient", self->patient_id, NULL);
  if (patient != NULL)
    {
      g_autofree char *name = fd_fhir_patient_display (patient);
      gtk_label_set_label (self->name_label, name);
    }

  g_date_set_time_t (&today, time (NULL));
  if (!fd_ledger_get_account (self->store, self->patient_id, &today, &account, &error))
    {
      g_warning ("Could not read the account of Patient/%s: %s", self->patient_id, error->message);
      return;
    }

  {
    const char *mrn = patient ? fd_fhir_patient_mrn (patient) : NULL;
    g_autoptr(GString) text = g_string_new (NULL);

    if (mrn != NULL)
      /* Translators: medical record number */
      g_string_append_printf (text, _("MRN %s"), mrn);
    if (account.account_id != NULL)
      {
        if (text->len)
          g_string_append (text, " · ");
        /* Translators: the account number under the patient's name */
        g_string_append_printf (text, _("Account %s"), account.account_number);
      }
    else
      g_string_append_printf (text, "%s%s", text->len ? " · " : "", _("No account on file"));
    gtk_label_set_label (self->account_label, text->str);
  }

  add_total (self, _("Balance"), account.balance.cents, account.balance.cents > 0 ? "owed" : NULL);
  add_total (self, _("Co-pay due today"), account.copay_due.cents, account.copay_due.cents > 0 ? "owed" : NULL);
  add_total (self, _("Credit"), account.credit.cents, NULL);
  add_total (self, _("Current"), account.aging[FD_AGING_CURRENT], NULL);
  add_total (self, _("31–60 days"), account.aging[FD_AGING_31_60], NULL);
  add_total (self, _("61–90 days"), account.aging[FD_AGING_61_90], NULL);
  add_total (self, _("Over 90 days"), account.aging[FD_AGING_OVER_90], account.aging[FD_AGING_OVER_90] > 0 ? "overdue" : NULL);

  activity = fd_ledger_list_activity (self->store, self->patient_id, NULL, &error);
  if (activity == NULL)
    g_warning ("Could not read the activity of Patient/%s: %s", self->patient_id, error->message);
  for (guint i = 0; activity != NULL && i < activity->len; i++)
    {
      FdLedgerEntry *entry = g_ptr_array_index (activity, activity->len - 1 - i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *date = format_date (&entry->date);
      g_autofree char *amount = format_money (self, &entry->amount);
      g_autofree char *subtitle = entry->receipt_number
                                  ? g_strdup_printf ("%s · %s · %s", date, entry_kind_name (entry->kind), entry->receipt_number)
                                  : g_strdup_printf ("%s · %s", date, entry_kind_name (entry->kind));
      g_autofree char *title = g_markup_escape_text (entry->description ? entry->description : "", -1);
      GtkWidget *label = gtk_label_new (amount);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_add_css_class (label, "numeric");
      if (entry->amount.cents < 0)
        gtk_widget_add_css_class (label, "success");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      gtk_list_box_append (self->activity_list, row);
    }
  if (activity == NULL || activity->len == 0)
    add_empty_row (self->activity_list, _("No activity on this account"));

  g_clear_error (&error);
  receipts = fd_ledger_list_receipts (self->store, self->patient_id, &error);
  if (receipts == NULL)
    g_warning ("Could not read the receipts of Patient/%s: %s", self->patient_id, error->message);
  for (guint i = 0; receipts != NULL && i < receipts->len; i++)
    {
      FdLedgerReceipt *receipt = g_ptr_array_index (receipts, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *amount = format_money (self, &receipt->total);
      g_autofree char *when = receipt->created ? g_date_time_format (receipt->created, "%x %X") : g_strdup ("");
      const char *kind = g_strcmp0 (receipt->kind, "void") == 0 ? _("Void")
                       : g_strcmp0 (receipt->kind, "refund") == 0 ? _("Refund")
                       : receipt->voided ? _("Payment, voided") : _("Payment");
      g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s", when, kind, amount);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), receipt->number);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 receipt_button (self, "printer-symbolic", _("Reprint receipt"), "reprint", receipt->number));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 receipt_button (self, "document-save-symbolic", _("Save receipt as PDF"), "save", receipt->number));
      if (g_strcmp0 (receipt->kind, "payment") == 0 && !receipt->voided &&
          receipt->refunded_cents < receipt->total.cents)
        {
          adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                     receipt_button (self, "edit-undo-symbolic", _("Void payment"), "void", receipt->number));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                     receipt_button (self, "edit-redo-symbolic", _("Refund payment"), "refund", receipt->number));
        }
      gtk_list_box_append (self->receipt_list, row);
    }
  if (receipts == NULL || receipts->len == 0)
    add_empty_row (self->receipt_list, _("No receipts yet"));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "account.take-payment", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "account.print-statement", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "account.save-statement", TRUE);
}

static FdDocument *
receipt_document (FdAccountPane *self,
                  const char    *number,
                  gboolean       copy)
{
  FdDocumentClinic clinic;
  g_autoptr(GError) error = NULL;
  FdDocument *document;

  fd_payments_load_clinic (&clinic);
  document = fd_document_new_receipt (self->store, number, copy, &clinic, &error);
  fd_payments_clear_clinic (&clinic);
  if (document == NULL)
    fd_payments_show_error (GTK_WIDGET (self), _("Could Not Print the Receipt"), error->message);
  return document;
}

static void
print_receipt (FdAccountPane *self,
               const char    *number,
               gboolean       copy)
{
  g_autoptr(FdDocument) document = receipt_document (self, number, copy);

  if (document != NULL)
    fd_payments_print_interactive (GTK_WIDGET (self), document, FD_PRINT_KIND_RECEIPT);
}

static FdDocument *
statement_document (FdAccountPane *self)
{
  FdDocumentClinic clinic;
  g_autoptr(GError) error = NULL;
  FdDocument *document;
  GDate today;

  g_date_set_time_t (&today, time (NULL));
  fd_payments_load_clinic (&clinic);
  document = fd_document_new_statement (self->store, self->patient_id, &today, &clinic, &error);
  fd_payments_clear_clinic (&clinic);
  if (document == NULL)
    fd_payments_show_error (GTK_WIDGET (self), _("Could Not Prepare the Statement"), error->message);
  return document;
}

static void
record_statement (FdAccountPane *self)
{
  g_autoptr(GError) error = NULL;
  GDate today;

  g_date_set_time_t (&today, time (NULL));
  if (!fd_ledger_record_statement (self->store, self->patient_id, &today, &error))
    g_warning ("Could not record the statement of Patient/%s: %s", self->patient_id, error->message);
}

typedef struct
{
  FdAccountPane *self;
  char          *number;
} CorrectionData;

static void
correction_data_free (gpointer  user_data,
                      GClosure *closure)
{
  CorrectionData *data = user_data;

  g_object_unref (data->self);
  g_free (data->number);
  g_free (data);
}

static void
correction_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        CorrectionData   *data)
{
  GtkWidget *box = adw_message_dialog_get_extra_child (dialog);
  GtkEditable *entry = GTK_EDITABLE (gtk_widget_get_first_child (box));
  g_autofree char *reason = g_strdup (gtk_editable_get_text (entry));
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "confirm"))
    return;
  if (!fd_account_pane_void (data->self, data->number, reason, &error))
    fd_payments_show_error (GTK_WIDGET (data->self), _("Could Not Void the Payment"), error->message);
}

static void
ask_void (FdAccountPane *self,
          const char    *number)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  CorrectionData *data = g_new0 (CorrectionData, 1);
  GtkWidget *dialog, *box, *entry, *message;
  g_autofree char *body = NULL;

  data->self = g_object_ref (self);
  data->number = g_strdup (number);

  /* Translators: %s is a receipt number */
  body = g_strdup_printf (_("Receipt %s is cancelled and a void receipt records it. This cannot be undone."), number);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _("Void Payment?"), body);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Reason (required)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Reason"), -1);
  message = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (message), TRUE);
  gtk_widget_add_css_class (message, "error");
  gtk_widget_set_visible (message, FALSE);
  fd_payments_guard_editable (GTK_EDITABLE (entry), _("Reason"), GTK_LABEL (message));
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), message);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "confirm", _("_Void"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "confirm", ADW_RESPONSE_DESTRUCTIVE);
  g_signal_connect_data (dialog, "response", G_CALLBACK (correction_response_cb), data,
                         correction_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void refunded_cb (FdRefundDialog *dialog, const char *refund_receipt, FdAccountPane *self);

static void
ask_refund (FdAccountPane *self,
            const char    *number)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  FdRefundDialog *dialog = fd_refund_dialog_new (self->store, number);

  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  g_signal_connect_object (dialog, "refunded", G_CALLBACK (refunded_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Callbacks */

static void
receipt_button_clicked_cb (GtkButton     *button,
                           FdAccountPane *self)
{
  const char *number = g_object_get_data (G_OBJECT (button), "receipt");
  const char *what = g_object_get_data (G_OBJECT (button), "what");

  if (g_str_equal (what, "reprint"))
    print_receipt (self, number, TRUE);
  else if (g_str_equal (what, "save"))
    {
      FdDocument *document = receipt_document (self, number, TRUE);
      g_autofree char *name = g_strdup_printf ("%s.pdf", number);

      if (document != NULL)
        fd_payments_save_pdf (GTK_WIDGET (self), document, FD_PRINT_KIND_RECEIPT, name);
    }
  else if (g_str_equal (what, "void"))
    ask_void (self, number);
  else if (g_str_equal (what, "refund"))
    ask_refund (self, number);
}

static AdwToast *
receipt_toast (const char *title,
               const char *receipt_number)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_button_label (toast, _("_Print Receipt"));
  adw_toast_set_timeout (toast, 10);
  g_object_set_data_full (G_OBJECT (toast), "receipt", g_strdup (receipt_number), g_free);
  return toast;
}

static void
toast_print_cb (AdwToast      *toast,
                FdAccountPane *self)
{
  const char *number = g_object_get_data (G_OBJECT (toast), "receipt");

  print_receipt (self, number, FALSE);
}

static void
posted_cb (FdPaymentDialog *dialog,
           const char      *receipt_number,
           gint64           change_cents,
           FdAccountPane   *self)
{
  g_autofree char *title = NULL;
  AdwToast *toast;

  g_free (self->last_receipt);
  self->last_receipt = g_strdup (receipt_number);
  g_clear_pointer (&self->change_text, g_free);

  if (change_cents > 0)
    {
      g_autofree char *change = fd_payments_format_cents (change_cents);

      /* Translators: shown large after a cash payment */
      self->change_text = g_strdup_printf (_("Change due: %s"), change);
      gtk_label_set_label (self->change_label, self->change_text);
      gtk_revealer_set_reveal_child (self->change_revealer, TRUE);
    }
  else
    gtk_revealer_set_reveal_child (self->change_revealer, FALSE);

  reload (self);

  if (self->change_text != NULL)
    /* Translators: a toast: the receipt number and the change to give back */
    title = g_strdup_printf (_("Receipt %s posted · %s"), receipt_number, self->change_text);
  else
    /* Translators: a toast with the receipt number */
    title = g_strdup_printf (_("Receipt %s posted"), receipt_number);
  toast = receipt_toast (title, receipt_number);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (toast_print_cb), self, 0);
  fd_view_show_toast (GTK_WIDGET (self), toast);
}

static void
refunded_cb (FdRefundDialog *dialog,
             const char     *refund_receipt,
             FdAccountPane  *self)
{
  /* Translators: a toast with the refund's own receipt number */
  g_autofree char *title = g_strdup_printf (_("Refund %s posted"), refund_receipt);
  AdwToast *toast = receipt_toast (title, refund_receipt);

  reload (self);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (toast_print_cb), self, 0);
  fd_view_show_toast (GTK_WIDGET (self), toast);
}

static void
store_changed_cb (FdStore            *store,
                  const char         *type,
                  const char * const *ids,
                  FdAccountPane      *self)
{
  if (self->patient_id == NULL)
    return;
  if (g_str_equal (type, "Account") || g_str_equal (type, "Invoice") || g_str_equal (type, "ChargeItem") ||
      g_str_equal (type, "PaymentReconciliation") || g_str_equal (type, "Coverage") ||
      g_str_equal (type, "Patient") || g_str_equal (type, "Appointment"))
    reload (self);
}

static void
take_payment_action_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  fd_account_pane_take_payment (FD_ACCOUNT_PANE (widget), -1);
}

static void
print_statement_action_cb (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  FdAccountPane *self = FD_ACCOUNT_PANE (widget);
  g_autoptr(FdDocument) document = statement_document (self);
  g_autoptr(GError) error = NULL;
  GtkPrintOperationResult result;

  if (document == NULL)
    return;
  result = fd_payments_print (widget, document, FD_PRINT_KIND_STATEMENT,
                              GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, NULL, &error);
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    fd_payments_show_error (widget, _("Could Not Print"), error ? error->message : "");
  else if (result == GTK_PRINT_OPERATION_RESULT_APPLY)
    record_statement (self);
}

static void
save_statement_action_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  FdAccountPane *self = FD_ACCOUNT_PANE (widget);
  FdDocument *document = statement_document (self);

  if (document != NULL)
    fd_payments_save_pdf (widget, document, FD_PRINT_KIND_STATEMENT, _("statement.pdf"));
}

/* Object */

static void
set_store (FdAccountPane *self,
           FdStore       *store)
{
  if (!fd_view_set_store (&self->store, &self->changed_id, store, G_CALLBACK (store_changed_cb), self))
    return;
  reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

static void
fd_account_pane_dispose (GObject *object)
{
  FdAccountPane *self = (FdAccountPane *)object;

  fd_view_clear_store (&self->store, &self->changed_id);
  fd_view_unparent_children (GTK_WIDGET (self));
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_ACCOUNT_PANE);

  G_OBJECT_CLASS (fd_account_pane_parent_class)->dispose (object);
}

static void
fd_account_pane_finalize (GObject *object)
{
  FdAccountPane *self = (FdAccountPane *)object;

  g_free (self->patient_id);
  g_free (self->last_receipt);
  g_free (self->change_text);

  G_OBJECT_CLASS (fd_account_pane_parent_class)->finalize (object);
}

static void
fd_account_pane_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FdAccountPane *self = FD_ACCOUNT_PANE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_PATIENT_ID:
      g_value_set_string (value, self->patient_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_account_pane_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FdAccountPane *self = FD_ACCOUNT_PANE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      set_store (self, g_value_get_object (value));
      break;
    case PROP_PATIENT_ID:
      fd_account_pane_set_patient_id (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_account_pane_class_init (FdAccountPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_account_pane_dispose;
  object_class->finalize = fd_account_pane_finalize;
  object_class->get_property = fd_account_pane_get_property;
  object_class->set_property = fd_account_pane_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PATIENT_ID] =
    g_param_spec_string ("patient-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/frontdesk/Frontdesk/ui/payments/fd-account-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, FdAccountPane, name_label);
  gtk_widget_class_bind_template_child (widget_class, FdAccountPane, account_label);
  gtk_widget_class_bind_template_child (widget_class, FdAccountPane, change_revealer);
  gtk_widget_class_bind_template_child (widget_class, FdAccountPane, change_label);
  gtk_widget_class_bind_template_child (widget_class, FdAccountPane, totals_box);
  gtk_widget_class_bind_template_child (widget_class, FdAccountPane, activity_list);
  gtk_widget_class_bind_template_child (widget_class, FdAccountPane, receipt_list);

  gtk_widget_class_install_action (widget_class, "account.take-payment", NULL, take_payment_action_cb);
  gtk_widget_class_install_action (widget_class, "account.print-statement", NULL, print_statement_action_cb);
  gtk_widget_class_install_action (widget_class, "account.save-statement", NULL, save_statement_action_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
fd_account_pane_init (FdAccountPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  fd_money_style_from_locale (&self->money_style);
  reload (self);
}

/**
 * fd_account_pane_set_patient_id:
 * @self: the pane
 * @patient_id: (nullable): whose account to show
 */
void
fd_account_pane_set_patient_id (FdAccountPane *self,
                                const char    *patient_id)
{
  g_return_if_fail (FD_IS_ACCOUNT_PANE (self));

  if (g_strcmp0 (self->patient_id, patient_id) != 0)
    {
      g_free (self->patient_id);
      self->patient_id = g_strdup (patient_id);
      gtk_revealer_set_reveal_child (self->change_revealer, FALSE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATIENT_ID]);
    }
  reload (self);
}

/**
 * fd_account_pane_get_patient_id:
 * @self: the pane
 *
 * Returns: (nullable): whose account is shown
 */
const char *
fd_account_pane_get_patient_id (FdAccountPane *self)
{
  g_return_val_if_fail (FD_IS_ACCOUNT_PANE (self), NULL);
  return self->patient_id;
}

/**
 * fd_account_pane_take_payment:
 * @self: the pane
 * @amount_cents: the amount to offer; negative for what is due
 *
 * Returns: (transfer none) (nullable): the payment dialog, shown
 */
GtkWindow *
fd_account_pane_take_payment (FdAccountPane *self,
                              gint64         amount_cents)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  FdPaymentDialog *dialog;

  g_return_val_if_fail (FD_IS_ACCOUNT_PANE (self), NULL);

  if (self->store == NULL || self->patient_id == NULL)
    return NULL;
  dialog = fd_payment_dialog_new (self->store, self->patient_id, amount_cents);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  g_signal_connect_object (dialog, "posted", G_CALLBACK (posted_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

/**
 * fd_account_pane_get_last_receipt:
 * @self: the pane
 *
 * Returns: (nullable): the receipt of the last payment taken here
 */
const char *
fd_account_pane_get_last_receipt (FdAccountPane *self)
{
  g_return_val_if_fail (FD_IS_ACCOUNT_PANE (self), NULL);
  return self->last_receipt;
}

/**
 * fd_account_pane_get_change_text:
 * @self: the pane
 *
 * Returns: (nullable): the change due shown after a cash payment
 */
const char *
fd_account_pane_get_change_text (FdAccountPane *self)
{
  g_return_val_if_fail (FD_IS_ACCOUNT_PANE (self), NULL);
  return gtk_revealer_get_reveal_child (self->change_revealer) ? self->change_text : NULL;
}

/**
 * fd_account_pane_void:
 * @self: the pane
 * @receipt_number: a payment of the patient
 * @reason: why
 * @error: return location for an error
 *
 * Voids the payment, as the Void button does once a reason is given.
 *
 * Returns: %TRUE if it was voided
 */
gboolean
fd_account_pane_void (FdAccountPane  *self,
                      const char     *receipt_number,
                      const char     *reason,
                      GError        **error)
{
  g_autofree char *station = fd_payments_station ();
  g_autofree char *cashier = fd_payments_cashier ();

  g_return_val_if_fail (FD_IS_ACCOUNT_PANE (self), FALSE);

  if (!fd_ledger_check_text (reason, _("Reason"), TRUE, error) ||
      !fd_ledger_void (self->store, receipt_number, reason, station, cashier, NULL, NULL, error))
    return FALSE;
  reload (self);
  return TRUE;
}
