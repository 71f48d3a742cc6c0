/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

gpointer  fd_test_template_child (gpointer     widget,
                                  GType        type,
                                  const char  *name);
gboolean  fd_test_press          (GtkWidget   *widget,
                                  const char  *accel);
gboolean  fd_test_wait_for       (gboolean   (*done) (gpointer data),
                                  gpointer     data,
                                  guint        seconds);

G_END_DECLS
