/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdCtl"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fd-credentials.h"
#include "fd-dates.h"
#include "fd-demo-clinic.h"
#include "fd-ledger-documents.h"
#include "fd-server-capabilities.h"
#include "fd-store-ledger.h"
#include "fd-store.h"
#include "fd-sync-engine.h"

/* frontdesk-ctl: headless operations on a station profile, over the same core. */

static char *opt_profile;
static char *opt_data_dir;
static char *opt_server;
static char *opt_auth;
static char *opt_user;
static char *opt_token_url;
static char *opt_client_id;
static char *opt_scope;
static gboolean opt_version;

static const GOptionEntry global_entries[] = {
  { "profile", 'p', 0, G_OPTION_ARG_STRING, &opt_profile, N_("Station profile to use (default: “default”)"), N_("NAME") },
  { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_data_dir, N_("Folder that holds the profiles"), N_("DIR") },
  { "server", 0, 0, G_OPTION_ARG_STRING, &opt_server, N_("Address of the clinic’s FHIR R4 server (or FRONTDESK_SERVER_URL)"), N_("URL") },
  { "auth", 0, 0, G_OPTION_ARG_STRING, &opt_auth, N_("How to sign in to the server: none, bearer, basic or oauth2 (default: from the FRONTDESK_* variables)"), N_("METHOD") },
  { "user", 0, 0, G_OPTION_ARG_STRING, &opt_user, N_("User name for --auth basic (or FRONTDESK_SERVER_USER)"), N_("NAME") },
  { "token-url", 0, 0, G_OPTION_ARG_STRING, &opt_token_url, N_("OAuth2 token endpoint for --auth oauth2 (or FRONTDESK_OAUTH_TOKEN_URL)"), N_("URL") },
  { "client-id", 0, 0, G_OPTION_ARG_STRING, &opt_client_id, N_("OAuth2 client id for --auth oauth2 (or FRONTDESK_OAUTH_CLIENT_ID)"), N_("ID") },
  { "scope", 0, 0, G_OPTION_ARG_STRING, &opt_scope, N_("OAuth2 scopes for --auth oauth2 (or FRONTDESK_OAUTH_SCOPE)"), N_("SCOPES") },
  { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version, N_("Show the version and exit"), NULL },
  { NULL }
};

typedef struct
{
  FdStore *store;
  guint64  count;
} SeedClosure;

static gboolean
put_resource_cb (JsonObject  *resource,
                 gpointer     user_data,
                 GError     **error)
{
  SeedClosure *closure = user_data;

  closure->count++;
  return fd_store_put (closure->store, resource, FD_STORE_ORIGIN_SERVER, error);
}

static FdStore *
open_store (GError **error)
{
  return fd_store_open_profile (opt_data_dir, opt_profile, error);
}

static int
fail (const char *what,
      GError     *error)
{
  g_printerr ("frontdesk-ctl: %s: %s\n", what, error->message);
  return EXIT_FAILURE;
}

