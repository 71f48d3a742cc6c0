-- SPDX-License-Identifier: GPL-3.0-or-later
-- Schema 1: the resource cache, its index tables and the outbox.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT
) WITHOUT ROWID;

-- Server resources, whole, as the server's JSON
CREATE TABLE resource (
  type         TEXT NOT NULL,
  id           TEXT NOT NULL,
  version_id   TEXT,
  last_updated TEXT,
  json         TEXT NOT NULL,
  PRIMARY KEY (type, id)
) WITHOUT ROWID;

CREATE TABLE patient (
  pid         INTEGER PRIMARY KEY,
  id          TEXT NOT NULL UNIQUE,
  display     TEXT NOT NULL,
  family_key  TEXT NOT NULL,
  given_key   TEXT NOT NULL,
  -- family_key, a 0x01 separator, given_key: ordered like the desk reads names
  sort_key    TEXT NOT NULL,
  birth_date  TEXT,
  mrn         TEXT,
  phone       TEXT,
  has_address INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX patient_by_sort_key ON patient (sort_key);
CREATE INDEX patient_by_birth_date ON patient (birth_date, sort_key);
CREATE INDEX patient_by_mrn ON patient (mrn);

-- Folded name words, phone digits and the MRN of each patient; rowid = patient.pid
CREATE VIRTUAL TABLE patient_fts USING fts5 (
  terms,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);

CREATE TABLE practitioner (
  id       TEXT PRIMARY KEY,
  display  TEXT NOT NULL,
  sort_key TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE location (
  id   TEXT PRIMARY KEY,
  name TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE appointment (
  id              TEXT PRIMARY KEY,
  day             TEXT NOT NULL,   -- local calendar day of the start, '' without one
  start_unix      INTEGER,
  end_unix        INTEGER,
  status          TEXT NOT NULL,
  patient_id      TEXT,
  practitioner_id TEXT,
  location_id     TEXT,
  patient_display TEXT,
  description     TEXT
) WITHOUT ROWID;
CREATE INDEX appointment_by_day ON appointment (day, start_unix);
CREATE INDEX appointment_by_day_practitioner ON appointment (day, practitioner_id, start_unix);
CREATE INDEX appointment_by_day_status ON appointment (day, status);
CREATE INDEX appointment_by_patient ON appointment (patient_id, start_unix);

CREATE TABLE coverage (
  id           TEXT PRIMARY KEY,
  patient_id   TEXT,
  status       TEXT,
  payer        TEXT,
  copay_cents  INTEGER,
  currency     TEXT
) WITHOUT ROWID;
CREATE INDEX coverage_by_patient ON coverage (patient_id);

CREATE TABLE account (
  id            TEXT PRIMARY KEY,
  patient_id    TEXT,
  balance_cents INTEGER NOT NULL DEFAULT 0,
  currency      TEXT NOT NULL DEFAULT 'USD'
) WITHOUT ROWID;
CREATE INDEX account_by_patient ON account (patient_id);
CREATE INDEX account_by_balance ON account (balance_cents DESC, patient_id);

-- Local changes waiting for the server, in the order they were made
CREATE TABLE outbox (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  op           TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete')),
  type         TEXT NOT NULL,
  id           TEXT NOT NULL,
  base_version TEXT,
  json         TEXT,
  created_at   TEXT NOT NULL,
  state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'parked')),
  error        TEXT
);
CREATE INDEX outbox_by_resource ON outbox (type, id);
