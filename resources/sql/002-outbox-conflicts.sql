-- SPDX-License-Identifier: GPL-3.0-or-later
-- Schema 2: why a change is parked, and the server's version when it is a conflict.

-- 'rejected': the server refused the content; 'conflict': someone else changed the
-- record meanwhile and a person chooses which version to keep
ALTER TABLE outbox ADD COLUMN kind TEXT;
-- The server's version of a conflicting record, whole, for the side-by-side view
ALTER TABLE outbox ADD COLUMN theirs TEXT;

UPDATE outbox SET kind = 'rejected' WHERE state = 'parked';
