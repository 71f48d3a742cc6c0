/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdSyncEngine"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fd-dates.h"
#include "fd-fhir.h"
#include "fd-store-workset.h"
#include "fd-sync-engine.h"

/* Downloads the clinic's records into the local store. */
struct _FdSyncEngine
{
  GObject       parent_instance;

  FdStore      *store;
  FdFhirClient *client;
  guint         page_size;
  gboolean      use_batch;
  guint         batch_size;
  guint         days_back;
  guint         days_ahead;
  GDate         today;      /* invalid: the clock's */
};

G_DEFINE_FINAL_TYPE (FdSyncEngine, fd_sync_engine, G_TYPE_OBJECT)

/* Records sent in one batch request */
#define PUSH_BATCH 100

/* The working set's appointment window, unless told otherwise */
#define DEFAULT_DAYS_BACK 7
#define DEFAULT_DAYS_AHEAD 30
#define MAX_WINDOW_DAYS 3660

/* Referenced resources come before the ones that point at them: the order
 * of a push */
static const char * const pull_types[] = {
  "Organization", "Location", "Practitioner", "Schedule",
  "Patient", "RelatedPerson", "Coverage", "CoverageEligibilityRequest", "CoverageEligibilityResponse",
  "Account", "Appointment", "Encounter", "QuestionnaireResponse", "Consent",
  "Invoice", "PaymentReconciliation",
};

/* Helpers */

typedef gboolean (*WantFunc) (FdSyncEngine *self,
                              const char   *type,
                              JsonObject   *resource,
                              gpointer      data);

/* One search, page after page */
typedef struct
{
  FdSyncEngine       *self;
  FdSyncProgressFunc  progress;
  gpointer            user_data;
  FdSyncStats        *stats;
  GCancellable       *cancellable;
  char               *newest;   /* the latest lastUpdated any page carried */
} Pull;

static const char *
next_link (JsonObject *bundle)
{
  JsonArray *links = fd_fhir_get_array (bundle, "link");

  for (guint i = 0; links && i < json_array_get_length (links); i++)
    {
      JsonObject *link = fd_fhir_array_object (links, i);

      if (g_strcmp0 (fd_fhir_get_string (link, "relation"), "next") == 0)
        return fd_fhir_get_string (link, "url");
    }

  return NULL;
}

static char *
watermark_key (const char *type)
{
  return g_strdup_printf ("pull.watermark.%s", type);
}

/* @query is "Type" or "Type?param=value…"; with @incremental only what
 * changed since the type's watermark */
static char *
first_page (FdSyncEngine *self,
            const char   *type,
            const char   *query,
            gboolean      incremental)
{
  g_autofree char *key = watermark_key (type);
  g_autofree char *watermark = incremental ? fd_store_get_meta (self->store, key) : NULL;
  const char *joiner = strchr (query, '?') != NULL ? "&" : "?";

  if (watermark == NULL)
    return g_strdup_printf ("%s%s_count=%u&_sort=_lastUpdated", query, joiner, self->page_size);

  /* Several resources can share one lastUpdated: "ge", and skip what is known */
  {
    g_autofree char *escaped = g_uri_escape_string (watermark, NULL, FALSE);
    return g_strdup_printf ("%s%s_count=%u&_sort=_lastUpdated&_lastUpdated=ge%s",
                            query, joiner, self->page_size, escaped);
  }
}

/* The Patient id a reference names, relative or absolute */
static const char *
patient_id_of_reference (JsonObject *reference)
{
  const char *text = fd_fhir_get_string (reference, "reference");
  const char *found;

  if (text == NULL || (found = g_strrstr (text, "Patient/")) == NULL)
    return NULL;
  if (found != text && found[-1] != '/')
    return NULL;
  found += strlen ("Patient/");
  return *found != '\0' && strchr (found, '/') == NULL ? found : NULL;
}

/* Whether the element @name of @resource (a reference or a list of them)
 * names a patient that @is_wanted accepts */
static gboolean
names_patient (JsonObject  *resource,
               const char  *name,
               gboolean   (*is_wanted) (FdSyncEngine *, const char *, gpointer),
               FdSyncEngine *self,
               gpointer     data)
{
  JsonNode *node = json_object_get_member (resource, name);

  if (node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_OBJECT (node))
    return is_wanted (self, patient_id_of_reference (json_node_get_object (node)), data);
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (is_wanted (self, patient_id_of_reference (fd_fhir_array_object (array, i)), data))
          return TRUE;
    }
  return FALSE;
}

/* Applies one page in one transaction, with its watermark when
 * @incremental. A record @want refuses is skipped unless it is cached. */
static gboolean
apply_page (FdSyncEngine  *self,
            const char    *type,
            JsonObject    *bundle,
            gboolean       incremental,
            WantFunc       want,
            gpointer       want_data,
            Pull          *pull,
            guint         *n_entries,
            guint         *n_at_watermark,
            GError       **error)
{
  g_autofree char *key = watermark_key (type);
  g_autofree char *watermark = incremental ? fd_store_get_meta (self->store, key) : NULL;
  JsonArray *entries = fd_fhir_get_array (bundle, "entry");
  FdSyncStats *stats = pull->stats;

  *n_entries = 0;
  *n_at_watermark = 0;
  if (!fd_store_begin (self->store, error))
    return FALSE;

  for (guint i = 0; entries && i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = fd_fhir_array_object (entries, i);
      JsonObject *resource = fd_fhir_get_object (entry, "resource");
      JsonObject *search = fd_fhir_get_object (entry, "search");
      JsonObject *meta = fd_fhir_get_object (resource, "meta");
      const char *id = fd_fhir_get_string (resource, "id");
      const char *version = fd_fhir_get_string (meta, "versionId");
      const char *updated = fd_fhir_get_string (meta, "lastUpdated");
      g_autofree char *known = NULL;

      /* Warnings the server adds to a search answer are not data */
      if (g_strcmp0 (fd_fhir_get_string (search, "mode"), "outcome") == 0)
        continue;

      if (g_strcmp0 (fd_fhir_get_string (resource, "resourceType"), type) != 0 ||
          !fd_fhir_check_resource (resource, NULL))
        {
          fd_store_rollback (self->store);
          g_set_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_MALFORMED,
                       _("The server answered a search for %s records with something else"), type);
          return FALSE;
        }

      (*n_entries)++;

      /* Instants, not text: the server's own spelling is kept to send back */
      if (fd_instant_later (updated, pull->newest))
        {
          g_free (pull->newest);
          pull->newest = g_strdup (updated);
        }
      if (incremental && fd_instant_later (updated, watermark))
        {
          g_free (watermark);
          watermark = g_strdup (updated);
          *n_at_watermark = 0;
        }
      if (incremental && fd_instant_equal (updated, watermark))
        (*n_at_watermark)++;

      known = fd_store_get_version (self->store, type, id);
      if (known != NULL && version != NULL && g_str_equal (known, version))
        {
          stats->unchanged++;
          continue;
        }

      /* Outside the working set, and not cached: not this station's business */
      if (known == NULL && want != NULL && !want (self, type, resource, want_data))
        {
          stats->skipped++;
          continue;
        }

      /* Never overwrite a change that is still on its way up */
      if (fd_store_has_pending_change (self->store, type, id))
        {
          stats->held++;
          continue;
        }

      if (!fd_store_put (self->store, resource, FD_STORE_ORIGIN_SERVER, error))
        {
          fd_store_rollback (self->store);
          return FALSE;
        }
      stats->pulled++;
    }

  if (watermark != NULL && !fd_store_set_meta (self->store, key, watermark, error))
    {
      fd_store_rollback (self->store);
      return FALSE;
    }

  stats->pages++;
  return fd_store_commit (self->store, error);
}

/* A page asked for in a thread of its own while the one before is
 * written: the server and the station work at the same time. Only one
 * request is ever on its way, so the client is never used by two threads
 * at once. */
typedef struct
{
  GThread      *thread;
  FdFhirClient *client;
  char         *url;
  GCancellable *cancellable;
  JsonObject   *bundle;
  GError       *error;
} Ahead;

static gpointer
ahead_thread (gpointer data)
{
  Ahead *ahead = data;

  ahead->bundle = fd_fhir_client_get (ahead->client, ahead->url, ahead->cancellable, &ahead->error);
  return NULL;
}

