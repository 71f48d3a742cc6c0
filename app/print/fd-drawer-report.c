/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdDrawerReport"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fd-drawer-report.h"
#include "fd-print-private.h"

/* The cash drawer close-out: who and when, each method's expected and
 * counted amounts with the difference, the voids and refunds with their
 * reasons, every receipt line, and lines to sign. The report is a flow of
 * items (headings, table rows) poured into pages; a table that breaks
 * repeats its column headings on the next page, and a heading never ends a
 * page. */

#define BODY_SIZE 9.0
#define MARGIN 48.0
#define TOP 100.0
#define ROW_PAD 2.5

typedef enum
{
  ITEM_INFO,
  ITEM_SECTION,
  ITEM_HEAD,
  ITEM_ROW,
  ITEM_TOTAL,
  ITEM_NONE,
  ITEM_SIGNATURES,
} ItemKind;

typedef enum
{
  TABLE_METHODS,
  TABLE_VOIDS,
  TABLE_RECEIPTS,
  N_TABLES,
} Table;

typedef struct
{
  ItemKind kind;
  Table    table;
  guint    index;
  double   height;
} Item;

typedef struct
{
  guint first_item;
  int   repeat_head;   /* a Table, or -1 */
} Page;

typedef struct
{
  double   width, height, x, w;
  GArray  *items;      /* Item */
  GArray  *pages;      /* Page */
} Plan;

typedef struct
{
  const FdDrawerReport *report;
  const FdPrintClinic  *clinic;
  const char           *language;
  double                width, height;
} DrawData;

#define MAX_COLS 5

typedef struct
{
  guint          n;
  double         x[MAX_COLS], w[MAX_COLS];
  PangoAlignment align[MAX_COLS];
} Columns;

/* Column widths as fractions of what the fixed columns leave: a width of 0
 * takes the rest */
static void
columns_init (Columns              *cols,
              const Plan           *plan,
              guint                 n,
              const double         *widths,
              const PangoAlignment *align)
{
  double fixed = 0, gap = 8, x = plan->x;

  cols->n = n;
  for (guint i = 0; i < n; i++)
    fixed += widths[i];
  for (guint i = 0; i < n; i++)
    {
      cols->w[i] = widths[i] > 0 ? widths[i] : plan->w - fixed - gap * (n - 1);
      cols->x[i] = x;
      cols->align[i] = align[i];
      x += cols->w[i] + gap;
    }
}

static void
table_columns (Columns    *cols,
               const Plan *plan,
               Table       table)
{
  static const double methods_w[] = { 0, 60, 90, 90, 90 };
  static const double voids_w[] = { 52, 112, 120, 0, 80 };
  static const double receipts_w[] = { 52, 112, 80, 0, 80 };
  static const PangoAlignment methods_a[] = { PANGO_ALIGN_LEFT, PANGO_ALIGN_RIGHT, PANGO_ALIGN_RIGHT,
                                              PANGO_ALIGN_RIGHT, PANGO_ALIGN_RIGHT };
  static const PangoAlignment entries_a[] = { PANGO_ALIGN_LEFT, PANGO_ALIGN_LEFT, PANGO_ALIGN_LEFT,
                                              PANGO_ALIGN_LEFT, PANGO_ALIGN_RIGHT };

  if (table == TABLE_METHODS)
    columns_init (cols, plan, 5, methods_w, methods_a);
  else if (table == TABLE_VOIDS)
    columns_init (cols, plan, 5, voids_w, entries_a);
  else
    columns_init (cols, plan, 5, receipts_w, entries_a);
}

static double
cells (FdPrintDoc         *doc,
       const Columns      *cols,
       double              y,
       const char * const *texts,
       gboolean            head,
       gboolean            bold,
       gboolean            draw)
{
  double h = 0;

  for (guint c = 0; c < cols->n; c++)
    {
      gboolean amount = !head && cols->align[c] == PANGO_ALIGN_RIGHT;
      FdPrintFont font = head ? FD_FONT_SMALL_BOLD
                         : amount ? (bold ? FD_FONT_AMOUNT_BOLD : FD_FONT_AMOUNT)
                         : bold ? FD_FONT_BOLD : FD_FONT_BODY;

      h = MAX (h, fd_print_text (doc, cols->x[c], y + ROW_PAD, cols->w[c], font, cols->align[c],
                                 draw ? FD_TEXT_WRAP : FD_TEXT_MEASURE, texts[c]));
    }
  return h + 2 * ROW_PAD;
}

static char *
money (FdPrintDoc *doc,
       gint64      cents,
       const char *currency)
{
  FdMoney m;

  fd_money_init (&m, cents, currency);
  return fd_print_money (doc, &m);
}

