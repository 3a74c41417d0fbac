#!/usr/bin/env bash
# Full disk and read-only file system: the database lives on a tmpfs of a few hundred KiB.
#
#   1. registry imports of parents (500 rows per file) run until one fails: it must exit 2 with
#      "the disk is full", the ledger must hold what it held before that import, and the audit pass;
#   2. single `parent register` requests then run until one fails the same way;
#   3. the file system grows (remount) and the failed import is rerun: it completes, audit passes;
#   4. the file system is remounted read-only: a write exits 2 naming the read-only file system;
#      remounted read-write, the database is unchanged and the audit passes.
# Needs root (mount); prints "SKIPPED" and exits 0 where it cannot mount.
#
# Usage: Tools/full_disk.sh [SIZE_KB (default 2048)] [SEED (default 1)]
#        JIANGUAN=path/to/jianguan (default .build/release/jianguan)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZE_KB=${1:-2048}
SEED=${2:-1}
J=${JIANGUAN:-$ROOT/.build/release/jianguan}
[ -x "$J" ] || { echo "full_disk: no jianguan binary at $J: run swift build -c release first"; exit 1; }
if [ "$(id -u)" != 0 ]; then echo "full_disk: SKIPPED: mounting a tmpfs needs root"; exit 0; fi
MNT=$(mktemp -d /tmp/jianguan-tinyfs.XXXXXX)
WORK=$(mktemp -d /tmp/jianguan-fulldisk.XXXXXX)
if ! mount -t tmpfs -o size=${SIZE_KB}k tmpfs "$MNT"; then
  echo "full_disk: SKIPPED: cannot mount a tmpfs here (no CAP_SYS_ADMIN?)"
  rmdir "$MNT"
  exit 0
fi
cleanup() { umount "$MNT" 2>/dev/null; rmdir "$MNT"; rm -rf "$WORK"; }
trap cleanup EXIT
fail() { echo "full_disk: FAILED: $*"; exit 1; }

python3 "$ROOT/Tools/gen_dataset.py" --out "$WORK" --seed "$SEED" --institutions 20 --students 20000 \
  --payments 0 >/dev/null
export JIANGUAN_DB=$MNT/bureau.sqlite JIANGUAN_DATA=$ROOT/Data JIANGUAN_NOW=2025-09-30T12:00
unset JIANGUAN_KEY
cd "$WORK"
"$J" init --authority 教育局 --region 340100 >/dev/null || fail "init"
for kind in institutions venues teachers courses classes; do
  "$J" import registry $kind $kind.csv >/dev/null || fail "import $kind"
done
entries() { sqlite3 "$JIANGUAN_DB" "SELECT COUNT(*) FROM ledger"; }
audit_ok() { "$J" audit >/dev/null || fail "audit after $1"; AUDITS=$((AUDITS + 1)); }
AUDITS=0

# 1. batches until the disk is full
tail -n +2 parents.csv | split -l 500 -d -a 3 - part-
IMPORTED=0
FAILED_BATCH=""
for part in part-*; do
  { head -1 parents.csv; cat "$part"; } > "$part.csv"
  before=$(entries)
  "$J" import registry parents "$part.csv" >/dev/null 2>err.txt
  status=$?
  if [ $status -eq 0 ]; then IMPORTED=$((IMPORTED + 1)); continue; fi
  [ $status -eq 2 ] || fail "a batch on a full disk exited $status, not 2: $(cat err.txt)"
  grep -q "the disk is full" err.txt || fail "unclear message: $(cat err.txt)"
  [ "$(entries)" = "$before" ] || fail "the failed batch left entries behind"
  audit_ok "the failed batch"
  FAILED_BATCH=$part.csv
  BATCH_MESSAGE=$(cat err.txt)
  break
done
[ -n "$FAILED_BATCH" ] || fail "the disk never filled; use a smaller SIZE_KB"

# 2. single requests until one fails
SINGLE_OK=0
SINGLE_FAILED=0
n=0
while IFS=, read -r name id phone; do
  n=$((n + 1))
  [ $n -gt 2000 ] && break
  before=$(entries)
  "$J" parent register --name "$name" --id-number "$id" --phone "$phone" >/dev/null 2>err.txt
  status=$?
  if [ $status -eq 0 ]; then SINGLE_OK=$((SINGLE_OK + 1)); continue; fi
  if [ $status -eq 1 ] && grep -q already err.txt; then continue; fi
  [ $status -eq 2 ] || fail "a single write on a full disk exited $status: $(cat err.txt)"
  grep -q "the disk is full" err.txt || fail "unclear message: $(cat err.txt)"
  [ "$(entries)" = "$before" ] || fail "the failed request left an entry behind"
  SINGLE_FAILED=$((SINGLE_FAILED + 1))
  audit_ok "a failed single write"
  [ $SINGLE_FAILED -ge 3 ] && break
done < <(tail -n +2 "$FAILED_BATCH" | tr -d '\r' | tac)
[ $SINGLE_FAILED -ge 1 ] || fail "no single write failed on the full disk"
FULL_USED=$(df -k "$MNT" | awk 'NR==2 {print $3 " KiB used of " $2}')

# 3. more room: the failed batch completes (its repeats are counted as already there)
mount -o remount,size=$((SIZE_KB * 8))k "$MNT" || fail "remount larger"
before=$(entries)
"$J" import registry parents "$FAILED_BATCH" >/dev/null 2>err.txt || fail "rerun after growing: $(cat err.txt)"
after=$(entries)
audit_ok "the rerun"

# 4. read-only file system
mount -o remount,ro "$MNT" || fail "remount read-only"
"$J" parent register --name 王五 --id-number 11010519491231002X --phone 13800138000 >/dev/null 2>err.txt
status=$?
RO_MESSAGE=$(cat err.txt)
mount -o remount,rw "$MNT" || fail "remount read-write"
[ $status -eq 2 ] || fail "a write on a read-only file system exited $status, not 2: $RO_MESSAGE"
grep -q "read-only" err.txt || fail "unclear message: $RO_MESSAGE"
[ "$(entries)" = "$after" ] || fail "the read-only attempt changed the ledger"
audit_ok "the read-only attempt"

echo "full_disk: tmpfs of $SIZE_KB KiB (seed $SEED); $IMPORTED batches of 500 parents imported before the disk filled"
echo "  the next batch exited 2: ${BATCH_MESSAGE#jianguan: }"
echo "  then $SINGLE_OK single requests succeeded and $SINGLE_FAILED failed the same way ($FULL_USED); ledger unchanged by each failure"
echo "  grown to $((SIZE_KB * 8)) KiB, the failed batch was rerun: ledger $before → $after entries"
echo "  read-only remount: the write exited 2: ${RO_MESSAGE#jianguan: }"
echo "  $AUDITS audits passed; final ledger $(entries) entries"
