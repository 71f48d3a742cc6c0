/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdStore"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fd-checkin.h"
#include "fd-dates.h"
#include "fd-fhir.h"
#include "fd-forms.h"
#include "fd-store-checkin.h"
#include "fd-store-private.h"
#include "fd-text.h"

/* Check-in: the visits that check-in opens (Encounter), the desk's forms and
 * consents on file, eligibility answers, and what the flow board reads. */

#define TOUCHED_MAX 64  /* more changed records than this: the board reloads */

/* Index tables */

static gint64
instant_unix (const char *instant)
{
  g_autoptr(GDateTime) time = fd_date_time_parse (instant, NULL);

  return time ? g_date_time_to_unix (time) : 0;
}

static void
bind_unix (sqlite3_stmt *stmt,
           int           index,
           gint64        value)
{
  if (value != 0)
    sqlite3_bind_int64 (stmt, index, value);
  else
    sqlite3_bind_null (stmt, index);
}

static gboolean
index_encounter (FdStore     *self,
                 JsonObject  *encounter,
                 const char  *id,
                 GError     **error)
{
  JsonObject *appointment = fd_fhir_array_object (fd_fhir_get_array (encounter, "appointment"), 0);
  const char *who = NULL;
  const char *since = NULL;
  sqlite3_stmt *stmt;

  fd_encounter_last_change (encounter, &who, &since);
  stmt = fd_store_prepare (self,
                           "INSERT OR REPLACE INTO encounter"
                           " (id, appointment_id, patient_id, status, arrived_unix, since_unix, changed_by, room)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, id);
  fd_store_bind_text (stmt, 2, fd_fhir_reference_id (appointment, "Appointment"));
  fd_store_bind_text (stmt, 3, fd_fhir_reference_id (fd_fhir_get_object (encounter, "subject"), "Patient"));
  fd_store_bind_text (stmt, 4, fd_fhir_get_string (encounter, "status"));
  bind_unix (stmt, 5, instant_unix (fd_encounter_arrived_at (encounter)));
  bind_unix (stmt, 6, instant_unix (since));
  fd_store_bind_text (stmt, 7, who);
  fd_store_bind_text (stmt, 8, fd_encounter_get_room (encounter));
  return fd_store_step_done (self, stmt, error);
}

static gboolean
index_form (FdStore     *self,
            const char  *type,
            JsonObject  *resource,
            const char  *id,
            GError     **error)
{
  const char *code = fd_desk_form_code_for (resource);
  const FdDeskForm *form = fd_desk_form_lookup (code);
  JsonObject *subject = fd_fhir_get_object (resource, g_str_equal (type, "Consent") ? "patient" : "subject");
  const char *patient_id = fd_fhir_reference_id (subject, "Patient");
  gint64 recorded = instant_unix (fd_desk_form_recorded_at (resource));
  sqlite3_stmt *stmt;

  stmt = fd_store_prepare (self, "DELETE FROM patient_form WHERE type = ?1 AND id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, type);
  fd_store_bind_text (stmt, 2, id);
  if (!fd_store_step_done (self, stmt, error))
    return FALSE;

  if (form == NULL || patient_id == NULL || !fd_desk_form_is_on_file (resource))
    return TRUE;

  stmt = fd_store_prepare (self,
                           "INSERT INTO patient_form (type, id, patient_id, form, recorded_unix, valid_until)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, type);
  fd_store_bind_text (stmt, 2, id);
  fd_store_bind_text (stmt, 3, patient_id);
  fd_store_bind_text (stmt, 4, form->code);
  bind_unix (stmt, 5, recorded);
  {
    /* A consent's own period says when it ends; else the desk's rule for the form.
     * A record with no date is counted as on file: nothing says it lapsed. */
    gint64 until = instant_unix (fd_fhir_get_string (fd_fhir_get_object (fd_fhir_get_object (resource, "provision"),
                                                                         "period"), "end"));

    if (until == 0 && form->valid_months > 0 && recorded != 0)
      {
        g_autoptr(GDateTime) at = g_date_time_new_from_unix_utc (recorded);
        g_autoptr(GDateTime) end = g_date_time_add_months (at, (int) form->valid_months);

        until = g_date_time_to_unix (end);
      }
    bind_unix (stmt, 6, until);
  }
  return fd_store_step_done (self, stmt, error);
}

static gboolean
index_eligibility (FdStore     *self,
                   const char  *type,
                   JsonObject  *resource,
                   const char  *id,
                   GError     **error)
{
  JsonObject *insurance = fd_fhir_array_object (fd_fhir_get_array (resource, "insurance"), 0);
  JsonNode *inforce = insurance ? json_object_get_member (insurance, "inforce") : NULL;
  sqlite3_stmt *stmt;

  stmt = fd_store_prepare (self,
                           "INSERT OR REPLACE INTO eligibility"
                           " (type, id, coverage_id, request_id, outcome, inforce, created_unix)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, type);
  fd_store_bind_text (stmt, 2, id);
  fd_store_bind_text (stmt, 3, fd_fhir_reference_id (fd_fhir_get_object (insurance, "coverage"), "Coverage"));
  fd_store_bind_text (stmt, 4, fd_fhir_reference_id (fd_fhir_get_object (resource, "request"),
                                                     "CoverageEligibilityRequest"));
  fd_store_bind_text (stmt, 5, fd_fhir_get_string (resource, "outcome"));
  if (inforce != NULL && json_node_get_value_type (inforce) == G_TYPE_BOOLEAN)
    sqlite3_bind_int (stmt, 6, json_node_get_boolean (inforce));
  bind_unix (stmt, 7, instant_unix (fd_fhir_get_string (resource, "created")));
  return fd_store_step_done (self, stmt, error);
}

gboolean
fd_store_checkin_indexes (const char *type)
{
  return g_str_equal (type, "Encounter") ||
         g_str_equal (type, "QuestionnaireResponse") ||
         g_str_equal (type, "Consent") ||
         g_str_equal (type, "CoverageEligibilityRequest") ||
         g_str_equal (type, "CoverageEligibilityResponse");
}

gboolean
fd_store_checkin_index (FdStore     *self,
                        const char  *type,
                        const char  *id,
                        JsonObject  *resource,
                        GError     **error)
{
  if (g_str_equal (type, "Encounter"))
    return index_encounter (self, resource, id, error);
  if (g_str_equal (type, "QuestionnaireResponse") || g_str_equal (type, "Consent"))
    return index_form (self, type, resource, id, error);
  return index_eligibility (self, type, resource, id, error);
}

/* The flow board */

/* After the appointment's 13 columns: the visit, then what is outstanding.
 * ?2 is now, ?3 the start of the day, both as Unix time. */
#define VISIT_SELECT \
  "SELECT " FD_STORE_APPOINTMENT_COLUMNS "," \
  " e.id, e.status, e.arrived_unix, e.since_unix, e.changed_by, e.room," \
  " (SELECT max (el.created_unix) FROM coverage c" \
  "   JOIN eligibility el ON el.coverage_id = c.id AND el.type = 'CoverageEligibilityResponse'" \
  "   WHERE c.patient_id = a.patient_id AND " FD_STORE_COVERAGE_IN_FORCE \
  "   AND el.inforce = 1 AND el.outcome = 'complete') >= ?3," \
  " (SELECT count (DISTINCT f.form) FROM patient_form f" \
  "   WHERE f.patient_id = a.patient_id AND (f.valid_until IS NULL OR f.valid_until > ?2))," \
  " (SELECT c.copay_cents FROM coverage c WHERE c.patient_id = a.patient_id AND " FD_STORE_COVERAGE_IN_FORCE \
  "   ORDER BY c.copay_cents DESC LIMIT 1)" \
  " - (SELECT coalesce (sum (al.amount_cents), 0) FROM ledger_allocation al" \
  "   WHERE al.appointment_id = a.id AND al.target = 'copay')," \
  " (SELECT c.currency FROM coverage c WHERE c.patient_id = a.patient_id AND " FD_STORE_COVERAGE_IN_FORCE \
  "   ORDER BY c.copay_cents DESC LIMIT 1)" \
  " FROM " FD_STORE_APPOINTMENT_JOINS \
  " LEFT JOIN encounter e ON e.id = (SELECT e2.id FROM encounter e2 WHERE e2.appointment_id = a.id" \
  "   ORDER BY e2.status IN ('cancelled', 'entered-in-error'), e2.since_unix DESC LIMIT 1)"

static gpointer
visit_from_row (sqlite3_stmt *stmt)
{
  g_autoptr(FdAppointmentItem) appointment = fd_store_appointment_item_from_row (stmt);
  FdVisitInfo info = { 0 };
  FdFlowState state;
  guint n_forms;
  guint on_file;

  fd_desk_forms (&n_forms);
  info.encounter_id = fd_store_column_text (stmt, 13);
  info.encounter_status = fd_store_column_text (stmt, 14);
  info.arrived_unix = sqlite3_column_int64 (stmt, 15);
  info.since_unix = sqlite3_column_int64 (stmt, 16);
  info.changed_by = fd_store_column_text (stmt, 17);
  info.room = fd_store_column_text (stmt, 18);
  on_file = (guint) sqlite3_column_int (stmt, 20);
  info.forms_missing = on_file < n_forms ? n_forms - on_file : 0;
  fd_money_init (&info.copay, 0, "USD");
  if (sqlite3_column_type (stmt, 21) != SQLITE_NULL)
    fd_money_init (&info.copay, MAX (0, sqlite3_column_int64 (stmt, 21)),
                   fd_store_column_text (stmt, 22) ? fd_store_column_text (stmt, 22) : "USD");

  state = fd_flow_state_from_status (fd_appointment_item_get_status (appointment), info.encounter_status);
  if (state == FD_FLOW_SCHEDULED || state == FD_FLOW_ARRIVED || state == FD_FLOW_ROOMED)
    {
      if (fd_appointment_item_get_missing (appointment) & FD_MISSING_COVERAGE)
        info.outstanding |= FD_OUTSTANDING_NO_COVERAGE;
      else if (sqlite3_column_int (stmt, 19) == 0)
        info.outstanding |= FD_OUTSTANDING_NOT_VERIFIED;
      if (info.forms_missing > 0)
        info.outstanding |= FD_OUTSTANDING_FORMS;
      if (info.copay.cents > 0)
        info.outstanding |= FD_OUTSTANDING_COPAY;
    }

  return fd_visit_item_new (appointment, &info);
}

static gint64
day_start_unix (FdStore     *self,
                const GDate *day)
{
  g_autoptr(GDateTime) start = g_date_time_new (fd_store_get_time_zone (self),
                                                g_date_get_year (day), g_date_get_month (day),
                                                g_date_get_day (day), 0, 0, 0);

  return g_date_time_to_unix (start);
}

/**
 * fd_store_list_visits:
 * @self: the store
 * @day: a calendar day in the store's time zone
 * @now_unix: the time against which forms' validity is judged
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type FdVisitItem): the day's
 *   appointments by start time, each with where its visit stands
 */
GPtrArray *
fd_store_list_visits (FdStore     *self,
                      const GDate *day,
                      gint64       now_unix,
                      GError     **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *iso = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FD_IS_STORE (self), NULL);
  g_return_val_if_fail (g_date_valid (day), NULL);

  iso = fd_date_format_iso (day);
  stmt = fd_store_prepare (self, VISIT_SELECT " WHERE a.day = ?1 ORDER BY a.start_unix, pr.sort_key, a.id", error);
  if (stmt == NULL)
    return NULL;
  fd_store_bind_text (stmt, 1, iso);
  sqlite3_bind_int64 (stmt, 2, now_unix);
  sqlite3_bind_int64 (stmt, 3, day_start_unix (self, day));
  if (!fd_store_collect_rows (self, stmt, visit_from_row, out, error))
    return NULL;
  return g_steal_pointer (&out);
}

/**
 * fd_store_get_visits:
 * @self: the store
 * @appointment_ids: (array zero-terminated=1): appointments
 * @now_unix: the time against which forms' validity is judged
 * @error: return location for an error
 *
 * The rows of the board for some appointments, as fd_store_list_visits()
 * makes them; an appointment that no longer exists is left out.
 *
 * Returns: (transfer container) (element-type FdVisitItem): the rows
 */
GPtrArray *
fd_store_get_visits (FdStore            *self,
                     const char * const *appointment_ids,
                     gint64              now_unix,
                     GError            **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (now_unix);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (now, fd_store_get_time_zone (self));
  GDate today;

  g_return_val_if_fail (FD_IS_STORE (self), NULL);

  fd_date_from_date_time (&today, local);
  for (guint i = 0; appointment_ids && appointment_ids[i] != NULL; i++)
    {
      sqlite3_stmt *stmt = fd_store_prepare (self, VISIT_SELECT " WHERE a.id = ?1", error);

      if (stmt == NULL)
        return NULL;
      fd_store_bind_text (stmt, 1, appointment_ids[i]);
      sqlite3_bind_int64 (stmt, 2, now_unix);
      sqlite3_bind_int64 (stmt, 3, day_start_unix (self, &today));
      if (!fd_store_collect_rows (self, stmt, visit_from_row, out, error))
        return NULL;
    }
  return g_steal_pointer (&out);
}

/**
 * fd_store_get_visit:
 * @self: the store
 * @appointment_id: an appointment
 * @now_unix: now
 * @error: return location for an error, #FD_STORE_ERROR_NOT_FOUND when absent
 *
 * Returns: (transfer full) (nullable): the appointment's board row
 */
FdVisitItem *
fd_store_get_visit (FdStore     *self,
                    const char  *appointment_id,
                    gint64       now_unix,
                    GError     **error)
{
  const char *ids[] = { appointment_id, NULL };
  g_autoptr(GPtrArray) visits = fd_store_get_visits (self, ids, now_unix, error);

  if (visits == NULL)
    return NULL;
  if (visits->len == 0)
    {
      g_set_error_literal (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND,
                           _("The appointment is no longer on file"));
      return NULL;
    }
  return g_object_ref (g_ptr_array_index (visits, 0));
}

static gboolean
add_patient_appointments (FdStore    *self,
                          const char *sql,
                          const char *id,
                          const char *day,
                          GPtrArray  *out,
                          GError    **error)
{
  sqlite3_stmt *stmt = fd_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, id);
  fd_store_bind_text (stmt, 2, day);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *appointment_id = fd_store_column_text (stmt, 0);

      if (appointment_id != NULL && !g_ptr_array_find_with_equal_func (out, appointment_id, g_str_equal, NULL))
        g_ptr_array_add (out, g_strdup (appointment_id));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return fd_store_sqlite_error (self, rc, error);
  return TRUE;
}

/**
 * fd_store_visits_touched:
 * @self: the store
 * @day: the board's day
 * @type: the type of the records that changed
 * @ids: (array zero-terminated=1): their ids
 * @error: return location for an error
 *
 * Which of the board's rows a change can have altered, so that the board
 * rebuilds only those.
 *
 * Returns: (transfer container) (element-type utf8) (nullable): appointment
 *   ids (some perhaps no longer on @day), an empty array when nothing on the
 *   board is concerned, or %NULL with no error when the whole day must be
 *   read again
 */
GPtrArray *
fd_store_visits_touched (FdStore            *self,
                         const GDate        *day,
                         const char         *type,
                         const char * const *ids,
                         GError            **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *iso = fd_date_format_iso (day);
  const char *sql = NULL;
  guint n = ids ? g_strv_length ((char **) ids) : 0;

  if (n > TOUCHED_MAX)
    return NULL;

  if (g_str_equal (type, "Appointment"))
    {
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (out, g_strdup (ids[i]));
      return g_steal_pointer (&out);
    }

  if (g_str_equal (type, "Encounter"))
    sql = "SELECT appointment_id FROM encounter WHERE id = ?1 AND ?2 IS NOT NULL";
  else if (g_str_equal (type, "Patient"))
    sql = "SELECT id FROM appointment WHERE patient_id = ?1 AND day = ?2";
  else if (g_str_equal (type, "Coverage"))
    sql = "SELECT a.id FROM coverage c JOIN appointment a ON a.patient_id = c.patient_id"
          " WHERE c.id = ?1 AND a.day = ?2";
  else if (g_str_equal (type, "CoverageEligibilityResponse") || g_str_equal (type, "CoverageEligibilityRequest"))
    sql = "SELECT a.id FROM eligibility el JOIN coverage c ON c.id = el.coverage_id"
          " JOIN appointment a ON a.patient_id = c.patient_id WHERE el.id = ?1 AND a.day = ?2";
  else if (g_str_equal (type, "QuestionnaireResponse") || g_str_equal (type, "Consent"))
    {
      /* A form that went off file has no row left to look it up by: its patient is in the record */
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(JsonObject) record = fd_store_get (self, type, ids[i], NULL);
          JsonObject *subject = fd_fhir_get_object (record, g_str_equal (type, "Consent") ? "patient" : "subject");
          const char *patient_id = fd_fhir_reference_id (subject, "Patient");

          if (patient_id != NULL &&
              !add_patient_appointments (self, "SELECT id FROM appointment WHERE patient_id = ?1 AND day = ?2",
                                         patient_id, iso, out, error))
            return NULL;
        }
      return g_steal_pointer (&out);
    }
  else if (g_str_equal (type, "Practitioner") || g_str_equal (type, "Location"))
    return NULL;
  else
    return g_steal_pointer (&out);

  for (guint i = 0; i < n; i++)
    if (!add_patient_appointments (self, sql, ids[i], iso, out, error))
      return NULL;

  return g_steal_pointer (&out);
}

/**
 * fd_store_find_encounter:
 * @self: the store
 * @appointment_id: an appointment
 *
 * Returns: (transfer full) (nullable): the id of the visit check-in opened
 *   for the appointment, the live one before any undone
 */
char *
fd_store_find_encounter (FdStore    *self,
                         const char *appointment_id)
{
  return fd_store_query_text (self,
                              "SELECT id FROM encounter WHERE appointment_id = ?1"
                              " ORDER BY status IN ('cancelled', 'entered-in-error'), since_unix DESC LIMIT 1",
                              appointment_id, NULL);
}

/**
 * fd_store_find_today_appointment:
 * @self: the store
 * @patient_id: a patient
 * @day: the day
 *
 * Returns: (transfer full) (nullable): the patient's appointment of @day
 *   that is still to be checked in, or else the day's first one that is
 *   not cancelled
 */
char *
fd_store_find_today_appointment (FdStore     *self,
                                 const char  *patient_id,
                                 const GDate *day)
{
  g_autofree char *iso = fd_date_format_iso (day);

  return fd_store_query_text (self,
                              "SELECT id FROM appointment WHERE patient_id = ?1 AND day = ?2"
                              " AND status NOT IN ('cancelled', 'entered-in-error')"
                              " ORDER BY status NOT IN ('booked', 'pending', 'proposed'), start_unix LIMIT 1",
                              patient_id, iso);
}

/**
 * fd_store_patients_seen_on:
 * @self: the store
 * @day: a day
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): a set of the ids of the patients
 *   with an appointment on @day that is not cancelled
 */
GHashTable *
fd_store_patients_seen_on (FdStore     *self,
                           const GDate *day,
                           GError     **error)
{
  g_autoptr(GHashTable) set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *iso = fd_date_format_iso (day);
  sqlite3_stmt *stmt;
  int rc;

  stmt = fd_store_prepare (self,
                           "SELECT patient_id FROM appointment WHERE day = ?1 AND patient_id IS NOT NULL"
                           " AND status NOT IN ('cancelled', 'entered-in-error')", error);
  if (stmt == NULL)
    return NULL;
  fd_store_bind_text (stmt, 1, iso);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_add (set, g_strdup (fd_store_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      fd_store_sqlite_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&set);
}

/* Status changes */

/* "Already checked in by FD2 at 10:42", from the visit's status history */
static char *
describe_checkin (FdStore    *self,
                  JsonObject *encounter)
{
  const char *who = NULL;
  const char *since = NULL;
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *time = NULL;

  fd_encounter_checked_in_by (encounter, &who, &since);
  when = fd_date_time_parse (since, fd_store_get_time_zone (self));
  time = when ? fd_time_format_short (when) : g_strdup ("?");
  if (who != NULL && *who != '\0')
    /* Translators: a desk's code, then a time: "Already checked in by FD2 at 10:42" */
    return g_strdup_printf (_("Already checked in by %s at %s"), who, time);
  /* Translators: a time */
  return g_strdup_printf (_("Already checked in at %s"), time);
}

static void
set_appointment_status (JsonObject *appointment,
                        const char *status)
{
  json_object_set_string_member (appointment, "status", status);
}

static gboolean
put_local (FdStore     *self,
           JsonObject  *resource,
           GError     **error)
{
  return fd_store_put (self, resource, FD_STORE_ORIGIN_LOCAL, error);
}

static gboolean
checkin_in_transaction (FdStore     *self,
                        JsonObject  *appointment,
                        GDateTime   *now,
                        const char  *who,
                        GError     **error)
{
  const char *appointment_id = fd_fhir_get_string (appointment, "id");
  const char *status = fd_fhir_get_string (appointment, "status");
  g_autofree char *encounter_id = fd_store_find_encounter (self, appointment_id);
  g_autoptr(JsonObject) encounter = NULL;

  if (encounter_id != NULL)
    {
      encounter = fd_store_get (self, "Encounter", encounter_id, error);
      if (encounter == NULL)
        return FALSE;
      if (!g_str_equal (fd_fhir_get_string (encounter, "status") ?: "", "cancelled") &&
          !g_str_equal (fd_fhir_get_string (encounter, "status") ?: "", "entered-in-error"))
        {
          g_autofree char *message = describe_checkin (self, encounter);

          g_set_error_literal (error, FD_STORE_ERROR, FD_STORE_ERROR_ALREADY_DONE, message);
          return FALSE;
        }
    }

  if (g_strcmp0 (status, "cancelled") == 0 || g_strcmp0 (status, "entered-in-error") == 0)
    {
      g_set_error_literal (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_ALLOWED,
                           _("This appointment was cancelled. Book a new one or register a walk-in."));
      return FALSE;
    }
  if (g_strcmp0 (status, "noshow") == 0)
    {
      g_set_error_literal (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_ALLOWED,
                           _("This appointment is marked as a no-show. Undo that first."));
      return FALSE;
    }
  if (g_strcmp0 (status, "fulfilled") == 0 || g_strcmp0 (status, "arrived") == 0 ||
      g_strcmp0 (status, "checked-in") == 0)
    {
      g_set_error_literal (error, FD_STORE_ERROR, FD_STORE_ERROR_ALREADY_DONE,
                           _("This patient is already checked in"));
      return FALSE;
    }

  if (encounter != NULL)
    fd_encounter_change_status (encounter, "arrived", now, who, NULL);
  else
    encounter = fd_checkin_new_encounter (appointment, now, who);

  set_appointment_status (appointment, "arrived");
  return put_local (self, appointment, error) && put_local (self, encounter, error);
}

/* The fields the desk changed, onto the record as it is now: a change
 * another desk made meanwhile to another field is kept */
static gboolean
save_contact_changes (FdStore               *self,
                      JsonObject            *appointment,
                      const FdDemographics  *original,
                      const FdDemographics  *typed,
                      GError               **error)
{
  JsonArray *participants = fd_fhir_get_array (appointment, "participant");
  g_autoptr(JsonObject) patient = NULL;
  FdDemographics current, merged;
  const char *patient_id = NULL;

  if (fd_demographics_equal (original, typed))
    return TRUE;

  for (guint i = 0; participants && i < json_array_get_length (participants) && patient_id == NULL; i++)
    patient_id = fd_fhir_reference_id (fd_fhir_get_object (fd_fhir_array_object (participants, i), "actor"),
                                       "Patient");
  if (patient_id == NULL)
    return TRUE;

  patient = fd_store_get (self, "Patient", patient_id, error);
  if (patient == NULL)
    return FALSE;
  fd_demographics_read (patient, &current);
  fd_demographics_merge (&current, original, typed, &merged);
  fd_demographics_write (patient, &merged);
  fd_demographics_clear (&current);
  fd_demographics_clear (&merged);
  return put_local (self, patient, error);
}

/**
 * fd_store_checkin:
 * @self: the store
 * @appointment_id: the appointment of the patient who arrived
 * @original: (nullable): the patient's contact details as the desk saw them
 * @typed: (nullable): the details the desk typed; the fields it changed are
 *   saved on the patient's record as it is now, in the same transaction
 * @now: the time of arrival
 * @who: the desk's code, kept in the visit's status history
 * @error: return location for an error: #FD_STORE_ERROR_ALREADY_DONE says who
 *   checked the patient in and when
 *
 * The appointment becomes arrived and its visit (Encounter) opens, in one
 * transaction, both queued for the server.
 *
 * Returns: %TRUE if the patient is now checked in
 */
gboolean
fd_store_checkin (FdStore              *self,
                  const char           *appointment_id,
                  const FdDemographics *original,
                  const FdDemographics *typed,
                  GDateTime            *now,
                  const char  *who,
                  GError     **error)
{
  g_autoptr(JsonObject) appointment = NULL;

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);
  g_return_val_if_fail (appointment_id != NULL, FALSE);

  if (!fd_store_begin (self, error))
    return FALSE;

  appointment = fd_store_get (self, "Appointment", appointment_id, error);
  if (appointment == NULL || !checkin_in_transaction (self, appointment, now, who, error) ||
      (original != NULL && typed != NULL && !save_contact_changes (self, appointment, original, typed, error)))
    {
      fd_store_rollback (self);
      return FALSE;
    }

  if (!fd_store_commit (self, error))
    return FALSE;
  g_debug ("Checked in appointment %s", appointment_id);
  return TRUE;
}

/* The visit an appointment's check-in opened, if any, and where it stands */
static gboolean
load_visit (FdStore      *self,
            JsonObject   *appointment,
            JsonObject  **encounter,
            FdFlowState  *current,
            GError      **error)
{
  g_autofree char *encounter_id = fd_store_find_encounter (self, fd_fhir_get_string (appointment, "id"));

  *encounter = NULL;
  if (encounter_id != NULL && !(*encounter = fd_store_get (self, "Encounter", encounter_id, error)))
    return FALSE;
  *current = fd_flow_state_from_status (fd_fhir_get_string (appointment, "status"),
                                        fd_fhir_get_string (*encounter, "status"));
  return TRUE;
}

static gboolean
require_visit (JsonObject  *encounter,
               GError     **error)
{
  if (encounter != NULL)
    return TRUE;
  g_set_error_literal (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_ALLOWED,
                       _("The patient has not been checked in"));
  return FALSE;
}

static gboolean
change_in_transaction (FdStore      *self,
                       JsonObject   *appointment,
                       FdFlowState   state,
                       const char   *room,
                       GDateTime    *now,
                       const char   *who,
                       GError      **error)
{
  g_autoptr(JsonObject) encounter = NULL;
  FdFlowState current;

  if (!load_visit (self, appointment, &encounter, &current, error))
    return FALSE;

  switch (state)
    {
    case FD_FLOW_ROOMED:
      if (current != FD_FLOW_ARRIVED && current != FD_FLOW_ROOMED)
        break;
      if (room == NULL || *room == '\0')
        {
          g_set_error_literal (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID, _("Say which room"));
          return FALSE;
        }
      if (!require_visit (encounter, error))
        return FALSE;
      fd_encounter_set_room (encounter, room, now);
      if (current != FD_FLOW_ROOMED)
        fd_encounter_change_status (encounter, "in-progress", now, who, NULL);
      return put_local (self, encounter, error);

    case FD_FLOW_CHECKED_OUT:
      if (current != FD_FLOW_ARRIVED && current != FD_FLOW_ROOMED)
        break;
      if (!require_visit (encounter, error))
        return FALSE;
      fd_encounter_set_room (encounter, NULL, now);
      fd_encounter_change_status (encounter, "finished", now, who, NULL);
      set_appointment_status (appointment, "fulfilled");
      return put_local (self, appointment, error) && put_local (self, encounter, error);

    case FD_FLOW_NO_SHOW:
      if (current != FD_FLOW_SCHEDULED)
        break;
      set_appointment_status (appointment, "noshow");
      return put_local (self, appointment, error);

    case FD_FLOW_SCHEDULED:
    case FD_FLOW_ARRIVED:
    case FD_FLOW_CANCELLED:
    case FD_FLOW_N_STATES:
    default:
      break;
    }

  g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_ALLOWED,
               /* Translators: a status change the board refuses, "Arrived" → "No-show" */
               _("A visit that is “%s” cannot become “%s”"),
               fd_flow_state_label (current), fd_flow_state_label (state));
  return FALSE;
}

