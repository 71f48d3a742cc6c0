/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdDates"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

#include "fd-core.h"
#include "fd-dates.h"

/**
 * fd_date_order_from_locale:
 *
 * Reads the order of day, month and year from the current locale's date
 * format, so that 03/07/1961 means 7 March in the United States and 3 July
 * in Spain.
 *
 * Returns: the locale's order
 */
FdDateOrder
fd_date_order_from_locale (void)
{
  const char *fmt = nl_langinfo (D_FMT);

  for (const char *p = fmt; p != NULL && *p != '\0'; p++)
    {
      if (*p != '%')
        continue;
      p++;
      if (*p == 'E' || *p == 'O')
        p++;
      if (*p == '\0')
        break;
      switch (*p)
        {
        case 'd': case 'e': return FD_DATE_ORDER_DMY;
        case 'm': case 'D': return FD_DATE_ORDER_MDY;
        case 'y': case 'Y': case 'F': return FD_DATE_ORDER_YMD;
        default: break;
        }
    }

  return FD_DATE_ORDER_MDY;
}

static gboolean
parse_number (const char **p,
              guint        max_digits,
              guint       *value,
              guint       *n_digits)
{
  guint v = 0, n = 0;

  while (g_ascii_isdigit (**p) && n < max_digits)
    {
      v = v * 10 + (guint) (**p - '0');
      (*p)++;
      n++;
    }

  *value = v;
  *n_digits = n;
  return n > 0 && !g_ascii_isdigit (**p);
}

/**
 * fd_date_parse:
 * @text: a date as a person types it: "03/07/1961", "3-7-61", "1961-03-07"
 * @order: how to read day and month when the year comes last
 * @out: (out caller-allocates): the date
 * @error: return location for a #FD_CORE_ERROR_INVALID
 *
 * A year first is always read as ISO 8601 (year, month, day). Two-digit years
 * are placed in the century that keeps them in the past.
 *
 * Returns: %TRUE if @text is a real calendar date
 */
gboolean
fd_date_parse (const char   *text,
               FdDateOrder   order,
               GDate        *out,
               GError      **error)
{
  guint parts[3], digits[3];
  const char *p;
  guint day, month, year;

  g_date_clear (out, 1);

  if (text == NULL)
    goto invalid;

  p = text;
  while (g_ascii_isspace (*p))
    p++;

  for (guint i = 0; i < 3; i++)
    {
      if (!parse_number (&p, 4, &parts[i], &digits[i]))
        goto invalid;
      if (i < 2)
        {
          if (*p != '/' && *p != '-' && *p != '.')
            goto invalid;
          p++;
        }
    }
  while (g_ascii_isspace (*p))
    p++;
  if (*p != '\0')
    goto invalid;

  if (digits[0] == 4 || order == FD_DATE_ORDER_YMD)
    {
      if (digits[0] != 4)
        goto invalid;
      year = parts[0], month = parts[1], day = parts[2];
      digits[2] = 4;
    }
  else if (order == FD_DATE_ORDER_DMY)
    day = parts[0], month = parts[1], year = parts[2];
  else
    month = parts[0], day = parts[1], year = parts[2];

  if (digits[0] != 4)
    {
      if (digits[2] == 2)
        {
          GDate today;
          guint this_year;

          fd_date_set_today (&today, NULL);
          this_year = g_date_get_year (&today);
          year += (this_year / 100) * 100;
          if (year > this_year)
            year -= 100;
        }
      else if (digits[2] != 4)
        goto invalid;
    }

  if (year < 1 || year > 9999 || !g_date_valid_dmy (day, month, year))
    goto invalid;

  g_date_set_dmy (out, day, month, year);
  return TRUE;

invalid:
  g_set_error (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID,
               _("“%s” is not a date"), text ? text : "");
  return FALSE;
}

/**
 * fd_date_parse_iso:
 * @text: (nullable): a FHIR date "YYYY-MM-DD", or the date part of a dateTime
 * @out: (out caller-allocates): the date
 *
 * Returns: whether @text started with a valid full date
 */
