/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gstdio.h>
#include <locale.h>
#include <unistd.h>

#include "fd-catalog.h"
#include "fd-core.h"
#include "fd-drawer-report.h"
#include "fd-print-fixtures.h"
#include "fd-receipt.h"
#include "fd-statement.h"
#include "fd-test-util.h"

static char *
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error))
    g_error ("%s: %s", argv[0], error->message);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
  return out;
}

/* The text of a PDF, or of one page of it (from 1), as pdftotext lays it out */
static char *
pdf_text (const char *path,
          guint       page)
{
  g_autofree char *p = g_strdup_printf ("%u", page);

  if (page == 0)
    {
      const char *argv[] = { "pdftotext", "-layout", path, "-", NULL };
      return run (argv);
    }
  else
    {
      const char *argv[] = { "pdftotext", "-layout", "-f", p, "-l", p, path, "-", NULL };
      return run (argv);
    }
}

static char *
pdf_info (const char *path,
          const char *key)
{
  const char *argv[] = { "pdfinfo", path, NULL };
  g_autofree char *out = run (argv);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], key))
      return g_strstrip (g_strdup (lines[i] + strlen (key)));
  g_error ("pdfinfo gave no %s", key);
}

static guint
pdf_pages (const char *path)
{
  g_autofree char *pages = pdf_info (path, "Pages:");

  return (guint) atoi (pages);
}