/**
 * fd_store_change_visit:
 * @self: the store
 * @appointment_id: the appointment
 * @state: %FD_FLOW_ROOMED, %FD_FLOW_CHECKED_OUT or %FD_FLOW_NO_SHOW
 * @room: (nullable): the room, for %FD_FLOW_ROOMED
 * @now: when
 * @who: the desk's code
 * @error: return location for an error
 *
 * Moves a visit along the board: a checked-in patient to a room or out, a
 * patient who did not come to no-show.
 *
 * Returns: %TRUE if the change was saved
 */
gboolean
fd_store_change_visit (FdStore      *self,
                       const char   *appointment_id,
                       FdFlowState   state,
                       const char   *room,
                       GDateTime    *now,
                       const char   *who,
                       GError      **error)
{
  g_autoptr(JsonObject) appointment = NULL;

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);

  if (!fd_store_begin (self, error))
    return FALSE;
  appointment = fd_store_get (self, "Appointment", appointment_id, error);
  if (appointment == NULL || !change_in_transaction (self, appointment, state, room, now, who, error))
    {
      fd_store_rollback (self);
      return FALSE;
    }
  return fd_store_commit (self, error);
}

static gboolean
undo_in_transaction (FdStore     *self,
                     JsonObject  *appointment,
                     const char  *reason,
                     GDateTime   *now,
                     const char  *who,
                     GError     **error)
{
  g_autoptr(JsonObject) encounter = NULL;
  FdFlowState current;

  if (!load_visit (self, appointment, &encounter, &current, error))
    return FALSE;

  switch (current)
    {
    case FD_FLOW_ARRIVED:
      if (!fd_text_has_letters (reason))
        {
          g_set_error_literal (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID,
                               _("Say why the check-in is undone"));
          return FALSE;
        }
      set_appointment_status (appointment, "booked");
      if (encounter != NULL)
        {
          fd_encounter_change_status (encounter, "cancelled", now, who, reason);
          if (!put_local (self, encounter, error))
            return FALSE;
        }
      return put_local (self, appointment, error);

    case FD_FLOW_ROOMED:
      fd_encounter_set_room (encounter, NULL, now);
      fd_encounter_change_status (encounter, "arrived", now, who, reason);
      return put_local (self, encounter, error);

    case FD_FLOW_CHECKED_OUT:
      set_appointment_status (appointment, "arrived");
      if (encounter != NULL)
        {
          const char *before = fd_encounter_previous_status (encounter);

          gboolean roomed = g_strcmp0 (before, "in-progress") == 0;

          if (roomed)
            fd_encounter_reopen_room (encounter);
          fd_encounter_change_status (encounter, roomed ? "in-progress" : "arrived", now, who, reason);
          if (!put_local (self, encounter, error))
            return FALSE;
        }
      return put_local (self, appointment, error);

    case FD_FLOW_NO_SHOW:
      set_appointment_status (appointment, "booked");
      return put_local (self, appointment, error);

    case FD_FLOW_SCHEDULED:
    case FD_FLOW_CANCELLED:
    case FD_FLOW_N_STATES:
    default:
      break;
    }

  g_set_error_literal (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_ALLOWED,
                       _("There is no status change to undo"));
  return FALSE;
}

