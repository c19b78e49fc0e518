// LOAD unit: 2-D DMA external memory -> ASPAD / WSPAD / PARAM rows.
// Each row of `len` bytes (any alignment) is fetched as whole BUS_BYTES beats, assembled byte by
// byte into a row buffer at byte `col` and written to the target memory with the beat that
// completes it; row bytes outside [col, col+len) are written as `fill`. Up to MAX_OUTSTANDING read beats are in flight: every
// response is consumed in the cycle it arrives (one target write per cycle at most), so no data
// buffer bounds it. Bus error: report once, stop requesting, drain what is in flight.
module mica_load_unit #(
  parameter int unsigned ROWS            = mica_pkg::ROWS_DEFAULT,
  parameter int unsigned COLS            = mica_pkg::COLS_DEFAULT,
  parameter int unsigned BUS_BYTES       = mica_pkg::BUS_BYTES_DEFAULT,
  parameter int unsigned MAX_OUTSTANDING = 16,
  parameter int unsigned ADDR_W          = 32,   // external address bits (mica_dma_walker)
  parameter int unsigned MAX_ROWS        = 65535, // deepest target (decode-checked row count)
  // Widest target row in bytes (PARAM rows are 4*COLS bytes).
  localparam int unsigned RowBytes = (ROWS > 4 * COLS) ? ROWS : 4 * COLS
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   start_i,
  input  logic [127:0]           instr_i,
  input  logic                   abort_i,
  output logic                   busy_o,
  output logic                   aspad_busy_o,   // busy with a target-ASPAD LOAD (mica_issue)
  output logic                   bus_err_o,
  // Bus (id 1)
  output logic                   req_valid_o,
  input  logic                   req_ready_i,
  output logic [31:0]            req_addr_o,
  input  logic                   rsp_valid_i,
  input  logic [8*BUS_BYTES-1:0] rsp_rdata_i,
  input  logic                   rsp_err_i,
  // Target row write, indexed by LOAD.target: we_o[LOAD_TARGET_ASPAD / _WSPAD / _PARAM]
  output logic [2:0]             we_o,
  output logic [15:0]            waddr_o,
  output logic [8*RowBytes-1:0]  wdata_o,
  // Counter events
  output logic                   beat_o
);
  localparam int unsigned LgB = $clog2(BUS_BYTES);
  localparam int unsigned OutW = $clog2(MAX_OUTSTANDING + 1);
  // Narrow row arithmetic: mica_decode lets a LOAD issue only with col + len <= its target's row
  // width <= RowBytes, so col < RowBytes, len <= RowBytes, and a beat that contributes to the
  // row has an index below (RowBytes + BUS_BYTES) / BUS_BYTES.
  localparam int unsigned PW = $clog2(RowBytes + BUS_BYTES) + 1;   // byte positions
  localparam int unsigned KW = $clog2(RowBytes + 1);                // col, len, col + len
  localparam int unsigned RW = (MAX_ROWS >= 65535) ? 16 : $clog2(MAX_ROWS + 1);   // row count

  logic        busy_q, err_seen_q;
  logic [1:0]  target_q;
  logic [15:0] mem_addr_q;
  logic [KW-1:0] len_q;   // len <= RowBytes (decode)
  logic [5:0]  col_q;
  logic [7:0]  fill_q;
  logic [OutW-1:0] outstanding_q;
  logic [8*RowBytes-1:0] buf_q;

  logic [31:0] ext_addr, stride;
  logic [15:0] rows, len;
  assign ext_addr = instr_i[mica_pkg::LOAD_EXT_ADDR_LSB +: mica_pkg::LOAD_EXT_ADDR_W];
  assign stride   = 32'(instr_i[mica_pkg::LOAD_EXT_STRIDE_LSB +: mica_pkg::LOAD_EXT_STRIDE_W]);
  assign rows     = instr_i[mica_pkg::LOAD_ROWS_LSB +: mica_pkg::LOAD_ROWS_W];
  assign len      = instr_i[mica_pkg::LOAD_LEN_LSB +: mica_pkg::LOAD_LEN_W];

  logic stopping, req_fire, rq_done, rs_done, rs_last, rsp_use;
  logic [31:0] rq_addr;
  logic [15:0] rs_row, rs_beat;
  logic [LgB-1:0] rs_off;
  assign stopping = abort_i | err_seen_q;

  // Request side
  mica_dma_walker #(.BUS_BYTES(BUS_BYTES), .ADDR_W(ADDR_W), .LEN_W(KW), .ROWS_W(RW)) u_req_walk (
    .clk_i, .rst_ni,
    .init_i(start_i), .ext_addr_i(ext_addr), .stride_i(stride), .rows_i(rows), .len_i(len),
    .step_i(req_fire), .done_o(rq_done), .row_o(), .beat_o(), .last_beat_o(),
    .beat_addr_o(rq_addr), .off_o()
  );
  assign req_valid_o = busy_q && !rq_done && !stopping &&
                       (32'(outstanding_q) < MAX_OUTSTANDING);
  assign req_addr_o  = rq_addr;
  assign req_fire    = req_valid_o & req_ready_i;

  // Response side: a second walker tracks which row/beat each in-order response belongs to.
  mica_dma_walker #(.BUS_BYTES(BUS_BYTES), .ADDR_W(ADDR_W), .LEN_W(KW), .ROWS_W(RW)) u_rsp_walk (
    .clk_i, .rst_ni,
    .init_i(start_i), .ext_addr_i(ext_addr), .stride_i(stride), .rows_i(rows), .len_i(len),
    .step_i(rsp_valid_i), .done_o(rs_done), .row_o(rs_row), .beat_o(rs_beat),
    .last_beat_o(rs_last), .beat_addr_o(), .off_o(rs_off)
  );
  assign rsp_use = rsp_valid_i && !rsp_err_i && !stopping;
  assign beat_o  = rsp_valid_i;

  // Row byte col + j comes from ext byte row_start + j: beat (off + j) / B, lane (off + j) % B.
  logic [KW-1:0] col_n, len_n;
  logic [KW:0]   end_n;
  logic          beat_small;   // rs_beat fits PW - LgB bits (larger beats hold no row byte)
  assign col_n      = KW'(col_q);
  assign len_n      = len_q;
  assign end_n      = (KW+1)'(col_n) + (KW+1)'(len_n);
  assign beat_small = (rs_beat >> (PW - LgB)) == '0;
  // merged is used only with a response (buf_q loads it) and wdata_o only with we_o: other
  // cycles assign don't care. Synthesis drops those selections (the same logic as without
  // them); the simulator skips both byte loops then, which matters because they depend on the
  // memory port inputs and so are evaluated at both clock edges of every cycle.
  logic [8*RowBytes-1:0] merged;
  // Row byte j >= col is external byte pos = off + j - col of the row: beat pos / BUS_BYTES,
  // lane pos % BUS_BYTES (written out twice below: a local would need a value in every path).
  always_comb begin
    merged = 'x;
    if (rsp_valid_i) begin
      merged = buf_q;
      for (int j = 0; j < RowBytes; j++) begin
        if (PW'(j) >= PW'(col_n) && beat_small &&
            ((PW'(rs_off) + PW'(j) - PW'(col_n)) >> LgB) == PW'((PW-LgB)'(rs_beat)))
          merged[8*j +: 8] = rsp_rdata_i[8*LgB'(PW'(rs_off) + PW'(j) - PW'(col_n)) +: 8];
      end
    end
  end

  always_comb begin
    wdata_o = 'x;
    if (rsp_valid_i && rs_last) begin
      for (int j = 0; j < RowBytes; j++) begin
        if ((KW+1)'(j) >= (KW+1)'(col_n) && (KW+1)'(j) < end_n) wdata_o[8*j +: 8] = merged[8*j +: 8];
        else wdata_o[8*j +: 8] = fill_q;
      end
    end
  end
  assign waddr_o = mem_addr_q + rs_row;
  always_comb begin
    we_o = '0;
    if (rsp_use && rs_last) we_o[target_q] = 1'b1;   // we_o is indexed by LOAD.target
  end

  assign busy_o    = busy_q;
  assign aspad_busy_o = busy_q && target_q == 2'(mica_pkg::LOAD_TARGET_ASPAD);
  assign bus_err_o = rsp_valid_i && rsp_err_i && !err_seen_q && busy_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q        <= 1'b0;
      err_seen_q    <= 1'b0;
      target_q      <= '0;
      mem_addr_q    <= '0;
      len_q         <= '0;
      col_q         <= '0;
      fill_q        <= '0;
      outstanding_q <= '0;
      buf_q         <= '0;
    end else begin
      outstanding_q <= outstanding_q + OutW'(req_fire) - OutW'(rsp_valid_i);
      if (start_i) begin
        busy_q     <= 1'b1;
        err_seen_q <= 1'b0;
        target_q   <= instr_i[mica_pkg::LOAD_TARGET_LSB +: mica_pkg::LOAD_TARGET_W];
        mem_addr_q <= instr_i[mica_pkg::LOAD_MEM_ADDR_LSB +: mica_pkg::LOAD_MEM_ADDR_W];
        len_q      <= KW'(len);
        col_q      <= instr_i[mica_pkg::LOAD_COL_LSB +: mica_pkg::LOAD_COL_W];
        fill_q     <= instr_i[mica_pkg::LOAD_FILL_LSB +: mica_pkg::LOAD_FILL_W];
      end else if (busy_q) begin
        if (bus_err_o) err_seen_q <= 1'b1;
        if (rs_done || (stopping && outstanding_q == '0)) busy_q <= 1'b0;
      end
      if (rsp_use) buf_q <= merged;
    end
  end
  logic unused_load;
  assign unused_load = ^col_q;   // used through col_n (KW bits)
endmodule
