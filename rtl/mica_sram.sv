// Mica SRAM macro: 1 write port, 1 read port, synchronous read with 1-cycle latency.
//
// Behavioural model for simulation. In synthesis it stands for a foundry SRAM macro and is kept
// as a black box: read it with `read_verilog -sv -lib rtl/mica_sram.sv` (Yosys then keeps only
// the port list and derives port widths per parameter set), or define MICA_SRAM_BLACKBOX, which
// adds the `(* blackbox *)` attribute so a plain `read_verilog -sv -DMICA_SRAM_BLACKBOX` works too.
//
// Timing: rdata_o holds the row read in the last cycle with re_i = 1. A read of the address
// written in the same cycle returns the OLD contents (read-before-write), as most single-clock
// two-port macros do. Contents are not reset (like a real macro).
// FPGA synthesis (no_rw_check): a same-cycle read and write of one address returns undefined data
// instead of the old row, so Yosys maps the array to block RAM without collision logic (on the
// iCE40 a 64-bit ACC copy was 138 flip-flops + 71 LUTs of it). No correct program depends on it:
// the ACC read-modify-write forwards such a row (mica_matmul_unit) and every other read of a row
// written in the same cycle is a hazard the wait masks exclude.
`ifdef MICA_SRAM_BLACKBOX
(* blackbox *)
`endif
module mica_sram #(
  parameter int unsigned WIDTH = 32,
  parameter int unsigned DEPTH = 1024
) (
  input  logic                     clk_i,
  input  logic                     we_i,
  input  logic [$clog2(DEPTH)-1:0] waddr_i,
  input  logic [WIDTH-1:0]         wdata_i,
  input  logic                     re_i,
  input  logic [$clog2(DEPTH)-1:0] raddr_i,
  output logic [WIDTH-1:0]         rdata_o
);

  (* no_rw_check *) logic [WIDTH-1:0] mem_q [DEPTH];
  logic [WIDTH-1:0] rdata_q;

  // Non-blocking write and read in the same block: a same-address read sees the old row.
  always_ff @(posedge clk_i) begin
    if (we_i) begin
      mem_q[waddr_i] <= wdata_i;
    end
    if (re_i) begin
      rdata_q <= mem_q[raddr_i];
    end
  end

  assign rdata_o = rdata_q;

endmodule
