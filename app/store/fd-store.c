/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdStore"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "fd-core.h"
#include "fd-dates.h"
#include "fd-fhir.h"
#include "fd-store.h"
#include "fd-store-private.h"
#include "fd-text.h"

/* "FrDk": marks the file as ours, so that another program's SQLite file is refused */
#define FD_APPLICATION_ID 0x4672446b

struct _FdStore
{
  GObject       parent_instance;

  sqlite3      *db;
  char         *path;
  GTimeZone    *tz;
  int           schema_version;
  GHashTable   *statements;   /* const char *sql -> sqlite3_stmt */
  GHashTable   *changes;      /* type -> GPtrArray of ids, during a transaction */
  GMainContext *context;      /* where "changed" is emitted */
  GThread      *owner;
  guint         in_transaction : 1;
};

static void emit_changes (FdStore *self, GHashTable *changes);

G_DEFINE_FINAL_TYPE (FdStore, fd_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (fd-store-error-quark, fd_store_error)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const struct {
  int         version;
  const char *file;
} migrations[] = {
  { 1, "001-initial.sql" },
  { 2, "002-outbox-conflicts.sql" },
  { 3, "003-checkin.sql" },
  { 4, "004-ledger.sql" },
  { 5, "005-working-set.sql" },
  { 6, "006-outbox-discard.sql" },
  { 7, "007-guarantor.sql" },
};

#define SEARCH_MAX_QUERY 256

/* Helpers */

static gboolean
errno_is_disk_full (int errsv)
{
#ifdef EDQUOT
  if (errsv == EDQUOT)
    return TRUE;
#endif
  return errsv == ENOSPC;
}

static void
set_disk_full_error (GError **error)
{
  g_set_error_literal (error, FD_STORE_ERROR, FD_STORE_ERROR_DISK_FULL,
                       _("The disk is full. Nothing was saved; free some space and try again."));
}

/* SQLite says SQLITE_FULL when a write to the database or its WAL runs out of
 * room, but a plain I/O error when creating or growing the WAL index or a
 * file fails for the same reason: the errno tells them apart */
static gboolean
sqlite_is_disk_full (sqlite3 *db,
                     int      rc)
{
  int primary = rc & 0xff;

  if (primary == SQLITE_FULL)
    return TRUE;
  if ((primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN) && db != NULL)
    return errno_is_disk_full (sqlite3_system_errno (db));
  return FALSE;
}

static gboolean
set_error_from_sqlite (FdStore     *self,
                       sqlite3     *db,
                       int          rc,
                       GError     **error)
{
  int primary = rc & 0xff;

  if (sqlite_is_disk_full (db, rc))
    {
      set_disk_full_error (error);
      return FALSE;
    }

  switch (primary)
    {
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_WRITABLE,
                   _("The database cannot be written: %s"), sqlite3_errstr (rc));
      break;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      g_set_error_literal (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_DATABASE,
                           _("The database file is damaged or is not a Frontdesk database. It was left as it is."));
      break;
    default:
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_FAILED,
                   _("The database failed: %s"), db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      break;
    }

  return FALSE;
}

static sqlite3_stmt *
prepare (FdStore     *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_error_from_sqlite (self, self->db, rc, error);
      return NULL;
    }

  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

static gboolean
step_done (FdStore       *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return set_error_from_sqlite (self, self->db, rc, error);
  return TRUE;
}

static gboolean
exec (FdStore     *self,
      const char  *sql,
      GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return set_error_from_sqlite (self, self->db, rc, error);
  return TRUE;
}

static gboolean
query_int (FdStore     *self,
           const char  *sql,
           gint64      *out,
           GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_error_from_sqlite (self, self->db, rc, error);
      sqlite3_finalize (stmt);
      return FALSE;
    }

  *out = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return TRUE;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           index)
{
  return (const char *) sqlite3_column_text (stmt, index);
}

/* The same helpers for the store's other source files (fd-store-private.h) */

sqlite3 *
fd_store_db (FdStore *self)
{
  return self->db;
}

gboolean
fd_store_sqlite_error (FdStore  *self,
                       int       rc,
                       GError  **error)
{
  return set_error_from_sqlite (self, self->db, rc, error);
}

sqlite3_stmt *
fd_store_prepare (FdStore     *self,
                  const char  *sql,
                  GError     **error)
{
  return prepare (self, sql, error);
}

gboolean
fd_store_step_done (FdStore       *self,
                    sqlite3_stmt  *stmt,
                    GError       **error)
{
  return step_done (self, stmt, error);
}

gboolean
fd_store_exec (FdStore     *self,
               const char  *sql,
               GError     **error)
{
  return exec (self, sql, error);
}

void
fd_store_bind_text (sqlite3_stmt *stmt,
                    int           index,
                    const char   *text)
{
  bind_text (stmt, index, text);
}

const char *
fd_store_column_text (sqlite3_stmt *stmt,
                      int           index)
{
  return column_text (stmt, index);
}

gboolean
fd_store_in_transaction (FdStore *self)
{
  return self->in_transaction;
}

