// Vector unit: LANES = min(ROWS, COLS) lanes beside the array, fed by the array's feeder (the
// same implicit im2col, zero point and padding). Lane c works on activation c of each vector:
//   DWCONV mode 0 (MAC):  a * Vactive[c]                      (depthwise tap, average pool)
//   DWCONV mode 1 (MAX):  a; the output side keeps the maximum (max pool)
//   RESCALE:              RDBPOT(SRDHM(a << left_shift, mult), right_shift)   (ADD's input stage)
// One registered stage, so results reach the output side 1 cycle after the feeder.
// The op kind, Vshadow and RESCALE's constants are captured at start and delayed by the feeder's
// 3-cycle latency, so each vector is processed by the instruction that produced it (a LOADW may
// refill Vshadow, or another vector op start, while earlier vectors are still in the feeder).
// ABSENT (hw/mica.json features) leaves out the multiply, maximum or RESCALE lanes; the decoder
// rejects their instructions, so the lanes' result is a don't-care 0 then.
module mica_vector_unit #(
  parameter int unsigned ROWS   = mica_pkg::ROWS_DEFAULT,
  parameter int unsigned COLS   = mica_pkg::COLS_DEFAULT,
  parameter int unsigned ABSENT = mica_pkg::ABSENT_DEFAULT
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               start_i,      // any ARRAY start (MATMUL or vector op)
  input  logic [127:0]       instr_i,
  input  logic               v_we_i,       // LOADW vector = 1: Vshadow <= v_row_i
  input  logic [COLS*8-1:0]  v_row_i,
  input  logic               feed_valid_i, // the feeder's vector this cycle ...
  input  logic [ROWS*9-1:0]  feed_row_i,
  output logic               feed_vec_o,   // ... belongs to a vector op (not to the array)
  output logic               res_valid_o,
  output logic [COLS*32-1:0] res_row_o
);
  localparam int unsigned Lanes = (ROWS < COLS) ? ROWS : COLS;
  localparam logic [1:0] KindArray = 2'd0, KindMac = 2'd1, KindMax = 2'd2, KindRescale = 2'd3;
  localparam int unsigned ParW = 31 + 5 + 5;   // {mult, left_shift, right_shift}
  localparam bit HasMac = ((ABSENT >> mica_pkg::FEATURE_DWCONV_MAC) & 1) == 0;
  localparam bit HasMax = ((ABSENT >> mica_pkg::FEATURE_DWCONV_MAX) & 1) == 0;
  localparam bit HasRescale = ((ABSENT >> mica_pkg::FEATURE_RESCALE) & 1) == 0;

  logic [3:0] opcode;
  logic [1:0] start_kind;
  logic [ParW-1:0] start_par;
  assign opcode = instr_i[mica_pkg::F_OPCODE_LSB +: mica_pkg::F_OPCODE_W];
  always_comb begin
    unique case (opcode)
      mica_pkg::OP_DWCONV:  start_kind = instr_i[mica_pkg::DWCONV_MODE_LSB +: mica_pkg::DWCONV_MODE_W] ==
                                         mica_pkg::DWCONV_MODE_MAXIMUM ?
                                         KindMax : KindMac;
      mica_pkg::OP_RESCALE: start_kind = KindRescale;
      default:              start_kind = KindArray;
    endcase
  end
  assign start_par = {instr_i[mica_pkg::RESCALE_MULT_LSB +: mica_pkg::RESCALE_MULT_W],
                      instr_i[mica_pkg::RESCALE_LEFT_SHIFT_LSB +: mica_pkg::RESCALE_LEFT_SHIFT_W],
                      instr_i[mica_pkg::RESCALE_RIGHT_SHIFT_LSB +: mica_pkg::RESCALE_RIGHT_SHIFT_W]};

  // ---- what the vector leaving the feeder now belongs to ----
  // Delay lines as packed shift registers (stage 2 = the start 3 cycles ago).
  logic [2:0]          st_d_q;            // start delayed 1..3 cycles
  logic [3*2-1:0]      kind_d_q;
  logic [1:0]          kind_q, cur_kind, kind_d2;
  logic [3*COLS*8-1:0] vw_d_q;            // Vshadow at start, delayed alike
  logic [3*ParW-1:0]   par_d_q;
  logic [COLS*8-1:0] vshadow_q, vactive_q, vw_cur;
  logic [ParW-1:0]   par_q, par_cur;
  assign kind_d2    = kind_d_q[2*2 +: 2];
  assign cur_kind   = st_d_q[2] ? kind_d2 : kind_q;
  assign vw_cur     = st_d_q[2] ? vw_d_q[2*COLS*8 +: COLS*8] : vactive_q;
  assign par_cur    = st_d_q[2] ? par_d_q[2*ParW +: ParW] : par_q;
  assign feed_vec_o = (HasMac || HasMax || HasRescale) && feed_valid_i && cur_kind != KindArray;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_d_q <= '0; kind_q <= KindArray; res_valid_o <= 1'b0; kind_d_q <= {3{KindArray}};
    end else begin
      st_d_q      <= {st_d_q[1:0], start_i};
      kind_d_q    <= {kind_d_q[0 +: 2*2], start_kind};
      kind_q      <= cur_kind;
      res_valid_o <= feed_vec_o;
    end
  end

  // Lane results: data path only, no reset.
  logic [30:0] mult;
  logic [4:0]  lsh, rsh;
  assign {mult, lsh, rsh} = par_cur;
  always_ff @(posedge clk_i) begin
    if (v_we_i) vshadow_q <= v_row_i;
    vw_d_q  <= {vw_d_q[0 +: 2*COLS*8], vshadow_q};
    par_d_q <= {par_d_q[0 +: 2*ParW], start_par};
    if (st_d_q[2]) begin
      vactive_q <= vw_d_q[2*COLS*8 +: COLS*8];
      par_q     <= par_d_q[2*ParW +: ParW];
    end
    if (feed_vec_o) begin
      for (int c = 0; c < COLS; c++) begin
        if (c >= Lanes) res_row_o[32*c +: 32] <= '0;
        else unique case (cur_kind)
          KindMax:     res_row_o[32*c +: 32] <= HasMax ? 32'($signed(feed_row_i[9*c +: 9])) : '0;
          KindRescale: res_row_o[32*c +: 32] <= HasRescale ?
                                                rescale(feed_row_i[9*c +: 9], mult, lsh, rsh) : '0;
          default:     res_row_o[32*c +: 32] <= HasMac ? 32'($signed(feed_row_i[9*c +: 9]) *
                                                             $signed(vw_cur[8*c +: 8])) : '0;
        endcase
      end
    end
  end

  // TFLite's SaturatingRoundingDoublingHighMul(a << lsh, mult) then RoundingDivideByPOT(rsh).
  // |a| < 2^8 and lsh <= 22 (decode rejects more), so a << lsh fits int32 and the product
  // a * mult * 2^lsh fits 62 bits: the lane multiplier is only 9 x 31 bits.
  function automatic logic [31:0] rescale(input logic [8:0] a, input logic [30:0] m,
                                          input logic [4:0] l, input logic [4:0] r);
    logic signed [63:0] prod, nudged, high, rem, thr;
    logic signed [63:0] mask;
    prod   = 64'($signed(a) * $signed({1'b0, m})) <<< l;
    nudged = prod + (prod >= 0 ? 64'sd1073741824 : -64'sd1073741823);
    high   = nudged >= 0 ? (nudged >>> 31) : -((-nudged) >>> 31);   // truncate toward zero
    mask   = (64'sd1 <<< r) - 64'sd1;
    rem    = high & mask;
    thr    = (mask >>> 1) + (high < 0 ? 64'sd1 : 64'sd0);
    rescale = 32'((high >>> r) + (rem > thr ? 64'sd1 : 64'sd0));
  endfunction
endmodule
