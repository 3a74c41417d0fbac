#!/usr/bin/env bash
# The PostgreSQL tier of the benchmarks (issue 17), beside the SQLite store in the same run.
#
#   Tools/bench_postgres.sh [PAYMENTS]     default 1000000; 20000 checks the tier in a few minutes
#
# Tools/bench.sh runs it after its SQLite tiers with its release binary (BENCH_BINARY); run alone,
# it builds that binary as bench.sh does. It starts a PostgreSQL 15 server of its own (initdb into
# the work folder, a free loopback port, fsync and synchronous_commit on: every commit durable),
# stopped when the script ends, and measures on one data set of the generator:
#   (a) `import payments` of PAYMENTS payments into one bureau, one file, against the same file
#       into a SQLite ledger with the same registry;
#   (b) 16 bureaus (the 16 prefectures of Anhui, each its registry and a 16th of the payments)
#       importing at once, 16 processes, against one of them importing alone;
#   (c) the audit of the bureau of (a) against the SQLite ledger's audit;
#   (d) kill -9 of the postmaster during a second 16-bureau load (each bureau's payments in four
#       files, imported one after another), then a restart: every file whose import exited 0 is
#       in its bureau, no bureau holds part of a file, every bureau's audit passes.
# The table is printed and written into docs/BENCHMARKS.md between the markers of its size.
# Skipped, with one line, where the PostgreSQL 15 binaries are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
payments=${1:-1000000}
pgbin=/usr/lib/postgresql/15/bin
for tool in initdb pg_ctl postgres psql; do
  if [ ! -x "$pgbin/$tool" ]; then
    echo "== PostgreSQL tier: skipped, no PostgreSQL 15 under $pgbin (apt-get install postgresql-15)"
    exit 0
  fi
done
work=${BENCH_PG_DIR:-${BENCH_DIR:-/tmp/jianguan-bench}/postgres}
rm -rf "$work"
mkdir -p "$work"

now_ns() { date +%s%N; }
seconds_since() { python3 -c "print(($(now_ns) - $1) / 1e9)"; }

J=${BENCH_BINARY:-}
if [ -z "$J" ]; then
  echo "== release build (static Swift runtime)"
  swift build -c release --static-swift-stdlib --scratch-path .build-bench 2>&1 | tail -1
  J="$root/.build-bench/release/jianguan"
fi
export JIANGUAN_DATA="$root/Data"
unset JIANGUAN_DB JIANGUAN_KEY PGPASSWORD

echo "== PostgreSQL 15: initdb into $work/pg"
# initdb refuses to run as root: as root the server runs as the postgres system user.
as_server=()
mkdir -p "$work/pg"
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$work/pg"
  as_server=(runuser -u postgres --)
fi
"${as_server[@]}" "$pgbin/initdb" -D "$work/pg/data" -U postgres -A trust -E UTF8 --locale=C >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Durable commits (fsync, synchronous_commit); checkpoints spaced out for a bulk load.
options="-p $port -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on"
options+=" -c max_connections=100 -c shared_buffers=1GB -c max_wal_size=8GB -c checkpoint_timeout=30min"
start_server() {
  "${as_server[@]}" "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w -t 300 -o "$options" \
    start >/dev/null
}
stop_server() { "${as_server[@]}" "$pgbin/pg_ctl" -D "$work/pg/data" -m fast -w stop >/dev/null 2>&1 || true; }
trap stop_server EXIT
start_server
psql_at() { "$pgbin/psql" -X -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "$1"; }
for database in one alone load crash; do psql_at "CREATE DATABASE $database" >/dev/null; done
url() { echo "postgres://postgres@127.0.0.1:$port/$1?bureau=$2"; }

