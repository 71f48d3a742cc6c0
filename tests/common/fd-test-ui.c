/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "fd-test-ui.h"
#include "fd-test-util.h"

/* A named child of a widget's template; fails the test when absent */
gpointer
fd_test_template_child (gpointer    widget,
                        GType       type,
                        const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (object);
  return object;
}

/* Finds the key binding for @accel among the widget's shortcuts and runs it,
 * as pressing the keys would */
gboolean
fd_test_press (GtkWidget  *widget,
               const char *accel)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
      g_autoptr(GListModel) shortcuts = NULL;

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      shortcuts = g_object_ref (G_LIST_MODEL (controller));
      for (guint j = 0; j < g_list_model_get_n_items (shortcuts); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (shortcuts, j);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

          if (g_str_equal (trigger, accel))
            {
              gboolean done = gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget,
                                                            gtk_shortcut_get_arguments (shortcut));
              fd_test_iterate ();
              return done;
            }
        }
    }

  return FALSE;
}

/* Runs the main loop until @done says so or @seconds pass */
gboolean
fd_test_wait_for (gboolean (*done) (gpointer data),
                  gpointer   data,
                  guint      seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  return done (data);
}