static const char *
entry_kind (FdPrintDoc          *doc,
            const FdDrawerEntry *e)
{
  switch (e->kind)
    {
    case FD_RECEIPT_LINE_VOID:
      return fd_print_tr (doc, NC_("printed", "Void"));
    case FD_RECEIPT_LINE_REFUND:
      return fd_print_tr (doc, NC_("printed", "Refund"));
    case FD_RECEIPT_LINE_PAYMENT:
    default:
      return fd_print_tr (doc, NC_("printed", "Payment"));
    }
}

static double
draw_field (FdPrintDoc *doc,
            double      x,
            double      y,
            double      w,
            const char *label,
            const char *value)
{
  double lw = 90;

  fd_print_text (doc, x, y, lw - 6, FD_FONT_BODY, PANGO_ALIGN_LEFT, FD_TEXT_ELLIPSIZE, label);
  return fd_print_text (doc, x + lw, y, w - lw, FD_FONT_BOLD, PANGO_ALIGN_LEFT, FD_TEXT_WRAP, value) + 2;
}

/* Draws (or measures, when @doc has no context) one item at @y */
static double
item_layout (FdPrintDoc           *doc,
             const Plan           *plan,
             const Item           *item,
             double                y,
             const FdDrawerReport *d)
{
  gboolean draw = doc->cr != NULL;
  const char *currency = d->opening_float.currency;
  Columns cols;

  switch (item->kind)
    {
    case ITEM_INFO:
      {
        double half = plan->w / 2, y1 = y, y2 = y;
        g_autofree char *opened = d->opened_at ? fd_print_date_time (doc, d->opened_at) : NULL;
        g_autofree char *closed = d->closed_at ? fd_print_date_time (doc, d->closed_at) : NULL;
        g_autofree char *float_text = fd_print_money (doc, &d->opening_float);

        y1 += draw_field (doc, plan->x, y1, half - 10, fd_print_tr (doc, NC_("printed", "Station")), d->station);
        y1 += draw_field (doc, plan->x, y1, half - 10, fd_print_tr (doc, NC_("printed", "Cashier")), d->cashier);
        y1 += draw_field (doc, plan->x, y1, half - 10, fd_print_tr (doc, NC_("printed", "Opening float")), float_text);
        y2 += draw_field (doc, plan->x + half, y2, half, fd_print_tr (doc, NC_("printed", "Opened")), opened);
        y2 += draw_field (doc, plan->x + half, y2, half, fd_print_tr (doc, NC_("printed", "Closed")), closed);
        return MAX (y1, y2) - y + 6;
      }

    case ITEM_SECTION:
      {
        const char *title = item->table == TABLE_METHODS ? fd_print_tr (doc, NC_("printed", "Totals by payment method"))
                            : item->table == TABLE_VOIDS ? fd_print_tr (doc, NC_("printed", "Voids and refunds"))
                            : fd_print_tr (doc, NC_("printed", "Receipts"));
        return fd_print_text (doc, plan->x, y + 10, plan->w, FD_FONT_HEADING, PANGO_ALIGN_LEFT,
                              FD_TEXT_ELLIPSIZE, title) + 14;
      }

    case ITEM_HEAD:
      {
        const char *texts[MAX_COLS];
        double h;

        table_columns (&cols, plan, item->table);
        if (item->table == TABLE_METHODS)
          {
            texts[0] = fd_print_tr (doc, NC_("printed", "Method"));
            texts[1] = fd_print_tr (doc, NC_("printed", "Payments"));
            texts[2] = fd_print_tr (doc, NC_("printed", "Expected"));
            texts[3] = fd_print_tr (doc, NC_("printed", "Counted"));
            texts[4] = fd_print_tr (doc, NC_("printed", "Over/short"));
          }
        else
          {
            texts[0] = fd_print_tr (doc, NC_("printed", "Time"));
            texts[1] = fd_print_tr (doc, NC_("printed", "Receipt No."));
            texts[2] = item->table == TABLE_VOIDS ? fd_print_tr (doc, NC_("printed", "Type"))
                                                  : fd_print_tr (doc, NC_("printed", "Type"));
            texts[3] = item->table == TABLE_VOIDS ? fd_print_tr (doc, NC_("printed", "Reason"))
                                                  : fd_print_tr (doc, NC_("printed", "Method"));
            texts[4] = fd_print_tr (doc, NC_("printed", "Amount"));
          }
        h = cells (doc, &cols, y, texts, TRUE, FALSE, draw);
        fd_print_rule (doc, plan->x, y + h, plan->w, 0.75);
        return h + 2;
      }

    case ITEM_ROW:
      {
        const char *texts[MAX_COLS];
        double h;

        table_columns (&cols, plan, item->table);
        if (item->table == TABLE_METHODS)
          {
            const FdDrawerMethodTotal *m = &d->methods[item->index];
            g_autofree char *count = g_strdup_printf ("%u", m->n_payments);
            g_autofree char *expected = fd_print_money (doc, &m->expected);
            g_autofree char *counted = fd_print_money (doc, &m->counted);
            g_autofree char *diff = money (doc, m->counted.cents - m->expected.cents, m->counted.currency);

            texts[0] = m->label ? m->label : fd_print_method_name (doc, m->method);
            texts[1] = count;
            texts[2] = expected;
            texts[3] = counted;
            texts[4] = diff;
            if (draw && item->index % 2 == 1)
              fd_print_box (doc, plan->x, y, plan->w, cells (doc, &cols, y, texts, FALSE, FALSE, FALSE), 0, 0.93);
            return cells (doc, &cols, y, texts, FALSE, FALSE, draw);
          }
        else
          {
            const FdDrawerEntry *e = &d->entries[item->index];
            g_autofree char *time = e->time ? fd_print_time (doc, e->time) : NULL;
            g_autofree char *method = fd_print_method (doc, &e->method);
            g_autofree char *amount = money (doc, fd_print_signed_amount (e->kind, e->amount.cents),
                                             e->amount.currency);
            g_autofree char *kind = item->table == TABLE_RECEIPTS && e->kind == FD_RECEIPT_LINE_PAYMENT
                                    ? g_strdup (fd_print_tr (doc, NC_("printed", "Payment")))
                                    : g_strdup (entry_kind (doc, e));

            texts[0] = time;
            texts[1] = e->receipt_number;
            texts[2] = kind;
            texts[3] = item->table == TABLE_VOIDS ? e->reason : method;
            texts[4] = amount;
            h = cells (doc, &cols, y, texts, FALSE, FALSE, FALSE);
            if (draw && item->index % 2 == 1 && item->table == TABLE_RECEIPTS)
              fd_print_box (doc, plan->x, y, plan->w, h, 0, 0.93);
            return cells (doc, &cols, y, texts, FALSE, FALSE, draw);
          }
      }

    case ITEM_TOTAL:
      {
        gint64 expected = 0, counted = 0;
        guint n = 0;
        const char *texts[MAX_COLS];
        g_autofree char *count = NULL, *e = NULL, *c = NULL, *diff = NULL;

        for (guint i = 0; i < d->n_methods; i++)
          {
            expected += d->methods[i].expected.cents;
            counted += d->methods[i].counted.cents;
            n += d->methods[i].n_payments;
          }
        count = g_strdup_printf ("%u", n);
        e = money (doc, expected, currency);
        c = money (doc, counted, currency);
        diff = money (doc, counted - expected, currency);
        texts[0] = fd_print_tr (doc, NC_("printed", "Total"));
        texts[1] = count;
        texts[2] = e;
        texts[3] = c;
        texts[4] = diff;
        table_columns (&cols, plan, TABLE_METHODS);
        fd_print_rule (doc, plan->x, y + 1, plan->w, 0.75);
        return cells (doc, &cols, y + 2, texts, FALSE, TRUE, draw) + 2;
      }

    case ITEM_NONE:
      return fd_print_text (doc, plan->x, y + ROW_PAD, plan->w, FD_FONT_BODY, PANGO_ALIGN_LEFT,
                            draw ? FD_TEXT_WRAP : FD_TEXT_MEASURE,
                            fd_print_tr (doc, NC_("printed", "None"))) + 2 * ROW_PAD;

    case ITEM_SIGNATURES:
    default:
      {
        double half = plan->w / 2, line_y = y + 48;

        fd_print_rule (doc, plan->x, line_y, half - 24, 0.75);
        fd_print_rule (doc, plan->x + half, line_y, half - 24, 0.75);
        fd_print_text (doc, plan->x, line_y + 3, half - 24, FD_FONT_SMALL, PANGO_ALIGN_LEFT,
                       draw ? FD_TEXT_WRAP : FD_TEXT_MEASURE,
                       fd_print_tr (doc, NC_("printed", "Cashier’s signature")));
        fd_print_text (doc, plan->x + half, line_y + 3, half - 24, FD_FONT_SMALL, PANGO_ALIGN_LEFT,
                       draw ? FD_TEXT_WRAP : FD_TEXT_MEASURE,
                       fd_print_tr (doc, NC_("printed", "Verified by (signature)")));
        return 48 + 3 + fd_print_line_height (doc, FD_FONT_SMALL) + 4;
      }
    }
}

