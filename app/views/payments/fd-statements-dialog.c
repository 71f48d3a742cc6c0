/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdStatementsDialog"

#include "config.h"

#include <glib/gi18n.h>

#include "fd-payments-util.h"
#include "fd-statements-dialog.h"
#include "fd-store-ledger.h"
#include "fd-view-util.h"

struct _FdStatementsDialog
{
  AdwWindow       parent_instance;

  FdStore        *store;
  GCancellable   *cancellable;
  gboolean        running;
  guint           done;
  guint           total;
  char           *status;

  GtkEntry       *min_entry;
  GtkSpinButton  *days_spin;
  GtkProgressBar *progress_bar;
  GtkLabel       *status_label;
  GtkButton      *cancel_button;
  GtkButton      *print_button;
  GtkButton      *pdf_button;
};

G_DEFINE_FINAL_TYPE (FdStatementsDialog, fd_statements_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  FdStatementsDialog *self;
  char               *db_path;
  char               *pdf_path;   /* NULL: build for the printer */
  gint64              min_cents;
  guint               days;
  GDate               today;
  FdDocumentClinic    clinic;
} RunData;

typedef struct
{
  FdStatementsDialog *self;
  guint               done;
  guint               total;
} ProgressData;

/* Helpers */

static void
run_data_free (RunData *data)
{
  g_clear_object (&data->self);
  g_free (data->db_path);
  g_free (data->pdf_path);
  fd_payments_clear_clinic (&data->clinic);
  g_free (data);
}

static void
set_status (FdStatementsDialog *self,
            const char         *status)
{
  g_free (self->status);
  self->status = g_strdup (status);
  gtk_label_set_label (self->status_label, status ? status : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), status != NULL);
}

static void
set_running (FdStatementsDialog *self,
             gboolean            running)
{
  self->running = running;
  /* Focus moves to what can still be pressed before the rest goes
   * insensitive: a focused field that turns insensitive loses its focus-out */
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->print_button), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->pdf_button), !running);
  gtk_widget_grab_focus (running ? GTK_WIDGET (self->cancel_button) : GTK_WIDGET (self->print_button));
  gtk_widget_set_sensitive (GTK_WIDGET (self->pdf_button), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->min_entry), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->days_spin), !running);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
