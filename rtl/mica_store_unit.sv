// STORE unit: ACC rows -> REQ_LANES mica_requant lanes -> int8 bytes -> external memory.
// REQ_LANES = COLS (or 0): one lane per column, one ACC row per cycle. Fewer lanes are
// time-multiplexed over the columns: a row takes P = ceil(COLS / REQ_LANES) passes, one per cycle
// (mica_store_lanes_mux), so a small configuration pays P cycles per row instead of COLS lanes.
// 1. Reads the PARAM set (bias, multiplier, shift, multiplier low bits) into registers: 4 reads, 5
//    cycles. Without real rounding the multiplier row is read last and not copied: the PARAM
//    port holds it for the lanes (HoldMult).
// 2. Reads one ACC row per cycle while the row FIFO has room (FIFO entries + rows in the requant
//    pipeline <= FDEPTH), so a stalled bus never loses a result.
// 3. Packs the FIFO head row into BUS_BYTES beats at any byte alignment (wstrb marks the row's
//    bytes), one beat per granted cycle, pops the row with its last beat.
// Finishes when every beat's write response arrived (MAX_OUTSTANDING writes in flight at most).
// HAS_ASPAD (feature STORE_ASPAD, ROWS == COLS): a STORE with target ASPAD pops one FIFO row per
// cycle into the ASPAD write port instead (row i at ext_addr + i, lanes len.. = z_out), no bus;
// it finishes with its last row. Every gate of it is under g_aspad, so a configuration without
// the feature builds the same logic as before it existed.
// Bus error: report once, stop sending, drain responses and the requant pipeline.
module mica_store_unit #(
  parameter int unsigned COLS            = mica_pkg::COLS_DEFAULT,
  parameter int unsigned ACC_DEPTH       = mica_pkg::ACC_DEPTH_DEFAULT,
  parameter int unsigned PARAM_SETS      = mica_pkg::PARAM_SETS_DEFAULT,
  parameter int unsigned BUS_BYTES       = mica_pkg::BUS_BYTES_DEFAULT,
  parameter int unsigned MAX_OUTSTANDING = 16,
  parameter int unsigned FDEPTH          = 8,  // covers ACC read + requant latency at 1 row/cycle
  parameter int unsigned REQ_LANES       = COLS,
  parameter int unsigned ABSENT          = 0,  // hw/mica.json features absent (ROUND_REAL here)
  parameter int unsigned MUL_CYCLES      = 1,  // requant lane multiplier: 1 pipelined, 4 iterative
  parameter int unsigned ADDR_W          = 32, // external address bits (mica_dma_walker)
  parameter int unsigned REQ_PIPE        = 0,  // 1: requant lanes 8 cycles deeper (board timing)
  parameter bit          HAS_ASPAD       = 1'b0, // STORE target ASPAD built (mica_top)
  localparam int unsigned CAW = $clog2(ACC_DEPTH),
  localparam int unsigned PAW = $clog2(mica_pkg::PARAM_ROWS * PARAM_SETS)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   start_i,
  input  logic [127:0]           instr_i,
  input  logic                   abort_i,
  output logic                   busy_o,
  output logic                   bus_err_o,
  // PARAM read port
  output logic                   param_re_o,
  output logic [PAW-1:0]         param_raddr_o,
  input  logic [COLS*32-1:0]     param_rdata_i,
  // ACC read port B
  output logic                   acc_re_o,
  output logic [CAW-1:0]         acc_raddr_o,
  input  logic [COLS*32-1:0]     acc_rdata_i,
  // Bus (id 2)
  output logic                   req_valid_o,
  input  logic                   req_ready_i,
  output logic [31:0]            req_addr_o,
  output logic [8*BUS_BYTES-1:0] req_wdata_o,
  output logic [BUS_BYTES-1:0]   req_wstrb_o,
  input  logic                   rsp_valid_i,
  input  logic                   rsp_err_i,
  // ASPAD write port (target ASPAD; mica_top muxes it with LOAD's)
  output logic                   aspad_we_o,
  output logic [15:0]            aspad_waddr_o,
  output logic [COLS*8-1:0]      aspad_wdata_o,
  output logic                   aspad_busy_o,  // running a target-ASPAD STORE (issue: LOAD waits)
  // Counter events
  output logic [BUS_BYTES-1:0]   wr_strb_o      // strobes of the beat written this cycle
);
  localparam int unsigned LgB  = $clog2(BUS_BYTES);
  localparam int unsigned OutW = $clog2(MAX_OUTSTANDING + 1);
  localparam int unsigned FW   = $clog2(FDEPTH);
  localparam int unsigned FCW  = $clog2(FDEPTH + 1);

  // ---------------- instruction registers ----------------
  logic        busy_q, err_seen_q;
  logic [1:0]  round_q;
  logic [15:0] acc_addr_q, rows_q, len_q, pset_q;
  logic [7:0]  z_out_q, act_min_q, act_max_q;
  logic [31:0] ext_addr, stride;
  logic [15:0] rows, len;
  assign ext_addr = instr_i[mica_pkg::STORE_EXT_ADDR_LSB +: mica_pkg::STORE_EXT_ADDR_W];
  assign stride   = 32'(instr_i[mica_pkg::STORE_EXT_STRIDE_LSB +: mica_pkg::STORE_EXT_STRIDE_W]);
  assign rows     = 16'(instr_i[mica_pkg::STORE_ROWS_LSB +: mica_pkg::STORE_ROWS_W]);
  assign len      = 16'(instr_i[mica_pkg::STORE_LEN_LSB +: mica_pkg::STORE_LEN_W]);

  logic stopping;
  assign stopping = abort_i | err_seen_q;

  // ---------------- PARAM set load ----------------
  // A set's rows are read in order PARAM_ROW_BIAS .. PARAM_ROW_MULT_LO; PARAM_ROWS (4) means done,
  // and the row address is {set, row} because a set is 4 rows.
  // Without real rounding (no MULT_LO row used) the MULT row is read last and the lanes take
  // the multiplier straight from the PARAM port: its output holds the row until the next read,
  // and the STORE reads PARAM only while loading its set (32 * COLS flip-flops fewer).
  localparam bit HoldMult = ((ABSENT >> mica_pkg::FEATURE_ROUND_REAL) & 1) != 0;
  localparam logic [1:0] LastRow = HoldMult ? mica_pkg::PARAM_ROW_MULT : mica_pkg::PARAM_ROW_MULT_LO;
  localparam logic [2:0] PrdDone = 3'(mica_pkg::PARAM_ROWS);
  logic [2:0] prd_q;            // next PARAM row
  logic       pcap_q;           // a PARAM read is in flight
  logic [1:0] pcap_idx_q;
  logic       params_ok_q;
  logic [COLS*32-1:0] bias_q, mult_q;
  logic [COLS*21-1:0] mult_lo_q;    // real rounding: low bits of the 53-bit multiplier
  logic [COLS*8-1:0]  shift_q;
  logic [15:0] param_row;
  logic [1:0]  prd_row;          // HoldMult: rows 0, 3, 2, 1 (MULT and MULT_LO swapped)
  logic [COLS*32-1:0] mult;
  assign param_re_o    = busy_q && prd_q != PrdDone;
  assign prd_row       = {prd_q[1] ^ (HoldMult & prd_q[0]), prd_q[0]};
  assign param_row     = {pset_q[13:0], prd_row};
  assign mult          = HoldMult ? param_rdata_i : mult_q;
  assign param_raddr_o = param_row[PAW-1:0];

  always_ff @(posedge clk_i) begin
    if (pcap_q) begin
      unique case (pcap_idx_q)
        mica_pkg::PARAM_ROW_BIAS:  bias_q <= param_rdata_i;
        mica_pkg::PARAM_ROW_MULT:  mult_q <= param_rdata_i;
        mica_pkg::PARAM_ROW_SHIFT: for (int c = 0; c < COLS; c++) shift_q[8*c +: 8] <= param_rdata_i[32*c +: 8];
        default:                   for (int c = 0; c < COLS; c++) mult_lo_q[21*c +: 21] <= param_rdata_i[32*c +: 21];
      endcase
    end
  end

  // ---------------- ACC read + requant lanes ----------------
  logic [15:0]    rd_row_q;
  logic [FCW-1:0] fifo_cnt_q, inflight_q;
  logic           acc_valid_q, push, pop;
  logic [15:0]    acc_row;
  logic [COLS-1:0] lane_valid;
  logic            lanes_ready;     // the lanes take an ACC row in the cycle after acc_re_o
  logic [COLS*8-1:0] lane_q;

  assign acc_re_o = busy_q && params_ok_q && !stopping && rd_row_q != rows_q && lanes_ready &&
                    (32'(fifo_cnt_q) + 32'(inflight_q) < FDEPTH);
  assign acc_row     = acc_addr_q + rd_row_q;
  assign acc_raddr_o = acc_row[CAW-1:0];

  localparam bit HasReal = ((ABSENT >> mica_pkg::FEATURE_ROUND_REAL) & 1) == 0;
  localparam bit HasSingle = ((ABSENT >> mica_pkg::FEATURE_ROUND_SINGLE) & 1) == 0;
  localparam int unsigned Lanes = (REQ_LANES == 0 || REQ_LANES > COLS) ? COLS : REQ_LANES;
  if (Lanes == COLS && MUL_CYCLES == 1) begin : g_full
    for (genvar c = 0; c < COLS; c++) begin : g_lane
      mica_requant #(.HAS_REAL(HasReal), .HAS_SINGLE(HasSingle), .PIPE(REQ_PIPE)) u_requant (
        .clk_i, .rst_ni,
        .valid_i  (acc_valid_q),
        .acc_i    (acc_rdata_i[32*c +: 32]),
        .bias_i   (bias_q[32*c +: 32]),
        .mult_i   (mult[32*c +: 32]),
        .mult_lo_i(mult_lo_q[21*c +: 21]),
        .shift_i  (shift_q[8*c +: 8]),
        .round_i  (round_q),
        .z_out_i  (z_out_q),
        .act_min_i(act_min_q),
        .act_max_i(act_max_q),
        .valid_o  (lane_valid[c]),
        .q_o      (lane_q[8*c +: 8])
      );
    end
    assign push        = &lane_valid;
    assign lanes_ready = 1'b1;
  end else begin : g_mux
    mica_store_lanes_mux #(
      .COLS(COLS), .LANES(Lanes), .HAS_REAL(HasReal), .HAS_SINGLE(HasSingle), .MUL_CYCLES(MUL_CYCLES),
      .REQ_PIPE(REQ_PIPE)
    ) u_lanes (
      .clk_i, .rst_ni, .acc_valid_i(acc_valid_q), .acc_i(acc_rdata_i), .bias_i(bias_q),
      .mult_i(mult), .mult_lo_i(mult_lo_q), .shift_i(shift_q), .round_i(round_q),
      .z_out_i(z_out_q), .act_min_i(act_min_q), .act_max_i(act_max_q),
      .ready_o(lanes_ready), .row_valid_o(push), .row_o(lane_q)
    );
    assign lane_valid = '0;
  end

  // ---------------- row FIFO ----------------
  logic [FDEPTH*COLS*8-1:0] fifo_q;
  logic [FW-1:0] f_rd_q, f_wr_q;
  logic [COLS*8-1:0] head;
  always_comb begin
    head = '0;
    for (int i = 0; i < FDEPTH; i++) if (f_rd_q == FW'(i)) head = fifo_q[COLS*8*i +: COLS*8];
  end
  always_ff @(posedge clk_i) begin   // per-entry compare, not an indexed part-select (mica_fetch)
    for (int i = 0; i < FDEPTH; i++) if (push && f_wr_q == FW'(i)) fifo_q[COLS*8*i +: COLS*8] <= lane_q;
  end

  // ---------------- beat packer ----------------
  logic        wk_done, wk_last, req_fire;
  logic [15:0] wk_beat;
  logic [LgB-1:0] wk_off;
  logic [OutW-1:0] outstanding_q;
  mica_dma_walker #(.BUS_BYTES(BUS_BYTES), .ADDR_W(ADDR_W), .LEN_W($clog2(COLS + 1)),
                   .ROWS_W($clog2(ACC_DEPTH + 1))) u_walk (
    .clk_i, .rst_ni,
    .init_i(start_i), .ext_addr_i(ext_addr), .stride_i(stride), .rows_i(rows), .len_i(len),
    .step_i(req_fire), .done_o(wk_done), .row_o(), .beat_o(wk_beat), .last_beat_o(wk_last),
    .beat_addr_o(req_addr_o), .off_o(wk_off)
  );
  // Narrow byte positions: len <= COLS (decode), so a beat holding row bytes has an index below
  // (COLS + BUS_BYTES) / BUS_BYTES and positions fit PW bits (short comparators on FPGAs).
  localparam int unsigned PW = $clog2(COLS + 2 * BUS_BYTES) + 1;
  logic beat_small;
  assign beat_small = (wk_beat >> (PW - LgB)) == '0;
  always_comb begin
    req_wdata_o = '0;
    req_wstrb_o = '0;
    for (int l = 0; l < BUS_BYTES; l++) begin
      logic [PW-1:0] pos, j;
      pos = PW'({wk_beat, {LgB{1'b0}}}) + PW'(l);
      j = pos - PW'(wk_off);
      if (beat_small && pos >= PW'(wk_off) && j < PW'(len_q)) begin
        req_wstrb_o[l] = 1'b1;
        for (int c = 0; c < COLS; c++) if (j == PW'(c)) req_wdata_o[8*l +: 8] = head[8*c +: 8];
      end
    end
  end
  // ---------------- ASPAD target ----------------
  logic to_aspad, aspad_done;   // the running STORE writes ASPAD; its last row is written
  if (HAS_ASPAD) begin : g_aspad
    logic        tgt_q;
    logic [15:0] base_q, wrow_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        tgt_q <= 1'b0; base_q <= '0; wrow_q <= '0;
      end else if (start_i) begin
        tgt_q  <= instr_i[mica_pkg::STORE_TARGET_LSB +: mica_pkg::STORE_TARGET_W] ==
                  mica_pkg::STORE_TARGET_ASPAD;
        base_q <= ext_addr[15:0];   // decode: ext_addr + rows <= ASPAD_DEPTH
        wrow_q <= '0;
      end else if (aspad_we_o) wrow_q <= wrow_q + 16'd1;
    end
    assign to_aspad      = tgt_q;
    assign aspad_done    = wrow_q == rows_q;
    assign aspad_we_o    = busy_q && tgt_q && !stopping && fifo_cnt_q != '0;
    assign aspad_waddr_o = base_q + wrow_q;
    assign aspad_busy_o  = busy_q && tgt_q;
    for (genvar c = 0; c < COLS; c++) begin : g_byte
      assign aspad_wdata_o[8*c +: 8] = 16'(c) < len_q ? head[8*c +: 8] : z_out_q;
    end
  end else begin : g_no_aspad
    assign {to_aspad, aspad_done, aspad_we_o, aspad_waddr_o, aspad_wdata_o, aspad_busy_o} = '0;
  end

  assign req_valid_o = busy_q && !stopping && !wk_done && fifo_cnt_q != '0 && !to_aspad &&
                       (32'(outstanding_q) < MAX_OUTSTANDING);
  assign req_fire = req_valid_o & req_ready_i;
  assign pop      = (req_fire & wk_last) | aspad_we_o;
  assign wr_strb_o = req_fire ? req_wstrb_o : '0;

  assign busy_o    = busy_q;
  assign bus_err_o = rsp_valid_i && rsp_err_i && !err_seen_q && busy_q;

  logic finished;
  assign finished = params_ok_q && outstanding_q == '0 &&
                    ((to_aspad ? aspad_done : wk_done) ||
                     (stopping && inflight_q == '0 && !acc_valid_q));

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q <= 1'b0; err_seen_q <= 1'b0; round_q <= 2'd0;
      acc_addr_q <= '0; rows_q <= '0; len_q <= '0; pset_q <= '0;
      z_out_q <= '0; act_min_q <= '0; act_max_q <= '0;
      prd_q <= PrdDone; pcap_q <= 1'b0; pcap_idx_q <= '0; params_ok_q <= 1'b0;
      rd_row_q <= '0; fifo_cnt_q <= '0; inflight_q <= '0; acc_valid_q <= 1'b0;
      f_rd_q <= '0; f_wr_q <= '0; outstanding_q <= '0;
    end else begin
      outstanding_q <= outstanding_q + OutW'(req_fire) - OutW'(rsp_valid_i);
      acc_valid_q   <= acc_re_o;
      pcap_q        <= param_re_o;
      pcap_idx_q    <= prd_row;
      inflight_q    <= inflight_q + FCW'(acc_re_o) - FCW'(push);
      fifo_cnt_q    <= fifo_cnt_q + FCW'(push) - FCW'(pop);
      if (push) f_wr_q <= (f_wr_q == FW'(FDEPTH - 1)) ? '0 : f_wr_q + 1'b1;
      if (pop) f_rd_q <= (f_rd_q == FW'(FDEPTH - 1)) ? '0 : f_rd_q + 1'b1;
      if (acc_re_o) rd_row_q <= rd_row_q + 16'd1;
      if (param_re_o) prd_q <= prd_q + 3'd1;
      if (pcap_q && pcap_idx_q == LastRow) params_ok_q <= 1'b1;
      if (start_i) begin
        busy_q      <= 1'b1;
        err_seen_q  <= 1'b0;
        round_q     <= instr_i[mica_pkg::STORE_ROUND_LSB +: mica_pkg::STORE_ROUND_W];
        acc_addr_q  <= 16'(instr_i[mica_pkg::STORE_ACC_ADDR_LSB +: mica_pkg::STORE_ACC_ADDR_W]);
        rows_q      <= rows;
        len_q       <= len;
        pset_q      <= 16'(instr_i[mica_pkg::STORE_PARAM_SET_LSB +: mica_pkg::STORE_PARAM_SET_W]);
        z_out_q     <= instr_i[mica_pkg::STORE_Z_OUT_LSB +: mica_pkg::STORE_Z_OUT_W];
        act_min_q   <= instr_i[mica_pkg::STORE_ACT_MIN_LSB +: mica_pkg::STORE_ACT_MIN_W];
        act_max_q   <= instr_i[mica_pkg::STORE_ACT_MAX_LSB +: mica_pkg::STORE_ACT_MAX_W];
        prd_q       <= 3'd0;
        params_ok_q <= 1'b0;
        rd_row_q    <= '0;
        f_rd_q      <= '0;
        f_wr_q      <= '0;
        fifo_cnt_q  <= '0;
      end else if (busy_q) begin
        if (bus_err_o) err_seen_q <= 1'b1;
        if (finished) busy_q <= 1'b0;
      end
    end
  end
  // PARAM set and ACC row sums are 16-bit; only the low bits index the memories.
  logic unused_store;
  assign unused_store = ^{pset_q[15:14], param_row[15:PAW], acc_row[15:CAW], lane_valid, len_q};
endmodule
