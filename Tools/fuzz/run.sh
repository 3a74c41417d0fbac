#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer, `swiftc -sanitize=fuzzer,address`) of every parser of
# outside data: amounts, counts, dates, date-times, schedules, ID numbers, USCCs, free text, CSV
# bank files, supervision and policy JSON, canonical JSON and ledger entries, checkpoints, signed
# notes, receipts, inclusion and consistency proofs.
#
# Builds JianguanCore, JianguanCrypto and JianguanLedger from Sources/ with the fuzzer's
# instrumentation into .build-fuzz/, links Tools/fuzz/FuzzTargets.swift, then runs each target for
# SECONDS seconds (seeded with -seed=SEED, corpus in .build-fuzz/corpus/TARGET, seeded from
# Tools/fuzz/seeds/TARGET when present). Prints executions, coverage and corpus size per target;
# exits 1 if any target found a crash, a hang (-timeout=5 s) or a leak (the input is kept in
# .build-fuzz/findings/).
#
# Usage: Tools/fuzz/run.sh [SECONDS per target (default 30)] [SEED (default 1)] [TARGET …]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECONDS_PER_TARGET=${1:-30}
SEED=${2:-1}
shift $(( $# > 2 ? 2 : $# )) || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(amount count date datetime schedule resident-id uscc text csv supervision-json policy-json
    canonical-json entry checkpoint signed-note receipt inclusion-proof consistency-proof)
fi
OUT=$ROOT/.build-fuzz
mkdir -p "$OUT/findings"
FLAGS=(-O -sanitize=fuzzer,address -parse-as-library -I "$OUT" -I "$ROOT/Sources/COpenSSL")

build_module() {
  local name=$1
  swiftc "${FLAGS[@]}" -module-name "$name" -emit-module -emit-module-path "$OUT/$name.swiftmodule" \
    -emit-library -static -o "$OUT/lib$name.a" "$ROOT"/Sources/$name/*.swift "$ROOT"/Sources/$name/*/*.swift \
    2>/dev/null || swiftc "${FLAGS[@]}" -module-name "$name" -emit-module \
    -emit-module-path "$OUT/$name.swiftmodule" -emit-library -static -o "$OUT/lib$name.a" \
    $(find "$ROOT/Sources/$name" -name '*.swift')
}
if [ ! -x "$OUT/fuzz" ] || [ -n "$(find "$ROOT/Sources" "$ROOT/Tools/fuzz" -name '*.swift' -newer "$OUT/fuzz")" ]; then
  echo "building the fuzz harness (swiftc -sanitize=fuzzer,address)…"
  build_module JianguanCore
  build_module JianguanCrypto
  build_module JianguanLedger
  swiftc "${FLAGS[@]}" -L "$OUT" -lJianguanLedger -lJianguanCrypto -lJianguanCore -lcrypto \
    "$ROOT/Tools/fuzz/FuzzTargets.swift" -o "$OUT/fuzz" 2>"$OUT/link.log" || { cat "$OUT/link.log"; exit 1; }
fi

export JIANGUAN_DATA=$ROOT/Data
TOTAL_RUNS=0
FOUND=0
printf '%-18s %8s %12s %10s %6s %7s\n' target seconds executions exec/s cov corpus
for target in "${TARGETS[@]}"; do
  corpus=$OUT/corpus/$target
  mkdir -p "$corpus"
  [ -d "$ROOT/Tools/fuzz/seeds/$target" ] && cp -n "$ROOT/Tools/fuzz/seeds/$target"/* "$corpus"/ 2>/dev/null || true
  log=$OUT/$target.log
  status=0
  JIANGUAN_FUZZ_TARGET=$target "$OUT/fuzz" -seed="$SEED" -max_total_time="$SECONDS_PER_TARGET" -timeout=5 \
    -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 -artifact_prefix="$OUT/findings/$target-" \
    "$corpus" >"$log" 2>&1 || status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
  files=$(ls "$corpus" | wc -l)
  TOTAL_RUNS=$((TOTAL_RUNS + ${runs:-0}))
  if [ $status -ne 0 ]; then
    FOUND=$((FOUND + 1))
    printf '%-18s FINDING (exit %d): see %s\n' "$target" "$status" "$log"
    grep -m3 -E 'ERROR|Fatal error|deadly signal|timeout' "$log" || true
  else
    printf '%-18s %8s %12s %10s %6s %7s\n' "$target" "$SECONDS_PER_TARGET" "$runs" "$speed" "$cov" "$files"
  fi
done
echo "fuzz: ${#TARGETS[@]} targets × ${SECONDS_PER_TARGET} s (seed $SEED): $TOTAL_RUNS executions in all, $FOUND targets with findings"
[ $FOUND -eq 0 ]
