/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "fd-ledger.h"
#include "fd-store.h"

G_BEGIN_DECLS

/* The ledger over the store: what a patient owes and why, payments, voids
 * and refunds, receipts, the cash drawer and statements. Every write checks
 * everything first and then happens in one transaction, or not at all. */

#define FD_LEDGER_RECEIPT_SYSTEM "urn:frontdesk:receipt"

typedef struct
{
  char     *patient_id;
  char     *account_id;         /* nullable */
  char     *account_number;     /* nullable: the number people read, fd_fhir_account_number() */
  char     *guarantor_id;       /* the Patient or RelatedPerson id of Account.guarantor */
  char     *guarantor_display;
  FdMoney   balance;            /* charges − insurance − adjustments − payments ± corrections */
  FdMoney   credit;             /* prepayment credit kept on the account */
  FdMoney   copay_due;          /* for today's visit, less what was paid towards it */
  char     *copay_appointment_id;
  gint64    aging[FD_N_AGING_BUCKETS];  /* open charges by age, in cents */
  GDate     last_statement;     /* invalid when none was recorded */
  gboolean  from_ledger;        /* FALSE: no ledger rows, the Account's balance extension */
} FdLedgerAccount;

typedef enum
{
  FD_LEDGER_ENTRY_CHARGE,
  FD_LEDGER_ENTRY_ADJUSTMENT,
  FD_LEDGER_ENTRY_INSURANCE,
  FD_LEDGER_ENTRY_PAYMENT,
  FD_LEDGER_ENTRY_VOID,
  FD_LEDGER_ENTRY_REFUND,
} FdLedgerEntryKind;

/* One line of an account's activity */
typedef struct
{
  FdLedgerEntryKind  kind;
  GDate              date;
  char              *description;
  FdMoney            amount;          /* its effect on the balance: charges +, payments − */
  char              *receipt_number;  /* nullable */
  char              *resource_id;     /* the Invoice or PaymentReconciliation */
  char              *methods;         /* nullable: a payment's or refund's v2-0570 codes, comma-separated */
} FdLedgerEntry;

/* An invoice that still has something to pay */
typedef struct
{
  char    *id;
  GDate    date;
  char    *description;
  FdMoney  patient_part;
  FdMoney  open;
} FdLedgerInvoice;

typedef struct
{
  const char          *patient_id;
  const char          *station;           /* GSettings `station-code` */
  const char          *cashier;           /* who takes the payment */
  gint64               amount_cents;
  const char          *currency;          /* nullable: USD */
  const FdPaymentLine *lines;
  guint                n_lines;
  gboolean             pay_copay;         /* pay today's co-pay first */
  FdApplyMode          mode;
  const char * const  *invoice_ids;       /* for FD_APPLY_CHOSEN */
  gboolean             keep_excess_as_credit;
  const char          *payer;             /* nullable: who paid, when not the patient */
  const char          *note;              /* nullable */
  GDateTime           *when;              /* nullable: now */
} FdPaymentRequest;

typedef struct
{
  FdPaymentMethod  method;
  gint64           amount_cents;
  gint64           tendered_cents;
  gint64           change_cents;
  char            *check_number;
  char            *card_brand;
  char            *card_last4;
  char            *authorization;
} FdLedgerReceiptLine;

typedef struct
{
  FdAllocationTarget  target;
  char               *invoice_id;
  char               *description;
  gint64              cents;
} FdLedgerReceiptItem;

/* Everything a receipt prints */
typedef struct
{
  char      *number;
  char      *kind;             /* "payment", "void", "refund" */
  char      *corrects;         /* the receipt a void or refund corrects */
  GDateTime *created;
  char      *station;
  char      *cashier;
  char      *patient_id;
  char      *patient_display;
  char      *account_id;
  char      *payer;
  char      *reason;
  char      *note;
  GPtrArray *lines;            /* FdLedgerReceiptLine */
  GPtrArray *items;            /* FdLedgerReceiptItem */
  FdMoney    total;            /* negative for a void or refund */
  gint64     tendered_cents;
  gint64     change_cents;
  FdMoney    balance_after;    /* the patient's balance once it was applied */
  gboolean   voided;
  gint64     refunded_cents;
} FdLedgerReceipt;

typedef struct
{
  gint64     session_id;
  char      *station;
  char      *cashier;
  GDateTime *opened_at;
  GDateTime *closed_at;        /* nullable: still open */
  char      *closed_by;
  FdMoney    opening_float;
  gint64     expected[FD_N_PAYMENT_METHODS];  /* cash includes the float */
  gint64     counted[FD_N_PAYMENT_METHODS];
  gint64     over_short[FD_N_PAYMENT_METHODS]; /* counted − expected: + over, − short */
  guint      n_receipts;
  guint      n_voids;
  guint      n_refunds;
} FdDrawerSummary;

/* Money into or out of a drawer: one method line of a receipt */
typedef struct
{
  GDateTime       *at;
  char            *receipt_number;
  char            *kind;             /* "payment", "void", "refund" */
  FdPaymentMethod  method;
  FdMoney          amount;           /* signed: voids and refunds negative */
  char            *check_number;
  char            *card_brand;
  char            *card_last4;
  char            *reason;
} FdDrawerEvent;

