#!/usr/bin/env bash
# Load on `jianguan serve` with wrk (Debian package `wrk`), server and load generator on this
# machine, over loopback:
#   /health, durable payments (each with a unique bank reference), and balance reads of random
#   enrollments among those the payments made, with 64 and with 1 connection; then the kill
#   test: SIGKILL the server during payments, restart it, and check that every payment answered
#   200 is in the ledger, once, and that `audit` passes.
#
#   Tools/load.sh [SECONDS]      default 10 seconds per run
# Needs a release build (.build-load/, built here unless LOAD_BINARY is set) and wrk. Writes under /tmp/jianguan-load.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${1:-10}
work=${LOAD_DIR:-/tmp/jianguan-load}
command -v wrk >/dev/null || { echo "load: needs wrk (apt-get install wrk)"; exit 2; }
command -v sqlite3 >/dev/null || { echo "load: needs the sqlite3 shell"; exit 2; }
rm -rf "$work" && mkdir -p "$work"

# LOAD_BINARY names a binary to use instead (a smoke run with the debug build).
if [ -z "${LOAD_BINARY:-}" ]; then
  swift build -c release --scratch-path .build-load 2>&1 | tail -1
fi
J=${LOAD_BINARY:-"$root/.build-load/release/jianguan"}
export JIANGUAN_DATA="$root/Data"

# A bureau from the generator: 20 institutions, 20,000 students.
source Tools/lib/bureau.sh
make_bureau 20000 20000
# Payments go into the classes of the latest term (one per institution, 1000 places each), paid on
# the day it starts; student k pays into class k mod 20, one hour at a time, so that no student
# reaches the 60 hours one charge may cover (however split) before 60 rounds of every student.
term=$(sqlite3 "$JIANGUAN_DB" "SELECT MAX(starts) FROM classes")
classes=$(sqlite3 "$JIANGUAN_DB" "SELECT '\"' || id || '\"' FROM classes WHERE starts = '$term' ORDER BY rowid" | paste -sd, -)
class=$(sqlite3 "$JIANGUAN_DB" "SELECT id FROM classes WHERE starts = '$term' ORDER BY rowid LIMIT 1")
students=$(sqlite3 "$JIANGUAN_DB" "SELECT COUNT(*) FROM students")
paid_at="${term}T10:00"
# The regulator pays here (every class's bank at once); a bank credential works for its own classes.
bank_token=$(token --role regulator)
regulator_token=$(token --role regulator)

port=$((20000 + RANDOM % 20000))
start_server() {
  "$J" serve --port "$port" --rate-limit 100000000 >"$work/serve.out" 2>"$work/serve.log" &
  server=$!
  for _ in $(seq 100); do curl -sf "localhost:$port/health" >/dev/null && return; sleep 0.1; done
  echo "load: the server did not start"; cat "$work/serve.log"; exit 1
}
start_server

