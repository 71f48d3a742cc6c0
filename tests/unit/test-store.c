/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <locale.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "fd-fhir.h"
#include "fd-store.h"
#include "fd-test-util.h"
#include "fd-text.h"

typedef struct
{
  char    *dir;
  char    *path;
  FdStore *store;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = fd_test_make_dir ();
  f->path = g_build_filename (f->dir, "profile", "frontdesk.db", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  fd_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static JsonObject *
make_patient (const char *id,
              const char *family,
              const char *given)
{
  g_autofree char *json = g_strdup_printf ("{\"resourceType\":\"Patient\",\"id\":\"%s\",\"meta\":{\"versionId\":\"3\"},"
                                           "\"name\":[{\"family\":\"%s\",\"given\":[\"%s\"]}]}", id, family, given);

  return fd_fhir_parse (json, -1, NULL);
}

static void
exec_sql (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_open_empty (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) patient = make_patient ("p1", "Doe", "Jane");
  g_autofree char *profile_dir = g_path_get_dirname (f->path);
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  GStatBuf st;

  f->store = fd_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fd_store_get_schema_version (f->store), ==, fd_store_latest_schema ());

  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (profile_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);

  /* The write-ahead log holds the same data: it gets the same mode */
  g_assert_true (fd_store_put (f->store, patient, FD_STORE_ORIGIN_SERVER, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* Reopening keeps the data and migrates nothing again */
  g_clear_object (&f->store);
  f->store = fd_store_open (f->path, &error);
  g_assert_no_error (error);
  {
    g_autoptr(JsonObject) back = fd_store_get (f->store, "Patient", "p1", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (fd_fhir_get_string (back, "id"), ==, "p1");
  }
}

static void
test_newer_schema (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *sql = NULL;

  /* A database a future version wrote */
  f->store = fd_store_open (f->path, &error);
  g_assert_no_error (error);
  g_clear_object (&f->store);
  sql = g_strdup_printf ("PRAGMA journal_mode = DELETE; PRAGMA user_version = %d;", fd_store_latest_schema () + 1);
  exec_sql (f->path, sql);

  before = fd_test_file_checksum (f->path);
  f->store = fd_store_open (f->path, &error);
  g_assert_null (f->store);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NEWER_SCHEMA);
  g_assert_nonnull (strstr (error->message, "newer version"));
  after = fd_test_file_checksum (f->path);
  g_assert_cmpstr (before, ==, after);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (to, contents, (gssize) length, NULL));
}

/* A newer version crashed (or is still running) with its write-ahead log not
 * yet checkpointed: refusing the file must not checkpoint it either */
static void
test_newer_schema_with_wal (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *live = g_build_filename (f->dir, "live.db", NULL);
  g_autofree char *live_wal = g_strconcat (live, "-wal", NULL);
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *sql = NULL;
  g_autofree char *db_before = NULL;
  g_autofree char *wal_before = NULL;
  g_autofree char *db_after = NULL;
  g_autofree char *wal_after = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (live, &db), ==, SQLITE_OK);
  sql = g_strdup_printf ("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;"
                         "PRAGMA application_id = %d; CREATE TABLE t (x); PRAGMA user_version = %d;"
                         "INSERT INTO t VALUES (1), (2), (3);",
                         0x4672446b, fd_store_latest_schema () + 1);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_true (g_file_test (live_wal, G_FILE_TEST_EXISTS));
  copy_file (live, f->path);
  copy_file (live_wal, wal);
  sqlite3_close (db);

  db_before = fd_test_file_checksum (f->path);
  wal_before = fd_test_file_checksum (wal);
  f->store = fd_store_open (f->path, &error);
  g_assert_null (f->store);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NEWER_SCHEMA);
  db_after = fd_test_file_checksum (f->path);
  wal_after = fd_test_file_checksum (wal);
  g_assert_cmpstr (db_before, ==, db_after);
  g_assert_cmpstr (wal_before, ==, wal_after);
}