static int
cmd_seed_demo (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("— build a synthetic demo clinic"));
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;
  g_autofree char *today = NULL;
  g_autofree char *bundle = NULL;
  int patients = 500, days = 14, seed = 1;
  gint64 max_pages = 0;
  FdDemoOptions options;
  SeedClosure closure = { 0 };
  gint64 started;
  const GOptionEntry entries[] = {
    { "patients", 0, 0, G_OPTION_ARG_INT, &patients, N_("Number of patients (default 500)"), "N" },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, N_("Days of appointments around today (default 14)"), "D" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, N_("Seed; the same seed gives the same clinic (default 1)"), "S" },
    { "today", 0, 0, G_OPTION_ARG_STRING, &today, N_("The clinic’s today, YYYY-MM-DD (default: today)"), N_("DATE") },
    { "bundle", 0, 0, G_OPTION_ARG_FILENAME, &bundle, N_("Write a FHIR Bundle file instead of filling the profile"), N_("FILE") },
    { "max-pages", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64, &max_pages, NULL, NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail ("seed-demo", error);

  if (patients < 0 || patients > 2000000 || days < 0 || days > 3650 || seed < 0)
    {
      g_printerr ("frontdesk-ctl: seed-demo: %s\n", _("patients, days and seed must be positive and reasonable"));
      return EXIT_FAILURE;
    }

  fd_demo_options_init (&options);
  options.n_patients = (guint) patients;
  options.n_days = (guint) days;
  options.seed = (guint32) seed;
  if (today != NULL && !fd_date_parse_iso (today, &options.today))
    {
      g_printerr ("frontdesk-ctl: seed-demo: %s\n", _("--today takes a date as YYYY-MM-DD"));
      return EXIT_FAILURE;
    }

  started = g_get_monotonic_time ();

  if (bundle != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (bundle);
      g_autoptr(GFileOutputStream) stream = NULL;
      g_autoptr(GOutputStream) buffered = NULL;

      /* Written beside the target and moved into place: never a half-written bundle */
      stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, &error);
      if (stream == NULL)
        return fail ("seed-demo", error);
      buffered = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (stream), 1 << 20);
      if (!fd_demo_clinic_write_bundle (&options, buffered, &error) ||
          !g_output_stream_close (buffered, NULL, &error))
        {
          g_autoptr(GError) close_error = NULL;

          g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &close_error);
          return fail ("seed-demo", error);
        }
      g_print ("%s\n", _("Bundle written"));
      return EXIT_SUCCESS;
    }

  store = open_store (&error);
  if (store == NULL)
    return fail ("seed-demo", error);
  if (max_pages > 0)
    fd_store_set_max_pages (store, max_pages);

  /* One transaction: a failure (a full disk) leaves the profile as it was */
  closure.store = store;
  if (!fd_store_begin (store, &error))
    return fail ("seed-demo", error);
  /* Records made here, not downloaded: they go to a server when one is connected */
  if (!fd_demo_clinic_generate (&options, put_resource_cb, &closure, &error) ||
      !fd_store_set_meta (store, "standalone-records", "1", &error) ||
      !fd_store_commit (store, &error))
    {
      fd_store_rollback (store);
      g_printerr ("frontdesk-ctl: seed-demo: %s %s\n", error->message,
                  _("The profile was left as it was."));
      return EXIT_FAILURE;
    }

  {
    g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, closure.count);

    /* Translators: "Seeded 7253 records in 0.3 s" */
    g_print (_("Seeded %s records in %.1f s\n"), count, (g_get_monotonic_time () - started) / 1e6);
  }
  return EXIT_SUCCESS;
}

static int
cmd_status (int    argc,
            char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;
  FdStoreCounts counts;

  store = open_store (&error);
  if (store == NULL || !fd_store_get_counts (store, &counts, &error))
    return fail ("status", error);

  g_print ("%-16s %s\n", _("Database:"), fd_store_get_path (store));
  g_print ("%-16s %d\n", _("Schema version:"), counts.schema_version);
  g_print ("%-16s %" G_GINT64_FORMAT "\n", _("Patients:"), counts.patients);
  g_print ("%-16s %" G_GINT64_FORMAT "\n", _("Appointments:"), counts.appointments);
  g_print ("%-16s %" G_GINT64_FORMAT "\n", _("Practitioners:"), counts.practitioners);
  g_print ("%-16s %" G_GINT64_FORMAT "\n", _("Locations:"), counts.locations);
  g_print ("%-16s %" G_GINT64_FORMAT "\n", _("Coverages:"), counts.coverages);
  g_print ("%-16s %" G_GINT64_FORMAT "\n", _("Accounts:"), counts.accounts);
  g_print ("%-16s %" G_GINT64_FORMAT "\n", _("Records:"), counts.resources);
  g_print ("%-16s %" G_GINT64_FORMAT "\n", _("Outbox waiting:"), counts.outbox_pending);
  g_print ("%-16s %" G_GINT64_FORMAT "\n", _("Outbox parked:"), counts.outbox_parked);
  return EXIT_SUCCESS;
}

