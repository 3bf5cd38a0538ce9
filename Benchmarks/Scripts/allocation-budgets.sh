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
    # The tool exits 1 both when a count grew and when one fell, so its verdicts are read from
    # what it prints: "… is WORSE than the defined thresholds" / "… is BETTER than …".
    output="$(mktemp)"
    trap 'rm -f "$output"' EXIT
    status=0
    benchmark thresholds check --path "$THRESHOLDS" 2>&1 | tee "$output" || status=$?
    if ((status == 0)); then
      echo "allocation budgets: every count as budgeted"
    elif grep -q "is WORSE than the defined thresholds" "$output"; then
      echo "allocation budgets: a count grew past its budget; see the table above" >&2
      exit 1
    elif grep -q "is BETTER than the defined thresholds" "$output"; then
      echo "allocation budgets: some counts fell; run '$0 update' to keep the gain"
    else
      echo "allocation budgets: the check did not run (status $status); see above" >&2
      exit 1
    fi
    ;;
  update) benchmark thresholds update --path "$THRESHOLDS" ;;
  *)
    echo "usage: $0 check|update" >&2
    exit 64
    ;;
esac
