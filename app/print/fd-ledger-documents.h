/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "fd-store.h"

G_BEGIN_DECLS

/* Printable documents built from the ledger: a receipt, one or many
 * statements (one per guarantor), a drawer's close-out report. A document
 * holds everything it prints, so it can be drawn page by page (by
 * GtkPrintOperation) or written to a PDF, on any thread, without the store. This header deliberately
 * exposes no print data types, so that it can be included next to the
 * ledger's own. */

typedef struct _FdDocument FdDocument;

typedef enum
{
  FD_DOCUMENT_RECEIPT,
  FD_DOCUMENT_STATEMENTS,
  FD_DOCUMENT_DRAWER_REPORT,
} FdDocumentKind;

/* The clinic as it heads every document */
typedef struct
{
  const char         *name;
  const char * const *address;   /* nullable */
  const char         *phone;     /* nullable */
} FdDocumentClinic;

/* Paper names: "letter", "a4", "roll-80mm" */
#define FD_DOCUMENT_PAPER_LETTER "letter"
#define FD_DOCUMENT_PAPER_A4     "a4"
#define FD_DOCUMENT_PAPER_ROLL   "roll-80mm"

/**
 * FdDocumentProgressFunc:
 * @done: statements finished
 * @total: statements in all
 * @user_data: the data passed with the function
 *
 * Called on the writing thread after each statement of a batch.
 */
typedef void (*FdDocumentProgressFunc) (guint    done,
                                        guint    total,
                                        gpointer user_data);

FdDocument     *fd_document_new_receipt       (FdStore                *store,
                                               const char             *receipt_number,
                                               gboolean                is_copy,
                                               const FdDocumentClinic *clinic,
                                               GError                **error);
FdDocument     *fd_document_new_statements    (FdStore                *store,
                                               GPtrArray              *groups,
                                               const GDate            *date,
                                               const FdDocumentClinic *clinic,
                                               GCancellable           *cancellable,
                                               GError                **error);
FdDocument     *fd_document_new_statement     (FdStore                *store,
                                               const char             *patient_id,
                                               const GDate            *date,
                                               const FdDocumentClinic *clinic,
                                               GError                **error);
FdDocument     *fd_document_new_drawer_report (FdStore                *store,
                                               gint64                  session_id,
                                               const char             *language,
                                               const FdDocumentClinic *clinic,
                                               GError                **error);
void            fd_document_free              (FdDocument             *document);

FdDocumentKind  fd_document_get_kind          (FdDocument             *document);
const char     *fd_document_get_language      (FdDocument             *document);
guint           fd_document_get_n_statements  (FdDocument             *document);
GStrv           fd_document_get_patient_ids   (FdDocument             *document);
gboolean        fd_document_paper_size        (const char             *paper,
                                               double                 *width,
                                               double                 *height);
double          fd_document_measure           (FdDocument             *document,
                                               double                  width);
guint           fd_document_count_pages       (FdDocument             *document,
                                               double                  width,
                                               double                  height);
void            fd_document_draw_page         (FdDocument             *document,
                                               cairo_t                *cr,
                                               double                  width,
                                               double                  height,
                                               guint                   page_index);
gboolean        fd_document_write_pdf         (FdDocument             *document,
                                               const char             *path,
                                               const char             *paper,
                                               FdDocumentProgressFunc  progress,
                                               gpointer                user_data,
                                               GCancellable           *cancellable,
                                               GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdDocument, fd_document_free)

G_END_DECLS
