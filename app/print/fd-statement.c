/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdStatement"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fd-print-private.h"
#include "fd-statement.h"

/* A statement on Letter or A4: the clinic and the statement's numbers at the
 * top, the guarantor's address where a window envelope shows it, the account
 * activity in a table that runs on over as many pages as it needs (headings
 * repeated on each), and on the last page the totals, the aging boxes and a
 * remittance stub to tear off along a dashed line. A guarantor's statement
 * of several accounts (a parent's, for their children) has a section per
 * account in the table, each with its own heading and balance; the totals,
 * the aging and the amount due are the family's.
 *
 * Where the address goes:
 * - US Letter in a #10 window envelope: the common window is 4 1/2 × 1 1/8 in,
 *   7/8 in from the envelope's left edge and 1/2 to 5/8 in from its bottom,
 *   which on a sheet folded in three puts it about 7/8 in from the left and
 *   2 in from the top of the page; addresses keep 1/8 in clear of the window's
 *   edges so that a sheet shifting in the envelope does not hide a line
 *   (USPS guidance as summarised by envelope makers and mailing services).
 *   The block below is 1 in from the left and 2 1/8 in from the top,
 *   3 3/4 × 7/8 in: inside a 4 × 1 1/8 in window at (7/8 in, 2 in).
 * - A4 in a DL or C5/6 window envelope: DIN 5008 form B (the form for window
 *   envelopes) gives an address field 85 × 45 mm whose left edge is 20 mm from
 *   the sheet's left edge and top 45 mm from its top; its upper 17.7 mm hold
 *   the sender's return line, and the address itself starts 62.7 mm from the
 *   top, at most 6 lines in 27.3 mm, written from the 25 mm text margin. */

#define MM (72.0 / 25.4)
#define IN 72.0

#define BODY_SIZE 9.0
#define MARGIN 42.0
#define ROW_PAD 2.5

enum { COL_DATE, COL_DESCRIPTION, COL_CHARGES, COL_PAYMENTS, COL_ADJUSTMENTS, N_COLS };

typedef struct
{
  double   width, height;
  gboolean din;                        /* A4: DIN 5008 form B; else US #10 */
  double   x, w;                       /* the text area across the page */
  double   col_x[N_COLS], col_w[N_COLS];
  double   address_x, address_y, address_w, address_h;
  double   first_table_y, next_table_y;
  double   bottom;                     /* where a page's table must end */
  double   stub_y;                     /* the dashed line */
} Geometry;

/* A row of the activity table: a line of activity, or, on a statement of
 * several accounts, the heading and the balance of each account's section */
typedef enum
{
  ROW_LINE,
  ROW_SECTION,
  ROW_SUBTOTAL,
} RowKind;

typedef struct
{
  RowKind kind;
  guint   index;                       /* the line, or the account */
} Row;

typedef struct
{
  Geometry  geometry;
  GArray   *rows;                      /* Row */
  double   *row_heights;
  GArray   *first_rows;                /* guint: the first row of each page */
  double    head_height;
  double    footer_height;
} Plan;

typedef struct
{
  const FdStatement   *statement;
  const FdPrintClinic *clinic;
  const char          *language;
  double               width, height;
} DrawData;

static void
geometry_init (Geometry *g,
               double    width,
               double    height)
{
  double amount_w = 74, date_w = 60, gap = 6;

  g->width = width;
  g->height = height;
  /* A4 is the taller sheet: 297 mm against Letter's 279.4 mm */
  g->din = height > 800;
  g->x = MARGIN;
  g->w = width - 2 * MARGIN;

  if (g->din)
    {
      g->address_x = 25 * MM;
      g->address_y = 62.7 * MM;
      g->address_w = 75 * MM;
      g->address_h = 27.3 * MM;
    }
  else
    {
      g->address_x = 1.0 * IN;
      g->address_y = 2.125 * IN;
      g->address_w = 3.75 * IN;
      g->address_h = 0.875 * IN;
    }

  g->col_x[COL_DATE] = g->x;
  g->col_w[COL_DATE] = date_w;
  g->col_x[COL_DESCRIPTION] = g->x + date_w + gap;
  g->col_w[COL_DESCRIPTION] = g->w - date_w - gap - 3 * (amount_w + gap);
  for (guint c = COL_CHARGES; c < N_COLS; c++)
    {
      g->col_w[c] = amount_w;
      g->col_x[c] = g->x + g->w - (N_COLS - c) * amount_w - (N_COLS - 1 - c) * gap;
    }

  g->first_table_y = MAX (g->address_y + g->address_h + 0.45 * IN, 3.7 * IN);
  g->next_table_y = 96;
  g->bottom = height - 40;
  g->stub_y = height - 3.1 * IN;
}

static const char *
column_heading (FdPrintDoc *doc,
                guint       column)
{
  switch (column)
    {
    case COL_DATE:
      return fd_print_tr (doc, NC_("printed", "Date"));
    case COL_DESCRIPTION:
      return fd_print_tr (doc, NC_("printed", "Description"));
    case COL_CHARGES:
      return fd_print_tr (doc, NC_("printed", "Charges"));
    case COL_PAYMENTS:
      return fd_print_tr (doc, NC_("printed", "Payments"));
    case COL_ADJUSTMENTS:
    default:
      return fd_print_tr (doc, NC_("printed", "Adjustments"));
    }
}

