/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdPrintLayout"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fd-print-private.h"

/* Shared by every document: fonts, text blocks, rules and boxes, and the
 * words, dates and amounts in the document's own language. */

#define SANS "DejaVu Sans"
#define MONO "DejaVu Sans Mono"

static const struct
{
  const char  *family;
  double       delta;     /* points added to the body size */
  PangoWeight  weight;
} font_specs[FD_N_FONTS] = {
  [FD_FONT_BODY]        = { SANS, 0, PANGO_WEIGHT_NORMAL },
  [FD_FONT_BOLD]        = { SANS, 0, PANGO_WEIGHT_BOLD },
  [FD_FONT_SMALL]       = { SANS, -1.5, PANGO_WEIGHT_NORMAL },
  [FD_FONT_SMALL_BOLD]  = { SANS, -1.5, PANGO_WEIGHT_BOLD },
  [FD_FONT_HEADING]     = { SANS, 2, PANGO_WEIGHT_BOLD },
  [FD_FONT_TITLE]       = { SANS, 5, PANGO_WEIGHT_BOLD },
  [FD_FONT_AMOUNT]      = { MONO, 0, PANGO_WEIGHT_NORMAL },
  [FD_FONT_AMOUNT_BOLD] = { MONO, 0, PANGO_WEIGHT_BOLD },
  [FD_FONT_BIG_AMOUNT]  = { MONO, 4, PANGO_WEIGHT_BOLD },
};

/**
 * fd_print_doc_new:
 * @cr: (nullable): where the document is drawn; %NULL to measure only
 * @language: (nullable): the reader's language tag, "es", "es-MX"; %NULL: English
 * @body_size: the body text size in points
 *
 * Text is laid out at 72 dpi without hinted metrics, so a document measures
 * the same on a PDF, a PNG, a printer, or without any surface at all.
 *
 * Returns: (transfer full): the drawing state
 */
FdPrintDoc *
fd_print_doc_new (cairo_t    *cr,
                  const char *language,
                  double      body_size)
{
  FdPrintDoc *doc = g_new0 (FdPrintDoc, 1);
  cairo_font_options_t *options = cairo_font_options_create ();

  doc->cr = cr;
  doc->context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  pango_cairo_context_set_resolution (doc->context, 72.0);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options (doc->context, options);
  cairo_font_options_destroy (options);
  pango_context_set_round_glyph_positions (doc->context, FALSE);
  if (cr != NULL)
    pango_cairo_update_context (cr, doc->context);

  doc->layout = pango_layout_new (doc->context);
  doc->catalog = fd_catalog_get_for_language (language);
  fd_money_style_init (&doc->money, ".", ",", TRUE);

  for (guint i = 0; i < FD_N_FONTS; i++)
    {
      doc->fonts[i] = pango_font_description_new ();
      pango_font_description_set_family_static (doc->fonts[i], font_specs[i].family);
      pango_font_description_set_weight (doc->fonts[i], font_specs[i].weight);
      pango_font_description_set_size (doc->fonts[i],
                                        (gint) ((body_size + font_specs[i].delta) * PANGO_SCALE));
      doc->line_height[i] = fd_print_text (doc, 0, 0, -1, i, PANGO_ALIGN_LEFT,
                                           FD_TEXT_MEASURE, "Ag");
    }

  return doc;
}

/**
 * fd_print_doc_free:
 * @doc: (transfer full): the drawing state
 */
void
fd_print_doc_free (FdPrintDoc *doc)
{
  for (guint i = 0; i < FD_N_FONTS; i++)
    pango_font_description_free (doc->fonts[i]);
  g_clear_object (&doc->layout);
  g_clear_object (&doc->context);
  g_clear_pointer (&doc->catalog, fd_catalog_unref);
  g_free (doc);
}

/**
 * fd_print_tr:
 * @doc: the document
 * @msgid: a label marked NC_("printed", ...)
 *
 * Returns: (transfer none): the label in the document's language
 */
const char *
fd_print_tr (FdPrintDoc *doc,
             const char *msgid)
{
  return fd_catalog_pgettext (doc->catalog, FD_PRINT_CONTEXT, msgid);
}

/**
 * fd_print_trc:
 * @doc: the document
 * @context: the msgctxt
 * @msgid: a string marked NC_(context, ...)
 *
 * Returns: (transfer none): the string in the document's language
 */
