/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <adwaita.h>
#include <glib/gstdio.h>

#include "fd-calendar-view.h"
#include "fd-dates.h"
#include "fd-demo-clinic.h"
#include "fd-store.h"
#include "fd-test-util.h"

/* The demo clinic's "today": a Wednesday */
#define TODAY_YEAR  2026
#define TODAY_MONTH 11
#define TODAY_DAY   25

typedef struct
{
  char           *dir;
  FdStore        *store;
  GtkWindow      *window;
  FdCalendarView *view;
} Fixture;

static gboolean
put_cb (JsonObject  *resource,
        gpointer     user_data,
        GError     **error)
{
  return fd_store_put (user_data, resource, FD_STORE_ORIGIN_SERVER, error);
}

static GDateTime *
new_day (int year,
         int month,
         int day)
{
  return g_date_time_new_local (year, month, day, 9, 0, 0);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GDateTime) today = new_day (TODAY_YEAR, TODAY_MONTH, TODAY_DAY);
  FdDemoOptions options;

  f->dir = g_dir_make_tmp ("frontdesk-calendar-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "frontdesk.db", NULL);
  f->store = fd_store_open (path, &error);
  g_assert_no_error (error);

  fd_demo_options_init (&options);
  options.n_patients = 300;
  options.n_days = 7;
  options.seed = 20261125;
  g_date_set_dmy (&options.today, TODAY_DAY, TODAY_MONTH, TODAY_YEAR);

  g_assert_true (fd_store_begin (f->store, &error));
  g_assert_true (fd_demo_clinic_generate (&options, put_cb, f->store, &error));
  g_assert_no_error (error);
  g_assert_true (fd_store_commit (f->store, &error));

  f->view = g_object_new (FD_TYPE_CALENDAR_VIEW, "store", f->store, "date", today, NULL);
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 1200, 800);
  gtk_window_set_child (f->window, GTK_WIDGET (f->view));
  gtk_window_present (f->window);
  fd_test_iterate ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (f->window);
  fd_test_iterate ();
  g_clear_object (&f->store);
  fd_test_remove_dir (f->dir);
  g_free (f->dir);
}

static guint
count_day (FdStore *store,
           int      year,
           int      month,
           int      day)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  GDate date;

  g_date_set_dmy (&date, day, month, year);
  items = fd_store_list_appointments (store, &date, NULL, &error);
  g_assert_no_error (error);
  return items->len;
}

static void
collect_cards (GtkWidget *widget,
               GPtrArray *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_BOX_ROW (child) && gtk_widget_has_css_class (child, "agenda-card"))
        g_ptr_array_add (out, child);
      else
        collect_cards (child, out);
    }
}

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_widget (child, type)) != NULL)
        return found;
    }
  return NULL;
}

static void
get_view_date (Fixture *f,
               GDate   *out)
{
  g_autoptr(GDateTime) date = NULL;

  g_object_get (f->view, "date", &date, NULL);
  g_assert_nonnull (date);
  fd_date_from_date_time (out, date);
}

/* One column per provider, every appointment of the day, as cards */
static void
test_columns (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) providers = fd_store_list_practitioners (f->store, NULL);
  g_autoptr(GPtrArray) cards = g_ptr_array_new ();
  guint expected = count_day (f->store, TODAY_YEAR, TODAY_MONTH, TODAY_DAY);

  g_assert_nonnull (providers);
  g_assert_cmpuint (providers->len, ==, 8);
  g_assert_cmpuint (expected, >, 0);

  g_assert_false (fd_calendar_view_is_empty (f->view));
  g_assert_cmpuint (fd_calendar_view_get_n_columns (f->view), ==, 8);
  g_assert_cmpuint (fd_calendar_view_get_n_appointments (f->view), ==, expected);

  collect_cards (GTK_WIDGET (f->view), cards);
  g_assert_cmpuint (cards->len, ==, expected);
  for (guint i = 0; i < cards->len; i++)
    g_assert_true (gtk_widget_get_focusable (g_ptr_array_index (cards, i)));
}

/* calendar.next-day, calendar.previous-day and calendar.today move the day */
static void
test_actions (Fixture       *f,
              gconstpointer  data)
{
  GDate shown, expected, today;

  g_date_set_dmy (&expected, TODAY_DAY, TODAY_MONTH, TODAY_YEAR);
  g_date_add_days (&expected, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "calendar.next-day", NULL));
  fd_test_iterate ();
  get_view_date (f, &shown);
  g_assert_cmpint (g_date_compare (&shown, &expected), ==, 0);
  g_assert_cmpuint (fd_calendar_view_get_n_appointments (f->view), ==,
                    count_day (f->store, TODAY_YEAR, TODAY_MONTH, TODAY_DAY + 1));

  g_date_subtract_days (&expected, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "calendar.previous-day", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "calendar.previous-day", NULL));
  get_view_date (f, &shown);
  g_assert_cmpint (g_date_compare (&shown, &expected), ==, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "calendar.today", NULL));
  get_view_date (f, &shown);
  fd_date_set_today (&today, NULL);
  g_assert_cmpint (g_date_compare (&shown, &today), ==, 0);
}

