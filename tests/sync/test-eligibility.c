/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Insurance eligibility against the real FHIR server and its simulated payer:
 * the desk learns whether a coverage is in force, or says plainly why not,
 * keeps the check for later when it cannot be made, and never loses or
 * changes the coverage. */
#include <locale.h>
#include <string.h>

#include <libsoup/soup.h>

#include "fd-eligibility.h"
#include "fd-fhir.h"
#include "fd-store-eligibility.h"
#include "fd-sync-engine.h"
#include "fd-test-util.h"

static GSubprocess *server;
static GSubprocess *proxy;
static char *server_url;
static char *proxy_url;
static char *work_dir;
static char *patient_id;
static char *payer_id;

/* Helpers */

static void
set_payer (const char *settings)
{
  fd_test_set_payer (server_url, settings);
}

/* The payer answers quickly in tests; its default is a realistic 700 ms */
static void
reset_payer (void)
{
  set_payer (NULL);
  set_payer ("{\"delay_ms\": 150}");
}

static FdFhirClient *
client_for (const char *url)
{
  g_autoptr(GError) error = NULL;
  FdFhirClient *client = fd_fhir_client_new (url, &error);

  g_assert_no_error (error);
  fd_fhir_client_set_timeout (client, 5);
  return client;
}

/* A desk that has downloaded the clinic through the proxy */
static FdStore *
synced_store (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (work_dir, name, "frontdesk.db", NULL);
  g_autoptr(FdStore) store = fd_store_open (path, &error);
  g_autoptr(FdFhirClient) client = client_for (proxy_url);
  g_autoptr(FdSyncEngine) engine = fd_sync_engine_new (store, client);
  FdSyncStats stats;

  g_assert_no_error (error);
  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

static char *
first_id (const char *search)
{
  g_autoptr(JsonObject) bundle = fd_test_get_from_server (server_url, search);
  JsonObject *entry;

  g_assert_nonnull (bundle);
  entry = fd_fhir_array_object (fd_fhir_get_array (bundle, "entry"), 0);
  g_assert_nonnull (entry);
  return g_strdup (fd_fhir_get_string (fd_fhir_get_object (entry, "resource"), "id"));
}

/* Coverage/@id on the server for the test patient, with a co-pay of @copay dollars */
static void
make_coverage (const char *id,
               const char *subscriber_id,
               const char *payer,
               guint       copay)
{
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\":\"Coverage\",\"id\":\"%s\",\"status\":\"active\",\"subscriberId\":\"%s\","
    "\"beneficiary\":{\"reference\":\"Patient/%s\"},"
    "\"payor\":[{\"reference\":\"Organization/%s\"}],"
    "\"costToBeneficiary\":[{\"type\":{\"coding\":[{\"system\":"
    "\"http://terminology.hl7.org/CodeSystem/coverage-copay-type\",\"code\":\"copay\"}]},"
    "\"valueMoney\":{\"value\":%u,\"currency\":\"USD\"}}]}",
    id, subscriber_id, patient_id, payer, copay);
  g_autoptr(JsonObject) coverage = fd_fhir_parse (json, -1, NULL);
  g_autofree char *version = NULL;

  g_assert_nonnull (coverage);
  version = fd_test_put_on_server (server_url, coverage, NULL);
  g_assert_cmpstr (version, ==, "1");
}

static void
got_result_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static FdEligibilityResult *
check (FdStore      *store,
       FdFhirClient *client,
       const char   *coverage_id,
       const char   *practitioner_id,
       guint         timeout_seconds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) async = NULL;
  FdEligibilityResult *result;

  fd_eligibility_check_async (store, client, coverage_id, practitioner_id, timeout_seconds,
                              NULL, got_result_cb, &async);
  while (async == NULL)
    g_main_context_iteration (NULL, TRUE);
  result = fd_eligibility_check_finish (async, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static char *
coverage_snapshot (FdStore    *store,
                   const char *coverage_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) coverage = fd_store_get (store, "Coverage", coverage_id, &error);

  g_assert_no_error (error);
  return fd_fhir_to_string (coverage);
}

