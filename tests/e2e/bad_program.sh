#!/usr/bin/env bash
# Damaged programs, non-regular or oversized inputs and cycle limits (tests/e2e/bad_program.py),
# through the real `mica` command built with ASan + UBSan.
set -euo pipefail
cd "$(dirname "$0")/../.."
make --no-print-directory "$PWD/build/mica-asan" >/dev/null
exec "${PYTHON:-python3}" tests/e2e/bad_program.py build/mica-asan models/digits.tflite models/ad_autoencoder.tflite "$@"