static void
ahead_start (Ahead        *ahead,
             FdFhirClient *client,
             const char   *url,
             GCancellable *cancellable)
{
  ahead->client = client;
  ahead->url = g_strdup (url);
  ahead->cancellable = cancellable;
  ahead->bundle = NULL;
  ahead->error = NULL;
  ahead->thread = g_thread_new ("fd-pull-page", ahead_thread, ahead);
}

/* The page asked for, or %NULL with @error set */
static JsonObject *
ahead_finish (Ahead   *ahead,
              GError **error)
{
  g_thread_join (g_steal_pointer (&ahead->thread));
  g_clear_pointer (&ahead->url, g_free);
  if (ahead->error != NULL)
    g_propagate_error (error, g_steal_pointer (&ahead->error));
  return g_steal_pointer (&ahead->bundle);
}

/* Waits for a page no longer wanted */
static void
ahead_drop (Ahead *ahead)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) bundle = NULL;

  if (ahead->thread != NULL)
    bundle = ahead_finish (ahead, &error);
}

/* Downloads every page of one search. With @incremental, the search asks
 * only for what changed since the type's watermark and moves it page by
 * page; otherwise it leaves the watermark alone. */
static gboolean
pull_search (Pull        *pull,
             const char  *type,
             const char  *query,
             gboolean     incremental,
             WantFunc     want,
             gpointer     want_data,
             GError     **error)
{
  FdSyncEngine *self = pull->self;
  FdSyncStats *stats = pull->stats;
  g_autofree char *url = first_page (self, type, query, incremental);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *previous_watermark = NULL;
  g_autofree char *previous_page = NULL;
  guint skip = 0;
  guint entries_seen = 0;
  Ahead ahead = { NULL, };

  while (url != NULL)
    {
      g_autoptr(JsonObject) bundle = NULL;
      guint n_entries, n_at_watermark;
      guint pulled_before_page = stats->pulled;
      const char *next;

      /* A server whose links go round in circles must not keep us forever */
      if (!g_hash_table_add (seen, g_strdup (url)))
        {
          g_set_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_MALFORMED,
                       _("The server’s pages of %s records go round in a circle"), type);
          return FALSE;
        }

      /* The page asked for while the one before was written is this one:
       * each next link becomes the next url */
      if (ahead.thread != NULL)
        bundle = ahead_finish (&ahead, error);
      else
        bundle = fd_fhir_client_get (self->client, url, pull->cancellable, error);
      if (bundle == NULL)
        return FALSE;
      if (g_strcmp0 (fd_fhir_get_string (bundle, "resourceType"), "Bundle") != 0)
        {
          g_set_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_MALFORMED,
                       _("The server answered a search for %s records with something else"), type);
          return FALSE;
        }

      next = next_link (bundle);
      if (next != NULL && !g_hash_table_contains (seen, next))
        ahead_start (&ahead, self->client, next, pull->cancellable);

      if (!apply_page (self, type, bundle, incremental, want, want_data, pull,
                       &n_entries, &n_at_watermark, error))
        {
          ahead_drop (&ahead);
          return FALSE;
        }
      if (pull->progress != NULL)
        pull->progress (type, stats->pulled, pull->user_data);

      entries_seen += n_entries;
      g_free (url);
      url = g_strdup (next);
      if (url != NULL || n_entries < self->page_size)
        continue;

      /* A server without paging links: page ourselves */
      if (incremental)
        {
          /* Ask again from the new watermark, past the resources already
           * seen at that very instant, unless that brought nothing new: a
           * server that ignores _offset would otherwise send the same page
           * for ever */
          g_autofree char *key = watermark_key (type);
          g_autofree char *watermark = fd_store_get_meta (self->store, key);
          g_autofree char *base = first_page (self, type, query, TRUE);

          if (g_strcmp0 (watermark, previous_watermark) == 0 && stats->pulled == pulled_before_page)
            break;

          skip = g_strcmp0 (watermark, previous_watermark) == 0 ? skip + n_at_watermark : n_at_watermark;
          g_free (previous_watermark);
          previous_watermark = g_steal_pointer (&watermark);
          url = skip > 0 ? g_strdup_printf ("%s&_offset=%u", base, skip) : g_steal_pointer (&base);
        }
      else
        {
          /* The same page again means the server ignores _offset */
          JsonArray *entries = fd_fhir_get_array (bundle, "entry");
          JsonObject *first = fd_fhir_get_object (fd_fhir_array_object (entries, 0), "resource");
          g_autofree char *base = first_page (self, type, query, FALSE);
          g_autofree char *page = g_strdup_printf ("%s/%s", fd_fhir_get_string (first, "id"),
                                                   fd_fhir_get_string (fd_fhir_get_object (first, "meta"), "versionId"));

          if (g_strcmp0 (page, previous_page) == 0)
            break;
          g_free (previous_page);
          previous_page = g_steal_pointer (&page);
          url = g_strdup_printf ("%s&_offset=%u", base, entries_seen);
        }
    }

  return TRUE;
}

/* The working set */

/* Whole: few records that every desk needs */
static const char * const reference_types[] = {
  "Organization", "Location", "Practitioner", "Schedule",
};

/* Per patient: the search parameter and the element that name the patient */
static const struct {
  const char *type;
  const char *param;
  const char *element;
} patient_types[] = {
  { "Patient", "_id", NULL },
  { "Coverage", "beneficiary", "beneficiary" },
  { "CoverageEligibilityRequest", "patient", "patient" },
  { "CoverageEligibilityResponse", "patient", "patient" },
  { "Account", "subject", "subject" },
  { "Encounter", "subject", "subject" },
  { "QuestionnaireResponse", "subject", "subject" },
  { "Consent", "patient", "patient" },
  { "Invoice", "subject", "subject" },
  /* a parent or spouse who answers for the patient's account */
  { "RelatedPerson", "patient", "patient" },
};

/* R4 gives PaymentReconciliation no search parameter for the patient: it
 * comes whole, as reference data does */
static const char * const whole_types[] = {
  "PaymentReconciliation",
};

static const char *
patient_element (const char *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (patient_types); i++)
    if (g_str_equal (type, patient_types[i].type))
      return patient_types[i].element;
  return NULL;
}

static gboolean
is_followed_cb (FdSyncEngine *self,
                const char   *patient_id,
                gpointer      data)
{
  return fd_store_working_set_contains (self->store, patient_id);
}

static gboolean
is_listed_cb (FdSyncEngine *self,
              const char   *patient_id,
              gpointer      data)
{
  return patient_id != NULL && g_hash_table_contains (data, patient_id);
}

/* A change of a patient's record: wanted when the patient is followed */
static gboolean
want_followed (FdSyncEngine *self,
               const char   *type,
               JsonObject   *resource,
               gpointer      data)
{
  if (g_str_equal (type, "Patient"))
    return is_followed_cb (self, fd_fhir_get_string (resource, "id"), NULL);
  return names_patient (resource, patient_element (type), is_followed_cb, self, NULL);
}

/* A record of one of the patients in @data (a set of ids) */
static gboolean
want_listed (FdSyncEngine *self,
             const char   *type,
             JsonObject   *resource,
             gpointer      data)
{
  if (g_str_equal (type, "Patient"))
    return is_listed_cb (self, fd_fhir_get_string (resource, "id"), data);
  return names_patient (resource, patient_element (type), is_listed_cb, self, data);
}

/* An appointment in the window (or without a time, of a followed patient) */
static gboolean
want_appointment (FdSyncEngine *self,
                  const char   *type,
                  JsonObject   *resource,
                  gpointer      data)
{
  const char *start = fd_fhir_get_string (resource, "start");
  g_autoptr(GDateTime) when = NULL;
  GDate first, last, day;

  if (start == NULL)
    {
      JsonArray *participants = fd_fhir_get_array (resource, "participant");

      for (guint i = 0; participants && i < json_array_get_length (participants); i++)
        if (names_patient (fd_fhir_array_object (participants, i), "actor", is_followed_cb, self, NULL))
          return TRUE;
      return FALSE;
    }

  when = fd_date_time_parse (start, fd_store_get_time_zone (self->store));
  if (when == NULL)
    return FALSE;
  fd_date_from_date_time (&day, when);
  fd_sync_engine_get_window (self, &first, &last);
  return g_date_compare (&day, &first) >= 0 && g_date_compare (&day, &last) <= 0;
}