# A bureau's registry in a SQLite ledger of region $2 (generator's data in $1): what is copied
# into PostgreSQL, and what the SQLite reference imports into.
registry() {
  local folder=$1 region=$2
  (
    export JIANGUAN_DB="$folder/registry.sqlite" JIANGUAN_NOW="$(sed -n 's/^now=\([^ ]*\).*/\1/p' "$folder.txt")"
    $J init --authority "教育局$region" --region "$region" >/dev/null
    if [ -f "$folder/calendar.csv" ]; then $J calendar import "$folder/calendar.csv" >/dev/null; fi
    for kind in institutions venues teachers courses classes parents students; do
      $J import registry "$kind" "$folder/$kind.csv" >/dev/null
    done
  )
}
now_of() { sed -n 's/^now=\([^ ]*\).*/\1/p' "$1.txt"; }
dataset() {
  local folder=$1 city=$2 count=$3
  local institutions=$((count / 5000 > 20 ? count / 5000 : 20))
  python3 Tools/gen_dataset.py --out "$folder" --city "$city" --payments "$count" --students $((count / 10 > 10 ? count / 10 : 10)) \
    --institutions "$institutions" --lesson-share 0 --refund-share 0 >"$folder.txt"
  registry "$folder" "$city"
}
# Copies a registry into database $2 as bureau $3 and prints its number of entries.
copy_in() {
  JIANGUAN_NOW="$(now_of "$1")" $J copy --from "$1/registry.sqlite" --to "$(url "$2" "$3")" \
    --key "$work/keys/$2-$3.key" --format json | python3 -c 'import json, sys; print(json.load(sys.stdin)["entries"])'
}
mkdir -p "$work/keys"
audit_json() { JIANGUAN_NOW="$2" $J audit --db "$1" --format json; }

echo "== data set: $payments payments into bureau 340100 (as the SQLite tier's)"
dataset "$work/one" 340100 "$payments"
now=$(now_of "$work/one")
cp "$work/one/registry.sqlite" "$work/sqlite.sqlite"
cp "$work/one/registry.sqlite.key" "$work/sqlite.sqlite.key"
copy_in "$work/one" one 340100 >/dev/null

echo "== (a) import of the payments into one bureau: SQLite file vs PostgreSQL, one file each, durable"
start=$(now_ns)
JIANGUAN_NOW="$now" $J import payments "$work/one/payments.csv" --db "$work/sqlite.sqlite" >/dev/null
sqlite_import=$(seconds_since "$start")
echo "SQLite: $sqlite_import s"
start=$(now_ns)
JIANGUAN_NOW="$now" $J import payments "$work/one/payments.csv" --db "$(url one 340100)" >/dev/null
pg_import=$(seconds_since "$start")
echo "PostgreSQL: $pg_import s"

echo "== (c) audit of that bureau: SQLite file vs PostgreSQL"
start=$(now_ns)
audit_json "$work/sqlite.sqlite" "$now" >"$work/sqlite-audit.json"
sqlite_audit=$(seconds_since "$start")
start=$(now_ns)
audit_json "$(url one 340100)" "$now" >"$work/pg-audit.json"
pg_audit=$(seconds_since "$start")
echo "SQLite: $sqlite_audit s, PostgreSQL: $pg_audit s"

echo "== (b) 16 bureaus, a 16th of the payments each: one alone, then all 16 at once"
cities=(340100 340200 340300 340400 340500 340600 340700 340800 341000 341100 341200 341300 341500 341600 341700 341800)
share=$((payments / 16))
mkdir -p "$work/b"
pids=()
for city in "${cities[@]}"; do
  dataset "$work/b/$city" "$city" "$share" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
# Each bureau's payments also in four files, for the kill test: one import after another.
for city in "${cities[@]}"; do
  python3 - "$work/b/$city/payments.csv" "$work/b/$city/part" <<'PY'
import sys
source, prefix = sys.argv[1], sys.argv[2]
with open(source, encoding="utf-8") as f:
    header, rows = f.readline(), f.readlines()