/* The coverage the desk shows is the one it had: same content, same version, no change queued */
static void
assert_coverage_unchanged (FdStore    *store,
                           const char *coverage_id,
                           const char *before)
{
  g_autofree char *after = coverage_snapshot (store, coverage_id);
  g_autofree char *version = fd_store_get_version (store, "Coverage", coverage_id);

  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (version, ==, "1");
  g_assert_false (fd_store_has_pending_change (store, "Coverage", coverage_id));
}

static gboolean
in_cache (FdStore    *store,
          const char *type,
          const char *id)
{
  g_autoptr(JsonObject) resource = fd_store_get (store, type, id, NULL);

  return resource != NULL;
}

static guint
outbox_requests (FdStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = fd_store_list_outbox (store, TRUE, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      FdOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (g_str_equal (entry->type, "CoverageEligibilityRequest"))
        n++;
    }
  return n;
}

static FdEligibilityResult *
latest (FdStore    *store,
        const char *coverage_id)
{
  g_autoptr(GError) error = NULL;
  FdEligibilityResult *result = fd_eligibility_get_latest (store, coverage_id, &error);

  g_assert_no_error (error);
  return result;
}

/* Waits (up to 10 s) until the server holds the payer's answer to @request_id */
static void
wait_for_answer_on_server (const char *request_id)
{
  g_autofree char *path = g_strdup_printf ("CoverageEligibilityResponse?request=CoverageEligibilityRequest/%s",
                                           request_id);

  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(JsonObject) bundle = fd_test_get_from_server (server_url, path);

      if (bundle != NULL && fd_fhir_get_array (bundle, "entry") != NULL)
        return;
      g_usleep (100 * 1000);
    }
  g_assert_not_reached ();
}

/* The request the desk wrote, as the server holds it */
static JsonObject *
request_on_server (const char *request_id)
{
  g_autofree char *path = g_strdup_printf ("CoverageEligibilityRequest/%s", request_id);

  return fd_test_get_from_server (server_url, path);
}

/* Tests */