static guint
count (const char *haystack,
       const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static guint
n_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
assert_has (const char *text,
            const char *needle)
{
  if (strstr (text, needle) == NULL)
    g_error ("“%s” is missing from:\n%s", needle, text);
}

static void
test_receipt_roll (void)
{
  g_autofree char *dir = fd_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "receipt.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL, *size = NULL;
  FdReceiptFixture f;
  double height;

  fd_fixture_receipt_init (&f);
  g_assert_true (fd_receipt_write_pdf (path, FD_PAPER_ROLL_80MM, &f.receipt, fd_fixture_clinic (),
                                       "en", NULL, &error));
  g_assert_no_error (error);

  /* 80 mm wide, as long as the receipt measures */
  height = fd_receipt_measure (FD_PAPER_ROLL_80MM_WIDTH, &f.receipt, fd_fixture_clinic (), "en");
  size = pdf_info (path, "Page size:");
  g_assert_true (g_str_has_prefix (size, "226.77"));
  {
    g_autofree char *expected = g_strdup_printf ("x %g pts", height);
    assert_has (size, expected);
  }
  g_assert_cmpuint (pdf_pages (path), ==, 1);

  text = pdf_text (path, 0);
  assert_has (text, "Riverbend Family Clinic");
  assert_has (text, "RFC1-20261127-0042");
  assert_has (text, "Maria-Fernanda Castellanos-");
  assert_has (text, "Villarreal de la Fuente");
  assert_has (text, "A-00012345");
  assert_has (text, "J. Okafor");
  assert_has (text, "11/27/2026 2:05 PM");
  /* Two $25.00 co-pays on the same day stay two lines */
  g_assert_cmpuint (count (text, "Co-pay, office visit 11/27/2026"), ==, 2);
  g_assert_cmpuint (count (text, "$25.00"), ==, 2);
  g_assert_cmpuint (count (text, "Visa ending in 4242"), ==, 2);
  assert_has (text, "$42.75");
  /* The void is negative, with its reason */
  assert_has (text, "VOID: Co-pay, lab draw");
  assert_has (text, "-$15.00");
  assert_has (text, "Reason: Charged twice");
  assert_has (text, "Check No. 1042");
  /* Totals */
  g_assert_true (g_regex_match_simple ("Total paid +\\$77\\.75", text, 0, 0));
  g_assert_true (g_regex_match_simple ("Cash tendered +\\$60\\.00", text, 0, 0));
  g_assert_true (g_regex_match_simple ("Change +\\$17\\.25", text, 0, 0));
  g_assert_true (g_regex_match_simple ("Remaining balance +\\$120\\.50", text, 0, 0));
  /* Never more of a card number than its last four digits */
  g_assert_null (strstr (text, "4111"));

  fd_fixture_receipt_clear (&f);
  fd_test_remove_dir (dir);
}

static void
test_receipt_letter (void)
{
  g_autofree char *dir = fd_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "receipt.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL, *size = NULL;
  FdReceiptFixture f;
  double one_line, four_lines;

  fd_fixture_receipt_init (&f);
  g_assert_true (fd_receipt_write_pdf (path, FD_PAPER_LETTER, &f.receipt, fd_fixture_clinic (),
                                       NULL, NULL, &error));
  g_assert_no_error (error);
  size = pdf_info (path, "Page size:");
  assert_has (size, "612 x 792");
  text = pdf_text (path, 0);
  /* On a sheet the long name fits on one line, and methods have a column */
  assert_has (text, "Maria-Fernanda Castellanos-Villarreal de la Fuente");
  g_assert_true (g_regex_match_simple ("Co-pay, office visit 11/27/2026 +Visa ending in 4242 +\\$25\\.00",
                                       text, 0, 0));

  /* A receipt with more lines needs more roll */
  four_lines = fd_receipt_measure (FD_PAPER_ROLL_80MM_WIDTH, &f.receipt, fd_fixture_clinic (), NULL);
  f.receipt.n_lines = 1;
  one_line = fd_receipt_measure (FD_PAPER_ROLL_80MM_WIDTH, &f.receipt, fd_fixture_clinic (), NULL);
  g_assert_cmpfloat (four_lines, >, one_line + 30);

  fd_fixture_receipt_clear (&f);
  fd_test_remove_dir (dir);
}

static void
test_receipt_spanish (void)
{
  g_autofree char *dir = fd_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "recibo.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  FdReceiptFixture f;

  fd_fixture_receipt_init (&f);
  /* The station's own language stays English (LANGUAGE is empty in tests) */
  g_assert_true (fd_receipt_write_pdf (path, FD_PAPER_ROLL_80MM, &f.receipt, fd_fixture_clinic (),
                                       "es-MX", NULL, &error));
  g_assert_no_error (error);
  text = pdf_text (path, 0);
  assert_has (text, "Recibo de pago");
  assert_has (text, "N.º de recibo");
  assert_has (text, "Paciente");
  assert_has (text, "27/11/2026 2:05 p. m.");
  assert_has (text, "Visa terminada en 4242");
  assert_has (text, "Efectivo");
  assert_has (text, "Motivo: Charged twice");
  g_assert_true (g_regex_match_simple ("Total pagado +\\$77\\.75", text, 0, 0));
  g_assert_true (g_regex_match_simple ("Efectivo recibido +\\$60\\.00", text, 0, 0));
  g_assert_true (g_regex_match_simple ("Cambio +\\$17\\.25", text, 0, 0));
  g_assert_true (g_regex_match_simple ("Saldo pendiente +\\$120\\.50", text, 0, 0));
  g_assert_null (strstr (text, "Total paid"));

  /* A language without a catalogue falls back to English */
  g_assert_true (fd_receipt_write_pdf (path, FD_PAPER_ROLL_80MM, &f.receipt, fd_fixture_clinic (),
                                       "tlh", NULL, &error));
  g_free (text);
  text = pdf_text (path, 0);
  assert_has (text, "Payment Receipt");

  fd_fixture_receipt_clear (&f);
  fd_test_remove_dir (dir);
}

static void
test_statement_pages (void)
{
  g_autofree char *dir = fd_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "statement.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *pages = NULL;
  FdStatementFixture f;
  guint n;

  fd_fixture_statement_init (&f, 60, 1);
  n = fd_statement_count_pages (FD_PAPER_LETTER_WIDTH, FD_PAPER_LETTER_HEIGHT, &f.statement,
                                fd_fixture_clinic (), "en");
  g_assert_cmpuint (n, >=, 2);
  g_assert_true (fd_statement_write_pdf (path, FD_PAPER_LETTER, &f.statement, fd_fixture_clinic (),
                                         "en", NULL, &error));
  g_assert_no_error (error);
  pages = pdf_info (path, "Pages:");
  g_assert_cmpuint (atoi (pages), ==, n);

  for (guint p = 1; p <= n; p++)
    {
      g_autofree char *text = pdf_text (path, p);
      g_autofree char *page_of = g_strdup_printf ("Page %u of %u", p, n);

      assert_has (text, page_of);
      /* The column headings on every page */
      g_assert_true (g_regex_match_simple ("Date +Description +Charges +Payments +Adjustments", text, 0, 0));
      if (p == 1)
        {
          assert_has (text, "Maria-Fernanda Castellanos-Villarreal de la Fuente");
          assert_has (text, "4821 Sycamore Hollow Lane, Apt 12B");
          assert_has (text, "Account activity since October 31, 2026");
          assert_has (text, "November 30, 2026");
        }
      else
        assert_has (text, "Statement (continued)");

      if (p < n)
        {
          g_assert_null (strstr (text, "Please return this portion"));
          g_assert_null (strstr (text, "Amount enclosed"));
          assert_has (text, "Continued on the next page");
        }
      else
        {
          g_autofree char *due = NULL;
          FdMoney *aging = f.statement.aging;
          FdMoneyStyle us;

          fd_money_style_init (&us, ".", ",", TRUE);
          assert_has (text, "Please return this portion with your payment");
          assert_has (text, "Amount enclosed");
          assert_has (text, "PO Box 4417");
          assert_has (text, "Please pay by December 24, 2026.");
          for (guint a = 0; a < FD_AGING_N; a++)
            {
              g_autofree char *amount = fd_money_format (&aging[a], &us);
              assert_has (text, amount);
            }
          due = fd_money_format (&f.statement.amount_due, &us);
          g_assert_cmpuint (count (text, due), >=, 2);   /* the aging box and the stub */
          g_assert_true (g_regex_match_simple ("Current +31–60 days +61–90 days +Over 90 days +Amount due",
                                               text, 0, 0));
        }
    }

  /* Every activity line is printed once */
  {
    g_autofree char *all = pdf_text (path, 0);
    g_assert_cmpuint (count (all, "/2026 "), >=, 60);
  }

  fd_fixture_statement_clear (&f);
  fd_test_remove_dir (dir);
}

static void
test_statement_short_a4 (void)
{
  g_autofree char *dir = fd_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "statement.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL, *size = NULL;
  FdStatementFixture f;

  fd_fixture_statement_init (&f, 5, 2);
  g_assert_true (fd_statement_write_pdf (path, FD_PAPER_A4, &f.statement, fd_fixture_clinic (),
                                         "es", NULL, &error));
  g_assert_no_error (error);
  size = pdf_info (path, "Page size:");
  assert_has (size, "(A4)");
  g_assert_cmpuint (pdf_pages (path), ==, 1);
  text = pdf_text (path, 1);
  assert_has (text, "Estado de cuenta");
  assert_has (text, "Página 1 de 1");
  assert_has (text, "30 de noviembre de 2026");
  assert_has (text, "Devuelva esta parte junto con su pago");
  g_assert_true (g_regex_match_simple ("Fecha +Descripción +Cargos +Pagos +Ajustes", text, 0, 0));

  fd_fixture_statement_clear (&f);
  fd_test_remove_dir (dir);
}

static void
test_drawer_report (void)
{
  g_autofree char *dir = fd_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "closeout.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL, *first = NULL;
  FdDrawerFixture f;
  guint n;

  fd_fixture_drawer_init (&f, 60);
  n = fd_drawer_report_count_pages (FD_PAPER_LETTER_WIDTH, FD_PAPER_LETTER_HEIGHT, &f.report,
                                    fd_fixture_clinic (), NULL);
  g_assert_cmpuint (n, >=, 2);
  g_assert_true (fd_drawer_report_write_pdf (path, FD_PAPER_LETTER, &f.report, fd_fixture_clinic (),
                                             NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pdf_pages (path), ==, n);

  first = pdf_text (path, 1);
  /* Cash was counted $5.00 short */
  g_assert_true (g_regex_match_simple ("Cash +\\d+ +\\$[0-9,.]+ +\\$[0-9,.]+ +-\\$5\\.00", first, 0, 0));
  assert_has (first, "Wrong patient selected");
  assert_has (first, "Overpayment on account");

  text = pdf_text (path, 0);
  for (guint i = 1; i <= 60; i++)
    {
      g_autofree char *number = g_strdup_printf ("RFC1-20261127-%04u", i);
      g_assert_cmpuint (count (text, number), >=, 1);
    }
  /* The receipts table's headings again on the next page */
  {
    g_autofree char *second = pdf_text (path, 2);
    g_assert_true (g_regex_match_simple ("Time +Receipt No\\. +Type +Method +Amount", second, 0, 0));
  }
  assert_has (text, "Cashier’s signature");

  fd_fixture_drawer_clear (&f);
  fd_test_remove_dir (dir);
}

static void
test_unwritable (void)
{
  g_autofree char *dir = fd_test_make_dir ();
  g_autofree char *locked = g_build_filename (dir, "locked", NULL);
  g_autofree char *path = NULL;
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "receipt.pdf", NULL);
  g_autoptr(GError) error = NULL;
  FdReceiptFixture f;

  fd_fixture_receipt_init (&f);

  /* A folder that is not there */
  g_assert_false (fd_receipt_write_pdf (missing, FD_PAPER_LETTER, &f.receipt, fd_fixture_clinic (),
                                        NULL, NULL, &error));
  g_assert_error (error, FD_PRINT_ERROR, FD_PRINT_ERROR_CANNOT_SAVE);
  assert_has (error->message, "Cannot save the PDF in “");
  assert_has (error->message, "no-such-folder”: the folder does not exist");
  g_clear_error (&error);

  /* A folder without write permission (root writes anywhere, but not in /sys) */
  g_mkdir (locked, 0500);
  path = geteuid () == 0 ? g_strdup ("/sys/frontdesk-receipt.pdf") : g_build_filename (locked, "receipt.pdf", NULL);
  g_assert_false (fd_receipt_write_pdf (path, FD_PAPER_LETTER, &f.receipt, fd_fixture_clinic (),
                                        NULL, NULL, &error));
  g_assert_error (error, FD_PRINT_ERROR, FD_PRINT_ERROR_CANNOT_SAVE);
  assert_has (error->message, "”: permission denied");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (n_files (locked), ==, 0);
  g_chmod (locked, 0700);

  fd_fixture_receipt_clear (&f);
  fd_test_remove_dir (dir);
}

typedef struct
{
  GCancellable *cancellable;
  guint         calls;
  guint         cancel_after;
} Progress;

static void
progress_cb (guint    done,
             guint    total,
             gpointer user_data)
{
  Progress *p = user_data;

  p->calls++;
  g_assert_cmpuint (done, ==, p->calls);
  if (done == p->cancel_after)
    g_cancellable_cancel (p->cancellable);
}

static void
test_batch (void)
{
  g_autofree char *dir = fd_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "run.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  FdStatementFixture f[4];
  const FdStatement *list[4];
  Progress progress = { cancellable, 0, 0 };
  g_autofree char *contents = NULL;
  guint pages = 0;

  for (guint i = 0; i < 4; i++)
    {
      fd_fixture_statement_init (&f[i], 10 + 20 * i, i);
      f[i].statement.language = i == 2 ? "es" : NULL;
      list[i] = &f[i].statement;
      pages += fd_statement_count_pages (FD_PAPER_LETTER_WIDTH, FD_PAPER_LETTER_HEIGHT, list[i],
                                         fd_fixture_clinic (), list[i]->language);
    }

  /* The whole run: every statement's pages, each in its own language */
  g_assert_true (fd_statements_write_pdf (path, FD_PAPER_LETTER, list, 4, fd_fixture_clinic (),
                                          progress_cb, &progress, cancellable, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (progress.calls, ==, 4);
  g_assert_cmpuint (pdf_pages (path), ==, pages);
  {
    g_autofree char *text = pdf_text (path, 0);
    g_assert_cmpuint (count (text, "Please return this portion with your payment"), ==, 3);
    g_assert_cmpuint (count (text, "Devuelva esta parte junto con su pago"), ==, 1);
  }
  g_assert_cmpuint (n_files (dir), ==, 1);

  /* Cancelled after the second statement: the earlier run's file is left as
   * it was, and nothing else */
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  progress = (Progress) { cancellable, 0, 2 };
  g_assert_false (fd_statements_write_pdf (path, FD_PAPER_LETTER, list, 4, fd_fixture_clinic (),
                                           progress_cb, &progress, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (progress.calls, ==, 2);
  g_assert_cmpuint (n_files (dir), ==, 1);
  {
    g_autofree char *after = NULL;
    g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
    g_assert_cmpstr (after, ==, contents);
  }
  g_clear_error (&error);

  /* A new run cancelled half way leaves no file at all */
  g_unlink (path);
  g_cancellable_reset (cancellable);
  progress = (Progress) { cancellable, 0, 1 };
  g_assert_false (fd_statements_write_pdf (path, FD_PAPER_LETTER, list, 4, fd_fixture_clinic (),
                                           progress_cb, &progress, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (n_files (dir), ==, 0);

  for (guint i = 0; i < 4; i++)
    fd_fixture_statement_clear (&f[i]);
  fd_test_remove_dir (dir);
}

static FdCatalog *
compile_catalog (const char *dir,
                 const char *po,
                 const char *endianness)
{
  g_autofree char *po_path = g_build_filename (dir, "t.po", NULL);
  g_autofree char *mo_path = g_build_filename (dir, "t.mo", NULL);
  g_autofree char *flag = g_strdup_printf ("--endianness=%s", endianness);
  const char *argv[] = { "msgfmt", flag, "-o", mo_path, po_path, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  FdCatalog *catalog;

  g_assert_true (g_file_set_contents (po_path, po, -1, NULL));
  out = run (argv);
  catalog = fd_catalog_new_from_file (mo_path, &error);
  g_assert_no_error (error);
  return catalog;
}

static void
test_catalog (void)
{
  static const char po[] =
    "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n"
    "\"Plural-Forms: nplurals=2; plural=(n != 1);\\n\"\n\n"
    "msgid \"Date\"\nmsgstr \"Fecha\"\n\n"
    "msgctxt \"printed\"\nmsgid \"Date\"\nmsgstr \"Fecha de emisión\"\n\n"
    "msgid \"%u receipt\"\nmsgid_plural \"%u receipts\"\nmsgstr[0] \"%u recibo\"\nmsgstr[1] \"%u recibos\"\n\n"
    "msgid \"Untranslated\"\nmsgstr \"\"\n";
  static const char * const orders[] = { "little", "big" };
  g_autofree char *dir = fd_test_make_dir ();
  g_autofree char *bad = g_build_filename (dir, "bad.mo", NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (orders); i++)
    {
      g_autoptr(FdCatalog) catalog = compile_catalog (dir, po, orders[i]);

      g_assert_cmpuint (fd_catalog_get_n_entries (catalog), ==, 3);
      g_assert_cmpstr (fd_catalog_gettext (catalog, "Date"), ==, "Fecha");
      g_assert_cmpstr (fd_catalog_pgettext (catalog, "printed", "Date"), ==, "Fecha de emisión");
      g_assert_cmpstr (fd_catalog_pgettext (catalog, NULL, "Date"), ==, "Fecha");
      /* A context it does not have, a string it does not have */
      g_assert_cmpstr (fd_catalog_pgettext (catalog, "month", "Date"), ==, "Date");
      g_assert_cmpstr (fd_catalog_gettext (catalog, "Total"), ==, "Total");
      g_assert_cmpstr (fd_catalog_gettext (catalog, "Untranslated"), ==, "Untranslated");
      g_assert_cmpstr (fd_catalog_gettext (catalog, "%u receipt"), ==, "%u recibo");
    }

  /* Not a catalogue */
  g_assert_true (g_file_set_contents (bad, "\xde\x12\x04\x95 this is not a catalogue", -1, NULL));
  g_assert_null (fd_catalog_new_from_file (bad, &error));
  g_assert_error (error, FD_CORE_ERROR, FD_CORE_ERROR_MALFORMED);

  /* Language tags */
  {
    g_auto(GStrv) mx = fd_catalog_language_candidates ("es-MX");
    g_auto(GStrv) posix = fd_catalog_language_candidates ("es_US.UTF-8");
    g_auto(GStrv) en = fd_catalog_language_candidates ("en-US");

    g_assert_cmpstrv (mx, ((const char * const[]) { "es_MX", "es", NULL }));
    g_assert_cmpstrv (posix, ((const char * const[]) { "es_US", "es", NULL }));
    g_assert_cmpuint (g_strv_length (en), ==, 0);
  }

  /* The build's own Spanish catalogue, found from a regional tag */
  {
    g_autoptr(FdCatalog) es = fd_catalog_get_for_language ("es-MX");
    g_autoptr(FdCatalog) fr = fd_catalog_get_for_language ("fr");

    g_assert_cmpstr (fd_catalog_get_language (es), ==, "es");
    g_assert_cmpuint (fd_catalog_get_n_entries (es), >, 100);
    g_assert_cmpstr (fd_catalog_pgettext (es, "month", "November"), ==, "noviembre");
    g_assert_cmpstr (fd_catalog_pgettext (es, "printed", "Total paid"), ==, "Total pagado");
    g_assert_cmpstr (fd_catalog_pgettext (fr, "printed", "Total paid"), ==, "Total paid");
  }

  fd_test_remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/print/receipt/roll", test_receipt_roll);
  g_test_add_func ("/print/receipt/letter", test_receipt_letter);
  g_test_add_func ("/print/receipt/spanish", test_receipt_spanish);
  g_test_add_func ("/print/statement/pages", test_statement_pages);
  g_test_add_func ("/print/statement/a4-spanish", test_statement_short_a4);
  g_test_add_func ("/print/drawer-report", test_drawer_report);
  g_test_add_func ("/print/save/unwritable", test_unwritable);
  g_test_add_func ("/print/save/batch", test_batch);
  g_test_add_func ("/print/catalog", test_catalog);

  return g_test_run ();
}