/* One account a statement covers */
typedef struct
{
  char    *patient_id;
  char    *account_id;         /* nullable */
  char    *guarantor_id;       /* the guarantor's id, without its type */
  FdMoney  balance;
  GDate    last_statement;     /* invalid when none */
} FdStatementCandidate;

/* What one statement of a run covers: every account of one guarantor that
 * has a balance */
typedef struct
{
  char      *guarantor;        /* "Patient/<id>" or "RelatedPerson/<id>" */
  GPtrArray *accounts;         /* FdStatementCandidate, by patient id */
  FdMoney    total;            /* the sum of their balances */
  GDate      last_statement;   /* the latest sent for any of them; invalid when none */
} FdStatementGroup;

void        fd_ledger_account_clear        (FdLedgerAccount    *account);
void        fd_ledger_entry_free           (FdLedgerEntry      *entry);
void        fd_ledger_invoice_free         (FdLedgerInvoice    *invoice);
void        fd_ledger_receipt_free         (FdLedgerReceipt    *receipt);
void        fd_drawer_summary_clear        (FdDrawerSummary    *summary);
void        fd_statement_candidate_free    (FdStatementCandidate *candidate);
void        fd_statement_group_free        (FdStatementGroup   *group);
void        fd_drawer_event_free           (FdDrawerEvent      *event);

gboolean    fd_ledger_get_account          (FdStore            *store,
                                            const char         *patient_id,
                                            const GDate        *as_of,
                                            FdLedgerAccount    *out,
                                            GError            **error);
gboolean    fd_ledger_get_balance          (FdStore            *store,
                                            const char         *patient_id,
                                            FdMoney            *out,
                                            GError            **error);
gint64      fd_ledger_count_balances       (FdStore            *store,
                                            GError            **error);
GPtrArray  *fd_ledger_list_balances        (FdStore            *store,
                                            guint               offset,
                                            guint               limit,
                                            GError            **error);
GPtrArray  *fd_ledger_list_activity        (FdStore            *store,
                                            const char         *patient_id,
                                            const GDate        *since,
                                            GError            **error);
GPtrArray  *fd_ledger_list_open_invoices   (FdStore            *store,
                                            const char         *patient_id,
                                            GError            **error);

gboolean    fd_ledger_post_payment         (FdStore            *store,
                                            const FdPaymentRequest *request,
                                            char              **receipt_number,
                                            GError            **error);
gboolean    fd_ledger_void                 (FdStore            *store,
                                            const char         *receipt_number,
                                            const char         *reason,
                                            const char         *station,
                                            const char         *cashier,
                                            GDateTime          *when,
                                            char              **void_receipt,
                                            GError            **error);
gboolean    fd_ledger_refund               (FdStore            *store,
                                            const char         *receipt_number,
                                            const FdPaymentLine *how,
                                            const char         *reason,
                                            const char         *station,
                                            const char         *cashier,
                                            GDateTime          *when,
                                            char              **refund_receipt,
                                            GError            **error);
FdLedgerReceipt *fd_ledger_get_receipt     (FdStore            *store,
                                            const char         *receipt_number,
                                            GError            **error);
GPtrArray  *fd_ledger_list_receipts        (FdStore            *store,
                                            const char         *patient_id,
                                            GError            **error);

gboolean    fd_ledger_drawer_open          (FdStore            *store,
                                            const char         *station,
                                            const char         *cashier,
                                            gint64              float_cents,
                                            GDateTime          *when,
                                            gint64             *session_id,
                                            GError            **error);
gboolean    fd_ledger_drawer_current       (FdStore            *store,
                                            const char         *station,
                                            gint64             *session_id,
                                            GError            **error);
gboolean    fd_ledger_drawer_close         (FdStore            *store,
                                            gint64              session_id,
                                            const char         *cashier,
                                            const gint64        counted[FD_N_PAYMENT_METHODS],
                                            GDateTime          *when,
                                            GError            **error);
gboolean    fd_ledger_drawer_summary       (FdStore            *store,
                                            gint64              session_id,
                                            FdDrawerSummary    *out,
                                            GError            **error);
GPtrArray  *fd_ledger_drawer_list_events   (FdStore            *store,
                                            gint64              session_id,
                                            GError            **error);
gint64      fd_ledger_drawer_find          (FdStore            *store,
                                            const char         *station,
                                            const GDate        *day,
                                            GError            **error);

GPtrArray  *fd_ledger_list_statement_groups (FdStore           *store,
                                             gint64             min_balance_cents,
                                             guint              since_days,
                                             const GDate       *as_of,
                                             GError           **error);
FdStatementGroup *fd_ledger_get_statement_group (FdStore      *store,
                                                 const char   *patient_id,
                                                 GError      **error);
gboolean    fd_ledger_record_statement     (FdStore            *store,
                                            const char         *patient_id,
                                            const GDate        *date,
                                            GError            **error);
gboolean    fd_ledger_record_statements    (FdStore            *store,
                                            const char * const *patient_ids,
                                            const GDate        *date,
                                            GError            **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FdLedgerAccount, fd_ledger_account_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FdDrawerSummary, fd_drawer_summary_clear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdLedgerEntry, fd_ledger_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdLedgerInvoice, fd_ledger_invoice_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdLedgerReceipt, fd_ledger_receipt_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdStatementCandidate, fd_statement_candidate_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdStatementGroup, fd_statement_group_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdDrawerEvent, fd_drawer_event_free)

G_END_DECLS
