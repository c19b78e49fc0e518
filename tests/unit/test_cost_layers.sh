#!/bin/bash
# The cost model against the RTL, layer by layer (issues 15/16): every ACCEL layer of every
# committed model, compiled for the default 16x16 array, has its TLM estimate (systemc:model=tlm,
# the cost model) within 2% of the plain Verilated RTL's cycles at memory latency 10, 20 and 40.
# usage: tests/unit/test_cost_layers.sh [MICA]   (make test-systemc runs it)
set -u
cd "$(dirname "$0")/../.."
MICA=${1:-build/mica}
export TF_CPP_MIN_LOG_LEVEL=3
if ${PYTHON:-python3} tests/tools/cost_layers.py "$MICA" --limit 2 \
       --config 16x16:10 --config 16x16:20 --config 16x16:40 models/*.tflite; then
    echo "cost model per layer within 2% of the RTL: PASS"
else
    echo "cost model per layer within 2% of the RTL: FAIL"
    exit 1
fi
