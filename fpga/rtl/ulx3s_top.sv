// ULX3S board top (ECP5 LFE5U-85F, CABGA381): 25 MHz oscillator clk_25mhz (G2), FT231X UART
// (ftdi_txd M1 = FPGA RX, ftdi_rxd L4 = FPGA TX), led[7:0] (led[3:0] from the board top), and
// wifi_gpio0 held high so the ESP32 does not reset the FPGA. Reset: power-on only.
// Pins: fpga/ulx3s.lpf. Parameters come from hw/boards/ulx3s.json through fpga/flow.py
// (USE_PLL and the generated mica_pll, an EHXPLLL from ecppll, when core_hz != board_hz).
module ulx3s_top #(
  parameter int unsigned ROWS        = 8,
  parameter int unsigned COLS        = 8,
  parameter int unsigned ASPAD_DEPTH = 2048,
  parameter int unsigned WSPAD_DEPTH = 2048,
  parameter int unsigned ACC_DEPTH   = 512,
  parameter int unsigned PARAM_SETS  = 32,
  parameter int unsigned BUS_BYTES   = 8,
  parameter int unsigned MEM_BYTES   = 262144,
  parameter int unsigned CORE_HZ     = 25000000,
  parameter int unsigned BAUD        = 3000000,
  parameter bit          USE_PLL     = 1'b0
) (
  input  logic       clk_25mhz,
  input  logic       ftdi_txd,
  output logic       ftdi_rxd,
  output logic [7:0] led,
  output logic       wifi_gpio0
);
  logic       clk, locked, rst_n;
  logic [3:0] board_led;

  if (USE_PLL) begin : g_pll
    mica_pll u_pll (.clock_in(clk_25mhz), .clock_out(clk), .locked);
  end else begin : g_no_pll
    assign clk    = clk_25mhz;
    assign locked = 1'b1;
  end

  mica_por u_por (.clk_i(clk), .locked_i(locked), .button_ni(1'b1), .rst_no(rst_n));

  mica_board_top #(
    .ROWS(ROWS), .COLS(COLS), .ASPAD_DEPTH(ASPAD_DEPTH), .WSPAD_DEPTH(WSPAD_DEPTH),
    .ACC_DEPTH(ACC_DEPTH), .PARAM_SETS(PARAM_SETS), .BUS_BYTES(BUS_BYTES), .MEM_BYTES(MEM_BYTES),
    .CLK_HZ(CORE_HZ), .CLKS_PER_BIT((CORE_HZ + BAUD / 2) / BAUD)
  ) u_board (
    .clk_i(clk), .rst_ni(rst_n), .uart_rx_i(ftdi_txd), .uart_tx_o(ftdi_rxd), .led_o(board_led)
  );

  assign led        = {4'b0, board_led};
  assign wifi_gpio0 = 1'b1;
endmodule
