/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdAppointmentTable"

#include "config.h"

#include <glib/gi18n.h>

#include "fd-appointment-item.h"
#include "fd-appointment-table.h"
#include "fd-dates.h"
#include "fd-view-util.h"

/* A day's appointments as a table: the Check-in list and Chart Prep share it. */
struct _FdAppointmentTable
{
  GtkWidget         parent_instance;

  GListStore       *items;
  GtkColumnView    *column_view;
  GtkColumnViewColumn *status_column;
  GtkColumnViewColumn *missing_column;

  guint             show_status : 1;
  guint             show_missing : 1;
};

G_DEFINE_FINAL_TYPE (FdAppointmentTable, fd_appointment_table, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SHOW_STATUS,
  PROP_SHOW_MISSING,
  N_PROPS
};

enum {
  PATIENT_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef enum
{
  COLUMN_TIME,
  COLUMN_PATIENT,
  COLUMN_PROVIDER,
  COLUMN_STATUS,
  COLUMN_MISSING,
} Column;

/* Helpers */

/**
 * fd_appointment_missing_text:
 * @missing: #FdMissing flags
 *
 * Returns: (transfer full): what is missing, in words, or %NULL if nothing
 */
char *
fd_appointment_missing_text (guint missing)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  if (missing == FD_MISSING_NONE)
    return NULL;
  if (missing & FD_MISSING_COVERAGE)
    g_ptr_array_add (parts, (gpointer) _("No insurance on file"));
  if (missing & FD_MISSING_PHONE)
    g_ptr_array_add (parts, (gpointer) _("No phone"));
  if (missing & FD_MISSING_ADDRESS)
    g_ptr_array_add (parts, (gpointer) _("No address"));
  g_ptr_array_add (parts, NULL);

  return g_strjoinv (" · ", (char **) parts->pdata);
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (column == COLUMN_TIME)
    gtk_widget_add_css_class (label, "numeric");
  if (column == COLUMN_STATUS)
    {
      gtk_widget_set_halign (label, GTK_ALIGN_START);
      gtk_widget_add_css_class (label, "status-pill");
    }
  if (column == COLUMN_MISSING)
    gtk_widget_add_css_class (label, "missing");
  gtk_list_item_set_child (list_item, label);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item,
         gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  FdAppointmentItem *item = gtk_list_item_get_item (list_item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));

  switch (column)
    {
    case COLUMN_TIME:
      {
        g_autoptr(GDateTime) start = g_date_time_new_from_unix_local (fd_appointment_item_get_start (item));
        g_autofree char *text = start ? fd_time_format_short (start) : g_strdup ("");

        gtk_label_set_label (label, text);
      }
      break;

    case COLUMN_PATIENT:
      gtk_label_set_label (label, fd_appointment_item_get_patient_display (item));
      break;

    case COLUMN_PROVIDER:
      gtk_label_set_label (label, fd_appointment_item_get_practitioner_display (item));
      break;

    case COLUMN_STATUS:
      {
        const char *status = fd_appointment_item_get_status (item);
        g_autofree char *css = g_strdup_printf ("status-%s", status);
        const char *classes[] = { "status-pill", css, NULL };

        gtk_label_set_label (label, fd_appointment_status_label (status));
        gtk_widget_set_css_classes (GTK_WIDGET (label), classes);
      }
      break;

    case COLUMN_MISSING:
      {
        g_autofree char *text = fd_appointment_missing_text (fd_appointment_item_get_missing (item));

        gtk_label_set_label (label, text ? text : _("Complete"));
        if (text)
          {
            gtk_widget_add_css_class (GTK_WIDGET (label), "warning");
            gtk_widget_remove_css_class (GTK_WIDGET (label), "dim-label");
          }
        else
          {
            gtk_widget_remove_css_class (GTK_WIDGET (label), "warning");
            gtk_widget_add_css_class (GTK_WIDGET (label), "dim-label");
          }
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

static GtkColumnViewColumn *
add_column (FdAppointmentTable *self,
            const char         *title,
            Column              column,
            gboolean            expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), GINT_TO_POINTER (column));
  col = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (col, expand);
  gtk_column_view_column_set_resizable (col, TRUE);
  gtk_column_view_append_column (self->column_view, col);
  g_object_unref (col);

  return col;
}

