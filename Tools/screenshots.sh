#!/usr/bin/env bash
# Screenshots of the compliance plaque (合规码牌) pages of the demo bureau, for review: each
# institution's page rendered by headless Chromium at desktop (900 px) and phone (390 px) width,
# plus the QR code read back from every screenshot with zbarimg and checked with `plaque verify`.
#
# Usage: Tools/screenshots.sh [OUT_DIR (default .build/screenshots)]
#        JIANGUAN=path/to/jianguan (default .build/debug/jianguan)
# Needs chromium, zbar-tools and fonts-noto-cjk (.ci/run installs them).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(mkdir -p "${1:-$ROOT/.build/screenshots}" && cd "${1:-$ROOT/.build/screenshots}" && pwd)
J=${JIANGUAN:-$ROOT/.build/debug/jianguan}
[ -x "$J" ] || { echo "screenshots: no jianguan binary at $J: run swift build first"; exit 1; }
for tool in chromium zbarimg; do
  command -v "$tool" >/dev/null || { echo "screenshots: $tool is not installed (see .ci/run)"; exit 1; }
done
WORK=$(mktemp -d /tmp/jianguan-screenshots.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
export JIANGUAN_NOW=${JIANGUAN_NOW:-2026-06-30T12:00} JIANGUAN_DB="$WORK/jianguan-demo.sqlite"
"$J" demo >/dev/null
"$J" key generate --name jianguan.110000.example/ledger --out bureau.key >/dev/null
"$J" checkpoint sign --key bureau.key >/dev/null
usccs=$("$J" --format json institution list | python3 -c 'import json, sys
for i in json.load(sys.stdin)["institutions"]: print(i["uscc"])')
for uscc in $usccs; do
  "$J" plaque issue "$uscc" --key bureau.key --out "$OUT/plaque-$uscc.html" >/dev/null
  "$J" plaque issue "$uscc" --key bureau.key >"statement-$uscc.txt"
  for width in 900 390; do
    png="$OUT/plaque-$uscc-$width.png"
    chromium --headless --no-sandbox --disable-gpu --user-data-dir="$WORK/profile" --hide-scrollbars \
      --screenshot="$png" --window-size="$width,1300" "file://$OUT/plaque-$uscc.html" >/dev/null 2>&1
    # zbarimg prints a newline after the code's text; the signed note is checked byte for byte.
    zbarimg --raw -q "$png" 2>/dev/null | head -c -1 >"decoded.txt"
    if cmp -s decoded.txt "statement-$uscc.txt" && "$J" plaque verify decoded.txt --pub bureau.key.pub >/dev/null; then
      echo "$png: QR code decoded and verified"
    else
      echo "$png: QR code NOT read back as the signed statement"
      exit 1
    fi
  done
done
echo "screenshots in $OUT"

# Every page of every role, served by `jianguan serve` and driven in Chromium (the browser test,
# which saves its screenshots here at desktop and phone width when asked to).
if [ -x "$ROOT/.venv/bin/python" ] && "$ROOT/.venv/bin/python" -c "import playwright" 2>/dev/null; then
  (cd "$ROOT" && JIANGUAN_SCREENSHOTS="$OUT" swift test --skip-build --filter BrowserEndToEndTests >/dev/null) \
    && echo "$OUT: the pages of every role, desktop and phone"
else
  echo "screenshots: the pages need the test venv's playwright (run .ci/run); plaques only"
fi