/* Picking a day in the date popover's calendar shows that day */
static void
test_pick_date (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GDateTime) friday = g_date_time_new_local (TODAY_YEAR, TODAY_MONTH, 20, 0, 0, 0);
  GtkMenuButton *button = GTK_MENU_BUTTON (find_widget (GTK_WIDGET (f->view), GTK_TYPE_MENU_BUTTON));
  GtkWidget *calendar;
  GDate shown, expected;

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "calendar.pick-date", NULL));
  fd_test_iterate ();
  calendar = gtk_popover_get_child (gtk_menu_button_get_popover (button));
  g_assert_true (GTK_IS_CALENDAR (calendar));
  g_assert_true (gtk_widget_get_mapped (calendar));

  gtk_calendar_select_day (GTK_CALENDAR (calendar), friday);
  fd_test_iterate ();
  g_date_set_dmy (&expected, 20, TODAY_MONTH, TODAY_YEAR);
  get_view_date (f, &shown);
  g_assert_cmpint (g_date_compare (&shown, &expected), ==, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (button))));
  g_assert_cmpuint (fd_calendar_view_get_n_appointments (f->view), ==,
                    count_day (f->store, TODAY_YEAR, TODAY_MONTH, 20));

  /* Moving by day moves the calendar along */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "calendar.previous-day", NULL));
  {
    g_autoptr(GDateTime) selected = gtk_calendar_get_date (GTK_CALENDAR (calendar));

    g_assert_cmpint (g_date_time_get_day_of_month (selected), ==, 19);
  }
}

/* A Saturday has no appointments: the status page shows */
static void
test_empty_day (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GDateTime) saturday = new_day (TODAY_YEAR, TODAY_MONTH, 28);
  g_autoptr(GPtrArray) cards = g_ptr_array_new ();

  g_assert_cmpint (g_date_time_get_day_of_week (saturday), ==, 6);
  g_assert_cmpuint (count_day (f->store, TODAY_YEAR, TODAY_MONTH, 28), ==, 0);

  g_object_set (f->view, "date", saturday, NULL);
  fd_test_iterate ();
  g_assert_true (fd_calendar_view_is_empty (f->view));
  g_assert_cmpuint (fd_calendar_view_get_n_columns (f->view), ==, 0);
  g_assert_cmpuint (fd_calendar_view_get_n_appointments (f->view), ==, 0);
  collect_cards (GTK_WIDGET (f->view), cards);
  g_assert_cmpuint (cards->len, ==, 0);

  /* Back to a clinic day: the columns come back */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "calendar.previous-day", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "calendar.previous-day", NULL));
  fd_test_iterate ();
  g_assert_false (fd_calendar_view_is_empty (f->view));
  g_assert_cmpuint (fd_calendar_view_get_n_columns (f->view), ==, 8);
}

/* A store without providers shows the empty page too */
static void
test_no_store (void)
{
  FdCalendarView *view = g_object_ref_sink (g_object_new (FD_TYPE_CALENDAR_VIEW, NULL));
  g_autoptr(GDateTime) date = NULL;

  g_object_get (view, "date", &date, NULL);
  g_assert_nonnull (date);
  g_assert_true (fd_calendar_view_is_empty (view));
  g_assert_cmpuint (fd_calendar_view_get_n_columns (view), ==, 0);
  g_object_unref (view);
}

static void
patient_activated_cb (FdCalendarView *view,
                      const char     *patient_id,
                      char          **out)
{
  g_free (*out);
  *out = g_strdup (patient_id);
}

/* Activating a card names the appointment's patient */
static void
test_activate (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) providers = fd_store_list_practitioners (f->store, NULL);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) cards = g_ptr_array_new ();
  g_autofree char *activated = NULL;
  const char *first_provider = ((FdStoreRef *) g_ptr_array_index (providers, 0))->id;
  const char *expected = NULL;
  GDate day;

  g_date_set_dmy (&day, TODAY_DAY, TODAY_MONTH, TODAY_YEAR);
  items = fd_store_list_appointments (f->store, &day, NULL, NULL);
  for (guint i = 0; expected == NULL && i < items->len; i++)
    if (g_strcmp0 (fd_appointment_item_get_practitioner_id (g_ptr_array_index (items, i)), first_provider) == 0)
      expected = fd_appointment_item_get_patient_id (g_ptr_array_index (items, i));
  g_assert_nonnull (expected);

  g_signal_connect (f->view, "patient-activated", G_CALLBACK (patient_activated_cb), &activated);
  collect_cards (GTK_WIDGET (f->view), cards);
  g_assert_cmpuint (cards->len, >, 0);

  gtk_widget_grab_focus (g_ptr_array_index (cards, 0));
  g_assert_true (gtk_widget_activate (g_ptr_array_index (cards, 0)));
  g_assert_cmpstr (activated, ==, expected);
}

