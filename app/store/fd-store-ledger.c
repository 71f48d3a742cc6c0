/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdStoreLedger"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fd-core.h"
#include "fd-dates.h"
#include "fd-fhir.h"
#include "fd-patient-item.h"
#include "fd-store-ledger.h"
#include "fd-store-private.h"

/* R5 elements carried into R4 by the cross-version extensions */
#define XV_PR                "http://hl7.org/fhir/5.0/StructureDefinition/extension-PaymentReconciliation."
#define URL_ISSUER_TYPE      XV_PR "issuerType"
#define URL_TYPE             XV_PR "type"
#define URL_METHOD           XV_PR "method"
#define URL_TENDERED         XV_PR "tenderedAmount"
#define URL_RETURNED         XV_PR "returnedAmount"
#define URL_CARD_BRAND       XV_PR "cardBrand"
#define URL_ACCOUNT_NUMBER   XV_PR "accountNumber"
#define URL_AUTHORIZATION    XV_PR "authorization"
#define URL_REFERENCE_NUMBER XV_PR "referenceNumber"
#define URL_ALLOC_TARGET     XV_PR "allocation.target"
#define URL_ALLOC_ACCOUNT    XV_PR "allocation.account"
#define URL_ALTERNATE_REF    "http://hl7.org/fhir/StructureDefinition/alternate-reference"

#define SYSTEM_PAYMENT_TYPE  "http://terminology.hl7.org/CodeSystem/payment-type"
#define SYSTEM_V2_0570       "http://terminology.hl7.org/CodeSystem/v2-0570"
#define SYSTEM_CORRECTION    "urn:frontdesk:payment-correction"
#define SYSTEM_ALLOCATION    "urn:frontdesk:payment-allocation"
#define SYSTEM_RECEIPT_LINE  "urn:frontdesk:receipt-line"

static const char * const target_codes[] = {
  [FD_ALLOCATION_COPAY] = "copay",
  [FD_ALLOCATION_INVOICE] = "invoice",
  [FD_ALLOCATION_CREDIT] = "credit",
};

/* Helpers: FHIR JSON */

static JsonObject *
find_extension (JsonObject *object,
                const char *url)
{
  JsonArray *extensions = fd_fhir_get_array (object, "extension");

  for (guint i = 0; extensions && i < json_array_get_length (extensions); i++)
    {
      JsonObject *ext = fd_fhir_array_object (extensions, i);

      if (g_strcmp0 (fd_fhir_get_string (ext, "url"), url) == 0)
        return ext;
    }
  return NULL;
}

static const char *
coding_code (JsonObject *concept,
             const char *system)
{
  JsonArray *codings = fd_fhir_get_array (concept, "coding");

  for (guint i = 0; codings && i < json_array_get_length (codings); i++)
    {
      JsonObject *coding = fd_fhir_array_object (codings, i);

      if (system == NULL || g_strcmp0 (fd_fhir_get_string (coding, "system"), system) == 0)
        return fd_fhir_get_string (coding, "code");
    }
  return NULL;
}

static JsonObject *
new_money (gint64      cents,
           const char *currency)
{
  FdMoney m;

  fd_money_init (&m, cents, currency);
  return fd_fhir_new_money (&m);
}

static JsonObject *
new_coding_concept (const char *system,
                    const char *code,
                    const char *system2,
                    const char *code2)
{
  JsonObject *concept = json_object_new ();
  JsonArray *codings = json_array_new ();
  JsonObject *coding = json_object_new ();

  json_object_set_string_member (coding, "system", system);
  json_object_set_string_member (coding, "code", code);
  json_array_add_object_element (codings, coding);
  if (system2 != NULL)
    {
      coding = json_object_new ();
      json_object_set_string_member (coding, "system", system2);
      json_object_set_string_member (coding, "code", code2);
      json_array_add_object_element (codings, coding);
    }
  json_object_set_array_member (concept, "coding", codings);
  return concept;
}

static JsonObject *
new_identifier (const char *system,
                const char *value)
{
  JsonObject *identifier = json_object_new ();

  json_object_set_string_member (identifier, "system", system);
  json_object_set_string_member (identifier, "value", value);
  return identifier;
}

static void
add_extension (JsonArray  *extensions,
               const char *url,
               const char *value_type,
               JsonNode   *value)
{
  JsonObject *ext = json_object_new ();

  json_object_set_string_member (ext, "url", url);
  json_object_set_member (ext, value_type, value);
  json_array_add_object_element (extensions, ext);
}

static void
add_string_extension (JsonArray  *extensions,
                      const char *url,
                      const char *value)
{
  if (value != NULL && *value != '\0')
    add_extension (extensions, url, "valueString", json_node_init_string (json_node_alloc (), value));
}

static void
add_object_extension (JsonArray  *extensions,
                      const char *url,
                      const char *value_type,
                      JsonObject *value)
{
  add_extension (extensions, url, value_type, json_node_init_object (json_node_alloc (), value));
  json_object_unref (value);
}

/* Helpers: SQL */

static gboolean
step_int64 (FdStore       *store,
            sqlite3_stmt  *stmt,
            gint64        *out,
            GError       **error)
{
  int rc = sqlite3_step (stmt);

  *out = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return fd_store_sqlite_error (store, rc, error);
  return TRUE;
}

static char *
step_text (FdStore       *store,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);
  char *text = rc == SQLITE_ROW ? g_strdup (fd_store_column_text (stmt, 0)) : NULL;

  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    fd_store_sqlite_error (store, rc, error);
  return text;
}

static gboolean
not_found (GError     **error,
           const char  *message)
{
  g_set_error_literal (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND, message);
  return FALSE;
}

static gboolean
invalid (GError     **error,
         const char  *message)
{
  g_set_error_literal (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID, message);
  return FALSE;
}

static char *
local_day (FdStore   *store,
           GDateTime *when)
{
  g_autoptr(GDateTime) local = g_date_time_to_timezone (when, fd_store_get_time_zone (store));

  return g_date_time_format (local, "%Y-%m-%d");
}

/* A FHIR date or dateTime as the local day it falls on */
static char *
fhir_day (FdStore    *store,
          const char *text)
{
  g_autoptr(GDateTime) instant = NULL;
  GDate date;

  if (text == NULL)
    return NULL;
  if (strlen (text) == 10 && fd_date_parse_iso (text, &date))
    return g_strdup (text);
  instant = fd_date_time_parse (text, fd_store_get_time_zone (store));
  return instant ? local_day (store, instant) : NULL;
}

static GDateTime *
now_or (GDateTime *when)
{
  return when ? g_date_time_ref (when) : g_date_time_new_now_local ();
}

static void
clear_text_if_card (char **text)
{
  /* Never keep a card number, even one that came from elsewhere */
  if (*text != NULL && fd_ledger_text_has_card_number (*text))
    g_clear_pointer (text, g_free);
}

/* Index tables, kept in the transaction of fd_store_put() */

static gboolean
update_balance (FdStore     *store,
                const char  *patient_id,
                const char  *account_id,
                const char  *currency,
                GError     **error)
{
  sqlite3_stmt *stmt;

  if (patient_id == NULL)
    return TRUE;

  stmt = fd_store_prepare (store,
                           "INSERT INTO ledger_balance (patient_id, account_id, balance_cents, credit_cents, currency, source)"
                           " SELECT ?1, ?2,"
                           " (SELECT coalesce (sum (net_cents), 0) FROM ledger_invoice"
                           "   WHERE patient_id = ?1 AND status IN ('issued', 'balanced'))"
                           /* A co-pay taken for a visit not yet billed waits for its charge: it
                            * counts against the balance once an invoice of that day or later is in */
                           " - (SELECT coalesce (sum (al.amount_cents), 0) FROM ledger_allocation al"
                           "   WHERE al.patient_id = ?1 AND (al.target != 'copay' OR EXISTS"
                           "     (SELECT 1 FROM ledger_invoice i JOIN appointment ap ON ap.id = al.appointment_id"
                           "      WHERE i.patient_id = ?1 AND i.status IN ('issued', 'balanced') AND i.day >= ap.day))),"
                           " (SELECT coalesce (sum (amount_cents), 0) FROM ledger_allocation"
                           "   WHERE patient_id = ?1 AND target = 'credit'),"
                           " ?3, 'ledger'"
                           " ON CONFLICT (patient_id) DO UPDATE SET balance_cents = excluded.balance_cents,"
                           " credit_cents = excluded.credit_cents, account_id = coalesce (excluded.account_id, account_id),"
                           " source = 'ledger'",
                           error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, patient_id);
  fd_store_bind_text (stmt, 2, account_id);
  fd_store_bind_text (stmt, 3, currency ? currency : "USD");
  return fd_store_step_done (store, stmt, error);
}

static char *
describe_line_item (JsonObject *line)
{
  JsonObject *concept = fd_fhir_get_object (line, "chargeItemCodeableConcept");
  JsonObject *reference = fd_fhir_get_object (line, "chargeItemReference");
  const char *text = fd_fhir_get_string (concept, "text");

  if (text == NULL && concept != NULL)
    text = fd_fhir_get_string (fd_fhir_array_object (fd_fhir_get_array (concept, "coding"), 0), "display");
  if (text == NULL)
    text = fd_fhir_get_string (reference, "display");
  return g_strdup (text);
}

