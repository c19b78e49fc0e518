// Mica processing element: one int8 weight-stationary MAC cell of the systolic array.
//
// - Activation a (9-bit signed, already minus the input zero point) moves right one PE per cycle.
// - Partial sum moves down: psum_o = psum_i + a_i * w_active (int32, wrapping), registered.
// - Weights are double buffered: the shadow weight w_i is a register of the parent (mica_array
//   keeps a column's shadow weights together, so one write enable per column is evaluated per
//   cycle in simulation instead of one per PE); w_swap_i copies it into the PE's active weight at
//   the end of the cycle (the array times it per PE, see mica_array) while the PE computes with
//   the active weight.
// No valid bit travels with a: the a/psum registers load every cycle, so a bubble slot carries
// don't-care values, and mica_array times validity with one shared delay line.
// LUT_MUL = 1 writes the product as shifted partial products, so synthesis builds it from LUTs
// and adders instead of a DSP block (a small FPGA whose DSPs the requantization lanes need).
module mica_pe #(
  parameter bit LUT_MUL = 1'b0
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // activation from the left neighbour (or the skew line)
  input  logic signed [8:0] a_i,
  // partial sum from the PE above (0 for row 0)
  input  logic [31:0]       psum_i,
  // shadow weight (a register of the parent) and shadow -> active swap
  input  logic [7:0]        w_i,
  input  logic              w_swap_i,
  // to the right neighbour
  output logic signed [8:0] a_o,
  // to the PE below
  output logic [31:0]       psum_o
);

  logic signed [8:0]  a_q;
  logic [31:0]        psum_q;
  // The active weight is kept sign-extended to 32 bits: Verilator then multiplies it as it is
  // instead of re-extending 8 bits in every PE every cycle (it changes only at a swap). The upper
  // bits are copies of bit 7 with the same D input, which synthesis merges into one flip-flop.
  logic signed [31:0] w_active_q;
  logic signed [31:0] product32;
  logic [31:0]        psum_d;

  // 9b x 8b signed product fits 17 bits; sign-extended to 32 bits for the add.
  if (LUT_MUL) begin : g_lut_mul
    logic signed [16:0] product;
    // w = -w[7]*2^7 + sum w[i]*2^i (two's complement), each term a shifted copy of a.
    always_comb begin
      product = w_active_q[7] ? -(17'(a_i) <<< 7) : 17'sd0;
      for (int i = 0; i < 7; i++) if (w_active_q[i]) product = product + (17'(a_i) <<< i);
    end
    assign product32 = 32'(product);
  end else begin : g_mul
    // The multiply written at 32 bits (operands sign-extended): the same product, and Verilator
    // simulates it as one int multiply instead of masking and re-extending a 17-bit result.
    assign product32 = 32'(a_i) * w_active_q;
  end
  assign psum_d  = psum_i + product32;

  // Datapath registers: no reset and no enable. Their value in a bubble slot is never used,
  // and a plain register is both the smallest cell and the fastest to simulate.
  always_ff @(posedge clk_i) begin
    a_q    <= a_i;
    psum_q <= psum_d;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      w_active_q <= '0;
    end else if (w_swap_i) begin
      w_active_q <= 32'(signed'(w_i));
    end
  end

  assign a_o       = a_q;
  assign psum_o    = psum_q;

endmodule