static gboolean
check_file_header (const char  *path,
                   GError     **error)
{
  static const char magic[16] = "SQLite format 3";
  char header[16];
  gssize n;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_WRITABLE,
                   _("The database file cannot be opened: %s"), g_strerror (errsv));
      return FALSE;
    }

  n = read (fd, header, sizeof header);
  close (fd);

  /* An empty file is what a crash between creating and initialising leaves */
  if (n == 0)
    return TRUE;

  if (n != sizeof header || memcmp (header, magic, sizeof magic) != 0)
    {
      g_set_error_literal (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_DATABASE,
                           _("The database file is damaged or is not a Frontdesk database. It was left as it is."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
migrate (FdStore  *self,
         GError  **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (migrations); i++)
    {
      g_autofree char *resource_path = NULL;
      g_autofree char *sql = NULL;
      g_autoptr(GBytes) bytes = NULL;

      if (migrations[i].version <= self->schema_version)
        continue;

      resource_path = g_strdup_printf ("/org/frontdesk/Frontdesk/sql/%s", migrations[i].file);
      bytes = g_resources_lookup_data (resource_path, 0, error);
      if (bytes == NULL)
        return FALSE;

      sql = g_strdup_printf ("BEGIN IMMEDIATE;\n%.*s\nPRAGMA application_id = %d;\nPRAGMA user_version = %d;\nCOMMIT;",
                             (int) g_bytes_get_size (bytes),
                             (const char *) g_bytes_get_data (bytes, NULL),
                             FD_APPLICATION_ID,
                             migrations[i].version);
      if (!exec (self, sql, error))
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }

      self->schema_version = migrations[i].version;
      g_debug ("Database migrated to schema %d", self->schema_version);
    }

  return TRUE;
}

void
fd_store_record_change (FdStore    *self,
                        const char *type,
                        const char *id)
{
  GPtrArray *ids = g_hash_table_lookup (self->changes, type);

  if (ids == NULL)
    {
      ids = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (self->changes, g_strdup (type), ids);
    }
  g_ptr_array_add (ids, g_strdup (id));
}

typedef struct
{
  FdStore    *store;
  GHashTable *changes;
} ChangesIdle;

static gboolean
emit_changes_idle_cb (gpointer data)
{
  ChangesIdle *idle = data;

  emit_changes (idle->store, idle->changes);
  g_object_unref (idle->store);
  g_hash_table_unref (idle->changes);
  g_free (idle);

  return G_SOURCE_REMOVE;
}

static void
emit_changes (FdStore    *self,
              GHashTable *changes)
{
  GHashTableIter iter;
  gpointer key, value;

  /* Views listen on the thread that opened the store; a commit made elsewhere is announced there */
  if (g_thread_self () != self->owner)
    {
      ChangesIdle *idle = g_new0 (ChangesIdle, 1);

      idle->store = g_object_ref (self);
      idle->changes = g_hash_table_ref (changes);
      fd_run_in_context (self->context, emit_changes_idle_cb, idle);
      return;
    }

  g_hash_table_iter_init (&iter, changes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *ids = value;

      g_ptr_array_add (ids, NULL);
      g_signal_emit (self, signals[CHANGED], 0, (const char *) key, (const char * const *) ids->pdata);
      g_ptr_array_remove_index (ids, ids->len - 1);
    }
}

/* Index tables */

static const char *
find_participant (JsonObject  *appointment,
                  const char  *type,
                  const char **display)
{
  JsonArray *participants = fd_fhir_get_array (appointment, "participant");

  for (guint i = 0; participants && i < json_array_get_length (participants); i++)
    {
      JsonObject *actor = fd_fhir_get_object (fd_fhir_array_object (participants, i), "actor");
      const char *id = fd_fhir_reference_id (actor, type);

      if (id != NULL)
        {
          if (display)
            *display = fd_fhir_get_string (actor, "display");
          return id;
        }
    }

  if (display)
    *display = NULL;
  return NULL;
}

static void
append_phone_terms (GString    *terms,
                    JsonObject *patient)
{
  JsonArray *telecom = fd_fhir_get_array (patient, "telecom");

  for (guint i = 0; telecom && i < json_array_get_length (telecom); i++)
    {
      JsonObject *cp = fd_fhir_array_object (telecom, i);
      g_autofree char *digits = NULL;
      const char *national;
      gsize len;

      if (g_strcmp0 (fd_fhir_get_string (cp, "system"), "phone") != 0 &&
          g_strcmp0 (fd_fhir_get_string (cp, "system"), "sms") != 0)
        continue;

      digits = fd_text_digits (fd_fhir_get_string (cp, "value"));
      len = strlen (digits);
      if (len < 4)
        continue;

      /* The number as dialled at home, without a North American country code */
      national = digits;
      if (len == 11 && digits[0] == '1')
        national++, len--;

      /* Whole number, the local seven digits and the last four: people type any of them */
      g_string_append_printf (terms, " %s", national);
      if (len > 7)
        g_string_append_printf (terms, " %s", national + len - 7);
      g_string_append_printf (terms, " %s", national + len - 4);
    }
}

static gboolean
index_patient (FdStore     *self,
               JsonObject  *patient,
               const char  *id,
               GError     **error)
{
  JsonObject *name = fd_fhir_patient_name (patient);
  JsonArray *given = fd_fhir_get_array (name, "given");
  g_autoptr(GString) given_text = g_string_new (NULL);
  g_autoptr(GString) terms = g_string_new (NULL);
  g_autofree char *display = fd_fhir_patient_display (patient);
  g_autofree char *family_key = NULL;
  g_autofree char *family_words = NULL;
  g_autofree char *given_key = NULL;
  g_autofree char *given_words = NULL;
  g_autofree char *sort_key = NULL;
  g_autofree char *mrn_folded = NULL;
  const char *family = fd_fhir_get_string (name, "family");
  const char *birth_date = fd_fhir_get_string (patient, "birthDate");
  const char *mrn = fd_fhir_patient_mrn (patient);
  GDate date;
  sqlite3_stmt *stmt;
  gint64 pid;
  int rc;

  for (guint i = 0; given && i < json_array_get_length (given); i++)
    {
      JsonNode *node = json_array_get_element (given, i);

      if (json_node_get_value_type (node) == G_TYPE_STRING)
        g_string_append_printf (given_text, "%s ", json_node_get_string (node));
    }

  family_key = fd_text_fold (family);
  family_words = fd_text_fold_words (family);
  given_key = fd_text_fold (given_text->str);
  given_words = fd_text_fold_words (given_text->str);
  sort_key = g_strdup_printf ("%s\001%s", family_key, given_key);
  mrn_folded = fd_text_fold (mrn);

  g_string_append (terms, family_words);
  if (strcmp (family_words, family_key) != 0)
    g_string_append_printf (terms, " %s", family_key);
  g_string_append_printf (terms, " %s", given_words);
  if (*mrn_folded)
    {
      g_autofree char *mrn_words = fd_text_fold_words (mrn);
      g_autofree char *mrn_digits = fd_text_digits (mrn);

      /* "MRN-004512" is found as typed, as "mrn004512" and as "004512" */
      g_string_append_printf (terms, " %s", mrn_folded);
      if (strcmp (mrn_words, mrn_folded) != 0)
        g_string_append_printf (terms, " %s", mrn_words);
      if (*mrn_digits && strcmp (mrn_digits, mrn_folded) != 0)
        g_string_append_printf (terms, " %s", mrn_digits);
    }
  append_phone_terms (terms, patient);

  if (!fd_date_parse_iso (birth_date, &date))
    birth_date = NULL;

  stmt = prepare (self,
                  "INSERT INTO patient (id, display, family_key, given_key, sort_key, birth_date, mrn, phone, has_address)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
                  " ON CONFLICT (id) DO UPDATE SET display = ?2, family_key = ?3, given_key = ?4, sort_key = ?5,"
                  " birth_date = ?6, mrn = ?7, phone = ?8, has_address = ?9"
                  " RETURNING pid", error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, id);
  bind_text (stmt, 2, display);
  bind_text (stmt, 3, family_key);
  bind_text (stmt, 4, given_key);
  bind_text (stmt, 5, sort_key);
  bind_text (stmt, 6, birth_date ? birth_date : NULL);
  bind_text (stmt, 7, mrn);
  bind_text (stmt, 8, fd_fhir_patient_phone (patient));
  sqlite3_bind_int (stmt, 9, fd_fhir_patient_address (patient) != NULL);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return set_error_from_sqlite (self, self->db, rc, error);
    }
  pid = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  stmt = prepare (self, "DELETE FROM patient_fts WHERE rowid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, pid);
  if (!step_done (self, stmt, error))
    return FALSE;

  stmt = prepare (self, "INSERT INTO patient_fts (rowid, terms) VALUES (?1, ?2)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, pid);
  bind_text (stmt, 2, terms->str);
  return step_done (self, stmt, error);
}

static gboolean
index_appointment (FdStore     *self,
                   JsonObject  *appointment,
                   const char  *id,
                   GError     **error)
{
  g_autoptr(GDateTime) start = fd_date_time_parse (fd_fhir_get_string (appointment, "start"), self->tz);
  g_autoptr(GDateTime) end = fd_date_time_parse (fd_fhir_get_string (appointment, "end"), self->tz);
  g_autofree char *day = NULL;
  const char *status = fd_fhir_get_string (appointment, "status");
  const char *patient_display = NULL;
  const char *patient_id, *practitioner_id, *location_id;
  sqlite3_stmt *stmt;

  if (start != NULL)
    day = g_date_time_format (start, "%Y-%m-%d");

  patient_id = find_participant (appointment, "Patient", &patient_display);
  practitioner_id = find_participant (appointment, "Practitioner", NULL);
  location_id = find_participant (appointment, "Location", NULL);

  stmt = prepare (self,
                  "INSERT OR REPLACE INTO appointment (id, day, start_unix, end_unix, status, patient_id,"
                  " practitioner_id, location_id, patient_display, description)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, id);
  bind_text (stmt, 2, day ? day : "");
  if (start)
    sqlite3_bind_int64 (stmt, 3, g_date_time_to_unix (start));
  if (end)
    sqlite3_bind_int64 (stmt, 4, g_date_time_to_unix (end));
  bind_text (stmt, 5, status ? status : "unknown");
  bind_text (stmt, 6, patient_id);
  bind_text (stmt, 7, practitioner_id);
  bind_text (stmt, 8, location_id);
  bind_text (stmt, 9, patient_display);
  bind_text (stmt, 10, fd_fhir_get_string (appointment, "description"));

  return step_done (self, stmt, error);
}

static gboolean
index_practitioner (FdStore     *self,
                    JsonObject  *practitioner,
                    const char  *id,
                    GError     **error)
{
  JsonObject *name = fd_fhir_array_object (fd_fhir_get_array (practitioner, "name"), 0);
  JsonArray *prefix = fd_fhir_get_array (name, "prefix");
  g_autofree char *plain = fd_fhir_human_name_display (name, FALSE);
  g_autofree char *display = NULL;
  g_autofree char *sort_key = NULL;
  g_autofree char *family = fd_text_fold (fd_fhir_get_string (name, "family"));
  g_autofree char *all = fd_text_fold (plain);
  sqlite3_stmt *stmt;

  if (prefix && json_array_get_length (prefix) > 0 &&
      json_node_get_value_type (json_array_get_element (prefix, 0)) == G_TYPE_STRING)
    display = g_strdup_printf ("%s %s", json_array_get_string_element (prefix, 0), plain);
  else
    display = g_steal_pointer (&plain);
  sort_key = g_strdup_printf ("%s\001%s", family, all);

  stmt = prepare (self, "INSERT OR REPLACE INTO practitioner (id, display, sort_key) VALUES (?1, ?2, ?3)", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  bind_text (stmt, 2, display);
  bind_text (stmt, 3, sort_key);
  return step_done (self, stmt, error);
}

static gboolean
index_location (FdStore     *self,
                JsonObject  *location,
                const char  *id,
                GError     **error)
{
  sqlite3_stmt *stmt = prepare (self, "INSERT OR REPLACE INTO location (id, name) VALUES (?1, ?2)", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  bind_text (stmt, 2, fd_fhir_get_string (location, "name") ?: id);
  return step_done (self, stmt, error);
}

static gboolean
index_coverage (FdStore     *self,
                JsonObject  *coverage,
                const char  *id,
                GError     **error)
{
  JsonObject *payor = fd_fhir_array_object (fd_fhir_get_array (coverage, "payor"), 0);
  FdMoney copay;
  gboolean has_copay = fd_fhir_coverage_copay (coverage, &copay);
  sqlite3_stmt *stmt;

  stmt = prepare (self,
                  "INSERT OR REPLACE INTO coverage (id, patient_id, status, payer, copay_cents, currency, period_end)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  bind_text (stmt, 2, fd_fhir_reference_id (fd_fhir_get_object (coverage, "beneficiary"), "Patient"));
  bind_text (stmt, 3, fd_fhir_get_string (coverage, "status"));
  bind_text (stmt, 4, fd_fhir_get_string (payor, "display"));
  if (has_copay)
    {
      sqlite3_bind_int64 (stmt, 5, copay.cents);
      bind_text (stmt, 6, copay.currency);
    }
  {
    const char *end = fd_fhir_get_string (fd_fhir_get_object (coverage, "period"), "end");
    g_autofree char *day = end != NULL && strlen (end) >= 10 ? g_strndup (end, 10) : NULL;

    bind_text (stmt, 7, day);
  }
  return step_done (self, stmt, error);
}

static gboolean
index_account (FdStore     *self,
               JsonObject  *account,
               const char  *id,
               GError     **error)
{
  JsonObject *subject = fd_fhir_array_object (fd_fhir_get_array (account, "subject"), 0);
  const char *patient_id = fd_fhir_reference_id (subject, "Patient");
  g_autofree char *guarantor = fd_fhir_account_guarantor (account);
  FdMoney balance;
  sqlite3_stmt *stmt;

  /* An account without a guarantor is its patient's own */
  if (guarantor == NULL && patient_id != NULL)
    guarantor = g_strconcat ("Patient/", patient_id, NULL);

  fd_fhir_account_balance (account, &balance);
  stmt = prepare (self,
                  "INSERT OR REPLACE INTO account (id, patient_id, balance_cents, currency, guarantor)"
                  " VALUES (?1, ?2, ?3, ?4, ?5)", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  bind_text (stmt, 2, patient_id);
  sqlite3_bind_int64 (stmt, 3, balance.cents);
  bind_text (stmt, 4, balance.currency);
  bind_text (stmt, 5, guarantor);
  if (!step_done (self, stmt, error))
    return FALSE;

  /* Until the patient has ledger rows, the account's own figure is the balance */
  if (fd_fhir_reference_id (subject, "Patient") == NULL)
    return TRUE;
  stmt = prepare (self,
                  "INSERT INTO ledger_balance (patient_id, account_id, balance_cents, credit_cents, currency, source)"
                  " VALUES (?1, ?2, ?3, 0, ?4, 'account')"
                  " ON CONFLICT (patient_id) DO UPDATE SET account_id = excluded.account_id,"
                  " balance_cents = excluded.balance_cents, currency = excluded.currency"
                  " WHERE ledger_balance.source = 'account'", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, fd_fhir_reference_id (subject, "Patient"));
  bind_text (stmt, 2, id);
  sqlite3_bind_int64 (stmt, 3, balance.cents);
  bind_text (stmt, 4, balance.currency);
  return step_done (self, stmt, error);
}

static gboolean
index_resource (FdStore     *self,
                const char  *type,
                const char  *id,
                JsonObject  *resource,
                GError     **error)
{
  if (strcmp (type, "Patient") == 0)
    return index_patient (self, resource, id, error);
  if (strcmp (type, "Appointment") == 0)
    return index_appointment (self, resource, id, error);
  if (strcmp (type, "Practitioner") == 0)
    return index_practitioner (self, resource, id, error);
  if (strcmp (type, "Location") == 0)
    return index_location (self, resource, id, error);
  if (strcmp (type, "Coverage") == 0)
    return index_coverage (self, resource, id, error);
  if (strcmp (type, "Account") == 0)
    return index_account (self, resource, id, error);
  if (fd_store_checkin_indexes (type))
    return fd_store_checkin_index (self, type, id, resource, error);
  if (fd_store_ledger_indexes (type))
    return fd_store_ledger_index (self, type, id, resource, error);
  return TRUE;
}

/* Search */

/* Steps @stmt to the end, adding what @row_func makes of each row to @out */
gboolean
fd_store_collect_rows (FdStore         *self,
                       sqlite3_stmt    *stmt,
                       FdStoreRowFunc   row_func,
                       GPtrArray       *out,
                       GError         **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gpointer item = row_func (stmt);

      if (item != NULL)
        g_ptr_array_add (out, item);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    return set_error_from_sqlite (self, self->db, rc, error);
  return TRUE;
}

static gpointer
patient_item_from_row (sqlite3_stmt *stmt)
{
  return fd_patient_item_new (column_text (stmt, 0), column_text (stmt, 1),
                              column_text (stmt, 2), column_text (stmt, 3),
                              column_text (stmt, 4));
}

#define PATIENT_COLUMNS "p.id, p.display, p.birth_date, p.mrn, p.phone"

static gboolean
collect_patients (FdStore       *self,
                  sqlite3_stmt  *stmt,
                  GPtrArray     *out,
                  GError       **error)
{
  return fd_store_collect_rows (self, stmt, patient_item_from_row, out, error);
}

static char *
upper_bound (const char *prefix)
{
  /* 0xff never occurs in UTF-8, so every key that starts with prefix sorts below */
  return g_strconcat (prefix, "\xff", NULL);
}

/* Words as FTS5 prefix queries: "garc"* AND "ma"*; folding leaves only letters and digits */
static char *
fts_prefix_query (const char *folded_words)
{
  g_auto(GStrv) words = g_strsplit (folded_words, " ", 8);
  GString *q = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0')
        continue;
      if (q->len > 0)
        g_string_append (q, " AND ");
      g_string_append_printf (q, "\"%s\"*", words[i]);
    }

  return g_string_free (q, FALSE);
}

static gboolean
search_fts (FdStore     *self,
            const char  *fts_query,
            const char  *exclude_lo,
            const char  *exclude_hi,
            guint        limit,
            GPtrArray   *out,
            GError     **error)
{
  sqlite3_stmt *stmt;

  if (*fts_query == '\0' || limit == 0)
    return TRUE;

  stmt = prepare (self,
                  "SELECT " PATIENT_COLUMNS " FROM patient_fts f JOIN patient p ON p.pid = f.rowid"
                  " WHERE patient_fts MATCH ?1 AND NOT (p.sort_key >= ?2 AND p.sort_key < ?3)"
                  " ORDER BY p.sort_key LIMIT ?4", error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, fts_query);
  bind_text (stmt, 2, exclude_lo ? exclude_lo : "");
  bind_text (stmt, 3, exclude_hi ? exclude_hi : "");
  sqlite3_bind_int (stmt, 4, (int) limit);
  return collect_patients (self, stmt, out, error);
}

static gboolean
search_surname_prefix (FdStore     *self,
                       const char  *lo,
                       const char  *hi,
                       const char  *given_prefix,
                       guint        limit,
                       GPtrArray   *out,
                       GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = prepare (self,
                  "SELECT " PATIENT_COLUMNS " FROM patient p"
                  " WHERE p.sort_key >= ?1 AND p.sort_key < ?2"
                  " AND (?3 IS NULL OR substr (p.given_key, 1, length (?3)) = ?3)"
                  " ORDER BY p.sort_key LIMIT ?4", error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, lo);
  bind_text (stmt, 2, hi);
  bind_text (stmt, 3, given_prefix);
  sqlite3_bind_int (stmt, 4, (int) limit);
  return collect_patients (self, stmt, out, error);
}

static gboolean
looks_like_date (const char *query)
{
  guint separators = 0, digits = 0;

  for (const char *p = query; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (*p == '/' || *p == '.' || *p == '-')
        separators++;
      else if (!g_ascii_isspace (*p))
        return FALSE;
    }

  return separators == 2 && digits >= 4;
}

/* Object */

static void
fd_store_finalize (GObject *object)
{
  FdStore *self = (FdStore *)object;

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    {
      if (self->in_transaction)
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }
  g_clear_pointer (&self->changes, g_hash_table_unref);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (fd_store_parent_class)->finalize (object);
}

static void
fd_store_class_init (FdStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fd_store_finalize;

  /**
   * FdStore::changed:
   * @self: the store
   * @type: the resource type that changed
   * @ids: (array zero-terminated=1): the ids of the resources that changed
   *
   * Emitted after each commit, in the main context of the thread that opened
   * the store, whether the change was made here or downloaded.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRV);
}

static void
finalize_statement (gpointer data)
{
  sqlite3_finalize (data);
}

static void
fd_store_init (FdStore *self)
{
  self->statements = g_hash_table_new_full (NULL, NULL, NULL, finalize_statement);
  self->changes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_ptr_array_unref);
  self->context = g_main_context_ref_thread_default ();
  self->owner = g_thread_self ();
  self->tz = g_time_zone_new_local ();
}

/* Public API */

/**
 * fd_store_latest_schema:
 *
 * Returns: the newest schema version this build knows
 */
int
fd_store_latest_schema (void)
{
  return migrations[G_N_ELEMENTS (migrations) - 1].version;
}

/**
 * fd_store_profile_dir:
 * @data_dir: (nullable): a data folder, %NULL for `$XDG_DATA_HOME/frontdesk`
 * @profile: (nullable): the station profile, %NULL for "default"
 *
 * Returns: (transfer full): the folder that holds the profile's database
 */
char *
fd_store_profile_dir (const char *data_dir,
                      const char *profile)
{
  if (profile == NULL || *profile == '\0')
    profile = "default";
  if (data_dir != NULL)
    return g_build_filename (data_dir, profile, NULL);
  return g_build_filename (g_get_user_data_dir (), "frontdesk", profile, NULL);
}

/**
 * fd_store_open:
 * @path: the database file; created with mode 0600 if missing
 * @error: return location for a #FD_STORE_ERROR
 *
 * Opens the station database and brings its schema up to date. A file that is
 * not a Frontdesk database, or one from a newer version, is refused and not
 * modified.
 *
 * Returns: (transfer full) (nullable): the store
 */
FdStore *
fd_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(FdStore) self = NULL;
  g_autofree char *dir = NULL;
  gint64 app_id = 0, version = 0, n_objects = 0;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;

      if (errno_is_disk_full (errsv))
        {
          set_disk_full_error (error);
          return NULL;
        }
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_WRITABLE,
                   _("The profile folder cannot be created: %s"), g_strerror (errsv));
      return NULL;
    }

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error_literal (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_DATABASE,
                               _("The database path is not a file"));
          return NULL;
        }
      if (!check_file_header (path, error))
        return NULL;
    }
  else
    {
      int fd = g_open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

      if (fd < 0)
        {
          int errsv = errno;

          if (errno_is_disk_full (errsv))
            {
              set_disk_full_error (error);
              return NULL;
            }
          g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_WRITABLE,
                       _("The database cannot be created in the profile folder: %s"),
                       g_strerror (errsv));
          return NULL;
        }
      close (fd);
    }

  self = g_object_new (FD_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  /* Look before touching: a read-only connection that never checkpoints, so
   * that a refused file (and its WAL) stays exactly as it was */
  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_db_config (self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
      sqlite3_extended_result_codes (self->db, TRUE);
      sqlite3_busy_timeout (self->db, 5000);
    }
  if (rc != SQLITE_OK)
    {
      set_error_from_sqlite (self, self->db, rc, error);
      return NULL;
    }
  if (!query_int (self, "PRAGMA application_id", &app_id, error) ||
      !query_int (self, "PRAGMA user_version", &version, error) ||
      !query_int (self, "SELECT count(*) FROM sqlite_master", &n_objects, error))
    return NULL;
  sqlite3_close_v2 (self->db);
  self->db = NULL;

  if (app_id != FD_APPLICATION_ID && (app_id != 0 || version != 0 || n_objects != 0))
    {
      g_set_error_literal (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_DATABASE,
                           _("The database file belongs to another program. It was left as it is."));
      return NULL;
    }

  if (version > fd_store_latest_schema ())
    {
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NEWER_SCHEMA,
                   _("This database was written by a newer version of Frontdesk (schema %d; this version knows up to %d). "
                     "It was not changed. Update Frontdesk on this station to open it."),
                   (int) version, fd_store_latest_schema ());
      return NULL;
    }
  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      set_error_from_sqlite (self, self->db, rc, error);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, 5000);

  if (sqlite3_db_readonly (self->db, "main") == 1 || access (path, W_OK) != 0 || access (dir, W_OK) != 0)
    {
      g_set_error_literal (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_WRITABLE,
                           _("The database or its folder is read-only for this user"));
      return NULL;
    }

  self->schema_version = (int) version;

  if (!exec (self, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA cache_size = -8192; PRAGMA temp_store = MEMORY;", error))
    return NULL;

  if (!migrate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * fd_store_open_profile:
 * @data_dir: (nullable): see fd_store_profile_dir()
 * @profile: (nullable): see fd_store_profile_dir()
 * @error: return location for a #FD_STORE_ERROR
 *
 * Returns: (transfer full) (nullable): the profile's store
 */
FdStore *
fd_store_open_profile (const char  *data_dir,
                       const char  *profile,
                       GError     **error)
{
  g_autofree char *dir = fd_store_profile_dir (data_dir, profile);
  g_autofree char *path = g_build_filename (dir, "frontdesk.db", NULL);

  return fd_store_open (path, error);
}

const char *
fd_store_get_path (FdStore *self)
{
  g_return_val_if_fail (FD_IS_STORE (self), NULL);
  return self->path;
}

/**
 * fd_store_get_time_zone:
 * @self: the store
 *
 * Returns: (transfer none): the zone whose calendar days index appointments
 */
GTimeZone *
fd_store_get_time_zone (FdStore *self)
{
  g_return_val_if_fail (FD_IS_STORE (self), NULL);
  return self->tz;
}

int
fd_store_get_schema_version (FdStore *self)
{
  g_return_val_if_fail (FD_IS_STORE (self), 0);
  return self->schema_version;
}

/**
 * fd_store_set_max_pages:
 * @self: the store
 * @max_pages: the most pages the database may grow to
 *
 * Caps the database size, which makes a full disk reproducible in tests.
 */
void
fd_store_set_max_pages (FdStore *self,
                        gint64   max_pages)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, max_pages);

  g_return_if_fail (FD_IS_STORE (self));
  sqlite3_exec (self->db, sql, NULL, NULL, NULL);
}

/**
 * fd_store_begin:
 * @self: the store
 * @error: return location for an error
 *
 * Starts a transaction: every fd_store_put() until fd_store_commit() is
 * saved together or not at all.
 *
 * Returns: %TRUE on success
 */
gboolean
fd_store_begin (FdStore  *self,
                GError  **error)
{
  g_return_val_if_fail (FD_IS_STORE (self), FALSE);
  g_return_val_if_fail (!self->in_transaction, FALSE);

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  self->in_transaction = TRUE;
  return TRUE;
}

/**
 * fd_store_commit:
 * @self: the store
 * @error: return location for an error
 *
 * Commits and then emits #FdStore::changed. On failure everything since
 * fd_store_begin() is rolled back.
 *
 * Returns: %TRUE on success
 */
gboolean
fd_store_commit (FdStore  *self,
                 GError  **error)
{
  g_autoptr(GHashTable) changes = NULL;

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->in_transaction, FALSE);

  if (!exec (self, "COMMIT", error))
    {
      fd_store_rollback (self);
      return FALSE;
    }
  self->in_transaction = FALSE;

  changes = g_steal_pointer (&self->changes);
  self->changes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_ptr_array_unref);
  if (g_hash_table_size (changes) > 0)
    emit_changes (self, changes);

  return TRUE;
}