static int
cmd_search (int    argc,
            char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autofree char *query = NULL;

  if (argc < 2)
    {
      g_printerr ("frontdesk-ctl: search: %s\n", _("give the text to search for"));
      return EXIT_FAILURE;
    }
  query = g_strjoinv (" ", argv + 1);

  store = open_store (&error);
  if (store == NULL)
    return fail ("search", error);
  hits = fd_store_search_patients (store, query, 50, &error);
  if (hits == NULL)
    return fail ("search", error);

  for (guint i = 0; i < hits->len; i++)
    {
      FdPatientItem *item = g_ptr_array_index (hits, i);

      g_print ("%s\t%s\n", fd_patient_item_get_id (item), fd_patient_item_get_display (item));
    }
  return EXIT_SUCCESS;
}

static const char *
option_or_env (const char *option,
               const char *variable)
{
  return option != NULL ? option : g_getenv (variable);
}

/* The same sources as the station: with --auth, the options (or the
 * FRONTDESK_* variables) and the secret from the environment or else the
 * keyring; without it, whatever the FRONTDESK_* variables set */
static FdCredentials *
credentials_for (const char  *server_url,
                 GError     **error)
{
  g_autoptr(FdCredentials) credentials = NULL;
  const char *secret = NULL;
  FdAuthMode mode;

  if (opt_auth == NULL)
    {
      credentials = fd_credentials_from_environment ();
      return credentials ? g_steal_pointer (&credentials) : fd_credentials_new (FD_AUTH_NONE);
    }
  if (!fd_auth_mode_from_string (opt_auth, &mode))
    {
      g_set_error_literal (error, FD_CREDENTIALS_ERROR, FD_CREDENTIALS_ERROR_INCOMPLETE,
                           _("--auth takes none, bearer, basic or oauth2"));
      return NULL;
    }

  credentials = fd_credentials_new (mode);
  switch (mode)
    {
    case FD_AUTH_BEARER:
      secret = g_getenv ("FRONTDESK_SERVER_TOKEN");
      break;
    case FD_AUTH_BASIC:
      credentials->user = g_strdup (option_or_env (opt_user, "FRONTDESK_SERVER_USER"));
      secret = g_getenv ("FRONTDESK_SERVER_PASSWORD");
      break;
    case FD_AUTH_OAUTH2:
      credentials->token_url = g_strdup (option_or_env (opt_token_url, "FRONTDESK_OAUTH_TOKEN_URL"));
      credentials->client_id = g_strdup (option_or_env (opt_client_id, "FRONTDESK_OAUTH_CLIENT_ID"));
      credentials->scope = g_strdup (option_or_env (opt_scope, "FRONTDESK_OAUTH_SCOPE"));
      secret = g_getenv ("FRONTDESK_OAUTH_CLIENT_SECRET");
      break;
    case FD_AUTH_NONE:
    default:
      return g_steal_pointer (&credentials);
    }

  if (secret != NULL && *secret != '\0')
    fd_credentials_set_secret (credentials, secret, FD_CREDENTIALS_SOURCE_ENVIRONMENT);
  else
    {
      g_autofree char *stored = fd_credentials_lookup_secret (credentials, server_url, NULL, error);

      if (stored == NULL)
        return NULL;
      fd_credentials_set_secret (credentials, stored, FD_CREDENTIALS_SOURCE_KEYRING);
      explicit_bzero (stored, strlen (stored));
    }
  return g_steal_pointer (&credentials);
}

static void
pull_progress_cb (const char *type,
                  guint       pulled,
                  gpointer    user_data)
{
  /* Progress on the terminal only: a pipe gets the summary alone */
  if (isatty (STDERR_FILENO))
    g_printerr ("\r%s %-14s %u", _("Pulling"), type, pulled);
}

static const char *
server_url (void)
{
  return opt_server ? opt_server : g_getenv ("FRONTDESK_SERVER_URL");
}

