/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdCatalog"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fd-catalog.h"
#include "fd-core.h"

/* The layout of a compiled catalogue is the one GNU gettext documents under
 * "The Format of GNU MO Files": a magic number that also tells the byte order,
 * a revision, the number of strings, and two tables of (length, offset) pairs,
 * one for the original strings and one for their translations, each string
 * followed by a NUL. A context is written before its msgid, separated by
 * EOT (\004); a plural entry holds its forms one after the other, separated by
 * NULs. */
#define MO_MAGIC         0x950412deU
#define MO_MAGIC_SWAPPED 0xde120495U
#define MO_HEADER_SIZE   28

struct _FdCatalog
{
  gatomicrefcount  ref_count;
  char            *language;
  GHashTable      *strings;   /* "ctx\004msgid" or "msgid" -> translation */
};

static GMutex cache_lock;
static GHashTable *cache;     /* path -> FdCatalog, or NULL for a missing file */

static FdCatalog *
catalog_new (const char *language)
{
  FdCatalog *catalog = g_new0 (FdCatalog, 1);

  g_atomic_ref_count_init (&catalog->ref_count);
  catalog->language = g_strdup (language);
  catalog->strings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return catalog;
}

static guint32
read_u32 (const guint8 *data,
          gsize         offset,
          gboolean      swapped)
{
  guint32 value;

  memcpy (&value, data + offset, sizeof value);
  return swapped ? GUINT32_SWAP_LE_BE (value) : value;
}

static FdCatalog *
damaged (GError **error)
{
  g_set_error_literal (error, FD_CORE_ERROR, FD_CORE_ERROR_MALFORMED,
                       _("The translation catalogue is damaged"));
  return NULL;
}

/* The string of table entry @index, checked to lie inside the file with its
 * terminating NUL; its length up to the first NUL goes to @len. */
static const char *
read_string (const guint8 *data,
             gsize         size,
             guint32       table,
             guint32       index,
             gboolean      swapped,
             gsize        *len)
{
  guint64 entry = (guint64) table + (guint64) index * 8;
  guint32 length, offset;

  if (entry + 8 > size)
    return NULL;
  length = read_u32 (data, (gsize) entry, swapped);
  offset = read_u32 (data, (gsize) entry + 4, swapped);
  if ((guint64) offset + length >= size || data[offset + length] != '\0')
    return NULL;
  *len = strnlen ((const char *) data + offset, length);
  return (const char *) data + offset;
}

/**
 * fd_catalog_new_from_bytes:
 * @bytes: the contents of a .mo file
 * @error: return location for a #FD_CORE_ERROR_MALFORMED
 *
 * Reads a compiled gettext catalogue written in either byte order. Plural
 * entries are kept by their singular msgid, with the first form.
 *
 * Returns: (transfer full) (nullable): the catalogue, or %NULL if @bytes is
 *   not a catalogue
 */
FdCatalog *
fd_catalog_new_from_bytes (GBytes  *bytes,
                           GError **error)
{
  g_autoptr(FdCatalog) catalog = NULL;
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  guint32 magic, n, originals, translations;
  gboolean swapped;

  if (size < MO_HEADER_SIZE)
    return damaged (error);

  memcpy (&magic, data, sizeof magic);
  if (magic == MO_MAGIC)
    swapped = FALSE;
  else if (magic == MO_MAGIC_SWAPPED)
    swapped = TRUE;
  else
    return damaged (error);

  if ((read_u32 (data, 4, swapped) >> 16) > 1)
    return damaged (error);

  n = read_u32 (data, 8, swapped);
  originals = read_u32 (data, 12, swapped);
  translations = read_u32 (data, 16, swapped);

  catalog = catalog_new (NULL);
  for (guint32 i = 0; i < n; i++)
    {
      const char *msgid, *msgstr;
      gsize msgid_len, msgstr_len;

      msgid = read_string (data, size, originals, i, swapped, &msgid_len);
      msgstr = read_string (data, size, translations, i, swapped, &msgstr_len);
      if (msgid == NULL || msgstr == NULL)
        return damaged (error);

      /* The header entry, and entries left untranslated */
      if (msgid_len == 0 || msgstr_len == 0)
        continue;

      g_hash_table_replace (catalog->strings,
                            g_strndup (msgid, msgid_len),
                            g_strndup (msgstr, msgstr_len));
    }

  return g_steal_pointer (&catalog);
}

/**
 * fd_catalog_new_from_file:
 * @path: a .mo file
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the catalogue, or %NULL
 */
FdCatalog *
fd_catalog_new_from_file (const char  *path,
                          GError     **error)
{
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, error);
  g_autoptr(GBytes) bytes = NULL;

  if (file == NULL)
    return NULL;
  bytes = g_mapped_file_get_bytes (file);
  return fd_catalog_new_from_bytes (bytes, error);
}

/**
 * fd_catalog_language_candidates:
 * @language: (nullable): a language tag, "es", "es-MX", "es_MX.UTF-8"
 *
 * The catalogue folders to try for @language, most specific first. English
 * is the language of the sources and needs none.
 *
 * Returns: (transfer full): "es_MX", "es"; empty for English or %NULL
 */