/**
 * fd_store_rollback:
 * @self: the store
 *
 * Abandons the current transaction, if any.
 */
void
fd_store_rollback (FdStore *self)
{
  g_return_if_fail (FD_IS_STORE (self));

  if (self->in_transaction)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  self->in_transaction = FALSE;
  g_hash_table_remove_all (self->changes);
}

static gboolean
put_one (FdStore        *self,
         JsonObject     *resource,
         FdStoreOrigin   origin,
         GError        **error)
{
  JsonObject *meta = fd_fhir_get_object (resource, "meta");
  const char *type = fd_fhir_get_string (resource, "resourceType");
  const char *id = fd_fhir_get_string (resource, "id");
  g_autofree char *json = NULL;
  g_autofree char *base_version = NULL;
  gboolean exists = FALSE;
  sqlite3_stmt *stmt;
  int rc;

  if (origin == FD_STORE_ORIGIN_LOCAL)
    {
      g_autofree char *discarded = fd_store_query_text (self, "SELECT 'yes' FROM discarded WHERE type = ?1 AND id = ?2",
                                                        type, id);

      /* The cache still holds the change given up: one more change made on
       * top of it would send that again */
      if (discarded != NULL)
        {
          g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_ALLOWED,
                       _("A change to this %s record was discarded and the server’s version is not back yet; "
                         "it can be changed again after the next sync with the server"), type);
          return FALSE;
        }

      stmt = prepare (self, "SELECT version_id FROM resource WHERE type = ?1 AND id = ?2", error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, type);
      bind_text (stmt, 2, id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          exists = TRUE;
          base_version = g_strdup (column_text (stmt, 0));
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return set_error_from_sqlite (self, self->db, rc, error);
    }

  json = fd_fhir_to_string (resource);

  stmt = prepare (self,
                  "INSERT INTO resource (type, id, version_id, last_updated, json) VALUES (?1, ?2, ?3, ?4, ?5)"
                  " ON CONFLICT (type, id) DO UPDATE SET"
                  " version_id = coalesce (?3, version_id), last_updated = coalesce (?4, last_updated), json = ?5",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  bind_text (stmt, 3, origin == FD_STORE_ORIGIN_SERVER ? fd_fhir_get_string (meta, "versionId") : NULL);
  bind_text (stmt, 4, origin == FD_STORE_ORIGIN_SERVER ? fd_fhir_get_string (meta, "lastUpdated") : NULL);
  bind_text (stmt, 5, json);
  if (!step_done (self, stmt, error))
    return FALSE;

  if (!index_resource (self, type, id, resource, error))
    return FALSE;

  if (origin == FD_STORE_ORIGIN_LOCAL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *created = g_date_time_format_iso8601 (now);

      stmt = prepare (self,
                      "INSERT INTO outbox (op, type, id, base_version, json, created_at)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, exists ? "update" : "create");
      bind_text (stmt, 2, type);
      bind_text (stmt, 3, id);
      bind_text (stmt, 4, base_version);
      bind_text (stmt, 5, json);
      bind_text (stmt, 6, created);
      if (!step_done (self, stmt, error))
        return FALSE;
    }

  fd_store_record_change (self, type, id);
  return TRUE;
}

/**
 * fd_store_put:
 * @self: the store
 * @resource: a FHIR resource with resourceType and id
 * @origin: whether it was downloaded or made at this desk
 * @error: return location for an error
 *
 * Caches @resource whole and updates the index tables. A local change also
 * gets its outbox entry in the same transaction. Outside fd_store_begin() the
 * call is its own transaction.
 *
 * Returns: %TRUE if the resource was stored
 */
gboolean
fd_store_put (FdStore        *self,
              JsonObject     *resource,
              FdStoreOrigin   origin,
              GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean own_transaction;

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);
  g_return_val_if_fail (resource != NULL, FALSE);

  if (!fd_fhir_check_resource (resource, &local_error))
    {
      g_set_error_literal (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID, local_error->message);
      return FALSE;
    }

  own_transaction = !self->in_transaction;
  if (own_transaction && !fd_store_begin (self, error))
    return FALSE;

  if (!put_one (self, resource, origin, error))
    {
      if (own_transaction)
        fd_store_rollback (self);
      return FALSE;
    }

  if (own_transaction)
    return fd_store_commit (self, error);
  return TRUE;
}

/**
 * fd_store_get:
 * @self: the store
 * @type: resource type
 * @id: resource id
 * @error: return location for an error, #FD_STORE_ERROR_NOT_FOUND if absent
 *
 * Returns: (transfer full) (nullable): the cached resource
 */
JsonObject *
fd_store_get (FdStore     *self,
              const char  *type,
              const char  *id,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt;
  JsonObject *resource;
  int rc;

  g_return_val_if_fail (FD_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT json FROM resource WHERE type = ?1 AND id = ?2", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND,
                     _("The %s record is not on this station"), type);
      else
        set_error_from_sqlite (self, self->db, rc, error);
      return NULL;
    }

  resource = fd_fhir_parse ((const char *) sqlite3_column_text (stmt, 0),
                            sqlite3_column_bytes (stmt, 0), &local_error);
  sqlite3_reset (stmt);
  if (resource == NULL)
    g_set_error_literal (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_DATABASE, local_error->message);

  return resource;
}

