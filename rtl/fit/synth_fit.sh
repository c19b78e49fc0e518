#!/bin/bash
# Fit measurement: Yosys synth_ice40 -dsp (UP5K) or synth_ecp5 (85F) of one module with
# parameters, mica_sram black-boxed. Prints one line: target module params LUT FF DSP carry.
# usage: rtl/fit/synth_fit.sh ice40|ecp5 MODULE [PARAM=VALUE ...]
set -euo pipefail
target=$1; mod=$2; shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build/fit; mkdir -p "$out"
tag="$target-$mod-$(echo "$*" | tr ' =' '_-')"
chparams=""; for p in "$@"; do chparams+=" -set ${p%%=*} ${p#*=}"; done
rtl=$(ls "$root"/rtl/*.sv | grep -v mica_sram.sv | tr "\n" " ")
case $target in
  ice40) synth="synth_ice40 -dsp -top $mod" ;;
  ecp5)  synth="synth_ecp5 -top $mod" ;;
  *) echo "synth_fit: target '$target' is not ice40 or ecp5" >&2; exit 2 ;;
esac
{ echo "read_verilog -sv -lib $root/rtl/mica_sram.sv"
  echo "read_verilog -sv $root/build/gen/mica_pkg.sv $rtl"
  [ -n "$chparams" ] && echo "chparam$chparams $mod"
  echo "hierarchy -check -top $mod"
  echo "$synth"
  echo "tee -o $out/$tag.stat stat"; } > "$out/$tag.ys"
yosys -q -l "$out/$tag.log" -s "$out/$tag.ys" > /dev/null || { echo "synth_fit: yosys failed: $out/$tag.log" >&2; exit 1; }
s=$out/$tag.stat
cnt() { awk -v c="$1" '$1==c {n+=$2} END {print n+0}' "$s"; }
ff=$(awk '$1 ~ /^(SB_DFF|TRELLIS_FF)/ {n+=$2} END {print n+0}' "$s")
if [ "$target" = ice40 ]; then
  echo "$target $mod $* LUT4=$(cnt SB_LUT4) CARRY=$(cnt SB_CARRY) FF=$ff DSP=$(cnt SB_MAC16) EBR=$(cnt SB_RAM40_4K)"
else
  echo "$target $mod $* LUT4=$(cnt LUT4) CCU2C=$(cnt CCU2C) FF=$ff MULT18=$(cnt MULT18X18D) DP16KD=$(cnt DP16KD)"
fi
