/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdSyncEngine"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fd-fhir.h"
#include "fd-sync-engine.h"

/* Downloads the clinic's records into the local store. */
struct _FdSyncEngine
{
  GObject       parent_instance;

  FdStore      *store;
  FdFhirClient *client;
  guint         page_size;
  gboolean      use_batch;
};

G_DEFINE_FINAL_TYPE (FdSyncEngine, fd_sync_engine, G_TYPE_OBJECT)

/* Records sent in one batch request */
#define PUSH_BATCH 100

/* Referenced resources come before the ones that point at them */
static const char * const pull_types[] = {
  "Organization", "Location", "Practitioner", "Schedule",
  "Patient", "Coverage", "CoverageEligibilityRequest", "CoverageEligibilityResponse",
  "Account", "Appointment", "Encounter", "QuestionnaireResponse", "Consent",
  "Invoice", "PaymentReconciliation",
};

/* Helpers */

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
first_page (FdSyncEngine *self,
            const char   *type)
{
  g_autofree char *key = g_strdup_printf ("pull.watermark.%s", type);
  g_autofree char *watermark = fd_store_get_meta (self->store, key);

  if (watermark == NULL)
    return g_strdup_printf ("%s?_count=%u&_sort=_lastUpdated", type, self->page_size);

  /* Several resources can share one lastUpdated: "ge", and skip what is known */
  {
    g_autofree char *escaped = g_uri_escape_string (watermark, NULL, FALSE);
    return g_strdup_printf ("%s?_count=%u&_sort=_lastUpdated&_lastUpdated=ge%s",
                            type, self->page_size, escaped);
  }
}

