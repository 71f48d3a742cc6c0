/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The station signs in to a real FHIR server that wants credentials: HTTP
 * Basic, a bearer token, OAuth2 client credentials; wrong ones change
 * nothing, secrets never reach the logs. */
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <locale.h>
#include <string.h>

#include "fd-credentials.h"
#include "fd-fhir.h"
#include "fd-server-capabilities.h"
#include "fd-sync-engine.h"
#include "fd-sync-service.h"
#include "fd-test-util.h"

#define USER "desk1"
#define PASSWORD "Pw-basic-7f3a9c"
#define BEARER "Tk-bearer-52e1d08b"
#define CLIENT_ID "frontdesk-station"
#define CLIENT_SECRET "Cs-oauth-9b7e44f2"
#define TOKEN_LIFETIME "4"

typedef struct
{
  GSubprocess *process;
  char        *url;
} Server;

static char *work_dir;
static const char *ctl_path;
static FdTestKeyring *keyring;
static char *keyring_missing;
static Server basic_server, bearer_server, oauth_server;
static FdDemoOptions demo;

/* Every log line the code under test writes, debug included */
static GString *captured_log;

static void
capture_log_cb (const char     *domain,
                GLogLevelFlags  level,
                const char     *message,
                gpointer        user_data)
{
  g_string_append_printf (captured_log, "%s: %s\n", domain ? domain : "", message);
}

