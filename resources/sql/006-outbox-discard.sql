-- SPDX-License-Identifier: GPL-3.0-or-later
-- Schema 6: what a person decided about a change the server refused, and
-- creates whose outcome is not known.

-- When a create was handed to the server; its answer may have been lost, so
-- the next send reads the record first instead of writing it again
ALTER TABLE outbox ADD COLUMN sent_at TEXT;

-- Records whose change made here was discarded: the next sync reads the
-- server's version back into the cache (or removes a record the server never had)
CREATE TABLE discarded (
  type TEXT NOT NULL,
  id   TEXT NOT NULL,
  PRIMARY KEY (type, id)
) WITHOUT ROWID;
