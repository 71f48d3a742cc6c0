/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdEligibility"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fd-eligibility.h"
#include "fd-fhir.h"
#include "fd-store-eligibility.h"

/* Insurance eligibility: the desk writes a CoverageEligibilityRequest, the
 * clinic's server (or whatever stands behind it) answers with a
 * CoverageEligibilityResponse. The network part runs in a worker thread with
 * its own client; everything that touches the store runs on the calling
 * thread. When the check cannot be made, the request waits in the outbox and
 * the answer arrives later with the normal pull. */

#define POLL_INTERVAL_MS 300
#define SLEEP_SLICE_MS 50

typedef enum
{
  CHECK_ANSWERED,     /* the request went out and a final answer came back */
  CHECK_NOT_SENT,     /* the request could not be sent: queue it */
  CHECK_REFUSED,      /* the server will never take this request */
  CHECK_NO_ANSWER,    /* sent, but no answer within the time limit */
  CHECK_MALFORMED,    /* an answer that is not what it should be */
} CheckOutcome;

typedef struct
{
  FdStore      *store;          /* main thread only */
  FdFhirClient *client;         /* the worker's own copy */
  JsonObject   *request;
  char         *request_id;
  char         *coverage_id;
  guint         timeout_seconds;

  /* Filled by the worker */
  CheckOutcome  outcome;
  JsonObject   *stored_request; /* as the server keeps it */
  JsonObject   *response;
  GError       *send_error;     /* why the request could not be sent */
  gboolean      timed_out;      /* the server did not answer the request in time */
} Check;

static void
check_free (Check *check)
{
  g_clear_object (&check->store);
  g_clear_object (&check->client);
  g_clear_pointer (&check->request, json_object_unref);
  g_clear_pointer (&check->request_id, g_free);
  g_clear_pointer (&check->coverage_id, g_free);
  g_clear_pointer (&check->stored_request, json_object_unref);
  g_clear_pointer (&check->response, json_object_unref);
  g_clear_error (&check->send_error);
  g_free (check);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Check, check_free)

/* Helpers */

static FdEligibilityResult *
result_new (FdEligibilityState  state,
            const char         *request_id,
            char               *message)
{
  FdEligibilityResult *result = g_new0 (FdEligibilityResult, 1);

  result->state = state;
  result->message = message;
  result->request_id = g_strdup (request_id);
  fd_money_init (&result->copay, 0, NULL);
  return result;
}

static FdEligibilityResult *
not_verified (const char *request_id,
              gboolean    queued,
              char       *message)
{
  FdEligibilityResult *result = result_new (FD_ELIGIBILITY_NOT_VERIFIED, request_id, message);

  result->queued = queued;
  return result;
}

static char *
payer_too_slow_message (guint seconds)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Not verified — the payer did not answer within %u second",
                                       "Not verified — the payer did not answer within %u seconds",
                                       seconds),
                          seconds);
}

static char *
today_text (GTimeZone *tz)
{
  g_autoptr(GDateTime) now = g_date_time_new_now (tz);

  return g_date_time_format (now, "%Y-%m-%d");
}

static JsonNode *
reference_node (const char *type,
                const char *id)
{
  g_autoptr(JsonObject) reference = json_object_new ();
  g_autofree char *text = g_strdup_printf ("%s/%s", type, id);
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (reference, "reference", text);
  json_node_set_object (node, reference);
  return node;
}

