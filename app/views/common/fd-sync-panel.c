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
 * stuck; a conflict opens the side-by-side choice. */
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
      else if (g_strcmp0 (entry->state, "parked") == 0)
        gtk_widget_add_css_class (row, "error");

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