static void
start (Server     *server,
       const char *name,
       const char *spec)
{
  const char *args[] = { "--auth", spec, "--token-lifetime", TOKEN_LIFETIME, NULL };
  g_autofree char *dir = g_build_filename (work_dir, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  server->process = fd_test_start_demo_server_with_args (dir, &demo, args, &server->url);
}

static char *
token_url (Server *server)
{
  g_autofree char *origin = g_strndup (server->url, strstr (server->url, "/fhir") - server->url);

  return g_strconcat (origin, "/oauth/token", NULL);
}

static gint64
auth_state (Server     *server,
            const char *member,
            const char *control)
{
  g_autoptr(JsonObject) state = fd_test_auth_control (server->url, control);

  return json_object_get_int_member (state, member);
}

static FdStore *
new_store (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (work_dir, name, "frontdesk.db", NULL);
  FdStore *store = fd_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

static FdFhirClient *
new_client (Server *server)
{
  g_autoptr(GError) error = NULL;
  FdFhirClient *client = fd_fhir_client_new (server->url, &error);

  g_assert_no_error (error);
  fd_fhir_client_set_timeout (client, 5);
  return client;
}

static gint64
patients_in (FdStore *store)
{
  g_autoptr(GError) error = NULL;
  FdStoreCounts counts;

  g_assert_true (fd_store_get_counts (store, &counts, &error));
  g_assert_no_error (error);
  return counts.patients;
}

static gboolean
pull (FdStore       *store,
      FdFhirClient  *client,
      GError       **error)
{
  g_autoptr(FdSyncEngine) engine = fd_sync_engine_new (store, client);
  FdSyncStats stats;

  return fd_sync_engine_pull (engine, NULL, NULL, &stats, NULL, error);
}

/* A pull with @client brings the clinic's patients */
static void
assert_pulls (FdFhirClient *client,
              const char   *name)
{
  g_autoptr(FdStore) store = new_store (name);
  g_autoptr(GError) error = NULL;

  g_assert_true (pull (store, client, &error));
  g_assert_no_error (error);
  g_assert_cmpint (patients_in (store), ==, demo.n_patients);
}

/* A pull with @client is refused with @words, and leaves the desk empty */
static void
assert_refused (FdFhirClient *client,
                const char   *name,
                gint          code,
                const char   *words)
{
  g_autoptr(FdStore) store = new_store (name);
  g_autoptr(GError) error = NULL;

  g_assert_false (pull (store, client, &error));
  g_assert_error (error, FD_SYNC_ERROR, code);
  if (strstr (error->message, words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, words);
  g_assert_cmpint (patients_in (store), ==, 0);
}

static void
test_none_refused (void)
{
  g_autoptr(FdFhirClient) client = new_client (&basic_server);

  assert_refused (client, "none", FD_SYNC_ERROR_UNAUTHORIZED, "refused the station’s credentials (HTTP 401)");
}

static void
test_basic (void)
{
  g_autoptr(FdFhirClient) good = new_client (&basic_server);
  g_autoptr(FdFhirClient) wrong = new_client (&basic_server);
  g_autoptr(FdFhirClient) copy = NULL;

  fd_fhir_client_set_basic (good, USER, PASSWORD);
  g_assert_cmpint (fd_fhir_client_get_auth_mode (good), ==, FD_AUTH_BASIC);
  assert_pulls (good, "basic-good");

  /* A worker's copy signs in the same way */
  copy = fd_fhir_client_copy (good);
  assert_pulls (copy, "basic-copy");

  fd_fhir_client_set_basic (wrong, USER, "not-the-password");
  assert_refused (wrong, "basic-wrong", FD_SYNC_ERROR_UNAUTHORIZED, "refused the station’s credentials (HTTP 401)");

  /* Going back to no credentials really sends none */
  fd_fhir_client_set_basic (good, NULL, NULL);
  g_assert_cmpint (fd_fhir_client_get_auth_mode (good), ==, FD_AUTH_NONE);
  assert_refused (good, "basic-cleared", FD_SYNC_ERROR_UNAUTHORIZED, "HTTP 401");
}

static void
test_bearer (void)
{
  g_autoptr(FdFhirClient) good = new_client (&bearer_server);
  g_autoptr(FdFhirClient) wrong = new_client (&bearer_server);

  fd_fhir_client_set_token (good, BEARER);
  assert_pulls (good, "bearer-good");

  fd_fhir_client_set_token (wrong, "Tk-somebody-else");
  assert_refused (wrong, "bearer-wrong", FD_SYNC_ERROR_UNAUTHORIZED, "refused the station’s credentials (HTTP 401)");
}

static void
test_oauth2 (void)
{
  g_autoptr(FdFhirClient) good = new_client (&oauth_server);
  g_autoptr(FdFhirClient) wrong = new_client (&oauth_server);
  g_autoptr(FdFhirClient) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = token_url (&oauth_server);
  gint64 issued, refusals;

  g_assert_true (fd_fhir_client_set_oauth2 (good, url, CLIENT_ID, CLIENT_SECRET, "system/*.read", &error));
  g_assert_no_error (error);
  issued = auth_state (&oauth_server, "tokens_issued", NULL);

  /* One token serves the whole pull, and the copies made for workers */
  assert_pulls (good, "oauth-good");
  copy = fd_fhir_client_copy (good);
  assert_pulls (copy, "oauth-copy");
  g_assert_cmpint (auth_state (&oauth_server, "tokens_issued", NULL), ==, issued + 1);

  /* A wrong secret: the token endpoint's refusal, in words, and nothing pulled */
  refusals = auth_state (&oauth_server, "token_refusals", NULL);
  g_assert_true (fd_fhir_client_set_oauth2 (wrong, url, CLIENT_ID, "Cs-wrong", NULL, &error));
  assert_refused (wrong, "oauth-wrong", FD_SYNC_ERROR_UNAUTHORIZED,
                  "The token endpoint refused the client id or secret");
  g_assert_cmpint (auth_state (&oauth_server, "token_refusals", NULL), ==, refusals + 1);
}

/* Tokens live 4 s here: two pulls 5 s apart need two tokens */
static void
test_oauth2_refresh (void)
{
  g_autoptr(FdFhirClient) client = new_client (&oauth_server);
  g_autofree char *url = token_url (&oauth_server);
  gint64 issued;

  g_assert_true (fd_fhir_client_set_oauth2 (client, url, CLIENT_ID, CLIENT_SECRET, NULL, NULL));
  issued = auth_state (&oauth_server, "tokens_issued", NULL);

  assert_pulls (client, "refresh-1");
  g_assert_cmpint (auth_state (&oauth_server, "tokens_issued", NULL), ==, issued + 1);
  g_usleep (5 * G_USEC_PER_SEC);
  assert_pulls (client, "refresh-2");
  g_assert_cmpint (auth_state (&oauth_server, "tokens_issued", NULL), ==, issued + 2);
}

/* The server forgets its tokens (revoked, restarted): the station gets a new
 * one on the first 401 and carries on */
static void
test_oauth2_revoked (void)
{
  g_autoptr(FdFhirClient) client = new_client (&oauth_server);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = token_url (&oauth_server);
  gint64 issued, refused;

  /* Tokens that outlive the test, so that only the revocation expires them */
  g_assert_cmpint (auth_state (&oauth_server, "lifetime", "{\"lifetime\": 3600}"), ==, 3600);
  g_assert_true (fd_fhir_client_set_oauth2 (client, url, CLIENT_ID, CLIENT_SECRET, NULL, NULL));
  issued = auth_state (&oauth_server, "tokens_issued", NULL);
  g_assert_true (fd_fhir_client_check_access (client, NULL, &error));
  g_assert_no_error (error);

  refused = auth_state (&oauth_server, "refused", "{\"revoke\": true}");
  g_assert_true (fd_fhir_client_check_access (client, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (auth_state (&oauth_server, "tokens_issued", NULL), ==, issued + 2);
  g_assert_cmpint (auth_state (&oauth_server, "refused", NULL), ==, refused + 1);

  g_assert_cmpint (auth_state (&oauth_server, "lifetime", "{\"lifetime\": " TOKEN_LIFETIME "}"), ==, 4);
}

typedef struct
{
  FdFhirClient *client;
  gboolean      ok;
} Worker;

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;

  worker->ok = fd_fhir_client_check_access (worker->client, NULL, NULL);
  return NULL;
}

/* Workers that start together wait for one token rather than buy one each */
static void
test_oauth2_threads (void)
{
  g_autoptr(FdFhirClient) client = new_client (&oauth_server);
  g_autofree char *url = token_url (&oauth_server);
  Worker workers[4];
  GThread *threads[G_N_ELEMENTS (workers)];
  gint64 issued;

  g_assert_true (fd_fhir_client_set_oauth2 (client, url, CLIENT_ID, CLIENT_SECRET, NULL, NULL));
  issued = auth_state (&oauth_server, "tokens_issued", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (workers); i++)
    {
      workers[i].client = fd_fhir_client_copy (client);
      threads[i] = g_thread_new ("auth-worker", worker_thread, &workers[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (workers); i++)
    {
      g_thread_join (threads[i]);
      g_assert_true (workers[i].ok);
      g_object_unref (workers[i].client);
    }
  g_assert_cmpint (auth_state (&oauth_server, "tokens_issued", NULL), ==, issued + 1);
}

static void
test_token_endpoint_down (void)
{
  g_autoptr(FdFhirClient) client = new_client (&oauth_server);

  /* Nothing listens on the discard port */
  g_assert_true (fd_fhir_client_set_oauth2 (client, "http://127.0.0.1:9/oauth/token", CLIENT_ID, CLIENT_SECRET, NULL, NULL));
  assert_refused (client, "endpoint-down", FD_SYNC_ERROR_NETWORK, "The token endpoint is not reachable");
}

static void
test_token_endpoint_not_a_token (void)
{
  g_autoptr(FdFhirClient) client = new_client (&oauth_server);
  g_autofree char *url = token_url (&oauth_server);

  /* A sign-in page where the token should be */
  g_assert_true (auth_state (&oauth_server, "broken", "{\"broken\": true}"));
  g_assert_true (fd_fhir_client_set_oauth2 (client, url, CLIENT_ID, CLIENT_SECRET, NULL, NULL));
  assert_refused (client, "not-a-token", FD_SYNC_ERROR_MALFORMED,
                  "The token endpoint answered with something that is not a token");
  g_assert_false (auth_state (&oauth_server, "broken", "{\"broken\": false}"));
}

static void
test_token_endpoint_plain_http (void)
{
  g_autoptr(FdFhirClient) client = new_client (&oauth_server);
  g_autoptr(GError) error = NULL;
  gint64 issued = auth_state (&oauth_server, "tokens_issued", NULL);

  /* The secret would cross the network in the clear: refused before sending */
  g_assert_false (fd_fhir_client_set_oauth2 (client, "http://auth.example.org/oauth/token",
                                             CLIENT_ID, CLIENT_SECRET, NULL, &error));
  g_assert_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_BAD_ADDRESS);
  g_assert_nonnull (strstr (error->message, "https"));
  g_clear_error (&error);

  assert_refused (client, "plain-http", FD_SYNC_ERROR_BAD_ADDRESS, "The token endpoint must use https");
  g_assert_cmpint (auth_state (&oauth_server, "tokens_issued", NULL), ==, issued);
}

/* Everything above, once more, with the log captured: no secret in it */
static void
test_no_secrets_in_logs (void)
{
  const char *secrets[] = { PASSWORD, BEARER, CLIENT_SECRET, "Cs-wrong" };
  g_autoptr(FdFhirClient) basic = new_client (&basic_server);
  g_autoptr(FdFhirClient) bearer = new_client (&bearer_server);
  g_autoptr(FdFhirClient) oauth = new_client (&oauth_server);
  g_autoptr(FdFhirClient) wrong = new_client (&oauth_server);
  g_autofree char *url = token_url (&oauth_server);
  g_autofree char *encoded = g_base64_encode ((const guchar *) USER ":" PASSWORD, strlen (USER ":" PASSWORD));
  g_autoptr(GError) error = NULL;

  captured_log = g_string_new (NULL);
  g_log_set_default_handler (capture_log_cb, NULL);

  fd_fhir_client_set_basic (basic, USER, PASSWORD);
  fd_fhir_client_set_token (bearer, BEARER);
  fd_fhir_client_set_oauth2 (oauth, url, CLIENT_ID, CLIENT_SECRET, NULL, NULL);
  fd_fhir_client_set_oauth2 (wrong, url, CLIENT_ID, "Cs-wrong", NULL, NULL);
  assert_pulls (basic, "logs-basic");
  assert_pulls (bearer, "logs-bearer");
  fd_test_auth_control (oauth_server.url, "{\"revoke\": true}");
  assert_pulls (oauth, "logs-oauth");
  g_assert_false (fd_fhir_client_check_access (wrong, NULL, &error));

  g_log_set_default_handler (g_log_default_handler, NULL);

  /* The capture works: the client said what it did */
  g_assert_nonnull (strstr (captured_log->str, "access token"));
  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      g_assert_null (strstr (captured_log->str, secrets[i]));
      g_assert_null (strstr (error->message, secrets[i]));
    }
  g_assert_null (strstr (captured_log->str, encoded));
  g_string_free (g_steal_pointer (&captured_log), TRUE);
}

/* CI and the demo: the FRONTDESK_* variables sign the station in */
static void
test_environment_override (void)
{
  struct {
    const char *name;
    Server     *server;
    const char *vars[8];
    FdAuthMode  mode;
  } cases[] = {
    { "env-bearer", &bearer_server, { "FRONTDESK_SERVER_TOKEN", BEARER, NULL }, FD_AUTH_BEARER },
    { "env-basic", &basic_server, { "FRONTDESK_SERVER_USER", USER, "FRONTDESK_SERVER_PASSWORD", PASSWORD, NULL }, FD_AUTH_BASIC },
    { "env-oauth", &oauth_server, { "FRONTDESK_OAUTH_TOKEN_URL", NULL, "FRONTDESK_OAUTH_CLIENT_ID", CLIENT_ID,
                                    "FRONTDESK_OAUTH_CLIENT_SECRET", CLIENT_SECRET, NULL }, FD_AUTH_OAUTH2 },
  };
  const char *all[] = { "FRONTDESK_SERVER_TOKEN", "FRONTDESK_SERVER_USER", "FRONTDESK_SERVER_PASSWORD",
                        "FRONTDESK_OAUTH_TOKEN_URL", "FRONTDESK_OAUTH_CLIENT_ID", "FRONTDESK_OAUTH_CLIENT_SECRET",
                        "FRONTDESK_OAUTH_SCOPE" };
  g_autofree char *url = token_url (&oauth_server);

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    g_unsetenv (all[i]);
  g_assert_null (fd_credentials_from_environment ());

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FdCredentials) credentials = NULL;
      g_autoptr(FdFhirClient) client = new_client (cases[i].server);
      g_autoptr(GError) error = NULL;

      for (guint v = 0; cases[i].vars[v] != NULL; v += 2)
        g_setenv (cases[i].vars[v], cases[i].vars[v + 1] ? cases[i].vars[v + 1] : url, TRUE);

      credentials = fd_credentials_from_environment ();
      g_assert_nonnull (credentials);
      g_assert_cmpint (credentials->mode, ==, cases[i].mode);
      g_assert_cmpint (credentials->source, ==, FD_CREDENTIALS_SOURCE_ENVIRONMENT);
      g_assert_true (fd_credentials_apply (credentials, client, &error));
      g_assert_no_error (error);
      assert_pulls (client, cases[i].name);

      for (guint v = 0; v < G_N_ELEMENTS (all); v++)
        g_unsetenv (all[v]);
    }

  /* A user name without its password is incomplete, and says so */
  {
    g_autoptr(FdCredentials) credentials = NULL;
    g_autoptr(FdFhirClient) client = new_client (&basic_server);
    g_autoptr(GError) error = NULL;

    g_setenv ("FRONTDESK_SERVER_USER", USER, TRUE);
    credentials = fd_credentials_from_environment ();
    g_unsetenv ("FRONTDESK_SERVER_USER");
    g_assert_false (fd_credentials_apply (credentials, client, &error));
    g_assert_error (error, FD_CREDENTIALS_ERROR, FD_CREDENTIALS_ERROR_INCOMPLETE);
    assert_refused (client, "env-incomplete", FD_SYNC_ERROR_UNAUTHORIZED, "HTTP 401");
  }
}

typedef struct
{
  GMainLoop     *loop;
  FdCredentials *credentials;
  GError        *error;
} Resolved;

static void
resolved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Resolved *resolved = user_data;

  resolved->credentials = fd_credentials_resolve_finish (result, &resolved->error);
  g_main_loop_quit (resolved->loop);
}

static FdCredentials *
resolve (const FdCredentials  *settings,
         const char           *server_url,
         GError              **error)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Resolved resolved = { loop, NULL, NULL };

  fd_credentials_resolve_async (settings, server_url, NULL, resolved_cb, &resolved);
  g_main_loop_run (loop);
  if (resolved.error != NULL)
    g_propagate_error (error, resolved.error);
  return resolved.credentials;
}

