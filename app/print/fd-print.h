/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "fd-print-data.h"

G_BEGIN_DECLS

#define FD_PRINT_ERROR (fd_print_error_quark ())

typedef enum
{
  FD_PRINT_ERROR_CANNOT_SAVE,   /* the file could not be written; nothing was left behind */
  FD_PRINT_ERROR_DRAWING,       /* cairo refused to draw the document */
} FdPrintError;

/**
 * FdPrintDrawPageFunc:
 * @cr: the page's context, origin at the top left corner, in points
 * @page_index: which page, from 0
 * @user_data: the data passed with the function
 *
 * Draws one page of a document.
 */
typedef void (*FdPrintDrawPageFunc) (cairo_t  *cr,
                                     guint     page_index,
                                     gpointer  user_data);

/**
 * FdPrintProgressFunc:
 * @done: how many documents are finished
 * @total: how many there are
 * @user_data: the data passed with the function
 *
 * Called on the calling thread after each document of a batch.
 */
typedef void (*FdPrintProgressFunc) (guint    done,
                                     guint    total,
                                     gpointer user_data);

GQuark   fd_print_error_quark (void);
gboolean fd_print_write_pdf   (const char           *path,
                               double                width,
                               double                height,
                               guint                 n_pages,
                               FdPrintDrawPageFunc   draw_page,
                               gpointer              user_data,
                               GCancellable         *cancellable,
                               GError              **error);
gboolean fd_print_write_png   (const char           *path,
                               double                width,
                               double                height,
                               double                dpi,
                               FdPrintDrawPageFunc   draw_page,
                               gpointer              user_data,
                               guint                 page_index,
                               GError              **error);

G_END_DECLS
