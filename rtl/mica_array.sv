// Mica weight-stationary systolic array: ROWS x COLS grid of mica_pe.
//
// Activations enter UNskewed (one vector per cycle, lane r = 9-bit signed value for PE row r);
// row r is delayed r cycles inside (skew), and column c's sum is delayed COLS-1-c cycles at the
// bottom (deskew), so all COLS sums of one vector leave together:
//
//   LATENCY = mica_array_latency(ROWS, COLS) = ROWS + COLS - 1
//
// i.e. a vector presented with a_valid_i in cycle t appears on out_row_o with out_valid_o in
// cycle t + LATENCY (a 1x1 array answers in the next cycle). Parents compute the same formula.
// out_row_o lane c = sum_r a[r] * w_active[r][c], int32 wrapping. Bubbles give out_valid_o = 0
// in the matching cycle; out_row_o is then don't-care (data registers load every cycle and are
// not reset; only the valid pipeline and the weights are).
//
// Weights: w_we_i writes w_row_i into shadow row w_addr_i; the write is skewed like the
// activations: column c of the row is written at the end of cycle w+c (w = the cycle of w_we_i).
// w_swap_i in cycle s starts a swap wave: PE(r,c) copies its shadow into its active weight at
// the end of cycle s+r+c, exactly when the vectors presented up to cycle s have passed it.
// Vectors presented in cycles <= s use the old weights, vectors presented after s the new ones,
// with no drain: the wave travels with the first new vector. Since writes and the wave move
// right at the same speed, a write of row r in cycle w lands in the swap of cycle s iff w < s+r,
// and it must not be issued before cycle s_prev + r (s_prev = the last swap) so it cannot reach
// a PE before that swap's wave has passed it (a write in cycle s_prev + r itself is fine: the
// swap takes the value from before the write).
// busy_o = some vector accepted in an earlier cycle has not left yet (registered, no path from
// a_valid_i).
module mica_array #(
  parameter int unsigned ROWS = mica_pkg::ROWS_DEFAULT,
  parameter int unsigned COLS = mica_pkg::COLS_DEFAULT,
  parameter bit          LUT_MUL = 1'b0,   // PE multipliers from LUTs (mica_pe)
  parameter int unsigned DSP_PES = 0,      // with LUT_MUL: PEs 0 .. DSP_PES-1 (row-major) keep a DSP
  localparam int unsigned RIW = (ROWS > 1) ? $clog2(ROWS) : 1
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 w_we_i,
  input  logic [RIW-1:0]       w_addr_i,
  input  logic [COLS*8-1:0]    w_row_i,
  input  logic                 w_swap_i,
  input  logic                 a_valid_i,
  input  logic [ROWS*9-1:0]    a_row_i,
  output logic                 out_valid_o,
  output logic [COLS*32-1:0]   out_row_o,
  output logic                 busy_o
);

  localparam int unsigned LATENCY = ROWS + COLS - 1;

  // valid_q[d-1] = a_valid_i delayed d cycles (d = 1..LATENCY): gives out_valid_o and its OR is
  // busy_o. The PEs carry no valid bit (their data registers load every cycle).
  logic [LATENCY-1:0] valid_q;
  // valid_dly[d] = a_valid_i delayed d cycles, d = 0..LATENCY
  logic [LATENCY:0]   valid_dly;
  assign valid_dly = {valid_q, a_valid_i};

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= '0;
    end else begin
      valid_q <= valid_dly[LATENCY-1:0];
    end
  end

  assign out_valid_o = valid_dly[LATENCY];
  assign busy_o      = |valid_dly[LATENCY:1];

  // Swap wave: swap_dly[k] = w_swap_i delayed k cycles, k = 0..ROWS+COLS-2; PE(r,c) swaps on
  // swap_dly[r+c] (anti-diagonal r+c), one shared delay line instead of a flag in every PE.
  localparam int unsigned SwapLen = ROWS + COLS - 1;
  logic [SwapLen-1:0] swap_dly;
  if (SwapLen == 1) begin : g_swap_direct
    assign swap_dly = w_swap_i;
  end else begin : g_swap_line
    logic [SwapLen-2:0] swap_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        swap_q <= '0;
      end else begin
        swap_q <= swap_dly[SwapLen-2:0];
      end
    end
    assign swap_dly = {swap_q, w_swap_i};
  end

  // Every register and inter-PE wire lives in its own generate block (no flat ROWS*COLS-wide
  // vectors): Verilator then simulates each PE as a few word-sized operations, instead of
  // rebuilding multi-kilobit vectors every cycle.

  // ---- input skew: lane r delayed r cycles (plain registers, like the PEs: no reset/enable) ----
  for (genvar r = 0; r < ROWS; r++) begin : g_skew
    logic [8:0] a_out;
    if (r == 0) begin : g_direct
      assign a_out = a_row_i[8:0];
    end else begin : g_delay
      // stage k holds the lane delayed k+1 cycles
      for (genvar k = 0; k < r; k++) begin : g_stage
        logic [8:0] d;
        logic [8:0] q;
        if (k == 0) begin : g_first
          assign d = a_row_i[r*9 +: 9];
        end else begin : g_next
          assign d = g_stage[k-1].q;
        end
        always_ff @(posedge clk_i) begin
          q <= d;
        end
      end
      assign a_out = g_stage[r-1].q;
    end
  end

  // ---- weight write skew: column c sees the row write c cycles late ----
  // Shared delay line for the enable and row address (reset), one data chain per column.
  logic [COLS-1:0] wwe_dly;
  for (genvar c = 0; c < COLS; c++) begin : g_wskew
    logic [RIW-1:0]  addr;
    logic [7:0]      data;
    // The column's shadow weights (byte r: PE (r, c)), held here rather than in the PEs so the
    // column's write enable is one test per cycle in simulation (Verilator otherwise tests the
    // decoded enable of every PE in every cycle); the row decoder is the same in synthesis
    // (written as a shift: Yosys maps the iCEBreaker's array 23 LUT4 smaller than with
    // `addr == r` compares). A flat vector: Yosys 0.23 does not parse multi-dimensional packed
    // arrays.
    logic [ROWS*8-1:0] shadow_q;
    logic [ROWS-1:0]   row_sel;
    assign row_sel = ROWS'(1) << addr;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        shadow_q <= '0;
      end else if (wwe_dly[c]) begin
        for (int r = 0; r < ROWS; r++) begin
          if (row_sel[r]) begin
            shadow_q[r*8 +: 8] <= data;
          end
        end
      end
    end
    if (c == 0) begin : g_direct
      assign wwe_dly[0] = w_we_i;
      assign addr       = w_addr_i;
      assign data       = w_row_i[7:0];
    end else begin : g_delay
      logic           we_q;
      logic [RIW-1:0] addr_q;
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          we_q   <= 1'b0;
          addr_q <= '0;
        end else begin
          we_q   <= wwe_dly[c-1];
          addr_q <= g_wskew[c-1].addr;
        end
      end
      assign wwe_dly[c] = we_q;
      assign addr       = addr_q;
      // stage k holds the column's byte delayed k+1 cycles (data path: no reset)
      for (genvar k = 0; k < c; k++) begin : g_stage
        logic [7:0] d;
        logic [7:0] q;
        if (k == 0) begin : g_first
          assign d = w_row_i[c*8 +: 8];
        end else begin : g_next
          assign d = g_stage[k-1].q;
        end
        always_ff @(posedge clk_i) begin
          q <= d;
        end
      end
      assign data = g_stage[c-1].q;
    end
  end

  // ---- PE grid: a moves right, psum moves down, shadow rows written by address ----
  for (genvar r = 0; r < ROWS; r++) begin : g_row
    for (genvar c = 0; c < COLS; c++) begin : g_col
      logic [8:0]  a_in;
      logic [31:0] psum_in;
      logic [31:0] psum_out;
      // No consumer for a of the last column.
      /* verilator lint_off UNUSEDSIGNAL */
      logic [8:0]  a_out;
      /* verilator lint_on UNUSEDSIGNAL */

      if (c == 0) begin : g_left
        assign a_in = g_skew[r].a_out;
      end else begin : g_inner
        assign a_in = g_row[r].g_col[c-1].a_out;
      end

      if (r == 0) begin : g_top
        assign psum_in = '0;
      end else begin : g_below
        assign psum_in = g_row[r-1].g_col[c].psum_out;
      end

      mica_pe #(.LUT_MUL(LUT_MUL && r * COLS + c >= DSP_PES)) u_pe (
        .clk_i,
        .rst_ni,
        .a_i       (a_in),
        .psum_i    (psum_in),
        .w_i       (g_wskew[c].shadow_q[r*8 +: 8]),
        .w_swap_i  (swap_dly[r+c]),
        .a_o       (a_out),
        .psum_o    (psum_out)
      );
    end
  end

  // ---- output deskew: column c leaves the bottom PE at delay ROWS + c; add COLS-1-c cycles ----
  for (genvar c = 0; c < COLS; c++) begin : g_deskew
    localparam int unsigned Depth = COLS - 1 - c;
    if (Depth == 0) begin : g_direct
      assign out_row_o[c*32 +: 32] = g_row[ROWS-1].g_col[c].psum_out;
    end else begin : g_delay
      for (genvar k = 0; k < Depth; k++) begin : g_stage
        logic [31:0] d;
        logic [31:0] q;
        if (k == 0) begin : g_first
          assign d = g_row[ROWS-1].g_col[c].psum_out;
        end else begin : g_next
          assign d = g_stage[k-1].q;
        end
        always_ff @(posedge clk_i) begin
          q <= d;
        end
      end
      assign out_row_o[c*32 +: 32] = g_stage[Depth-1].q;
    end
  end

endmodule
