/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdStore"

#include "config.h"

#include "fd-fhir.h"
#include "fd-store-eligibility.h"
#include "fd-store-private.h"

/* Eligibility checks live in the resource cache as they came from the server
 * (or as the desk queued them): a CoverageEligibilityResponse points at its
 * request, and the request names the Coverage. There are few of them, so the
 * queries read the JSON directly instead of keeping an index table. */

/* A request whose insurance[] names Coverage ?1, by relative or absolute reference */
#define REQUEST_COVERS_COVERAGE \
  "EXISTS (SELECT 1 FROM json_each (req.json, '$.insurance') i" \
  " WHERE json_extract (i.value, '$.coverage.reference') = 'Coverage/' || ?1" \
  " OR json_extract (i.value, '$.coverage.reference') LIKE '%/Coverage/' || ?1)"

/* A response (resp) that answers the request (req) */
#define RESPONSE_ANSWERS_REQUEST \
  "(json_extract (resp.json, '$.request.reference') = 'CoverageEligibilityRequest/' || req.id" \
  " OR json_extract (resp.json, '$.request.reference') LIKE '%/CoverageEligibilityRequest/' || req.id)"

static gpointer
json_from_row (sqlite3_stmt *stmt)
{
  return fd_fhir_parse ((const char *) sqlite3_column_text (stmt, 0), sqlite3_column_bytes (stmt, 0), NULL);
}

static JsonObject *
query_one (FdStore       *self,
           sqlite3_stmt  *stmt,
           const char    *coverage_id,
           GError       **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  fd_store_bind_text (stmt, 1, coverage_id);
  if (!fd_store_collect_rows (self, stmt, json_from_row, rows, error))
    return NULL;
  /* A row whose JSON cannot be read counts as absent */
  if (rows->len == 0 || g_ptr_array_index (rows, 0) == NULL)
    return NULL;
  return json_object_ref (g_ptr_array_index (rows, 0));
}

/**
 * fd_store_find_eligibility:
 * @self: the store
 * @coverage_id: a Coverage id
 * @latest_response: (out) (transfer full) (optional) (nullable): the newest
 *   CoverageEligibilityResponse on file whose request is about this coverage
 * @unanswered_request: (out) (transfer full) (optional) (nullable): the
 *   newest CoverageEligibilityRequest for this coverage when nothing on file
 *   answers it yet (it waits in the outbox or for the payer)
 * @error: return location for a #FD_STORE_ERROR
 *
 * Reads the cache only. "Newest" is by the resources' `created` instants.
 *
 * Returns: %TRUE on success, even when nothing is on file
 */
gboolean
fd_store_find_eligibility (FdStore     *self,
                           const char  *coverage_id,
                           JsonObject **latest_response,
                           JsonObject **unanswered_request,
                           GError     **error)
{
  g_autoptr(JsonObject) response = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (FD_IS_STORE (self), FALSE);
  g_return_val_if_fail (coverage_id != NULL, FALSE);

  if (latest_response != NULL)
    {
      stmt = fd_store_prepare (self,
                               "SELECT resp.json FROM resource req"
                               " JOIN resource resp ON resp.type = 'CoverageEligibilityResponse'"
                               " AND " RESPONSE_ANSWERS_REQUEST
                               " WHERE req.type = 'CoverageEligibilityRequest' AND " REQUEST_COVERS_COVERAGE
                               " ORDER BY julianday (json_extract (resp.json, '$.created')) DESC,"
                               " resp.last_updated DESC, resp.id LIMIT 1",
                               error);
      if (stmt == NULL)
        return FALSE;
      response = query_one (self, stmt, coverage_id, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  if (unanswered_request != NULL)
    {
      stmt = fd_store_prepare (self,
                               "SELECT req.json FROM resource req"
                               " WHERE req.type = 'CoverageEligibilityRequest' AND " REQUEST_COVERS_COVERAGE
                               " AND NOT EXISTS (SELECT 1 FROM resource resp"
                               "  WHERE resp.type = 'CoverageEligibilityResponse' AND " RESPONSE_ANSWERS_REQUEST ")"
                               " AND NOT EXISTS (SELECT 1 FROM resource later"
                               "  WHERE later.type = 'CoverageEligibilityRequest' AND later.id != req.id"
                               "  AND (julianday (json_extract (later.json, '$.created'))"
                               "    > julianday (json_extract (req.json, '$.created'))"
                               "   OR (julianday (json_extract (later.json, '$.created'))"
                               "    = julianday (json_extract (req.json, '$.created')) AND later.id > req.id))"
                               "  AND EXISTS (SELECT 1 FROM json_each (later.json, '$.insurance') i"
                               "   WHERE json_extract (i.value, '$.coverage.reference') = 'Coverage/' || ?1"
                               "   OR json_extract (i.value, '$.coverage.reference') LIKE '%/Coverage/' || ?1))"
                               " ORDER BY julianday (json_extract (req.json, '$.created')) DESC, req.id DESC LIMIT 1",
                               error);
      if (stmt == NULL)
        return FALSE;
      request = query_one (self, stmt, coverage_id, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  if (latest_response != NULL)
    *latest_response = g_steal_pointer (&response);
  if (unanswered_request != NULL)
    *unanswered_request = g_steal_pointer (&request);
  return TRUE;
}
