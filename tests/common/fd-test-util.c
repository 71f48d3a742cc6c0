/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>

#include <libsoup/soup.h>

#include "fd-dates.h"
#include "fd-fhir.h"
#include "fd-store-ledger.h"
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

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Starts a script of tests/fhir-server on a free port with @args after
 * --port; returns the process and sets @url to the FHIR base it prints */
static GSubprocess *
start_node (const char         *script_name,
            const char * const *args,
            char              **url)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "fhir-server", script_name, NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *line = NULL;
  GSubprocess *server;

  g_ptr_array_add (argv, (char *) "node");
  g_ptr_array_add (argv, script);
  g_ptr_array_add (argv, (char *) "--port");
  g_ptr_array_add (argv, (char *) "0");
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  /* A failed assertion must not leave the server running */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  /* The server prints one line once it listens */
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening "));
  *url = g_strdup (line + strlen ("listening "));

  return server;
}

/* Starts tests/fhir-server on a free port, loaded with @bundle_path (or
 * empty), with @args added to its command line (such as "--auth",
 * "basic:desk:pw"); returns the process and sets @url to its FHIR base */
GSubprocess *
fd_test_start_fhir_server_with_args (const char         *bundle_path,
                                     const char * const *args,
                                     char              **url)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) all = NULL;

  if (bundle_path != NULL)
    {
      g_strv_builder_add (builder, "--load");
      g_strv_builder_add (builder, bundle_path);
    }
  if (args != NULL)
    g_strv_builder_addv (builder, (const char **) args);
  all = g_strv_builder_end (builder);
  return start_node ("server.js", (const char * const *) all, url);
}

GSubprocess *
fd_test_start_fhir_server (const char  *bundle_path,
                           char       **url)
{
  return fd_test_start_fhir_server_with_args (bundle_path, NULL, url);
}

/* tests/fhir-server/fault-proxy.js in front of @target_url */
GSubprocess *
fd_test_start_fault_proxy (const char  *target_url,
                           char       **url)
{
  const char *args[] = { "--target", target_url, NULL };

  return start_node ("fault-proxy.js", args, url);
}

/* POST @body to a test server's control path beside /fhir, or DELETE it when NULL */
static void
control (const char *fhir_url,
         const char *path,
         const char *body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *origin = g_strndup (fhir_url, strstr (fhir_url, "/fhir") - fhir_url);
  g_autofree char *url = g_strconcat (origin, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (body ? "POST" : "DELETE", url);
  g_autoptr(GBytes) answer = NULL;

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
}

/* Sets the proxy's fault, a JSON rule such as {"mode": "status", "status": 503};
 * NULL goes back to passing everything through */
void
fd_test_set_fault (const char *proxy_url,
                   const char *rule)
{
  control (proxy_url, "/_fault", rule);
}

/* Steers the simulated payer beside the test server, such as
 * {"delay_ms": 150, "outcome": "inactive"}; NULL goes back to its defaults */
void
fd_test_set_payer (const char *server_url,
                   const char *settings)
{
  control (server_url, "/_payer", settings);
}

/* Steers the authentication of a server started with --auth, such as
 * {"revoke": true}; returns what /_auth then says */
JsonObject *
fd_test_auth_control (const char *server_url,
                      const char *body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *origin = g_strndup (server_url, strstr (server_url, "/fhir") - server_url);
  g_autofree char *url = g_strconcat (origin, "/_auth", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (body ? "POST" : "GET", url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL), (gssize) g_bytes_get_size (answer), &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

void
fd_test_stop_fhir_server (GSubprocess *server)
{
  if (server == NULL)
    return;
  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  g_object_unref (server);
}

/* A PUT straight to the server, as another desk would make it; returns the
 * server's version */
char *
fd_test_put_on_server (const char *server_url,
                       JsonObject *resource,
                       const char *if_match)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("%s/%s/%s", server_url,
                                          fd_fhir_get_string (resource, "resourceType"),
                                          fd_fhir_get_string (resource, "id"));
  g_autofree char *json = fd_fhir_to_string (resource);
  g_autoptr(SoupMessage) msg = soup_message_new ("PUT", url);
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonObject) stored = NULL;

  if (if_match != NULL)
    {
      g_autofree char *etag = g_strdup_printf ("W/\"%s\"", if_match);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "If-Match", etag);
    }
  soup_message_set_request_body_from_bytes (msg, "application/fhir+json", body);
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), <, 300);
  stored = fd_fhir_parse (g_bytes_get_data (answer, NULL), (gssize) g_bytes_get_size (answer), &error);
  g_assert_no_error (error);
  return g_strdup (fd_fhir_get_string (fd_fhir_get_object (stored, "meta"), "versionId"));
}

