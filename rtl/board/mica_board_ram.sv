// Single-port RAM with byte write enables and a registered read (1-cycle latency). The one place
// an FPGA wrapper swaps for a vendor primitive (iCE40 SPRAM/EBR, ECP5 DP16KD); this generic form
// infers block RAM in Yosys and Verilator models it directly. Contents are not reset.
module mica_board_ram #(
  parameter int unsigned WORD_BYTES = 4,
  parameter int unsigned DEPTH      = 1024
) (
  input  logic                     clk_i,
  input  logic                     req_i,
  input  logic [WORD_BYTES-1:0]    we_i,    // per byte lane; all zero = read
  input  logic [$clog2(DEPTH)-1:0] addr_i,
  input  logic [8*WORD_BYTES-1:0]  wdata_i,
  output logic [8*WORD_BYTES-1:0]  rdata_o  // the word read by the last req_i with we_i == 0
);
  logic [8*WORD_BYTES-1:0] mem_q [DEPTH];
  logic [8*WORD_BYTES-1:0] rdata_q;

  always_ff @(posedge clk_i) begin
    if (req_i) begin
      for (int b = 0; b < WORD_BYTES; b++) begin
        if (we_i[b]) mem_q[addr_i][8*b +: 8] <= wdata_i[8*b +: 8];
      end
      if (we_i == '0) rdata_q <= mem_q[addr_i];
    end
  end

  assign rdata_o = rdata_q;
endmodule