/* The request for @coverage, or %NULL when the coverage names no patient or payer */
static JsonObject *
build_request (FdStore    *store,
               JsonObject *coverage,
               const char *coverage_id,
               const char *practitioner_id)
{
  g_autoptr(JsonObject) request = json_object_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *created = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
  g_autofree char *today = today_text (fd_store_get_time_zone (store));
  JsonObject *beneficiary = fd_fhir_get_object (coverage, "beneficiary");
  JsonObject *payor = fd_fhir_array_object (fd_fhir_get_array (coverage, "payor"), 0);
  const char *patient_id = fd_fhir_reference_id (beneficiary, "Patient");
  JsonArray *purpose, *insurance;
  JsonObject *entry;

  if (patient_id == NULL || fd_fhir_get_string (payor, "reference") == NULL)
    return NULL;

  json_object_set_string_member (request, "resourceType", "CoverageEligibilityRequest");
  json_object_set_string_member (request, "id", id);
  json_object_set_string_member (request, "status", "active");
  purpose = json_array_new ();
  json_array_add_string_element (purpose, "validation");
  json_array_add_string_element (purpose, "benefits");
  json_object_set_array_member (request, "purpose", purpose);
  json_object_set_member (request, "patient", reference_node ("Patient", patient_id));
  json_object_set_string_member (request, "servicedDate", today);
  json_object_set_string_member (request, "created", created);
  if (practitioner_id != NULL && *practitioner_id != '\0')
    json_object_set_member (request, "provider", reference_node ("Practitioner", practitioner_id));
  json_object_set_member (request, "insurer",
                          json_node_copy (json_array_get_element (fd_fhir_get_array (coverage, "payor"), 0)));
  insurance = json_array_new ();
  entry = json_object_new ();
  json_object_set_boolean_member (entry, "focal", TRUE);
  json_object_set_member (entry, "coverage", reference_node ("Coverage", coverage_id));
  json_array_add_object_element (insurance, entry);
  json_object_set_array_member (request, "insurance", insurance);

  return g_steal_pointer (&request);
}

static gboolean
points_at (JsonObject *reference,
           const char *type,
           const char *id)
{
  return g_strcmp0 (fd_fhir_reference_id (reference, type), id) == 0;
}

static gboolean
is_final_outcome (const char *outcome)
{
  return g_strcmp0 (outcome, "complete") == 0 || g_strcmp0 (outcome, "partial") == 0 ||
         g_strcmp0 (outcome, "error") == 0;
}

/* The co-pay among the benefits the payer listed */
static gboolean
find_copay (JsonObject *response,
            FdMoney    *out)
{
  JsonArray *insurance = fd_fhir_get_array (response, "insurance");

  for (guint i = 0; insurance && i < json_array_get_length (insurance); i++)
    {
      JsonArray *items = fd_fhir_get_array (fd_fhir_array_object (insurance, i), "item");

      for (guint j = 0; items && j < json_array_get_length (items); j++)
        {
          JsonArray *benefits = fd_fhir_get_array (fd_fhir_array_object (items, j), "benefit");

          for (guint k = 0; benefits && k < json_array_get_length (benefits); k++)
            {
              JsonObject *benefit = fd_fhir_array_object (benefits, k);

              if (fd_fhir_coding_has (fd_fhir_get_object (benefit, "type"), NULL, "copay") &&
                  fd_fhir_money (fd_fhir_get_object (benefit, "allowedMoney"), out) &&
                  out->cents >= 0)
                return TRUE;
            }
        }
    }

  fd_money_init (out, 0, NULL);
  return FALSE;
}

/* What the payer's words say for the desk: the first error's text or code */
static const char *
error_text (JsonObject *response)
{
  JsonObject *code = fd_fhir_get_object (fd_fhir_array_object (fd_fhir_get_array (response, "error"), 0), "code");

  if (fd_fhir_get_string (code, "text") != NULL)
    return fd_fhir_get_string (code, "text");
  return fd_fhir_first_code (code);
}

static GDateTime *
answered_at (JsonObject *response)
{
  const char *candidates[] = {
    fd_fhir_get_string (response, "created"),
    fd_fhir_get_string (fd_fhir_get_object (response, "meta"), "lastUpdated"),
  };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      GDateTime *when = candidates[i] ? g_date_time_new_from_iso8601 (candidates[i], NULL) : NULL;

      if (when != NULL)
        return when;
    }
  return NULL;
}

