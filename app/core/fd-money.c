/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdMoney"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "fd-core.h"
#include "fd-money.h"

/**
 * fd_money_init:
 * @money: (out caller-allocates): the amount
 * @cents: whole minor units
 * @currency: (nullable): ISO 4217 code, %NULL for USD
 */
void
fd_money_init (FdMoney    *money,
               gint64      cents,
               const char *currency)
{
  money->cents = cents;
  g_strlcpy (money->currency, currency ? currency : "USD", sizeof money->currency);
}

/**
 * fd_money_style_init:
 * @style: (out caller-allocates): the style
 * @decimal: the decimal mark
 * @group: the thousands separator, may be empty
 * @symbol_first: whether the currency symbol precedes the amount
 */
void
fd_money_style_init (FdMoneyStyle *style,
                     const char   *decimal,
                     const char   *group,
                     gboolean      symbol_first)
{
  memset (style, 0, sizeof *style);
  g_strlcpy (style->decimal, decimal && *decimal ? decimal : ".", sizeof style->decimal);
  g_strlcpy (style->group, group ? group : "", sizeof style->group);
  style->symbol_first = symbol_first;
  style->space_after_symbol = !symbol_first;
}

/**
 * fd_money_style_from_locale:
 * @style: (out caller-allocates): the style of the current LC_MONETARY
 *
 * The C locale says nothing about money; it gets "1,234.56" with the
 * symbol first.
 */
void
fd_money_style_from_locale (FdMoneyStyle *style)
{
  struct lconv *lc = localeconv ();
  const char *decimal = lc->mon_decimal_point;
  const char *group = lc->mon_thousands_sep;
  gboolean first = lc->p_cs_precedes != 0;

  if (decimal == NULL || *decimal == '\0')
    {
      decimal = ".";
      group = ",";
      first = TRUE;
    }
  else if (lc->p_cs_precedes == CHAR_MAX)
    first = TRUE;

  fd_money_style_init (style, decimal, group, first);
}

const char *
fd_currency_symbol (const char *currency)
{
  if (g_strcmp0 (currency, "USD") == 0 || g_strcmp0 (currency, "CAD") == 0 ||
      g_strcmp0 (currency, "MXN") == 0 || g_strcmp0 (currency, "AUD") == 0)
    return "$";
  if (g_strcmp0 (currency, "EUR") == 0)
    return "€";
  if (g_strcmp0 (currency, "GBP") == 0)
    return "£";
  return currency;
}

static gboolean
skip_string (const char **p,
             const char  *s)
{
  gsize len = strlen (s);

  if (len > 0 && strncmp (*p, s, len) == 0)
    {
      *p += len;
      return TRUE;
    }
  return FALSE;
}

static void
skip_spaces (const char **p)
{
  for (;;)
    {
      if (g_ascii_isspace (**p))
        (*p)++;
      else if (!skip_string (p, "\u00A0") && !skip_string (p, "\u202F"))
        break;
    }
}

static gboolean
fail (GError     **error,
      const char  *message)
{
  g_set_error_literal (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID, message);
  return FALSE;
}

/**
 * fd_money_parse:
 * @text: an amount as typed: "25", "25.5", "$1,234.56", "1.234,56 €"
 * @currency: (nullable): the currency of the amount, %NULL for USD
 * @style: how the desk's locale writes amounts
 * @out: (out caller-allocates): the amount
 * @error: return location for a #FD_CORE_ERROR_INVALID with a message for the desk
 *
 * Thousands separators are accepted only between groups of three digits, and
 * at most two decimals: "12.345" in a locale whose decimal mark is "." is an
 * error, not 12.35. Negative amounts are refused; corrections are separate
 * records.
 *
 * Returns: %TRUE and sets @out if @text is an amount
 */
