// iCEBreaker v1.0 board top (iCE40UP5K-SG48): 12 MHz oscillator (pin 35), FT2232H channel B UART
// (FPGA RX pin 6, TX pin 9), user button BTN_N (pin 10) as reset, LEDs: led[0] red and led[1]
// green on the main board (active low), led[2..3] LED1/LED2 of the snap-off PMOD2 board.
// Pins: fpga/icebreaker.pcf. USE_PLL and the generated mica_pll (an SB_PLL40_PAD from icepll)
// when hw/boards/icebreaker.json has core_hz != board_hz.
module icebreaker_top #(
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

  // Every mica_board_top parameter (accelerator configuration, memory, clock, UART bit time)
  // is set by fpga/flow.py from build/gen/board_icebreaker.params.json (hw/gen_boards.py).
  mica_board_top u_board (
    .clk_i(clk), .rst_ni(rst_n), .uart_rx_i(uart_rx), .uart_tx_o(uart_tx), .led_o(led)
  );

  assign led_red_n   = !led[0];
  assign led_green_n = !led[1];
  assign led1        = led[2];
  assign led2        = led[3];
endmodule