static gboolean
index_invoice (FdStore     *store,
               const char  *id,
               JsonObject  *invoice,
               GError     **error)
{
  JsonArray *lines = fd_fhir_get_array (invoice, "lineItem");
  const char *patient_id = fd_fhir_reference_id (fd_fhir_get_object (invoice, "subject"), "Patient");
  const char *account_id = fd_fhir_reference_id (fd_fhir_get_object (invoice, "account"), "Account");
  const char *status = fd_fhir_get_string (invoice, "status");
  g_autofree char *day = fhir_day (store, fd_fhir_get_string (invoice, "date"));
  g_autofree char *description = NULL;
  g_autofree char *old_patient = NULL;
  gint64 gross = 0, adjust = 0, insurance = 0, net;
  gboolean has_components = FALSE;
  char currency[4] = "USD";
  FdMoney total;
  sqlite3_stmt *stmt;

  if (patient_id == NULL)
    patient_id = fd_fhir_reference_id (fd_fhir_get_object (invoice, "recipient"), "Patient");
  if (patient_id == NULL || status == NULL)
    return TRUE;  /* not an invoice the desk can put on an account */

  for (guint i = 0; lines && i < json_array_get_length (lines); i++)
    {
      JsonObject *line = fd_fhir_array_object (lines, i);
      JsonArray *components = fd_fhir_get_array (line, "priceComponent");

      if (i == 0)
        description = describe_line_item (line);
      for (guint c = 0; components && c < json_array_get_length (components); c++)
        {
          JsonObject *component = fd_fhir_array_object (components, c);
          const char *type = fd_fhir_get_string (component, "type");
          FdMoney amount;

          if (!fd_fhir_money (fd_fhir_get_object (component, "amount"), &amount))
            continue;
          has_components = TRUE;
          g_strlcpy (currency, amount.currency, sizeof currency);
          if (g_strcmp0 (type, "base") == 0 || g_strcmp0 (type, "surcharge") == 0 ||
              g_strcmp0 (type, "tax") == 0)
            gross += amount.cents;
          else if (g_strcmp0 (type, "discount") == 0)
            adjust += ABS (amount.cents);
          else if (g_strcmp0 (type, "deduction") == 0)
            insurance += ABS (amount.cents);
        }
    }
  if (lines && json_array_get_length (lines) > 1 && description != NULL)
    {
      g_autofree char *first = g_steal_pointer (&description);

      description = g_strdup_printf (_("%s and %u more"), first, json_array_get_length (lines) - 1);
    }

  if (has_components)
    net = gross - adjust - insurance;
  else
    {
      /* No breakdown: the totals say what the patient owes */
      FdMoney gross_total;

      net = fd_fhir_money (fd_fhir_get_object (invoice, "totalNet"), &total) ? total.cents : 0;
      gross = fd_fhir_money (fd_fhir_get_object (invoice, "totalGross"), &gross_total) ? gross_total.cents : net;
      g_strlcpy (currency, total.currency, sizeof currency);
      insurance = MAX (0, gross - net);
    }

  stmt = fd_store_prepare (store, "SELECT patient_id FROM ledger_invoice WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, id);
  old_patient = step_text (store, stmt, NULL);

  stmt = fd_store_prepare (store,
                           "INSERT INTO ledger_invoice (id, patient_id, account_id, day, status, gross_cents,"
                           " adjust_cents, insurance_cents, net_cents, currency, description)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                           " ON CONFLICT (id) DO UPDATE SET patient_id = ?2, account_id = ?3, day = ?4, status = ?5,"
                           " gross_cents = ?6, adjust_cents = ?7, insurance_cents = ?8, net_cents = ?9,"
                           " currency = ?10, description = ?11", error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, id);
  fd_store_bind_text (stmt, 2, patient_id);
  fd_store_bind_text (stmt, 3, account_id);
  fd_store_bind_text (stmt, 4, day ? day : "");
  fd_store_bind_text (stmt, 5, status);
  sqlite3_bind_int64 (stmt, 6, gross);
  sqlite3_bind_int64 (stmt, 7, adjust);
  sqlite3_bind_int64 (stmt, 8, insurance);
  sqlite3_bind_int64 (stmt, 9, net);
  fd_store_bind_text (stmt, 10, currency);
  fd_store_bind_text (stmt, 11, description);
  if (!fd_store_step_done (store, stmt, error))
    return FALSE;

  if (old_patient != NULL && strcmp (old_patient, patient_id) != 0 &&
      !update_balance (store, old_patient, NULL, currency, error))
    return FALSE;
  return update_balance (store, patient_id, account_id, currency, error);
}

typedef struct
{
  char   *id;
  char   *receipt;
  gint64  line;
  char   *kind;
  char   *corrects;
  char   *patient_id;
  char   *account_id;
  char   *created;
  char   *day;
  char   *method;
  gint64  amount;
  gboolean has_tendered;
  gint64  tendered;
  gboolean has_change;
  gint64  change;
  char    currency[4];
  char   *check_number;
  char   *card_brand;
  char   *card_last4;
  char   *auth_code;
  char   *cashier;
  char   *payer;
  char   *reason;
  char   *note;
} PaymentRow;

static void
payment_row_clear (PaymentRow *row)
{
  g_free (row->id);
  g_free (row->receipt);
  g_free (row->kind);
  g_free (row->corrects);
  g_free (row->patient_id);
  g_free (row->account_id);
  g_free (row->created);
  g_free (row->day);
  g_free (row->method);
  g_free (row->check_number);
  g_free (row->card_brand);
  g_free (row->card_last4);
  g_free (row->auth_code);
  g_free (row->cashier);
  g_free (row->payer);
  g_free (row->reason);
  g_free (row->note);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PaymentRow, payment_row_clear)

static char *
ext_string (JsonObject *object,
            const char *url)
{
  return g_strdup (fd_fhir_get_string (find_extension (object, url), "valueString"));
}

static gboolean
ext_money (JsonObject *object,
           const char *url,
           gint64     *cents)
{
  FdMoney money;

  if (!fd_fhir_money (fd_fhir_get_object (find_extension (object, url), "valueMoney"), &money))
    return FALSE;
  *cents = money.cents;
  return TRUE;
}

static char *
invoice_patient (FdStore    *store,
                 const char *invoice_id)
{
  sqlite3_stmt *stmt = fd_store_prepare (store, "SELECT patient_id FROM ledger_invoice WHERE id = ?1", NULL);

  if (stmt == NULL || invoice_id == NULL)
    return NULL;
  fd_store_bind_text (stmt, 1, invoice_id);
  return step_text (store, stmt, NULL);
}

static gboolean
index_allocation (FdStore     *store,
                  PaymentRow  *row,
                  guint        seq,
                  JsonObject  *detail,
                  GError     **error)
{
  JsonObject *type = fd_fhir_get_object (detail, "type");
  JsonObject *target_ref = fd_fhir_get_object (find_extension (detail, URL_ALLOC_TARGET), "valueReference");
  JsonObject *account_ref = fd_fhir_get_object (find_extension (detail, URL_ALLOC_ACCOUNT), "valueReference");
  JsonObject *request = fd_fhir_get_object (detail, "request");
  const char *code = coding_code (type, SYSTEM_ALLOCATION);
  const char *invoice_id = fd_fhir_reference_id (target_ref, "Invoice");
  const char *appointment_id = fd_fhir_reference_id (request, "Appointment");
  const char *target;
  sqlite3_stmt *stmt;
  FdMoney amount;

  if (invoice_id == NULL)
    invoice_id = fd_fhir_reference_id (request, "Invoice");
  if (!fd_fhir_money (fd_fhir_get_object (detail, "amount"), &amount))
    return TRUE;

  if (code != NULL && (g_str_equal (code, "copay") || g_str_equal (code, "invoice") || g_str_equal (code, "credit")))
    target = code;
  else if (invoice_id != NULL)
    target = "invoice";
  else if (appointment_id != NULL)
    target = "copay";
  else
    target = "credit";

  if (row->account_id == NULL)
    row->account_id = g_strdup (fd_fhir_reference_id (account_ref, "Account"));
  if (row->patient_id == NULL)
    row->patient_id = invoice_patient (store, invoice_id);

  stmt = fd_store_prepare (store,
                           "INSERT INTO ledger_allocation (payment_id, seq, patient_id, target, invoice_id,"
                           " appointment_id, amount_cents) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, row->id);
  sqlite3_bind_int (stmt, 2, (int) seq);
  fd_store_bind_text (stmt, 3, row->patient_id);
  fd_store_bind_text (stmt, 4, target);
  fd_store_bind_text (stmt, 5, g_str_equal (target, "invoice") ? invoice_id : NULL);
  fd_store_bind_text (stmt, 6, appointment_id);
  sqlite3_bind_int64 (stmt, 7, amount.cents);
  return fd_store_step_done (store, stmt, error);
}

static gboolean
bump_receipt_sequence (FdStore     *store,
                       const char  *receipt,
                       GError     **error)
{
  g_autofree char *station = NULL;
  g_autofree char *day = NULL;
  sqlite3_stmt *stmt;
  guint seq;
  GDate date;

  /* Receipts of this station that come back from the server (after the
   * database was rebuilt) keep the sequence from starting over */
  if (!fd_ledger_parse_receipt_number (receipt, &station, &date, &seq))
    return TRUE;
  day = fd_date_format_iso (&date);

  stmt = fd_store_prepare (store,
                           "INSERT INTO receipt_sequence (station, day, last) VALUES (?1, ?2, ?3)"
                           " ON CONFLICT (station, day) DO UPDATE SET last = max (last, excluded.last)", error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, station);
  fd_store_bind_text (stmt, 2, day);
  sqlite3_bind_int64 (stmt, 3, seq);
  return fd_store_step_done (store, stmt, error);
}

static gboolean
index_payment (FdStore     *store,
               const char  *id,
               JsonObject  *pr,
               GError     **error)
{
  g_auto(PaymentRow) row = { 0 };
  JsonObject *identifier = fd_fhir_get_object (pr, "paymentIdentifier");
  JsonObject *issuer = fd_fhir_get_object (pr, "paymentIssuer");
  JsonObject *type = fd_fhir_get_object (find_extension (pr, URL_TYPE), "valueCodeableConcept");
  JsonObject *method = fd_fhir_get_object (find_extension (pr, URL_METHOD), "valueCodeableConcept");
  JsonArray *identifiers = fd_fhir_get_array (pr, "identifier");
  JsonArray *details = fd_fhir_get_array (pr, "detail");
  JsonObject *patient_ref;
  const char *issuer_type = fd_fhir_get_string (find_extension (pr, URL_ISSUER_TYPE), "valueCode");
  const char *correction = coding_code (type, SYSTEM_CORRECTION);
  const char *created;
  g_autoptr(GDateTime) created_time = NULL;
  FdMoney amount;
  gint64 exists = 0, balance = 0;
  sqlite3_stmt *stmt;

  /* Payments never change: a copy that comes back from the server is the same record */
  stmt = fd_store_prepare (store, "SELECT count(*) FROM ledger_payment WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, id);
  if (!step_int64 (store, stmt, &exists, error))
    return FALSE;
  if (exists > 0)
    return TRUE;

  if (!fd_fhir_money (fd_fhir_get_object (pr, "paymentAmount"), &amount))
    return TRUE;  /* not a payment the ledger can count */

  row.id = g_strdup (id);
  row.receipt = g_strdup (fd_fhir_get_string (identifier, "value"));
  if (row.receipt == NULL)
    row.receipt = g_strdup ("");
  row.line = 1;
  for (guint i = 0; identifiers && i < json_array_get_length (identifiers); i++)
    {
      JsonObject *ident = fd_fhir_array_object (identifiers, i);
      const char *value = fd_fhir_get_string (ident, "value");
      const char *slash = value ? strrchr (value, '/') : NULL;

      if (g_strcmp0 (fd_fhir_get_string (ident, "system"), SYSTEM_RECEIPT_LINE) == 0 && slash != NULL)
        row.line = g_ascii_strtoll (slash + 1, NULL, 10);
    }

  if (g_strcmp0 (issuer_type, "insurance") == 0)
    row.kind = g_strdup ("insurance");
  else if (g_strcmp0 (correction, "void") == 0 || g_strcmp0 (correction, "refund") == 0)
    row.kind = g_strdup (correction);
  else
    row.kind = g_strdup ("payment");

  for (guint i = 0; details && i < json_array_get_length (details); i++)
    {
      const char *predecessor = fd_fhir_get_string (fd_fhir_get_object (fd_fhir_array_object (details, i),
                                                                         "predecessor"), "value");
      if (predecessor != NULL && row.corrects == NULL)
        {
          const char *slash = strchr (predecessor, '/');

          row.corrects = slash ? g_strndup (predecessor, slash - predecessor) : g_strdup (predecessor);
        }
    }

  patient_ref = fd_fhir_get_object (find_extension (issuer, URL_ALTERNATE_REF), "valueReference");
  row.patient_id = g_strdup (fd_fhir_reference_id (patient_ref, "Patient"));

  created = fd_fhir_get_string (pr, "created");
  created_time = fd_date_time_parse (created, fd_store_get_time_zone (store));
  if (created_time == NULL)
    return TRUE;
  row.created = fd_date_time_format_fhir (created_time);
  row.day = local_day (store, created_time);

  row.method = g_strdup (coding_code (method, SYSTEM_V2_0570));
  row.amount = amount.cents;
  g_strlcpy (row.currency, amount.currency, sizeof row.currency);
  row.has_tendered = ext_money (pr, URL_TENDERED, &row.tendered);
  row.has_change = ext_money (pr, URL_RETURNED, &row.change);
  row.check_number = ext_string (pr, URL_REFERENCE_NUMBER);
  row.card_brand = ext_string (pr, URL_CARD_BRAND);
  row.card_last4 = ext_string (pr, URL_ACCOUNT_NUMBER);
  row.auth_code = ext_string (pr, URL_AUTHORIZATION);
  row.cashier = g_strdup (fd_fhir_get_string (fd_fhir_get_object (pr, "requestor"), "display"));
  row.payer = g_strdup (fd_fhir_get_string (issuer, "display"));
  if (g_strcmp0 (row.kind, "payment") != 0)
    row.reason = g_strdup (fd_fhir_get_string (pr, "disposition"));
  row.note = g_strdup (fd_fhir_get_string (fd_fhir_array_object (fd_fhir_get_array (pr, "processNote"), 0), "text"));

  clear_text_if_card (&row.check_number);
  clear_text_if_card (&row.card_brand);
  clear_text_if_card (&row.card_last4);
  clear_text_if_card (&row.auth_code);
  clear_text_if_card (&row.cashier);
  clear_text_if_card (&row.payer);
  clear_text_if_card (&row.reason);
  clear_text_if_card (&row.note);
  if (row.card_last4 != NULL && strlen (row.card_last4) > 4)
    g_clear_pointer (&row.card_last4, g_free);

  for (guint i = 0; details && i < json_array_get_length (details); i++)
    if (!index_allocation (store, &row, i + 1, fd_fhir_array_object (details, i), error))
      return FALSE;

  if (!update_balance (store, row.patient_id, row.account_id, row.currency, error))
    return FALSE;
  if (row.patient_id != NULL)
    {
      stmt = fd_store_prepare (store, "SELECT balance_cents FROM ledger_balance WHERE patient_id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      fd_store_bind_text (stmt, 1, row.patient_id);
      if (!step_int64 (store, stmt, &balance, error))
        return FALSE;
    }

  stmt = fd_store_prepare (store,
                           "INSERT INTO ledger_payment (id, receipt, line, kind, corrects, patient_id, account_id,"
                           " created, day, method, amount_cents, tendered_cents, change_cents, currency,"
                           " check_number, card_brand, card_last4, auth_code, cashier, payer, reason, note,"
                           " balance_after)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
                           " ?18, ?19, ?20, ?21, ?22, ?23)", error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, row.id);
  fd_store_bind_text (stmt, 2, row.receipt);
  sqlite3_bind_int64 (stmt, 3, row.line);
  fd_store_bind_text (stmt, 4, row.kind);
  fd_store_bind_text (stmt, 5, row.corrects);
  fd_store_bind_text (stmt, 6, row.patient_id);
  fd_store_bind_text (stmt, 7, row.account_id);
  fd_store_bind_text (stmt, 8, row.created);
  fd_store_bind_text (stmt, 9, row.day);
  fd_store_bind_text (stmt, 10, row.method);
  sqlite3_bind_int64 (stmt, 11, row.amount);
  if (row.has_tendered)
    sqlite3_bind_int64 (stmt, 12, row.tendered);
  if (row.has_change)
    sqlite3_bind_int64 (stmt, 13, row.change);
  fd_store_bind_text (stmt, 14, row.currency);
  fd_store_bind_text (stmt, 15, row.check_number);
  fd_store_bind_text (stmt, 16, row.card_brand);
  fd_store_bind_text (stmt, 17, row.card_last4);
  fd_store_bind_text (stmt, 18, row.auth_code);
  fd_store_bind_text (stmt, 19, row.cashier);
  fd_store_bind_text (stmt, 20, row.payer);
  fd_store_bind_text (stmt, 21, row.reason);
  fd_store_bind_text (stmt, 22, row.note);
  if (row.patient_id != NULL)
    sqlite3_bind_int64 (stmt, 23, balance);
  if (!fd_store_step_done (store, stmt, error))
    return FALSE;

  if (*row.receipt != '\0' && !bump_receipt_sequence (store, row.receipt, error))
    return FALSE;

  fd_store_record_change (store, "Ledger", row.patient_id ? row.patient_id : id);
  return TRUE;
}

gboolean
fd_store_ledger_indexes (const char *type)
{
  return g_strcmp0 (type, "Invoice") == 0 || g_strcmp0 (type, "PaymentReconciliation") == 0;
}

gboolean
fd_store_ledger_index (FdStore     *self,
                       const char  *type,
                       const char  *id,
                       JsonObject  *resource,
                       GError     **error)
{
  if (g_strcmp0 (type, "Invoice") == 0)
    return index_invoice (self, id, resource, error);
  if (g_strcmp0 (type, "PaymentReconciliation") == 0)
    return index_payment (self, id, resource, error);
  return TRUE;
}

/* Freeing */

/**
 * fd_ledger_account_clear:
 * @account: an account filled by fd_ledger_get_account()
 */
void
fd_ledger_account_clear (FdLedgerAccount *account)
{
  g_clear_pointer (&account->patient_id, g_free);
  g_clear_pointer (&account->account_id, g_free);
  g_clear_pointer (&account->guarantor_id, g_free);
  g_clear_pointer (&account->guarantor_display, g_free);
  g_clear_pointer (&account->account_number, g_free);
  g_clear_pointer (&account->copay_appointment_id, g_free);
}

void
fd_ledger_entry_free (FdLedgerEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->description);
  g_free (entry->receipt_number);
  g_free (entry->resource_id);
  g_free (entry->methods);
  g_free (entry);
}

void
fd_ledger_invoice_free (FdLedgerInvoice *invoice)
{
  if (invoice == NULL)
    return;
  g_free (invoice->id);
  g_free (invoice->description);
  g_free (invoice);
}

static void
receipt_line_free (FdLedgerReceiptLine *line)
{
  g_free (line->check_number);
  g_free (line->card_brand);
  g_free (line->card_last4);
  g_free (line->authorization);
  g_free (line);
}

static void
receipt_item_free (FdLedgerReceiptItem *item)
{
  g_free (item->invoice_id);
  g_free (item->description);
  g_free (item);
}

void
fd_ledger_receipt_free (FdLedgerReceipt *receipt)
{
  if (receipt == NULL)
    return;
  g_free (receipt->number);
  g_free (receipt->kind);
  g_free (receipt->corrects);
  g_clear_pointer (&receipt->created, g_date_time_unref);
  g_free (receipt->station);
  g_free (receipt->cashier);
  g_free (receipt->patient_id);
  g_free (receipt->patient_display);
  g_free (receipt->account_id);
  g_free (receipt->payer);
  g_free (receipt->reason);
  g_free (receipt->note);
  g_clear_pointer (&receipt->lines, g_ptr_array_unref);
  g_clear_pointer (&receipt->items, g_ptr_array_unref);
  g_free (receipt);
}

void
fd_drawer_summary_clear (FdDrawerSummary *summary)
{
  g_clear_pointer (&summary->station, g_free);
  g_clear_pointer (&summary->cashier, g_free);
  g_clear_pointer (&summary->opened_at, g_date_time_unref);
  g_clear_pointer (&summary->closed_at, g_date_time_unref);
  g_clear_pointer (&summary->closed_by, g_free);
}

void
fd_statement_candidate_free (FdStatementCandidate *candidate)
{
  if (candidate == NULL)
    return;
  g_free (candidate->patient_id);
  g_free (candidate->account_id);
  g_free (candidate->guarantor_id);
  g_free (candidate);
}

void
fd_drawer_event_free (FdDrawerEvent *event)
{
  if (event == NULL)
    return;
  g_clear_pointer (&event->at, g_date_time_unref);
  g_free (event->receipt_number);
  g_free (event->kind);
  g_free (event->check_number);
  g_free (event->card_brand);
  g_free (event->card_last4);
  g_free (event->reason);
  g_free (event);
}

/* Reading the ledger */

static gboolean
has_ledger_rows (FdStore     *store,
                 const char  *patient_id,
                 gboolean    *out,
                 GError     **error)
{
  sqlite3_stmt *stmt = fd_store_prepare (store, "SELECT count(*) FROM ledger_balance WHERE patient_id = ?1", error);
  gint64 n = 0;

  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, patient_id);
  if (!step_int64 (store, stmt, &n, error))
    return FALSE;
  *out = n > 0;
  return TRUE;
}

/**
 * fd_ledger_get_balance:
 * @store: the store
 * @patient_id: a Patient id
 * @out: (out caller-allocates): what the patient owes; negative is a credit
 * @error: return location for an error
 *
 * From the ledger once it has rows for the patient, else from the Account's
 * balance extension. Replaces fd_store_get_patient_balance().
 *
 * Returns: %TRUE on success
 */
gboolean
fd_ledger_get_balance (FdStore     *store,
                       const char  *patient_id,
                       FdMoney     *out,
                       GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FD_IS_STORE (store), FALSE);

  fd_money_init (out, 0, NULL);
  stmt = fd_store_prepare (store,
                           "SELECT balance_cents, currency FROM ledger_balance WHERE patient_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, patient_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    fd_money_init (out, sqlite3_column_int64 (stmt, 0), fd_store_column_text (stmt, 1));
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    return fd_store_sqlite_error (store, rc, error);

  return fd_store_get_patient_balance (store, patient_id, out, error);
}

/**
 * fd_ledger_count_balances:
 * @store: the store
 * @error: return location for an error
 *
 * Returns: how many patients owe something, or -1 on error; replaces
 *   fd_store_count_balances()
 */
gint64
fd_ledger_count_balances (FdStore  *store,
                          GError  **error)
{
  sqlite3_stmt *stmt;
  gint64 n = -1;

  g_return_val_if_fail (FD_IS_STORE (store), -1);

  stmt = fd_store_prepare (store,
                           "SELECT count(*) FROM ledger_balance b JOIN patient p ON p.id = b.patient_id"
                           " WHERE b.balance_cents > 0",
                           error);
  if (stmt == NULL || !step_int64 (store, stmt, &n, error))
    return -1;
  return n;
}

static gpointer
balance_item_from_row (sqlite3_stmt *stmt)
{
  FdPatientItem *item = fd_patient_item_new (fd_store_column_text (stmt, 0), fd_store_column_text (stmt, 1),
                                             fd_store_column_text (stmt, 2), fd_store_column_text (stmt, 3),
                                             fd_store_column_text (stmt, 4));
  FdMoney balance;

  fd_money_init (&balance, sqlite3_column_int64 (stmt, 5), fd_store_column_text (stmt, 6));
  fd_patient_item_set_balance (item, &balance);
  return item;
}

/**
 * fd_ledger_list_balances:
 * @store: the store
 * @offset: rows to skip
 * @limit: rows wanted
 * @error: return location for an error
 *
 * Replaces fd_store_list_balances(): the two balance indexes, merged
 * without a sort.
 *
 * Returns: (transfer container) (element-type FdPatientItem): patients who
 *   owe something, largest balance first, with the balance set
 */
GPtrArray *
fd_ledger_list_balances (FdStore  *store,
                         guint     offset,
                         guint     limit,
                         GError  **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FD_IS_STORE (store), NULL);

  stmt = fd_store_prepare (store,
                           /* The rows skipped are walked in the index alone; only
                            * the page's own rows are read in full */
                           "SELECT b.patient_id AS pid, p.display, p.birth_date, p.mrn, p.phone, b.balance_cents AS cents, b.currency"
                           " FROM (SELECT patient_id FROM ledger_balance WHERE balance_cents > 0"
                           "       ORDER BY balance_cents DESC, patient_id LIMIT ?1 OFFSET ?2) page"
                           " JOIN ledger_balance b ON b.patient_id = page.patient_id JOIN patient p ON p.id = b.patient_id"
                           " ORDER BY b.balance_cents DESC, b.patient_id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, (int) limit);
  sqlite3_bind_int (stmt, 2, (int) offset);
  if (!fd_store_collect_rows (store, stmt, balance_item_from_row, out, error))
    return NULL;
  return g_steal_pointer (&out);
}

static gpointer
open_invoice_from_row (sqlite3_stmt *stmt)
{
  FdLedgerInvoice *invoice = g_new0 (FdLedgerInvoice, 1);
  const char *currency = fd_store_column_text (stmt, 5);

  invoice->id = g_strdup (fd_store_column_text (stmt, 0));
  g_date_clear (&invoice->date, 1);
  fd_date_parse_iso (fd_store_column_text (stmt, 1), &invoice->date);
  invoice->description = g_strdup (fd_store_column_text (stmt, 2));
  fd_money_init (&invoice->patient_part, sqlite3_column_int64 (stmt, 3), currency);
  fd_money_init (&invoice->open, sqlite3_column_int64 (stmt, 4), currency);
  return invoice;
}

/**
 * fd_ledger_list_open_invoices:
 * @store: the store
 * @patient_id: a Patient id
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type FdLedgerInvoice): the
 *   patient's invoices with something left to pay, oldest first
 */
GPtrArray *
fd_ledger_list_open_invoices (FdStore     *store,
                              const char  *patient_id,
                              GError     **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_ledger_invoice_free);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FD_IS_STORE (store), NULL);

  stmt = fd_store_prepare (store,
                           "SELECT * FROM (SELECT i.id, i.day, i.description, i.net_cents,"
                           " i.net_cents - (SELECT coalesce (sum (a.amount_cents), 0) FROM ledger_allocation a"
                           "                WHERE a.invoice_id = i.id) AS open, i.currency"
                           " FROM ledger_invoice i WHERE i.patient_id = ?1 AND i.status IN ('issued', 'balanced'))"
                           " WHERE open > 0 ORDER BY day, id", error);
  if (stmt == NULL)
    return NULL;
  fd_store_bind_text (stmt, 1, patient_id);
  if (!fd_store_collect_rows (store, stmt, open_invoice_from_row, out, error))
    return NULL;
  return g_steal_pointer (&out);
}

