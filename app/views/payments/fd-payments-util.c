/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdPayments"

#include "config.h"

#include <adwaita.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gtk/gtkunixprint.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "fd-ledger.h"
#include "fd-payments-util.h"
#include "fd-view-util.h"

#define MAX_STATION_LEN 12
#define ROLL_MAX_WIDTH 300.0  /* points: anything narrower is a receipt roll */

/* Where every print goes instead of the print dialog; see
 * fd_payments_set_print_export() */
static char *print_export_path;

/* Card-number guard */

static void
guarded_changed_cb (GtkEditable *editable,
                    gpointer     user_data)
{
  GtkLabel *message = g_object_get_data (G_OBJECT (editable), "fd-guard-message");
  const char *field = g_object_get_data (G_OBJECT (editable), "fd-guard-field");
  const char *text = gtk_editable_get_text (editable);
  g_autoptr(GError) error = NULL;

  if (!fd_ledger_text_has_card_number (text))
    {
      if (message != NULL && g_object_get_data (G_OBJECT (message), "fd-card-message"))
        {
          g_object_set_data (G_OBJECT (message), "fd-card-message", NULL);
          fd_payments_show_message (message, NULL);
        }
      return;
    }

  /* Refused: the digits leave the field at once, and the message never
   * repeats them */
  fd_ledger_check_text (text, field, FALSE, &error);
  g_signal_handlers_block_by_func (editable, guarded_changed_cb, user_data);
  gtk_editable_set_text (editable, "");
  g_signal_handlers_unblock_by_func (editable, guarded_changed_cb, user_data);
  g_debug ("A card-number-like input was refused in a payments field");

  if (message != NULL)
    {
      fd_payments_show_message (message, error ? error->message : NULL);
      g_object_set_data (G_OBJECT (message), "fd-card-message", GINT_TO_POINTER (TRUE));
    }
  gtk_widget_error_bell (GTK_WIDGET (editable));
}

/**
 * fd_payments_guard_editable:
 * @editable: a text field of the cashier's screens
 * @field: its name for the desk, translated
 * @message: (nullable): the label beside it for the refusal
 *
 * Refuses anything that looks like a card number: the field is emptied as
 * soon as the digits complete one, it keeps no undo history of them, and
 * @message says why.
 */
void
fd_payments_guard_editable (GtkEditable *editable,
                            const char  *field,
                            GtkLabel    *message)
{
  g_return_if_fail (GTK_IS_EDITABLE (editable));

  gtk_editable_set_enable_undo (editable, FALSE);
  g_object_set_data_full (G_OBJECT (editable), "fd-guard-field", g_strdup (field), g_free);
  g_object_set_data (G_OBJECT (editable), "fd-guard-message", message);
  g_signal_connect (editable, "changed", G_CALLBACK (guarded_changed_cb), NULL);
}

/**
 * fd_payments_show_message:
 * @label: a message label beside a field
 * @message: (nullable): the message; %NULL hides the label
 */
void
fd_payments_show_message (GtkLabel   *label,
                          const char *message)
{
  gtk_label_set_label (label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL && *message != '\0');
}

/* Payment methods */

/**
 * fd_payments_method_names:
 *
 * Returns: (transfer full): the methods' names for a drop-down, in
 *   #FdPaymentMethod order
 */
GListModel *
fd_payments_method_names (void)
{
  const char *names[] = {
    [FD_PAYMENT_METHOD_CASH] = _("Cash"),
    [FD_PAYMENT_METHOD_CHECK] = _("Check"),
    [FD_PAYMENT_METHOD_CREDIT_CARD] = _("Credit card (terminal)"),
    [FD_PAYMENT_METHOD_DEBIT_CARD] = _("Debit card (terminal)"),
    [FD_N_PAYMENT_METHODS] = NULL,
  };

  return G_LIST_MODEL (gtk_string_list_new (names));
}

/**
 * fd_payments_read_method:
 * @method: the method chosen
 * @check_number: its check number field
 * @card_brand: its card brand field
 * @card_last4: its last-four-digits field
 * @authorization: its authorization code field
 * @out: (out caller-allocates): the line; its amount and tendered cash are
 *   left as they were, its texts point into the fields
 * @error: return location for a message for the desk
 *
 * Reads what a method needs from the fields that show for it: a check's
 * number (required), a card's brand, last four digits and authorization,
 * which fd_ledger_check_lines() checks.
 *
 * Returns: %FALSE if a required field is empty
 */
