/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdCalendarView"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "fd-calendar-view.h"
#include "fd-dates.h"
#include "fd-store.h"
#include "fd-view-util.h"

/* A day's agenda: one column of appointment cards per provider. */
struct _FdCalendarView
{
  GtkWidget       parent_instance;

  FdStore        *store;
  GDateTime      *date;
  gulong          changed_id;
  gboolean        stale;  /* data changed while hidden */
  guint           n_columns;
  guint           n_appointments;

  GtkMenuButton  *date_button;
  GtkLabel       *date_label;
  GtkPopover     *date_popover;
  GtkCalendar    *calendar;
  GtkLabel       *summary_label;
  GtkStack       *stack;
  GtkBox         *columns_box;
  GtkWidget      *next_clinic_day_button;
};

G_DEFINE_FINAL_TYPE (FdCalendarView, fd_calendar_view, GTK_TYPE_WIDGET)

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

#define COLUMN_WIDTH 260

static void set_date (FdCalendarView *self, GDateTime *date);

/* Helpers */

static gboolean
is_inactive_status (const char *status)
{
  return g_strcmp0 (status, "cancelled") == 0 || g_strcmp0 (status, "noshow") == 0 ||
         g_strcmp0 (status, "entered-in-error") == 0;
}

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (unix_time);

  return dt != NULL ? fd_time_format_short (dt) : g_strdup ("");
}

static GtkWidget *
create_card (FdAppointmentItem *item)
{
  const char *status = fd_appointment_item_get_status (item);
  const char *patient = fd_appointment_item_get_patient_display (item);
  const char *description = fd_appointment_item_get_description (item);
  const char *status_label = fd_appointment_status_label (status);
  g_autofree char *start = format_time (fd_appointment_item_get_start (item));
  g_autofree char *end = format_time (fd_appointment_item_get_end (item));
  g_autofree char *range = NULL;
  g_autofree char *details = NULL;
  g_autofree char *accessible = NULL;
  GtkWidget *row, *box, *label;

  /* Translators: an appointment's time range, "9:20 AM – 9:40 AM" */
  range = g_strdup_printf (_("%s – %s"), start, end);
  if (description != NULL && description[0] != '\0')
    details = g_strdup_printf ("%s · %s", description, status_label);
  else
    details = g_strdup (status_label);

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_add_css_class (row, "agenda-card");
  if (status != NULL && status[0] != '\0')
    gtk_widget_add_css_class (row, status);
  g_object_set_data_full (G_OBJECT (row), "patient-id",
                          g_strdup (fd_appointment_item_get_patient_id (item)), g_free);
  g_object_set_data_full (G_OBJECT (row), "appointment-id",
                          g_strdup (fd_appointment_item_get_id (item)), g_free);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  if (is_inactive_status (status))
    gtk_widget_add_css_class (box, "inactive");

  label = gtk_label_new (range);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, "agenda-time");
  gtk_box_append (GTK_BOX (box), label);

  label = gtk_label_new (patient != NULL ? patient : "");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (box), label);

  label = gtk_label_new (details);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), label);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  /* Translators: how a screen reader reads an agenda card: time range, patient, status */
  accessible = g_strdup_printf (_("%s, %s, %s"), range, patient != NULL ? patient : "", status_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);

  return row;
}

static void
row_activated_cb (GtkListBox     *list_box,
                  GtkListBoxRow  *row,
                  FdCalendarView *self)
{
  const char *patient_id = g_object_get_data (G_OBJECT (row), "patient-id");

  if (patient_id != NULL)
    g_signal_emit (self, signals[PATIENT_ACTIVATED], 0, patient_id);
}

