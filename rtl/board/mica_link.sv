// The host link's device side: UART 8N1 -> deframer -> bridge -> framer -> UART
// (hw/link.json). Toward the accelerator: its CSR port, the board memory's byte port, and a
// registered accelerator reset. One unit, so FPGA tops and resource reports take it whole.
module mica_link #(
  parameter int unsigned MEM_BYTES    = 131072,
  parameter int unsigned CLK_HZ       = 12000000,
  parameter int unsigned CLKS_PER_BIT = 4,
  parameter int unsigned CYCLE_W      = 48,  // STATS cycle counter (2^48 cycles: 32 days at 100 MHz)
  // STATS counter widths (read zero-extended to 32 bits): the drop and UART error counters
  // saturate, the accepted-frame counter wraps. A small FPGA keeps them narrow.
  parameter int unsigned DROP_W       = 16,
  parameter int unsigned FRAME_W      = 32,
  // 0: STATS sends only the cycle count (the counters above read 0 and are not built)
  parameter bit          STATS_LINK   = 1'b1,
  // 0: no STATS command at all (NAK BAD_CMD) and no cycle counter (mica_link_bridge)
  parameter bit          STATS_CMD    = 1'b1,
  parameter bit          PIPE         = 1'b0   // FPGA timing (mica_link_bridge; mica_link_tx feeds the CRC a cycle later)
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        uart_rx_i,
  output logic        uart_tx_o,
  // Accelerator CSR port (csr_rdata_i combinational on csr_addr_o)
  output logic        csr_req_o,
  output logic        csr_we_o,
  output logic [11:0] csr_addr_o,
  output logic [31:0] csr_wdata_o,
  input  logic [31:0] csr_rdata_i,
  // Board memory byte port (read data the cycle after the request)
  output logic        mem_req_o,
  output logic        mem_we_o,
  output logic [31:0] mem_addr_o,
  output logic [7:0]  mem_wdata_o,
  input  logic [7:0]  mem_rdata_i,
  output logic        mem_hold_o,    // the board memory is the bridge's (mica_link_bridge)
  output logic        acc_reset_o,   // registered, active high
  output logic [31:0] status_o,      // accelerator STATUS as last seen by the idle bridge
  output logic        activity_o     // pulse: a line byte received or sent
);
  localparam int unsigned PIW = $clog2(mica_link_pkg::LINK_MAX_PAYLOAD);

  logic       rx_valid, tx_valid, tx_ready;
  logic [7:0] rx_byte, tx_byte;

  logic [DROP_W-1:0] uart_errors;

  mica_uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT), .ERR_CNT_W(DROP_W)) u_uart_rx (
    .clk_i, .rst_ni, .rx_i(uart_rx_i), .valid_o(rx_valid), .data_o(rx_byte),
    .frame_err_o(), .frame_err_cnt_o(uart_errors)
  );
  mica_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_uart_tx (
    .clk_i, .rst_ni, .valid_i(tx_valid), .data_i(tx_byte), .ready_o(tx_ready), .tx_o(uart_tx_o)
  );

  // One CRC for both directions: the framer runs only while the deframer holds a frame.
  logic        rx_crc_clear, rx_crc_en, tx_crc_clear, tx_crc_en, tx_busy;
  logic [7:0]  rx_crc_data, tx_crc_data;
  logic [31:0] crc;

  mica_link_crc32 u_crc (
    .clk_i, .rst_ni, .clear_i(rx_crc_clear | tx_crc_clear), .en_i(rx_crc_en | tx_crc_en),
    .data_i(tx_busy ? tx_crc_data : rx_crc_data), .crc_o(crc)
  );

  logic [FRAME_W-1:0] frames_ok;
  logic [DROP_W-1:0]  bad_fcs, bad_length, too_long, aborted;
  logic           frame_valid, frame_release;
  logic [7:0]     req_seq, req_cmd, req_byte;
  logic [15:0]    req_len;
  logic [PIW-1:0] req_idx;

  mica_link_rx #(.CNT_W(DROP_W), .FRAME_W(FRAME_W)) u_link_rx (
    .clk_i, .rst_ni, .byte_valid_i(rx_valid), .byte_i(rx_byte),
    .frame_valid_o(frame_valid), .seq_o(req_seq), .cmd_o(req_cmd), .len_o(req_len),
    .rd_idx_i(req_idx), .rd_data_o(req_byte), .release_i(frame_release),
    .crc_clear_o(rx_crc_clear), .crc_en_o(rx_crc_en), .crc_data_o(rx_crc_data), .crc_i(crc),
    .frames_ok_o(frames_ok), .bad_fcs_o(bad_fcs), .bad_length_o(bad_length),
    .too_long_o(too_long), .aborted_o(aborted)
  );

  logic        rep_start, rep_done, pl_valid, pl_ready;
  logic [7:0]  rep_seq, rep_cmd, pl_byte;
  logic [15:0] rep_len;

  mica_link_tx #(.PIPE(PIPE)) u_link_tx (
    .clk_i, .rst_ni, .start_i(rep_start), .seq_i(rep_seq), .cmd_i(rep_cmd), .len_i(rep_len),
    .busy_o(tx_busy), .done_o(rep_done), .pl_valid_i(pl_valid), .pl_data_i(pl_byte),
    .pl_ready_o(pl_ready), .out_valid_o(tx_valid), .out_data_o(tx_byte), .out_ready_i(tx_ready),
    .crc_clear_o(tx_crc_clear), .crc_en_o(tx_crc_en), .crc_data_o(tx_crc_data), .crc_i(crc)
  );

  // Cycles since reset, for STATS (the host measures throughput in device time).
  logic [CYCLE_W-1:0] cycles_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) cycles_q <= '0;
    else         cycles_q <= cycles_q + 1'b1;
  end

  mica_link_bridge #(.MEM_BYTES(MEM_BYTES), .CLK_HZ(CLK_HZ), .STATS_LINK(STATS_LINK),
                     .STATS_CMD(STATS_CMD), .PIPE(PIPE)) u_bridge (
    .clk_i, .rst_ni,
    .frame_valid_i(frame_valid), .seq_i(req_seq), .cmd_i(req_cmd), .len_i(req_len),
    .rd_idx_o(req_idx), .rd_data_i(req_byte), .release_o(frame_release),
    .tx_start_o(rep_start), .tx_seq_o(rep_seq), .tx_cmd_o(rep_cmd), .tx_len_o(rep_len),
    .tx_done_i(rep_done), .pl_valid_o(pl_valid), .pl_data_o(pl_byte), .pl_ready_i(pl_ready),
    .csr_req_o, .csr_we_o, .csr_addr_o, .csr_wdata_o, .csr_rdata_i,
    .mem_req_o, .mem_we_o, .mem_addr_o, .mem_wdata_o, .mem_rdata_i, .mem_hold_o,
    .cycles_i(64'(cycles_q)), .frames_ok_i(32'(frames_ok)), .bad_fcs_i(32'(bad_fcs)),
    .bad_length_i(32'(bad_length)), .too_long_i(32'(too_long)), .aborted_i(32'(aborted)),
    .uart_errors_i(32'(uart_errors)), .acc_reset_o, .status_o
  );

  assign activity_o = rx_valid | (tx_valid & tx_ready);
endmodule
