#!/usr/bin/env bash
# make demo: builds the release tools, starts echo-server, drives it with a bounded client and
# prints a readable report. Every process started here is stopped by its PID.
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "building release tools…"
swift build -c release --product echo-server >/dev/null
bin="$(swift build -c release --show-bin-path)"
out="$(mktemp)"
"$bin/echo-server" --port 0 >"$out" &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do grep -q "listening on" "$out" && break; sleep 0.05; done
address=$(sed -n 's/^listening on //p' "$out")
echo "echo-server listening on $address"
python3 Tests/Interop/demo_client.py "$address" --connections 8 --seconds 3
