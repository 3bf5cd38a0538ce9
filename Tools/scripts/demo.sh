#!/usr/bin/env bash
# make demo: builds the release tools, starts echo-server with a codec stack, drives it with
# loadgen for a few seconds and prints loadgen's report. Every process started here is stopped
# by its PID.
set -euo pipefail
cd "$(dirname "$0")/../.."
stack="${DEMO_CODEC:-line}"
seconds="${DEMO_SECONDS:-5}"
echo "building release tools (the first build takes a few minutes)…"
swift build -c release --product echo-server >/dev/null
swift build -c release --product loadgen >/dev/null
bin="$(swift build -c release --show-bin-path)"
out="$(mktemp)"
"$bin/echo-server" --port 0 --codec "$stack" >"$out" &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do grep -q "listening on" "$out" && break; sleep 0.05; done
address=$(sed -n 's/^listening on //p' "$out")
echo "echo-server ($stack) listening on $address"
echo "loadgen: 16 connections, 8 messages of 64 bytes in flight each, $seconds s, every echo verified"
echo
"$bin/loadgen" "$address" --codec "$stack" --connections 16 --pipeline 8 --payload-size 64 \
  --duration "$seconds" --warmup 1 --loops 1 --verify
