-- SPDX-License-Identifier: GPL-3.0-or-later
-- Schema 4: the ledger (payments, receipts, drawer sessions).

SELECT 1;
