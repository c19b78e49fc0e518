// Mica requantization lane: int32 accumulator -> int8, bit-exact with TFLite.
//
// Fully pipelined, one result per cycle. Inputs are sampled when valid_i = 1; the result leaves
// on q_o with valid_o = 1 exactly LATENCY = 4 cycles later (PIPE: 11; input in cycle t -> output
// in cycle t + 4). round_i selects STORE.round: 0 double, 1 single, 2 real (LiteRT reference
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
// PIPE = 1 (REQ_PIPE, a board JSON accelerator.rtl parameter for FPGA timing; MUL_CYCLES = 1
// only) registers the inputs twice (the shift parameter's clamp and split between the two), the
// partial products of both multiplies, each step of real rounding and stage 4's rounded value: the
// same results, LATENCY = 4 + PIPE_STAGES = 12 (mica_store_lanes_mux follows; a STORE takes 8 more
// cycles than the cost model's estimate).
module mica_requant #(
  parameter bit          HAS_REAL   = 1'b1,
  parameter bit          HAS_SINGLE = 1'b1,  // 0: round 1 never arrives, the shift is fixed
  parameter int unsigned MUL_CYCLES = 1,  // 1 or 4
  parameter int unsigned PIPE       = 0    // 0 or 1
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

  // Stages PIPE adds: inputs, partial products, real rounding (mica_requant_real), stage 4.
  localparam int unsigned PIPE_IN    = (PIPE != 0) ? 2 : 0;
  localparam int unsigned PIPE_MUL   = (PIPE != 0) ? 1 : 0;
  localparam int unsigned PIPE_ROUND = (PIPE != 0) ? 4 : 0;
  localparam int unsigned PIPE_OUT   = (PIPE != 0) ? 1 : 0;
  // Documentation of the pipeline depth (MUL_CYCLES = 1); parents compute the same constant.
  /* verilator lint_off UNUSEDPARAM */
  localparam int unsigned PIPE_STAGES = PIPE_IN + PIPE_MUL + PIPE_ROUND + PIPE_OUT;
  localparam int unsigned LATENCY = 4 + PIPE_STAGES;
  /* verilator lint_on UNUSEDPARAM */

  // PIPE: the inputs are registered twice, the shift split computed between the two registers
  // (from flip-flops: the lane multiplexer's column select and the split's carry chains are then
  // on separate paths), so the stage-1 adds start from flip-flops with the split done.
  logic              valid_in;
  logic signed [31:0] acc_in, bias_in, mult_in;
  logic [20:0]        mult_lo_in;
  logic signed [7:0]  shift_in, z_out_in, act_min_in, act_max_in;
  logic [1:0]         round_in;
  logic [10:0]        split_in;   // PIPE: shift_split(shift, round) of the first register
  localparam int unsigned InW = 3*32 + 21 + 4*8 + 2;
  mica_delay #(.W(1), .N(PIPE_IN), .RESET(1'b1)) u_pipe_vin (
    .clk_i, .rst_ni, .d_i(valid_i), .q_o(valid_in)
  );
  if (PIPE_IN != 0) begin : g_in_piped
    logic [InW-1:0]    in1;
    logic signed [7:0] shift1;
    logic [1:0]        round1;
    mica_delay #(.W(InW), .N(1)) u_pipe_in1 (
      .clk_i, .rst_ni,
      .d_i({acc_i, bias_i, mult_i, mult_lo_i, z_out_i, act_min_i, act_max_i, shift_i, round_i}),
      .q_o(in1)
    );
    assign {shift1, round1} = in1[9:0];
    mica_delay #(.W(InW + 11), .N(PIPE_IN - 1)) u_pipe_in2 (
      .clk_i, .rst_ni,
      .d_i({in1, shift_split(shift1, round1)}),
      .q_o({acc_in, bias_in, mult_in, mult_lo_in, z_out_in, act_min_in, act_max_in, shift_in,
            round_in, split_in})
    );
  end else begin : g_in_direct
    assign {acc_in, bias_in, mult_in, mult_lo_in, shift_in, z_out_in, act_min_in, act_max_in,
            round_in} = {acc_i, bias_i, mult_i, mult_lo_i, shift_i, z_out_i, act_min_i, act_max_i,
                         round_i};
    assign split_in = '0;   // stage 1 splits the shift itself
  end

  // Output-side parameters travel with the data through stages 1..3, packed as
  // {real, single, rshift[5:0], z_out[7:0], act_min[7:0], act_max[7:0]} (rshift: double
  // rounding RDBPOT exponent 0..31, single rounding t = 31 - shift in 1..62).
  localparam int unsigned SideW = 32;
  logic [2:0]       valid_q;
  logic [SideW-1:0] side1_q, side1_r, side2_q, side2_r, side3_q;

  // ---- stage 1: bias add and left shift ----
  // The shift parameter's clamp to [-31, 30] and split into {lshift, rshift} (rshift as in
  // side). PIPE computes it between the two input registers: two carry chains in series less in
  // stage 1 (the ULX3S's critical path at 45 MHz), and none behind the lane multiplexer.
  function automatic logic [10:0] shift_split(input logic signed [7:0] shift, input logic [1:0] round);
    logic signed [7:0] shift_clamped;
    if (shift > 8'sd30) begin
      shift_clamped = 8'sd30;
    end else if (shift < -8'sd31) begin
      shift_clamped = -8'sd31;
    end else begin
      shift_clamped = shift;
    end
    if (round == mica_pkg::STORE_ROUND_SINGLE) begin
      // single rounding: no left shift, total right shift t = 31 - shift in [1, 62]
      shift_split = {5'd0, 6'(8'sd31 - shift_clamped)};
    end else if (shift_clamped > 0) begin
      shift_split = {shift_clamped[4:0], 6'd0};
    end else begin
      shift_split = {5'd0, 6'(-shift_clamped)};
    end
  endfunction
  // A function called only while valid_in (don't care otherwise): the same logic in hardware,
  // and the simulator (Verilator re-evaluates every combinational block at every clock edge)
  // evaluates it only in the cycles that take an input. Returns {x, rshift, mag, neg}: x = (acc + bias)
  // << lshift, rshift as in side, mag = |acc + bias| and its sign for real mode.
  function automatic logic [70:0] stage1(input logic signed [31:0] acc, input logic signed [31:0] bias,
                                         input logic [10:0] split);
    logic signed [31:0] x_sum;
    logic [4:0]         lshift;
    logic [5:0]         rshift;
    {lshift, rshift} = split;
    x_sum = acc + bias;
    // |INT32_MIN| = 2^31 fits 32 unsigned bits
    stage1 = {x_sum << lshift, rshift, x_sum[31] ? 32'(-x_sum) : 32'(x_sum), x_sum[31]};
  endfunction

  // Computed once into a signal (a concatenation target would call it once per part).
  logic [70:0] stage1_d;
  always_comb begin
    stage1_d = 'x;
    if (valid_in) begin
      stage1_d = stage1(acc_in, bias_in,
                        (PIPE_IN != 0) ? split_in : shift_split(shift_in, round_in));
    end
  end

  logic signed [31:0] x_q;
  logic signed [31:0] mult_q;

  // Real mode operands: magnitude, sign, m53, e.
  logic [31:0]        mag_q;
  logic               neg_q;
  logic [52:0]        m53_q;
  logic signed [7:0]  exp1_q;

  // ---- stage 2: 32 x 32 signed multiply ----
  logic signed [63:0] prod_d;
  logic               sat_d, mul_done;
  logic               valid_mul;  // stage-1 result after the PIPE partial-product register
  mica_delay #(.W(1), .N(PIPE_MUL), .RESET(1'b1)) u_pipe_vmul (
    .clk_i, .rst_ni, .d_i(valid_q[0]), .q_o(valid_mul)
  );
  // Four 16 x 16 pieces (low halves unsigned) {ll, lh, hl, hh} and their sum
  // {hh, ll} + (lh + hl) << 16. Functions: with PIPE = 0 the stage-2 register calls them under
  // its enable (as stage 1), with PIPE = 1 the pieces are registered first.
  function automatic logic [129:0] mul_pieces(input logic signed [31:0] x, input logic signed [31:0] m);
    logic        [31:0] p_ll;
    logic signed [32:0] p_lh, p_hl;
    logic signed [31:0] p_hh;
    p_ll = 32'(x[15:0]) * 32'(m[15:0]);
    p_lh = $signed({1'b0, x[15:0]}) * $signed(m[31:16]);
    p_hl = $signed(x[31:16]) * $signed({1'b0, m[15:0]});
    p_hh = $signed(x[31:16]) * $signed(m[31:16]);
    mul_pieces = {p_ll, p_lh, p_hl, p_hh};
  endfunction
  function automatic logic signed [63:0] mul_sum(input logic [129:0] pieces);
    logic        [31:0] p_ll;
    logic signed [32:0] p_lh, p_hl;
    logic signed [31:0] p_hh;
    {p_ll, p_lh, p_hl, p_hh} = pieces;
    mul_sum = $signed({p_hh, p_ll}) + ((64'(p_lh) + 64'(p_hl)) <<< 16);
  endfunction
  localparam bit MulInReg = (MUL_CYCLES == 1) && (PIPE_MUL == 0);
  if (MUL_CYCLES == 1) begin : g_mul_pipe
    // SRDHM saturates only for INT32_MIN * INT32_MIN (mult_i is >= 0 in practice).
    logic sat_m;
    assign sat_m = (x_q == 32'sh8000_0000) && (mult_q == 32'sh8000_0000);
    if (PIPE_MUL == 0) begin : g_mul_direct
      assign prod_d  = '0;   // MulInReg: the stage-2 register multiplies
      assign sat_d   = sat_m;
      assign side1_r = side1_q;
    end else begin : g_mul_piped
      logic [129:0] pieces_r;
      mica_delay #(.W(130 + 1 + SideW), .N(PIPE_MUL)) u_pipe_mul (
        .clk_i, .rst_ni, .d_i({mul_pieces(x_q, mult_q), sat_m, side1_q}),
        .q_o({pieces_r, sat_d, side1_r})
      );
      assign prod_d = mul_sum(pieces_r);
    end
    assign mul_done = valid_mul;
  end else begin : g_mul_iter
    mica_requant_mul4 u_mul (
      .clk_i, .rst_ni, .start_i(valid_q[0]), .a_i(x_q), .b_i(mult_q), .done_o(mul_done),
      .p_o(prod_d)
    );
    assign sat_d   = (x_q == 32'sh8000_0000) && (mult_q == 32'sh8000_0000);
    assign side1_r = side1_q;
    logic unused_mul;
    assign unused_mul = valid_mul;
  end

  logic signed [63:0] prod_q;
  logic               sat_q;
  logic               valid_rnd;   // stage-2 result after the PIPE rounding registers

  // ---- stage 3: first (or only) rounding ----
  logic signed [31:0] y_real;
  if (HAS_REAL) begin : g_real
    mica_requant_real #(.PIPE(PIPE)) u_real (
      .clk_i, .rst_ni, .en_i(mul_done), .mag_i(mag_q), .m53_i(m53_q), .neg_i(neg_q),
      .exp_i(exp1_q), .use_i(valid_rnd && side2_r[31]), .y_o(y_real)
    );
  end else begin : g_no_real
    assign y_real = '0;
    logic unused_real;
    assign unused_real = ^{mag_q, m53_q, neg_q, exp1_q};
  end

  // Double and single rounding: the rounding add, then (PIPE) a register, then the shift.
  // The two steps are functions: with PIPE = 0 the stage-3 register calls them under its enable
  // (the same logic in hardware; Verilator, which re-evaluates every combinational block at
  // every clock edge, then evaluates them only in the cycles that use them).
  function automatic logic signed [63:0] round_add_to(input logic signed [63:0] prod,
                                                      input logic single, input logic [5:0] rshift);
    logic signed [63:0] round_add;
    if (single) begin
      round_add = 64'sd1 <<< (rshift - 6'd1);
    end else if (prod >= 0) begin
      round_add = 64'sd1 <<< 30;
    end else begin
      round_add = 64'sd1 - (64'sd1 <<< 30);
    end
    round_add_to = prod + round_add;
  endfunction
  function automatic logic signed [31:0] round_shift(input logic signed [63:0] rounded,
                                                     input logic single, input logic [5:0] rshift,
                                                     input logic sat);
    // Only the low 32 bits are kept: TFLite truncates the shifted int64 to int32.
    /* verilator lint_off UNUSEDSIGNAL */
    logic signed [63:0] shifted;
    /* verilator lint_on UNUSEDSIGNAL */
    logic               trunc_fix;
    shifted = rounded >>> (single ? rshift : 6'd31);
    // C division truncates toward zero: a negative dividend with a remainder rounds up by one.
    trunc_fix = !single && rounded[63] && (rounded[30:0] != '0);
    round_shift = (!single && sat) ? 32'sh7fff_ffff : shifted[31:0] + {31'd0, trunc_fix};
  endfunction
  logic               single2;
  logic [5:0]         rshift2;
  assign single2 = HAS_SINGLE && side2_q[30];
  assign rshift2 = side2_q[29:24];
  logic signed [31:0] y_fixed;   // PIPE only (PIPE = 0: computed inside the y3 register)
  if (PIPE_ROUND == 0) begin : g_round_direct
    assign y_fixed = '0;
  end else begin : g_round_piped
    logic signed [63:0] rounded;
    logic               single2r, sat2r;
    logic [5:0]         rshift2r;
    mica_delay #(.W(64 + 1 + 6 + 1), .N(PIPE_ROUND / 4)) u_pipe_rnd (
      .clk_i, .rst_ni, .d_i({round_add_to(prod_q, single2, rshift2), single2, rshift2, sat_q}),
      .q_o({rounded, single2r, rshift2r, sat2r})
    );
    // The fixed-point result waits for real rounding's remaining steps.
    mica_delay #(.W(32), .N(PIPE_ROUND - PIPE_ROUND / 4)) u_pipe_fixed (
      .clk_i, .rst_ni, .d_i(round_shift(rounded, single2r, rshift2r, sat2r)), .q_o(y_fixed)
    );
  end
  mica_delay #(.W(1), .N(PIPE_ROUND), .RESET(1'b1)) u_pipe_vrnd (
    .clk_i, .rst_ni, .d_i(valid_q[1]), .q_o(valid_rnd)
  );
  mica_delay #(.W(SideW), .N(PIPE_ROUND)) u_pipe_side2 (
    .clk_i, .rst_ni, .d_i(side2_q), .q_o(side2_r)
  );
  logic signed [31:0] y3_d;
  assign y3_d = side2_r[31] ? y_real : y_fixed;

  logic signed [31:0] y3_q;

  // ---- stage 4: rounding divide by power of two, (PIPE: register,) zero point, clamp ----
  // Functions as in stage 3: with PIPE = 0 the output register calls them under its enable.
  // side3[31:24] = {real, single, rshift}
  function automatic logic signed [31:0] rdbpot(input logic signed [31:0] y3,
                                                input logic [7:0] side3);
    logic       single3, real3;
    logic [5:0] rshift3;
    logic [31:0]        rem_mask, remainder, threshold;
    logic signed [31:0] y_floor;
    real3   = side3[7];
    single3 = HAS_SINGLE && side3[6];
    rshift3 = side3[5:0];
    // In single mode the value is final; exponent 0 makes RDBPOT the identity.
    rem_mask  = (single3 || real3) ? 32'd0 : ((32'd1 << rshift3) - 32'd1);
    remainder = y3 & rem_mask;
    threshold = (rem_mask >> 1) + {31'd0, y3[31]};
    // Separate statement keeps the shift arithmetic (an unsigned addend would make it logical).
    y_floor   = y3 >>> ((single3 || real3) ? 6'd0 : rshift3);
    rdbpot    = y_floor + {31'd0, (remainder > threshold)};
  endfunction
  // side = {z_out, act_min, act_max}
  function automatic logic signed [7:0] add_zp_clamp(input logic signed [31:0] y4,
                                                     input logic [23:0] side);
    logic signed [31:0] with_zp, lo_bound, hi_bound, clamped;
    with_zp  = y4 + {{24{side[23]}}, side[23:16]};
    lo_bound = {{24{side[15]}}, side[15:8]};
    hi_bound = {{24{side[7]}}, side[7:0]};
    clamped  = (with_zp < lo_bound) ? lo_bound : with_zp;
    clamped  = (clamped > hi_bound) ? hi_bound : clamped;
    add_zp_clamp = clamped[7:0];
  endfunction
  logic valid_out4;
  mica_delay #(.W(1), .N(PIPE_OUT), .RESET(1'b1)) u_pipe_vout (
    .clk_i, .rst_ni, .d_i(valid_q[2]), .q_o(valid_out4)
  );
  logic signed [7:0] q_d;   // PIPE only (PIPE = 0: computed inside the output register)
  if (PIPE_OUT == 0) begin : g_out_direct
    assign q_d = '0;
  end else begin : g_out_piped
    logic signed [31:0] y4;
    logic [23:0]        side4;
    mica_delay #(.W(32 + 24), .N(PIPE_OUT)) u_pipe_out (
      .clk_i, .rst_ni, .d_i({rdbpot(y3_q, side3_q[31:24]), side3_q[23:0]}), .q_o({y4, side4})
    );
    assign q_d = add_zp_clamp(y4, side4);
  end

  logic               valid_out_q;
  logic signed [7:0]  q_q;

  // Valid pipeline (always advances) and side parameters (advance with their data).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q     <= '0;
      valid_out_q <= 1'b0;
    end else begin
      valid_q     <= {valid_rnd, mul_done, valid_in};
      valid_out_q <= valid_out4;
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
      prod_q  <= '0;
      sat_q   <= 1'b0;
      y3_q    <= '0;
      q_q     <= '0;
    end else begin
      if (valid_in) begin
        {x_q, side1_q[29:24], mag_q, neg_q} <= stage1_d;
        side1_q[31:30] <= {round_in == mica_pkg::STORE_ROUND_REAL, round_in == mica_pkg::STORE_ROUND_SINGLE};
        side1_q[23:0]  <= {z_out_in, act_min_in, act_max_in};
        mult_q  <= mult_in;
        m53_q   <= {mult_in, mult_lo_in};
        exp1_q  <= shift_in;
      end
      if (mul_done) begin
        side2_q <= side1_r;
        prod_q  <= MulInReg ? mul_sum(mul_pieces(x_q, mult_q)) : prod_d;
        sat_q   <= sat_d;
      end
      if (valid_rnd) begin
        side3_q <= side2_r;
        y3_q    <= (PIPE_ROUND == 0 && !side2_r[31])
                   ? round_shift(round_add_to(prod_q, single2, rshift2), single2, rshift2, sat_q)
                   : y3_d;
      end
      if (valid_out4) begin
        q_q <= (PIPE_OUT == 0) ? add_zp_clamp(rdbpot(y3_q, side3_q[31:24]), side3_q[23:0]) : q_d;
      end
    end
  end

  assign valid_o = valid_out_q;
  assign q_o     = q_q;

endmodule
