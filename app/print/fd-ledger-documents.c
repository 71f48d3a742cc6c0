/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdDocument"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

/* The print library and the ledger each name their payment methods and aging
 * buckets the same way. This is the one file that needs both, so it sees the
 * print library's under other names. */
#define FdPaymentMethod          FdPrintMethod
#define FD_PAYMENT_METHOD_CASH   FD_PRINT_METHOD_CASH
#define FD_PAYMENT_METHOD_CHECK  FD_PRINT_METHOD_CHECK
#define FD_PAYMENT_METHOD_CARD   FD_PRINT_METHOD_CARD
#define FD_PAYMENT_METHOD_OTHER  FD_PRINT_METHOD_OTHER
#define FdAging                  FdPrintAging
#define FD_AGING_CURRENT         FD_PRINT_AGING_CURRENT
#define FD_AGING_31_60           FD_PRINT_AGING_31_60
#define FD_AGING_61_90           FD_PRINT_AGING_61_90
#define FD_AGING_OVER_90         FD_PRINT_AGING_OVER_90
#include "fd-drawer-report.h"
#include "fd-receipt.h"
#include "fd-statement.h"
#undef FdPaymentMethod
#undef FD_PAYMENT_METHOD_CASH
#undef FD_PAYMENT_METHOD_CHECK
#undef FD_PAYMENT_METHOD_CARD
#undef FD_PAYMENT_METHOD_OTHER
#undef FdAging
#undef FD_AGING_CURRENT
#undef FD_AGING_31_60
#undef FD_AGING_61_90
#undef FD_AGING_OVER_90

#include "fd-catalog.h"
#include "fd-dates.h"
#include "fd-fhir.h"
#include "fd-ledger-documents.h"
#include "fd-store-ledger.h"

#define PRINTED "printed"

typedef struct
{
  FdStatement  statement;
  GPtrArray   *patient_ids;  /* the accounts it covers, by patient */
  GArray      *lines;        /* FdStatementLine */
  GArray      *accounts;     /* FdStatementAccount */
  guint        first_page;   /* in the page map */
  guint        n_pages;
} Statement;

struct _FdDocument
{
  FdDocumentKind  kind;
  char           *language;
  FdPrintClinic   clinic;
  GPtrArray      *strings;   /* everything the print structures point to */
  GPtrArray      *times;

  FdReceipt       receipt;
  GArray         *receipt_lines;

  GPtrArray      *statements;
  double          map_width;
  double          map_height;
  guint           map_pages;

  FdDrawerReport  report;
  GArray         *methods;
  GArray         *entries;
};

/* Helpers */

static const char *
keep (FdDocument *self,
      char       *text)
{
  if (text == NULL)
    return NULL;
  g_ptr_array_add (self->strings, text);
  return text;
}

static const char * const *
keep_strv (FdDocument *self,
           char      **strv)
{
  g_ptr_array_add (self->strings, strv);
  return (const char * const *) strv;
}

static FdDocument *
document_new (FdDocumentKind          kind,
              const char             *language,
              const FdDocumentClinic *clinic)
{
  FdDocument *self = g_new0 (FdDocument, 1);
  static const char * const no_lines[] = { NULL };

  self->kind = kind;
  self->language = g_strdup (language);
  self->strings = g_ptr_array_new_with_free_func (g_free);
  self->times = g_ptr_array_new_with_free_func ((GDestroyNotify) g_date_time_unref);
  self->clinic.name = keep (self, g_strdup (clinic && clinic->name && *clinic->name ? clinic->name : ""));
  self->clinic.address = no_lines;
  if (clinic != NULL && clinic->address != NULL)
    {
      GStrvBuilder *builder = g_strv_builder_new ();
      char **lines;

      g_strv_builder_addv (builder, (const char **) clinic->address);
      lines = g_strv_builder_end (builder);
      g_strv_builder_unref (builder);
      /* The strings are kept one by one, then the vector that holds them */
      for (guint i = 0; lines[i] != NULL; i++)
        keep (self, lines[i]);
      self->clinic.address = keep_strv (self, lines);
    }
  if (clinic != NULL && clinic->phone != NULL && *clinic->phone != '\0')
    self->clinic.phone = keep (self, g_strdup (clinic->phone));
  return self;
}

static GDateTime *
keep_time (FdDocument *self,
           GDateTime  *time)
{
  if (time == NULL)
    return NULL;
  g_ptr_array_add (self->times, g_date_time_ref (time));
  return time;
}