/* The newest lastUpdated of @type on the server, as the watermark to keep
 * after a first fetch; %NULL with no error when the server has none or
 * cannot sort that way */
static char *
newest_on_server (Pull        *pull,
                  const char  *type,
                  GError     **error)
{
  g_autofree char *path = g_strdup_printf ("%s?_count=1&_sort=-_lastUpdated", type);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) bundle = fd_fhir_client_get (pull->self->client, path, pull->cancellable, &local_error);
  JsonObject *resource;

  if (bundle == NULL)
    {
      if (g_error_matches (local_error, FD_SYNC_ERROR, FD_SYNC_ERROR_REJECTED))
        return NULL;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  resource = fd_fhir_get_object (fd_fhir_array_object (fd_fhir_get_array (bundle, "entry"), 0), "resource");
  if (g_strcmp0 (fd_fhir_get_string (resource, "resourceType"), type) != 0)
    return NULL;
  return g_strdup (fd_fhir_get_string (fd_fhir_get_object (resource, "meta"), "lastUpdated"));
}

/* After a first fetch: changes from @newest on come with the next pull */
static gboolean
settle_watermark (FdSyncEngine  *self,
                  const char    *type,
                  const char    *newest,
                  GError       **error)
{
  g_autofree char *key = watermark_key (type);
  g_autofree char *watermark = fd_store_get_meta (self->store, key);

  if (!fd_instant_later (newest, watermark))
    return TRUE;
  return fd_store_set_meta (self->store, key, newest, error);
}

static char *
window_instant (FdSyncEngine *self,
                const GDate  *day,
                gboolean      end)
{
  g_autoptr(GDateTime) local = g_date_time_new (fd_store_get_time_zone (self->store),
                                                g_date_get_year (day), g_date_get_month (day),
                                                g_date_get_day (day),
                                                end ? 23 : 0, end ? 59 : 0, end ? 59 : 0);
  g_autofree char *text = g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z");

  return g_uri_escape_string (text, NULL, FALSE);
}

/* The search for every appointment from @first to @last */
static char *
appointment_days_query (FdSyncEngine *self,
                        const GDate  *first,
                        const GDate  *last)
{
  g_autofree char *from = window_instant (self, first, FALSE);
  g_autofree char *to = window_instant (self, last, TRUE);

  return g_strdup_printf ("Appointment?date=ge%s&date=le%s", from, to);
}

/* Every appointment from @first to @last, whatever the watermark */
static gboolean
pull_appointment_days (Pull         *pull,
                       const GDate  *first,
                       const GDate  *last,
                       GError      **error)
{
  g_autofree char *query = appointment_days_query (pull->self, first, last);

  return pull_search (pull, "Appointment", query, FALSE, NULL, NULL, error);
}

/* How many records @query matches on the server; -1 with no error when the
 * server cannot count */
