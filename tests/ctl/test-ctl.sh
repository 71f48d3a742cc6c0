#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# frontdesk-ctl end to end: seeding, status, search, determinism and bad input.
set -u
ctl=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
failed=0

ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
check () { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }

"$ctl" --version | grep -q '^frontdesk-ctl ' ; check "version" '[ $? -eq 0 ]'

"$ctl" --data-dir "$work/data" seed-demo --patients 300 --days 5 --seed 3 --today 2026-11-25 > "$work/seed.out" 2>&1
check "seed-demo succeeds" '[ $? -eq 0 ]'
"$ctl" --data-dir "$work/data" status > "$work/status.out" 2>&1
check "status shows the schema" 'grep -qE "^Schema version: +[1-9][0-9]*$" "$work/status.out"'
check "status counts the patients" 'grep -qE "^Patients: +300$" "$work/status.out"'
check "status counts the practitioners" 'grep -qE "^Practitioners: +8$" "$work/status.out"'
check "database is private" '[ "$(stat -c %a "$work/data/default/frontdesk.db")" = 600 ]'

"$ctl" --data-dir "$work/data" search gar > "$work/search.out"
check "search prints id and name" 'grep -qP "^[0-9a-f-]{36}\tGarc" "$work/search.out"'
"$ctl" --data-dir "$work/data" search 'NEAR "*' > "$work/hostile.out" 2>&1
check "search with FTS syntax does not fail" '[ $? -eq 0 ]'

"$ctl" seed-demo --patients 200 --days 3 --seed 9 --today 2026-11-25 --bundle "$work/a.json" >/dev/null
"$ctl" seed-demo --patients 200 --days 3 --seed 9 --today 2026-11-25 --bundle "$work/b.json" >/dev/null
"$ctl" seed-demo --patients 200 --days 3 --seed 10 --today 2026-11-25 --bundle "$work/c.json" >/dev/null
check "same seed, same bundle" 'cmp -s "$work/a.json" "$work/b.json"'
check "other seed, other bundle" '! cmp -s "$work/a.json" "$work/c.json"'
check "bundle is a FHIR batch" 'head -c 200 "$work/a.json" | grep -q "\"resourceType\":\"Bundle\""'

# A disk that fills while seeding leaves the profile as it was
"$ctl" --data-dir "$work/full" seed-demo --patients 0 --days 0 >/dev/null 2>&1
before=$("$ctl" --data-dir "$work/full" status | grep -E '^(Patients|Records):')
"$ctl" --data-dir "$work/full" seed-demo --patients 3000 --days 5 --max-pages 400 > "$work/full.out" 2>&1
rc=$?
after=$("$ctl" --data-dir "$work/full" status | grep -E '^(Patients|Records):')
check "full disk fails the seeding" '[ $rc -ne 0 ]'
check "full disk is said plainly" 'grep -q "disk is full" "$work/full.out"'
check "full disk leaves the profile unchanged" '[ "$before" = "$after" ]'

# A file that is not a database is refused and left alone
mkdir -p "$work/bad/default"
echo "not a database" > "$work/bad/default/frontdesk.db"
sum=$(sha256sum < "$work/bad/default/frontdesk.db")
"$ctl" --data-dir "$work/bad" status > "$work/bad.out" 2>&1
rc=$?
check "foreign file refused" '[ $rc -ne 0 ] && grep -q "not a Frontdesk database" "$work/bad.out"'
check "foreign file untouched" '[ "$sum" = "$(sha256sum < "$work/bad/default/frontdesk.db")" ]'

# A profile folder that cannot be created
echo x > "$work/blocker"
"$ctl" --data-dir "$work/blocker" status > "$work/blocked.out" 2>&1
rc=$?
check "unwritable profile refused" '[ $rc -ne 0 ] && grep -q "cannot be created" "$work/blocked.out"'

"$ctl" --data-dir "$work/data" seed-demo --patients -5 > /dev/null 2>&1
check "negative patient count refused" '[ $? -ne 0 ]'
"$ctl" --data-dir "$work/data" frobnicate > /dev/null 2>&1
check "unknown command refused" '[ $? -ne 0 ]'

echo "1..$n"
exit $failed
