#!/usr/bin/env bash
# Builds the libFuzzer programs of Tests/Fuzz/Targets and runs each for a bounded time.
#
# Usage: Tools/scripts/fuzz.sh [TARGET...]   (default: every target)
#   FUZZ_SECONDS   seconds per target (default 60)
#   FUZZ_MAX_LEN   longest input tried, in bytes (default 4096)
#   FUZZ_RSS_MB    memory limit of a fuzzing process (default 2048)
#
# The modules a program needs are compiled from their sources with swiftc, instrumented for
# coverage (-sanitize=fuzzer) and checked by AddressSanitizer, into .build-fuzz/. Each target
# starts from its seed corpus in Tests/Fuzz/Corpus/TARGET and the inputs of past crashes in
# Tests/Fuzz/Regressions/TARGET; new interesting inputs go to .build-fuzz/corpus/TARGET, and
# a crash leaves its input in .build-fuzz/crashes/TARGET and fails the run.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds="${FUZZ_SECONDS:-60}"
max_len="${FUZZ_MAX_LEN:-4096}"
rss_mb="${FUZZ_RSS_MB:-2048}"
all_targets=(byte-buffer line length-prefix zlib stack)
targets=("${@:-${all_targets[@]}}")
out=.build-fuzz
flags=(-sanitize=fuzzer,address -parse-as-library -swift-version 6 -enable-upcoming-feature ExistentialAny
  -O -g -use-ld=lld -package-name eddy -I "$out/modules" -I Modules/CZlib)

mkdir -p "$out/modules" "$out/objects" "$out/bin"

# module NAME SOURCE_DIR: one instrumented object and its interface.
module() {
  local name="$1" dir="$2"
  local sources
  mapfile -t sources < <(find "$dir" -name '*.swift' | sort)
  swiftc "${flags[@]}" -wmo -c -module-name "$name" -emit-module \
    -emit-module-path "$out/modules/$name.swiftmodule" -o "$out/objects/$name.o" "${sources[@]}"
}

echo "fuzz: building instrumented modules"
module EddyProtocols Modules/EddyProtocols
module EddyCodecs Modules/EddyCodecs
module EddyTesting Modules/EddyTesting
module EddyFuzzTargets Tests/Fuzz/Targets

case_name() {
  case "$1" in
    byte-buffer) echo byteBuffer ;;
    line) echo lineDecoder ;;
    length-prefix) echo lengthFieldDecoder ;;
    zlib) echo zlibDecoder ;;
    stack) echo codecStack ;;
    *) echo "unknown fuzz target '$1'; targets: ${all_targets[*]}" >&2; exit 2 ;;
  esac
}

for target in "${targets[@]}"; do
  entry="$out/entry-$target.swift"
  cat >"$entry" <<SWIFT
import EddyFuzzTargets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let input = data.map { Array(UnsafeBufferPointer(start: \$0, count: size)) } ?? []
  do { try FuzzTarget.$(case_name "$target").run(input) } catch { fatalError("\(error)") }
  return 0
}
SWIFT
  swiftc "${flags[@]}" "$entry" "$out"/objects/*.o -lz -o "$out/bin/fuzz-$target"
done

status=0
for target in "${targets[@]}"; do
  corpus="$out/corpus/$target"
  crashes="$out/crashes/$target"
  mkdir -p "$corpus" "$crashes" "Tests/Fuzz/Corpus/$target"
  seeds=("Tests/Fuzz/Corpus/$target")
  [ -d "Tests/Fuzz/Regressions/$target" ] && seeds+=("Tests/Fuzz/Regressions/$target")
  echo "fuzz: $target for ${seconds}s"
  if ! "$out/bin/fuzz-$target" "$corpus" "${seeds[@]}" -max_total_time="$seconds" -max_len="$max_len" \
    -rss_limit_mb="$rss_mb" -timeout=10 -artifact_prefix="$crashes/" -print_final_stats=1 \
    >"$out/fuzz-$target.log" 2>&1; then
    echo "fuzz: $target FAILED; input saved in $crashes, log in $out/fuzz-$target.log" >&2
    grep -E "ERROR|Fatal error|FuzzFailure|SUMMARY" "$out/fuzz-$target.log" | head -5 >&2 || true
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$out/fuzz-$target.log" | tr '\n' ' '
    echo
  fi
done
exit $status