/* A GET straight from the server; NULL when it answers with an error */
JsonObject *
fd_test_get_from_server (const char *server_url,
                         const char *path)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("%s/%s", server_url, path);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) answer = soup_session_send_and_read (session, msg, NULL, &error);

  g_assert_no_error (error);
  if (soup_message_get_status (msg) >= 300)
    return NULL;
  return fd_fhir_parse (g_bytes_get_data (answer, NULL), (gssize) g_bytes_get_size (answer), NULL);
}

/* Whether the station caches @type/@id exactly as the server holds it */
gboolean
fd_test_cached_as_on_server (FdStore    *store,
                             const char *server_url,
                             const char *type,
                             const char *id)
{
  g_autofree char *path = g_strdup_printf ("%s/%s", type, id);
  g_autoptr(JsonObject) remote = fd_test_get_from_server (server_url, path);
  g_autoptr(JsonObject) cached = fd_store_get (store, type, id, NULL);
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;

  if (remote == NULL || cached == NULL)
    return FALSE;
  a = json_node_init_object (json_node_alloc (), remote);
  b = json_node_init_object (json_node_alloc (), cached);
  return json_node_equal (a, b);
}

/* Saves @patient at the desk with a gender no FHIR server takes: the
 * server's validation refuses the change */
void
fd_test_spoil_patient (FdStore    *store,
                       JsonObject *patient)
{
  g_autoptr(GError) error = NULL;

  json_object_set_int_member (patient, "gender", 5);
  g_assert_true (fd_store_put (store, patient, FD_STORE_ORIGIN_LOCAL, &error));
  g_assert_no_error (error);
}

/* A cash payment of @cents taken at station TEST1, in a drawer opened for
 * it if none is; returns the PaymentReconciliation's id */
char *
fd_test_take_payment (FdStore    *store,
                      const char *patient_id,
                      gint64      cents)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *receipt = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  FdPaymentLine cash = { FD_PAYMENT_METHOD_CASH, cents, cents };
  FdPaymentRequest request = { 0 };
  gint64 session = 0;

  if (!fd_ledger_drawer_current (store, "TEST1", &session, NULL) || session == 0)
    g_assert_true (fd_ledger_drawer_open (store, "TEST1", "Cashier T", 10000, NULL, &session, &error));
  g_assert_no_error (error);

  request.patient_id = patient_id;
  request.station = "TEST1";
  request.cashier = "Cashier T";
  request.amount_cents = cents;
  request.lines = &cash;
  request.n_lines = 1;
  request.mode = FD_APPLY_OLDEST_FIRST;
  request.keep_excess_as_credit = TRUE;
  g_assert_true (fd_ledger_post_payment (store, &request, &receipt, &error));
  g_assert_no_error (error);

  /* The newest PaymentReconciliation waiting to go up is this one */
  outbox = fd_store_list_outbox (store, TRUE, &error);
  for (guint i = outbox->len; i > 0; i--)
    {
      FdOutboxEntry *entry = g_ptr_array_index (outbox, i - 1);

      if (g_str_equal (entry->type, "PaymentReconciliation"))
        return g_strdup (entry->id);
    }
  g_assert_not_reached ();
}

/* Writes the demo clinic of @options as a Bundle in @dir and starts the FHIR
 * server loaded with it */
GSubprocess *
fd_test_start_demo_server (const char          *dir,
                           const FdDemoOptions *options,
                           char               **url)
{
  return fd_test_start_demo_server_with_args (dir, options, NULL, url);
}

