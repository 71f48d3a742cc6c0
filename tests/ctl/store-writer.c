/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writes to a seeded profile through the store, as the desk does, for the
 * full-disk test. One command per run:
 *
 *   store-writer DATABASE open-drawer
 *   store-writer DATABASE checkin DAY PHONE   the first scheduled visit of DAY
 *                                             checks in with a new mobile number
 *   store-writer DATABASE pay                 $20 cash from the patient who owes most
 *
 * Prints what it did ("patient ID", "appointment ID", "receipt NUMBER") and
 * exits 0, or prints the store's message on stderr and exits 1. */
#define G_LOG_DOMAIN "StoreWriter"

#include <locale.h>
#include <stdlib.h>

#include "fd-dates.h"
#include "fd-patient-item.h"
#include "fd-store-checkin.h"
#include "fd-store-ledger.h"

#define STATION "DISK1"
#define CASHIER "Cashier D"

static int
refused (const char *what,
         GError     *error)
{
  g_printerr ("store-writer: %s: %s\n", what, error->message);
  return EXIT_FAILURE;
}

static int
open_drawer (FdStore *store)
{
  g_autoptr(GError) error = NULL;
  gint64 session = 0;

  if (!fd_ledger_drawer_open (store, STATION, CASHIER, 10000, NULL, &session, &error))
    return refused ("open-drawer", error);
  g_print ("drawer %" G_GINT64_FORMAT "\n", session);
  return EXIT_SUCCESS;
}

static int
checkin (FdStore    *store,
         const char *day_text,
         const char *phone)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) visits = NULL;
  g_autoptr(JsonObject) patient = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  FdAppointmentItem *appointment = NULL;
  FdDemographics original = { 0 }, typed = { 0 };
  const char *patient_id;
  GDate day;

  if (!fd_date_parse_iso (day_text, &day))
    {
      g_printerr ("store-writer: checkin: a day as YYYY-MM-DD\n");
      return EXIT_FAILURE;
    }
  visits = fd_store_list_visits (store, &day, g_date_time_to_unix (now), &error);
  if (visits == NULL)
    return refused ("checkin", error);
  for (guint i = 0; i < visits->len && appointment == NULL; i++)
    if (fd_visit_item_get_state (g_ptr_array_index (visits, i)) == FD_FLOW_SCHEDULED)
      appointment = fd_visit_item_get_appointment (g_ptr_array_index (visits, i));
  if (appointment == NULL)
    {
      g_printerr ("store-writer: checkin: no scheduled visit on %s\n", day_text);
      return EXIT_FAILURE;
    }

  patient_id = fd_appointment_item_get_patient_id (appointment);
  patient = fd_store_get (store, "Patient", patient_id, &error);
  if (patient == NULL)
    return refused ("checkin", error);

  /* The desk confirms the details and types a new mobile number */
  fd_demographics_read (patient, &original);
  fd_demographics_read (patient, &typed);
  g_free (typed.mobile);
  typed.mobile = g_strdup (phone);

  if (!fd_store_checkin (store, fd_appointment_item_get_id (appointment), &original, &typed,
                         now, STATION, &error))
    {
      fd_demographics_clear (&original);
      fd_demographics_clear (&typed);
      return refused ("checkin", error);
    }
  fd_demographics_clear (&original);
  fd_demographics_clear (&typed);

  g_print ("patient %s\nappointment %s\n", patient_id, fd_appointment_item_get_id (appointment));
  return EXIT_SUCCESS;
}

static int
pay (FdStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) owing = NULL;
  g_autofree char *receipt = NULL;
  FdPaymentLine cash = { FD_PAYMENT_METHOD_CASH, 2000, 2000 };
  FdPaymentRequest request = { 0 };

  owing = fd_ledger_list_balances (store, 0, 1, &error);
  if (owing == NULL)
    return refused ("pay", error);
  if (owing->len == 0)
    {
      g_printerr ("store-writer: pay: nobody owes anything\n");
      return EXIT_FAILURE;
    }

  request.patient_id = fd_patient_item_get_id (g_ptr_array_index (owing, 0));
  request.station = STATION;
  request.cashier = CASHIER;
  request.amount_cents = cash.amount_cents;
  request.lines = &cash;
  request.n_lines = 1;
  request.mode = FD_APPLY_OLDEST_FIRST;
  if (!fd_ledger_post_payment (store, &request, &receipt, &error))
    return refused ("pay", error);

  g_print ("patient %s\nreceipt %s\n", request.patient_id, receipt);
  return EXIT_SUCCESS;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;

  setlocale (LC_ALL, "");
  if (argc < 3)
    {
      g_printerr ("usage: store-writer DATABASE open-drawer|checkin DAY PHONE|pay\n");
      return EXIT_FAILURE;
    }

  store = fd_store_open (argv[1], &error);
  if (store == NULL)
    return refused ("open", error);

  if (g_str_equal (argv[2], "open-drawer"))
    return open_drawer (store);
  if (g_str_equal (argv[2], "checkin") && argc == 5)
    return checkin (store, argv[3], argv[4]);
  if (g_str_equal (argv[2], "pay"))
    return pay (store);

  g_printerr ("store-writer: unknown command “%s”\n", argv[2]);
  return EXIT_FAILURE;
}