static gint64
count_on_server (Pull        *pull,
                 const char  *query,
                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) bundle = NULL;
  g_autofree char *path = g_strdup_printf ("%s%s_summary=count", query, strchr (query, '?') ? "&" : "?");
  JsonNode *total;

  bundle = fd_fhir_client_get (pull->self->client, path, pull->cancellable, &local_error);
  if (bundle == NULL)
    {
      if (!g_error_matches (local_error, FD_SYNC_ERROR, FD_SYNC_ERROR_REJECTED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return -1;
    }
  total = json_object_get_member (bundle, "total");
  if (total == NULL || json_node_get_value_type (total) != G_TYPE_INT64)
    return -1;
  return json_node_get_int (total);
}

/* Whether the window holds a good part of the clinic's appointments: a
 * search by date costs a server about three times what reading the same
 * number of records in plain pages does, because each page matches the
 * dates of every appointment again; then the schedule is read whole and
 * the window kept here */
static gboolean
window_is_most (Pull          *pull,
                const GDate   *first,
                const GDate   *last,
                GError       **error)
{
  g_autofree char *query = appointment_days_query (pull->self, first, last);
  gint64 in_window, total;

  total = count_on_server (pull, "Appointment", error);
  if (total <= 0)
    return FALSE;
  in_window = count_on_server (pull, query, error);
  if (in_window < 0)
    return FALSE;
  g_debug ("%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " appointments in the window",
           in_window, total);
  return in_window * 3 >= total;
}

static gboolean
read_day (FdSyncEngine *self,
          const char   *key,
          GDate        *out)
{
  g_autofree char *text = fd_store_get_meta (self->store, key);

  return text != NULL && fd_date_parse_iso (text, out);
}

/* The appointments of the window: the days not covered before whole, then
 * only what changed; an appointment moved out of the window still arrives,
 * because it is cached */
static gboolean
pull_appointments (Pull     *pull,
                   GError  **error)
{
  FdSyncEngine *self = pull->self;
  g_autofree char *key = watermark_key ("Appointment");
  g_autofree char *watermark = fd_store_get_meta (self->store, key);
  g_autofree char *newest = NULL;
  g_autofree char *first_text = NULL;
  g_autofree char *last_text = NULL;
  GDate first, last, old_first, old_last;

  fd_sync_engine_get_window (self, &first, &last);

  if (watermark != NULL && read_day (self, "pull.window.first", &old_first) &&
      read_day (self, "pull.window.last", &old_last))
    {
      if (!pull_search (pull, "Appointment", "Appointment", TRUE, want_appointment, NULL, error))
        return FALSE;

      /* Days that entered the window since the last pull */
      if (g_date_compare (&first, &old_first) < 0)
        {
          GDate until = old_first;

          g_date_subtract_days (&until, 1);
          if (g_date_compare (&until, &last) > 0)
            until = last;
          if (!pull_appointment_days (pull, &first, &until, error))
            return FALSE;
        }
      if (g_date_compare (&last, &old_last) > 0)
        {
          GDate from = old_last;

          g_date_add_days (&from, 1);
          if (g_date_compare (&from, &first) < 0)
            from = first;
          if (!pull_appointment_days (pull, &from, &last, error))
            return FALSE;
        }
    }
  else
    {
      g_autoptr(GError) local_error = NULL;

      newest = newest_on_server (pull, "Appointment", &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_clear_pointer (&pull->newest, g_free);
      if (window_is_most (pull, &first, &last, &local_error))
        {
          if (!pull_search (pull, "Appointment", "Appointment", FALSE, want_appointment, NULL, error))
            return FALSE;
        }
      else if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      else if (!pull_appointment_days (pull, &first, &last, error))
        return FALSE;
      if (!settle_watermark (self, "Appointment", newest ? newest : pull->newest, error))
        return FALSE;
    }

  first_text = fd_date_format_iso (&first);
  last_text = fd_date_format_iso (&last);
  return fd_store_set_meta (self->store, "pull.window.first", first_text, error) &&
         fd_store_set_meta (self->store, "pull.window.last", last_text, error);
}

/* All records of @type of @patients, in batches of ids */
static gboolean
pull_patients_records (Pull         *pull,
                       guint         t,
                       GPtrArray    *patients,
                       gboolean     *unsupported,
                       GError      **error)
{
  FdSyncEngine *self = pull->self;
  const char *type = patient_types[t].type;
  gboolean by_id = g_str_equal (patient_types[t].param, "_id");

  *unsupported = FALSE;
  for (guint i = 0; i < patients->len; i += self->batch_size)
    {
      g_autoptr(GString) query = g_string_new (NULL);
      g_autoptr(GError) local_error = NULL;

      g_string_append_printf (query, "%s?%s=", type, patient_types[t].param);
      for (guint j = i; j < MIN (i + self->batch_size, patients->len); j++)
        {
          g_autofree char *id = g_uri_escape_string (g_ptr_array_index (patients, j), NULL, FALSE);

          g_string_append_printf (query, "%s%s%s", j > i ? "," : "", by_id ? "" : "Patient/", id);
        }

      if (!pull_search (pull, type, query->str, FALSE, NULL, NULL, &local_error))
        {
          /* A server without that search parameter: the caller falls back */
          if (i == 0 && g_error_matches (local_error, FD_SYNC_ERROR, FD_SYNC_ERROR_REJECTED))
            {
              g_debug ("The server cannot search %s by %s", type, patient_types[t].param);
              *unsupported = TRUE;
              return TRUE;
            }
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  return TRUE;
}

/* One patient-scoped type: the changes of followed patients since the
 * watermark in one search, then the newcomers' records whole */
static gboolean
pull_patient_type (Pull        *pull,
                   guint        t,
                   GPtrArray   *wanted,
                   GHashTable  *wanted_set,
                   GPtrArray   *entering,
                   gboolean     whole,
                   GError     **error)
{
  FdSyncEngine *self = pull->self;
  const char *type = patient_types[t].type;
  g_autofree char *key = watermark_key (type);
  g_autofree char *watermark = fd_store_get_meta (self->store, key);
  g_autofree char *newest = NULL;
  GPtrArray *targets = entering;
  gboolean unsupported = FALSE;

  if (watermark != NULL)
    {
      if (!pull_search (pull, type, type, TRUE, want_followed, NULL, error))
        return FALSE;
    }
  else
    {
      g_autoptr(GError) local_error = NULL;

      /* The first time, every wanted patient's records of this type */
      newest = newest_on_server (pull, type, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* None on the server (or a server that cannot say which is newest):
       * every record of the type, keeping the wanted patients' ones */
      if (newest == NULL)
        return pull_search (pull, type, type, TRUE, want_listed, wanted_set, error);
      targets = wanted;
    }

  g_clear_pointer (&pull->newest, g_free);
  if (whole)
    unsupported = TRUE;
  else if (!pull_patients_records (pull, t, targets, &unsupported, error))
    return FALSE;

  /* A server that cannot search the type by patient, or newcomers so many
   * that reading the type whole is cheaper: every record of the type,
   * keeping the wanted patients' ones */
  if (unsupported && !pull_search (pull, type, type, FALSE, want_listed, wanted_set, error))
    return FALSE;

  /* Only after a first fetch: a later watermark would skip changes made
   * while the newcomers were fetched */
  if (watermark == NULL)
    return settle_watermark (self, type, newest, error);
  if (unsupported)
    return settle_watermark (self, type, pull->newest, error);
  return TRUE;
}

/* Whether the newcomers are a good part of the clinic's patients, as on
 * the first pull of a small clinic: a search naming a hundred patients
 * costs a server about as much as reading a thousand records in pages, so
 * then the types are read whole and filtered here */
static gboolean
many_newcomers (Pull       *pull,
                GPtrArray  *entering,
                GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) bundle = NULL;
  JsonNode *total;

  if (entering->len <= 2 * pull->self->batch_size)
    return FALSE;
  bundle = fd_fhir_client_get (pull->self->client, "Patient?_summary=count", pull->cancellable, &local_error);
  if (bundle == NULL)
    {
      /* A server that cannot count: by batches */
      if (!g_error_matches (local_error, FD_SYNC_ERROR, FD_SYNC_ERROR_REJECTED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  total = json_object_get_member (bundle, "total");
  if (total == NULL || json_node_get_value_type (total) != G_TYPE_INT64)
    return FALSE;
  g_debug ("%u patients entering the working set of a clinic of %" G_GINT64_FORMAT,
           entering->len, json_node_get_int (total));
  return (gint64) entering->len * 4 >= json_node_get_int (total);
}

/* One round of the working set: who is wanted now, and the records of
 * those entering it. Sets *@entered to how many entered. */
static gboolean
pull_working_set_round (Pull     *pull,
                        guint    *entered,
                        GError  **error)
{
  FdSyncEngine *self = pull->self;
  g_autoptr(GPtrArray) wanted = NULL;
  g_autoptr(GPtrArray) entering = NULL;
  g_autoptr(GHashTable) wanted_set = g_hash_table_new (g_str_hash, g_str_equal);
  GDate first, last;
  guint left = 0;
  gboolean whole;

  fd_sync_engine_get_window (self, &first, &last);
  wanted = fd_store_working_set_wanted (self->store, &first, &last, error);
  if (wanted == NULL)
    return FALSE;
  entering = fd_store_working_set_update (self->store, wanted, &left, error);
  if (entering == NULL)
    return FALSE;
  for (guint i = 0; i < wanted->len; i++)
    g_hash_table_add (wanted_set, g_ptr_array_index (wanted, i));

  *entered = entering->len;
  pull->stats->entered += entering->len;
  pull->stats->left += left;
  g_debug ("Working set: %u patients, %u entering, %u left", wanted->len, entering->len, left);

  whole = many_newcomers (pull, entering, error);
  if (error != NULL && *error != NULL)
    return FALSE;

  for (guint t = 0; t < G_N_ELEMENTS (patient_types); t++)
    if (!pull_patient_type (pull, t, wanted, wanted_set, entering, whole, error))
      return FALSE;

  return fd_store_working_set_add (self->store, entering, error);
}

static gboolean
pull_working_set (Pull     *pull,
                  GError  **error)
{
  guint entered = 0;

  if (!pull_working_set_round (pull, &entered, error))
    return FALSE;

  /* The accounts just read may name guarantors not followed yet (a parent
   * without a visit of their own): they follow in the same pull */
  if (entered > 0 && !pull_working_set_round (pull, &entered, error))
    return FALSE;

  return TRUE;
}

/* Push */

typedef struct
{
  const char *type;
  const char *id;
  const char *op;            /* of the first change: a create stays a create */
  const char *base_version;  /* of the first change */
  const char *json;          /* of the last change: the result of them all */
  GPtrArray  *steps;         /* the JSON of every change, oldest first */
  gint64      last_seq;
  guint       rank;
  guint       order;
  gboolean    sent;          /* a create handed to the server, its answer never seen */
} Group;

static guint
type_rank (const char *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (pull_types); i++)
    if (g_str_equal (type, pull_types[i]))
      return i;
  return G_N_ELEMENTS (pull_types);
}

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  const Group *x = *(const Group * const *) a;
  const Group *y = *(const Group * const *) b;

  /* Referenced resources first, then in the order the desk made them */
  if (x->rank != y->rank)
    return x->rank < y->rank ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

static JsonNode *
without_meta (JsonObject *resource)
{
  g_autofree char *json = fd_fhir_to_string (resource);
  g_autoptr(JsonObject) copy = fd_fhir_parse (json, -1, NULL);
  JsonNode *node;

  if (copy == NULL)
    return NULL;
  json_object_remove_member (copy, "meta");
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, copy);
  return node;
}

/* Whether the server already holds exactly this change: its reply was lost */
static gboolean
same_content (JsonObject *a,
              JsonObject *b)
{
  g_autoptr(JsonNode) x = without_meta (a);
  g_autoptr(JsonNode) y = without_meta (b);

  return x != NULL && y != NULL && json_node_equal (x, y);
}

static void
group_free (Group *group)
{
  g_ptr_array_unref (group->steps);
  g_free (group);
}

static GPtrArray *
squash (GPtrArray *entries)
{
  g_autoptr(GHashTable) by_resource = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);

  for (guint i = 0; i < entries->len; i++)
    {
      FdOutboxEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *key = g_strdup_printf ("%s/%s", entry->type, entry->id);
      Group *group = g_hash_table_lookup (by_resource, key);

      if (group == NULL)
        {
          group = g_new0 (Group, 1);
          group->type = entry->type;
          group->id = entry->id;
          group->op = entry->op;
          group->base_version = entry->base_version;
          group->rank = type_rank (entry->type);
          group->order = groups->len;
          group->steps = g_ptr_array_new ();
          g_ptr_array_add (groups, group);
          g_hash_table_insert (by_resource, g_steal_pointer (&key), group);
        }
      group->json = entry->json;
      g_ptr_array_add (group->steps, entry->json);
      group->last_seq = entry->seq;
      group->sent |= entry->sent;
    }

  g_ptr_array_sort (groups, compare_groups);
  return groups;
}

static gboolean
holds_earlier_step (Group      *group,
                    JsonObject *current)
{
  for (guint i = 0; i + 1 < group->steps->len; i++)
    {
      g_autoptr(JsonObject) step = fd_fhir_parse (g_ptr_array_index (group->steps, i), -1, NULL);

      if (step != NULL && same_content (current, step))
        return TRUE;
    }

  return FALSE;
}

static gboolean
same_node (JsonNode *a,
           JsonNode *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return json_node_equal (a, b);
}

static void
collect_keys (JsonObject *object,
              GPtrArray  *keys)
{
  g_autoptr(GList) members = object ? json_object_get_members (object) : NULL;

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_ptr_array_find_with_equal_func (keys, l->data, g_str_equal, NULL))
      g_ptr_array_add (keys, l->data);
}

/* Three-way merge by top-level element against the version the desk started
 * from: what only one side changed is taken from that side. Returns %NULL
 * and names the elements both changed differently when it cannot. */
static JsonObject *
merge (FdSyncEngine  *self,
       Group         *group,
       JsonObject    *mine,
       JsonObject    *theirs,
       GString       *fields,
       GCancellable  *cancellable)
{
  g_autoptr(JsonObject) base = NULL;
  g_autoptr(JsonObject) merged = NULL;
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autofree char *path = NULL;
  g_autofree char *theirs_json = NULL;

  if (group->base_version == NULL)
    return NULL;
  path = g_strdup_printf ("%s/%s/_history/%s", group->type, group->id, group->base_version);
  base = fd_fhir_client_get (self->client, path, cancellable, NULL);
  if (base == NULL)
    return NULL;

  theirs_json = fd_fhir_to_string (theirs);
  merged = fd_fhir_parse (theirs_json, -1, NULL);
  if (merged == NULL)
    return NULL;

  collect_keys (base, keys);
  collect_keys (mine, keys);
  collect_keys (theirs, keys);

  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      JsonNode *b = json_object_get_member (base, key);
      JsonNode *m = json_object_get_member (mine, key);
      JsonNode *t = json_object_get_member (theirs, key);

      if (g_str_equal (key, "meta") || same_node (m, b) || same_node (m, t))
        continue;
      if (same_node (t, b))
        {
          if (m != NULL)
            json_object_set_member (merged, key, json_node_copy (m));
          else
            json_object_remove_member (merged, key);
          continue;
        }
      g_string_append_printf (fields, "%s%s", fields->len ? ", " : "", key);
    }

  return fields->len == 0 ? g_steal_pointer (&merged) : NULL;
}

/* Whether the server's answer is the record we sent, with a version */
static gboolean
is_stored_copy (JsonObject *stored,
                Group      *group)
{
  return stored != NULL &&
         g_strcmp0 (fd_fhir_get_string (stored, "resourceType"), group->type) == 0 &&
         g_strcmp0 (fd_fhir_get_string (stored, "id"), group->id) == 0 &&
         fd_fhir_get_string (fd_fhir_get_object (stored, "meta"), "versionId") != NULL;
}

/* A visit opened at check-in has an id made from its appointment's. When
 * two desks check in the same patient, the first to reach the server opened
 * the visit; the other desk takes that record instead of writing over it. */
static gboolean
is_first_come (Group *group)
{
  return g_strcmp0 (group->op, "create") == 0 && g_str_equal (group->type, "Encounter") &&
         g_str_has_prefix (group->id, "visit-");
}

/* Whether what the server holds is read before this create is sent: the
 * create went out before and its answer never came, or another desk may
 * have made the same record first */
static gboolean
reads_first (Group *group)
{
  if (g_strcmp0 (group->op, "create") != 0 || group->base_version != NULL)
    return FALSE;
  return group->sent || is_first_come (group);
}

/* Notes the creates among @groups as handed to the server, before they go:
 * after a lost answer (or a crash) the next push reads them first */
static gboolean
note_sent (FdSyncEngine  *self,
           Group        **groups,
           guint          n,
           GError       **error)
{
  gboolean began = FALSE;

  for (guint i = 0; i < n; i++)
    {
      Group *group = groups[i];

      if (group->sent || g_strcmp0 (group->op, "create") != 0)
        continue;
      if (!began && !(began = fd_store_begin (self->store, error)))
        return FALSE;
      if (!fd_store_mark_outbox_sent (self->store, group->type, group->id, group->last_seq, error))
        {
          fd_store_rollback (self->store);
          return FALSE;
        }
      group->sent = TRUE;
    }

  return !began || fd_store_commit (self->store, error);
}

/* Reads what the server holds of @group's record before its create goes.
 * %FALSE with @error when the server cannot tell now. Sets *@settled when
 * nothing is to be sent: the record is there as sent (its answer was lost),
 * or another desk's record is kept or waits beside ours for a person. Sets
 * *@if_match when the server holds an earlier change of ours, for the rest
 * to go on top of it. */
static gboolean
read_before_create (FdSyncEngine  *self,
                    Group         *group,
                    JsonObject    *resource,
                    FdSyncStats   *stats,
                    gboolean      *settled,
                    char         **if_match,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autofree char *path = g_strdup_printf ("%s/%s", group->type, group->id);
  g_autoptr(GError) read_error = NULL;
  g_autoptr(JsonObject) existing = fd_fhir_client_get (self->client, path, cancellable, &read_error);

  *settled = FALSE;
  if (existing == NULL)
    {
      if (g_error_matches (read_error, FD_SYNC_ERROR, FD_SYNC_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&read_error));
      return FALSE;
    }
  if (!is_stored_copy (existing, group))
    {
      g_set_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_MALFORMED,
                   _("The server answered a read of a %s record with something else"), group->type);
      return FALSE;
    }

  /* Our own create, whose answer was lost: nothing to write again */
  if (same_content (existing, resource))
    {
      g_debug ("%s/%s is on the server as sent", group->type, group->id);
      *settled = TRUE;
      stats->pushed++;
      return fd_store_finish_outbox (self->store, group->type, group->id, group->last_seq, existing, TRUE, error);
    }

  /* An earlier change of ours is there: the rest goes on top of it */
  if (holds_earlier_step (group, existing))
    {
      *if_match = g_strdup (fd_fhir_get_string (fd_fhir_get_object (existing, "meta"), "versionId"));
      return TRUE;
    }

  *settled = TRUE;
  if (!is_first_come (group))
    {
      /* Someone changed the record after ours arrived */
      g_debug ("Conflict on %s/%s", group->type, group->id);
      stats->conflicts++;
      return fd_store_park_outbox (self->store, group->type, group->id, group->last_seq, "conflict",
                                   _("Someone else changed this record on the server meanwhile; "
                                     "it waits for a person to choose which version to keep"),
                                   existing, error);
    }

  /* This desk went on with the visit after checking in (a room, a check-out):
   * those changes are not dropped, a person chooses between the two */
  stats->pushed++;
  if (group->steps->len > 1)
    {
      g_debug ("%s/%s was opened first at another desk; later changes here wait", group->type, group->id);
      return fd_store_park_outbox (self->store, group->type, group->id, group->last_seq, "conflict",
                                   _("Another desk checked this patient in first; what this desk did "
                                     "with the visit afterwards waits for a person to choose which version to keep"),
                                   existing, error);
    }

  g_debug ("%s/%s was opened first at another desk; keeping that one", group->type, group->id);
  return fd_store_finish_outbox (self->store, group->type, group->id, group->last_seq, existing, FALSE, error);
}

/* Sends one resource's changes; %FALSE only when the server cannot be used now */
static gboolean
push_group (FdSyncEngine  *self,
            Group         *group,
            FdSyncStats   *stats,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) resource = NULL;
  g_autoptr(JsonObject) stored = NULL;
  const char *if_match = NULL;
  g_autofree char *own_version = NULL;
  gboolean merged_sent = FALSE;

  resource = fd_fhir_parse (group->json, -1, &local_error);
  if (resource == NULL)
    return fd_store_park_outbox (self->store, group->type, group->id, group->last_seq,
                                 "rejected", local_error->message, NULL, error);

  /* A create has none, unless a person chose it over the server's record */
  if_match = group->base_version;

  if (reads_first (group))
    {
      gboolean settled = FALSE;

      if (!read_before_create (self, group, resource, stats, &settled, &own_version, cancellable, error))
        return FALSE;
      if (settled)
        return TRUE;
      if (own_version != NULL)
        if_match = own_version;
    }

  if (!note_sent (self, &group, 1, error))
    return FALSE;
  stored = fd_fhir_client_put (self->client, resource, if_match, cancellable, &local_error);
  if (stored == NULL && g_error_matches (local_error, FD_SYNC_ERROR, FD_SYNC_ERROR_CONFLICT))
    {
      g_autofree char *path = g_strdup_printf ("%s/%s", group->type, group->id);
      g_autoptr(GError) read_error = NULL;
      g_autoptr(JsonObject) current = fd_fhir_client_get (self->client, path, cancellable, &read_error);

      /* Without the server's version there is nothing to compare or keep: try again later */
      if (current == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&read_error));
          return FALSE;
        }

      if (same_content (current, resource))
        {
          stored = g_steal_pointer (&current);
          g_clear_error (&local_error);
        }
      else if (current != NULL && holds_earlier_step (group, current))
        {
          /* The server has one of our own earlier changes (its reply was
           * lost): the rest goes on top of the version it made */
          g_clear_error (&local_error);
          stored = fd_fhir_client_put (self->client, resource,
                                       fd_fhir_get_string (fd_fhir_get_object (current, "meta"), "versionId"),
                                       cancellable, &local_error);
        }

      if (stored == NULL && g_error_matches (local_error, FD_SYNC_ERROR, FD_SYNC_ERROR_CONFLICT))
        {
          g_autoptr(GString) fields = g_string_new (NULL);
          g_autoptr(JsonObject) merged = NULL;

          if (current != NULL)
            merged = merge (self, group, resource, current, fields, cancellable);

          if (merged != NULL)
            {
              g_clear_error (&local_error);
              stored = fd_fhir_client_put (self->client, merged,
                                           fd_fhir_get_string (fd_fhir_get_object (current, "meta"), "versionId"),
                                           cancellable, &local_error);
              if (stored != NULL)
                {
                  stats->merged++;
                  merged_sent = TRUE;
                }
            }

          if (stored == NULL && (local_error == NULL ||
                                 g_error_matches (local_error, FD_SYNC_ERROR, FD_SYNC_ERROR_CONFLICT)))
            {
              g_autofree char *message = NULL;

              stats->conflicts++;
              g_debug ("Conflict on %s/%s", group->type, group->id);
              if (fields->len > 0)
                message = g_strdup_printf (_("Someone else changed this record on the server meanwhile (%s); "
                                             "it waits for a person to choose which version to keep"), fields->str);
              else
                message = g_strdup (_("Someone else changed this record on the server meanwhile; "
                                      "it waits for a person to choose which version to keep"));
              return fd_store_park_outbox (self->store, group->type, group->id, group->last_seq,
                                           "conflict", message, current, error);
            }
        }
    }

  if (stored == NULL && g_error_matches (local_error, FD_SYNC_ERROR, FD_SYNC_ERROR_REJECTED))
    {
      stats->parked++;
      g_debug ("Parked %s/%s", group->type, group->id);
      return fd_store_park_outbox (self->store, group->type, group->id, group->last_seq,
                                   "rejected", local_error->message, NULL, error);
    }

  if (stored == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* An answer that is not the record leaves it unclear whether it arrived: ask again later */
  if (!is_stored_copy (stored, group))
    {
      g_set_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_MALFORMED,
                   _("The server answered a change of a %s record with something else"), group->type);
      return FALSE;
    }

  if (!fd_store_finish_outbox (self->store, group->type, group->id, group->last_seq, stored, !merged_sent, error))
    return FALSE;
  stats->pushed++;
  return TRUE;
}

