#!/usr/bin/env bash
# loadgen beside redis-benchmark against the same redis-server, same run: the server alone on core 0,
# each client in turn on core 1, 16 connections, pipeline 1 and 8, tests PING_INLINE, SET and GET
# (the bytes redis-benchmark sends: PING inline, SET/GET of key:__rand_int__ with a 3-byte value as
# multibulk commands). For every loadgen
# run the server's total_commands_processed is read before and after, and the run fails unless
# loadgen's `sent` equals what the server processed. Prints a Markdown table of the medians of ROUNDS.
#
# Environment: LOADGEN (release binary; built when unset), ROUNDS [3], DURATION [3] seconds per
# loadgen run, REQUESTS [500000] per redis-benchmark test.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ -z "${LOADGEN:-}" ]]; then
  swift build -c release --product loadgen >&2
  LOADGEN="$(swift build -c release --show-bin-path)/loadgen"
fi
rounds="${ROUNDS:-3}"
duration="${DURATION:-3}"
requests="${REQUESTS:-500000}"
results="$(mktemp -d)"
server=""
trap '[[ -n "$server" ]] && kill "$server" 2>/dev/null; rm -rf "$results"' EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
taskset -c 0 redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --loglevel warning >/dev/null &
server=$!
for _ in $(seq 200); do redis-cli -p "$port" PING >/dev/null 2>&1 && break; sleep 0.05; done
redis-cli -p "$port" SET key:__rand_int__ xxx >/dev/null

processed() { redis-cli -p "$port" INFO stats | tr -d '\r' | awk -F: '$1 == "total_commands_processed" { print $2 }'; }

loadgen_args() { # test
  case "$1" in
    PING_INLINE) echo "--codec line --message PING --expect +PONG" ;;
    # The bytes redis-benchmark sends: multibulk commands; the replies are +OK and $3 xxx.
    SET) echo '--codec raw --message *3\r\n$3\r\nSET\r\n$16\r\nkey:__rand_int__\r\n$3\r\nxxx\r\n --reply-until \r\n --expect +OK\r\n' ;;
    GET) echo '--codec raw --message *2\r\n$3\r\nGET\r\n$16\r\nkey:__rand_int__\r\n --reply-bytes 9 --expect $3\r\nxxx\r\n' ;;
  esac
}

for round in $(seq "$rounds"); do
  for pipeline in 1 8; do
    taskset -c 1 redis-benchmark -p "$port" -t ping_inline,set,get -P "$pipeline" -c 16 -n "$requests" --csv 2>/dev/null |
      tr -d '"' | awk -F, -v p="$pipeline" 'NR > 1 { print "redis-benchmark", $1, p, $2 }' >>"$results/all"
    for test in PING_INLINE SET GET; do
      before="$(processed)"
      # shellcheck disable=SC2046
      json="$(taskset -c 1 "$LOADGEN" "$port" --mode request $(loadgen_args "$test") --connections 16 \
        --pipeline "$pipeline" --loops 1 --duration "$duration" --json --quiet | tail -1)"
      after="$(processed)"
      python3 - "$json" "$before" "$after" "$test" "$pipeline" >>"$results/all" <<'PY'
import json, sys
report, before, after, test, pipeline = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
server = after - before - 1  # the INFO that read `before` is counted too
if report["sent"] != server or report["errors"] != 0:
    sys.exit(f"loadgen {test} -P {pipeline}: sent {report['sent']}, errors {report['errors']}, server processed {server}")
print("loadgen", test, pipeline, report["msgs_per_s"])
PY
    done
  done
  echo "round $round of $rounds done" >&2
done

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "| test | pipeline | redis-benchmark (req/s) | loadgen (req/s) | loadgen / redis-benchmark |"
echo "|---|---|---|---|---|"
for pipeline in 1 8; do
  for test in PING_INLINE SET GET; do
    b="$(awk -v t="$test" -v p="$pipeline" '$1 == "redis-benchmark" && $2 == t && $3 == p { print $4 }' "$results/all" | median)"
    l="$(awk -v t="$test" -v p="$pipeline" '$1 == "loadgen" && $2 == t && $3 == p { print $4 }' "$results/all" | median)"
    printf '| %s | %s | %.0f | %.0f | %s |\n' "$test" "$pipeline" "$b" "$l" "$(awk -v a="$l" -v b="$b" 'BEGIN { printf "%.2f", a / b }')"
  done
done