static GtkWidget *
create_column (FdCalendarView *self,
               FdStoreRef     *provider,
               GPtrArray      *items)
{
  GtkWidget *column, *header, *scrolled, *list_box;
  const char *name = provider->display != NULL ? provider->display : "";

  column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_size_request (column, COLUMN_WIDTH, -1);
  gtk_widget_add_css_class (column, "provider-column");

  header = gtk_label_new (name);
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_label_set_ellipsize (GTK_LABEL (header), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (header, "provider-header");
  gtk_box_append (GTK_BOX (column), header);

  if (items->len == 0)
    {
      GtkWidget *empty = gtk_label_new (_("No appointments"));

      gtk_widget_add_css_class (empty, "dim-label");
      gtk_widget_set_margin_top (empty, 18);
      gtk_widget_set_margin_bottom (empty, 18);
      gtk_box_append (GTK_BOX (column), empty);
      return column;
    }

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_widget_set_valign (scrolled, GTK_ALIGN_FILL);

  list_box = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list_box), GTK_SELECTION_NONE);
  gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (list_box), TRUE);
  gtk_widget_add_css_class (list_box, "agenda-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list_box), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  g_signal_connect_object (list_box, "row-activated", G_CALLBACK (row_activated_cb), self, 0);

  for (guint i = 0; i < items->len; i++)
    gtk_list_box_append (GTK_LIST_BOX (list_box), create_card (g_ptr_array_index (items, i)));

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list_box);
  gtk_box_append (GTK_BOX (column), scrolled);

  return column;
}

static void
clear_columns (FdCalendarView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->columns_box))))
    gtk_box_remove (self->columns_box, child);
  self->n_columns = 0;
  self->n_appointments = 0;
}

static void
update_header (FdCalendarView *self)
{
  g_autofree char *title = NULL;
  g_autofree char *accessible = NULL;
  GDate day;

  fd_date_from_date_time (&day, self->date);
  title = fd_date_format_long (&day);
  gtk_label_set_label (self->date_label, title);
  /* Translators: accessible name of the date picker; the argument is the day shown */
  accessible = g_strdup_printf (_("Day shown: %s"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->date_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
rebuild (FdCalendarView *self)
{
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GHashTable) by_provider = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
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

  update_header (self);
  clear_columns (self);
  fd_date_from_date_time (&day, self->date);

  if (self->store != NULL)
    {
      providers = fd_store_list_practitioners (self->store, &error);
      if (providers == NULL)
        {
          g_warning ("Could not list the providers: %s", error->message);
          g_clear_error (&error);
        }
      items = fd_store_list_appointments (self->store, &day, NULL, &error);
      if (items == NULL)
        g_warning ("Could not list the day's appointments: %s", error->message);
    }

  /* Split the day by provider, keeping the store's order (by time) */
  by_provider = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; providers != NULL && i < providers->len; i++)
    {
      FdStoreRef *ref = g_ptr_array_index (providers, i);

      if (ref->id != NULL && !g_hash_table_contains (by_provider, ref->id))
        g_hash_table_insert (by_provider, ref->id, g_ptr_array_new ());
    }
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      FdAppointmentItem *item = g_ptr_array_index (items, i);
      const char *practitioner_id = fd_appointment_item_get_practitioner_id (item);
      GPtrArray *column = practitioner_id ? g_hash_table_lookup (by_provider, practitioner_id) : NULL;

      self->n_appointments++;
      if (column != NULL)
        g_ptr_array_add (column, item);
      else
        g_debug ("Appointment %s has no listed provider", fd_appointment_item_get_id (item));
    }

  if (self->n_appointments > 0)
    {
      for (guint i = 0; providers != NULL && i < providers->len; i++)
        {
          FdStoreRef *ref = g_ptr_array_index (providers, i);
          GPtrArray *column = ref->id ? g_hash_table_lookup (by_provider, ref->id) : NULL;

          if (column == NULL)
            continue;
          gtk_box_append (self->columns_box, create_column (self, ref, column));
          /* A provider listed twice gets one column */
          g_hash_table_remove (by_provider, ref->id);
          self->n_columns++;
        }
    }

  /* Translators: the number of appointments on the day shown */
  summary = g_strdup_printf (ngettext ("%u appointment", "%u appointments", self->n_appointments),
                             self->n_appointments);
  gtk_label_set_label (self->summary_label, summary);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_label), self->n_appointments > 0);

  if (self->n_columns == 0)
    {
      GDate next;
      gboolean has_next = FALSE;

      if (self->store != NULL)
        has_next = fd_store_next_clinic_day (self->store, &day, &next, NULL);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "calendar.next-clinic-day", has_next);
      gtk_widget_set_visible (self->next_clinic_day_button, has_next);
    }
  gtk_stack_set_visible_child_name (self->stack, self->n_columns > 0 ? "columns" : "empty");
}

