// Testbench wrapper: the link deframer and framer side by side, each with its own CRC (in
// mica_link they share one), so they can be tested independently; all ports visible.
module tb_link_pair #(
  parameter int unsigned TX_PIPE = 0  // mica_link_tx's PIPE (the CRC fed a cycle later)
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // deframer
  input  logic        byte_valid_i,
  input  logic [7:0]  byte_i,
  output logic        frame_valid_o,
  output logic [7:0]  seq_o,
  output logic [7:0]  cmd_o,
  output logic [15:0] len_o,
  input  logic [9:0]  rd_idx_i,
  output logic [7:0]  rd_data_o,
  input  logic        release_i,
  output logic [31:0] frames_ok_o,
  output logic [15:0] bad_fcs_o,
  output logic [15:0] bad_length_o,
  output logic [15:0] too_long_o,
  output logic [15:0] aborted_o,
  // framer
  input  logic        start_i,
  input  logic [7:0]  tx_seq_i,
  input  logic [7:0]  tx_cmd_i,
  input  logic [15:0] tx_len_i,
  output logic        busy_o,
  output logic        done_o,
  input  logic        pl_valid_i,
  input  logic [7:0]  pl_data_i,
  output logic        pl_ready_o,
  output logic        out_valid_o,
  output logic [7:0]  out_data_o,
  input  logic        out_ready_i
);
  logic        rx_clear, rx_en, tx_clear, tx_en;
  logic [7:0]  rx_data, tx_data;
  logic [31:0] rx_crc, tx_crc;

  mica_link_rx u_rx (
    .clk_i, .rst_ni, .byte_valid_i, .byte_i, .frame_valid_o, .seq_o, .cmd_o, .len_o, .rd_idx_i,
    .rd_data_o, .release_i, .frames_ok_o, .bad_fcs_o, .bad_length_o, .too_long_o, .aborted_o,
    .crc_clear_o(rx_clear), .crc_en_o(rx_en), .crc_data_o(rx_data), .crc_i(rx_crc)
  );
  mica_link_crc32 u_rx_crc (
    .clk_i, .rst_ni, .clear_i(rx_clear), .en_i(rx_en), .data_i(rx_data), .crc_o(rx_crc)
  );
  mica_link_tx #(.PIPE(TX_PIPE != 0)) u_tx (
    .clk_i, .rst_ni, .start_i, .seq_i(tx_seq_i), .cmd_i(tx_cmd_i), .len_i(tx_len_i), .busy_o,
    .done_o, .pl_valid_i, .pl_data_i, .pl_ready_o, .out_valid_o, .out_data_o, .out_ready_i,
    .crc_clear_o(tx_clear), .crc_en_o(tx_en), .crc_data_o(tx_data), .crc_i(tx_crc)
  );
  mica_link_crc32 u_tx_crc (
    .clk_i, .rst_ni, .clear_i(tx_clear), .en_i(tx_en), .data_i(tx_data), .crc_o(tx_crc)
  );
endmodule
