/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdLedger"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fd-core.h"
#include "fd-ledger.h"

#define CARD_MIN_DIGITS 13
#define CARD_MAX_DIGITS 19
#define MAX_LINES 8
#define MAX_STATION_LEN 12

static const struct {
  const char *code;   /* HL7 v2-0570 */
  const char *label;
} methods[FD_N_PAYMENT_METHODS] = {
  [FD_PAYMENT_METHOD_CASH]        = { "CASH", N_("Cash") },
  [FD_PAYMENT_METHOD_CHECK]       = { "CHCK", N_("Check") },
  [FD_PAYMENT_METHOD_CREDIT_CARD] = { "CCCA", N_("Credit card") },
  [FD_PAYMENT_METHOD_DEBIT_CARD]  = { "DEBC", N_("Debit card") },
};

/* Helpers */

static gboolean
fail (GError     **error,
      const char  *message)
{
  g_set_error_literal (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID, message);
  return FALSE;
}

static char *
format_amount (gint64 cents)
{
  FdMoneyStyle style;
  FdMoney money;

  fd_money_style_from_locale (&style);
  fd_money_init (&money, cents, NULL);
  return fd_money_format (&money, &style);
}

/* Spaces and dashes people put between groups of digits */
static gsize
separator_length (const char *p)
{
  static const char * const wide[] = {
    "\u00A0", "\u2007", "\u2009", "\u202F", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212",
  };

  if (*p == ' ' || *p == '\t' || *p == '-')
    return 1;
  for (guint i = 0; i < G_N_ELEMENTS (wide); i++)
    if (g_str_has_prefix (p, wide[i]))
      return strlen (wide[i]);
  return 0;
}

static gboolean
luhn_span (const char *digits,
           gsize       len)
{
  guint sum = 0;

  for (gsize i = 0; i < len; i++)
    {
      guint d = (guint) (digits[len - 1 - i] - '0');

      if (i % 2 == 1)
        {
          d *= 2;
          if (d > 9)
            d -= 9;
        }
      sum += d;
    }
  return sum % 10 == 0;
}

static gboolean
run_has_card_number (const GString *run)
{
  if (run->len < CARD_MIN_DIGITS)
    return FALSE;
  if (run->len <= CARD_MAX_DIGITS)
    return luhn_span (run->str, run->len);

  /* Longer than any card: a card number typed against other digits (an
   * expiry date, a code) is still a card number, so any stretch of 13 to 19
   * digits that passes the check counts */
  for (gsize start = 0; start + CARD_MIN_DIGITS <= run->len; start++)
    for (gsize len = CARD_MIN_DIGITS; len <= CARD_MAX_DIGITS && start + len <= run->len; len++)
      if (luhn_span (run->str + start, len))
        return TRUE;
  return FALSE;
}

/* Public API */

/**
 * fd_payment_method_code:
 * @method: a payment method
 *
 * Returns: (transfer none): its HL7 v2-0570 code, "CASH"
 */
const char *
fd_payment_method_code (FdPaymentMethod method)
{
  g_return_val_if_fail (method < FD_N_PAYMENT_METHODS, NULL);
  return methods[method].code;
}

/**
 * fd_payment_method_label:
 * @method: a payment method
 *
 * Returns: (transfer none): its name for the desk, translated
 */
const char *
fd_payment_method_label (FdPaymentMethod method)
{
  g_return_val_if_fail (method < FD_N_PAYMENT_METHODS, NULL);
  return _(methods[method].label);
}

/**
 * fd_payment_method_from_code:
 * @code: (nullable): a v2-0570 code
 * @out: (out): the method
 *
 * Returns: %TRUE if @code is one the desk takes
 */