const char *
fd_print_trc (FdPrintDoc *doc,
              const char *context,
              const char *msgid)
{
  return fd_catalog_pgettext (doc->catalog, context, msgid);
}

/**
 * fd_print_money:
 * @doc: the document
 * @money: an amount
 *
 * Amounts read the same in every language of a US clinic: "$1,234.56".
 *
 * Returns: (transfer full): the amount
 */
char *
fd_print_money (FdPrintDoc    *doc,
                const FdMoney *money)
{
  return fd_money_format (money, &doc->money);
}

/**
 * fd_print_date:
 * @doc: the document
 * @date: a valid date
 *
 * Returns: (transfer full): the date in figures, in the order of the
 *   document's language: "11/27/2026", "27/11/2026"
 */
char *
fd_print_date (FdPrintDoc  *doc,
               const GDate *date)
{
  g_autoptr(GDateTime) dt = NULL;

  g_return_val_if_fail (g_date_valid (date), g_strdup (""));
  dt = g_date_time_new_utc (g_date_get_year (date), g_date_get_month (date),
                            g_date_get_day (date), 0, 0, 0);
  /* Translators: a date in figures on a printed receipt or statement, in
   * g_date_time_format() codes: %m month, %d day, %Y year */
  return g_date_time_format (dt, fd_print_tr (doc, NC_("printed", "%m/%d/%Y")));
}

/**
 * fd_print_date_long:
 * @doc: the document
 * @date: a valid date
 *
 * Returns: (transfer full): "November 27, 2026", "27 de noviembre de 2026"
 */
char *
fd_print_date_long (FdPrintDoc  *doc,
                    const GDate *date)
{
  static const char * const months[] = {
    NC_("month", "January"), NC_("month", "February"), NC_("month", "March"),
    NC_("month", "April"), NC_("month", "May"), NC_("month", "June"),
    NC_("month", "July"), NC_("month", "August"), NC_("month", "September"),
    NC_("month", "October"), NC_("month", "November"), NC_("month", "December"),
  };

  g_return_val_if_fail (g_date_valid (date), g_strdup (""));
  /* Translators: a date on a printed statement: 1$ the month's name, 2$ the
   * day, 3$ the year; "November 27, 2026". Reorder with %N$. */
  return g_strdup_printf (fd_print_tr (doc, NC_("printed", "%1$s %2$u, %3$u")),
                          fd_print_trc (doc, "month", months[g_date_get_month (date) - 1]),
                          (guint) g_date_get_day (date), (guint) g_date_get_year (date));
}

/* g_date_time_format() with %p in the document's language, not the
 * station's locale */
static char *
format_date_time (FdPrintDoc *doc,
                  GDateTime  *date_time,
                  const char *format)
{
  const char *am_pm = g_date_time_get_hour (date_time) < 12
                      ? fd_print_tr (doc, NC_("printed", "AM"))
                      : fd_print_tr (doc, NC_("printed", "PM"));
  g_autoptr(GString) pattern = g_string_new (format);

  g_string_replace (pattern, "%p", am_pm, 0);
  return g_date_time_format (date_time, pattern->str);
}

/**
 * fd_print_date_time:
 * @doc: the document
 * @date_time: a time
 *
 * Returns: (transfer full): "11/27/2026 2:14 PM", "27/11/2026 14:14"
 */
char *
fd_print_date_time (FdPrintDoc *doc,
                    GDateTime  *date_time)
{
  /* Translators: a date and time on a printed receipt, in
   * g_date_time_format() codes: %-l the hour 1-12, %H the hour 00-23, %M the
   * minutes, %p AM or PM (translated on its own) */
  return format_date_time (doc, date_time, fd_print_tr (doc, NC_("printed", "%m/%d/%Y %-l:%M %p")));
}

/**
 * fd_print_time:
 * @doc: the document
 * @date_time: a time
 *
 * Returns: (transfer full): "2:14 PM", "14:14"
 */
char *
fd_print_time (FdPrintDoc *doc,
               GDateTime  *date_time)
{
  /* Translators: a time of day on a printed report, in g_date_time_format()
   * codes: %-l the hour 1-12, %H the hour 00-23, %M the minutes, %p AM or PM */
  return format_date_time (doc, date_time, fd_print_tr (doc, NC_("printed", "%-l:%M %p")));
}