static void
test_active_with_copay (void)
{
  g_autoptr(FdStore) store = synced_store ("active");
  g_autoptr(FdFhirClient) client = client_for (proxy_url);
  g_autoptr(FdEligibilityResult) result = NULL;
  g_autoptr(FdEligibilityResult) cached = NULL;
  g_autoptr(JsonObject) sent = NULL;
  g_autoptr(GPtrArray) practitioners = fd_store_list_practitioners (store, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now (fd_store_get_time_zone (store));
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *before = coverage_snapshot (store, "elig-active");
  g_autofree char *summary = NULL;
  g_autofree char *provider = NULL;
  const char *practitioner_id;

  g_assert_cmpuint (practitioners->len, >, 0);
  practitioner_id = ((FdStoreRef *) g_ptr_array_index (practitioners, 0))->id;

  result = check (store, client, "elig-active", practitioner_id, 10);
  g_assert_cmpint (result->state, ==, FD_ELIGIBILITY_ACTIVE);
  g_assert_null (result->message);
  g_assert_true (result->has_copay);
  g_assert_cmpint (result->copay.cents, ==, 2500);
  g_assert_cmpstr (result->copay.currency, ==, "USD");
  g_assert_nonnull (result->checked_at);
  g_assert_false (result->queued);
  g_assert_true (fd_eligibility_result_is_verified_today (result, fd_store_get_time_zone (store)));
  summary = fd_eligibility_result_dup_summary (result, fd_store_get_time_zone (store));
  g_assert_cmpstr (summary, ==, "Insurance verified today");

  /* What went to the server: the coverage, its payer, the patient, today, the provider */
  sent = request_on_server (result->request_id);
  g_assert_nonnull (sent);
  g_assert_cmpstr (fd_fhir_get_string (sent, "status"), ==, "active");
  g_assert_cmpstr (fd_fhir_get_string (sent, "servicedDate"), ==, today);
  g_assert_cmpstr (fd_fhir_reference_id (fd_fhir_get_object (sent, "insurer"), "Organization"), ==, payer_id);
  g_assert_cmpstr (fd_fhir_reference_id (fd_fhir_get_object (sent, "patient"), "Patient"), ==, patient_id);
  provider = g_strdup (fd_fhir_reference_id (fd_fhir_get_object (sent, "provider"), "Practitioner"));
  g_assert_cmpstr (provider, ==, practitioner_id);
  g_assert_cmpstr (fd_fhir_reference_id (fd_fhir_get_object (fd_fhir_array_object (fd_fhir_get_array (sent, "insurance"), 0),
                                                             "coverage"), "Coverage"), ==, "elig-active");
  g_assert_cmpuint (json_array_get_length (fd_fhir_get_array (sent, "purpose")), ==, 2);

  /* Both records are kept as the server's, nothing waits to go up */
  g_assert_true (in_cache (store, "CoverageEligibilityRequest", result->request_id));
  g_assert_false (fd_store_has_pending_change (store, "CoverageEligibilityRequest", result->request_id));
  g_assert_cmpuint (outbox_requests (store), ==, 0);

  /* The panel, opened again later, reads the same answer from the cache */
  cached = latest (store, "elig-active");
  g_assert_nonnull (cached);
  g_assert_cmpint (cached->state, ==, FD_ELIGIBILITY_ACTIVE);
  g_assert_cmpint (cached->copay.cents, ==, 2500);
  g_assert_false (cached->queued);
  g_assert_cmpstr (cached->request_id, ==, result->request_id);
  g_assert_true (g_date_time_equal (cached->checked_at, result->checked_at));

  assert_coverage_unchanged (store, "elig-active", before);
}

static void
test_inactive (void)
{
  g_autoptr(FdStore) store = synced_store ("inactive");
  g_autoptr(FdFhirClient) client = client_for (proxy_url);
  g_autofree char *before = coverage_snapshot (store, "elig-inactive");
  g_autoptr(FdEligibilityResult) result = check (store, client, "elig-inactive", NULL, 10);
  g_autoptr(FdEligibilityResult) cached = latest (store, "elig-inactive");
  g_autofree char *summary = fd_eligibility_result_dup_summary (result, fd_store_get_time_zone (store));

  g_assert_cmpint (result->state, ==, FD_ELIGIBILITY_INACTIVE);
  g_assert_cmpstr (result->message, ==, "Not active — the payer says this coverage is not in force");
  g_assert_cmpstr (summary, ==, result->message);
  g_assert_false (result->has_copay);
  g_assert_nonnull (result->checked_at);
  g_assert_false (result->queued);
  g_assert_false (fd_eligibility_result_is_verified_today (result, fd_store_get_time_zone (store)));
  g_assert_nonnull (cached);
  g_assert_cmpint (cached->state, ==, FD_ELIGIBILITY_INACTIVE);
  assert_coverage_unchanged (store, "elig-inactive", before);
}

static void
test_payer_error (void)
{
  g_autoptr(FdStore) store = synced_store ("payer-error");
  g_autoptr(FdFhirClient) client = client_for (proxy_url);
  g_autofree char *before = coverage_snapshot (store, "elig-error");
  g_autoptr(FdEligibilityResult) result = check (store, client, "elig-error", NULL, 10);
  g_autoptr(FdEligibilityResult) cached = latest (store, "elig-error");

  g_assert_cmpint (result->state, ==, FD_ELIGIBILITY_ERROR);
  g_assert_cmpstr (result->message, ==, "Not verified — the payer could not check this coverage (payer system unavailable)");
  g_assert_false (result->queued);
  g_assert_nonnull (cached);
  g_assert_cmpint (cached->state, ==, FD_ELIGIBILITY_ERROR);
  assert_coverage_unchanged (store, "elig-error", before);
}

static void
test_unknown_payer (void)
{
  g_autoptr(FdStore) store = synced_store ("unknown-payer");
  g_autoptr(FdFhirClient) client = client_for (proxy_url);
  g_autofree char *before = coverage_snapshot (store, "elig-unknown");
  g_autoptr(FdEligibilityResult) result = check (store, client, "elig-unknown", NULL, 10);

  g_assert_cmpint (result->state, ==, FD_ELIGIBILITY_ERROR);
  g_assert_nonnull (strstr (result->message, "payer not known"));
  assert_coverage_unchanged (store, "elig-unknown", before);
}

static void
test_offline_then_sync (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = synced_store ("offline");
  g_autoptr(FdFhirClient) client = client_for (proxy_url);
  g_autoptr(FdSyncEngine) engine = fd_sync_engine_new (store, client);
  g_autofree char *before = coverage_snapshot (store, "elig-offline");
  g_autoptr(FdEligibilityResult) result = NULL;
  g_autoptr(FdEligibilityResult) waiting = NULL;
  g_autoptr(FdEligibilityResult) answered = NULL;
  g_autoptr(FdEligibilityResult) again = NULL;
  g_autoptr(FdEligibilityResult) known = NULL;
  FdSyncStats stats;

  fd_test_set_fault (proxy_url, "{\"mode\": \"refuse\"}");
  result = check (store, client, "elig-offline", NULL, 5);
  fd_test_set_fault (proxy_url, NULL);

  g_assert_cmpint (result->state, ==, FD_ELIGIBILITY_NOT_VERIFIED);
  g_assert_cmpstr (result->message, ==, "Not verified — the clinic server cannot be reached");
  g_assert_true (result->queued);
  g_assert_null (result->checked_at);
  g_assert_nonnull (result->request_id);

  /* The check waits in the outbox, and the panel says so */
  g_assert_true (fd_store_has_pending_change (store, "CoverageEligibilityRequest", result->request_id));
  g_assert_cmpuint (outbox_requests (store), ==, 1);
  g_assert_null (request_on_server (result->request_id));
  waiting = latest (store, "elig-offline");
  g_assert_nonnull (waiting);
  g_assert_cmpint (waiting->state, ==, FD_ELIGIBILITY_NOT_VERIFIED);
  g_assert_true (waiting->queued);
  g_assert_cmpstr (waiting->request_id, ==, result->request_id);
  g_assert_cmpstr (waiting->message, ==, "Not verified — the check waits to be sent to the clinic server");

  /* The server is back: the sync sends the request once, the payer answers, the pull brings it */
  g_assert_true (fd_sync_engine_push (engine, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pushed, ==, 1);
  g_assert_cmpuint (outbox_requests (store), ==, 0);
  wait_for_answer_on_server (result->request_id);
  g_assert_true (fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, &error));
  g_assert_no_error (error);

  answered = latest (store, "elig-offline");
  g_assert_nonnull (answered);
  g_assert_cmpint (answered->state, ==, FD_ELIGIBILITY_ACTIVE);
  g_assert_false (answered->queued);
  g_assert_cmpstr (answered->request_id, ==, result->request_id);
  g_assert_true (answered->has_copay);
  g_assert_cmpint (answered->copay.cents, ==, 4000);
  g_assert_true (fd_eligibility_result_is_verified_today (answered, fd_store_get_time_zone (store)));

  /* A new check that has to wait: the panel keeps the last answer and says a newer check waits */
  again = check (store, NULL, "elig-offline", NULL, 5);
  g_assert_cmpint (again->state, ==, FD_ELIGIBILITY_NOT_VERIFIED);
  g_assert_true (again->queued);
  known = latest (store, "elig-offline");
  g_assert_cmpint (known->state, ==, FD_ELIGIBILITY_ACTIVE);
  g_assert_true (known->queued);
  g_assert_cmpstr (known->request_id, ==, again->request_id);
  g_assert_true (g_date_time_equal (known->checked_at, answered->checked_at));
  assert_coverage_unchanged (store, "elig-offline", before);
}

static void
test_no_server (void)
{
  g_autoptr(FdStore) store = synced_store ("no-server");
  g_autofree char *before = coverage_snapshot (store, "elig-active");
  g_autoptr(FdEligibilityResult) result = check (store, NULL, "elig-active", NULL, 10);

  g_assert_cmpint (result->state, ==, FD_ELIGIBILITY_NOT_VERIFIED);
  g_assert_cmpstr (result->message, ==, "Not verified — this station is not connected to a clinic server");
  g_assert_true (result->queued);
  g_assert_true (fd_store_has_pending_change (store, "CoverageEligibilityRequest", result->request_id));
  assert_coverage_unchanged (store, "elig-active", before);
}

static void
test_payer_silent (void)
{
  g_autoptr(FdStore) store = synced_store ("silent");
  g_autoptr(FdFhirClient) client = client_for (proxy_url);
  g_autofree char *before = coverage_snapshot (store, "elig-silent");
  g_autoptr(FdEligibilityResult) result = NULL;
  g_autoptr(FdEligibilityResult) waiting = NULL;
  g_autofree char *version = NULL;

  set_payer ("{\"outcome\": \"silent\"}");
  result = check (store, client, "elig-silent", NULL, 2);
  reset_payer ();

  g_assert_cmpint (result->state, ==, FD_ELIGIBILITY_NOT_VERIFIED);
  g_assert_cmpstr (result->message, ==, "Not verified — the payer did not answer within 2 seconds");
  g_assert_true (result->queued);
  g_assert_null (result->checked_at);

  /* The request reached the server: it is kept as the server's, not sent again */
  version = fd_store_get_version (store, "CoverageEligibilityRequest", result->request_id);
  g_assert_cmpstr (version, ==, "1");
  g_assert_cmpuint (outbox_requests (store), ==, 0);
  waiting = latest (store, "elig-silent");
  g_assert_nonnull (waiting);
  g_assert_cmpint (waiting->state, ==, FD_ELIGIBILITY_NOT_VERIFIED);
  g_assert_true (waiting->queued);
  g_assert_cmpstr (waiting->message, ==, "Not verified — waiting for the payer’s answer");
  assert_coverage_unchanged (store, "elig-silent", before);
}

static void
test_server_error (void)
{
  g_autoptr(FdStore) store = synced_store ("server-error");
  g_autoptr(FdFhirClient) client = client_for (proxy_url);
  g_autofree char *before = coverage_snapshot (store, "elig-active");
  g_autoptr(FdEligibilityResult) result = NULL;

  fd_test_set_fault (proxy_url, "{\"mode\": \"status\", \"status\": 500, \"match\": \"CoverageEligibility\"}");
  result = check (store, client, "elig-active", NULL, 5);
  fd_test_set_fault (proxy_url, NULL);

  g_assert_cmpint (result->state, ==, FD_ELIGIBILITY_NOT_VERIFIED);
  g_assert_cmpstr (result->message, ==, "Not verified — the server answered with an error");
  g_assert_true (result->queued);
  g_assert_true (fd_store_has_pending_change (store, "CoverageEligibilityRequest", result->request_id));
  g_assert_null (request_on_server (result->request_id));
  assert_coverage_unchanged (store, "elig-active", before);
}

static void
test_server_hangs (void)
{
  g_autoptr(FdStore) store = synced_store ("server-hangs");
  g_autoptr(FdFhirClient) client = client_for (proxy_url);
  g_autofree char *before = coverage_snapshot (store, "elig-active");
  g_autoptr(FdEligibilityResult) result = NULL;

  fd_test_set_fault (proxy_url, "{\"mode\": \"hang\", \"match\": \"CoverageEligibilityRequest\"}");
  result = check (store, client, "elig-active", NULL, 2);
  fd_test_set_fault (proxy_url, NULL);

  g_assert_cmpint (result->state, ==, FD_ELIGIBILITY_NOT_VERIFIED);
  g_assert_cmpstr (result->message, ==, "Not verified — the clinic server did not answer within 2 seconds");
  g_assert_true (result->queued);
  g_assert_true (fd_store_has_pending_change (store, "CoverageEligibilityRequest", result->request_id));
  assert_coverage_unchanged (store, "elig-active", before);
}

/* A broken answer while waiting for the payer: not verified, and nothing of it kept */
static void
check_unreadable_answer (const char *name,
                         const char *coverage_id,
                         const char *fault)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = synced_store (name);
  g_autoptr(FdFhirClient) client = client_for (proxy_url);
  g_autofree char *before = coverage_snapshot (store, coverage_id);
  g_autoptr(FdEligibilityResult) result = NULL;
  g_autoptr(FdEligibilityResult) cached = NULL;
  g_autoptr(JsonObject) response = NULL;
  g_autoptr(JsonObject) request = NULL;

  fd_test_set_fault (proxy_url, fault);
  result = check (store, client, coverage_id, NULL, 5);
  fd_test_set_fault (proxy_url, NULL);

  g_assert_cmpint (result->state, ==, FD_ELIGIBILITY_NOT_VERIFIED);
  g_assert_cmpstr (result->message, ==, "Not verified — the answer from the server could not be read");
  g_assert_false (result->queued);
  g_assert_null (result->checked_at);

  g_assert_false (in_cache (store, "CoverageEligibilityRequest", result->request_id));
  g_assert_cmpuint (outbox_requests (store), ==, 0);
  g_assert_true (fd_store_find_eligibility (store, coverage_id, &response, &request, &error));
  g_assert_no_error (error);
  g_assert_null (response);
  g_assert_null (request);
  cached = latest (store, coverage_id);
  g_assert_null (cached);
  assert_coverage_unchanged (store, coverage_id, before);
}