/**
 * fd_store_undo_visit:
 * @self: the store
 * @appointment_id: the appointment
 * @reason: (nullable): why; required when it reverts a check-in
 * @now: when
 * @who: the desk's code
 * @error: return location for an error
 *
 * Takes a visit one step back on the board: out of no-show, back from
 * checked out, out of the room, or a check-in undone.
 *
 * Returns: %TRUE if the change was saved
 */
gboolean
fd_store_undo_visit (FdStore     *self,
                     const char  *appointment_id,
                     const char  *reason,
                     GDateTime   *now,
                     const char  *who,
                     GError     **error)
{
  g_autoptr(JsonObject) appointment = NULL;

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);

  if (!fd_store_begin (self, error))
    return FALSE;
  appointment = fd_store_get (self, "Appointment", appointment_id, error);
  if (appointment == NULL || !undo_in_transaction (self, appointment, reason, now, who, error))
    {
      fd_store_rollback (self);
      return FALSE;
    }
  return fd_store_commit (self, error);
}

/* Forms and insurance */

/**
 * fd_store_form_on_file:
 * @self: the store
 * @patient_id: a patient
 * @form_code: a desk form's code
 * @now_unix: now
 * @recorded_unix: (out) (optional): when the form on file was signed or received
 * @error: return location for an error
 *
 * Returns: whether a valid copy of the form is on file; %FALSE with @error
 *   set when the store fails
 */
