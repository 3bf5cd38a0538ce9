#!/usr/bin/env bash
# Side-by-side echo comparison: Eddy's echo-server (callback and --async) against SwiftNIO (channel
# handlers and NIOAsyncChannel), asyncio, uvloop and a minimal C
# epoll server (the limit row), each driven with the same settings by two clients in turn: the
# independent C client (Benchmarks/Sources/CEchoClient, which shares no code with Eddy) and Eddy's
# loadgen; the server pinned to core 0 and the client to core 1; and Eddy over TLS against SwiftNIO
# with swift-nio-ssl (loadgen only: the C client speaks no TLS). Beside msgs/s, the server's CPU time
# per message (user + system from /proc/PID/stat, from the end of the warm-up to the client's exit).
# Medians go to docs/benchmarks.md, between markers.
#
# usage: Benchmarks/Scripts/compare.sh [--smoke] [--peers-only] [--no-build]
#   --smoke       only check that every server echoes correctly (Benchmarks/Python/probe_client.py)
#   --peers-only  leave Eddy's echo-server out (the rows still need a loadgen: set LOADGEN=PATH)
#   --no-build    use the binaries and virtual environment from an earlier run
#
# Environment (defaults in brackets):
#   BENCH_DURATION [4]  measured seconds per run     BENCH_WARMUP [1]  client warm-up seconds per run
#   BENCH_REPS [3]      repetitions of every run     BENCH_SCENARIOS ["a b c d e tls"]
#   BENCH_BULK_REPS [5] repetitions of scenario d (bulk), where this machine is noisiest
#   BENCH_CLIENTS ["c loadgen"]  the clients that drive scenarios a to d: c (independent), loadgen
#   BENCH_ROWS          server rows to run, e.g. "eddy-raw nio-raw c-raw" [all]
#   (lists may be separated by spaces or commas; the -tls- rows run in scenario tls only, the others
#   in a to e only)
#   BENCH_IDLE_CONNECTIONS [2000]                    BENCH_DOC [docs/benchmarks.md]
#   BENCH_SCRATCH [.build-compare]  build directory
#   ECHO_SERVER, LOADGEN  binaries to use instead of building Eddy's echo-server and loadgen
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH="$ROOT/Benchmarks"
DURATION="${BENCH_DURATION:-4}"
WARMUP="${BENCH_WARMUP:-1}"
REPS="${BENCH_REPS:-3}"
BULK_REPS="${BENCH_BULK_REPS:-5}"
CLIENTS="${BENCH_CLIENTS:-c loadgen}"
CLIENTS="${CLIENTS//,/ }"
SCENARIOS="${BENCH_SCENARIOS:-a b c d e tls}"
SCENARIOS="${SCENARIOS//,/ }"
IDLE_CONNECTIONS="${BENCH_IDLE_CONNECTIONS:-2000}"
DOC="${BENCH_DOC:-$ROOT/docs/benchmarks.md}"
SCRATCH="${BENCH_SCRATCH:-.build-compare}"
VENV="$BENCH/.venv"

SMOKE_ONLY=false
PEERS_ONLY=false
BUILD=true
for argument in "$@"; do
  case "$argument" in
    --smoke) SMOKE_ONLY=true ;;
    --peers-only) PEERS_ONLY=true ;;
    --no-build) BUILD=false ;;
    -h | --help)
      awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    *)
      echo "compare.sh: unknown option $argument (try --help)" >&2
      exit 64
      ;;
  esac
done
for client in $CLIENTS; do
  case "$client" in
    c | loadgen) ;;
    *)
      echo "compare.sh: unknown client $client in BENCH_CLIENTS (known: c loadgen)" >&2
      exit 64
      ;;
  esac
done
for scenario in $SCENARIOS; do
  case "$scenario" in
    a | b | c | d | e | tls) ;;
    *)
      echo "compare.sh: unknown scenario $scenario in BENCH_SCENARIOS (known: a b c d e tls)" >&2
      exit 64
      ;;
  esac
done