static void
test_mrn_forms (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) patient = fd_fhir_parse (
    "{\"resourceType\":\"Patient\",\"id\":\"m1\",\"name\":[{\"family\":\"Quill\",\"given\":[\"Ada\"]}],"
    "\"identifier\":[{\"type\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v2-0203\",\"code\":\"MR\"}]},"
    "\"value\":\"MRN-004512\"}]}", -1, &error);
  const char *queries[] = { "MRN-004512", "mrn004512", "004512", "MRN 0045" };

  g_assert_no_error (error);
  f->store = fd_store_open (f->path, &error);
  g_assert_true (fd_store_put (f->store, patient, FD_STORE_ORIGIN_SERVER, &error));
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(GPtrArray) hits = fd_store_search_patients (f->store, queries[i], 10, &error);

      g_assert_no_error (error);
      if (hits->len != 1)
        g_error ("MRN form “%s” gives %u results", queries[i], hits->len);
    }
}

/* A station that ran schema 1 keeps its waiting changes through the upgrade */
static void
test_migrate_from_1 (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *sql_path = g_test_build_filename (G_TEST_DIST, "..", "resources", "sql", "001-initial.sql", NULL);
  g_autofree char *sql = NULL;
  g_autofree char *script = NULL;
  g_autoptr(GPtrArray) outbox = NULL;

  g_assert_true (g_file_get_contents (sql_path, &sql, NULL, &error));
  script = g_strdup_printf ("%s\nPRAGMA application_id = %d; PRAGMA user_version = 1;"
                            "INSERT INTO outbox (op, type, id, json, created_at, state, error)"
                            " VALUES ('update', 'Patient', 'p9', '{}', '2026-11-27T10:00:00Z', 'parked', 'refused'),"
                            " ('create', 'Patient', 'p10', '{}', '2026-11-27T10:01:00Z', 'pending', NULL);",
                            sql, 0x4672446b);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  exec_sql (f->path, script);

  f->store = fd_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fd_store_get_schema_version (f->store), ==, fd_store_latest_schema ());
  outbox = fd_store_list_outbox (f->store, TRUE, &error);
  g_assert_cmpuint (outbox->len, ==, 2);
  g_assert_cmpstr (((FdOutboxEntry *) g_ptr_array_index (outbox, 0))->kind, ==, "rejected");
  g_assert_null (((FdOutboxEntry *) g_ptr_array_index (outbox, 1))->kind);
  g_assert_cmpstr (((FdOutboxEntry *) g_ptr_array_index (outbox, 1))->state, ==, "pending");
}

static void
test_corrupt_file (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (f->path, "This is a letter, not a database.\n", -1, NULL));
  before = fd_test_file_checksum (f->path);

  f->store = fd_store_open (f->path, &error);
  g_assert_null (f->store);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_DATABASE);
  after = fd_test_file_checksum (f->path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_foreign_database (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  exec_sql (f->path, "CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');");
  before = fd_test_file_checksum (f->path);

  f->store = fd_store_open (f->path, &error);
  g_assert_null (f->store);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_DATABASE);
  after = fd_test_file_checksum (f->path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_not_writable (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *blocker = g_build_filename (f->dir, "profile", NULL);
  g_autofree char *dir_as_path = g_build_filename (f->dir, "profile", "frontdesk.db", NULL);

  /* A file where the profile folder should be: even root cannot create it */
  g_assert_true (g_file_set_contents (blocker, "x", -1, NULL));
  f->store = fd_store_open (dir_as_path, &error);
  g_assert_null (f->store);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_WRITABLE);
}

static void
test_directory_as_database (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (f->path, 0700), ==, 0);
  f->store = fd_store_open (f->path, &error);
  g_assert_null (f->store);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_DATABASE);
}

static void
changed_cb (FdStore            *store,
            const char         *type,
            const char * const *ids,
            GPtrArray          *log)
{
  g_ptr_array_add (log, g_strdup_printf ("%s:%u", type, g_strv_length ((char **) ids)));
}

static gint64
count_outbox (Fixture *f)
{
  FdStoreCounts counts;

  g_assert_true (fd_store_get_counts (f->store, &counts, NULL));
  return counts.outbox_pending;
}

