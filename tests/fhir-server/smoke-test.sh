#!/usr/bin/env bash
# Smoke test of the FHIR test server: starts it on a free port with a tiny
# Bundle, checks the main REST behaviours with curl, then stops it.
# Output is TAP; the exit status is non-zero if any check fails.
set -u

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here" || exit 1

if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund >&2 || { echo "Bail out! npm ci failed"; exit 1; }
fi

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid" 2>/dev/null; fi
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
# file (bound to b), e.g. json f 'b.entry.length'.
json() {
  node -e 'const b = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
           const v = eval(process.argv[2]); process.stdout.write(v === undefined ? "" : String(v));' "$1" "$2"
}

# header FILE NAME: value of a response header from a curl -D dump.
header() {
  tr -d '\r' < "$1" | awk -v name="$(echo "$2" | tr 'A-Z' 'a-z')" -F': ' 'tolower($1) == name { print $2 }' | tail -n 1
}

cat > "$work/seed.json" <<'EOF'
{"resourceType": "Bundle", "type": "batch", "entry": [
  {"resource": {"resourceType": "Patient", "id": "smoke-1", "name": [{"family": "Alvarez", "given": ["Ana"]}], "gender": "female", "birthDate": "1981-02-03"},
   "request": {"method": "PUT", "url": "Patient/smoke-1"}},
  {"resource": {"resourceType": "Patient", "id": "smoke-2", "name": [{"family": "Brooks", "given": ["Ben"]}], "gender": "male", "birthDate": "1975-06-07"},
   "request": {"method": "PUT", "url": "Patient/smoke-2"}},
  {"resource": {"resourceType": "Patient", "id": "smoke-3", "name": [{"family": "Chen", "given": ["Cai"]}], "gender": "other", "birthDate": "2001-10-11"},
   "request": {"method": "PUT", "url": "Patient/smoke-3"}},
  {"resource": {"resourceType": "Appointment", "id": "smoke-a1", "status": "booked",
                "start": "2030-01-07T09:00:00Z", "end": "2030-01-07T09:20:00Z",
                "participant": [{"actor": {"reference": "Patient/smoke-1"}, "status": "accepted"}]},
   "request": {"method": "PUT", "url": "Appointment/smoke-a1"}}
]}
EOF