/* A change in the store shows without being asked */
static void
test_store_changed (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonObject) appointment = NULL;
  g_autoptr(GError) error = NULL;
  guint before = fd_calendar_view_get_n_appointments (f->view);
  GDate day;

  /* Move one appointment of the day to the next week */
  g_date_set_dmy (&day, TODAY_DAY, TODAY_MONTH, TODAY_YEAR);
  items = fd_store_list_appointments (f->store, &day, NULL, &error);
  g_assert_no_error (error);
  appointment = fd_store_get (f->store, "Appointment",
                              fd_appointment_item_get_id (g_ptr_array_index (items, 0)), &error);
  g_assert_no_error (error);
  json_object_set_string_member (appointment, "start", "2026-12-02T15:00:00Z");
  json_object_set_string_member (appointment, "end", "2026-12-02T15:20:00Z");
  g_assert_true (fd_store_put (f->store, appointment, FD_STORE_ORIGIN_SERVER, &error));
  g_assert_no_error (error);
  fd_test_iterate ();

  g_assert_cmpuint (fd_calendar_view_get_n_appointments (f->view), ==, before - 1);
  g_assert_cmpuint (fd_calendar_view_get_n_appointments (f->view), ==,
                    count_day (f->store, TODAY_YEAR, TODAY_MONTH, TODAY_DAY));
}

/* Every day of the demo week can be shown, and so can a day of 300; the
 * times are reported, never asserted (build-aux/bench measures speed) */
static void
test_busy_day (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;
  guint n;
  GDate day;

  for (guint i = 0; i < 7; i++)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "calendar.next-day", NULL));
      fd_test_iterate ();
    }
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("Seven days shown in %" G_GINT64_FORMAT " ms", elapsed / 1000);

  /* Copy today's appointments until the day has 300 */
  g_date_set_dmy (&day, TODAY_DAY, TODAY_MONTH, TODAY_YEAR);
  items = fd_store_list_appointments (f->store, &day, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fd_store_begin (f->store, &error));
  n = items->len;
  for (guint i = 0; n < 300; i++, n++)
    {
      FdAppointmentItem *item = g_ptr_array_index (items, i % items->len);
      g_autoptr(JsonObject) copy = fd_store_get (f->store, "Appointment", fd_appointment_item_get_id (item), &error);
      g_autofree char *id = g_strdup_printf ("load-%u", i);

      g_assert_no_error (error);
      json_object_set_string_member (copy, "id", id);
      g_assert_true (fd_store_put (f->store, copy, FD_STORE_ORIGIN_SERVER, &error));
    }
  g_assert_true (fd_store_commit (f->store, &error));

  {
    g_autoptr(GDateTime) today = new_day (TODAY_YEAR, TODAY_MONTH, TODAY_DAY);

    start = g_get_monotonic_time ();
    g_object_set (f->view, "date", today, NULL);
    fd_test_iterate ();
    elapsed = g_get_monotonic_time () - start;
  }
  g_test_message ("A day of %u appointments shown in %" G_GINT64_FORMAT " ms",
                  fd_calendar_view_get_n_appointments (f->view), elapsed / 1000);
  g_assert_cmpuint (fd_calendar_view_get_n_appointments (f->view), ==, 300);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/calendar-view/columns", Fixture, NULL, fixture_set_up, test_columns, fixture_tear_down);
  g_test_add ("/calendar-view/actions", Fixture, NULL, fixture_set_up, test_actions, fixture_tear_down);
  g_test_add ("/calendar-view/pick-date", Fixture, NULL, fixture_set_up, test_pick_date, fixture_tear_down);
  g_test_add ("/calendar-view/empty-day", Fixture, NULL, fixture_set_up, test_empty_day, fixture_tear_down);
  g_test_add_func ("/calendar-view/no-store", test_no_store);
  g_test_add ("/calendar-view/activate", Fixture, NULL, fixture_set_up, test_activate, fixture_tear_down);
  g_test_add ("/calendar-view/store-changed", Fixture, NULL, fixture_set_up, test_store_changed, fixture_tear_down);
  g_test_add ("/calendar-view/busy-day", Fixture, NULL, fixture_set_up, test_busy_day, fixture_tear_down);

  return g_test_run ();
}