gboolean
fd_store_form_on_file (FdStore     *self,
                       const char  *patient_id,
                       const char  *form_code,
                       gint64       now_unix,
                       gint64      *recorded_unix,
                       GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean found = FALSE;
  int rc;

  stmt = fd_store_prepare (self,
                           "SELECT max (recorded_unix) FROM patient_form WHERE patient_id = ?1 AND form = ?2"
                           " AND (valid_until IS NULL OR valid_until > ?3) HAVING count (*) > 0", error);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, patient_id);
  fd_store_bind_text (stmt, 2, form_code);
  sqlite3_bind_int64 (stmt, 3, now_unix);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      found = TRUE;
      if (recorded_unix != NULL)
        *recorded_unix = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return fd_store_sqlite_error (self, rc, error);
  return found;
}

/**
 * fd_store_receive_form:
 * @self: the store
 * @patient_id: the patient who handed in the form
 * @form_code: which desk form
 * @now: when
 * @error: return location for an error
 *
 * Puts a signed paper form on file, queued for the server.
 *
 * Returns: %TRUE if it was saved
 */
gboolean
fd_store_receive_form (FdStore     *self,
                       const char  *patient_id,
                       const char  *form_code,
                       GDateTime   *now,
                       GError     **error)
{
  const FdDeskForm *form = fd_desk_form_lookup (form_code);
  g_autoptr(JsonObject) patient = NULL;
  g_autoptr(JsonObject) record = NULL;
  g_autofree char *display = NULL;
  g_autofree char *id = g_uuid_string_random ();

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);
  g_return_val_if_fail (form != NULL, FALSE);

  patient = fd_store_get (self, "Patient", patient_id, error);
  if (patient == NULL)
    return FALSE;
  display = fd_fhir_patient_display (patient);
  record = fd_desk_form_new_received (form, id, patient_id, display, now);
  return put_local (self, record, error);
}

