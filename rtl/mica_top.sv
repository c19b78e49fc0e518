// Mica accelerator top: CSRs, instruction fetch + issue, the four units (LOAD, WEIGHT, ARRAY,
// STORE), the systolic array, the on-chip SRAMs and the external memory port arbiter.
// See hw/ARCHITECTURE.md; all encodings come from mica_pkg (generated from hw/mica.json).
module mica_top #(
  parameter int unsigned ROWS        = mica_pkg::ROWS_DEFAULT,
  parameter int unsigned COLS        = mica_pkg::COLS_DEFAULT,
  parameter int unsigned ASPAD_DEPTH = mica_pkg::ASPAD_DEPTH_DEFAULT,
  parameter int unsigned WSPAD_DEPTH = mica_pkg::WSPAD_DEPTH_DEFAULT,
  parameter int unsigned ACC_DEPTH   = mica_pkg::ACC_DEPTH_DEFAULT,
  parameter int unsigned PARAM_SETS  = mica_pkg::PARAM_SETS_DEFAULT,
  parameter int unsigned BUS_BYTES   = mica_pkg::BUS_BYTES_DEFAULT,
  parameter int unsigned REQ_LANES   = mica_pkg::REQ_LANES_DEFAULT,  // 0 = COLS
  parameter int unsigned ABSENT      = mica_pkg::ABSENT_DEFAULT,     // optional features left out
  // Implementation parameters of small configurations (no effect on results): event counter
  // width (mica_csr) and instruction prefetch queue depth (mica_fetch; fewer hides less latency).
  parameter int unsigned CNT_W       = 64,
  parameter int unsigned CNT_MASK    = 32'hFFFF_FFFF,  // counters built (mica_csr)
  parameter int unsigned FETCH_DEPTH = 8,
  parameter int unsigned ARRAY_LUT_MUL = 0,  // 1: PE multipliers from LUTs, not DSP blocks
  parameter int unsigned ARRAY_DSP_PES = 0,  // with ARRAY_LUT_MUL: this many PEs still use a DSP
  parameter int unsigned REQ_MUL_CYCLES = mica_pkg::REQ_MUL_CYCLES_DEFAULT,  // lane multiply: 1 or 4
  // External address bits kept by fetch and the DMA walkers (a board memory of 2^ADDR_W bytes or
  // less); an access that leaves them goes to 2^32 - BUS_BYTES, a bus error like any address
  // past the memory. 32: plain 32-bit addresses.
  parameter int unsigned ADDR_W      = 32,
  parameter int unsigned MM_DEPTH    = 8,   // MATMULs in flight (mica_matmul_unit)
  parameter int unsigned REQ_PIPE    = 0,  // 1: requant lanes 8 cycles deeper, for FPGA timing
  parameter int unsigned CNT_PIPE    = 0,  // 1: event counters count a cycle late (FPGA timing)
  parameter int unsigned ISSUE_PIPE  = 0,  // FPGA timing (mica_issue): registered fetch request enables, and 1 registered decode stages, 2 a registered static error
  parameter int unsigned ACC_PIPE    = 0,  // 1: ACC read data registered before the add (FPGA timing)
  parameter int unsigned STORE_FDEPTH = 0   // STORE row FIFO + rows in the lanes; 0: as below
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   csr_req_i,
  input  logic                   csr_we_i,
  input  logic [11:0]            csr_addr_i,
  input  logic [31:0]            csr_wdata_i,
  output logic [31:0]            csr_rdata_o,
  output logic                   irq_o,
  output logic                   mem_req_valid_o,
  input  logic                   mem_req_ready_i,
  output logic                   mem_req_we_o,
  output logic [31:0]            mem_req_addr_o,
  output logic [8*BUS_BYTES-1:0] mem_req_wdata_o,
  output logic [BUS_BYTES-1:0]   mem_req_wstrb_o,
  output logic [1:0]             mem_req_id_o,
  input  logic                   mem_rsp_valid_i,
  input  logic [1:0]             mem_rsp_id_i,
  input  logic [8*BUS_BYTES-1:0] mem_rsp_rdata_i,
  input  logic                   mem_rsp_err_i
);
  localparam int unsigned AAW = $clog2(ASPAD_DEPTH);
  localparam int unsigned WAW = $clog2(WSPAD_DEPTH);
  localparam int unsigned CAW = $clog2(ACC_DEPTH);
  localparam int unsigned PAW = $clog2(mica_pkg::PARAM_ROWS * PARAM_SETS);
  localparam int unsigned RowBytes = (ROWS > 4 * COLS) ? ROWS : 4 * COLS;
  localparam int unsigned Lanes = (REQ_LANES == 0 || REQ_LANES > COLS) ? COLS : REQ_LANES;
  // STORE target ASPAD: the feature, and a STORE row is an ASPAD row (mica_decode, mica_issue)
  localparam bit HasStoreAspad = ((ABSENT >> mica_pkg::FEATURE_STORE_ASPAD) & 1) == 0 && ROWS == COLS;

  // ---------------- control ----------------
  logic        start, running, busy, done, err, abort;
  logic [31:0] prog_addr, prog_len, pc, err_pc;
  logic [7:0]  err_code;
  logic [3:0]  unit_busy, unit_start;
  logic        load_bus_err, store_bus_err, store_aspad, load_aspad;
  logic        issued, stall_dep, stall_fetch, stall_mem;
  logic        array_accept, array_dw_accept;
  logic [32*mica_pkg::NUM_COUNTERS-1:0] cnt_inc;

  assign busy = running | (unit_busy != '0);

  mica_csr #(
    .ROWS(ROWS), .COLS(COLS), .ASPAD_DEPTH(ASPAD_DEPTH), .WSPAD_DEPTH(WSPAD_DEPTH),
    .ACC_DEPTH(ACC_DEPTH), .PARAM_SETS(PARAM_SETS), .BUS_BYTES(BUS_BYTES), .REQ_LANES(Lanes),
    .ABSENT(ABSENT), .REQ_MUL_CYCLES(REQ_MUL_CYCLES), .CNT_W(CNT_W),
    .CNT_MASK(CNT_MASK), .ADDR_W(ADDR_W)
  ) u_csr (
    .clk_i, .rst_ni, .csr_req_i, .csr_we_i, .csr_addr_i, .csr_wdata_i, .csr_rdata_o, .irq_o,
    .start_o(start), .prog_addr_o(prog_addr), .prog_len_o(prog_len), .busy_i(busy), .pc_i(pc),
    .done_i(done), .err_i(err), .err_code_i(err_code), .err_pc_i(err_pc), .cnt_inc_i(cnt_inc)
  );

  // ---------------- fetch + issue ----------------
  logic         f_req_valid, f_req_ready, f_rsp, f_beat;
  logic [31:0]  f_req_addr;
  logic         instr_valid, instr_err, instr_pop;
  logic [127:0] head_instr, instr;   // fetch queue head; the instruction issuing (units)
  logic [(($clog2(ASPAD_DEPTH) > 16) ? $clog2(ASPAD_DEPTH) : 16) - 1:0] row_off;   // its feeder row offset

  mica_fetch #(.BUS_BYTES(BUS_BYTES), .QDEPTH(FETCH_DEPTH), .ADDR_W(ADDR_W),
              .REQ_REGS(ISSUE_PIPE != 0)) u_fetch (
    .clk_i, .rst_ni, .start_i(start), .halt_i(!running), .prog_addr_i(prog_addr),
    .prog_len_i(prog_len), .req_valid_o(f_req_valid), .req_ready_i(f_req_ready),
    .req_addr_o(f_req_addr), .rsp_valid_i(f_rsp), .rsp_rdata_i(mem_rsp_rdata_i),
    .rsp_err_i(mem_rsp_err_i), .instr_valid_o(instr_valid), .instr_o(head_instr),
    .instr_err_o(instr_err), .instr_pop_i(instr_pop), .beat_o(f_beat)
  );

  mica_issue #(
    .ROWS(ROWS), .COLS(COLS), .ASPAD_DEPTH(ASPAD_DEPTH), .WSPAD_DEPTH(WSPAD_DEPTH),
    .ACC_DEPTH(ACC_DEPTH), .PARAM_SETS(PARAM_SETS), .ABSENT(ABSENT),
    .PC_W((ADDR_W < 32) ? ADDR_W - 3 : 32),   // fetch ends at 2^(ADDR_W-4) instructions
    .ISSUE_PIPE(ISSUE_PIPE)
  ) u_issue (
    .clk_i, .rst_ni, .start_i(start), .prog_len_i(prog_len),
    .instr_valid_i(instr_valid), .instr_i(head_instr), .instr_err_i(instr_err),
    .instr_pop_o(instr_pop), .instr_o(instr), .row_off_o(row_off), .unit_busy_i(unit_busy), .array_accept_i(array_accept),
    .array_dw_accept_i(array_dw_accept),
    .unit_start_o(unit_start),
    .load_bus_err_i(load_bus_err), .store_bus_err_i(store_bus_err), .store_aspad_i(store_aspad), .load_aspad_i(load_aspad),
    .abort_o(abort),
    .running_o(running), .pc_o(pc), .done_o(done), .err_o(err), .err_code_o(err_code),
    .err_pc_o(err_pc), .issued_o(issued), .stall_dep_o(stall_dep), .stall_fetch_o(stall_fetch)
  );

  // ---------------- LOAD ----------------
  logic                  l_req_valid, l_req_ready, l_rsp, l_beat;
  logic [31:0]           l_req_addr;
  logic [2:0]            l_we;
  logic [15:0]           l_waddr;
  logic [8*RowBytes-1:0] l_wdata;

  mica_load_unit #(.ROWS(ROWS), .COLS(COLS), .BUS_BYTES(BUS_BYTES), .ADDR_W(ADDR_W),
    .MAX_ROWS((ASPAD_DEPTH > WSPAD_DEPTH ? ASPAD_DEPTH : WSPAD_DEPTH) > mica_pkg::PARAM_ROWS * PARAM_SETS ?
              (ASPAD_DEPTH > WSPAD_DEPTH ? ASPAD_DEPTH : WSPAD_DEPTH) : mica_pkg::PARAM_ROWS * PARAM_SETS)) u_load (
    .clk_i, .rst_ni, .start_i(unit_start[mica_pkg::UNIT_LOAD]), .instr_i(instr),
    .abort_i(abort), .busy_o(unit_busy[mica_pkg::UNIT_LOAD]), .aspad_busy_o(load_aspad),
    .bus_err_o(load_bus_err),
    .req_valid_o(l_req_valid), .req_ready_i(l_req_ready), .req_addr_o(l_req_addr),
    .rsp_valid_i(l_rsp), .rsp_rdata_i(mem_rsp_rdata_i), .rsp_err_i(mem_rsp_err_i),
    .we_o(l_we), .waddr_o(l_waddr), .wdata_o(l_wdata), .beat_o(l_beat)
  );

  // ---------------- WEIGHT ----------------
  localparam int unsigned RIW = (ROWS > 1) ? $clog2(ROWS) : 1;
  logic              wspad_re, w_we, v_we, v_mac;
  logic [RIW-1:0]    w_addr;
  logic [WAW-1:0]    wspad_raddr;
  logic [COLS*8-1:0] wspad_rdata, w_row;

  mica_weight_unit #(.ROWS(ROWS), .COLS(COLS), .WSPAD_DEPTH(WSPAD_DEPTH)) u_weight (
    .clk_i, .rst_ni, .start_i(unit_start[mica_pkg::UNIT_WEIGHT]), .instr_i(instr),
    .busy_o(unit_busy[mica_pkg::UNIT_WEIGHT]),
    .wspad_re_o(wspad_re), .wspad_raddr_o(wspad_raddr),
    .wspad_rdata_i(wspad_rdata), .w_we_o(w_we), .v_we_o(v_we), .w_addr_o(w_addr), .w_row_o(w_row)
  );

  // ---------------- ARRAY (MATMUL) ----------------
  logic               aspad_re, w_swap, a_valid, out_valid, acc_re_a, acc_we, array_busy;
  logic [AAW-1:0]     aspad_raddr;
  logic [ROWS*8-1:0]  aspad_rdata;
  logic [ROWS*9-1:0]  a_row;
  logic [COLS*32-1:0] out_row, acc_rdata_a, acc_wdata;
  logic [CAW-1:0]     acc_raddr_a, acc_waddr;

  mica_matmul_unit #(
    .ROWS(ROWS), .COLS(COLS), .ASPAD_DEPTH(ASPAD_DEPTH), .ACC_DEPTH(ACC_DEPTH), .ABSENT(ABSENT),
    .DEPTH(MM_DEPTH), .ACC_PIPE(ACC_PIPE)
  ) u_matmul (
    .clk_i, .rst_ni, .start_i(unit_start[mica_pkg::UNIT_ARRAY]), .instr_i(instr), .row_off_i(row_off),
    .busy_o(unit_busy[mica_pkg::UNIT_ARRAY]), .accept_o(array_accept), .dw_accept_o(array_dw_accept),
    .v_we_i(v_we), .v_row_i(w_row), .v_mac_o(v_mac),
    .aspad_re_o(aspad_re),
    .aspad_raddr_o(aspad_raddr), .aspad_rdata_i(aspad_rdata), .w_swap_o(w_swap),
    .a_valid_o(a_valid), .a_row_o(a_row), .out_valid_i(out_valid), .out_row_i(out_row),
    .acc_re_o(acc_re_a), .acc_raddr_o(acc_raddr_a), .acc_rdata_i(acc_rdata_a),
    .acc_we_o(acc_we), .acc_waddr_o(acc_waddr), .acc_wdata_o(acc_wdata)
  );

  mica_array #(.ROWS(ROWS), .COLS(COLS), .LUT_MUL(ARRAY_LUT_MUL != 0),
    .DSP_PES(ARRAY_DSP_PES)) u_array (
    .clk_i, .rst_ni, .w_we_i(w_we), .w_addr_i(w_addr), .w_row_i(w_row), .w_swap_i(w_swap),
    .a_valid_i(a_valid), .a_row_i(a_row), .out_valid_o(out_valid), .out_row_o(out_row),
    .busy_o(array_busy)
  );

  // ---------------- STORE ----------------
  logic                   s_req_valid, s_req_ready, s_rsp, param_re, acc_re_b;
  logic [31:0]            s_req_addr;
  logic [8*BUS_BYTES-1:0] s_req_wdata;
  logic [BUS_BYTES-1:0]   s_req_wstrb;
  logic [BUS_BYTES-1:0]   s_wr_strb;
  logic [PAW-1:0]         param_raddr;
  logic [CAW-1:0]         acc_raddr_b;
  logic [COLS*32-1:0]     param_rdata, acc_rdata_b;
  logic                   s_aspad_we;
  logic [15:0]            s_aspad_waddr;
  logic [COLS*8-1:0]      s_aspad_wdata;

  mica_store_unit #(
    .COLS(COLS), .ACC_DEPTH(ACC_DEPTH), .PARAM_SETS(PARAM_SETS), .BUS_BYTES(BUS_BYTES),
    .REQ_LANES(Lanes), .ABSENT(ABSENT), .MUL_CYCLES(REQ_MUL_CYCLES), .ADDR_W(ADDR_W),
    .REQ_PIPE(REQ_PIPE), .HAS_ASPAD(HasStoreAspad),
    // 4-cycle lanes deliver a row every >= 4 cycles: 4 rows of FIFO + pipeline keep them busy;
    // 8 more cycles of lane latency (REQ_PIPE) need a deeper FIFO to keep the lanes busy
    .FDEPTH(STORE_FDEPTH != 0 ? STORE_FDEPTH : REQ_PIPE != 0 ? 16 : (REQ_MUL_CYCLES > 1) ? 4 : 8)
  ) u_store (
    .clk_i, .rst_ni, .start_i(unit_start[mica_pkg::UNIT_STORE]), .instr_i(instr),
    .abort_i(abort), .busy_o(unit_busy[mica_pkg::UNIT_STORE]), .bus_err_o(store_bus_err),
    .param_re_o(param_re), .param_raddr_o(param_raddr), .param_rdata_i(param_rdata),
    .acc_re_o(acc_re_b), .acc_raddr_o(acc_raddr_b), .acc_rdata_i(acc_rdata_b),
    .req_valid_o(s_req_valid), .req_ready_i(s_req_ready), .req_addr_o(s_req_addr),
    .req_wdata_o(s_req_wdata), .req_wstrb_o(s_req_wstrb), .rsp_valid_i(s_rsp),
    .rsp_err_i(mem_rsp_err_i), .aspad_we_o(s_aspad_we), .aspad_waddr_o(s_aspad_waddr),
    .aspad_wdata_o(s_aspad_wdata), .aspad_busy_o(store_aspad), .wr_strb_o(s_wr_strb)
  );

  // ---------------- memories ----------------
  // ASPAD write port: LOAD's, or a target-ASPAD STORE's (never both: mica_issue).
  logic              aspad_we;
  logic [AAW-1:0]    aspad_waddr;
  logic [ROWS*8-1:0] aspad_wdata;
  if (HasStoreAspad) begin : g_aspad_wr
    assign aspad_we    = l_we[mica_pkg::LOAD_TARGET_ASPAD] | s_aspad_we;
    assign aspad_waddr = s_aspad_we ? s_aspad_waddr[AAW-1:0] : l_waddr[AAW-1:0];
    assign aspad_wdata = s_aspad_we ? s_aspad_wdata : l_wdata[ROWS*8-1:0];
  end else begin : g_aspad_load
    assign aspad_we    = l_we[mica_pkg::LOAD_TARGET_ASPAD];
    assign aspad_waddr = l_waddr[AAW-1:0];
    assign aspad_wdata = l_wdata[ROWS*8-1:0];
  end
  mica_sram #(.WIDTH(ROWS * 8), .DEPTH(ASPAD_DEPTH)) u_aspad (
    .clk_i, .we_i(aspad_we), .waddr_i(aspad_waddr), .wdata_i(aspad_wdata),
    .re_i(aspad_re), .raddr_i(aspad_raddr), .rdata_o(aspad_rdata)
  );
  mica_sram #(.WIDTH(COLS * 8), .DEPTH(WSPAD_DEPTH)) u_wspad (
    .clk_i, .we_i(l_we[mica_pkg::LOAD_TARGET_WSPAD]), .waddr_i(l_waddr[WAW-1:0]), .wdata_i(l_wdata[COLS*8-1:0]),
    .re_i(wspad_re), .raddr_i(wspad_raddr), .rdata_o(wspad_rdata)
  );
  mica_sram #(.WIDTH(COLS * 32), .DEPTH(mica_pkg::PARAM_ROWS * PARAM_SETS)) u_param (
    .clk_i, .we_i(l_we[mica_pkg::LOAD_TARGET_PARAM]), .waddr_i(l_waddr[PAW-1:0]), .wdata_i(l_wdata[COLS*32-1:0]),
    .re_i(param_re), .raddr_i(param_raddr), .rdata_o(param_rdata)
  );
  // ACC: two copies written together give the MATMUL and STORE read ports.
  mica_sram #(.WIDTH(COLS * 32), .DEPTH(ACC_DEPTH)) u_acc_a (
    .clk_i, .we_i(acc_we), .waddr_i(acc_waddr), .wdata_i(acc_wdata),
    .re_i(acc_re_a), .raddr_i(acc_raddr_a), .rdata_o(acc_rdata_a)
  );
  mica_sram #(.WIDTH(COLS * 32), .DEPTH(ACC_DEPTH)) u_acc_b (
    .clk_i, .we_i(acc_we), .waddr_i(acc_waddr), .wdata_i(acc_wdata),
    .re_i(acc_re_b), .raddr_i(acc_raddr_b), .rdata_o(acc_rdata_b)
  );

  // ---------------- external port ----------------
  mica_bus_arb #(.BUS_BYTES(BUS_BYTES)) u_arb (
    .fetch_valid_i(f_req_valid), .fetch_ready_o(f_req_ready), .fetch_addr_i(f_req_addr),
    .fetch_rsp_o(f_rsp),
    .load_valid_i(l_req_valid), .load_ready_o(l_req_ready), .load_addr_i(l_req_addr),
    .load_rsp_o(l_rsp),
    .store_valid_i(s_req_valid), .store_ready_o(s_req_ready), .store_addr_i(s_req_addr),
    .store_wdata_i(s_req_wdata), .store_wstrb_i(s_req_wstrb), .store_rsp_o(s_rsp),
    .mem_req_valid_o, .mem_req_ready_i, .mem_req_we_o, .mem_req_addr_o, .mem_req_wdata_o,
    .mem_req_wstrb_o, .mem_req_id_o, .mem_rsp_valid_i, .mem_rsp_id_i, .stall_o(stall_mem)
  );

  // ---------------- event counters ----------------
  // CNT_PIPE registers the events, and the increments are computed from the registered events:
  // neither the issue decision nor STORE's byte strobes (its walker's compares) run into the
  // counter adds.
  localparam int unsigned EvW = 19 + BUS_BYTES;
  logic [EvW-1:0] ev_d, ev;
  logic e_busy, e_issued, e_a_valid, e_v_mac, e_array_busy, e_aspad_re, e_aspad_we, e_wspad_re;
  logic e_wspad_we, e_acc_re_a, e_acc_re_b, e_acc_we, e_l_beat, e_f_beat, e_stall_dep;
  logic e_stall_fetch, e_stall_mem, e_param_re, e_param_we;
  logic [BUS_BYTES-1:0] e_wr_strb;
  assign ev_d = {busy, issued, a_valid, v_mac, unit_busy[mica_pkg::UNIT_ARRAY], aspad_re,
                 aspad_we, wspad_re, l_we[mica_pkg::LOAD_TARGET_WSPAD],
                 acc_re_a, acc_re_b, acc_we, l_beat, s_wr_strb, f_beat, stall_dep, stall_fetch,
                 stall_mem, param_re, l_we[mica_pkg::LOAD_TARGET_PARAM]};
  mica_delay #(.W(EvW), .N(CNT_PIPE), .RESET(1'b1)) u_cnt_pipe (
    .clk_i, .rst_ni, .d_i(ev_d), .q_o(ev)
  );
  assign {e_busy, e_issued, e_a_valid, e_v_mac, e_array_busy, e_aspad_re, e_aspad_we, e_wspad_re,
          e_wspad_we, e_acc_re_a, e_acc_re_b, e_acc_we, e_l_beat, e_wr_strb, e_f_beat, e_stall_dep,
          e_stall_fetch, e_stall_mem, e_param_re, e_param_we} = ev;
  logic [7:0] wr_bytes;   // bytes STORE wrote in the event's cycle
  always_comb begin
    wr_bytes = '0;
    for (int l = 0; l < BUS_BYTES; l++) wr_bytes = wr_bytes + 8'(e_wr_strb[l]);
  end
  always_comb begin
    cnt_inc = '0;
    cnt_inc[32*mica_pkg::CNT_CYCLES +: 32]       = 32'(e_busy);
    cnt_inc[32*mica_pkg::CNT_INSTRS +: 32]       = 32'(e_issued);
    cnt_inc[32*mica_pkg::CNT_MACS +: 32]         = e_a_valid ? 32'(ROWS * COLS) :
                                                 e_v_mac ? 32'((ROWS < COLS) ? ROWS : COLS) : 32'd0;
    cnt_inc[32*mica_pkg::CNT_ARRAY_BUSY +: 32]   = 32'(e_array_busy);
    cnt_inc[32*mica_pkg::CNT_ASPAD_READS +: 32]  = 32'(e_aspad_re);
    cnt_inc[32*mica_pkg::CNT_ASPAD_WRITES +: 32] = 32'(e_aspad_we);
    cnt_inc[32*mica_pkg::CNT_WSPAD_READS +: 32]  = 32'(e_wspad_re);
    cnt_inc[32*mica_pkg::CNT_WSPAD_WRITES +: 32] = 32'(e_wspad_we);
    cnt_inc[32*mica_pkg::CNT_ACC_READS +: 32]    = 32'(e_acc_re_a) + 32'(e_acc_re_b);
    cnt_inc[32*mica_pkg::CNT_ACC_WRITES +: 32]   = 32'(e_acc_we);
    cnt_inc[32*mica_pkg::CNT_DMA_RD_BYTES +: 32] = e_l_beat ? 32'(BUS_BYTES) : 32'd0;
    cnt_inc[32*mica_pkg::CNT_DMA_WR_BYTES +: 32] = 32'(wr_bytes);
    cnt_inc[32*mica_pkg::CNT_FETCH_BYTES +: 32]  = e_f_beat ? 32'(BUS_BYTES) : 32'd0;
    cnt_inc[32*mica_pkg::CNT_STALL_DEP +: 32]    = 32'(e_stall_dep);
    cnt_inc[32*mica_pkg::CNT_STALL_FETCH +: 32]  = 32'(e_stall_fetch);
    cnt_inc[32*mica_pkg::CNT_STALL_MEM +: 32]    = 32'(e_stall_mem);
    cnt_inc[32*mica_pkg::CNT_PARAM_READS +: 32]  = 32'(e_param_re);
    cnt_inc[32*mica_pkg::CNT_PARAM_WRITES +: 32] = 32'(e_param_we);
  end

  // Row addresses are 16-bit instruction fields; only the low bits index each memory.
  logic unused_top;
  assign unused_top = ^{l_waddr, array_busy, s_aspad_waddr, s_aspad_we, s_aspad_wdata};
endmodule