static void
print_method (FdDocument      *self,
              FdPaymentMethod  method,
              const char      *check_number,
              const char      *card_brand,
              const char      *card_last4,
              FdPrintMethod   *out)
{
  memset (out, 0, sizeof *out);
  switch (method)
    {
    case FD_PAYMENT_METHOD_CASH:
      out->kind = FD_PRINT_METHOD_CASH;
      break;
    case FD_PAYMENT_METHOD_CHECK:
      out->kind = FD_PRINT_METHOD_CHECK;
      out->check_number = keep (self, g_strdup (check_number));
      break;
    case FD_PAYMENT_METHOD_CREDIT_CARD:
    case FD_PAYMENT_METHOD_DEBIT_CARD:
    default:
      out->kind = FD_PRINT_METHOD_CARD;
      out->card_brand = keep (self, g_strdup (card_brand));
      out->card_last_four = keep (self, g_strdup (card_last4));
      break;
    }
}

/* A copy the document keeps: the ledger's receipt and the catalog are gone
 * by the time the document is drawn */
static const char *
describe_item (FdDocument                *self,
               FdCatalog                 *catalog,
               const FdLedgerReceiptItem *item)
{
  const char *text;

  switch (item->target)
    {
    case FD_ALLOCATION_COPAY:
      text = fd_catalog_pgettext (catalog, PRINTED, NC_("printed", "Co-pay for today’s visit"));
      break;
    case FD_ALLOCATION_CREDIT:
      text = fd_catalog_pgettext (catalog, PRINTED, NC_("printed", "Prepayment credit"));
      break;
    case FD_ALLOCATION_INVOICE:
    default:
      text = item->description ? item->description
                               : fd_catalog_pgettext (catalog, PRINTED, NC_("printed", "Payment on account"));
      break;
    }
  return keep (self, g_strdup (text));
}

/* The number printed on a receipt for its account (fd_fhir_account_number ()) */
static char *
account_number (FdStore    *store,
                const char *account_id)
{
  g_autoptr(JsonObject) account = NULL;

  if (account_id == NULL)
    return g_strdup ("");
  account = fd_store_get (store, "Account", account_id, NULL);
  return fd_fhir_account_number (account, account_id);
}

static const char *
patient_language (FdStore    *store,
                  const char *type,
                  const char *id)
{
  g_autoptr(JsonObject) resource = NULL;
  const char *language;

  if (id == NULL)
    return NULL;
  resource = fd_store_get (store, type, id, NULL);
  language = resource ? fd_fhir_patient_language (resource) : NULL;
  return language ? g_intern_string (language) : NULL;
}

static void
statement_free (Statement *statement)
{
  g_clear_pointer (&statement->patient_ids, g_ptr_array_unref);
  g_clear_pointer (&statement->lines, g_array_unref);
  g_clear_pointer (&statement->accounts, g_array_unref);
  g_free (statement);
}

/* A method's name as printed, in the document's language */
static const char *
printed_method_name (FdCatalog       *catalog,
                     FdPaymentMethod  method)
{
  switch (method)
    {
    case FD_PAYMENT_METHOD_CASH:
      return fd_catalog_pgettext (catalog, PRINTED, NC_("printed", "Cash"));
    case FD_PAYMENT_METHOD_CHECK:
      return fd_catalog_pgettext (catalog, PRINTED, NC_("printed", "Check"));
    case FD_PAYMENT_METHOD_CREDIT_CARD:
      return fd_catalog_pgettext (catalog, PRINTED, NC_("printed", "Credit card"));
    case FD_PAYMENT_METHOD_DEBIT_CARD:
      return fd_catalog_pgettext (catalog, PRINTED, NC_("printed", "Debit card"));
    case FD_N_PAYMENT_METHODS:
    default:
      return fd_catalog_pgettext (catalog, PRINTED, NC_("printed", "Other"));
    }
}

/* A line of activity as the statement's reader reads it: a charge as the
 * clinic billed it, everything else in the statement's language */
static const char *
describe_entry (FdDocument          *self,
                FdCatalog           *catalog,
                const FdLedgerEntry *entry)
{
  g_autoptr(GString) how = g_string_new (NULL);
  g_auto(GStrv) codes = g_strsplit (entry->methods ? entry->methods : "", ",", -1);

  for (guint i = 0; codes[i] != NULL; i++)
    {
      FdPaymentMethod method;

      if (fd_payment_method_from_code (codes[i], &method))
        g_string_append_printf (how, "%s%s", how->len ? ", " : "", printed_method_name (catalog, method));
    }

  switch (entry->kind)
    {
    case FD_LEDGER_ENTRY_ADJUSTMENT:
      return fd_catalog_pgettext (catalog, PRINTED, NC_("printed", "Contractual adjustment"));
    case FD_LEDGER_ENTRY_INSURANCE:
      return fd_catalog_pgettext (catalog, PRINTED, NC_("printed", "Insurance payment"));
    case FD_LEDGER_ENTRY_VOID:
      return fd_catalog_pgettext (catalog, PRINTED, NC_("printed", "Payment voided"));
    case FD_LEDGER_ENTRY_REFUND:
      /* Translators: %s is how the money went back, "Cash" */
      return keep (self, g_strdup_printf (fd_catalog_pgettext (catalog, PRINTED, NC_("printed", "Refund (%s)")),
                                          how->str));
    case FD_LEDGER_ENTRY_PAYMENT:
      /* Translators: %s is how it was paid, "Cash, Check" */
      return keep (self, g_strdup_printf (fd_catalog_pgettext (catalog, PRINTED, NC_("printed", "Payment (%s)")),
                                          how->str));
    case FD_LEDGER_ENTRY_CHARGE:
    default:
      return keep (self, g_strdup (entry->description ? entry->description : ""));
    }
}

