/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdCalendarView"

#include "config.h"

#include "fd-calendar-view.h"
#include "fd-store.h"

struct _FdCalendarView
{
  GtkWidget  parent_instance;
  FdStore   *store;
};

G_DEFINE_FINAL_TYPE (FdCalendarView, fd_calendar_view, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_STORE, PROP_DATE, N_PROPS };

static void
fd_calendar_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  FdCalendarView *self = (FdCalendarView *) object;
  if (prop_id == PROP_STORE)
    g_set_object (&self->store, g_value_get_object (value));
}

static void
fd_calendar_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FdCalendarView *self = (FdCalendarView *) object;
  if (prop_id == PROP_STORE)
    g_value_set_object (value, self->store);
}

static void
fd_calendar_view_dispose (GObject *object)
{
  FdCalendarView *self = (FdCalendarView *) object;
  g_clear_object (&self->store);
  G_OBJECT_CLASS (fd_calendar_view_parent_class)->dispose (object);
}

static void
fd_calendar_view_class_init (FdCalendarViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = fd_calendar_view_dispose;
  object_class->set_property = fd_calendar_view_set_property;
  object_class->get_property = fd_calendar_view_get_property;
  g_object_class_install_property (object_class, PROP_STORE,
    g_param_spec_object ("store", NULL, NULL, FD_TYPE_STORE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (object_class, PROP_DATE,
    g_param_spec_boxed ("date", NULL, NULL, G_TYPE_DATE_TIME, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_signal_new ("patient-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
fd_calendar_view_init (FdCalendarView *self)
{
}
guint fd_calendar_view_get_n_columns (FdCalendarView *self) { return 0; }
guint fd_calendar_view_get_n_appointments (FdCalendarView *self) { return 0; }