/**
 * fd_print_method_name:
 * @doc: the document
 * @kind: a payment method
 *
 * Returns: (transfer none): "Cash", "Check", "Card", "Other"
 */
const char *
fd_print_method_name (FdPrintDoc          *doc,
                      FdPaymentMethodKind  kind)
{
  switch (kind)
    {
    case FD_PAYMENT_METHOD_CASH:
      return fd_print_tr (doc, NC_("printed", "Cash"));
    case FD_PAYMENT_METHOD_CHECK:
      return fd_print_tr (doc, NC_("printed", "Check"));
    case FD_PAYMENT_METHOD_CARD:
      return fd_print_tr (doc, NC_("printed", "Card"));
    case FD_PAYMENT_METHOD_OTHER:
    default:
      return fd_print_tr (doc, NC_("printed", "Other"));
    }
}

/* The last four digits of what the caller gave, never more */
static char *
last_four_digits (const char *text)
{
  char digits[5] = { 0 };
  guint n = 0;

  for (const char *p = text + strlen (text); p > text && n < 4; p--)
    if (g_ascii_isdigit (p[-1]))
      digits[3 - n++] = p[-1];
  return n == 4 ? g_strdup (digits) : NULL;
}

/**
 * fd_print_method:
 * @doc: the document
 * @method: how a payment was made
 *
 * Returns: (transfer full): "Cash", "Check No. 1042", "Visa ending in 4242"
 */
char *
fd_print_method (FdPrintDoc            *doc,
                 const FdPaymentMethod *method)
{
  switch (method->kind)
    {
    case FD_PAYMENT_METHOD_CHECK:
      if (method->check_number != NULL && *method->check_number != '\0')
        /* Translators: a payment by check on a receipt; %s is the check's number */
        return g_strdup_printf (fd_print_tr (doc, NC_("printed", "Check No. %s")), method->check_number);
      break;

    case FD_PAYMENT_METHOD_CARD:
      {
        g_autofree char *four = method->card_last_four ? last_four_digits (method->card_last_four) : NULL;
        const char *brand = method->card_brand && *method->card_brand ? method->card_brand : NULL;

        if (four != NULL)
          /* Translators: a card payment on a receipt: 1$ the card brand
           * ("Visa", or the word "Card"), 2$ the last four digits */
          return g_strdup_printf (fd_print_tr (doc, NC_("printed", "%1$s ending in %2$s")),
                                  brand ? brand : fd_print_tr (doc, NC_("printed", "Card")), four);
        if (brand != NULL)
          return g_strdup (brand);
      }
      break;

    case FD_PAYMENT_METHOD_OTHER:
      if (method->other != NULL && *method->other != '\0')
        return g_strdup (method->other);
      break;

    case FD_PAYMENT_METHOD_CASH:
    default:
      break;
    }

  return g_strdup (fd_print_method_name (doc, method->kind));
}

/**
 * fd_print_signed_amount:
 * @kind: the kind of a receipt line
 * @cents: its amount
 *
 * Returns: @cents as it counts: negative for voids and refunds
 */
gint64
fd_print_signed_amount (FdReceiptLineKind kind,
                        gint64            cents)
{
  if (kind == FD_RECEIPT_LINE_PAYMENT)
    return cents;
  return cents > 0 ? -cents : cents;
}

static void
set_layout (FdPrintDoc     *doc,
            double          width,
            FdPrintFont     font,
            PangoAlignment  align,
            FdTextFlags     flags,
            const char     *text)
{
  PangoLayout *layout = doc->layout;

  pango_layout_set_font_description (layout, doc->fonts[font]);
  pango_layout_set_width (layout, width > 0 ? (int) (width * PANGO_SCALE) : -1);
  pango_layout_set_alignment (layout, align);
  if (flags & FD_TEXT_ELLIPSIZE)
    {
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_height (layout, -1);
    }
  else
    {
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_NONE);
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  pango_layout_set_text (layout, text ? text : "", -1);
}

