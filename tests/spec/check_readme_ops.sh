#!/usr/bin/env bash
# The supported-operator table in README.md is the compiler's own rule text (`mica ops`).
set -euo pipefail
cd "$(dirname "$0")/../.."
want=$(build/mica ops)
have=$(sed -n '/<!-- ops:begin -->/,/<!-- ops:end -->/p' README.md | sed '1d;$d')
if [ "$want" == "$have" ]; then echo "check_readme_ops: PASS"; else
    diff <(echo "$want") <(echo "$have") | head; echo "check_readme_ops: FAIL (paste the output of build/mica ops)"; exit 1; fi
