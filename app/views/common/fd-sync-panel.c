/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdSyncPanel"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "fd-conflict-dialog.h"
#include "fd-dates.h"
#include "fd-fhir.h"
#include "fd-sync-panel.h"

/* What the "Sync status" button opens: the state in words, and every change
 * made here that the server does not have yet, with the reason when it is
 * stuck; a conflict opens the side-by-side choice, a change the server
 * refused can be sent again or, unless it is financial, discarded. */
struct _FdSyncPanel
{
  GtkWidget      parent_instance;

  FdStore       *store;
  FdSyncService *service;
  guint          n_changes;

  GtkLabel      *detail_label;
  GtkButton     *sync_now_button;
  GtkLabel      *changes_heading;
  GtkWidget     *changes_scroller;
  GtkListBox    *changes_list;
};

G_DEFINE_FINAL_TYPE (FdSyncPanel, fd_sync_panel, GTK_TYPE_WIDGET)

/* Helpers */

static char *
describe_record (FdOutboxEntry *entry)
{
  g_autoptr(JsonObject) resource = fd_fhir_parse (entry->json, -1, NULL);

  if (resource != NULL && g_str_equal (entry->type, "Patient"))
    {
      g_autofree char *name = fd_fhir_patient_display (resource);

      if (*name)
        return g_strdup_printf (_("Patient %s"), name);
    }
  if (resource != NULL && g_str_equal (entry->type, "PaymentReconciliation"))
    {
      const char *receipt = fd_fhir_get_string (fd_fhir_get_object (resource, "paymentIdentifier"), "value");

      /* Translators: a payment taken at the desk, by its receipt number */
      if (receipt != NULL)
        return g_strdup_printf (_("Payment, receipt %s"), receipt);
    }
  /* Translators: a record without a better name: "Appointment 1f3e…" */
  return g_strdup_printf (_("%s %.8s…"), entry->type, entry->id);
}

static char *
describe_state (FdOutboxEntry *entry)
{
  g_autoptr(GDateTime) created = g_date_time_new_from_iso8601 (entry->created_at, NULL);
  g_autoptr(GDateTime) local = created ? g_date_time_to_local (created) : NULL;
  g_autofree char *when = local ? fd_time_format_short (local) : g_strdup ("");

  if (g_strcmp0 (entry->state, "parked") == 0)
    return g_strdup (entry->error ? entry->error : _("The server did not take this change"));
  /* Translators: "Made at 10:42, waiting for the server" */
  return g_strdup_printf (_("Made at %s, waiting for the server"), when);
}

static void
conflict_resolved_cb (FdSyncPanel *self)
{
  if (self->service != NULL)
    fd_sync_service_sync_now (self->service);
  fd_sync_panel_reload (self);
}

static void
compare_clicked_cb (GtkButton   *button,
                    FdSyncPanel *self)
{
  FdOutboxEntry *entry = g_object_get_data (G_OBJECT (button), "entry");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_POPOVER);
  FdConflictDialog *dialog;

  /* The popover's root is the window it belongs to */
  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
  dialog = fd_conflict_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->store, entry);
  g_signal_connect_object (dialog, "resolved", G_CALLBACK (conflict_resolved_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The window the panel's popover belongs to, with the popover closed: a
 * dialog comes next */
static GtkWindow *
close_popover (FdSyncPanel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_POPOVER);

  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_error (FdSyncPanel *self,
            const char  *heading,
            GError      *error)
{
  GtkWidget *dialog = adw_message_dialog_new (close_popover (self), heading, error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The outbox entries of one record, oldest first; %NULL if it has none */
static GPtrArray *
record_entries (FdSyncPanel *self,
                const char  *type,
                const char  *id)
{
  g_autoptr(GPtrArray) entries = fd_store_list_outbox (self->store, TRUE, NULL);
  g_autoptr(GPtrArray) mine = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_outbox_entry_free);

  for (guint i = entries ? entries->len : 0; i > 0; i--)
    {
      FdOutboxEntry *entry = g_ptr_array_index (entries, i - 1);

      if (g_str_equal (entry->type, type) && g_str_equal (entry->id, id))
        g_ptr_array_insert (mine, 0, g_ptr_array_steal_index (entries, i - 1));
    }
  return mine->len > 0 ? g_steal_pointer (&mine) : NULL;
}

static void
retry_action_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FdSyncPanel *self = FD_SYNC_PANEL (widget);
  g_auto(GStrv) parts = g_strsplit (g_variant_get_string (parameter, NULL), "/", 2);
  g_autoptr(GError) error = NULL;

  if (self->store == NULL || g_strv_length (parts) != 2)
    return;
  if (!fd_store_retry_parked (self->store, parts[0], parts[1], &error))
    {
      show_error (self, _("The Change Cannot Be Sent Again"), error);
      return;
    }
  if (self->service != NULL)
    fd_sync_service_sync_now (self->service);
  fd_sync_panel_reload (self);
}

static void
discard_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     FdSyncPanel      *self)
{
  const char *record = g_object_get_data (G_OBJECT (dialog), "record");
  g_auto(GStrv) parts = g_strsplit (record, "/", 2);
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "discard") || self->store == NULL)
    return;
  if (!fd_store_discard_parked (self->store, parts[0], parts[1], &error))
    {
      show_error (self, _("The Change Cannot Be Discarded"), error);
      return;
    }

  /* The server's version comes back with the sync, or when the server does */
  if (self->service != NULL)
    fd_sync_service_sync_now (self->service);
  fd_sync_panel_reload (self);
}

