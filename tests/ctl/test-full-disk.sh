#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A disk that really fills: a profile on a small tmpfs. Seeding a clinic too
# big for it, a check-in that changes a patient's phone and a cash payment on
# the full disk each fail with a plain message and leave the database as it
# was; once space is freed the same writes go through. Mounting needs root:
# elsewhere the whole test is skipped, and says why.
set -u
ctl=$1
writer=$2
day=2026-03-10
phone="(512) 555-0147"

if [ "$(id -u)" -ne 0 ]; then
  echo "1..0 # SKIP mounting a small tmpfs needs root"
  exit 0
fi

work=$(mktemp -d)
disk=$work/disk
mkdir "$disk"
mounted=0

cleanup () {
  cd /
  if [ "$mounted" = 1 ]; then
    umount "$disk" 2>/dev/null || umount -l "$disk"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

if ! out=$(mount -t tmpfs -o size=8m,mode=0700 frontdesk-test "$disk" 2>&1); then
  echo "1..0 # SKIP cannot mount a tmpfs here: ${out:-mount failed}"
  exit 0
fi
mounted=1

data=$disk/data
db=$data/default/frontdesk.db
n=0
failed=0

ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
check () { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }
skip () { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

# A clear message, the command's own failure (not a crash), no raw SQLite words
says_disk_full () {
  local rc=$1 out=$2
  [ "$rc" -eq 1 ] &&
    grep -q "The disk is full" "$out" &&
    ! grep -qiE "sqlite|I/O error|database failed|Sanitizer" "$out"
}

counts () { "$ctl" --data-dir "$data" status 2>&1 | grep -E '^(Patients|Appointments|Records|Outbox waiting):'; }
used_kb () { df -k --output=used "$disk" | tail -n 1 | tr -d ' '; }

have_sqlite3=0
command -v sqlite3 > /dev/null && have_sqlite3=1
# What a person would call "the same database": its schema and every row
dump () { sqlite3 "$db" .dump | sha256sum; }
intact () { [ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ]; }

"$ctl" --data-dir "$data" seed-demo --patients 40 --days 3 --seed 4 --today "$day" > "$work/seed.out" 2>&1
check "a small clinic fits on the small disk" '[ $? -eq 0 ]'
"$writer" "$db" open-drawer > "$work/drawer.out" 2>&1
check "the cash drawer opens" '[ $? -eq 0 ]'

before_file=$(sha256sum < "$db")
before_counts=$(counts)
before_used=$(used_kb)
[ "$have_sqlite3" = 1 ] && before_dump=$(dump)

# 1. Seeding a clinic that does not fit
"$ctl" --data-dir "$data" seed-demo --patients 4000 --days 30 --seed 8 --today "$day" > "$work/big.out" 2>&1
rc=$?
check "seeding a clinic too big for the disk fails and says the disk is full" 'says_disk_full $rc "$work/big.out"'
check "it says the profile was left as it was" 'grep -q "The profile was left as it was" "$work/big.out"'
check "the database file is byte for byte as before" '[ "$before_file" = "$(sha256sum < "$db")" ]'
check "the same records are counted" '[ "$before_counts" = "$(counts)" ]'
check "the space the attempt took is free again" '[ "$(used_kb)" -le $((before_used + 64)) ]'
if [ "$have_sqlite3" = 1 ]; then
  check "integrity check passes after the failed seeding" 'intact'
  check "schema and rows are unchanged" '[ "$before_dump" = "$(dump)" ]'
else
  skip "integrity check after the failed seeding" "sqlite3 is not installed"
  skip "schema and rows unchanged" "sqlite3 is not installed"
fi

# 2. The disk filled to the last block by something else
dd if=/dev/zero of="$disk/filler" bs=4k > /dev/null 2>&1
check "the disk is full" '[ "$(df -k --output=avail "$disk" | tail -n 1 | tr -d " ")" -eq 0 ]'

"$writer" "$db" checkin "$day" "$phone" > "$work/checkin-full.out" 2>&1
rc=$?
check "a check-in with a new phone number on the full disk says the disk is full" 'says_disk_full $rc "$work/checkin-full.out"'
"$writer" "$db" pay > "$work/pay-full.out" 2>&1
rc=$?
check "a payment on the full disk says the disk is full" 'says_disk_full $rc "$work/pay-full.out"'
"$ctl" --data-dir "$data" seed-demo --patients 5 --days 1 --seed 9 --today "$day" > "$work/seed-full.out" 2>&1
rc=$?
check "seeding on the full disk says the disk is full" 'says_disk_full $rc "$work/seed-full.out"'
"$ctl" --data-dir "$data" status > "$work/status-full.out" 2>&1
rc=$?
check "status on the full disk works or says the disk is full" '[ $rc -eq 0 ] || says_disk_full $rc "$work/status-full.out"'
"$ctl" --data-dir "$data" --profile second status > "$work/new-full.out" 2>&1
rc=$?
check "a new profile on the full disk says the disk is full" 'says_disk_full $rc "$work/new-full.out"'

# 3. Space freed: nothing was lost, and the desk can write again
rm -f "$disk/filler"
check "after freeing space the database file is as before" '[ "$before_file" = "$(sha256sum < "$db")" ]'
check "after freeing space the same records are counted" '[ "$before_counts" = "$(counts)" ]'
if [ "$have_sqlite3" = 1 ]; then
  check "integrity check passes after the full disk" 'intact'
  check "no row changed while the disk was full" '[ "$before_dump" = "$(dump)" ]'
  check "no payment was recorded while the disk was full" '[ "$(sqlite3 "$db" "SELECT count(*) FROM resource WHERE type = '"'"'PaymentReconciliation'"'"'")" -eq 0 ]'
else
  skip "integrity check after the full disk" "sqlite3 is not installed"
  skip "no row changed while the disk was full" "sqlite3 is not installed"
  skip "no payment recorded while the disk was full" "sqlite3 is not installed"
fi

"$writer" "$db" checkin "$day" "$phone" > "$work/checkin.out" 2>&1
check "the same check-in goes through once there is space" '[ $? -eq 0 ]'
patient=$(sed -n 's/^patient //p' "$work/checkin.out")
"$writer" "$db" pay > "$work/pay.out" 2>&1
check "the same payment goes through once there is space" '[ $? -eq 0 ] && grep -q "^receipt " "$work/pay.out"'
if [ "$have_sqlite3" = 1 ]; then
  check "the new phone number is on the patient's record" \
    '[ -n "$patient" ] && sqlite3 "$db" "SELECT json FROM resource WHERE type = '"'"'Patient'"'"' AND id = '"'"'$patient'"'"'" | grep -qF "$phone"'
  check "integrity check passes after the writes" 'intact'
else
  skip "the new phone number is on the patient's record" "sqlite3 is not installed"
  skip "integrity check after the writes" "sqlite3 is not installed"
fi
counts > "$work/after.counts"
check "the changes wait in the outbox for the server" \
  '[ "$(sed -n "s/^Outbox waiting: *//p" "$work/after.counts")" -gt "$(echo "$before_counts" | sed -n "s/^Outbox waiting: *//p")" ]'

echo "1..$n"
exit $failed
