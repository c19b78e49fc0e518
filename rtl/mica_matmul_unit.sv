// ARRAY unit (MATMUL): streams T = out_h*out_w activation vectors through the array
// (mica_matmul_feeder), swaps the new weights in with a wave that travels with the first vector,
// and writes each result row to ACC[acc_addr + m], adding the old row when accumulate = 1.
// Timing (start cycle x): ASPAD reads at x+1..x+T, swap wave starts at x+2, array inputs at
// x+3..x+T+2, outputs at x+3+L..x+T+2+L (L = array latency), ACC read (accumulate) at the output
// cycle, ACC write one cycle later.
// MATMULs are pipelined: accept_o allows the next start while this one generates its last pixel,
// so back-to-back MATMULs cost T cycles each and the drain (L + 3) is paid once. Each started
// MATMUL leaves a descriptor (acc_addr, accumulate, T) in a small FIFO that the output side
// consumes in order. busy_o stays high until every started MATMUL has written its last row (the
// wait-mask meaning of "ARRAY idle").
// Vector ops (DWCONV, RESCALE; mica_vector_unit) share the feeder and the output side: their
// vectors skip the array and are processed lane by lane in one registered stage, so they reach
// the output side 1 cycle after the feeder instead of L. RESCALE walks its rows as a 1 x rows
// image. A vector op starts only when no MATMUL is in flight (dw_accept_o), so no array row is
// still on its way out; vector ops pipeline among themselves like MATMULs. A MATMUL after one
// starts no earlier than its last vector, and its rows need L > 1 more cycles. DWCONV mode MAX
// accumulates by maximum instead of sum (a descriptor bit).
// Hazards handled here:
// - Shadow weights: none here; the array skews shadow writes like the swap wave, so a LOADW
//   issued after this MATMUL never overtakes the wave (see mica_array, mica_weight_unit).
// - ACC read-modify-write: an accumulating output row whose address equals the row written in
//   the same cycle (consecutive rows of consecutive MATMULs, e.g. T = 1) would read the stale
//   row (read-before-write SRAM); it takes the value being written instead (forwarding).
// ACC_PIPE = 1 (FPGA timing): the ACC read data is registered before the add, so block RAM
// output -> adder -> adder is no longer one path; rows are written one cycle later (stage C),
// and a row whose read missed the two writes still in flight takes them from stage C or from
// the last written row (W) instead.
module mica_matmul_unit #(
  parameter int unsigned ROWS        = mica_pkg::ROWS_DEFAULT,
  parameter int unsigned COLS        = mica_pkg::COLS_DEFAULT,
  parameter int unsigned ASPAD_DEPTH = mica_pkg::ASPAD_DEPTH_DEFAULT,
  parameter int unsigned ACC_DEPTH   = mica_pkg::ACC_DEPTH_DEFAULT,
  parameter int unsigned ABSENT      = mica_pkg::ABSENT_DEFAULT,
  parameter int unsigned DEPTH       = 8,   // MATMULs in flight (implementation parameter)
  parameter int unsigned ACC_PIPE    = 0,   // 1: registered ACC read data (see above)
  localparam int unsigned AAW = $clog2(ASPAD_DEPTH),
  localparam int unsigned CAW = $clog2(ACC_DEPTH),
  localparam int unsigned RowOffW = ($clog2(ASPAD_DEPTH) > 16) ? $clog2(ASPAD_DEPTH) : 16
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               start_i,
  input  logic [127:0]       instr_i,
  input  logic [RowOffW-1:0] row_off_i,   // MATMUL/DWCONV off_y * in_w (mica_decode)
  output logic               busy_o,
  output logic               accept_o,
  output logic               dw_accept_o,
  // Vector unit shadow weights (LOADW vector = 1) and its MAC event
  input  logic               v_we_i,
  input  logic [COLS*8-1:0]  v_row_i,
  output logic               v_mac_o,
  // ASPAD read port
  output logic               aspad_re_o,
  output logic [AAW-1:0]     aspad_raddr_o,
  input  logic [ROWS*8-1:0]  aspad_rdata_i,
  // Array
  output logic               w_swap_o,
  output logic               a_valid_o,
  output logic [ROWS*9-1:0]  a_row_o,
  input  logic               out_valid_i,
  input  logic [COLS*32-1:0] out_row_i,
  // ACC read port A and the ACC write port
  output logic               acc_re_o,
  output logic [CAW-1:0]     acc_raddr_o,
  input  logic [COLS*32-1:0] acc_rdata_i,
  output logic               acc_we_o,
  output logic [CAW-1:0]     acc_waddr_o,
  output logic [COLS*32-1:0] acc_wdata_o
);
  // MATMULs in flight at most (started, last row not yet out of the array); the issue stalls
  // when full. 8 covers T >= 5 back-to-back on 16x16 without stalls (a 2x2 array drains in
  // 6 cycles, so 4 cover T >= 2 there).
  localparam int unsigned Depth = DEPTH;
  localparam int unsigned PW    = $clog2(Depth);
  // T = out_h * out_w <= ACC_DEPTH (mica_decode's MEM_RANGE check), so TW bits hold it.
  localparam int unsigned TW    = $clog2(ACC_DEPTH + 1);
  localparam int unsigned DescW = CAW + 3 + TW;   // {acc_addr, accumulate, vector op, max, T}

  logic feeder_ready, feed_valid, feed_vec, is_vec, is_max, vec_valid;
  logic [COLS*32-1:0] vec_row;
  logic [127:0] feed_instr;
  logic [3:0]   opcode;
  assign opcode = instr_i[mica_pkg::F_OPCODE_LSB +: mica_pkg::F_OPCODE_W];
  // An absent feature's instruction never starts (mica_decode), so its paths are constant here.
  localparam bit HasVec = (ABSENT & ((1 << mica_pkg::FEATURE_DWCONV_MAC) | (1 << mica_pkg::FEATURE_DWCONV_MAX) |
                                     (1 << mica_pkg::FEATURE_RESCALE))) !=
                          ((1 << mica_pkg::FEATURE_DWCONV_MAC) | (1 << mica_pkg::FEATURE_DWCONV_MAX) |
                           (1 << mica_pkg::FEATURE_RESCALE));
  localparam bit HasMax = ((ABSENT >> mica_pkg::FEATURE_DWCONV_MAX) & 1) == 0;
  localparam bit HasTaps = ((ABSENT >> mica_pkg::FEATURE_DWCONV_TAPS) & 1) == 0;
  assign is_vec = HasVec && (opcode == mica_pkg::OP_DWCONV || opcode == mica_pkg::OP_RESCALE);
  assign is_max = HasMax && opcode == mica_pkg::OP_DWCONV &&
                  instr_i[mica_pkg::DWCONV_MODE_LSB +: mica_pkg::DWCONV_MODE_W] == mica_pkg::DWCONV_MODE_MAXIMUM;

  // RESCALE walks its rows as a 1 x rows image with stride 1 and no padding.
  always_comb begin
    logic [11:0] rows;
    feed_instr = instr_i;
    rows = instr_i[mica_pkg::RESCALE_ROWS_LSB +: mica_pkg::RESCALE_ROWS_W];
    if (opcode == mica_pkg::OP_RESCALE) begin
      feed_instr = '0;
      feed_instr[mica_pkg::MATMUL_ACCUMULATE_LSB] = instr_i[mica_pkg::RESCALE_ACCUMULATE_LSB];
      feed_instr[mica_pkg::MATMUL_Z_IN_LSB +: mica_pkg::MATMUL_Z_IN_W] =
        instr_i[mica_pkg::RESCALE_Z_IN_LSB +: mica_pkg::RESCALE_Z_IN_W];
      feed_instr[mica_pkg::MATMUL_ASPAD_ADDR_LSB +: mica_pkg::MATMUL_ASPAD_ADDR_W] =
        instr_i[mica_pkg::RESCALE_ASPAD_ADDR_LSB +: mica_pkg::RESCALE_ASPAD_ADDR_W];
      feed_instr[mica_pkg::MATMUL_ACC_ADDR_LSB +: mica_pkg::MATMUL_ACC_ADDR_W] =
        instr_i[mica_pkg::RESCALE_ACC_ADDR_LSB +: mica_pkg::RESCALE_ACC_ADDR_W];
      feed_instr[mica_pkg::MATMUL_IN_H_LSB +: mica_pkg::MATMUL_IN_H_W]         = 12'd1;
      feed_instr[mica_pkg::MATMUL_OUT_H_LSB +: mica_pkg::MATMUL_OUT_H_W]       = 12'd1;
      feed_instr[mica_pkg::MATMUL_IN_W_LSB +: mica_pkg::MATMUL_IN_W_W]         = rows;
      feed_instr[mica_pkg::MATMUL_OUT_W_LSB +: mica_pkg::MATMUL_OUT_W_W]       = rows;
      feed_instr[mica_pkg::MATMUL_STRIDE_Y_LSB +: mica_pkg::MATMUL_STRIDE_Y_W] = 4'd1;
      feed_instr[mica_pkg::MATMUL_STRIDE_X_LSB +: mica_pkg::MATMUL_STRIDE_X_W] = 4'd1;
    end
  end

  // The feeder's walk: feed_instr's, but a DWCONV of three or nine taps (feature DWCONV_TAPS,
  // g_taps_walk; not one gate of it without) walks every input pixel of each output line's window
  // once, (out_w-1)*stride_x + 3 pixels at stride 1 from off_x, and NINE every one of the window's
  // (out_h-1)*stride_y + 3 input lines at stride 1 from off_y (mica_vector_unit slides the window
  // over them); its descriptor still counts its outputs (feed_instr's out_h, out_w).
  logic [127:0] walk_instr;
  if (HasTaps) begin : g_taps_walk
    always_comb begin
      logic [11:0] ow, oh, line, lines;
      logic [1:0]  taps;
      walk_instr = feed_instr;
      taps  = instr_i[mica_pkg::DWCONV_TAPS_LSB +: mica_pkg::DWCONV_TAPS_W];
      ow    = instr_i[mica_pkg::DWCONV_OUT_W_LSB +: mica_pkg::DWCONV_OUT_W_W] - 12'd1;
      oh    = instr_i[mica_pkg::DWCONV_OUT_H_LSB +: mica_pkg::DWCONV_OUT_H_W] - 12'd1;
      line  = 12'd3;
      lines = 12'd3;
      for (int k = 0; k < mica_pkg::DWCONV_STRIDE_X_W; k++)   // shifted adds: a 4-bit factor
        if (instr_i[mica_pkg::DWCONV_STRIDE_X_LSB + k]) line = line + (ow << k);
      for (int k = 0; k < mica_pkg::DWCONV_STRIDE_Y_W; k++)
        if (instr_i[mica_pkg::DWCONV_STRIDE_Y_LSB + k]) lines = lines + (oh << k);
      if (opcode == mica_pkg::OP_DWCONV && (taps == mica_pkg::DWCONV_TAPS_THREE ||
                                            taps == mica_pkg::DWCONV_TAPS_NINE)) begin
        walk_instr[mica_pkg::MATMUL_OUT_W_LSB +: mica_pkg::MATMUL_OUT_W_W]    = line;
        walk_instr[mica_pkg::MATMUL_STRIDE_X_LSB +: mica_pkg::MATMUL_STRIDE_X_W] = 4'd1;
      end
      if (opcode == mica_pkg::OP_DWCONV && taps == mica_pkg::DWCONV_TAPS_NINE) begin
        walk_instr[mica_pkg::MATMUL_OUT_H_LSB +: mica_pkg::MATMUL_OUT_H_W]    = lines;
        walk_instr[mica_pkg::MATMUL_STRIDE_Y_LSB +: mica_pkg::MATMUL_STRIDE_Y_W] = 4'd1;
      end
    end
  end else begin : g_walk
    assign walk_instr = feed_instr;
  end

  mica_matmul_feeder #(.ROWS(ROWS), .ASPAD_DEPTH(ASPAD_DEPTH)) u_feeder (
    .clk_i, .rst_ni,
    .start_i,
    .instr_i      (walk_instr),
    .row_off_i    (opcode == mica_pkg::OP_RESCALE ? '0 : row_off_i),
    .busy_o       (),
    .ready_o      (feeder_ready),
    .aspad_re_o,
    .aspad_raddr_o,
    .aspad_rdata_i,
    .a_valid_o    (feed_valid),
    .a_row_o
  );

  logic               lane_valid, taps_mode, taps_valid;
  logic [COLS*32-1:0] lane_row, taps_row;
  mica_vector_unit #(.ROWS(ROWS), .COLS(COLS), .ABSENT(ABSENT)) u_vector (
    .clk_i, .rst_ni, .start_i, .instr_i,
    .v_we_i, .v_row_i,
    .feed_valid_i (feed_valid),
    .feed_row_i   (a_row_o),
    .feed_vec_o   (feed_vec),
    .res_valid_o  (lane_valid),
    .res_row_o    (lane_row),
    .taps_mode_o  (taps_mode),
    .taps_valid_o (taps_valid),
    .taps_row_o   (taps_row)
  );
  // A DWCONV of three taps' results replace the lanes' own (g_taps_out; without DWCONV_TAPS the
  // lanes' results as they were).
  if (HasTaps) begin : g_taps_out
    assign vec_valid = taps_mode ? taps_valid : lane_valid;
    assign vec_row   = taps_mode ? taps_row : lane_row;
  end else begin : g_out
    assign vec_valid = lane_valid;
    assign vec_row   = lane_row;
    logic unused_taps;
    assign unused_taps = taps_mode ^ taps_valid ^ (^taps_row);
  end
  assign a_valid_o = feed_valid & ~feed_vec;
  assign v_mac_o   = feed_vec;

  // ---- start side: swap timing, descriptor push ----
  logic swap1_q, swap2_q;
  assign w_swap_o = swap2_q;   // start + 2: the cycle before the first vector enters

  logic [15:0] in_acc_addr;
  logic [TW-1:0] in_total;
  assign in_acc_addr = feed_instr[mica_pkg::MATMUL_ACC_ADDR_LSB +: mica_pkg::MATMUL_ACC_ADDR_W];
  assign in_total    = TW'(feed_instr[mica_pkg::MATMUL_OUT_H_LSB +: mica_pkg::MATMUL_OUT_H_W]) *
                       TW'(feed_instr[mica_pkg::MATMUL_OUT_W_LSB +: mica_pkg::MATMUL_OUT_W_W]);

  logic [DescW-1:0] desc_mem [Depth];
  logic [PW-1:0]    wr_ptr_q, rd_ptr_q;
  logic [PW:0]      count_q, mm_count_q;   // descriptors in flight; those of MATMULs
  logic             pop;

  always_ff @(posedge clk_i) begin
    if (start_i) begin
      desc_mem[wr_ptr_q] <= {in_acc_addr[CAW-1:0],
                             feed_instr[mica_pkg::MATMUL_ACCUMULATE_LSB], is_vec, is_max, in_total};
    end
  end

  assign accept_o    = feeder_ready && (count_q != (PW+1)'(Depth));
  assign dw_accept_o = accept_o && (mm_count_q == '0);

  // ---- output side: head descriptor, row counter, write-back with forwarding ----
  logic               res_valid;
  logic [COLS*32-1:0] res_row;
  assign res_valid = out_valid_i | vec_valid;
  assign res_row   = vec_valid ? vec_row : out_row_i;
  logic [DescW-1:0] head;
  logic [CAW-1:0]   hd_addr;
  logic             hd_acc, hd_vec, hd_max;
  logic [TW-1:0]    hd_total;
  logic [TW-1:0]    out_cnt_q;
  logic [CAW-1:0]   out_row_addr;
  assign head = desc_mem[rd_ptr_q];
  assign {hd_addr, hd_acc, hd_vec, hd_max, hd_total} = head;
  assign out_row_addr = hd_addr + out_cnt_q[CAW-1:0];
  assign pop = res_valid && (out_cnt_q + 1'b1 == hd_total);

  assign acc_re_o    = res_valid && hd_acc;
  assign acc_raddr_o = out_row_addr;

  // Write-back: the result row of this cycle, its address and how it combines with the old row.
  logic               wb_busy;
  if (ACC_PIPE == 0) begin : g_wb
    logic               wb_valid_q, wb_rd_q, wb_max_q;
    logic [CAW-1:0]     wb_addr_q;
    logic [COLS*32-1:0] wb_row_q;
    logic               fwd;
    assign fwd = hd_acc && wb_valid_q && (wb_addr_q == out_row_addr);

    assign acc_wdata_o = combine_row(wb_rd_q, wb_max_q, wb_row_q, acc_rdata_i);
    assign acc_we_o    = wb_valid_q;
    assign acc_waddr_o = wb_addr_q;
    assign wb_busy     = wb_valid_q;

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        wb_valid_q <= 1'b0; wb_rd_q <= 1'b0; wb_max_q <= 1'b0; wb_addr_q <= '0;
      end else begin
        wb_valid_q <= res_valid;
        if (res_valid) begin
          wb_addr_q <= out_row_addr;
          wb_rd_q   <= hd_acc && !fwd;
          wb_max_q  <= hd_max;
        end
      end
    end
    // Result rows are registered without reset (data path only). A forwarded row adds the row
    // being written now (the ACC read of this cycle returns it stale).
    always_ff @(posedge clk_i) begin
      if (res_valid) begin
        wb_row_q <= combine_row(fwd, hd_max, res_row, acc_wdata_o);
      end
    end
  end else begin : g_wb_pipe
    // Stage B: the ACC read returns; stage C: the row is combined and written; W: the row
    // written last cycle. A read in cycle k sees writes up to k - 1, so the row in B (read in
    // k - 1) misses C's write (now) and W's (k - 1): it takes the newer of the two that match.
    logic               b_valid_q, b_rd_q, b_max_q, c_valid_q, c_rd_q, c_max_q, w_valid_q;
    logic [CAW-1:0]     b_addr_q, c_addr_q, w_addr_q;
    logic [COLS*32-1:0] b_row_q, c_row_q, c_old_q, w_data_q, b_old;
    assign acc_wdata_o = combine_row(c_rd_q, c_max_q, c_row_q, c_old_q);
    always_comb begin
      if (c_valid_q && c_addr_q == b_addr_q)      b_old = acc_wdata_o;
      else if (w_valid_q && w_addr_q == b_addr_q) b_old = w_data_q;
      else                                        b_old = acc_rdata_i;
    end
    assign acc_we_o    = c_valid_q;
    assign acc_waddr_o = c_addr_q;
    assign wb_busy     = b_valid_q || c_valid_q;

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        b_valid_q <= 1'b0; b_rd_q <= 1'b0; b_max_q <= 1'b0; b_addr_q <= '0;
        c_valid_q <= 1'b0; c_rd_q <= 1'b0; c_max_q <= 1'b0; c_addr_q <= '0;
        w_valid_q <= 1'b0; w_addr_q <= '0;
      end else begin
        b_valid_q <= res_valid;
        c_valid_q <= b_valid_q;
        w_valid_q <= c_valid_q;
        if (res_valid) begin
          b_addr_q <= out_row_addr; b_rd_q <= hd_acc; b_max_q <= hd_max;
        end
        if (b_valid_q) begin
          c_addr_q <= b_addr_q; c_rd_q <= b_rd_q; c_max_q <= b_max_q;
        end
        if (c_valid_q) w_addr_q <= c_addr_q;
      end
    end
    // Data path registers without reset.
    always_ff @(posedge clk_i) begin
      if (res_valid) b_row_q <= res_row;
      if (b_valid_q) begin
        c_row_q <= b_row_q;
        c_old_q <= b_old;
      end
      if (c_valid_q) w_data_q <= acc_wdata_o;
    end
  end
  assign busy_o = (count_q != '0) || wb_busy;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      swap1_q <= 1'b0; swap2_q <= 1'b0;
      wr_ptr_q <= '0; rd_ptr_q <= '0; count_q <= '0; mm_count_q <= '0; out_cnt_q <= '0;
    end else begin
      swap1_q <= start_i & ~is_vec;   // vector ops leave the array's weights alone
      swap2_q <= swap1_q;
      if (start_i) wr_ptr_q <= wr_ptr_q + 1'b1;
      if (pop) rd_ptr_q <= rd_ptr_q + 1'b1;
      count_q <= count_q + (PW+1)'(start_i) - (PW+1)'(pop);
      mm_count_q <= mm_count_q + (PW+1)'(start_i && !is_vec) - (PW+1)'(pop && !hd_vec);
      if (res_valid) out_cnt_q <= pop ? '0 : out_cnt_q + 1'b1;
    end
  end

  // Accumulation: add (MAC, RESCALE), or keep the maximum (DWCONV mode MAX).
  function automatic logic [31:0] combine(input logic keep_max, input logic [31:0] x, input logic [31:0] y);
    if (keep_max) combine = ($signed(x) > $signed(y)) ? x : y;
    else combine = x + y;
  endfunction
  // A result row, combined column by column with the old row when rd is set.
  function automatic logic [COLS*32-1:0] combine_row(input logic rd, input logic keep_max,
                                                      input logic [COLS*32-1:0] x,
                                                      input logic [COLS*32-1:0] old);
    for (int c = 0; c < COLS; c++) begin
      combine_row[32*c +: 32] = rd ? combine(keep_max, x[32*c +: 32], old[32*c +: 32]) : x[32*c +: 32];
    end
  endfunction
  logic unused_matmul;
  assign unused_matmul = ^in_acc_addr[15:CAW];
endmodule