static void
add_item (GArray   *items,
          ItemKind  kind,
          Table     table,
          guint     index)
{
  Item item = { kind, table, index, 0 };

  g_array_append_val (items, item);
}

static void
plan_clear (Plan *plan)
{
  g_clear_pointer (&plan->items, g_array_unref);
  g_clear_pointer (&plan->pages, g_array_unref);
}

static void
plan_init (Plan                 *plan,
           FdPrintDoc           *doc,
           double                width,
           double                height,
           const FdDrawerReport *d)
{
  cairo_t *cr = g_steal_pointer (&doc->cr);   /* measure, never draw */
  double bottom = height - 48, y = TOP;
  guint n_voids = 0;
  Page page = { 0, -1 };

  plan->width = width;
  plan->height = height;
  plan->x = MARGIN;
  plan->w = width - 2 * MARGIN;
  plan->items = g_array_new (FALSE, FALSE, sizeof (Item));
  plan->pages = g_array_new (FALSE, FALSE, sizeof (Page));

  add_item (plan->items, ITEM_INFO, 0, 0);
  add_item (plan->items, ITEM_SECTION, TABLE_METHODS, 0);
  add_item (plan->items, ITEM_HEAD, TABLE_METHODS, 0);
  for (guint i = 0; i < d->n_methods; i++)
    add_item (plan->items, ITEM_ROW, TABLE_METHODS, i);
  add_item (plan->items, ITEM_TOTAL, TABLE_METHODS, 0);

  add_item (plan->items, ITEM_SECTION, TABLE_VOIDS, 0);
  add_item (plan->items, ITEM_HEAD, TABLE_VOIDS, 0);
  for (guint i = 0; i < d->n_entries; i++)
    if (d->entries[i].kind != FD_RECEIPT_LINE_PAYMENT)
      {
        add_item (plan->items, ITEM_ROW, TABLE_VOIDS, i);
        n_voids++;
      }
  if (n_voids == 0)
    add_item (plan->items, ITEM_NONE, TABLE_VOIDS, 0);

  add_item (plan->items, ITEM_SECTION, TABLE_RECEIPTS, 0);
  add_item (plan->items, ITEM_HEAD, TABLE_RECEIPTS, 0);
  for (guint i = 0; i < d->n_entries; i++)
    add_item (plan->items, ITEM_ROW, TABLE_RECEIPTS, i);
  if (d->n_entries == 0)
    add_item (plan->items, ITEM_NONE, TABLE_RECEIPTS, 0);
  add_item (plan->items, ITEM_SIGNATURES, 0, 0);

  for (guint i = 0; i < plan->items->len; i++)
    {
      Item *item = &g_array_index (plan->items, Item, i);
      item->height = item_layout (doc, plan, item, 0, d);
    }

  g_array_append_val (plan->pages, page);
  for (guint i = 0; i < plan->items->len; i++)
    {
      const Item *item = &g_array_index (plan->items, Item, i);
      double need = item->height;

      /* Headings stay with what follows them */
      if ((item->kind == ITEM_SECTION || item->kind == ITEM_HEAD) && i + 1 < plan->items->len)
        need += g_array_index (plan->items, Item, i + 1).height;
      if (item->kind == ITEM_SECTION && i + 2 < plan->items->len)
        need += g_array_index (plan->items, Item, i + 2).height;

      if (y + need > bottom && i > page.first_item)
        {
          page.first_item = i;
          page.repeat_head = item->kind == ITEM_ROW || item->kind == ITEM_TOTAL || item->kind == ITEM_NONE
                             ? (int) item->table : -1;
          g_array_append_val (plan->pages, page);
          y = TOP;
          if (page.repeat_head >= 0)
            {
              Item head = { ITEM_HEAD, item->table, 0, 0 };
              y += item_layout (doc, plan, &head, 0, d);
            }
        }
      y += item->height;
    }

  doc->cr = cr;
}

