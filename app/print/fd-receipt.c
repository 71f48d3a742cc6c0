/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdReceipt"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "fd-print-private.h"
#include "fd-receipt.h"

/* A receipt is one column: the clinic, what was paid and how, the totals.
 * The same code measures it (no cairo context) and draws it, so a roll is
 * cut exactly where the text ends. Narrower than 400 pt it is laid out for a
 * receipt roll, one payment above its method; wider, as the top of a sheet,
 * with a method column. */

#define WIDE_MIN 400.0

typedef struct
{
  const FdReceipt     *receipt;
  const FdPrintClinic *clinic;
  const char          *language;
  double               width;
  double               height;
} DrawData;

/* Key and value on one row; the value wraps in its own column */
static double
field (FdPrintDoc *doc,
       double      x,
       double      y,
       double      width,
       double      label_width,
       const char *label,
       const char *value)
{
  double hl, hv;

  if (value == NULL || *value == '\0')
    return 0;
  hl = fd_print_text (doc, x, y, label_width - 4, FD_FONT_BODY, PANGO_ALIGN_LEFT, FD_TEXT_WRAP, label);
  hv = fd_print_text (doc, x + label_width, y, width - label_width, FD_FONT_BOLD, PANGO_ALIGN_LEFT,
                      FD_TEXT_WRAP, value);
  return MAX (hl, hv) + 1.5;
}

/* A label and an amount on the right edge */
static double
total_row (FdPrintDoc    *doc,
           double         x,
           double         y,
           double         width,
           double         amount_width,
           gboolean       bold,
           const char    *label,
           const FdMoney *amount)
{
  g_autofree char *text = fd_print_money (doc, amount);
  double h;

  h = fd_print_text (doc, x, y, width - amount_width - 4, bold ? FD_FONT_BOLD : FD_FONT_BODY,
                     PANGO_ALIGN_LEFT, FD_TEXT_WRAP, label);
  fd_print_text (doc, x + width - amount_width, y, amount_width,
                 bold ? FD_FONT_AMOUNT_BOLD : FD_FONT_AMOUNT, PANGO_ALIGN_RIGHT, FD_TEXT_WRAP, text);
  return MAX (h, fd_print_line_height (doc, FD_FONT_AMOUNT)) + 2;
}

static char *
line_description (FdPrintDoc          *doc,
                  const FdReceiptLine *line)
{
  const char *description = line->description ? line->description : "";

  switch (line->kind)
    {
    case FD_RECEIPT_LINE_VOID:
      /* Translators: a voided payment on a receipt; %s is what it was for */
      return g_strdup_printf (fd_print_tr (doc, NC_("printed", "VOID: %s")), description);
    case FD_RECEIPT_LINE_REFUND:
      /* Translators: a refund on a receipt; %s is what it was for */
      return g_strdup_printf (fd_print_tr (doc, NC_("printed", "REFUND: %s")), description);
    case FD_RECEIPT_LINE_PAYMENT:
    default:
      return g_strdup (description);
    }
}

static char *
line_reason (FdPrintDoc          *doc,
             const FdReceiptLine *line)
{
  if (line->kind == FD_RECEIPT_LINE_PAYMENT || line->reason == NULL || *line->reason == '\0')
    return NULL;
  /* Translators: why a payment was voided or refunded */
  return g_strdup_printf (fd_print_tr (doc, NC_("printed", "Reason: %s")), line->reason);
}

/* Lays the receipt out from the top; draws it when @doc has a context.
 * Returns the height used. */
