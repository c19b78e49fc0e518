// A board's top: the Mica accelerator, its memory, and the host link (mica_link: UART 8N1 ->
// deframer -> bridge -> framer -> UART) that gives the host CSR and memory access (hw/link.json).
// LEDs: [0] heartbeat (toggles every 2^ceil(log2(CLK_HZ)) / 2 cycles, about 0.7 s),
//       [1] accelerator BUSY, [2] accelerator ERROR (STATUS as seen by the idle bridge),
//       [3] link activity (a byte received or sent in this or the last window of 2^(HbW-4)
//           cycles, about 1/16 s; the windows are the heartbeat counter's low bits).
// The bridge's RESET command resets only the accelerator (mica_top), never the link or memory.
module mica_board_top #(
  parameter int unsigned ROWS         = mica_pkg::ROWS_DEFAULT,
  parameter int unsigned COLS         = mica_pkg::COLS_DEFAULT,
  parameter int unsigned ASPAD_DEPTH  = mica_pkg::ASPAD_DEPTH_DEFAULT,
  parameter int unsigned WSPAD_DEPTH  = mica_pkg::WSPAD_DEPTH_DEFAULT,
  parameter int unsigned ACC_DEPTH    = mica_pkg::ACC_DEPTH_DEFAULT,
  parameter int unsigned PARAM_SETS   = mica_pkg::PARAM_SETS_DEFAULT,
  parameter int unsigned BUS_BYTES    = mica_pkg::BUS_BYTES_DEFAULT,
  // The accelerator family's configuration and implementation parameters (mica_top documents
  // them); a board's values come from hw/boards/<board>.json through hw/gen_boards.py.
  parameter int unsigned REQ_LANES      = mica_pkg::REQ_LANES_DEFAULT,
  parameter int unsigned REQ_MUL_CYCLES = mica_pkg::REQ_MUL_CYCLES_DEFAULT,
  parameter int unsigned ABSENT         = mica_pkg::ABSENT_DEFAULT,
  parameter int unsigned CNT_W          = 64,
  parameter int unsigned CNT_MASK       = 32'hFFFF_FFFF,
  parameter int unsigned FETCH_DEPTH    = 8,
  parameter int unsigned ARRAY_LUT_MUL  = 0,
  parameter int unsigned ARRAY_DSP_PES  = 0,
  parameter int unsigned ADDR_W         = 32,
  parameter int unsigned MM_DEPTH       = 8,
  parameter int unsigned LINK_DROP_W    = 16,   // mica_link's STATS counter widths
  parameter int unsigned LINK_FRAME_W   = 32,
  parameter int unsigned LINK_STATS     = 1,    // 0: STATS has only the cycle count
  parameter int unsigned LINK_STATS_CMD = 1,    // 0: no STATS command (NAK), no cycle counter
  parameter int unsigned LINK_PIPE      = 0,    // 1: FPGA timing (mica_link PIPE: bridge checks, framer CRC feed)
  parameter int unsigned REQ_PIPE       = 0,
  parameter int unsigned CNT_PIPE       = 0,
  parameter int unsigned ISSUE_PIPE     = 0,
  parameter int unsigned ACC_PIPE       = 0,
  parameter int unsigned STORE_FDEPTH   = 0,
  parameter int unsigned MEM_RSP_REG    = 0,    // 1: board memory answers a cycle later (timing)
  parameter int unsigned MEM_BYTES    = 131072,
  parameter int unsigned CLK_HZ       = 12000000,
  parameter int unsigned CLKS_PER_BIT = 4
) (
  input  logic       clk_i,
  input  logic       rst_ni,
  input  logic       uart_rx_i,
  output logic       uart_tx_o,
  output logic [3:0] led_o
);
  localparam int unsigned HbW  = $clog2(CLK_HZ);
  localparam int unsigned ActW = (HbW > 8) ? HbW - 4 : 4;   // activity window: 2^ActW cycles

  // ---------------- host link ----------------
  logic        csr_req, csr_we, b_req, b_we, b_hold, acc_reset, activity;
  logic [11:0] csr_addr;
  logic [31:0] csr_wdata, csr_rdata, b_addr, status;
  logic [7:0]  b_wdata, b_rdata;

  mica_link #(.MEM_BYTES(MEM_BYTES), .CLK_HZ(CLK_HZ), .CLKS_PER_BIT(CLKS_PER_BIT),
              .DROP_W(LINK_DROP_W), .FRAME_W(LINK_FRAME_W),
              .STATS_LINK(LINK_STATS != 0), .STATS_CMD(LINK_STATS_CMD != 0),
              .PIPE(LINK_PIPE != 0)) u_link (
    .clk_i, .rst_ni, .uart_rx_i, .uart_tx_o,
    .csr_req_o(csr_req), .csr_we_o(csr_we), .csr_addr_o(csr_addr), .csr_wdata_o(csr_wdata),
    .csr_rdata_i(csr_rdata),
    .mem_req_o(b_req), .mem_we_o(b_we), .mem_addr_o(b_addr), .mem_wdata_o(b_wdata),
    .mem_rdata_i(b_rdata), .mem_hold_o(b_hold), .acc_reset_o(acc_reset), .status_o(status), .activity_o(activity)
  );

  // ---------------- accelerator + memory ----------------
  logic                   acc_rst_n;
  logic                   m_req_valid, m_req_ready, m_req_we, m_rsp_valid, m_rsp_err;
  logic [31:0]            m_req_addr;
  logic [8*BUS_BYTES-1:0] m_req_wdata, m_rsp_rdata;
  logic [BUS_BYTES-1:0]   m_req_wstrb;
  logic [1:0]             m_req_id, m_rsp_id;

  assign acc_rst_n = rst_ni & ~acc_reset;   // acc_reset is a register (glitch-free)

  mica_top #(
    .ROWS(ROWS), .COLS(COLS), .ASPAD_DEPTH(ASPAD_DEPTH), .WSPAD_DEPTH(WSPAD_DEPTH),
    .ACC_DEPTH(ACC_DEPTH), .PARAM_SETS(PARAM_SETS), .BUS_BYTES(BUS_BYTES),
    .REQ_LANES(REQ_LANES), .REQ_MUL_CYCLES(REQ_MUL_CYCLES), .ABSENT(ABSENT), .CNT_W(CNT_W),
    .CNT_MASK(CNT_MASK), .FETCH_DEPTH(FETCH_DEPTH), .ARRAY_LUT_MUL(ARRAY_LUT_MUL),
    .ARRAY_DSP_PES(ARRAY_DSP_PES), .ADDR_W(ADDR_W), .MM_DEPTH(MM_DEPTH),
    .REQ_PIPE(REQ_PIPE), .CNT_PIPE(CNT_PIPE), .ISSUE_PIPE(ISSUE_PIPE),
    .ACC_PIPE(ACC_PIPE), .STORE_FDEPTH(STORE_FDEPTH)
  ) u_mica (
    .clk_i, .rst_ni(acc_rst_n),
    .csr_req_i(csr_req), .csr_we_i(csr_we), .csr_addr_i(csr_addr), .csr_wdata_i(csr_wdata),
    .csr_rdata_o(csr_rdata), .irq_o(),
    .mem_req_valid_o(m_req_valid), .mem_req_ready_i(m_req_ready), .mem_req_we_o(m_req_we),
    .mem_req_addr_o(m_req_addr), .mem_req_wdata_o(m_req_wdata), .mem_req_wstrb_o(m_req_wstrb),
    .mem_req_id_o(m_req_id), .mem_rsp_valid_i(m_rsp_valid), .mem_rsp_id_i(m_rsp_id),
    .mem_rsp_rdata_i(m_rsp_rdata), .mem_rsp_err_i(m_rsp_err)
  );

  mica_board_mem #(.MEM_BYTES(MEM_BYTES), .BUS_BYTES(BUS_BYTES), .RSP_REG(MEM_RSP_REG != 0)) u_mem (
    .clk_i, .rst_ni,
    .req_valid_i(m_req_valid), .req_ready_o(m_req_ready), .req_we_i(m_req_we),
    .req_addr_i(m_req_addr), .req_wdata_i(m_req_wdata), .req_wstrb_i(m_req_wstrb),
    .req_id_i(m_req_id), .rsp_valid_o(m_rsp_valid), .rsp_id_o(m_rsp_id),
    .rsp_rdata_o(m_rsp_rdata), .rsp_err_o(m_rsp_err),
    .b_req_i(b_req), .b_hold_i(b_hold), .b_we_i(b_we), .b_addr_i(b_addr), .b_wdata_i(b_wdata), .b_rdata_o(b_rdata)
  );

  // ---------------- LEDs ----------------
  logic [HbW-1:0] hb_q;
  logic           act_now_q, act_last_q;   // activity in this window, in the last one

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      hb_q       <= '0;
      act_now_q  <= 1'b0;
      act_last_q <= 1'b0;
    end else begin
      hb_q <= hb_q + 1'b1;
      if (hb_q[ActW-1:0] == '1) begin
        act_last_q <= act_now_q | activity;
        act_now_q  <= 1'b0;
      end else if (activity) begin
        act_now_q  <= 1'b1;
      end
    end
  end

  assign led_o = {act_now_q | act_last_q, status[mica_pkg::STATUS_ERROR_BIT],
                  status[mica_pkg::STATUS_BUSY_BIT], hb_q[HbW-1]};

  // STATUS bits the LEDs do not show
  logic unused_status;
  assign unused_status = ^{status[31:mica_pkg::STATUS_ERROR_BIT+1],
                           status[mica_pkg::STATUS_DONE_BIT]};
endmodule