cat >"$work/pay.lua" <<LUA
-- Payment k (unique across the run's threads) is from student k mod S into that student's class.
local threads = 2
local classes = {$classes}
local students = $students
local run = tostring(os.time())
function setup(thread) thread:set("tid", threads); threads = threads - 1 end
local n = 0
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $bank_token"
wrk.headers["Content-Type"] = "application/json"
function request()
  n = n + 1
  local k = n * 2 + (tid or 0)
  local s = k % students + 1
  local body = string.format('{"student":"S%d","class":"%s","hours":1,"amountFen":100,"bankRef":"LOAD-%s-%d","paidAt":"$paid_at"}',
    s, classes[(s - 1) % #classes + 1], run, k)
  return wrk.format(nil, "/v1/payments", nil, body)
end
LUA
# The kill test's script also writes every 200 answer (the enrollment it names) to stderr.
cp "$work/pay.lua" "$work/pay-record.lua"
cat >>"$work/pay-record.lua" <<'LUA'
function response(status, headers, body)
  if status == 200 then io.stderr:write(body) end
end
LUA
enrollment=$(curl -s -H "Authorization: Bearer $bank_token" "localhost:$port/v1/payments" \
  -d "{\"student\":\"S1\",\"class\":\"$class\",\"hours\":1,\"amountFen\":100,\"bankRef\":\"LOAD-FIRST\",\"paidAt\":\"$paid_at\"}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

declare -A rate
run() { # name connections url [script]
  local name=$1 connections=$2 url=$3 script=${4:-}
  local threads=$((connections < 2 ? 1 : 2))
  echo "== $name, $connections connection(s)"
  wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency ${script:+-s "$script"} \
    -H "Authorization: Bearer $regulator_token" "$url" 2>/dev/null >"$work/wrk-$name-$connections.txt" || true
  grep -E "Requests/sec|^ +(50|99)%|Non-2xx" "$work/wrk-$name-$connections.txt" || true
  rate[$name-$connections]=$(awk '/Requests\/sec/ {print $2}' "$work/wrk-$name-$connections.txt")
}
# Balance reads spread over every enrollment the payments made (not one hot row): each request
# asks for a random one of them.
balance_script() {
  local count
  count=$(sqlite3 "$JIANGUAN_DB" "SELECT COUNT(*) FROM enrollments")
  cat >"$work/balance.lua" <<LUA
math.randomseed(os.time())
wrk.headers["Authorization"] = "Bearer $regulator_token"
function request() return wrk.format(nil, "/v1/balance?enrollment=E" .. math.random(1, $count)) end
LUA
  echo "   (reads spread over $count enrollments)"
}
for connections in 64 1; do
  run health "$connections" "http://localhost:$port/health"
  run payments "$connections" "http://localhost:$port/v1/payments" "$work/pay.lua"
  balance_script
  run balance "$connections" "http://localhost:$port/v1/balance" "$work/balance.lua"
done
python3 - "${rate[health-64]:-0}" "${rate[payments-64]:-0}" "${rate[balance-64]:-0}" <<'PY'
import sys
health, payments, balance = (float(x or 0) for x in sys.argv[1:])
ratio = lambda x: "%.2f" % (x / health) if health else "n/a"
print("64 connections: payments/health %s (goal >= 0.5), balance/health %s (goal >= 0.8)" % (ratio(payments), ratio(balance)))
PY

echo "== kill test: SIGKILL during payments, restart, every 200 in the ledger once, audit"
wrk -t2 -c64 -d"${seconds}s" -s "$work/pay-record.lua" "http://localhost:$port/v1/payments" \
  >/dev/null 2>"$work/answered.json" &
load=$!
sleep $((seconds / 2 > 0 ? seconds / 2 : 1))
kill -9 "$server"
wait "$load" || true
wait "$server" 2>/dev/null || true
answered=$(grep -o '"id":"E[0-9]*"' "$work/answered.json" | sort -u | wc -l)
inledger=$(grep -o '"id":"E[0-9]*"' "$work/answered.json" | sort -u | sed 's/"id":"\(E[0-9]*\)"/\1/' |
  while read -r id; do sqlite3 "$JIANGUAN_DB" "SELECT COUNT(*) FROM enrollments WHERE id = '$id'"; done | grep -c '^1$' || true)
twice=$(sqlite3 "$JIANGUAN_DB" "SELECT COUNT(*) FROM (SELECT bank_ref FROM enrollments GROUP BY bank_ref HAVING COUNT(*) > 1)")
echo "answered 200: $answered; in the ledger: $inledger; bank references recorded twice: $twice"
"$J" audit | head -1 || { echo "load: AUDIT FAILED"; exit 1; }
[ "$answered" = "$inledger" ] && [ "$twice" = 0 ] || { echo "load: KILL TEST FAILED"; exit 1; }
start_server
curl -sf "localhost:$port/health" >/dev/null && echo "restarted: health ok"
kill -TERM "$server"; wait "$server" || true
