#!/usr/bin/env bash
# Benchmarks of Jianguan against references measured in the same run, on the same machine.
#
#   Tools/bench.sh [PAYMENTS]     default 1000000 (the 1M tier); 10000000 is the growth tier
#
# Release build with the Swift runtime linked statically (.build-bench/). Every figure is printed
# beside its reference and the ratio; the machine is shared and noisy, so the ratio is what counts.
# The table is printed and written into docs/BENCHMARKS.md, between the markers of its tier.
# The 1M tier measures every row; a larger tier measures what growth can change (import per
# row, audit speed and memory, size per entry) and leaves proofs and `pay` to the 1M tier.
# Set BENCH_DIR to keep the data elsewhere than /tmp/jianguan-bench (~2.5 GB per 1M payments).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
payments=${1:-1000000}
work=${BENCH_DIR:-/tmp/jianguan-bench}
rm -rf "$work"
mkdir -p "$work"
full=$([ "$payments" -le 2000000 ] && echo yes || echo no)

command -v sqlite3 >/dev/null || { echo "bench: needs the sqlite3 shell (apt-get install sqlite3)"; exit 2; }
command -v openssl >/dev/null || { echo "bench: needs the openssl command"; exit 2; }
if [ "$full" = yes ] && ! .venv/bin/python -c "import pymerkle" >/dev/null 2>&1; then
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "pymerkle==7.0.0"
fi

now_ns() { date +%s%N; }
seconds_since() { python3 -c "print(($(now_ns) - $1) / 1e9)"; }
began=$(now_ns)
phases=()
phase() { phases+=("$1=$(seconds_since "$2")"); }

echo "== release build (static Swift runtime)"
start=$(now_ns)
swift build -c release --static-swift-stdlib --scratch-path .build-bench 2>&1 | tail -1
phase build "$start"
J="$root/.build-bench/release/jianguan"
export JIANGUAN_DATA="$root/Data"

# The same load per class at every tier: one institution per 5,000 payments, 10 per student.
institutions=$((payments / 5000 > 20 ? payments / 5000 : 20))
echo "== data set: $payments payments, $((payments / 10)) students, $institutions institutions"
start=$(now_ns)
python3 Tools/gen_dataset.py --out "$work/data" --payments "$payments" --students $((payments / 10)) \
  --institutions "$institutions" --lesson-share 0 --refund-share 0 | tee "$work/gen.txt"
now=$(sed -n 's/^now=\([^ ]*\).*/\1/p' "$work/gen.txt")
phase generate "$start"
export JIANGUAN_NOW="$now" JIANGUAN_DB="$work/ledger.sqlite"
start=$(now_ns)
$J init --authority 合肥市教育局 --region 340100 >/dev/null
# Terms past Data/calendar.csv come with the generator's synthetic calendar (see gen_dataset.py).
if [ -f "$work/data/calendar.csv" ]; then $J calendar import "$work/data/calendar.csv" >/dev/null; fi
for kind in institutions venues teachers courses classes parents students; do
  $J import registry "$kind" "$work/data/$kind.csv" >/dev/null
done
phase registry "$start"

