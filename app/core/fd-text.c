/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdText"

#include "fd-text.h"

/* Letters that do not decompose into a base letter plus a mark. */
static const char *
fold_special (gunichar c)
{
  switch (c)
    {
    case 0x00DF: return "ss";  /* ß */
    case 0x00E6: return "ae";  /* æ */
    case 0x00F8: return "o";   /* ø */
    case 0x0111: return "d";   /* đ */
    case 0x0131: return "i";   /* dotless i */
    case 0x0142: return "l";   /* ł */
    case 0x0153: return "oe";  /* œ */
    case 0x00F0: return "d";   /* ð */
    case 0x00FE: return "th";  /* þ */
    default: return NULL;
    }
}

static void
append_folded_char (GString  *out,
                    gunichar  c)
{
  gunichar decomposed[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  gsize n;
  const char *special;

  c = g_unichar_tolower (c);
  special = fold_special (c);
  if (special != NULL)
    {
      g_string_append (out, special);
      return;
    }

  n = g_unichar_fully_decompose (c, FALSE, decomposed, G_N_ELEMENTS (decomposed));
  for (gsize i = 0; i < n; i++)
    {
      gunichar d = decomposed[i];

      if (g_unichar_ismark (d))
        continue;
      d = g_unichar_tolower (d);
      special = fold_special (d);
      if (special != NULL)
        g_string_append (out, special);
      else if (g_unichar_isalnum (d))
        g_string_append_unichar (out, d);
    }
}

static char *
fold (const char *text,
      gboolean    keep_spaces)
{
  GString *out;
  gboolean pending_space = FALSE;

  if (text == NULL)
    return g_strdup ("");

  out = g_string_sized_new (strlen (text));
  if (!g_utf8_validate (text, -1, NULL))
    return g_string_free (out, FALSE);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* Apostrophes join (O'Brien is "obrien"); hyphens, spaces and the rest separate words */
      if (c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x02BC || c == '`')
        continue;

      if (!g_unichar_isalnum (c) && !g_unichar_ismark (c))
        {
          pending_space = out->len > 0;
          continue;
        }

      if (pending_space && keep_spaces)
        g_string_append_c (out, ' ');
      pending_space = FALSE;
      append_folded_char (out, c);
    }

  return g_string_free (out, FALSE);
}

/**
 * fd_text_fold:
 * @text: (nullable): UTF-8 text
 *
 * Folds @text into the compact key used for name matching: lower case, no
 * accents, no punctuation and no spaces. "García-López" and "garcia lopez" both
 * give "garcialopez"; "O'Brien" gives "obrien".
 *
 * Returns: (transfer full): the folded key, empty for invalid UTF-8
 */
char *
fd_text_fold (const char *text)
{
  return fold (text, FALSE);
}

/**
 * fd_text_fold_words:
 * @text: (nullable): UTF-8 text
 *
 * Like fd_text_fold() but keeps one space between words, where the text had
 * spaces, hyphens or other separators.
 *
 * Returns: (transfer full): the folded words
 */
char *
fd_text_fold_words (const char *text)
{
  return fold (text, TRUE);
}

/**
 * fd_text_digits:
 * @text: (nullable): text such as "(512) 555-0142"
 *
 * Returns: (transfer full): the ASCII digits of @text, in order
 */
char *
fd_text_digits (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (out, *p);

  return g_string_free (out, FALSE);
}

/**
 * fd_text_has_letters:
 * @text: (nullable): UTF-8 text
 *
 * Returns: whether @text holds at least one letter
 */
gboolean
fd_text_has_letters (const char *text)
{
  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return FALSE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isalpha (g_utf8_get_char (p)))
      return TRUE;

  return FALSE;
}