static double
table_head (FdPrintDoc     *doc,
            const Geometry *g,
            double          y)
{
  double h = fd_print_line_height (doc, FD_FONT_SMALL_BOLD);

  for (guint c = 0; c < N_COLS; c++)
    fd_print_text (doc, g->col_x[c], y, g->col_w[c], FD_FONT_SMALL_BOLD,
                   c >= COL_CHARGES ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT, FD_TEXT_ELLIPSIZE,
                   column_heading (doc, c));
  fd_print_rule (doc, g->x, y + h + 2, g->w, 0.75);
  return h + 5;
}

static guint
column_of (FdStatementLineKind kind)
{
  switch (kind)
    {
    case FD_STATEMENT_LINE_PAYMENT:
      return COL_PAYMENTS;
    case FD_STATEMENT_LINE_ADJUSTMENT:
      return COL_ADJUSTMENTS;
    case FD_STATEMENT_LINE_CHARGE:
    default:
      return COL_CHARGES;
    }
}

/* One activity line; measured only when @draw is FALSE */
static double
table_row (FdPrintDoc            *doc,
           const Geometry        *g,
           double                 y,
           const FdStatementLine *line,
           guint                  index,
           gboolean               draw)
{
  FdTextFlags flags = draw ? FD_TEXT_WRAP : FD_TEXT_MEASURE;
  double h;

  h = fd_print_text (doc, g->col_x[COL_DESCRIPTION], y + ROW_PAD, g->col_w[COL_DESCRIPTION],
                     FD_FONT_BODY, PANGO_ALIGN_LEFT, FD_TEXT_MEASURE, line->description);
  h = MAX (h, fd_print_line_height (doc, FD_FONT_BODY)) + 2 * ROW_PAD;

  if (draw)
    {
      g_autofree char *date = g_date_valid (&line->date) ? fd_print_date (doc, &line->date) : NULL;
      g_autofree char *amount = fd_print_money (doc, &line->amount);
      guint c = column_of (line->kind);

      if (index % 2 == 1)
        fd_print_box (doc, g->x, y, g->w, h, 0, 0.93);
      fd_print_text (doc, g->col_x[COL_DATE], y + ROW_PAD, g->col_w[COL_DATE], FD_FONT_BODY,
                     PANGO_ALIGN_LEFT, flags | FD_TEXT_ELLIPSIZE, date);
      fd_print_text (doc, g->col_x[COL_DESCRIPTION], y + ROW_PAD, g->col_w[COL_DESCRIPTION],
                     FD_FONT_BODY, PANGO_ALIGN_LEFT, flags, line->description);
      fd_print_text (doc, g->col_x[c], y + ROW_PAD, g->col_w[c], FD_FONT_AMOUNT,
                     PANGO_ALIGN_RIGHT, flags, amount);
    }
  return h;
}

/* The heading of one account's section: whose it is, its number, since
 * when, and what it owed before; measured only when @draw is FALSE */
static double
section_row (FdPrintDoc               *doc,
             const Geometry           *g,
             double                    y,
             const FdStatementAccount *account,
             gboolean                  draw)
{
  FdTextFlags flags = draw ? FD_TEXT_ELLIPSIZE : FD_TEXT_MEASURE;
  g_autofree char *previous = fd_print_money (doc, &account->previous_balance);
  g_autofree char *detail = NULL;
  g_autofree char *owed = NULL;
  double top = y + 8, h, right_w = g->w * 0.3;

  if (g_date_valid (&account->previous_statement_date))
    {
      g_autofree char *date = fd_print_date_long (doc, &account->previous_statement_date);

      /* Translators: under a patient's name on a family statement: the account number, then the date of
       * the previous statement */
      detail = g_strdup_printf (fd_print_tr (doc, NC_("printed", "Account No. %1$s · activity since %2$s")),
                                account->account_number ? account->account_number : "", date);
    }
  else
    /* Translators: under a patient's name on a family statement; %s is the account number */
    detail = g_strdup_printf (fd_print_tr (doc, NC_("printed", "Account No. %s")),
                              account->account_number ? account->account_number : "");
  /* Translators: on a family statement, right of a patient's name; %s is an amount */
  owed = g_strdup_printf (fd_print_tr (doc, NC_("printed", "Previous balance %s")), previous);

  h = fd_print_text (doc, g->x, top, g->w - right_w - 8, FD_FONT_BOLD, PANGO_ALIGN_LEFT, flags,
                     account->patient_name);
  fd_print_text (doc, g->x + g->w - right_w, top, right_w, FD_FONT_BODY, PANGO_ALIGN_RIGHT, flags, owed);
  h += fd_print_text (doc, g->x, top + h, g->w, FD_FONT_SMALL, PANGO_ALIGN_LEFT, flags, detail);
  if (draw)
    fd_print_rule (doc, g->x, top + h + 1.5, g->w, 0.5);
  return 8 + h + 4;
}