/* The demo clinic of @options on a server started with @args added */
GSubprocess *
fd_test_start_demo_server_with_args (const char          *dir,
                                     const FdDemoOptions *options,
                                     const char * const  *args,
                                     char               **url)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bundle = g_build_filename (dir, "clinic.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (bundle);
  g_autoptr(GFileOutputStream) out = NULL;

  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fd_demo_clinic_write_bundle (options, G_OUTPUT_STREAM (out), &error));
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error));
  return fd_test_start_fhir_server_with_args (bundle, args, url);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* The @p-th quantile (0..1) of timing samples in a GArray of double; sorts them */
double
fd_test_percentile (GArray *samples,
                    double  p)
{
  guint index;

  g_array_sort (samples, compare_doubles);
  index = (guint) (p * (samples->len - 1) + 0.5);
  return g_array_index (samples, double, index);
}

/* What a pull of the station's working set brings from a demo clinic */

typedef struct
{
  GPtrArray  *resources;
  GHashTable *patients;   /* in the working set */
  GDate       first;
  GDate       last;
} WorkingSet;

static const char *
patient_in (JsonNode *node)
{
  JsonObject *reference;
  const char *text;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  reference = json_node_get_object (node);
  text = fd_fhir_get_string (reference, "reference");
  return text != NULL && g_str_has_prefix (text, "Patient/") ? text + strlen ("Patient/") : NULL;
}

static gboolean
collect_cb (JsonObject  *resource,
            gpointer     user_data,
            GError     **error)
{
  WorkingSet *set = user_data;
  const char *start = fd_fhir_get_string (resource, "start");

  g_ptr_array_add (set->resources, json_object_ref (resource));
  if (g_str_equal (fd_fhir_get_string (resource, "resourceType"), "Appointment") && start != NULL)
    {
      g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
      g_autoptr(GDateTime) when = fd_date_time_parse (start, tz);
      JsonArray *participants = fd_fhir_get_array (resource, "participant");
      GDate day;

      fd_date_from_date_time (&day, when);
      if (g_date_compare (&day, &set->first) < 0 || g_date_compare (&day, &set->last) > 0)
        return TRUE;
      for (guint i = 0; participants && i < json_array_get_length (participants); i++)
        {
          const char *id = patient_in (json_object_get_member (fd_fhir_array_object (participants, i), "actor"));

          if (id != NULL)
            g_hash_table_add (set->patients, g_strdup (id));
        }
    }
  return TRUE;
}

static gboolean
names_listed_patient (JsonObject *resource,
                      const char *element,
                      GHashTable *patients)
{
  JsonNode *node = json_object_get_member (resource, element);

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *id = patient_in (json_array_get_element (array, i));

          if (id != NULL && g_hash_table_contains (patients, id))
            return TRUE;
        }
      return FALSE;
    }
  return patient_in (node) != NULL && g_hash_table_contains (patients, patient_in (node));
}

/**
 * fd_test_demo_working_set:
 * @options: the demo clinic on the server
 * @first: the first day of the station's appointment window
 * @last: its last day
 * @total: (out) (optional): how many resources in all
 *
 * Counts, from the generator, what the station's pull brings: reference
 * data and payments whole, the appointments whose local day lies in the
 * window, the patients they name and those patients' records.
 *
 * Returns: (transfer full): resource type -> count (GUINT_TO_POINTER)
 */