static gboolean
copay_due (FdStore     *store,
           const char  *patient_id,
           const GDate *day,
           gint64      *due,
           char       **appointment_id,
           GError     **error)
{
  g_autofree char *day_text = fd_date_format_iso (day);
  g_autofree char *appointment = NULL;
  gint64 copay = 0, paid = 0;
  sqlite3_stmt *stmt;

  *due = 0;
  *appointment_id = NULL;

  stmt = fd_store_prepare (store,
                           "SELECT id FROM appointment WHERE patient_id = ?1 AND day = ?2"
                           " AND status IN ('booked', 'arrived', 'checked-in', 'fulfilled')"
                           " ORDER BY start_unix, id LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, patient_id);
  fd_store_bind_text (stmt, 2, day_text);
  appointment = step_text (store, stmt, error);
  if (appointment == NULL)
    return error == NULL || *error == NULL;

  stmt = fd_store_prepare (store,
                           "SELECT copay_cents FROM coverage c WHERE patient_id = ?1 AND " FD_STORE_COVERAGE_IN_FORCE
                           " AND copay_cents IS NOT NULL ORDER BY id LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, patient_id);
  if (!step_int64 (store, stmt, &copay, error))
    return FALSE;

  stmt = fd_store_prepare (store,
                           "SELECT coalesce (sum (amount_cents), 0) FROM ledger_allocation"
                           " WHERE appointment_id = ?1 AND target = 'copay'", error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, appointment);
  if (!step_int64 (store, stmt, &paid, error))
    return FALSE;

  *due = MAX (0, copay - paid);
  *appointment_id = g_steal_pointer (&appointment);
  return TRUE;
}

static char *
find_account (FdStore    *store,
              const char *patient_id)
{
  sqlite3_stmt *stmt = fd_store_prepare (store,
                                         "SELECT id FROM account WHERE patient_id = ?1 ORDER BY id LIMIT 1", NULL);

  if (stmt == NULL)
    return NULL;
  fd_store_bind_text (stmt, 1, patient_id);
  return step_text (store, stmt, NULL);
}

/**
 * fd_ledger_get_account:
 * @store: the store
 * @patient_id: a Patient id
 * @as_of: the day aging is counted on and whose co-pay is due
 * @out: (out caller-allocates): the account; clear it with fd_ledger_account_clear()
 * @error: return location for an error
 *
 * Returns: %TRUE on success
 */
gboolean
fd_ledger_get_account (FdStore          *store,
                       const char       *patient_id,
                       const GDate      *as_of,
                       FdLedgerAccount  *out,
                       GError          **error)
{
  g_autoptr(GPtrArray) open = NULL;
  g_autoptr(JsonObject) account = NULL;
  g_autofree FdOpenItem *items = NULL;
  g_autofree char *last = NULL;
  JsonObject *party;
  sqlite3_stmt *stmt;
  gint64 due, credit = 0;

  g_return_val_if_fail (FD_IS_STORE (store), FALSE);
  g_return_val_if_fail (patient_id != NULL && as_of != NULL, FALSE);

  memset (out, 0, sizeof *out);
  g_date_clear (&out->last_statement, 1);
  out->patient_id = g_strdup (patient_id);

  if (!has_ledger_rows (store, patient_id, &out->from_ledger, error) ||
      !fd_ledger_get_balance (store, patient_id, &out->balance, error))
    return FALSE;

  stmt = fd_store_prepare (store, "SELECT credit_cents FROM ledger_balance WHERE patient_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, patient_id);
  if (!step_int64 (store, stmt, &credit, error))
    return FALSE;
  fd_money_init (&out->credit, credit, out->balance.currency);

  open = fd_ledger_list_open_invoices (store, patient_id, error);
  if (open == NULL)
    return FALSE;
  items = g_new0 (FdOpenItem, MAX (open->len, 1));
  for (guint i = 0; i < open->len; i++)
    {
      FdLedgerInvoice *invoice = g_ptr_array_index (open, i);

      items[i].id = invoice->id;
      items[i].date = invoice->date;
      items[i].open_cents = invoice->open.cents;
    }
  fd_ledger_age (items, open->len, as_of, out->aging);

  if (!copay_due (store, patient_id, as_of, &due, &out->copay_appointment_id, error))
    return FALSE;
  fd_money_init (&out->copay_due, due, out->balance.currency);

  out->account_id = find_account (store, patient_id);
  if (out->account_id != NULL)
    {
      account = fd_store_get (store, "Account", out->account_id, NULL);
      out->account_number = fd_fhir_account_number (account, out->account_id);
    }
  party = fd_fhir_get_object (fd_fhir_array_object (fd_fhir_get_array (account, "guarantor"), 0), "party");
  if (party != NULL)
    {
      const char *ref = fd_fhir_get_string (party, "reference");
      const char *slash = ref ? strchr (ref, '/') : NULL;

      out->guarantor_id = g_strdup (slash ? slash + 1 : ref);
      out->guarantor_display = g_strdup (fd_fhir_get_string (party, "display"));
    }

  stmt = fd_store_prepare (store, "SELECT max (day) FROM ledger_statement WHERE patient_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, patient_id);
  last = step_text (store, stmt, error);
  if (last != NULL)
    fd_date_parse_iso (last, &out->last_statement);

  return TRUE;
}

static FdLedgerEntry *
new_entry (FdLedgerEntryKind  kind,
           const char        *day,
           const char        *description,
           gint64             cents,
           const char        *currency,
           const char        *receipt,
           const char        *resource_id)
{
  FdLedgerEntry *entry = g_new0 (FdLedgerEntry, 1);

  entry->kind = kind;
  g_date_clear (&entry->date, 1);
  fd_date_parse_iso (day, &entry->date);
  entry->description = g_strdup (description);
  fd_money_init (&entry->amount, cents, currency);
  entry->receipt_number = g_strdup (receipt);
  entry->resource_id = g_strdup (resource_id);
  return entry;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const FdLedgerEntry *x = *(const FdLedgerEntry * const *) a;
  const FdLedgerEntry *y = *(const FdLedgerEntry * const *) b;
  int by_date = g_date_compare (&x->date, &y->date);

  if (by_date != 0)
    return by_date;
  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  return g_strcmp0 (x->receipt_number ? x->receipt_number : x->resource_id,
                    y->receipt_number ? y->receipt_number : y->resource_id);
}

/**
 * fd_ledger_list_activity:
 * @store: the store
 * @patient_id: a Patient id
 * @since: (nullable): only what happened after this day (the last statement)
 * @error: return location for an error
 *
 * Charges, adjustments and insurance payments of each invoice, and the
 * patient's payments, voids and refunds, one entry per receipt.
 *
 * Returns: (transfer container) (element-type FdLedgerEntry): oldest first
 */
GPtrArray *
fd_ledger_list_activity (FdStore      *store,
                         const char   *patient_id,
                         const GDate  *since,
                         GError      **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_ledger_entry_free);
  g_autofree char *since_text = since ? fd_date_format_iso (since) : g_strdup ("");
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FD_IS_STORE (store), NULL);

  stmt = fd_store_prepare (store,
                           "SELECT id, day, description, gross_cents, adjust_cents, insurance_cents, currency"
                           " FROM ledger_invoice WHERE patient_id = ?1 AND status IN ('issued', 'balanced')"
                           " AND day > ?2 ORDER BY day, id", error);
  if (stmt == NULL)
    return NULL;
  fd_store_bind_text (stmt, 1, patient_id);
  fd_store_bind_text (stmt, 2, since_text);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = fd_store_column_text (stmt, 0);
      const char *day = fd_store_column_text (stmt, 1);
      const char *description = fd_store_column_text (stmt, 2);
      const char *currency = fd_store_column_text (stmt, 6);
      gint64 adjust = sqlite3_column_int64 (stmt, 4);
      gint64 insurance = sqlite3_column_int64 (stmt, 5);

      g_ptr_array_add (out, new_entry (FD_LEDGER_ENTRY_CHARGE, day, description ? description : _("Charge"),
                                       sqlite3_column_int64 (stmt, 3), currency, NULL, id));
      if (adjust != 0)
        g_ptr_array_add (out, new_entry (FD_LEDGER_ENTRY_ADJUSTMENT, day, _("Contractual adjustment"),
                                         -adjust, currency, NULL, id));
      if (insurance != 0)
        g_ptr_array_add (out, new_entry (FD_LEDGER_ENTRY_INSURANCE, day, _("Insurance payment"),
                                         -insurance, currency, NULL, id));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      fd_store_sqlite_error (store, rc, error);
      return NULL;
    }

  /* A receipt's effect on the balance is what it allocated */
  stmt = fd_store_prepare (store,
                           "SELECT p.receipt, p.kind, min (p.day), min (p.id), group_concat (DISTINCT p.method),"
                           " (SELECT coalesce (sum (a.amount_cents), 0) FROM ledger_allocation a"
                           "  WHERE a.payment_id IN (SELECT q.id FROM ledger_payment q"
                           "    WHERE q.receipt = p.receipt AND (p.receipt != '' OR q.id = p.id))),"
                           " min (p.currency)"
                           " FROM ledger_payment p WHERE p.patient_id = ?1 AND p.day > ?2"
                           " GROUP BY p.receipt, CASE WHEN p.receipt = '' THEN p.id END ORDER BY 3, 1", error);
  if (stmt == NULL)
    return NULL;
  fd_store_bind_text (stmt, 1, patient_id);
  fd_store_bind_text (stmt, 2, since_text);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *receipt = fd_store_column_text (stmt, 0);
      const char *kind = fd_store_column_text (stmt, 1);
      g_auto(GStrv) codes = g_strsplit (fd_store_column_text (stmt, 4) ? fd_store_column_text (stmt, 4) : "", ",", -1);
      g_autoptr(GString) how = g_string_new (NULL);
      g_autofree char *description = NULL;
      FdLedgerEntryKind entry_kind;

      for (guint i = 0; codes[i] != NULL; i++)
        {
          FdPaymentMethod method;

          if (fd_payment_method_from_code (codes[i], &method))
            g_string_append_printf (how, "%s%s", how->len ? ", " : "", fd_payment_method_label (method));
        }

      if (g_str_equal (kind, "void"))
        {
          entry_kind = FD_LEDGER_ENTRY_VOID;
          description = g_strdup (_("Payment voided"));
        }
      else if (g_str_equal (kind, "refund"))
        {
          entry_kind = FD_LEDGER_ENTRY_REFUND;
          description = g_strdup_printf (_("Refund (%s)"), how->str);
        }
      else if (g_str_equal (kind, "insurance"))
        {
          entry_kind = FD_LEDGER_ENTRY_INSURANCE;
          description = g_strdup (_("Insurance payment"));
        }
      else
        {
          entry_kind = FD_LEDGER_ENTRY_PAYMENT;
          description = g_strdup_printf (_("Payment (%s)"), how->str);
        }

      {
        FdLedgerEntry *entry = new_entry (entry_kind, fd_store_column_text (stmt, 2), description,
                                          -sqlite3_column_int64 (stmt, 5), fd_store_column_text (stmt, 6),
                                          *receipt ? receipt : NULL, fd_store_column_text (stmt, 3));

        entry->methods = g_strdup (fd_store_column_text (stmt, 4));
        g_ptr_array_add (out, entry);
      }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      fd_store_sqlite_error (store, rc, error);
      return NULL;
    }

  g_ptr_array_sort (out, compare_entries);
  return g_steal_pointer (&out);
}

