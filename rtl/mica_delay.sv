// N register stages of a W-bit signal (N = 0: a wire). Optional pipeline stages of a
// fixed-latency datapath (mica_requant's REQ_PIPE): the data registers are free-running and not
// reset; RESET = 1 resets them to 0 (for valid bits).
module mica_delay #(
  parameter int unsigned W     = 1,
  parameter int unsigned N     = 0,
  parameter bit          RESET = 1'b0
) (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic [W-1:0] d_i,
  output logic [W-1:0] q_o
);
  if (N == 0) begin : g_wire
    assign q_o = d_i;
    logic unused_delay;
    assign unused_delay = ^{clk_i, rst_ni};
  end else begin : g_regs
    logic [N*W-1:0] stage_q;
    for (genvar i = 0; i < N; i++) begin : g_stage
      logic [W-1:0] d;
      if (i == 0) begin : g_first
        assign d = d_i;
      end else begin : g_next
        assign d = stage_q[(i-1)*W +: W];
      end
      if (RESET) begin : g_rst
        always_ff @(posedge clk_i or negedge rst_ni) begin
          if (!rst_ni) stage_q[i*W +: W] <= '0;
          else stage_q[i*W +: W] <= d;
        end
      end else begin : g_norst
        always_ff @(posedge clk_i) stage_q[i*W +: W] <= d;
      end
    end
    if (!RESET) begin : g_unused
      logic unused_rst;
      assign unused_rst = rst_ni;
    end
    assign q_o = stage_q[(N-1)*W +: W];
  end
endmodule
