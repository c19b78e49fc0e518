#!/usr/bin/env bash
# Every command README.md shows in a ```sh block runs, exactly as written, in a fresh shell: an
# empty environment (no PYTHON, no venv on PATH, Debian's default PATH), from the repository root,
# after `./mica.sh demo` (whose outputs are made first). Lines starting with ./mica.sh are the
# top-level flows CI runs itself.
set -uo pipefail
cd "$(dirname "$0")/../.."
make --no-print-directory -s "$PWD/build/mica" "$PWD/build/digits_test_x.npy" board-sim firmware-objs systemc >/dev/null || exit 1
fail=0 n=0
commands=$(awk '/^```sh$/ {on = 1; next} /^```/ {on = 0} on && NF && $1 !~ /^#/' README.md)
[ -n "$commands" ] || { echo "readme_commands: FAIL: README.md shows no \`\`\`sh block"; exit 1; }
while IFS= read -r line; do
    case "$line" in ./mica.sh*) continue ;; esac
    n=$((n + 1))
    if ! out=$(env -i HOME="$HOME" PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
               timeout 300 bash -c "$line" 2>&1 </dev/null); then
        echo "FAIL: $line"; printf '%s\n' "$out" | tail -3 | sed 's/^/    /'; fail=1
    fi
done <<< "$commands"
[ $fail -eq 0 ] && echo "readme_commands: PASS ($n commands)" || { echo "readme_commands: FAIL"; exit 1; }
