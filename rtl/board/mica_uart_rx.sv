// UART receiver, 8N1, LSB first. rx_i passes a 2-flop synchronizer; a start bit must still be low
// at its middle (shorter glitches are rejected), data bits are sampled at their middles, and a
// low stop bit raises frame_err_o (the byte is dropped, counted, and the receiver waits for the
// line to go idle before it looks for the next start bit).
module mica_uart_rx #(
  parameter int unsigned CLKS_PER_BIT = 104,   // clock cycles per bit (>= 4)
  parameter int unsigned ERR_CNT_W    = 16
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 rx_i,
  output logic                 valid_o,        // pulse: data_o holds a received byte
  output logic [7:0]           data_o,
  output logic                 frame_err_o,    // pulse: stop bit was low
  output logic [ERR_CNT_W-1:0] frame_err_cnt_o // saturates at all ones
);
  localparam int unsigned CntW = $clog2(CLKS_PER_BIT);
  localparam logic [CntW-1:0] LastClk = CntW'(CLKS_PER_BIT - 1);
  localparam logic [CntW-1:0] HalfClk = CntW'(CLKS_PER_BIT / 2 - 1);

  typedef enum logic [2:0] {Idle, Start, Data, Stop, Break} state_e;

  logic                 meta_q, sync_q;
  state_e               state_d, state_q;
  logic [CntW-1:0]      cnt_d, cnt_q;
  logic [2:0]           bit_d, bit_q;
  logic [7:0]           shift_d, shift_q;
  logic                 valid_d, valid_q, ferr_d, ferr_q;
  logic [ERR_CNT_W-1:0] ferr_cnt_q;

  always_comb begin
    state_d = state_q;
    cnt_d   = cnt_q + 1'b1;
    bit_d   = bit_q;
    shift_d = shift_q;
    valid_d = 1'b0;
    ferr_d  = 1'b0;
    unique case (state_q)
      Idle: begin
        cnt_d = '0;
        if (!sync_q) state_d = Start;
      end
      Start: begin
        if (sync_q) begin
          state_d = Idle;                       // glitch: line went back high
        end else if (cnt_q == HalfClk) begin
          state_d = Data;                       // middle of the start bit
          cnt_d   = '0;
          bit_d   = '0;
        end
      end
      Data: begin
        if (cnt_q == LastClk) begin
          cnt_d   = '0;
          shift_d = {sync_q, shift_q[7:1]};
          bit_d   = bit_q + 1'b1;
          if (bit_q == 3'd7) state_d = Stop;
        end
      end
      Stop: begin
        if (cnt_q == LastClk) begin
          cnt_d = '0;
          if (sync_q) begin
            valid_d = 1'b1;
            state_d = Idle;                     // mid stop bit: ready for the next start edge
          end else begin
            ferr_d  = 1'b1;
            state_d = Break;
          end
        end
      end
      Break: begin
        cnt_d = '0;
        if (sync_q) state_d = Idle;
      end
      default: state_d = Idle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      meta_q     <= 1'b1;
      sync_q     <= 1'b1;
      state_q    <= Idle;
      cnt_q      <= '0;
      bit_q      <= '0;
      shift_q    <= '0;
      valid_q    <= 1'b0;
      ferr_q     <= 1'b0;
      ferr_cnt_q <= '0;
    end else begin
      meta_q     <= rx_i;
      sync_q     <= meta_q;
      state_q    <= state_d;
      cnt_q      <= cnt_d;
      bit_q      <= bit_d;
      shift_q    <= shift_d;
      valid_q    <= valid_d;
      ferr_q     <= ferr_d;
      if (ferr_d && !(&ferr_cnt_q)) ferr_cnt_q <= ferr_cnt_q + 1'b1;
    end
  end

  assign valid_o         = valid_q;
  assign data_o          = shift_q;
  assign frame_err_o     = ferr_q;
  assign frame_err_cnt_o = ferr_cnt_q;

  // Elaboration check: mid-bit sampling needs at least 4 clocks per bit.
  if (CLKS_PER_BIT < 4) begin : g_bad_clks
    $error("mica_uart_rx: CLKS_PER_BIT must be >= 4");
  end
endmodule