static FdStatementLineKind
statement_line_kind (FdLedgerEntryKind kind)
{
  switch (kind)
    {
    case FD_LEDGER_ENTRY_CHARGE:
      return FD_STATEMENT_LINE_CHARGE;
    case FD_LEDGER_ENTRY_INSURANCE:
    case FD_LEDGER_ENTRY_PAYMENT:
      return FD_STATEMENT_LINE_PAYMENT;
    case FD_LEDGER_ENTRY_ADJUSTMENT:
    case FD_LEDGER_ENTRY_VOID:
    case FD_LEDGER_ENTRY_REFUND:
    default:
      return FD_STATEMENT_LINE_ADJUSTMENT;
    }
}

static char **
address_lines (JsonObject *resource)
{
  JsonArray *addresses = fd_fhir_get_array (resource, "address");
  JsonObject *address = NULL;
  g_autofree char *text = NULL;

  for (guint i = 0; addresses && i < json_array_get_length (addresses); i++)
    {
      JsonObject *candidate = fd_fhir_array_object (addresses, i);
      const char *use = fd_fhir_get_string (candidate, "use");

      if (address == NULL || g_strcmp0 (use, "billing") == 0)
        address = candidate;
    }
  text = fd_fhir_address_display (address);
  if (text[0] == '\0')
    return g_new0 (char *, 1);
  return g_strsplit (text, "\n", -1);
}

/* One account's part of a statement: its lines since its own last
 * statement, appended to @statement's; its aging and balance added to the
 * statement's totals */
static gboolean
load_account (FdDocument            *self,
              FdStore               *store,
              FdCatalog             *catalog,
              Statement             *statement,
              const FdLedgerAccount *account,
              JsonObject            *patient,
              gint64                 aging[FD_N_AGING_BUCKETS],
              GError               **error)
{
  g_autoptr(GPtrArray) activity = NULL;
  FdStatementAccount part = { 0 };
  gint64 activity_total = 0;
  GDate since;

  g_date_clear (&since, 1);
  if (g_date_valid (&account->last_statement))
    {
      since = account->last_statement;
      g_date_add_days (&since, 1);
    }
  activity = fd_ledger_list_activity (store, account->patient_id, g_date_valid (&since) ? &since : NULL, error);
  if (activity == NULL)
    return FALSE;

  for (guint i = 0; i < activity->len; i++)
    {
      FdLedgerEntry *entry = g_ptr_array_index (activity, i);
      FdStatementLine line = { 0 };

      line.date = entry->date;
      line.description = describe_entry (self, catalog, entry);
      line.kind = statement_line_kind (entry->kind);
      line.amount = entry->amount;
      activity_total += entry->amount.cents;
      g_array_append_val (statement->lines, line);
    }

  part.patient_name = keep (self, patient ? fd_fhir_patient_display (patient) : g_strdup (""));
  part.account_number = keep (self, g_strdup (account->account_number ? account->account_number : ""));
  part.previous_statement_date = account->last_statement;
  fd_money_init (&part.previous_balance, account->balance.cents - activity_total, account->balance.currency);
  part.balance = account->balance;
  part.n_lines = activity->len;
  g_array_append_val (statement->accounts, part);
  for (guint b = 0; b < FD_N_AGING_BUCKETS; b++)
    aging[b] += account->aging[b];
  return TRUE;
}