/**
 * fd_store_get_counts:
 * @self: the store
 * @counts: (out caller-allocates): what the store holds
 * @error: return location for an error
 *
 * Returns: %TRUE on success
 */
gboolean
fd_store_get_counts (FdStore        *self,
                     FdStoreCounts  *counts,
                     GError        **error)
{
  g_return_val_if_fail (FD_IS_STORE (self), FALSE);

  memset (counts, 0, sizeof *counts);
  counts->schema_version = self->schema_version;

  return query_int (self, "SELECT count(*) FROM patient", &counts->patients, error) &&
         query_int (self, "SELECT count(*) FROM appointment", &counts->appointments, error) &&
         query_int (self, "SELECT count(*) FROM practitioner", &counts->practitioners, error) &&
         query_int (self, "SELECT count(*) FROM location", &counts->locations, error) &&
         query_int (self, "SELECT count(*) FROM coverage", &counts->coverages, error) &&
         query_int (self, "SELECT count(*) FROM account", &counts->accounts, error) &&
         query_int (self, "SELECT count(*) FROM resource", &counts->resources, error) &&
         query_int (self, "SELECT count(*) FROM outbox WHERE state = 'pending'", &counts->outbox_pending, error) &&
         query_int (self, "SELECT count(*) FROM outbox WHERE state = 'parked'", &counts->outbox_parked, error);
}

