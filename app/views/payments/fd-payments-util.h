/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "fd-ledger.h"
#include "fd-ledger-documents.h"
#include "fd-money.h"

G_BEGIN_DECLS

/* What the cashier's screens share: card-number guards on every text field,
 * the station and cashier, the clinic header, amounts, and printing a
 * document through GtkPrintOperation or to a PDF. */

#define FD_PRINT_KIND_RECEIPT   "receipt"
#define FD_PRINT_KIND_STATEMENT "statement"

void        fd_payments_guard_editable  (GtkEditable       *editable,
                                         const char        *field,
                                         GtkLabel          *message);
char       *fd_payments_station         (void);
char       *fd_payments_cashier         (void);
void        fd_payments_load_clinic     (FdDocumentClinic  *clinic);
void        fd_payments_clear_clinic    (FdDocumentClinic  *clinic);
gboolean    fd_payments_parse_amount    (const char        *text,
                                         gboolean           allow_empty,
                                         gint64            *cents,
                                         GError           **error);
char       *fd_payments_format_cents    (gint64             cents);
void        fd_payments_show_message    (GtkLabel          *label,
                                         const char        *message);
GListModel *fd_payments_method_names    (void);
gboolean    fd_payments_read_method     (FdPaymentMethod    method,
                                         GtkEditable       *check_number,
                                         GtkEditable       *card_brand,
                                         GtkEditable       *card_last4,
                                         GtkEditable       *authorization,
                                         FdPaymentLine     *out,
                                         GError           **error);

GtkPrintOperationResult
            fd_payments_print           (GtkWidget         *parent,
                                         FdDocument        *document,
                                         const char        *kind,
                                         GtkPrintOperationAction action,
                                         const char        *export_path,
                                         GError           **error);
void        fd_payments_set_print_export (const char      *path);
void        fd_payments_print_interactive (GtkWidget       *parent,
                                           FdDocument      *document,
                                           const char      *kind);
char       *fd_payments_pdf_paper       (const char        *kind);
void        fd_payments_save_pdf        (GtkWidget         *parent,
                                         FdDocument        *document,
                                         const char        *kind,
                                         const char        *suggested_name);
void        fd_payments_show_error      (GtkWidget         *parent,
                                         const char        *heading,
                                         const char        *message);

G_END_DECLS