/* Applies one page in one transaction, with its watermark */
static gboolean
apply_page (FdSyncEngine  *self,
            const char    *type,
            JsonObject    *bundle,
            FdSyncStats   *stats,
            guint         *n_entries,
            guint         *n_at_watermark,
            GError       **error)
{
  g_autofree char *key = g_strdup_printf ("pull.watermark.%s", type);
  g_autofree char *watermark = fd_store_get_meta (self->store, key);
  JsonArray *entries = fd_fhir_get_array (bundle, "entry");

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
      if (updated != NULL && g_strcmp0 (updated, watermark) > 0)
        {
          g_free (watermark);
          watermark = g_strdup (updated);
          *n_at_watermark = 0;
        }
      if (updated != NULL && g_strcmp0 (updated, watermark) == 0)
        (*n_at_watermark)++;

      known = fd_store_get_version (self->store, type, id);
      if (known != NULL && version != NULL && g_str_equal (known, version))
        {
          stats->unchanged++;
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

/* Whether @group's create was beaten by another desk's; %FALSE with @error
 * when the server cannot tell now. Sets *@taken when the other record was
 * kept in place of ours. */
static gboolean
claim_first_come (FdSyncEngine  *self,
                  Group         *group,
                  JsonObject    *resource,
                  gboolean      *taken,
                  char         **if_match,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autofree char *path = g_strdup_printf ("%s/%s", group->type, group->id);
  g_autoptr(GError) read_error = NULL;
  g_autoptr(JsonObject) existing = fd_fhir_client_get (self->client, path, cancellable, &read_error);

  *taken = FALSE;
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

  /* Our own create whose reply was lost: the rest goes on top of it */
  if (same_content (existing, resource) || holds_earlier_step (group, existing))
    {
      *if_match = g_strdup (fd_fhir_get_string (fd_fhir_get_object (existing, "meta"), "versionId"));
      return TRUE;
    }

  *taken = TRUE;

  /* This desk went on with the visit after checking in (a room, a check-out):
   * those changes are not dropped, a person chooses between the two */
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

  if (g_strcmp0 (group->op, "create") != 0)
    if_match = group->base_version;

  if (is_first_come (group))
    {
      gboolean taken = FALSE;

      if (!claim_first_come (self, group, resource, &taken, &own_version, cancellable, error))
        return FALSE;
      if (taken)
        {
          stats->pushed++;
          return TRUE;
        }
      if (own_version != NULL)
        if_match = own_version;
    }

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

/* Sends groups[first..first+n) as one batch; returns the groups the batch did
 * not settle (refused, stale, unclear), or %NULL if the server took no batch */
static GPtrArray *
push_batch (FdSyncEngine  *self,
            GPtrArray     *groups,
            guint          first,
            guint          n,
            FdSyncStats   *stats,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GPtrArray) retry = g_ptr_array_new ();
  g_autoptr(GPtrArray) batched = g_ptr_array_new ();
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(JsonObject) bundle = json_object_new ();
  g_autoptr(JsonObject) answer = NULL;
  JsonArray *request_entries = json_array_new ();
  JsonArray *answers;

  json_object_set_string_member (bundle, "resourceType", "Bundle");
  json_object_set_string_member (bundle, "type", "batch");
  json_object_set_array_member (bundle, "entry", request_entries);

  for (guint i = first; i < first + n; i++)
    {
      Group *group = g_ptr_array_index (groups, i);
      JsonObject *resource = fd_fhir_parse (group->json, -1, NULL);
      JsonObject *entry, *request;
      g_autofree char *url = NULL;

      /* A record that cannot be read is parked one by one, never sent; a
       * first-come visit is checked against the server one by one */
      if (resource == NULL || is_first_come (group))
        {
          g_clear_pointer (&resource, json_object_unref);
          g_ptr_array_add (retry, group);
          continue;
        }
      g_ptr_array_add (batched, group);
      g_ptr_array_add (sent, resource);
      entry = json_object_new ();
      request = json_object_new ();
      url = g_strdup_printf ("%s/%s", group->type, group->id);
      json_object_set_string_member (request, "method", "PUT");
      json_object_set_string_member (request, "url", url);
      if (g_strcmp0 (group->op, "create") != 0 && group->base_version != NULL)
        {
          g_autofree char *etag = g_strdup_printf ("W/\"%s\"", group->base_version);
          json_object_set_string_member (request, "ifMatch", etag);
        }
      json_object_set_object_member (entry, "resource", json_object_ref (resource));
      json_object_set_object_member (entry, "request", request);
      json_array_add_object_element (request_entries, entry);
    }

  if (batched->len == 0)
    return g_steal_pointer (&retry);

  answer = fd_fhir_client_post_batch (self->client, bundle, cancellable, error);
  if (answer == NULL)
    return NULL;
  answers = fd_fhir_get_array (answer, "entry");
  if (answers == NULL || json_array_get_length (answers) != batched->len)
    {
      g_set_error_literal (error, FD_SYNC_ERROR, FD_SYNC_ERROR_MALFORMED,
                           _("The server’s answer to a batch does not match it"));
      return NULL;
    }

  if (!fd_store_begin (self->store, error))
    return NULL;
  for (guint i = 0; i < batched->len; i++)
    {
      Group *group = g_ptr_array_index (batched, i);
      JsonObject *entry = fd_fhir_array_object (answers, i);
      const char *status = fd_fhir_get_string (fd_fhir_get_object (entry, "response"), "status");
      g_autoptr(JsonObject) stored = NULL;

      if (status != NULL && status[0] == '2')
        stored = stored_from_response (g_ptr_array_index (sent, i), entry);
      if (!is_stored_copy (stored, group))
        {
          g_ptr_array_add (retry, group);
          continue;
        }
      if (!fd_store_finish_outbox (self->store, group->type, group->id, group->last_seq, stored, TRUE, error))
        {
          fd_store_rollback (self->store);
          return NULL;
        }
      stats->pushed++;
    }
  if (!fd_store_commit (self->store, error))
    return NULL;

  return g_steal_pointer (&retry);
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
 * ones behind it; a lost reply is recognised and not sent twice. Blocking.
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

  g_return_val_if_fail (FD_IS_SYNC_ENGINE (self), FALSE);

  memset (stats, 0, sizeof *stats);

  /* A profile that began without a server brings everything it holds */
  if (!fd_store_queue_standalone_records (self->store, NULL, error))
    return FALSE;

  entries = fd_store_list_outbox (self->store, FALSE, error);
  if (entries == NULL)
    return FALSE;

  groups = squash (entries);
  for (guint i = 0; i < groups->len; i += PUSH_BATCH)
    {
      guint n = MIN (PUSH_BATCH, groups->len - i);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GPtrArray) retry = NULL;

      /* Many records in one request; what the batch does not settle goes one by one */
      if (self->use_batch)
        retry = push_batch (self, groups, i, n, stats, cancellable, &local_error);
      else  /* as if the server had refused the batch: the same one-by-one path */
        g_set_error_literal (&local_error, FD_SYNC_ERROR, FD_SYNC_ERROR_SERVER, "no batch");
      if (retry == NULL)
        {
          if (g_error_matches (local_error, FD_SYNC_ERROR, FD_SYNC_ERROR_NETWORK) ||
              g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
              local_error->domain != FD_SYNC_ERROR)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          g_debug ("The server took no batch (error %d); sending one by one", local_error->code);
          retry = g_ptr_array_new ();
          for (guint j = i; j < i + n; j++)
            g_ptr_array_add (retry, g_ptr_array_index (groups, j));
        }

      for (guint j = 0; j < retry->len; j++)
        if (!push_group (self, g_ptr_array_index (retry, j), stats, cancellable, error))
          return FALSE;
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
 * Downloads every resource type the desk uses, page by page, following the
 * server's next links. Each page is applied in one transaction together with
 * the type's watermark, so an interrupted pull resumes where it stopped and
 * nothing is applied twice. Blocking: run it in a worker thread.
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
  g_return_val_if_fail (FD_IS_SYNC_ENGINE (self), FALSE);

  memset (stats, 0, sizeof *stats);

  for (guint t = 0; t < G_N_ELEMENTS (pull_types); t++)
    {
      const char *type = pull_types[t];
      g_autofree char *url = first_page (self, type);
      g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autofree char *previous_watermark = NULL;
      guint skip = 0;

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

          bundle = fd_fhir_client_get (self->client, url, cancellable, error);
          if (bundle == NULL)
            return FALSE;
          if (g_strcmp0 (fd_fhir_get_string (bundle, "resourceType"), "Bundle") != 0)
            {
              g_set_error (error, FD_SYNC_ERROR, FD_SYNC_ERROR_MALFORMED,
                           _("The server answered a search for %s records with something else"), type);
              return FALSE;
            }

          if (!apply_page (self, type, bundle, stats, &n_entries, &n_at_watermark, error))
            return FALSE;
          if (progress != NULL)
            progress (type, stats->pulled, user_data);

          next = next_link (bundle);
          g_free (url);
          url = g_strdup (next);

          /* A server without paging links: ask again from the new watermark,
           * past the resources already seen at that very instant */
          /* ... unless that brought nothing new: a server that ignores _offset
           * would otherwise send the same page for ever */
          if (url == NULL && n_entries >= self->page_size)
            {
              g_autofree char *key = g_strdup_printf ("pull.watermark.%s", type);
              g_autofree char *watermark = fd_store_get_meta (self->store, key);
              g_autofree char *base = first_page (self, type);

              if (g_strcmp0 (watermark, previous_watermark) == 0 && stats->pulled == pulled_before_page)
                break;

              skip = g_strcmp0 (watermark, previous_watermark) == 0 ? skip + n_at_watermark : n_at_watermark;
              g_free (previous_watermark);
              previous_watermark = g_steal_pointer (&watermark);
              url = skip > 0 ? g_strdup_printf ("%s&_offset=%u", base, skip) : g_steal_pointer (&base);
            }
        }
    }

  return TRUE;
}