/**
 * fd_print_text:
 * @doc: the document
 * @x: left edge of the text box
 * @y: top of the text box
 * @width: width of the box, or -1 for one unbounded line
 * @font: the font
 * @align: alignment inside the box
 * @flags: wrap (the default) or ellipsize; measure only
 * @text: (nullable): UTF-8 text, not markup
 *
 * Draws @text unless the document only measures.
 *
 * Returns: the height the text takes, in points
 */
double
fd_print_text (FdPrintDoc     *doc,
               double          x,
               double          y,
               double          width,
               FdPrintFont     font,
               PangoAlignment  align,
               FdTextFlags     flags,
               const char     *text)
{
  PangoRectangle logical;

  set_layout (doc, width, font, align, flags, text);
  pango_layout_get_extents (doc->layout, NULL, &logical);

  if (doc->cr != NULL && !(flags & FD_TEXT_MEASURE) && text != NULL && *text != '\0')
    {
      cairo_move_to (doc->cr, x, y);
      pango_cairo_show_layout (doc->cr, doc->layout);
    }

  return (double) logical.height / PANGO_SCALE;
}

/**
 * fd_print_text_width:
 * @doc: the document
 * @font: the font
 * @text: one line of text
 *
 * Returns: the natural width of @text, in points
 */
double
fd_print_text_width (FdPrintDoc  *doc,
                     FdPrintFont  font,
                     const char  *text)
{
  PangoRectangle logical;

  set_layout (doc, -1, font, PANGO_ALIGN_LEFT, FD_TEXT_WRAP, text);
  pango_layout_get_extents (doc->layout, NULL, &logical);
  return (double) logical.width / PANGO_SCALE;
}

/**
 * fd_print_line_height:
 * @doc: the document
 * @font: the font
 *
 * Returns: the height of one line of @font, in points
 */
double
fd_print_line_height (FdPrintDoc  *doc,
                      FdPrintFont  font)
{
  return doc->line_height[font];
}

/**
 * fd_print_rule:
 * @doc: the document
 * @x: left end
 * @y: height of the line's centre
 * @width: length
 * @line_width: thickness in points
 */
void
fd_print_rule (FdPrintDoc *doc,
               double      x,
               double      y,
               double      width,
               double      line_width)
{
  if (doc->cr == NULL)
    return;
  cairo_save (doc->cr);
  cairo_set_line_width (doc->cr, line_width);
  cairo_move_to (doc->cr, x, y);
  cairo_line_to (doc->cr, x + width, y);
  cairo_stroke (doc->cr);
  cairo_restore (doc->cr);
}

/**
 * fd_print_dashed_rule:
 * @doc: the document
 * @x: left end
 * @y: height of the line
 * @width: length
 *
 * The line to cut or tear along.
 */
void
fd_print_dashed_rule (FdPrintDoc *doc,
                      double      x,
                      double      y,
                      double      width)
{
  static const double dashes[] = { 4.0, 3.0 };

  if (doc->cr == NULL)
    return;
  cairo_save (doc->cr);
  cairo_set_dash (doc->cr, dashes, G_N_ELEMENTS (dashes), 0);
  cairo_set_line_width (doc->cr, 0.75);
  cairo_move_to (doc->cr, x, y);
  cairo_line_to (doc->cr, x + width, y);
  cairo_stroke (doc->cr);
  cairo_restore (doc->cr);
}

/**
 * fd_print_box:
 * @doc: the document
 * @x: left
 * @y: top
 * @width: width
 * @height: height
 * @line_width: border thickness; 0 for none
 * @fill_gray: 0 (black) to 1 (white) to fill with; below 0 for no fill
 */
void
fd_print_box (FdPrintDoc *doc,
              double      x,
              double      y,
              double      width,
              double      height,
              double      line_width,
              double      fill_gray)
{
  if (doc->cr == NULL)
    return;
  cairo_save (doc->cr);
  cairo_rectangle (doc->cr, x, y, width, height);
  if (fill_gray >= 0)
    {
      cairo_set_source_rgb (doc->cr, fill_gray, fill_gray, fill_gray);
      cairo_fill_preserve (doc->cr);
    }
  if (line_width > 0)
    {
      cairo_set_source_rgb (doc->cr, 0, 0, 0);
      cairo_set_line_width (doc->cr, line_width);
      cairo_stroke (doc->cr);
    }
  cairo_new_path (doc->cr);
  cairo_restore (doc->cr);
}
