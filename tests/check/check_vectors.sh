#!/usr/bin/env bash
# Every case of tests/vectors/vectors.txt: compile the model with build/mica (its options), run the
# committed inputs on func:plan=0 (every run through the ISA interpreter) and func (translated fast
# path) and require LiteRT's bytes (build/check/check_vectors). No Python, no LiteRT.
#   bash tests/check/check_vectors.sh [BACKEND...]    (default: func:plan=0 func)
set -uo pipefail
cd "$(dirname "$0")/../.."
MICA=${MICA:-build/mica}
RUNNER=build/check/check_vectors
OUT=build/check/progs
backends=("$@")
[ ${#backends[@]} -gt 0 ] || backends=(func:plan=0 func)
for f in "$MICA" "$RUNNER"; do [ -x "$f" ] || { echo "check_vectors: $f missing (make check builds it)"; exit 2; }; done
mkdir -p "$OUT"
cases=0 failed=0
while read -r name model vec options; do
    case "$name" in ''|'#'*) continue ;; esac
    cases=$((cases + 1))
    # shellcheck disable=SC2086  # options are words (--cpu OP,OP)
    if ! msg=$("$MICA" compile "$model" -o "$OUT/$name.mica" $options 2>&1); then
        echo "FAIL $name: mica compile $model $options: ${msg##*$'\n'}"
        failed=$((failed + 1))
        continue
    fi
    "$RUNNER" "$name" "$OUT/$name.mica" "$vec" "${backends[@]}" || failed=$((failed + 1))
done < tests/vectors/vectors.txt
if [ "$cases" -eq 0 ]; then echo "check_vectors: FAIL (no cases in tests/vectors/vectors.txt)"; exit 1; fi
if [ "$failed" -eq 0 ]; then echo "check_vectors: PASS ($cases cases x ${#backends[@]} backends)"; else
    echo "check_vectors: FAIL ($failed of $cases cases)"; exit 1; fi