size = -(-len(rows) // 4)
for part in range(4):
    with open("%s%d.csv" % (prefix, part), "w", encoding="utf-8") as out:
        out.write(header)
        out.writelines(rows[part * size:(part + 1) * size])
PY
  copy_in "$work/b/$city" load "$city" >/dev/null
  copy_in "$work/b/$city" crash "$city" >"$work/b/$city.registry-entries"
done
copy_in "$work/b/340100" alone 340100 >/dev/null
share_rows=$(($(wc -l <"$work/b/340100/payments.csv") - 1))
start=$(now_ns)
JIANGUAN_NOW="$(now_of "$work/b/340100")" $J import payments "$work/b/340100/payments.csv" --db "$(url alone 340100)" >/dev/null
alone=$(seconds_since "$start")
echo "one bureau alone: $share_rows payments in $alone s"
load_rows=0
pids=()
start=$(now_ns)
for city in "${cities[@]}"; do
  load_rows=$((load_rows + $(wc -l <"$work/b/$city/payments.csv") - 1))
  JIANGUAN_NOW="$(now_of "$work/b/$city")" $J import payments "$work/b/$city/payments.csv" --db "$(url load "$city")" \
    >"$work/b/$city.load.out" 2>&1 &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
sixteen=$(seconds_since "$start")
echo "16 bureaus at once: $load_rows payments in $sixteen s ($failed imports failed)"
[ "$failed" = 0 ] || { echo "bench: an import of the 16-bureau load failed"; cat "$work"/b/*.load.out; exit 1; }

echo "== (d) kill -9 of the postmaster during the 16-bureau load, then a restart"
start=$(now_ns)
for city in "${cities[@]}"; do
  (
    export JIANGUAN_NOW="$(now_of "$work/b/$city")"
    for part in 0 1 2 3; do
      if $J import payments "$work/b/$city/part$part.csv" --db "$(url crash "$city")" >/dev/null 2>&1; then
        echo "$part 0" >>"$work/b/$city.parts"
      else
        echo "$part 1" >>"$work/b/$city.parts"
        break
      fi
    done
  ) &
done
# Killed once half of the files are answered, whatever the size: some bureaus have files done,
# and every bureau has one in flight or still to come.
parts=()
for city in "${cities[@]}"; do parts+=("$work/b/$city.parts"); done
while [ "$(cat "${parts[@]}" 2>/dev/null | wc -l)" -lt 32 ] && [ -n "$(jobs -rp)" ]; do sleep 0.02; done
postmaster=$(head -1 "$work/pg/data/postmaster.pid")
kill -9 "$postmaster"
killed_at=$(seconds_since "$start")
wait
# The backends notice that the postmaster is gone and exit; the restart waits for them.
for attempt in $(seq 1 60); do
  if start_server 2>/dev/null; then break; fi
  sleep 1
done
crash_report=$(
  for city in "${cities[@]}"; do
    registry_entries=$(cat "$work/b/$city.registry-entries")
    answered=0
    unanswered=0
    while read -r part status; do
      rows=$(($(wc -l <"$work/b/$city/part$part.csv") - 1))
      if [ "$status" = 0 ]; then answered=$((answered + rows)); else unanswered=$rows; fi
    done <"$work/b/$city.parts"
    audit=$(audit_json "$(url crash "$city")" "$(now_of "$work/b/$city")" || true)
    echo "$city $registry_entries $answered $unanswered $(echo "$audit" | python3 -c '
import json, sys
try:
    a = json.load(sys.stdin)
    print(a["entries"], "ok" if a["ok"] else "faults")
except Exception:
    print(0, "unreadable")')"
  done
)
echo "$crash_report"

python3 - "$payments" "$root/docs/BENCHMARKS.md" "$sqlite_import" "$pg_import" "$sqlite_audit" "$pg_audit" \
  "$work/sqlite-audit.json" "$work/pg-audit.json" "$share_rows" "$alone" "$load_rows" "$sixteen" "$killed_at" \
  "$crash_report" <<'PY'
import datetime, json, platform, subprocess, sys
(payments, doc, sqlite_import, pg_import, sqlite_audit, pg_audit, sqlite_json, pg_json, share_rows, alone,
 load_rows, sixteen, killed_at, crash) = sys.argv[1:]
payments, share_rows, load_rows = int(payments), int(share_rows), int(load_rows)
sqlite_import, pg_import, sqlite_audit, pg_audit = map(float, (sqlite_import, pg_import, sqlite_audit, pg_audit))
alone, sixteen, killed_at = float(alone), float(sixteen), float(killed_at)
sqlite_a, pg_a = json.load(open(sqlite_json)), json.load(open(pg_json))
n = lambda x: format(round(x), ",")
rate_sqlite, rate_pg = payments / sqlite_import, payments / pg_import
rate_alone, rate_all = share_rows / alone, load_rows / sixteen
audit_sqlite, audit_pg = sqlite_a["entries"] / sqlite_audit, pg_a["entries"] / pg_audit
# Per bureau: entries after the restart = registry + 2 per payment of the files answered done,
# or + the unanswered file too when its commit was durable before the kill (never a part of one).
bureaus, answered_files, lost, partial, failed_audits = 0, 0, 0, 0, 0
for line in crash.strip().splitlines():
    city, registry, answered, unanswered, entries, audit = line.split()
    registry, answered, unanswered, entries = int(registry), int(answered), int(unanswered), int(entries)
    bureaus += 1
    done = registry + 2 * answered
    if entries < done:
        lost += 1
    elif entries not in (done, done + 2 * unanswered):
        partial += 1
    if audit != "ok":
        failed_audits += 1
    answered_files += answered
crash_ok = lost == 0 and partial == 0 and failed_audits == 0
rows = [
  ("import %s payments into one bureau, one file, durable" % n(payments),
   "%.1f s = %s payments/s" % (pg_import, n(rate_pg)),
   "SQLite store, the same file and registry: %.1f s = %s payments/s" % (sqlite_import, n(rate_sqlite)),
   "%.2f" % (rate_pg / rate_sqlite), "≥ 0.5"),
  ("16 bureaus importing at once (16 processes, %s payments each)" % n(load_rows / 16),
   "%.1f s = %s payments/s in all" % (sixteen, n(rate_all)),
   "one of them alone: %.1f s = %s payments/s" % (alone, n(rate_alone)),
   "%.2f×" % (rate_all / rate_alone), "≥ 20,000/s and ≥ 1.5×"),
  ("audit of the bureau of %s payments (%s entries)" % (n(payments), n(pg_a["entries"])),
   "%.1f s = %s entries/s" % (pg_audit, n(audit_pg)),
   "SQLite store's audit of the same ledger: %.1f s = %s entries/s" % (sqlite_audit, n(audit_sqlite)),
   "%.2f" % (audit_pg / audit_sqlite), "≥ 0.5"),
  ("kill -9 of the postmaster %.1f s into a 16-bureau load (4 files a bureau), restart" % killed_at,
   "%s payments answered done, %s; %d bureaus with a part of a file; %d of %d audits fail" % (
     n(answered_files), "none lost" if lost == 0 else "%d bureaus LOST some" % lost, partial, failed_audits,
     bureaus),
   "—", "ok" if crash_ok else "FAILED", "nothing answered lost, every audit passes"),
]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
table = ["| what | PostgreSQL store | reference (same run) | ratio | goal |", "|---|---|---|---|---|"]
table += ["| %s | %s | %s | %s | %s |" % r for r in rows]
extra = [
  "- Merkle roots after the import of (a): PostgreSQL `%s`, SQLite `%s`, %s" % (
    pg_a["rootHash"], sqlite_a["rootHash"],
    "equal" if pg_a["rootHash"] == sqlite_a["rootHash"] else "DIFFERENT"),
  "- server: PostgreSQL 15 on loopback TCP, fsync and synchronous_commit on, shared_buffers 1 GB,"
  " max_wal_size 8 GB; the client is this run's release build",
]
head = "PostgreSQL tier, %s payments (`Tools/bench_postgres.sh %d`), measured %s on %s, %s cores, Linux %s." % (
  n(payments), payments, datetime.date.today(), cpu, nproc, platform.release())
section = "\n".join([head, ""] + table + [""] + extra)
print()
print(section)
sys.path.insert(0, "Tools")
import bench_section
bench_section.write(doc, "bench postgres %d" % payments, section)
print("\nwritten to %s, between the markers of the PostgreSQL tier of %s payments" % (doc, n(payments)))
if not crash_ok:
  sys.exit(1)
PY