# Start the server and read the base URL from its first stdout line. The
# payer answers after 100 ms here (700 ms by default).
coproc SERVER { FRONTDESK_PAYER_DELAY_MS=100 exec node server.js --port 0 --load "$work/seed.json" 2>"$work/server.log"; }
server_pid=$SERVER_PID
line=""
read -r -t 30 line <&"${SERVER[0]}" || true
base="${line#listening }"
if [[ "$line" == listening\ http://127.0.0.1:*/fhir/R4 ]]; then
  ok "server started: $base"
else
  not_ok "server started" "first stdout line: '$line'"
  sed 's/^/# /' "$work/server.log"
  echo "1..$n"
  exit 1
fi

ct='Content-Type: application/fhir+json'

# /metadata
curl -s -o "$work/meta.json" "$base/metadata"
check "metadata is a CapabilityStatement for FHIR 4.0.1" \
  test "$(json "$work/meta.json" 'b.resourceType + " " + b.fhirVersion')" = "CapabilityStatement 4.0.1"

# Paging: 2 of 3 Patients, then the next link gives the third.
curl -s -o "$work/page1.json" "$base/Patient?_count=2"
check "Patient?_count=2 gives 2 entries" test "$(json "$work/page1.json" 'b.entry.length')" = 2
next="$(json "$work/page1.json" '(b.link.find(l => l.relation === "next") || {}).url')"
check "first page has a next link" test -n "$next"
curl -s -o "$work/page2.json" "$next"
ids="$(json "$work/page1.json" 'b.entry.map(e => e.resource.id).join(" ")') $(json "$work/page2.json" 'b.entry.map(e => e.resource.id).join(" ")')"
check "next page gives the third Patient" test "$(json "$work/page2.json" 'b.entry.length')" = 1
check "the two pages hold all three Patients" test "$(echo $ids | tr ' ' '\n' | sort | tr '\n' ' ')" = "smoke-1 smoke-2 smoke-3 "
check "last page has no next link" test -z "$(json "$work/page2.json" '(b.link.find(l => l.relation === "next") || {}).url')"

# Update-as-create with a client id, then versioned updates.
code=$(curl -s -o "$work/put1.json" -D "$work/put1.h" -w '%{http_code}' -X PUT -H "$ct" \
  -d '{"resourceType": "Patient", "id": "smoke-new", "gender": "female"}' "$base/Patient/smoke-new")
check "PUT of a new Patient answers 200/201 (got $code)" test "$code" = 201 -o "$code" = 200
check "PUT of a new Patient gives ETag W/\"1\"" test "$(header "$work/put1.h" etag)" = 'W/"1"'
check "PUT gives a versioned Location" \
  test "$(header "$work/put1.h" location)" = "$base/Patient/smoke-new/_history/1"

code=$(curl -s -o "$work/put2.json" -D "$work/put2.h" -w '%{http_code}' -X PUT -H "$ct" -H 'If-Match: W/"1"' \
  -d '{"resourceType": "Patient", "id": "smoke-new", "gender": "male"}' "$base/Patient/smoke-new")
check "PUT with If-Match W/\"1\" answers 200 (got $code)" test "$code" = 200
check "PUT with If-Match W/\"1\" gives ETag W/\"2\"" test "$(header "$work/put2.h" etag)" = 'W/"2"'

code=$(curl -s -o "$work/put3.json" -w '%{http_code}' -X PUT -H "$ct" -H 'If-Match: W/"1"' \
  -d '{"resourceType": "Patient", "id": "smoke-new", "gender": "other"}' "$base/Patient/smoke-new")
check "stale If-Match W/\"1\" answers 412 (got $code)" test "$code" = 412

curl -s -o "$work/read.json" -D "$work/read.h" "$base/Patient/smoke-new"
check "read gives version 2 and ETag W/\"2\"" \
  test "$(json "$work/read.json" 'b.meta.versionId + " " + b.gender') $(header "$work/read.h" etag)" = '2 male W/"2"'

code=$(curl -s -o "$work/bad.json" -w '%{http_code}' -X PUT -H "$ct" \
  -d '{"resourceType": "Patient", "id": "smoke-bad", "gender": 5}' "$base/Patient/smoke-bad")
check "invalid Patient answers 400 (got $code)" test "$code" = 400
check "invalid Patient answer is an OperationOutcome" test "$(json "$work/bad.json" 'b.resourceType')" = OperationOutcome

# Type-level history
code=$(curl -s -o "$work/hist.json" -w '%{http_code}' "$base/Patient/_history?_since=2000-01-01T00:00:00Z")
check "Patient/_history answers 200 (got $code)" test "$code" = 200
check "Patient/_history lists the 5 Patient versions" \
  test "$(json "$work/hist.json" 'b.type + " " + b.entry.length')" = "history 5"
check "history is newest first" \
  test "$(json "$work/hist.json" 'b.entry[0].resource.id + "/" + b.entry[0].resource.meta.versionId')" = "smoke-new/2"

# The simulated payer: a demo payer answers a new CoverageEligibilityRequest
# with a CoverageEligibilityResponse that search finds by its request.
origin="${base%/fhir/R4}"
curl -s -o /dev/null -X PUT -H "$ct" \
  -d '{"resourceType": "Organization", "id": "smoke-payer", "name": "Bluebonnet Health Plan"}' "$base/Organization/smoke-payer"
curl -s -o /dev/null -X PUT -H "$ct" \
  -d '{"resourceType": "Coverage", "id": "smoke-cov", "status": "active", "subscriberId": "BHP000000001",
       "beneficiary": {"reference": "Patient/smoke-1"}, "payor": [{"reference": "Organization/smoke-payer"}],
       "costToBeneficiary": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/coverage-copay-type", "code": "copay"}]},
                              "valueMoney": {"value": 30, "currency": "USD"}}]}' "$base/Coverage/smoke-cov"
eligibility_request() { # eligibility_request ID: PUTs a request for smoke-cov, prints the status
  curl -s -o "$work/$1.json" -w '%{http_code}' -X PUT -H "$ct" \
    -d '{"resourceType": "CoverageEligibilityRequest", "id": "'"$1"'", "status": "active",
         "purpose": ["validation", "benefits"], "patient": {"reference": "Patient/smoke-1"},
         "created": "2030-01-07T08:00:00Z", "insurer": {"reference": "Organization/smoke-payer"},
         "insurance": [{"focal": true, "coverage": {"reference": "Coverage/smoke-cov"}}]}' \
    "$base/CoverageEligibilityRequest/$1"
}
answers() { # answers ID: how many responses point at request ID
  curl -s -o "$work/answers-$1.json" "$base/CoverageEligibilityResponse?request=CoverageEligibilityRequest/$1"
  json "$work/answers-$1.json" '(b.entry || []).length'
}
code=$(eligibility_request smoke-elig-1)
check "PUT of a CoverageEligibilityRequest answers 201 (got $code)" test "$code" = 201
for _ in $(seq 1 50); do [ "$(answers smoke-elig-1)" = 1 ] && break; sleep 0.1; done
check "the payer answers within 5 s with one response" test "$(answers smoke-elig-1)" = 1
check "the answer is complete, in force, with the co-pay of the coverage" \
  test "$(json "$work/answers-smoke-elig-1.json" 'const r = b.entry[0].resource;
    [r.outcome, r.insurance[0].inforce, r.insurance[0].item[0].benefit[0].allowedMoney.value].join(" ")')" = "complete true 30"

code=$(curl -s -o "$work/payer.json" -w '%{http_code}' -X POST -d '{"outcome": "bogus"}' "$origin/_payer")
check "POST /_payer with an unknown outcome answers 400 (got $code)" test "$code" = 400
code=$(curl -s -o "$work/payer.json" -w '%{http_code}' -X POST -d '{"outcome": "error", "delay_ms": 0}' "$origin/_payer")
check "POST /_payer sets the outcome (got $code)" \
  test "$code $(json "$work/payer.json" 'b.outcome + " " + b.delay_ms')" = "200 error 0"
