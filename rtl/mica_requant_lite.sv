// Small requantization lane for double rounding only (mica_store_lanes_mux picks it when
// MUL_CYCLES = 4 and neither ROUND_REAL nor ROUND_SINGLE is built, as on the iCEBreaker). Same
// ports, results and timing as mica_requant there: an input at most every 4 cycles, the result
// 7 cycles later (input in cycle t -> q_o in t + 7). round_i and mult_lo_i are ignored.
// z_out_i, act_min_i and act_max_i must hold from an input until its result (the STORE unit
// keeps them for a whole instruction), so they are not copied down the pipeline.
//
// It works on magnitudes, so no 64-bit signed value is ever formed. With x' = (acc + bias) <<
// max(shift, 0) (int32 wrap), P = |x'| * |mult| and neg = sign(x') ^ sign(mult):
//   SRDHM(x', mult) = neg ? -M : min(M, 2^31 - 1),   M = (P + 2^30 - neg) >> 31
//   RDBPOT(+-M, e)   = +-((M + 2^(e-1)) >> e)         (round half away from zero; e = 0: M)
// (neg for P = 0 gives M = 0 either way.) P + 2^30 - neg is accumulated from the four 16 x 16
// partial products on one multiplier, low 16 bits shifted out as they become final (34-bit adder).
// Offsets: 0 bias add and left shift; 1..4 multiply; 4 M; 5 RDBPOT and sign; 6 zero point, clamp.
// PIPE = 1 (FPGA timing): offset 0 takes two cycles, the bias add and the shift clamp in the
// first, the left shift in the second, so the lane's input multiplexer, the 32-bit add and the
// shifter are not one path; the result comes 8 cycles after the input, and acc_i, bias_i, shift_i
// and mult_i must hold for the cycle after valid_i (mica_store_lanes_mux keeps a pass's inputs
// for MUL_CYCLES cycles).
module mica_requant_lite #(
  parameter int unsigned PIPE = 0
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              valid_i,
  input  logic signed [31:0] acc_i,
  input  logic signed [31:0] bias_i,
  input  logic signed [31:0] mult_i,
  input  logic [20:0]        mult_lo_i,
  input  logic signed [7:0]  shift_i,
  input  logic [1:0]         round_i,
  input  logic signed [7:0]  z_out_i,
  input  logic signed [7:0]  act_min_i,
  input  logic signed [7:0]  act_max_i,
  output logic              valid_o,
  output logic signed [7:0]  q_o
);
  logic unused_inputs;
  assign unused_inputs = ^{mult_lo_i, round_i};

  // valid_q[k]: the item that reached offset 0 k + 1 cycles ago; inputs are >= 4 cycles apart, so
  // valid_q[3:0] is one-hot during a multiply and names its step.
  logic [5:0] valid_q;

  // ---- offset 0: bias add, clamped shift, left shift ----
  logic signed [7:0]  sh_in, sh;
  logic signed [31:0] sum_in, x_sum, x_d;
  logic [4:0]         lshift, rshift;
  logic               v0;   // x_q, mb_q, neg_a_q and e_a_q load (valid_i, or a cycle later: PIPE)
  assign sum_in = acc_i + bias_i;
  assign sh_in  = shift_i;
  if (PIPE != 0) begin : g_split
    // the add and the raw shift registered; the clamp and the shifter in the second cycle
    logic signed [31:0] sum_q;
    logic signed [7:0]  sh_q;
    logic               v0_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) v0_q <= 1'b0;
      else         v0_q <= valid_i;
    end
    always_ff @(posedge clk_i) begin
      if (valid_i) begin
        sum_q <= sum_in;
        sh_q  <= sh_in;
      end
    end
    assign {x_sum, sh, v0} = {sum_q, sh_q, v0_q};
  end else begin : g_direct
    assign {x_sum, sh, v0} = {sum_in, sh_in, valid_i};
  end
  // shift clamped to [-31, 30]: left by it when positive, else right by its negation
  always_comb begin
    if (sh > 8'sd0) begin
      lshift = (sh > 8'sd30) ? 5'd30 : sh[4:0];
      rshift = 5'd0;
    end else begin
      lshift = 5'd0;
      rshift = (sh < -8'sd31) ? 5'd31 : 5'(-sh);
    end
  end
  assign x_d = x_sum << lshift;

  logic signed [31:0] x_q;
  logic [31:0]        mb_q;      // |mult| (registered magnitude: the negation packs with it)
  logic               neg_a_q;
  logic [4:0]         e_a_q;

  // ---- offsets 1..4: P + 2^30 - neg, 16 x 16 bits per cycle ----
  logic [31:0] ma, mb;
  logic [15:0] opa, opb;
  logic [31:0] pp;
  logic [33:0] acc_in, sum;
  logic [32:0] s_q;        // running sum, already shifted right where a step needs it
  logic        bit31_q;    // bit 31 of the total, final after step 2
  assign ma = x_q[31] ? 32'(-x_q) : 32'(x_q);
  assign mb = mb_q;
  always_comb begin
    unique case (1'b1)
      valid_q[0]: begin opa = ma[15:0];  opb = mb[15:0];  end
      valid_q[1]: begin opa = ma[15:0];  opb = mb[31:16]; end
      valid_q[2]: begin opa = ma[31:16]; opb = mb[15:0];  end
      default:    begin opa = ma[31:16]; opb = mb[31:16]; end
    endcase
    pp     = opa * opb;
    acc_in = valid_q[0] ? (34'd1 << 30) - {33'd0, neg_a_q} : {1'b0, s_q};
    sum    = acc_in + 34'(pp);
  end

  // M = total >> 31 = {step 3 sum, bit 31}; only INT32_MIN * INT32_MIN reaches 2^31 (positive).
  logic [31:0] m_d;
  assign m_d = (sum[30] && !neg_a_q) ? 32'h7fff_ffff : {sum[30:0], bit31_q};

  // ---- offset 5: RDBPOT on the magnitude, saturated at 511 ----
  // e > 0: R = (M + 2^(e-1)) >> e = ((M >> (e-1)) + 1) >> 1. Beyond 511 only the side of the
  // clamp matters (offset 6). e = 0: R = M, which alone can reach the int32 wrap of the
  // zero-point add (R >= 2^31 - 128), so its top bits are kept as flags.
  // S = M >> (e - 1) is needed only as S mod 1024 and whether S >= 1024, i.e. whether M has a
  // one at bit e + 9 or above: a suffix OR of M indexed by e (no full 32-bit shifter).
  logic [31:0] m_b_q;
  logic        neg_b_q;
  logic [4:0]  sa_b_q;         // e - 1 (0 for e = 0), from e_a_q as M registers: off this path
  logic        ez_b_q;         // e = 0
  logic [9:0]  s_lo;            // S mod 1024
  logic [24:0] t16;
  logic [16:0] t8;
  logic [12:0] t4;
  logic [10:0] t2;
  logic        s_big;           // S >= 1024
  logic [21:0] m_any_by_sa;     // [j] = |M[31:j + 10] (suffix OR by doubling spans)
  always_comb begin
    m_any_by_sa = m_b_q[31:10];
    for (int d = 1; d < 22; d = 2 * d) m_any_by_sa = m_any_by_sa | (m_any_by_sa >> d);
  end
  logic [9:0]  r_lo;            // ((S mod 1024) + 1) >> 1: 512 means R >= 512
  logic [8:0]  rs_d, rs_q;
  logic        sgn_q;           // the result's side of zero (offset 6), wrap included
  always_comb begin
    // widest step first, each keeping only the bits the later steps can still bring down
    t16   = sa_b_q[4] ? 25'(m_b_q[31:16]) : m_b_q[24:0];
    t8    = sa_b_q[3] ? t16[24:8] : t16[16:0];
    t4    = sa_b_q[2] ? t8[16:4] : t8[12:0];
    t2    = sa_b_q[1] ? t4[12:2] : t4[10:0];
    s_lo  = sa_b_q[0] ? t2[10:1] : t2[9:0];
    s_big = sa_b_q <= 5'd21 && m_any_by_sa[sa_b_q];
    r_lo = 10'((11'(s_lo) + 11'd1) >> 1);
    if (ez_b_q)        rs_d = (|m_b_q[31:9]) ? 9'd511 : m_b_q[8:0];
    else               rs_d = (s_big || r_lo[9]) ? 9'd511 : r_lo[8:0];
  end

  // Also at offset 5, beside RDBPOT: TFLite adds the zero point in int32 (wrapping); R saturated
  // at 511 keeps the side of the clamp, and a wrap (possible only for e = 0 and R >= 2^31 - 128)
  // flips it. (At offset 6 these adds and compares made, with the clamp, the iCE40's longest
  // path.)
  logic signed [7:0]  zp, amin, amax;
  logic               zone, top, wrap;
  logic signed [8:0]  up, dn;
  always_comb begin
    {zp, amin, amax} = {z_out_i, act_min_i, act_max_i};
    zone = ez_b_q && !m_b_q[31] && &m_b_q[30:7];        // M in [2^31 - 128, 2^31)
    top  = ez_b_q && m_b_q[31];                         // M = 2^31
    up   = $signed({2'b0, m_b_q[6:0]}) + 9'(zp);        // R + zp >= 2^31
    dn   = $signed({2'b0, m_b_q[6:0]}) - 9'(zp);        // -R + zp < -2^31
    if (neg_b_q) wrap = top ? zp[7] : (zone && dn >= 9'sd129);
    else         wrap = zone && up >= 9'sd128;
  end

  // ---- offset 6: zero point, clamp on 11 bits ----
  logic signed [10:0] v, lo_bound, hi_bound, clamped;
  always_comb begin
    v        = sgn_q ? 11'(zp) - $signed({2'b0, rs_q}) : 11'(zp) + $signed({2'b0, rs_q});
    lo_bound = 11'(amin);
    hi_bound = 11'(amax);
    clamped  = (v < lo_bound) ? lo_bound : v;
    clamped  = (clamped > hi_bound) ? hi_bound : clamped;
  end

  logic              valid_out_q;
  logic signed [7:0] q_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q     <= '0;
      valid_out_q <= 1'b0;
    end else begin
      valid_q     <= {valid_q[4:0], v0};
      valid_out_q <= valid_q[5];
    end
  end

  always_ff @(posedge clk_i) begin
    if (v0) begin
      x_q     <= x_d;
      mb_q    <= mult_i[31] ? 32'(-mult_i) : 32'(mult_i);
      neg_a_q <= x_d[31] ^ mult_i[31];
      e_a_q   <= rshift;
    end
    if (valid_q[0]) s_q <= 33'(sum >> 16);
    if (valid_q[1]) s_q <= sum[32:0];
    if (valid_q[2]) begin
      s_q     <= 33'(sum >> 16);
      bit31_q <= sum[15];
    end
    if (valid_q[3]) begin
      m_b_q   <= m_d;
      neg_b_q <= neg_a_q;
      sa_b_q  <= e_a_q - 5'(e_a_q != 5'd0);
      ez_b_q  <= e_a_q == 5'd0;
    end
    if (valid_q[4]) begin
      rs_q  <= rs_d;
      sgn_q <= neg_b_q ^ wrap;
    end
    if (valid_q[5]) q_q <= clamped[7:0];
  end

  assign valid_o = valid_out_q;
  assign q_o     = q_q;
endmodule