/* Object */

static void
fd_sync_engine_finalize (GObject *object)
{
  FdSyncEngine *self = (FdSyncEngine *)object;

  g_clear_object (&self->store);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (fd_sync_engine_parent_class)->finalize (object);
}

static void
fd_sync_engine_class_init (FdSyncEngineClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fd_sync_engine_finalize;
}

static void
fd_sync_engine_init (FdSyncEngine *self)
{
  self->page_size = 200;
  self->use_batch = TRUE;
  self->batch_size = 100;
  self->days_back = DEFAULT_DAYS_BACK;
  self->days_ahead = DEFAULT_DAYS_AHEAD;
  g_date_clear (&self->today, 1);
}

/**
 * fd_sync_engine_new:
 * @store: the station's store
 * @client: a client for the clinic's server
 *
 * Returns: (transfer full): a new engine
 */
FdSyncEngine *
fd_sync_engine_new (FdStore      *store,
                    FdFhirClient *client)
{
  FdSyncEngine *self = g_object_new (FD_TYPE_SYNC_ENGINE, NULL);

  self->store = g_object_ref (store);
  self->client = g_object_ref (client);
  return self;
}

/**
 * fd_sync_engine_set_page_size:
 * @self: the engine
 * @page_size: resources asked for per page
 */