/* Receipts */

static gpointer
receipt_line_from_row (sqlite3_stmt *stmt)
{
  FdLedgerReceiptLine *line = g_new0 (FdLedgerReceiptLine, 1);

  if (!fd_payment_method_from_code (fd_store_column_text (stmt, 0), &line->method))
    line->method = FD_PAYMENT_METHOD_CASH;
  line->amount_cents = sqlite3_column_int64 (stmt, 1);
  line->tendered_cents = sqlite3_column_int64 (stmt, 2);
  line->change_cents = sqlite3_column_int64 (stmt, 3);
  line->check_number = g_strdup (fd_store_column_text (stmt, 4));
  line->card_brand = g_strdup (fd_store_column_text (stmt, 5));
  line->card_last4 = g_strdup (fd_store_column_text (stmt, 6));
  line->authorization = g_strdup (fd_store_column_text (stmt, 7));
  return line;
}

static gpointer
receipt_item_from_row (sqlite3_stmt *stmt)
{
  FdLedgerReceiptItem *item = g_new0 (FdLedgerReceiptItem, 1);
  const char *target = fd_store_column_text (stmt, 0);
  const char *description = fd_store_column_text (stmt, 2);
  const char *day = fd_store_column_text (stmt, 3);

  item->invoice_id = g_strdup (fd_store_column_text (stmt, 1));
  item->cents = sqlite3_column_int64 (stmt, 4);
  if (g_strcmp0 (target, "copay") == 0)
    {
      item->target = FD_ALLOCATION_COPAY;
      item->description = g_strdup (_("Co-pay for today’s visit"));
    }
  else if (g_strcmp0 (target, "invoice") == 0)
    {
      item->target = FD_ALLOCATION_INVOICE;
      item->description = g_strdup_printf ("%s (%s)", description ? description : _("Charge"), day ? day : "");
    }
  else
    {
      item->target = FD_ALLOCATION_CREDIT;
      item->description = g_strdup (_("Prepayment credit"));
    }
  return item;
}

/**
 * fd_ledger_get_receipt:
 * @store: the store
 * @receipt_number: a receipt number
 * @error: return location for an error, %FD_STORE_ERROR_NOT_FOUND if unknown
 *
 * Returns: (transfer full) (nullable): everything the receipt prints
 */
FdLedgerReceipt *
fd_ledger_get_receipt (FdStore     *store,
                       const char  *receipt_number,
                       GError     **error)
{
  g_autoptr(FdLedgerReceipt) receipt = NULL;
  sqlite3_stmt *stmt;
  gint64 n;
  int rc;

  g_return_val_if_fail (FD_IS_STORE (store), NULL);

  if (receipt_number == NULL || *receipt_number == '\0')
    {
      not_found (error, _("There is no receipt with that number on this station"));
      return NULL;
    }

  stmt = fd_store_prepare (store,
                           "SELECT p.kind, p.corrects, p.created, p.cashier, p.patient_id, pt.display, p.account_id,"
                           " p.payer, p.reason, p.note, p.currency,"
                           " (SELECT sum (q.amount_cents) FROM ledger_payment q WHERE q.receipt = p.receipt),"
                           " (SELECT sum (q.tendered_cents) FROM ledger_payment q WHERE q.receipt = p.receipt),"
                           " (SELECT sum (q.change_cents) FROM ledger_payment q WHERE q.receipt = p.receipt),"
                           " (SELECT q.balance_after FROM ledger_payment q WHERE q.receipt = p.receipt"
                           "  ORDER BY q.line DESC LIMIT 1)"
                           " FROM ledger_payment p LEFT JOIN patient pt ON pt.id = p.patient_id"
                           " WHERE p.receipt = ?1 ORDER BY p.line LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  fd_store_bind_text (stmt, 1, receipt_number);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      const char *currency = fd_store_column_text (stmt, 10);

      receipt = g_new0 (FdLedgerReceipt, 1);
      receipt->number = g_strdup (receipt_number);
      receipt->kind = g_strdup (fd_store_column_text (stmt, 0));
      receipt->corrects = g_strdup (fd_store_column_text (stmt, 1));
      receipt->created = fd_date_time_parse (fd_store_column_text (stmt, 2), fd_store_get_time_zone (store));
      receipt->cashier = g_strdup (fd_store_column_text (stmt, 3));
      receipt->patient_id = g_strdup (fd_store_column_text (stmt, 4));
      receipt->patient_display = g_strdup (fd_store_column_text (stmt, 5));
      receipt->account_id = g_strdup (fd_store_column_text (stmt, 6));
      receipt->payer = g_strdup (fd_store_column_text (stmt, 7));
      receipt->reason = g_strdup (fd_store_column_text (stmt, 8));
      receipt->note = g_strdup (fd_store_column_text (stmt, 9));
      fd_money_init (&receipt->total, sqlite3_column_int64 (stmt, 11), currency);
      receipt->tendered_cents = sqlite3_column_int64 (stmt, 12);
      receipt->change_cents = sqlite3_column_int64 (stmt, 13);
      fd_money_init (&receipt->balance_after, sqlite3_column_int64 (stmt, 14), currency);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        not_found (error, _("There is no receipt with that number on this station"));
      else
        fd_store_sqlite_error (store, rc, error);
      return NULL;
    }
  fd_ledger_parse_receipt_number (receipt_number, &receipt->station, NULL, NULL);

  receipt->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) receipt_line_free);
  stmt = fd_store_prepare (store,
                           "SELECT method, amount_cents, coalesce (tendered_cents, 0), coalesce (change_cents, 0),"
                           " check_number, card_brand, card_last4, auth_code"
                           " FROM ledger_payment WHERE receipt = ?1 ORDER BY line", error);
  if (stmt == NULL)
    return NULL;
  fd_store_bind_text (stmt, 1, receipt_number);
  if (!fd_store_collect_rows (store, stmt, receipt_line_from_row, receipt->lines, error))
    return NULL;

  /* What it paid, merged over the method lines */
  receipt->items = g_ptr_array_new_with_free_func ((GDestroyNotify) receipt_item_free);
  stmt = fd_store_prepare (store,
                           "SELECT a.target, a.invoice_id, i.description, i.day, sum (a.amount_cents)"
                           " FROM ledger_payment p JOIN ledger_allocation a ON a.payment_id = p.id"
                           " LEFT JOIN ledger_invoice i ON i.id = a.invoice_id"
                           " WHERE p.receipt = ?1"
                           " GROUP BY a.target, a.invoice_id, a.appointment_id ORDER BY min (p.line * 1000 + a.seq)",
                           error);
  if (stmt == NULL)
    return NULL;
  fd_store_bind_text (stmt, 1, receipt_number);
  if (!fd_store_collect_rows (store, stmt, receipt_item_from_row, receipt->items, error))
    return NULL;

  stmt = fd_store_prepare (store,
                           "SELECT count(*) FROM ledger_payment WHERE corrects = ?1 AND kind = 'void'", error);
  if (stmt == NULL)
    return NULL;
  fd_store_bind_text (stmt, 1, receipt_number);
  if (!step_int64 (store, stmt, &n, error))
    return NULL;
  receipt->voided = n > 0;

  stmt = fd_store_prepare (store,
                           "SELECT coalesce (-sum (amount_cents), 0) FROM ledger_payment"
                           " WHERE corrects = ?1 AND kind = 'refund'", error);
  if (stmt == NULL)
    return NULL;
  fd_store_bind_text (stmt, 1, receipt_number);
  if (!step_int64 (store, stmt, &receipt->refunded_cents, error))
    return NULL;

  return g_steal_pointer (&receipt);
}