gboolean
fd_payments_read_method (FdPaymentMethod   method,
                         GtkEditable      *check_number,
                         GtkEditable      *card_brand,
                         GtkEditable      *card_last4,
                         GtkEditable      *authorization,
                         FdPaymentLine    *out,
                         GError          **error)
{
  out->method = method;
  out->check_number = NULL;
  out->card_brand = NULL;
  out->card_last4 = NULL;
  out->authorization = NULL;
  if (method == FD_PAYMENT_METHOD_CHECK)
    {
      out->check_number = gtk_editable_get_text (check_number);
      return fd_ledger_check_text (out->check_number, _("Check number"), TRUE, error);
    }
  if (method == FD_PAYMENT_METHOD_CREDIT_CARD || method == FD_PAYMENT_METHOD_DEBIT_CARD)
    {
      out->card_brand = gtk_editable_get_text (card_brand);
      out->card_last4 = gtk_editable_get_text (card_last4);
      out->authorization = gtk_editable_get_text (authorization);
    }
  return TRUE;
}

/* Station, cashier, clinic */

/**
 * fd_payments_station:
 *
 * Returns: (transfer full): the station code for receipt numbers: the one
 *   from Preferences, else letters and digits of the computer's name
 */
char *
fd_payments_station (void)
{
  g_autofree char *code = fd_view_station_code ();
  GString *out = g_string_new (NULL);

  for (const char *p = code; *p != '\0' && out->len < MAX_STATION_LEN; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (out, g_ascii_toupper (*p));
  if (out->len == 0)
    g_string_append (out, "DESK");
  return g_string_free (out, FALSE);
}

/**
 * fd_payments_cashier:
 *
 * Returns: (transfer full): who is taking payments at this desk
 */
char *
fd_payments_cashier (void)
{
  const char *real = g_get_real_name ();

  if (real != NULL && *real != '\0' && g_strcmp0 (real, "Unknown") != 0)
    return g_strdup (real);
  return g_strdup (g_get_user_name ());
}

/**
 * fd_payments_load_clinic:
 * @clinic: (out caller-allocates): the clinic's header from Preferences;
 *   free with fd_payments_clear_clinic()
 */
void
fd_payments_load_clinic (FdDocumentClinic *clinic)
{
  g_autoptr(GSettings) settings = fd_view_settings ();

  clinic->name = settings ? g_settings_get_string (settings, "clinic-name") : g_strdup ("");
  clinic->address = settings ? (const char * const *) g_settings_get_strv (settings, "clinic-address")
                             : (const char * const *) g_new0 (char *, 1);
  clinic->phone = settings ? g_settings_get_string (settings, "clinic-phone") : NULL;
}

/**
 * fd_payments_clear_clinic:
 * @clinic: a header filled by fd_payments_load_clinic()
 */
void
fd_payments_clear_clinic (FdDocumentClinic *clinic)
{
  g_free ((char *) clinic->name);
  g_strfreev ((char **) clinic->address);
  g_free ((char *) clinic->phone);
  memset (clinic, 0, sizeof *clinic);
}

/* Amounts */

/**
 * fd_payments_parse_amount:
 * @text: an amount as typed
 * @allow_empty: whether an empty field means 0
 * @cents: (out): the amount
 * @error: return location for an error for the desk
 *
 * In the desk's locale, at most two decimals, more than zero, never a card
 * number.
 *
 * Returns: %TRUE if @text is an amount
 */
gboolean
fd_payments_parse_amount (const char  *text,
                          gboolean     allow_empty,
                          gint64      *cents,
                          GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));
  FdMoneyStyle style;
  FdMoney money;

  *cents = 0;
  if (*stripped == '\0')
    {
      if (allow_empty)
        return TRUE;
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("Enter an amount"));
      return FALSE;
    }
  fd_money_style_from_locale (&style);
  if (!fd_ledger_parse_amount (stripped, NULL, &style, &money, error))
    return FALSE;
  *cents = money.cents;
  return TRUE;
}

