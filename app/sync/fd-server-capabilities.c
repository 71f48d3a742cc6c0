/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdServerCapabilities"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fd-fhir.h"
#include "fd-server-capabilities.h"

/* What the clinic's server says it can do, read from its CapabilityStatement
 * when the station connects, and kept in the store's meta table so that the
 * station knows it offline too and can say in words how it degrades. */

#define META_VERSION "server.fhir-version"
#define META_SOFTWARE "server.software"
#define META_LACKS "server.lacks"

/* The records the station cannot work without; the rest it pulls as offered */
static const char * const key_types[] = {
  "Patient", "Appointment", "Coverage", "Account", "Encounter",
};

static const struct {
  FdServerLacks  flag;
  const char    *name;
} lack_names[] = {
  { FD_SERVER_LACKS_LAST_UPDATED, "last-updated" },
  { FD_SERVER_LACKS_BATCH, "batch" },
  { FD_SERVER_LACKS_VERSIONED_UPDATE, "versioned-update" },
  { FD_SERVER_LACKS_UPDATE_CREATE, "update-create" },
};

static gboolean
has_code (JsonArray  *interactions,
          const char *code)
{
  for (guint i = 0; interactions != NULL && i < json_array_get_length (interactions); i++)
    if (g_strcmp0 (fd_fhir_get_string (fd_fhir_array_object (interactions, i), "code"), code) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
has_search_param (JsonArray  *params,
                  const char *name)
{
  for (guint i = 0; params != NULL && i < json_array_get_length (params); i++)
    if (g_strcmp0 (fd_fhir_get_string (fd_fhir_array_object (params, i), "name"), name) == 0)
      return TRUE;
  return FALSE;
}

static JsonObject *
find_resource (JsonArray  *resources,
               const char *type)
{
  for (guint i = 0; resources != NULL && i < json_array_get_length (resources); i++)
    {
      JsonObject *resource = fd_fhir_array_object (resources, i);

      if (g_strcmp0 (fd_fhir_get_string (resource, "type"), type) == 0)
        return resource;
    }
  return NULL;
}

/**
 * fd_server_capabilities_lacks:
 * @statement: a server's CapabilityStatement
 *
 * A server that does not declare something is taken at its word, except
 * that `_lastUpdated`, common to all resources, also counts when declared
 * once for the whole server.
 *
 * Returns: what the server lacks of what the station relies on
 */
FdServerLacks
fd_server_capabilities_lacks (JsonObject *statement)
{
  JsonObject *rest = NULL;
  JsonArray *rests = fd_fhir_get_array (statement, "rest");
  JsonArray *resources;
  FdServerLacks lacks = FD_SERVER_LACKS_NOTHING;

  for (guint i = 0; rests != NULL && i < json_array_get_length (rests); i++)
    if (g_strcmp0 (fd_fhir_get_string (fd_fhir_array_object (rests, i), "mode"), "server") == 0)
      rest = fd_fhir_array_object (rests, i);

  if (!has_code (fd_fhir_get_array (rest, "interaction"), "batch") &&
      !has_code (fd_fhir_get_array (rest, "interaction"), "transaction"))
    lacks |= FD_SERVER_LACKS_BATCH;

  resources = fd_fhir_get_array (rest, "resource");
  for (guint i = 0; i < G_N_ELEMENTS (key_types); i++)
    {
      JsonObject *resource = find_resource (resources, key_types[i]);

      if (!has_search_param (fd_fhir_get_array (resource, "searchParam"), "_lastUpdated") &&
          !has_search_param (fd_fhir_get_array (rest, "searchParam"), "_lastUpdated"))
        lacks |= FD_SERVER_LACKS_LAST_UPDATED;
      if (g_strcmp0 (fd_fhir_get_string (resource, "versioning"), "versioned-update") != 0)
        lacks |= FD_SERVER_LACKS_VERSIONED_UPDATE;
      if (resource == NULL || !json_object_get_boolean_member_with_default (resource, "updateCreate", FALSE))
        lacks |= FD_SERVER_LACKS_UPDATE_CREATE;
    }

  return lacks;
}

/**
 * fd_server_capabilities_save:
 * @store: the station's store
 * @statement: the server's CapabilityStatement
 * @error: return location for a #FD_STORE_ERROR
 *
 * Records the FHIR version, the software and what the server lacks.
 *
 * Returns: %TRUE if recorded
 */
gboolean
fd_server_capabilities_save (FdStore     *store,
                             JsonObject  *statement,
                             GError     **error)
{
  FdServerLacks lacks = fd_server_capabilities_lacks (statement);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;
  g_autofree char *joined = NULL;
  JsonObject *software = fd_fhir_get_object (statement, "software");
  g_autofree char *described = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (lack_names); i++)
    if (lacks & lack_names[i].flag)
      g_strv_builder_add (names, lack_names[i].name);
  list = g_strv_builder_end (names);
  joined = g_strjoinv (",", list);
  described = g_strjoin (" ", fd_fhir_get_string (software, "name") ?: "",
                         fd_fhir_get_string (software, "version") ?: "", NULL);

  g_debug ("The server lacks: %s", *joined ? joined : "nothing");
  return fd_store_set_meta (store, META_VERSION, fd_fhir_get_string (statement, "fhirVersion") ?: "", error) &&
         fd_store_set_meta (store, META_SOFTWARE, g_strstrip (described), error) &&
         fd_store_set_meta (store, META_LACKS, joined, error);
}

/**
 * fd_server_capabilities_load:
 * @store: the station's store
 * @known: (out) (optional): whether the station has read the server's
 *   capabilities at all
 *
 * Returns: what the server lacked when the station last connected
 */
FdServerLacks
fd_server_capabilities_load (FdStore  *store,
                             gboolean *known)
{
  g_autofree char *joined = fd_store_get_meta (store, META_LACKS);
  g_auto(GStrv) names = NULL;
  FdServerLacks lacks = FD_SERVER_LACKS_NOTHING;

  if (known != NULL)
    *known = joined != NULL;
  if (joined == NULL)
    return FD_SERVER_LACKS_NOTHING;

  names = g_strsplit (joined, ",", -1);
  for (guint n = 0; names[n] != NULL; n++)
    for (guint i = 0; i < G_N_ELEMENTS (lack_names); i++)
      if (g_str_equal (names[n], lack_names[i].name))
        lacks |= lack_names[i].flag;
  return lacks;
}

/**
 * fd_server_capabilities_describe:
 * @lacks: what the server lacks
 *
 * Returns: (transfer full): one sentence per lack: what the station does
 *   about it, for the clinic's IT person; empty when nothing lacks
 */
GStrv
fd_server_capabilities_describe (FdServerLacks lacks)
{
  g_autoptr(GStrvBuilder) words = g_strv_builder_new ();

  if (lacks & FD_SERVER_LACKS_LAST_UPDATED)
    g_strv_builder_add (words, _("The server does not say it can search by last update: downloads may fail, or bring every record each time."));
  if (lacks & FD_SERVER_LACKS_BATCH)
    g_strv_builder_add (words, _("The server does not take batches: the station sends its changes one at a time, which is slower."));
  if (lacks & FD_SERVER_LACKS_VERSIONED_UPDATE)
    g_strv_builder_add (words, _("The server does not say it checks versions on update: a change made at the same time at another desk may not be noticed as a conflict."));
  if (lacks & FD_SERVER_LACKS_UPDATE_CREATE)
    g_strv_builder_add (words, _("The server does not say it accepts records with ids the station chose: new records may be refused."));
  return g_strv_builder_end (words);
}
