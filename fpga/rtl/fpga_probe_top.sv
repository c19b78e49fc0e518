// Small design for the FPGA flow test (make test-fpga-flow): real Mica cells (mica_sram -> block
// RAM, mica_pe -> DSP multiply-accumulate) and a power-on reset, on a board's clock/UART/LED
// pins, so Yosys, nextpnr and the report parser run on real output in well under a minute.
// Everything feeds uart_tx_o / led_o so nothing is optimized away.
module fpga_probe_top (
  input  logic       clk_i,
  input  logic       button_ni,
  input  logic       uart_rx_i,
  output logic       uart_tx_o,
  output logic [3:0] led_o
);
  logic        rst_n;
  logic [15:0] lfsr_q;
  logic [7:0]  addr_q;
  logic [15:0] rdata;
  logic [31:0] psum;
  logic [31:0] acc_q;
  logic [23:0] blink_q;

  mica_por u_por (.clk_i, .locked_i(1'b1), .button_ni, .rst_no(rst_n));

  // Pseudo-random data into a 256 x 16 SRAM, read back one address behind.
  always_ff @(posedge clk_i or negedge rst_n) begin
    if (!rst_n) begin
      lfsr_q  <= 16'hace1;
      addr_q  <= '0;
      acc_q   <= '0;
      blink_q <= '0;
    end else begin
      lfsr_q  <= {lfsr_q[14:0], lfsr_q[15] ^ lfsr_q[13] ^ lfsr_q[12] ^ lfsr_q[10] ^ uart_rx_i};
      addr_q  <= addr_q + 1'b1;
      acc_q   <= psum;
      blink_q <= blink_q + 1'b1;
    end
  end

  mica_sram #(.WIDTH(16), .DEPTH(256)) u_sram (
    .clk_i, .we_i(1'b1), .waddr_i(addr_q), .wdata_i(lfsr_q),
    .re_i(1'b1), .raddr_i(addr_q - 8'd1), .rdata_o(rdata)
  );

  // One PE accumulating its own output: a = SRAM low byte, weight = SRAM high byte.
  mica_pe u_pe (
    .clk_i, .rst_ni(rst_n), .a_i({rdata[7], rdata[7:0]}), .psum_i(acc_q),
    .w_i(rdata[15:8]), .w_swap_i(addr_q[0]), .a_o(), .psum_o(psum)
  );

  assign uart_tx_o = ^acc_q;
  assign led_o     = {blink_q[23:22], acc_q[31], rst_n};
endmodule