echo "== import payments, in files of 100,000 rows each (time per row as the ledger grows)"
# The same file size at every tier, so that time per row compares across tiers: each file is one
# all-or-nothing transaction, and a transaction ten times longer costs more per row (see
# docs/BENCHMARKS.md). A bank's day file is smaller still.
python3 - "$work/data/payments.csv" "$work/chunks" <<'PY'
import os, sys
source, folder = sys.argv[1], sys.argv[2]
os.makedirs(folder, exist_ok=True)
size = 100000
with open(source, encoding="utf-8") as f:
    header = f.readline()
    n, out = 0, None
    for row in f:
        if n % size == 0:
            if out:
                out.close()
            out = open(os.path.join(folder, "%04d.csv" % (n // size)), "w", encoding="utf-8")
            out.write(header)
        out.write(row)
        n += 1
    if out:
        out.close()
PY
import_total=0
chunk_times=()
for file in "$work"/chunks/*.csv; do
  start=$(now_ns)
  $J import payments "$file" >/dev/null
  took=$(seconds_since "$start")
  chunk_times+=("$took")
  echo "$(basename "$file"): $took s"
  import_total=$(python3 -c "print($import_total + $took)")
done
echo "jianguan import: $import_total s"
phases+=("import=$import_total")

echo "== reference: sqlite3 .import of the same CSV into a plain table"
start=$(now_ns)
sqlite3 "$work/reference.sqlite" -cmd ".mode csv" ".import $work/data/payments.csv payments"
sqlite_import=$(seconds_since "$start")
echo "sqlite3 .import: $sqlite_import s"

sqlite_floor=0
if [ "$full" = yes ]; then
  # At the growth tier the copy would need as much disk again as the ledger (~30 GB, twice during
  # its commit): the floor is measured at the 1M tier only.
  echo "== floor: the same rows into the same tables and indexes, by sqlite3 INSERT … SELECT in one transaction"
  # No validation, no hashing, no Swift: what SQLite alone needs to store what the import stored.
  {
    echo "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; ATTACH '$JIANGUAN_DB' AS src;"
    sqlite3 "$JIANGUAN_DB" "SELECT sql || ';' FROM sqlite_master WHERE type IN ('table', 'index') AND sql IS NOT NULL
      AND tbl_name IN ('ledger', 'merkle_tiles', 'enrollments', 'bank_refs') ORDER BY type DESC"
    echo "BEGIN;"
    for table in ledger merkle_tiles enrollments bank_refs; do
      echo "INSERT INTO main.$table SELECT * FROM src.$table;"
    done
    echo "COMMIT;"
  } >"$work/floor.sql"
  start=$(now_ns)
  sqlite3 "$work/floor.sqlite" <"$work/floor.sql" >/dev/null
  sqlite_floor=$(seconds_since "$start")
  echo "sqlite3 INSERT … SELECT of the import's rows: $sqlite_floor s"
  rm -f "$work"/floor.sqlite*
fi

echo "== class shape: the same number of payments into 30-student offline and 1,000-student online classes"
# Each shape its own data set and fresh ledger (one file, one transaction, as above), capped at
# 200,000 payments: what is compared is time per row, which the places rule made depend on the
# size of the class.
shape_payments=$((payments < 200000 ? payments : 200000))
shape_times=()
for shape in "30 offline" "1000 online"; do
  read -r size delivery <<<"$shape"
  folder="$work/shape-$size"
  python3 Tools/gen_dataset.py --out "$folder" --payments "$shape_payments" --students "$shape_payments" \
    --institutions 20 --class-size "$size" --delivery "$delivery" --lesson-share 0 --refund-share 0 \
    >"$folder.txt"
  (
    export JIANGUAN_DB="$folder/ledger.sqlite" JIANGUAN_NOW="$(sed -n 's/^now=\([^ ]*\).*/\1/p' "$folder.txt")"
    $J init --authority 合肥市教育局 --region 340100 >/dev/null
    if [ -f "$folder/calendar.csv" ]; then $J calendar import "$folder/calendar.csv" >/dev/null; fi
    for kind in institutions venues teachers courses classes parents students; do
      $J import registry "$kind" "$folder/$kind.csv" >/dev/null
    done
    start=$(now_ns)
    $J import payments "$folder/payments.csv" >/dev/null
    seconds_since "$start" >"$folder.seconds"
  )
  shape_times+=("$(cat "$folder.seconds")")
  echo "$size-student $delivery classes: ${shape_times[-1]} s for $shape_payments payments ($(cat "$folder.txt"))"
  rm -rf "$folder"
done

echo "== full audit, and SHA-256 of 256-byte messages with openssl speed"
start=$(now_ns)
# One run gives both the time and the peak memory.
/usr/bin/time -f "%e %M" -o "$work/audit.time" $J audit --format json >"$work/audit.json"
read -r audit_seconds audit_rss_kb <"$work/audit.time"
phase audit "$start"
openssl speed -evp sha256 -bytes 256 -seconds 3 2>/dev/null >"$work/openssl.txt"
sha_per_second=$(python3 - "$work/openssl.txt" <<'PY'
import sys
for line in open(sys.argv[1]):
    if line.startswith("sha256") or line.startswith("SHA256"):
        value = line.split()[-1]
        print(float(value.rstrip("k")) * 1000 / 256)
        break
PY
)
db_bytes=$(stat -c %s "$JIANGUAN_DB")
echo '{}' >"$work/proofs.json"
echo '{}' >"$work/m1.json"
echo '{}' >"$work/m10.json"
echo "0 - 0" >"$work/pymerkle.txt"
echo "0 0" >"$work/process.txt"

if [ "$full" = yes ]; then
  echo "== 1,000 inclusion proofs at this size: jianguan in process vs pymerkle 7 (SQLite backend, warm)"
  start=$(now_ns)
  $J benchmark proofs --count 1000 >"$work/proofs.json"
  # pymerkle reads the entries' bytes straight from the ledger file: an independent reader.
  .venv/bin/python - "$work" "$JIANGUAN_DB" <<'PY' >"$work/pymerkle.txt"
import os, sqlite3, sys, time
from pymerkle import SqliteTree
work, ledger = sys.argv[1], sys.argv[2]
source = sqlite3.connect(ledger)
tree = SqliteTree(os.path.join(work, "pymerkle.sqlite"), algorithm="sha256")
batch = []
for (text,) in source.execute("SELECT entry FROM ledger ORDER BY seq"):
    batch.append(bytes(text))  # the entry BLOB (deterministic CBOR)
    if len(batch) == 100_000:
        tree.append_entries(batch)
        batch = []
if batch:
    tree.append_entries(batch)
size = tree.get_size()
def proofs():
    start = time.perf_counter()
    for index in range(1000):
        tree.prove_inclusion((index * 7919) % size + 1, size)
    return time.perf_counter() - start
proofs()  # warm
print(proofs() * 1e6, tree.get_root(size).hex(), size)
PY
  phase proofs "$start"

  echo "== root and consistency proof, synthetic stored trees of 1M and 10M leaves (same table and code)"
  start=$(now_ns)
  $J benchmark merkle --size 1000000 --scratch "$work/m1.sqlite" >"$work/m1.json"
  $J benchmark merkle --size 10000000 --scratch "$work/m10.sqlite" >"$work/m10.json"
  phase merkle "$start"

  echo "== one pay as a whole process vs sqlite3 INSERT as a whole process (30 runs each, median)"
  start=$(now_ns)
  python3 - "$J" "$work" <<'PY' >"$work/process.txt"
import csv, datetime, os, statistics, subprocess, sys, time
j, work = sys.argv[1], sys.argv[2]
# The last class of the last term, paid the day before it starts.
classes = list(csv.reader(open(os.path.join(work, "data", "classes.csv"), encoding="utf-8")))
klass, starts = "B%d" % (len(classes) - 1), datetime.date.fromisoformat(classes[-1][4])
paid = (starts - datetime.timedelta(days=1)).isoformat() + "T10:00"
ours, theirs = [], []
for n in range(30):
    start = time.perf_counter()
    subprocess.run([j, "pay", "--student", "S%d" % (n + 1), "--class", klass, "--hours", "10",
                    "--amount", "100", "--bank-ref", "BENCH-%d" % n, "--at", paid],
                   check=True, stdout=subprocess.DEVNULL)
    ours.append(time.perf_counter() - start)
    start = time.perf_counter()
    subprocess.run(["sqlite3", os.path.join(work, "reference.sqlite"),
                    "INSERT INTO payments VALUES ('BENCH-%d','S1','B1','10','100','2029-01-01T00:00')" % n],
                   check=True)
    theirs.append(time.perf_counter() - start)
print(statistics.median(ours) * 1000, statistics.median(theirs) * 1000)
PY
  phase pay "$start"
fi
phases+=("total=$(seconds_since "$began")")

python3 - "$work" "$payments" "$full" "$root/docs/BENCHMARKS.md" \
  "$import_total" "$sqlite_import" "$sqlite_floor" "$audit_seconds" "$audit_rss_kb" "$sha_per_second" "$db_bytes" \
  "${chunk_times[*]}" "${phases[*]}" "$shape_payments" "${shape_times[*]}" <<'PY'
import datetime, json, platform, subprocess, sys
(work, payments, full, doc, import_s, sqlite_s, floor_s, audit_s, rss_kb, sha, db_bytes, chunks, phases,
 shape_payments, shape_times) = sys.argv[1:]
shape_payments = int(shape_payments)
shape30_s, shape1000_s = (float(x) for x in shape_times.split())
payments, full = int(payments), full == "yes"
import_s, sqlite_s, floor_s = float(import_s), float(sqlite_s), float(floor_s)
audit_s, sha = float(audit_s), float(sha)
rss_mb, db_bytes = int(rss_kb) / 1024, int(db_bytes)
load = lambda name: json.load(open("%s/%s" % (work, name)))
audit, proofs, m1, m10 = load("audit.json"), load("proofs.json"), load("m1.json"), load("m10.json")
py_us, py_root, py_size = open(work + "/pymerkle.txt").read().split()
pay_ms, insert_ms = (float(x) for x in open(work + "/process.txt").read().split())
entries = audit["entries"]
# Files of 100,000 rows (the last may be shorter), grouped into tenths of the ledger.
times = [float(c) for c in chunks.split()]
counts = [min(100000, payments - i * 100000) for i in range(len(times))]
tenth = max(1, len(times) // 10)
per_chunk = [sum(times[i:i + tenth]) / sum(counts[i:i + tenth]) * 1e6 for i in range(0, len(times), tenth)]
phase_text = ", ".join("%s %.0f s" % (k, float(v)) for k, v in (p.split("=") for p in phases.split()))
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()[1].split()[1]
nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
rows = [
  ("import %s payments (validation, chain, Merkle, projections, contract entry, durable)" % format(payments, ","),
   "%.1f s = %s rows/s" % (import_s, format(round(payments / import_s), ",")),
   "`sqlite3 .import`: %.1f s = %s rows/s" % (sqlite_s, format(round(payments / sqlite_s), ",")),
   "%.3f" % (sqlite_s / import_s), "≥ 1.0"),
  ("full audit of %s entries (hashes, Merkle root, replay, projections)" % format(entries, ","),
   "%.1f s = %s entries/s" % (audit_s, format(round(entries / audit_s), ",")),
   "`openssl speed -evp sha256 -bytes 256`: %s hashes/s" % format(round(sha), ","),
   "%.3f" % (entries / audit_s / sha), "≥ 1,000,000/s and ≥ 0.25"),
  ("import per row, 1,000-student online classes vs 30-student offline classes (%s payments each)" % format(
     shape_payments, ","),
   "%.1f µs per row (%.1f s)" % (shape1000_s / shape_payments * 1e6, shape1000_s),
   "30-student classes: %.1f µs per row (%.1f s)" % (shape30_s / shape_payments * 1e6, shape30_s),
   "%.2f×" % (shape1000_s / shape30_s), "≤ 1.2×"),
  ("audit peak memory (max RSS)", "%.0f MB at %s entries" % (rss_mb, format(entries, ",")), "—", "—",
   "≤ 64 MB, flat 1M → 10M"),
]
if full:
  rows.insert(1,
    ("the same import, against SQLite storing exactly the rows it stored (a floor, not a goal)",
     "%.1f s" % import_s,
     "`sqlite3` INSERT … SELECT of those rows into the same tables and indexes: %.1f s = %s payments/s" % (
       floor_s, format(round(payments / floor_s), ",")),
     "%.3f" % (floor_s / import_s), "—"))
  rows += [
    ("one `jianguan pay` as a whole process, median of 30", "%.1f ms" % pay_ms,
     "`sqlite3 DB \"INSERT …\"` as a whole process: %.1f ms" % insert_ms, "%.2f×" % (pay_ms / insert_ms), "≤ 4×"),
    ("1,000 inclusion proofs at %s entries, in process, warm" % format(proofs["size"], ","),
     "%.1f ms" % (proofs["microseconds"] / 1000), "pymerkle 7 `SqliteTree`: %.1f ms" % (float(py_us) / 1000),
     "%.1f× faster" % (float(py_us) / proofs["microseconds"]), "≥ 5× faster"),
    ("root at 10M vs 1M leaves", "%d µs vs %d µs" % (m10["rootMicroseconds"], m1["rootMicroseconds"]), "—",
     "%.2f" % (m10["rootMicroseconds"] / max(1, m1["rootMicroseconds"])), "≤ 2"),
    ("consistency proof at 10M vs 1M leaves",
     "%d µs vs %d µs" % (m10["consistencyMicroseconds"], m1["consistencyMicroseconds"]), "—",
     "%.2f" % (m10["consistencyMicroseconds"] / max(1, m1["consistencyMicroseconds"])), "≤ 2"),
  ]
table = ["| what | Jianguan | reference (same run) | ratio | goal |", "|---|---|---|---|---|"]
table += ["| %s | %s | %s | %s | %s |" % r for r in rows]
extra = [
  "- database size: %.0f bytes per entry (%s bytes for %s entries)" % (db_bytes / entries, format(db_bytes, ","), format(entries, ",")),
  "- import time per row for each tenth of the payments, as the ledger grows: %s µs" % ", ".join("%.0f" % x for x in per_chunk),
  "- audit: %s, Merkle root `%s`" % ("ok" if audit["ok"] else "FAULTS", audit["rootHash"]),
]
if full:
  extra += [
    "- pymerkle's root over the same %s entry byte strings (read from the ledger file): `%s`, %s the audit's" % (
      format(int(py_size), ","), py_root, "equal to" if py_root == audit["rootHash"] else "DIFFERENT FROM"),
    "- synthetic stored trees built in %.1f s (1M leaves) and %.1f s (10M leaves)" % (
      m1["buildMilliseconds"] / 1000, m10["buildMilliseconds"] / 1000),
  ]
extra.append("- wall time of each step: %s" % phase_text)
head = "%s payments (`Tools/bench.sh %d`), measured %s on %s, %s cores, %s RAM, Linux %s." % (
  format(payments, ","), payments, datetime.date.today(), cpu, nproc, mem, platform.release())
section = "\n".join([head, ""] + table + [""] + extra)
print()
print(section)
sys.path.insert(0, "Tools")
import bench_section
bench_section.write(doc, "bench %d" % payments, section)
print("\nwritten to %s, between the markers of the %s tier" % (doc, format(payments, ",")))
PY

# ===== server tier (issue 16, `jianguan serve`) — begin =====
# The platform service under wrk on loopback, with this run's release binary: /health, durable
# payments and balance reads of random enrollments at 64 and 1 connections, their ratios to /health, and the SIGKILL
# test (every payment answered 200 is in the ledger once, audit passes). BENCH_SERVER=no skips it.
if [ "${BENCH_SERVER:-yes}" = yes ]; then
  if command -v wrk >/dev/null; then
    echo "== server tier: Tools/load.sh"
    LOAD_BINARY="$J" LOAD_DIR="$work/load" Tools/load.sh 10 | tee "$work/load.txt"
  else
    echo "== server tier skipped: wrk is not installed (apt-get install wrk), so nothing loads the server"
  fi
fi
# ===== server tier — end =====

# ===== PostgreSQL tier (issue 17) — begin =====
# The same store interface on PostgreSQL 15, with this run's release binary: import into one
# bureau against the SQLite store, 16 bureaus at once, the audit, kill -9 of the server during a
# load (Tools/bench_postgres.sh, which runs alone too). Skipped with one line where PostgreSQL 15
# is missing; BENCH_POSTGRES=no skips it.
if [ "${BENCH_POSTGRES:-yes}" = yes ]; then
  echo "== PostgreSQL tier: Tools/bench_postgres.sh"
  BENCH_BINARY="$J" BENCH_PG_DIR="$work/postgres" Tools/bench_postgres.sh "$payments"
fi
# ===== PostgreSQL tier — end =====