void
fd_sync_engine_set_page_size (FdSyncEngine *self,
                              guint         page_size)
{
  g_return_if_fail (FD_IS_SYNC_ENGINE (self));
  self->page_size = CLAMP (page_size, 1, 1000);
}

/**
 * fd_sync_engine_set_use_batch:
 * @self: the engine
 * @use_batch: %FALSE for a server that takes no batch Bundles
 *
 * Without batches every change goes in its own PUT.
 */
void
fd_sync_engine_set_use_batch (FdSyncEngine *self,
                              gboolean      use_batch)
{
  g_return_if_fail (FD_IS_SYNC_ENGINE (self));
  self->use_batch = use_batch;
}

/* The version and time a batch-response entry gives, on our copy of what
 * was sent: the record as the server now holds it */
static JsonObject *
stored_from_response (JsonObject *sent,
                      JsonObject *entry)
{
  JsonObject *returned = fd_fhir_get_object (entry, "resource");
  JsonObject *response = fd_fhir_get_object (entry, "response");
  const char *etag = fd_fhir_get_string (response, "etag");
  g_autofree char *json = NULL;
  g_autofree char *version = NULL;
  JsonObject *stored, *meta;

  if (returned != NULL && fd_fhir_get_object (returned, "meta") != NULL)
    return json_object_ref (returned);

  if (etag == NULL)
    return NULL;
  if (g_str_has_prefix (etag, "W/"))
    etag += 2;
  if (strlen (etag) < 3 || etag[0] != '"' || etag[strlen (etag) - 1] != '"')
    return NULL;
  version = g_strndup (etag + 1, strlen (etag) - 2);

  json = fd_fhir_to_string (sent);
  stored = fd_fhir_parse (json, -1, NULL);
  meta = json_object_new ();
  json_object_set_string_member (meta, "versionId", version);
  if (fd_fhir_get_string (response, "lastModified") != NULL)
    json_object_set_string_member (meta, "lastUpdated", fd_fhir_get_string (response, "lastModified"));
  json_object_set_object_member (stored, "meta", meta);
  return stored;
}

/* One batch request of the push. While it is on its way (in its own
 * thread, as with the pull's pages) the station writes down the answer to
 * the one before, so the server and the station work at the same time. */
typedef struct
{
  GPtrArray    *batched;  /* (element-type Group): the records sent */
  GPtrArray    *sent;     /* (element-type JsonObject): what was sent of each */
  GPtrArray    *stored;   /* (element-type JsonObject): the server's copy, or NULL */
  GPtrArray    *retry;    /* (element-type Group): what goes one by one */
  JsonObject   *bundle;
  GThread      *thread;
  FdFhirClient *client;
  GCancellable *cancellable;
  JsonObject   *answer;
  GError       *error;
} Batch;

static void
unref_object (gpointer object)
{
  if (object != NULL)
    json_object_unref (object);
}

