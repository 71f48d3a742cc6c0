/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <adwaita.h>
#include <locale.h>

#include "fd-chartprep-view.h"
#include "fd-checkin-view.h"
#include "fd-dates.h"
#include "fd-patient-panel.h"
#include "fd-store-checkin.h"
#include "fd-test-ui.h"
#include "fd-test-util.h"
#include "fd-window.h"

static char *tmp_dir;
static FdStore *store;

static gpointer
child (gpointer    window,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (window), FD_TYPE_WINDOW, name);

  g_assert_nonnull (object);
  return object;
}

static FdWindow *
new_window (void)
{
  FdWindow *window = fd_window_new (NULL, store, NULL);

  gtk_window_present (GTK_WINDOW (window));
  fd_test_iterate ();
  return window;
}

#define press fd_test_press

static void
test_views_titled (void)
{
  FdWindow *window = new_window ();
  AdwViewStack *stack = child (window, "view_stack");
  const char *names[] = { "checkin", "calendar", "chartprep", "payments" };
  const char *titles[] = { "Check-in", "Calendar", "Chart Prep", "Payments" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      AdwViewStackPage *page;

      g_assert_nonnull (adw_view_stack_get_child_by_name (stack, names[i]));
      page = adw_view_stack_get_page (stack, adw_view_stack_get_child_by_name (stack, names[i]));
      g_assert_cmpstr (adw_view_stack_page_get_title (page), ==, titles[i]);
    }

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_view_shortcuts (void)
{
  FdWindow *window = new_window ();
  AdwViewStack *stack = child (window, "view_stack");

  g_assert_true (press (GTK_WIDGET (window), "<Control>2"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "calendar");
  g_assert_true (press (GTK_WIDGET (window), "<Control>4"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "payments");
  g_assert_true (press (GTK_WIDGET (window), "<Control>3"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "chartprep");
  g_assert_true (press (GTK_WIDGET (window), "<Control>1"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "checkin");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_search_opens_patient (void)
{
  FdWindow *window = new_window ();
  GtkWidget *entry = child (window, "search_entry");
  FdPatientPanel *panel = child (window, "patient_panel");
  AdwFlap *flap = child (window, "flap");
  GtkStack *main_stack = child (window, "main_stack");
  GListModel *results = fd_window_get_search_results (window);
  g_autoptr(FdPatientItem) first = NULL;
  gint64 deadline;

  /* Ctrl+F puts the cursor in the search */
  g_assert_true (press (GTK_WIDGET (window), "<Control>f"));
  g_assert_true (gtk_widget_has_focus (entry) || gtk_widget_is_focus (gtk_widget_get_first_child (entry)) ||
                 gtk_widget_has_focus (gtk_root_get_focus (GTK_ROOT (window))));

  gtk_editable_set_text (GTK_EDITABLE (entry), "obri");
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (g_list_model_get_n_items (results) == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (g_list_model_get_n_items (results), >, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (main_stack), ==, "search");

  /* Patients expected today come first; Enter on anyone else opens the panel */
  {
    g_autoptr(GHashTable) today_set = NULL;
    GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (child (window, "search_list")));
    gboolean seen_other = FALSE;
    guint other = GTK_INVALID_LIST_POSITION;
    GDate today;

    fd_date_set_today (&today, fd_store_get_time_zone (store));
    today_set = fd_store_patients_seen_on (store, &today, NULL);
    for (guint i = 0; i < g_list_model_get_n_items (results); i++)
      {
        g_autoptr(FdPatientItem) item = g_list_model_get_item (results, i);
        gboolean expected = g_hash_table_contains (today_set, fd_patient_item_get_id (item));

        g_assert_true (g_str_has_prefix (fd_patient_item_get_display (item), "O'Brien") ||
                       strstr (fd_patient_item_get_display (item), "O'Brien") != NULL ||
                       strstr (fd_patient_item_get_display (item), "Obri") != NULL);
        /* nobody expected today after someone who is not */
        g_assert_false (expected && seen_other);
        if (!expected && !seen_other)
          {
            seen_other = TRUE;
            other = i;
          }
      }
    g_assert_cmpuint (other, !=, GTK_INVALID_LIST_POSITION);
    gtk_single_selection_set_selected (selection, other);
    first = g_list_model_get_item (results, other);
  }

  /* Enter opens the selected patient in the panel */
  g_signal_emit_by_name (entry, "activate");
  fd_test_iterate ();
  g_assert_true (adw_flap_get_reveal_flap (flap));
  g_assert_cmpstr (fd_patient_panel_get_patient_id (panel), ==, fd_patient_item_get_id (first));
  {
    GtkLabel *name = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (panel), FD_TYPE_PATIENT_PANEL, "name_label"));
    g_assert_cmpstr (gtk_label_get_label (name), ==, fd_patient_item_get_display (first));
  }

  /* A search with no match says so */
  gtk_editable_set_text (GTK_EDITABLE (entry), "zzzzqqq");
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (g_strcmp0 (gtk_stack_get_visible_child_name (main_stack), "search") != 0 ||
         g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (child (window, "search_stack"))), "empty") != 0)
    {
      if (g_get_monotonic_time () > deadline)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child (window, "search_stack"))), ==, "empty");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_empty_day (void)
{
  FdWindow *window = new_window ();
  FdCheckinView *checkin = child (window, "checkin_view");
  GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (checkin), FD_TYPE_CHECKIN_VIEW, "stack"));
  g_autoptr(GDateTime) sunday = g_date_time_new_local (2026, 11, 29, 0, 0, 0);
  g_autoptr(GDateTime) wednesday = g_date_time_new_local (2026, 11, 25, 0, 0, 0);

  g_assert_true (press (GTK_WIDGET (window), "<Control>1"));
  g_object_set (checkin, "date", wednesday, NULL);
  fd_test_iterate ();
  g_assert_cmpuint (g_list_model_get_n_items (fd_checkin_view_get_model (checkin)), >, 100);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "list");

  g_object_set (checkin, "date", sunday, NULL);
  fd_test_iterate ();
  g_assert_cmpuint (g_list_model_get_n_items (fd_checkin_view_get_model (checkin)), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_chart_prep_missing (void)
{
  FdWindow *window = new_window ();
  FdChartprepView *view = child (window, "chartprep_view");
  g_autoptr(GDateTime) friday = g_date_time_new_local (2026, 11, 27, 0, 0, 0);
  GListModel *model;
  guint with_missing = 0;

  /* A hidden view loads nothing until it is shown */
  g_assert_true (press (GTK_WIDGET (window), "<Control>1"));
  g_object_set (view, "today", friday, NULL);
  fd_test_iterate ();
  g_assert_cmpuint (g_list_model_get_n_items (fd_chartprep_view_get_model (view)), ==, 0);

  /* Friday's next clinic day is Monday */
  g_assert_true (press (GTK_WIDGET (window), "<Control>3"));
  model = fd_chartprep_view_get_model (view);
  g_assert_cmpuint (g_list_model_get_n_items (model), >, 100);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FdAppointmentItem) item = g_list_model_get_item (model, i);
      g_autoptr(GDateTime) start = g_date_time_new_from_unix_local (fd_appointment_item_get_start (item));

      g_assert_cmpint (g_date_time_get_day_of_month (start), ==, 30);
      if (fd_appointment_item_get_missing (item) != FD_MISSING_NONE)
        with_missing++;
    }
  g_assert_cmpuint (with_missing, >, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_status_area (void)
{
  FdWindow *window = new_window ();
  GtkLabel *label = child (window, "sync_label");

  g_assert_cmpstr (gtk_label_get_label (label), ==, "Standalone — no clinic server");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_store_error (void)
{
  GError error = { FD_STORE_ERROR, FD_STORE_ERROR_NEWER_SCHEMA, (char *) "This database was written by a newer version" };
  FdWindow *window = fd_window_new (NULL, NULL, &error);
  AdwStatusPage *page = child (window, "error_page");

  gtk_window_present (GTK_WINDOW (window));
  fd_test_iterate ();
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child (window, "main_stack"))), ==, "error");
  g_assert_cmpstr (adw_status_page_get_description (page), ==, error.message);
  g_assert_false (gtk_widget_get_sensitive (child (window, "search_entry")));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  GDate today;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 25, 11, 2026);
  tmp_dir = fd_test_make_dir ();
  store = fd_test_seeded_store (tmp_dir, 1000, 14, &today);

  g_test_add_func ("/window/views-titled", test_views_titled);
  g_test_add_func ("/window/view-shortcuts", test_view_shortcuts);
  g_test_add_func ("/window/search-opens-patient", test_search_opens_patient);
  g_test_add_func ("/window/empty-day", test_empty_day);
  g_test_add_func ("/window/chart-prep-missing", test_chart_prep_missing);
  g_test_add_func ("/window/status-area", test_status_area);
  g_test_add_func ("/window/store-error", test_store_error);

  ret = g_test_run ();

  g_clear_object (&store);
  fd_test_remove_dir (tmp_dir);
  g_free (tmp_dir);
  return ret;
}
