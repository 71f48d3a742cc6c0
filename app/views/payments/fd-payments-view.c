/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdPaymentsView"

#include "config.h"

#include "fd-payments-view.h"
#include "fd-store.h"

struct _FdPaymentsView
{
  GtkWidget  parent_instance;
  FdStore   *store;
};

G_DEFINE_FINAL_TYPE (FdPaymentsView, fd_payments_view, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_STORE, PROP_DATE, N_PROPS };

static void
fd_payments_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  FdPaymentsView *self = (FdPaymentsView *) object;
  if (prop_id == PROP_STORE)
    g_set_object (&self->store, g_value_get_object (value));
}

static void
fd_payments_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FdPaymentsView *self = (FdPaymentsView *) object;
  if (prop_id == PROP_STORE)
    g_value_set_object (value, self->store);
}

static void
fd_payments_view_dispose (GObject *object)
{
  FdPaymentsView *self = (FdPaymentsView *) object;
  g_clear_object (&self->store);
  G_OBJECT_CLASS (fd_payments_view_parent_class)->dispose (object);
}

static void
fd_payments_view_class_init (FdPaymentsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = fd_payments_view_dispose;
  object_class->set_property = fd_payments_view_set_property;
  object_class->get_property = fd_payments_view_get_property;
  g_object_class_install_property (object_class, PROP_STORE,
    g_param_spec_object ("store", NULL, NULL, FD_TYPE_STORE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (object_class, PROP_DATE,
    g_param_spec_boxed ("date", NULL, NULL, G_TYPE_DATE_TIME, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_signal_new ("patient-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
fd_payments_view_init (FdPaymentsView *self)
{
}
GListModel *fd_payments_view_get_model (FdPaymentsView *self) { return NULL; }