PEER_ROWS="nio-raw nio-line nio-length-prefix nioasync-raw nioasync-line asyncio-raw uvloop-raw c-raw nio-tls-raw"
EDDY_ROWS="eddy-raw eddy-line eddy-length-prefix eddy-zlib-line eddy-zlibsmall-line eddyasync-raw eddyasync-line eddy-tls-raw eddyuring-raw eddyuring-line eddyuring-length-prefix"
if $PEERS_ONLY; then DEFAULT_ROWS="$PEER_ROWS"; else DEFAULT_ROWS="$EDDY_ROWS $PEER_ROWS"; fi
SELECTED_ROWS="${BENCH_ROWS:-$DEFAULT_ROWS}"
read -r -a ROWS <<<"${SELECTED_ROWS//,/ }"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/eddy-compare.XXXXXX")"
ECHO_SERVER_BIN="${ECHO_SERVER:-}"
LOADGEN_BIN="${LOADGEN:-}"
SERVER_PID=""
# The CA, server certificate and key of the TLS rows, made by Tests/Interop/make_tls_certs.sh.
TLS_DIR="$WORK/tls"
# Every process is started under `timeout`, which bounds its life, forwards SIGTERM to it and leads a
# process group of its own; these are the PIDs of those `timeout` processes still running.
STARTED_PIDS=()

started() { STARTED_PIDS+=("$1"); }

# Forgets a reaped PID, so that cleanup never signals a number the system may have reused.
reaped() {
  local kept=() pid
  for pid in "${STARTED_PIDS[@]}"; do [[ "$pid" == "$1" ]] || kept+=("$pid"); done
  STARTED_PIDS=("${kept[@]}")
}

