-- SPDX-License-Identifier: GPL-3.0-or-later
-- Schema 3: check-in (encounters, forms and consents, eligibility).

SELECT 1;