/* A client for the server the options or the environment name, signed in */
static FdFhirClient *
connect_client (GError **error)
{
  g_autoptr(FdFhirClient) client = fd_fhir_client_new (server_url (), error);
  g_autoptr(FdCredentials) credentials = NULL;

  if (client == NULL)
    return NULL;
  credentials = credentials_for (fd_fhir_client_get_base_url (client), error);
  if (credentials == NULL || !fd_credentials_apply (credentials, client, error))
    return NULL;
  return g_steal_pointer (&client);
}

static int
cmd_sync (int    argc,
          char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;
  g_autoptr(FdFhirClient) client = NULL;
  g_autoptr(FdSyncEngine) engine = NULL;
  g_autoptr(JsonObject) capabilities = NULL;
  FdSyncStats stats;

  if (server_url () == NULL)
    {
      g_printerr ("frontdesk-ctl: sync: %s\n", _("give the server with --server URL or FRONTDESK_SERVER_URL"));
      return EXIT_FAILURE;
    }

  client = connect_client (&error);
  if (client == NULL)
    return fail ("sync", error);

  capabilities = fd_fhir_client_read_capabilities (client, NULL, &error);
  if (capabilities == NULL)
    return fail ("sync", error);

  store = open_store (&error);
  if (store == NULL)
    return fail ("sync", error);

  /* What the server lacks is recorded, said, and worked around */
  {
    g_auto(GStrv) limits = NULL;

    if (!fd_server_capabilities_save (store, capabilities, &error))
      return fail ("sync", error);
    limits = fd_server_capabilities_describe (fd_server_capabilities_lacks (capabilities));
    for (guint i = 0; limits[i] != NULL; i++)
      g_printerr ("frontdesk-ctl: %s\n", limits[i]);
  }

  engine = fd_sync_engine_new (store, client);
  fd_sync_engine_set_use_batch (engine, !(fd_server_capabilities_lacks (capabilities) & FD_SERVER_LACKS_BATCH));

  /* This desk's changes go up first, so that the pull does not hold them back */
  if (!fd_sync_engine_push (engine, &stats, NULL, &error))
    return fail ("sync", error);
  g_print (_("Pushed %u changes (%u parked, %u in conflict)\n"), stats.pushed, stats.parked, stats.conflicts);

  if (!fd_sync_engine_pull (engine, pull_progress_cb, NULL, &stats, NULL, &error))
    {
      if (isatty (STDERR_FILENO))
        g_printerr ("\n");
      return fail ("sync", error);
    }
  if (isatty (STDERR_FILENO))
    g_printerr ("\n");

  g_print (_("Pulled %u records (%u already current, %u held for local changes) in %u pages\n"),
           stats.pulled, stats.unchanged, stats.held, stats.pages);
  return EXIT_SUCCESS;
}

static int
cmd_outbox (int    argc,
            char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  store = open_store (&error);
  if (store == NULL)
    return fail ("outbox", error);
  entries = fd_store_list_outbox (store, TRUE, &error);
  if (entries == NULL)
    return fail ("outbox", error);

  /* One change per line: sequence, state, operation, Type/id, reason if parked */
  for (guint i = 0; i < entries->len; i++)
    {
      FdOutboxEntry *entry = g_ptr_array_index (entries, i);

      g_print ("%" G_GINT64_FORMAT "\t%s\t%s\t%s/%s%s%s\n", entry->seq,
               g_str_equal (entry->state, "parked") ? _("parked") : _("waiting"),
               entry->op, entry->type, entry->id,
               entry->error ? "\t" : "", entry->error ? entry->error : "");
    }
  return EXIT_SUCCESS;
}

static int
cmd_conflicts (int    argc,
               char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GHashTable) shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  store = open_store (&error);
  if (store == NULL)
    return fail ("conflicts", error);
  entries = fd_store_list_outbox (store, TRUE, &error);
  if (entries == NULL)
    return fail ("conflicts", error);

  /* One line per record: Type/id, then why */
  for (guint i = 0; i < entries->len; i++)
    {
      FdOutboxEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *key = g_strdup_printf ("%s/%s", entry->type, entry->id);

      if (g_strcmp0 (entry->kind, "conflict") != 0 || !g_hash_table_add (shown, g_strdup (key)))
        continue;
      g_print ("%s\t%s\n", key, entry->error ? entry->error : "");
    }
  return EXIT_SUCCESS;
}

