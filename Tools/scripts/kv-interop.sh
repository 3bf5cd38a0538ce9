#!/usr/bin/env bash
# The RESP example against the real Redis tools: eddy-kv (Examples/) on a free loopback port,
# every command round-tripped with redis-cli, then redis-benchmark's ping, set, get and incr
# pipelined over 50 connections, with the counter checked to the last increment.
# EDDY_KV names the binary (default: the debug build); REQUESTS the benchmark's count.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${EDDY_KV:-$(swift build --package-path Examples --show-bin-path)/eddy-kv}"
requests="${REQUESTS:-20000}"
log="$(mktemp)"
"$bin" --port 0 >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 200); do
  grep -q '^listening on ' "$log" && break
  sleep 0.05
done
port="$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log")"
[ -n "$port" ] || { echo "eddy-kv did not start:"; cat "$log"; exit 1; }

passed=0
failed=0
expect() {
  local expected="$1"
  shift
  local got
  got="$(timeout 10 redis-cli -p "$port" "$@" 2>&1)" || true
  if [ "$got" == "$expected" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: redis-cli $* answered '$got', expected '$expected'"
  fi
}

expect PONG PING
expect hello PING hello
expect "hi there" ECHO "hi there"
expect "" GET missing
expect OK SET greeting "hello, world"
expect "hello, world" GET greeting
expect 1 EXISTS greeting
expect "" SET greeting other NX
expect 1 INCR visits
expect 2 INCR visits
expect 1 DECR visits
expect "ERR value is not an integer or out of range" INCR greeting
expect OK SET session token EX 100
expect 100 TTL session
expect 1 EXPIRE greeting 50
expect 50 TTL greeting
expect 2 DEL greeting session
expect "" GET greeting
expect "ERR wrong number of arguments for 'get' command" GET
expect "ERR unknown command 'NOPE', with args beginning with: " NOPE a

# redis-benchmark: every test must finish with no error reply, and INCR's counter must have
# counted every request exactly once.
expect OK FLUSHALL
bench="$(timeout 300 redis-benchmark -p "$port" -t ping,set,get,incr -P 16 -c 50 -n "$requests" --csv 2>&1)" \
  && status=0 || status=$?
echo "$bench" | sed -n '1,8p'
tests="$(echo "$bench" | grep -c -E '^"(PING_INLINE|PING_MBULK|SET|GET|INCR)",' || true)"
if [ "$status" -eq 0 ] && [ "$tests" -eq 5 ] && ! echo "$bench" | grep -qi 'error'; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAIL: redis-benchmark exited $status with $tests of 5 tests:"
  echo "$bench" | tail -5
fi
expect "$requests" GET "counter:__rand_int__"

kill "$pid"
wait "$pid" 2>/dev/null && code=0 || code=$?
if [ "$code" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: eddy-kv exited $code on SIGTERM"; fi
trap 'rm -f "$log"' EXIT
echo "kv-interop: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