static void
draw_page (FdPrintDoc           *doc,
           const Plan           *plan,
           const FdDrawerReport *d,
           const FdPrintClinic  *clinic,
           guint                 index)
{
  const Page *page = &g_array_index (plan->pages, Page, index);
  guint end = index + 1 < plan->pages->len
              ? g_array_index (plan->pages, Page, index + 1).first_item
              : plan->items->len;
  double y = 40, right = plan->x + plan->w;
  g_autofree char *page_text = g_strdup_printf (fd_print_tr (doc, NC_("printed", "Page %1$u of %2$u")),
                                                index + 1, plan->pages->len);

  y += fd_print_text (doc, plan->x, y, plan->w * 0.7, FD_FONT_TITLE, PANGO_ALIGN_LEFT, FD_TEXT_ELLIPSIZE,
                      fd_print_tr (doc, NC_("printed", "Cash Drawer Close-Out")));
  fd_print_text (doc, right - plan->w * 0.3, y - fd_print_line_height (doc, FD_FONT_BODY) - 2,
                 plan->w * 0.3, FD_FONT_BODY, PANGO_ALIGN_RIGHT, FD_TEXT_ELLIPSIZE, page_text);
  y += fd_print_text (doc, plan->x, y, plan->w, FD_FONT_BODY, PANGO_ALIGN_LEFT, FD_TEXT_ELLIPSIZE, clinic->name);
  fd_print_rule (doc, plan->x, y + 6, plan->w, 1.0);

  y = TOP;
  if (page->repeat_head >= 0)
    {
      Item head = { ITEM_HEAD, page->repeat_head, 0, 0 };
      y += item_layout (doc, plan, &head, y, d);
    }
  for (guint i = page->first_item; i < end; i++)
    y += item_layout (doc, plan, &g_array_index (plan->items, Item, i), y, d);
}

