/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The flow board after a store change on a day of 300 appointments: the
 * rows the change concerns brought up to date, against rebuilding the whole
 * board (the baseline), both measured here in the same run. */
#include <locale.h>

#include "fd-board-model.h"
#include "fd-checkin.h"
#include "fd-dates.h"
#include "fd-fhir.h"
#include "fd-store-checkin.h"
#include "fd-test-util.h"

#define ROUNDS 300

#define percentile fd_test_percentile

int
main (int argc, char **argv)
{
  g_autofree char *dir = fd_test_make_dir ();
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
  g_autoptr(FdStore) store = NULL;
  g_autoptr(FdBoardModel) board = fd_board_model_new ();
  g_autoptr(GPtrArray) visits = NULL;
  g_autoptr(GArray) update = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) rebuild = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GDateTime) base = NULL;
  g_autoptr(GError) error = NULL;
  GDate today;
  guint have;

  setlocale (LC_ALL, "C.UTF-8");
  fd_date_set_today (&today, tz);
  store = fd_test_seeded_store (dir, 3000, 3, &today);
  visits = fd_store_list_visits (store, &today, g_get_real_time () / G_USEC_PER_SEC, NULL);
  base = g_date_time_new_local (g_date_get_year (&today), g_date_get_month (&today), g_date_get_day (&today), 7, 0, 0);

  /* Up to 300 appointments today */
  have = visits->len;
  g_assert_true (fd_store_begin (store, &error));
  for (guint i = 0; have + i < 300; i++)
    {
      FdVisitItem *model = g_ptr_array_index (visits, i % have);
      g_autoptr(JsonObject) copy = fd_store_get (store, "Appointment", fd_visit_item_get_id (model), NULL);
      g_autofree char *id = g_uuid_string_random ();
      g_autoptr(GDateTime) start = g_date_time_add_minutes (base, (gint) (i % 600));
      g_autofree char *text = fd_date_time_format_fhir (start);

      json_object_set_string_member (copy, "id", id);
      json_object_set_string_member (copy, "start", text);
      json_object_set_string_member (copy, "end", text);
      g_assert_true (fd_store_put (store, copy, FD_STORE_ORIGIN_SERVER, &error));
    }
  g_assert_true (fd_store_commit (store, &error));
  g_clear_pointer (&visits, g_ptr_array_unref);
  visits = fd_store_list_visits (store, &today, g_get_real_time () / G_USEC_PER_SEC, NULL);

  /* The board applies changes itself only when live: here each is timed */
  fd_board_model_set_store (board, store);
  fd_board_model_set_day (board, &today);
  fd_board_model_set_live (board, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (fd_board_model_get_model (board)), >=, 300);

  for (guint round = 0; round < ROUNDS; round++)
    {
      FdVisitItem *visit = g_ptr_array_index (visits, round % visits->len);
      g_autoptr(JsonObject) appointment = fd_store_get (store, "Appointment", fd_visit_item_get_id (visit), NULL);
      const char *ids[] = { fd_visit_item_get_id (visit), NULL };
      gint64 t0, t1, t2;

      /* Another desk's change arrives: a status flips */
      json_object_set_string_member (appointment, "status",
                                     round % 2 ? "booked" : "arrived");
      g_assert_true (fd_store_put (store, appointment, FD_STORE_ORIGIN_SERVER, &error));

      t0 = g_get_monotonic_time ();
      fd_board_model_apply_change (board, "Appointment", ids);
      t1 = g_get_monotonic_time ();
      fd_board_model_reload (board);
      t2 = g_get_monotonic_time ();

      g_array_append_val (update, (double) { (t1 - t0) / 1000.0 });
      g_array_append_val (rebuild, (double) { (t2 - t1) / 1000.0 });
    }

  g_print ("bench board-update-p50 %.3f ms (baseline rebuild %.3f ms)\n",
           percentile (update, 0.50), percentile (rebuild, 0.50));
  g_print ("bench board-update-p99 %.3f ms (baseline rebuild %.3f ms)\n",
           percentile (update, 0.99), percentile (rebuild, 0.99));
  g_print ("# %u appointments on the board; goal: under 2 ms\n",
           g_list_model_get_n_items (fd_board_model_get_model (board)));

  g_clear_object (&board);
  g_clear_object (&store);
  fd_test_remove_dir (dir);
  return 0;
}
