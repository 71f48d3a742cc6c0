/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "fd-money.h"

G_BEGIN_DECLS

/* What the print functions are given. They are plain structures that the
 * caller fills and owns: nothing here is kept after a call returns, and no
 * print function changes them. Strings are UTF-8; a %NULL optional string is
 * left out of the document. Lists of lines are %NULL-terminated string
 * vectors. Dates are GDates (a cleared GDate means "none"), times are
 * GDateTimes in the clinic's time zone. Money is always FdMoney. */

/* Paper that documents are laid out for, in points (1/72 in). */
typedef enum
{
  FD_PAPER_LETTER,      /* 8.5 × 11 in */
  FD_PAPER_A4,          /* 210 × 297 mm */
  FD_PAPER_ROLL_80MM,   /* an 80 mm receipt roll; its length is measured */
} FdPaper;

#define FD_PAPER_LETTER_WIDTH   612.0
#define FD_PAPER_LETTER_HEIGHT  792.0
#define FD_PAPER_A4_WIDTH       595.2756
#define FD_PAPER_A4_HEIGHT      841.8898
#define FD_PAPER_ROLL_80MM_WIDTH 226.7717

void fd_paper_get_size (FdPaper  paper,
                        double  *width,
                        double  *height);

/* The clinic, as it heads every document */
typedef struct
{
  const char         *name;
  const char * const *address;    /* street, city-state-ZIP, ... */
  const char         *phone;      /* optional */
  const char         *tax_id;     /* optional: the clinic's EIN */
  const char * const *remit_to;   /* optional: where payments are mailed; else the address */
} FdPrintClinic;

typedef enum
{
  FD_PAYMENT_METHOD_CASH,
  FD_PAYMENT_METHOD_CHECK,
  FD_PAYMENT_METHOD_CARD,
  FD_PAYMENT_METHOD_OTHER,
} FdPaymentMethodKind;

/* How a payment was made. Of a card only the brand and the last four digits
 * are ever printed, whatever @card_last_four holds. */
typedef struct
{
  FdPaymentMethodKind  kind;
  const char          *check_number;    /* CHECK: optional */
  const char          *card_brand;      /* CARD: "Visa"; optional */
  const char          *card_last_four;  /* CARD: optional */
  const char          *other;           /* OTHER: what it was, "Money order"; optional */
} FdPaymentMethod;

typedef enum
{
  FD_RECEIPT_LINE_PAYMENT,
  FD_RECEIPT_LINE_VOID,     /* a payment taken back the same day */
  FD_RECEIPT_LINE_REFUND,   /* money given back */
} FdReceiptLineKind;

/* One line of a receipt: each payment is its own line, even when two have
 * the same amount. @amount is the size of the line; void and refund lines are
 * printed as negative amounts whatever its sign. */
typedef struct
{
  FdReceiptLineKind  kind;
  const char        *description;  /* "Co-pay, office visit 11/27/2026" */
  FdPaymentMethod    method;
  FdMoney            amount;
  const char        *reason;       /* VOID, REFUND: why; optional */
} FdReceiptLine;

typedef struct
{
  const char          *receipt_number;
  GDateTime           *issued_at;
  const char          *patient_name;
  const char          *account_number;
  const char          *cashier;
  const char          *station;            /* optional */
  const FdReceiptLine *lines;
  guint                n_lines;
  FdMoney              total_paid;         /* as the ledger counted it */
  gboolean             has_cash_tendered;
  FdMoney              tendered;           /* cash handed over */
  FdMoney              change;             /* cash given back */
  FdMoney              balance;            /* what the account still owes after this receipt */
  gboolean             is_copy;            /* a reprint: marked "Copy" */
} FdReceipt;

typedef enum
{
  FD_STATEMENT_LINE_CHARGE,
  FD_STATEMENT_LINE_PAYMENT,
  FD_STATEMENT_LINE_ADJUSTMENT,
} FdStatementLineKind;

/* One line of account activity. @amount is signed as it changes the balance:
 * charges positive, payments negative, adjustments either. */
typedef struct
{
  GDate                date;
  const char          *description;
  FdStatementLineKind  kind;
  FdMoney              amount;
} FdStatementLine;

typedef enum
{
  FD_AGING_CURRENT,
  FD_AGING_31_60,
  FD_AGING_61_90,
  FD_AGING_OVER_90,
  FD_AGING_N,
} FdAging;

/* One patient's account on a statement that covers several of one
 * guarantor. Its lines are the next @n_lines of the statement's @lines. */
typedef struct
{
  const char *patient_name;
  const char *account_number;
  GDate       previous_statement_date;  /* cleared for a first statement */
  FdMoney     previous_balance;
  FdMoney     balance;                  /* what the account owes now */
  guint       n_lines;
} FdStatementAccount;

typedef struct
{
  GDate                  statement_date;
  const char            *account_number;
  const char            *guarantor_name;
  const char * const    *guarantor_address;
  const char            *patient_name;             /* with several accounts: every patient's */
  GDate                  previous_statement_date;  /* cleared for a first statement */
  FdMoney                previous_balance;
  const FdStatementLine *lines;                    /* activity since the previous statement */
  guint                  n_lines;
  const FdStatementAccount *accounts;              /* two or more: a section of @lines for
                                                    * each, in order; else %NULL */
  guint                  n_accounts;
  FdMoney                aging[FD_AGING_N];
  FdMoney                amount_due;
  GDate                  pay_by;                   /* cleared: "due on receipt" */
  const char            *language;                 /* the guarantor's preferred language, for
                                                    * fd_statements_write_pdf(); %NULL: English */
} FdStatement;

/* One method's line of a drawer close-out. Over/short is worked out as
 * @counted less @expected. */
typedef struct
{
  FdPaymentMethodKind  method;
  const char          *label;      /* optional: overrides the method's name */
  guint                n_payments;
  FdMoney              expected;
  FdMoney              counted;
} FdDrawerMethodTotal;

/* One receipt line taken in the drawer's session, voids and refunds included */
typedef struct
{
  GDateTime         *time;
  const char        *receipt_number;
  FdReceiptLineKind  kind;
  FdPaymentMethod    method;
  FdMoney            amount;       /* printed negative for voids and refunds */
  const char        *reason;       /* VOID, REFUND */
} FdDrawerEntry;

typedef struct
{
  const char                *station;
  const char                *cashier;
  GDateTime                 *opened_at;
  GDateTime                 *closed_at;
  FdMoney                    opening_float;
  const FdDrawerMethodTotal *methods;
  guint                      n_methods;
  const FdDrawerEntry       *entries;
  guint                      n_entries;
} FdDrawerReport;

G_END_DECLS
