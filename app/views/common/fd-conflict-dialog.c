/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdConflictDialog"

#include "config.h"

#include <glib/gi18n.h>

#include "fd-conflict-dialog.h"
#include "fd-fhir.h"

/* A record changed here and, differently, on the server: the two versions
 * side by side, field by field, and a person chooses. */
struct _FdConflictDialog
{
  AdwWindow       parent_instance;

  FdStore        *store;
  char           *type;
  char           *id;
  guint           n_fields;

  AdwWindowTitle *window_title;
  GtkLabel       *intro_label;
  GtkGrid        *grid;
  GtkButton      *mine_button;
  GtkButton      *theirs_button;
};

G_DEFINE_FINAL_TYPE (FdConflictDialog, fd_conflict_dialog, ADW_TYPE_WINDOW)

enum {
  RESOLVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Helpers */

static const char *
field_label (const char *key)
{
  static const struct { const char *key; const char *label; } labels[] = {
    { "name", N_("Name") }, { "telecom", N_("Phone and email") }, { "address", N_("Address") },
    { "birthDate", N_("Birth date") }, { "gender", N_("Gender") }, { "contact", N_("Emergency contact") },
    { "communication", N_("Language") }, { "identifier", N_("Identifiers") }, { "status", N_("Status") },
    { "start", N_("Start") }, { "end", N_("End") }, { "participant", N_("Participants") },
    { "active", N_("Active") }, { "extension", N_("Other details") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (key, labels[i].key))
      return _(labels[i].label);
  return key;
}

/* A field's value in words, as far as the desk knows how to say it */
static char *
field_text (const char *key,
            JsonNode   *node)
{
  g_autoptr(JsonGenerator) generator = NULL;
  g_autofree char *json = NULL;

  if (node == NULL)
    return g_strdup (_("(none)"));
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(GString) out = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *item = fd_fhir_array_object (array, i);
          g_autofree char *text = NULL;

          if (g_str_equal (key, "name"))
            text = fd_fhir_human_name_display (item, TRUE);
          else if (g_str_equal (key, "address"))
            text = fd_fhir_address_display (item);
          else if (g_str_equal (key, "telecom") && fd_fhir_get_string (item, "value"))
            text = g_strdup (fd_fhir_get_string (item, "value"));
          if (text == NULL)
            break;
          g_string_append_printf (out, "%s%s", out->len ? "\n" : "", text);
        }
      if (out->len > 0 || json_array_get_length (array) == 0)
        return out->len ? g_string_free (g_steal_pointer (&out), FALSE) : g_strdup (_("(none)"));
    }

  generator = json_generator_new ();
  json_generator_set_root (generator, node);
  json = json_generator_to_data (generator, NULL);
  if (g_utf8_strlen (json, -1) > 120)
    {
      g_autofree char *cut = g_utf8_substring (json, 0, 117);
      return g_strconcat (cut, "…", NULL);
    }
  return g_steal_pointer (&json);
}

static GtkWidget *
value_label (const char *text,
             gboolean    heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_yalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 32);
  gtk_label_set_selectable (GTK_LABEL (label), !heading);
  gtk_widget_add_css_class (label, heading ? "dim-label" : "body");
  return label;
}

static void
fill (FdConflictDialog *self,
      JsonObject       *mine,
      JsonObject       *theirs)
{
  g_autoptr(GList) mine_keys = json_object_get_members (mine);
  g_autoptr(GList) theirs_keys = json_object_get_members (theirs);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  guint row = 1;

  for (GList *l = mine_keys; l; l = l->next)
    g_ptr_array_add (keys, l->data);
  for (GList *l = theirs_keys; l; l = l->next)
    if (!g_ptr_array_find_with_equal_func (keys, l->data, g_str_equal, NULL))
      g_ptr_array_add (keys, l->data);

  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      JsonNode *m = json_object_get_member (mine, key);
      JsonNode *t = json_object_get_member (theirs, key);
      g_autofree char *mine_text = NULL;
      g_autofree char *theirs_text = NULL;

      if (g_str_equal (key, "meta") || (m && t && json_node_equal (m, t)))
        continue;

      mine_text = field_text (key, m);
      theirs_text = field_text (key, t);
      gtk_grid_attach (self->grid, value_label (field_label (key), TRUE), 0, (int) row, 1, 1);
      gtk_grid_attach (self->grid, value_label (mine_text, FALSE), 1, (int) row, 1, 1);
      gtk_grid_attach (self->grid, value_label (theirs_text, FALSE), 2, (int) row, 1, 1);
      row++;
      self->n_fields++;
    }
}

