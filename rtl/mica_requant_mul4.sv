// Signed 32 x 32 -> 64 multiply in 4 cycles on one 16 x 16 unsigned multiplier (mica_requant,
// MUL_CYCLES = 4): magnitudes |a|, |b| (|INT32_MIN| = 2^31 fits), partial products
// lo*lo, lo*hi, hi*lo, hi*hi accumulated at shifts 0, 16, 16, 32, then the sign. start_i in
// cycle t (a_i, b_i held through t + 3); done_o and p_o (combinational) in cycle t + 3.
module mica_requant_mul4 (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               start_i,
  input  logic signed [31:0] a_i,
  input  logic signed [31:0] b_i,
  output logic               done_o,
  output logic signed [63:0] p_o
);
  logic [1:0]  step_q, step;
  logic        busy_q;
  logic [31:0] ma, mb;
  logic [15:0] opa, opb;
  logic [31:0] pp;
  logic [63:0] acc_q, sum;
  assign ma   = a_i[31] ? 32'(-a_i) : 32'(a_i);
  assign mb   = b_i[31] ? 32'(-b_i) : 32'(b_i);
  assign step = start_i ? 2'd0 : step_q;
  always_comb begin
    unique case (step)
      2'd0:    begin opa = ma[15:0];  opb = mb[15:0];  end
      2'd1:    begin opa = ma[15:0];  opb = mb[31:16]; end
      2'd2:    begin opa = ma[31:16]; opb = mb[15:0];  end
      default: begin opa = ma[31:16]; opb = mb[31:16]; end
    endcase
    pp = opa * opb;
    unique case (step)
      2'd0:    sum = 64'(pp);
      2'd3:    sum = acc_q + {pp, 32'd0};
      default: sum = acc_q + {16'd0, pp, 16'd0};
    endcase
  end
  assign done_o = busy_q && step_q == 2'd3;
  assign p_o    = (a_i[31] ^ b_i[31]) ? -$signed(sum) : $signed(sum);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
      step_q <= '0;
    end else if (start_i || busy_q) begin
      busy_q <= step != 2'd3;
      step_q <= step + 2'd1;
    end
  end
  always_ff @(posedge clk_i) acc_q <= sum;
endmodule
