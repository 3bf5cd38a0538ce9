#!/usr/bin/env bash
# Allocation budgets: the mallocs per echoed message (raw, line, length-prefix, zlib,line, async)
# and per accepted connection, counted by the `Allocations` benchmarks of EddyMicro (a real echo
# server in the benchmark's process over loopback, a client that allocates nothing), against the
# thresholds committed in Benchmarks/Thresholds (per iteration of 1,000 messages or connections).
#
# usage: Benchmarks/Scripts/allocation-budgets.sh check    fail (exit 1) when a count grew
#        Benchmarks/Scripts/allocation-budgets.sh update   write the counts measured now
# A count that fell passes `check` with a reminder to run `update`, so the budget keeps the gain.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SCRATCH="${BENCH_SCRATCH:-$ROOT/Benchmarks/.build-bench}"
THRESHOLDS="$ROOT/Benchmarks/Thresholds"
benchmark() {
  swift package --package-path "$ROOT/Benchmarks" --scratch-path "$SCRATCH" \
    --allow-writing-to-package-directory benchmark "$@" --filter 'Allocations-.*' --no-progress
}

case "${1:-}" in
  check)
    status=0
    benchmark thresholds check --path "$THRESHOLDS" || status=$?
    case "$status" in
      0) echo "allocation budgets: every count as budgeted" ;;
      4) echo "allocation budgets: some counts fell; run '$0 update' to keep the gain" ;;
      *)
        echo "allocation budgets: a count grew past its budget (status $status); see the table above" >&2
        exit 1
        ;;
    esac
    ;;
  update) benchmark thresholds update --path "$THRESHOLDS" ;;
  *)
    echo "usage: $0 check|update" >&2
    exit 64
    ;;
esac
