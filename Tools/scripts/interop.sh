#!/usr/bin/env bash
# Interop checks against peers not written here: Python's standard library drives the
# release-independent debug build of echo-server over every codec stack it serves.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(swift build --show-bin-path)"
python3 Tests/Interop/echo_interop.py "$bin/echo-server" "$bin/loadgen"
