// Real-mode requantization core (STORE.round = 2), combinational.
//
// LiteRT's reference FULLY_CONNECTED computes std::round(double(acc) * M_real). With
// M_real = m53 * 2^(exp - 53) (53-bit mantissa, frexp exponent), and prod = |acc| * m53 exact:
//   1. the double multiply rounds prod to 53 significant bits, ties to even: drop d bits;
//   2. std::round rounds the value prod' * 2^(d + exp - 53) half away from zero: with
//      s = 53 - exp - d, n = (prod' + 2^(s-1)) >> s on the magnitude;
//   3. the sign is applied and the result saturates to int32.
// prod >= 2^52 whenever acc != 0 (m53 has its top bit set), so s <= 0 always saturates.
// Bit-exact with mica_mul_real() in driver/kernels/mica_fixedpoint.h.
module mica_requant_real (
  input  logic [84:0]        prod_i,
  input  logic               neg_i,
  input  logic signed [7:0]  exp_i,
  output logic signed [31:0] y_o
);

  logic [6:0]  len;          // bit length of prod_i
  logic [5:0]  drop;         // bits removed by the 53-bit rounding
  // kept < 2^53 after the drop; its upper bits are always zero.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [84:0] kept;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [84:0] rem, half;
  logic        round_up;
  logic [54:0] mant;         // prod after rounding to 53 bits (may carry to 2^53)
  logic signed [9:0] s;
  logic [54:0] mag;
  logic [55:0] sum;

  always_comb begin
    len = '0;
    for (int i = 0; i < 85; i++) begin
      if (prod_i[i]) len = 7'(i + 1);
    end
    drop     = (len > 7'd53) ? 6'(len - 7'd53) : 6'd0;
    kept     = prod_i >> drop;
    rem      = prod_i & ((85'd1 << drop) - 85'd1);
    half     = (drop == 6'd0) ? 85'd0 : (85'd1 << (drop - 6'd1));
    round_up = (drop != 6'd0) && ((rem > half) || (rem == half && kept[0]));
    mant     = kept[54:0] + {54'd0, round_up};
    s        = 10'sd53 - 10'(exp_i) - 10'(drop);
    sum      = '0;
    mag      = '0;
    if (prod_i == '0) begin
      mag = '0;
    end else if (s <= 0) begin
      mag = '1;                                   // saturates below
    end else if (s <= 10'sd55) begin
      sum = {1'b0, mant} + (56'd1 << (s - 10'sd1));
      mag = 55'(sum >> s);
    end
    if (!neg_i) begin
      y_o = (mag > 55'd2147483647) ? 32'sh7fff_ffff : 32'(mag);
    end else begin
      y_o = (mag > 55'd2147483648) ? 32'sh8000_0000 : 32'(-mag);
    end
  end

endmodule
