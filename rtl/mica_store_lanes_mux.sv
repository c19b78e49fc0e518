// Requantization lanes time-multiplexed over the columns (mica_store_unit, REQ_LANES < COLS, or
// multi-cycle lanes). An ACC row arriving with acc_valid_i is requantized in P = ceil(COLS /
// LANES) passes, one every MUL_CYCLES cycles: pass g feeds columns g*LANES .. g*LANES+LANES-1,
// all from acc_i: the ACC read port holds the row it read last, and the STORE unit reads the next
// row only with ready_o, after the last pass took its columns. The lanes are mica_requant
// (latency 3 + MUL_CYCLES, 8 more with
// REQ_PIPE), so pass g's bytes leave that many cycles after it entered; the row is
// complete with the last pass and leaves on row_o with row_valid_o. ready_o: a row arriving next
// cycle can start, so the STORE unit reads ACC at most once per P * MUL_CYCLES cycles.
module mica_store_lanes_mux #(
  parameter int unsigned COLS     = 4,
  parameter int unsigned LANES    = 1,
  parameter bit          HAS_REAL = 1'b1,
  parameter bit          HAS_SINGLE = 1'b1,
  parameter int unsigned MUL_CYCLES = 1,
  parameter int unsigned REQ_PIPE   = 0   // lanes' PIPE: 8 more cycles of latency (lite lane: 1)
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               acc_valid_i,
  input  logic [COLS*32-1:0] acc_i,
  input  logic [COLS*32-1:0] bias_i,
  input  logic [COLS*32-1:0] mult_i,
  input  logic [COLS*21-1:0] mult_lo_i,
  input  logic [COLS*8-1:0]  shift_i,
  input  logic [1:0]         round_i,
  input  logic [7:0]         z_out_i,
  input  logic [7:0]         act_min_i,
  input  logic [7:0]         act_max_i,
  output logic               ready_o,
  output logic               row_valid_o,
  output logic [COLS*8-1:0]  row_o
);
  localparam int unsigned P   = (COLS + LANES - 1) / LANES;
  localparam int unsigned GW  = (P > 1) ? $clog2(P) : 1;
  localparam bit Lite = MUL_CYCLES == 4 && !HAS_REAL && !HAS_SINGLE;  // mica_requant_lite
  // the lanes' latency: mica_requant 3 + MUL_CYCLES, 8 more with REQ_PIPE; the lite lane 1 more
  localparam int unsigned Lat = 3 + MUL_CYCLES + (REQ_PIPE == 0 ? 0 : (Lite ? 1 : 8));
  localparam int unsigned RowCycles = P * MUL_CYCLES;
  localparam int unsigned CW = $clog2(RowCycles + 1);

  // cur: cycle within the row being requantized (0 when it arrives).
  logic [CW-1:0]      cyc_q, cur;
  logic               active_q, active, feed;
  logic [GW-1:0]      grp;
  logic [COLS*32-1:0] src;
  assign cur     = acc_valid_i ? '0 : cyc_q + 1'b1;
  assign active  = acc_valid_i || (active_q && 32'(cyc_q) + 1 < RowCycles);
  assign feed    = active && (32'(cur) % MUL_CYCLES) == 0;
  assign grp     = GW'(32'(cur) / MUL_CYCLES);
  assign src     = acc_i;
  assign ready_o = !active || 32'(cur) == RowCycles - 1;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      active_q <= 1'b0;
      cyc_q    <= '0;
    end else begin
      active_q <= active;
      cyc_q    <= cur;
    end
  end

  // The pass's tag travels beside the lanes' fixed-latency pipeline.
  logic [Lat*GW-1:0] tag_q;
  always_ff @(posedge clk_i) tag_q <= {tag_q[0 +: (Lat-1)*GW], grp};
  logic [GW-1:0] out_grp;
  assign out_grp = tag_q[(Lat-1)*GW +: GW];

  logic [LANES-1:0]   lane_valid;
  logic [LANES*8-1:0] lane_q;
  for (genvar l = 0; l < LANES; l++) begin : g_lane
    logic [31:0] acc, bias, mult;
    logic [20:0] mult_lo;
    logic [7:0]  shift;
    always_comb begin
      {acc, bias, mult, mult_lo, shift} = '0;
      for (int g = 0; g < P; g++) begin
        if (grp == GW'(g) && g * LANES + l < COLS) begin
          acc     = src[32*(g*LANES+l) +: 32];
          bias    = bias_i[32*(g*LANES+l) +: 32];
          mult    = mult_i[32*(g*LANES+l) +: 32];
          mult_lo = mult_lo_i[21*(g*LANES+l) +: 21];
          shift   = shift_i[8*(g*LANES+l) +: 8];
        end
      end
    end
    if (Lite) begin : g_lite
      // double rounding only: the magnitude lane, same results and timing, fewer LUTs (REQ_PIPE:
      // its offset 0 in two cycles; a pass's inputs hold for MUL_CYCLES cycles)
      mica_requant_lite #(.PIPE(REQ_PIPE)) u_requant (
        .clk_i, .rst_ni, .valid_i(feed), .acc_i(acc), .bias_i(bias), .mult_i(mult),
        .mult_lo_i(mult_lo), .shift_i(shift), .round_i(round_i), .z_out_i(z_out_i),
        .act_min_i(act_min_i), .act_max_i(act_max_i), .valid_o(lane_valid[l]),
        .q_o(lane_q[8*l +: 8])
      );
    end else begin : g_full
      mica_requant #(
        .HAS_REAL(HAS_REAL), .HAS_SINGLE(HAS_SINGLE), .MUL_CYCLES(MUL_CYCLES), .PIPE(REQ_PIPE)
      ) u_requant (
        .clk_i, .rst_ni, .valid_i(feed), .acc_i(acc), .bias_i(bias), .mult_i(mult),
        .mult_lo_i(mult_lo), .shift_i(shift), .round_i(round_i), .z_out_i(z_out_i),
        .act_min_i(act_min_i), .act_max_i(act_max_i), .valid_o(lane_valid[l]),
        .q_o(lane_q[8*l +: 8])
      );
    end
  end

  // Earlier passes' bytes wait in asm_q; the last pass's bytes go out directly.
  logic [COLS*8-1:0] asm_q;
  always_comb begin
    row_o = asm_q;
    for (int g = 0; g < P; g++)
      for (int l = 0; l < LANES; l++)
        if (out_grp == GW'(g) && g * LANES + l < COLS) row_o[8*(g*LANES+l) +: 8] = lane_q[8*l +: 8];
  end
  always_ff @(posedge clk_i) begin
    if (lane_valid[0]) asm_q <= row_o;
  end
  assign row_valid_o = lane_valid[0] && out_grp == GW'(P - 1);

  logic unused_lanes;
  assign unused_lanes = ^lane_valid;
endmodule
