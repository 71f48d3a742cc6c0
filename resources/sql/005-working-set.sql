-- SPDX-License-Identifier: GPL-3.0-or-later
-- Schema 5: the sync working set. The station does not download the whole
-- clinic: it keeps current the patients it needs (those with an appointment
-- in the window around today, those someone opened from a server search,
-- those with a change waiting to go up), and their records.

CREATE TABLE working_set (
  patient_id TEXT PRIMARY KEY,
  kept       INTEGER NOT NULL DEFAULT 0,  -- opened from a search on the server: stays in the set
  current    INTEGER NOT NULL DEFAULT 0,  -- its records were fetched whole and are kept current
  since      TEXT                         -- when it was kept or entered the set
) WITHOUT ROWID;