/* frontdesk-ctl syncing with @server in a new process: its output, and
 * whether it succeeded. @args are its sign-in options; @environment, NULL or
 * name=value pairs, is added to what it inherits. */
static gboolean
ctl_sync (Server             *server,
          const char         *profile,
          const char * const *args,
          const char * const *environment,
          char              **output)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = g_build_filename (work_dir, "ctl-profiles", NULL);

  g_ptr_array_add (argv, (char *) ctl_path);
  g_ptr_array_add (argv, (char *) "--data-dir");
  g_ptr_array_add (argv, data_dir);
  g_ptr_array_add (argv, (char *) "--profile");
  g_ptr_array_add (argv, (char *) profile);
  g_ptr_array_add (argv, (char *) "--server");
  g_ptr_array_add (argv, server->url);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, (char *) "sync");
  g_ptr_array_add (argv, NULL);

  for (guint i = 0; environment != NULL && environment[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, environment[i], environment[i + 1], TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, output, NULL, &error);
  g_assert_no_error (error);
  return g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0;
}

/* Byte for byte: a database page may hold NULs before and after */
static gboolean
bytes_hold (const char *contents,
            gsize       length,
            const char *secret)
{
  gsize n = strlen (secret);

  for (gsize i = 0; n <= length && i <= length - n; i++)
    if (memcmp (contents + i, secret, n) == 0)
      return TRUE;
  return FALSE;
}

