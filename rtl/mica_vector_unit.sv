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
// DWCONV taps = THREE (feature DWCONV_TAPS; g_taps, not one gate of it without the feature):
// Vshadow is three rows (a vector LOADW shifts them), and the feeder streams each output line's
// L = (out_w-1)*stride_x + 3 input pixels (mica_matmul_unit rewrites the walk). Each lane keeps a
// sliding window of two partial results: r1 = the output whose window started two pixels ago
// (taps 0 and 1 done), r0 = the one started one pixel ago (tap 0). A pixel a completes r1 with
// tap 2 (the result row, when that window starts on an output position: every stride_x-th pixel
// from the line's third on), moves r0 + tap 1 into r1 and starts r0 with tap 0. MAXIMUM keeps
// running maxima instead of sums. So a pixel read once feeds the up to three outputs it touches,
// and only complete outputs reach the ACC (taps_valid_o every stride_x-th pixel of a line; the
// original lanes' res_valid_o / res_row_o are left as they are, mica_matmul_unit picks).
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
  output logic [COLS*32-1:0] res_row_o,
  // DWCONV taps = THREE (g_taps; constant 0 without DWCONV_TAPS): in a taps_mode_o cycle the
  // result is taps_row_o, valid with taps_valid_o, instead of res_row_o / res_valid_o
  output logic               taps_mode_o,
  output logic               taps_valid_o,
  output logic [COLS*32-1:0] taps_row_o
);
  localparam int unsigned Lanes = (ROWS < COLS) ? ROWS : COLS;
  localparam logic [1:0] KindArray = 2'd0, KindMac = 2'd1, KindMax = 2'd2, KindRescale = 2'd3;
  localparam int unsigned ParW = 31 + 5 + 5;   // {mult, left_shift, right_shift}
  localparam bit HasMac = ((ABSENT >> mica_pkg::FEATURE_DWCONV_MAC) & 1) == 0;
  localparam bit HasMax = ((ABSENT >> mica_pkg::FEATURE_DWCONV_MAX) & 1) == 0;
  localparam bit HasRescale = ((ABSENT >> mica_pkg::FEATURE_RESCALE) & 1) == 0;
  localparam bit HasTaps = ((ABSENT >> mica_pkg::FEATURE_DWCONV_TAPS) & 1) == 0;

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

  // ---- DWCONV taps = THREE: the sliding window (see the header) ----
  if (HasTaps) begin : g_taps
    localparam int unsigned OwW = mica_pkg::DWCONV_OUT_W_W, SxW = mica_pkg::DWCONV_STRIDE_X_W;
    localparam int unsigned WinW = 1 + OwW + SxW;   // {taps, out_w, stride_x} of the instruction
    localparam int unsigned PW = 20;             // a partial result: 3 products of 9 x 8 bits
    logic [WinW-1:0]       start_win, win_q, win_cur;
    logic [3*WinW-1:0]     win_d_q;
    logic [2*COLS*8-1:0]   vsh_q, vact_q, vw12_cur;   // Vshadow/Vactive rows 1 and 2
    logic [3*2*COLS*8-1:0] vw_d_q12;
    logic [OwW-1:0] ow_cur, ecnt_q, ecnt_in;
    logic [SxW-1:0] sx_cur, gap_q, gap_in;
    logic [Lanes*PW-1:0] r0_q, r1_q;
    logic taps_cur, taps_emit;              // this vector's window, and the output it completes
    logic [COLS*32-1:0] taps_row;
    assign start_win = {opcode == mica_pkg::OP_DWCONV &&
                        instr_i[mica_pkg::DWCONV_TAPS_LSB +: mica_pkg::DWCONV_TAPS_W] ==
                        mica_pkg::DWCONV_TAPS_THREE,
                        instr_i[mica_pkg::DWCONV_OUT_W_LSB +: mica_pkg::DWCONV_OUT_W_W],
                        instr_i[mica_pkg::DWCONV_STRIDE_X_LSB +: mica_pkg::DWCONV_STRIDE_X_W]};
    assign win_cur  = st_d_q[2] ? win_d_q[2*WinW +: WinW] : win_q;
    assign vw12_cur = st_d_q[2] ? vw_d_q12[2*2*COLS*8 +: 2*COLS*8] : vact_q;
    assign {taps_cur, ow_cur, sx_cur} = win_cur;
    // Position in the line: gap = pixels until the next complete window (2 at a line's start),
    // ecnt = outputs of the line done so far. The first vector of an instruction starts a line.
    assign gap_in    = st_d_q[2] ? SxW'(2) : gap_q;
    assign ecnt_in   = st_d_q[2] ? '0 : ecnt_q;
    assign taps_emit = gap_in == '0;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        win_d_q <= '0; win_q <= '0; gap_q <= '0; ecnt_q <= '0; taps_mode_o <= 1'b0; taps_valid_o <= 1'b0;
      end else begin
        win_d_q      <= {win_d_q[0 +: 2*WinW], start_win};
        win_q        <= win_cur;
        taps_mode_o  <= feed_vec_o && taps_cur;
        taps_valid_o <= feed_vec_o && taps_cur && taps_emit;
        if (feed_vec_o && taps_cur) begin
          if (!taps_emit) begin
            gap_q <= gap_in - SxW'(1); ecnt_q <= ecnt_in;
          end else if (ecnt_in == ow_cur - OwW'(1)) begin   // the line's last output: next line
            gap_q <= SxW'(2); ecnt_q <= '0;
          end else begin
            gap_q <= sx_cur - SxW'(1); ecnt_q <= ecnt_in + OwW'(1);
          end
        end
      end
    end
    // Data path: weights and partial results, no reset.
    always_ff @(posedge clk_i) begin
      if (v_we_i) vsh_q <= {vsh_q[0 +: COLS*8], vshadow_q};   // row 2 <= row 1, row 1 <= row 0
      vw_d_q12 <= {vw_d_q12[0 +: 2*2*COLS*8], vsh_q};
      if (st_d_q[2]) vact_q <= vw_d_q12[2*2*COLS*8 +: 2*COLS*8];
      if (feed_vec_o && taps_cur) taps_row_o <= taps_row;
      if (feed_vec_o && taps_cur) begin
        for (int c = 0; c < Lanes; c++) begin
          logic signed [PW-1:0] a, p0, p1;
          a  = PW'($signed(feed_row_i[9*c +: 9]));
          p0 = PW'($signed(feed_row_i[9*c +: 9]) * $signed(vw_cur[8*c +: 8]));
          p1 = PW'($signed(feed_row_i[9*c +: 9]) * $signed(vw12_cur[8*c +: 8]));
          if (cur_kind == KindMax) begin
            r0_q[PW*c +: PW] <= a;
            r1_q[PW*c +: PW] <= pmax($signed(r0_q[PW*c +: PW]), a);
          end else begin
            r0_q[PW*c +: PW] <= p0;
            r1_q[PW*c +: PW] <= $signed(r0_q[PW*c +: PW]) + p1;
          end
        end
      end
    end
    always_comb begin
      taps_row = '0;
      for (int c = 0; c < Lanes; c++) begin
        logic signed [PW-1:0] a, p2, v;
        a  = PW'($signed(feed_row_i[9*c +: 9]));
        p2 = PW'($signed(feed_row_i[9*c +: 9]) * $signed(vw12_cur[COLS*8 + 8*c +: 8]));
        v  = cur_kind == KindMax ? pmax($signed(r1_q[PW*c +: PW]), a) : $signed(r1_q[PW*c +: PW]) + p2;
        taps_row[32*c +: 32] = 32'(v);
      end
    end
    function automatic logic signed [PW-1:0] pmax(input logic signed [PW-1:0] x,
                                                  input logic signed [PW-1:0] y);
      pmax = x > y ? x : y;
    endfunction
  end else begin : g_no_taps
    assign {taps_mode_o, taps_valid_o, taps_row_o} = '0;
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