gboolean
fd_payment_method_from_code (const char      *code,
                             FdPaymentMethod *out)
{
  for (guint i = 0; code != NULL && i < FD_N_PAYMENT_METHODS; i++)
    if (strcmp (code, methods[i].code) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

/**
 * fd_ledger_luhn_valid:
 * @digits: ASCII digits only
 *
 * Returns: %TRUE if @digits passes the Luhn (mod 10) check
 */
gboolean
fd_ledger_luhn_valid (const char *digits)
{
  gsize len;

  g_return_val_if_fail (digits != NULL, FALSE);

  len = strlen (digits);
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (digits[i]))
      return FALSE;
  return luhn_span (digits, len);
}

/**
 * fd_ledger_text_has_card_number:
 * @text: (nullable): anything typed into a field
 *
 * Looks for a payment card number anywhere in @text: 13 to 19 digits,
 * possibly grouped with spaces or dashes, that pass the Luhn check. Every
 * free-text field of the Payments view runs its input through this, and the
 * ledger refuses such text before anything is written.
 *
 * Returns: %TRUE if @text holds something that looks like a card number
 */
gboolean
fd_ledger_text_has_card_number (const char *text)
{
  g_autoptr(GString) run = NULL;
  const char *p = text;

  if (text == NULL)
    return FALSE;

  run = g_string_new (NULL);
  while (*p != '\0')
    {
      if (g_ascii_isdigit (*p))
        {
          g_string_append_c (run, *p);
          p++;
          continue;
        }

      if (run->len > 0)
        {
          /* A run goes on across separators that lead to another digit */
          const char *q = p;
          gsize sep;

          while ((sep = separator_length (q)) > 0)
            q += sep;
          if (q != p && g_ascii_isdigit (*q))
            {
              p = q;
              continue;
            }
          if (run_has_card_number (run))
            return TRUE;
          g_string_truncate (run, 0);
        }
      p++;
    }

  return run_has_card_number (run);
}

/**
 * fd_ledger_check_text:
 * @text: (nullable): a field as typed
 * @field: the field's name for the desk, translated ("Check number")
 * @required: whether an empty field is an error
 * @error: return location for a #FD_CORE_ERROR: %FD_CORE_ERROR_CARD_NUMBER
 *   for a card number, whose message never repeats the digits
 *
 * Returns: %TRUE if @text may be kept
 */
gboolean
fd_ledger_check_text (const char  *text,
                      const char  *field,
                      gboolean     required,
                      GError     **error)
{
  g_autofree char *stripped = NULL;

  if (text != NULL && !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID,
                   _("%s: the text could not be read; type it again"), field);
      return FALSE;
    }

  if (fd_ledger_text_has_card_number (text))
    {
      g_set_error (error, FD_CORE_ERROR, FD_CORE_ERROR_CARD_NUMBER,
                   _("%s looks like a card number, which must never be typed here. "
                     "Cards are taken on the terminal; enter only the last four digits."), field);
      return FALSE;
    }

  stripped = g_strstrip (g_strdup (text ? text : ""));
  if (required && *stripped == '\0')
    {
      g_set_error (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID,
                   _("%s: this is required"), field);
      return FALSE;
    }
  if (g_utf8_strlen (stripped, -1) > FD_LEDGER_MAX_TEXT)
    {
      g_set_error (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID,
                   _("%s: the text is too long"), field);
      return FALSE;
    }

  return TRUE;
}

/**
 * fd_ledger_check_amount:
 * @cents: an amount to pay
 * @error: return location for an error
 *
 * Returns: %TRUE if @cents is more than zero and not absurdly large
 */
gboolean
fd_ledger_check_amount (gint64   cents,
                        GError **error)
{
  if (cents <= 0)
    return fail (error, _("The amount must be more than zero"));
  if (cents > FD_MONEY_MAX_CENTS)
    return fail (error, _("The amount is too large"));
  return TRUE;
}

/**
 * fd_ledger_parse_amount:
 * @text: an amount as typed
 * @currency: (nullable): ISO 4217 code, %NULL for USD
 * @style: how the desk's locale writes amounts
 * @out: (out caller-allocates): the amount
 * @error: return location for a #FD_CORE_ERROR
 *
 * fd_money_parse() for a payment: at most two decimals, separators of the
 * desk's locale, more than zero, and never a card number.
 *
 * Returns: %TRUE and sets @out if @text is an amount that can be paid
 */
gboolean
fd_ledger_parse_amount (const char          *text,
                        const char          *currency,
                        const FdMoneyStyle  *style,
                        FdMoney             *out,
                        GError             **error)
{
  if (!fd_ledger_check_text (text, _("Amount"), FALSE, error))
    return FALSE;
  if (!fd_money_parse (text, currency, style, out, error))
    return FALSE;
  return fd_ledger_check_amount (out->cents, error);
}

/**
 * fd_ledger_cash_change:
 * @amount_cents: what the cash pays
 * @tendered_cents: what the patient handed over; 0 for the exact amount
 * @change_cents: (out): the change to give back
 * @error: return location for an error
 *
 * Returns: %TRUE unless less than @amount_cents was handed over
 */