# Stops every process this script started and is still running: SIGTERM first, then SIGKILL to the
# process group each `timeout` leads.
cleanup() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${STARTED_PIDS[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "compare: $*" >&2; }

# ---------------------------------------------------------------------------------------------------
# Building

build_all() {
  if ! $PEERS_ONLY; then
    say "building Eddy's echo-server and loadgen (release)"
    local product
    for product in echo-server loadgen; do
      if [[ "$product" == echo-server && -n "$ECHO_SERVER_BIN" ]] || [[ "$product" == loadgen && -n "$LOADGEN_BIN" ]]
      then
        continue
      fi
      swift build -c release --package-path "$ROOT" --scratch-path "$ROOT/$SCRATCH" --product "$product" || {
        say "cannot build Eddy's $product; --peers-only measures the peers alone"
        exit 1
      }
    done
  fi
  say "building the SwiftNIO and C peers (release)"
  local peer
  for peer in NIOEchoServer CEchoServer CEchoClient; do
    EDDY_BENCH_PEERS_ONLY=1 swift build -c release --package-path "$BENCH" --scratch-path "$BENCH/$SCRATCH" \
      --product "$peer"
  done
  if ! "$VENV/bin/python" -c 'import uvloop' 2>/dev/null; then
    say "creating $VENV with uvloop"
    python3 -m venv "$VENV"
    timeout 600 "$VENV/bin/pip" install --quiet --disable-pip-version-check uvloop
  fi
}

locate_binaries() {
  PEER_BIN="$(EDDY_BENCH_PEERS_ONLY=1 swift build -c release --package-path "$BENCH" \
    --scratch-path "$BENCH/$SCRATCH" --show-bin-path)"
  if ! $PEERS_ONLY && [[ -z "$ECHO_SERVER_BIN" || -z "$LOADGEN_BIN" ]]; then
    local eddy_bin
    eddy_bin="$(swift build -c release --package-path "$ROOT" --scratch-path "$ROOT/$SCRATCH" --show-bin-path)"
    ECHO_SERVER_BIN="${ECHO_SERVER_BIN:-$eddy_bin/echo-server}"
    LOADGEN_BIN="${LOADGEN_BIN:-$eddy_bin/loadgen}"
  fi
  if $PEERS_ONLY; then ECHO_SERVER_BIN=""; fi
  ECHO_CLIENT_BIN="$PEER_BIN/CEchoClient"
  PYTHON="$VENV/bin/python"
}

# ---------------------------------------------------------------------------------------------------
# Servers

# The codec stack of a row: eddy-zlib-line -> zlib,line; eddy-zlibsmall-line -> zlib with a 1 KiB
# window and memory level 2 under line; eddy-tls-raw -> raw (under TLS).
row_stack() {
  local stack="${1#*-}"
  stack="${stack#tls-}"
  stack="${stack/zlibsmall-/zlib:window=10:memory=2,}"
  echo "${stack/zlib-/zlib,}"
}

# True for a row whose server speaks TLS: SERVER-tls-STACK.
is_tls_row() {
  [[ "$1" == *-tls-* ]]
}

# True when Eddy's echo-server was built; a row that needs it fails with a message otherwise.
need_echo_server() {
  [[ -n "$ECHO_SERVER_BIN" ]] || {
    say "$1 needs Eddy's echo-server, which --peers-only leaves out"
    return 1
  }
}

# Sets SCENARIO_ROWS to the selected rows that run in a scenario: the TLS rows in scenario tls, the
# others in a to e.
scenario_rows() {
  local row
  SCENARIO_ROWS=()
  for row in "${ROWS[@]}"; do
    if is_tls_row "$row"; then
      if [[ "$1" == tls ]]; then SCENARIO_ROWS+=("$row"); fi
    elif [[ "$1" != tls ]]; then
      SCENARIO_ROWS+=("$row")
    fi
  done
}

# Makes the certificates of the TLS rows once, when any selected row needs them.
make_tls_certificates() {
  local row
  for row in "${ROWS[@]}"; do
    if is_tls_row "$row"; then
      say "making TLS certificates in $TLS_DIR"
      sh "$ROOT/Tests/Interop/make_tls_certs.sh" "$TLS_DIR"
      return 0
    fi
  done
}

# Sets TLS_SERVER_ARGUMENTS and TLS_CLIENT_ARGUMENTS for a row: empty for a plain TCP row. The
# client ones are loadgen's and probe_client.py's alike.
tls_arguments() {
  TLS_SERVER_ARGUMENTS=()
  TLS_CLIENT_ARGUMENTS=()
  if is_tls_row "$1"; then
    TLS_SERVER_ARGUMENTS=(--tls-cert "$TLS_DIR/server.pem" --tls-key "$TLS_DIR/server.key")
    TLS_CLIENT_ARGUMENTS=(--tls --tls-ca "$TLS_DIR/ca.pem" --tls-server-name localhost)
  fi
}

# Sets SERVER_COMMAND to the command line that starts a row's server on a port the kernel chooses.
server_command() {
  local row="$1" stack
  stack="$(row_stack "$row")"
  tls_arguments "$row"
  case "$row" in
    eddy-*)
      need_echo_server "$row" || return 1
      SERVER_COMMAND=("$ECHO_SERVER_BIN" --host 127.0.0.1 --port 0 --codec "$stack" --loops 1
        --backend epoll "${TLS_SERVER_ARGUMENTS[@]}") ;;
    eddyasync-*)
      need_echo_server "$row" || return 1
      SERVER_COMMAND=("$ECHO_SERVER_BIN" --host 127.0.0.1 --port 0 --codec "$stack" --loops 1 --async
        --backend epoll) ;;
    eddyuring-*)
      need_echo_server "$row" || return 1
      SERVER_COMMAND=("$ECHO_SERVER_BIN" --host 127.0.0.1 --port 0 --codec "$stack" --loops 1
        --backend io_uring) ;;
    nio-*)
      SERVER_COMMAND=("$PEER_BIN/NIOEchoServer" --host 127.0.0.1 --port 0 --codec "$stack"
        "${TLS_SERVER_ARGUMENTS[@]}") ;;
    nioasync-*) SERVER_COMMAND=("$PEER_BIN/NIOEchoServer" --host 127.0.0.1 --port 0 --codec "$stack" --async) ;;
    *-tls-*)
      say "$row: only Eddy's and SwiftNIO's servers have TLS rows"
      return 1
      ;;
    asyncio-*) SERVER_COMMAND=("$PYTHON" "$BENCH/Python/asyncio_echo.py" --port 0 --codec "$stack") ;;
    uvloop-*) SERVER_COMMAND=("$PYTHON" "$BENCH/Python/asyncio_echo.py" --port 0 --codec "$stack" --uvloop) ;;
    c-raw) SERVER_COMMAND=("$PEER_BIN/CEchoServer" --port 0) ;;
    *)
      say "unknown row $row"
      return 1
      ;;
  esac
}