gboolean
fd_date_parse_iso (const char *text,
                   GDate      *out)
{
  guint y, m, d;

  g_date_clear (out, 1);
  if (text == NULL || strlen (text) < 10)
    return FALSE;
  for (guint i = 0; i < 10; i++)
    {
      if (i == 4 || i == 7)
        {
          if (text[i] != '-')
            return FALSE;
        }
      else if (!g_ascii_isdigit (text[i]))
        return FALSE;
    }

  y = (guint) atoi (text);
  m = (guint) atoi (text + 5);
  d = (guint) atoi (text + 8);
  if (y < 1 || !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return FALSE;

  g_date_set_dmy (out, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
  return TRUE;
}

/**
 * fd_birth_date_check:
 * @birth_date: the date given
 * @today: the clinic's today
 * @error: return location for a #FD_CORE_ERROR_INVALID with a message for the desk
 *
 * Returns: whether @birth_date can be a living patient's birth date
 */
gboolean
fd_birth_date_check (const GDate  *birth_date,
                     const GDate  *today,
                     GError      **error)
{
  if (!g_date_valid (birth_date))
    {
      g_set_error_literal (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID,
                           _("The birth date is not a valid date"));
      return FALSE;
    }

  if (g_date_compare (birth_date, today) > 0)
    {
      g_set_error_literal (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID,
                           _("The birth date is in the future"));
      return FALSE;
    }

  if (fd_date_age_years (birth_date, today) > 130)
    {
      g_set_error_literal (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID,
                           _("The birth date is more than 130 years ago"));
      return FALSE;
    }

  return TRUE;
}

/**
 * fd_date_format_iso:
 * @date: a valid date
 *
 * Returns: (transfer full): "YYYY-MM-DD"
 */
char *
fd_date_format_iso (const GDate *date)
{
  g_return_val_if_fail (g_date_valid (date), NULL);

  return g_strdup_printf ("%04u-%02u-%02u",
                          g_date_get_year (date),
                          g_date_get_month (date),
                          g_date_get_day (date));
}

/**
 * fd_date_format_short:
 * @date: a valid date
 * @order: the order a person reads dates in
 *
 * Returns: (transfer full): the date with a four-digit year, "03/07/1961"
 */
char *
fd_date_format_short (const GDate *date,
                      FdDateOrder  order)
{
  guint d, m, y;

  g_return_val_if_fail (g_date_valid (date), NULL);

  d = g_date_get_day (date);
  m = g_date_get_month (date);
  y = g_date_get_year (date);

  switch (order)
    {
    case FD_DATE_ORDER_DMY:
      return g_strdup_printf ("%02u/%02u/%04u", d, m, y);
    case FD_DATE_ORDER_YMD:
      return fd_date_format_iso (date);
    case FD_DATE_ORDER_MDY:
    default:
      return g_strdup_printf ("%02u/%02u/%04u", m, d, y);
    }
}

/**
 * fd_date_age_years:
 * @birth_date: a valid date
 * @today: a valid date
 *
 * Returns: completed years between the two dates, 0 if @today comes first
 */
guint
fd_date_age_years (const GDate *birth_date,
                   const GDate *today)
{
  int years;

  years = (int) g_date_get_year (today) - (int) g_date_get_year (birth_date);
  if (g_date_get_month (today) < g_date_get_month (birth_date) ||
      (g_date_get_month (today) == g_date_get_month (birth_date) &&
       g_date_get_day (today) < g_date_get_day (birth_date)))
    years--;

  return years > 0 ? (guint) years : 0;
}

/**
 * fd_date_from_date_time:
 * @date: (out caller-allocates): the calendar date
 * @date_time: a date and time, in the zone whose calendar is wanted
 */
void
fd_date_from_date_time (GDate     *date,
                        GDateTime *date_time)
{
  g_date_clear (date, 1);
  g_date_set_dmy (date,
                  (GDateDay) g_date_time_get_day_of_month (date_time),
                  (GDateMonth) g_date_time_get_month (date_time),
                  (GDateYear) g_date_time_get_year (date_time));
}

/**
 * fd_date_set_today:
 * @date: (out caller-allocates): today's date
 * @tz: (nullable): the zone, or %NULL for the local one
 */
void
fd_date_set_today (GDate     *date,
                   GTimeZone *tz)
{
  g_autoptr(GDateTime) now = NULL;

  if (tz != NULL)
    now = g_date_time_new_now (tz);
  else
    now = g_date_time_new_now_local ();
  fd_date_from_date_time (date, now);
}

/**
 * fd_date_time_parse:
 * @instant: (nullable): a FHIR instant or dateTime with a zone
 * @tz: (nullable): zone to convert to, %NULL for the local one
 *
 * Returns: (transfer full) (nullable): the time in @tz, or %NULL if @instant is
 *   not a full date and time with a zone
 */
GDateTime *
fd_date_time_parse (const char *instant,
                    GTimeZone  *tz)
{
  g_autoptr(GDateTime) parsed = NULL;

  if (instant == NULL)
    return NULL;

  parsed = g_date_time_new_from_iso8601 (instant, NULL);
  if (parsed == NULL)
    return NULL;

  return tz != NULL ? g_date_time_to_timezone (parsed, tz) : g_date_time_to_local (parsed);
}

/**
 * fd_date_time_format_fhir:
 * @date_time: a time
 *
 * Returns: (transfer full): a FHIR instant with the zone offset of @date_time
 */
char *
fd_date_time_format_fhir (GDateTime *date_time)
{
  return g_date_time_format (date_time, "%Y-%m-%dT%H:%M:%S%:z");
}

/* An instant as the server wrote it: with a zone, to the microsecond */
static GDateTime *
parse_instant (const char *text)
{
  return text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
}

/**
 * fd_instant_later:
 * @candidate: (nullable): a FHIR instant, such as a lastUpdated
 * @current: (nullable): the latest one so far
 *
 * Compares points in time, not text: servers write instants with different
 * precision and zone offsets ("2026-11-27T10:00:00Z",
 * "2026-11-27T10:00:00.123+00:00", "2026-11-27T05:00:00-05:00"). Text that
 * is not an instant with a zone is never later than anything, and anything
 * that is one is later than such text or %NULL.
 *
 * Returns: whether @candidate is an instant after @current
 */
gboolean
fd_instant_later (const char *candidate,
                  const char *current)
{
  g_autoptr(GDateTime) a = parse_instant (candidate);
  g_autoptr(GDateTime) b = NULL;

  if (a == NULL)
    return FALSE;
  b = parse_instant (current);
  return b == NULL || g_date_time_compare (a, b) > 0;
}

/**
 * fd_instant_equal:
 * @a: (nullable): a FHIR instant
 * @b: (nullable): another
 *
 * Returns: whether both are instants with a zone and the same point in
 *   time, however each is written
 */
gboolean
fd_instant_equal (const char *a,
                  const char *b)
{
  g_autoptr(GDateTime) x = parse_instant (a);
  g_autoptr(GDateTime) y = parse_instant (b);

  return x != NULL && y != NULL && g_date_time_equal (x, y);
}

/**
 * fd_time_format_short:
 * @date_time: a time
 *
 * Returns: (transfer full): hours and minutes as the locale writes them,
 *   "9:20 AM" or "09:20"
 */
char *
fd_time_format_short (GDateTime *date_time)
{
  const char *fmt = nl_langinfo (T_FMT);
  gboolean twelve = strstr (fmt, "%p") != NULL || strstr (fmt, "%r") != NULL ||
                    strstr (fmt, "%I") != NULL || strstr (fmt, "%l") != NULL;

  if (twelve)
    {
      g_autofree char *s = g_date_time_format (date_time, "%l:%M %p");
      return g_strdup (g_strstrip (s));
    }
  return g_date_time_format (date_time, "%H:%M");
}

/**
 * fd_date_format_long:
 * @date: a valid date
 *
 * Day and month names come from Frontdesk's own catalogue, so the date reads
 * in the language of the rest of the window even where the system has no
 * locale for it.
 *
 * Returns: (transfer full): the weekday and date in words,
 *   "Friday, November 27, 2026"
 */
char *
fd_date_format_long (const GDate *date)
{
  static const char * const weekdays[] = {
    NC_("weekday", "Monday"), NC_("weekday", "Tuesday"), NC_("weekday", "Wednesday"),
    NC_("weekday", "Thursday"), NC_("weekday", "Friday"), NC_("weekday", "Saturday"),
    NC_("weekday", "Sunday"),
  };
  static const char * const months[] = {
    NC_("month", "January"), NC_("month", "February"), NC_("month", "March"),
    NC_("month", "April"), NC_("month", "May"), NC_("month", "June"),
    NC_("month", "July"), NC_("month", "August"), NC_("month", "September"),
    NC_("month", "October"), NC_("month", "November"), NC_("month", "December"),
  };
  const char *weekday, *month;

  g_return_val_if_fail (g_date_valid (date), NULL);

  weekday = g_dpgettext2 (GETTEXT_PACKAGE, "weekday", weekdays[g_date_get_weekday (date) - 1]);
  month = g_dpgettext2 (GETTEXT_PACKAGE, "month", months[g_date_get_month (date) - 1]);

  /* Translators: a full date: 1$ the weekday, 2$ the month, 3$ the day, 4$ the year;
   * "Friday, November 27, 2026". Reorder with %N$ as your language writes dates. */
  return g_strdup_printf (_("%1$s, %2$s %3$u, %4$u"), weekday, month,
                          (guint) g_date_get_day (date), (guint) g_date_get_year (date));
}

/**
 * fd_appointment_status_label:
 * @status: (nullable): an Appointment.status code
 *
 * Returns: (transfer none): the status in the desk's words
 */
const char *
fd_appointment_status_label (const char *status)
{
  if (status == NULL)
    return _("Unknown");
  if (g_str_equal (status, "booked") || g_str_equal (status, "pending") || g_str_equal (status, "proposed"))
    return _("Scheduled");
  if (g_str_equal (status, "arrived"))
    return _("Arrived");
  if (g_str_equal (status, "checked-in"))
    return _("Checked in");
  if (g_str_equal (status, "fulfilled"))
    return _("Completed");
  if (g_str_equal (status, "noshow"))
    return _("No-show");
  if (g_str_equal (status, "cancelled"))
    return _("Cancelled");
  if (g_str_equal (status, "waitlist"))
    return _("Waitlist");
  if (g_str_equal (status, "entered-in-error"))
    return _("Entered in error");
  return _("Unknown");
}
