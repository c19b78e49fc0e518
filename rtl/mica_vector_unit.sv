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
// Vshadow is nine rows (a vector LOADW shifts them; THREE uses rows 0..2), and the feeder
// streams each output line's L = (out_w-1)*stride_x + 3 input pixels (mica_matmul_unit rewrites
// the walk). Each lane keeps a sliding window of two partial results: r1 = the output whose
// window started two pixels ago (taps 0 and 1 done), r0 = the one started one pixel ago (tap 0).
// A pixel a completes r1 with tap 2 (the result row, when that window starts on an output
// position: every stride_x-th pixel from the line's third on), moves r0 + tap 1 into r1 and
// starts r0 with tap 0. MAXIMUM keeps running maxima instead of sums. So a pixel read once feeds
// the up to three outputs it touches, and only complete outputs reach the ACC (taps_valid_o every
// stride_x-th pixel of a line; the original lanes' res_valid_o / res_row_o are left as they are,
// mica_matmul_unit picks).
// taps = NINE (the same feature): the feeder streams all H = (out_h-1)*
// stride_y + 3 input lines of the window, and a line buffer (DWCONV_LINE pixels, one SRAM) keeps
// the last two lines' pixels. Each pixel and the two above it form a column of three kernel
// rows; the lane sums the column per tap column (three weights each) and slides the THREE window
// over those sums. Only the lines that end an output row emit (the third, then every
// stride_y-th): every input pixel is read once for all nine taps.
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

  // ---- DWCONV taps = THREE or NINE: the sliding window and line buffer (see the header) ----
  if (HasTaps) begin : g_taps
    localparam int unsigned OwW = mica_pkg::DWCONV_OUT_W_W, SxW = mica_pkg::DWCONV_STRIDE_X_W;
    localparam int unsigned SyW = mica_pkg::DWCONV_STRIDE_Y_W;
    // {window (THREE or NINE), nine, out_w, stride_x, stride_y} of the instruction
    localparam int unsigned WinW = 2 + OwW + SxW + SyW;
    localparam int unsigned PW = 20;   // a partial result: up to 9 products of 9 x 8 bits
    localparam int unsigned VkW = 8 * COLS * 8;          // Vshadow/Vactive rows 1..8
    localparam int unsigned LbW = 2 * Lanes * 9;         // a line-buffer pixel: lines j-1, j-2
    localparam int unsigned LbAW = $clog2(mica_pkg::DWCONV_LINE);
    logic [1:0]            taps_field;
    logic [WinW-1:0]       start_win, win_q, win_cur;
    logic [3*WinW-1:0]     win_d_q;
    logic [VkW-1:0]        vsh_q, vact_q, vwk_cur;
    logic [3*VkW-1:0]      vw_d_q1;
    logic [OwW-1:0] ow_cur, ecnt_q, ecnt_in;
    logic [SxW-1:0] sx_cur, gap_q, gap_in;
    logic [SyW-1:0] sy_cur, vgap_q, vgap_in;
    logic [LbAW-1:0] x_q, x_in, x_next;
    logic [Lanes*PW-1:0] r0_q, r1_q;
    logic [LbW-1:0] lb_rdata, lb_wdata;
    logic taps_cur, nine_cur, taps_emit, line_end, taps_px;
    assign taps_field = instr_i[mica_pkg::DWCONV_TAPS_LSB +: mica_pkg::DWCONV_TAPS_W];
    assign start_win = {opcode == mica_pkg::OP_DWCONV &&
                          (taps_field == mica_pkg::DWCONV_TAPS_THREE ||
                           taps_field == mica_pkg::DWCONV_TAPS_NINE),
                        opcode == mica_pkg::OP_DWCONV && taps_field == mica_pkg::DWCONV_TAPS_NINE,
                        instr_i[mica_pkg::DWCONV_OUT_W_LSB +: mica_pkg::DWCONV_OUT_W_W],
                        instr_i[mica_pkg::DWCONV_STRIDE_X_LSB +: mica_pkg::DWCONV_STRIDE_X_W],
                        instr_i[mica_pkg::DWCONV_STRIDE_Y_LSB +: mica_pkg::DWCONV_STRIDE_Y_W]};
    assign win_cur = st_d_q[2] ? win_d_q[2*WinW +: WinW] : win_q;
    assign vwk_cur = st_d_q[2] ? vw_d_q1[2*VkW +: VkW] : vact_q;
    assign {taps_cur, nine_cur, ow_cur, sx_cur, sy_cur} = win_cur;
    assign taps_px = feed_vec_o && taps_cur;
    // Position in the line: gap = pixels until the next complete window (2 at a line's start),
    // ecnt = outputs of the line done so far, x = the pixel's index in the line (line buffer
    // address); vgap (NINE) = lines until the next one that ends an output row (2 at the start,
    // then stride_y - 1 after each). The first vector of an instruction starts a line.
    assign gap_in    = st_d_q[2] ? SxW'(2) : gap_q;
    assign ecnt_in   = st_d_q[2] ? '0 : ecnt_q;
    assign x_in      = st_d_q[2] ? '0 : x_q;
    assign vgap_in   = st_d_q[2] ? (nine_cur ? SyW'(2) : '0) : vgap_q;
    assign taps_emit = gap_in == '0;
    assign line_end  = taps_emit && ecnt_in == ow_cur - OwW'(1);
    assign x_next    = line_end ? '0 : x_in + LbAW'(1);
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        win_d_q <= '0; win_q <= '0; gap_q <= '0; ecnt_q <= '0; x_q <= '0; vgap_q <= '0;
        taps_mode_o <= 1'b0; taps_valid_o <= 1'b0;
      end else begin
        win_d_q      <= {win_d_q[0 +: 2*WinW], start_win};
        win_q        <= win_cur;
        taps_mode_o  <= taps_px;
        taps_valid_o <= taps_px && taps_emit && vgap_in == '0;
        if (taps_px) begin
          x_q <= x_next;
          if (!taps_emit) begin
            gap_q <= gap_in - SxW'(1); ecnt_q <= ecnt_in;
          end else if (line_end) begin   // the line's last output: next line
            gap_q <= SxW'(2); ecnt_q <= '0;
          end else begin
            gap_q <= sx_cur - SxW'(1); ecnt_q <= ecnt_in + OwW'(1);
          end
          if (line_end && nine_cur) vgap_q <= vgap_in == '0 ? sy_cur - SyW'(1) : vgap_in - SyW'(1);
          else vgap_q <= vgap_in;
        end
      end
    end
    // Line buffer (NINE): pixel x of the last two lines. The row a pixel needs is read while the
    // pixel before it is processed (its address is x_next), so it is there when the pixel comes;
    // the pixel then writes itself and the older line's value back. L >= 3: the read and the
    // write of one cycle never share an address.
    mica_sram #(.WIDTH(LbW), .DEPTH(mica_pkg::DWCONV_LINE)) u_line_buf (
      .clk_i,
      .we_i   (taps_px && nine_cur),
      .waddr_i(x_in),
      .wdata_i(lb_wdata),
      .re_i   (taps_px && nine_cur),
      .raddr_i(x_next),
      .rdata_o(lb_rdata)
    );
    always_comb begin
      for (int c = 0; c < Lanes; c++) begin
        lb_wdata[9*c +: 9]           = feed_row_i[9*c +: 9];   // becomes line j-1
        lb_wdata[9*(Lanes+c) +: 9]   = lb_rdata[9*c +: 9];     // line j-1 becomes j-2
      end
    end
    // Data path: weights and partial results, no reset. Per lane, column sums q_t of tap column
    // t over the kernel rows (THREE: the pixel a times Vactive[t]; NINE: lines j, j-1, j-2 times
    // Vactive[t], [3+t], [6+t], the kernel's last row first, so THREE's products are NINE's
    // newest line's; MAXIMUM: the column's maximum), then the sliding window: the result
    // r1 + q_2, r1 <= r0 + q_1, r0 <= q_0.
    always_ff @(posedge clk_i) begin
      if (v_we_i) vsh_q <= {vsh_q[0 +: VkW - COLS*8], vshadow_q};   // row k <= row k-1
      vw_d_q1 <= {vw_d_q1[0 +: 2*VkW], vsh_q};
      if (st_d_q[2]) vact_q <= vw_d_q1[2*VkW +: VkW];
      if (taps_px) begin
        for (int c = 0; c < Lanes; c++) begin
          logic signed [PW-1:0] q0, q1, q2, r1, v, mx;
          logic signed [8:0] a2, a1, a0;
          logic [9*8-1:0] wl;   // lane c's Vactive rows 0..8
          a2 = $signed(feed_row_i[9*c +: 9]);
          a1 = $signed(lb_rdata[9*c +: 9]);
          a0 = $signed(lb_rdata[9*(Lanes+c) +: 9]);
          wl[0 +: 8] = vw_cur[8*c +: 8];
          for (int k = 1; k < 9; k++) wl[8*k +: 8] = vwk_cur[(k-1)*COLS*8 + 8*c +: 8];
          mx = nine_cur ? pmax(pmax(PW'(a0), PW'(a1)), PW'(a2)) : PW'(a2);
          q0 = PW'(a2 * $signed(wl[0 +: 8]));   // the newest line: THREE's and NINE's products
          q1 = PW'(a2 * $signed(wl[8 +: 8]));
          q2 = PW'(a2 * $signed(wl[16 +: 8]));
          if (cur_kind == KindMax) begin
            q0 = mx; q1 = mx; q2 = mx;
          end else if (nine_cur) begin
            q0 = q0 + PW'(a1 * $signed(wl[24 +: 8])) + PW'(a0 * $signed(wl[48 +: 8]));
            q1 = q1 + PW'(a1 * $signed(wl[32 +: 8])) + PW'(a0 * $signed(wl[56 +: 8]));
            q2 = q2 + PW'(a1 * $signed(wl[40 +: 8])) + PW'(a0 * $signed(wl[64 +: 8]));
          end
          if (cur_kind == KindMax) begin
            r1 = pmax($signed(r0_q[PW*c +: PW]), q1);
            v  = pmax($signed(r1_q[PW*c +: PW]), q2);
          end else begin
            r1 = $signed(r0_q[PW*c +: PW]) + q1;
            v  = $signed(r1_q[PW*c +: PW]) + q2;
          end
          r0_q[PW*c +: PW]       <= q0;
          r1_q[PW*c +: PW]       <= r1;
          taps_row_o[32*c +: 32] <= 32'(v);
        end
        for (int c = Lanes; c < COLS; c++) taps_row_o[32*c +: 32] <= '0;
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