static double
layout_receipt (FdPrintDoc          *doc,
                double               width,
                const FdReceipt     *r,
                const FdPrintClinic *clinic)
{
  gboolean wide = width >= WIDE_MIN;
  double margin = wide ? 54 : 12;
  double x = margin, w = width - 2 * margin;
  double y = wide ? 48 : 14;
  double gap = wide ? 8 : 5;
  double label_width, amount_width;
  const char *labels[5];
  g_autofree char *issued = r->issued_at ? fd_print_date_time (doc, r->issued_at) : NULL;

  /* The clinic */
  y += fd_print_text (doc, x, y, w, FD_FONT_HEADING, PANGO_ALIGN_CENTER, FD_TEXT_WRAP, clinic->name);
  for (guint i = 0; clinic->address != NULL && clinic->address[i] != NULL; i++)
    y += fd_print_text (doc, x, y, w, FD_FONT_BODY, PANGO_ALIGN_CENTER, FD_TEXT_WRAP, clinic->address[i]);
  if (clinic->phone != NULL)
    y += fd_print_text (doc, x, y, w, FD_FONT_BODY, PANGO_ALIGN_CENTER, FD_TEXT_WRAP, clinic->phone);
  if (clinic->tax_id != NULL)
    {
      /* Translators: the clinic's tax identification number (EIN) on a receipt */
      g_autofree char *tax = g_strdup_printf (fd_print_tr (doc, NC_("printed", "Tax ID %s")), clinic->tax_id);
      y += fd_print_text (doc, x, y, w, FD_FONT_SMALL, PANGO_ALIGN_CENTER, FD_TEXT_WRAP, tax);
    }
  y += gap;
  fd_print_rule (doc, x, y, w, 1.0);
  y += gap;

  y += fd_print_text (doc, x, y, w, FD_FONT_HEADING, PANGO_ALIGN_CENTER, FD_TEXT_WRAP,
                      fd_print_tr (doc, NC_("printed", "Payment Receipt")));
  if (r->is_copy)
    /* Translators: on a receipt printed again later */
    y += fd_print_text (doc, x, y, w, FD_FONT_SMALL_BOLD, PANGO_ALIGN_CENTER, FD_TEXT_WRAP,
                        fd_print_tr (doc, NC_("printed", "COPY — reprinted")));
  y += gap;

  /* Who and when */
  labels[0] = fd_print_tr (doc, NC_("printed", "Receipt No."));
  labels[1] = fd_print_tr (doc, NC_("printed", "Date"));
  labels[2] = fd_print_tr (doc, NC_("printed", "Patient"));
  labels[3] = fd_print_tr (doc, NC_("printed", "Account"));
  labels[4] = fd_print_tr (doc, NC_("printed", "Cashier"));
  label_width = 0;
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    label_width = MAX (label_width, fd_print_text_width (doc, FD_FONT_BODY, labels[i]) + 8);
  label_width = MIN (label_width, w * 0.4);

  y += field (doc, x, y, w, label_width, labels[0], r->receipt_number);
  y += field (doc, x, y, w, label_width, labels[1], issued);
  y += field (doc, x, y, w, label_width, labels[2], r->patient_name);
  y += field (doc, x, y, w, label_width, labels[3], r->account_number);
  y += field (doc, x, y, w, label_width, labels[4], r->cashier);
  y += field (doc, x, y, w, label_width, fd_print_tr (doc, NC_("printed", "Station")), r->station);
  y += gap;
  fd_print_rule (doc, x, y, w, 0.5);
  y += gap;

  /* Each payment on its own line */
  amount_width = fd_print_text_width (doc, FD_FONT_AMOUNT_BOLD, "-$00,000.00");
  if (wide)
    {
      double desc_w = (w - amount_width) * 0.6, method_x = x + desc_w + 8;
      double method_w = w - amount_width - desc_w - 16;

      fd_print_text (doc, x, y, desc_w, FD_FONT_SMALL_BOLD, PANGO_ALIGN_LEFT, FD_TEXT_ELLIPSIZE,
                     fd_print_tr (doc, NC_("printed", "Description")));
      fd_print_text (doc, method_x, y, method_w, FD_FONT_SMALL_BOLD, PANGO_ALIGN_LEFT, FD_TEXT_ELLIPSIZE,
                     fd_print_tr (doc, NC_("printed", "Method")));
      y += fd_print_text (doc, x + w - amount_width - 20, y, amount_width + 20, FD_FONT_SMALL_BOLD,
                          PANGO_ALIGN_RIGHT, FD_TEXT_ELLIPSIZE, fd_print_tr (doc, NC_("printed", "Amount")));
      y += 2;
      fd_print_rule (doc, x, y, w, 0.5);
      y += 4;

      for (guint i = 0; i < r->n_lines; i++)
        {
          const FdReceiptLine *line = &r->lines[i];
          g_autofree char *description = line_description (doc, line);
          g_autofree char *method = fd_print_method (doc, &line->method);
          g_autofree char *reason = line_reason (doc, line);
          g_autofree char *amount = NULL;
          FdMoney signed_amount;
          double hd, hm;

          fd_money_init (&signed_amount, fd_print_signed_amount (line->kind, line->amount.cents),
                         line->amount.currency);
          amount = fd_print_money (doc, &signed_amount);
          hd = fd_print_text (doc, x, y, desc_w, FD_FONT_BODY, PANGO_ALIGN_LEFT, FD_TEXT_WRAP, description);
          if (reason != NULL)
            hd += fd_print_text (doc, x + 8, y + hd, desc_w - 8, FD_FONT_SMALL, PANGO_ALIGN_LEFT,
                                 FD_TEXT_WRAP, reason);
          hm = fd_print_text (doc, method_x, y, method_w, FD_FONT_BODY, PANGO_ALIGN_LEFT, FD_TEXT_WRAP, method);
          fd_print_text (doc, x + w - amount_width, y, amount_width, FD_FONT_AMOUNT, PANGO_ALIGN_RIGHT,
                         FD_TEXT_WRAP, amount);
          y += MAX (hd, hm) + 4;
        }
    }
  else
    {
      double desc_w = w - amount_width - 6;

      for (guint i = 0; i < r->n_lines; i++)
        {
          const FdReceiptLine *line = &r->lines[i];
          g_autofree char *description = line_description (doc, line);
          g_autofree char *method = fd_print_method (doc, &line->method);
          g_autofree char *reason = line_reason (doc, line);
          g_autofree char *amount = NULL;
          FdMoney signed_amount;
          double h;

          fd_money_init (&signed_amount, fd_print_signed_amount (line->kind, line->amount.cents),
                         line->amount.currency);
          amount = fd_print_money (doc, &signed_amount);
          h = fd_print_text (doc, x, y, desc_w, FD_FONT_BODY, PANGO_ALIGN_LEFT, FD_TEXT_WRAP, description);
          fd_print_text (doc, x + w - amount_width, y, amount_width, FD_FONT_AMOUNT, PANGO_ALIGN_RIGHT,
                         FD_TEXT_WRAP, amount);
          y += MAX (h, fd_print_line_height (doc, FD_FONT_AMOUNT));
          y += fd_print_text (doc, x + 8, y, desc_w - 8, FD_FONT_SMALL, PANGO_ALIGN_LEFT, FD_TEXT_WRAP, method);
          if (reason != NULL)
            y += fd_print_text (doc, x + 8, y, desc_w - 8, FD_FONT_SMALL, PANGO_ALIGN_LEFT, FD_TEXT_WRAP, reason);
          y += 4;
        }
    }

  y += gap - 4;
  fd_print_rule (doc, x, y, w, 0.5);
  y += gap;

  /* Totals: on a sheet they sit in the right half, under the amounts */
  {
    double tx = wide ? x + w * 0.45 : x, tw = wide ? w * 0.55 : w;

    y += total_row (doc, tx, y, tw, amount_width, TRUE,
                    fd_print_tr (doc, NC_("printed", "Total paid")), &r->total_paid);
    if (r->has_cash_tendered)
      {
        y += total_row (doc, tx, y, tw, amount_width, FALSE,
                        fd_print_tr (doc, NC_("printed", "Cash tendered")), &r->tendered);
        y += total_row (doc, tx, y, tw, amount_width, FALSE,
                        fd_print_tr (doc, NC_("printed", "Change")), &r->change);
      }
    y += 2;
    fd_print_rule (doc, tx, y, tw, 0.5);
    y += 4;
    y += total_row (doc, tx, y, tw, amount_width, TRUE,
                    fd_print_tr (doc, NC_("printed", "Remaining balance")), &r->balance);
  }

  y += gap;
  fd_print_rule (doc, x, y, w, 1.0);
  y += gap;
  y += fd_print_text (doc, x, y, w, FD_FONT_BOLD, PANGO_ALIGN_CENTER, FD_TEXT_WRAP,
                      fd_print_tr (doc, NC_("printed", "Thank you!")));
  y += fd_print_text (doc, x, y, w, FD_FONT_SMALL, PANGO_ALIGN_CENTER, FD_TEXT_WRAP,
                      fd_print_tr (doc, NC_("printed", "Please keep this receipt for your records.")));

  return y + (wide ? 48 : 18);
}

