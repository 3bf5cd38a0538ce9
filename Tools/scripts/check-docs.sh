#!/usr/bin/env bash
# Every Swift code block in README.md, docs/*.md and the DocC catalogs' pages
# (Modules/<Module>/<Module>.docc/**/*.md) compiles, as the program a reader would paste it into;
# every code file of a DocC tutorial's steps compiles as a program of its own; the tutorial's last
# steps are the Examples programs the tests run; and the README's echo server is the copy the test
# suite runs.
#
# Each ```swift block becomes the main.swift of an executable target of its own in the
# Examples/DocSnippets package (Examples/DocSnippets/Sources/<doc>_<n>, n counting the doc's Swift
# blocks from 1; a catalog's page is named <Module>_<page>), built with `swift build` in the Swift 6
# language mode with ExistentialAny. A tutorial's step file (a .swift file in a catalog's Resources/,
# a whole program with its @main) is the one source, Step.swift, of a target named tutorial_<file>.
# Top-level code is allowed, as in a program's main.swift, and every product of the Eddy package
# may be imported (Eddy, each module alone, EddyTLS, EddyTLSReactor, EddyTesting, EddyMetrics); a block imports
# what it uses, so one that forgets an import fails. Compiler errors point at the markdown line.
#
# HTML comments on the lines right before the fence (nothing else between them and the fence)
# mark a block; GitHub does not render them:
#
#   <!-- fragment: WHY -->   The block is not compiled: a signature, or code with `...` in it.
#                            WHY is required. Fragments are counted and listed, never skipped
#                            silently; every unmarked block must compile.
#   <!-- prelude             Swift compiled before the block in the same file and hidden from the
#   let group = ...          reader: the names the block assumes (a `group`, a `loop`, a protocol
#   -->                      of the surrounding text). It may import modules, but not one whose
#                            import the block itself is meant to show.
#   <!-- example: NAME -->   A label for the text around it; `echo-server` is also compared with
#                            Tests/EddyTransportsTests/ReadmeExampleTests.swift (below).
#
# A comment that is none of these (a misspelt `fragment`) leaves the block unmarked, so it is
# compiled; a fence with words after `swift` is an error. Prints how many blocks were compiled and
# how many are fragments, per file, and lists the fragments.
set -euo pipefail
cd "$(dirname "$0")/../.."
SWIFT=${SWIFT:-swift}
package=Examples/DocSnippets
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT

# 1. The README's echo server is the code ReadmeExampleTests compiles and runs, less the imports
#    at its top (the README's one `import Eddy`, the test file's own imports).
readme=$(awk '/<!-- example: echo-server -->/{grab=1; next} grab && /^```swift/{inside=1; next}
  inside && /^```/{exit} inside && !body && (/^import / || /^$/){next} inside{body=1; print}' README.md)
compiled=$(awk '/README example begins/{inside=1; next} /README example ends/{exit} inside' \
  Tests/EddyTransportsTests/ReadmeExampleTests.swift)
if [ -z "$readme" ] || [ "$readme" != "$compiled" ]; then
  echo "README.md's echo server differs from Tests/EddyTransportsTests/ReadmeExampleTests.swift:" >&2
  diff <(echo "$readme") <(echo "$compiled") >&2 || true
  exit 1
fi

# 2. Extract every block into $staging/<target>/main.swift; fragments go to $staging/fragments.
mapfile -t articles < <(find Modules -path '*.docc/*' -name '*.md' | sort)
docs=(README.md docs/*.md "${articles[@]}")
for doc in "${docs[@]}"; do
  name=$(basename "$doc" .md)
  case "$doc" in Modules/*) name=$(echo "$doc" | cut -d/ -f2)_$name ;; esac
  awk -v doc="$doc" -v name="$name" -v out="$staging" '
    function fail(message) { printf "%s:%d: %s\n", doc, NR, message > "/dev/stderr"; failed = 1; exit 1 }
    function reset() { fragment = ""; prelude = ""; marked = 0 }
    BEGIN { reset() }
    # Inside a prelude comment: collect its lines up to the closing -->.
    inprelude {
      if ($0 ~ /^[ \t]*-->[ \t]*$/) { inprelude = 0; marked = 1; next }
      if ($0 ~ /-->/) fail("a prelude ends with --> on a line of its own")
      prelude = prelude $0 "\n"; next
    }
    # Inside a Swift block: copy it, less the fence indentation.
    inblock {
      if ($0 ~ "^" indent "```[ \t]*$") {
        target = name "_" count
        if (fragment != "") {
          printf "%s:%d: %s\n", doc, start, fragment >> (out "/fragments")
        } else {
          dir = out "/" target; system("mkdir -p \"" dir "\"")
          file = dir "/main.swift"
          printf "// %s, Swift block %d (line %d), extracted by Tools/scripts/check-docs.sh.\n", doc, count, start > file
          if (prelude != "") printf "// The prelude from the comment above the block:\n%s", prelude > file
          printf "#sourceLocation(file: \"%s\", line: %d)\n%s#sourceLocation()\n", doc, start + 1, code > file
          close(file)
        }
        inblock = 0; reset(); next
      }
      line = $0; sub("^" indent, "", line); code = code line "\n"; next
    }
    /^[ \t]*```swift[ \t]*$/ {
      count++; start = NR; code = ""; inblock = 1
      indent = $0; sub(/```.*/, "", indent)
      next
    }
    /^[ \t]*```swift/ { fail("a Swift fence takes no words after `swift`: mark the block with a comment above it") }
    /^[ \t]*<!-- *fragment: *[^ ].*-->[ \t]*$/ {
      fragment = $0; sub(/^[ \t]*<!-- *fragment: */, "", fragment); sub(/ *-->[ \t]*$/, "", fragment)
      marked = 1; next
    }
    /^[ \t]*<!-- *fragment/ { fail("a fragment says why: <!-- fragment: WHY -->") }
    /^[ \t]*<!-- *prelude[ \t]*$/ { inprelude = 1; next }
    /^[ \t]*<!-- *prelude/ { fail("a prelude opens with <!-- prelude on a line of its own") }
    /^[ \t]*<!-- *example: *[^ ]+ *-->[ \t]*$/ { next }
    { reset() }
    END {
      if (failed) exit 1
      if (inprelude) fail("a prelude comment is not closed")
      if (inblock) fail("a Swift block is not closed")
      printf "%s %d\n", doc, count >> (out "/counts")
    }
  ' "$doc"
done

# 3. Every tutorial step file is a program of its own, compiled as the reader would paste it; the
#    line at its top points diagnostics at the step file. The last step of each program the
#    tutorial builds is that program in Examples/, which FirstProgramsTests run.
tutorialFinals=(
  "Modules/Eddy/Eddy.docc/Resources/chat-server-05.swift Examples/Sources/chat-server/ChatServer.swift"
  "Modules/Eddy/Eddy.docc/Resources/chat-client-03.swift Examples/Sources/chat-client/ChatClient.swift"
)
for pair in "${tutorialFinals[@]}"; do
  read -r step program <<<"$pair"
  if ! cmp -s "$step" "$program"; then
    echo "$step, the tutorial's last step, differs from $program:" >&2
    diff "$step" "$program" >&2 || true
    exit 1
  fi
done
stepCount=0
while read -r step; do
  target=tutorial_$(basename "$step" .swift)
  mkdir -p "$staging/$target"
  # Named Step.swift, not main.swift: a program with @main has no top-level code.
  { printf '#sourceLocation(file: "%s", line: 1)\n' "$step"; cat "$step"; } >"$staging/$target/Step.swift"
  stepCount=$((stepCount + 1))
done < <(find Modules -path '*.docc/Resources/*' -name '*.swift' | sort)

# 4. Mirror $staging into the package's Sources/, touching only what changed (no needless rebuilds).
mkdir -p "$package/Sources"
for dir in "$package"/Sources/*/; do
  [ -d "$dir" ] || continue
  [ -d "$staging/$(basename "$dir")" ] || rm -rf "$dir"
done
for dir in "$staging"/*/; do
  [ -d "$dir" ] || continue
  target=$(basename "$dir")
  mkdir -p "$package/Sources/$target"
  for file in "$package/Sources/$target"/*; do
    [ -e "$file" ] || continue
    [ -e "$dir/$(basename "$file")" ] || rm -f "$file"
  done
  for file in "$dir"/*.swift; do
    cmp -s "$file" "$package/Sources/$target/$(basename "$file")" || cp "$file" "$package/Sources/$target/"
  done
done

# 5. Build. A block that does not compile fails the check, with the error at its markdown line.
compiledCount=$(($(find "$staging" -mindepth 1 -maxdepth 1 -type d | wc -l) - stepCount))
fragmentCount=$([ -f "$staging/fragments" ] && wc -l <"$staging/fragments" || echo 0)
if [ "$((compiledCount + stepCount))" -gt 0 ]; then
  status=0
  # SwiftPM caches the evaluated manifest, and the manifest's targets are the directories under
  # Sources/: their names in the environment (part of the cache's key) make it read them again
  # when they change.
  EDDY_SNIPPET_TARGETS=$(cd "$staging" && find . -mindepth 1 -maxdepth 1 -type d | sort | tr '\n' ' ') \
    "$SWIFT" build --package-path "$package" >"$staging/build.log" 2>&1 || status=$?
  # The diagnostics about the blocks (their file is the markdown), without the progress lines.
  grep -E '^[^ ]+\.(md|swift):[0-9]+:[0-9]+: (error|warning)' "$staging/build.log" | sort -u || true
  if [ "$status" -ne 0 ]; then
    grep -vE '^\[[0-9]+/[0-9]+\]' "$staging/build.log" >&2 || true
    echo "check-docs: a Swift block in the docs does not compile (errors above, at their markdown lines)" >&2
    exit 1
  fi
fi

echo "check-docs: $compiledCount Swift blocks compiled, $fragmentCount marked as fragments, $stepCount tutorial step files compiled"
while read -r doc total; do
  fragments=$(grep -c "^$doc:" "$staging/fragments" 2>/dev/null || true)
  fragments=${fragments:-0}
  if [ "$total" -gt 0 ]; then echo "  $doc: $((total - fragments)) compiled, $fragments fragments"; fi
done <"$staging/counts"
if [ "$fragmentCount" -gt 0 ]; then
  echo "fragments (not compiled):"
  sed 's/^/  /' "$staging/fragments"
fi