/* The desk's reading of a payer's answer; %NULL when it is not a usable one */
static FdEligibilityResult *
result_from_response (JsonObject *response,
                      const char *request_id)
{
  g_autoptr(FdEligibilityResult) result = NULL;
  const char *outcome = fd_fhir_get_string (response, "outcome");
  JsonObject *insurance = fd_fhir_array_object (fd_fhir_get_array (response, "insurance"), 0);
  JsonNode *inforce = insurance ? json_object_get_member (insurance, "inforce") : NULL;
  g_autoptr(GDateTime) when = answered_at (response);

  if (g_strcmp0 (fd_fhir_get_string (response, "resourceType"), "CoverageEligibilityResponse") != 0 ||
      !is_final_outcome (outcome) || when == NULL)
    return NULL;

  if (g_str_equal (outcome, "error"))
    {
      const char *why = error_text (response);

      result = result_new (FD_ELIGIBILITY_ERROR, request_id,
                           why ? g_strdup_printf (_("Not verified — the payer could not check this coverage (%s)"), why)
                               : g_strdup (_("Not verified — the payer could not check this coverage")));
    }
  else
    {
      /* "complete" must say whether the policy is in force */
      if (inforce == NULL || !JSON_NODE_HOLDS_VALUE (inforce) ||
          json_node_get_value_type (inforce) != G_TYPE_BOOLEAN)
        return NULL;
      if (json_node_get_boolean (inforce))
        result = result_new (FD_ELIGIBILITY_ACTIVE, request_id, NULL);
      else
        result = result_new (FD_ELIGIBILITY_INACTIVE, request_id,
                             g_strdup (_("Not active — the payer says this coverage is not in force")));
      result->has_copay = find_copay (response, &result->copay);
    }

  result->checked_at = g_steal_pointer (&when);
  result->disposition = g_strdup (fd_fhir_get_string (response, "disposition"));
  return g_steal_pointer (&result);
}

/* Worker */

/* Waits @ms unless cancelled; %FALSE when cancelled */
static gboolean
nap (guint         ms,
     GCancellable *cancellable)
{
  for (guint slept = 0; slept < ms; slept += SLEEP_SLICE_MS)
    {
      if (g_cancellable_is_cancelled (cancellable))
        return FALSE;
      g_usleep (MIN (SLEEP_SLICE_MS, ms - slept) * 1000);
    }
  return !g_cancellable_is_cancelled (cancellable);
}

