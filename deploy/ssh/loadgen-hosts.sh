#!/bin/sh
# loadgen-hosts.sh TARGET HOST...
#
# Runs one loadgen on each HOST over ssh, all started together with --start-at, fetches each
# host's --json result and --hlog log, and merges them here with `loadgen merge`. TARGET is what
# the hosts connect to (HOST:PORT as they see it). docs/distributed.md walks through it.
#
# Settings, from the environment:
#   DURATION     seconds of load (default 60)
#   RATE         messages per second of each host (default 10000; the total is RATE times hosts)
#   CONNECTIONS  connections of each host (default 16)
#   LEAD         seconds from now to the start, time for ssh to reach every host (default 20)
#   OUT          where the results go here (default results-START)
#   LOADGEN      loadgen on the hosts (default loadgen); MERGE_LOADGEN, the one here (loadgen)
#   SSH          runs "$SSH HOST COMMAND..." (default: ssh -o BatchMode=yes); "ip netns exec"
#                runs in network namespaces of this machine instead
#
# The hosts' clocks must agree (NTP or chrony) to well under the run's length: each starts when
# its own clock reads the start. Exit status: 0, or the worst of the hosts' and the merge's.
set -u
if [ "$#" -lt 2 ]; then
  echo "usage: $0 TARGET HOST..." >&2
  exit 2
fi
target=$1
shift
ssh=${SSH:-ssh -o BatchMode=yes}
start=$(($(date +%s) + ${LEAD:-20}))
out=${OUT:-results-$start}
mkdir -p "$out" || exit 2

# Start every host, in the background; each one's standard output is its result.
i=0
pids=
for host in "$@"; do
  $ssh "$host" "${LOADGEN:-loadgen}" "$target" --start-at "$start" --duration "${DURATION:-60}" --rate "${RATE:-10000}" --connections "${CONNECTIONS:-16}" --json --quiet --hlog "/tmp/loadgen-$start-$i.hlog" >"$out/host-$i.json" 2>"$out/host-$i.err" &
  pids="$pids $!"
  i=$((i + 1))
done

# Wait for all of them, keeping the worst status; then fetch and remove each host's log.
status=0
i=0
for pid in $pids; do
  wait "$pid"
  code=$?
  [ "$code" -gt "$status" ] && status=$code
  i=$((i + 1))
done
i=0
for host in "$@"; do
  $ssh "$host" cat "/tmp/loadgen-$start-$i.hlog" >"$out/host-$i.hlog" && $ssh "$host" rm "/tmp/loadgen-$start-$i.hlog"
  i=$((i + 1))
done

"${MERGE_LOADGEN:-loadgen}" merge "$out"/host-*.json --json >"$out/merged.json"
code=$?
[ "$code" -gt "$status" ] && status=$code
cat "$out/merged.json"
echo "results in $out: host-N.json, host-N.hlog, host-N.err and merged.json (hosts in order: $*)" >&2
exit "$status"
