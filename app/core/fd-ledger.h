/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "fd-money.h"

G_BEGIN_DECLS

/* The rules of the ledger that need no database: card-number safety,
 * how a payment is applied, cash change, splits, aging and receipt numbers.
 * Every refusal is a FD_CORE_ERROR with a message for the desk. */

typedef enum
{
  FD_PAYMENT_METHOD_CASH,
  FD_PAYMENT_METHOD_CHECK,
  FD_PAYMENT_METHOD_CREDIT_CARD,  /* taken on the separate terminal */
  FD_PAYMENT_METHOD_DEBIT_CARD,   /* taken on the separate terminal */
  FD_N_PAYMENT_METHODS,
} FdPaymentMethod;

/* One method of a payment; a split payment has several */
typedef struct
{
  FdPaymentMethod  method;
  gint64           amount_cents;    /* what this line pays, > 0 */
  gint64           tendered_cents;  /* cash handed over; 0 for "exact" */
  const char      *check_number;    /* required for a check */
  const char      *card_brand;      /* cards: "Visa", "Mastercard", ... */
  const char      *card_last4;      /* cards: exactly four digits */
  const char      *authorization;   /* cards: the terminal's approval code */
} FdPaymentLine;

typedef enum
{
  FD_APPLY_OLDEST_FIRST,  /* open charges, oldest first */
  FD_APPLY_CHOSEN,        /* the invoices chosen, in the order given */
  FD_APPLY_PREPAYMENT,    /* nothing to charges: all kept as a credit */
} FdApplyMode;

typedef enum
{
  FD_ALLOCATION_COPAY,
  FD_ALLOCATION_INVOICE,
  FD_ALLOCATION_CREDIT,
} FdAllocationTarget;

/* An open charge: what is still owed on one invoice, and its date */
typedef struct
{
  const char *id;
  GDate       date;
  gint64      open_cents;
} FdOpenItem;

typedef struct
{
  FdAllocationTarget  target;
  char               *invoice_id;  /* for FD_ALLOCATION_INVOICE */
  gint64              cents;
} FdAllocation;

typedef enum
{
  FD_AGING_CURRENT,    /* 0-30 days */
  FD_AGING_31_60,
  FD_AGING_61_90,
  FD_AGING_OVER_90,
  FD_N_AGING_BUCKETS,
} FdAgingBucket;

#define FD_LEDGER_MAX_TEXT 200

const char *fd_payment_method_code       (FdPaymentMethod      method);
const char *fd_payment_method_label      (FdPaymentMethod      method);
gboolean    fd_payment_method_from_code  (const char          *code,
                                          FdPaymentMethod     *out);

gboolean    fd_ledger_luhn_valid         (const char          *digits);
gboolean    fd_ledger_text_has_card_number (const char        *text);
gboolean    fd_ledger_check_text         (const char          *text,
                                          const char          *field,
                                          gboolean             required,
                                          GError             **error);

gboolean    fd_ledger_parse_amount       (const char          *text,
                                          const char          *currency,
                                          const FdMoneyStyle  *style,
                                          FdMoney             *out,
                                          GError             **error);
gboolean    fd_ledger_check_amount       (gint64               cents,
                                          GError             **error);
gboolean    fd_ledger_cash_change        (gint64               amount_cents,
                                          gint64               tendered_cents,
                                          gint64              *change_cents,
                                          GError             **error);
gboolean    fd_ledger_check_lines        (const FdPaymentLine *lines,
                                          guint                n_lines,
                                          gint64               total_cents,
                                          gint64              *change_cents,
                                          GError             **error);

GArray     *fd_ledger_allocate           (gint64               amount_cents,
                                          gint64               copay_due_cents,
                                          const FdOpenItem    *items,
                                          guint                n_items,
                                          FdApplyMode          mode,
                                          const char * const  *chosen,
                                          gboolean             keep_excess_as_credit,
                                          GError             **error);

FdAgingBucket fd_ledger_aging_bucket     (const GDate         *date,
                                          const GDate         *as_of);
void        fd_ledger_age                (const FdOpenItem    *items,
                                          guint                n_items,
                                          const GDate         *as_of,
                                          gint64               buckets[FD_N_AGING_BUCKETS]);

gboolean    fd_ledger_check_station_code (const char          *station,
                                          GError             **error);
char       *fd_ledger_format_receipt_number (const char       *station,
                                             const GDate      *date,
                                             guint             sequence);
gboolean    fd_ledger_parse_receipt_number  (const char       *receipt,
                                             char            **station,
                                             GDate            *date,
                                             guint            *sequence);

G_END_DECLS
