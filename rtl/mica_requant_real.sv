// Real-mode requantization (STORE.round = 2): the 32 x 53 multiply and the rounding core.
//
// LiteRT's reference FULLY_CONNECTED computes std::round(double(acc) * M_real). With
// M_real = m53 * 2^(exp - 53) (53-bit mantissa, frexp exponent), and prod = |acc| * m53 exact:
//   1. the double multiply rounds prod to 53 significant bits, ties to even: with d = the bits
//      dropped, p2 = prod rounded to a multiple of 2^d;
//   2. std::round rounds p2 * 2^(exp - 53) half away from zero: with S = 53 - exp,
//      n = (p2 + 2^(S-1)) >> S on the magnitude (the absolute position S does not depend on d);
//   3. the sign is applied and the result saturates to int32; s = S - d <= 0 saturates (as
//      mica_mul_real does: the value is >= 2^52 for a normalized m53).
// The bit length of prod is L + Lm - 1 or L + Lm (L, Lm: bit lengths of |acc| and m53, found
// beside the multiply), so d needs one bit of prod, not a priority encoder over all 85.
// Bit-exact with mica_mul_real() in include/mica_fixedpoint.h.
//
// Timing: inputs are mica_requant's stage-1 registers; the product is captured with en_i (its
// stage-2 register); y_o is combinational, for its stage-3 register. PIPE = 1 (REQ_PIPE, board
// timing) adds a register after the partial products (PIPE_MUL) and after each of the four
// rounding steps (PIPE_ROUND): the caller delays its other paths and valid bits to match.
module mica_requant_real #(
  parameter int unsigned PIPE = 0  // 0 or 1
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               en_i,
  input  logic [31:0]        mag_i,
  input  logic [52:0]        m53_i,
  input  logic               neg_i,
  input  logic signed [7:0]  exp_i,
  output logic signed [31:0] y_o
);
  // Documentation of the added stages; mica_requant counts them with the same constants.
  /* verilator lint_off UNUSEDPARAM */
  localparam int unsigned PIPE_MUL   = (PIPE != 0) ? 1 : 0;
  localparam int unsigned PIPE_ROUND = (PIPE != 0) ? 4 : 0;
  /* verilator lint_on UNUSEDPARAM */

  // Bit length of x (0 for x = 0) as a tree of 2:1 selections, not a priority chain.
  function automatic logic [6:0] bitlen64(input logic [63:0] x);
    logic [63:0]   nz;
    logic [447:0]  len;   // 64 x 7 bits
    nz = x;
    for (int i = 0; i < 64; i++) len[7*i +: 7] = 7'(i + 1);
    for (int w = 32; w >= 1; w = w / 2) begin
      for (int i = 0; i < w; i++) begin
        len[7*i +: 7] = nz[2*i+1] ? len[7*(2*i+1) +: 7] : len[7*(2*i) +: 7];
        nz[i]         = nz[2*i+1] | nz[2*i];
      end
    end
    bitlen64 = nz[0] ? len[6:0] : 7'd0;
  endfunction

  // ---- partial products (16 x 16 pieces, one DSP each) and the operands' bit lengths ----
  // pp: piece (i, j) = mag[16i +: 16] * m53[16j +: 16] at 32*(3i + j); pp3: m53[52:48]
  logic [191:0] pp_d, pp_r;
  logic [41:0]  pp3_d, pp3_r;
  for (genvar i = 0; i < 2; i++) begin : g_pp
    for (genvar j = 0; j < 3; j++) begin : g_col
      assign pp_d[32*(3*i+j) +: 32] = 32'(mag_i[16*i +: 16]) * 32'(m53_i[16*j +: 16]);
    end
    assign pp3_d[21*i +: 21] = 21'(mag_i[16*i +: 16]) * 21'(m53_i[52:48]);
  end

  // pre: what rounding needs besides prod, known from the operands alone:
  // {base = L+Lm-1, dropA/B = drop if prod's top bit is base / base+1, satA/B, zero, Sc, neg}
  localparam int unsigned PreW = 7 + 6 + 6 + 1 + 1 + 1 + 7 + 1;
  logic [PreW-1:0] pre_d;
  always_comb begin
    logic [6:0] l_mag, l_m;
    logic signed [9:0] sum_l, drop_a, drop_b, s_abs;
    logic [6:0] s_c;
    logic zero;
    l_mag  = bitlen64(64'(mag_i));
    l_m    = bitlen64(64'(m53_i));
    zero   = (l_mag == '0) || (l_m == '0);
    sum_l  = 10'(l_mag) + 10'(l_m);
    drop_a = (sum_l > 10'sd54) ? sum_l - 10'sd54 : 10'sd0;   // bit length sum_l - 1
    drop_b = (sum_l > 10'sd53) ? sum_l - 10'sd53 : 10'sd0;   // bit length sum_l
    s_abs  = 10'sd53 - 10'(exp_i);
    s_c    = (s_abs < 10'sd1) ? 7'd1 : ((s_abs > 10'sd88) ? 7'd88 : 7'(s_abs));
    pre_d  = {7'(sum_l - 10'sd1), 6'(drop_a), 6'(drop_b), !zero && s_abs <= drop_a,
              !zero && s_abs <= drop_b, zero, s_c, neg_i};
  end

  logic [PreW-1:0] pre_r;
  mica_delay #(.W(192 + 42 + PreW), .N(PIPE_MUL)) u_pipe_mul (
    .clk_i, .rst_ni, .d_i({pp_d, pp3_d, pre_d}), .q_o({pp_r, pp3_r, pre_r})
  );

  // ---- product: two rows (even pieces concatenate, odd ones add), then their sum ----
  logic [68:0] row0, row1;
  assign row0 = 69'({pp_r[64 +: 32], pp_r[0 +: 32]}) + (69'({pp3_r[0 +: 21], pp_r[32 +: 32]}) << 16);
  assign row1 = 69'({pp_r[160 +: 32], pp_r[96 +: 32]}) +
                (69'({pp3_r[21 +: 21], pp_r[128 +: 32]}) << 16);
  logic [84:0]     prod_d, prod_q;
  logic [PreW-1:0] pre_q;
  assign prod_d = 85'(row0) + (85'(row1) << 16);
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      prod_q <= prod_d;
      pre_q  <= pre_r;
    end
  end

  // ---- 1: the dropped bit count and the ties-to-even increment ----
  logic [6:0]  base;
  logic [5:0]  drop_a, drop_b;
  logic        sat_a, sat_b, zero1;
  logic [6:0]  s_c1;
  logic        neg1;
  assign {base, drop_a, drop_b, sat_a, sat_b, zero1, s_c1, neg1} = pre_q;
  logic [32:0] clr1, inc1;        // clr: the 2^d - 1 low bits that rounding clears
  logic        sat1;
  always_comb begin
    logic hi, kbit;
    logic [5:0] drop;
    hi    = prod_q[base];
    drop  = hi ? drop_b : drop_a;
    kbit  = hi ? prod_q[7'(drop_b)] : prod_q[7'(drop_a)];
    clr1  = (33'd1 << drop) - 33'd1;
    // 2^(d-1) - 1 + kept bit 0: an exact half rounds up only to an even result
    inc1  = kbit ? (clr1 & ~(clr1 >> 1)) : (clr1 >> 1);
    sat1  = !zero1 && (hi ? sat_b : sat_a);
  end
  logic [84:0] prod2;
  logic [32:0] clr2, inc2;
  logic        sat2, neg2;
  logic [6:0]  s_c2;
  mica_delay #(.W(85 + 33 + 33 + 1 + 1 + 7), .N(PIPE_ROUND / 4)) u_pipe_r1 (
    .clk_i, .rst_ni, .d_i({prod_q, clr1, inc1, sat1, neg1, s_c1}),
    .q_o({prod2, clr2, inc2, sat2, neg2, s_c2})
  );

  // ---- 2: round to 53 significant bits (a carry may reach bit 85) ----
  logic [85:0] p2_d, p2;
  logic        sat3, neg3;
  logic [6:0]  s_c3;
  assign p2_d = (86'(prod2) + 86'(inc2)) & ~(86'(clr2));
  mica_delay #(.W(86 + 1 + 1 + 7), .N(PIPE_ROUND / 4)) u_pipe_r2 (
    .clk_i, .rst_ni, .d_i({p2_d, sat2, neg2, s_c2}), .q_o({p2, sat3, neg3, s_c3})
  );

  // ---- 3: add half of the final step (S <= 88: p2 <= 2^85 gives 0 beyond) ----
  logic [87:0] t_d, t;
  logic        sat4, neg4;
  logic [6:0]  s_c4;
  assign t_d = 88'(p2) + (88'd1 << (s_c3 - 7'd1));
  mica_delay #(.W(88 + 1 + 1 + 7), .N(PIPE_ROUND / 4)) u_pipe_r3 (
    .clk_i, .rst_ni, .d_i({t_d, sat3, neg3, s_c3}), .q_o({t, sat4, neg4, s_c4})
  );

  // ---- 4: the final shift; magnitudes of 2^33 and more only saturate ----
  logic [87:0] shifted;
  logic [32:0] mag4_d, mag5;
  logic        big4_d, big5, sat5, neg5;
  assign shifted = t >> s_c4;
  assign mag4_d  = shifted[32:0];
  assign big4_d  = |shifted[87:33];
  mica_delay #(.W(33 + 1 + 1 + 1), .N(PIPE_ROUND / 4)) u_pipe_r4 (
    .clk_i, .rst_ni, .d_i({mag4_d, big4_d, sat4, neg4}), .q_o({mag5, big5, sat5, neg5})
  );

  // ---- 5: sign and int32 saturation ----
  always_comb begin
    if (!neg5) begin
      y_o = (sat5 || big5 || mag5 > 33'd2147483647) ? 32'sh7fff_ffff : 32'(mag5);
    end else begin
      y_o = (sat5 || big5 || mag5 > 33'd2147483648) ? 32'sh8000_0000 : 32'(-mag5);
    end
  end

endmodule
