#!/usr/bin/env bash
# The ledger property test (Tests/JianguanStoreTests/LedgerPropertyTests.swift) with any seed and
# length: long random sequences of every command against the store, the audit after each step,
# and every refusal checked to have written nothing. CI runs one fixed seed; this runs others.
#
# Usage: Tools/property.sh [SEED (default: random, printed)] [STEPS (default 2000)]
# A failure names the seed and the step; `Tools/property.sh SEED STEPS` replays it exactly.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SEED=${1:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
STEPS=${2:-2000}
case "$SEED$STEPS" in *[!0-9]*) echo "usage: Tools/property.sh [SEED] [STEPS] (whole numbers)" >&2; exit 64 ;; esac
echo "property test: seed $SEED, $STEPS steps (replay: Tools/property.sh $SEED $STEPS)"
cd "$ROOT"
swift build --build-tests
JIANGUAN_PROPERTY_SEED=$SEED JIANGUAN_PROPERTY_STEPS=$STEPS \
  swift test --skip-build --filter LedgerPropertyTests