/* What one account owes at the end of its section */
static double
subtotal_row (FdPrintDoc               *doc,
              const Geometry           *g,
              double                    y,
              const FdStatementAccount *account,
              gboolean                  draw)
{
  FdTextFlags flags = draw ? FD_TEXT_ELLIPSIZE : FD_TEXT_MEASURE;
  g_autofree char *amount = fd_print_money (doc, &account->balance);
  /* Translators: ends a patient's part of a family statement; %s is the patient's name */
  g_autofree char *label = g_strdup_printf (fd_print_tr (doc, NC_("printed", "Balance, %s")),
                                            account->patient_name ? account->patient_name : "");
  double h;

  h = fd_print_text (doc, g->col_x[COL_DESCRIPTION], y + ROW_PAD, g->col_x[COL_ADJUSTMENTS] - g->col_x[COL_DESCRIPTION] - 6,
                     FD_FONT_BOLD, PANGO_ALIGN_RIGHT, flags, label);
  fd_print_text (doc, g->col_x[COL_ADJUSTMENTS], y + ROW_PAD, g->col_w[COL_ADJUSTMENTS], FD_FONT_AMOUNT_BOLD,
                 PANGO_ALIGN_RIGHT, flags, amount);
  return h + 2 * ROW_PAD;
}

static double
plan_row (FdPrintDoc        *doc,
          const Geometry    *g,
          double             y,
          const FdStatement *s,
          const Row         *row,
          gboolean           draw)
{
  switch (row->kind)
    {
    case ROW_SECTION:
      return section_row (doc, g, y, &s->accounts[row->index], draw);
    case ROW_SUBTOTAL:
      return subtotal_row (doc, g, y, &s->accounts[row->index], draw);
    case ROW_LINE:
    default:
      return table_row (doc, g, y, &s->lines[row->index], row->index, draw);
    }
}

/* The table's rows: the lines, in sections when there are several accounts */
static GArray *
list_rows (const FdStatement *s)
{
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (Row));
  guint line = 0;

  for (guint a = 0; s->n_accounts > 1 && a < s->n_accounts; a++)
    {
      Row section = { ROW_SECTION, a }, subtotal = { ROW_SUBTOTAL, a };

      g_array_append_val (rows, section);
      for (guint i = 0; i < s->accounts[a].n_lines && line < s->n_lines; i++, line++)
        {
          Row row = { ROW_LINE, line };

          g_array_append_val (rows, row);
        }
      g_array_append_val (rows, subtotal);
    }
  for (; line < s->n_lines; line++)
    {
      Row row = { ROW_LINE, line };

      g_array_append_val (rows, row);
    }
  return rows;
}

/* The totals of the activity columns, the aging boxes, what to pay by when */
static double
footer (FdPrintDoc          *doc,
        const Geometry      *g,
        double               y,
        const FdStatement   *s,
        const FdPrintClinic *clinic,
        gboolean             draw)
{
  FdTextFlags flags = draw ? FD_TEXT_WRAP : FD_TEXT_MEASURE;
  double y0 = y, box_w, box_h;
  FdMoney sums[N_COLS];
  g_autofree char *pay_text = NULL;
  static const char * const aging_labels[FD_AGING_N] = {
    NC_("printed", "Current"), NC_("printed", "31–60 days"),
    NC_("printed", "61–90 days"), NC_("printed", "Over 90 days"),
  };

  /* Column totals */
  for (guint c = COL_CHARGES; c < N_COLS; c++)
    fd_money_init (&sums[c], 0, s->amount_due.currency);
  for (guint i = 0; i < s->n_lines; i++)
    {
      guint c = column_of (s->lines[i].kind);
      FdMoney sum;

      if (fd_money_add (&sums[c], &s->lines[i].amount, &sum, NULL))
        sums[c] = sum;
    }

  if (draw)
    fd_print_rule (doc, g->x, y, g->w, 0.75);
  y += 3;
  fd_print_text (doc, g->col_x[COL_DESCRIPTION], y, g->col_w[COL_DESCRIPTION], FD_FONT_BOLD,
                 PANGO_ALIGN_LEFT, flags | FD_TEXT_ELLIPSIZE,
                 fd_print_tr (doc, NC_("printed", "Total activity")));
  for (guint c = COL_CHARGES; c < N_COLS && draw; c++)
    {
      g_autofree char *text = fd_print_money (doc, &sums[c]);
      fd_print_text (doc, g->col_x[c], y, g->col_w[c], FD_FONT_AMOUNT_BOLD, PANGO_ALIGN_RIGHT, flags, text);
    }
  y += fd_print_line_height (doc, FD_FONT_BOLD) + 12;

  /* Aging, then the amount due in the fifth box */
  box_w = (g->w - 4 * 6) / 5;
  box_h = fd_print_line_height (doc, FD_FONT_SMALL_BOLD) + fd_print_line_height (doc, FD_FONT_BIG_AMOUNT) + 10;
  for (guint i = 0; i <= FD_AGING_N && draw; i++)
    {
      double bx = g->x + i * (box_w + 6);
      gboolean due = i == FD_AGING_N;
      const FdMoney *amount = due ? &s->amount_due : &s->aging[i];
      g_autofree char *text = fd_print_money (doc, amount);

      fd_print_box (doc, bx, y, box_w, box_h, due ? 1.5 : 0.75, due ? 0.88 : -1);
      fd_print_text (doc, bx + 4, y + 4, box_w - 8, FD_FONT_SMALL_BOLD, PANGO_ALIGN_CENTER,
                     FD_TEXT_ELLIPSIZE,
                     due ? fd_print_tr (doc, NC_("printed", "Amount due"))
                         : fd_print_tr (doc, aging_labels[i]));
      fd_print_text (doc, bx + 4, y + 6 + fd_print_line_height (doc, FD_FONT_SMALL_BOLD), box_w - 8,
                     due ? FD_FONT_BIG_AMOUNT : FD_FONT_AMOUNT_BOLD, PANGO_ALIGN_CENTER,
                     FD_TEXT_ELLIPSIZE, text);
    }
  y += box_h + 8;

  if (g_date_valid (&s->pay_by))
    {
      g_autofree char *date = fd_print_date_long (doc, &s->pay_by);
      /* Translators: under the amount due on a statement; %s is a date */
      pay_text = g_strdup_printf (fd_print_tr (doc, NC_("printed", "Please pay by %s.")), date);
    }
  else
    pay_text = g_strdup (fd_print_tr (doc, NC_("printed", "Payment is due on receipt.")));
  if (clinic->phone != NULL)
    {
      /* Translators: %s is the clinic's phone number */
      g_autofree char *call = g_strdup_printf (fd_print_tr (doc, NC_("printed", "Questions about this statement? Call %s.")),
                                               clinic->phone);
      g_autofree char *both = g_strconcat (pay_text, " ", call, NULL);
      g_free (pay_text);
      pay_text = g_steal_pointer (&both);
    }
  y += fd_print_text (doc, g->x, y, g->w, FD_FONT_BODY, PANGO_ALIGN_LEFT, flags, pay_text);

  return y - y0 + 4;
}