gboolean
fd_ledger_cash_change (gint64   amount_cents,
                       gint64   tendered_cents,
                       gint64  *change_cents,
                       GError **error)
{
  *change_cents = 0;
  if (!fd_ledger_check_amount (amount_cents, error))
    return FALSE;
  if (tendered_cents == 0)
    return TRUE;
  if (tendered_cents < 0 || tendered_cents > FD_MONEY_MAX_CENTS)
    return fail (error, _("The cash handed over is not a valid amount"));
  if (tendered_cents < amount_cents)
    {
      g_autofree char *tendered = format_amount (tendered_cents);
      g_autofree char *amount = format_amount (amount_cents);

      g_set_error (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID,
                   _("The cash handed over (%s) is less than the amount paid in cash (%s)"),
                   tendered, amount);
      return FALSE;
    }

  *change_cents = tendered_cents - amount_cents;
  return TRUE;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

static gboolean
check_last_four (const char  *text,
                 GError     **error)
{
  if (!fd_ledger_check_text (text, _("Last four digits"), TRUE, error))
    return FALSE;
  if (strlen (text) != 4 || !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]) ||
      !g_ascii_isdigit (text[2]) || !g_ascii_isdigit (text[3]))
    return fail (error, _("Enter exactly the last four digits of the card, nothing more"));
  return TRUE;
}

static gboolean
check_line (const FdPaymentLine  *line,
            gint64               *change_cents,
            GError              **error)
{
  gboolean is_card = line->method == FD_PAYMENT_METHOD_CREDIT_CARD ||
                     line->method == FD_PAYMENT_METHOD_DEBIT_CARD;

  *change_cents = 0;
  if (line->method >= FD_N_PAYMENT_METHODS)
    return fail (error, _("Choose how the patient pays"));

  /* Every text first: a card number is refused whatever the method */
  if (!fd_ledger_check_text (line->check_number, _("Check number"), FALSE, error) ||
      !fd_ledger_check_text (line->card_brand, _("Card brand"), FALSE, error) ||
      !fd_ledger_check_text (line->card_last4, _("Last four digits"), FALSE, error) ||
      !fd_ledger_check_text (line->authorization, _("Authorization code"), FALSE, error))
    return FALSE;

  if (line->amount_cents <= 0)
    return fail (error, _("Each part of the payment must be more than zero"));

  switch (line->method)
    {
    case FD_PAYMENT_METHOD_CASH:
      return fd_ledger_cash_change (line->amount_cents, line->tendered_cents, change_cents, error);

    case FD_PAYMENT_METHOD_CHECK:
      if (is_blank (line->check_number))
        return fail (error, _("A check payment needs the check number"));
      break;

    case FD_PAYMENT_METHOD_CREDIT_CARD:
    case FD_PAYMENT_METHOD_DEBIT_CARD:
    case FD_N_PAYMENT_METHODS:
    default:
      if (!fd_ledger_check_text (line->card_brand, _("Card brand"), TRUE, error) ||
          !check_last_four (line->card_last4, error) ||
          !fd_ledger_check_text (line->authorization, _("Authorization code"), TRUE, error))
        return FALSE;
      break;
    }

  g_assert (line->method == FD_PAYMENT_METHOD_CHECK || is_card);
  if (line->tendered_cents != 0 && line->tendered_cents != line->amount_cents)
    return fail (error, _("Only cash can be handed over for more than the amount; a check or a card pays the exact amount"));

  return TRUE;
}

/**
 * fd_ledger_check_lines:
 * @lines: (array length=n_lines): how the payment is made
 * @n_lines: how many methods; several make a split payment
 * @total_cents: the amount of the payment
 * @change_cents: (out) (optional): the change to give back in cash
 * @error: return location for a #FD_CORE_ERROR
 *
 * The lines must add up to the amount exactly; only cash may be handed over
 * for more, and then change is due.
 *
 * Returns: %TRUE if the payment can be taken this way
 */
gboolean
fd_ledger_check_lines (const FdPaymentLine  *lines,
                       guint                 n_lines,
                       gint64                total_cents,
                       gint64               *change_cents,
                       GError              **error)
{
  gint64 sum = 0, change = 0;

  if (change_cents != NULL)
    *change_cents = 0;
  if (n_lines == 0 || lines == NULL)
    return fail (error, _("Choose how the patient pays"));
  if (n_lines > MAX_LINES)
    return fail (error, _("A payment can be split over at most eight methods"));

  for (guint i = 0; i < n_lines; i++)
    {
      gint64 line_change;

      if (!check_line (&lines[i], &line_change, error))
        return FALSE;
      if (lines[i].amount_cents > FD_MONEY_MAX_CENTS - sum)
        return fail (error, _("The amount is too large"));
      sum += lines[i].amount_cents;
      change += line_change;
    }

  if (!fd_ledger_check_amount (total_cents, error))
    return FALSE;
  if (sum != total_cents)
    {
      g_autofree char *parts = format_amount (sum);
      g_autofree char *total = format_amount (total_cents);

      g_set_error (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID,
                   _("The parts of the payment add up to %s, not to the %s being paid"),
                   parts, total);
      return FALSE;
    }

  if (change_cents != NULL)
    *change_cents = change;
  return TRUE;
}