static gpointer
text_from_row (sqlite3_stmt *stmt)
{
  return g_strdup (fd_store_column_text (stmt, 0));
}

/**
 * fd_ledger_list_receipts:
 * @store: the store
 * @patient_id: a Patient id
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type FdLedgerReceipt): the
 *   patient's receipts, voids and refunds, newest first, for reprints
 */
GPtrArray *
fd_ledger_list_receipts (FdStore     *store,
                         const char  *patient_id,
                         GError     **error)
{
  g_autoptr(GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_ledger_receipt_free);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FD_IS_STORE (store), NULL);

  stmt = fd_store_prepare (store,
                           "SELECT receipt FROM ledger_payment WHERE patient_id = ?1 AND receipt != ''"
                           " GROUP BY receipt ORDER BY max (created) DESC, receipt DESC", error);
  if (stmt == NULL)
    return NULL;
  fd_store_bind_text (stmt, 1, patient_id);
  if (!fd_store_collect_rows (store, stmt, text_from_row, numbers, error))
    return NULL;

  for (guint i = 0; i < numbers->len; i++)
    {
      FdLedgerReceipt *receipt = fd_ledger_get_receipt (store, g_ptr_array_index (numbers, i), error);

      if (receipt == NULL)
        return NULL;
      g_ptr_array_add (out, receipt);
    }
  return g_steal_pointer (&out);
}

/* Writing: payments, voids and refunds */

typedef struct
{
  FdAllocationTarget  target;
  char               *invoice_id;
  char               *appointment_id;
  char               *predecessor;  /* for a correction: the detail it reverses */
  gint64              cents;        /* signed */
  gint64              order;        /* where it came in the original receipt */
} Piece;

static void
piece_free (Piece *piece)
{
  g_free (piece->invoice_id);
  g_free (piece->appointment_id);
  g_free (piece->predecessor);
  g_free (piece);
}

static Piece *
new_piece (FdAllocationTarget  target,
           const char         *invoice_id,
           const char         *appointment_id,
           const char         *predecessor,
           gint64              cents)
{
  Piece *piece = g_new0 (Piece, 1);

  piece->target = target;
  piece->invoice_id = g_strdup (invoice_id);
  piece->appointment_id = g_strdup (appointment_id);
  piece->predecessor = g_strdup (predecessor);
  piece->cents = cents;
  return piece;
}

typedef struct
{
  const char          *kind;         /* "payment", "void", "refund" */
  const char          *receipt;
  guint                line;
  const char          *patient_id;
  const char          *account_id;
  const char          *cashier;
  const char          *payer;
  const char          *note;
  const char          *reason;
  const char          *currency;
  GDateTime           *when;
  const FdPaymentLine *method;       /* its amount is the line's, unsigned */
  gint64               amount;       /* signed */
  gint64               change;
  GPtrArray           *pieces;       /* Piece, this line's share */
} PrSpec;

static JsonObject *
build_payment_reconciliation (FdStore      *store,
                              const PrSpec *spec)
{
  JsonObject *pr = json_object_new ();
  JsonArray *extensions = json_array_new ();
  JsonArray *details = json_array_new ();
  JsonArray *identifiers = json_array_new ();
  JsonObject *issuer = json_object_new ();
  JsonArray *issuer_ext = json_array_new ();
  JsonObject *requestor = json_object_new ();
  g_autoptr(GDateTime) local = g_date_time_to_timezone (spec->when, fd_store_get_time_zone (store));
  g_autofree char *created = fd_date_time_format_fhir (local);
  g_autofree char *day = g_date_time_format (local, "%Y-%m-%d");
  g_autofree char *line_id = g_strdup_printf ("%s/%u", spec->receipt, spec->line);
  g_autofree char *id = g_uuid_string_random ();
  gboolean correction = !g_str_equal (spec->kind, "payment");
  const FdPaymentLine *m = spec->method;

  json_object_set_string_member (pr, "resourceType", "PaymentReconciliation");
  json_object_set_string_member (pr, "id", id);

  add_extension (extensions, URL_ISSUER_TYPE, "valueCode", json_node_init_string (json_node_alloc (), "patient"));
  add_object_extension (extensions, URL_TYPE, "valueCodeableConcept",
                        correction
                          ? new_coding_concept (SYSTEM_PAYMENT_TYPE, "adjustment", SYSTEM_CORRECTION, spec->kind)
                          : new_coding_concept (SYSTEM_PAYMENT_TYPE, "payment", NULL, NULL));
  add_object_extension (extensions, URL_METHOD, "valueCodeableConcept",
                        new_coding_concept (SYSTEM_V2_0570, fd_payment_method_code (m->method), NULL, NULL));
  if (m->method == FD_PAYMENT_METHOD_CASH && !correction)
    {
      gint64 tendered = m->tendered_cents ? m->tendered_cents : m->amount_cents;

      add_object_extension (extensions, URL_TENDERED, "valueMoney", new_money (tendered, spec->currency));
      add_object_extension (extensions, URL_RETURNED, "valueMoney", new_money (spec->change, spec->currency));
    }
  if (m->method == FD_PAYMENT_METHOD_CHECK)
    add_string_extension (extensions, URL_REFERENCE_NUMBER, m->check_number);
  if (m->method == FD_PAYMENT_METHOD_CREDIT_CARD || m->method == FD_PAYMENT_METHOD_DEBIT_CARD)
    {
      add_string_extension (extensions, URL_CARD_BRAND, m->card_brand);
      add_string_extension (extensions, URL_ACCOUNT_NUMBER, m->card_last4);
      add_string_extension (extensions, URL_AUTHORIZATION, m->authorization);
    }
  json_object_set_array_member (pr, "extension", extensions);

  json_array_add_object_element (identifiers, new_identifier (SYSTEM_RECEIPT_LINE, line_id));
  json_object_set_array_member (pr, "identifier", identifiers);
  json_object_set_string_member (pr, "status", "active");
  json_object_set_string_member (pr, "created", created);
  json_object_set_string_member (pr, "outcome", "complete");
  if (spec->reason != NULL)
    json_object_set_string_member (pr, "disposition", spec->reason);

  add_object_extension (issuer_ext, URL_ALTERNATE_REF, "valueReference",
                        fd_fhir_new_reference ("Patient", spec->patient_id, NULL));
  json_object_set_array_member (issuer, "extension", issuer_ext);
  if (spec->payer != NULL && *spec->payer != '\0')
    json_object_set_string_member (issuer, "display", spec->payer);
  json_object_set_object_member (pr, "paymentIssuer", issuer);

  json_object_set_string_member (requestor, "display", spec->cashier);
  json_object_set_object_member (pr, "requestor", requestor);

  json_object_set_string_member (pr, "paymentDate", day);
  json_object_set_object_member (pr, "paymentAmount", new_money (spec->amount, spec->currency));
  json_object_set_object_member (pr, "paymentIdentifier", new_identifier (FD_LEDGER_RECEIPT_SYSTEM, spec->receipt));

  for (guint i = 0; i < spec->pieces->len; i++)
    {
      Piece *piece = g_ptr_array_index (spec->pieces, i);
      JsonObject *detail = json_object_new ();
      JsonArray *detail_ext = json_array_new ();
      g_autofree char *detail_id = g_strdup_printf ("%s/%u", line_id, i + 1);
      const char *payment_type = piece->target == FD_ALLOCATION_CREDIT ? "advance" : "payment";

      if (correction)
        payment_type = "adjustment";
      if (piece->invoice_id != NULL)
        add_object_extension (detail_ext, URL_ALLOC_TARGET, "valueReference",
                              fd_fhir_new_reference ("Invoice", piece->invoice_id, NULL));
      if (spec->account_id != NULL)
        add_object_extension (detail_ext, URL_ALLOC_ACCOUNT, "valueReference",
                              fd_fhir_new_reference ("Account", spec->account_id, NULL));
      if (json_array_get_length (detail_ext) > 0)
        json_object_set_array_member (detail, "extension", detail_ext);
      else
        json_array_unref (detail_ext);

      json_object_set_object_member (detail, "identifier", new_identifier (SYSTEM_RECEIPT_LINE, detail_id));
      if (piece->predecessor != NULL)
        json_object_set_object_member (detail, "predecessor",
                                       new_identifier (SYSTEM_RECEIPT_LINE, piece->predecessor));
      json_object_set_object_member (detail, "type",
                                     new_coding_concept (SYSTEM_PAYMENT_TYPE, payment_type,
                                                         SYSTEM_ALLOCATION, target_codes[piece->target]));
      if (piece->appointment_id != NULL)
        json_object_set_object_member (detail, "request", fd_fhir_new_reference ("Appointment", piece->appointment_id, NULL));
      json_object_set_string_member (detail, "date", day);
      json_object_set_object_member (detail, "amount", new_money (piece->cents, spec->currency));
      json_array_add_object_element (details, detail);
    }
  json_object_set_array_member (pr, "detail", details);

  if (spec->note != NULL && *spec->note != '\0')
    {
      JsonArray *notes = json_array_new ();
      JsonObject *note = json_object_new ();

      json_object_set_string_member (note, "type", "print");
      json_object_set_string_member (note, "text", spec->note);
      json_array_add_object_element (notes, note);
      json_object_set_array_member (pr, "processNote", notes);
    }

  return pr;
}

static gboolean
current_session (FdStore     *store,
                 const char  *station,
                 gint64      *session_id,
                 GError     **error)
{
  sqlite3_stmt *stmt = fd_store_prepare (store,
                                         "SELECT s.id FROM drawer_session s WHERE s.station = ?1"
                                         " AND NOT EXISTS (SELECT 1 FROM drawer_close c WHERE c.session_id = s.id)"
                                         " ORDER BY s.id DESC LIMIT 1", error);

  *session_id = 0;
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, station);
  return step_int64 (store, stmt, session_id, error);
}

static gboolean
require_drawer (FdStore     *store,
                const char  *station,
                gint64      *session_id,
                GError     **error)
{
  g_autofree char *upper = g_ascii_strup (station, -1);

  if (!current_session (store, upper, session_id, error))
    return FALSE;
  if (*session_id == 0)
    return invalid (error, _("Open the cash drawer on this station before taking or returning money"));
  return TRUE;
}

static char *
next_receipt_number (FdStore    *store,
                     const char *station,
                     GDateTime  *when,
                     GError    **error)
{
  g_autofree char *upper = g_ascii_strup (station, -1);
  g_autofree char *day = local_day (store, when);
  sqlite3_stmt *stmt;
  gint64 last = 0;
  GDate date;

  stmt = fd_store_prepare (store, "SELECT last FROM receipt_sequence WHERE station = ?1 AND day = ?2", error);
  if (stmt == NULL)
    return NULL;
  fd_store_bind_text (stmt, 1, upper);
  fd_store_bind_text (stmt, 2, day);
  if (!step_int64 (store, stmt, &last, error))
    return NULL;

  fd_date_parse_iso (day, &date);
  return fd_ledger_format_receipt_number (upper, &date, (guint) last + 1);
}

