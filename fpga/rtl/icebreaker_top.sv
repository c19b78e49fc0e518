// iCEBreaker v1.0 board top (iCE40UP5K-SG48): 12 MHz oscillator (pin 35), FT2232H channel B UART
// (FPGA RX pin 6, TX pin 9), user button BTN_N (pin 10) as reset, LEDs: led[0] red and led[1]
// green on the main board (active low), led[2..3] LED1/LED2 of the snap-off PMOD2 board.
// Pins: fpga/icebreaker.pcf. Parameters come from hw/boards/icebreaker.json through fpga/flow.py
// (USE_PLL and the generated mica_pll, an SB_PLL40_PAD from icepll, when core_hz != board_hz).
module icebreaker_top #(
  parameter int unsigned ROWS        = 2,
  parameter int unsigned COLS        = 2,
  parameter int unsigned ASPAD_DEPTH = 2048,
  parameter int unsigned WSPAD_DEPTH = 2048,
  parameter int unsigned ACC_DEPTH   = 512,
  parameter int unsigned PARAM_SETS  = 16,
  parameter int unsigned BUS_BYTES   = 4,
  parameter int unsigned MEM_BYTES   = 131072,
  parameter int unsigned CORE_HZ     = 12000000,
  parameter int unsigned BAUD        = 3000000,
  parameter bit          USE_PLL     = 1'b0
) (
  input  logic clk_12mhz,
  input  logic btn_n,
  input  logic uart_rx,
  output logic uart_tx,
  output logic led_red_n,
  output logic led_green_n,
  output logic led1,
  output logic led2
);
  logic       clk, locked, rst_n;
  logic [3:0] led;

  if (USE_PLL) begin : g_pll
    mica_pll u_pll (.clock_in(clk_12mhz), .clock_out(clk), .locked);
  end else begin : g_no_pll
    assign clk    = clk_12mhz;
    assign locked = 1'b1;
  end

  mica_por u_por (.clk_i(clk), .locked_i(locked), .button_ni(btn_n), .rst_no(rst_n));

  mica_board_top #(
    .ROWS(ROWS), .COLS(COLS), .ASPAD_DEPTH(ASPAD_DEPTH), .WSPAD_DEPTH(WSPAD_DEPTH),
    .ACC_DEPTH(ACC_DEPTH), .PARAM_SETS(PARAM_SETS), .BUS_BYTES(BUS_BYTES), .MEM_BYTES(MEM_BYTES),
    .CLK_HZ(CORE_HZ), .CLKS_PER_BIT((CORE_HZ + BAUD / 2) / BAUD)
  ) u_board (
    .clk_i(clk), .rst_ni(rst_n), .uart_rx_i(uart_rx), .uart_tx_o(uart_tx), .led_o(led)
  );

  assign led_red_n   = !led[0];
  assign led_green_n = !led[1];
  assign led1        = led[2];
  assign led2        = led[3];
endmodule
