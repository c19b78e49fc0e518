#!/usr/bin/env bash
# Extreme quantization parameters (scales 0/NaN/inf/denormal/1e-30..1e30, zero points out of
# range, LEAKY_RELU alpha and SOFTMAX beta extremes, per-channel weight scale 0) through the real
# `mica verify` built with ASan + UBSan: bit-exact with LiteRT or refused with one line.
set -euo pipefail
cd "$(dirname "$0")/../.."
make --no-print-directory "$PWD/build/mica-asan" >/dev/null
exec "${PYTHON:-python3}" tests/e2e/bad_quant.py build/mica-asan