/* A record the server never took can be discarded, unless changes still
 * waiting to go refer to it: they would point at nothing */
static void
test_discard_referenced (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) patient = make_patient ("walkin-1", "Okafor-Lindqvist", "Ada");
  g_autoptr(JsonObject) appointment = fd_fhir_parse ("{\"resourceType\":\"Appointment\",\"id\":\"appt-1\","
                                                     "\"status\":\"booked\",\"participant\":[{\"actor\":"
                                                     "{\"reference\":\"Patient/walkin-1\"},\"status\":\"accepted\"}]}",
                                                     -1, NULL);
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(JsonObject) kept = NULL;
  gint64 patient_seq = 0;

  f->store = fd_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (fd_store_put (f->store, patient, FD_STORE_ORIGIN_LOCAL, &error));
  g_assert_true (fd_store_put (f->store, appointment, FD_STORE_ORIGIN_LOCAL, &error));
  outbox = fd_store_list_outbox (f->store, FALSE, &error);
  for (guint i = 0; i < outbox->len; i++)
    {
      FdOutboxEntry *entry = g_ptr_array_index (outbox, i);

      if (g_str_equal (entry->type, "Patient"))
        patient_seq = entry->seq;
    }
  g_assert_true (fd_store_park_outbox (f->store, "Patient", "walkin-1", patient_seq, "rejected",
                                       "The server refused this change (HTTP 400)", NULL, &error));
  g_assert_no_error (error);

  /* The visit booked for the walk-in still waits: the patient stays */
  g_assert_false (fd_store_discard_parked (f->store, "Patient", "walkin-1", &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_ALLOWED);
  g_assert_nonnull (strstr (error->message, "Appointment"));
  g_clear_error (&error);
  kept = fd_store_get (f->store, "Patient", "walkin-1", &error);
  g_assert_nonnull (kept);
  g_assert_cmpint (count_outbox (f), ==, 1);  /* the visit; the patient's change is parked */

  /* One nothing refers to goes, with its change */
  {
    g_autoptr(JsonObject) other = make_patient ("walkin-2", "Nakamura", "Ren");
    g_autoptr(JsonObject) gone = NULL;

    g_assert_true (fd_store_put (f->store, other, FD_STORE_ORIGIN_LOCAL, &error));
    g_clear_pointer (&outbox, g_ptr_array_unref);
    outbox = fd_store_list_outbox (f->store, FALSE, &error);
    for (guint i = 0; i < outbox->len; i++)
      {
        FdOutboxEntry *entry = g_ptr_array_index (outbox, i);

        if (g_str_equal (entry->id, "walkin-2"))
          patient_seq = entry->seq;
      }
    g_assert_true (fd_store_park_outbox (f->store, "Patient", "walkin-2", patient_seq, "rejected",
                                         "The server refused this change (HTTP 400)", NULL, &error));
    g_assert_true (fd_store_discard_parked (f->store, "Patient", "walkin-2", &error));
    g_assert_no_error (error);
    gone = fd_store_get (f->store, "Patient", "walkin-2", NULL);
    g_assert_null (gone);
    g_assert_cmpint (count_outbox (f), ==, 1);
  }
}

/* A record whose refused change was discarded takes no new change until
 * the server's version is back: the cache still holds what was given up */
