/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdStore"

#include "config.h"

#include "fd-dates.h"
#include "fd-store-private.h"
#include "fd-store-workset.h"

/* The working set: the patients whose records this station keeps current.
 * The sync engine asks which patients it wants (appointments in the window,
 * kept patients, patients with a change waiting), compares with the ones it
 * already follows, fetches the newcomers whole and lets the others go. A
 * patient who leaves the set stays in the cache; the engine only stops
 * fetching new records of theirs. */

static gpointer
id_from_row (sqlite3_stmt *stmt)
{
  return g_strdup (fd_store_column_text (stmt, 0));
}

static char *
now_text (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format_iso8601 (now);
}

/**
 * fd_store_keep_patient:
 * @self: the store
 * @patient_id: a Patient id
 * @error: return location for a #FD_STORE_ERROR
 *
 * Keeps @patient_id in the working set from now on: someone at the desk
 * found the patient on the clinic's server and opened the record. The next
 * pull fetches the patient's records whole and keeps them current.
 *
 * Returns: %TRUE on success
 */
gboolean
fd_store_keep_patient (FdStore     *self,
                       const char  *patient_id,
                       GError     **error)
{
  g_autofree char *now = now_text ();
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);
  g_return_val_if_fail (patient_id != NULL, FALSE);

  stmt = fd_store_prepare (self,
                           "INSERT INTO working_set (patient_id, kept, current, since) VALUES (?1, 1, 0, ?2)"
                           " ON CONFLICT (patient_id) DO UPDATE SET kept = 1",
                           error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, patient_id);
  fd_store_bind_text (stmt, 2, now);
  return fd_store_step_done (self, stmt, error);
}

/**
 * fd_store_is_patient_kept:
 * @self: the store
 * @patient_id: a Patient id
 *
 * Returns: whether @patient_id was kept with fd_store_keep_patient()
 */
gboolean
fd_store_is_patient_kept (FdStore    *self,
                          const char *patient_id)
{
  sqlite3_stmt *stmt;
  gboolean kept = FALSE;

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);

  stmt = fd_store_prepare (self, "SELECT kept FROM working_set WHERE patient_id = ?1", NULL);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, patient_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    kept = sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
  return kept;
}

/**
 * fd_store_working_set_wanted:
 * @self: the store
 * @first_day: the first local day of the appointment window
 * @last_day: the last local day of the appointment window
 * @error: return location for a #FD_STORE_ERROR
 *
 * The patients the station needs now, from what it has cached: those with
 * an appointment from @first_day to @last_day, those kept, and those with
 * a change of their own record waiting to go up; and the patients who are
 * the guarantors of those patients' cached accounts.
 *
 * Returns: (transfer full) (element-type utf8): Patient ids, sorted
 */
GPtrArray *
fd_store_working_set_wanted (FdStore      *self,
                             const GDate  *first_day,
                             const GDate  *last_day,
                             GError      **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FD_IS_STORE (self), NULL);

  first = fd_date_format_iso (first_day);
  last = fd_date_format_iso (last_day);
  stmt = fd_store_prepare (self,
                           "WITH base (patient_id) AS ("
                           "  SELECT patient_id FROM appointment"
                           "   WHERE day BETWEEN ?1 AND ?2 AND patient_id IS NOT NULL AND patient_id != ''"
                           "  UNION SELECT patient_id FROM working_set WHERE kept"
                           "  UNION SELECT id FROM outbox WHERE type = 'Patient')"
                           " SELECT patient_id FROM base"
                           /* and whoever answers for their accounts: statements
                            * are addressed to them */
                           " UNION SELECT substr (a.guarantor, 9) FROM account a"
                           "  JOIN base ON base.patient_id = a.patient_id WHERE a.guarantor GLOB 'Patient/?*'"
                           " ORDER BY 1",
                           error);
  if (stmt == NULL)
    return NULL;
  fd_store_bind_text (stmt, 1, first);
  fd_store_bind_text (stmt, 2, last);
  if (!fd_store_collect_rows (self, stmt, id_from_row, ids, error))
    return NULL;
  return g_steal_pointer (&ids);
}

/**
 * fd_store_working_set_update:
 * @self: the store
 * @wanted: (element-type utf8): the patients wanted now, from
 *   fd_store_working_set_wanted()
 * @left: (out) (optional): how many patients left the set
 * @error: return location for a #FD_STORE_ERROR
 *
 * Lets go the patients that are followed but no longer wanted (their cached
 * records stay), and names the wanted ones that are not followed yet: their
 * records are to be fetched whole, then added with
 * fd_store_working_set_add().
 *
 * Returns: (transfer full) (element-type utf8): the patients entering the set
 */