/* One statement to @group's guarantor, covering each of the group's accounts */
static Statement *
load_statement (FdDocument              *self,
                FdStore                 *store,
                const FdStatementGroup  *group,
                const GDate             *date,
                GError                 **error)
{
  g_autoptr(JsonObject) guarantor = NULL;
  g_autoptr(JsonObject) first_patient = NULL;
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(FdCatalog) catalog = NULL;
  const char *language;
  g_autofree char *guarantor_type = g_strdup (group->guarantor);
  g_autofree char *guarantor_display = NULL;
  Statement *statement;
  const char *guarantor_id = NULL;
  gint64 aging[FD_N_AGING_BUCKETS] = { 0 };
  gint64 balance = 0, previous = 0;
  char *slash = strchr (guarantor_type, '/');
  FdStatement *st;
  char **address;

  g_return_val_if_fail (group->accounts->len > 0, NULL);

  if (slash != NULL)
    {
      *slash = '\0';
      guarantor_id = slash + 1;
      guarantor = fd_store_get (store, guarantor_type, guarantor_id, NULL);
    }

  /* The guarantor reads it: their language, else the first patient's */
  language = guarantor ? patient_language (store, guarantor_type, guarantor_id) : NULL;
  if (language == NULL)
    language = patient_language (store, "Patient",
                                 ((FdStatementCandidate *) g_ptr_array_index (group->accounts, 0))->patient_id);
  catalog = fd_catalog_get_for_language (language);

  statement = g_new0 (Statement, 1);
  statement->patient_ids = g_ptr_array_new_with_free_func (g_free);
  statement->lines = g_array_new (FALSE, TRUE, sizeof (FdStatementLine));
  statement->accounts = g_array_new (FALSE, TRUE, sizeof (FdStatementAccount));
  st = &statement->statement;

  for (guint i = 0; i < group->accounts->len; i++)
    {
      FdStatementCandidate *candidate = g_ptr_array_index (group->accounts, i);
      g_auto(FdLedgerAccount) account = { 0 };
      g_autoptr(JsonObject) patient = NULL;
      const FdStatementAccount *part;

      if (!fd_ledger_get_account (store, candidate->patient_id, date, &account, error))
        {
          statement_free (statement);
          return NULL;
        }
      patient = fd_store_get (store, "Patient", candidate->patient_id, NULL);
      if (!load_account (self, store, catalog, statement, &account, patient, aging, error))
        {
          statement_free (statement);
          return NULL;
        }
      part = &g_array_index (statement->accounts, FdStatementAccount, i);
      g_ptr_array_add (statement->patient_ids, g_strdup (candidate->patient_id));
      balance += account.balance.cents;
      previous += part->previous_balance.cents;
      g_string_append_printf (names, "%s%s", i > 0 ? "; " : "", part->patient_name);

      /* The guarantor's own account numbers the statement; else the first */
      if (i == 0 || (g_strcmp0 (guarantor_type, "Patient") == 0 &&
                     g_strcmp0 (guarantor_id, candidate->patient_id) == 0))
        st->account_number = part->account_number;
      if (i == 0)
        {
          guarantor_display = g_strdup (account.guarantor_display);
          first_patient = g_steal_pointer (&patient);
        }
    }

  st->statement_date = *date;
  st->patient_name = keep (self, g_string_free (g_steal_pointer (&names), FALSE));
  if (guarantor != NULL)
    st->guarantor_name = keep (self, fd_fhir_patient_display (guarantor));
  else if (guarantor_display != NULL)
    st->guarantor_name = keep (self, g_steal_pointer (&guarantor_display));
  else
    st->guarantor_name = g_array_index (statement->accounts, FdStatementAccount, 0).patient_name;
  address = address_lines (guarantor ? guarantor : first_patient);
  for (guint i = 0; address[i] != NULL; i++)
    keep (self, address[i]);
  st->guarantor_address = keep_strv (self, address);

  st->lines = (const FdStatementLine *) statement->lines->data;
  st->n_lines = statement->lines->len;
  if (statement->accounts->len > 1)
    {
      st->accounts = (const FdStatementAccount *) statement->accounts->data;
      st->n_accounts = statement->accounts->len;
    }
  else
    st->previous_statement_date = g_array_index (statement->accounts, FdStatementAccount, 0).previous_statement_date;
  fd_money_init (&st->previous_balance, previous, group->total.currency);
  for (guint b = 0; b < FD_AGING_N && b < FD_N_AGING_BUCKETS; b++)
    fd_money_init (&st->aging[b], aging[b], group->total.currency);
  fd_money_init (&st->amount_due, MAX (balance, 0), group->total.currency);
  st->pay_by = *date;
  g_date_add_days (&st->pay_by, 30);
  st->language = language;

  return statement;
}

static void
build_page_map (FdDocument *self,
                double      width,
                double      height)
{
  guint page = 0;

  if (self->map_width == width && self->map_height == height && self->map_pages > 0)
    return;
  for (guint i = 0; i < self->statements->len; i++)
    {
      Statement *statement = g_ptr_array_index (self->statements, i);

      statement->first_page = page;
      statement->n_pages = MAX (1, fd_statement_count_pages (width, height, &statement->statement,
                                                             &self->clinic, statement->statement.language));
      page += statement->n_pages;
    }
  self->map_width = width;
  self->map_height = height;
  self->map_pages = page;
}

static FdPaper
paper_from_name (const char *paper)
{
  if (g_strcmp0 (paper, FD_DOCUMENT_PAPER_A4) == 0)
    return FD_PAPER_A4;
  if (g_strcmp0 (paper, FD_DOCUMENT_PAPER_ROLL) == 0)
    return FD_PAPER_ROLL_80MM;
  return FD_PAPER_LETTER;
}