# Starts a row's server pinned to core 0 and waits for its "listening on HOST:PORT" line. Sets
# SERVER_PID (the server), SERVER_WRAPPER (the `timeout` bounding its life) and SERVER_PORT.
start_server() {
  local row="$1" lifetime="$2" line=""
  server_command "$row" || return 1
  : >"$WORK/server.out"
  timeout -k 5 "$lifetime" taskset -c 0 "${SERVER_COMMAND[@]}" >"$WORK/server.out" 2>>"$WORK/server.err" &
  SERVER_WRAPPER=$!
  started "$SERVER_WRAPPER"
  SERVER_PID=""
  for _ in $(seq 100); do
    line="$(head -n 1 "$WORK/server.out")"
    [[ "$line" == "listening on "* ]] && break
    kill -0 "$SERVER_WRAPPER" 2>/dev/null || break
    sleep 0.1
  done
  if [[ "$line" != "listening on "* ]]; then
    say "$row did not start listening; its stderr ends with:"
    tail -n 5 "$WORK/server.err" >&2 || true
    stop_server
    return 1
  fi
  SERVER_PORT="${line##*:}"
  SERVER_PID="$(pgrep -P "$SERVER_WRAPPER" | head -n 1)"
  if [[ -z "$SERVER_PID" ]]; then
    say "$row: cannot find the server's PID"
    stop_server
    return 1
  fi
}

# Sends SIGTERM to the server (or to its `timeout`, which forwards it, when the server's PID is not
# known), gives it 5 seconds to exit, then kills it; warns when it exits with a non-zero status.
stop_server() {
  local status=0
  kill -TERM "${SERVER_PID:-$SERVER_WRAPPER}" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$SERVER_WRAPPER" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$SERVER_WRAPPER" 2>/dev/null; then
    say "a server did not exit within 5 s of SIGTERM; killing it"
    kill -KILL -- "-$SERVER_WRAPPER" 2>/dev/null || true
  fi
  wait "$SERVER_WRAPPER" 2>/dev/null || status=$?
  reaped "$SERVER_WRAPPER"
  if ((status != 0)); then say "a server exited with status $status"; fi
  SERVER_PID=""
}

# Runs a command in the background bounded by `limit` seconds, waits for it, and returns its status.
run_bounded() {
  local limit="$1" status=0
  shift
  timeout -k 5 "$limit" "$@" &
  local pid=$!
  started "$pid"
  wait "$pid" || status=$?
  reaped "$pid"
  return "$status"
}

rss_kb() {
  awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# A process's user + system CPU time so far, in clock ticks (fields 14 and 15 of /proc/PID/stat,
# counted after the command name, which may hold spaces); empty once it has exited.
cpu_ticks() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 0
  stat="${stat##*) }"
  awk '{ print $12 + $13 }' <<<"$stat"
}
CLOCK_TICKS="$(getconf CLK_TCK)"

# ---------------------------------------------------------------------------------------------------
# Smoke check: every server echoes every framing correctly, checked reply by reply.

smoke() {
  local failures=0 row
  for row in "${ROWS[@]}"; do
    if ! start_server "$row" 120; then
      failures=$((failures + 1))
      continue
    fi
    tls_arguments "$row"
    if run_bounded 90 "$PYTHON" "$BENCH/Python/probe_client.py" "127.0.0.1:$SERVER_PORT" \
      --codec "$(row_stack "$row")" --connections 8 --messages 200 --pipeline 8 "${TLS_CLIENT_ARGUMENTS[@]}" \
      >"$WORK/probe.out" 2>&1; then
      say "smoke $row: $(tail -n 1 "$WORK/probe.out")"
    else
      say "smoke $row FAILED: $(tail -n 1 "$WORK/probe.out")"
      failures=$((failures + 1))
    fi
    stop_server
  done
  if ((failures > 0)); then
    say "$failures server(s) failed the smoke check"
    return 1
  fi
}

# ---------------------------------------------------------------------------------------------------
# Measurements

