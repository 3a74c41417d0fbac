#!/usr/bin/env bash
# Benchmarks of Jianguan against references measured in the same run, on the same machine.
#
#   Tools/bench.sh [PAYMENTS]        default 1000000; writes docs/BENCHMARKS.md and prints the table
#
# Release build with the Swift runtime linked statically (.build-bench/). Every figure is printed
# beside its reference and the ratio; the machine is shared and noisy, so the ratio is what counts.
# Set BENCH_DIR to keep the data elsewhere than /tmp/jianguan-bench (it needs ~3 GB per 1M payments).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
payments=${1:-1000000}
work=${BENCH_DIR:-/tmp/jianguan-bench}
rm -rf "$work"
mkdir -p "$work"

command -v sqlite3 >/dev/null || { echo "bench: needs the sqlite3 shell (apt-get install sqlite3)"; exit 2; }
command -v openssl >/dev/null || { echo "bench: needs the openssl command"; exit 2; }
if ! .venv/bin/python -c "import pymerkle" >/dev/null 2>&1; then
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "pymerkle==7.0.0"
fi

echo "== release build (static Swift runtime)"
swift build -c release --static-swift-stdlib --scratch-path .build-bench 2>&1 | tail -1
J="$root/.build-bench/release/jianguan"
export JIANGUAN_DATA="$root/Data"

now_ns() { date +%s%N; }
seconds_since() { python3 -c "print(($(now_ns) - $1) / 1e9)"; }

echo "== data set: $payments payments"
python3 Tools/gen_dataset.py --out "$work/data" --payments "$payments" --students $((payments / 10)) \
  --institutions 200 --lesson-share 0 --refund-share 0 | tee "$work/gen.txt"
now=$(sed -n 's/^now=\([^ ]*\).*/\1/p' "$work/gen.txt")
export JIANGUAN_NOW="$now" JIANGUAN_DB="$work/ledger.sqlite"
$J init --authority 合肥市教育局 --region 340100 >/dev/null
for kind in institutions venues teachers courses classes parents students; do
  $J import registry "$kind" "$work/data/$kind.csv" >/dev/null
done

echo "== import payments, in 10 files of equal size (time per row as the ledger grows)"
python3 - "$work/data/payments.csv" "$work/chunks" <<'PY'
import os, sys
source, folder = sys.argv[1], sys.argv[2]
os.makedirs(folder, exist_ok=True)
lines = open(source, encoding="utf-8").read().splitlines(True)
header, rows = lines[0], lines[1:]
size = (len(rows) + 9) // 10
for n in range(10):
    with open(os.path.join(folder, "%02d.csv" % n), "w", encoding="utf-8") as f:
        f.write(header)
        f.writelines(rows[n * size:(n + 1) * size])