GHashTable *
fd_test_demo_working_set (const FdDemoOptions *options,
                          const GDate         *first,
                          const GDate         *last,
                          guint               *total)
{
  static const char * const elements[][2] = {
    { "Coverage", "beneficiary" }, { "CoverageEligibilityRequest", "patient" },
    { "CoverageEligibilityResponse", "patient" }, { "Account", "subject" },
    { "Encounter", "subject" }, { "QuestionnaireResponse", "subject" },
    { "Consent", "patient" }, { "Invoice", "subject" },
  };
  g_autoptr(GError) error = NULL;
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  WorkingSet set = { 0 };
  guint n = 0;

  set.resources = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  set.patients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  set.first = *first;
  set.last = *last;
  g_assert_true (fd_demo_clinic_generate (options, collect_cb, &set, &error));

  /* Whoever answers for an account of the set is in it too */
  {
    g_autoptr(GPtrArray) guarantors = g_ptr_array_new ();

    for (guint i = 0; i < set.resources->len; i++)
      {
        JsonObject *resource = g_ptr_array_index (set.resources, i);
        JsonObject *party = fd_fhir_get_object (fd_fhir_array_object (fd_fhir_get_array (resource, "guarantor"), 0), "party");
        const char *reference = fd_fhir_get_string (party, "reference");

        if (g_strcmp0 (fd_fhir_get_string (resource, "resourceType"), "Account") == 0 &&
            names_listed_patient (resource, "subject", set.patients) &&
            reference != NULL && g_str_has_prefix (reference, "Patient/"))
          g_ptr_array_add (guarantors, (gpointer) (reference + strlen ("Patient/")));
      }
    for (guint i = 0; i < guarantors->len; i++)
      g_hash_table_add (set.patients, g_strdup (g_ptr_array_index (guarantors, i)));
  }

  for (guint i = 0; i < set.resources->len; i++)
    {
      JsonObject *resource = g_ptr_array_index (set.resources, i);
      const char *type = fd_fhir_get_string (resource, "resourceType");
      gboolean wanted = FALSE;
      gboolean scoped = FALSE;

      for (guint e = 0; e < G_N_ELEMENTS (elements); e++)
        if (g_str_equal (type, elements[e][0]))
          {
            scoped = TRUE;
            wanted = names_listed_patient (resource, elements[e][1], set.patients);
          }
      if (g_str_equal (type, "Patient"))
        wanted = g_hash_table_contains (set.patients, fd_fhir_get_string (resource, "id"));
      else if (g_str_equal (type, "Appointment"))
        {
          const char *start = fd_fhir_get_string (resource, "start");
          g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
          g_autoptr(GDateTime) when = start ? fd_date_time_parse (start, tz) : NULL;
          GDate day;

          if (when != NULL)
            {
              fd_date_from_date_time (&day, when);
              wanted = g_date_compare (&day, first) >= 0 && g_date_compare (&day, last) <= 0;
            }
        }
      else if (!scoped)
        wanted = TRUE;

      if (wanted)
        {
          g_hash_table_replace (counts, g_strdup (type),
                                GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, type)) + 1));
          n++;
        }
    }

  g_ptr_array_unref (set.resources);
  g_hash_table_unref (set.patients);
  if (total != NULL)
    *total = n;
  return counts;
}

/**
 * fd_test_default_window:
 * @today: (nullable): the day the window is centred on; %NULL for today
 * @first: (out caller-allocates): 7 days before
 * @last: (out caller-allocates): 30 days after
 *
 * The station's default appointment window.
 */
void
fd_test_default_window (const GDate *today,
                        GDate       *first,
                        GDate       *last)
{
  GDate day;

  if (today != NULL)
    day = *today;
  else
    {
      g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
      fd_date_set_today (&day, tz);
    }
  *first = day;
  g_date_subtract_days (first, 7);
  *last = day;
  g_date_add_days (last, 30);
}

/* A Secret Service of the test's own */

struct _FdTestKeyring
{
  char        *dir;
  char        *address;
  char        *saved_address;
  GSubprocess *bus;
  GSubprocess *daemon;
};

#define KEYRING_PASSWORD "frontdesk-test-keyring"

static void
stop_process (GSubprocess *process)
{
  if (process == NULL)
    return;
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
}