static void
batch_free (Batch *batch)
{
  /* A request still on its way is waited for: it uses the client */
  if (batch->thread != NULL)
    g_thread_join (batch->thread);
  g_ptr_array_unref (batch->batched);
  g_ptr_array_unref (batch->sent);
  g_ptr_array_unref (batch->stored);
  g_ptr_array_unref (batch->retry);
  g_clear_pointer (&batch->bundle, json_object_unref);
  g_clear_pointer (&batch->answer, json_object_unref);
  g_clear_error (&batch->error);
  g_free (batch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Batch, batch_free)

/* The batch Bundle for groups[first..first+n) */
static Batch *
batch_new (GPtrArray *groups,
           guint      first,
           guint      n)
{
  Batch *batch = g_new0 (Batch, 1);
  JsonArray *request_entries = json_array_new ();

  batch->batched = g_ptr_array_new ();
  batch->sent = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  batch->stored = g_ptr_array_new_with_free_func (unref_object);
  batch->retry = g_ptr_array_new ();
  batch->bundle = json_object_new ();
  json_object_set_string_member (batch->bundle, "resourceType", "Bundle");
  json_object_set_string_member (batch->bundle, "type", "batch");
  json_object_set_array_member (batch->bundle, "entry", request_entries);

  for (guint i = first; i < first + n; i++)
    {
      Group *group = g_ptr_array_index (groups, i);
      JsonObject *resource = fd_fhir_parse (group->json, -1, NULL);
      JsonObject *entry, *request;
      g_autofree char *url = NULL;

      /* A record that cannot be read is parked one by one, never sent; a
       * create the server may hold already is read first, one by one */
      if (resource == NULL || reads_first (group))
        {
          g_clear_pointer (&resource, json_object_unref);
          g_ptr_array_add (batch->retry, group);
          continue;
        }
      g_ptr_array_add (batch->batched, group);
      g_ptr_array_add (batch->sent, resource);
      entry = json_object_new ();
      request = json_object_new ();
      url = g_strdup_printf ("%s/%s", group->type, group->id);
      json_object_set_string_member (request, "method", "PUT");
      json_object_set_string_member (request, "url", url);
      /* An update, or a create kept in place of another desk's: only over
       * the version it was made on */
      if (group->base_version != NULL)
        {
          g_autofree char *etag = g_strdup_printf ("W/\"%s\"", group->base_version);
          json_object_set_string_member (request, "ifMatch", etag);
        }
      json_object_set_object_member (entry, "resource", json_object_ref (resource));
      json_object_set_object_member (entry, "request", request);
      json_array_add_object_element (request_entries, entry);
    }

  return batch;
}

static gpointer
batch_thread (gpointer data)
{
  Batch *batch = data;

  batch->answer = fd_fhir_client_post_batch (batch->client, batch->bundle, batch->cancellable, &batch->error);
  return NULL;
}

/* Sends the batch, unless it holds nothing to send; %FALSE when its creates
 * could not be noted as sent first */
static gboolean
batch_send (FdSyncEngine  *self,
            Batch         *batch,
            GCancellable  *cancellable,
            GError       **error)
{
  g_assert (batch->thread == NULL);

  if (batch->batched->len == 0)
    return TRUE;
  if (!note_sent (self, (Group **) batch->batched->pdata, batch->batched->len, error))
    return FALSE;
  batch->client = self->client;
  batch->cancellable = cancellable;
  batch->thread = g_thread_new ("fd-push-batch", batch_thread, batch);
  return TRUE;
}

/* Waits for the answer and reads from it the copy the server stored of each
 * record it took; what it did not settle (refused, stale, unclear) joins the
 * records to send one by one. %FALSE with @error if the server took no batch. */
static gboolean
batch_receive (Batch   *batch,
               GError **error)
{
  JsonArray *answers;

  if (batch->batched->len == 0)
    return TRUE;

  g_thread_join (g_steal_pointer (&batch->thread));
  if (batch->answer == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&batch->error));
      return FALSE;
    }
  answers = fd_fhir_get_array (batch->answer, "entry");
  if (answers == NULL || json_array_get_length (answers) != batch->batched->len)
    {
      g_set_error_literal (error, FD_SYNC_ERROR, FD_SYNC_ERROR_MALFORMED,
                           _("The server’s answer to a batch does not match it"));
      return FALSE;
    }

  for (guint i = 0; i < batch->batched->len; i++)
    {
      Group *group = g_ptr_array_index (batch->batched, i);
      JsonObject *entry = fd_fhir_array_object (answers, i);
      const char *status = fd_fhir_get_string (fd_fhir_get_object (entry, "response"), "status");
      g_autoptr(JsonObject) stored = NULL;

      if (status != NULL && status[0] == '2')
        stored = stored_from_response (g_ptr_array_index (batch->sent, i), entry);
      if (!is_stored_copy (stored, group))
        {
          g_clear_pointer (&stored, json_object_unref);
          g_ptr_array_add (batch->retry, group);
        }
      g_ptr_array_add (batch->stored, g_steal_pointer (&stored));
    }

  return TRUE;
}

/* Writes down, in one transaction, every record the server took */
static gboolean
batch_record (FdSyncEngine  *self,
              Batch         *batch,
              FdSyncStats   *stats,
              GError       **error)
{
  if (batch->stored->len == 0)
    return TRUE;

  if (!fd_store_begin (self->store, error))
    return FALSE;
  for (guint i = 0; i < batch->batched->len; i++)
    {
      Group *group = g_ptr_array_index (batch->batched, i);
      JsonObject *stored = g_ptr_array_index (batch->stored, i);

      if (stored == NULL)
        continue;
      if (!fd_store_finish_outbox (self->store, group->type, group->id, group->last_seq, stored, TRUE, error))
        {
          fd_store_rollback (self->store);
          return FALSE;
        }
      stats->pushed++;
    }
  return fd_store_commit (self->store, error);
}

/**
 * fd_sync_engine_push:
 * @self: the engine
 * @stats: (out caller-allocates): what the push did
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #FD_SYNC_ERROR or #FD_STORE_ERROR
 *
 * Sends the outbox: the changes of each resource squashed into one PUT with
 * the station's id (a create and its updates are one create), referenced
 * resources first, updates with If-Match on the version they were made on.
 * A change the server refuses is parked with its reason and never blocks the
 * ones behind it; a lost reply is recognised and not sent twice: a create
 * sent before whose answer never came is read first, and written only if
 * the server does not hold it as sent. Blocking.
 *
 * Returns: %TRUE if the outbox was worked through; %FALSE when the server
 *   cannot be used now (the changes stay and go with the next push)
 */
gboolean
fd_sync_engine_push (FdSyncEngine  *self,
                     FdSyncStats   *stats,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(Batch) batch = NULL;

  g_return_val_if_fail (FD_IS_SYNC_ENGINE (self), FALSE);

  memset (stats, 0, sizeof *stats);

  /* A profile that began without a server brings everything it holds */
  if (!fd_store_queue_standalone_records (self->store, NULL, error))
    return FALSE;

  entries = fd_store_list_outbox (self->store, FALSE, error);
  if (entries == NULL)
    return FALSE;

  groups = squash (entries);

  /* A server that takes no batch gets every record in its own PUT */
  if (!self->use_batch)
    {
      for (guint i = 0; i < groups->len; i++)
        if (!push_group (self, g_ptr_array_index (groups, i), stats, cancellable, error))
          return FALSE;
      return TRUE;
    }

  if (groups->len > 0)
    {
      batch = batch_new (groups, 0, MIN (PUSH_BATCH, groups->len));
      if (!batch_send (self, batch, cancellable, error))
        return FALSE;
    }

  for (guint i = 0; i < groups->len; i += PUSH_BATCH)
    {
      guint n = MIN (PUSH_BATCH, groups->len - i);
      g_autoptr(Batch) next = NULL;
      g_autoptr(GError) local_error = NULL;

      /* The next request is put together while this one is on its way */
      if (i + n < groups->len)
        next = batch_new (groups, i + n, MIN (PUSH_BATCH, groups->len - i - n));

      if (!batch_receive (batch, &local_error))
        {
          if (g_error_matches (local_error, FD_SYNC_ERROR, FD_SYNC_ERROR_NETWORK) ||
              g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
              local_error->domain != FD_SYNC_ERROR)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          g_debug ("The server took no batch (error %d); sending one by one", local_error->code);
          g_ptr_array_set_size (batch->stored, 0);
          g_ptr_array_set_size (batch->retry, 0);
          for (guint j = i; j < i + n; j++)
            g_ptr_array_add (batch->retry, g_ptr_array_index (groups, j));
        }

      /* When nothing of this batch waits to go one by one, the next leaves
       * now and this one is written down while the server works on it;
       * otherwise the order holds: referenced records reach the server first */
      if (next != NULL && batch->retry->len == 0 && !batch_send (self, next, cancellable, error))
        return FALSE;

      if (!batch_record (self, batch, stats, error))
        return FALSE;
      for (guint j = 0; j < batch->retry->len; j++)
        if (!push_group (self, g_ptr_array_index (batch->retry, j), stats, cancellable, error))
          return FALSE;

      if (next != NULL && batch->retry->len > 0 && !batch_send (self, next, cancellable, error))
        return FALSE;
      g_clear_pointer (&batch, batch_free);
      batch = g_steal_pointer (&next);
    }

  return TRUE;
}