static gboolean
add_drawer_event (FdStore     *store,
                  gint64       session_id,
                  JsonObject  *pr,
                  const char  *receipt,
                  FdPaymentMethod method,
                  gint64       cents,
                  GDateTime   *when,
                  GError     **error)
{
  g_autofree char *at = fd_date_time_format_fhir (when);
  sqlite3_stmt *stmt;

  stmt = fd_store_prepare (store,
                           "INSERT INTO drawer_event (session_id, payment_id, receipt, method, amount_cents, at)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  fd_store_bind_text (stmt, 2, fd_fhir_get_string (pr, "id"));
  fd_store_bind_text (stmt, 3, receipt);
  fd_store_bind_text (stmt, 4, fd_payment_method_code (method));
  sqlite3_bind_int64 (stmt, 5, cents);
  fd_store_bind_text (stmt, 6, at);
  return fd_store_step_done (store, stmt, error);
}

/* Writes one PaymentReconciliation per method line, each with its share of
 * @pieces, and the drawer events; inside the caller's transaction */
static gboolean
write_receipt (FdStore             *store,
               PrSpec              *base,
               const FdPaymentLine *lines,
               const gint64        *changes,
               guint                n_lines,
               GPtrArray           *pieces,
               gint                 sign,
               gint64               session_id,
               GError             **error)
{
  guint p = 0;
  gint64 piece_left = pieces->len > 0 ? ABS (((Piece *) g_ptr_array_index (pieces, 0))->cents) : 0;

  for (guint l = 0; l < n_lines; l++)
    {
      g_autoptr(GPtrArray) share = g_ptr_array_new_with_free_func ((GDestroyNotify) piece_free);
      g_autoptr(JsonObject) pr = NULL;
      gint64 line_left = lines[l].amount_cents;
      PrSpec spec = *base;

      /* This line's slice of the allocations, in order */
      while (line_left > 0 && p < pieces->len)
        {
          Piece *piece = g_ptr_array_index (pieces, p);
          gint64 part = MIN (line_left, piece_left);

          g_ptr_array_add (share, new_piece (piece->target, piece->invoice_id, piece->appointment_id,
                                             piece->predecessor, sign * part));
          line_left -= part;
          piece_left -= part;
          if (piece_left == 0 && ++p < pieces->len)
            piece_left = ABS (((Piece *) g_ptr_array_index (pieces, p))->cents);
        }
      g_assert (line_left == 0);

      spec.line = l + 1;
      spec.method = &lines[l];
      spec.amount = sign * lines[l].amount_cents;
      spec.change = changes ? changes[l] : 0;
      spec.pieces = share;
      pr = build_payment_reconciliation (store, &spec);

      if (!fd_store_put (store, pr, FD_STORE_ORIGIN_LOCAL, error) ||
          !add_drawer_event (store, session_id, pr, base->receipt, lines[l].method,
                             sign * lines[l].amount_cents, base->when, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
patient_known (FdStore     *store,
               const char  *patient_id,
               GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 n = 0;

  if (patient_id == NULL || *patient_id == '\0')
    return not_found (error, _("Choose the patient first"));
  stmt = fd_store_prepare (store, "SELECT count(*) FROM patient WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, patient_id);
  if (!step_int64 (store, stmt, &n, error))
    return FALSE;
  if (n == 0)
    return not_found (error, _("The patient is not on this station"));
  return TRUE;
}

static gboolean
check_people (const char  *station,
              const char  *cashier,
              GError     **error)
{
  return fd_ledger_check_station_code (station, error) &&
         fd_ledger_check_text (cashier, _("Cashier"), TRUE, error);
}

/**
 * fd_ledger_post_payment:
 * @store: the store
 * @request: the payment
 * @receipt_number: (out) (transfer full) (optional): its receipt number
 * @error: return location for a #FD_CORE_ERROR (bad input, a card number)
 *   or a #FD_STORE_ERROR
 *
 * Checks everything, then writes in one transaction: one PaymentReconciliation
 * per method line (each queued for the server), their ledger rows, the
 * receipt number and the drawer events. On any error nothing is written.
 *
 * Returns: %TRUE if the payment was posted
 */
gboolean
fd_ledger_post_payment (FdStore                 *store,
                        const FdPaymentRequest  *request,
                        char                   **receipt_number,
                        GError                 **error)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GPtrArray) open = NULL;
  g_autoptr(GArray) allocations = NULL;
  g_autoptr(GPtrArray) pieces = g_ptr_array_new_with_free_func ((GDestroyNotify) piece_free);
  g_autofree FdOpenItem *items = NULL;
  g_autofree gint64 *changes = NULL;
  g_autofree char *appointment_id = NULL;
  g_autofree char *receipt = NULL;
  g_autofree char *account_id = NULL;
  g_autoptr(GDateTime) local = NULL;
  gint64 copay = 0, session_id = 0, change = 0;
  const char *currency;
  PrSpec spec = { 0 };
  GDate today;

  g_return_val_if_fail (FD_IS_STORE (store), FALSE);
  g_return_val_if_fail (request != NULL, FALSE);
  g_return_val_if_fail (!fd_store_in_transaction (store), FALSE);

  if (receipt_number != NULL)
    *receipt_number = NULL;
  currency = request->currency ? request->currency : "USD";

  /* Everything a person typed, before anything is read or written */
  if (!check_people (request->station, request->cashier, error) ||
      !fd_ledger_check_text (request->payer, _("Paid by"), FALSE, error) ||
      !fd_ledger_check_text (request->note, _("Note"), FALSE, error) ||
      !fd_ledger_check_amount (request->amount_cents, error) ||
      !fd_ledger_check_lines (request->lines, request->n_lines, request->amount_cents, &change, error))
    return FALSE;
  changes = g_new0 (gint64, request->n_lines);
  for (guint i = 0; i < request->n_lines; i++)
    if (!fd_ledger_cash_change (request->lines[i].amount_cents,
                                request->lines[i].method == FD_PAYMENT_METHOD_CASH ? request->lines[i].tendered_cents : 0,
                                &changes[i], error))
      return FALSE;

  when = now_or (request->when);
  local = g_date_time_to_timezone (when, fd_store_get_time_zone (store));
  fd_date_from_date_time (&today, local);

  if (!fd_store_begin (store, error))
    return FALSE;

  if (!patient_known (store, request->patient_id, error) ||
      !require_drawer (store, request->station, &session_id, error))
    goto failed;

  if (request->pay_copay &&
      !copay_due (store, request->patient_id, &today, &copay, &appointment_id, error))
    goto failed;

  open = fd_ledger_list_open_invoices (store, request->patient_id, error);
  if (open == NULL)
    goto failed;
  items = g_new0 (FdOpenItem, MAX (open->len, 1));
  for (guint i = 0; i < open->len; i++)
    {
      FdLedgerInvoice *invoice = g_ptr_array_index (open, i);

      items[i].id = invoice->id;
      items[i].date = invoice->date;
      items[i].open_cents = invoice->open.cents;
    }

  allocations = fd_ledger_allocate (request->amount_cents, copay, items, open->len, request->mode,
                                    request->invoice_ids, request->keep_excess_as_credit, error);
  if (allocations == NULL)
    goto failed;
  for (guint i = 0; i < allocations->len; i++)
    {
      FdAllocation *a = &g_array_index (allocations, FdAllocation, i);

      g_ptr_array_add (pieces, new_piece (a->target, a->invoice_id,
                                          a->target == FD_ALLOCATION_COPAY ? appointment_id : NULL,
                                          NULL, a->cents));
    }

  receipt = next_receipt_number (store, request->station, when, error);
  if (receipt == NULL)
    goto failed;
  account_id = find_account (store, request->patient_id);

  spec.kind = "payment";
  spec.receipt = receipt;
  spec.patient_id = request->patient_id;
  spec.account_id = account_id;
  spec.cashier = request->cashier;
  spec.payer = request->payer;
  spec.note = request->note;
  spec.currency = currency;
  spec.when = when;
  if (!write_receipt (store, &spec, request->lines, changes, request->n_lines, pieces, 1, session_id, error))
    goto failed;

  if (!fd_store_commit (store, error))
    return FALSE;

  g_debug ("Posted receipt %s", receipt);
  if (receipt_number != NULL)
    *receipt_number = g_steal_pointer (&receipt);
  return TRUE;

failed:
  fd_store_rollback (store);
  return FALSE;
}

typedef struct
{
  FdPaymentLine  line;
  char          *check_number;
  char          *card_brand;
  char          *card_last4;
  char          *authorization;
} OriginalLine;

static void
original_line_free (OriginalLine *line)
{
  g_free (line->check_number);
  g_free (line->card_brand);
  g_free (line->card_last4);
  g_free (line->authorization);
  g_free (line);
}

static gpointer
original_line_from_row (sqlite3_stmt *stmt)
{
  OriginalLine *line = g_new0 (OriginalLine, 1);

  if (!fd_payment_method_from_code (fd_store_column_text (stmt, 0), &line->line.method))
    line->line.method = FD_PAYMENT_METHOD_CASH;
  line->line.amount_cents = sqlite3_column_int64 (stmt, 1);
  line->check_number = g_strdup (fd_store_column_text (stmt, 2));
  line->card_brand = g_strdup (fd_store_column_text (stmt, 3));
  line->card_last4 = g_strdup (fd_store_column_text (stmt, 4));
  line->authorization = g_strdup (fd_store_column_text (stmt, 5));
  line->line.check_number = line->check_number;
  line->line.card_brand = line->card_brand;
  line->line.card_last4 = line->card_last4;
  line->line.authorization = line->authorization;
  return line;
}

static gpointer
piece_from_row (sqlite3_stmt *stmt)
{
  const char *target = fd_store_column_text (stmt, 0);
  FdAllocationTarget t = FD_ALLOCATION_CREDIT;
  Piece *piece;

  if (g_strcmp0 (target, "copay") == 0)
    t = FD_ALLOCATION_COPAY;
  else if (g_strcmp0 (target, "invoice") == 0)
    t = FD_ALLOCATION_INVOICE;
  piece = new_piece (t, fd_store_column_text (stmt, 1), fd_store_column_text (stmt, 2),
                     fd_store_column_text (stmt, 3), sqlite3_column_int64 (stmt, 4));
  if (sqlite3_column_count (stmt) > 5)
    piece->order = sqlite3_column_int64 (stmt, 5);
  return piece;
}

/* The original receipt, checked to be a payment that can still be corrected */
static gboolean
load_original (FdStore     *store,
               const char  *receipt,
               char       **patient_id,
               gint64      *paid,
               gint64      *refunded,
               GError     **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *kind = NULL;
  gint64 voids = 0;
  int rc;

  stmt = fd_store_prepare (store,
                           "SELECT kind, patient_id, sum (amount_cents) FROM ledger_payment WHERE receipt = ?1"
                           " GROUP BY receipt", error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, receipt);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      kind = g_strdup (fd_store_column_text (stmt, 0));
      *patient_id = g_strdup (fd_store_column_text (stmt, 1));
      *paid = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    return not_found (error, _("There is no receipt with that number on this station"));
  if (rc != SQLITE_ROW)
    return fd_store_sqlite_error (store, rc, error);
  if (!g_str_equal (kind, "payment") || *patient_id == NULL)
    return invalid (error, _("Only a payment can be voided or refunded, not a correction"));

  stmt = fd_store_prepare (store, "SELECT count(*) FROM ledger_payment WHERE corrects = ?1 AND kind = 'void'", error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, receipt);
  if (!step_int64 (store, stmt, &voids, error))
    return FALSE;
  if (voids > 0)
    return invalid (error, _("This receipt was already voided"));

  stmt = fd_store_prepare (store,
                           "SELECT coalesce (-sum (amount_cents), 0) FROM ledger_payment"
                           " WHERE corrects = ?1 AND kind = 'refund'", error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, receipt);
  return step_int64 (store, stmt, refunded, error);
}

/**
 * fd_ledger_void:
 * @store: the store
 * @receipt_number: the payment to cancel
 * @reason: why, required
 * @station: this station's code
 * @cashier: who voids it
 * @when: (nullable): when, %NULL for now
 * @void_receipt: (out) (transfer full) (optional): the void's own receipt number
 * @error: return location for an error
 *
 * Cancels a whole payment with a new record that points to it: every
 * allocation is reversed and the money leaves the drawer by the methods it
 * came in. A receipt is voided once, and not after a refund.
 *
 * Returns: %TRUE if the void was posted
 */
gboolean
fd_ledger_void (FdStore     *store,
                const char  *receipt_number,
                const char  *reason,
                const char  *station,
                const char  *cashier,
                GDateTime   *when,
                char       **void_receipt,
                GError     **error)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func ((GDestroyNotify) original_line_free);
  g_autoptr(GPtrArray) pieces = g_ptr_array_new_with_free_func ((GDestroyNotify) piece_free);
  g_autofree FdPaymentLine *plain = NULL;
  g_autofree char *patient_id = NULL;
  g_autofree char *receipt = NULL;
  g_autofree char *account_id = NULL;
  gint64 session_id = 0, paid = 0, refunded = 0;
  sqlite3_stmt *stmt;
  PrSpec spec = { 0 };

  g_return_val_if_fail (FD_IS_STORE (store), FALSE);
  g_return_val_if_fail (!fd_store_in_transaction (store), FALSE);

  if (void_receipt != NULL)
    *void_receipt = NULL;
  if (!check_people (station, cashier, error) ||
      !fd_ledger_check_text (reason, _("Reason"), TRUE, error))
    return FALSE;

  now = now_or (when);
  if (!fd_store_begin (store, error))
    return FALSE;

  if (!load_original (store, receipt_number, &patient_id, &paid, &refunded, error))
    goto failed;
  if (refunded > 0)
    {
      invalid (error, _("Part of this receipt was refunded; refund the rest instead of voiding it"));
      goto failed;
    }
  if (!require_drawer (store, station, &session_id, error))
    goto failed;

  stmt = fd_store_prepare (store,
                           "SELECT method, amount_cents, check_number, card_brand, card_last4, auth_code"
                           " FROM ledger_payment WHERE receipt = ?1 ORDER BY line", error);
  if (stmt == NULL)
    goto failed;
  fd_store_bind_text (stmt, 1, receipt_number);
  if (!fd_store_collect_rows (store, stmt, original_line_from_row, lines, error))
    goto failed;

  stmt = fd_store_prepare (store,
                           "SELECT a.target, a.invoice_id, a.appointment_id, p.receipt || '/' || p.line || '/' || a.seq,"
                           " a.amount_cents FROM ledger_payment p JOIN ledger_allocation a ON a.payment_id = p.id"
                           " WHERE p.receipt = ?1 ORDER BY p.line, a.seq", error);
  if (stmt == NULL)
    goto failed;
  fd_store_bind_text (stmt, 1, receipt_number);
  if (!fd_store_collect_rows (store, stmt, piece_from_row, pieces, error))
    goto failed;

  plain = g_new0 (FdPaymentLine, MAX (lines->len, 1));
  for (guint i = 0; i < lines->len; i++)
    plain[i] = ((OriginalLine *) g_ptr_array_index (lines, i))->line;

  receipt = next_receipt_number (store, station, now, error);
  if (receipt == NULL)
    goto failed;
  account_id = find_account (store, patient_id);

  spec.kind = "void";
  spec.receipt = receipt;
  spec.patient_id = patient_id;
  spec.account_id = account_id;
  spec.cashier = cashier;
  spec.reason = reason;
  spec.currency = "USD";
  spec.when = now;
  if (!write_receipt (store, &spec, plain, NULL, lines->len, pieces, -1, session_id, error) ||
      !fd_store_commit (store, error))
    goto failed;

  g_debug ("Voided receipt %s with %s", receipt_number, receipt);
  if (void_receipt != NULL)
    *void_receipt = g_steal_pointer (&receipt);
  return TRUE;

failed:
  fd_store_rollback (store);
  return FALSE;
}

static int
compare_pieces_for_refund (gconstpointer a,
                           gconstpointer b)
{
  const Piece *x = *(const Piece * const *) a;
  const Piece *y = *(const Piece * const *) b;
  static const int rank[] = {
    [FD_ALLOCATION_CREDIT] = 0, [FD_ALLOCATION_INVOICE] = 1, [FD_ALLOCATION_COPAY] = 2,
  };

  /* Credit goes back first, then the newest applications */
  if (rank[x->target] != rank[y->target])
    return rank[x->target] - rank[y->target];
  return x->order < y->order ? 1 : x->order > y->order ? -1 : 0;
}

/**
 * fd_ledger_refund:
 * @store: the store
 * @receipt_number: the payment to give money back from
 * @how: the method the money goes back by, with its amount (> 0); a check
 *   needs its number, a card its brand, last four digits and authorization
 * @reason: why, required
 * @station: this station's code
 * @cashier: who refunds
 * @when: (nullable): when, %NULL for now
 * @refund_receipt: (out) (transfer full) (optional): the refund's receipt number
 * @error: return location for an error
 *
 * Gives back part or all of a payment as a new record that points to it:
 * prepayment credit first, then what it paid on invoices, newest first,
 * then the co-pay. Never more than what is left of the payment.
 *
 * Returns: %TRUE if the refund was posted
 */
gboolean
fd_ledger_refund (FdStore              *store,
                  const char           *receipt_number,
                  const FdPaymentLine  *how,
                  const char           *reason,
                  const char           *station,
                  const char           *cashier,
                  GDateTime            *when,
                  char                **refund_receipt,
                  GError              **error)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GPtrArray) net = g_ptr_array_new_with_free_func ((GDestroyNotify) piece_free);
  g_autoptr(GPtrArray) pieces = g_ptr_array_new_with_free_func ((GDestroyNotify) piece_free);
  g_autofree char *patient_id = NULL;
  g_autofree char *receipt = NULL;
  g_autofree char *account_id = NULL;
  gint64 session_id = 0, paid = 0, refunded = 0, left;
  FdPaymentLine line;
  sqlite3_stmt *stmt;
  PrSpec spec = { 0 };

  g_return_val_if_fail (FD_IS_STORE (store), FALSE);
  g_return_val_if_fail (how != NULL, FALSE);
  g_return_val_if_fail (!fd_store_in_transaction (store), FALSE);

  if (refund_receipt != NULL)
    *refund_receipt = NULL;
  line = *how;
  if (line.tendered_cents != 0 && line.tendered_cents != line.amount_cents)
    return invalid (error, _("A refund gives back the exact amount"));
  line.tendered_cents = 0;
  if (!check_people (station, cashier, error) ||
      !fd_ledger_check_text (reason, _("Reason"), TRUE, error) ||
      !fd_ledger_check_lines (&line, 1, line.amount_cents, NULL, error))
    return FALSE;

  now = now_or (when);
  if (!fd_store_begin (store, error))
    return FALSE;

  if (!load_original (store, receipt_number, &patient_id, &paid, &refunded, error) ||
      !require_drawer (store, station, &session_id, error))
    goto failed;
  if (line.amount_cents > paid - refunded)
    {
      g_autofree char *rest = NULL;
      FdMoneyStyle style;
      FdMoney money;

      fd_money_style_from_locale (&style);
      fd_money_init (&money, paid - refunded, NULL);
      rest = fd_money_format (&money, &style);
      g_set_error (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID,
                   _("The refund is more than what is left of this payment (%s)"), rest);
      goto failed;
    }

  /* What the payment and its earlier refunds left applied, per target */
  stmt = fd_store_prepare (store,
                           "SELECT a.target, a.invoice_id, a.appointment_id,"
                           " max (CASE WHEN p.receipt = ?1 THEN p.receipt || '/' || p.line || '/' || a.seq END),"
                           " sum (a.amount_cents), max (CASE WHEN p.receipt = ?1 THEN p.line * 100000 + a.seq END)"
                           " FROM ledger_payment p JOIN ledger_allocation a ON a.payment_id = p.id"
                           " WHERE p.receipt = ?1 OR (p.corrects = ?1 AND p.kind = 'refund')"
                           " GROUP BY a.target, a.invoice_id, a.appointment_id HAVING sum (a.amount_cents) > 0", error);
  if (stmt == NULL)
    goto failed;
  fd_store_bind_text (stmt, 1, receipt_number);
  if (!fd_store_collect_rows (store, stmt, piece_from_row, net, error))
    goto failed;
  g_ptr_array_sort (net, compare_pieces_for_refund);

  left = line.amount_cents;
  for (guint i = 0; i < net->len && left > 0; i++)
    {
      Piece *piece = g_ptr_array_index (net, i);
      gint64 part = MIN (left, piece->cents);

      g_ptr_array_add (pieces, new_piece (piece->target, piece->invoice_id, piece->appointment_id,
                                          piece->predecessor, part));
      left -= part;
    }
  if (left > 0)
    {
      invalid (error, _("The refund is more than what is left of this payment"));
      goto failed;
    }

  receipt = next_receipt_number (store, station, now, error);
  if (receipt == NULL)
    goto failed;
  account_id = find_account (store, patient_id);

  spec.kind = "refund";
  spec.receipt = receipt;
  spec.patient_id = patient_id;
  spec.account_id = account_id;
  spec.cashier = cashier;
  spec.reason = reason;
  spec.currency = "USD";
  spec.when = now;
  if (!write_receipt (store, &spec, &line, NULL, 1, pieces, -1, session_id, error) ||
      !fd_store_commit (store, error))
    goto failed;

  g_debug ("Refunded from receipt %s with %s", receipt_number, receipt);
  if (refund_receipt != NULL)
    *refund_receipt = g_steal_pointer (&receipt);
  return TRUE;

failed:
  fd_store_rollback (store);
  return FALSE;
}

/* The drawer */

/**
 * fd_ledger_drawer_open:
 * @store: the store
 * @station: this station's code
 * @cashier: who opens it
 * @float_cents: the starting cash, 0 or more
 * @when: (nullable): when, %NULL for now
 * @session_id: (out) (optional): the new session
 * @error: return location for an error
 *
 * Returns: %TRUE unless a drawer is already open on @station
 */
gboolean
fd_ledger_drawer_open (FdStore     *store,
                       const char  *station,
                       const char  *cashier,
                       gint64       float_cents,
                       GDateTime   *when,
                       gint64      *session_id,
                       GError     **error)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *at = NULL;
  g_autofree char *upper = NULL;
  sqlite3_stmt *stmt;
  gint64 open = 0;

  g_return_val_if_fail (FD_IS_STORE (store), FALSE);

  if (!check_people (station, cashier, error))
    return FALSE;
  if (float_cents < 0 || float_cents > FD_MONEY_MAX_CENTS)
    return invalid (error, _("The starting cash cannot be negative"));

  upper = g_ascii_strup (station, -1);
  now = now_or (when);
  at = fd_date_time_format_fhir (now);
  if (!fd_store_begin (store, error))
    return FALSE;
  if (!current_session (store, upper, &open, error))
    goto failed;
  if (open != 0)
    {
      invalid (error, _("A drawer is already open on this station; close it first"));
      goto failed;
    }

  stmt = fd_store_prepare (store,
                           "INSERT INTO drawer_session (station, cashier, opened_at, float_cents, currency)"
                           " VALUES (?1, ?2, ?3, ?4, 'USD')", error);
  if (stmt == NULL)
    goto failed;
  fd_store_bind_text (stmt, 1, upper);
  fd_store_bind_text (stmt, 2, cashier);
  fd_store_bind_text (stmt, 3, at);
  sqlite3_bind_int64 (stmt, 4, float_cents);
  if (!fd_store_step_done (store, stmt, error))
    goto failed;
  if (session_id != NULL)
    *session_id = sqlite3_last_insert_rowid (fd_store_db (store));
  fd_store_record_change (store, "Drawer", upper);
  return fd_store_commit (store, error);

failed:
  fd_store_rollback (store);
  return FALSE;
}

