/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <gio/gio.h>
#include <pango/pangocairo.h>

#include "fd-catalog.h"
#include "fd-print.h"

G_BEGIN_DECLS

/* The context of every printed label: xgettext collects
 * NC_("printed", "...") and the document looks it up in its own language. */
#define FD_PRINT_CONTEXT "printed"

typedef enum
{
  FD_FONT_BODY,
  FD_FONT_BOLD,
  FD_FONT_SMALL,
  FD_FONT_SMALL_BOLD,
  FD_FONT_HEADING,
  FD_FONT_TITLE,
  FD_FONT_AMOUNT,
  FD_FONT_AMOUNT_BOLD,
  FD_FONT_BIG_AMOUNT,
  FD_N_FONTS,
} FdPrintFont;

typedef enum
{
  FD_TEXT_WRAP     = 0,
  FD_TEXT_ELLIPSIZE = 1 << 0,   /* one line, cut with "…" */
  FD_TEXT_MEASURE  = 1 << 1,    /* measure only, even with a cairo context */
} FdTextFlags;

/* What a document is being drawn with: the cairo context (%NULL while only
 * measuring), the fonts at a base size, and the catalogue of its language */
typedef struct
{
  cairo_t              *cr;
  PangoContext         *context;
  PangoLayout          *layout;
  FdCatalog            *catalog;
  FdMoneyStyle          money;
  PangoFontDescription *fonts[FD_N_FONTS];
  double                line_height[FD_N_FONTS];
} FdPrintDoc;

FdPrintDoc *fd_print_doc_new        (cairo_t            *cr,
                                     const char         *language,
                                     double              body_size);
void        fd_print_doc_free       (FdPrintDoc         *doc);
const char *fd_print_tr             (FdPrintDoc         *doc,
                                     const char         *msgid) G_GNUC_FORMAT (2);
const char *fd_print_trc            (FdPrintDoc         *doc,
                                     const char         *context,
                                     const char         *msgid) G_GNUC_FORMAT (3);
char       *fd_print_money          (FdPrintDoc         *doc,
                                     const FdMoney      *money);
char       *fd_print_date           (FdPrintDoc         *doc,
                                     const GDate        *date);
char       *fd_print_date_long      (FdPrintDoc         *doc,
                                     const GDate        *date);
char       *fd_print_date_time      (FdPrintDoc         *doc,
                                     GDateTime          *date_time);
char       *fd_print_time           (FdPrintDoc         *doc,
                                     GDateTime          *date_time);
char       *fd_print_method         (FdPrintDoc         *doc,
                                     const FdPaymentMethod *method);
const char *fd_print_method_name    (FdPrintDoc         *doc,
                                     FdPaymentMethodKind kind);
gint64      fd_print_signed_amount  (FdReceiptLineKind   kind,
                                     gint64              cents);
double      fd_print_text           (FdPrintDoc         *doc,
                                     double              x,
                                     double              y,
                                     double              width,
                                     FdPrintFont         font,
                                     PangoAlignment      align,
                                     FdTextFlags         flags,
                                     const char         *text);
double      fd_print_text_width     (FdPrintDoc         *doc,
                                     FdPrintFont         font,
                                     const char         *text);
double      fd_print_line_height    (FdPrintDoc         *doc,
                                     FdPrintFont         font);
void        fd_print_rule           (FdPrintDoc         *doc,
                                     double              x,
                                     double              y,
                                     double              width,
                                     double              line_width);
void        fd_print_dashed_rule    (FdPrintDoc         *doc,
                                     double              x,
                                     double              y,
                                     double              width);
void        fd_print_box            (FdPrintDoc         *doc,
                                     double              x,
                                     double              y,
                                     double              width,
                                     double              height,
                                     double              line_width,
                                     double              fill_gray);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdPrintDoc, fd_print_doc_free)

/* A PDF being written to a temporary file next to its final path */
typedef struct _FdPdfFile FdPdfFile;

FdPdfFile  *fd_pdf_file_open        (const char         *path,
                                     double              width,
                                     double              height,
                                     GError            **error);
cairo_t    *fd_pdf_file_begin_page  (FdPdfFile          *file,
                                     double              width,
                                     double              height);
void        fd_pdf_file_end_page    (FdPdfFile          *file,
                                     cairo_t            *cr);
gboolean    fd_pdf_file_commit      (FdPdfFile          *file,
                                     GError            **error);
void        fd_pdf_file_abort       (FdPdfFile          *file);
gboolean    fd_print_check_cancelled (GCancellable      *cancellable,
                                      GError           **error);

G_END_DECLS