/* "Type/id" as the outbox and conflicts commands print it */
static GStrv
split_record (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, "/", 2);

  if (g_strv_length (parts) != 2 || *parts[0] == '\0' || *parts[1] == '\0')
    return NULL;
  return g_steal_pointer (&parts);
}

static int
cmd_resolve (int    argc,
             char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;
  g_auto(GStrv) parts = argc == 3 ? split_record (argv[1]) : NULL;

  if (parts == NULL || (!g_str_equal (argv[2], "mine") && !g_str_equal (argv[2], "theirs")))
    {
      g_printerr ("frontdesk-ctl: resolve: %s\n", _("usage: frontdesk-ctl resolve Type/id mine|theirs"));
      return EXIT_FAILURE;
    }

  store = open_store (&error);
  if (store == NULL ||
      !fd_store_resolve_conflict (store, parts[0], parts[1], g_str_equal (argv[2], "mine"), &error))
    return fail ("resolve", error);

  g_print ("%s\n", g_str_equal (argv[2], "mine")
           ? _("This desk’s version will go to the server with the next sync.")
           : _("The server’s version is kept; this desk’s change was dropped."));
  return EXIT_SUCCESS;
}

static int
cmd_retry (int    argc,
           char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;
  g_auto(GStrv) parts = argc == 2 ? split_record (argv[1]) : NULL;

  if (parts == NULL)
    {
      g_printerr ("frontdesk-ctl: retry: %s\n", _("usage: frontdesk-ctl retry Type/id"));
      return EXIT_FAILURE;
    }

  store = open_store (&error);
  if (store == NULL || !fd_store_retry_parked (store, parts[0], parts[1], &error))
    return fail ("retry", error);

  g_print ("%s\n", _("The change is back in the queue and goes to the server with the next sync."));
  return EXIT_SUCCESS;
}

static int
cmd_discard (int    argc,
             char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;
  g_autoptr(FdFhirClient) client = NULL;
  g_autoptr(FdSyncEngine) engine = NULL;
  g_autoptr(GPtrArray) waiting = NULL;
  g_autofree char *version = NULL;
  g_auto(GStrv) parts = argc == 2 ? split_record (argv[1]) : NULL;

  if (parts == NULL)
    {
      g_printerr ("frontdesk-ctl: discard: %s\n", _("usage: frontdesk-ctl discard Type/id"));
      return EXIT_FAILURE;
    }

  store = open_store (&error);
  if (store == NULL)
    return fail ("discard", error);
  if (!fd_store_discard_parked (store, parts[0], parts[1], &error))
    {
      if (g_error_matches (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_ALLOWED))
        g_printerr ("frontdesk-ctl: discard: %s\n%s frontdesk-ctl retry %s\n", error->message,
                    _("Fix the cause on the server, then send it again:"), argv[1]);
      else
        fail ("discard", error);
      return EXIT_FAILURE;
    }

  /* The server's version now if the server can be reached, else with the next sync */
  if (server_url () != NULL)
    {
      client = connect_client (&error);
      if (client != NULL)
        engine = fd_sync_engine_new (store, client);
      if (engine == NULL || !fd_sync_engine_restore_discarded (engine, NULL, &error))
        g_printerr ("frontdesk-ctl: discard: %s\n", error->message);
    }

  g_clear_error (&error);
  waiting = fd_store_list_discarded (store, &error);
  if (waiting == NULL)
    return fail ("discard", error);
  version = fd_store_get_version (store, parts[0], parts[1]);
  if (g_ptr_array_find_with_equal_func (waiting, argv[1], g_str_equal, NULL))
    g_print ("%s\n", _("The change was discarded; the server’s version of the record comes back with the next sync."));
  else if (version != NULL)
    g_print ("%s\n", _("The change was discarded; the record is as the server has it."));
  else
    g_print ("%s\n", _("The change was discarded; the record, which the server never had, was removed from this station."));
  return EXIT_SUCCESS;
}