/**
 * fd_payments_format_cents:
 * @cents: an amount in US dollars' cents
 *
 * Returns: (transfer full): the amount as the desk's locale writes it
 */
char *
fd_payments_format_cents (gint64 cents)
{
  FdMoneyStyle style;
  FdMoney money;

  fd_money_style_from_locale (&style);
  fd_money_init (&money, cents, NULL);
  return fd_money_format (&money, &style);
}

/**
 * fd_payments_show_error:
 * @parent: a widget of the window the message belongs to
 * @heading: what failed
 * @message: why, for the person at the desk
 */
void
fd_payments_show_error (GtkWidget  *parent,
                        const char *heading,
                        const char *message)
{
  GtkRoot *root = parent ? gtk_widget_get_root (parent) : NULL;
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Printing */

static GtkPageSetup *
load_page_setup (GSettings  *settings,
                 const char *kind)
{
  g_autofree char *key = g_strdup_printf ("%s-page-setup", kind);
  g_autoptr(GVariant) value = settings ? g_settings_get_value (settings, key) : NULL;

  if (value != NULL && g_variant_n_children (value) > 0)
    {
      GtkPageSetup *setup = gtk_page_setup_new_from_gvariant (value);

      if (setup != NULL)
        return setup;
    }
  return NULL;
}

static GtkPageSetup *
default_page_setup (GSettings  *settings,
                    FdDocument *document,
                    const char *kind)
{
  GtkPageSetup *setup = load_page_setup (settings, kind);
  double width;

  if (setup == NULL)
    {
      setup = gtk_page_setup_new ();
      if (g_strcmp0 (kind, FD_PRINT_KIND_RECEIPT) == 0)
        {
          g_autoptr(GtkPaperSize) roll = NULL;
          double w, h;

          fd_document_paper_size (FD_DOCUMENT_PAPER_ROLL, &w, &h);
          roll = gtk_paper_size_new_custom ("roll-80mm", _("Receipt roll, 80 mm"), w, 100, GTK_UNIT_POINTS);
          gtk_page_setup_set_paper_size (setup, roll);
        }
      else
        {
          g_autoptr(GtkPaperSize) letter = gtk_paper_size_new (GTK_PAPER_NAME_LETTER);

          gtk_page_setup_set_paper_size (setup, letter);
        }
    }

  /* A roll is as long as the receipt */
  width = gtk_page_setup_get_paper_width (setup, GTK_UNIT_POINTS);
  if (width <= ROLL_MAX_WIDTH && fd_document_get_kind (document) == FD_DOCUMENT_RECEIPT)
    {
      g_autoptr(GtkPaperSize) roll =
        gtk_paper_size_new_custom ("roll-80mm", _("Receipt roll, 80 mm"), width,
                                   ceil (fd_document_measure (document, width)), GTK_UNIT_POINTS);

      gtk_page_setup_set_paper_size (setup, roll);
      gtk_page_setup_set_top_margin (setup, 0, GTK_UNIT_POINTS);
      gtk_page_setup_set_bottom_margin (setup, 0, GTK_UNIT_POINTS);
      gtk_page_setup_set_left_margin (setup, 0, GTK_UNIT_POINTS);
      gtk_page_setup_set_right_margin (setup, 0, GTK_UNIT_POINTS);
    }
  return setup;
}

static void
page_size (GtkPrintContext *context,
           double          *width,
           double          *height)
{
  GtkPageSetup *setup = gtk_print_context_get_page_setup (context);

  *width = gtk_page_setup_get_paper_width (setup, GTK_UNIT_POINTS);
  *height = gtk_page_setup_get_paper_height (setup, GTK_UNIT_POINTS);
}

static void
begin_print_cb (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                FdDocument        *document)
{
  double width, height;

  page_size (context, &width, &height);
  g_object_set_data_full (G_OBJECT (operation), "fd-used-page-setup",
                          gtk_page_setup_copy (gtk_print_context_get_page_setup (context)), g_object_unref);
  gtk_print_operation_set_n_pages (operation, MAX (1, fd_document_count_pages (document, width, height)));
}

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_nr,
              FdDocument        *document)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double width, height;

  page_size (context, &width, &height);
  fd_document_draw_page (document, cr, width, height, (guint) page_nr);
}