/* Whether any file under @path holds @secret */
static gboolean
dir_holds (const char *path,
           const char *secret)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          if (dir_holds (child, secret))
            return TRUE;
        }
      else if (g_file_get_contents (child, &contents, &length, NULL) &&
               bytes_hold (contents, length, secret))
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  GMainLoop *loop;
  gboolean   stored;
  GError    *error;
} Stored;

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Stored *stored = user_data;

  stored->stored = fd_credentials_store_finish (result, &stored->error);
  g_main_loop_quit (stored->loop);
}

/* Saved as Preferences saves: the settings written, the secret to the
 * keyring in a worker thread */
static void
save_as_preferences (const FdCredentials *credentials,
                     const char          *server_url,
                     GSettings           *settings)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Stored stored = { loop, FALSE, NULL };

  g_assert_true (fd_credentials_save_settings (credentials, settings));
  g_settings_sync ();
  fd_credentials_store_async (credentials, server_url, NULL, stored_cb, &stored);
  g_main_loop_run (loop);
  g_assert_no_error (stored.error);
  g_assert_true (stored.stored);
}

static GSettings *
keyfile_settings (const char *path)
{
  g_autoptr(GSettingsBackend) backend = g_keyfile_settings_backend_new (path, "/", NULL);

  return g_settings_new_with_backend ("org.frontdesk.Frontdesk", backend);
}