static void
sync_calendar (FdCalendarView *self)
{
  g_autoptr(GDateTime) selected = gtk_calendar_get_date (self->calendar);
  g_autoptr(GDateTime) local = g_date_time_to_local (self->date);
  g_autoptr(GDateTime) midnight = NULL;

  if (g_date_time_get_year (selected) == g_date_time_get_year (local) &&
      g_date_time_get_day_of_year (selected) == g_date_time_get_day_of_year (local))
    return;

  midnight = g_date_time_new_local (g_date_time_get_year (local), g_date_time_get_month (local),
                                    g_date_time_get_day_of_month (local), 0, 0, 0);
  gtk_calendar_select_day (self->calendar, midnight);
}

static void
move_days (FdCalendarView *self,
           int             days)
{
  g_autoptr(GDateTime) date = g_date_time_add_days (self->date, days);

  if (date != NULL)
    set_date (self, date);
}

/* Callbacks */

static void
store_changed_cb (FdStore            *store,
                  const char         *type,
                  const char * const *ids,
                  FdCalendarView     *self)
{
  if (g_str_equal (type, "Appointment") || g_str_equal (type, "Patient") ||
      g_str_equal (type, "Practitioner") || g_str_equal (type, "Location"))
    rebuild (self);
}

static void
date_popover_shown_cb (FdCalendarView *self,
                       GtkPopover     *popover)
{
  /* Browsing months and closing leaves the calendar elsewhere */
  sync_calendar (self);
}

static void
day_selected_cb (FdCalendarView *self,
                 GtkCalendar    *calendar)
{
  g_autoptr(GDateTime) picked = gtk_calendar_get_date (calendar);
  g_autoptr(GDateTime) local = g_date_time_to_local (self->date);
  g_autoptr(GDateTime) date = NULL;

  gtk_popover_popdown (self->date_popover);
  if (g_date_time_get_year (picked) == g_date_time_get_year (local) &&
      g_date_time_get_day_of_year (picked) == g_date_time_get_day_of_year (local))
    return;

  /* Keep the time of day, move to the day picked */
  date = g_date_time_new_local (g_date_time_get_year (picked), g_date_time_get_month (picked),
                                g_date_time_get_day_of_month (picked),
                                g_date_time_get_hour (local), g_date_time_get_minute (local), 0);
  if (date != NULL)
    set_date (self, date);
}

static void
previous_day_action_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  move_days (FD_CALENDAR_VIEW (widget), -1);
}

static void
next_day_action_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  move_days (FD_CALENDAR_VIEW (widget), 1);
}

static void
today_action_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  set_date (FD_CALENDAR_VIEW (widget), now);
}

static void
pick_date_action_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FdCalendarView *self = FD_CALENDAR_VIEW (widget);

  sync_calendar (self);
  gtk_menu_button_popup (self->date_button);
}

static void
next_clinic_day_action_cb (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  FdCalendarView *self = FD_CALENDAR_VIEW (widget);
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(GError) error = NULL;
  GDate day, next;

  if (self->store == NULL)
    return;

  fd_date_from_date_time (&day, self->date);
  if (!fd_store_next_clinic_day (self->store, &day, &next, &error))
    {
      if (error != NULL)
        g_warning ("Could not find the next clinic day: %s", error->message);
      return;
    }

  local = g_date_time_to_local (self->date);
  date = g_date_time_new_local (g_date_get_year (&next), g_date_get_month (&next), g_date_get_day (&next),
                                g_date_time_get_hour (local), g_date_time_get_minute (local), 0);
  if (date != NULL)
    set_date (self, date);
}

/* Object */

static void
set_store (FdCalendarView *self,
           FdStore        *store)
{
  if (!fd_view_set_store (&self->store, &self->changed_id, store, G_CALLBACK (store_changed_cb), self))
    return;

  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

static void
set_date (FdCalendarView *self,
          GDateTime      *date)
{
  if (!fd_view_set_date (&self->date, date))
    return;
  sync_calendar (self);
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATE]);
}

static void
fd_calendar_view_map (GtkWidget *widget)
{
  FdCalendarView *self = (FdCalendarView *)widget;

  GTK_WIDGET_CLASS (fd_calendar_view_parent_class)->map (widget);
  if (self->stale)
    rebuild (self);
}

static void
fd_calendar_view_dispose (GObject *object)
{
  FdCalendarView *self = (FdCalendarView *)object;

  fd_view_clear_store (&self->store, &self->changed_id);
  g_clear_pointer (&self->date, g_date_time_unref);
  fd_view_unparent_children (GTK_WIDGET (self));
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_CALENDAR_VIEW);

  G_OBJECT_CLASS (fd_calendar_view_parent_class)->dispose (object);
}

