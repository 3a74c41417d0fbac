#!/usr/bin/env bash
# Checks the running service against docs/openapi.yaml with schemathesis (PyPI), all checks:
# a generated bureau, a regulator credential, a server on a free loopback port.
#
#   Tools/schemathesis.sh [EXTRA schemathesis ARGS]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=${SCHEMATHESIS_DIR:-/tmp/jianguan-schemathesis}
rm -rf "$work" && mkdir -p "$work"
if ! .venv/bin/schemathesis --version >/dev/null 2>&1; then
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check schemathesis
fi
swift build 2>&1 | tail -1
J="$root/.build/debug/jianguan"
export JIANGUAN_DATA="$root/Data"
source Tools/lib/bureau.sh
make_bureau 200 20
token=$(token --role regulator)
# The bureau's checkpoint key, so that the pages' plaques are signed (without it /plaque is a 503).
"$J" key generate --name jianguan.340100.example/ledger --out "$work/bureau.key" >/dev/null
"$J" checkpoint sign --key "$work/bureau.key" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$J" serve --port "$port" --rate-limit 100000 --key "$work/bureau.key" >"$work/serve.out" 2>"$work/serve.log" &
server=$!
trap 'kill -TERM $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "localhost:$port/health" >/dev/null && break; sleep 0.1; done
.venv/bin/schemathesis --config-file Tools/schemathesis.toml run "http://127.0.0.1:$port/openapi.yaml" --checks all \
  --header "Authorization: Bearer $token" "$@"
