// fpga/rtl/ice40/mica_board_ram.sv (SB_SPRAM256KA, Yosys's simulation model) against the generic
// RAM's contract as the iCE40 one narrows it: byte-masked writes, rdata_o = the word of the last
// read, held until the next write (SPRAM DATAOUT is undefined after one; no user needs it then).
// 128 KB as 2 banks x 2 lanes; random requests; prints "errors=N" (run by fpga/test_flow.py).
module tb_board_ram_ice40;
  logic        clk = 1'b0, req;
  logic [3:0]  we;
  logic [14:0] addr;
  logic [31:0] wdata, rdata, ref_q, rnd = 32'h1234567;
  logic [31:0] ref_mem [32768];
  int          errors = 0;
  bit          held = 1'b0;   // a read since the last write: rdata must be its word

  mica_board_ram #(.WORD_BYTES(4), .DEPTH(32768)) dut (
    .clk_i(clk), .req_i(req), .we_i(we), .addr_i(addr), .wdata_i(wdata), .rdata_o(rdata)
  );

  initial begin
    for (int i = 0; i < 32768; i++) ref_mem[i] = '0;
    for (int c = 0; c < 200000; c++) begin
      rnd   = rnd * 1103515245 + 12345;
      req   = rnd[31];
      we    = rnd[28] ? rnd[27:24] : 4'b0;
      // a few hundred addresses in both banks, so reads hit written words
      addr  = {rnd[23], 5'(rnd[20:16]), 9'(c % 512)};
      wdata = rnd * 7;
      #1 clk = 1'b1;
      if (req) begin
        for (int b = 0; b < 4; b++) if (we[b]) ref_mem[addr][8*b +: 8] = wdata[8*b +: 8];
        if (we == '0) ref_q = ref_mem[addr];
        held = (we == '0);
      end
      #1 clk = 1'b0;
      if (held && rdata !== ref_q) begin
        errors++;
        if (errors < 5) $display("cycle %0d: rdata %h, expected %h", c, rdata, ref_q);
      end
    end
    $display("errors=%0d", errors);
    $finish;
  end
endmodule
