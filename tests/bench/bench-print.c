/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Printing: one receipt saved as a PDF against an empty page saved the same
 * way, and a statement run of 500 two-page statements into one PDF against
 * the same number of empty pages; then the same run with each statement a
 * family's, its lines in three accounts' sections. */
#include <locale.h>

#include "fd-print-fixtures.h"
#include "fd-receipt.h"
#include "fd-statement.h"
#include "fd-test-util.h"

#define N_RECEIPTS 300
#define N_STATEMENTS 500

#define percentile fd_test_percentile

static void
empty_page_cb (cairo_t  *cr,
               guint     page_index,
               gpointer  user_data)
{
}

static void
check (gboolean  ok,
       GError   *error)
{
  if (!ok)
    g_error ("%s", error->message);
}

/* The run of @list into one PDF, against as many empty pages; returns the
 * pages and the seconds of each */
static guint
time_run (const char          *path,
          const FdStatement  **list,
          double              *run_s,
          double              *base_s)
{
  g_autoptr(GError) error = NULL;
  guint pages = fd_statement_count_pages (FD_PAPER_LETTER_WIDTH, FD_PAPER_LETTER_HEIGHT, list[0],
                                          fd_fixture_clinic (), NULL) * N_STATEMENTS;
  gint64 t0 = g_get_monotonic_time (), t1, t2;

  check (fd_print_write_pdf (path, FD_PAPER_LETTER_WIDTH, FD_PAPER_LETTER_HEIGHT, pages, empty_page_cb,
                             NULL, NULL, &error), error);
  t1 = g_get_monotonic_time ();
  check (fd_statements_write_pdf (path, FD_PAPER_LETTER, list, N_STATEMENTS, fd_fixture_clinic (),
                                  NULL, NULL, NULL, &error), error);
  t2 = g_get_monotonic_time ();
  *base_s = (t1 - t0) / 1e6;
  *run_s = (t2 - t1) / 1e6;
  return pages;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = fd_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "bench.pdf", NULL);
  g_autoptr(GArray) receipt = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) empty = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  FdReceiptFixture r;
  FdStatementFixture *statements;
  const FdStatement **list;
  double height;
  guint pages = 0;

  setlocale (LC_ALL, "");
  fd_fixture_receipt_init (&r);
  height = fd_receipt_measure (FD_PAPER_ROLL_80MM_WIDTH, &r.receipt, fd_fixture_clinic (), "en");

  /* Warm the font caches once */
  check (fd_receipt_write_pdf (path, FD_PAPER_ROLL_80MM, &r.receipt, fd_fixture_clinic (), "en", NULL, &error), error);

  for (guint i = 0; i < N_RECEIPTS; i++)
    {
      gint64 t0 = g_get_monotonic_time (), t1, t2;
      double ms;

      check (fd_print_write_pdf (path, FD_PAPER_ROLL_80MM_WIDTH, height, 1, empty_page_cb, NULL, NULL, &error), error);
      t1 = g_get_monotonic_time ();
      check (fd_receipt_write_pdf (path, FD_PAPER_ROLL_80MM, &r.receipt, fd_fixture_clinic (), "en", NULL, &error), error);
      t2 = g_get_monotonic_time ();
      ms = (t1 - t0) / 1000.0;
      g_array_append_val (empty, ms);
      ms = (t2 - t1) / 1000.0;
      g_array_append_val (receipt, ms);
    }
  g_print ("bench receipt-pdf-p50 %.2f ms (baseline %.2f ms)\n", percentile (receipt, 0.50), percentile (empty, 0.50));
  g_print ("bench receipt-pdf-p99 %.2f ms (baseline %.2f ms)\n", percentile (receipt, 0.99), percentile (empty, 0.99));
  fd_fixture_receipt_clear (&r);

  /* A statement run */
  statements = g_new0 (FdStatementFixture, N_STATEMENTS);
  list = g_new0 (const FdStatement *, N_STATEMENTS);
  for (guint i = 0; i < N_STATEMENTS; i++)
    {
      fd_fixture_statement_init (&statements[i], 36, i);
      list[i] = &statements[i].statement;
    }
  {
    double run_s, base_s;

    pages = time_run (path, list, &run_s, &base_s);
    g_print ("bench statement-run-%u-statements-%u-pages %.2f s (baseline %.2f s)\n",
             N_STATEMENTS, pages, run_s, base_s);
    g_print ("bench statement-run-pages-per-second %.0f pages/s (baseline %.0f pages/s)\n",
             pages / run_s, pages / base_s);
  }

  /* The same lines, as three children's accounts of one guarantor */
  {
    FdStatementAccount accounts[3] = { 0 };
    guint family_pages;
    double run_s, base_s;

    for (guint a = 0; a < G_N_ELEMENTS (accounts); a++)
      {
        static const char * const names[] = { "Rivera, Ana", "Rivera, Tomás", "Rivera, Luz" };

        accounts[a].patient_name = names[a];
        accounts[a].account_number = "ACCT-0042";
        accounts[a].n_lines = list[0]->n_lines / 3;
        fd_money_init (&accounts[a].previous_balance, 1000, "USD");
        fd_money_init (&accounts[a].balance, 5000, "USD");
      }
    for (guint i = 0; i < N_STATEMENTS; i++)
      {
        statements[i].statement.accounts = accounts;
        statements[i].statement.n_accounts = G_N_ELEMENTS (accounts);
      }
    family_pages = time_run (path, list, &run_s, &base_s);
    g_print ("bench family-statement-run-%u-statements-%u-pages %.2f s (baseline %.2f s)\n",
             N_STATEMENTS, family_pages, run_s, base_s);
    for (guint i = 0; i < N_STATEMENTS; i++)
      {
        statements[i].statement.accounts = NULL;
        statements[i].statement.n_accounts = 0;
      }
  }

  for (guint i = 0; i < N_STATEMENTS; i++)
    fd_fixture_statement_clear (&statements[i]);
  g_free (statements);
  g_free (list);
  fd_test_remove_dir (dir);
  return 0;
}