/* The documents of the cashier */

static void
say (const char *command,
     const char *message)
{
  g_printerr ("frontdesk-ctl: %s: %s\n", command, message);
}

/* An amount as the desk's language writes it: never negative, at most two
 * decimals */
static gboolean
parse_money_option (const char  *text,
                    gint64      *cents,
                    GError     **error)
{
  FdMoneyStyle style;
  FdMoney money;

  fd_money_style_from_locale (&style);
  if (!fd_money_parse (text, NULL, &style, &money, error))
    return FALSE;
  *cents = money.cents;
  return TRUE;
}

/* The station's code as the station itself makes it from the computer's
 * name, when --station is not given */
static char *
default_station (void)
{
  GString *out = g_string_new (NULL);

  for (const char *p = g_get_host_name (); *p != '\0' && out->len < 12; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (out, g_ascii_toupper (*p));
  if (out->len == 0)
    g_string_append (out, "DESK");
  return g_string_free (out, FALSE);
}

static gboolean
check_pdf_option (const char *command,
                  const char *pdf)
{
  if (pdf == NULL || *pdf == '\0')
    {
      say (command, _("give the PDF to write with --pdf FILE"));
      return FALSE;
    }
  return TRUE;
}

static int
cmd_receipt (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("NUMBER — a receipt, as reprinted at the desk"));
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;
  g_autoptr(FdDocument) document = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *paper = NULL;
  double width, height;
  const GOptionEntry entries[] = {
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, N_("Write the receipt to this PDF"), N_("FILE") },
    { "paper", 0, 0, G_OPTION_ARG_STRING, &paper, N_("roll-80mm (default), letter or a4"), N_("PAPER") },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail ("receipt", error);
  if (argc != 2)
    {
      say ("receipt", _("usage: frontdesk-ctl receipt NUMBER --pdf FILE"));
      return EXIT_FAILURE;
    }
  if (!check_pdf_option ("receipt", pdf))
    return EXIT_FAILURE;
  if (paper == NULL)
    paper = g_strdup (FD_DOCUMENT_PAPER_ROLL);
  if (!fd_document_paper_size (paper, &width, &height))
    {
      say ("receipt", _("--paper takes roll-80mm, letter or a4"));
      return EXIT_FAILURE;
    }

  store = open_store (&error);
  if (store == NULL)
    return fail ("receipt", error);
  document = fd_document_new_receipt (store, argv[1], TRUE, NULL, &error);
  if (document == NULL || !fd_document_write_pdf (document, pdf, paper, NULL, NULL, NULL, &error))
    return fail ("receipt", error);

  /* Translators: the receipt number and the PDF it went to */
  g_print (_("Receipt %s written to %s\n"), argv[1], pdf);
  return EXIT_SUCCESS;
}