# Scenario -> "connections payload-bytes pipeline".
scenario_load() {
  case "$1" in
    a) echo "64 64 16" ;;
    b | tls) echo "16 1024 8" ;;
    c) echo "1 64 1" ;;
    d) echo "4 65536 2" ;;
  esac
}

# The C client's --frame for a row's stack, or nothing when it cannot speak the stack (zlib, TLS).
c_client_frame() {
  is_tls_row "$1" && return 0
  case "$(row_stack "$1")" in
    raw) echo raw ;;
    line) echo line ;;
    length-prefix) echo lp ;;
  esac
}

# The command line of a client driving a row's server in a scenario, in CLIENT_COMMAND.
client_command() {
  local client="$1" row="$2" connections="$3" payload="$4" pipeline="$5"
  case "$client" in
    c)
      CLIENT_COMMAND=("$ECHO_CLIENT_BIN" 127.0.0.1 "$SERVER_PORT" "$connections" "$payload" "$pipeline"
        "$DURATION" "$WARMUP" --latency --frame "$(c_client_frame "$row")") ;;
    loadgen)
      tls_arguments "$row"
      CLIENT_COMMAND=("$LOADGEN_BIN" "127.0.0.1:$SERVER_PORT" --connections "$connections"
        --payload-size "$payload" --pipeline "$pipeline" --duration "$DURATION" --warmup "$WARMUP" --json
        --codec "$(row_stack "$row")" --loops 1 "${TLS_CLIENT_ARGUMENTS[@]}") ;;
  esac
}

# One run of a row in a scenario driven by one client; the server's CPU time is read at the end of
# the warm-up and when the client exits.
measure_load() {
  local scenario="$1" row="$2" rep="$3" client="$4" connections payload pipeline status=0
  read -r connections payload pipeline <<<"$(scenario_load "$scenario")"
  local budget=$((DURATION + WARMUP + 30))
  start_server "$row" $((budget + 30)) || {
    python3 "$BENCH/Scripts/report.py" record-load "$RESULTS" "$scenario" "$row" "$rep" "$client" 125 \
      /dev/null 0 || true
    return 0
  }
  client_command "$client" "$row" "$connections" "$payload" "$pipeline"
  : >"$WORK/load.out"
  timeout -k 5 "$budget" taskset -c 1 "${CLIENT_COMMAND[@]}" >"$WORK/load.out" 2>"$WORK/load.err" &
  local client_pid=$!
  started "$client_pid"
  sleep "$WARMUP"
  local cpu_start cpu_end
  cpu_start="$(cpu_ticks "$SERVER_PID")"
  wait "$client_pid" || status=$?
  cpu_end="$(cpu_ticks "$SERVER_PID")"
  reaped "$client_pid"
  stop_server
  local cpu_us=0
  if [[ -n "$cpu_start" && -n "$cpu_end" ]]; then cpu_us=$(((cpu_end - cpu_start) * 1000000 / CLOCK_TICKS)); fi
  local summary
  if summary="$(python3 "$BENCH/Scripts/report.py" record-load "$RESULTS" "$scenario" "$row" "$rep" "$client" \
    "$status" "$WORK/load.out" "$cpu_us")"; then
    say "rep $rep ($scenario) $row, $client client: $summary"
  else
    say "rep $rep ($scenario) $row, $client client: failed (status $status): $(tail -n 1 "$WORK/load.err")"
  fi
}

# The clients that drive a row: the C client only where it speaks the row's stack.
row_clients() {
  local client
  ROW_CLIENTS=()
  for client in $CLIENTS; do
    if [[ "$client" == c && -z "$(c_client_frame "$1")" ]]; then continue; fi
    ROW_CLIENTS+=("$client")
  done
}

