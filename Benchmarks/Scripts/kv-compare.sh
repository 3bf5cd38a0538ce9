#!/usr/bin/env bash
# eddy-kv (Examples/) beside a real redis-server, same machine, same run: each server alone on
# core 0, redis-benchmark on core 1 (-t ping,set,get,incr -P 16 -c 50), ROUNDS rounds
# alternating between the servers, the median requests per second of each test printed as a
# Markdown table. EDDY_KV names the release binary; REQUESTS the count per test.
set -euo pipefail
cd "$(dirname "$0")/../.."
kv="${EDDY_KV:-$(swift build --package-path Examples -c release --show-bin-path)/eddy-kv}"
requests="${REQUESTS:-1000000}"
rounds="${ROUNDS:-3}"
tests="PING_INLINE PING_MBULK SET GET INCR"
results="$(mktemp -d)"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$results"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_ready() {
  for _ in $(seq 200); do
    redis-cli -p "$1" PING >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "server on port $1 did not start" >&2
  exit 1
}

run_one() { # name port
  taskset -c 1 redis-benchmark -p "$2" -t ping,set,get,incr -P 16 -c 50 -n "$requests" --csv 2>/dev/null \
    | tr -d '"' | awk -F, -v name="$1" 'NR > 1 { print name, $1, $2 }' >>"$results/all"
}

for round in $(seq "$rounds"); do
  port="$(free_port)"
  taskset -c 0 redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
    --loglevel warning >/dev/null &
  pids+=($!)
  wait_ready "$port"
  run_one redis-server "$port"
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

  port="$(free_port)"
  taskset -c 0 "$kv" --port "$port" >/dev/null &
  pids+=($!)
  wait_ready "$port"
  run_one eddy-kv "$port"
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
  echo "round $round of $rounds done" >&2
done

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "| test | redis-server (req/s) | eddy-kv (req/s) | eddy-kv / redis |"
echo "|---|---|---|---|"
for t in $tests; do
  r="$(awk -v t="$t" '$1 == "redis-server" && $2 == t { print $3 }' "$results/all" | median)"
  e="$(awk -v t="$t" '$1 == "eddy-kv" && $2 == t { print $3 }' "$results/all" | median)"
  ratio="$(awk -v a="$e" -v b="$r" 'BEGIN { printf "%.2f", a / b }')"
  printf '| %s | %.0f | %.0f | %s |\n' "$t" "$r" "$e" "$ratio"
done