eligibility_request smoke-elig-2 > /dev/null
for _ in $(seq 1 50); do [ "$(answers smoke-elig-2)" = 1 ] && break; sleep 0.1; done
check "a forced error answers with outcome error and an error code" \
  test "$(json "$work/answers-smoke-elig-2.json" 'const r = b.entry[0].resource; r.outcome + " " + r.error[0].code.coding[0].code')" = "error unavailable"
curl -s -o /dev/null -X POST -d '{"outcome": "silent", "delay_ms": 0}' "$origin/_payer"
eligibility_request smoke-elig-3 > /dev/null
sleep 0.5
check "a silent payer never answers" test "$(answers smoke-elig-3)" = 0
curl -s -o "$work/payer.json" -X DELETE "$origin/_payer"
check "DELETE /_payer goes back to the defaults" \
  test "$(json "$work/payer.json" 'b.outcome + " " + b.delay_ms')" = "auto 100"

# Authentication: servers started with --auth want credentials on FHIR
# requests, leave /metadata open, and (oauth2) serve /oauth/token.
start_auth_server() { # start_auth_server SPEC LOG: sets auth_base and auth_pid
  node server.js --port 0 --auth "$1" --token-lifetime 2 >"$2.out" 2>"$2" &
  auth_pid=$!
  for _ in $(seq 1 300); do grep -q '^listening ' "$2.out" && break; sleep 0.1; done
  auth_base="$(sed -n 's/^listening //p' "$2.out")"
}
status_of() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

start_auth_server "basic:smoke:Pw-smoke" "$work/basic.log"
check "basic: server started" test -n "$auth_base"
check "basic: /metadata stays open" test "$(status_of "$auth_base/metadata")" = 200
check "basic: a search without credentials answers 401" test "$(status_of "$auth_base/Patient")" = 401
check "basic: a wrong password answers 401" test "$(status_of -u smoke:wrong "$auth_base/Patient")" = 401
check "basic: the right password answers 200" test "$(status_of -u smoke:Pw-smoke "$auth_base/Patient")" = 200
curl -s -o /dev/null -D "$work/basic401.h" "$auth_base/Patient"
check "basic: the 401 names the Basic scheme" test -n "$(header "$work/basic401.h" www-authenticate | grep '^Basic')"
kill -TERM "$auth_pid"; wait "$auth_pid" 2>/dev/null

start_auth_server "oauth2:smoke-client:Cs-smoke" "$work/oauth.log"
auth_origin="${auth_base%/fhir/R4}"
check "oauth2: server started" test -n "$auth_base"
check "oauth2: a wrong client secret gets 401 from the token endpoint" \
  test "$(status_of -u smoke-client:wrong -d grant_type=client_credentials "$auth_origin/oauth/token")" = 401
curl -s -o "$work/token.json" -u smoke-client:Cs-smoke -d grant_type=client_credentials -d scope=system/Patient.read "$auth_origin/oauth/token"
check "oauth2: the token endpoint gives a bearer token for 2 s" \
  test "$(json "$work/token.json" 'b.token_type + " " + b.expires_in + " " + (b.access_token.length > 20)')" = "Bearer 2 true"
token="$(json "$work/token.json" 'b.access_token')"
check "oauth2: the token opens the FHIR API" test "$(status_of -H "Authorization: Bearer $token" "$auth_base/Patient")" = 200
check "oauth2: another token does not" test "$(status_of -H "Authorization: Bearer x$token" "$auth_base/Patient")" = 401
check "oauth2: client id and secret in the form work too" \
  test "$(status_of -d grant_type=client_credentials -d client_id=smoke-client -d client_secret=Cs-smoke "$auth_origin/oauth/token")" = 200
check "oauth2: another grant type answers 400" \
  test "$(status_of -u smoke-client:Cs-smoke -d grant_type=password "$auth_origin/oauth/token")" = 400
sleep 2.2
check "oauth2: the token expires after expires_in" test "$(status_of -H "Authorization: Bearer $token" "$auth_base/Patient")" = 401
curl -s -o "$work/auth.json" "$auth_origin/_auth"
check "oauth2: /_auth counts the tokens issued and refused" \
  test "$(json "$work/auth.json" 'b.tokens_issued + " " + b.token_refusals')" = "2 1"
check "oauth2: the log holds no secret or token" \
  test -z "$(grep -e Cs-smoke -e "$token" "$work/oauth.log")"
kill -TERM "$auth_pid"; wait "$auth_pid" 2>/dev/null

# Stop the server.
kill -TERM "$server_pid"
status=""
for _ in $(seq 1 50); do
  if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
  sleep 0.1
done
if kill -0 "$server_pid" 2>/dev/null; then
  not_ok "server exits on SIGTERM"
else
  wait "$server_pid"; status=$?
  check "server exits with status 0 on SIGTERM (got $status)" test "$status" = 0
fi
server_pid=""

echo "1..$n"
if [ "$failed" -ne 0 ]; then
  echo "# $failed of $n checks failed; server log:"
  sed 's/^/# /' "$work/server.log"
  exit 1
fi
exit 0
