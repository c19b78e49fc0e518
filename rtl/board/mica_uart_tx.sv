// UART transmitter, 8N1, LSB first. A byte is taken when valid_i and ready_o are both high; tx_o
// is a register (idle high), so the pin never glitches.
module mica_uart_tx #(
  parameter int unsigned CLKS_PER_BIT = 104   // clock cycles per bit (>= 4)
) (
  input  logic       clk_i,
  input  logic       rst_ni,
  input  logic       valid_i,
  input  logic [7:0] data_i,
  output logic       ready_o,
  output logic       tx_o
);
  localparam int unsigned CntW = $clog2(CLKS_PER_BIT);
  localparam logic [CntW-1:0] LastClk = CntW'(CLKS_PER_BIT - 1);

  logic            busy_d, busy_q;
  logic [CntW-1:0] cnt_d, cnt_q;
  logic [3:0]      bits_d, bits_q;     // bits still to send after the current one
  logic [8:0]      shift_d, shift_q;   // {stop, data}; bit 0 of the frame is on the pin
  logic            tx_d, tx_q;

  assign ready_o = !busy_q;

  always_comb begin
    busy_d  = busy_q;
    cnt_d   = cnt_q;
    bits_d  = bits_q;
    shift_d = shift_q;
    tx_d    = tx_q;
    if (!busy_q) begin
      if (valid_i) begin
        busy_d  = 1'b1;
        cnt_d   = '0;
        bits_d  = 4'd9;
        shift_d = {1'b1, data_i};
        tx_d    = 1'b0;                   // start bit
      end
    end else if (cnt_q == LastClk) begin
      cnt_d = '0;
      if (bits_q == '0) begin
        busy_d = 1'b0;                    // stop bit sent
      end else begin
        tx_d    = shift_q[0];
        shift_d = {1'b1, shift_q[8:1]};
        bits_d  = bits_q - 1'b1;
      end
    end else begin
      cnt_d = cnt_q + 1'b1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q  <= 1'b0;
      cnt_q   <= '0;
      bits_q  <= '0;
      shift_q <= '1;
      tx_q    <= 1'b1;
    end else begin
      busy_q  <= busy_d;
      cnt_q   <= cnt_d;
      bits_q  <= bits_d;
      shift_q <= shift_d;
      tx_q    <= tx_d;
    end
  end

  assign tx_o = tx_q;

  if (CLKS_PER_BIT < 4) begin : g_bad_clks
    $error("mica_uart_tx: CLKS_PER_BIT must be >= 4");
  end
endmodule