static void
test_malformed_json (void)
{
  check_unreadable_answer ("malformed", "elig-malformed", "{\"mode\": \"malformed\", \"match\": \"CoverageEligibilityResponse\"}");
}

static void
test_wrong_type (void)
{
  check_unreadable_answer ("wrong-type", "elig-wrong-type", "{\"mode\": \"wrong-type\", \"match\": \"CoverageEligibilityResponse\"}");
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* A check the desk walks away from ends at once, and leaves the coverage as it was */
static void
test_cancelled (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = synced_store ("cancelled");
  g_autoptr(FdFhirClient) client = client_for (proxy_url);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) async = NULL;
  g_autoptr(FdEligibilityResult) result = NULL;
  g_autofree char *before = coverage_snapshot (store, "elig-silent");

  set_payer ("{\"outcome\": \"silent\"}");
  fd_eligibility_check_async (store, client, "elig-silent", NULL, 30, cancellable, got_result_cb, &async);
  g_timeout_add (300, cancel_cb, cancellable);
  while (async == NULL)
    g_main_context_iteration (NULL, TRUE);
  reset_payer ();

  result = fd_eligibility_check_finish (async, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  assert_coverage_unchanged (store, "elig-silent", before);
}

/* A coverage on file without a payer cannot be checked, and says why */
static void
test_no_payer_on_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = synced_store ("no-payer");
  g_autoptr(FdFhirClient) client = client_for (proxy_url);
  g_autofree char *json = g_strdup_printf ("{\"resourceType\":\"Coverage\",\"id\":\"elig-nopayer\",\"status\":\"active\","
                                           "\"beneficiary\":{\"reference\":\"Patient/%s\"},"
                                           "\"meta\":{\"versionId\":\"1\"}}", patient_id);
  g_autoptr(JsonObject) coverage = fd_fhir_parse (json, -1, NULL);
  g_autofree char *before = NULL;
  g_autoptr(FdEligibilityResult) result = NULL;

  g_assert_true (fd_store_put (store, coverage, FD_STORE_ORIGIN_SERVER, &error));
  g_assert_no_error (error);
  before = coverage_snapshot (store, "elig-nopayer");
  result = check (store, client, "elig-nopayer", NULL, 5);
  g_assert_cmpint (result->state, ==, FD_ELIGIBILITY_NOT_VERIFIED);
  g_assert_cmpstr (result->message, ==, "Not verified — the coverage has no payer on file");
  g_assert_false (result->queued);
  g_assert_cmpuint (outbox_requests (store), ==, 0);
  assert_coverage_unchanged (store, "elig-nopayer", before);
}

