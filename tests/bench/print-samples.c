/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writes the sample documents of docs/screenshots as PDFs into a folder:
 *   print-samples DIR
 * then turn them into PNGs with pdftoppm, as docs/screenshots/README.md shows. */
#include <locale.h>

#include "fd-drawer-report.h"
#include "fd-print-fixtures.h"
#include "fd-receipt.h"
#include "fd-statement.h"

static void
check (gboolean  ok,
       GError   *error)
{
  if (!ok)
    g_error ("%s", error->message);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  FdReceiptFixture receipt;
  FdStatementFixture statement;
  FdDrawerFixture drawer;
  const char *dir;

  setlocale (LC_ALL, "");
  if (argc != 2)
    {
      g_printerr ("Usage: %s DIR\n", argv[0]);
      return 2;
    }
  dir = argv[1];
  g_mkdir_with_parents (dir, 0700);

  fd_fixture_receipt_init (&receipt);
  fd_fixture_statement_init (&statement, 40, 3);
  fd_fixture_drawer_init (&drawer, 24);

#define OUT(name) g_build_filename (dir, name, NULL)
  {
    g_autofree char *p1 = OUT ("receipt-80mm-en.pdf");
    g_autofree char *p2 = OUT ("receipt-letter-en.pdf");
    g_autofree char *p3 = OUT ("receipt-80mm-es.pdf");
    g_autofree char *p4 = OUT ("statement-en.pdf");
    g_autofree char *p5 = OUT ("closeout-en.pdf");
    g_autofree char *p6 = OUT ("statement-a4-es.pdf");

    check (fd_receipt_write_pdf (p1, FD_PAPER_ROLL_80MM, &receipt.receipt, fd_fixture_clinic (), "en", NULL, &error), error);
    check (fd_receipt_write_pdf (p2, FD_PAPER_LETTER, &receipt.receipt, fd_fixture_clinic (), "en", NULL, &error), error);
    check (fd_receipt_write_pdf (p3, FD_PAPER_ROLL_80MM, &receipt.receipt, fd_fixture_clinic (), "es", NULL, &error), error);
    check (fd_statement_write_pdf (p4, FD_PAPER_LETTER, &statement.statement, fd_fixture_clinic (), "en", NULL, &error), error);
    check (fd_drawer_report_write_pdf (p5, FD_PAPER_LETTER, &drawer.report, fd_fixture_clinic (), "en", NULL, &error), error);
    check (fd_statement_write_pdf (p6, FD_PAPER_A4, &statement.statement, fd_fixture_clinic (), "es", NULL, &error), error);
  }
#undef OUT

  fd_fixture_receipt_clear (&receipt);
  fd_fixture_statement_clear (&statement);
  fd_fixture_drawer_clear (&drawer);
  return 0;
}