static void
set_client_timeout (Check  *check,
                    gint64  deadline)
{
  gint64 left = deadline - g_get_monotonic_time ();

  fd_fhir_client_set_timeout (check->client, (guint) MAX (1, (left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC));
}

/* One look for the answer: %TRUE with check->response set when a final one
 * is there, %TRUE without it when not yet; %FALSE when the search answer is
 * unusable (check->outcome says how) or the check was cancelled */
static gboolean
look_for_answer (Check         *check,
                 const char    *path,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) bundle = NULL;
  JsonArray *entries;

  bundle = fd_fhir_client_get (check->client, path, cancellable, &local_error);
  if (bundle == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (g_error_matches (local_error, FD_SYNC_ERROR, FD_SYNC_ERROR_MALFORMED))
        {
          check->outcome = CHECK_MALFORMED;
          return FALSE;
        }
      /* A passing failure: ask again until the time is up */
      g_debug ("Looking for the answer to CoverageEligibilityRequest/%s failed (error %d)",
               check->request_id, local_error->code);
      return TRUE;
    }

  if (g_strcmp0 (fd_fhir_get_string (bundle, "resourceType"), "Bundle") != 0)
    {
      check->outcome = CHECK_MALFORMED;
      return FALSE;
    }

  entries = fd_fhir_get_array (bundle, "entry");
  for (guint i = 0; entries && i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = fd_fhir_array_object (entries, i);
      JsonObject *resource = fd_fhir_get_object (entry, "resource");

      if (g_strcmp0 (fd_fhir_get_string (fd_fhir_get_object (entry, "search"), "mode"), "outcome") == 0)
        continue;
      if (g_strcmp0 (fd_fhir_get_string (resource, "resourceType"), "CoverageEligibilityResponse") != 0 ||
          !fd_fhir_check_resource (resource, NULL))
        {
          check->outcome = CHECK_MALFORMED;
          return FALSE;
        }
      /* A server that ignores the search parameter sends every answer */
      if (!points_at (fd_fhir_get_object (resource, "request"), "CoverageEligibilityRequest", check->request_id))
        continue;
      /* "queued": the payer took the question and will answer later */
      if (g_strcmp0 (fd_fhir_get_string (resource, "outcome"), "queued") == 0)
        continue;
      if (!is_final_outcome (fd_fhir_get_string (resource, "outcome")))
        {
          check->outcome = CHECK_MALFORMED;
          return FALSE;
        }
      g_clear_pointer (&check->response, json_object_unref);
      check->response = json_object_ref (resource);
      return TRUE;
    }

  return TRUE;
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Check *check = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *escaped = NULL;
  gint64 started = g_get_monotonic_time ();
  gint64 deadline = started + (gint64) check->timeout_seconds * G_USEC_PER_SEC;
  JsonObject *stored;

  set_client_timeout (check, deadline);
  stored = fd_fhir_client_put (check->client, check->request, NULL, cancellable, &error);
  if (stored == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (g_error_matches (error, FD_SYNC_ERROR, FD_SYNC_ERROR_MALFORMED))
        check->outcome = CHECK_MALFORMED;
      else if (g_error_matches (error, FD_SYNC_ERROR, FD_SYNC_ERROR_REJECTED))
        check->outcome = CHECK_REFUSED;
      else
        {
          check->outcome = CHECK_NOT_SENT;
          check->timed_out = g_error_matches (error, FD_SYNC_ERROR, FD_SYNC_ERROR_NETWORK) &&
                             g_get_monotonic_time () >= deadline - G_USEC_PER_SEC / 2;
        }
      check->send_error = g_steal_pointer (&error);
      g_task_return_boolean (task, TRUE);
      return;
    }
  check->stored_request = stored;

  /* An answer that is not the request with a version leaves it unclear what the server holds */
  if (g_strcmp0 (fd_fhir_get_string (stored, "resourceType"), "CoverageEligibilityRequest") != 0 ||
      g_strcmp0 (fd_fhir_get_string (stored, "id"), check->request_id) != 0 ||
      fd_fhir_get_string (fd_fhir_get_object (stored, "meta"), "versionId") == NULL)
    {
      check->outcome = CHECK_MALFORMED;
      g_task_return_boolean (task, TRUE);
      return;
    }

  escaped = g_uri_escape_string (check->request_id, NULL, FALSE);
  path = g_strdup_printf ("CoverageEligibilityResponse?request=CoverageEligibilityRequest/%s", escaped);
  check->outcome = CHECK_NO_ANSWER;
  while (g_get_monotonic_time () < deadline)
    {
      gint64 left;

      set_client_timeout (check, deadline);
      if (!look_for_answer (check, path, cancellable, &error))
        break;
      if (check->response != NULL)
        {
          check->outcome = CHECK_ANSWERED;
          break;
        }
      left = (deadline - g_get_monotonic_time ()) / 1000;
      if (left <= 0 || !nap ((guint) MIN (left, POLL_INTERVAL_MS), cancellable))
        break;
    }

  if (error == NULL)
    g_cancellable_set_error_if_cancelled (cancellable, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Back on the calling thread */

static gboolean
store_server_copies (Check       *check,
                     JsonObject  *response,
                     GError     **error)
{
  if (!fd_store_begin (check->store, error))
    return FALSE;
  if (!fd_store_put (check->store, check->stored_request, FD_STORE_ORIGIN_SERVER, error) ||
      (response != NULL && !fd_store_put (check->store, response, FD_STORE_ORIGIN_SERVER, error)))
    {
      fd_store_rollback (check->store);
      return FALSE;
    }
  return fd_store_commit (check->store, error);
}

static char *
not_sent_message (Check *check)
{
  if (check->timed_out)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Not verified — the clinic server did not answer within %u second",
                                         "Not verified — the clinic server did not answer within %u seconds",
                                         check->timeout_seconds),
                            check->timeout_seconds);
  if (g_error_matches (check->send_error, FD_SYNC_ERROR, FD_SYNC_ERROR_SERVER) ||
      g_error_matches (check->send_error, FD_SYNC_ERROR, FD_SYNC_ERROR_NOT_FOUND) ||
      g_error_matches (check->send_error, FD_SYNC_ERROR, FD_SYNC_ERROR_CONFLICT))
    return g_strdup (_("Not verified — the server answered with an error"));
  if (g_error_matches (check->send_error, FD_SYNC_ERROR, FD_SYNC_ERROR_UNAUTHORIZED))
    return g_strdup (_("Not verified — the clinic server refused the station’s credentials"));
  return g_strdup (_("Not verified — the clinic server cannot be reached"));
}