PY
import_total=0
chunk_times=()
for file in "$work"/chunks/*.csv; do
  start=$(now_ns)
  $J import payments "$file" >/dev/null
  took=$(seconds_since "$start")
  chunk_times+=("$took")
  import_total=$(python3 -c "print($import_total + $took)")
done
echo "jianguan import: $import_total s"

echo "== reference: sqlite3 .import of the same CSV into a plain table"
start=$(now_ns)
sqlite3 "$work/reference.sqlite" -cmd ".mode csv" ".import $work/data/payments.csv payments"
sqlite_import=$(seconds_since "$start")
echo "sqlite3 .import: $sqlite_import s"

echo "== full audit"
# One run gives both the time and the peak memory.
/usr/bin/time -f "%e %M" -o "$work/audit.time" $J audit --format json >"$work/audit.json"
read -r audit_seconds audit_rss_kb <"$work/audit.time"
entries=$(python3 -c "import json; print(json.load(open('$work/audit.json'))['entries'])")
audit_ok=$(python3 -c "import json; print(json.load(open('$work/audit.json'))['ok'])")
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

echo "== 1,000 inclusion proofs at this size: jianguan in process vs pymerkle 7 (SQLite backend, warm)"
proofs_json=$($J benchmark proofs --count 1000)
$J ledger export >"$work/export.jsonl"
.venv/bin/python - "$work" <<'PY' >"$work/pymerkle.txt"
import json, os, sys, time
from pymerkle import SqliteTree
work = sys.argv[1]
entries = [bytes.fromhex(json.loads(line)["entryHex"]) for line in open(os.path.join(work, "export.jsonl"))]
path = os.path.join(work, "pymerkle.sqlite")
tree = SqliteTree(path, algorithm="sha256")
tree.append_entries(entries)
size = tree.get_size()
def proofs():
    start = time.perf_counter()
    for index in range(1000):
        tree.prove_inclusion((index * 7919) % size + 1, size)
    return time.perf_counter() - start
proofs()  # warm
print(proofs() * 1e6, tree.get_root(size).hex(), size)
PY
read -r pymerkle_us pymerkle_root pymerkle_size <"$work/pymerkle.txt"

echo "== root and consistency proof, synthetic stored trees of 1M and 10M leaves (same table and code)"
merkle_1m=$($J benchmark merkle --size 1000000 --scratch "$work/m1.sqlite")
merkle_10m=$($J benchmark merkle --size 10000000 --scratch "$work/m10.sqlite")

db_bytes=$(stat -c %s "$JIANGUAN_DB")

echo "== one pay as a whole process vs sqlite3 INSERT as a whole process (30 runs each, median)"
python3 - "$J" "$work" <<'PY' >"$work/process.txt"
import os, statistics, subprocess, sys, time
import csv, datetime
j, work = sys.argv[1], sys.argv[2]
env = dict(os.environ)
# The last class of the last term, paid the day before it starts.
classes = list(csv.reader(open(os.path.join(work, "data", "classes.csv"), encoding="utf-8")))
klass, starts = "B%d" % (len(classes) - 1), datetime.date.fromisoformat(classes[-1][4])
paid = (starts - datetime.timedelta(days=1)).isoformat() + "T10:00"
ours, theirs = [], []
for n in range(30):
    start = time.perf_counter()
    subprocess.run([j, "pay", "--student", "S%d" % (n + 1), "--class", klass, "--hours", "10",
                    "--amount", "100", "--bank-ref", "BENCH-%d" % n, "--at", paid],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    ours.append(time.perf_counter() - start)
    start = time.perf_counter()
    subprocess.run(["sqlite3", os.path.join(work, "reference.sqlite"),
                    "INSERT INTO payments VALUES ('BENCH-%d','S1','B1','10','100','2029-01-01T00:00')" % n],
                   check=True)
    theirs.append(time.perf_counter() - start)
print(statistics.median(ours) * 1000, statistics.median(theirs) * 1000)
PY
read -r pay_ms sqlite_insert_ms <"$work/process.txt"

python3 - "$work" <<PY
import json, platform, subprocess, datetime
work = "$work"
audit = json.load(open(work + "/audit.json"))
proofs = json.loads('''$proofs_json''')
m1, m10 = json.loads('''$merkle_1m'''), json.loads('''$merkle_10m''')
chunks = [float(x) for x in "${chunk_times[*]}".split()]
payments, entries = $payments, $entries
import_s, sqlite_s = $import_total, $sqlite_import
audit_s, sha = $audit_seconds, $sha_per_second
rss_mb = $audit_rss_kb / 1024
pay_ms, insert_ms = $pay_ms, $sqlite_insert_ms
py_us = $pymerkle_us
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()[1].split()[1]
nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
per_chunk = [c / (payments / 10) * 1e6 for c in chunks]
rows = [
  ("import %d payments (validation, chain, Merkle, projections, contract entry, durable)" % payments,
   "%.1f s = %.0f rows/s" % (import_s, payments / import_s), "sqlite3 .import: %.1f s = %.0f rows/s" % (sqlite_s, payments / sqlite_s),
   "%.3f" % (sqlite_s / import_s), "≥ 1.0"),
  ("full audit of %d entries (hashes, Merkle root, replay, projections)" % entries,
   "%.1f s = %.0f entries/s" % (audit_s, entries / audit_s), "openssl speed sha256 256 B: %.0f hashes/s" % sha,
   "%.3f" % (entries / audit_s / sha), "≥ 1,000,000/s, ≥ 0.25"),
  ("audit peak memory (RSS)", "%.0f MB at %d entries" % (rss_mb, entries), "10M tier: not run (see notes)", "-", "≤ 64 MB, flat"),
  ("one jianguan pay as a whole process", "%.1f ms" % pay_ms, "sqlite3 DB \"INSERT …\": %.1f ms" % insert_ms,
   "%.2f×" % (pay_ms / insert_ms), "≤ 4×"),
  ("1,000 inclusion proofs at %d entries, in process, warm" % proofs["size"], "%.1f ms" % (proofs["microseconds"] / 1000),
   "pymerkle 7 SqliteTree: %.1f ms" % (py_us / 1000), "%.1f× faster" % (py_us / proofs["microseconds"]), "≥ 5× faster"),
  ("root at 10M vs 1M leaves", "%d µs vs %d µs" % (m10["rootMicroseconds"], m1["rootMicroseconds"]), "-",
   "%.2f" % (m10["rootMicroseconds"] / max(1, m1["rootMicroseconds"])), "≤ 2"),
  ("consistency proof at 10M vs 1M leaves", "%d µs vs %d µs" % (m10["consistencyMicroseconds"], m1["consistencyMicroseconds"]), "-",
   "%.2f" % (m10["consistencyMicroseconds"] / max(1, m1["consistencyMicroseconds"])), "≤ 2"),
]
table = ["| what | Jianguan | reference (same run) | ratio | goal |", "|---|---|---|---|---|"]
table += ["| %s | %s | %s | %s | %s |" % r for r in rows]
extra = [
  "- database size: %.0f bytes per entry (%d bytes, %d entries)" % ($db_bytes / entries, $db_bytes, entries),
  "- import time per row for each tenth of the %d payments, as the ledger grows: %s µs" % (payments, ", ".join("%.0f" % x for x in per_chunk)),
  "- pymerkle's root over the same %s entries: %s; the audit's: %s (%s)" % ("$pymerkle_size", "$pymerkle_root", audit["rootHash"],
     "equal" if "$pymerkle_root" == audit["rootHash"] else "DIFFERENT"),
  "- audit ok: %s" % audit["ok"],
  "- synthetic trees built in %.1f s (1M) and %.1f s (10M)" % (m1["buildMilliseconds"] / 1000, m10["buildMilliseconds"] / 1000),
]
print("\n".join(table + [""] + extra))
with open(work + "/table.md", "w") as f:
    f.write("Measured %s on %s (%s cores, %s RAM), Linux %s.\n\n" % (datetime.date.today(), cpu, nproc, mem, platform.release()))
    f.write("\n".join(table + [""] + extra) + "\n")
PY
echo
echo "table written to $work/table.md; docs/BENCHMARKS.md quotes it with the analysis"
