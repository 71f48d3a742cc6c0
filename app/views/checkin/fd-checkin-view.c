/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdCheckinView"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "fd-appointment-table.h"
#include "fd-checkin-view.h"
#include "fd-dates.h"
#include "fd-store.h"
#include "fd-view-util.h"

/* Today's appointments by time, with patient, provider and status. */
struct _FdCheckinView
{
  GtkWidget           parent_instance;

  FdStore            *store;
  GDateTime          *date;
  gulong              changed_id;
  gboolean        stale;  /* data changed while hidden */

  GtkLabel           *title_label;
  GtkLabel           *summary_label;
  GtkStack           *stack;
  FdAppointmentTable *table;
};

G_DEFINE_FINAL_TYPE (FdCheckinView, fd_checkin_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_DATE,
  N_PROPS
};

enum {
  PATIENT_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
reload (FdCheckinView *self)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *summary = NULL;
  guint waiting = 0, active = 0;
  GDate day;

  /* A hidden view waits until it is shown: start-up loads only what is on screen */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return;
    }
  self->stale = FALSE;

  if (self->date == NULL)
    return;

  fd_date_from_date_time (&day, self->date);
  title = fd_date_format_long (&day);
  gtk_label_set_label (self->title_label, title);

  if (self->store != NULL)
    {
      items = fd_store_list_appointments (self->store, &day, NULL, &error);
      if (items == NULL)
        g_warning ("Could not list the day's appointments: %s", error->message);
    }

  fd_appointment_table_set_items (self->table, items);

  for (guint i = 0; items && i < items->len; i++)
    {
      const char *status = fd_appointment_item_get_status (g_ptr_array_index (items, i));

      if (g_str_equal (status, "arrived") || g_str_equal (status, "checked-in"))
        waiting++;
      if (!g_str_equal (status, "cancelled") && !g_str_equal (status, "entered-in-error"))
        active++;
    }

  /* Translators: a summary of the day's list, "42 appointments · 5 waiting" */
  summary = g_strdup_printf (_("%u appointments · %u waiting"), active, waiting);
  gtk_label_set_label (self->summary_label, summary);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_label), items && items->len > 0);
  gtk_stack_set_visible_child_name (self->stack, items && items->len > 0 ? "list" : "empty");
}

static void
store_changed_cb (FdStore            *store,
                  const char         *type,
                  const char * const *ids,
                  FdCheckinView      *self)
{
  if (g_str_equal (type, "Appointment") || g_str_equal (type, "Patient") ||
      g_str_equal (type, "Practitioner") || g_str_equal (type, "Location"))
    reload (self);
}

static void
patient_activated_cb (FdCheckinView *self,
                      const char    *patient_id)
{
  g_signal_emit (self, signals[PATIENT_ACTIVATED], 0, patient_id);
}

static void
set_store (FdCheckinView *self,
           FdStore       *store)
{
  if (!fd_view_set_store (&self->store, &self->changed_id, store, G_CALLBACK (store_changed_cb), self))
    return;

  reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

static void
set_date (FdCheckinView *self,
          GDateTime     *date)
{
  if (!fd_view_set_date (&self->date, date))
    return;
  reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATE]);
}

static void
fd_checkin_view_map (GtkWidget *widget)
{
  FdCheckinView *self = (FdCheckinView *)widget;

  GTK_WIDGET_CLASS (fd_checkin_view_parent_class)->map (widget);
  if (self->stale)
    reload (self);
}

static void
fd_checkin_view_dispose (GObject *object)
{
  FdCheckinView *self = (FdCheckinView *)object;

  fd_view_clear_store (&self->store, &self->changed_id);
  g_clear_pointer (&self->date, g_date_time_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_CHECKIN_VIEW);
  fd_view_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (fd_checkin_view_parent_class)->dispose (object);
}

static void
fd_checkin_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FdCheckinView *self = FD_CHECKIN_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_DATE:
      g_value_set_boxed (value, self->date);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_checkin_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FdCheckinView *self = FD_CHECKIN_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      set_store (self, g_value_get_object (value));
      break;
    case PROP_DATE:
      set_date (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_checkin_view_class_init (FdCheckinViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_checkin_view_dispose;
  object_class->get_property = fd_checkin_view_get_property;
  object_class->set_property = fd_checkin_view_set_property;
  widget_class->map = fd_checkin_view_map;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DATE] =
    g_param_spec_boxed ("date", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PATIENT_ACTIVATED] =
    g_signal_new ("patient-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (FD_TYPE_APPOINTMENT_TABLE);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/frontdesk/Frontdesk/ui/checkin/fd-checkin-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FdCheckinView, title_label);
  gtk_widget_class_bind_template_child (widget_class, FdCheckinView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, FdCheckinView, stack);
  gtk_widget_class_bind_template_child (widget_class, FdCheckinView, table);
  gtk_widget_class_bind_template_callback (widget_class, patient_activated_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
fd_checkin_view_init (FdCheckinView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->date = g_date_time_new_now_local ();
  reload (self);
}

/**
 * fd_checkin_view_get_model:
 * @self: the view
 *
 * Returns: (transfer none): the appointments shown, of #FdAppointmentItem
 */
GListModel *
fd_checkin_view_get_model (FdCheckinView *self)
{
  g_return_val_if_fail (FD_IS_CHECKIN_VIEW (self), NULL);
  return fd_appointment_table_get_model (self->table);
}