static int
cmd_statements (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("— the statement run, every statement to one PDF"));
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(FdDocument) document = NULL;
  g_auto(GStrv) patient_ids = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *min_text = NULL;
  int since = 30;
  gint64 min_cents = 1000;
  GDate today;
  const GOptionEntry entries[] = {
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, N_("Write the statements to this PDF"), N_("FILE") },
    { "min-balance", 0, 0, G_OPTION_ARG_STRING, &min_text, N_("Only guarantors who owe more than this amount, all their accounts together (default 10.00)"), N_("AMOUNT") },
    { "since", 0, 0, G_OPTION_ARG_INT, &since, N_("Leave out guarantors sent a statement for any of their accounts in the last DAYS days (default 30)"), N_("DAYS") },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail ("statements", error);
  if (argc != 1)
    {
      say ("statements", _("usage: frontdesk-ctl statements --pdf FILE [--min-balance AMOUNT] [--since DAYS]"));
      return EXIT_FAILURE;
    }
  if (!check_pdf_option ("statements", pdf))
    return EXIT_FAILURE;
  if (min_text != NULL && !parse_money_option (min_text, &min_cents, &error))
    {
      g_autofree char *message = g_strdup_printf (_("--min-balance “%s”: %s"), min_text, error->message);

      say ("statements", message);
      return EXIT_FAILURE;
    }
  if (since < 0 || since > 3650)
    {
      say ("statements", _("--since takes a number of days from 0 to 3650"));
      return EXIT_FAILURE;
    }

  store = open_store (&error);
  if (store == NULL)
    return fail ("statements", error);
  {
    g_autoptr(GTimeZone) tz = g_time_zone_new_local ();

    fd_date_set_today (&today, tz);
  }
  groups = fd_ledger_list_statement_groups (store, min_cents, (guint) since, &today, &error);
  if (groups == NULL)
    return fail ("statements", error);
  if (groups->len == 0)
    {
      g_print ("%s\n", _("No account is due a statement; no file was written."));
      return EXIT_SUCCESS;
    }

  /* Written whole first; the statement dates only once the file is there */
  document = fd_document_new_statements (store, groups, &today, NULL, NULL, &error);
  if (document == NULL ||
      !fd_document_write_pdf (document, pdf, FD_DOCUMENT_PAPER_LETTER, NULL, NULL, NULL, &error))
    return fail ("statements", error);

  patient_ids = fd_document_get_patient_ids (document);
  if (!fd_ledger_record_statements (store, (const char * const *) patient_ids, &today, &error))
    return fail ("statements", error);

  g_print (ngettext ("%u statement written to %s; its statement date is recorded on each of its accounts\n",
                     "%u statements written to %s; their statement dates are recorded on each of their accounts\n",
                     groups->len), groups->len, pdf);
  return EXIT_SUCCESS;
}

static int
cmd_drawer_report (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("— a cash drawer’s close-out report"));
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;
  g_autoptr(FdDocument) document = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *date = NULL;
  g_autofree char *station = NULL;
  const char * const *languages = g_get_language_names ();
  gint64 session;
  GDate day;
  const GOptionEntry entries[] = {
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, N_("Write the report to this PDF"), N_("FILE") },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("The day the drawer was opened, YYYY-MM-DD (default: today)"), N_("DATE") },
    { "station", 0, 0, G_OPTION_ARG_STRING, &station, N_("The station’s code (default: this computer’s)"), N_("CODE") },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail ("drawer-report", error);
  if (argc != 1)
    {
      say ("drawer-report", _("usage: frontdesk-ctl drawer-report [--date DATE] --pdf FILE"));
      return EXIT_FAILURE;
    }
  if (!check_pdf_option ("drawer-report", pdf))
    return EXIT_FAILURE;
  g_date_clear (&day, 1);
  if (date == NULL)
    {
      g_autoptr(GTimeZone) tz = g_time_zone_new_local ();

      fd_date_set_today (&day, tz);
    }
  else if (!fd_date_parse_iso (date, &day) || !g_date_valid (&day))
    {
      say ("drawer-report", _("--date takes a date as YYYY-MM-DD"));
      return EXIT_FAILURE;
    }
  if (station == NULL)
    station = default_station ();

  store = open_store (&error);
  if (store == NULL)
    return fail ("drawer-report", error);
  session = fd_ledger_drawer_find (store, station, &day, &error);
  if (session < 0)
    return fail ("drawer-report", error);
  if (session == 0)
    {
      g_autofree char *iso = fd_date_format_iso (&day);
      /* Translators: a station code and a date */
      g_autofree char *message = g_strdup_printf (_("station %s opened no drawer on %s"), station, iso);

      say ("drawer-report", message);
      return EXIT_FAILURE;
    }
  document = fd_document_new_drawer_report (store, session, languages[0], NULL, &error);
  if (document == NULL ||
      !fd_document_write_pdf (document, pdf, FD_DOCUMENT_PAPER_LETTER, NULL, NULL, NULL, &error))
    return fail ("drawer-report", error);

  g_print (_("Drawer report written to %s\n"), pdf);
  return EXIT_SUCCESS;
}