int
main (int argc, char **argv)
{
  g_autofree char *node = NULL;
  g_autofree char *unknown_payer = NULL;
  g_autoptr(JsonObject) organization = NULL;
  FdDemoOptions options;
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  node = g_find_program_in_path ("node");
  if (node == NULL)
    {
      g_test_skip ("node is not installed");
      return g_test_run ();
    }

  work_dir = fd_test_make_dir ();
  fd_demo_options_init (&options);
  options.n_patients = 30;
  options.n_days = 3;
  options.seed = 9;
  server = fd_test_start_demo_server (work_dir, &options, &server_url);
  proxy = fd_test_start_fault_proxy (server_url, &proxy_url);
  reset_payer ();

  /* Coverages whose subscriber ids decide the demo payer's answer: ending in
   * 0 is not in force, in 9 the payer's system fails, else active */
  patient_id = first_id ("Patient?_count=1");
  payer_id = first_id ("Organization?name=Bluebonnet");
  organization = fd_fhir_parse ("{\"resourceType\":\"Organization\",\"id\":\"elig-unknown-payer\","
                                "\"name\":\"Northwind Indemnity\"}", -1, NULL);
  unknown_payer = fd_test_put_on_server (server_url, organization, NULL);
  make_coverage ("elig-active", "BHP000000001", payer_id, 25);
  make_coverage ("elig-inactive", "BHP000000010", payer_id, 25);
  make_coverage ("elig-error", "BHP000000019", payer_id, 25);
  make_coverage ("elig-unknown", "NWI000000001", "elig-unknown-payer", 25);
  make_coverage ("elig-offline", "BHP000000002", payer_id, 40);
  make_coverage ("elig-silent", "BHP000000003", payer_id, 25);
  make_coverage ("elig-malformed", "BHP000000004", payer_id, 25);
  make_coverage ("elig-wrong-type", "BHP000000005", payer_id, 25);

  g_test_add_func ("/eligibility/active-with-copay", test_active_with_copay);
  g_test_add_func ("/eligibility/inactive", test_inactive);
  g_test_add_func ("/eligibility/payer-error", test_payer_error);
  g_test_add_func ("/eligibility/unknown-payer", test_unknown_payer);
  g_test_add_func ("/eligibility/offline-then-sync", test_offline_then_sync);
  g_test_add_func ("/eligibility/no-server", test_no_server);
  g_test_add_func ("/eligibility/payer-silent", test_payer_silent);
  g_test_add_func ("/eligibility/server-error", test_server_error);
  g_test_add_func ("/eligibility/server-hangs", test_server_hangs);
  g_test_add_func ("/eligibility/malformed-json", test_malformed_json);
  g_test_add_func ("/eligibility/wrong-type", test_wrong_type);
  g_test_add_func ("/eligibility/no-payer-on-file", test_no_payer_on_file);
  g_test_add_func ("/eligibility/cancelled", test_cancelled);

  ret = g_test_run ();

  fd_test_stop_fhir_server (g_steal_pointer (&proxy));
  fd_test_stop_fhir_server (g_steal_pointer (&server));
  g_free (server_url);
  g_free (proxy_url);
  g_free (patient_id);
  g_free (payer_id);
  fd_test_remove_dir (work_dir);
  g_free (work_dir);
  return ret;
}