/**
 * fd_store_search_patients:
 * @self: the store
 * @query: what the person typed: a surname or its start, "surname, given",
 *   given and surname starts, a birth date, an MRN or phone digits
 * @limit: the most results wanted
 * @error: return location for an error
 *
 * Patients whose surname starts with the query come first, in alphabetical
 * order, then the other matches alphabetically. Punctuation and search-engine
 * syntax in @query are ignored, never interpreted.
 *
 * Returns: (transfer container) (element-type FdPatientItem): the matches
 */
GPtrArray *
fd_store_search_patients (FdStore     *self,
                          const char  *query,
                          guint        limit,
                          GError     **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *trimmed = NULL;
  GDate date;

  g_return_val_if_fail (FD_IS_STORE (self), NULL);

  if (query == NULL || limit == 0 || strlen (query) > SEARCH_MAX_QUERY ||
      !g_utf8_validate (query, -1, NULL))
    return g_steal_pointer (&out);

  trimmed = g_strstrip (g_strdup (query));
  if (*trimmed == '\0')
    return g_steal_pointer (&out);

  if (looks_like_date (trimmed) &&
      fd_date_parse (trimmed, fd_date_order_from_locale (), &date, NULL))
    {
      g_autofree char *iso = fd_date_format_iso (&date);
      sqlite3_stmt *stmt;

      stmt = prepare (self,
                      "SELECT " PATIENT_COLUMNS " FROM patient p WHERE p.birth_date = ?1"
                      " ORDER BY p.sort_key LIMIT ?2", error);
      if (stmt == NULL)
        return NULL;
      bind_text (stmt, 1, iso);
      sqlite3_bind_int (stmt, 2, (int) limit);
      if (!collect_patients (self, stmt, out, error))
        return NULL;
      return g_steal_pointer (&out);
    }

  if (!fd_text_has_letters (trimmed))
    {
      g_autofree char *digits = fd_text_digits (trimmed);
      g_autofree char *fts = NULL;

      /* Fewer than four digits match too many phone numbers to be useful */
      if (strlen (digits) < 4)
        {
          g_autofree char *hi = NULL;
          sqlite3_stmt *stmt;

          if (*digits == '\0')
            return g_steal_pointer (&out);
          hi = upper_bound (digits);
          stmt = prepare (self,
                          "SELECT " PATIENT_COLUMNS " FROM patient p WHERE p.mrn >= ?1 AND p.mrn < ?2"
                          " ORDER BY p.sort_key LIMIT ?3", error);
          if (stmt == NULL)
            return NULL;
          bind_text (stmt, 1, digits);
          bind_text (stmt, 2, hi);
          sqlite3_bind_int (stmt, 3, (int) limit);
          if (!collect_patients (self, stmt, out, error))
            return NULL;
          return g_steal_pointer (&out);
        }

      /* A full North American number with its country code is indexed without it */
      if (strlen (digits) == 11 && digits[0] == '1')
        memmove (digits, digits + 1, 11);
      fts = fts_prefix_query (digits);
      if (!search_fts (self, fts, NULL, NULL, limit, out, error))
        return NULL;
      return g_steal_pointer (&out);
    }

  if (strchr (trimmed, ',') != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (trimmed, ",", 2);
      g_autofree char *family = fd_text_fold (parts[0]);
      g_autofree char *given = fd_text_fold (parts[1]);
      g_autofree char *hi = NULL;

      if (*family == '\0')
        return g_steal_pointer (&out);
      hi = upper_bound (family);
      if (!search_surname_prefix (self, family, hi, *given ? given : NULL, limit, out, error))
        return NULL;
      return g_steal_pointer (&out);
    }
  else
    {
      g_autofree char *compact = fd_text_fold (trimmed);
      g_autofree char *words = fd_text_fold_words (trimmed);
      g_autofree char *hi = NULL;
      g_autofree char *fts = NULL;

      if (*compact == '\0')
        return g_steal_pointer (&out);

      hi = upper_bound (compact);
      if (!search_surname_prefix (self, compact, hi, NULL, limit, out, error))
        return NULL;

      if (out->len < limit)
        {
          fts = fts_prefix_query (words);
          if (!search_fts (self, fts, compact, hi, limit - out->len, out, error))
            return NULL;
        }
    }

  return g_steal_pointer (&out);
}

gpointer
fd_store_appointment_item_from_row (sqlite3_stmt *stmt)
{
  FdMissing missing = FD_MISSING_NONE;

  if (sqlite3_column_int (stmt, 10) == 0)
    missing |= FD_MISSING_COVERAGE;
  if (sqlite3_column_int (stmt, 11) == 0)
    missing |= FD_MISSING_PHONE;
  if (sqlite3_column_int (stmt, 12) == 0)
    missing |= FD_MISSING_ADDRESS;

  return fd_appointment_item_new (column_text (stmt, 0),
                                  sqlite3_column_int64 (stmt, 1),
                                  sqlite3_column_int64 (stmt, 2),
                                  column_text (stmt, 3),
                                  column_text (stmt, 4),
                                  column_text (stmt, 5),
                                  column_text (stmt, 6),
                                  column_text (stmt, 7),
                                  column_text (stmt, 8),
                                  column_text (stmt, 9),
                                  missing);
}

#define APPOINTMENT_SELECT "SELECT " FD_STORE_APPOINTMENT_COLUMNS " FROM " FD_STORE_APPOINTMENT_JOINS

static GPtrArray *
collect_appointments (FdStore       *self,
                      sqlite3_stmt  *stmt,
                      GError       **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_object_unref);

  if (!fd_store_collect_rows (self, stmt, fd_store_appointment_item_from_row, out, error))
    return NULL;
  return g_steal_pointer (&out);
}

/**
 * fd_store_list_appointments:
 * @self: the store
 * @day: a calendar day in the store's time zone
 * @practitioner_id: (nullable): only this provider's appointments
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type FdAppointmentItem): the day's
 *   appointments by start time
 */
GPtrArray *
fd_store_list_appointments (FdStore     *self,
                            const GDate *day,
                            const char  *practitioner_id,
                            GError     **error)
{
  g_autofree char *iso = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FD_IS_STORE (self), NULL);
  g_return_val_if_fail (g_date_valid (day), NULL);

  iso = fd_date_format_iso (day);
  stmt = prepare (self,
                  APPOINTMENT_SELECT
                  " WHERE a.day = ?1 AND (?2 IS NULL OR a.practitioner_id = ?2)"
                  " ORDER BY a.start_unix, pr.sort_key, a.id", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, iso);
  bind_text (stmt, 2, practitioner_id);

  return collect_appointments (self, stmt, error);
}

/**
 * fd_store_list_patient_appointments:
 * @self: the store
 * @patient_id: a Patient id
 * @from_unix: only appointments that start at or after this time
 * @limit: the most wanted
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type FdAppointmentItem): the
 *   patient's appointments by start time, cancelled ones left out
 */
GPtrArray *
fd_store_list_patient_appointments (FdStore     *self,
                                    const char  *patient_id,
                                    gint64       from_unix,
                                    guint        limit,
                                    GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FD_IS_STORE (self), NULL);

  stmt = prepare (self,
                  APPOINTMENT_SELECT
                  " WHERE a.patient_id = ?1 AND a.start_unix >= ?2"
                  " AND a.status NOT IN ('cancelled', 'entered-in-error', 'noshow')"
                  " ORDER BY a.start_unix LIMIT ?3", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, patient_id);
  sqlite3_bind_int64 (stmt, 2, from_unix);
  sqlite3_bind_int (stmt, 3, (int) limit);

  return collect_appointments (self, stmt, error);
}

/**
 * fd_store_next_clinic_day:
 * @self: the store
 * @after: a day
 * @out: (out caller-allocates): the first later day that has appointments
 * @error: return location for an error
 *
 * Returns: %TRUE if there is such a day; %FALSE without error if not
 */
gboolean
fd_store_next_clinic_day (FdStore     *self,
                          const GDate *after,
                          GDate       *out,
                          GError     **error)
{
  g_autofree char *iso = fd_date_format_iso (after);
  sqlite3_stmt *stmt;
  gboolean found = FALSE;
  int rc;

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);

  g_date_clear (out, 1);
  stmt = prepare (self,
                  "SELECT day FROM appointment WHERE day > ?1"
                  " AND status NOT IN ('cancelled', 'entered-in-error') ORDER BY day LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, iso);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    found = fd_date_parse_iso (column_text (stmt, 0), out);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return set_error_from_sqlite (self, self->db, rc, error);

  return found;
}

static gpointer
ref_from_row (sqlite3_stmt *stmt)
{
  FdStoreRef *ref = g_new0 (FdStoreRef, 1);

  ref->id = g_strdup (column_text (stmt, 0));
  ref->display = g_strdup (column_text (stmt, 1));
  return ref;
}

static gpointer
balance_item_from_row (sqlite3_stmt *stmt)
{
  FdPatientItem *item = patient_item_from_row (stmt);
  FdMoney balance;

  fd_money_init (&balance, sqlite3_column_int64 (stmt, 5), column_text (stmt, 6));
  fd_patient_item_set_balance (item, &balance);
  return item;
}

static gpointer
resource_from_row (sqlite3_stmt *stmt)
{
  return fd_fhir_parse ((const char *) sqlite3_column_text (stmt, 0), sqlite3_column_bytes (stmt, 0), NULL);
}

void
fd_store_ref_free (FdStoreRef *ref)
{
  if (ref == NULL)
    return;
  g_free (ref->id);
  g_free (ref->display);
  g_free (ref);
}

/**
 * fd_store_list_practitioners:
 * @self: the store
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type FdStoreRef): providers by surname
 */
