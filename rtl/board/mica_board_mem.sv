// The board's memory behind mica_top's external port (hw/ARCHITECTURE.md section 3): MEM_BYTES in
// BUS_BYTES-wide words (mica_board_ram, one port). The accelerator's port accepts one beat per
// cycle and answers the cycle after; a misaligned or out-of-range beat answers rsp_err and does not
// write. The bridge's byte port wins the RAM when it asks (the bridge only asks while the
// accelerator is idle); its read data appears the cycle after the request.
// RSP_REG = 1 (FPGA timing): the accelerator's responses are registered once more (answer two
// cycles after the request): a large memory's read data comes from many block RAMs through a
// multiplexer across the die, which then no longer runs on into the LOAD unit's byte merge.
module mica_board_mem #(
  parameter int unsigned MEM_BYTES = 131072,
  parameter int unsigned BUS_BYTES = mica_pkg::BUS_BYTES_DEFAULT,
  parameter bit          RSP_REG   = 1'b0
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // Accelerator port
  input  logic                   req_valid_i,
  output logic                   req_ready_o,
  input  logic                   req_we_i,
  input  logic [31:0]            req_addr_i,
  input  logic [8*BUS_BYTES-1:0] req_wdata_i,
  input  logic [BUS_BYTES-1:0]   req_wstrb_i,
  input  logic [1:0]             req_id_i,
  output logic                   rsp_valid_o,
  output logic [1:0]             rsp_id_o,
  output logic [8*BUS_BYTES-1:0] rsp_rdata_o,
  output logic                   rsp_err_o,
  // Bridge byte port (address checked by the bridge)
  input  logic                   b_req_i,
  input  logic                   b_hold_i,   // high whenever b_req_i or b_we_i may be (or longer)
  input  logic                   b_we_i,
  input  logic [31:0]            b_addr_i,
  input  logic [7:0]             b_wdata_i,
  output logic [7:0]             b_rdata_o
);
  localparam int unsigned Words = MEM_BYTES / BUS_BYTES;
  localparam int unsigned WAW   = $clog2(Words);
  localparam int unsigned LW    = (BUS_BYTES > 1) ? $clog2(BUS_BYTES) : 1;

  logic                   acc_take, acc_ok;
  logic [WAW-1:0]         ram_addr;
  logic [BUS_BYTES-1:0]   ram_we;
  logic [8*BUS_BYTES-1:0] ram_wdata, ram_rdata;
  logic [LW-1:0]          b_lane;

  assign b_lane      = (BUS_BYTES > 1) ? LW'(b_addr_i) : '0;
  assign req_ready_o = !b_hold_i;
  assign acc_take    = req_valid_i & !b_hold_i;
  // In range and aligned (MEM_BYTES is a multiple of BUS_BYTES, a power of two).
  // (a power-of-two size is a check of the high address bits, no comparator chain)
  localparam bit Pow2 = (MEM_BYTES & (MEM_BYTES - 1)) == 0;
  assign acc_ok      = (Pow2 ? (req_addr_i >> $clog2(MEM_BYTES)) == '0 : req_addr_i < 32'(MEM_BYTES)) &&
                       ((req_addr_i & 32'(BUS_BYTES - 1)) == '0);

  // The bridge's inputs while it holds the memory (b_req_i alone selects nothing: in a MEM_READ
  // it is the bridge's late byte-fetch decision; b_we_i is a write's own strobe).
  always_comb begin
    if (b_hold_i) begin
      ram_addr  = WAW'(b_addr_i / BUS_BYTES);
      ram_we    = b_we_i ? BUS_BYTES'(1) << b_lane : '0;
      ram_wdata = {BUS_BYTES{b_wdata_i}};
    end else begin
      ram_addr  = WAW'(req_addr_i / BUS_BYTES);
      ram_we    = (req_we_i && acc_ok) ? req_wstrb_i : '0;
      ram_wdata = req_wdata_i;
    end
  end

  mica_board_ram #(.WORD_BYTES(BUS_BYTES), .DEPTH(Words)) u_ram (
    .clk_i, .req_i(b_req_i | (acc_take & acc_ok)), .we_i(ram_we), .addr_i(ram_addr),
    .wdata_i(ram_wdata), .rdata_o(ram_rdata)
  );

  logic          rsp_valid_q, rsp_err_q;
  logic [1:0]    rsp_id_q;
  logic [LW-1:0] b_lane_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rsp_valid_q <= 1'b0;
      rsp_err_q   <= 1'b0;
      rsp_id_q    <= '0;
      b_lane_q    <= '0;
    end else begin
      rsp_valid_q <= acc_take;
      rsp_err_q   <= acc_take & !acc_ok;
      if (acc_take) rsp_id_q <= req_id_i;
      if (b_req_i)  b_lane_q <= b_lane;
    end
  end

  // Write responses carry the last read word; the accelerator ignores rdata on writes.
  if (RSP_REG) begin : g_rsp_reg
    logic                   valid_q2, err_q2;
    logic [1:0]             id_q2;
    logic [8*BUS_BYTES-1:0] rdata_q2;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) {valid_q2, err_q2, id_q2} <= '0;
      else {valid_q2, err_q2, id_q2} <= {rsp_valid_q, rsp_err_q, rsp_id_q};
    end
    always_ff @(posedge clk_i) begin
      if (rsp_valid_q) rdata_q2 <= ram_rdata;
    end
    assign {rsp_valid_o, rsp_err_o, rsp_id_o, rsp_rdata_o} = {valid_q2, err_q2, id_q2, rdata_q2};
  end else begin : g_rsp_direct
    assign {rsp_valid_o, rsp_err_o, rsp_id_o, rsp_rdata_o} = {rsp_valid_q, rsp_err_q, rsp_id_q, ram_rdata};
  end
  assign b_rdata_o   = ram_rdata[8*b_lane_q +: 8];

  if (MEM_BYTES % BUS_BYTES != 0 || (BUS_BYTES & (BUS_BYTES - 1)) != 0) begin : g_bad_size
    $error("mica_board_mem: MEM_BYTES must be a multiple of BUS_BYTES, a power of two");
  end
endmodule