/* Without a Secret Service the station says so, and the environment still works */
static void
assert_no_keyring (void)
{
  g_autoptr(FdCredentials) settings = fd_credentials_new (FD_AUTH_BASIC);
  g_autoptr(FdCredentials) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;

  settings->user = g_strdup (USER);
  secret = fd_credentials_lookup_secret (settings, basic_server.url, NULL, &error);
  g_assert_error (error, FD_CREDENTIALS_ERROR, FD_CREDENTIALS_ERROR_NO_KEYRING);
  g_clear_error (&error);
  g_assert_null (resolve (settings, basic_server.url, &error));
  g_assert_error (error, FD_CREDENTIALS_ERROR, FD_CREDENTIALS_ERROR_NO_KEYRING);
  g_clear_error (&error);

  g_setenv ("FRONTDESK_SERVER_TOKEN", BEARER, TRUE);
  found = resolve (settings, basic_server.url, &error);
  g_unsetenv ("FRONTDESK_SERVER_TOKEN");
  g_assert_no_error (error);
  g_assert_cmpint (found->mode, ==, FD_AUTH_BEARER);
  g_assert_cmpint (found->source, ==, FD_CREDENTIALS_SOURCE_ENVIRONMENT);
}

/* The keyring, for real: the password, the token and the client secret
 * saved as Preferences saves them, read back by a new process that signs in
 * with them; the environment wins over the keyring; no secret in the
 * settings or the profile */