/**
 * fd_sync_engine_pull:
 * @self: the engine
 * @progress: (nullable) (scope call): told after each page
 * @user_data: closure for @progress
 * @stats: (out caller-allocates): what the pull did
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #FD_SYNC_ERROR or #FD_STORE_ERROR
 *
 * Downloads the station's working set, page by page, following the
 * server's next links (or paging itself where there are none): reference
 * data whole; the appointments of the window around today; the patients
 * those appointments name, the kept ones and the ones with a change waiting
 * to go up, with their coverages, accounts, visits, forms, consents,
 * eligibility checks and invoices; and the payments. Records come whole the
 * first time (a patient entering the set: by batches of ids); after that,
 * one search per type asks what changed since its watermark, and only the
 * changes of patients in the set, or of records already cached, are kept.
 * Each page is applied in one transaction together with the watermark, so
 * an interrupted pull resumes where it stopped and nothing is applied twice.
 * Records whose refused change was discarded here are read back first.
 * Blocking: run it in a worker thread.
 *
 * Returns: %TRUE if every type was pulled
 */
gboolean
fd_sync_engine_pull (FdSyncEngine        *self,
                     FdSyncProgressFunc   progress,
                     gpointer             user_data,
                     FdSyncStats         *stats,
                     GCancellable        *cancellable,
                     GError             **error)
{
  Pull pull = { self, progress, user_data, stats, cancellable, NULL };
  gboolean ok = TRUE;

  g_return_val_if_fail (FD_IS_SYNC_ENGINE (self), FALSE);

  memset (stats, 0, sizeof *stats);

  ok = fd_sync_engine_restore_discarded (self, cancellable, error);
  for (guint t = 0; ok && t < G_N_ELEMENTS (reference_types); t++)
    ok = pull_search (&pull, reference_types[t], reference_types[t], TRUE, NULL, NULL, error);
  ok = ok && pull_appointments (&pull, error);
  ok = ok && pull_working_set (&pull, error);
  for (guint t = 0; ok && t < G_N_ELEMENTS (whole_types); t++)
    ok = pull_search (&pull, whole_types[t], whole_types[t], TRUE, NULL, NULL, error);

  g_free (pull.newest);
  return ok;
}

/**
 * fd_sync_engine_set_window:
 * @self: the engine
 * @days_back: days before today whose appointments are pulled
 * @days_ahead: days after today whose appointments are pulled
 *
 * The appointment window of the working set; 7 days back and 30 ahead
 * unless set.
 */
void
fd_sync_engine_set_window (FdSyncEngine *self,
                           guint         days_back,
                           guint         days_ahead)
{
  g_return_if_fail (FD_IS_SYNC_ENGINE (self));
  self->days_back = MIN (days_back, MAX_WINDOW_DAYS);
  self->days_ahead = MIN (days_ahead, MAX_WINDOW_DAYS);
}

/**
 * fd_sync_engine_set_today:
 * @self: the engine
 * @today: (nullable): the day the window is centred on; %NULL for the
 *   clock's today in the store's time zone
 */
void
fd_sync_engine_set_today (FdSyncEngine *self,
                          const GDate  *today)
{
  g_return_if_fail (FD_IS_SYNC_ENGINE (self));

  g_date_clear (&self->today, 1);
  if (today != NULL && g_date_valid (today))
    self->today = *today;
}

/**
 * fd_sync_engine_get_window:
 * @self: the engine
 * @first: (out caller-allocates): the first day of the appointment window
 * @last: (out caller-allocates): its last day
 */
void
fd_sync_engine_get_window (FdSyncEngine *self,
                           GDate        *first,
                           GDate        *last)
{
  GDate today;

  g_return_if_fail (FD_IS_SYNC_ENGINE (self));

  if (g_date_valid (&self->today))
    today = self->today;
  else
    fd_date_set_today (&today, fd_store_get_time_zone (self->store));
  *first = today;
  g_date_subtract_days (first, self->days_back);
  *last = today;
  g_date_add_days (last, self->days_ahead);
}

/**
 * fd_sync_engine_set_batch_size:
 * @self: the engine
 * @batch_size: patients named in one search
 */
void
fd_sync_engine_set_batch_size (FdSyncEngine *self,
                               guint         batch_size)
{
  g_return_if_fail (FD_IS_SYNC_ENGINE (self));
  self->batch_size = CLAMP (batch_size, 1, 500);
}

/**
 * fd_sync_engine_fetch_patient:
 * @self: the engine
 * @patient_id: a Patient id on the server
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #FD_SYNC_ERROR or #FD_STORE_ERROR
 *
 * Caches a patient found on the server, with the patient's coverages and
 * accounts, and keeps the patient in the working set: the next pull brings
 * the rest of the patient's records and keeps them current. What the desk
 * changed here and has not sent yet is not overwritten. Blocking.
 *
 * Returns: %TRUE if the patient is cached
 */
gboolean
fd_sync_engine_fetch_patient (FdSyncEngine  *self,
                              const char    *patient_id,
                              GCancellable  *cancellable,
                              GError       **error)
{
  static const char * const fetched[] = { "Patient", "Coverage", "Account", "RelatedPerson" };
  g_autoptr(GPtrArray) one = g_ptr_array_new ();
  g_autofree char *version = NULL;
  FdSyncStats stats = { 0 };
  Pull pull = { self, NULL, NULL, &stats, cancellable, NULL };
  gboolean ok = TRUE;

  g_return_val_if_fail (FD_IS_SYNC_ENGINE (self), FALSE);
  g_return_val_if_fail (patient_id != NULL, FALSE);

  g_ptr_array_add (one, (gpointer) patient_id);
  for (guint i = 0; ok && i < G_N_ELEMENTS (fetched); i++)
    {
      gboolean unsupported = FALSE;
      guint t = 0;

      while (!g_str_equal (patient_types[t].type, fetched[i]))
        t++;
      ok = pull_patients_records (&pull, t, one, &unsupported, error);
    }
  g_free (pull.newest);
  if (!ok)
    return FALSE;

  version = fd_store_get_version (self->store, "Patient", patient_id);
  if (version == NULL && !fd_store_has_pending_change (self->store, "Patient", patient_id))
    {
      g_set_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_NOT_FOUND,
                   _("The clinic server has no such patient"));
      return FALSE;
    }

  return fd_store_keep_patient (self->store, patient_id, error);
}

/**
 * fd_sync_engine_restore_discarded:
 * @self: the engine
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #FD_SYNC_ERROR or #FD_STORE_ERROR
 *
 * Reads from the server each record whose refused change was discarded at
 * this desk, and puts the server's version back in the cache; a record the
 * server does not have (or no longer has) is removed from the station. Records
 * the server cannot give now wait for the next call. Blocking.
 *
 * Returns: %TRUE unless the server is out of reach or the cache cannot be
 *   written; a record the server will not give now stays for the next call
 */
gboolean
fd_sync_engine_restore_discarded (FdSyncEngine  *self,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  g_autoptr(GPtrArray) discarded = NULL;

  g_return_val_if_fail (FD_IS_SYNC_ENGINE (self), FALSE);

  discarded = fd_store_list_discarded (self->store, error);
  if (discarded == NULL)
    return FALSE;

  for (guint i = 0; i < discarded->len; i++)
    {
      const char *path = g_ptr_array_index (discarded, i);
      g_auto(GStrv) parts = g_strsplit (path, "/", 2);
      g_autoptr(GError) read_error = NULL;
      g_autoptr(JsonObject) theirs = fd_fhir_client_get (self->client, path, cancellable, &read_error);

      if (theirs == NULL && !g_error_matches (read_error, FD_SYNC_ERROR, FD_SYNC_ERROR_NOT_FOUND))
        {
          /* Out of reach: the rest waits too. A record the server will not
           * give now (refused, broken) waits alone and holds up no pull. */
          if (g_error_matches (read_error, FD_SYNC_ERROR, FD_SYNC_ERROR_NETWORK) ||
              g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
              read_error->domain != FD_SYNC_ERROR)
            {
              g_propagate_error (error, g_steal_pointer (&read_error));
              return FALSE;
            }
          g_debug ("%s cannot be read back now (error %d); it waits for the next sync", path, read_error->code);
          continue;
        }
      if (theirs != NULL &&
          (g_strcmp0 (fd_fhir_get_string (theirs, "resourceType"), parts[0]) != 0 ||
           g_strcmp0 (fd_fhir_get_string (theirs, "id"), parts[1]) != 0 ||
           !fd_fhir_check_resource (theirs, NULL)))
        {
          g_debug ("The server answered a read of %s with something else; it waits for the next sync", path);
          continue;
        }

      g_debug ("Restoring %s from the server", path);
      if (!fd_store_restore_discarded (self->store, parts[0], parts[1], theirs, error))
        return FALSE;
    }

  return TRUE;
}