static void
activated_cb (GtkColumnView      *column_view,
              guint               position,
              FdAppointmentTable *self)
{
  g_autoptr(FdAppointmentItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), position);

  if (item != NULL && fd_appointment_item_get_patient_id (item) != NULL)
    g_signal_emit (self, signals[PATIENT_ACTIVATED], 0, fd_appointment_item_get_patient_id (item));
}

/* Object */

static void
fd_appointment_table_dispose (GObject *object)
{
  FdAppointmentTable *self = (FdAppointmentTable *)object;

  fd_view_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->items);

  G_OBJECT_CLASS (fd_appointment_table_parent_class)->dispose (object);
}

static void
fd_appointment_table_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  FdAppointmentTable *self = FD_APPOINTMENT_TABLE (object);

  switch (prop_id)
    {
    case PROP_SHOW_STATUS:
      g_value_set_boolean (value, self->show_status);
      break;
    case PROP_SHOW_MISSING:
      g_value_set_boolean (value, self->show_missing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_appointment_table_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  FdAppointmentTable *self = FD_APPOINTMENT_TABLE (object);
  gboolean b;

  switch (prop_id)
    {
    case PROP_SHOW_STATUS:
      b = g_value_get_boolean (value);
      if (b != self->show_status)
        {
          self->show_status = b;
          gtk_column_view_column_set_visible (self->status_column, b);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_SHOW_MISSING:
      b = g_value_get_boolean (value);
      if (b != self->show_missing)
        {
          self->show_missing = b;
          gtk_column_view_column_set_visible (self->missing_column, b);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_appointment_table_class_init (FdAppointmentTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_appointment_table_dispose;
  object_class->get_property = fd_appointment_table_get_property;
  object_class->set_property = fd_appointment_table_set_property;

  properties[PROP_SHOW_STATUS] =
    g_param_spec_boolean ("show-status", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SHOW_MISSING] =
    g_param_spec_boolean ("show-missing", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FdAppointmentTable::patient-activated:
   * @patient_id: the id of the patient of the activated row
   */
  signals[PATIENT_ACTIVATED] =
    g_signal_new ("patient-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
fd_appointment_table_init (FdAppointmentTable *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkSelectionModel *selection;

  self->items = g_list_store_new (FD_TYPE_APPOINTMENT_ITEM);
  selection = GTK_SELECTION_MODEL (gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->items))));
  self->column_view = GTK_COLUMN_VIEW (gtk_column_view_new (selection));
  gtk_column_view_set_show_row_separators (self->column_view, TRUE);
  gtk_column_view_set_single_click_activate (self->column_view, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->column_view), "data-table");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Appointments"), -1);
  g_signal_connect (self->column_view, "activate", G_CALLBACK (activated_cb), self);

  add_column (self, _("Time"), COLUMN_TIME, FALSE);
  add_column (self, _("Patient"), COLUMN_PATIENT, TRUE);
  add_column (self, _("Provider"), COLUMN_PROVIDER, TRUE);
  self->status_column = add_column (self, _("Status"), COLUMN_STATUS, FALSE);
  self->missing_column = add_column (self, _("Missing"), COLUMN_MISSING, TRUE);
  self->show_status = TRUE;
  gtk_column_view_column_set_visible (self->missing_column, FALSE);

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->column_view));
  gtk_widget_set_parent (scrolled, GTK_WIDGET (self));
}

/**
 * fd_appointment_table_set_items:
 * @self: the table
 * @items: (element-type FdAppointmentItem): the rows to show
 */
void
fd_appointment_table_set_items (FdAppointmentTable *self,
                                GPtrArray          *items)
{
  g_return_if_fail (FD_IS_APPOINTMENT_TABLE (self));

  g_list_store_splice (self->items, 0, g_list_model_get_n_items (G_LIST_MODEL (self->items)),
                       items ? items->pdata : NULL, items ? items->len : 0);
}

/**
 * fd_appointment_table_get_model:
 * @self: the table
 *
 * Returns: (transfer none): the rows, of #FdAppointmentItem
 */
GListModel *
fd_appointment_table_get_model (FdAppointmentTable *self)
{
  g_return_val_if_fail (FD_IS_APPOINTMENT_TABLE (self), NULL);
  return G_LIST_MODEL (self->items);
}