static void
test_keyring (void)
{
  g_autofree char *settings_path = g_build_filename (work_dir, "settings.ini", NULL);
  g_autofree char *oauth_token_url = token_url (&oauth_server);
  g_autofree char *settings_text = NULL;
  g_autofree char *profiles = g_build_filename (work_dir, "ctl-profiles", NULL);
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(FdCredentials) basic = fd_credentials_new (FD_AUTH_BASIC);
  g_autoptr(FdCredentials) bearer = fd_credentials_new (FD_AUTH_BEARER);
  g_autoptr(FdCredentials) oauth = fd_credentials_new (FD_AUTH_OAUTH2);
  g_autoptr(GError) error = NULL;
  const char *basic_args[] = { "--auth", "basic", "--user", USER, NULL };
  const char *bearer_args[] = { "--auth", "bearer", NULL };
  const char *oauth_args[] = { "--auth", "oauth2", "--token-url", oauth_token_url, "--client-id", CLIENT_ID, NULL };
  const char *wrong_password[] = { "FRONTDESK_SERVER_PASSWORD", "Pw-not-this-one", NULL };
  const char *right_password[] = { "FRONTDESK_SERVER_PASSWORD", PASSWORD, NULL };
  const char *secrets[] = { PASSWORD, BEARER, CLIENT_SECRET };
  const char *secret_variables[] = { "FRONTDESK_SERVER_TOKEN", "FRONTDESK_SERVER_PASSWORD",
                                     "FRONTDESK_OAUTH_CLIENT_SECRET" };
  struct {
    FdCredentials      *credentials;
    Server             *server;
    const char         *secret;
    const char * const *args;
    const char         *profile;
  } kinds[] = {
    { basic, &basic_server, PASSWORD, basic_args, "basic" },
    { bearer, &bearer_server, BEARER, bearer_args, "bearer" },
    { oauth, &oauth_server, CLIENT_SECRET, oauth_args, "oauth2" },
  };

  if (keyring == NULL)
    {
      assert_no_keyring ();
      g_test_skip (keyring_missing);
      return;
    }
  g_assert_nonnull (ctl_path);
  /* Only the keyring gives secrets here, to this process and to frontdesk-ctl */
  for (guint i = 0; i < G_N_ELEMENTS (secret_variables); i++)
    g_unsetenv (secret_variables[i]);

  basic->user = g_strdup (USER);
  oauth->token_url = g_strdup (oauth_token_url);
  oauth->client_id = g_strdup (CLIENT_ID);
  settings = keyfile_settings (settings_path);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(GSettings) reread = NULL;
      g_autoptr(FdCredentials) saved = NULL;
      g_autoptr(FdCredentials) found = NULL;
      g_autofree char *secret = NULL;
      g_autofree char *output = NULL;

      /* A fresh keyring holds nothing for this server */
      secret = fd_credentials_lookup_secret (kinds[i].credentials, kinds[i].server->url, NULL, &error);
      g_assert_error (error, FD_CREDENTIALS_ERROR, FD_CREDENTIALS_ERROR_NOT_FOUND);
      g_clear_error (&error);
      g_assert_false (ctl_sync (kinds[i].server, kinds[i].profile, kinds[i].args, NULL, &output));
      g_assert_nonnull (strstr (output, "keyring holds no secret"));
      g_clear_pointer (&output, g_free);

      fd_credentials_set_secret (kinds[i].credentials, kinds[i].secret, FD_CREDENTIALS_SOURCE_ENTERED);
      save_as_preferences (kinds[i].credentials, kinds[i].server->url, settings);
      fd_credentials_set_secret (kinds[i].credentials, NULL, FD_CREDENTIALS_SOURCE_NONE);

      /* The station starting again: the method from the settings file, the
       * secret from the keyring */
      reread = keyfile_settings (settings_path);
      saved = fd_credentials_from_settings (reread);
      g_assert_cmpint (saved->mode, ==, kinds[i].credentials->mode);
      g_assert_null (saved->secret);
      found = resolve (saved, kinds[i].server->url, &error);
      g_assert_no_error (error);
      g_assert_cmpint (found->source, ==, FD_CREDENTIALS_SOURCE_KEYRING);
      g_assert_cmpstr (found->secret, ==, kinds[i].secret);

      /* Another process finds it too, and signs in with it */
      if (!ctl_sync (kinds[i].server, kinds[i].profile, kinds[i].args, NULL, &output))
        g_error ("frontdesk-ctl did not sign in with the %s from the keyring: %s", kinds[i].profile, output);
      g_assert_nonnull (strstr (output, "Pulled "));
      g_assert_null (strstr (output, kinds[i].secret));
    }

  /* The environment wins over the keyring, both ways */
  {
    g_autofree char *output = NULL;
    g_autoptr(FdCredentials) found = NULL;

    g_assert_false (ctl_sync (&basic_server, "env-wrong", basic_args, wrong_password, &output));
    g_assert_nonnull (strstr (output, "401"));
    g_clear_pointer (&output, g_free);

    fd_credentials_set_secret (basic, "Pw-stale-in-keyring", FD_CREDENTIALS_SOURCE_ENTERED);
    g_assert_true (fd_credentials_store_secret (basic, basic_server.url, NULL, &error));
    g_assert_no_error (error);
    fd_credentials_set_secret (basic, NULL, FD_CREDENTIALS_SOURCE_NONE);
    g_assert_false (ctl_sync (&basic_server, "keyring-stale", basic_args, NULL, &output));
    g_clear_pointer (&output, g_free);
    if (!ctl_sync (&basic_server, "env-right", basic_args, right_password, &output))
      g_error ("the password in the environment did not win over the keyring: %s", output);

    g_setenv ("FRONTDESK_SERVER_TOKEN", BEARER, TRUE);
    found = resolve (basic, basic_server.url, &error);
    g_unsetenv ("FRONTDESK_SERVER_TOKEN");
    g_assert_no_error (error);
    g_assert_cmpint (found->mode, ==, FD_AUTH_BEARER);
    g_assert_cmpint (found->source, ==, FD_CREDENTIALS_SOURCE_ENVIRONMENT);
    g_assert_cmpstr (found->secret, ==, BEARER);
  }

  /* Not one secret in the settings file or in any profile's database */
  g_assert_true (g_file_get_contents (settings_path, &settings_text, NULL, NULL));
  g_assert_nonnull (strstr (settings_text, "auth-mode"));
  g_assert_nonnull (strstr (settings_text, CLIENT_ID));
  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      g_assert_null (strstr (settings_text, secrets[i]));
      g_assert_false (dir_holds (profiles, secrets[i]));
    }
  g_assert_false (dir_holds (profiles, "Pw-stale-in-keyring"));

  /* Cleared: gone from the keyring */
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *secret = NULL;

      g_assert_true (fd_credentials_clear_secret (kinds[i].credentials, kinds[i].server->url, NULL, &error));
      g_assert_no_error (error);
      secret = fd_credentials_lookup_secret (kinds[i].credentials, kinds[i].server->url, NULL, &error);
      g_assert_null (secret);
      g_assert_error (error, FD_CREDENTIALS_ERROR, FD_CREDENTIALS_ERROR_NOT_FOUND);
      g_clear_error (&error);
    }
}