static void
test_discarded_waits_for_server (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) patient = make_patient ("pd", "Abernathy-Quispe", "Lena");
  g_autoptr(JsonObject) server_copy = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  JsonObject *meta = json_object_new ();

  f->store = fd_store_open (f->path, &error);
  g_assert_no_error (error);
  json_object_set_string_member (meta, "versionId", "3");
  json_object_set_object_member (patient, "meta", meta);
  g_assert_true (fd_store_put (f->store, patient, FD_STORE_ORIGIN_SERVER, &error));
  server_copy = json_object_ref (patient);

  json_object_set_string_member (patient, "gender", "unknown");
  g_assert_true (fd_store_put (f->store, patient, FD_STORE_ORIGIN_LOCAL, &error));
  outbox = fd_store_list_outbox (f->store, FALSE, &error);
  g_assert_cmpuint (outbox->len, ==, 1);
  g_assert_true (fd_store_park_outbox (f->store, "Patient", "pd", ((FdOutboxEntry *) g_ptr_array_index (outbox, 0))->seq,
                                       "rejected", "The server refused this change (HTTP 400)", NULL, &error));
  g_assert_true (fd_store_discard_parked (f->store, "Patient", "pd", &error));
  g_assert_no_error (error);

  /* Offline, before the server's version is back: refused, nothing queued */
  json_object_set_string_member (patient, "gender", "female");
  g_assert_false (fd_store_put (f->store, patient, FD_STORE_ORIGIN_LOCAL, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_cmpint (count_outbox (f), ==, 0);

  /* The next sync brings it back; then the desk can change it */
  g_assert_true (fd_store_restore_discarded (f->store, "Patient", "pd", server_copy, &error));
  g_assert_true (fd_store_put (f->store, patient, FD_STORE_ORIGIN_LOCAL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_outbox (f), ==, 1);
}

static void
test_outbox_and_signal (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonObject) a = make_patient ("pa", "Alvarez", "Ana");
  g_autoptr(JsonObject) b = make_patient ("pb", "Bell", "Bo");
  g_autoptr(JsonObject) bad = json_object_new ();
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  f->store = fd_store_open (f->path, &error);
  g_assert_no_error (error);
  g_signal_connect (f->store, "changed", G_CALLBACK (changed_cb), log);

  /* Downloaded: cached, indexed, announced, never queued */
  g_assert_true (fd_store_put (f->store, a, FD_STORE_ORIGIN_SERVER, &error));
  g_assert_cmpint (count_outbox (f), ==, 0);
  g_assert_cmpuint (log->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (log, 0), ==, "Patient:1");

  /* Made here: queued in the same transaction, with the base version */
  json_object_set_string_member (fd_fhir_patient_name (a), "family", "Alvarez-Ruiz");
  g_assert_true (fd_store_put (f->store, a, FD_STORE_ORIGIN_LOCAL, &error));
  g_assert_true (fd_store_put (f->store, b, FD_STORE_ORIGIN_LOCAL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_outbox (f), ==, 2);

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT op, id, base_version FROM outbox ORDER BY seq", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "update");
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 1), ==, "pa");
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 2), ==, "3");
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "create");
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 1), ==, "pb");
  g_assert_null (sqlite3_column_text (stmt, 2));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  /* The search sees the new surname */
  {
    g_autoptr(GPtrArray) hits = fd_store_search_patients (f->store, "alvarez-r", 10, &error);
    g_assert_cmpuint (hits->len, ==, 1);
    g_assert_cmpstr (fd_patient_item_get_display (g_ptr_array_index (hits, 0)), ==, "Alvarez-Ruiz, Ana");
  }

  /* A rolled-back transaction announces nothing and leaves nothing */
  g_ptr_array_set_size (log, 0);
  g_assert_true (fd_store_begin (f->store, &error));
  {
    g_autoptr(JsonObject) c = make_patient ("pc", "Chen", "Li");
    g_assert_true (fd_store_put (f->store, c, FD_STORE_ORIGIN_LOCAL, &error));
  }
  fd_store_rollback (f->store);
  g_assert_cmpuint (log->len, ==, 0);
  g_assert_cmpint (count_outbox (f), ==, 2);
  {
    g_autoptr(JsonObject) none = fd_store_get (f->store, "Patient", "pc", &error);
    g_assert_null (none);
    g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  /* A record without type or id is refused and changes nothing */
  g_assert_false (fd_store_put (f->store, bad, FD_STORE_ORIGIN_LOCAL, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_assert_cmpint (count_outbox (f), ==, 2);
}

static void
test_disk_full (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  FdStoreCounts before, after;
  gboolean ok = TRUE;

  f->store = fd_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (fd_store_get_counts (f->store, &before, NULL));

  fd_store_set_max_pages (f->store, 60);
  g_assert_true (fd_store_begin (f->store, &error));
  for (guint i = 0; i < 5000 && ok; i++)
    {
      g_autofree char *id = g_strdup_printf ("full-%u", i);
      g_autoptr(JsonObject) p = make_patient (id, "Filler", "Page");

      ok = fd_store_put (f->store, p, FD_STORE_ORIGIN_SERVER, &error);
    }
  g_assert_false (ok);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_DISK_FULL);
  fd_store_rollback (f->store);

  g_assert_true (fd_store_get_counts (f->store, &after, NULL));
  g_assert_cmpint (after.patients, ==, before.patients);
  g_assert_cmpint (after.resources, ==, before.resources);
}

/* Search over the demo clinic */

static FdStore *search_store;
static char *search_dir;

static GPtrArray *
search (const char *query)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *hits = fd_store_search_patients (search_store, query, 50, &error);

  g_assert_no_error (error);
  g_assert_nonnull (hits);
  g_assert_cmpuint (hits->len, <=, 50);
  return hits;
}

