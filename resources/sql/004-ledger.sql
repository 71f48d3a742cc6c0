-- SPDX-License-Identifier: GPL-3.0-or-later
-- Schema 4: the ledger (charges, payments, receipts, drawer sessions, statements).
--
-- Rows derived from FHIR resources are written by the store's index hook in the
-- transaction that caches the resource. Money is integer cents. Payments,
-- allocations, drawer records and statements are append-only: a correction is
-- a new row (a void, a refund) that points to the original.

-- Invoices (status issued or balanced count towards the balance); a server may
-- change an invoice, so this index follows it
CREATE TABLE ledger_invoice (
  id              TEXT PRIMARY KEY,
  patient_id      TEXT NOT NULL,
  account_id      TEXT,
  day             TEXT NOT NULL,             -- YYYY-MM-DD, local
  status          TEXT NOT NULL,
  gross_cents     INTEGER NOT NULL,          -- what was charged
  adjust_cents    INTEGER NOT NULL,          -- contractual adjustments (priceComponent discount)
  insurance_cents INTEGER NOT NULL,          -- paid by insurance (priceComponent deduction)
  net_cents       INTEGER NOT NULL,          -- the patient's part
  currency        TEXT NOT NULL,
  description     TEXT
) WITHOUT ROWID;
CREATE INDEX ledger_invoice_by_patient ON ledger_invoice (patient_id, day);

-- One row per PaymentReconciliation: a receipt has one per method line
CREATE TABLE ledger_payment (
  id             TEXT PRIMARY KEY,            -- the PaymentReconciliation id
  receipt        TEXT NOT NULL,               -- receipt number; '' for insurance
  line           INTEGER NOT NULL,
  kind           TEXT NOT NULL CHECK (kind IN ('payment', 'void', 'refund', 'insurance')),
  corrects       TEXT,                        -- the receipt a void or refund corrects
  patient_id     TEXT,
  account_id     TEXT,
  created        TEXT NOT NULL,               -- instant
  day            TEXT NOT NULL,               -- local day of created
  method         TEXT,                        -- v2-0570 code
  amount_cents   INTEGER NOT NULL,            -- signed: a void or refund is negative
  tendered_cents INTEGER,
  change_cents   INTEGER,
  currency       TEXT NOT NULL,
  check_number   TEXT,
  card_brand     TEXT,
  card_last4     TEXT,
  auth_code      TEXT,
  cashier        TEXT,
  payer          TEXT,
  reason         TEXT,
  note           TEXT,
  balance_after  INTEGER                      -- the patient's balance once it was applied
) WITHOUT ROWID;
CREATE INDEX ledger_payment_by_receipt ON ledger_payment (receipt, line);
CREATE INDEX ledger_payment_by_patient ON ledger_payment (patient_id, created);
CREATE INDEX ledger_payment_by_corrects ON ledger_payment (corrects);

-- Where each cent of a payment went (negative for voids and refunds)
CREATE TABLE ledger_allocation (
  payment_id     TEXT NOT NULL,
  seq            INTEGER NOT NULL,
  patient_id     TEXT,
  target         TEXT NOT NULL CHECK (target IN ('copay', 'invoice', 'credit')),
  invoice_id     TEXT,
  appointment_id TEXT,
  amount_cents   INTEGER NOT NULL,
  PRIMARY KEY (payment_id, seq)
) WITHOUT ROWID;
CREATE INDEX ledger_allocation_by_invoice ON ledger_allocation (invoice_id) WHERE invoice_id IS NOT NULL;
CREATE INDEX ledger_allocation_by_appointment ON ledger_allocation (appointment_id) WHERE appointment_id IS NOT NULL;
CREATE INDEX ledger_allocation_by_patient ON ledger_allocation (patient_id, target);

-- The balance of each patient, kept by the index hooks: from the ledger once
-- the patient has ledger rows ('ledger'), else from the Account's balance
-- extension ('account'); one table, so listing balances is one index scan
CREATE TABLE ledger_balance (
  patient_id    TEXT PRIMARY KEY,
  account_id    TEXT,
  balance_cents INTEGER NOT NULL,
  credit_cents  INTEGER NOT NULL,
  currency      TEXT NOT NULL,
  source        TEXT NOT NULL DEFAULT 'ledger' CHECK (source IN ('ledger', 'account'))
) WITHOUT ROWID;
CREATE INDEX ledger_balance_by_balance ON ledger_balance (balance_cents DESC, patient_id);
INSERT OR IGNORE INTO ledger_balance (patient_id, account_id, balance_cents, credit_cents, currency, source)
  SELECT patient_id, id, balance_cents, 0, currency, 'account' FROM account WHERE patient_id IS NOT NULL;