/**
 * fd_store_verified_on:
 * @self: the store
 * @coverage_id: a coverage
 * @day_start_unix: the start of the day in question
 * @checked_unix: (out) (optional): when the payer last said it is in force
 *
 * Returns: whether the payer said the coverage is in force since @day_start_unix
 */
gboolean
fd_store_verified_on (FdStore    *self,
                      const char *coverage_id,
                      gint64      day_start_unix,
                      gint64     *checked_unix)
{
  sqlite3_stmt *stmt;
  gboolean found = FALSE;

  stmt = fd_store_prepare (self,
                           "SELECT max (created_unix) FROM eligibility WHERE coverage_id = ?1"
                           " AND type = 'CoverageEligibilityResponse' AND outcome = 'complete' AND inforce = 1"
                           " AND created_unix >= ?2 HAVING count (*) > 0", NULL);
  if (stmt == NULL)
    return FALSE;
  fd_store_bind_text (stmt, 1, coverage_id);
  sqlite3_bind_int64 (stmt, 2, day_start_unix);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      found = TRUE;
      if (checked_unix != NULL)
        *checked_unix = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_reset (stmt);
  return found;
}

/**
 * fd_store_list_payers:
 * @self: the store
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type FdStoreRef): the insurance
 *   companies on file, by name
 */