static void
plan_clear (Plan *plan)
{
  g_clear_pointer (&plan->rows, g_array_unref);
  g_clear_pointer (&plan->row_heights, g_free);
  g_clear_pointer (&plan->first_rows, g_array_unref);
}

/* Which rows go on which page. A page takes rows while they fit; the last
 * page must also hold the footer and the stub, and keeps at least one row
 * so that it never carries the totals alone when rows came before. */
static void
plan_init (Plan                *plan,
           FdPrintDoc          *doc,
           double               width,
           double               height,
           const FdStatement   *s,
           const FdPrintClinic *clinic)
{
  const Geometry *g = &plan->geometry;
  cairo_t *cr = g_steal_pointer (&doc->cr);   /* measure, never draw */
  guint i = 0, n_rows;

  geometry_init (&plan->geometry, width, height);
  plan->rows = list_rows (s);
  n_rows = plan->rows->len;
  plan->row_heights = g_new0 (double, MAX (n_rows, 1));
  for (guint r = 0; r < n_rows; r++)
    plan->row_heights[r] = plan_row (doc, g, 0, s, &g_array_index (plan->rows, Row, r), FALSE);
  plan->head_height = table_head (doc, g, 0);
  plan->footer_height = footer (doc, g, 0, s, clinic, FALSE);
  plan->first_rows = g_array_new (FALSE, FALSE, sizeof (guint));

  for (;;)
    {
      double top = (plan->first_rows->len == 0 ? g->first_table_y : g->next_table_y) + plan->head_height;
      double room = g->bottom - top;
      double room_last = g->stub_y - 14 - plan->footer_height - top;
      double rest = 0, used = 0;
      guint j = i;

      g_array_append_val (plan->first_rows, i);

      for (guint r = i; r < n_rows; r++)
        rest += plan->row_heights[r];
      if (rest <= room_last)
        break;

      while (j < n_rows && used + plan->row_heights[j] <= room)
        used += plan->row_heights[j++];
      if (j == n_rows)
        j--;
      /* A section's heading never ends a page, nor its balance starts one,
       * without a line of its own */
      if (j > i + 1 && g_array_index (plan->rows, Row, j - 1).kind == ROW_SECTION)
        j--;
      if (j > i + 1 && g_array_index (plan->rows, Row, j).kind == ROW_SUBTOTAL)
        j--;
      if (j <= i)
        j = i + 1;
      i = j;
    }

  doc->cr = cr;
}

static char *
page_of (FdPrintDoc *doc,
         guint       page,
         guint       n_pages)
{
  /* Translators: on each page of a statement or report */
  return g_strdup_printf (fd_print_tr (doc, NC_("printed", "Page %1$u of %2$u")), page + 1, n_pages);
}

/* Label and value, right-aligned as a pair at the right edge */
static double
right_field (FdPrintDoc *doc,
             double      right,
             double      y,
             const char *label,
             const char *value)
{
  double value_w = fd_print_text_width (doc, FD_FONT_BOLD, value);
  double label_w = fd_print_text_width (doc, FD_FONT_BODY, label);

  fd_print_text (doc, right - value_w - 6 - label_w, y, label_w + 1, FD_FONT_BODY, PANGO_ALIGN_LEFT,
                 FD_TEXT_WRAP, label);
  return fd_print_text (doc, right - value_w, y, value_w + 1, FD_FONT_BOLD, PANGO_ALIGN_RIGHT,
                        FD_TEXT_WRAP, value);
}

static char *
patients_text (FdPrintDoc        *doc,
               const FdStatement *s)
{
  if (s->n_accounts > 1)
    /* Translators: the patients whose care a family statement covers; %s is their names */
    return g_strdup_printf (fd_print_tr (doc, NC_("printed", "Patients: %s")), s->patient_name);
  /* Translators: the patient whose care a statement covers; %s is a name */
  return g_strdup_printf (fd_print_tr (doc, NC_("printed", "Patient: %s")), s->patient_name);
}