/**
 * fd_drawer_report_count_pages:
 * @width: page width in points (Letter or A4)
 * @height: page height in points
 * @report: the close-out
 * @clinic: the clinic
 * @language: (nullable): the language tag of the report
 *
 * Returns: how many pages the close-out takes, at least 1
 */
guint
fd_drawer_report_count_pages (double                width,
                              double                height,
                              const FdDrawerReport *report,
                              const FdPrintClinic  *clinic,
                              const char           *language)
{
  g_autoptr(FdPrintDoc) doc = NULL;
  Plan plan = { 0 };
  guint n;

  g_return_val_if_fail (report != NULL && clinic != NULL, 0);

  doc = fd_print_doc_new (NULL, language, BODY_SIZE);
  plan_init (&plan, doc, width, height, report);
  n = plan.pages->len;
  plan_clear (&plan);
  return n;
}

/**
 * fd_drawer_report_draw_page:
 * @cr: where to draw, origin at the top left of the sheet, in points
 * @width: page width in points
 * @height: page height in points
 * @report: the close-out
 * @clinic: the clinic
 * @language: (nullable): the language tag of the report
 * @page_index: the page, from 0 to fd_drawer_report_count_pages() - 1
 *
 * Draws one page of a drawer close-out.
 */
void
fd_drawer_report_draw_page (cairo_t              *cr,
                            double                width,
                            double                height,
                            const FdDrawerReport *report,
                            const FdPrintClinic  *clinic,
                            const char           *language,
                            guint                 page_index)
{
  g_autoptr(FdPrintDoc) doc = NULL;
  Plan plan = { 0 };

  g_return_if_fail (cr != NULL && report != NULL && clinic != NULL);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  doc = fd_print_doc_new (cr, language, BODY_SIZE);
  plan_init (&plan, doc, width, height, report);
  if (page_index < plan.pages->len)
    draw_page (doc, &plan, report, clinic, page_index);
  plan_clear (&plan);
  cairo_restore (cr);
}

static void
draw_page_cb (cairo_t  *cr,
              guint     page_index,
              gpointer  user_data)
{
  DrawData *data = user_data;

  fd_drawer_report_draw_page (cr, data->width, data->height, data->report, data->clinic,
                              data->language, page_index);
}

/**
 * fd_drawer_report_write_pdf:
 * @path: where to save the PDF
 * @paper: %FD_PAPER_LETTER or %FD_PAPER_A4
 * @report: the close-out
 * @clinic: the clinic
 * @language: (nullable): the language tag of the report
 * @cancellable: (nullable): checked between pages
 * @error: return location for a #GError
 *
 * Saves a close-out as a PDF, atomically (see fd_print_write_pdf()).
 *
 * Returns: %TRUE on success
 */
gboolean
fd_drawer_report_write_pdf (const char           *path,
                            FdPaper               paper,
                            const FdDrawerReport *report,
                            const FdPrintClinic  *clinic,
                            const char           *language,
                            GCancellable         *cancellable,
                            GError              **error)
{
  DrawData data = { report, clinic, language, 0, 0 };
  guint n_pages;

  g_return_val_if_fail (paper != FD_PAPER_ROLL_80MM, FALSE);

  fd_paper_get_size (paper, &data.width, &data.height);
  n_pages = fd_drawer_report_count_pages (data.width, data.height, report, clinic, language);
  return fd_print_write_pdf (path, data.width, data.height, n_pages, draw_page_cb, &data,
                             cancellable, error);
}