/* Keeps the request in the outbox: the sync sends it when the server is back */
static FdEligibilityResult *
queue_request (Check *check,
               char  *message)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *owned = message;

  if (!fd_store_put (check->store, check->request, FD_STORE_ORIGIN_LOCAL, &error))
    {
      g_warning ("Cannot queue CoverageEligibilityRequest/%s: %s", check->request_id, error->message);
      return not_verified (check->request_id, FALSE,
                           g_strdup (_("Not verified — the check could not be saved on this station")));
    }
  g_debug ("Queued CoverageEligibilityRequest/%s for Coverage/%s", check->request_id, check->coverage_id);
  return not_verified (check->request_id, TRUE, g_steal_pointer (&owned));
}

static FdEligibilityResult *
settle (Check *check)
{
  g_autoptr(GError) error = NULL;
  FdEligibilityResult *result = NULL;

  switch (check->outcome)
    {
    case CHECK_ANSWERED:
      result = result_from_response (check->response, check->request_id);
      if (result == NULL)
        {
          g_debug ("Unusable answer to CoverageEligibilityRequest/%s", check->request_id);
          return not_verified (check->request_id, FALSE,
                               g_strdup (_("Not verified — the answer from the server could not be read")));
        }
      if (!store_server_copies (check, check->response, &error))
        g_warning ("Cannot keep the answer to CoverageEligibilityRequest/%s: %s",
                   check->request_id, error->message);
      g_debug ("CoverageEligibilityRequest/%s answered (state %d)", check->request_id, result->state);
      return result;

    case CHECK_NO_ANSWER:
      /* The request is on the server; the answer comes with a later pull */
      if (!store_server_copies (check, NULL, &error))
        g_warning ("Cannot keep CoverageEligibilityRequest/%s: %s", check->request_id, error->message);
      return not_verified (check->request_id, TRUE, payer_too_slow_message (check->timeout_seconds));

    case CHECK_NOT_SENT:
      return queue_request (check, not_sent_message (check));

    case CHECK_REFUSED:
      return not_verified (check->request_id, FALSE,
                           g_strdup (_("Not verified — the server refused the eligibility request")));

    case CHECK_MALFORMED:
    default:
      g_debug ("Malformed answer while checking CoverageEligibilityRequest/%s", check->request_id);
      return not_verified (check->request_id, FALSE,
                           g_strdup (_("Not verified — the answer from the server could not be read")));
    }
}

static void
check_done_cb (GObject      *object,
               GAsyncResult *inner,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Check *check = g_task_get_task_data (G_TASK (inner));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (inner), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, settle (check), (GDestroyNotify) fd_eligibility_result_free);
}