static void
draw_first_header (FdPrintDoc          *doc,
                   const Geometry      *g,
                   const FdStatement   *s,
                   const FdPrintClinic *clinic,
                   guint                n_pages)
{
  double y = 36, right = g->x + g->w;
  double left_w = g->w * 0.55;
  g_autofree char *date = fd_print_date_long (doc, &s->statement_date);
  g_autofree char *page = page_of (doc, 0, n_pages);

  /* The clinic, top left */
  y += fd_print_text (doc, g->x, y, left_w, FD_FONT_TITLE, PANGO_ALIGN_LEFT, FD_TEXT_ELLIPSIZE, clinic->name);
  for (guint i = 0; clinic->address != NULL && clinic->address[i] != NULL; i++)
    y += fd_print_text (doc, g->x, y, left_w, FD_FONT_BODY, PANGO_ALIGN_LEFT, FD_TEXT_ELLIPSIZE,
                        clinic->address[i]);
  if (clinic->phone != NULL)
    fd_print_text (doc, g->x, y, left_w, FD_FONT_BODY, PANGO_ALIGN_LEFT, FD_TEXT_ELLIPSIZE, clinic->phone);

  /* The statement, top right */
  y = 36;
  y += fd_print_text (doc, right - 220, y, 220, FD_FONT_TITLE, PANGO_ALIGN_RIGHT, FD_TEXT_ELLIPSIZE,
                      fd_print_tr (doc, NC_("printed", "Statement")));
  y += right_field (doc, right, y, fd_print_tr (doc, NC_("printed", "Statement date")), date);
  y += right_field (doc, right, y, fd_print_tr (doc, NC_("printed", "Account No.")), s->account_number);
  fd_print_text (doc, right - 220, y, 220, FD_FONT_BODY, PANGO_ALIGN_RIGHT, FD_TEXT_ELLIPSIZE, page);

  /* The return line of DIN 5008's address field, in the window above the address */
  if (g->din)
    {
      g_autofree char *sender = NULL;
      GString *line = g_string_new (clinic->name);

      for (guint i = 0; clinic->address != NULL && clinic->address[i] != NULL; i++)
        g_string_append_printf (line, " · %s", clinic->address[i]);
      sender = g_string_free (line, FALSE);
      fd_print_text (doc, g->address_x, g->address_y - fd_print_line_height (doc, FD_FONT_SMALL) - 2,
                     g->address_w, FD_FONT_SMALL, PANGO_ALIGN_LEFT, FD_TEXT_ELLIPSIZE, sender);
    }

  /* The guarantor, in the envelope's window: a long name wraps rather than
   * losing its end; at 9 pt the window holds five lines */
  {
    double ay = g->address_y;

    ay += fd_print_text (doc, g->address_x, ay, g->address_w, FD_FONT_BOLD, PANGO_ALIGN_LEFT,
                         FD_TEXT_WRAP, s->guarantor_name);
    for (guint i = 0; s->guarantor_address != NULL && s->guarantor_address[i] != NULL; i++)
      ay += fd_print_text (doc, g->address_x, ay, g->address_w, FD_FONT_BODY, PANGO_ALIGN_LEFT,
                           FD_TEXT_ELLIPSIZE, s->guarantor_address[i]);
  }

  /* What is owed, right of the address */
  {
    double bw = 200, bx = right - bw, by = g->address_y - 12, bh;
    double ty = by + 8;
    g_autofree char *due = fd_print_money (doc, &s->amount_due);
    g_autofree char *pay_by = g_date_valid (&s->pay_by) ? fd_print_date_long (doc, &s->pay_by) : NULL;

    ty += fd_print_text (doc, bx + 10, ty, bw - 20, FD_FONT_SMALL_BOLD, PANGO_ALIGN_LEFT, FD_TEXT_ELLIPSIZE,
                         fd_print_tr (doc, NC_("printed", "Amount due")));
    ty += fd_print_text (doc, bx + 10, ty, bw - 20, FD_FONT_BIG_AMOUNT, PANGO_ALIGN_LEFT, FD_TEXT_ELLIPSIZE, due);
    ty += 4;
    if (pay_by != NULL)
      {
        /* Translators: in the box with the amount due; %s is a date */
        g_autofree char *text = g_strdup_printf (fd_print_tr (doc, NC_("printed", "Pay by %s")), pay_by);
        ty += fd_print_text (doc, bx + 10, ty, bw - 20, FD_FONT_BODY, PANGO_ALIGN_LEFT, FD_TEXT_ELLIPSIZE, text);
      }
    if (s->patient_name != NULL)
      {
        g_autofree char *text = patients_text (doc, s);
        ty += fd_print_text (doc, bx + 10, ty, bw - 20, FD_FONT_BODY, PANGO_ALIGN_LEFT, FD_TEXT_WRAP, text);
      }
    bh = ty + 8 - by;
    fd_print_box (doc, bx, by, bw, bh, 1.0, -1);
  }
}