GPtrArray *
fd_store_list_practitioners (FdStore  *self,
                             GError  **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_store_ref_free);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FD_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT id, display FROM practitioner ORDER BY sort_key, id", error);
  if (stmt == NULL || !fd_store_collect_rows (self, stmt, ref_from_row, out, error))
    return NULL;

  return g_steal_pointer (&out);
}

/**
 * fd_store_count_balances:
 * @self: the store
 * @error: return location for an error
 *
 * Returns: how many patients have an open balance, or -1 on error
 */
gint64
fd_store_count_balances (FdStore  *self,
                         GError  **error)
{
  gint64 n = -1;

  g_return_val_if_fail (FD_IS_STORE (self), -1);

  if (!query_int (self,
                  "SELECT count(*) FROM account a JOIN patient p ON p.id = a.patient_id WHERE a.balance_cents > 0",
                  &n, error))
    return -1;
  return n;
}

/**
 * fd_store_list_balances:
 * @self: the store
 * @offset: rows to skip
 * @limit: rows wanted
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type FdPatientItem): patients with
 *   an open balance, largest first, with the balance set
 */
GPtrArray *
fd_store_list_balances (FdStore  *self,
                        guint     offset,
                        guint     limit,
                        GError  **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FD_IS_STORE (self), NULL);

  stmt = prepare (self,
                  "SELECT " PATIENT_COLUMNS ", a.balance_cents, a.currency"
                  " FROM account a JOIN patient p ON p.id = a.patient_id"
                  " WHERE a.balance_cents > 0 ORDER BY a.balance_cents DESC, a.patient_id"
                  " LIMIT ?1 OFFSET ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, (int) limit);
  sqlite3_bind_int (stmt, 2, (int) offset);

  if (!fd_store_collect_rows (self, stmt, balance_item_from_row, out, error))
    return NULL;
  return g_steal_pointer (&out);
}

/**
 * fd_store_list_coverages:
 * @self: the store
 * @patient_id: a Patient id
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type JsonObject): the patient's
 *   Coverage resources, active ones first
 */
GPtrArray *
fd_store_list_coverages (FdStore     *self,
                         const char  *patient_id,
                         GError     **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FD_IS_STORE (self), NULL);

  stmt = prepare (self,
                  "SELECT r.json FROM coverage c JOIN resource r ON r.type = 'Coverage' AND r.id = c.id"
                  " WHERE c.patient_id = ?1 ORDER BY c.status != 'active', c.id", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, patient_id);

  if (!fd_store_collect_rows (self, stmt, resource_from_row, out, error))
    return NULL;
  return g_steal_pointer (&out);
}

/**
 * fd_store_get_patient_balance:
 * @self: the store
 * @patient_id: a Patient id
 * @out: (out caller-allocates): the sum of the patient's account balances
 * @error: return location for an error
 *
 * Returns: %TRUE on success, with zero when the patient has no account
 */
gboolean
fd_store_get_patient_balance (FdStore     *self,
                              const char  *patient_id,
                              FdMoney     *out,
                              GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);

  fd_money_init (out, 0, NULL);
  stmt = prepare (self,
                  "SELECT coalesce (sum (balance_cents), 0), coalesce (min (currency), 'USD')"
                  " FROM account WHERE patient_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, patient_id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    fd_money_init (out, sqlite3_column_int64 (stmt, 0), column_text (stmt, 1));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return set_error_from_sqlite (self, self->db, rc, error);

  return TRUE;
}

/* The first column of the first row, for one or two text parameters */
char *
fd_store_query_text (FdStore    *self,
                     const char *sql,
                     const char *a,
                     const char *b)
{
  sqlite3_stmt *stmt = prepare (self, sql, NULL);
  char *value = NULL;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, a);
  if (b != NULL)
    bind_text (stmt, 2, b);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup (column_text (stmt, 0));
  sqlite3_reset (stmt);
  return value;
}

/**
 * fd_store_get_meta:
 * @self: the store
 * @key: a setting of this profile, such as a sync watermark
 *
 * Returns: (transfer full) (nullable): its value
 */
char *
fd_store_get_meta (FdStore    *self,
                   const char *key)
{
  g_return_val_if_fail (FD_IS_STORE (self), NULL);
  return fd_store_query_text (self, "SELECT value FROM meta WHERE key = ?1", key, NULL);
}

/**
 * fd_store_set_meta:
 * @self: the store
 * @key: the setting
 * @value: (nullable): its value, %NULL to remove it
 * @error: return location for an error
 *
 * Inside a transaction the setting commits with it.
 *
 * Returns: %TRUE on success
 */
gboolean
fd_store_set_meta (FdStore     *self,
                   const char  *key,
                   const char  *value,
                   GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);

  stmt = prepare (self, value ? "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)"
                              : "DELETE FROM meta WHERE key = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, key);
  if (value)
    bind_text (stmt, 2, value);
  return step_done (self, stmt, error);
}

/**
 * fd_store_get_version:
 * @self: the store
 * @type: resource type
 * @id: resource id
 *
 * Returns: (transfer full) (nullable): the server version the cache holds,
 *   %NULL if the resource is not cached or was never on the server
 */
char *
fd_store_get_version (FdStore    *self,
                      const char *type,
                      const char *id)
{
  g_return_val_if_fail (FD_IS_STORE (self), NULL);
  return fd_store_query_text (self, "SELECT version_id FROM resource WHERE type = ?1 AND id = ?2", type, id);
}

/**
 * fd_store_has_pending_change:
 * @self: the store
 * @type: resource type
 * @id: resource id
 *
 * Returns: whether a change made at this desk waits in the outbox for it
 */
gboolean
fd_store_has_pending_change (FdStore    *self,
                             const char *type,
                             const char *id)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);

  /* When in doubt, a change waits: never overwrite it on a failed look-up */
  stmt = prepare (self, "SELECT 1 FROM outbox WHERE type = ?1 AND id = ?2 LIMIT 1", NULL);
  if (stmt == NULL)
    return TRUE;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  return rc != SQLITE_DONE;
}

void
fd_outbox_entry_free (FdOutboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->op);
  g_free (entry->type);
  g_free (entry->id);
  g_free (entry->base_version);
  g_free (entry->json);
  g_free (entry->state);
  g_free (entry->error);
  g_free (entry->created_at);
  g_free (entry->kind);
  g_free (entry->theirs);
  g_free (entry);
}

static gpointer
outbox_entry_from_row (sqlite3_stmt *stmt)
{
  FdOutboxEntry *entry = g_new0 (FdOutboxEntry, 1);

  entry->seq = sqlite3_column_int64 (stmt, 0);
  entry->op = g_strdup (column_text (stmt, 1));
  entry->type = g_strdup (column_text (stmt, 2));
  entry->id = g_strdup (column_text (stmt, 3));
  entry->base_version = g_strdup (column_text (stmt, 4));
  entry->json = g_strdup (column_text (stmt, 5));
  entry->state = g_strdup (column_text (stmt, 6));
  entry->error = g_strdup (column_text (stmt, 7));
  entry->created_at = g_strdup (column_text (stmt, 8));
  entry->kind = g_strdup (column_text (stmt, 9));
  entry->theirs = g_strdup (column_text (stmt, 10));
  entry->sent = sqlite3_column_type (stmt, 11) != SQLITE_NULL;
  return entry;
}

/**
 * fd_store_list_outbox:
 * @self: the store
 * @include_parked: whether to list the parked changes too
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type FdOutboxEntry): the changes
 *   waiting for the server, in the order they were made
 */
GPtrArray *
fd_store_list_outbox (FdStore   *self,
                      gboolean   include_parked,
                      GError   **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_outbox_entry_free);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FD_IS_STORE (self), NULL);

  stmt = prepare (self,
                  "SELECT seq, op, type, id, base_version, json, state, error, created_at, kind, theirs, sent_at"
                  " FROM outbox WHERE state = 'pending' OR ?1 ORDER BY seq", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, include_parked);
  if (!fd_store_collect_rows (self, stmt, outbox_entry_from_row, out, error))
    return NULL;

  return g_steal_pointer (&out);
}

/**
 * fd_store_finish_outbox:
 * @self: the store
 * @type: resource type
 * @id: resource id
 * @upto_seq: the last outbox entry the server has now applied
 * @server_resource: (nullable): the resource as the server stored it
 * @as_sent: whether the server stored what this desk sent; %FALSE after a
 *   merge with someone else's change
 * @error: return location for an error
 *
 * Removes the applied entries. The server's version becomes the cached one
 * unless a newer change of this desk still waits; then that change is based
 * on the server's version instead, but only if the server holds what this
 * desk sent: a change made before a merge must meet the merge again, or it
 * would undo the other desk's fields.
 *
 * Returns: %TRUE on success
 */
gboolean
fd_store_finish_outbox (FdStore     *self,
                        const char  *type,
                        const char  *id,
                        gint64       upto_seq,
                        JsonObject  *server_resource,
                        gboolean     as_sent,
                        GError     **error)
{
  const char *version = fd_fhir_get_string (fd_fhir_get_object (server_resource, "meta"), "versionId");
  gboolean own_transaction;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);

  /* Inside the caller's transaction when there is one: a batch commits once */
  own_transaction = !self->in_transaction;
  if (own_transaction && !fd_store_begin (self, error))
    return FALSE;

  stmt = prepare (self, "DELETE FROM outbox WHERE type = ?1 AND id = ?2 AND seq <= ?3", error);
  if (stmt == NULL)
    goto failed;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  sqlite3_bind_int64 (stmt, 3, upto_seq);
  if (!step_done (self, stmt, error))
    goto failed;

  if (server_resource != NULL)
    {
      if (!fd_store_has_pending_change (self, type, id))
        {
          if (!put_one (self, server_resource, FD_STORE_ORIGIN_SERVER, error))
            goto failed;
        }
      else if (as_sent)
        {
          stmt = prepare (self, "UPDATE outbox SET base_version = ?3 WHERE type = ?1 AND id = ?2", error);
          if (stmt == NULL)
            goto failed;
          bind_text (stmt, 1, type);
          bind_text (stmt, 2, id);
          bind_text (stmt, 3, version);
          if (!step_done (self, stmt, error))
            goto failed;
          stmt = prepare (self, "UPDATE resource SET version_id = ?3 WHERE type = ?1 AND id = ?2", error);
          if (stmt == NULL)
            goto failed;
          bind_text (stmt, 1, type);
          bind_text (stmt, 2, id);
          bind_text (stmt, 3, version);
          if (!step_done (self, stmt, error))
            goto failed;
        }
    }

  fd_store_record_change (self, "Outbox", id);
  return own_transaction ? fd_store_commit (self, error) : TRUE;

