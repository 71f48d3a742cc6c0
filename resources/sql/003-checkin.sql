-- SPDX-License-Identifier: GPL-3.0-or-later
-- Schema 3: check-in. The visits that check-in opens, the forms and consents
-- on file, and insurance eligibility checks, indexed for the flow board.

-- Encounters, by the appointment they belong to
CREATE TABLE encounter (
  id             TEXT PRIMARY KEY,
  appointment_id TEXT,
  patient_id     TEXT,
  status         TEXT NOT NULL,
  arrived_unix   INTEGER,   -- when the patient arrived
  since_unix     INTEGER,   -- when the current status began
  changed_by     TEXT,      -- the desk that made the last status change
  room           TEXT
) WITHOUT ROWID;
CREATE INDEX encounter_by_appointment ON encounter (appointment_id);
CREATE INDEX encounter_by_patient ON encounter (patient_id);

-- Desk forms and consents on file (QuestionnaireResponse, Consent)
CREATE TABLE patient_form (
  type          TEXT NOT NULL,
  id            TEXT NOT NULL,
  patient_id    TEXT NOT NULL,
  form          TEXT NOT NULL,   -- the desk's code for the form
  recorded_unix INTEGER,
  valid_until   INTEGER,         -- NULL: does not expire
  PRIMARY KEY (type, id)
) WITHOUT ROWID;
CREATE INDEX patient_form_by_patient ON patient_form (patient_id, form);

-- Eligibility requests and the payers' answers, by coverage
CREATE TABLE eligibility (
  type         TEXT NOT NULL,   -- CoverageEligibilityRequest or CoverageEligibilityResponse
  id           TEXT NOT NULL,
  coverage_id  TEXT,
  request_id   TEXT,            -- a response: the request it answers
  outcome      TEXT,            -- a response: complete, error, partial, queued
  inforce      INTEGER,         -- a response: whether the coverage is in force
  created_unix INTEGER,
  PRIMARY KEY (type, id)
) WITHOUT ROWID;
CREATE INDEX eligibility_by_coverage ON eligibility (coverage_id, type, created_unix);
CREATE INDEX eligibility_by_request ON eligibility (request_id);

-- A coverage that has ended stays active with the end of its period: the
-- desk counts it only while the period lasts
ALTER TABLE coverage ADD COLUMN period_end TEXT;