static void
draw_next_header (FdPrintDoc          *doc,
                  const Geometry      *g,
                  const FdStatement   *s,
                  const FdPrintClinic *clinic,
                  guint                page,
                  guint                n_pages)
{
  double y = 36, right = g->x + g->w, h;
  g_autofree char *page_text = page_of (doc, page, n_pages);
  g_autofree char *account = g_strdup_printf ("%s %s", fd_print_tr (doc, NC_("printed", "Account No.")),
                                              s->account_number ? s->account_number : "");

  fd_print_text (doc, g->x, y, g->w * 0.6, FD_FONT_HEADING, PANGO_ALIGN_LEFT, FD_TEXT_ELLIPSIZE, clinic->name);
  h = fd_print_text (doc, right - g->w * 0.4, y, g->w * 0.4, FD_FONT_HEADING, PANGO_ALIGN_RIGHT,
                     FD_TEXT_ELLIPSIZE, fd_print_tr (doc, NC_("printed", "Statement (continued)")));
  y += h + 2;
  fd_print_text (doc, g->x, y, g->w * 0.6, FD_FONT_BODY, PANGO_ALIGN_LEFT, FD_TEXT_ELLIPSIZE, account);
  y += fd_print_text (doc, right - g->w * 0.4, y, g->w * 0.4, FD_FONT_BODY, PANGO_ALIGN_RIGHT,
                      FD_TEXT_ELLIPSIZE, page_text);
  fd_print_rule (doc, g->x, y + 6, g->w, 1.0);
}

/* Label and value in a box of the stub */
static void
stub_cell (FdPrintDoc *doc,
           double      x,
           double      y,
           double      w,
           double      h,
           const char *label,
           const char *value,
           gboolean    strong)
{
  fd_print_box (doc, x, y, w, h, strong ? 1.25 : 0.75, strong ? 0.9 : -1);
  fd_print_text (doc, x + 5, y + (h - fd_print_line_height (doc, FD_FONT_SMALL_BOLD)) / 2, w * 0.5 - 5,
                 FD_FONT_SMALL_BOLD, PANGO_ALIGN_LEFT, FD_TEXT_ELLIPSIZE, label);
  if (value != NULL)
    fd_print_text (doc, x + w * 0.5, y + (h - fd_print_line_height (doc, FD_FONT_AMOUNT_BOLD)) / 2,
                   w * 0.5 - 6, strong ? FD_FONT_AMOUNT_BOLD : FD_FONT_BOLD, PANGO_ALIGN_RIGHT,
                   FD_TEXT_ELLIPSIZE, value);
}

static void
draw_stub (FdPrintDoc          *doc,
           const Geometry      *g,
           const FdStatement   *s,
           const FdPrintClinic *clinic)
{
  const char * const *remit = clinic->remit_to ? clinic->remit_to : clinic->address;
  double y = g->stub_y, right = g->x + g->w;
  double cell_w = 250, cell_h = 21, cx = right - cell_w, cy, ly;
  g_autofree char *date = fd_print_date (doc, &s->statement_date);
  g_autofree char *due = fd_print_money (doc, &s->amount_due);
  g_autofree char *pay_by = g_date_valid (&s->pay_by) ? fd_print_date (doc, &s->pay_by) : NULL;
  g_autofree char *notice = g_strdup_printf ("✂  %s",
                                             fd_print_tr (doc, NC_("printed", "Please return this portion with your payment")));

  fd_print_dashed_rule (doc, 0, y, g->width);
  y += 5;
  y += fd_print_text (doc, g->x, y, g->w, FD_FONT_SMALL, PANGO_ALIGN_CENTER, FD_TEXT_ELLIPSIZE, notice);
  y += 10;

  /* Left: where to send it, and whose account it is */
  ly = y;
  ly += fd_print_text (doc, g->x, ly, g->w - cell_w - 20, FD_FONT_SMALL_BOLD, PANGO_ALIGN_LEFT,
                       FD_TEXT_ELLIPSIZE, fd_print_tr (doc, NC_("printed", "Make checks payable and mail to:")));
  ly += 2;
  if (clinic->remit_to == NULL)
    ly += fd_print_text (doc, g->x, ly, g->w - cell_w - 20, FD_FONT_BOLD, PANGO_ALIGN_LEFT,
                         FD_TEXT_ELLIPSIZE, clinic->name);
  for (guint i = 0; remit != NULL && remit[i] != NULL; i++)
    ly += fd_print_text (doc, g->x, ly, g->w - cell_w - 20, i == 0 && clinic->remit_to ? FD_FONT_BOLD : FD_FONT_BODY,
                         PANGO_ALIGN_LEFT, FD_TEXT_ELLIPSIZE, remit[i]);
  ly += 10;
  ly += fd_print_text (doc, g->x, ly, g->w - cell_w - 20, FD_FONT_SMALL_BOLD, PANGO_ALIGN_LEFT,
                       FD_TEXT_ELLIPSIZE, fd_print_tr (doc, NC_("printed", "Account holder")));
  ly += fd_print_text (doc, g->x, ly, g->w - cell_w - 20, FD_FONT_BODY, PANGO_ALIGN_LEFT,
                       FD_TEXT_WRAP, s->guarantor_name);
  if (s->patient_name != NULL)
    {
      g_autofree char *text = patients_text (doc, s);
      ly += fd_print_text (doc, g->x, ly, g->w - cell_w - 20, FD_FONT_BODY, PANGO_ALIGN_LEFT, FD_TEXT_WRAP, text);
    }
  ly += 6;
  fd_print_text (doc, g->x, ly, g->w - cell_w - 20, FD_FONT_SMALL, PANGO_ALIGN_LEFT, FD_TEXT_WRAP,
                 fd_print_tr (doc, NC_("printed", "Please write your account number on your check.")));

  /* Right: the numbers the clinic's mail room needs */
  cy = y;
  stub_cell (doc, cx, cy, cell_w, cell_h, fd_print_tr (doc, NC_("printed", "Account No.")), s->account_number, FALSE);
  cy += cell_h;
  stub_cell (doc, cx, cy, cell_w, cell_h, fd_print_tr (doc, NC_("printed", "Statement date")), date, FALSE);
  cy += cell_h;
  if (pay_by != NULL)
    {
      stub_cell (doc, cx, cy, cell_w, cell_h, fd_print_tr (doc, NC_("printed", "Pay by")), pay_by, FALSE);
      cy += cell_h;
    }
  stub_cell (doc, cx, cy, cell_w, cell_h, fd_print_tr (doc, NC_("printed", "Amount due")), due, TRUE);
  cy += cell_h;
  stub_cell (doc, cx, cy, cell_w, cell_h * 1.4, fd_print_tr (doc, NC_("printed", "Amount enclosed")), NULL, FALSE);
  fd_print_text (doc, cx + cell_w * 0.5, cy + cell_h * 0.7 - fd_print_line_height (doc, FD_FONT_BOLD) / 2,
                 20, FD_FONT_BOLD, PANGO_ALIGN_LEFT, FD_TEXT_WRAP, "$");
  fd_print_rule (doc, cx + cell_w * 0.5 + 12, cy + cell_h * 1.1, cell_w * 0.5 - 20, 0.75);
}