char **
fd_catalog_language_candidates (const char *language)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *lang = NULL;
  g_autofree char *territory = NULL;
  gsize len;

  if (language == NULL)
    return g_strv_builder_end (builder);

  len = strcspn (language, "-_.@");
  lang = g_ascii_strdown (language, (gssize) len);
  if (language[len] == '-' || language[len] == '_')
    {
      const char *t = language + len + 1;
      territory = g_ascii_strup (t, (gssize) strcspn (t, "-_.@"));
    }

  if (*lang == '\0' || g_str_equal (lang, "c") || g_str_equal (lang, "posix") || g_str_equal (lang, "en"))
    return g_strv_builder_end (builder);

  if (territory != NULL && *territory != '\0')
    {
      g_autofree char *full = g_strdup_printf ("%s_%s", lang, territory);
      g_strv_builder_add (builder, full);
    }
  g_strv_builder_add (builder, lang);
  return g_strv_builder_end (builder);
}

static FdCatalog *
load_cached (const char *path,
             const char *language)
{
  FdCatalog *catalog = NULL;
  gpointer value;

  g_mutex_lock (&cache_lock);
  if (cache == NULL)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                   (GDestroyNotify) fd_catalog_unref);

  if (g_hash_table_lookup_extended (cache, path, NULL, &value))
    catalog = value ? fd_catalog_ref (value) : NULL;
  else
    {
      g_autoptr(GError) error = NULL;

      catalog = fd_catalog_new_from_file (path, &error);
      if (catalog != NULL)
        {
          catalog->language = g_strdup (language);
          g_hash_table_insert (cache, g_strdup (path), fd_catalog_ref (catalog));
        }
      else
        {
          if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            g_warning ("Cannot read the catalogue for “%s”: %s", language, error->message);
          g_hash_table_insert (cache, g_strdup (path), NULL);
        }
    }
  g_mutex_unlock (&cache_lock);

  return catalog;
}

/**
 * fd_catalog_get_for_language:
 * @language: (nullable): a language tag: "es", "es-MX"; %NULL or "en" for English
 *
 * Finds Frontdesk's catalogue for @language under the folder named by the
 * environment variable FRONTDESK_LOCALEDIR, or else the installed LOCALEDIR,
 * trying "es_MX" before "es". Each file is read once per process and shared;
 * this may be called from any thread.
 *
 * Returns: (transfer full): the catalogue; an empty one, whose look-ups give
 *   back the English msgid, when no catalogue exists for @language
 */
FdCatalog *
fd_catalog_get_for_language (const char *language)
{
  g_auto(GStrv) candidates = fd_catalog_language_candidates (language);
  const char *dir = g_getenv ("FRONTDESK_LOCALEDIR");

  if (dir == NULL || *dir == '\0')
    dir = LOCALEDIR;

  for (guint i = 0; candidates[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dir, candidates[i], "LC_MESSAGES",
                                                GETTEXT_PACKAGE ".mo", NULL);
      FdCatalog *catalog = load_cached (path, candidates[i]);

      if (catalog != NULL)
        return catalog;
    }

  return catalog_new ("en");
}

/**
 * fd_catalog_ref:
 * @catalog: a catalogue
 *
 * Returns: (transfer full): @catalog
 */
FdCatalog *
fd_catalog_ref (FdCatalog *catalog)
{
  g_atomic_ref_count_inc (&catalog->ref_count);
  return catalog;
}

/**
 * fd_catalog_unref:
 * @catalog: (transfer full): a catalogue
 */
void
fd_catalog_unref (FdCatalog *catalog)
{
  if (g_atomic_ref_count_dec (&catalog->ref_count))
    {
      g_hash_table_unref (catalog->strings);
      g_free (catalog->language);
      g_free (catalog);
    }
}

/**
 * fd_catalog_get_n_entries:
 * @catalog: a catalogue
 *
 * Returns: how many translated strings @catalog holds
 */
guint
fd_catalog_get_n_entries (FdCatalog *catalog)
{
  return g_hash_table_size (catalog->strings);
}

/**
 * fd_catalog_get_language:
 * @catalog: a catalogue
 *
 * Returns: (transfer none) (nullable): the folder name it was found under,
 *   "es"; "en" for the empty catalogue; %NULL when read from a file directly
 */
const char *
fd_catalog_get_language (FdCatalog *catalog)
{
  return catalog->language;
}

/**
 * fd_catalog_gettext:
 * @catalog: a catalogue
 * @msgid: the English string
 *
 * Returns: (transfer none): the translation, or @msgid when there is none
 */
const char *
fd_catalog_gettext (FdCatalog  *catalog,
                    const char *msgid)
{
  const char *msgstr = g_hash_table_lookup (catalog->strings, msgid);

  return msgstr ? msgstr : msgid;
}

/**
 * fd_catalog_pgettext:
 * @catalog: a catalogue
 * @context: (nullable): the msgctxt
 * @msgid: the English string
 *
 * Returns: (transfer none): the translation of @msgid in @context, or @msgid
 *   when there is none
 */
const char *
fd_catalog_pgettext (FdCatalog  *catalog,
                     const char *context,
                     const char *msgid)
{
  g_autofree char *key = NULL;
  const char *msgstr;

  if (context == NULL)
    return fd_catalog_gettext (catalog, msgid);

  if (g_hash_table_size (catalog->strings) == 0)
    return msgid;

  key = g_strconcat (context, "\004", msgid, NULL);
  msgstr = g_hash_table_lookup (catalog->strings, key);
  return msgstr ? msgstr : msgid;
}
