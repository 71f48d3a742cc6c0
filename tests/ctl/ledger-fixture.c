/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Takes payments in a seeded profile as a cashier would, for the ctl tests:
 * station CTL1 opens its drawer with $100, the patient who owes most pays
 * $20 cash twice, the next pays $30 in cash and $25 by card, and the drawer
 * is closed with the cash $5 short. Prints "receipt NUMBER" for each
 * receipt and "patient NAME" for the first patient. */
#include <locale.h>
#include <stdlib.h>

#include "fd-fhir.h"
#include "fd-patient-item.h"
#include "fd-store-ledger.h"

#define STATION "CTL1"
#define CASHIER "Cashier C"

static char *
pay (FdStore             *store,
     const char          *patient,
     const FdPaymentLine *lines,
     guint                n_lines)
{
  g_autoptr(GError) error = NULL;
  FdPaymentRequest request = { 0 };
  char *receipt = NULL;

  request.patient_id = patient;
  request.station = STATION;
  request.cashier = CASHIER;
  for (guint i = 0; i < n_lines; i++)
    request.amount_cents += lines[i].amount_cents;
  request.lines = lines;
  request.n_lines = n_lines;
  request.mode = FD_APPLY_OLDEST_FIRST;
  if (!fd_ledger_post_payment (store, &request, &receipt, &error))
    g_error ("payment refused: %s", error->message);
  g_print ("receipt %s\n", receipt);
  return receipt;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;
  g_autoptr(GPtrArray) owing = NULL;
  g_autoptr(JsonObject) patient = NULL;
  g_autofree char *name = NULL;
  g_auto(FdDrawerSummary) summary = { 0 };
  FdPaymentLine cash = { FD_PAYMENT_METHOD_CASH, 2000, 2000 };
  FdPaymentLine split[] = {
    { FD_PAYMENT_METHOD_CASH, 3000, 0 },
    { FD_PAYMENT_METHOD_CREDIT_CARD, 2500, 0, NULL, "Visa", "4242", "AUTH55" },
  };
  gint64 session = 0;
  gint64 counted[FD_N_PAYMENT_METHODS] = { 0 };

  setlocale (LC_ALL, "");
  if (argc != 2)
    {
      g_printerr ("usage: ledger-fixture DATABASE\n");
      return EXIT_FAILURE;
    }
  store = fd_store_open (argv[1], &error);
  if (store == NULL)
    g_error ("%s", error->message);
  owing = fd_ledger_list_balances (store, 0, 2, &error);
  if (owing == NULL || owing->len < 2)
    g_error ("the profile needs two patients who owe something");

  if (!fd_ledger_drawer_open (store, STATION, CASHIER, 10000, NULL, &session, &error))
    g_error ("%s", error->message);
  g_free (pay (store, fd_patient_item_get_id (g_ptr_array_index (owing, 0)), &cash, 1));
  g_free (pay (store, fd_patient_item_get_id (g_ptr_array_index (owing, 0)), &cash, 1));
  g_free (pay (store, fd_patient_item_get_id (g_ptr_array_index (owing, 1)), split, 2));

  if (!fd_ledger_drawer_summary (store, session, &summary, &error))
    g_error ("%s", error->message);
  for (guint m = 0; m < FD_N_PAYMENT_METHODS; m++)
    counted[m] = summary.expected[m];
  counted[FD_PAYMENT_METHOD_CASH] -= 500;
  if (!fd_ledger_drawer_close (store, session, CASHIER, counted, NULL, &error))
    g_error ("%s", error->message);

  patient = fd_store_get (store, "Patient", fd_patient_item_get_id (g_ptr_array_index (owing, 0)), NULL);
  name = fd_fhir_patient_display (patient);
  g_print ("patient %s\n", name);
  return EXIT_SUCCESS;
}