static void
draw_page (FdPrintDoc          *doc,
           const Plan          *plan,
           const FdStatement   *s,
           const FdPrintClinic *clinic,
           guint                page)
{
  const Geometry *g = &plan->geometry;
  guint n_pages = plan->first_rows->len;
  guint first = g_array_index (plan->first_rows, guint, page);
  guint end = page + 1 < n_pages ? g_array_index (plan->first_rows, guint, page + 1) : plan->rows->len;
  double y;

  if (page == 0)
    {
      g_autofree char *since = NULL;
      g_autofree char *previous = fd_print_money (doc, &s->previous_balance);
      double hh;

      draw_first_header (doc, g, s, clinic, n_pages);
      y = g->first_table_y - fd_print_line_height (doc, FD_FONT_HEADING) - 6;
      if (g_date_valid (&s->previous_statement_date) && s->n_accounts <= 1)
        {
          g_autofree char *date = fd_print_date_long (doc, &s->previous_statement_date);
          /* Translators: above the table of a statement; %s is the date of the previous statement */
          since = g_strdup_printf (fd_print_tr (doc, NC_("printed", "Account activity since %s")), date);
        }
      else
        since = g_strdup (fd_print_tr (doc, NC_("printed", "Account activity")));
      {
        const char *label = fd_print_tr (doc, NC_("printed", "Previous balance"));
        double pair_w = fd_print_text_width (doc, FD_FONT_BODY, label) + 6 +
                        fd_print_text_width (doc, FD_FONT_BOLD, previous);

        hh = fd_print_text (doc, g->x, y, g->w - pair_w - 16, FD_FONT_HEADING, PANGO_ALIGN_LEFT,
                            FD_TEXT_ELLIPSIZE, since);
        right_field (doc, g->x + g->w, y + hh - fd_print_line_height (doc, FD_FONT_BOLD), label, previous);
      }
      y = g->first_table_y;
    }
  else
    {
      draw_next_header (doc, g, s, clinic, page, n_pages);
      y = g->next_table_y;
    }

  y += table_head (doc, g, y);
  for (guint r = first; r < end; r++)
    y += plan_row (doc, g, y, s, &g_array_index (plan->rows, Row, r), TRUE);

  if (s->n_lines == 0 && s->n_accounts <= 1)
    y += fd_print_text (doc, g->col_x[COL_DESCRIPTION], y + ROW_PAD, g->col_w[COL_DESCRIPTION],
                        FD_FONT_BODY, PANGO_ALIGN_LEFT, FD_TEXT_WRAP,
                        fd_print_tr (doc, NC_("printed", "No activity since the last statement.")))
         + 2 * ROW_PAD;

  if (page + 1 == n_pages)
    {
      footer (doc, g, y + 2, s, clinic, TRUE);
      draw_stub (doc, g, s, clinic);
    }
  else
    fd_print_text (doc, g->x, g->bottom + 6, g->w, FD_FONT_SMALL, PANGO_ALIGN_RIGHT, FD_TEXT_WRAP,
                   fd_print_tr (doc, NC_("printed", "Continued on the next page")));
}

/**
 * fd_statement_count_pages:
 * @width: page width in points (Letter or A4)
 * @height: page height in points
 * @statement: the statement
 * @clinic: the clinic
 * @language: (nullable): the guarantor's language tag
 *
 * Returns: how many pages the statement takes, at least 1
 */
guint
fd_statement_count_pages (double               width,
                          double               height,
                          const FdStatement   *statement,
                          const FdPrintClinic *clinic,
                          const char          *language)
{
  g_autoptr(FdPrintDoc) doc = NULL;
  Plan plan = { 0 };
  guint n;

  g_return_val_if_fail (statement != NULL && clinic != NULL, 0);

  doc = fd_print_doc_new (NULL, language, BODY_SIZE);
  plan_init (&plan, doc, width, height, statement, clinic);
  n = plan.first_rows->len;
  plan_clear (&plan);
  return n;
}