GPtrArray *
fd_store_list_payers (FdStore  *self,
                      GError  **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_store_ref_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = fd_store_prepare (self,
                           "SELECT id, json_extract (json, '$.name') AS name FROM resource"
                           " WHERE type = 'Organization' AND json_extract (json, '$.type[0].coding[0].code') IN ('ins', 'pay')"
                           " AND name IS NOT NULL ORDER BY name", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FdStoreRef *ref = g_new0 (FdStoreRef, 1);

      ref->id = g_strdup (fd_store_column_text (stmt, 0));
      ref->display = g_strdup (fd_store_column_text (stmt, 1));
      g_ptr_array_add (out, ref);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      fd_store_sqlite_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

/**
 * fd_store_replace_coverage:
 * @self: the store
 * @coverage: the new Coverage
 * @replaced_id: (nullable): the coverage it replaces, which ends the day
 *   before the new one starts
 * @now: when
 * @error: return location for an error
 *
 * Returns: %TRUE if both were saved, in one transaction
 */
gboolean
fd_store_replace_coverage (FdStore     *self,
                           JsonObject  *coverage,
                           const char  *replaced_id,
                           GDateTime   *now,
                           GError     **error)
{
  g_autoptr(JsonObject) old = NULL;

  if (!fd_store_begin (self, error))
    return FALSE;

  if (replaced_id != NULL)
    {
      old = fd_store_get (self, "Coverage", replaced_id, error);
      if (old == NULL)
        {
          fd_store_rollback (self);
          return FALSE;
        }
      /* An ended policy stays active in FHIR terms with the end of its period
       * (cancelled would say it never held, and past visits were billed to it) */
      {
        JsonObject *period = fd_fhir_get_object (old, "period");
        const char *start = fd_fhir_get_string (fd_fhir_get_object (coverage, "period"), "start");
        GDate end;

        if (period == NULL)
          {
            period = json_object_new ();
            json_object_set_object_member (old, "period", period);
          }
        if (start != NULL && fd_date_parse_iso (start, &end))
          {
            g_autofree char *text = NULL;

            g_date_subtract_days (&end, 1);
            text = fd_date_format_iso (&end);
            if (fd_fhir_get_string (period, "start") == NULL ||
                g_strcmp0 (fd_fhir_get_string (period, "start"), text) <= 0)
              json_object_set_string_member (period, "end", text);
          }
      }
      if (!put_local (self, old, error))
        {
          fd_store_rollback (self);
          return FALSE;
        }
    }

  if (!put_local (self, coverage, error))
    {
      fd_store_rollback (self);
      return FALSE;
    }
  return fd_store_commit (self, error);
}

/* Walk-ins */

void
fd_duplicate_candidate_free (FdDuplicateCandidate *candidate)
{
  if (candidate == NULL)
    return;
  g_free (candidate->patient_id);
  g_free (candidate->display);
  g_free (candidate->birth_date);
  g_free (candidate->phone);
  g_free (candidate->mrn);
  g_free (candidate->why);
  g_free (candidate);
}

/* Edit distance, for names typed a letter off ("Jonson", "Johnson") */
static guint
distance (const char *a,
          const char *b)
{
  gsize n = strlen (a), m = strlen (b);
  g_autofree guint *row = g_new (guint, m + 1);

  for (gsize j = 0; j <= m; j++)
    row[j] = (guint) j;
  for (gsize i = 1; i <= n; i++)
    {
      guint diagonal = row[0];

      row[0] = (guint) i;
      for (gsize j = 1; j <= m; j++)
        {
          guint above = row[j];
          guint cost = a[i - 1] == b[j - 1] ? 0 : 1;

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diagonal + cost);
          diagonal = above;
        }
    }
  return row[m];
}

static gboolean
similar (const char *typed,
         const char *on_file)
{
  gsize a = strlen (typed), b = strlen (on_file);

  if (a == 0 || b == 0)
    return FALSE;
  if (g_str_has_prefix (on_file, typed) || g_str_has_prefix (typed, on_file))
    return TRUE;
  return distance (typed, on_file) <= (MIN (a, b) >= 6 ? 2u : 1u);
}

static void
add_candidate (GPtrArray    *out,
               sqlite3_stmt *stmt,
               const char   *why)
{
  const char *id = fd_store_column_text (stmt, 0);
  FdDuplicateCandidate *candidate;

  for (guint i = 0; i < out->len; i++)
    {
      FdDuplicateCandidate *seen = g_ptr_array_index (out, i);

      if (g_str_equal (seen->patient_id, id))
        {
          g_autofree char *both = g_strdup_printf ("%s; %s", seen->why, why);

          g_free (seen->why);
          seen->why = g_steal_pointer (&both);
          return;
        }
    }

  candidate = g_new0 (FdDuplicateCandidate, 1);
  candidate->patient_id = g_strdup (id);
  candidate->display = g_strdup (fd_store_column_text (stmt, 1));
  candidate->birth_date = g_strdup (fd_store_column_text (stmt, 2));
  candidate->mrn = g_strdup (fd_store_column_text (stmt, 3));
  candidate->phone = g_strdup (fd_store_column_text (stmt, 4));
  candidate->why = g_strdup (why);
  g_ptr_array_add (out, candidate);
}

/**
 * fd_store_find_duplicates:
 * @self: the store
 * @family: the family name typed
 * @given: the given names typed
 * @birth_date: (nullable): YYYY-MM-DD
 * @phone: (nullable): a phone number in any format
 * @mrn: (nullable): a medical record number the patient gave
 * @error: return location for an error
 *
 * Patients on file who may be the person about to be registered: the same
 * birth date with the same or a similar name, the same phone number, or the
 * same MRN.
 *
 * Returns: (transfer container) (element-type FdDuplicateCandidate): the
 *   candidates, the likeliest first
 */
GPtrArray *
fd_store_find_duplicates (FdStore     *self,
                          const char  *family,
                          const char  *given,
                          const char  *birth_date,
                          const char  *phone,
                          const char  *mrn,
                          GError     **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_duplicate_candidate_free);
  g_autofree char *family_key = fd_text_fold (family);
  g_autofree char *given_key = fd_text_fold (given);
  g_autofree char *digits = fd_text_digits (phone);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FD_IS_STORE (self), NULL);

  if (birth_date != NULL && *birth_date != '\0')
    {
      stmt = fd_store_prepare (self,
                               "SELECT id, display, birth_date, mrn, phone, family_key, given_key"
                               " FROM patient WHERE birth_date = ?1 ORDER BY sort_key LIMIT 500", error);
      if (stmt == NULL)
        return NULL;
      fd_store_bind_text (stmt, 1, birth_date);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *on_file_family = fd_store_column_text (stmt, 5);
          const char *on_file_given = fd_store_column_text (stmt, 6);
          g_autofree char *first_given = g_strdup (on_file_given ? on_file_given : "");
          char *space = strchr (first_given, ' ');

          if (space != NULL)
            *space = '\0';
          if (g_strcmp0 (on_file_family, family_key) == 0 && similar (given_key, first_given))
            add_candidate (out, stmt, _("Same name and birth date"));
          else if (similar (family_key, on_file_family ? on_file_family : "") ||
                   (*given_key && similar (given_key, first_given) &&
                    strncmp (family_key, on_file_family ? on_file_family : "", 1) == 0))
            add_candidate (out, stmt, _("Same birth date, similar name"));
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          fd_store_sqlite_error (self, rc, error);
          return NULL;
        }
    }

  if (mrn != NULL && *mrn != '\0')
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (mrn));

      stmt = fd_store_prepare (self,
                               "SELECT id, display, birth_date, mrn, phone FROM patient WHERE mrn = ?1 LIMIT 5", error);
      if (stmt == NULL)
        return NULL;
      fd_store_bind_text (stmt, 1, trimmed);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        add_candidate (out, stmt, _("Same MRN"));
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          fd_store_sqlite_error (self, rc, error);
          return NULL;
        }
    }

  if (strlen (digits) >= 10)
    {
      g_autofree char *term = NULL;
      const char *national = digits;

      if (strlen (national) == 11 && national[0] == '1')
        national++;
      term = g_strdup_printf ("\"%s\"", national);
      stmt = fd_store_prepare (self,
                               "SELECT p.id, p.display, p.birth_date, p.mrn, p.phone FROM patient_fts"
                               " JOIN patient p ON p.pid = patient_fts.rowid"
                               " WHERE patient_fts MATCH ?1 ORDER BY p.sort_key LIMIT 20", error);
      if (stmt == NULL)
        return NULL;
      fd_store_bind_text (stmt, 1, term);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        add_candidate (out, stmt, _("Same phone number"));
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          fd_store_sqlite_error (self, rc, error);
          return NULL;
        }
    }

  return g_steal_pointer (&out);
}

