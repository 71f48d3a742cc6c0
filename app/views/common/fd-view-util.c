/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdViewUtil"

#include "config.h"

#include <adwaita.h>

#include "fd-view-util.h"

/**
 * fd_view_set_store:
 * @store: (inout): the view's store slot
 * @changed_id: (inout): the view's handler of #FdStore::changed
 * @new_store: (nullable): the store to use
 * @changed_cb: the view's #FdStore::changed handler
 * @user_data: the view
 *
 * Moves the view's "changed" handler from the old store to @new_store.
 *
 * Returns: %TRUE if the store changed and the view must reload
 */
gboolean
fd_view_set_store (FdStore   **store,
                   gulong     *changed_id,
                   FdStore    *new_store,
                   GCallback   changed_cb,
                   gpointer    user_data)
{
  if (*store == new_store)
    return FALSE;

  fd_view_clear_store (store, changed_id);
  if (new_store != NULL)
    {
      *store = g_object_ref (new_store);
      *changed_id = g_signal_connect (new_store, "changed", changed_cb, user_data);
    }

  return TRUE;
}

/**
 * fd_view_clear_store:
 * @store: (inout): the view's store slot
 * @changed_id: (inout): the view's handler of #FdStore::changed
 *
 * Disconnects the view from its store and drops it; for dispose.
 */
void
fd_view_clear_store (FdStore **store,
                     gulong   *changed_id)
{
  if (*store != NULL)
    g_clear_signal_handler (changed_id, *store);
  g_clear_object (store);
}

/**
 * fd_view_set_date:
 * @date: (inout): the view's date slot
 * @new_date: (nullable): the day to show; %NULL keeps the current one
 *
 * Returns: %TRUE if the date changed and the view must reload
 */
gboolean
fd_view_set_date (GDateTime **date,
                  GDateTime  *new_date)
{
  if (new_date == NULL)
    return FALSE;
  if (*date != NULL && g_date_time_equal (*date, new_date))
    return FALSE;

  g_clear_pointer (date, g_date_time_unref);
  *date = g_date_time_ref (new_date);
  return TRUE;
}

/**
 * fd_view_unparent_children:
 * @widget: a widget being disposed
 *
 * Template roots that no id binds are not unparented by
 * gtk_widget_dispose_template(); this does it.
 */
void
fd_view_unparent_children (GtkWidget *widget)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (widget)))
    gtk_widget_unparent (child);
}

/**
 * fd_view_settings:
 *
 * Returns: (transfer full) (nullable): the station's settings, or %NULL
 *   when the schema is not installed
 */
GSettings *
fd_view_settings (void)
{
  g_autoptr(GSettingsSchema) schema =
    g_settings_schema_source_lookup (g_settings_schema_source_get_default (), APP_ID, TRUE);

  return schema != NULL ? g_settings_new (APP_ID) : NULL;
}

/**
 * fd_view_station_code:
 *
 * Returns: (transfer full): the code the desk signs its changes with: the
 *   station code from Preferences, else the computer's name
 */
char *
fd_view_station_code (void)
{
  g_autoptr(GSettings) settings = fd_view_settings ();
  g_autofree char *code = settings ? g_settings_get_string (settings, "station-code") : NULL;

  if (code != NULL && *g_strstrip (code) != '\0')
    return g_steal_pointer (&code);
  return g_strdup (g_get_host_name ());
}

/**
 * fd_view_show_toast:
 * @widget: a widget inside a window with an #AdwToastOverlay
 * @toast: (transfer full): an #AdwToast
 *
 * Returns: whether the toast found an overlay to show in
 */
gboolean
fd_view_show_toast (GtkWidget *widget,
                    gpointer   toast)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);

  if (overlay == NULL)
    {
      g_object_unref (toast);
      return FALSE;
    }
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  return TRUE;
}