static gboolean
hits_contain (GPtrArray  *hits,
              const char *id)
{
  for (guint i = 0; i < hits->len; i++)
    if (g_str_equal (fd_patient_item_get_id (g_ptr_array_index (hits, i)), id))
      return TRUE;
  return FALSE;
}

static char *
surname_key (FdPatientItem *item)
{
  g_auto(GStrv) parts = g_strsplit (fd_patient_item_get_display (item), ",", 2);
  return fd_text_fold (parts[0]);
}

static void
assert_order (GPtrArray  *hits,
              const char *prefix)
{
  gboolean in_prefix = TRUE;
  g_autofree char *last = g_strdup ("");

  for (guint i = 0; i < hits->len; i++)
    {
      FdPatientItem *item = g_ptr_array_index (hits, i);
      g_autofree char *key = surname_key (item);
      gboolean matches = g_str_has_prefix (key, prefix);

      /* Surname-prefix matches first, each group alphabetical */
      if (!matches)
        {
          if (in_prefix)
            {
              g_free (last);
              last = g_strdup ("");
            }
          in_prefix = FALSE;
        }
      g_assert_true (matches || !in_prefix);
      if (in_prefix)
        {
          g_assert_cmpstr (last, <=, key);
          g_free (last);
          last = g_strdup (key);
        }
    }
}

static const char *
find_id (const char *family,
         const char *given)
{
  g_autoptr(GPtrArray) hits = NULL;
  g_autofree char *q = g_strdup_printf ("%s, %s", family, given);
  static char id[80];

  hits = search (q);
  g_assert_cmpuint (hits->len, >=, 1);
  g_strlcpy (id, fd_patient_item_get_id (g_ptr_array_index (hits, 0)), sizeof id);
  return id;
}

static void
test_search_names (void)
{
  g_autofree char *garcia = g_strdup (find_id ("García", "María José"));
  g_autofree char *obrien = g_strdup (find_id ("O'Brien", "Siobhan"));
  g_autofree char *smith = g_strdup (find_id ("Smith-Jones", "Alexander"));
  struct { const char *query; const char **id; const char *prefix; } cases[] = {
    { "gar", (const char **) &garcia, "gar" },
    { "GAR", (const char **) &garcia, "gar" },
    { "garc", (const char **) &garcia, "garc" },
    { "García", (const char **) &garcia, "garcia" },
    { "garcia, maria", (const char **) &garcia, "garcia" },
    { "garcía,maría jo", (const char **) &garcia, "garcia" },
    { "maria gar", (const char **) &garcia, "mariagar" },
    { "obri", (const char **) &obrien, "obri" },
    { "o'bri", (const char **) &obrien, "obri" },
    { "O’Brien", (const char **) &obrien, "obrien" },
    { "smith-j", (const char **) &smith, "smithj" },
    { "smith-jones, alex", (const char **) &smith, "smithjones" },
    { "jones", (const char **) &smith, "jones" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) hits = search (cases[i].query);

      if (!hits_contain (hits, *cases[i].id))
        g_error ("“%s” does not find the expected patient", cases[i].query);
      assert_order (hits, cases[i].prefix);
    }
}