/* A temporary file beside @path, so that a PDF appears whole or not at all */
static char *
export_temp_file (const char  *path,
                  GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *name = g_strdup_printf (".%s.XXXXXX", base);
  char *temp = g_build_filename (dir, name, NULL);
  int fd = g_mkstemp_full (temp, O_RDWR, 0600);

  if (fd < 0)
    {
      int saved = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   /* Translators: a PDF path, then why it cannot be written */
                   _("The PDF cannot be written to “%s”: %s"), display, g_strerror (saved));
      g_free (temp);
      return NULL;
    }
  close (fd);
  return temp;
}

#define PRINTER_LOOKUP_SECONDS 5

typedef struct
{
  char     *name;
  gboolean  found;
  gboolean  done;
} PrinterLookup;

static void
printer_lookup_clear (PrinterLookup *lookup)
{
  g_free (lookup->name);
}

static void
printer_lookup_release (gpointer data)
{
  PrinterLookup *lookup = data;

  lookup->done = TRUE;
  g_rc_box_release_full (lookup, (GDestroyNotify) printer_lookup_clear);
}

static gboolean
printer_seen_cb (GtkPrinter *printer,
                 gpointer    data)
{
  PrinterLookup *lookup = data;

  if (g_strcmp0 (gtk_printer_get_name (printer), lookup->name) == 0)
    lookup->found = TRUE;
  return lookup->found;
}

static gboolean
lookup_timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
close_held_cb (GtkWindow *window,
               gpointer   data)
{
  return TRUE;
}

/* Whether the print system knows @name now. GtkPrintOperation does not say
 * when a remembered printer is gone: with the print dialog it quietly picks
 * another one, and without it the job is dropped as if cancelled. A backend
 * that does not answer within a few seconds counts as not having it. While
 * the print system is asked, the station's windows take no clicks and do
 * not close, so that nothing the caller holds goes away meanwhile. */
static gboolean
printer_exists (const char *name)
{
  PrinterLookup *lookup = g_rc_box_new0 (PrinterLookup);
  GListModel *toplevels = gtk_window_get_toplevels ();
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean timed_out = FALSE, found;
  guint timeout_id;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      GtkWidget *window = g_list_model_get_item (toplevels, i);

      if (!gtk_widget_get_sensitive (window))
        {
          g_object_unref (window);
          continue;
        }
      g_signal_connect (window, "close-request", G_CALLBACK (close_held_cb), NULL);
      g_ptr_array_add (held, window);
      gtk_widget_set_sensitive (window, FALSE);
    }

  lookup->name = g_strdup (name);
  gtk_enumerate_printers (printer_seen_cb, g_rc_box_acquire (lookup), printer_lookup_release, FALSE);
  timeout_id = g_timeout_add_seconds (PRINTER_LOOKUP_SECONDS, lookup_timeout_cb, &timed_out);
  while (!lookup->found && !lookup->done && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout_id);
  found = lookup->found;
  g_rc_box_release_full (lookup, (GDestroyNotify) printer_lookup_clear);

  for (guint i = 0; i < held->len; i++)
    {
      GtkWidget *window = g_ptr_array_index (held, i);

      g_signal_handlers_disconnect_by_func (window, close_held_cb, NULL);
      gtk_widget_set_sensitive (window, TRUE);
    }
  return found;
}

/**
 * fd_payments_print:
 * @parent: (nullable): a widget of the window printing
 * @document: what to print
 * @kind: "receipt" or "statement": whose printer and page set-up
 * @action: show the dialog, print at once, or export to @export_path
 * @export_path: (nullable): the PDF for %GTK_PRINT_OPERATION_ACTION_EXPORT
 * @error: return location for an error
 *
 * Prints @document with the page set-up and printer last used for @kind,
 * and remembers them for the next time when it printed. A remembered
 * printer that is no longer there is an error that says so, and nothing is
 * printed (GtkPrintOperation itself would quietly print elsewhere). An export is
 * written beside @export_path and moved there once complete: a path that
 * cannot be written gives an error and leaves no file.
 *
 * Returns: the operation's result; %GTK_PRINT_OPERATION_RESULT_ERROR with
 *   @error set
 */