/* Public API */

/**
 * fd_document_new_receipt:
 * @store: the store
 * @receipt_number: a receipt number
 * @is_copy: whether it is a reprint, marked as a copy
 * @clinic: the clinic's header
 * @error: return location for an error
 *
 * The receipt in the patient's preferred language, where a translation
 * exists.
 *
 * Returns: (transfer full) (nullable): the document, %NULL on error
 */
FdDocument *
fd_document_new_receipt (FdStore                *store,
                         const char             *receipt_number,
                         gboolean                is_copy,
                         const FdDocumentClinic *clinic,
                         GError                **error)
{
  g_autoptr(FdLedgerReceipt) ledger = NULL;
  g_autoptr(FdCatalog) catalog = NULL;
  g_autoptr(FdDocument) self = NULL;
  FdReceiptLineKind kind;
  const char *currency;

  g_return_val_if_fail (FD_IS_STORE (store), NULL);
  g_return_val_if_fail (receipt_number != NULL, NULL);

  ledger = fd_ledger_get_receipt (store, receipt_number, error);
  if (ledger == NULL)
    return NULL;

  self = document_new (FD_DOCUMENT_RECEIPT, patient_language (store, "Patient", ledger->patient_id), clinic);
  catalog = fd_catalog_get_for_language (self->language);
  currency = ledger->total.currency;
  kind = g_strcmp0 (ledger->kind, "void") == 0 ? FD_RECEIPT_LINE_VOID
       : g_strcmp0 (ledger->kind, "refund") == 0 ? FD_RECEIPT_LINE_REFUND
       : FD_RECEIPT_LINE_PAYMENT;

  self->receipt_lines = g_array_new (FALSE, TRUE, sizeof (FdReceiptLine));
  if (kind == FD_RECEIPT_LINE_PAYMENT && ledger->lines->len == 1 && ledger->items->len > 0)
    {
      FdLedgerReceiptLine *method = g_ptr_array_index (ledger->lines, 0);

      /* One method: a line per thing paid for */
      for (guint i = 0; i < ledger->items->len; i++)
        {
          FdLedgerReceiptItem *item = g_ptr_array_index (ledger->items, i);
          FdReceiptLine line = { 0 };

          line.kind = kind;
          line.description = describe_item (self, catalog, item);
          print_method (self, method->method, method->check_number, method->card_brand,
                        method->card_last4, &line.method);
          fd_money_init (&line.amount, item->cents, currency);
          g_array_append_val (self->receipt_lines, line);
        }
    }
  else
    {
      g_autoptr(GString) what = g_string_new (NULL);

      for (guint i = 0; i < ledger->items->len; i++)
        {
          FdLedgerReceiptItem *item = g_ptr_array_index (ledger->items, i);

          if (what->len > 0)
            g_string_append (what, "; ");
          g_string_append (what, describe_item (self, catalog, item));
        }
      if (what->len == 0)
        g_string_append (what, fd_catalog_pgettext (catalog, PRINTED, NC_("printed", "Payment on account")));

      /* A split: a line per method */
      for (guint i = 0; i < ledger->lines->len; i++)
        {
          FdLedgerReceiptLine *method = g_ptr_array_index (ledger->lines, i);
          FdReceiptLine line = { 0 };

          line.kind = kind;
          line.description = kind == FD_RECEIPT_LINE_PAYMENT ? keep (self, g_strdup (what->str))
                                                             : keep (self, g_strdup (ledger->corrects));
          print_method (self, method->method, method->check_number, method->card_brand,
                        method->card_last4, &line.method);
          fd_money_init (&line.amount, ABS (method->amount_cents), currency);
          line.reason = keep (self, g_strdup (ledger->reason));
          g_array_append_val (self->receipt_lines, line);
        }
    }

  self->receipt.receipt_number = keep (self, g_strdup (ledger->number));
  self->receipt.issued_at = keep_time (self, ledger->created);
  self->receipt.patient_name = keep (self, g_strdup (ledger->patient_display ? ledger->patient_display : ""));
  self->receipt.account_number = keep (self, account_number (store, ledger->account_id));
  self->receipt.cashier = keep (self, g_strdup (ledger->cashier ? ledger->cashier : ""));
  self->receipt.station = keep (self, g_strdup (ledger->station));
  self->receipt.lines = (const FdReceiptLine *) self->receipt_lines->data;
  self->receipt.n_lines = self->receipt_lines->len;
  self->receipt.total_paid = ledger->total;
  self->receipt.has_cash_tendered = ledger->tendered_cents > 0;
  fd_money_init (&self->receipt.tendered, ledger->tendered_cents, currency);
  fd_money_init (&self->receipt.change, ledger->change_cents, currency);
  self->receipt.balance = ledger->balance_after;
  self->receipt.is_copy = is_copy;

  return g_steal_pointer (&self);
}