static void
clear_allocation (gpointer data)
{
  FdAllocation *allocation = data;

  g_clear_pointer (&allocation->invoice_id, g_free);
}

static void
add_allocation (GArray             *out,
                FdAllocationTarget  target,
                const char         *invoice_id,
                gint64              cents)
{
  FdAllocation allocation = { target, g_strdup (invoice_id), cents };

  g_array_append_val (out, allocation);
}

static int
compare_items_by_age (gconstpointer a,
                      gconstpointer b)
{
  const FdOpenItem *x = *(const FdOpenItem * const *) a;
  const FdOpenItem *y = *(const FdOpenItem * const *) b;
  int by_date = g_date_compare (&x->date, &y->date);

  return by_date != 0 ? by_date : strcmp (x->id, y->id);
}

static const FdOpenItem *
find_item (const FdOpenItem *items,
           guint             n_items,
           const char       *id)
{
  for (guint i = 0; i < n_items; i++)
    if (g_strcmp0 (items[i].id, id) == 0)
      return &items[i];
  return NULL;
}

/**
 * fd_ledger_allocate:
 * @amount_cents: the payment
 * @copay_due_cents: the co-pay still due for today's visit, paid first; 0
 *   to leave it
 * @items: (array length=n_items): the open charges
 * @n_items: how many
 * @mode: where the rest goes
 * @chosen: (nullable) (array zero-terminated=1): invoice ids for
 *   %FD_APPLY_CHOSEN, in the order they are paid
 * @keep_excess_as_credit: whether what is left over becomes a prepayment
 *   credit; otherwise more than is owed is refused
 * @error: return location for a #FD_CORE_ERROR
 *
 * Returns: (transfer full) (element-type FdAllocation) (nullable): where each
 *   cent goes, in order; the amounts add up to @amount_cents
 */
GArray *
fd_ledger_allocate (gint64               amount_cents,
                    gint64               copay_due_cents,
                    const FdOpenItem    *items,
                    guint                n_items,
                    FdApplyMode          mode,
                    const char * const  *chosen,
                    gboolean             keep_excess_as_credit,
                    GError             **error)
{
  g_autoptr(GArray) out = g_array_new (FALSE, TRUE, sizeof (FdAllocation));
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  gint64 left = amount_cents;

  g_array_set_clear_func (out, clear_allocation);

  if (!fd_ledger_check_amount (amount_cents, error))
    return NULL;

  if (copay_due_cents > 0)
    {
      gint64 part = MIN (left, copay_due_cents);

      add_allocation (out, FD_ALLOCATION_COPAY, NULL, part);
      left -= part;
    }

  switch (mode)
    {
    case FD_APPLY_CHOSEN:
      if (chosen == NULL || chosen[0] == NULL)
        {
          fail (error, _("Choose the invoices this payment is for"));
          return NULL;
        }
      for (guint i = 0; chosen[i] != NULL; i++)
        {
          const FdOpenItem *item = find_item (items, n_items, chosen[i]);

          if (item == NULL || item->open_cents <= 0)
            {
              fail (error, _("One of the chosen invoices has nothing left to pay"));
              return NULL;
            }
          for (guint j = 0; j < order->len; j++)
            if (g_ptr_array_index (order, j) == item)
              {
                fail (error, _("An invoice was chosen twice"));
                return NULL;
              }
          g_ptr_array_add (order, (gpointer) item);
        }
      break;

    case FD_APPLY_OLDEST_FIRST:
      for (guint i = 0; i < n_items; i++)
        if (items[i].open_cents > 0)
          g_ptr_array_add (order, (gpointer) &items[i]);
      g_ptr_array_sort (order, compare_items_by_age);
      break;

    case FD_APPLY_PREPAYMENT:
    default:
      keep_excess_as_credit = TRUE;
      break;
    }

  for (guint i = 0; i < order->len && left > 0; i++)
    {
      const FdOpenItem *item = g_ptr_array_index (order, i);
      gint64 part = MIN (left, item->open_cents);

      add_allocation (out, FD_ALLOCATION_INVOICE, item->id, part);
      left -= part;
    }

  if (left > 0)
    {
      if (!keep_excess_as_credit)
        {
          g_autofree char *owed = format_amount (amount_cents - left);

          g_set_error (error, FD_CORE_ERROR, FD_CORE_ERROR_INVALID,
                       _("The amount is more than what it pays (%s). Lower it, or keep the rest as a prepayment credit."),
                       owed);
          return NULL;
        }
      add_allocation (out, FD_ALLOCATION_CREDIT, NULL, left);
    }

  return g_steal_pointer (&out);
}

