/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdChartprepView"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "fd-appointment-table.h"
#include "fd-chartprep-view.h"
#include "fd-dates.h"
#include "fd-store.h"
#include "fd-view-util.h"

/* The next clinic day's appointments, each with what the cached data shows to be missing. */
struct _FdChartprepView
{
  GtkWidget           parent_instance;

  FdStore            *store;
  GDateTime          *today;
  gulong              changed_id;
  gboolean        stale;  /* data changed while hidden */

  GtkLabel           *title_label;
  GtkLabel           *summary_label;
  GtkToggleButton    *incomplete_button;
  GtkStack           *stack;
  FdAppointmentTable *table;
  AdwStatusPage      *empty_page;
};

G_DEFINE_FINAL_TYPE (FdChartprepView, fd_chartprep_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_TODAY,
  N_PROPS
};

enum {
  PATIENT_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
is_active (FdAppointmentItem *item)
{
  const char *status = fd_appointment_item_get_status (item);

  return !g_str_equal (status, "cancelled") && !g_str_equal (status, "entered-in-error") &&
         !g_str_equal (status, "noshow");
}

static void
reload (FdChartprepView *self)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *summary = NULL;
  gboolean only_incomplete = gtk_toggle_button_get_active (self->incomplete_button);
  guint incomplete = 0, active = 0;
  GDate today, day;

  /* A hidden view waits until it is shown: start-up loads only what is on screen */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return;
    }
  self->stale = FALSE;

  if (self->today == NULL || self->store == NULL)
    {
      gtk_label_set_label (self->title_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->summary_label), FALSE);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  fd_date_from_date_time (&today, self->today);
  if (!fd_store_next_clinic_day (self->store, &today, &day, &error))
    {
      if (error != NULL)
        g_warning ("Could not find the next clinic day: %s", error->message);
      gtk_label_set_label (self->title_label, _("Next clinic day"));
      gtk_widget_set_visible (GTK_WIDGET (self->summary_label), FALSE);
      fd_appointment_table_set_items (self->table, NULL);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  title = fd_date_format_long (&day);
  gtk_label_set_label (self->title_label, title);

  items = fd_store_list_appointments (self->store, &day, NULL, &error);
  if (items == NULL)
    {
      g_warning ("Could not list the appointments to prepare: %s", error->message);
      items = g_ptr_array_new_with_free_func (g_object_unref);
    }

  for (guint i = 0; i < items->len; i++)
    {
      FdAppointmentItem *item = g_ptr_array_index (items, i);
      gboolean missing = fd_appointment_item_get_missing (item) != FD_MISSING_NONE;

      if (!is_active (item))
        continue;
      active++;
      if (missing)
        incomplete++;
      if (!only_incomplete || missing)
        g_ptr_array_add (shown, item);
    }

  fd_appointment_table_set_items (self->table, shown);

  /* Translators: "12 of 160 appointments need information" */
  summary = g_strdup_printf (_("%u of %u appointments need information"), incomplete, active);
  gtk_label_set_label (self->summary_label, summary);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_label), TRUE);

  if (shown->len == 0 && only_incomplete)
    {
      adw_status_page_set_title (self->empty_page, _("Every Chart Is Complete"));
      adw_status_page_set_description (self->empty_page,
                                       _("No patient of the next clinic day is missing insurance, phone or address."));
    }
  gtk_stack_set_visible_child_name (self->stack, shown->len > 0 ? "list" : "empty");
}

static void
incomplete_toggled_cb (FdChartprepView *self)
{
  reload (self);
}

static void
store_changed_cb (FdStore            *store,
                  const char         *type,
                  const char * const *ids,
                  FdChartprepView    *self)
{
  if (g_str_equal (type, "Appointment") || g_str_equal (type, "Patient") ||
      g_str_equal (type, "Coverage") || g_str_equal (type, "Practitioner"))
    reload (self);
}

static void
patient_activated_cb (FdChartprepView *self,
                      const char      *patient_id)
{
  g_signal_emit (self, signals[PATIENT_ACTIVATED], 0, patient_id);
}

static void
set_store (FdChartprepView *self,
           FdStore         *store)
{
  if (!fd_view_set_store (&self->store, &self->changed_id, store, G_CALLBACK (store_changed_cb), self))
    return;

  reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

static void
set_today (FdChartprepView *self,
           GDateTime       *today)
{
  if (!fd_view_set_date (&self->today, today))
    return;
  reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TODAY]);
}

static void
fd_chartprep_view_map (GtkWidget *widget)
{
  FdChartprepView *self = (FdChartprepView *)widget;

  GTK_WIDGET_CLASS (fd_chartprep_view_parent_class)->map (widget);
  if (self->stale)
    reload (self);
}

static void
fd_chartprep_view_dispose (GObject *object)
{
  FdChartprepView *self = (FdChartprepView *)object;

  fd_view_clear_store (&self->store, &self->changed_id);
  g_clear_pointer (&self->today, g_date_time_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_CHARTPREP_VIEW);
  fd_view_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (fd_chartprep_view_parent_class)->dispose (object);
}

static void
fd_chartprep_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FdChartprepView *self = FD_CHARTPREP_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_TODAY:
      g_value_set_boxed (value, self->today);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_chartprep_view_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  FdChartprepView *self = FD_CHARTPREP_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      set_store (self, g_value_get_object (value));
      break;
    case PROP_TODAY:
      set_today (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_chartprep_view_class_init (FdChartprepViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_chartprep_view_dispose;
  object_class->get_property = fd_chartprep_view_get_property;
  object_class->set_property = fd_chartprep_view_set_property;
  widget_class->map = fd_chartprep_view_map;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TODAY] =
    g_param_spec_boxed ("today", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PATIENT_ACTIVATED] =
    g_signal_new ("patient-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (FD_TYPE_APPOINTMENT_TABLE);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/frontdesk/Frontdesk/ui/chartprep/fd-chartprep-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FdChartprepView, title_label);
  gtk_widget_class_bind_template_child (widget_class, FdChartprepView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, FdChartprepView, incomplete_button);
  gtk_widget_class_bind_template_child (widget_class, FdChartprepView, stack);
  gtk_widget_class_bind_template_child (widget_class, FdChartprepView, table);
  gtk_widget_class_bind_template_child (widget_class, FdChartprepView, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, patient_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, incomplete_toggled_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
fd_chartprep_view_init (FdChartprepView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->today = g_date_time_new_now_local ();
  reload (self);
}

/**
 * fd_chartprep_view_get_model:
 * @self: the view
 *
 * Returns: (transfer none): the appointments shown, of #FdAppointmentItem
 */
GListModel *
fd_chartprep_view_get_model (FdChartprepView *self)
{
  g_return_val_if_fail (FD_IS_CHARTPREP_VIEW (self), NULL);
  return fd_appointment_table_get_model (self->table);
}
