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
// DWCONV (the vector unit) shares the feeder and the output side: its vectors skip the array and
// are multiplied lane by lane with the vector weights (Vactive, swapped from Vshadow at start),
// one registered stage, so they reach the output side 1 cycle after the feeder instead of L.
// A DWCONV starts only when no MATMUL is in flight (dw_accept_o), so no array row is still on
// its way out; DWCONVs pipeline among themselves like MATMULs. A MATMUL after a DWCONV starts no
// earlier than its last vector, and its rows need L > 1 more cycles. The vector mode and the
// vector weights follow the feeder's 3-cycle latency, so each vector is routed and multiplied by
// the instruction that produced it (a LOADW may refill Vshadow right after a DWCONV starts).
// Hazards handled here:
// - Shadow weights: none here; the array skews shadow writes like the swap wave, so a LOADW
//   issued after this MATMUL never overtakes the wave (see mica_array, mica_weight_unit).
// - ACC read-modify-write: an accumulating output row whose address equals the row written in
//   the same cycle (consecutive rows of consecutive MATMULs, e.g. T = 1) would read the stale
//   row (read-before-write SRAM); it takes the value being written instead (forwarding).
module mica_matmul_unit #(
  parameter int unsigned ROWS        = mica_pkg::ROWS_DEFAULT,
  parameter int unsigned COLS        = mica_pkg::COLS_DEFAULT,
  parameter int unsigned ASPAD_DEPTH = mica_pkg::ASPAD_DEPTH_DEFAULT,
  parameter int unsigned ACC_DEPTH   = mica_pkg::ACC_DEPTH_DEFAULT,
  localparam int unsigned AAW = $clog2(ASPAD_DEPTH),
  localparam int unsigned CAW = $clog2(ACC_DEPTH)
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               start_i,
  input  logic [127:0]       instr_i,
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
  // when full. 8 covers T >= 5 back-to-back on 16x16 without stalls.
  localparam int unsigned Depth = 8;
  localparam int unsigned PW    = $clog2(Depth);
  localparam int unsigned DescW = CAW + 2 + 24;   // {acc_addr, accumulate, dwconv, T}

  localparam int unsigned Lanes = (ROWS < COLS) ? ROWS : COLS;
  logic feeder_ready, feed_valid, is_dw;
  assign is_dw = instr_i[mica_pkg::F_OPCODE_LSB +: mica_pkg::F_OPCODE_W] == mica_pkg::OP_DWCONV;
  mica_matmul_feeder #(.ROWS(ROWS), .ASPAD_DEPTH(ASPAD_DEPTH)) u_feeder (
    .clk_i, .rst_ni,
    .start_i,
    .instr_i,
    .busy_o       (),
    .ready_o      (feeder_ready),
    .aspad_re_o,
    .aspad_raddr_o,
    .aspad_rdata_i,
    .a_valid_o    (feed_valid),
    .a_row_o
  );

  // ---- vector unit: mode of the vector leaving the feeder, lane products ----
  logic [2:0]        st_d_q, dw_d_q;   // start / is_dw delayed 1..3 cycles
  logic [COLS*8-1:0] vw_d_q [3];       // Vshadow at start, delayed alike
  logic              mode_q, cur_dw, vec_valid_q;
  logic [COLS*8-1:0] vshadow_q, vactive_q;
  logic [COLS*32-1:0] vec_row_q;
  logic [COLS*8-1:0] vw_cur;   // weights of the vector leaving the feeder now
  assign cur_dw    = st_d_q[2] ? dw_d_q[2] : mode_q;
  assign vw_cur    = (st_d_q[2] && dw_d_q[2]) ? vw_d_q[2] : vactive_q;
  assign a_valid_o = feed_valid & ~cur_dw;
  assign v_mac_o   = feed_valid & cur_dw;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_d_q <= '0; dw_d_q <= '0; mode_q <= 1'b0; vec_valid_q <= 1'b0;
    end else begin
      st_d_q      <= {st_d_q[1:0], start_i};
      dw_d_q      <= {dw_d_q[1:0], start_i & is_dw};
      mode_q      <= cur_dw;
      vec_valid_q <= feed_valid & cur_dw;
    end
  end
  // Weights and products: data path only, no reset.
  always_ff @(posedge clk_i) begin
    if (v_we_i) vshadow_q <= v_row_i;
    vw_d_q[0] <= vshadow_q;
    vw_d_q[1] <= vw_d_q[0];
    vw_d_q[2] <= vw_d_q[1];
    if (st_d_q[2] && dw_d_q[2]) vactive_q <= vw_d_q[2];
    if (feed_valid && cur_dw) begin
      for (int c = 0; c < COLS; c++) begin
        if (c < Lanes) vec_row_q[32*c +: 32] <= 32'($signed(a_row_o[9*c +: 9]) * $signed(vw_cur[8*c +: 8]));
        else vec_row_q[32*c +: 32] <= '0;
      end
    end
  end

  // ---- start side: swap timing, descriptor push ----
  logic swap1_q, swap2_q;
  assign w_swap_o = swap2_q;   // start + 2: the cycle before the first vector enters

  logic [15:0] in_acc_addr;
  logic [23:0] in_total;
  assign in_acc_addr = instr_i[mica_pkg::MATMUL_ACC_ADDR_LSB +: mica_pkg::MATMUL_ACC_ADDR_W];
  assign in_total    = 24'(instr_i[mica_pkg::MATMUL_OUT_H_LSB +: mica_pkg::MATMUL_OUT_H_W]) *
                       24'(instr_i[mica_pkg::MATMUL_OUT_W_LSB +: mica_pkg::MATMUL_OUT_W_W]);

  logic [DescW-1:0] desc_mem [Depth];
  logic [PW-1:0]    wr_ptr_q, rd_ptr_q;
  logic [PW:0]      count_q, mm_count_q;   // descriptors in flight; those of MATMULs
  logic             pop;

  always_ff @(posedge clk_i) begin
    if (start_i) begin
      desc_mem[wr_ptr_q] <= {in_acc_addr[CAW-1:0],
                             instr_i[mica_pkg::MATMUL_ACCUMULATE_LSB], is_dw, in_total};
    end
  end

  assign accept_o    = feeder_ready && (count_q != (PW+1)'(Depth));
  assign dw_accept_o = accept_o && (mm_count_q == '0);

  // ---- output side: head descriptor, row counter, write-back with forwarding ----
  logic               res_valid;
  logic [COLS*32-1:0] res_row;
  assign res_valid = out_valid_i | vec_valid_q;
  assign res_row   = vec_valid_q ? vec_row_q : out_row_i;
  logic [DescW-1:0] head;
  logic [CAW-1:0]   hd_addr;
  logic             hd_acc, hd_dw;
  logic [23:0]      hd_total;
  logic [23:0]      out_cnt_q;
  logic [CAW-1:0]   out_row_addr;
  assign head = desc_mem[rd_ptr_q];
  assign {hd_addr, hd_acc, hd_dw, hd_total} = head;
  assign out_row_addr = hd_addr + out_cnt_q[CAW-1:0];
  assign pop = res_valid && (out_cnt_q + 24'd1 == hd_total);

  assign acc_re_o    = res_valid && hd_acc;
  assign acc_raddr_o = out_row_addr;

  logic               wb_valid_q, wb_rd_q;
  logic [CAW-1:0]     wb_addr_q;
  logic [COLS*32-1:0] wb_row_q;
  logic               fwd;
  assign fwd = hd_acc && wb_valid_q && (wb_addr_q == out_row_addr);

  always_comb begin
    for (int c = 0; c < COLS; c++) begin
      acc_wdata_o[32*c +: 32] = wb_row_q[32*c +: 32] +
                                (wb_rd_q ? acc_rdata_i[32*c +: 32] : 32'd0);
    end
  end
  assign acc_we_o    = wb_valid_q;
  assign acc_waddr_o = wb_addr_q;
  assign busy_o      = (count_q != '0) || wb_valid_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      swap1_q <= 1'b0; swap2_q <= 1'b0;
      wr_ptr_q <= '0; rd_ptr_q <= '0; count_q <= '0; mm_count_q <= '0; out_cnt_q <= '0;
      wb_valid_q <= 1'b0; wb_rd_q <= 1'b0; wb_addr_q <= '0;
    end else begin
      swap1_q <= start_i & ~is_dw;   // a DWCONV leaves the array's weights alone
      swap2_q <= swap1_q;
      if (start_i) wr_ptr_q <= wr_ptr_q + 1'b1;
      if (pop) rd_ptr_q <= rd_ptr_q + 1'b1;
      count_q <= count_q + (PW+1)'(start_i) - (PW+1)'(pop);
      mm_count_q <= mm_count_q + (PW+1)'(start_i && !is_dw) - (PW+1)'(pop && !hd_dw);
      if (res_valid) out_cnt_q <= pop ? 24'd0 : out_cnt_q + 24'd1;
      wb_valid_q <= res_valid;
      if (res_valid) begin
        wb_addr_q <= out_row_addr;
        wb_rd_q   <= hd_acc && !fwd;
      end
    end
  end

  // Result rows are registered without reset (data path only). A forwarded row adds the row
  // being written now (the ACC read of this cycle returns it stale).
  always_ff @(posedge clk_i) begin
    if (res_valid) begin
      for (int c = 0; c < COLS; c++) begin
        wb_row_q[32*c +: 32] <= res_row[32*c +: 32] +
                                (fwd ? acc_wdata_o[32*c +: 32] : 32'd0);
      end
    end
  end
  logic unused_matmul;
  assign unused_matmul = ^in_acc_addr[15:CAW];
endmodule