static JsonObject *
new_walkin_patient (const FdWalkin *walkin,
                    const char     *id)
{
  JsonObject *patient = json_object_new ();
  JsonObject *name = json_object_new ();
  JsonArray *names = json_array_new ();
  JsonArray *given = json_array_new ();
  g_auto(GStrv) given_words = g_strsplit (walkin->given, " ", -1);

  json_object_set_string_member (patient, "resourceType", "Patient");
  json_object_set_string_member (patient, "id", id);
  json_object_set_boolean_member (patient, "active", TRUE);
  json_object_set_string_member (name, "use", "official");
  json_object_set_string_member (name, "family", walkin->family);
  for (guint i = 0; given_words[i] != NULL; i++)
    if (*given_words[i] != '\0')
      json_array_add_string_element (given, given_words[i]);
  json_object_set_array_member (name, "given", given);
  json_array_add_object_element (names, name);
  json_object_set_array_member (patient, "name", names);
  if (walkin->gender != NULL)
    json_object_set_string_member (patient, "gender", walkin->gender);
  json_object_set_string_member (patient, "birthDate", walkin->birth_date);
  if (walkin->phone != NULL && *walkin->phone != '\0')
    {
      JsonArray *telecom = json_array_new ();
      JsonObject *point = json_object_new ();

      json_object_set_string_member (point, "system", "phone");
      json_object_set_string_member (point, "value", walkin->phone);
      json_object_set_string_member (point, "use", "mobile");
      json_array_add_object_element (telecom, point);
      json_object_set_array_member (patient, "telecom", telecom);
    }
  return patient;
}

