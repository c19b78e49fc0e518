#!/usr/bin/env bash
# Builds and runs the control-level testbench of mica_top (Verilator, self-checking).
#
#   rtl/tb/top/run.sh [CONFIG...] [-- TB ARGS...]   CONFIG = ROWSxCOLS[:BUS_BYTES]
#     [:lREQ_LANES][:aABSENT][:mREQ_MUL_CYCLES][:wADDR_W] (ADDR_W >= 20: the TB memory is 1 MB)
#     [:iISSUE_PIPE][:cACC_PIPE] (the FPGA boards' registered decode stages (1) or static error (2) /
#     registered ACC read (1))
#                                                   (default: 4x4:8 8x8:16 16x16:8)
# Scratchpad depths are the mica.json defaults. Each config builds into build/rtl_top/<cfg>/
# (rebuilt when sources, flags or the Verilator version change). Exits non-zero on any failure.
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$ROOT" || exit 2
OUT="$ROOT/build/rtl_top"
CONFIGS=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do CONFIGS+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
TB_ARGS=("$@")
[ ${#CONFIGS[@]} -eq 0 ] && CONFIGS=(4x4:8 8x8:16 16x16:8)
command -v verilator >/dev/null || { echo "run.sh: verilator not found" >&2; exit 2; }
python3 hw/gen.py hw/mica.json build/gen >/dev/null || { echo "run.sh: hw/gen.py failed" >&2; exit 2; }
mkdir -p "$OUT"
# The golden model: the reference interpreter, compiled as C and linked into every testbench.
REF_SRCS=(driver/core/isa_ref.c driver/core/isa_ref_csr.c)
REF_OBJS=()
for src in "${REF_SRCS[@]}"; do
  obj="$OUT/$(basename "${src%.c}").o"
  cc -std=gnu99 -O2 -Ibuild/gen -Iinclude -c "$src" -o "$obj" || { echo "run.sh: $src failed to compile" >&2; exit 2; }
  REF_OBJS+=("$obj")
done

# Spec defaults for the depths, read from the generated package.
pkgval() { sed -n "s/.*localparam int unsigned $1 = \([0-9]*\);.*/\1/p" build/gen/mica_pkg.sv; }
AD=$(pkgval ASPAD_DEPTH_DEFAULT); WD=$(pkgval WSPAD_DEPTH_DEFAULT)
CD=$(pkgval ACC_DEPTH_DEFAULT); PS=$(pkgval PARAM_SETS_DEFAULT)
RTL=(build/gen/mica_pkg.sv rtl/*.sv)
VFLAGS=(-O3 --x-assign fast --x-initial fast -MAKEFLAGS "OPT_FAST=-O2")
failures=0
for cfg in "${CONFIGS[@]}"; do
  if ! [[ "$cfg" =~ ^([1-9][0-9]*)x([1-9][0-9]*)(:([1-9][0-9]*))?(:l([0-9]+))?(:a([0-9]+))?(:m([14]))?(:w([0-9]+))?(:i([012]))?(:c([01]))?$ ]]; then
    echo "run.sh: bad config '$cfg' (expected ROWSxCOLS[:BUS_BYTES][:lREQ_LANES][:aABSENT][:mREQ_MUL_CYCLES][:wADDR_W][:iISSUE_PIPE][:cACC_PIPE])" >&2; exit 2
  fi
  R=${BASH_REMATCH[1]}; C=${BASH_REMATCH[2]}; B=${BASH_REMATCH[4]:-8}
  L=${BASH_REMATCH[6]:-0}; A=${BASH_REMATCH[8]:-0}; M=${BASH_REMATCH[10]:-1}; W=${BASH_REMATCH[12]:-32}
  I=${BASH_REMATCH[14]:-0}; P=${BASH_REMATCH[16]:-0}
  name="${R}x${C}_b${B}"; [ "$L$A$M" != 001 ] && name+="_l${L}_a${A}_m${M}"; [ "$W" != 32 ] && name+="_w${W}"; [ "$I" != 0 ] && name+="_i${I}"; [ "$P" != 0 ] && name+="_c${P}"
  dir="$OUT/$name"
  G="-GROWS=$R -GCOLS=$C -GBUS_BYTES=$B -GREQ_LANES=$L -GABSENT=$A -GREQ_MUL_CYCLES=$M -GADDR_W=$W"; [ "$I" != 0 ] && G+=" -GISSUE_PIPE=$I"
  [ "$P" != 0 ] && G+=" -GACC_PIPE=$P"
  D="-DCFG_ROWS=$R -DCFG_COLS=$C -DCFG_BUS=$B -DCFG_ASPAD=$AD -DCFG_WSPAD=$WD -DCFG_ACC=$CD -DCFG_PSETS=$PS"
  D+=" -DCFG_LANES=$L -DCFG_ABSENT=$A -DCFG_MUL=$M"
  hash="$( { verilator --version; echo "$G $D ${VFLAGS[*]}"; cat "${RTL[@]}" rtl/tb/top/*.cpp \
             rtl/tb/top/*.h build/gen/mica_isa.h "${REF_SRCS[@]}" include/*.h; } | sha256sum | cut -d' ' -f1)"
  if [ ! -x "$dir/tb_top" ] || [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$hash" ]; then
    rm -rf "$dir"
    # shellcheck disable=SC2086
    if ! verilator --cc --exe --build "${VFLAGS[@]}" \
         -CFLAGS "-O2 -std=c++17 -I$ROOT/build/gen -I$ROOT/include -I$ROOT/rtl/tb/top $D" $G \
         --Mdir "$dir" --top-module mica_top -o tb_top "${RTL[@]}" "$ROOT/rtl/tb/top/tb_top.cpp" "${REF_OBJS[@]}" \
         >"$OUT/$name.build.log" 2>&1; then
      echo "FAIL tb_top $name (build; see $OUT/$name.build.log)"; failures=$((failures + 1)); continue
    fi
    echo "$hash" >"$dir/.stamp"
  fi
  # Default: a nominal bus and a slow, often-stalled one; otherwise the given TB arguments.
  if [ ${#TB_ARGS[@]} -gt 0 ]; then RUNS=("${TB_ARGS[*]}"); else
    RUNS=("--seed 1" "--seed 2 --lat 1 24 --ready 40"); fi
  for i in "${!RUNS[@]}"; do
    log="$OUT/$name.run$i.log"
    # shellcheck disable=SC2086
    if "$dir/tb_top" ${RUNS[$i]} >"$log" 2>&1; then
      echo "PASS tb_top $name [${RUNS[$i]}]: $(tail -n 1 "$log")"
    else
      echo "FAIL tb_top $name [${RUNS[$i]}] (see $log)"; grep -m 5 FAIL "$log"
      failures=$((failures + 1))
    fi
  done
done
exit $((failures > 0))
