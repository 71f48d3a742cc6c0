#!/usr/bin/env bash
# Smoke test of the fault proxy: starts the FHIR test server with a tiny
# Bundle and fault-proxy.js in front of it, switches each fault mode on
# through POST /_fault and checks with curl what a client sees, then stops
# both. Output is TAP; the exit status is non-zero if any check fails.
set -u

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here" || exit 1

if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund >&2 || { echo "Bail out! npm ci failed"; exit 1; }
fi

work="$(mktemp -d)"
server_pid=""
proxy_pid=""
cleanup() {
  for pid in "$proxy_pid" "$server_pid"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && echo "# $2"; }
check() { # check DESCRIPTION COMMAND...
  local desc="$1"; shift
  if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# json FILE EXPRESSION: prints the value of a JS expression over the parsed
# file (bound to b), e.g. json f 'b.entry.length'; further arguments are
# process.argv[3...]. Prints nothing if the file is not JSON.
json() {
  node -e 'let b; try { b = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); } catch { process.exit(1); }
           const v = eval(process.argv[2]); process.stdout.write(v === undefined ? "" : String(v));' "$@" 2>/dev/null
}

# parses FILE: succeeds if the file holds valid JSON.
parses() {
  node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$1" 2>/dev/null
}
not_parses() { ! parses "$1"; }

# fault JSON: sets the proxy's fault rule; clear_fault: back to pass-through.
fault() {
  local code
  code=$(curl -s -o "$work/fault.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d "$1" "$proxy_root/_fault")
  [ "$code" = 200 ] || echo "# POST /_fault $1 answered $code: $(cat "$work/fault.json")"
}
clear_fault() {
  curl -s -o /dev/null -X DELETE "$proxy_root/_fault"
}

# start NAME COMMAND...: starts a process in the background with stdout and
# stderr in files, waits for its first stdout line and stores the URL it
# announces in $started_url and its pid in $started_pid.
start() {
  local name="$1"; shift
  # Created here: the background job's redirection may come after the first poll.
  : >"$work/$name.out"
  "$@" >"$work/$name.out" 2>"$work/$name.log" &
  started_pid=$!
  started_url=""
  local line=""
  for _ in $(seq 1 300); do
    line="$(head -n 1 "$work/$name.out")"
    [ -n "$line" ] && break
    kill -0 "$started_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ "$line" == listening\ http://127.0.0.1:*/fhir/R4 ]]; then
    started_url="${line#listening }"
    ok "$name started: $started_url"
  else
    not_ok "$name started" "first stdout line: '$line'"
    sed 's/^/# /' "$work/$name.log"
    echo "1..$n"
    exit 1
  fi
}

# stop NAME PID: SIGTERM, then checks the process exited with status 0.
stop() {
  local name="$1" pid="$2" status
  kill -TERM "$pid"
  for _ in $(seq 1 50); do
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    not_ok "$name exits on SIGTERM"
  else
    wait "$pid"; status=$?
    check "$name exits with status 0 on SIGTERM (got $status)" test "$status" = 0
  fi
}

cat > "$work/seed.json" <<'EOF'
{"resourceType": "Bundle", "type": "batch", "entry": [
  {"resource": {"resourceType": "Patient", "id": "smoke-1", "name": [{"family": "Alvarez", "given": ["Ana"]}], "gender": "female", "birthDate": "1981-02-03"},
   "request": {"method": "PUT", "url": "Patient/smoke-1"}},
  {"resource": {"resourceType": "Patient", "id": "smoke-2", "name": [{"family": "Brooks", "given": ["Ben"]}], "gender": "male", "birthDate": "1975-06-07"},
   "request": {"method": "PUT", "url": "Patient/smoke-2"}},
  {"resource": {"resourceType": "Patient", "id": "smoke-3", "name": [{"family": "Chen", "given": ["Cai"]}], "gender": "other", "birthDate": "2001-10-11"},
   "request": {"method": "PUT", "url": "Patient/smoke-3"}}
]}
EOF

start server node server.js --port 0 --load "$work/seed.json"
server_pid=$started_pid
base="$started_url"
start proxy node fault-proxy.js --target "${base%/fhir/R4}" --port 0
proxy_pid=$started_pid
pbase="$started_url"
proxy_root="${pbase%/fhir/R4}"

ct='Content-Type: application/fhir+json'

# pass: the default forwards, and links point back at the proxy.
curl -s -o "$work/pass.json" "$pbase/Patient"
check "pass: Patient search through the proxy gives the 3 Patients" \
  test "$(json "$work/pass.json" 'b.resourceType + " " + b.entry.length')" = "Bundle 3"
curl -s -o "$work/pass2.json" "$pbase/Patient?_count=2"
check "pass: next links are rewritten to the proxy" \
  test "$(json "$work/pass2.json" '(b.link.find(l => l.relation === "next") || {url: ""}).url.startsWith(process.argv[3])' "$pbase")" = true
curl -s -o "$work/state.json" "$proxy_root/_fault"
check "GET /_fault reports pass-through at start" test "$(json "$work/state.json" 'b.mode + " " + b.affected')" = "pass 0"

code=$(curl -s -o "$work/bad.json" -w '%{http_code}' -X POST -d '{"mode": "explode"}' "$proxy_root/_fault")
check "POST /_fault with an unknown mode answers 400 (got $code)" test "$code" = 400

# refuse
fault '{"mode": "refuse"}'
curl -s -o /dev/null "$pbase/Patient"; rc=$?
check "refuse: curl fails (exit $rc)" test "$rc" -ne 0

# hang
fault '{"mode": "hang"}'
curl -s -o /dev/null --max-time 2 "$pbase/Patient"; rc=$?
check "hang: curl --max-time 2 times out (exit $rc)" test "$rc" = 28

# status
fault '{"mode": "status", "status": 503}'
code=$(curl -s -o "$work/503.json" -w '%{http_code}' "$pbase/Patient")
check "status 503: answers 503 (got $code)" test "$code" = 503
check "status 503: the body is an OperationOutcome" test "$(json "$work/503.json" 'b.resourceType')" = OperationOutcome

# cut
fault '{"mode": "cut"}'
curl -s -o "$work/cut.json" "$pbase/Patient"; rc=$?
if [ "$rc" -ne 0 ] || not_parses "$work/cut.json"; then ok "cut: curl fails (exit $rc) or the body does not parse"
else not_ok "cut: curl fails or the body does not parse" "curl exit 0 and the body parses"; fi

# drop-reply: the write reaches the server, the answer never reaches curl.
fault '{"mode": "drop-reply"}'
curl -s -o /dev/null -X PUT -H "$ct" \
  -d '{"resourceType": "Patient", "id": "smoke-1", "gender": "unknown"}' "$pbase/Patient/smoke-1"; rc=$?
check "drop-reply: the PUT fails at curl (exit $rc)" test "$rc" -ne 0
clear_fault
curl -s -o "$work/dropped.json" "$base/Patient/smoke-1"
check "drop-reply: the server applied the write (version 2, gender unknown)" \
  test "$(json "$work/dropped.json" 'b.meta.versionId + " " + b.gender')" = "2 unknown"

# latency
fault '{"mode": "latency", "delayMs": 800}'
t=$(curl -s -o "$work/slow.json" -w '%{time_total}' "$pbase/Patient")
check "latency 800 ms: takes >= 0.8 s (took ${t}s)" node -e 'process.exit(Number(process.argv[1]) >= 0.8 ? 0 : 1)' "$t"
check "latency: the answer is still the search" test "$(json "$work/slow.json" 'b.entry.length')" = 3

# malformed
fault '{"mode": "malformed"}'
code=$(curl -s -o "$work/malformed.json" -w '%{http_code}' "$pbase/Patient")
check "malformed: answers 200 (got $code)" test "$code" = 200
check "malformed: the body does not parse" not_parses "$work/malformed.json"

# wrong-type
fault '{"mode": "wrong-type"}'
curl -s -o "$work/wrong.json" "$pbase/Patient?name=Chen"
check "wrong-type: a search gives resourceType Patient" test "$(json "$work/wrong.json" 'b.resourceType')" = Patient
curl -s -o "$work/wrong-read.json" "$pbase/Patient/smoke-2"
check "wrong-type: a read gives resourceType OperationOutcome" test "$(json "$work/wrong-read.json" 'b.resourceType')" = OperationOutcome

# huge
fault '{"mode": "huge"}'
size=$(curl -s -o "$work/huge.json" -w '%{size_download}' "$pbase/Patient")
check "huge: the body is >= 50,000,000 bytes (got $size)" test "$size" -ge 50000000
check "huge: the body parses as a JSON Bundle" test "$(json "$work/huge.json" 'b.resourceType')" = Bundle
rm -f "$work/huge.json"

# strip-links
clear_fault
curl -s -o "$work/direct-page.json" "$base/Patient?_count=1"
check "strip-links: the server itself gives a next link" \
  test -n "$(json "$work/direct-page.json" '(b.link.find(l => l.relation === "next") || {}).url')"
fault '{"mode": "strip-links"}'
curl -s -o "$work/stripped.json" "$pbase/Patient?_count=1"
check "strip-links: through the proxy there is no next link" \
  test "$(json "$work/stripped.json" 'b.entry.length + " " + b.link.some(l => l.relation === "next")')" = "1 false"

# conflict-409: smoke-1 is at version 2 since drop-reply.
clear_fault
code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H "$ct" -H 'If-Match: W/"1"' \
  -d '{"resourceType": "Patient", "id": "smoke-1", "gender": "female"}' "$pbase/Patient/smoke-1")
check "without a fault a stale If-Match answers 412 (got $code)" test "$code" = 412
fault '{"mode": "conflict-409"}'
code=$(curl -s -o "$work/409.json" -w '%{http_code}' -X PUT -H "$ct" -H 'If-Match: W/"1"' \
  -d '{"resourceType": "Patient", "id": "smoke-1", "gender": "female"}' "$pbase/Patient/smoke-1")
check "conflict-409: a stale If-Match answers 409 (got $code)" test "$code" = 409

# count and match
fault '{"mode": "status", "status": 500, "count": 1}'
curl -s -o "$work/state.json" "$proxy_root/_fault"
check "GET /_fault shows the rule set (mode, remaining, affected)" \
  test "$(json "$work/state.json" '[b.mode, b.status, b.remaining, b.affected].join(" ")')" = "status 500 1 0"
c1=$(curl -s -o /dev/null -w '%{http_code}' "$pbase/Patient")
c2=$(curl -s -o /dev/null -w '%{http_code}' "$pbase/Patient")
check "count=1: the first request gets 500, the next 200 (got $c1, $c2)" test "$c1 $c2" = "500 200"
curl -s -o "$work/state.json" "$proxy_root/_fault"
check "count=1: GET /_fault shows pass-through and 1 affected request" \
  test "$(json "$work/state.json" 'b.mode + " " + b.affected')" = "pass 1"
fault '{"mode": "status", "status": 500, "match": "smoke-3"}'
c1=$(curl -s -o /dev/null -w '%{http_code}' "$pbase/Patient/smoke-2")
c2=$(curl -s -o /dev/null -w '%{http_code}' "$pbase/Patient/smoke-3")
check "match: only the matching path is faulted (got $c1, $c2)" test "$c1 $c2" = "200 500"

# DELETE resets
fault '{"mode": "status", "status": 503}'
clear_fault
code=$(curl -s -o /dev/null -w '%{http_code}' "$pbase/Patient")
curl -s -o "$work/state.json" "$proxy_root/_fault"
check "DELETE /_fault resets to pass-through (got $code, mode $(json "$work/state.json" 'b.mode'))" \
  test "$code $(json "$work/state.json" 'b.mode')" = "200 pass"

stop proxy "$proxy_pid"; proxy_pid=""
stop server "$server_pid"; server_pid=""

echo "1..$n"
if [ "$failed" -ne 0 ]; then
  echo "# $failed of $n checks failed; proxy log:"
  sed 's/^/# /' "$work/proxy.log"
  echo "# server log:"
  sed 's/^/# /' "$work/server.log"
  exit 1
fi
exit 0
