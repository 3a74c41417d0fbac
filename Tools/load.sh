#!/usr/bin/env bash
# Load on `jianguan serve` with wrk (Debian package `wrk`), server and load generator on this
# machine, over loopback:
#   /health, a balance read, and durable payments (each with a unique bank reference), with 64
#   and with 1 connection; then the kill test: SIGKILL the server during payments, restart it,
#   and check that every payment answered 200 is in the ledger, once, and that `audit` passes.
#
#   Tools/load.sh [SECONDS]      default 10 seconds per run
# Needs a release build (.build-load/, built here) and wrk. Writes under /tmp/jianguan-load.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${1:-10}
work=${LOAD_DIR:-/tmp/jianguan-load}
command -v wrk >/dev/null || { echo "load: needs wrk (apt-get install wrk)"; exit 2; }
command -v sqlite3 >/dev/null || { echo "load: needs the sqlite3 shell"; exit 2; }
rm -rf "$work" && mkdir -p "$work"

swift build -c release --scratch-path .build-load 2>&1 | tail -1
J="$root/.build-load/release/jianguan"
export JIANGUAN_DATA="$root/Data"

# A small bureau from the generator; payments go into its first class, from its first student.
source Tools/lib/bureau.sh
make_bureau 1000 100
class=$(sqlite3 "$JIANGUAN_DB" "SELECT id FROM classes ORDER BY rowid LIMIT 1")
student=$(sqlite3 "$JIANGUAN_DB" "SELECT id FROM students ORDER BY rowid LIMIT 1")
bank=$(sqlite3 "$JIANGUAN_DB" "SELECT i.escrow_bank FROM institutions i JOIN classes c ON c.institution = i.uscc WHERE c.id = '$class'")
bank_token=$(token --role bank --bank "$bank")
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
-- Each wrk thread numbers its own payments; the thread's id makes the bank references unique.
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
local n = 0
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $bank_token"
wrk.headers["Content-Type"] = "application/json"
function request()
  n = n + 1
  local body = string.format('{"student":"$student","class":"$class","hours":1,"amountFen":100,"bankRef":"LOAD-%s-%d-%d"}', "$$", tid, n)
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
  -d "{\"student\":\"$student\",\"class\":\"$class\",\"hours\":1,\"amountFen\":100,\"bankRef\":\"LOAD-FIRST\"}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

run() { # name connections url [script]
  local name=$1 connections=$2 url=$3 script=${4:-}
  local threads=$((connections < 2 ? 1 : 2))
  echo "== $name, $connections connection(s)"
  wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency ${script:+-s "$script"} \
    -H "Authorization: Bearer $regulator_token" "$url" 2>/dev/null | grep -E "Requests/sec|50%|99%|Non-2xx"
}
for connections in 64 1; do
  run health "$connections" "http://localhost:$port/health"
  run balance "$connections" "http://localhost:$port/v1/balance?enrollment=$enrollment"
  run payments "$connections" "http://localhost:$port/v1/payments" "$work/pay.lua"
done

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
$J audit | tail -1
[ "$answered" = "$inledger" ] && [ "$twice" = 0 ] || { echo "load: KILL TEST FAILED"; exit 1; }
start_server
curl -sf "localhost:$port/health" >/dev/null && echo "restarted: health ok"
kill -TERM "$server"; wait "$server" || true