static void
discard_action_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FdSyncPanel *self = FD_SYNC_PANEL (widget);
  const char *record = g_variant_get_string (parameter, NULL);
  g_auto(GStrv) parts = g_strsplit (record, "/", 2);
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *name = NULL;
  g_autofree char *version = NULL;
  g_autofree char *body = NULL;
  gboolean sent = FALSE;
  GtkWidget *dialog;

  if (self->store == NULL || g_strv_length (parts) != 2 ||
      (entries = record_entries (self, parts[0], parts[1])) == NULL)
    return;

  name = describe_record (g_ptr_array_index (entries, entries->len - 1));
  version = fd_store_get_version (self->store, parts[0], parts[1]);
  for (guint i = 0; i < entries->len; i++)
    sent |= ((FdOutboxEntry *) g_ptr_array_index (entries, i))->sent;
  if (version == NULL && sent)
    body = g_strdup_printf (_("“%s” was made at this desk; it was sent once, but no answer came. "
                              "Discarding it removes it from this station, and the server’s copy, "
                              "if it has one, comes back with the next sync."), name);
  else if (version == NULL)
    body = g_strdup_printf (_("“%s” was made at this desk and the server never took it. "
                              "Discarding it removes it from this station for good."), name);
  else
    body = g_strdup_printf (_("What was changed at this desk in “%s” will be lost: the record goes back "
                              "to the server’s version."), name);

  dialog = adw_message_dialog_new (close_popover (self), _("Discard Change?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard Change"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "record", g_strdup (record), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (discard_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
action_button (const char *label,
               const char *action,
               const char *record)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", record);
  return button;
}

static GtkWidget *
wrapped_label (const char *text,
               const char *style)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (style != NULL)
    gtk_widget_add_css_class (label, style);
  return label;
}

/* A change the server refused: the record, the server's reason at full
 * width, and below them the ways out: send it again, or give it up.
 * Financial records are append-only: they can only go again, and the row
 * says so. */
static GtkWidget *
refused_row (FdOutboxEntry *entry,
             const char    *title,
             const char    *reason)
{
  g_autofree char *record = g_strdup_printf ("%s/%s", entry->type, entry->id);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *heading = wrapped_label (title, "error");

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_box_append (GTK_BOX (box), heading);
  gtk_box_append (GTK_BOX (box), wrapped_label (reason, "caption"));

  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_widget_set_margin_top (buttons, 6);
  if (fd_store_is_append_only (entry->type))
    gtk_box_append (GTK_BOX (box),
                    wrapped_label (_("Payments and other financial records are never discarded, so that no money goes unrecorded: once the cause is fixed on the server, send it again."),
                                   "dim-label"));
  else
    {
      GtkWidget *discard = action_button (_("_Discard Change"), "sync-panel.discard", record);

      gtk_widget_add_css_class (discard, "destructive-action");
      gtk_box_append (GTK_BOX (buttons), discard);
    }
  gtk_box_append (GTK_BOX (buttons), action_button (_("_Retry"), "sync-panel.retry", record));
  gtk_box_append (GTK_BOX (box), buttons);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, reason, -1);
  return row;
}

static void
sync_now_clicked_cb (FdSyncPanel *self)
{
  if (self->service != NULL)
    fd_sync_service_sync_now (self->service);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))))
    gtk_list_box_remove (list, child);
}