GtkPrintOperationResult
fd_payments_print (GtkWidget                *parent,
                   FdDocument               *document,
                   const char               *kind,
                   GtkPrintOperationAction   action,
                   const char               *export_path,
                   GError                  **error)
{
  g_autoptr(GSettings) settings = fd_view_settings ();
  g_autoptr(GtkPrintOperation) operation = gtk_print_operation_new ();
  g_autoptr(GtkPageSetup) setup = default_page_setup (settings, document, kind);
  g_autoptr(GtkPrintSettings) print_settings = gtk_print_settings_new ();
  g_autofree char *printer_key = g_strdup_printf ("%s-printer", kind);
  g_autofree char *printer = settings ? g_settings_get_string (settings, printer_key) : NULL;
  g_autofree char *temp = NULL;
  g_autoptr(GError) local_error = NULL;
  GtkRoot *root = parent ? gtk_widget_get_root (parent) : NULL;
  GtkPrintOperationResult result;

  if (print_export_path != NULL && action != GTK_PRINT_OPERATION_ACTION_EXPORT)
    {
      action = GTK_PRINT_OPERATION_ACTION_EXPORT;
      export_path = print_export_path;
    }
  if (action == GTK_PRINT_OPERATION_ACTION_EXPORT)
    {
      g_return_val_if_fail (export_path != NULL, GTK_PRINT_OPERATION_RESULT_ERROR);
      temp = export_temp_file (export_path, error);
      if (temp == NULL)
        return GTK_PRINT_OPERATION_RESULT_ERROR;
    }

  if (printer != NULL && *printer != '\0' && temp == NULL && !printer_exists (printer))
    {
      g_debug ("The remembered %s printer is not available", kind);
      g_set_error (error, GTK_PRINT_ERROR, GTK_PRINT_ERROR_GENERAL,
                   g_strcmp0 (kind, FD_PRINT_KIND_RECEIPT) == 0
                   /* Translators: %s is a printer's name */
                   ? _("The printer “%s” that receipts were printed on is not available: it may be off, "
                       "disconnected or removed. Nothing was printed. Print again to choose another printer.")
                   /* Translators: %s is a printer's name */
                   : _("The printer “%s” that statements and reports were printed on is not available: it may be "
                       "off, disconnected or removed. Nothing was printed. Print again to choose another printer."),
                   printer);
      /* The next print offers the printers there are, not the one that is gone */
      if (settings != NULL)
        g_settings_set_string (settings, printer_key, "");
      return GTK_PRINT_OPERATION_RESULT_ERROR;
    }
  if (printer != NULL && *printer != '\0')
    gtk_print_settings_set_printer (print_settings, printer);
  gtk_print_operation_set_print_settings (operation, print_settings);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  gtk_print_operation_set_job_name (operation, g_strcmp0 (kind, FD_PRINT_KIND_RECEIPT) == 0
                                               ? _("Receipt") : _("Statement"));
  if (temp != NULL)
    gtk_print_operation_set_export_filename (operation, temp);
  g_signal_connect (operation, "begin-print", G_CALLBACK (begin_print_cb), document);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), document);

  result = gtk_print_operation_run (operation, action, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                    &local_error);

  if (temp != NULL)
    {
      if (result == GTK_PRINT_OPERATION_RESULT_APPLY && g_rename (temp, export_path) != 0)
        {
          int saved = errno;
          g_autofree char *display = g_filename_display_name (export_path);

          g_clear_error (&local_error);
          g_set_error (&local_error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("The PDF cannot be written to “%s”: %s"), display, g_strerror (saved));
          result = GTK_PRINT_OPERATION_RESULT_ERROR;
        }
      if (result != GTK_PRINT_OPERATION_RESULT_APPLY)
        g_unlink (temp);
    }
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      if (local_error == NULL)
        g_set_error_literal (&local_error, GTK_PRINT_ERROR, GTK_PRINT_ERROR_GENERAL,
                             _("The printer did not take the document."));
      g_propagate_error (error, g_steal_pointer (&local_error));
      return result;
    }

  if (result == GTK_PRINT_OPERATION_RESULT_APPLY && settings != NULL &&
      action != GTK_PRINT_OPERATION_ACTION_EXPORT)
    {
      GtkPrintSettings *used = gtk_print_operation_get_print_settings (operation);
      const char *name = used ? gtk_print_settings_get_printer (used) : NULL;
      g_autofree char *setup_key = g_strdup_printf ("%s-page-setup", kind);
      GtkPageSetup *used_setup = g_object_get_data (G_OBJECT (operation), "fd-used-page-setup");

      g_settings_set_string (settings, printer_key, name ? name : "");
      if (used_setup != NULL)
        g_settings_set_value (settings, setup_key, gtk_page_setup_to_gvariant (used_setup));
    }
  return result;
}