/**
 * fd_statement_draw_page:
 * @cr: where to draw, origin at the top left of the sheet, in points
 * @width: page width in points
 * @height: page height in points; taller than 800 pt (A4) places the
 *   address for a DIN 5008 window, otherwise for a US #10 window
 * @statement: the statement
 * @clinic: the clinic
 * @language: (nullable): the guarantor's language tag, "es"; English where
 *   there is no catalogue
 * @page_index: the page, from 0 to fd_statement_count_pages() - 1
 *
 * Draws one page of a statement over the whole sheet (a print operation
 * should use the full page). May be called from any thread with its own
 * cairo context.
 */
void
fd_statement_draw_page (cairo_t             *cr,
                        double               width,
                        double               height,
                        const FdStatement   *statement,
                        const FdPrintClinic *clinic,
                        const char          *language,
                        guint                page_index)
{
  g_autoptr(FdPrintDoc) doc = NULL;
  Plan plan = { 0 };

  g_return_if_fail (cr != NULL && statement != NULL && clinic != NULL);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  doc = fd_print_doc_new (cr, language, BODY_SIZE);
  plan_init (&plan, doc, width, height, statement, clinic);
  if (page_index < plan.first_rows->len)
    draw_page (doc, &plan, statement, clinic, page_index);
  plan_clear (&plan);
  cairo_restore (cr);
}

static void
draw_page_cb (cairo_t  *cr,
              guint     page_index,
              gpointer  user_data)
{
  DrawData *data = user_data;

  fd_statement_draw_page (cr, data->width, data->height, data->statement, data->clinic,
                          data->language, page_index);
}

/**
 * fd_statement_write_pdf:
 * @path: where to save the PDF
 * @paper: %FD_PAPER_LETTER or %FD_PAPER_A4
 * @statement: the statement
 * @clinic: the clinic
 * @language: (nullable): the guarantor's language tag
 * @cancellable: (nullable): checked between pages
 * @error: return location for a #GError
 *
 * Saves one statement as a PDF, atomically (see fd_print_write_pdf()).
 *
 * Returns: %TRUE on success
 */
gboolean
fd_statement_write_pdf (const char          *path,
                        FdPaper              paper,
                        const FdStatement   *statement,
                        const FdPrintClinic *clinic,
                        const char          *language,
                        GCancellable        *cancellable,
                        GError             **error)
{
  DrawData data = { statement, clinic, language, 0, 0 };
  guint n_pages;

  g_return_val_if_fail (paper != FD_PAPER_ROLL_80MM, FALSE);

  fd_paper_get_size (paper, &data.width, &data.height);
  n_pages = fd_statement_count_pages (data.width, data.height, statement, clinic, language);
  return fd_print_write_pdf (path, data.width, data.height, n_pages, draw_page_cb, &data,
                             cancellable, error);
}

/**
 * fd_statements_write_pdf:
 * @path: where to save the PDF
 * @paper: %FD_PAPER_LETTER or %FD_PAPER_A4
 * @statements: (array length=n_statements): the statements, each printed in
 *   its own `language`
 * @n_statements: how many
 * @clinic: the clinic
 * @progress: (nullable) (scope call): called after each statement
 * @user_data: data for @progress
 * @cancellable: (nullable): checked between statements
 * @error: return location for a #GError
 *
 * A statement run: every statement, one after the other, in one PDF, each
 * starting on a new sheet. This blocks; run it in a worker thread (the
 * progress function is called on that thread). Cancelling stops before the
 * next statement and leaves no file, nor any temporary one.
 *
 * Returns: %TRUE if the whole run is saved at @path
 */
gboolean
fd_statements_write_pdf (const char                 *path,
                         FdPaper                     paper,
                         const FdStatement * const  *statements,
                         guint                       n_statements,
                         const FdPrintClinic        *clinic,
                         FdPrintProgressFunc         progress,
                         gpointer                    user_data,
                         GCancellable               *cancellable,
                         GError                    **error)
{
  double width, height;
  FdPdfFile *file;

  g_return_val_if_fail (paper != FD_PAPER_ROLL_80MM, FALSE);
  g_return_val_if_fail (statements != NULL || n_statements == 0, FALSE);

  if (fd_print_check_cancelled (cancellable, error))
    return FALSE;

  fd_paper_get_size (paper, &width, &height);
  file = fd_pdf_file_open (path, width, height, error);
  if (file == NULL)
    return FALSE;

  for (guint i = 0; i < n_statements; i++)
    {
      const FdStatement *s = statements[i];
      g_autoptr(FdPrintDoc) doc = NULL;
      Plan plan = { 0 };

      if (fd_print_check_cancelled (cancellable, error))
        {
          fd_pdf_file_abort (file);
          return FALSE;
        }

      doc = fd_print_doc_new (NULL, s->language, BODY_SIZE);
      plan_init (&plan, doc, width, height, s, clinic);
      for (guint p = 0; p < plan.first_rows->len; p++)
        {
          cairo_t *cr = fd_pdf_file_begin_page (file, width, height);

          doc->cr = cr;
          pango_cairo_update_context (cr, doc->context);
          draw_page (doc, &plan, s, clinic, p);
          doc->cr = NULL;
          fd_pdf_file_end_page (file, cr);
        }
      plan_clear (&plan);

      if (progress != NULL)
        progress (i + 1, n_statements, user_data);
    }

  return fd_pdf_file_commit (file, error);
}
