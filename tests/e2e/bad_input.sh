#!/usr/bin/env bash
# Bad input never crashes: missing, empty, truncated, corrupted and unsupported models, and
# corrupted program binaries, through the real `mica` command built with ASan + UBSan.
set -euo pipefail
cd "$(dirname "$0")/../.."
make --no-print-directory "$PWD/build/mica-asan" >/dev/null
"${PYTHON:-python3}" tests/e2e/bad_input.py build/mica-asan models/digits.tflite
# ResNet-8 reaches the pooling and ADD lowerings (and their programs the vector unit's RESCALE)
exec "${PYTHON:-python3}" tests/e2e/bad_input.py build/mica-asan models/ic_resnet8.tflite