/**
 * fd_document_new_statements:
 * @store: the store; a worker thread passes its own connection
 * @groups: (element-type FdStatementGroup): one statement each: a
 *   guarantor and the accounts it covers
 * @date: the statement date
 * @clinic: the clinic's header
 * @cancellable: (nullable): to stop reading
 * @error: return location for an error
 *
 * One statement per group, addressed to its guarantor and in the
 * guarantor's language; with several accounts, a section for each.
 *
 * Returns: (transfer full) (nullable): the document, %NULL on error
 */
FdDocument *
fd_document_new_statements (FdStore                *store,
                            GPtrArray              *groups,
                            const GDate            *date,
                            const FdDocumentClinic *clinic,
                            GCancellable           *cancellable,
                            GError                **error)
{
  g_autoptr(FdDocument) self = NULL;

  g_return_val_if_fail (FD_IS_STORE (store), NULL);
  g_return_val_if_fail (groups != NULL, NULL);
  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  self = document_new (FD_DOCUMENT_STATEMENTS, NULL, clinic);
  self->statements = g_ptr_array_new_with_free_func ((GDestroyNotify) statement_free);
  for (guint i = 0; i < groups->len; i++)
    {
      Statement *statement;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      statement = load_statement (self, store, g_ptr_array_index (groups, i), date, error);
      if (statement == NULL)
        return NULL;
      g_ptr_array_add (self->statements, statement);
    }
  if (self->statements->len == 1)
    {
      Statement *statement = g_ptr_array_index (self->statements, 0);

      g_free (self->language);
      self->language = g_strdup (statement->statement.language);
    }
  return g_steal_pointer (&self);
}

/**
 * fd_document_new_statement:
 * @store: the store
 * @patient_id: whose account
 * @date: the statement date
 * @clinic: the clinic's header
 * @error: return location for an error
 *
 * The statement of one patient's account alone, addressed to the account's
 * guarantor.
 *
 * Returns: (transfer full) (nullable): the document, %NULL on error
 */
FdDocument *
fd_document_new_statement (FdStore                *store,
                           const char             *patient_id,
                           const GDate            *date,
                           const FdDocumentClinic *clinic,
                           GError                **error)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_statement_group_free);
  FdStatementGroup *group;

  g_return_val_if_fail (FD_IS_STORE (store), NULL);

  group = fd_ledger_get_statement_group (store, patient_id, error);
  if (group == NULL)
    return NULL;
  g_ptr_array_add (groups, group);
  return fd_document_new_statements (store, groups, date, clinic, NULL, error);
}

/**
 * fd_document_new_drawer_report:
 * @store: the store
 * @session_id: a drawer session
 * @language: (nullable): the station's language
 * @clinic: the clinic's header
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the close-out report (or, while the
 *   drawer is open, the report so far), %NULL on error
 */
