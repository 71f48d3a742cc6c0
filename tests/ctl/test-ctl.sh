#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# frontdesk-ctl end to end: seeding, status, search, determinism, the
# cashier's documents (read back with pdftotext) and bad input.
set -u
ctl=$1
fixture=${2:-}
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

# The cashier's documents: payments taken by tests/ctl/ledger-fixture.c
if [ -n "$fixture" ] && command -v pdftotext > /dev/null; then
  cdata="$work/cash"
  "$ctl" --data-dir "$cdata" seed-demo --patients 300 --days 5 --seed 3 > /dev/null 2>&1
  "$fixture" "$cdata/default/frontdesk.db" > "$work/fixture.out" 2>&1
  check "payments taken for the documents" '[ $? -eq 0 ] && [ "$(grep -c ^receipt "$work/fixture.out")" -eq 3 ]'
  r1=$(sed -n 's/^receipt //p' "$work/fixture.out" | sed -n 1p)
  r2=$(sed -n 's/^receipt //p' "$work/fixture.out" | sed -n 2p)
  r3=$(sed -n 's/^receipt //p' "$work/fixture.out" | sed -n 3p)
  name=$(sed -n 's/^patient //p' "$work/fixture.out")

  "$ctl" --data-dir "$cdata" receipt "$r1" --pdf "$work/r1.pdf" > "$work/r1.out" 2>&1
  check "receipt written" '[ $? -eq 0 ] && [ -s "$work/r1.pdf" ]'
  pdftotext -layout "$work/r1.pdf" "$work/r1.txt"
  check "receipt names the patient" 'grep -qF "$name" "$work/r1.txt"'
  check "receipt has its number" 'grep -qF "$r1" "$work/r1.txt"'
  check "receipt has the line and the total paid" 'grep -q "Total paid *\$20.00" "$work/r1.txt" && [ "$(grep -c "\$20.00" "$work/r1.txt")" -ge 2 ]'
  check "receipt has the remaining balance" 'grep -q "Remaining balance *\$[0-9]" "$work/r1.txt"'
  check "receipt is on the 80 mm roll" 'pdfinfo "$work/r1.pdf" | grep -q "Page size: *226.77"'
  "$ctl" --data-dir "$cdata" receipt "$r2" --pdf "$work/r2.pdf" > /dev/null 2>&1
  pdftotext -layout "$work/r2.pdf" "$work/r2.txt"
  check "two same-amount payments of one day are two receipts" '[ "$r1" != "$r2" ] && grep -qF "$r2" "$work/r2.txt" && ! grep -qF "$r1" "$work/r2.txt"'
  "$ctl" --data-dir "$cdata" receipt "$r3" --pdf "$work/r3.pdf" --paper letter > /dev/null 2>&1
  pdftotext -layout "$work/r3.pdf" "$work/r3.txt"
  # (in the patient's language, which may be Spanish: amounts only)
  check "split receipt shows each method and the total" 'grep -q "\$30.00" "$work/r3.txt" && grep -q "\$25.00" "$work/r3.txt" && grep -q "4242" "$work/r3.txt" && grep -q "\$55.00" "$work/r3.txt"'
  check "receipt on Letter when asked" 'pdfinfo "$work/r3.pdf" | grep -q "Page size: *612 x 792"'

  "$ctl" --data-dir "$cdata" receipt NOPE-20261127-0001 --pdf "$work/none.pdf" > "$work/none.out" 2>&1
  rc=$?
  check "unknown receipt refused" '[ $rc -ne 0 ] && grep -q "no receipt" "$work/none.out" && [ ! -e "$work/none.pdf" ]'
  echo x > "$work/afile"
  "$ctl" --data-dir "$cdata" receipt "$r1" --pdf "$work/afile/r.pdf" > "$work/unwritable.out" 2>&1
  rc=$?
  check "unwritable PDF path refused, nothing written" '[ $rc -ne 0 ] && [ -s "$work/unwritable.out" ] && [ "$(cat "$work/afile")" = x ]'
  "$ctl" --data-dir "$cdata" receipt "$r1" > /dev/null 2>&1
  check "receipt without --pdf refused" '[ $? -ne 0 ]'

  "$ctl" --data-dir "$cdata" drawer-report --station CTL1 --date "$(date +%F)" --pdf "$work/drawer.pdf" > /dev/null 2>&1
  check "drawer report written" '[ $? -eq 0 ] && [ -s "$work/drawer.pdf" ]'
  pdftotext -layout "$work/drawer.pdf" "$work/drawer.txt"
  check "drawer report: cash expected against counted, \$5 short" 'grep -q "^Cash .*\$170.00 .*\$165.00 .*-\$5.00" "$work/drawer.txt"'
  check "drawer report lists each receipt" 'grep -qF "$r1" "$work/drawer.txt" && grep -qF "$r2" "$work/drawer.txt" && grep -qF "$r3" "$work/drawer.txt"'
  "$ctl" --data-dir "$cdata" drawer-report --station CTL1 --date 2026-02-30 --pdf "$work/d2.pdf" > "$work/d2.out" 2>&1
  check "impossible date refused" '[ $? -ne 0 ] && grep -q "YYYY-MM-DD" "$work/d2.out" && [ ! -e "$work/d2.pdf" ]'
  "$ctl" --data-dir "$cdata" drawer-report --station CTL1 --date 2020-01-01 --pdf "$work/d3.pdf" > "$work/d3.out" 2>&1
  check "day without a drawer refused" '[ $? -ne 0 ] && grep -q "no drawer" "$work/d3.out" && [ ! -e "$work/d3.pdf" ]'

  for bad in 10.005 1.000,00 -5 abc; do
    "$ctl" --data-dir "$cdata" statements --min-balance "$bad" --pdf "$work/bad-s.pdf" > "$work/bad-s.out" 2>&1
    check "statements refuse --min-balance $bad" '[ $? -ne 0 ] && grep -q "min-balance" "$work/bad-s.out" && [ ! -e "$work/bad-s.pdf" ]'
  done
  "$ctl" --data-dir "$cdata" statements --since -1 --pdf "$work/bad-s.pdf" > /dev/null 2>&1
  check "statements refuse a negative --since" '[ $? -ne 0 ] && [ ! -e "$work/bad-s.pdf" ]'
  "$ctl" --data-dir "$cdata" statements --pdf "$work/afile/s.pdf" > /dev/null 2>&1
  rc=$?
  "$ctl" --data-dir "$cdata" statements --pdf "$work/s.pdf" --min-balance 10.00 --since 30 > "$work/s.out" 2>&1
  check "statements written" '[ $? -eq 0 ] && [ -s "$work/s.pdf" ]'
  count=$(sed -n 's/^\([0-9][0-9]*\) statements* written.*/\1/p' "$work/s.out")
  check "unwritable statements path refused and recorded nothing" '[ $rc -ne 0 ] && [ -n "$count" ] && [ "$count" -gt 10 ]'
  check "one page or more per statement, on Letter" '[ "$(pdfinfo "$work/s.pdf" | sed -n "s/^Pages: *//p")" -ge "$count" ] && pdfinfo "$work/s.pdf" | grep -q "Page size: *612 x 792"'
  pdftotext -layout "$work/s.pdf" "$work/s.txt"
  check "each statement has its remittance stub" '[ "$(grep -c "✂" "$work/s.txt")" -eq "$count" ]'
  # A parent who answers for children's accounts gets one statement naming
  # them all: a section per child, each ending with "Balance, Family, Given"
  awk 'BEGIN { RS = "✂" }
       {
         n = 0
         split ($0, lines, "\n")
         for (i = 1; i in lines; i++)
           if (match (lines[i], /Balance, [^,]+,/))
             families[++n] = substr (lines[i], RSTART + 9, RLENGTH - 10)
         if (n >= 2 && families[1] == families[2] && $0 ~ /Patients: / && $0 ~ /Account No\. A[0-9]+/)
           found++
       }
       END { print found + 0 }' "$work/s.txt" > "$work/families.out"
  check "one statement names two children of one guarantor" '[ "$(cat "$work/families.out")" -ge 1 ]'
  check "statements give the clinic's account numbers, not record ids" 'grep -q "Account No\. *A[0-9]\{8\}" "$work/s.txt" && ! grep -Eq "Account No\. *[0-9a-f]{8}-" "$work/s.txt"'
  "$ctl" --data-dir "$cdata" statements --pdf "$work/s2.pdf" > "$work/s2.out" 2>&1
  check "statement dates recorded: nobody is due another" '[ $? -eq 0 ] && grep -q "No account is due" "$work/s2.out" && [ ! -e "$work/s2.pdf" ]'
  "$ctl" --data-dir "$cdata" statements --pdf "$work/s3.pdf" --since 0 --min-balance 0.01 > "$work/s3.out" 2>&1
  check "--since 0 sends them again" '[ $? -eq 0 ] && [ -s "$work/s3.pdf" ]'
  # Each statement in its reader's language, whatever the desk's
  "$ctl" --data-dir "$work/languages" seed-demo --patients 300 --days 5 --seed 3 > /dev/null 2>&1
  LANGUAGE=es "$ctl" --data-dir "$work/languages" statements --pdf "$work/s4.pdf" > /dev/null 2>&1
  pdftotext -layout "$work/s4.pdf" "$work/s4.txt"
  awk 'BEGIN { RS = "\f" }
       /Page [0-9]+ of/ && /Insurance payment/ { en++ }
       /Página [0-9]+ de/ && /Pago del seguro/ { es++ }
       /Page [0-9]+ of/ && /(Pago del seguro|Ajuste contractual)/ { mixed++ }
       /Página [0-9]+ de/ && /(Insurance payment|Contractual adjustment)/ { mixed++ }
       END { print en + 0, es + 0, mixed + 0 }' "$work/s4.txt" > "$work/languages.out"
  check "statements in English and in Spanish, none mixed, from a desk working in Spanish" \
    'read en es mixed < "$work/languages.out" && [ "$en" -gt 0 ] && [ "$es" -gt 0 ] && [ "$mixed" -eq 0 ]'
fi

"$ctl" > "$work/usage.out" 2>&1
check "usage lists the cashier's commands" 'grep -q "^  receipt " "$work/usage.out" && grep -q "^  statements " "$work/usage.out" && grep -q "^  drawer-report " "$work/usage.out"'

"$ctl" --data-dir "$work/data" seed-demo --patients -5 > /dev/null 2>&1
check "negative patient count refused" '[ $? -ne 0 ]'
"$ctl" --data-dir "$work/data" frobnicate > /dev/null 2>&1
check "unknown command refused" '[ $? -ne 0 ]'

echo "1..$n"
exit $failed
