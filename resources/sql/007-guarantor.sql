-- SPDX-License-Identifier: GPL-3.0-or-later
-- Schema 7: who answers for each account. A statement run sends one
-- statement per guarantor, covering every account they guarantee: a parent
-- gets one statement for their children, not one per child.
--
-- guarantor is "Patient/<id>" or "RelatedPerson/<id>", from
-- Account.guarantor[0].party; an account without one is its patient's own.

ALTER TABLE account ADD COLUMN guarantor TEXT;

UPDATE account SET guarantor = (
  SELECT CASE
    WHEN ref GLOB 'Patient/?*' OR ref GLOB 'RelatedPerson/?*' THEN ref
    WHEN ref GLOB '*/Patient/?*' THEN substr (ref, instr (ref, '/Patient/') + 1)
    WHEN ref GLOB '*/RelatedPerson/?*' THEN substr (ref, instr (ref, '/RelatedPerson/') + 1)
  END
  FROM (SELECT json_extract (r.json, '$.guarantor[0].party.reference') AS ref
        FROM resource r WHERE r.type = 'Account' AND r.id = account.id));
UPDATE account SET guarantor = 'Patient/' || patient_id WHERE guarantor IS NULL AND patient_id IS NOT NULL;

CREATE INDEX account_by_guarantor ON account (guarantor, patient_id);