/* Public API */

/**
 * fd_eligibility_check_async:
 * @store: the station's store (its main-thread connection)
 * @client: (nullable): the clinic server's client; %NULL when offline
 * @coverage_id: the Coverage to verify, cached in @store
 * @practitioner_id: (nullable): the provider of the visit
 * @timeout_seconds: how long to wait for the payer's answer, all told
 * @cancellable: (nullable): a cancellable
 * @callback: called on the calling thread when the check is done
 * @user_data: closure for @callback
 *
 * Writes a CoverageEligibilityRequest for the coverage (random id, sent with
 * PUT so a retry cannot duplicate it) and waits for the answer in a worker
 * thread. What comes back is cached as server records. When the request
 * cannot be sent (offline, server error, no answer in time) it is queued in
 * the outbox and the result says "not verified" with the reason; the
 * Coverage itself is never changed.
 */
void
fd_eligibility_check_async (FdStore             *store,
                            FdFhirClient        *client,
                            const char          *coverage_id,
                            const char          *practitioner_id,
                            guint                timeout_seconds,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) coverage = NULL;
  g_autoptr(Check) check = NULL;

  g_return_if_fail (FD_IS_STORE (store));
  g_return_if_fail (client == NULL || FD_IS_FHIR_CLIENT (client));
  g_return_if_fail (coverage_id != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_eligibility_check_async);

  coverage = fd_store_get (store, "Coverage", coverage_id, &error);
  if (coverage == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  check = g_new0 (Check, 1);
  check->store = g_object_ref (store);
  check->coverage_id = g_strdup (coverage_id);
  check->timeout_seconds = MAX (timeout_seconds, 1);
  check->request = build_request (store, coverage, coverage_id, practitioner_id);
  if (check->request == NULL)
    {
      g_task_return_pointer (task,
                             not_verified (NULL, FALSE, g_strdup (_("Not verified — the coverage has no payer on file"))),
                             (GDestroyNotify) fd_eligibility_result_free);
      return;
    }
  check->request_id = g_strdup (fd_fhir_get_string (check->request, "id"));

  if (client == NULL)
    {
      check->outcome = CHECK_NOT_SENT;
      g_task_return_pointer (task,
                             queue_request (check, g_strdup (_("Not verified — this station is not connected to a clinic server"))),
                             (GDestroyNotify) fd_eligibility_result_free);
      return;
    }

  check->client = fd_fhir_client_copy (client);
  inner = g_task_new (NULL, cancellable, check_done_cb, g_steal_pointer (&task));
  g_task_set_source_tag (inner, check_thread);
  g_task_set_task_data (inner, g_steal_pointer (&check), (GDestroyNotify) check_free);
  g_task_run_in_thread (inner, check_thread);
}

/**
 * fd_eligibility_check_finish:
 * @result: the #GAsyncResult
 * @error: return location for an error: only when cancelled or when the
 *   coverage is not on this station; every other failure is a result
 *
 * Returns: (transfer full) (nullable): what the desk can say about the coverage
 */
FdEligibilityResult *
fd_eligibility_check_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fd_eligibility_check_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * fd_eligibility_get_latest:
 * @store: the store
 * @coverage_id: a Coverage id
 * @error: return location for a #FD_STORE_ERROR
 *
 * The latest answer on file for the coverage, from the cache only. When a
 * newer request waits (in the outbox, or for the payer) the result says so
 * with @queued; when that is all there is, the state is "not verified".
 *
 * Returns: (transfer full) (nullable): the result, or %NULL (without an
 *   error) when the coverage was never checked
 */