/**
 * fd_receipt_measure:
 * @width: the paper's width in points (FD_PAPER_ROLL_80MM_WIDTH for a roll)
 * @receipt: the receipt
 * @clinic: the clinic that heads it
 * @language: (nullable): the patient's language tag; %NULL: English
 *
 * The length of roll a receipt needs, margins included. On a sheet (@width
 * of 400 pt or more) it is how far down the page the receipt reaches.
 *
 * Returns: the height in points, rounded up
 */
double
fd_receipt_measure (double               width,
                    const FdReceipt     *receipt,
                    const FdPrintClinic *clinic,
                    const char          *language)
{
  g_autoptr(FdPrintDoc) doc = NULL;

  g_return_val_if_fail (receipt != NULL && clinic != NULL, 0);

  doc = fd_print_doc_new (NULL, language, width >= WIDE_MIN ? 10 : 8);
  return ceil (layout_receipt (doc, width, receipt, clinic));
}

/**
 * fd_receipt_draw:
 * @cr: where to draw, origin at the top left of the paper, in points
 * @width: the paper's width in points
 * @height: the paper's height; a roll is as long as fd_receipt_measure() says
 * @receipt: the receipt
 * @clinic: the clinic that heads it
 * @language: (nullable): the patient's language tag, "es", "es-MX"; where
 *   Frontdesk has no catalogue for it, or %NULL, the receipt is in English
 *
 * Draws a receipt from the top of the paper: on a roll narrower than
 * 400 pt each payment sits above its method; on a sheet there is a method
 * column. May be called from any thread with its own cairo context.
 */
