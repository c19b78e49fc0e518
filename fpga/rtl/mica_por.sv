// Power-on reset for the FPGA board tops: rst_no stays low for 2**BITS cycles after configuration
// (the FFs start at 0 from their init values), while the clock is not locked and while the
// (asynchronous) reset button is pressed; it is released synchronously to clk_i.
module mica_por #(
  parameter int unsigned BITS = 4
) (
  input  logic clk_i,
  input  logic locked_i,
  input  logic button_ni,
  output logic rst_no
);
  logic [1:0]      sync_q  = '0;
  logic [BITS-1:0] count_q = '0;
  logic            rst_nq  = 1'b0;

  always_ff @(posedge clk_i) begin
    sync_q <= {sync_q[0], locked_i & button_ni};
    if (!sync_q[1]) begin
      count_q <= '0;
    end else if (count_q != '1) begin
      count_q <= count_q + 1'b1;
    end
    rst_nq <= sync_q[1] && (count_q == '1);
  end

  assign rst_no = rst_nq;
endmodule