GPtrArray *
fd_store_working_set_update (FdStore    *self,
                             GPtrArray  *wanted,
                             guint      *left,
                             GError    **error)
{
  g_autoptr(GPtrArray) entering = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) current = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) wanted_set = g_hash_table_new (g_str_hash, g_str_equal);
  sqlite3_stmt *stmt;
  guint n_left = 0;

  g_return_val_if_fail (FD_IS_STORE (self), NULL);
  g_return_val_if_fail (wanted != NULL, NULL);

  for (guint i = 0; i < wanted->len; i++)
    g_hash_table_add (wanted_set, g_ptr_array_index (wanted, i));

  stmt = fd_store_prepare (self, "SELECT patient_id FROM working_set WHERE current", error);
  if (stmt == NULL || !fd_store_collect_rows (self, stmt, id_from_row, current, error))
    return NULL;

  if (!fd_store_begin (self, error))
    return NULL;
  for (guint i = 0; i < current->len; i++)
    {
      const char *id = g_ptr_array_index (current, i);

      if (g_hash_table_remove (wanted_set, id))
        continue;
      stmt = fd_store_prepare (self,
                               "DELETE FROM working_set WHERE patient_id = ?1 AND NOT kept", error);
      if (stmt == NULL)
        goto failed;
      fd_store_bind_text (stmt, 1, id);
      if (!fd_store_step_done (self, stmt, error))
        goto failed;
      n_left++;
    }
  if (!fd_store_commit (self, error))
    return NULL;

  /* In the order asked for */
  for (guint i = 0; i < wanted->len; i++)
    if (g_hash_table_contains (wanted_set, g_ptr_array_index (wanted, i)))
      g_ptr_array_add (entering, g_strdup (g_ptr_array_index (wanted, i)));

  if (left != NULL)
    *left = n_left;
  return g_steal_pointer (&entering);

failed:
  fd_store_rollback (self);
  return NULL;
}

/**
 * fd_store_working_set_add:
 * @self: the store
 * @patient_ids: (element-type utf8): patients whose records were just
 *   fetched whole
 * @error: return location for a #FD_STORE_ERROR
 *
 * From now on the engine keeps these patients' records current.
 *
 * Returns: %TRUE on success
 */
gboolean
fd_store_working_set_add (FdStore    *self,
                          GPtrArray  *patient_ids,
                          GError    **error)
{
  g_autofree char *now = now_text ();

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);

  if (patient_ids->len == 0)
    return TRUE;
  if (!fd_store_begin (self, error))
    return FALSE;
  for (guint i = 0; i < patient_ids->len; i++)
    {
      sqlite3_stmt *stmt = fd_store_prepare (self,
                                             "INSERT INTO working_set (patient_id, kept, current, since)"
                                             " VALUES (?1, 0, 1, ?2)"
                                             " ON CONFLICT (patient_id) DO UPDATE SET current = 1",
                                             error);

      if (stmt == NULL)
        {
          fd_store_rollback (self);
          return FALSE;
        }
      fd_store_bind_text (stmt, 1, g_ptr_array_index (patient_ids, i));
      fd_store_bind_text (stmt, 2, now);
      if (!fd_store_step_done (self, stmt, error))
        {
          fd_store_rollback (self);
          return FALSE;
        }
    }
  return fd_store_commit (self, error);
}

/**
 * fd_store_working_set_contains:
 * @self: the store
 * @patient_id: a Patient id
 *
 * Returns: whether the engine keeps @patient_id's records current
 */
gboolean
fd_store_working_set_contains (FdStore    *self,
                               const char *patient_id)
{
  sqlite3_stmt *stmt;
  gboolean found = FALSE;

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);

  if (patient_id == NULL)
    return FALSE;
  stmt = fd_store_prepare (self, "SELECT 1 FROM working_set WHERE patient_id = ?1 AND current", NULL);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, patient_id);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return found;
}

/**
 * fd_store_working_set_count:
 * @self: the store
 * @error: return location for a #FD_STORE_ERROR
 *
 * Returns: how many patients the engine keeps current, or -1 on error
 */
gint64
fd_store_working_set_count (FdStore  *self,
                            GError  **error)
{
  sqlite3_stmt *stmt;
  gint64 n = -1;
  int rc;

  g_return_val_if_fail (FD_IS_STORE (self), -1);

  stmt = fd_store_prepare (self, "SELECT count(*) FROM working_set WHERE current", error);
  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    fd_store_sqlite_error (self, rc, error);
  return n;
}