gboolean
fd_money_parse (const char         *text,
                const char         *currency,
                const FdMoneyStyle *style,
                FdMoney            *out,
                GError            **error)
{
  const char *p = text;
  const char *symbol;
  gint64 units = 0, cents = 0;
  guint int_digits = 0, group_len = 0, frac_digits = 0;
  gboolean grouped = FALSE;

  fd_money_init (out, 0, currency);
  symbol = fd_currency_symbol (out->currency);

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return fail (error, _("Enter an amount"));

  skip_spaces (&p);
  if (*p == '-' || skip_string (&p, "\u2212"))
    return fail (error, _("The amount cannot be negative"));
  if (skip_string (&p, symbol) || skip_string (&p, out->currency))
    skip_spaces (&p);
  if (*p == '-')
    return fail (error, _("The amount cannot be negative"));

  if (*p == '\0')
    return fail (error, _("Enter an amount"));

  for (;;)
    {
      if (g_ascii_isdigit (*p))
        {
          if (int_digits >= 9 + 3)
            return fail (error, _("The amount is too large"));
          units = units * 10 + (*p - '0');
          int_digits++;
          group_len++;
          p++;
        }
      else if (style->group[0] != '\0' && int_digits > 0 &&
               strncmp (p, style->group, strlen (style->group)) == 0 &&
               g_ascii_isdigit (p[strlen (style->group)]))
        {
          if ((grouped && group_len != 3) || (!grouped && group_len > 3))
            return fail (error, _("The thousands separators are misplaced"));
          grouped = TRUE;
          group_len = 0;
          p += strlen (style->group);
        }
      else
        break;
    }

  if (grouped && group_len != 3)
    return fail (error, _("The thousands separators are misplaced"));

  if (skip_string (&p, style->decimal))
    {
      while (g_ascii_isdigit (*p))
        {
          if (frac_digits == 2)
            return fail (error, _("An amount has at most two decimals"));
          cents = cents * 10 + (*p - '0');
          frac_digits++;
          p++;
        }
      if (frac_digits == 1)
        cents *= 10;
    }

  if (int_digits == 0 && frac_digits == 0)
    return fail (error, _("Enter an amount in numbers"));

  skip_spaces (&p);
  if (skip_string (&p, symbol) || skip_string (&p, out->currency))
    skip_spaces (&p);

  if (*p != '\0')
    {
      if (*p == '.' || *p == ',')
        return fail (error, _("Use the decimal mark and thousands separator of this desk’s language"));
      return fail (error, _("Enter an amount in numbers"));
    }

  if (units > FD_MONEY_MAX_CENTS / 100)
    return fail (error, _("The amount is too large"));

  out->cents = units * 100 + cents;
  return TRUE;
}

static void
append_grouped (GString            *out,
                guint64             units,
                const FdMoneyStyle *style)
{
  char digits[32];
  gsize len;

  g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, units);
  len = strlen (digits);
  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (out, style->group);
      g_string_append_c (out, digits[i]);
    }
}

/**
 * fd_money_format:
 * @money: an amount
 * @style: how to write it
 *
 * Returns: (transfer full): "$1,234.56", "-$5.00", "1.234,56 €"
 */
char *
fd_money_format (const FdMoney      *money,
                 const FdMoneyStyle *style)
{
  GString *out = g_string_new (NULL);
  const char *symbol = fd_currency_symbol (money->currency);
  guint64 magnitude;

  if (money->cents < 0)
    {
      g_string_append_c (out, '-');
      magnitude = (guint64) (-(money->cents + 1)) + 1;
    }
  else
    magnitude = (guint64) money->cents;

  if (style->symbol_first)
    g_string_append (out, symbol);

  append_grouped (out, magnitude / 100, style);
  g_string_append_printf (out, "%s%02u", style->decimal, (guint) (magnitude % 100));

  if (!style->symbol_first)
    g_string_append_printf (out, "\u00A0%s", symbol);

  return g_string_free (out, FALSE);
}

/**
 * fd_money_add:
 * @a: an amount
 * @b: an amount in the same currency
 * @out: (out caller-allocates): the sum
 * @error: return location for an error
 *
 * Returns: %FALSE when the currencies differ or the sum overflows
 */
gboolean
fd_money_add (const FdMoney  *a,
              const FdMoney  *b,
              FdMoney        *out,
              GError        **error)
{
  gint64 sum;

  if (strcmp (a->currency, b->currency) != 0)
    return fail (error, _("The amounts are in different currencies"));
  if (__builtin_add_overflow (a->cents, b->cents, &sum) ||
      sum > FD_MONEY_MAX_CENTS || sum < -FD_MONEY_MAX_CENTS)
    return fail (error, _("The amount is too large"));

  fd_money_init (out, sum, a->currency);
  return TRUE;
}

/**
 * fd_money_to_decimal:
 * @money: an amount
 *
 * Returns: (transfer full): the FHIR decimal for @money, "125.40"
 */
char *
fd_money_to_decimal (const FdMoney *money)
{
  guint64 magnitude = money->cents < 0 ? (guint64) (-(money->cents + 1)) + 1 : (guint64) money->cents;

  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%02u",
                          money->cents < 0 ? "-" : "",
                          magnitude / 100, (guint) (magnitude % 100));
}

/**
 * fd_money_from_decimal:
 * @value: a FHIR decimal as JSON gives it
 * @currency: (nullable): ISO 4217 code
 * @out: (out caller-allocates): the amount
 *
 * The one place where a binary fraction becomes money: JSON numbers arrive as
 * doubles, which hold every amount below 2^53 / 100 to the cent.
 *
 * Returns: %FALSE for values that are not finite or too large
 */
gboolean
fd_money_from_decimal (double      value,
                       const char *currency,
                       FdMoney    *out)
{
  fd_money_init (out, 0, currency);
  if (!isfinite (value) || fabs (value) * 100.0 > (double) FD_MONEY_MAX_CENTS)
    return FALSE;
  out->cents = (gint64) llround (value * 100.0);
  return TRUE;
}
