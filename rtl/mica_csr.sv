// CSR block: host register map, status flags and the 64-bit event counters (hw/mica.json).
// Reads are combinational on csr_addr_i. Reading a counter's low word snapshots its high word,
// which a following read of the high word returns (one snapshot register shared by all counters).
// CTRL.START is ignored while BUSY (units still draining after an error included).
module mica_csr #(
  parameter int unsigned ROWS        = mica_pkg::ROWS_DEFAULT,
  parameter int unsigned COLS        = mica_pkg::COLS_DEFAULT,
  parameter int unsigned ASPAD_DEPTH = mica_pkg::ASPAD_DEPTH_DEFAULT,
  parameter int unsigned WSPAD_DEPTH = mica_pkg::WSPAD_DEPTH_DEFAULT,
  parameter int unsigned ACC_DEPTH   = mica_pkg::ACC_DEPTH_DEFAULT,
  parameter int unsigned PARAM_SETS  = mica_pkg::PARAM_SETS_DEFAULT,
  parameter int unsigned BUS_BYTES   = mica_pkg::BUS_BYTES_DEFAULT,
  parameter int unsigned REQ_LANES   = COLS,   // effective lane count (1..COLS)
  parameter int unsigned ABSENT      = mica_pkg::ABSENT_DEFAULT,
  parameter int unsigned REQ_MUL_CYCLES = 1,
  // Counter width (1..64): a small configuration keeps 32-bit counters that wrap (its high
  // words read 0); 16 x 64 bits is ~1,000 iCE40 logic cells.
  parameter int unsigned CNT_W       = 64,
  // Counters built (bit i = counter i); the others read 0 and cost nothing.
  parameter int unsigned CNT_MASK    = 32'hFFFF_FFFF,
  // External address bits (mica_top ADDR_W): below 32, PROG_ADDR keeps bits [ADDR_W-1:4] and
  // PROG_LEN its low ADDR_W-3 bits, each with one flag for "a higher bit was written", which is
  // all fetch and issue look at (such a program faults as before); they read back that way.
  parameter int unsigned ADDR_W      = 32
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        csr_req_i,
  input  logic        csr_we_i,
  input  logic [11:0] csr_addr_i,
  input  logic [31:0] csr_wdata_i,
  output logic [31:0] csr_rdata_o,
  output logic        irq_o,
  // Control
  output logic        start_o,      // pulse: begin a run
  output logic [31:0] prog_addr_o,
  output logic [31:0] prog_len_o,
  input  logic        busy_i,
  input  logic [31:0] pc_i,
  input  logic        done_i,       // pulse: END retired
  input  logic        err_i,        // pulse: error raised (first one wins)
  input  logic [7:0]  err_code_i,
  input  logic [31:0] err_pc_i,
  // Per-counter increment this cycle, counter i at [32*i +: 32]
  input  logic [32*mica_pkg::NUM_COUNTERS-1:0] cnt_inc_i
);
  localparam int unsigned NumCnt = mica_pkg::NUM_COUNTERS;
  localparam logic [31:0] IdValue = mica_pkg::CSR_ID_VALUE;

  // The CONFIG words, packed from the spec's sub-fields (hw/mica.json csrs[].fields).
  function automatic logic [31:0] csr_field(int unsigned value, int unsigned lsb, int unsigned width);
    csr_field = (32'(value) & ((32'd1 << width) - 32'd1)) << lsb;
  endfunction
  localparam logic [31:0] Config0 =
    csr_field(ROWS, mica_pkg::CONFIG0_ROWS_LSB, mica_pkg::CONFIG0_ROWS_W) |
    csr_field(COLS, mica_pkg::CONFIG0_COLS_LSB, mica_pkg::CONFIG0_COLS_W);
  localparam logic [31:0] Config1 =
    csr_field(ASPAD_DEPTH, mica_pkg::CONFIG1_ASPAD_DEPTH_LSB, mica_pkg::CONFIG1_ASPAD_DEPTH_W) |
    csr_field(WSPAD_DEPTH, mica_pkg::CONFIG1_WSPAD_DEPTH_LSB, mica_pkg::CONFIG1_WSPAD_DEPTH_W);
  localparam logic [31:0] Config2 =
    csr_field(ACC_DEPTH, mica_pkg::CONFIG2_ACC_DEPTH_LSB, mica_pkg::CONFIG2_ACC_DEPTH_W) |
    csr_field(PARAM_SETS, mica_pkg::CONFIG2_PARAM_SETS_LSB, mica_pkg::CONFIG2_PARAM_SETS_W) |
    csr_field(BUS_BYTES, mica_pkg::CONFIG2_BUS_BYTES_LSB, mica_pkg::CONFIG2_BUS_BYTES_W);
  localparam logic [31:0] Config3 =
    csr_field(REQ_LANES, mica_pkg::CONFIG3_REQ_LANES_LSB, mica_pkg::CONFIG3_REQ_LANES_W) |
    csr_field(ABSENT, mica_pkg::CONFIG3_ABSENT_LSB, mica_pkg::CONFIG3_ABSENT_W) |
    csr_field(REQ_MUL_CYCLES, mica_pkg::CONFIG3_REQ_MUL_CYCLES_LSB, mica_pkg::CONFIG3_REQ_MUL_CYCLES_W);

  logic        done_q, error_q;
  logic [7:0]  err_code_q;
  logic [31:0] err_pc_q, prog_addr_q, prog_len_q, hi_snap_q;
  logic        prog_addr_we, prog_len_we;
  logic [CNT_W*NumCnt-1:0] cnt_q;

  logic wr, rd, clear;
  assign wr = csr_req_i & csr_we_i;
  assign rd = csr_req_i & ~csr_we_i;
  assign start_o = wr & (csr_addr_i == mica_pkg::CSR_CTRL) & csr_wdata_i[mica_pkg::CTRL_START_BIT] & ~busy_i;
  assign clear = start_o | (wr & (csr_addr_i == mica_pkg::CSR_CTRL) & csr_wdata_i[mica_pkg::CTRL_CLEAR_BIT]);

  // Counter window decode: low word at base + 8*i, high word at base + 8*i + 4.
  localparam logic [11:0] CntEnd = mica_pkg::CSR_COUNTER_BASE + 12'(8 * NumCnt);
  logic        in_cnt;
  logic [11:0] cnt_off;
  logic [7:0]  cnt_idx;
  // An aligned power-of-two window is a compare of the high address bits (no comparator chain).
  localparam int unsigned WinBytes = 8 * NumCnt;
  localparam int unsigned WinLg    = $clog2(WinBytes);
  localparam bit          Aligned  = (WinBytes == (1 << WinLg)) &&
                                     (32'(mica_pkg::CSR_COUNTER_BASE) % WinBytes == 0);
  assign in_cnt  = Aligned ? (csr_addr_i >> WinLg) == (mica_pkg::CSR_COUNTER_BASE >> WinLg)
                           : (csr_addr_i >= mica_pkg::CSR_COUNTER_BASE) && (csr_addr_i < CntEnd);
  assign cnt_off = csr_addr_i - mica_pkg::CSR_COUNTER_BASE;
  assign cnt_idx = cnt_off[10:3];

  logic [63:0] cnt_sel;
  always_comb begin
    cnt_sel = '0;
    for (int i = 0; i < NumCnt; i++) begin
      if (cnt_idx == 8'(i)) cnt_sel = 64'(cnt_q[CNT_W*i +: CNT_W]);
    end
  end

  always_comb begin
    csr_rdata_o = '0;
    if (in_cnt) begin
      csr_rdata_o = cnt_off[2] ? hi_snap_q : cnt_sel[31:0];
    end else begin
      unique case (csr_addr_i)
        mica_pkg::CSR_ID:        csr_rdata_o = IdValue;
        mica_pkg::CSR_VERSION:   csr_rdata_o = mica_pkg::SPEC_VERSION;
        mica_pkg::CSR_CONFIG0:   csr_rdata_o = Config0;
        mica_pkg::CSR_CONFIG1:   csr_rdata_o = Config1;
        mica_pkg::CSR_CONFIG2:   csr_rdata_o = Config2;
        mica_pkg::CSR_CONFIG3:   csr_rdata_o = Config3;
        mica_pkg::CSR_STATUS: begin
          csr_rdata_o = '0;
          csr_rdata_o[mica_pkg::STATUS_BUSY_BIT]  = busy_i;
          csr_rdata_o[mica_pkg::STATUS_DONE_BIT]  = done_q;
          csr_rdata_o[mica_pkg::STATUS_ERROR_BIT] = error_q;
        end
        mica_pkg::CSR_ERROR:     csr_rdata_o = {24'd0, err_code_q};
        mica_pkg::CSR_ERROR_PC:  csr_rdata_o = err_pc_q;
        mica_pkg::CSR_PROG_ADDR: csr_rdata_o = prog_addr_q;
        mica_pkg::CSR_PROG_LEN:  csr_rdata_o = prog_len_q;
        mica_pkg::CSR_PC:        csr_rdata_o = pc_i;
        default:                 csr_rdata_o = '0;
      endcase
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      done_q      <= 1'b0;
      error_q     <= 1'b0;
      err_code_q  <= mica_pkg::ERR_NONE;
      err_pc_q    <= '0;
      hi_snap_q   <= '0;
    end else begin
      if (rd && in_cnt && !cnt_off[2]) hi_snap_q <= cnt_sel[63:32];
      if (clear) begin
        done_q     <= 1'b0;
        error_q    <= 1'b0;
        err_code_q <= mica_pkg::ERR_NONE;
        err_pc_q   <= '0;
      end else begin
        if (done_i) done_q <= 1'b1;
        if (err_i && !error_q) begin
          error_q    <= 1'b1;
          err_code_q <= err_code_i;
          err_pc_q   <= err_pc_i;
        end
      end
    end
  end

  // Counters: cleared by START, otherwise add this cycle's increments.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cnt_q <= '0;
    end else if (start_o) begin
      cnt_q <= '0;
    end else begin
      for (int i = 0; i < NumCnt; i++) begin
        if (((CNT_MASK >> i) & 1) != 0)
          cnt_q[CNT_W*i +: CNT_W] <= cnt_q[CNT_W*i +: CNT_W] + CNT_W'(cnt_inc_i[32*i +: 32]);
      end
    end
  end

  assign prog_addr_we = wr && csr_addr_i == mica_pkg::CSR_PROG_ADDR;
  assign prog_len_we  = wr && csr_addr_i == mica_pkg::CSR_PROG_LEN;
  if (ADDR_W < 32) begin : g_narrow_prog
    localparam int unsigned LenW = ADDR_W - 3;  // instruction indices fetch can reach, plus one
    logic [ADDR_W-5:0] addr_lo_q;
    logic [LenW-1:0]   len_lo_q;
    logic              addr_hi_q, len_hi_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        addr_lo_q <= '0; addr_hi_q <= 1'b0; len_lo_q <= '0; len_hi_q <= 1'b0;
      end else begin
        if (prog_addr_we) {addr_hi_q, addr_lo_q} <= {|csr_wdata_i[31:ADDR_W], csr_wdata_i[ADDR_W-1:4]};
        if (prog_len_we)  {len_hi_q, len_lo_q} <= {|csr_wdata_i[31:LenW], csr_wdata_i[LenW-1:0]};
      end
    end
    assign prog_addr_q = 32'({addr_hi_q, addr_lo_q, 4'd0});
    assign prog_len_q  = 32'({len_hi_q, len_lo_q});
  end else begin : g_full_prog
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        prog_addr_q <= '0; prog_len_q <= '0;
      end else begin
        if (prog_addr_we) prog_addr_q <= csr_wdata_i;
        if (prog_len_we)  prog_len_q <= csr_wdata_i;
      end
    end
  end
  assign prog_addr_o = prog_addr_q;
  assign prog_len_o  = prog_len_q;
  assign irq_o       = done_q | error_q;
  logic unused_csr;
  assign unused_csr = ^{cnt_off[11], cnt_off[1:0]};
endmodule
