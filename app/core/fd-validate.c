/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdValidate"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fd-core.h"
#include "fd-dates.h"
#include "fd-text.h"
#include "fd-validate.h"

/* What the desk types into a demographics field, checked and put in the
 * form the record keeps. Each returns %NULL with a message for the desk
 * when the text cannot be what the field holds. */

static gboolean
only (const char *text,
      const char *allowed_punctuation)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && *p != ' ' && strchr (allowed_punctuation, *p) == NULL)
      return FALSE;
  return TRUE;
}

/**
 * fd_validate_phone:
 * @text: a phone number as typed
 * @error: return location for a #FD_CORE_ERROR_INVALID
 *
 * A North American number: ten digits, or eleven starting with 1, in any
 * usual punctuation.
 *
 * Returns: (transfer full) (nullable): the number as "(512) 555-0134"
 */
char *
fd_validate_phone (const char  *text,
                   GError     **error)
{
  g_autofree char *digits = fd_text_digits (text);
  const char *d = digits;

  if (!only (text, "()-.+"))
    {
      g_set_error_literal (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID,
                           _("A phone number has only digits, like (512) 555-0134"));
      return NULL;
    }
  if (strlen (d) == 11 && d[0] == '1')
    d++;
  if (strlen (d) != 10)
    {
      g_set_error_literal (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID,
                           _("A phone number has 10 digits, like (512) 555-0134"));
      return NULL;
    }
  if (d[0] == '0' || d[0] == '1' || d[3] == '0' || d[3] == '1')
    {
      g_set_error_literal (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID,
                           _("This cannot be a phone number: an area code or exchange never starts with 0 or 1"));
      return NULL;
    }
  return g_strdup_printf ("(%.3s) %.3s-%.4s", d, d + 3, d + 6);
}

/**
 * fd_validate_zip:
 * @text: a ZIP code as typed
 * @error: return location for a #FD_CORE_ERROR_INVALID
 *
 * Returns: (transfer full) (nullable): "78701" or "78701-1234"
 */
char *
fd_validate_zip (const char  *text,
                 GError     **error)
{
  g_autofree char *digits = fd_text_digits (text);

  if (!only (text, "-") || (strlen (digits) != 5 && strlen (digits) != 9) ||
      g_str_equal (digits, "00000"))
    {
      g_set_error_literal (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID,
                           _("A ZIP code has 5 digits, or 5 and 4 like 78701-1234"));
      return NULL;
    }
  if (strlen (digits) == 9)
    return g_strdup_printf ("%.5s-%.4s", digits, digits + 5);
  return g_steal_pointer (&digits);
}

/**
 * fd_validate_email:
 * @text: an email address as typed
 * @error: return location for a #FD_CORE_ERROR_INVALID
 *
 * Returns: (transfer full) (nullable): the address without surrounding spaces
 */
char *
fd_validate_email (const char  *text,
                   GError     **error)
{
  g_autofree char *address = g_strstrip (g_strdup (text));
  const char *at = strchr (address, '@');
  const char *dot = at ? strrchr (at, '.') : NULL;

  if (at == NULL || at == address || strchr (at + 1, '@') != NULL ||
      dot == NULL || dot == at + 1 || dot[1] == '\0' || strpbrk (address, " ,;<>()[]\\\"") != NULL)
    {
      g_set_error_literal (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID,
                           _("An email address looks like name@example.com"));
      return NULL;
    }
  return g_steal_pointer (&address);
}

static const char * const states[] = {
  "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL",
  "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE",
  "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
  "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI",
};

/**
 * fd_validate_state:
 * @text: a US state as typed
 * @error: return location for a #FD_CORE_ERROR_INVALID
 *
 * Returns: (transfer full) (nullable): the two-letter postal code, upper case
 */
char *
fd_validate_state (const char  *text,
                   GError     **error)
{
  g_autofree char *code = g_ascii_strup (text, -1);

  g_strstrip (code);
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    if (g_str_equal (code, states[i]))
      return g_steal_pointer (&code);

  g_set_error_literal (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID,
                       _("Use the two-letter postal code of the state, like TX"));
  return NULL;
}

/**
 * fd_validate_birth_date:
 * @text: a birth date as typed, in the locale's order or as YYYY-MM-DD
 * @today: the clinic's today
 * @error: return location for a #FD_CORE_ERROR_INVALID
 *
 * Returns: (transfer full) (nullable): the date as YYYY-MM-DD
 */
char *
fd_validate_birth_date (const char  *text,
                        const GDate *today,
                        GError     **error)
{
  GDate date;

  g_date_clear (&date, 1);
  if (!fd_date_parse (text, fd_date_order_from_locale (), &date, error))
    return NULL;
  if (!fd_birth_date_check (&date, today, error))
    return NULL;
  return fd_date_format_iso (&date);
}
