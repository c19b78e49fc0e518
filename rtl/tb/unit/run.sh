#!/usr/bin/env bash
# Builds and runs Mica's datapath unit testbenches (Verilator, self-checking).
#
#   rtl/tb/unit/run.sh [CONFIG...]      CONFIG = ROWSxCOLS for the array TB
#                                       (default: 4x4 8x8 16x16 4x8)
#   TBS="array requant sram" (env)      which testbenches to run (default: all three)
#
# Each TB builds into build/rtl_unit/<tb>_<cfg>/ and is rebuilt only when its sources, the
# generated package, the Verilator version or the flags change (hash stamp). Prints one
# PASS/FAIL line per TB and config; exits non-zero if any build or test fails.
set -u

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$ROOT" || exit 2
TB_DIR="$ROOT/rtl/tb/unit"
OUT="$ROOT/build/rtl_unit"
CONFIGS=("$@")
[ ${#CONFIGS[@]} -eq 0 ] && CONFIGS=(4x4 8x8 16x16 4x8)
TBS="${TBS:-requant sram array}"
SRAM_SHAPES=(72x64 8x5 512x1024)   # WIDTHxDEPTH
VFLAGS=(-Wall -O3 --x-assign fast --x-initial fast -MAKEFLAGS "OPT_FAST=-O2")

for cfg in "${CONFIGS[@]}"; do
  if ! [[ "$cfg" =~ ^[1-9][0-9]*x[1-9][0-9]*$ ]]; then
    echo "run.sh: bad config '$cfg' (expected ROWSxCOLS, e.g. 8x8)" >&2
    exit 2
  fi
done
command -v verilator >/dev/null || { echo "run.sh: verilator not found" >&2; exit 2; }
mkdir -p "$OUT"
python3 hw/gen.py hw/mica.json build/gen >/dev/null || { echo "run.sh: hw/gen.py failed" >&2; exit 2; }

failures=0

# build_and_run NAME TOP "RTL FILES" "TB CPP" "-G params" "-D defines" [TB args...]
build_and_run() {
  local name="$1" top="$2" rtl="$3" cpp="$4" gparams="$5" defines="$6"
  shift 6
  local dir="$OUT/$name" stamp hash
  # shellcheck disable=SC2086
  hash="$( { verilator --version; echo "$top $gparams $defines ${VFLAGS[*]}";
             cat $rtl "$cpp" "$TB_DIR/tb_common.h"; } | sha256sum | cut -d' ' -f1)"
  stamp="$dir/.stamp"
  if [ ! -x "$dir/tb" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$hash" ]; then
    rm -rf "$dir"
    # shellcheck disable=SC2086
    if ! verilator --cc --exe --build "${VFLAGS[@]}" -CFLAGS "-O2 -std=c++17 -I$(pwd)/include $defines" \
         $gparams --Mdir "$dir" --top-module "$top" -o tb $rtl "$cpp" \
         >"$OUT/$name.build.log" 2>&1; then
      echo "FAIL $name (build; see $OUT/$name.build.log)"
      failures=$((failures + 1))
      return
    fi
    echo "$hash" >"$stamp"
  fi
  local log="$OUT/$name.log"
  if "$dir/tb" "$@" >"$log" 2>&1; then
    echo "PASS $name: $(tail -n 1 "$log")"
  else
    echo "FAIL $name: $(tail -n 1 "$log") (log: $log)"
    failures=$((failures + 1))
  fi
}

PKG="build/gen/mica_pkg.sv"
for tb in $TBS; do
  case "$tb" in
    requant)
      build_and_run requant mica_requant "$PKG rtl/mica_delay.sv rtl/mica_requant.sv rtl/mica_requant_real.sv" "$TB_DIR/tb_requant.cpp" "" ""
      build_and_run requant_pipe mica_requant "$PKG rtl/mica_delay.sv rtl/mica_requant.sv rtl/mica_requant_real.sv" "$TB_DIR/tb_requant.cpp" "-GPIPE=1" "-DREQUANT_PIPE"
      build_and_run requant_lite mica_requant_lite "$PKG rtl/mica_requant_lite.sv" "$TB_DIR/tb_requant.cpp" "" "-DREQUANT_LITE"
      build_and_run requant_lite_pipe mica_requant_lite "$PKG rtl/mica_requant_lite.sv" "$TB_DIR/tb_requant.cpp" "-GPIPE=1" "-DREQUANT_LITE -DREQUANT_PIPE"
      ;;
    sram)
      for shape in "${SRAM_SHAPES[@]}"; do
        w="${shape%x*}"; d="${shape#*x}"
        build_and_run "sram_${shape}" mica_sram "rtl/mica_sram.sv" "$TB_DIR/tb_sram.cpp" \
          "-GWIDTH=$w -GDEPTH=$d" "-DWIDTH=$w -DDEPTH=$d"
      done
      ;;
    array)
      for cfg in "${CONFIGS[@]}"; do
        r="${cfg%x*}"; c="${cfg#*x}"
        build_and_run "array_${cfg}" mica_array "$PKG rtl/mica_pe.sv rtl/mica_array.sv" \
          "$TB_DIR/tb_array.cpp" "-GROWS=$r -GCOLS=$c" "-DROWS=$r -DCOLS=$c"
      done
      # iCEBreaker's mix: LUT multipliers except the first 3 PEs (ARRAY_DSP_PES)
      build_and_run array_2x2_lutmul mica_array "$PKG rtl/mica_pe.sv rtl/mica_array.sv" \
        "$TB_DIR/tb_array.cpp" "-GROWS=2 -GCOLS=2 -GLUT_MUL=1'b1 -GDSP_PES=3" "-DROWS=2 -DCOLS=2"
      ;;
    *)
      echo "run.sh: unknown testbench '$tb' (array, requant, sram)" >&2
      exit 2
      ;;
  esac
done

if [ "$failures" -ne 0 ]; then
  echo "run.sh: $failures failure(s)"
  exit 1
fi
echo "run.sh: all passed"
