/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "fd-print-data.h"

G_BEGIN_DECLS

/* Synthetic documents for the print tests, benchmark and sample pages */

typedef struct
{
  FdReceipt      receipt;
  FdReceiptLine  lines[4];
} FdReceiptFixture;

typedef struct
{
  FdStatement      statement;
  FdStatementLine *lines;
  GPtrArray       *strings;
} FdStatementFixture;

typedef struct
{
  FdDrawerReport       report;
  FdDrawerMethodTotal  methods[4];
  FdDrawerEntry       *entries;
} FdDrawerFixture;

const FdPrintClinic *fd_fixture_clinic           (void);
void                 fd_fixture_receipt_init     (FdReceiptFixture   *fixture);
void                 fd_fixture_receipt_clear    (FdReceiptFixture   *fixture);
void                 fd_fixture_statement_init   (FdStatementFixture *fixture,
                                                  guint               n_lines,
                                                  guint               seed);
void                 fd_fixture_statement_clear  (FdStatementFixture *fixture);
void                 fd_fixture_drawer_init      (FdDrawerFixture    *fixture,
                                                  guint               n_entries);
void                 fd_fixture_drawer_clear     (FdDrawerFixture    *fixture);

G_END_DECLS