FdEligibilityResult *
fd_eligibility_get_latest (FdStore     *store,
                           const char  *coverage_id,
                           GError     **error)
{
  g_autoptr(JsonObject) response = NULL;
  g_autoptr(JsonObject) waiting = NULL;
  FdEligibilityResult *result = NULL;
  const char *waiting_id;

  g_return_val_if_fail (FD_IS_STORE (store), NULL);
  g_return_val_if_fail (coverage_id != NULL, NULL);

  if (!fd_store_find_eligibility (store, coverage_id, &response, &waiting, error))
    return NULL;

  if (response != NULL)
    result = result_from_response (response, fd_fhir_reference_id (fd_fhir_get_object (response, "request"),
                                                                   "CoverageEligibilityRequest"));
  if (waiting == NULL)
    {
      if (result == NULL && response != NULL)
        result = not_verified (NULL, FALSE, g_strdup (_("Not verified — the answer from the server could not be read")));
      return result;
    }

  waiting_id = fd_fhir_get_string (waiting, "id");
  if (result == NULL)
    {
      const char *message = fd_store_has_pending_change (store, "CoverageEligibilityRequest", waiting_id)
        ? _("Not verified — the check waits to be sent to the clinic server")
        : _("Not verified — waiting for the payer’s answer");

      return not_verified (waiting_id, TRUE, g_strdup (message));
    }

  result->queued = TRUE;
  g_free (result->request_id);
  result->request_id = g_strdup (waiting_id);
  return result;
}

/**
 * fd_eligibility_result_is_from_today:
 * @result: a result
 * @tz: the clinic's time zone (fd_store_get_time_zone())
 *
 * Returns: whether the payer answered today, in @tz
 */
gboolean
fd_eligibility_result_is_from_today (const FdEligibilityResult *result,
                                     GTimeZone                 *tz)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) then = NULL;

  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (tz != NULL, FALSE);

  if (result->checked_at == NULL)
    return FALSE;
  now = g_date_time_new_now (tz);
  then = g_date_time_to_timezone (result->checked_at, tz);
  return g_date_time_get_year (now) == g_date_time_get_year (then) &&
         g_date_time_get_day_of_year (now) == g_date_time_get_day_of_year (then);
}

/**
 * fd_eligibility_result_is_verified_today:
 * @result: a result
 * @tz: the clinic's time zone
 *
 * Returns: whether the payer said today that the coverage is in force
 */
gboolean
fd_eligibility_result_is_verified_today (const FdEligibilityResult *result,
                                         GTimeZone                 *tz)
{
  g_return_val_if_fail (result != NULL, FALSE);
  return result->state == FD_ELIGIBILITY_ACTIVE && fd_eligibility_result_is_from_today (result, tz);
}

/**
 * fd_eligibility_result_dup_summary:
 * @result: a result
 * @tz: the clinic's time zone
 *
 * One line for the insurance panel: "Insurance verified today", or the
 * reason it is not.
 *
 * Returns: (transfer full): translated text
 */
char *
fd_eligibility_result_dup_summary (const FdEligibilityResult *result,
                                   GTimeZone                 *tz)
{
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *day = NULL;

  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (tz != NULL, NULL);

  if (result->state != FD_ELIGIBILITY_ACTIVE)
    return g_strdup (result->message ? result->message : _("Not verified"));

  if (fd_eligibility_result_is_from_today (result, tz))
    return g_strdup (_("Insurance verified today"));

  local = g_date_time_to_timezone (result->checked_at, tz);
  day = g_date_time_format (local, "%x");
  if (result->queued)
    /* Translators: %s is the date of the last answer */
    return g_strdup_printf (_("Insurance verified on %s; a new check waits for an answer"), day);
  /* Translators: %s is a date */
  return g_strdup_printf (_("Insurance verified on %s"), day);
}

/**
 * fd_eligibility_result_free:
 * @result: (nullable): a result
 */
void
fd_eligibility_result_free (FdEligibilityResult *result)
{
  if (result == NULL)
    return;
  g_free (result->message);
  g_clear_pointer (&result->checked_at, g_date_time_unref);
  g_free (result->request_id);
  g_free (result->disposition);
  g_free (result);
}