FdDocument *
fd_document_new_drawer_report (FdStore                *store,
                               gint64                  session_id,
                               const char             *language,
                               const FdDocumentClinic *clinic,
                               GError                **error)
{
  g_auto(FdDrawerSummary) summary = { 0 };
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(FdDocument) self = NULL;
  guint n_payments[FD_N_PAYMENT_METHODS] = { 0 };
  const char *currency;

  g_return_val_if_fail (FD_IS_STORE (store), NULL);

  if (!fd_ledger_drawer_summary (store, session_id, &summary, error))
    return NULL;
  events = fd_ledger_drawer_list_events (store, session_id, error);
  if (events == NULL)
    return NULL;

  self = document_new (FD_DOCUMENT_DRAWER_REPORT, language, clinic);
  currency = summary.opening_float.currency;
  self->entries = g_array_new (FALSE, TRUE, sizeof (FdDrawerEntry));
  for (guint i = 0; i < events->len; i++)
    {
      FdDrawerEvent *event = g_ptr_array_index (events, i);
      FdDrawerEntry entry = { 0 };

      entry.time = keep_time (self, event->at);
      entry.receipt_number = keep (self, g_strdup (event->receipt_number));
      entry.kind = g_strcmp0 (event->kind, "void") == 0 ? FD_RECEIPT_LINE_VOID
                 : g_strcmp0 (event->kind, "refund") == 0 ? FD_RECEIPT_LINE_REFUND
                 : FD_RECEIPT_LINE_PAYMENT;
      print_method (self, event->method, event->check_number, event->card_brand, event->card_last4,
                    &entry.method);
      fd_money_init (&entry.amount, ABS (event->amount.cents), event->amount.currency);
      entry.reason = keep (self, g_strdup (event->reason));
      if (entry.kind == FD_RECEIPT_LINE_PAYMENT)
        n_payments[event->method]++;
      g_array_append_val (self->entries, entry);
    }

  self->methods = g_array_new (FALSE, TRUE, sizeof (FdDrawerMethodTotal));
  for (guint m = 0; m < FD_N_PAYMENT_METHODS; m++)
    {
      FdDrawerMethodTotal total = { 0 };
      FdPrintMethod method;

      print_method (self, m, NULL, NULL, NULL, &method);
      total.method = method.kind;
      if (m == FD_PAYMENT_METHOD_CREDIT_CARD || m == FD_PAYMENT_METHOD_DEBIT_CARD)
        {
          g_autoptr(FdCatalog) catalog = fd_catalog_get_for_language (language);

          total.label = keep (self, g_strdup (m == FD_PAYMENT_METHOD_CREDIT_CARD
                                              ? fd_catalog_pgettext (catalog, PRINTED, NC_("printed", "Credit card"))
                                              : fd_catalog_pgettext (catalog, PRINTED, NC_("printed", "Debit card"))));
        }
      total.n_payments = n_payments[m];
      fd_money_init (&total.expected, summary.expected[m], currency);
      /* While the drawer is open nothing is counted yet: show it as expected */
      fd_money_init (&total.counted, summary.closed_at ? summary.counted[m] : summary.expected[m], currency);
      g_array_append_val (self->methods, total);
    }

  self->report.station = keep (self, g_strdup (summary.station));
  self->report.cashier = keep (self, g_strdup (summary.closed_by ? summary.closed_by : summary.cashier));
  self->report.opened_at = keep_time (self, summary.opened_at);
  self->report.closed_at = keep_time (self, summary.closed_at);
  self->report.opening_float = summary.opening_float;
  self->report.methods = (const FdDrawerMethodTotal *) self->methods->data;
  self->report.n_methods = self->methods->len;
  self->report.entries = (const FdDrawerEntry *) self->entries->data;
  self->report.n_entries = self->entries->len;

  return g_steal_pointer (&self);
}

/**
 * fd_document_free:
 * @document: (nullable): a document
 */
void
fd_document_free (FdDocument *document)
{
  if (document == NULL)
    return;
  g_clear_pointer (&document->statements, g_ptr_array_unref);
  g_clear_pointer (&document->receipt_lines, g_array_unref);
  g_clear_pointer (&document->methods, g_array_unref);
  g_clear_pointer (&document->entries, g_array_unref);
  g_clear_pointer (&document->strings, g_ptr_array_unref);
  g_clear_pointer (&document->times, g_ptr_array_unref);
  g_free (document->language);
  g_free (document);
}

/**
 * fd_document_get_kind:
 * @document: a document
 *
 * Returns: what it is
 */
FdDocumentKind
fd_document_get_kind (FdDocument *document)
{
  return document->kind;
}

/**
 * fd_document_get_language:
 * @document: a document
 *
 * Returns: (nullable): the language it prints in; %NULL for English
 */
const char *
fd_document_get_language (FdDocument *document)
{
  return document->language;
}

/**
 * fd_document_get_n_statements:
 * @document: a document
 *
 * Returns: how many statements it holds; 0 for other documents
 */
guint
fd_document_get_n_statements (FdDocument *document)
{
  return document->statements ? document->statements->len : 0;
}

/**
 * fd_document_get_patient_ids:
 * @document: a statements document
 *
 * Returns: (transfer full): the patients of every account its statements
 *   cover, in order: those whose statement date to record
 */
GStrv
fd_document_get_patient_ids (FdDocument *document)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; document->statements != NULL && i < document->statements->len; i++)
    {
      Statement *statement = g_ptr_array_index (document->statements, i);

      for (guint j = 0; j < statement->patient_ids->len; j++)
        g_strv_builder_add (builder, g_ptr_array_index (statement->patient_ids, j));
    }
  return g_strv_builder_end (builder);
}

/**
 * fd_document_paper_size:
 * @paper: "letter", "a4" or "roll-80mm"
 * @width: (out): its width in points
 * @height: (out): its height in points; 0 for a roll
 *
 * Returns: whether @paper is known
 */
gboolean
fd_document_paper_size (const char *paper,
                        double     *width,
                        double     *height)
{
  gboolean known = g_strcmp0 (paper, FD_DOCUMENT_PAPER_LETTER) == 0 ||
                   g_strcmp0 (paper, FD_DOCUMENT_PAPER_A4) == 0 ||
                   g_strcmp0 (paper, FD_DOCUMENT_PAPER_ROLL) == 0;

  fd_paper_get_size (paper_from_name (paper), width, height);
  if (g_strcmp0 (paper, FD_DOCUMENT_PAPER_ROLL) == 0)
    *height = 0;
  return known;
}