static gboolean
name_has_owner (GDBusConnection *bus,
                const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

/**
 * fd_test_keyring_start:
 * @error: why no Secret Service could be started, for the test to skip with
 *
 * Starts a D-Bus bus of the test's own and gnome-keyring-daemon's Secret
 * Service on it, its login keyring created and unlocked in a temporary home,
 * and points this process (and the processes it starts) at that bus. Nothing
 * touches the keyring of the person running the tests. Call before anything
 * in the process uses the session bus.
 *
 * Returns: (transfer full) (nullable): the running service
 */
FdTestKeyring *
fd_test_keyring_start (GError **error)
{
  g_autoptr(GSubprocessLauncher) bus_launcher = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *daemon_path = g_find_program_in_path ("gnome-keyring-daemon");
  g_autofree char *bus_path = g_find_program_in_path ("dbus-daemon");
  FdTestKeyring *keyring;
  const char *subdirs[] = { "home", "data", "config", "cache", "runtime" };
  const char *env_names[] = { "HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR" };
  gint64 deadline;

  if (daemon_path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "gnome-keyring-daemon is not installed (Debian package gnome-keyring)");
      return NULL;
    }
  if (bus_path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "dbus-daemon is not installed");
      return NULL;
    }

  keyring = g_new0 (FdTestKeyring, 1);
  keyring->dir = fd_test_make_dir ();
  keyring->saved_address = g_strdup (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));

  /* A bus of its own: the daemon can claim org.freedesktop.secrets even where
   * a desktop session runs one, and leaves with the test */
  listen = g_strdup_printf ("--address=unix:path=%s/bus", keyring->dir);
  bus_launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (bus_launcher, die_with_parent, NULL, NULL);
  keyring->bus = g_subprocess_launcher_spawn (bus_launcher, error, bus_path, "--session", "--nofork",
                                              "--print-address=1", listen, NULL);
  if (keyring->bus == NULL)
    goto failed;
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (keyring->bus));
  keyring->address = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, error);
  if (keyring->address == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "dbus-daemon gave no address");
      goto failed;
    }

  /* Its keyrings and sockets in a temporary home; unlocked with a password
   * on stdin, which creates the login keyring the first time */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *path = g_build_filename (keyring->dir, subdirs[i], NULL);

      g_mkdir (path, 0700);
      g_subprocess_launcher_setenv (launcher, env_names[i], path, TRUE);
    }
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", keyring->address, TRUE);
  /* Its own warnings are not the test's */
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  g_subprocess_launcher_unsetenv (launcher, "GNOME_KEYRING_CONTROL");
  keyring->daemon = g_subprocess_launcher_spawn (launcher, error, daemon_path, "--foreground", "--unlock",
                                                 "--components=secrets", NULL);
  if (keyring->daemon == NULL)
    goto failed;
  if (!g_output_stream_write_all (g_subprocess_get_stdin_pipe (keyring->daemon),
                                  KEYRING_PASSWORD, strlen (KEYRING_PASSWORD), NULL, NULL, error) ||
      !g_output_stream_close (g_subprocess_get_stdin_pipe (keyring->daemon), NULL, error))
    goto failed;

  bus = g_dbus_connection_new_for_address_sync (keyring->address,
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, NULL, error);
  if (bus == NULL)
    goto failed;
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!name_has_owner (bus, "org.freedesktop.secrets"))
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                               "gnome-keyring-daemon did not offer the Secret Service within 20 s");
          goto failed;
        }
      g_usleep (20 * 1000);
    }
  g_dbus_connection_close_sync (bus, NULL, NULL);

  g_setenv ("DBUS_SESSION_BUS_ADDRESS", keyring->address, TRUE);
  g_unsetenv ("SECRET_SERVICE_BUS_NAME");
  return keyring;

failed:
  fd_test_keyring_stop (keyring);
  return NULL;
}

/**
 * fd_test_keyring_stop:
 * @keyring: (transfer full) (nullable): the service
 *
 * Stops the daemon and its bus and removes their files; the session bus
 * address is put back as it was.
 */
void
fd_test_keyring_stop (FdTestKeyring *keyring)
{
  if (keyring == NULL)
    return;
  stop_process (keyring->daemon);
  stop_process (keyring->bus);
  g_clear_object (&keyring->daemon);
  g_clear_object (&keyring->bus);
  if (keyring->saved_address != NULL)
    g_setenv ("DBUS_SESSION_BUS_ADDRESS", keyring->saved_address, TRUE);
  else
    g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  fd_test_remove_dir (keyring->dir);
  g_free (keyring->dir);
  g_free (keyring->address);
  g_free (keyring->saved_address);
  g_free (keyring);
}
