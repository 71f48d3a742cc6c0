/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The station's window on a large profile: keystroke to results painted,
 * and peak memory after 100 searches. Usage: bench-station PROFILE_DB */
#include <adwaita.h>
#include <locale.h>
#include <stdlib.h>

#include "fd-test-util.h"
#include "fd-window.h"

static gint64 changed_at;
static gint64 frame_began_at;   /* of the first frame after the change */
static gint64 change_took;      /* the search itself, inside the change */
static gboolean waiting;
static GArray *samples;
static GArray *work;            /* the station's own time: the search and the frame */

static void
before_paint_cb (GdkFrameClock *clock,
                 gpointer       user_data)
{
  if (waiting && frame_began_at == 0)
    frame_began_at = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  if (waiting)
    {
      gint64 now = g_get_monotonic_time ();
      double ms = (now - changed_at) / 1000.0;
      double own = (change_took + (now - frame_began_at)) / 1000.0;

      g_array_append_val (samples, ms);
      g_array_append_val (work, own);
      waiting = FALSE;
    }
}

static long
peak_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (p = strstr (status, "VmHWM:")) == NULL)
    return -1;
  return strtol (p + 6, NULL, 10);
}

/* The main loop runs on for @ms, as between the keystrokes of a person */
static gboolean
paused_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
pause_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, paused_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
type_and_wait (GtkEditable *entry,
               const char  *text)
{
  gint64 deadline;

  /* A fast typist: a key every 100 ms */
  pause_for (100);
  deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  changed_at = g_get_monotonic_time ();
  frame_began_at = 0;
  waiting = TRUE;
  gtk_editable_set_text (entry, text);
  change_took = g_get_monotonic_time () - changed_at;
  while (waiting && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;
  static const char * const surnames[] = { "garcia", "smith", "nguyen", "obrien", "kim", "patel",
                                           "johnson", "martinez", "lee", "brown" };
  FdWindow *window;
  GtkEditable *entry;
  double base_ms, base_p50;

  setlocale (LC_ALL, "");
  gtk_init ();
  adw_init ();

  if (argc < 2)
    {
      g_printerr ("usage: bench-station PROFILE_DB\n");
      return 2;
    }

  store = fd_store_open (argv[1], &error);
  g_assert_no_error (error);
  samples = g_array_new (FALSE, FALSE, sizeof (double));
  work = g_array_new (FALSE, FALSE, sizeof (double));

  window = fd_window_new (NULL, store, NULL);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "before-paint",
                    G_CALLBACK (before_paint_cb), NULL);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (after_paint_cb), NULL);
  entry = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (window), FD_TYPE_WINDOW, "search_entry"));

  /* Baseline: a change that the search ignores (a trailing space) still costs a frame */
  type_and_wait (entry, "x");
  g_array_set_size (samples, 0);
  for (guint i = 0; i < 20; i++)
    type_and_wait (entry, i % 2 ? "x" : "x ");
  base_ms = fd_test_percentile (samples, 0.99);
  base_p50 = fd_test_percentile (samples, 0.50);
  g_array_set_size (samples, 0);
  g_array_set_size (work, 0);

  /* 100 searches, typed letter by letter */
  for (guint i = 0; i < 25; i++)
    {
      const char *name = surnames[i % G_N_ELEMENTS (surnames)];

      for (guint len = 1; len <= 4; len++)
        {
          g_autofree char *prefix = g_strndup (name, len);
          type_and_wait (entry, prefix);
        }
    }

  /* Raw figures; build-aux/bench pairs them with their baselines */
  g_print ("figure keystroke-to-paint-p99 %.1f\n", fd_test_percentile (samples, 0.99));
  g_print ("figure keystroke-to-paint-p50 %.1f\n", fd_test_percentile (samples, 0.50));
  /* Without the wait for the frame clock's next tick, which runs at 60 Hz
   * while the entry's cursor blinks */
  g_print ("figure keystroke-work-p99 %.1f\n", fd_test_percentile (work, 0.99));
  g_print ("figure keystroke-work-p50 %.1f\n", fd_test_percentile (work, 0.50));
  g_print ("figure frame-p99 %.1f\n", base_ms);
  g_print ("figure frame-p50 %.1f\n", base_p50);
  g_print ("figure peak-rss %.1f\n", peak_rss_kib () / 1024.0);

  gtk_window_destroy (GTK_WINDOW (window));
  g_array_unref (samples);
  g_array_unref (work);
  return 0;
}