/* On its first cycle the station reads what the server offers and keeps it */
static void
test_capabilities_recorded (void)
{
  g_autoptr(FdFhirClient) client = new_client (&basic_server);
  g_autoptr(FdStore) store = new_store ("capabilities");
  g_autoptr(FdSyncService) service = NULL;
  g_auto(GStrv) limits = NULL;
  g_autofree char *version = NULL;
  g_autofree char *software = NULL;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  gboolean known = TRUE;

  fd_server_capabilities_load (store, &known);
  g_assert_false (known);

  fd_fhir_client_set_basic (client, USER, PASSWORD);
  service = fd_sync_service_new (store, client);
  fd_sync_service_start (service);
  while (fd_sync_service_get_last_sync (service) == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_assert_null (fd_sync_service_get_last_error (service));
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  version = fd_store_get_meta (store, "server.fhir-version");
  software = fd_store_get_meta (store, "server.software");
  g_assert_cmpstr (version, ==, "4.0.1");
  g_assert_nonnull (strstr (software, "Frontdesk FHIR test server"));
  g_assert_cmpint (fd_server_capabilities_load (store, &known), ==, FD_SERVER_LACKS_NOTHING);
  g_assert_true (known);
  limits = fd_sync_service_get_server_limits (service);
  g_assert_cmpuint (g_strv_length (limits), ==, 0);
  g_assert_cmpint (patients_in (store), ==, demo.n_patients);
}

/* A server that offers less: each lack found, and said in words */
static void
test_capabilities_lacks (void)
{
  g_autoptr(FdFhirClient) client = new_client (&basic_server);
  g_autoptr(JsonObject) statement = NULL;
  g_autoptr(FdStore) store = new_store ("lacks");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) words = NULL;
  JsonObject *rest;
  JsonArray *resources;

  statement = fd_fhir_client_read_capabilities (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fd_server_capabilities_lacks (statement), ==, FD_SERVER_LACKS_NOTHING);

  /* No batch or transaction; Patient without versioned updates or _lastUpdated */
  rest = fd_fhir_array_object (fd_fhir_get_array (statement, "rest"), 0);
  json_object_set_array_member (rest, "interaction", json_array_new ());
  resources = fd_fhir_get_array (rest, "resource");
  for (guint i = 0; i < json_array_get_length (resources); i++)
    {
      JsonObject *resource = fd_fhir_array_object (resources, i);

      if (g_strcmp0 (fd_fhir_get_string (resource, "type"), "Patient") != 0)
        continue;
      json_object_set_string_member (resource, "versioning", "versioned");
      json_object_set_array_member (resource, "searchParam", json_array_new ());
    }
  g_assert_cmpint (fd_server_capabilities_lacks (statement), ==,
                   FD_SERVER_LACKS_BATCH | FD_SERVER_LACKS_VERSIONED_UPDATE | FD_SERVER_LACKS_LAST_UPDATED);

  g_assert_true (fd_server_capabilities_save (store, statement, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fd_server_capabilities_load (store, NULL), ==,
                   FD_SERVER_LACKS_BATCH | FD_SERVER_LACKS_VERSIONED_UPDATE | FD_SERVER_LACKS_LAST_UPDATED);
  words = fd_server_capabilities_describe (fd_server_capabilities_load (store, NULL));
  g_assert_cmpuint (g_strv_length (words), ==, 3);
  g_assert_nonnull (strstr (words[1], "one at a time"));
}

int
main (int argc, char **argv)
{
  g_autofree char *node = NULL;
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  if (argc > 1)
    ctl_path = argv[1];

  node = g_find_program_in_path ("node");
  if (node == NULL)
    {
      g_test_skip ("node is not installed");
      return g_test_run ();
    }

  /* Before anything here uses the session bus */
  {
    g_autoptr(GError) error = NULL;

    keyring = fd_test_keyring_start (&error);
    if (keyring == NULL)
      keyring_missing = g_strdup_printf ("No Secret Service could be started, so only the station's words "
                                         "without one were tested: %s", error->message);
  }

  work_dir = fd_test_make_dir ();
  fd_demo_options_init (&demo);
  demo.n_patients = 40;
  demo.n_days = 2;
  demo.seed = 5;
  start (&basic_server, "basic-server", "basic:" USER ":" PASSWORD);
  start (&bearer_server, "bearer-server", "bearer:" BEARER);
  start (&oauth_server, "oauth-server", "oauth2:" CLIENT_ID ":" CLIENT_SECRET);

  g_test_add_func ("/auth/none-refused", test_none_refused);
  g_test_add_func ("/auth/basic", test_basic);
  g_test_add_func ("/auth/bearer", test_bearer);
  g_test_add_func ("/auth/oauth2", test_oauth2);
  g_test_add_func ("/auth/oauth2-refresh", test_oauth2_refresh);
  g_test_add_func ("/auth/oauth2-revoked", test_oauth2_revoked);
  g_test_add_func ("/auth/oauth2-threads", test_oauth2_threads);
  g_test_add_func ("/auth/token-endpoint-down", test_token_endpoint_down);
  g_test_add_func ("/auth/token-endpoint-not-a-token", test_token_endpoint_not_a_token);
  g_test_add_func ("/auth/token-endpoint-plain-http", test_token_endpoint_plain_http);
  g_test_add_func ("/auth/no-secrets-in-logs", test_no_secrets_in_logs);
  g_test_add_func ("/auth/environment-override", test_environment_override);
  g_test_add_func ("/auth/keyring", test_keyring);
  g_test_add_func ("/auth/capabilities-recorded", test_capabilities_recorded);
  g_test_add_func ("/auth/capabilities-lacks", test_capabilities_lacks);

  ret = g_test_run ();

  fd_test_stop_fhir_server (g_steal_pointer (&basic_server.process));
  fd_test_stop_fhir_server (g_steal_pointer (&bearer_server.process));
  fd_test_stop_fhir_server (g_steal_pointer (&oauth_server.process));
  g_free (basic_server.url);
  g_free (bearer_server.url);
  g_free (oauth_server.url);
  fd_test_remove_dir (work_dir);
  g_free (work_dir);
  fd_test_keyring_stop (g_steal_pointer (&keyring));
  g_free (keyring_missing);
  return ret;
}