show_progress (FdStatementsDialog *self)
{
  /* Translators: statements written so far, of how many */
  g_autofree char *text = g_strdup_printf (_("%1$u of %2$u statements"), self->done, self->total);

  gtk_progress_bar_set_fraction (self->progress_bar, self->total ? (double) self->done / self->total : 0);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static gboolean
progress_idle_cb (gpointer user_data)
{
  ProgressData *data = user_data;

  data->self->done = data->done;
  data->self->total = data->total;
  show_progress (data->self);
  return G_SOURCE_REMOVE;
}

static void
progress_data_free (ProgressData *data)
{
  g_object_unref (data->self);
  g_free (data);
}

/* Runs on the worker thread */
static void
progress_cb (guint    done,
             guint    total,
             gpointer user_data)
{
  RunData *run = user_data;
  ProgressData *data = g_new0 (ProgressData, 1);

  data->self = g_object_ref (run->self);
  data->done = done;
  data->total = total;
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, progress_idle_cb, data,
                              (GDestroyNotify) progress_data_free);
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  RunData *run = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = fd_store_open (run->db_path, &error);
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(FdDocument) document = NULL;

  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  groups = fd_ledger_list_statement_groups (store, run->min_cents, run->days, &run->today, &error);
  if (groups == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  progress_cb (0, groups->len, run);

  if (groups->len == 0)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  document = fd_document_new_statements (store, groups, &run->today, &run->clinic, cancellable, &error);
  if (document == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (run->pdf_path != NULL)
    {
      g_autofree char *paper = NULL;

      paper = g_strdup (FD_DOCUMENT_PAPER_LETTER);
      if (!fd_document_write_pdf (document, run->pdf_path, paper, progress_cb, run, cancellable, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  g_task_return_pointer (task, g_steal_pointer (&document), (GDestroyNotify) fd_document_free);
}

static void
record (FdStatementsDialog *self,
        FdDocument         *document)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) patient_ids = NULL;
  GDate today;

  g_date_set_time_t (&today, time (NULL));
  patient_ids = fd_document_get_patient_ids (document);
  if (!fd_ledger_record_statements (self->store, (const char * const *) patient_ids, &today, &error))
    g_warning ("Could not record the statement dates: %s", error->message);
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  FdStatementsDialog *self = FD_STATEMENTS_DIALOG (object);
  RunData *run = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(FdDocument) document = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *status = NULL;

  set_running (self, FALSE);
  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        status = g_strdup (_("Stopped. No statement was sent and no file was written."));
      else
        status = g_strdup_printf (_("The statements could not be made: %s"), error->message);
      set_status (self, status);
      return;
    }
  if (document == NULL)
    {
      set_status (self, _("No account is due a statement."));
      return;
    }

  if (run->pdf_path == NULL)
    {
      g_autoptr(GError) print_error = NULL;
      GtkPrintOperationResult printed;

      printed = fd_payments_print (GTK_WIDGET (self), document, FD_PRINT_KIND_STATEMENT,
                                   GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, NULL, &print_error);
      if (printed == GTK_PRINT_OPERATION_RESULT_ERROR)
        {
          status = g_strdup_printf (_("Could not print: %s"), print_error ? print_error->message : "");
          set_status (self, status);
          return;
        }
      if (printed != GTK_PRINT_OPERATION_RESULT_APPLY)
        {
          set_status (self, _("Printing was cancelled; no statement date was recorded."));
          return;
        }
    }

  record (self, document);
  self->done = self->total = fd_document_get_n_statements (document);
  show_progress (self);
  status = g_strdup_printf (ngettext ("%u statement made; the statement date is recorded on each account it covers.",
                                      "%u statements made; the statement date is recorded on each account they cover.",
                                      self->total), self->total);
  set_status (self, status);
}

static void
start_run (FdStatementsDialog *self,
           const char         *pdf_path)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = fd_view_settings ();
  RunData *run;
  gint64 min_cents = 0;
  const char *min_text = gtk_editable_get_text (GTK_EDITABLE (self->min_entry));

  if (!fd_payments_parse_amount (min_text, TRUE, &min_cents, &error))
    {
      set_status (self, error->message);
      return;
    }
  if (settings != NULL)
    {
      g_settings_set_int64 (settings, "statement-min-balance", min_cents);
      g_settings_set_uint (settings, "statement-interval-days", (guint) gtk_spin_button_get_value_as_int (self->days_spin));
    }

  run = g_new0 (RunData, 1);
  run->self = g_object_ref (self);
  run->db_path = g_strdup (fd_store_get_path (self->store));
  run->pdf_path = g_strdup (pdf_path);
  run->min_cents = min_cents;
  run->days = (guint) gtk_spin_button_get_value_as_int (self->days_spin);
  g_date_set_time_t (&run->today, time (NULL));
  fd_payments_load_clinic (&run->clinic);

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->done = self->total = 0;
  set_status (self, NULL);
  set_running (self, TRUE);
  show_progress (self);

  task = g_task_new (self, self->cancellable, run_done_cb, NULL);
  g_task_set_source_tag (task, start_run);
  g_task_set_task_data (task, run, (GDestroyNotify) run_data_free);
  g_task_run_in_thread (task, run_thread);
}

/* Callbacks */

static void
cancel_clicked_cb (FdStatementsDialog *self)
{
  fd_statements_dialog_cancel (self);
}

static void
print_clicked_cb (FdStatementsDialog *self)
{
  start_run (self, NULL);
}

static void
pdf_response_cb (GtkNativeDialog    *chooser,
                 int                 response,
                 FdStatementsDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        start_run (self, path);
      else
        set_status (self, _("Choose a folder on this computer."));
    }
  g_object_unref (chooser);
}