/**
 * fd_ledger_drawer_current:
 * @store: the store
 * @station: this station's code
 * @session_id: (out): the open session
 * @error: return location for an error, %FD_STORE_ERROR_NOT_FOUND when
 *   no drawer is open
 *
 * Returns: %TRUE if a drawer is open on @station
 */
gboolean
fd_ledger_drawer_current (FdStore     *store,
                          const char  *station,
                          gint64      *session_id,
                          GError     **error)
{
  g_autofree char *upper = NULL;

  g_return_val_if_fail (FD_IS_STORE (store), FALSE);

  if (!fd_ledger_check_station_code (station, error))
    return FALSE;
  upper = g_ascii_strup (station, -1);
  if (!current_session (store, upper, session_id, error))
    return FALSE;
  if (*session_id == 0)
    return not_found (error, _("No drawer is open on this station"));
  return TRUE;
}

/**
 * fd_ledger_drawer_close:
 * @store: the store
 * @session_id: the open session
 * @cashier: who counts
 * @counted: (array fixed-size=4): what was counted, by #FdPaymentMethod
 * @when: (nullable): when, %NULL for now
 * @error: return location for an error
 *
 * Returns: %TRUE if the session was closed; see fd_ledger_drawer_summary()
 */
gboolean
fd_ledger_drawer_close (FdStore       *store,
                        gint64         session_id,
                        const char    *cashier,
                        const gint64   counted[FD_N_PAYMENT_METHODS],
                        GDateTime     *when,
                        GError       **error)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *at = NULL;
  sqlite3_stmt *stmt;
  gint64 exists = 0, closed = 0;

  g_return_val_if_fail (FD_IS_STORE (store), FALSE);

  if (!fd_ledger_check_text (cashier, _("Cashier"), TRUE, error))
    return FALSE;
  for (guint m = 0; m < FD_N_PAYMENT_METHODS; m++)
    if (counted[m] < 0 || counted[m] > FD_MONEY_MAX_CENTS)
      return invalid (error, _("A counted amount cannot be negative"));

  now = now_or (when);
  at = fd_date_time_format_fhir (now);
  if (!fd_store_begin (store, error))
    return FALSE;

  stmt = fd_store_prepare (store,
                           "SELECT count(*), (SELECT count(*) FROM drawer_close WHERE session_id = ?1)"
                           " FROM drawer_session WHERE id = ?1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, session_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      exists = sqlite3_column_int64 (stmt, 0);
      closed = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (exists == 0)
    {
      not_found (error, _("That drawer session does not exist"));
      goto failed;
    }
  if (closed > 0)
    {
      invalid (error, _("This drawer was already closed"));
      goto failed;
    }

  stmt = fd_store_prepare (store, "INSERT INTO drawer_close (session_id, closed_at, cashier) VALUES (?1, ?2, ?3)", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, session_id);
  fd_store_bind_text (stmt, 2, at);
  fd_store_bind_text (stmt, 3, cashier);
  if (!fd_store_step_done (store, stmt, error))
    goto failed;

  for (guint m = 0; m < FD_N_PAYMENT_METHODS; m++)
    {
      stmt = fd_store_prepare (store,
                               "INSERT INTO drawer_count (session_id, method, counted_cents) VALUES (?1, ?2, ?3)", error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, session_id);
      fd_store_bind_text (stmt, 2, fd_payment_method_code (m));
      sqlite3_bind_int64 (stmt, 3, counted[m]);
      if (!fd_store_step_done (store, stmt, error))
        goto failed;
    }

  fd_store_record_change (store, "Drawer", "close");
  return fd_store_commit (store, error);

failed:
  fd_store_rollback (store);
  return FALSE;
}

/**
 * fd_ledger_drawer_summary:
 * @store: the store
 * @session_id: a drawer session, open or closed
 * @out: (out caller-allocates): expected and counted by method, over/short
 * @error: return location for an error
 *
 * Expected: the float (cash), plus this station's payments since opening,
 * minus its voids and refunds, by method.
 *
 * Returns: %TRUE on success
 */