static void
test_search_order (void)
{
  g_autoptr(GPtrArray) hits = search ("cruz");
  gboolean seen_other = FALSE;
  guint prefix_hits = 0;

  /* "Cruz, ..." first, then "de la Cruz" and the like */
  for (guint i = 0; i < hits->len; i++)
    {
      g_autofree char *key = surname_key (g_ptr_array_index (hits, i));

      if (g_str_has_prefix (key, "cruz"))
        {
          g_assert_false (seen_other);
          prefix_hits++;
        }
      else
        seen_other = TRUE;
    }
  g_assert_cmpuint (prefix_hits, >, 0);
  assert_order (hits, "cruz");

  /* One letter fills the page with surnames only */
  {
    g_autoptr(GPtrArray) m = search ("m");
    g_assert_cmpuint (m->len, ==, 50);
    assert_order (m, "m");
    for (guint i = 0; i < m->len; i++)
      {
        g_autofree char *key = surname_key (g_ptr_array_index (m, i));
        g_assert_true (g_str_has_prefix (key, "m"));
      }
  }
}

static void
test_search_dates (void)
{
  g_autofree char *garcia = g_strdup (find_id ("García", "María José"));
  const char *queries[] = { "03/07/1961", "3/7/1961", "1961-03-07", " 03-07-1961 " };

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(GPtrArray) hits = search (queries[i]);

      g_assert_true (hits_contain (hits, garcia));
      for (guint j = 0; j < hits->len; j++)
        g_assert_cmpstr (fd_patient_item_get_birth_date (g_ptr_array_index (hits, j)), ==, "1961-03-07");
    }

  {
    g_autoptr(GPtrArray) none = search ("02/30/1961");
    g_assert_cmpuint (none->len, ==, 0);
  }
}

static void
test_search_phone_mrn (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *garcia = g_strdup (find_id ("García", "María José"));
  g_autoptr(JsonObject) patient = fd_store_get (search_store, "Patient", garcia, &error);
  g_autofree char *digits = fd_text_digits (fd_fhir_patient_phone (patient));
  const char *national;
  g_autofree char *formatted = NULL;
  g_autofree char *dotted = NULL;
  g_autofree char *local7 = NULL;
  g_autofree char *last4 = NULL;
  g_autofree char *with_code = NULL;
  const char *mrn = fd_fhir_patient_mrn (patient);

  g_assert_no_error (error);
  national = strlen (digits) == 11 ? digits + 1 : digits;
  g_assert_cmpuint (strlen (national), ==, 10);
  formatted = g_strdup_printf ("(%.3s) %.3s-%s", national, national + 3, national + 6);
  dotted = g_strdup_printf ("%.3s.%.3s.%s", national, national + 3, national + 6);
  local7 = g_strdup_printf ("%.3s-%s", national + 3, national + 6);
  last4 = g_strdup (national + 6);
  with_code = g_strdup_printf ("+1 %s", national);

  {
    const char *queries[] = { national, formatted, dotted, local7, last4, with_code, mrn };

    for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
      {
        g_autoptr(GPtrArray) hits = search (queries[i]);
        if (!hits_contain (hits, garcia))
          g_error ("query %u (phone or MRN form) does not find the patient", i);
      }
  }
}

static void
test_search_hostile (void)
{
  g_autofree char *huge = g_strnfill (10000, 'a');
  const char *queries[] = { "\"", "*", "NEAR(a b)", "-", "a OR b", "^x", "\"gar\"*", "()", "a AND",
                            ":", "garcia:*", "'", "' OR 1=1 --", "%", "_", "\\", "\xff\xfe", "   ",
                            "", ",", ", ,", "0", "00/00/0000" };

  {
    g_autoptr(GPtrArray) hits = search (huge);
    g_assert_cmpuint (hits->len, ==, 0);
  }
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(GPtrArray) hits = search (queries[i]);
      (void) hits;
    }
  {
    g_autoptr(GPtrArray) hits = search ("NEAR");
    for (guint i = 0; i < hits->len; i++)
      g_assert_nonnull (fd_patient_item_get_id (g_ptr_array_index (hits, i)));
  }
}