/**
 * fd_payments_set_print_export:
 * @path: (nullable): a PDF file, or %NULL to print normally again
 *
 * Sends every print of the cashier's screens through GtkPrintOperation's
 * export to @path instead of the print dialog: the whole print path runs,
 * without a printer. For tests and for making screenshots.
 */
void
fd_payments_set_print_export (const char *path)
{
  g_free (print_export_path);
  print_export_path = g_strdup (path);
}

/**
 * fd_payments_print_interactive:
 * @parent: a widget of the window printing
 * @document: what to print
 * @kind: "receipt" or "statement"
 *
 * Shows the print dialog and says plainly when printing failed.
 */
void
fd_payments_print_interactive (GtkWidget  *parent,
                               FdDocument *document,
                               const char *kind)
{
  g_autoptr(GError) error = NULL;

  if (fd_payments_print (parent, document, kind, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, NULL, &error) ==
      GTK_PRINT_OPERATION_RESULT_ERROR)
    fd_payments_show_error (parent, _("Could Not Print"),
                            error ? error->message : _("The printer did not take the document."));
}

/**
 * fd_payments_pdf_paper:
 * @kind: "receipt" or "statement"
 *
 * Returns: (transfer full): the paper a PDF of @kind is laid out for: that of
 *   its remembered page set-up
 */
char *
fd_payments_pdf_paper (const char *kind)
{
  g_autoptr(GSettings) settings = fd_view_settings ();
  g_autoptr(GtkPageSetup) setup = load_page_setup (settings, kind);
  double width;

  if (setup == NULL)
    return g_strdup (g_strcmp0 (kind, FD_PRINT_KIND_RECEIPT) == 0 ? FD_DOCUMENT_PAPER_ROLL
                                                                  : FD_DOCUMENT_PAPER_LETTER);
  width = gtk_page_setup_get_paper_width (setup, GTK_UNIT_POINTS);
  if (width <= ROLL_MAX_WIDTH)
    return g_strdup (FD_DOCUMENT_PAPER_ROLL);
  if (width < 600)
    return g_strdup (FD_DOCUMENT_PAPER_A4);
  return g_strdup (FD_DOCUMENT_PAPER_LETTER);
}

typedef struct
{
  GtkWidget  *parent;
  FdDocument *document;
  char       *kind;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->parent);
  g_clear_pointer (&data->document, fd_document_free);
  g_free (data->kind);
  g_free (data);
}

static void
save_response_cb (GtkNativeDialog *chooser,
                  int              response,
                  SaveData        *data)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      g_autofree char *paper = fd_payments_pdf_paper (data->kind);
      g_autoptr(GError) error = NULL;

      if (path == NULL)
        fd_payments_show_error (data->parent, _("Could Not Save the PDF"),
                                _("Choose a folder on this computer."));
      else if (!fd_document_write_pdf (data->document, path, paper, NULL, NULL, NULL, &error))
        fd_payments_show_error (data->parent, _("Could Not Save the PDF"), error->message);
    }
  save_data_free (data);
  g_object_unref (chooser);
}

/**
 * fd_payments_save_pdf:
 * @parent: a widget of the window saving
 * @document: (transfer full): what to save
 * @kind: "receipt" or "statement": whose paper
 * @suggested_name: the file name offered
 *
 * Asks where, then writes the PDF whole or not at all.
 */
void
fd_payments_save_pdf (GtkWidget  *parent,
                      FdDocument *document,
                      const char *kind,
                      const char *suggested_name)
{
  GtkRoot *root = gtk_widget_get_root (parent);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  SaveData *data = g_new0 (SaveData, 1);

  data->parent = g_object_ref (parent);
  data->document = document;
  data->kind = g_strdup (kind);

  chooser = gtk_file_chooser_native_new (_("Save as PDF"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested_name);
  g_signal_connect (chooser, "response", G_CALLBACK (save_response_cb), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
