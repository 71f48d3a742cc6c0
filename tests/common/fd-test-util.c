/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gstdio.h>

#include "fd-test-util.h"

char *
fd_test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("frontdesk-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
fd_test_remove_dir (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (path == NULL)
    return;
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        fd_test_remove_dir (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static gboolean
put_cb (JsonObject  *resource,
        gpointer     user_data,
        GError     **error)
{
  return fd_store_put (user_data, resource, FD_STORE_ORIGIN_SERVER, error);
}

/* A store in @dir filled with the demo clinic; @today NULL for the real today */
FdStore *
fd_test_seeded_store (const char  *dir,
                      guint        n_patients,
                      guint        n_days,
                      const GDate *today)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "frontdesk.db", NULL);
  g_autoptr(FdStore) store = fd_store_open (path, &error);
  FdDemoOptions options;

  g_assert_no_error (error);
  fd_demo_options_init (&options);
  options.n_patients = n_patients;
  options.n_days = n_days;
  options.seed = 7;
  if (today != NULL)
    options.today = *today;

  g_assert_true (fd_store_begin (store, &error));
  g_assert_true (fd_demo_clinic_generate (&options, put_cb, store, &error));
  g_assert_no_error (error);
  g_assert_true (fd_store_commit (store, &error));

  return g_steal_pointer (&store);
}

char *
fd_test_file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return g_strdup ("(missing)");
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

/* Lets windows map, lay out and draw: pending events in a few rounds */
void
fd_test_iterate (void)
{
  for (guint i = 0; i < 5; i++)
    {
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}