/* Object */

static void
fd_sync_panel_dispose (GObject *object)
{
  FdSyncPanel *self = (FdSyncPanel *)object;
  GtkWidget *child;

  g_clear_object (&self->store);
  g_clear_object (&self->service);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_SYNC_PANEL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (fd_sync_panel_parent_class)->dispose (object);
}

static void
fd_sync_panel_class_init (FdSyncPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_sync_panel_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/frontdesk/Frontdesk/ui/common/fd-sync-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, FdSyncPanel, detail_label);
  gtk_widget_class_bind_template_child (widget_class, FdSyncPanel, sync_now_button);
  gtk_widget_class_bind_template_child (widget_class, FdSyncPanel, changes_heading);
  gtk_widget_class_bind_template_child (widget_class, FdSyncPanel, changes_scroller);
  gtk_widget_class_bind_template_child (widget_class, FdSyncPanel, changes_list);
  gtk_widget_class_bind_template_callback (widget_class, sync_now_clicked_cb);
  gtk_widget_class_install_action (widget_class, "sync-panel.retry", "s", retry_action_cb);
  gtk_widget_class_install_action (widget_class, "sync-panel.discard", "s", discard_action_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
fd_sync_panel_init (FdSyncPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self->sync_now_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->changes_heading), FALSE);
  gtk_widget_set_visible (self->changes_scroller, FALSE);
}

void
fd_sync_panel_set_store (FdSyncPanel *self,
                         FdStore     *store)
{
  g_return_if_fail (FD_IS_SYNC_PANEL (self));
  g_set_object (&self->store, store);
  fd_sync_panel_reload (self);
}

void
fd_sync_panel_set_service (FdSyncPanel   *self,
                           FdSyncService *service)
{
  g_return_if_fail (FD_IS_SYNC_PANEL (self));
  g_set_object (&self->service, service);
  gtk_widget_set_visible (GTK_WIDGET (self->sync_now_button), service != NULL);
}

void
fd_sync_panel_set_detail (FdSyncPanel *self,
                          const char  *detail)
{
  g_return_if_fail (FD_IS_SYNC_PANEL (self));
  gtk_label_set_label (self->detail_label, detail);
}

/**
 * fd_sync_panel_reload:
 * @self: the panel
 *
 * Lists the outbox again: waiting changes, then the ones that need a person.
 */
void
fd_sync_panel_reload (FdSyncPanel *self)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GHashTable) shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;

  g_return_if_fail (FD_IS_SYNC_PANEL (self));

  clear_list (self->changes_list);
  self->n_changes = 0;
  if (self->store != NULL)
    {
      entries = fd_store_list_outbox (self->store, TRUE, &error);
      if (entries == NULL)
        g_warning ("Could not list the waiting changes: %s", error->message);
    }

  /* Newest first, one row per record: its latest change says it all */
  for (guint i = entries ? entries->len : 0; i > 0; i--)
    {
      FdOutboxEntry *entry = g_ptr_array_index (entries, i - 1);
      g_autofree char *key = g_strdup_printf ("%s/%s", entry->type, entry->id);
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      if (!g_hash_table_add (shown, g_steal_pointer (&key)))
        continue;

      title = describe_record (entry);
      subtitle = describe_state (entry);
      if (g_strcmp0 (entry->state, "parked") == 0 && g_strcmp0 (entry->kind, "conflict") != 0)
        {
          gtk_list_box_append (self->changes_list, refused_row (entry, title, subtitle));
          self->n_changes++;
          continue;
        }

      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);

      if (g_strcmp0 (entry->kind, "conflict") == 0)
        {
          GtkWidget *button = gtk_button_new_with_mnemonic (_("_Compare…"));

          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          g_object_set_data_full (G_OBJECT (button), "entry", g_ptr_array_steal_index (entries, i - 1),
                                  (GDestroyNotify) fd_outbox_entry_free);
          g_signal_connect (button, "clicked", G_CALLBACK (compare_clicked_cb), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
          gtk_widget_add_css_class (row, "warning");
        }

      gtk_list_box_append (self->changes_list, row);
      self->n_changes++;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->changes_heading), self->n_changes > 0);
  gtk_widget_set_visible (self->changes_scroller, self->n_changes > 0);
}

guint
fd_sync_panel_get_n_changes (FdSyncPanel *self)
{
  g_return_val_if_fail (FD_IS_SYNC_PANEL (self), 0);
  return self->n_changes;
}