# Scenario (e): server RSS before any connection and while holding IDLE_CONNECTIONS idle ones, opened
# by Benchmarks/Python/idle_clients.py (each echoes one message first, so the server has used it).
measure_idle() {
  local row="$1" rep="$2" before after line=""
  start_server "$row" 300 || return 0
  before="$(rss_kb "$SERVER_PID")"
  timeout -k 5 240 taskset -c 1 "$PYTHON" "$BENCH/Python/idle_clients.py" "127.0.0.1:$SERVER_PORT" \
    --connections "$IDLE_CONNECTIONS" --codec "$(row_stack "$row")" --hold 120 >"$WORK/idle.out" 2>"$WORK/idle.err" &
  local holder=$!
  started "$holder"
  for _ in $(seq 1200); do
    line="$(head -n 1 "$WORK/idle.out")"
    [[ "$line" == holding* ]] && break
    kill -0 "$holder" 2>/dev/null || break
    sleep 0.1
  done
  if [[ "$line" == holding* ]]; then
    sleep 1
    after="$(rss_kb "$SERVER_PID")"
    python3 "$BENCH/Scripts/report.py" record-idle "$RESULTS" "$row" "$rep" "$IDLE_CONNECTIONS" "$before" "$after"
    say "rep $rep (e) $row: VmRSS $before kB -> $after kB"
  else
    say "rep $rep (e) $row: the idle clients failed: $(tail -n 1 "$WORK/idle.err")"
  fi
  kill -TERM "$holder" 2>/dev/null || true
  wait "$holder" 2>/dev/null || true
  reaped "$holder"
  stop_server
}

# The repetitions of a scenario, and the most of any selected one.
scenario_reps() {
  if [[ "$1" == d ]]; then echo "$BULK_REPS"; else echo "$REPS"; fi
}
max_reps() {
  local most=0 scenario
  for scenario in $SCENARIOS; do
    (($(scenario_reps "$scenario") > most)) && most="$(scenario_reps "$scenario")"
  done
  echo "$most"
}

measure() {
  [[ -n "$LOADGEN_BIN" && -x "$LOADGEN_BIN" ]] || {
    say "no loadgen binary (${LOADGEN_BIN:-none}): build Eddy's loadgen or set LOADGEN=PATH"
    return 1
  }
  RESULTS="$WORK/results.jsonl"
  : >"$RESULTS"
  local seconds=0 scenario row repetitions
  for scenario in $SCENARIOS; do
    scenario_rows "$scenario"
    repetitions="$(scenario_reps "$scenario")"
    for row in "${SCENARIO_ROWS[@]}"; do
      if [[ "$scenario" == e ]]; then
        seconds=$((seconds + 8 * repetitions))
      else
        row_clients "$row"
        seconds=$((seconds + ${#ROW_CLIENTS[@]} * (DURATION + WARMUP + 2) * repetitions))
      fi
    done
  done
  say "measuring ${#ROWS[@]} servers x scenarios ($SCENARIOS) x clients ($CLIENTS)," \
    "$REPS repetitions ($BULK_REPS of d), about $(((seconds + 59) / 60)) minutes"
  local rep index offset client
  for rep in $(seq "$(max_reps)"); do
    for scenario in $SCENARIOS; do
      ((rep <= $(scenario_reps "$scenario"))) || continue
      scenario_rows "$scenario"
      if ((${#SCENARIO_ROWS[@]} == 0)); then
        say "no selected row runs in scenario $scenario"
        continue
      fi
      # Alternate the order between repetitions so drift over time does not favour one server.
      offset=$(((rep - 1) % ${#SCENARIO_ROWS[@]}))
      for index in "${!SCENARIO_ROWS[@]}"; do
        row="${SCENARIO_ROWS[$(((index + offset) % ${#SCENARIO_ROWS[@]}))]}"
        if [[ "$scenario" == e ]]; then
          measure_idle "$row" "$rep"
        else
          row_clients "$row"
          for client in "${ROW_CLIENTS[@]}"; do measure_load "$scenario" "$row" "$rep" "$client"; done
        fi
      done
    done
  done
  python3 "$BENCH/Scripts/report.py" render "$RESULTS" "$DOC" \
    --setting "duration=${DURATION}s" --setting "warm-up=${WARMUP}s" --setting "repetitions=$REPS" \
    --setting "repetitions of d=$BULK_REPS" --setting "loadgen loops=1" \
    --setting "idle connections=$IDLE_CONNECTIONS"
  say "wrote $DOC"
}

# ---------------------------------------------------------------------------------------------------

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if $BUILD; then build_all; fi
locate_binaries
make_tls_certificates
smoke
if ! $SMOKE_ONLY; then measure; fi
