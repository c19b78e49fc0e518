// ARRAY unit (MATMUL): swaps the shadow weights in, streams T = out_h*out_w activation vectors
// through the array (mica_matmul_feeder) and writes each result row to ACC[acc_addr + m],
// adding the old row when accumulate = 1.
// Timing (start cycle = 0): swap at 1, ASPAD reads at 1..T, array inputs at 3..T+2, array outputs
// at 3+L..T+2+L (L = array latency), ACC read (accumulate) at the output cycle, ACC write one
// cycle later, unit idle from cycle T+4+L. Only one MATMUL is in the array at a time, so the swap
// never meets data in flight and a following MATMUL's RMW reads see every earlier write.
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
  logic        busy_q, swap_q, accumulate_q;
  logic [15:0] acc_addr_q;
  logic [23:0] total_q, out_cnt_q, wr_cnt_q;

  mica_matmul_feeder #(.ROWS(ROWS), .ASPAD_DEPTH(ASPAD_DEPTH)) u_feeder (
    .clk_i, .rst_ni,
    .start_i,
    .instr_i,
    .busy_o       (),
    .aspad_re_o,
    .aspad_raddr_o,
    .aspad_rdata_i,
    .a_valid_o,
    .a_row_o
  );

  assign w_swap_o = swap_q;

  // Write-back stage: the array result row waits one cycle for the ACC read (accumulate).
  logic               wb_valid_q;
  logic [CAW-1:0]     wb_addr_q;
  logic [COLS*32-1:0] wb_row_q;
  logic [15:0]        out_row_addr;
  assign out_row_addr = acc_addr_q + out_cnt_q[15:0];
  assign acc_re_o     = out_valid_i && accumulate_q;
  assign acc_raddr_o  = out_row_addr[CAW-1:0];

  always_comb begin
    for (int c = 0; c < COLS; c++) begin
      acc_wdata_o[32*c +: 32] = wb_row_q[32*c +: 32] +
                                (accumulate_q ? acc_rdata_i[32*c +: 32] : 32'd0);
    end
  end
  assign acc_we_o    = wb_valid_q;
  assign acc_waddr_o = wb_addr_q;
  assign busy_o      = busy_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q <= 1'b0; swap_q <= 1'b0; accumulate_q <= 1'b0; acc_addr_q <= '0;
      total_q <= '0; out_cnt_q <= '0; wr_cnt_q <= '0;
      wb_valid_q <= 1'b0; wb_addr_q <= '0;
    end else begin
      swap_q     <= start_i;
      wb_valid_q <= out_valid_i;
      if (out_valid_i) begin
        wb_addr_q <= out_row_addr[CAW-1:0];
        out_cnt_q <= out_cnt_q + 24'd1;
      end
      if (start_i) begin
        busy_q       <= 1'b1;
        accumulate_q <= instr_i[mica_pkg::MATMUL_ACCUMULATE_LSB];
        acc_addr_q   <= instr_i[mica_pkg::MATMUL_ACC_ADDR_LSB +: mica_pkg::MATMUL_ACC_ADDR_W];
        total_q      <= 24'(instr_i[mica_pkg::MATMUL_OUT_H_LSB +: mica_pkg::MATMUL_OUT_H_W]) *
                        24'(instr_i[mica_pkg::MATMUL_OUT_W_LSB +: mica_pkg::MATMUL_OUT_W_W]);
        out_cnt_q    <= '0;
        wr_cnt_q     <= '0;
      end else if (wb_valid_q) begin
        wr_cnt_q <= wr_cnt_q + 24'd1;
        if (wr_cnt_q + 24'd1 == total_q) busy_q <= 1'b0;
      end
    end
  end

  // Result rows are registered without reset (data path only).
  always_ff @(posedge clk_i) begin
    if (out_valid_i) wb_row_q <= out_row_i;
  end
  logic unused_matmul;
  assign unused_matmul = ^out_row_addr[15:CAW];
endmodule