static void
pdf_clicked_cb (FdStatementsDialog *self)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Save Statements as PDF"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("statements.pdf"));
  g_signal_connect (chooser, "response", G_CALLBACK (pdf_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Object */

static void
fd_statements_dialog_dispose (GObject *object)
{
  FdStatementsDialog *self = (FdStatementsDialog *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_STATEMENTS_DIALOG);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fd_statements_dialog_parent_class)->dispose (object);
}

static void
fd_statements_dialog_finalize (GObject *object)
{
  FdStatementsDialog *self = (FdStatementsDialog *)object;

  g_free (self->status);

  G_OBJECT_CLASS (fd_statements_dialog_parent_class)->finalize (object);
}

static void
fd_statements_dialog_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  FdStatementsDialog *self = FD_STATEMENTS_DIALOG (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_statements_dialog_class_init (FdStatementsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_statements_dialog_dispose;
  object_class->finalize = fd_statements_dialog_finalize;
  object_class->get_property = fd_statements_dialog_get_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/frontdesk/Frontdesk/ui/payments/fd-statements-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FdStatementsDialog, min_entry);
  gtk_widget_class_bind_template_child (widget_class, FdStatementsDialog, days_spin);
  gtk_widget_class_bind_template_child (widget_class, FdStatementsDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, FdStatementsDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, FdStatementsDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, FdStatementsDialog, print_button);
  gtk_widget_class_bind_template_child (widget_class, FdStatementsDialog, pdf_button);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, print_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, pdf_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fd_statements_dialog_init (FdStatementsDialog *self)
{
  g_autoptr(GSettings) settings = fd_view_settings ();
  gint64 min_cents = settings ? g_settings_get_int64 (settings, "statement-min-balance") : 1000;
  FdMoneyStyle style;
  g_autofree char *min_text = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  fd_payments_guard_editable (GTK_EDITABLE (self->min_entry), _("Smallest balance"), self->status_label);
  fd_money_style_from_locale (&style);
  min_text = g_strdup_printf ("%" G_GINT64_FORMAT "%s%02d", min_cents / 100, style.decimal, (int) (min_cents % 100));
  gtk_editable_set_text (GTK_EDITABLE (self->min_entry), min_text);
  if (settings != NULL)
    gtk_spin_button_set_value (self->days_spin, g_settings_get_uint (settings, "statement-interval-days"));
}

/**
 * fd_statements_dialog_new:
 * @store: the store
 *
 * Returns: (transfer none): a new dialog, not shown
 */
FdStatementsDialog *
fd_statements_dialog_new (FdStore *store)
{
  FdStatementsDialog *self = g_object_new (FD_TYPE_STATEMENTS_DIALOG, NULL);

  self->store = g_object_ref (store);
  return self;
}

/**
 * fd_statements_dialog_run_to_pdf:
 * @self: the dialog
 * @path: the PDF to write
 *
 * Starts the run as "Save as PDF…" does once a file is chosen.
 */
void
fd_statements_dialog_run_to_pdf (FdStatementsDialog *self,
                                 const char         *path)
{
  g_return_if_fail (FD_IS_STATEMENTS_DIALOG (self));
  start_run (self, path);
}

/**
 * fd_statements_dialog_cancel:
 * @self: the dialog
 *
 * Stops a run: nothing is written and no statement date recorded.
 */
void
fd_statements_dialog_cancel (FdStatementsDialog *self)
{
  g_return_if_fail (FD_IS_STATEMENTS_DIALOG (self));
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

/**
 * fd_statements_dialog_get_running:
 * @self: the dialog
 *
 * Returns: whether a run is under way
 */
gboolean
fd_statements_dialog_get_running (FdStatementsDialog *self)
{
  g_return_val_if_fail (FD_IS_STATEMENTS_DIALOG (self), FALSE);
  return self->running;
}

/**
 * fd_statements_dialog_get_done:
 * @self: the dialog
 *
 * Returns: statements finished in the run, as the progress bar shows
 */
guint
fd_statements_dialog_get_done (FdStatementsDialog *self)
{
  g_return_val_if_fail (FD_IS_STATEMENTS_DIALOG (self), 0);
  return self->done;
}

/**
 * fd_statements_dialog_get_total:
 * @self: the dialog
 *
 * Returns: statements in the run
 */
guint
fd_statements_dialog_get_total (FdStatementsDialog *self)
{
  g_return_val_if_fail (FD_IS_STATEMENTS_DIALOG (self), 0);
  return self->total;
}

/**
 * fd_statements_dialog_get_status:
 * @self: the dialog
 *
 * Returns: (nullable): how the last run ended
 */
const char *
fd_statements_dialog_get_status (FdStatementsDialog *self)
{
  g_return_val_if_fail (FD_IS_STATEMENTS_DIALOG (self), NULL);
  return self->status;
}
