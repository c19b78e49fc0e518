#!/usr/bin/env bash
# Bad input never crashes: missing, empty, truncated, corrupted and unsupported models, and
# corrupted program binaries, through the real `mica` command built with ASan + UBSan.
set -euo pipefail
cd "$(dirname "$0")/../.."
make --no-print-directory "$PWD/build/mica-asan" >/dev/null
exec "${PYTHON:-python3}" tests/e2e/bad_input.py build/mica-asan models/digits.tflite