static void
test_lists (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) balances = NULL;
  g_autoptr(GPtrArray) day = NULL;
  GDate today, next;
  gint64 n;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 25, 11, 2026);

  day = fd_store_list_appointments (search_store, &today, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (day->len, >=, 8 * 16);
  for (guint i = 1; i < day->len; i++)
    g_assert_cmpint (fd_appointment_item_get_start (g_ptr_array_index (day, i - 1)), <=,
                     fd_appointment_item_get_start (g_ptr_array_index (day, i)));

  /* Friday 27 November is followed by Monday 30 November */
  g_date_set_dmy (&today, 27, 11, 2026);
  g_assert_true (fd_store_next_clinic_day (search_store, &today, &next, &error));
  g_assert_cmpuint (g_date_get_day (&next), ==, 30);

  n = fd_store_count_balances (search_store, &error);
  g_assert_cmpint (n, >, 0);
  balances = fd_store_list_balances (search_store, 0, (guint) n, &error);
  g_assert_cmpuint (balances->len, ==, (guint) n);
  for (guint i = 1; i < balances->len; i++)
    g_assert_cmpint (fd_patient_item_get_balance (g_ptr_array_index (balances, i - 1))->cents, >=,
                     fd_patient_item_get_balance (g_ptr_array_index (balances, i))->cents);
  g_assert_cmpint (fd_patient_item_get_balance (g_ptr_array_index (balances, balances->len - 1))->cents, >, 0);
}

int
main (int argc, char **argv)
{
  GDate today;
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/open-empty", Fixture, NULL, fixture_setup, test_open_empty, fixture_teardown);
  g_test_add ("/store/newer-schema", Fixture, NULL, fixture_setup, test_newer_schema, fixture_teardown);
  g_test_add ("/store/newer-schema-with-wal", Fixture, NULL, fixture_setup, test_newer_schema_with_wal, fixture_teardown);
  g_test_add ("/store/migrate-from-1", Fixture, NULL, fixture_setup, test_migrate_from_1, fixture_teardown);
  g_test_add ("/store/mrn-forms", Fixture, NULL, fixture_setup, test_mrn_forms, fixture_teardown);
  g_test_add ("/store/corrupt-file", Fixture, NULL, fixture_setup, test_corrupt_file, fixture_teardown);
  g_test_add ("/store/foreign-database", Fixture, NULL, fixture_setup, test_foreign_database, fixture_teardown);
  g_test_add ("/store/not-writable", Fixture, NULL, fixture_setup, test_not_writable, fixture_teardown);
  g_test_add ("/store/directory-as-database", Fixture, NULL, fixture_setup, test_directory_as_database, fixture_teardown);
  g_test_add ("/store/outbox-and-signal", Fixture, NULL, fixture_setup, test_outbox_and_signal, fixture_teardown);
  g_test_add ("/store/discard-referenced", Fixture, NULL, fixture_setup, test_discard_referenced, fixture_teardown);
  g_test_add ("/store/discarded-waits-for-server", Fixture, NULL, fixture_setup, test_discarded_waits_for_server, fixture_teardown);
  g_test_add ("/store/disk-full", Fixture, NULL, fixture_setup, test_disk_full, fixture_teardown);
  g_test_add_func ("/search/names", test_search_names);
  g_test_add_func ("/search/order", test_search_order);
  g_test_add_func ("/search/dates", test_search_dates);
  g_test_add_func ("/search/phone-mrn", test_search_phone_mrn);
  g_test_add_func ("/search/hostile-input", test_search_hostile);
  g_test_add_func ("/store/lists", test_lists);

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 25, 11, 2026);
  search_dir = fd_test_make_dir ();
  search_store = fd_test_seeded_store (search_dir, 2000, 14, &today);

  ret = g_test_run ();

  g_clear_object (&search_store);
  fd_test_remove_dir (search_dir);
  g_free (search_dir);
  return ret;
}
