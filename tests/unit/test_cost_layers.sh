#!/bin/bash
# The cost model against the RTL, layer by layer (issues 15/16): every ACCEL layer of every
# committed model has its TLM estimate (systemc:model=tlm, the cost model) within 2% of the plain
# Verilated RTL's cycles, compiled for 16x16, 8x8 and 4x4, memory latency 10 (the default).
# usage: tests/unit/test_cost_layers.sh [MICA]   (make test-systemc runs it)
set -u
cd "$(dirname "$0")/../.."
MICA=${1:-build/mica}
export TF_CPP_MIN_LOG_LEVEL=3
if ${PYTHON:-python3} tests/tools/cost_layers.py "$MICA" --limit 2 \
       --config 16x16:10 --config 8x8:10 --config 4x4:10 models/*.tflite; then
    echo "cost model per layer within 2% of the RTL: PASS"
else
    echo "cost model per layer within 2% of the RTL: FAIL"
    exit 1
fi