static JsonObject *
new_walkin_appointment (FdStore        *self,
                        const FdWalkin *walkin,
                        const char     *id,
                        const char     *patient_id,
                        const char     *patient_display,
                        GDateTime      *now)
{
  JsonObject *appointment = json_object_new ();
  JsonObject *type = json_object_new ();
  JsonObject *coding = json_object_new ();
  JsonArray *codings = json_array_new ();
  JsonArray *participants = json_array_new ();
  g_autoptr(GDateTime) start = g_date_time_add_seconds (now, -g_date_time_get_second (now));
  g_autoptr(GDateTime) end = g_date_time_add_minutes (start, 15);
  g_autofree char *start_text = fd_date_time_format_fhir (start);
  g_autofree char *end_text = fd_date_time_format_fhir (end);
  g_autofree char *created = fd_date_time_format_fhir (now);
  g_autoptr(JsonObject) practitioner = NULL;
  g_autoptr(JsonObject) location = NULL;

  json_object_set_string_member (appointment, "resourceType", "Appointment");
  json_object_set_string_member (appointment, "id", id);
  json_object_set_string_member (appointment, "status", "booked");
  json_object_set_string_member (coding, "system", "http://terminology.hl7.org/CodeSystem/v2-0276");
  json_object_set_string_member (coding, "code", "WALKIN");
  json_object_set_string_member (coding, "display", "A previously unscheduled walk-in visit");
  json_array_add_object_element (codings, coding);
  json_object_set_array_member (type, "coding", codings);
  json_object_set_object_member (appointment, "appointmentType", type);
  json_object_set_string_member (appointment, "description", "Walk-in");
  json_object_set_string_member (appointment, "start", start_text);
  json_object_set_string_member (appointment, "end", end_text);
  json_object_set_int_member (appointment, "minutesDuration", 15);
  json_object_set_string_member (appointment, "created", created);

  json_array_add_object_element (participants,
                                 fd_fhir_new_participant (fd_fhir_new_reference ("Patient", patient_id, patient_display)));
  practitioner = fd_store_get (self, "Practitioner", walkin->practitioner_id, NULL);
  if (practitioner != NULL)
    {
      g_autofree char *name =
        fd_fhir_human_name_display (fd_fhir_array_object (fd_fhir_get_array (practitioner, "name"), 0), FALSE);

      json_array_add_object_element (participants,
                                     fd_fhir_new_participant (fd_fhir_new_reference ("Practitioner", walkin->practitioner_id, name)));
    }
  if (walkin->location_id != NULL)
    location = fd_store_get (self, "Location", walkin->location_id, NULL);
  if (location != NULL)
    json_array_add_object_element (participants,
                                   fd_fhir_new_participant (fd_fhir_new_reference ("Location", walkin->location_id,
                                                                   fd_fhir_get_string (location, "name"))));
  json_object_set_array_member (appointment, "participant", participants);
  return appointment;
}

/**
 * fd_store_register_walkin:
 * @self: the store
 * @walkin: who, and with which provider
 * @existing_patient_id: (nullable): the patient on file the desk picked from
 *   the duplicate candidates, or %NULL to register a new patient
 * @now: the time of arrival
 * @who: the desk's code
 * @error: return location for an error
 *
 * Registers a walk-in: the patient when new, an appointment for now, and the
 * check-in, in one transaction.
 *
 * Returns: (transfer full) (nullable): the new appointment's id
 */
char *
fd_store_register_walkin (FdStore        *self,
                          const FdWalkin *walkin,
                          const char     *existing_patient_id,
                          GDateTime      *now,
                          const char     *who,
                          GError        **error)
{
  g_autoptr(JsonObject) patient = NULL;
  g_autoptr(JsonObject) appointment = NULL;
  g_autofree char *patient_id = NULL;
  g_autofree char *appointment_id = g_uuid_string_random ();
  g_autofree char *display = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (FD_IS_STORE (self), NULL);
  g_return_val_if_fail (walkin->practitioner_id != NULL, NULL);

  if (!fd_store_begin (self, error))
    return NULL;

  if (existing_patient_id != NULL)
    {
      patient_id = g_strdup (existing_patient_id);
      patient = fd_store_get (self, "Patient", patient_id, &local_error);
    }
  else
    {
      patient_id = g_uuid_string_random ();
      patient = new_walkin_patient (walkin, patient_id);
      if (!put_local (self, patient, &local_error))
        g_clear_pointer (&patient, json_object_unref);
    }

  /* Someone on file who is booked for today is checked in for that visit */
  if (patient != NULL && existing_patient_id != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_timezone (now, fd_store_get_time_zone (self));
      g_autofree char *booked = NULL;
      GDate day;

      fd_date_from_date_time (&day, local);
      booked = fd_store_find_today_appointment (self, patient_id, &day);
      if (booked != NULL)
        {
          g_autoptr(JsonObject) scheduled = fd_store_get (self, "Appointment", booked, NULL);
          const char *status = fd_fhir_get_string (scheduled, "status");

          if (scheduled != NULL && (g_strcmp0 (status, "booked") == 0 || g_strcmp0 (status, "pending") == 0))
            {
              if (!checkin_in_transaction (self, scheduled, now, who, &local_error) ||
                  !fd_store_commit (self, &local_error))
                {
                  fd_store_rollback (self);
                  g_propagate_error (error, g_steal_pointer (&local_error));
                  return NULL;
                }
              g_debug ("Walk-in was booked today: appointment %s checked in", booked);
              return g_steal_pointer (&booked);
            }
        }
    }

  if (patient != NULL)
    {
      display = fd_fhir_patient_display (patient);
      appointment = new_walkin_appointment (self, walkin, appointment_id, patient_id, display, now);
      if (!put_local (self, appointment, &local_error) ||
          !checkin_in_transaction (self, appointment, now, who, &local_error))
        g_clear_pointer (&appointment, json_object_unref);
    }

  if (appointment == NULL || !fd_store_commit (self, &local_error))
    {
      fd_store_rollback (self);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  g_debug ("Walk-in registered: appointment %s", appointment_id);
  return g_steal_pointer (&appointment_id);
}
