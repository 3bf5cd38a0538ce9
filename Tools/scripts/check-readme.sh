#!/usr/bin/env bash
# The README's echo server must be the code the test suite compiles and runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
readme=$(awk '/<!-- example: echo-server -->/{grab=1; next} grab && /^```swift/{inside=1; next} inside && /^```/{exit} inside' README.md)
compiled=$(awk '/README example begins/{inside=1; next} /README example ends/{exit} inside' Tests/EddyTransportsTests/ReadmeExampleTests.swift)
if [ "$readme" != "$compiled" ]; then
  echo "README.md's echo server differs from Tests/EddyTransportsTests/ReadmeExampleTests.swift:" >&2
  diff <(echo "$readme") <(echo "$compiled") >&2 || true
  exit 1
fi
