#!/usr/bin/env bash
# make soak: builds the release echo-server and runs Tests/Soak/soak.py against it for a bounded
# time (SOAK_SECONDS, default 180): every codec stack, clients reconnecting in waves, servers
# restarted between rounds, and a final check that every byte came back once, in order.
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch="${SOAK_SCRATCH:-.build}"
echo "soak: building the release echo-server"
swift build -c release --scratch-path "$scratch" --product echo-server >/dev/null
bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)"
python3 Tests/Soak/soak.py "$bin/echo-server" --seconds "${SOAK_SECONDS:-180}" \
  --connections "${SOAK_CONNECTIONS:-8}" --rounds "${SOAK_ROUNDS:-3}"