-- The last receipt number given per station and day
CREATE TABLE receipt_sequence (
  station TEXT NOT NULL,
  day     TEXT NOT NULL,
  last    INTEGER NOT NULL,
  PRIMARY KEY (station, day)
) WITHOUT ROWID;

CREATE TABLE drawer_session (
  id          INTEGER PRIMARY KEY,
  station     TEXT NOT NULL,
  cashier     TEXT NOT NULL,
  opened_at   TEXT NOT NULL,
  float_cents INTEGER NOT NULL CHECK (float_cents >= 0),
  currency    TEXT NOT NULL
);
CREATE INDEX drawer_session_by_station ON drawer_session (station, id);

CREATE TABLE drawer_close (
  session_id INTEGER PRIMARY KEY REFERENCES drawer_session (id),
  closed_at  TEXT NOT NULL,
  cashier    TEXT NOT NULL
);

CREATE TABLE drawer_count (
  session_id    INTEGER NOT NULL REFERENCES drawer_session (id),
  method        TEXT NOT NULL,
  counted_cents INTEGER NOT NULL CHECK (counted_cents >= 0),
  PRIMARY KEY (session_id, method)
) WITHOUT ROWID;

-- Money into (positive) or out of (negative) a drawer, by method
CREATE TABLE drawer_event (
  id           INTEGER PRIMARY KEY,
  session_id   INTEGER NOT NULL REFERENCES drawer_session (id),
  payment_id   TEXT NOT NULL,
  receipt      TEXT NOT NULL,
  method       TEXT NOT NULL,
  amount_cents INTEGER NOT NULL,
  at           TEXT NOT NULL
);
CREATE INDEX drawer_event_by_session ON drawer_event (session_id, method);

-- The days a statement was sent, per patient (the guarantor's account)
CREATE TABLE ledger_statement (
  patient_id  TEXT NOT NULL,
  account_id  TEXT,
  day         TEXT NOT NULL,
  PRIMARY KEY (patient_id, day)
) WITHOUT ROWID;

CREATE TRIGGER ledger_payment_no_update BEFORE UPDATE ON ledger_payment
BEGIN SELECT RAISE (ABORT, 'payments are append-only'); END;
CREATE TRIGGER ledger_payment_no_delete BEFORE DELETE ON ledger_payment
BEGIN SELECT RAISE (ABORT, 'payments are append-only'); END;
CREATE TRIGGER ledger_allocation_no_update BEFORE UPDATE ON ledger_allocation
BEGIN SELECT RAISE (ABORT, 'allocations are append-only'); END;
CREATE TRIGGER ledger_allocation_no_delete BEFORE DELETE ON ledger_allocation
BEGIN SELECT RAISE (ABORT, 'allocations are append-only'); END;
CREATE TRIGGER drawer_session_no_update BEFORE UPDATE ON drawer_session
BEGIN SELECT RAISE (ABORT, 'drawer records are append-only'); END;
CREATE TRIGGER drawer_session_no_delete BEFORE DELETE ON drawer_session
BEGIN SELECT RAISE (ABORT, 'drawer records are append-only'); END;
CREATE TRIGGER drawer_close_no_update BEFORE UPDATE ON drawer_close
BEGIN SELECT RAISE (ABORT, 'drawer records are append-only'); END;
CREATE TRIGGER drawer_close_no_delete BEFORE DELETE ON drawer_close
BEGIN SELECT RAISE (ABORT, 'drawer records are append-only'); END;
CREATE TRIGGER drawer_count_no_update BEFORE UPDATE ON drawer_count
BEGIN SELECT RAISE (ABORT, 'drawer records are append-only'); END;
CREATE TRIGGER drawer_count_no_delete BEFORE DELETE ON drawer_count
BEGIN SELECT RAISE (ABORT, 'drawer records are append-only'); END;
CREATE TRIGGER drawer_event_no_update BEFORE UPDATE ON drawer_event
BEGIN SELECT RAISE (ABORT, 'drawer records are append-only'); END;
CREATE TRIGGER drawer_event_no_delete BEFORE DELETE ON drawer_event
BEGIN SELECT RAISE (ABORT, 'drawer records are append-only'); END;
CREATE TRIGGER ledger_statement_no_update BEFORE UPDATE ON ledger_statement
BEGIN SELECT RAISE (ABORT, 'statement records are append-only'); END;
CREATE TRIGGER ledger_statement_no_delete BEFORE DELETE ON ledger_statement
BEGIN SELECT RAISE (ABORT, 'statement records are append-only'); END;