/**
 * fd_ledger_aging_bucket:
 * @date: the date of a charge
 * @as_of: the day aging is counted on
 *
 * Returns: current (up to 30 days, and anything dated later than @as_of),
 *   31-60, 61-90 or over 90 days
 */
FdAgingBucket
fd_ledger_aging_bucket (const GDate *date,
                        const GDate *as_of)
{
  gint64 days = (gint64) g_date_get_julian (as_of) - (gint64) g_date_get_julian (date);

  if (days <= 30)
    return FD_AGING_CURRENT;
  if (days <= 60)
    return FD_AGING_31_60;
  if (days <= 90)
    return FD_AGING_61_90;
  return FD_AGING_OVER_90;
}

/**
 * fd_ledger_age:
 * @items: (array length=n_items): open charges
 * @n_items: how many
 * @as_of: the day aging is counted on
 * @buckets: (out caller-allocates) (array fixed-size=4): what is open in
 *   each bucket
 */
void
fd_ledger_age (const FdOpenItem *items,
               guint             n_items,
               const GDate      *as_of,
               gint64            buckets[FD_N_AGING_BUCKETS])
{
  for (guint b = 0; b < FD_N_AGING_BUCKETS; b++)
    buckets[b] = 0;
  for (guint i = 0; i < n_items; i++)
    if (items[i].open_cents > 0)
      buckets[fd_ledger_aging_bucket (&items[i].date, as_of)] += items[i].open_cents;
}

/**
 * fd_ledger_check_station_code:
 * @station: (nullable): the station code of GSettings key `station-code`
 * @error: return location for an error
 *
 * Returns: %TRUE for 1 to 12 letters and digits
 */
gboolean
fd_ledger_check_station_code (const char  *station,
                              GError     **error)
{
  gsize len = station ? strlen (station) : 0;

  if (len == 0)
    return fail (error, _("This station has no station code; set one in Preferences before taking payments"));
  if (len > MAX_STATION_LEN)
    return fail (error, _("The station code is too long; use at most twelve letters and digits"));
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (station[i]))
      return fail (error, _("The station code may hold only letters and digits"));
  return TRUE;
}

/**
 * fd_ledger_format_receipt_number:
 * @station: a valid station code
 * @date: the day of the receipt
 * @sequence: its number in the station's day, from 1
 *
 * Returns: (transfer full): "FD01-20261127-0007", unique per station
 *   without asking the server
 */
char *
fd_ledger_format_receipt_number (const char  *station,
                                 const GDate *date,
                                 guint        sequence)
{
  g_autofree char *upper = g_ascii_strup (station, -1);

  return g_strdup_printf ("%s-%04u%02u%02u-%04u", upper,
                          (guint) g_date_get_year (date), (guint) g_date_get_month (date),
                          (guint) g_date_get_day (date), sequence);
}

/**
 * fd_ledger_parse_receipt_number:
 * @receipt: a receipt number
 * @station: (out) (optional) (transfer full): its station code
 * @date: (out) (optional): its day
 * @sequence: (out) (optional): its sequence number
 *
 * Returns: %TRUE if @receipt is one that fd_ledger_format_receipt_number() makes
 */
gboolean
fd_ledger_parse_receipt_number (const char  *receipt,
                                char       **station,
                                GDate       *date,
                                guint       *sequence)
{
  g_auto(GStrv) parts = NULL;
  guint64 day_number, seq;
  GDate day;

  if (receipt == NULL)
    return FALSE;
  parts = g_strsplit (receipt, "-", 4);
  if (g_strv_length (parts) != 3 || !fd_ledger_check_station_code (parts[0], NULL) ||
      strlen (parts[1]) != 8 || strlen (parts[2]) < 4 ||
      !g_ascii_string_to_unsigned (parts[1], 10, 0, 99991231, &day_number, NULL) ||
      !g_ascii_string_to_unsigned (parts[2], 10, 1, G_MAXUINT, &seq, NULL))
    return FALSE;

  g_date_clear (&day, 1);
  if (!g_date_valid_dmy (day_number % 100, (day_number / 100) % 100, day_number / 10000))
    return FALSE;
  g_date_set_dmy (&day, day_number % 100, (day_number / 100) % 100, day_number / 10000);

  if (station != NULL)
    *station = g_strdup (parts[0]);
  if (date != NULL)
    *date = day;
  if (sequence != NULL)
    *sequence = (guint) seq;
  return TRUE;
}
