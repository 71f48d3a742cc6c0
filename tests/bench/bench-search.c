/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Patient search over a large profile: the station's query against a bare
 * FTS5 MATCH ... LIMIT 50 for the same terms, and the time to seed. */
#include <locale.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "fd-fhir.h"
#include "fd-test-util.h"
#include "fd-text.h"

#define percentile fd_test_percentile

static gboolean
count_cb (JsonObject *resource, gpointer user_data, GError **error)
{
  (*(guint64 *) user_data)++;
  return TRUE;
}

/* Keystroke queries a receptionist types, drawn from the profile itself */
static GPtrArray *
make_queries (sqlite3 *db,
              guint    n)
{
  GPtrArray *queries = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  sqlite3_stmt *stmt = NULL;
  guint total;

  sqlite3_prepare_v2 (db, "SELECT display, birth_date, phone, mrn FROM patient WHERE pid = ?1", -1, &stmt, NULL);
  {
    sqlite3_stmt *count = NULL;
    sqlite3_prepare_v2 (db, "SELECT max(pid) FROM patient", -1, &count, NULL);
    sqlite3_step (count);
    total = (guint) sqlite3_column_int (count, 0);
    sqlite3_finalize (count);
  }

  while (queries->len < n)
    {
      const char *display, *birth, *phone, *mrn;
      g_auto(GStrv) parts = NULL;
      g_autofree char *family = NULL;
      guint kind = g_rand_int_range (rand, 0, 100);

      sqlite3_reset (stmt);
      sqlite3_bind_int (stmt, 1, g_rand_int_range (rand, 1, (gint32) total + 1));
      if (sqlite3_step (stmt) != SQLITE_ROW)
        continue;
      display = (const char *) sqlite3_column_text (stmt, 0);
      birth = (const char *) sqlite3_column_text (stmt, 1);
      phone = (const char *) sqlite3_column_text (stmt, 2);
      mrn = (const char *) sqlite3_column_text (stmt, 3);
      parts = g_strsplit (display, ", ", 2);
      family = g_utf8_strdown (parts[0], -1);

      if (kind < 60)
        {
          /* 1-4 letters of a surname, as typed key by key */
          glong len = g_utf8_strlen (family, -1);
          glong take = MIN (len, g_rand_int_range (rand, 1, 5));
          g_ptr_array_add (queries, g_utf8_substring (family, 0, take));
        }
      else if (kind < 75 && parts[1] != NULL)
        {
          g_autofree char *given = g_utf8_strdown (parts[1], -1);
          g_autofree char *g2 = g_utf8_substring (given, 0, MIN (g_utf8_strlen (given, -1), 2));
          g_ptr_array_add (queries, g_strdup_printf ("%s, %s", family, g2));
        }
      else if (kind < 85 && birth != NULL)
        {
          int y, m, d;
          if (sscanf (birth, "%d-%d-%d", &y, &m, &d) == 3)
            g_ptr_array_add (queries, kind % 2 ? g_strdup_printf ("%02d/%02d/%04d", m, d, y) : g_strdup (birth));
        }
      else if (kind < 97 && phone != NULL)
        {
          g_autofree char *digits = fd_text_digits (phone);
          gsize len = strlen (digits);
          if (len >= 7)
            g_ptr_array_add (queries, kind % 2 ? g_strdup (digits + len - 4)
                                               : g_strdup_printf ("%.3s-%s", digits + len - 7, digits + len - 4));
        }
      else if (mrn != NULL)
        g_ptr_array_add (queries, g_strdup (mrn));
    }

  sqlite3_finalize (stmt);
  return queries;
}

/* The same terms as the station would match, as one bare FTS5 query */
static char *
baseline_query (const char *query)
{
  g_autofree char *words = NULL;
  g_autofree char *digits = fd_text_digits (query);
  g_auto(GStrv) parts = NULL;
  GString *q = g_string_new (NULL);

  if (!fd_text_has_letters (query))
    {
      g_string_append_printf (q, "\"%s\"*", digits);
      return g_string_free (q, FALSE);
    }
  words = fd_text_fold_words (query);
  parts = g_strsplit (words, " ", -1);
  for (guint i = 0; parts[i]; i++)
    if (*parts[i])
      g_string_append_printf (q, "%s\"%s\"*", q->len ? " AND " : "", parts[i]);
  return g_string_free (q, FALSE);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(FdStore) store = NULL;
  g_autoptr(GPtrArray) queries = NULL;
  g_autoptr(GArray) station = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) baseline = g_array_new (FALSE, FALSE, sizeof (double));
  guint n_patients = argc > 1 ? (guint) atoi (argv[1]) : 100000;
  guint n_queries = argc > 2 ? (guint) atoi (argv[2]) : 1000;
  FdDemoOptions options;
  guint64 generated = 0;
  gint64 t0, t1, t2;
  sqlite3 *db = NULL;
  sqlite3_stmt *bare = NULL;

  setlocale (LC_ALL, "C.UTF-8");
  dir = g_strdup (g_getenv ("FRONTDESK_BENCH_DIR"));
  if (dir == NULL)
    dir = fd_test_make_dir ();

  /* Seeding: generation alone is the baseline */
  fd_demo_options_init (&options);
  options.n_patients = n_patients;
  t0 = g_get_monotonic_time ();
  g_assert_true (fd_demo_clinic_generate (&options, count_cb, &generated, &error));
  t1 = g_get_monotonic_time ();
  store = fd_test_seeded_store (dir, n_patients, 14, NULL);
  t2 = g_get_monotonic_time ();
  g_print ("bench seed-%u-patients %.2f s (baseline %.2f s)\n", n_patients, (t2 - t1) / 1e6, (t1 - t0) / 1e6);

  path = g_build_filename (dir, "frontdesk.db", NULL);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  queries = make_queries (db, n_queries);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rowid FROM patient_fts WHERE patient_fts MATCH ?1 LIMIT 50",
                                       -1, &bare, NULL), ==, SQLITE_OK);

  /* Warm both paths once, then measure each query on both */
  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < queries->len; i++)
      {
        const char *q = g_ptr_array_index (queries, i);
        g_autofree char *fts = baseline_query (q);
        g_autoptr(GPtrArray) hits = NULL;
        gint64 a, b, c;

        a = g_get_monotonic_time ();
        hits = fd_store_search_patients (store, q, 50, &error);
        b = g_get_monotonic_time ();
        g_assert_no_error (error);

        sqlite3_reset (bare);
        sqlite3_bind_text (bare, 1, fts, -1, SQLITE_TRANSIENT);
        while (sqlite3_step (bare) == SQLITE_ROW)
          ;
        c = g_get_monotonic_time ();

        if (round == 1)
          {
            double s = (b - a) / 1000.0, base = (c - b) / 1000.0;
            g_array_append_val (station, s);
            g_array_append_val (baseline, base);
          }
      }

  g_print ("bench search-p50 %.3f ms (baseline %.3f ms)\n", percentile (station, 0.50), percentile (baseline, 0.50));
  g_print ("bench search-p99 %.3f ms (baseline %.3f ms)\n", percentile (station, 0.99), percentile (baseline, 0.99));

  sqlite3_finalize (bare);
  sqlite3_close (db);
  g_clear_object (&store);
  if (g_getenv ("FRONTDESK_BENCH_DIR") == NULL)
    fd_test_remove_dir (dir);
  return 0;
}
