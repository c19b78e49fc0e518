// Mica requantization lane: int32 accumulator -> int8, bit-exact with TFLite.
//
// Fully pipelined, one result per cycle. Inputs are sampled when valid_i = 1; the result leaves
// on q_o with valid_o = 1 exactly LATENCY = 4 cycles later (input in cycle t -> output in cycle
// t + 4). round_i selects STORE.round: 0 double, 1 single, 2 real (LiteRT reference
// FULLY_CONNECTED: std::round of a double multiply). Stages:
//   1: x = acc + bias (int32 wrap); double rounding: x <<= max(shift, 0) (int32 wrap);
//      real: |x| and its sign, the 53-bit multiplier {mult, mult_lo}
//   2: p = x * mult (signed 32 x 32 -> 64); real: |x| * m53 (unsigned 32 x 53 -> 85)
//   3: double: s = SRDHM(x, mult) = (p + nudge) / 2^31 truncated toward zero, saturated
//      single: y = int32((p + 2^(t-1)) >> t), t = 31 - shift
//      real: see mica_requant_real (round to 53 bits, ties even; round half away; saturate)
//   4: double: y = RDBPOT(s, max(-shift, 0)); then q = clamp(y + z_out, act_min, act_max)
// Arithmetic is hw/ARCHITECTURE.md section 7. shift_i outside [-31, 30] is clamped to it (TFLite
// never produces one). The clamp is min(max(v, act_min), act_max), as TFLite applies it, so
// act_min > act_max gives act_max. HAS_REAL = 0 leaves out the real-mode multiplier and core
// (hw/mica.json feature ROUND_REAL; the decoder rejects round 2 then, so it never arrives).
// MUL_CYCLES = 4 computes stage 2's 32 x 32 product in 4 cycles on one 16 x 16 multiplier
// (magnitudes, then the sign): one DSP instead of four; the lane then takes an input at most
// every 4 cycles and its latency is 3 + MUL_CYCLES (the STORE unit spaces its inputs).
module mica_requant #(
  parameter bit          HAS_REAL   = 1'b1,
  parameter bit          HAS_SINGLE = 1'b1,  // 0: round 1 never arrives, the shift is fixed
  parameter int unsigned MUL_CYCLES = 1   // 1 or 4
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              valid_i,
  input  logic signed [31:0] acc_i,
  input  logic signed [31:0] bias_i,
  input  logic signed [31:0] mult_i,
  input  logic [20:0]        mult_lo_i,  // real mode: low bits of the 53-bit multiplier
  input  logic signed [7:0]  shift_i,
  input  logic [1:0]         round_i,
  input  logic signed [7:0]  z_out_i,
  input  logic signed [7:0]  act_min_i,
  input  logic signed [7:0]  act_max_i,
  output logic              valid_o,
  output logic signed [7:0]  q_o
);

  // Documentation of the pipeline depth; parents instantiate with the same constant.
  /* verilator lint_off UNUSEDPARAM */
  localparam int unsigned LATENCY = 4;
  /* verilator lint_on UNUSEDPARAM */

  // Output-side parameters travel with the data through stages 1..3, packed as
  // {real, single, rshift[5:0], z_out[7:0], act_min[7:0], act_max[7:0]} (rshift: double
  // rounding RDBPOT exponent 0..31, single rounding t = 31 - shift in 1..62).
  localparam int unsigned SideW = 32;
  logic [2:0]       valid_q;
  logic [SideW-1:0] side1_q, side2_q, side3_q;

  logic       single2, single3, real2, real3;
  logic [5:0] rshift2, rshift3;
  logic [7:0] z_out3, act_min3, act_max3;
  assign real2   = side2_q[31];
  assign single2 = HAS_SINGLE && side2_q[30];
  assign rshift2 = side2_q[29:24];
  logic single3_q;
  assign {real3, single3_q, rshift3, z_out3, act_min3, act_max3} = side3_q;
  assign single3 = HAS_SINGLE && single3_q;

  // ---- stage 1: bias add and left shift ----
  logic signed [7:0]  shift_clamped;
  logic signed [31:0] x_sum;
  logic [4:0]         lshift;
  logic [5:0]         rshift_d;
  logic signed [31:0] x_d;

  always_comb begin
    if (shift_i > 8'sd30) begin
      shift_clamped = 8'sd30;
    end else if (shift_i < -8'sd31) begin
      shift_clamped = -8'sd31;
    end else begin
      shift_clamped = shift_i;
    end
    x_sum = acc_i + bias_i;
    if (round_i == mica_pkg::STORE_ROUND_SINGLE) begin
      // single rounding: no left shift, total right shift t = 31 - shift in [1, 62]
      lshift   = '0;
      rshift_d = 6'(8'sd31 - shift_clamped);
    end else if (shift_clamped > 0) begin
      lshift   = shift_clamped[4:0];
      rshift_d = '0;
    end else begin
      lshift   = '0;
      rshift_d = 6'(-shift_clamped);
    end
    x_d = x_sum << lshift;
  end

  logic signed [31:0] x_q;
  logic signed [31:0] mult_q;

  // Real mode operands: magnitude (|INT32_MIN| = 2^31 fits 32 unsigned bits), sign, m53, e.
  logic [31:0]        mag_d, mag_q;
  logic               neg_q;
  logic [52:0]        m53_q;
  logic signed [7:0]  exp1_q, exp2_q;
  assign mag_d = x_sum[31] ? 32'(-x_sum) : 32'(x_sum);
  logic [84:0]        prod_real_d, prod_real_q;
  logic               neg2_q;
  if (HAS_REAL) begin : g_real_mul
    assign prod_real_d = 85'(mag_q) * 85'(m53_q);
  end else begin : g_no_real_mul
    assign prod_real_d = '0;
    logic unused_real;
    assign unused_real = ^{mag_q, m53_q};
  end

  // ---- stage 2: 32 x 32 signed multiply ----
  logic signed [63:0] prod_d;
  logic               sat_d, mul_done;
  if (MUL_CYCLES == 1) begin : g_mul_pipe
    assign prod_d   = x_q * mult_q;
    assign mul_done = valid_q[0];
  end else begin : g_mul_iter
    mica_requant_mul4 u_mul (
      .clk_i, .rst_ni, .start_i(valid_q[0]), .a_i(x_q), .b_i(mult_q), .done_o(mul_done),
      .p_o(prod_d)
    );
  end
  // SRDHM saturates only for INT32_MIN * INT32_MIN (mult_i is >= 0 in practice).
  assign sat_d  = (x_q == 32'sh8000_0000) && (mult_q == 32'sh8000_0000);

  logic signed [63:0] prod_q;
  logic               sat_q;

  // ---- stage 3: first (or only) rounding ----
  logic signed [63:0] round_add;
  logic signed [63:0] rounded;
  // Only the low 32 bits are kept: TFLite truncates the shifted int64 to int32.
  /* verilator lint_off UNUSEDSIGNAL */
  logic signed [63:0] shifted;
  /* verilator lint_on UNUSEDSIGNAL */
  logic               trunc_fix;
  logic signed [31:0] y3_d;
  logic signed [31:0] y_real;

  if (HAS_REAL) begin : g_real
    mica_requant_real u_real (
      .prod_i (prod_real_q),
      .neg_i  (neg2_q),
      .exp_i  (exp2_q),
      .y_o    (y_real)
    );
  end else begin : g_no_real
    assign y_real = '0;
    logic unused_real2;
    assign unused_real2 = ^{prod_real_q, neg2_q, exp2_q};
  end

  always_comb begin
    if (single2) begin
      round_add = 64'sd1 <<< (rshift2 - 6'd1);
    end else if (prod_q >= 0) begin
      round_add = 64'sd1 <<< 30;
    end else begin
      round_add = 64'sd1 - (64'sd1 <<< 30);
    end
    rounded = prod_q + round_add;
    shifted = rounded >>> (single2 ? rshift2 : 6'd31);
    // C division truncates toward zero: a negative dividend with a remainder rounds up by one.
    trunc_fix = !single2 && rounded[63] && (rounded[30:0] != '0);
    if (real2) begin
      y3_d = y_real;
    end else if (!single2 && sat_q) begin
      y3_d = 32'sh7fff_ffff;
    end else begin
      y3_d = shifted[31:0] + {31'd0, trunc_fix};
    end
  end

  logic signed [31:0] y3_q;

  // ---- stage 4: rounding divide by power of two, zero point, clamp ----
  logic [31:0]        rem_mask;
  logic [31:0]        remainder;
  logic [31:0]        threshold;
  logic signed [31:0] y_floor;
  logic signed [31:0] y4;
  logic signed [31:0] with_zp;
  logic signed [31:0] lo_bound;
  logic signed [31:0] hi_bound;
  logic signed [31:0] clamped;
  logic signed [7:0]  q_d;

  always_comb begin
    // In single mode the value is final; exponent 0 makes RDBPOT the identity.
    rem_mask  = (single3 || real3) ? 32'd0 : ((32'd1 << rshift3) - 32'd1);
    remainder = y3_q & rem_mask;
    threshold = (rem_mask >> 1) + {31'd0, y3_q[31]};
    // Separate statement keeps the shift arithmetic (an unsigned addend would make it logical).
    y_floor   = y3_q >>> ((single3 || real3) ? 6'd0 : rshift3);
    y4        = y_floor + {31'd0, (remainder > threshold)};
    with_zp   = y4 + {{24{z_out3[7]}}, z_out3};
    lo_bound  = {{24{act_min3[7]}}, act_min3};
    hi_bound  = {{24{act_max3[7]}}, act_max3};
    clamped   = (with_zp < lo_bound) ? lo_bound : with_zp;
    clamped   = (clamped > hi_bound) ? hi_bound : clamped;
    q_d       = clamped[7:0];
  end

  logic               valid_out_q;
  logic signed [7:0]  q_q;

  // Valid pipeline (always advances) and side parameters (advance with their data).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q     <= '0;
      valid_out_q <= 1'b0;
    end else begin
      valid_q     <= {valid_q[1], mul_done, valid_i};
      valid_out_q <= valid_q[2];
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      side1_q <= '0;
      side2_q <= '0;
      side3_q <= '0;
      x_q     <= '0;
      mult_q  <= '0;
      mag_q   <= '0;
      neg_q   <= 1'b0;
      m53_q   <= '0;
      exp1_q  <= '0;
      exp2_q  <= '0;
      neg2_q  <= 1'b0;
      prod_real_q <= '0;
      prod_q  <= '0;
      sat_q   <= 1'b0;
      y3_q    <= '0;
      q_q     <= '0;
    end else begin
      if (valid_i) begin
        side1_q <= {round_i == mica_pkg::STORE_ROUND_REAL, round_i == mica_pkg::STORE_ROUND_SINGLE, rshift_d, z_out_i, act_min_i, act_max_i};
        x_q     <= x_d;
        mult_q  <= mult_i;
        mag_q   <= mag_d;
        neg_q   <= x_sum[31];
        m53_q   <= {mult_i, mult_lo_i};
        exp1_q  <= shift_i;
      end
      if (mul_done) begin
        side2_q <= side1_q;
        prod_q  <= prod_d;
        sat_q   <= sat_d;
        prod_real_q <= prod_real_d;
        neg2_q  <= neg_q;
        exp2_q  <= exp1_q;
      end
      if (valid_q[1]) begin
        side3_q <= side2_q;
        y3_q    <= y3_d;
      end
      if (valid_q[2]) begin
        q_q <= q_d;
      end
    end
  end

  assign valid_o = valid_out_q;
  assign q_o     = q_q;

endmodule
