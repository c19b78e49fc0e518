// iCE40 UltraPlus version of rtl/board/mica_board_ram (same ports and behaviour); fpga/flow.py uses
// it instead of the generic file for iCE40 boards. A RAM of 32 KB or more (the board memory) goes
// to SB_SPRAM256KA (16K x 16 each, 4 on the UP5K = 128 KB): a word is WORD_BYTES / 2 SPRAMs side
// by side (lanes), DEPTH above 16K words takes more banks, selected by the high address bits, and
// byte write enables become the SPRAM's nibble mask. The SPRAM's DATAOUT is undefined after a
// write, so unlike the generic RAM rdata_o is valid only until the next write; every user takes a
// read word before that (mica_board_mem's accelerator port in the response cycle; the bridge's
// MEM_READ runs only while the accelerator is idle, and nothing writes in between), so no
// flip-flops hold it. Smaller RAMs (link buffers) keep the generic code, which infers EBR.
module mica_board_ram #(
  parameter int unsigned WORD_BYTES = 4,
  parameter int unsigned DEPTH      = 32768
) (
  input  logic                     clk_i,
  input  logic                     req_i,
  input  logic [WORD_BYTES-1:0]    we_i,
  input  logic [$clog2(DEPTH)-1:0] addr_i,
  input  logic [8*WORD_BYTES-1:0]  wdata_i,
  output logic [8*WORD_BYTES-1:0]  rdata_o
);
  localparam bit UseSpram = (WORD_BYTES % 2 == 0) && (WORD_BYTES * DEPTH >= 32768);

  if (UseSpram) begin : g_spram
    localparam int unsigned BankWords = 16384;
    localparam int unsigned Lanes     = WORD_BYTES / 2;
    localparam int unsigned Banks     = (DEPTH + BankWords - 1) / BankWords;
    localparam int unsigned BW        = (Banks > 1) ? $clog2(Banks) : 1;

    logic [13:0]         word_addr;
    logic [BW-1:0]       bank, bank_q;
    logic [16*Lanes-1:0] bank_rdata [Banks];
    logic                write;

    assign write     = (we_i != '0);
    assign word_addr = 14'(addr_i);
    assign bank      = (Banks > 1) ? BW'(addr_i >> 14) : '0;

    for (genvar k = 0; k < Banks; k++) begin : g_bank
      for (genvar l = 0; l < Lanes; l++) begin : g_lane
        SB_SPRAM256KA u_spram (
          .ADDRESS(word_addr), .DATAIN(wdata_i[16*l +: 16]),
          .MASKWREN({we_i[2*l+1], we_i[2*l+1], we_i[2*l], we_i[2*l]}),
          .WREN(write), .CHIPSELECT(req_i && bank == BW'(k)), .CLOCK(clk_i),
          .STANDBY(1'b0), .SLEEP(1'b0), .POWEROFF(1'b1), .DATAOUT(bank_rdata[k][16*l +: 16])
        );
      end
    end

    // The output of the bank read last.
    always_ff @(posedge clk_i) begin
      if (req_i && !write) bank_q <= bank;
    end
    assign rdata_o = bank_rdata[bank_q];

    if (Lanes * Banks > 4) begin : g_too_big
      $error("mica_board_ram (iCE40): %0d bytes need more than the UP5K's 4 SPRAMs",
             WORD_BYTES * DEPTH);
    end
  end else begin : g_generic
    logic [8*WORD_BYTES-1:0] mem_q [DEPTH];
    logic [8*WORD_BYTES-1:0] rdata_q;

    always_ff @(posedge clk_i) begin
      if (req_i) begin
        for (int unsigned b = 0; b < WORD_BYTES; b++) begin
          if (we_i[b]) mem_q[addr_i][8*b +: 8] <= wdata_i[8*b +: 8];
        end
        if (we_i == '0) rdata_q <= mem_q[addr_i];
      end
    end
    assign rdata_o = rdata_q;
  end
endmodule
