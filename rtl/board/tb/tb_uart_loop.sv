// Testbench wrapper: mica_uart_rx feeding mica_uart_tx through a one-byte holding register
// (loopback), with the receiver's outputs visible to the C++ testbench.
module tb_uart_loop #(
  parameter int unsigned CLKS_PER_BIT = 8
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        rx_i,
  output logic        tx_o,
  output logic        rx_valid_o,
  output logic [7:0]  rx_data_o,
  output logic        frame_err_o,
  output logic [15:0] frame_err_cnt_o,
  output logic        overrun_o     // a byte arrived while the previous one was still held
);
  logic       hold_q, tx_ready;
  logic [7:0] hold_data_q;
  logic       overrun_q;

  mica_uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_rx (
    .clk_i, .rst_ni, .rx_i, .valid_o(rx_valid_o), .data_o(rx_data_o), .frame_err_o,
    .frame_err_cnt_o
  );
  mica_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_tx (
    .clk_i, .rst_ni, .valid_i(hold_q), .data_i(hold_data_q), .ready_o(tx_ready), .tx_o
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      hold_q <= 1'b0; hold_data_q <= '0; overrun_q <= 1'b0;
    end else begin
      if (hold_q && tx_ready) hold_q <= 1'b0;
      if (rx_valid_o) begin
        if (hold_q && !tx_ready) overrun_q <= 1'b1;
        hold_q <= 1'b1;
        hold_data_q <= rx_data_o;
      end
    end
  end
  assign overrun_o = overrun_q;
endmodule