static void
resolve (FdConflictDialog *self,
         gboolean          keep_mine)
{
  g_autoptr(GError) error = NULL;

  if (!fd_store_resolve_conflict (self->store, self->type, self->id, keep_mine, &error))
    {
      gtk_label_set_label (self->intro_label, error->message);
      return;
    }

  g_signal_emit (self, signals[RESOLVED], 0);
  gtk_window_close (GTK_WINDOW (self));
}

/* Callbacks */

static void
keep_mine_clicked_cb (FdConflictDialog *self)
{
  resolve (self, TRUE);
}

static void
keep_theirs_clicked_cb (FdConflictDialog *self)
{
  resolve (self, FALSE);
}

/* Object */

static void
fd_conflict_dialog_finalize (GObject *object)
{
  FdConflictDialog *self = (FdConflictDialog *)object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->type, g_free);
  g_clear_pointer (&self->id, g_free);

  G_OBJECT_CLASS (fd_conflict_dialog_parent_class)->finalize (object);
}

static void
fd_conflict_dialog_class_init (FdConflictDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = fd_conflict_dialog_finalize;

  /**
   * FdConflictDialog::resolved:
   *
   * A version was chosen; the store already holds the choice.
   */
  signals[RESOLVED] =
    g_signal_new ("resolved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/frontdesk/Frontdesk/ui/common/fd-conflict-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FdConflictDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, FdConflictDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, FdConflictDialog, grid);
  gtk_widget_class_bind_template_child (widget_class, FdConflictDialog, mine_button);
  gtk_widget_class_bind_template_child (widget_class, FdConflictDialog, theirs_button);
  gtk_widget_class_bind_template_callback (widget_class, keep_mine_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, keep_theirs_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fd_conflict_dialog_init (FdConflictDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * fd_conflict_dialog_new:
 * @parent: (nullable): the station's window
 * @store: the store
 * @entry: a parked outbox entry of kind "conflict"
 *
 * Returns: (transfer none): a new dialog, not yet shown
 */
FdConflictDialog *
fd_conflict_dialog_new (GtkWindow     *parent,
                        FdStore       *store,
                        FdOutboxEntry *entry)
{
  FdConflictDialog *self = g_object_new (FD_TYPE_CONFLICT_DIALOG, "transient-for", parent, NULL);
  g_autoptr(JsonObject) mine = fd_fhir_parse (entry->json, -1, NULL);
  g_autoptr(JsonObject) theirs = entry->theirs ? fd_fhir_parse (entry->theirs, -1, NULL) : NULL;
  g_autofree char *intro = NULL;
  g_autofree char *name = NULL;

  self->store = g_object_ref (store);
  self->type = g_strdup (entry->type);
  self->id = g_strdup (entry->id);

  if (mine != NULL && g_str_equal (entry->type, "Patient"))
    name = fd_fhir_patient_display (mine);
  if (name == NULL || *name == '\0')
    {
      g_free (name);
      name = g_strdup_printf ("%s %.8s…", entry->type, entry->id);
    }
  adw_window_title_set_subtitle (self->window_title, name);
  intro = g_strdup_printf (_("%s was changed at this desk and, differently, by someone else on the clinic server. "
                             "Choose the version to keep; the other is discarded."), name);
  gtk_label_set_label (self->intro_label, intro);

  if (mine != NULL && theirs != NULL)
    fill (self, mine, theirs);

  /* Enter keeps what this desk typed; nothing is preselected in the values */
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->mine_button));
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->mine_button));

  return self;
}

guint
fd_conflict_dialog_get_n_fields (FdConflictDialog *self)
{
  g_return_val_if_fail (FD_IS_CONFLICT_DIALOG (self), 0);
  return self->n_fields;
}