failed:
  if (own_transaction)
    fd_store_rollback (self);
  return FALSE;
}

/**
 * fd_store_park_outbox:
 * @self: the store
 * @type: resource type
 * @id: resource id
 * @upto_seq: the last outbox entry concerned
 * @kind: "rejected" or "conflict"
 * @message: why the server did not take the change, in words for the desk
 * @theirs: (nullable): for a conflict, the server's version
 * @error: return location for an error
 *
 * Sets the entries aside with their reason; the ones behind them go on.
 *
 * Returns: %TRUE on success
 */
gboolean
fd_store_park_outbox (FdStore     *self,
                      const char  *type,
                      const char  *id,
                      gint64       upto_seq,
                      const char  *kind,
                      const char  *message,
                      JsonObject  *theirs,
                      GError     **error)
{
  g_autofree char *theirs_json = theirs ? fd_fhir_to_string (theirs) : NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);

  if (!fd_store_begin (self, error))
    return FALSE;
  stmt = prepare (self,
                  "UPDATE outbox SET state = 'parked', error = ?4, kind = ?5, theirs = ?6"
                  " WHERE type = ?1 AND id = ?2 AND seq <= ?3 AND state = 'pending'", error);
  if (stmt == NULL)
    goto failed;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  sqlite3_bind_int64 (stmt, 3, upto_seq);
  bind_text (stmt, 4, message);
  bind_text (stmt, 5, kind);
  bind_text (stmt, 6, theirs_json);
  if (!step_done (self, stmt, error))
    goto failed;

  fd_store_record_change (self, "Outbox", id);
  return fd_store_commit (self, error);

failed:
  fd_store_rollback (self);
  return FALSE;
}

/**
 * fd_store_emit_changed:
 * @self: the store
 * @type: the resource type that changed
 * @ids: (array zero-terminated=1): the ids
 *
 * Announces a change that another connection to the same database committed,
 * such as a download by a worker thread. Call it on the thread that opened
 * @self.
 */
void
fd_store_emit_changed (FdStore            *self,
                       const char         *type,
                       const char * const *ids)
{
  g_return_if_fail (FD_IS_STORE (self));
  g_signal_emit (self, signals[CHANGED], 0, type, ids);
}

/**
 * fd_store_count_outbox:
 * @self: the store
 * @pending: (out): changes waiting for the server
 * @parked: (out): changes the server refused, or in conflict
 * @error: return location for an error
 *
 * Returns: %TRUE on success
 */
gboolean
fd_store_count_outbox (FdStore  *self,
                       gint64   *pending,
                       gint64   *parked,
                       GError  **error)
{
  g_return_val_if_fail (FD_IS_STORE (self), FALSE);

  return query_int (self, "SELECT count(*) FROM outbox WHERE state = 'pending'", pending, error) &&
         query_int (self, "SELECT count(*) FROM outbox WHERE state = 'parked'", parked, error);
}

/**
 * fd_store_resolve_conflict:
 * @self: the store
 * @type: resource type
 * @id: resource id
 * @keep_mine: %TRUE to send this desk's version over the server's, %FALSE
 *   to take the server's and drop this desk's changes
 * @error: return location for an error, #FD_STORE_ERROR_NOT_FOUND when the
 *   record is not in conflict
 *
 * Returns: %TRUE on success; with @keep_mine the change waits for the next push
 */
gboolean
fd_store_resolve_conflict (FdStore     *self,
                           const char  *type,
                           const char  *id,
                           gboolean     keep_mine,
                           GError     **error)
{
  g_autofree char *theirs_json = NULL;
  g_autoptr(JsonObject) theirs = NULL;
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);

  theirs_json = fd_store_query_text (self, "SELECT theirs FROM outbox WHERE type = ?1 AND id = ?2"
                                  " AND state = 'parked' AND kind = 'conflict' ORDER BY seq DESC LIMIT 1", type, id);
  if (theirs_json == NULL || (theirs = fd_fhir_parse (theirs_json, -1, &local_error)) == NULL)
    {
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND,
                   _("The %s record is not waiting for a choice"), type);
      return FALSE;
    }

  if (!fd_store_begin (self, error))
    return FALSE;

  if (keep_mine)
    {
      const char *version = fd_fhir_get_string (fd_fhir_get_object (theirs, "meta"), "versionId");

      if (version == NULL)
        {
          fd_store_rollback (self);
          g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID,
                       _("The server’s version of this %s record has no version number"), type);
          return FALSE;
        }

      /* Made again on top of the server's version: the next push overwrites it knowingly */
      stmt = prepare (self,
                      "UPDATE outbox SET state = 'pending', kind = NULL, error = NULL, theirs = NULL, base_version = ?3"
                      " WHERE type = ?1 AND id = ?2 AND (kind = 'conflict' OR state = 'pending')", error);
      if (stmt == NULL)
        goto failed;
      bind_text (stmt, 1, type);
      bind_text (stmt, 2, id);
      bind_text (stmt, 3, fd_fhir_get_string (fd_fhir_get_object (theirs, "meta"), "versionId"));
      if (!step_done (self, stmt, error))
        goto failed;
    }
  else
    {
      stmt = prepare (self, "DELETE FROM outbox WHERE type = ?1 AND id = ?2", error);
      if (stmt == NULL)
        goto failed;
      bind_text (stmt, 1, type);
      bind_text (stmt, 2, id);
      if (!step_done (self, stmt, error) ||
          !put_one (self, theirs, FD_STORE_ORIGIN_SERVER, error))
        goto failed;
    }

  fd_store_record_change (self, "Outbox", id);
  return fd_store_commit (self, error);

failed:
  fd_store_rollback (self);
  return FALSE;
}

/* A record made here that the server never had: gone from the cache and
 * from the index tables that list it */
static const struct {
  const char *type;  /* %NULL: every type */
  const char *sql;   /* ?1 the type, ?2 the id */
} remove_statements[] = {
  { "Patient", "DELETE FROM patient_fts WHERE rowid IN (SELECT pid FROM patient WHERE id = ?2)" },
  { "Patient", "DELETE FROM patient WHERE id = ?2" },
  { "Patient", "DELETE FROM working_set WHERE patient_id = ?2" },
  { "Appointment", "DELETE FROM appointment WHERE id = ?2" },
  { "Practitioner", "DELETE FROM practitioner WHERE id = ?2" },
  { "Location", "DELETE FROM location WHERE id = ?2" },
  { "Coverage", "DELETE FROM coverage WHERE id = ?2" },
  { "Account", "DELETE FROM ledger_balance WHERE account_id = ?2 AND source = 'account'" },
  { "Account", "DELETE FROM account WHERE id = ?2" },
  { "Encounter", "DELETE FROM encounter WHERE id = ?2" },
  { "QuestionnaireResponse", "DELETE FROM patient_form WHERE type = ?1 AND id = ?2" },
  { "Consent", "DELETE FROM patient_form WHERE type = ?1 AND id = ?2" },
  { "CoverageEligibilityRequest", "DELETE FROM eligibility WHERE type = ?1 AND id = ?2" },
  { "CoverageEligibilityResponse", "DELETE FROM eligibility WHERE type = ?1 AND id = ?2" },
  { NULL, "DELETE FROM resource WHERE type = ?1 AND id = ?2" },
};

static gboolean
remove_one (FdStore     *self,
            const char  *type,
            const char  *id,
            GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (remove_statements); i++)
    {
      sqlite3_stmt *stmt;

      if (remove_statements[i].type != NULL && !g_str_equal (remove_statements[i].type, type))
        continue;
      stmt = prepare (self, remove_statements[i].sql, error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, type);
      bind_text (stmt, 2, id);
      if (!step_done (self, stmt, error))
        return FALSE;
    }

  fd_store_record_change (self, type, id);
  return TRUE;
}

/* Runs @sql with the type as ?1 and the id as ?2; sets *@changes when given */
static gboolean
exec_for_record (FdStore     *self,
                 const char  *sql,
                 const char  *type,
                 const char  *id,
                 int         *changes,
                 GError     **error)
{
  sqlite3_stmt *stmt = prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  if (!step_done (self, stmt, error))
    return FALSE;
  if (changes != NULL)
    *changes = sqlite3_changes (self->db);
  return TRUE;
}

/**
 * fd_store_mark_outbox_sent:
 * @self: the store
 * @type: resource type
 * @id: resource id
 * @upto_seq: the last outbox entry handed to the server
 * @error: return location for an error
 *
 * Records that a create is on its way to the server. Until the server's
 * answer settles the entries, whether the record arrived is not known: the
 * next send reads it first instead of writing it again. Inside the caller's
 * transaction when there is one.
 *
 * Returns: %TRUE on success
 */
gboolean
fd_store_mark_outbox_sent (FdStore     *self,
                           const char  *type,
                           const char  *id,
                           gint64       upto_seq,
                           GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *sent = g_date_time_format_iso8601 (now);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);

  stmt = prepare (self,
                  "UPDATE outbox SET sent_at = ?4"
                  " WHERE type = ?1 AND id = ?2 AND seq <= ?3 AND op = 'create' AND sent_at IS NULL", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  sqlite3_bind_int64 (stmt, 3, upto_seq);
  bind_text (stmt, 4, sent);
  return step_done (self, stmt, error);
}