void
fd_receipt_draw (cairo_t             *cr,
                 double               width,
                 double               height,
                 const FdReceipt     *receipt,
                 const FdPrintClinic *clinic,
                 const char          *language)
{
  g_autoptr(FdPrintDoc) doc = NULL;

  g_return_if_fail (cr != NULL && receipt != NULL && clinic != NULL);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  doc = fd_print_doc_new (cr, language, width >= WIDE_MIN ? 10 : 8);
  layout_receipt (doc, width, receipt, clinic);
  cairo_restore (cr);
}

static void
draw_page_cb (cairo_t  *cr,
              guint     page_index,
              gpointer  user_data)
{
  DrawData *data = user_data;

  fd_receipt_draw (cr, data->width, data->height, data->receipt, data->clinic, data->language);
}

/**
 * fd_receipt_write_pdf:
 * @path: where to save the PDF
 * @paper: a roll (the page is as long as the receipt) or a sheet
 * @receipt: the receipt
 * @clinic: the clinic that heads it
 * @language: (nullable): the patient's language tag
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Saves a receipt as a one-page PDF, atomically (see fd_print_write_pdf()).
 *
 * Returns: %TRUE on success
 */
gboolean
fd_receipt_write_pdf (const char          *path,
                      FdPaper              paper,
                      const FdReceipt     *receipt,
                      const FdPrintClinic *clinic,
                      const char          *language,
                      GCancellable        *cancellable,
                      GError             **error)
{
  DrawData data = { receipt, clinic, language, 0, 0 };

  fd_paper_get_size (paper, &data.width, &data.height);
  if (data.height <= 0)
    data.height = fd_receipt_measure (data.width, receipt, clinic, language);
  return fd_print_write_pdf (path, data.width, data.height, 1, draw_page_cb, &data, cancellable, error);
}