static void
usage (void)
{
  g_printerr ("%s\n\n  %s\n  %s\n  %s\n  %s\n  %s\n  %s\n  %s\n  %s\n  %s\n  %s\n  %s\n  %s\n\n%s\n",
              _("Usage: frontdesk-ctl [--profile NAME] [--data-dir DIR] COMMAND [OPTIONS]"),
              _("seed-demo   build a synthetic demo clinic (--patients N --days D --seed S [--bundle FILE])"),
              _("status      schema version and what the profile holds"),
              _("search      find patients: frontdesk-ctl search QUERY"),
              _("sync        send this desk’s changes, then download the clinic’s records (--server URL [--auth METHOD …])"),
              _("outbox      the changes waiting for the server, and the parked ones with their reason"),
              _("conflicts   records changed here and by someone else, waiting for a choice"),
              _("resolve     choose for one of them: frontdesk-ctl resolve Type/id mine|theirs"),
              _("retry       send a change the server refused again: frontdesk-ctl retry Type/id"),
              _("discard     give up a refused change, back to the server’s version: frontdesk-ctl discard Type/id"),
              _("receipt     reprint a receipt to a PDF: frontdesk-ctl receipt NUMBER --pdf FILE"),
              _("statements  the statement run to one PDF (--pdf FILE [--min-balance AMOUNT] [--since DAYS])"),
              _("drawer-report  a drawer’s close-out report (--pdf FILE [--date DATE] [--station CODE])"),
              _("Run “frontdesk-ctl COMMAND --help” for a command’s options."));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const char *command;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("FRONTDESK_LOCALEDIR") ?: LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (_("COMMAND — headless operations on a Frontdesk station profile"));
  g_option_context_add_main_entries (context, global_entries, GETTEXT_PACKAGE);
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_set_summary (context,
                                _("Commands: seed-demo, status, search, sync, outbox, conflicts, resolve, "
                                  "retry, discard, receipt, statements, drawer-report"));
  g_option_context_set_description (context,
                                    _("Signing in to the server: without --auth, the FRONTDESK_* variables choose the method "
                                      "(FRONTDESK_OAUTH_TOKEN_URL, FRONTDESK_OAUTH_CLIENT_ID and FRONTDESK_OAUTH_CLIENT_SECRET; "
                                      "FRONTDESK_SERVER_USER and FRONTDESK_SERVER_PASSWORD; or FRONTDESK_SERVER_TOKEN). "
                                      "With --auth, the token, password or client secret comes from the same variables, "
                                      "or else from the desktop keyring where the station saved it for this server."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("frontdesk-ctl: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (opt_version)
    {
      g_print ("frontdesk-ctl %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  if (argc < 2)
    {
      usage ();
      return EXIT_FAILURE;
    }

  command = argv[1];
  if (g_str_equal (command, "seed-demo"))
    return cmd_seed_demo (argc - 1, argv + 1);
  if (g_str_equal (command, "status"))
    return cmd_status (argc - 1, argv + 1);
  if (g_str_equal (command, "search"))
    return cmd_search (argc - 1, argv + 1);
  if (g_str_equal (command, "sync"))
    return cmd_sync (argc - 1, argv + 1);
  if (g_str_equal (command, "outbox"))
    return cmd_outbox (argc - 1, argv + 1);
  if (g_str_equal (command, "conflicts"))
    return cmd_conflicts (argc - 1, argv + 1);
  if (g_str_equal (command, "resolve"))
    return cmd_resolve (argc - 1, argv + 1);
  if (g_str_equal (command, "retry"))
    return cmd_retry (argc - 1, argv + 1);
  if (g_str_equal (command, "discard"))
    return cmd_discard (argc - 1, argv + 1);
  if (g_str_equal (command, "receipt"))
    return cmd_receipt (argc - 1, argv + 1);
  if (g_str_equal (command, "statements"))
    return cmd_statements (argc - 1, argv + 1);
  if (g_str_equal (command, "drawer-report"))
    return cmd_drawer_report (argc - 1, argv + 1);

  g_printerr ("frontdesk-ctl: %s “%s”\n", _("unknown command"), command);
  usage ();
  return EXIT_FAILURE;
}