/**
 * fd_document_measure:
 * @document: a document
 * @width: the page width in points
 *
 * Returns: the length of roll a receipt needs at @width, in points; 0 for
 *   other documents
 */
double
fd_document_measure (FdDocument *document,
                     double      width)
{
  if (document->kind != FD_DOCUMENT_RECEIPT)
    return 0;
  return fd_receipt_measure (width, &document->receipt, &document->clinic, document->language);
}

/**
 * fd_document_count_pages:
 * @document: a document
 * @width: the page width in points
 * @height: the page height in points
 *
 * Returns: how many pages it takes on that page size
 */
guint
fd_document_count_pages (FdDocument *document,
                         double      width,
                         double      height)
{
  switch (document->kind)
    {
    case FD_DOCUMENT_RECEIPT:
      return 1;
    case FD_DOCUMENT_STATEMENTS:
      build_page_map (document, width, height);
      return document->map_pages;
    case FD_DOCUMENT_DRAWER_REPORT:
      return fd_drawer_report_count_pages (width, height, &document->report, &document->clinic,
                                           document->language);
    default:
      g_return_val_if_reached (0);
    }
}

/**
 * fd_document_draw_page:
 * @document: a document
 * @cr: the page's context, origin at the top left, in points
 * @width: the page width in points
 * @height: the page height in points
 * @page_index: which page, from 0
 *
 * Draws one page.
 */
void
fd_document_draw_page (FdDocument *document,
                       cairo_t    *cr,
                       double      width,
                       double      height,
                       guint       page_index)
{
  switch (document->kind)
    {
    case FD_DOCUMENT_RECEIPT:
      fd_receipt_draw (cr, width, height, &document->receipt, &document->clinic, document->language);
      break;

    case FD_DOCUMENT_STATEMENTS:
      build_page_map (document, width, height);
      for (guint i = 0; i < document->statements->len; i++)
        {
          Statement *statement = g_ptr_array_index (document->statements, i);

          if (page_index >= statement->first_page && page_index < statement->first_page + statement->n_pages)
            {
              fd_statement_draw_page (cr, width, height, &statement->statement, &document->clinic,
                                      statement->statement.language, page_index - statement->first_page);
              break;
            }
        }
      break;

    case FD_DOCUMENT_DRAWER_REPORT:
      fd_drawer_report_draw_page (cr, width, height, &document->report, &document->clinic,
                                  document->language, page_index);
      break;

    default:
      g_return_if_reached ();
    }
}

typedef struct
{
  FdDocumentProgressFunc progress;
  gpointer               user_data;
} ProgressData;

static void
progress_cb (guint    done,
             guint    total,
             gpointer user_data)
{
  ProgressData *data = user_data;

  if (data->progress != NULL)
    data->progress (done, total, data->user_data);
}

/**
 * fd_document_write_pdf:
 * @document: a document
 * @path: the PDF to write
 * @paper: "letter", "a4" or "roll-80mm" (receipts only)
 * @progress: (nullable) (scope call): called after each statement
 * @user_data: data for @progress
 * @cancellable: (nullable): to stop a batch; no file is left behind
 * @error: return location for an error
 *
 * Writes the document whole, or nothing: it goes to a temporary file that
 * replaces @path only once it is complete.
 *
 * Returns: %TRUE on success
 */
gboolean
fd_document_write_pdf (FdDocument              *document,
                       const char              *path,
                       const char              *paper,
                       FdDocumentProgressFunc   progress,
                       gpointer                 user_data,
                       GCancellable            *cancellable,
                       GError                 **error)
{
  FdPaper print_paper = paper_from_name (paper);

  if (print_paper == FD_PAPER_ROLL_80MM && document->kind != FD_DOCUMENT_RECEIPT)
    print_paper = FD_PAPER_LETTER;

  switch (document->kind)
    {
    case FD_DOCUMENT_RECEIPT:
      return fd_receipt_write_pdf (path, print_paper, &document->receipt, &document->clinic,
                                   document->language, cancellable, error);

    case FD_DOCUMENT_STATEMENTS:
      {
        g_autofree const FdStatement **list = g_new0 (const FdStatement *, document->statements->len + 1);
        ProgressData data = { progress, user_data };

        for (guint i = 0; i < document->statements->len; i++)
          list[i] = &((Statement *) g_ptr_array_index (document->statements, i))->statement;
        return fd_statements_write_pdf (path, print_paper, (const FdStatement * const *) list,
                                        document->statements->len, &document->clinic,
                                        progress_cb, &data, cancellable, error);
      }

    case FD_DOCUMENT_DRAWER_REPORT:
      return fd_drawer_report_write_pdf (path, print_paper, &document->report, &document->clinic,
                                         document->language, cancellable, error);

    default:
      g_return_val_if_reached (FALSE);
    }
}
