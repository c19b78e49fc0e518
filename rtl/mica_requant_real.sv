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
// stage-2 register); y_o is combinational, for its stage-3 register (PIPE = 0: valid only while
// use_i, the cycles that register it). PIPE = 1 (REQ_PIPE, board
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
  input  logic               use_i,   // PIPE = 0: the caller takes y_o (else it is don't care)
  output logic signed [31:0] y_o
);
  // Documentation of the added stages; mica_requant counts them with the same constants.
  /* verilator lint_off UNUSEDPARAM */
  localparam int unsigned PIPE_MUL   = (PIPE != 0) ? 1 : 0;
  localparam int unsigned PIPE_ROUND = (PIPE != 0) ? 4 : 0;
  /* verilator lint_on UNUSEDPARAM */

  // {x != 0, index of x's top set bit}: a binary search halving the window at each step (six
  // 2:1 selections of shrinking width; the test results are the index bits). Word-sized
  // operations for Verilator too: the earlier 64 x 7-bit select tree simulated as 448-bit
  // vectors and was most of the simulator's time per cycle.
  function automatic logic [6:0] top_bit64(input logic [63:0] x);
    logic [31:0] v32;
    logic [15:0] v16;
    logic [7:0]  v8;
    logic [3:0]  v4;
    logic [1:0]  v2;
    logic [5:0]  top;
    top[5] = |x[63:32];
    v32    = top[5] ? x[63:32] : x[31:0];
    top[4] = |v32[31:16];
    v16    = top[4] ? v32[31:16] : v32[15:0];
    top[3] = |v16[15:8];
    v8     = top[3] ? v16[15:8] : v16[7:0];
    top[2] = |v8[7:4];
    v4     = top[2] ? v8[7:4] : v8[3:0];
    top[1] = |v4[3:2];
    v2     = top[1] ? v4[3:2] : v4[1:0];
    top[0] = v2[1];
    top_bit64 = {v2 != 2'b00, top};
  endfunction

  // ---- partial products (16 x 16 pieces, one DSP each) and the operands' bit lengths ----
  // {pp3, pp}: piece (i, j) = mag[16i +: 16] * m53[16j +: 16] at 32*(3i + j); pp3: m53[52:48]
  function automatic logic [233:0] partial_products(input logic [31:0] mag, input logic [52:0] m53);
    logic [191:0] pp;
    logic [41:0]  pp3;
    for (int i = 0; i < 2; i++) begin
      for (int j = 0; j < 3; j++) pp[32*(3*i+j) +: 32] = 32'(mag[16*i +: 16]) * 32'(m53[16*j +: 16]);
      pp3[21*i +: 21] = 21'(mag[16*i +: 16]) * 21'(m53[52:48]);
    end
    partial_products = {pp3, pp};
  endfunction

  // pre: what rounding needs besides prod, known from the operands alone:
  // {top = L+Lm-2, dropA/B = drop if prod's top bit is top+1 / top+2, satA/B, zero, Sc, neg}
  // (with either operand 0, prod = 0 and the rounding leaves 0 whatever top and drop are)
  // PIPE splits it over the two cycles the product takes: the bit lengths (tops) in the first,
  // the rest from them in the second, so neither is a long path.
  localparam int unsigned PreW  = 7 + 6 + 6 + 1 + 1 + 1 + 7 + 1;
  localparam int unsigned TopsW = 7 + 7 + 8 + 1;
  function automatic logic [TopsW-1:0] rounding_tops(input logic [31:0] mag, input logic [52:0] m53,
                                                     input logic signed [7:0] exp, input logic neg);
    rounding_tops = {top_bit64(64'(mag)), top_bit64(64'(m53)), exp, neg};
  endfunction
  function automatic logic [PreW-1:0] rounding_pre(input logic [TopsW-1:0] tops);
    logic [6:0] tb_mag, tb_m;
    logic signed [7:0] exp;
    logic neg;
    logic signed [9:0] sum_t, drop_a, drop_b, s_abs;
    logic [6:0] s_c;
    logic zero;
    {tb_mag, tb_m, exp, neg} = tops;
    zero   = !tb_mag[6] || !tb_m[6];
    sum_t  = 10'(tb_mag[5:0]) + 10'(tb_m[5:0]);                // L + Lm - 2
    drop_a = (sum_t > 10'sd52) ? sum_t - 10'sd52 : 10'sd0;   // bit length L + Lm - 1
    drop_b = (sum_t > 10'sd51) ? sum_t - 10'sd51 : 10'sd0;   // bit length L + Lm
    s_abs  = 10'sd53 - 10'(exp);
    s_c    = (s_abs < 10'sd1) ? 7'd1 : ((s_abs > 10'sd88) ? 7'd88 : 7'(s_abs));
    rounding_pre = {7'(sum_t), 6'(drop_a), 6'(drop_b), !zero && s_abs <= drop_a,
                    !zero && s_abs <= drop_b, zero, s_c, neg};
  endfunction

  // ---- product: two rows (even pieces concatenate, odd ones add), then their sum ----
  function automatic logic [84:0] sum_pieces(input logic [233:0] pieces);
    logic [191:0] pp;
    logic [41:0]  pp3;
    logic [68:0]  row0, row1;
    {pp3, pp} = pieces;
    row0 = 69'({pp[64 +: 32], pp[0 +: 32]}) + (69'({pp3[0 +: 21], pp[32 +: 32]}) << 16);
    row1 = 69'({pp[160 +: 32], pp[96 +: 32]}) + (69'({pp3[21 +: 21], pp[128 +: 32]}) << 16);
    sum_pieces = 85'(row0) + (85'(row1) << 16);
  endfunction

  // With PIPE = 0 the pieces, their sum and pre are computed inside the enabled register (the
  // same logic in hardware): Verilator then evaluates them only in the cycles that capture a
  // product, not in every cycle.
  logic [84:0]     prod_q;
  logic [PreW-1:0] pre_q;
  if (PIPE_MUL == 0) begin : g_direct
    always_ff @(posedge clk_i) begin
      if (en_i) begin
        prod_q <= sum_pieces(partial_products(mag_i, m53_i));
        pre_q  <= rounding_pre(rounding_tops(mag_i, m53_i, exp_i, neg_i));
      end
    end
  end else begin : g_piped
    logic [233:0]     pp_r;
    logic [TopsW-1:0] tops_r;
    mica_delay #(.W(234 + TopsW), .N(PIPE_MUL)) u_pipe_mul (
      .clk_i, .rst_ni, .d_i({partial_products(mag_i, m53_i), rounding_tops(mag_i, m53_i, exp_i, neg_i)}),
      .q_o({pp_r, tops_r})
    );
    always_ff @(posedge clk_i) begin
      if (en_i) begin
        prod_q <= sum_pieces(pp_r);
        pre_q  <= rounding_pre(tops_r);
      end
    end
  end

  // The rounding steps are functions. PIPE = 0 chains them in one block that runs only when
  // use_i says the caller takes y_o (otherwise y_o is don't care: the same logic in hardware,
  // while Verilator, which re-evaluates every combinational block at every clock edge, skips
  // the 85-bit arithmetic in the cycles without a real-mode result). PIPE = 1 registers each.
  localparam int unsigned S1W = 85 + 33 + 33 + 1 + 1 + 7;   // {prod, clr, inc, sat, neg, s_c}
  localparam int unsigned S2W = 86 + 1 + 1 + 7;             // {p2, sat, neg, s_c}
  localparam int unsigned S3W = 86 + 1 + 1;                 // {q, sat, neg}
  localparam int unsigned S4W = 33 + 1 + 1 + 1;             // {mag, big, sat, neg}

  // ---- 1: the dropped bit count and the ties-to-even increment ----
  function automatic logic [S1W-1:0] round_step1(input logic [84:0] prod, input logic [PreW-1:0] pre);
    logic [6:0]  top;                // prod's top bit is top + 1 or top + 2
    logic [5:0]  drop_a, drop_b, drop;
    logic        sat_a, sat_b, zero, neg, hi, kbit;
    logic [6:0]  s_c;
    logic [83:0] prod_up;           // prod >> 1: bit top of it is prod's bit top + 1
    logic [32:0] clr, inc;          // clr: the 2^d - 1 low bits that rounding clears
    {top, drop_a, drop_b, sat_a, sat_b, zero, s_c, neg} = pre;
    prod_up = prod[84:1];
    hi    = prod_up[top];
    drop  = hi ? drop_b : drop_a;
    kbit  = hi ? prod[7'(drop_b)] : prod[7'(drop_a)];
    clr   = (33'd1 << drop) - 33'd1;
    // 2^(d-1) - 1 + kept bit 0: an exact half rounds up only to an even result
    inc   = kbit ? (clr & ~(clr >> 1)) : (clr >> 1);
    round_step1 = {prod, clr, inc, !zero && (hi ? sat_b : sat_a), neg, s_c};
  endfunction

  // ---- 2: round to 53 significant bits (a carry may reach bit 85) ----
  // inc and clr cover the low 33 bits: a 34-bit add whose carry increments the upper bits
  function automatic logic [S2W-1:0] round_step2(input logic [S1W-1:0] st);
    logic [84:0] prod;
    logic [32:0] clr, inc;
    logic        sat, neg;
    logic [6:0]  s_c;
    logic [33:0] p2_lo;
    {prod, clr, inc, sat, neg, s_c} = st;
    p2_lo = 34'(prod[32:0]) + 34'(inc);
    round_step2 = {53'(prod[84:33]) + 53'(p2_lo[33]), p2_lo[32:0] & ~clr, sat, neg, s_c};
  endfunction

  // ---- 3 and 4: n = (p2 + 2^(S-1)) >> S = (q >> 1) + q[0] with q = p2 >> (S-1) ----
  // 3: the shift (S <= 88: p2 < 2^86 gives 0 beyond); 4: the halving add, and magnitudes of
  // 2^33 and more only saturate. (No 88-bit add: Verilator simulates this in 64-bit words.)
  function automatic logic [S3W-1:0] round_step3(input logic [S2W-1:0] st);
    logic [85:0] p2;
    logic        sat, neg;
    logic [6:0]  s_c;
    {p2, sat, neg, s_c} = st;
    round_step3 = {p2 >> (s_c - 7'd1), sat, neg};
  endfunction
  function automatic logic [S4W-1:0] round_step4(input logic [S3W-1:0] st);
    logic [85:0] q;
    logic        sat, neg;
    logic [33:0] half;
    {q, sat, neg} = st;
    half = 34'(q[33:1]) + 34'(q[0]);
    round_step4 = {half[32:0], half[33] || (|q[85:34]), sat, neg};
  endfunction

  // ---- 5: sign and int32 saturation ----
  function automatic logic signed [31:0] round_step5(input logic [S4W-1:0] st);
    logic [32:0] mag;
    logic        big, sat, neg;
    {mag, big, sat, neg} = st;
    if (!neg) round_step5 = (sat || big || mag > 33'd2147483647) ? 32'sh7fff_ffff : 32'(mag);
    else      round_step5 = (sat || big || mag > 33'd2147483648) ? 32'sh8000_0000 : 32'(-mag);
  endfunction

  if (PIPE_ROUND == 0) begin : g_round_direct
    // One statement per step inside the condition (a single expression would be computed
    // before the condition is tested); the steps' results are don't care without use_i.
    logic [S1W-1:0] st1;
    logic [S2W-1:0] st2;
    logic [S3W-1:0] st3;
    logic [S4W-1:0] st4;
    always_comb begin
      {st1, st2, st3, st4, y_o} = 'x;
      if (use_i) begin
        st1 = round_step1(prod_q, pre_q);
        st2 = round_step2(st1);
        st3 = round_step3(st2);
        st4 = round_step4(st3);
        y_o = round_step5(st4);
      end
    end
    logic unused_rst;   // PIPE = 0 has no pipeline registers (the others need no reset)
    assign unused_rst = rst_ni;
  end else begin : g_round_piped
    logic [S1W-1:0] st1;
    logic [S2W-1:0] st2;
    logic [S3W-1:0] st3;
    logic [S4W-1:0] st4;
    mica_delay #(.W(S1W), .N(1)) u_pipe_r1 (.clk_i, .rst_ni, .d_i(round_step1(prod_q, pre_q)), .q_o(st1));
    mica_delay #(.W(S2W), .N(1)) u_pipe_r2 (.clk_i, .rst_ni, .d_i(round_step2(st1)), .q_o(st2));
    mica_delay #(.W(S3W), .N(1)) u_pipe_r3 (.clk_i, .rst_ni, .d_i(round_step3(st2)), .q_o(st3));
    mica_delay #(.W(S4W), .N(1)) u_pipe_r4 (.clk_i, .rst_ni, .d_i(round_step4(st3)), .q_o(st4));
    assign y_o = round_step5(st4);
    logic unused_use;
    assign unused_use = use_i;
  end

endmodule
