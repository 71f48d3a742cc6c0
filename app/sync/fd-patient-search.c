/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdPatientSearch"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fd-dates.h"
#include "fd-fhir.h"
#include "fd-patient-item.h"
#include "fd-patient-search.h"

/* Searching the clinic's server for patients the station has not cached.
 * The text the desk typed becomes the FHIR search it reads as: a birth
 * date, an MRN or phone digits, "surname, given", or name words. */

/* Shorter names would ask the server for half the clinic */
#define MIN_NAME_CHARS 3

static char *
escape (const char *text)
{
  return g_uri_escape_string (text, NULL, FALSE);
}

static gboolean
is_phone_or_mrn (const char *text,
                 GString    *digits)
{
  for (const char *p = text; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (digits, *p);
      else if (strchr (" -().+/", *p) == NULL)
        return FALSE;
    }
  return digits->len > 0;
}

/**
 * fd_patient_search_queries:
 * @text: what the desk typed in the patient search
 * @limit: most patients each search asks for
 *
 * The FHIR searches (relative URLs) that @text reads as: `birthdate=` for a
 * date, `identifier=` (and `phone=` from seven digits on) for digits,
 * `family=` and `given=` for "surname, given", `name=` for each word
 * otherwise. Text too short to narrow the clinic down asks nothing.
 *
 * Returns: (transfer full) (element-type utf8): the searches, maybe none
 */
GPtrArray *
fd_patient_search_queries (const char *text,
                           guint       limit)
{
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) digits = g_string_new (NULL);
  g_autofree char *trimmed = g_strstrip (g_strdup (text ? text : ""));
  const char *comma;
  GDate date;

  limit = CLAMP (limit, 1, 100);

  if (fd_date_parse_iso (trimmed, &date) ||
      fd_date_parse (trimmed, fd_date_order_from_locale (), &date, NULL))
    {
      g_autofree char *iso = fd_date_format_iso (&date);

      g_ptr_array_add (queries, g_strdup_printf ("Patient?birthdate=%s&_count=%u", iso, limit));
    }
  else if (is_phone_or_mrn (trimmed, digits))
    {
      if (digits->len >= 4)
        g_ptr_array_add (queries, g_strdup_printf ("Patient?identifier=%s&_count=%u", digits->str, limit));
      if (digits->len >= 7)
        {
          g_autofree char *typed = escape (trimmed);

          g_ptr_array_add (queries, g_strdup_printf ("Patient?phone=%s&_count=%u", digits->str, limit));
          if (!g_str_equal (trimmed, digits->str))
            g_ptr_array_add (queries, g_strdup_printf ("Patient?phone=%s&_count=%u", typed, limit));
        }
    }
  else if ((comma = strchr (trimmed, ',')) != NULL)
    {
      g_autofree char *family = g_strstrip (g_strndup (trimmed, comma - trimmed));
      g_autofree char *given = g_strstrip (g_strdup (comma + 1));
      g_autofree char *family_q = escape (family);
      g_autofree char *given_q = escape (given);

      if (g_utf8_strlen (family, -1) >= MIN_NAME_CHARS)
        g_ptr_array_add (queries, given[0] != '\0'
                                  ? g_strdup_printf ("Patient?family=%s&given=%s&_count=%u", family_q, given_q, limit)
                                  : g_strdup_printf ("Patient?family=%s&_count=%u", family_q, limit));
    }
  else if (g_utf8_strlen (trimmed, -1) >= MIN_NAME_CHARS)
    {
      g_auto(GStrv) words = g_strsplit_set (trimmed, " \t", -1);
      g_autoptr(GString) query = g_string_new ("Patient?");

      for (guint i = 0; words[i] != NULL; i++)
        {
          g_autofree char *word = escape (words[i]);

          if (words[i][0] != '\0')
            g_string_append_printf (query, "name=%s&", word);
        }
      g_string_append_printf (query, "_count=%u", limit);
      g_ptr_array_add (queries, g_string_free (g_steal_pointer (&query), FALSE));
    }

  return g_steal_pointer (&queries);
}

/**
 * fd_patient_search_server:
 * @client: a client for the clinic's server
 * @text: what the desk typed in the patient search
 * @limit: most patients to return
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #FD_SYNC_ERROR
 *
 * Searches the server for patients as fd_patient_search_queries() reads
 * @text. Blocking: run it in a worker thread. A search parameter the server
 * does not know is skipped, not an error.
 *
 * Returns: (transfer full) (element-type FdPatientItem): the patients found,
 *   each once, or %NULL with @error when the server cannot be asked
 */
GPtrArray *
fd_patient_search_server (FdFhirClient  *client,
                          const char    *text,
                          guint          limit,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(GPtrArray) queries = fd_patient_search_queries (text, limit);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_val_if_fail (FD_IS_FHIR_CLIENT (client), NULL);

  for (guint q = 0; q < queries->len && found->len < limit; q++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JsonObject) bundle = fd_fhir_client_get (client, g_ptr_array_index (queries, q),
                                                         cancellable, &local_error);
      JsonArray *entries;

      if (bundle == NULL)
        {
          if (g_error_matches (local_error, FD_SYNC_ERROR, FD_SYNC_ERROR_REJECTED))
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (g_strcmp0 (fd_fhir_get_string (bundle, "resourceType"), "Bundle") != 0)
        {
          g_set_error_literal (error, FD_SYNC_ERROR, FD_SYNC_ERROR_MALFORMED,
                               _("The server answered a patient search with something else"));
          return NULL;
        }

      entries = fd_fhir_get_array (bundle, "entry");
      for (guint i = 0; entries && i < json_array_get_length (entries) && found->len < limit; i++)
        {
          JsonObject *patient = fd_fhir_get_object (fd_fhir_array_object (entries, i), "resource");
          const char *id = fd_fhir_get_string (patient, "id");
          g_autofree char *display = NULL;

          if (g_strcmp0 (fd_fhir_get_string (patient, "resourceType"), "Patient") != 0 || id == NULL ||
              !g_hash_table_add (seen, g_strdup (id)))
            continue;
          display = fd_fhir_patient_display (patient);
          g_ptr_array_add (found, fd_patient_item_new (id, display,
                                                       fd_fhir_get_string (patient, "birthDate"),
                                                       fd_fhir_patient_mrn (patient),
                                                       fd_fhir_patient_phone (patient)));
        }
    }

  return g_steal_pointer (&found);
}
