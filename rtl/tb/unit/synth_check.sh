#!/usr/bin/env bash
# Lint (verilator -Wall) and Yosys latch/structure check of Mica's datapath modules.
#   rtl/tb/unit/synth_check.sh      logs: build/yosys/<module>.log
# Fails if lint warns, Yosys errors, `check -assert` finds a problem, or any latch is inferred.
# mica_sram is read with `read_verilog -lib` (black box, as an SRAM macro) in a small parent.
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$ROOT" || exit 2
python3 hw/gen.py hw/mica.json build/gen >/dev/null || { echo "synth_check: gen.py failed" >&2; exit 2; }
mkdir -p build/yosys
PKG=build/gen/mica_pkg.sv
fail=0
NOLATCH='select -assert-none t:$dlatch t:$adlatch t:$dlatchsr t:$_DLATCH_* t:$_DLATCHSR_*'

lint() {  # lint NAME ARGS...
  local name="$1"; shift
  if verilator --lint-only -Wall "$@" >"build/yosys/lint_$name.log" 2>&1; then
    echo "PASS lint $name"
  else
    echo "FAIL lint $name (build/yosys/lint_$name.log)"; fail=1
  fi
}

synth() {  # synth NAME "yosys commands"
  local name="$1" cmds="$2"
  if yosys -q -l "build/yosys/$name.log" -p "$cmds; check -assert; $NOLATCH; stat" >/dev/null 2>&1; then
    echo "PASS yosys $name: $(grep -m1 'Number of cells' "build/yosys/$name.log" | tr -s ' ')"
  else
    echo "FAIL yosys $name (build/yosys/$name.log)"; fail=1
  fi
}

lint sram rtl/mica_sram.sv
lint pe rtl/mica_pe.sv
lint requant rtl/mica_requant.sv rtl/mica_requant_real.sv
for cfg in 4x4 8x8 16x16 4x8; do
  lint "array_$cfg" "$PKG" rtl/mica_pe.sv rtl/mica_array.sv --top-module mica_array \
    -GROWS="${cfg%x*}" -GCOLS="${cfg#*x}"
done

synth pe "read_verilog -sv $PKG rtl/mica_pe.sv; synth -top mica_pe"
synth requant "read_verilog -sv $PKG rtl/mica_requant.sv rtl/mica_requant_real.sv; synth -top mica_requant"
synth array_4x4 "read_verilog -sv $PKG rtl/mica_pe.sv rtl/mica_array.sv; \
  chparam -set ROWS 4 -set COLS 4 mica_array; synth -flatten -top mica_array"
# SRAM as a black-box macro inside a parent using two parameter sets.
cat >build/yosys/sram_parent.sv <<'SV'
module sram_parent (
  input  logic clk_i, we_i, re_i,
  input  logic [11:0] addr_i,
  input  logic [127:0] wdata_i,
  output logic [127:0] rdata_a_o,
  output logic [31:0]  rdata_b_o
);
  mica_sram #(.WIDTH(128), .DEPTH(4096)) u_a (.clk_i, .we_i, .waddr_i(addr_i), .wdata_i,
    .re_i, .raddr_i(addr_i), .rdata_o(rdata_a_o));
  mica_sram #(.WIDTH(32), .DEPTH(64)) u_b (.clk_i, .we_i, .waddr_i(addr_i[5:0]),
    .wdata_i(wdata_i[31:0]), .re_i, .raddr_i(addr_i[5:0]), .rdata_o(rdata_b_o));
endmodule
SV
synth sram_blackbox "read_verilog -sv -lib rtl/mica_sram.sv; \
  read_verilog -sv build/yosys/sram_parent.sv; synth -top sram_parent; \
  select -assert-count 2 t:mica_sram"
exit $fail