static void
fd_calendar_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FdCalendarView *self = FD_CALENDAR_VIEW (object);

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
fd_calendar_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FdCalendarView *self = FD_CALENDAR_VIEW (object);

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
fd_calendar_view_class_init (FdCalendarViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_calendar_view_dispose;
  object_class->get_property = fd_calendar_view_get_property;
  object_class->set_property = fd_calendar_view_set_property;
  widget_class->map = fd_calendar_view_map;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DATE] =
    g_param_spec_boxed ("date", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FdCalendarView::patient-activated:
   * @patient_id: the id of the patient of the activated card
   */
  signals[PATIENT_ACTIVATED] =
    g_signal_new ("patient-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "calendar.previous-day", NULL, previous_day_action_cb);
  gtk_widget_class_install_action (widget_class, "calendar.next-day", NULL, next_day_action_cb);
  gtk_widget_class_install_action (widget_class, "calendar.today", NULL, today_action_cb);
  gtk_widget_class_install_action (widget_class, "calendar.pick-date", NULL, pick_date_action_cb);
  gtk_widget_class_install_action (widget_class, "calendar.next-clinic-day", NULL, next_clinic_day_action_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "calendar.previous-day", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Left, GDK_ALT_MASK, "calendar.previous-day", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "calendar.next-day", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Right, GDK_ALT_MASK, "calendar.next-day", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, GDK_ALT_MASK, "calendar.today", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Home, GDK_ALT_MASK, "calendar.today", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "calendar.pick-date", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/frontdesk/Frontdesk/ui/calendar/fd-calendar-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FdCalendarView, date_button);
  gtk_widget_class_bind_template_child (widget_class, FdCalendarView, date_label);
  gtk_widget_class_bind_template_child (widget_class, FdCalendarView, date_popover);
  gtk_widget_class_bind_template_child (widget_class, FdCalendarView, calendar);
  gtk_widget_class_bind_template_child (widget_class, FdCalendarView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, FdCalendarView, stack);
  gtk_widget_class_bind_template_child (widget_class, FdCalendarView, columns_box);
  gtk_widget_class_bind_template_child (widget_class, FdCalendarView, next_clinic_day_button);
  gtk_widget_class_bind_template_callback (widget_class, date_popover_shown_cb);
  gtk_widget_class_bind_template_callback (widget_class, day_selected_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
add_managed_shortcuts (FdCalendarView *self)
{
  static const struct {
    guint       keyval;
    const char *action;
  } shortcuts[] = {
    { GDK_KEY_Left, "calendar.previous-day" },
    { GDK_KEY_Right, "calendar.next-day" },
    { GDK_KEY_Home, "calendar.today" },
    { GDK_KEY_Down, "calendar.pick-date" },
  };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  /* The class bindings need the focus inside the view; these work from
   * anywhere in the window while the agenda is on screen. */
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_MANAGED);
  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (shortcuts[i].keyval, GDK_ALT_MASK),
                                                            gtk_named_action_new (shortcuts[i].action)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
fd_calendar_view_init (FdCalendarView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  add_managed_shortcuts (self);
  /* Nothing is shown until a day has been loaded */
  gtk_stack_set_visible_child_name (self->stack, "empty");
  self->date = g_date_time_new_now_local ();
  sync_calendar (self);
  rebuild (self);
}

/**
 * fd_calendar_view_get_n_columns:
 * @self: the view
 *
 * Returns: how many provider columns the day shows
 */
guint
fd_calendar_view_get_n_columns (FdCalendarView *self)
{
  g_return_val_if_fail (FD_IS_CALENDAR_VIEW (self), 0);
  return self->n_columns;
}

/**
 * fd_calendar_view_get_n_appointments:
 * @self: the view
 *
 * Returns: how many appointments the day has
 */
guint
fd_calendar_view_get_n_appointments (FdCalendarView *self)
{
  g_return_val_if_fail (FD_IS_CALENDAR_VIEW (self), 0);
  return self->n_appointments;
}

/**
 * fd_calendar_view_is_empty:
 * @self: the view
 *
 * Returns: whether the view shows the "No Appointments" page
 */
gboolean
fd_calendar_view_is_empty (FdCalendarView *self)
{
  g_return_val_if_fail (FD_IS_CALENDAR_VIEW (self), TRUE);
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "empty") == 0;
}