/**
 * fd_store_is_append_only:
 * @type: a resource type
 *
 * Payments (with their voids and refunds) and invoices are the ledger's:
 * they are corrected by new records, never changed or taken back, so a
 * change of one that the server refused can be sent again but not
 * discarded. The drawer's records never leave the station's ledger tables.
 *
 * Returns: whether records of @type are append-only
 */
gboolean
fd_store_is_append_only (const char *type)
{
  return type != NULL && fd_store_ledger_indexes (type);
}

/**
 * fd_store_retry_parked:
 * @self: the store
 * @type: resource type
 * @id: resource id
 * @error: return location for an error, #FD_STORE_ERROR_NOT_FOUND when the
 *   record has no change the server refused
 *
 * Puts the refused changes of a record back in the queue, for a server
 * that was fixed or a cause that went away; they go with the next push.
 *
 * Returns: %TRUE on success
 */
gboolean
fd_store_retry_parked (FdStore     *self,
                       const char  *type,
                       const char  *id,
                       GError     **error)
{
  int changes = 0;

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);

  if (!fd_store_begin (self, error))
    return FALSE;
  if (!exec_for_record (self,
                        "UPDATE outbox SET state = 'pending', kind = NULL, error = NULL"
                        " WHERE type = ?1 AND id = ?2 AND state = 'parked' AND kind = 'rejected'",
                        type, id, &changes, error))
    goto failed;
  if (changes == 0)
    {
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND,
                   _("The %s record has no change the server refused"), type);
      goto failed;
    }

  fd_store_record_change (self, "Outbox", id);
  return fd_store_commit (self, error);

failed:
  fd_store_rollback (self);
  return FALSE;
}

/**
 * fd_store_discard_parked:
 * @self: the store
 * @type: resource type
 * @id: resource id
 * @error: return location for an error: #FD_STORE_ERROR_NOT_ALLOWED for
 *   an append-only record, #FD_STORE_ERROR_NOT_FOUND when the record has
 *   no change the server refused
 *
 * Gives up a record's changes made here after the server refused them:
 * they leave the outbox, and the cache goes back to the server's version.
 * A record created here that never reached the server is removed at once;
 * otherwise the next sync reads the server's version back (see
 * fd_store_list_discarded()). Financial records are never discarded.
 *
 * Returns: %TRUE on success
 */
gboolean
fd_store_discard_parked (FdStore     *self,
                         const char  *type,
                         const char  *id,
                         GError     **error)
{
  g_autofree char *version = NULL;
  g_autofree char *sent = NULL;
  g_autofree char *refused = NULL;

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);

  if (fd_store_is_append_only (type))
    {
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_ALLOWED,
                   _("A %s record is financial: it is never discarded, only sent again"), type);
      return FALSE;
    }

  refused = fd_store_query_text (self, "SELECT 'yes' FROM outbox WHERE type = ?1 AND id = ?2"
                                       " AND state = 'parked' AND kind = 'rejected' LIMIT 1", type, id);
  if (refused == NULL)
    {
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND,
                   _("The %s record has no change the server refused"), type);
      return FALSE;
    }

  /* A record the server never had, that changes still waiting to go name
   * (a co-pay paid for a visit booked here): removing it would leave them
   * pointing at nothing, and the server refusing them for ever */
  version = fd_store_get_version (self, type, id);
  if (version == NULL)
    {
      g_autofree char *reference = g_strdup_printf ("\"%s/%s\"", type, id);
      g_autofree char *referring = fd_store_query_text (self, "SELECT type FROM outbox WHERE instr (json, ?1) > 0"
                                                              " AND type <> ?2 LIMIT 1",
                                                        reference, type);

      if (referring != NULL)
        {
          g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_ALLOWED,
                       _("A %s record waiting to be sent refers to this %s record, so it cannot be discarded; "
                         "send it again once the cause is fixed on the server"), referring, type);
          return FALSE;
        }
    }

  if (!fd_store_begin (self, error))
    return FALSE;

  sent = fd_store_query_text (self, "SELECT 'yes' FROM outbox WHERE type = ?1 AND id = ?2"
                                    " AND sent_at IS NOT NULL LIMIT 1", type, id);
  if (!exec_for_record (self, "DELETE FROM outbox WHERE type = ?1 AND id = ?2", type, id, NULL, error))
    goto failed;

  /* Never on the server: nothing to go back to */
  if (version == NULL && !remove_one (self, type, id, error))
    goto failed;

  /* The server's version comes back with the next sync; a create whose
   * answer was lost may be there after all */
  if ((version != NULL || sent != NULL) &&
      !exec_for_record (self, "INSERT OR IGNORE INTO discarded (type, id) VALUES (?1, ?2)", type, id, NULL, error))
    goto failed;

  g_debug ("Discarded the refused change of %s/%s", type, id);
  fd_store_record_change (self, "Outbox", id);
  return fd_store_commit (self, error);

failed:
  fd_store_rollback (self);
  return FALSE;
}

static gpointer
record_key_from_row (sqlite3_stmt *stmt)
{
  return g_strdup_printf ("%s/%s", column_text (stmt, 0), column_text (stmt, 1));
}

/**
 * fd_store_list_discarded:
 * @self: the store
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type utf8): "Type/id" of each
 *   record whose change was discarded and whose server version the cache
 *   has not got back yet
 */
GPtrArray *
fd_store_list_discarded (FdStore  *self,
                         GError  **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FD_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT type, id FROM discarded ORDER BY type, id", error);
  if (stmt == NULL || !fd_store_collect_rows (self, stmt, record_key_from_row, out, error))
    return NULL;
  return g_steal_pointer (&out);
}

/**
 * fd_store_restore_discarded:
 * @self: the store
 * @type: resource type
 * @id: resource id
 * @server_resource: (nullable): the server's version; %NULL when the
 *   server has no such record
 * @error: return location for an error
 *
 * Puts the server's version of a record whose change was discarded back in
 * the cache, or removes a record the server never had. A change made here
 * since then is left as it is.
 *
 * Returns: %TRUE on success
 */
gboolean
fd_store_restore_discarded (FdStore     *self,
                            const char  *type,
                            const char  *id,
                            JsonObject  *server_resource,
                            GError     **error)
{
  g_autofree char *version = NULL;

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);

  if (!fd_store_begin (self, error))
    return FALSE;

  if (!exec_for_record (self, "DELETE FROM discarded WHERE type = ?1 AND id = ?2", type, id, NULL, error))
    goto failed;

  /* A change made here since then waits to go up over the server's version */
  if (!fd_store_has_pending_change (self, type, id))
    {
      version = fd_store_get_version (self, type, id);
      if (server_resource != NULL && !put_one (self, server_resource, FD_STORE_ORIGIN_SERVER, error))
        goto failed;
      /* Not on the server (any more): nothing of it stays here either */
      if (server_resource == NULL && version != NULL)
        g_debug ("%s/%s is gone from the server; removing it here", type, id);
      if (server_resource == NULL && !remove_one (self, type, id, error))
        goto failed;
    }

  return fd_store_commit (self, error);

failed:
  fd_store_rollback (self);
  return FALSE;
}

/**
 * fd_store_queue_standalone_records:
 * @self: the store
 * @queued: (out) (optional): how many records were queued
 * @error: return location for an error
 *
 * A profile filled without a server (the demo clinic, or days of standalone
 * work) holds records the server has never seen. The first time such a
 * profile meets a server, every record it holds is queued for upload, with
 * its id, in one transaction; later calls do nothing.
 *
 * Returns: %TRUE on success
 */
gboolean
fd_store_queue_standalone_records (FdStore  *self,
                                   guint    *queued,
                                   GError  **error)
{
  g_autofree char *flag = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = g_date_time_format_iso8601 (now);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);

  if (queued != NULL)
    *queued = 0;
  flag = fd_store_get_meta (self, "standalone-records");
  if (g_strcmp0 (flag, "1") != 0)
    return TRUE;

  if (!fd_store_begin (self, error))
    return FALSE;
  stmt = prepare (self,
                  "INSERT INTO outbox (op, type, id, base_version, json, created_at)"
                  " SELECT 'create', r.type, r.id, NULL, r.json, ?1 FROM resource r"
                  " WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.type = r.type AND o.id = r.id)", error);
  if (stmt == NULL)
    goto failed;
  bind_text (stmt, 1, created);
  if (!step_done (self, stmt, error))
    goto failed;
  if (queued != NULL)
    *queued = (guint) sqlite3_changes (self->db);
  if (!fd_store_set_meta (self, "standalone-records", NULL, error))
    goto failed;

  fd_store_record_change (self, "Outbox", "standalone");
  return fd_store_commit (self, error);

failed:
  fd_store_rollback (self);
  return FALSE;
}

/**
 * fd_store_open_sibling:
 * @self: an open store
 * @error: return location for an error
 *
 * Another connection to the same database, for a worker thread. The file was
 * checked and migrated when @self opened it, so this one only connects.
 *
 * Returns: (transfer full) (nullable): the new store, owned by the calling thread
 */
FdStore *
fd_store_open_sibling (FdStore  *self,
                       GError  **error)
{
  g_autoptr(FdStore) sibling = NULL;
  int rc;

  g_return_val_if_fail (FD_IS_STORE (self), NULL);

  sibling = g_object_new (FD_TYPE_STORE, NULL);
  sibling->path = g_strdup (self->path);
  sibling->schema_version = self->schema_version;

  rc = sqlite3_open_v2 (self->path, &sibling->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      set_error_from_sqlite (sibling, sibling->db, rc, error);
      return NULL;
    }
  sqlite3_extended_result_codes (sibling->db, TRUE);
  sqlite3_busy_timeout (sibling->db, 5000);
  if (!exec (sibling, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA cache_size = -8192;"
                      " PRAGMA temp_store = MEMORY;", error))
    return NULL;

  return g_steal_pointer (&sibling);
}