gboolean
fd_ledger_drawer_summary (FdStore          *store,
                          gint64            session_id,
                          FdDrawerSummary  *out,
                          GError          **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FD_IS_STORE (store), FALSE);

  memset (out, 0, sizeof *out);
  stmt = fd_store_prepare (store,
                           "SELECT s.station, s.cashier, s.opened_at, s.float_cents, s.currency, c.closed_at, c.cashier"
                           " FROM drawer_session s LEFT JOIN drawer_close c ON c.session_id = s.id WHERE s.id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      out->session_id = session_id;
      out->station = g_strdup (fd_store_column_text (stmt, 0));
      out->cashier = g_strdup (fd_store_column_text (stmt, 1));
      out->opened_at = fd_date_time_parse (fd_store_column_text (stmt, 2), fd_store_get_time_zone (store));
      fd_money_init (&out->opening_float, sqlite3_column_int64 (stmt, 3), fd_store_column_text (stmt, 4));
      if (fd_store_column_text (stmt, 5) != NULL)
        out->closed_at = fd_date_time_parse (fd_store_column_text (stmt, 5), fd_store_get_time_zone (store));
      out->closed_by = g_strdup (fd_store_column_text (stmt, 6));
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    return not_found (error, _("That drawer session does not exist"));
  if (rc != SQLITE_ROW)
    return fd_store_sqlite_error (store, rc, error);

  out->expected[FD_PAYMENT_METHOD_CASH] = out->opening_float.cents;

  stmt = fd_store_prepare (store,
                           "SELECT method, sum (amount_cents) FROM drawer_event WHERE session_id = ?1 GROUP BY method",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FdPaymentMethod method;

      if (fd_payment_method_from_code (fd_store_column_text (stmt, 0), &method))
        out->expected[method] += sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return fd_store_sqlite_error (store, rc, error);

  stmt = fd_store_prepare (store,
                           "SELECT p.kind, count (DISTINCT e.receipt) FROM drawer_event e"
                           " JOIN ledger_payment p ON p.id = e.payment_id WHERE e.session_id = ?1 GROUP BY p.kind",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *kind = fd_store_column_text (stmt, 0);
      guint n = (guint) sqlite3_column_int64 (stmt, 1);

      if (g_strcmp0 (kind, "payment") == 0)
        out->n_receipts = n;
      else if (g_strcmp0 (kind, "void") == 0)
        out->n_voids = n;
      else if (g_strcmp0 (kind, "refund") == 0)
        out->n_refunds = n;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return fd_store_sqlite_error (store, rc, error);

  stmt = fd_store_prepare (store, "SELECT method, counted_cents FROM drawer_count WHERE session_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FdPaymentMethod method;

      if (fd_payment_method_from_code (fd_store_column_text (stmt, 0), &method))
        out->counted[method] = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return fd_store_sqlite_error (store, rc, error);

  if (out->closed_at != NULL)
    for (guint m = 0; m < FD_N_PAYMENT_METHODS; m++)
      out->over_short[m] = out->counted[m] - out->expected[m];

  return TRUE;
}

/**
 * fd_ledger_drawer_list_events:
 * @store: the store
 * @session_id: a drawer session
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type FdDrawerEvent): the money
 *   that went into or out of the drawer in the session, in order
 */
GPtrArray *
fd_ledger_drawer_list_events (FdStore     *store,
                              gint64       session_id,
                              GError     **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_drawer_event_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FD_IS_STORE (store), NULL);

  stmt = fd_store_prepare (store,
                           "SELECT e.at, e.receipt, p.kind, e.method, e.amount_cents, p.currency,"
                           " p.check_number, p.card_brand, p.card_last4, p.reason"
                           " FROM drawer_event e JOIN ledger_payment p ON p.id = e.payment_id"
                           " WHERE e.session_id = ?1 ORDER BY e.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, session_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FdDrawerEvent *event = g_new0 (FdDrawerEvent, 1);

      event->at = fd_date_time_parse (fd_store_column_text (stmt, 0), fd_store_get_time_zone (store));
      event->receipt_number = g_strdup (fd_store_column_text (stmt, 1));
      event->kind = g_strdup (fd_store_column_text (stmt, 2));
      if (!fd_payment_method_from_code (fd_store_column_text (stmt, 3), &event->method))
        event->method = FD_PAYMENT_METHOD_CASH;
      fd_money_init (&event->amount, sqlite3_column_int64 (stmt, 4), fd_store_column_text (stmt, 5));
      event->check_number = g_strdup (fd_store_column_text (stmt, 6));
      event->card_brand = g_strdup (fd_store_column_text (stmt, 7));
      event->card_last4 = g_strdup (fd_store_column_text (stmt, 8));
      event->reason = g_strdup (fd_store_column_text (stmt, 9));
      g_ptr_array_add (out, event);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      fd_store_sqlite_error (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

/**
 * fd_ledger_drawer_find:
 * @store: the store
 * @station: (nullable): a station code; %NULL for any station
 * @day: the local day the drawer was opened
 * @error: return location for an error
 *
 * Returns: the last drawer session opened on @day, 0 when there is none,
 *   or -1 on error
 */
gint64
fd_ledger_drawer_find (FdStore      *store,
                       const char   *station,
                       const GDate  *day,
                       GError      **error)
{
  g_autofree char *day_text = NULL;
  g_autofree char *upper = NULL;
  sqlite3_stmt *stmt;
  gint64 id = 0;

  g_return_val_if_fail (FD_IS_STORE (store), -1);
  g_return_val_if_fail (day != NULL && g_date_valid (day), -1);

  day_text = fd_date_format_iso (day);
  upper = station ? g_ascii_strup (station, -1) : NULL;
  stmt = fd_store_prepare (store,
                           "SELECT coalesce (max (id), 0) FROM drawer_session"
                           " WHERE substr (opened_at, 1, 10) = ?1 AND (?2 IS NULL OR station = ?2)", error);
  if (stmt == NULL)
    return -1;
  fd_store_bind_text (stmt, 1, day_text);
  fd_store_bind_text (stmt, 2, upper);
  if (!step_int64 (store, stmt, &id, error))
    return -1;
  return id;
}

/* Statements */

/* The account a balance belongs to: its own, else the patient's first */
#define BALANCE_ACCOUNT \
  "coalesce (b.account_id, (SELECT min (a2.id) FROM account a2 WHERE a2.patient_id = b.patient_id))"

/* Columns: patient, account, balance, currency, guarantor, last statement */
#define CANDIDATE_COLUMNS \
  "SELECT b.patient_id, a.id, b.balance_cents, b.currency, coalesce (a.guarantor, 'Patient/' || b.patient_id)," \
  " (SELECT max (s.day) FROM ledger_statement s WHERE s.patient_id = b.patient_id)" \
  " FROM ledger_balance b LEFT JOIN account a ON a.id = " BALANCE_ACCOUNT

static FdStatementCandidate *
candidate_from_row (sqlite3_stmt *stmt)
{
  FdStatementCandidate *candidate = g_new0 (FdStatementCandidate, 1);
  const char *guarantor = fd_store_column_text (stmt, 4);
  const char *slash = guarantor ? strchr (guarantor, '/') : NULL;

  candidate->patient_id = g_strdup (fd_store_column_text (stmt, 0));
  candidate->account_id = g_strdup (fd_store_column_text (stmt, 1));
  fd_money_init (&candidate->balance, sqlite3_column_int64 (stmt, 2), fd_store_column_text (stmt, 3));
  candidate->guarantor_id = g_strdup (slash ? slash + 1 : candidate->patient_id);
  g_date_clear (&candidate->last_statement, 1);
  if (fd_store_column_text (stmt, 5) != NULL)
    fd_date_parse_iso (fd_store_column_text (stmt, 5), &candidate->last_statement);
  return candidate;
}

static FdStatementGroup *
group_new (const char *guarantor,
           const char *currency)
{
  FdStatementGroup *group = g_new0 (FdStatementGroup, 1);

  group->guarantor = g_strdup (guarantor);
  group->accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_statement_candidate_free);
  fd_money_init (&group->total, 0, currency);
  g_date_clear (&group->last_statement, 1);
  return group;
}

static void
group_add (FdStatementGroup     *group,
           FdStatementCandidate *candidate)
{
  group->total.cents += candidate->balance.cents;
  if (g_date_valid (&candidate->last_statement) &&
      (!g_date_valid (&group->last_statement) ||
       g_date_compare (&candidate->last_statement, &group->last_statement) > 0))
    group->last_statement = candidate->last_statement;
  g_ptr_array_add (group->accounts, candidate);
}

void
fd_statement_group_free (FdStatementGroup *group)
{
  if (group == NULL)
    return;
  g_free (group->guarantor);
  g_clear_pointer (&group->accounts, g_ptr_array_unref);
  g_free (group);
}

/* The guarantors sent a statement after @cutoff, for any of their accounts */
static GHashTable *
recent_guarantors (FdStore     *store,
                   const char  *cutoff,
                   GError     **error)
{
  g_autoptr(GHashTable) recent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt;
  int rc;

  stmt = fd_store_prepare (store,
                           "SELECT DISTINCT coalesce (a.guarantor, 'Patient/' || s.patient_id) FROM ledger_statement s"
                           " LEFT JOIN account a ON a.id = coalesce (s.account_id,"
                           "   (SELECT min (a2.id) FROM account a2 WHERE a2.patient_id = s.patient_id))"
                           " WHERE s.day > ?1", error);
  if (stmt == NULL)
    return NULL;
  fd_store_bind_text (stmt, 1, cutoff);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_add (recent, g_strdup (fd_store_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      fd_store_sqlite_error (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&recent);
}

/**
 * fd_ledger_list_statement_groups:
 * @store: the store
 * @min_balance_cents: only guarantors who owe more than this, all their
 *   accounts together
 * @since_days: leave out guarantors sent a statement, for any of their
 *   accounts, in these many days
 * @as_of: the statement run's day
 * @error: return location for an error
 *
 * One group per guarantor (Account.guarantor: a parent Patient or a
 * RelatedPerson; an account without one is its patient's own) with every
 * account of theirs that has a balance.
 *
 * Returns: (transfer container) (element-type FdStatementGroup): the
 *   statements a run sends, by guarantor
 */
GPtrArray *
fd_ledger_list_statement_groups (FdStore      *store,
                                 gint64        min_balance_cents,
                                 guint         since_days,
                                 const GDate  *as_of,
                                 GError      **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_statement_group_free);
  g_autoptr(GHashTable) recent = NULL;
  g_autoptr(FdStatementGroup) group = NULL;
  g_autofree char *cutoff = NULL;
  sqlite3_stmt *stmt;
  GDate first;
  int rc;

  g_return_val_if_fail (FD_IS_STORE (store), NULL);
  g_return_val_if_fail (as_of != NULL && g_date_valid (as_of), NULL);

  first = *as_of;
  g_date_subtract_days (&first, since_days);
  cutoff = fd_date_format_iso (&first);
  recent = recent_guarantors (store, cutoff, error);
  if (recent == NULL)
    return NULL;

  stmt = fd_store_prepare (store, CANDIDATE_COLUMNS " WHERE b.balance_cents != 0 ORDER BY 5, 1", error);
  if (stmt == NULL)
    return NULL;
  for (;;)
    {
      const char *guarantor;

      rc = sqlite3_step (stmt);
      guarantor = rc == SQLITE_ROW ? fd_store_column_text (stmt, 4) : NULL;
      if (group != NULL && g_strcmp0 (group->guarantor, guarantor) != 0)
        {
          FdStatementGroup *done = g_steal_pointer (&group);

          if (done->total.cents > min_balance_cents && !g_hash_table_contains (recent, done->guarantor))
            g_ptr_array_add (out, done);
          else
            fd_statement_group_free (done);
        }
      if (rc != SQLITE_ROW)
        break;
      if (group == NULL)
        group = group_new (guarantor, fd_store_column_text (stmt, 3));
      group_add (group, candidate_from_row (stmt));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      fd_store_sqlite_error (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

/**
 * fd_ledger_get_statement_group:
 * @store: the store
 * @patient_id: a Patient id
 * @error: return location for an error
 *
 * The statement of one patient's account alone, addressed to its guarantor.
 *
 * Returns: (transfer full) (nullable): a group of that one account, %NULL
 *   on error
 */
FdStatementGroup *
fd_ledger_get_statement_group (FdStore      *store,
                               const char   *patient_id,
                               GError      **error)
{
  g_autoptr(FdStatementGroup) group = NULL;
  g_autofree char *guarantor = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FD_IS_STORE (store), NULL);

  if (!patient_known (store, patient_id, error))
    return NULL;
  stmt = fd_store_prepare (store, CANDIDATE_COLUMNS " WHERE b.patient_id = ?1", error);
  if (stmt == NULL)
    return NULL;
  fd_store_bind_text (stmt, 1, patient_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      group = group_new (fd_store_column_text (stmt, 4), fd_store_column_text (stmt, 3));
      group_add (group, candidate_from_row (stmt));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      fd_store_sqlite_error (store, rc, error);
      return NULL;
    }
  if (group == NULL)
    {
      /* No balance row yet: an account with nothing on it */
      FdStatementCandidate *candidate = g_new0 (FdStatementCandidate, 1);

      stmt = fd_store_prepare (store, "SELECT guarantor FROM account WHERE patient_id = ?1 ORDER BY id LIMIT 1", error);
      if (stmt == NULL)
        {
          fd_statement_candidate_free (candidate);
          return NULL;
        }
      fd_store_bind_text (stmt, 1, patient_id);
      guarantor = step_text (store, stmt, NULL);
      if (guarantor == NULL)
        guarantor = g_strconcat ("Patient/", patient_id, NULL);
      candidate->patient_id = g_strdup (patient_id);
      candidate->account_id = find_account (store, patient_id);
      candidate->guarantor_id = g_strdup (strchr (guarantor, '/') + 1);
      fd_money_init (&candidate->balance, 0, NULL);
      g_date_clear (&candidate->last_statement, 1);
      group = group_new (guarantor, NULL);
      group_add (group, candidate);
    }
  return g_steal_pointer (&group);
}

/**
 * fd_ledger_record_statement:
 * @store: the store
 * @patient_id: whose account the statement was for
 * @date: the statement date
 * @error: return location for an error
 *
 * Returns: %TRUE on success; recording the same day twice is harmless
 */
gboolean
fd_ledger_record_statement (FdStore      *store,
                            const char   *patient_id,
                            const GDate  *date,
                            GError      **error)
{
  g_autofree char *day = NULL;
  g_autofree char *account_id = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FD_IS_STORE (store), FALSE);
  g_return_val_if_fail (date != NULL && g_date_valid (date), FALSE);

  if (!patient_known (store, patient_id, error))
    return FALSE;
  day = fd_date_format_iso (date);
  account_id = find_account (store, patient_id);

  stmt = fd_store_prepare (store,
                           "INSERT INTO ledger_statement (patient_id, account_id, day) VALUES (?1, ?2, ?3)"
                           " ON CONFLICT DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, patient_id);
  fd_store_bind_text (stmt, 2, account_id);
  fd_store_bind_text (stmt, 3, day);
  return fd_store_step_done (store, stmt, error);
}

/**
 * fd_ledger_record_statements:
 * @store: the store
 * @patient_ids: (array zero-terminated=1): the accounts a statement run
 *   covered, by patient
 * @date: the statement date
 * @error: return location for an error
 *
 * Records the statement date on every account, all or none (in the
 * caller's transaction, if there is one).
 *
 * Returns: %TRUE on success
 */
gboolean
fd_ledger_record_statements (FdStore             *store,
                             const char * const  *patient_ids,
                             const GDate         *date,
                             GError             **error)
{
  gboolean own;

  g_return_val_if_fail (FD_IS_STORE (store), FALSE);
  g_return_val_if_fail (patient_ids != NULL, FALSE);

  own = !fd_store_in_transaction (store);
  if (own && !fd_store_begin (store, error))
    return FALSE;
  for (guint i = 0; patient_ids[i] != NULL; i++)
    if (!fd_ledger_record_statement (store, patient_ids[i], date, error))
      {
        if (own)
          fd_store_rollback (store);
        return FALSE;
      }
  return !own || fd_store_commit (store, error);
}
