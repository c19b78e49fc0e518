// Link bridge: executes the frame the deframer holds (hw/link.json commands) against the
// accelerator's CSR port and the board memory, and sends one reply through the framer. One frame
// at a time; the frame is released when its reply has been handed to the line. A CSR_WRITE,
// MEM_WRITE or RESET whose seq and cmd equal the previous request's is a retransmission after a
// lost reply: its recorded reply (empty or NAK) is sent again without executing it. Reads, PING,
// WAIT and STATS are idempotent and simply run again.
module mica_link_bridge #(
  parameter int unsigned MEM_BYTES    = 131072,
  parameter int unsigned CLK_HZ       = 12000000,
  parameter int unsigned RESET_CYCLES = 4,  // accelerator reset pulse (drains a memory response)
  // STATS words 2..7 (the link's frame, drop and UART error counters): 1 = sent, 0 = read 0 (a
  // small FPGA keeps only the cycle count; the unread counters are then optimised away).
  parameter bit          STATS_LINK   = 1'b1,
  // 0: no STATS command (NAK BAD_CMD, as a bitstream from before STATS; the host then times in
  // wall time): cycles_i is not read, so the link's cycle counter is optimised away.
  parameter bit          STATS_CMD    = 1'b1,
  // 1 (FPGA timing): the request's checks (NAK status, retransmission) are registered in a Check
  // state before Decide, so the deframer's fields, the range checks and the reply set-up are not
  // one path (one cycle more per request); and mem_hold_o covers the whole memory command, so the
  // accelerator's memory port does not wait on this bridge's byte-by-byte decisions.
  parameter bit          PIPE         = 1'b0
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // Deframer: the held request
  input  logic        frame_valid_i,
  input  logic [7:0]  seq_i,
  input  logic [7:0]  cmd_i,
  input  logic [15:0] len_i,
  output logic [$clog2(mica_link_pkg::LINK_MAX_PAYLOAD)-1:0] rd_idx_o,
  input  logic [7:0]  rd_data_i,
  output logic        release_o,
  // Framer: the reply
  output logic        tx_start_o,
  output logic [7:0]  tx_seq_o,
  output logic [7:0]  tx_cmd_o,
  output logic [15:0] tx_len_o,
  input  logic        tx_done_i,
  output logic        pl_valid_o,
  output logic [7:0]  pl_data_o,
  input  logic        pl_ready_i,
  // Accelerator CSR port (csr_rdata_i is combinational on csr_addr_o)
  output logic        csr_req_o,
  output logic        csr_we_o,
  output logic [11:0] csr_addr_o,
  output logic [31:0] csr_wdata_o,
  input  logic [31:0] csr_rdata_i,
  // Board memory byte port (read data the cycle after the request)
  output logic        mem_req_o,
  output logic        mem_we_o,
  output logic [31:0] mem_addr_o,
  output logic [7:0]  mem_wdata_o,
  input  logic [7:0]  mem_rdata_i,
  // High in every cycle mem_req_o may be (mica_board_mem holds the accelerator's port off with
  // it): mem_req_o itself, or (PIPE) the whole MEM_WRITE / MEM_READ, from state registers.
  output logic        mem_hold_o,
  // STATS: the device's cycle count and the link's counters (zero-extended to 32 bits)
  input  logic [63:0] cycles_i,
  input  logic [31:0] frames_ok_i,
  input  logic [31:0] bad_fcs_i,
  input  logic [31:0] bad_length_i,
  input  logic [31:0] too_long_i,
  input  logic [31:0] aborted_i,
  input  logic [31:0] uart_errors_i,
  // Accelerator reset (active high, registered) and STATUS as last seen while idle (LEDs)
  output logic        acc_reset_o,
  output logic [31:0] status_o
);
  localparam int unsigned PIW      = $clog2(mica_link_pkg::LINK_MAX_PAYLOAD);
  localparam int unsigned KW       = $clog2(mica_link_pkg::LINK_MAX_PAYLOAD + 1);
  localparam int unsigned MaxPl    = mica_link_pkg::LINK_MAX_PAYLOAD;
  localparam int unsigned ArgBytes = 6;   // the longest fixed request part (u32 + u16)
  localparam int unsigned LinkMemWrArg = mica_link_pkg::LINK_MEM_WRITE_REQ_BYTES;
  localparam int unsigned CsrEnd   = 32'(mica_pkg::CSR_COUNTER_BASE) + 8 * mica_pkg::NUM_COUNTERS;
  localparam int unsigned MAW      = $clog2(MEM_BYTES);            // memory byte address bits
  localparam int unsigned AQW      = (MAW > 12) ? MAW : 12;        // address register
  localparam int unsigned RcW      = $clog2(RESET_CYCLES + 1);
  localparam logic [7:0]  ReplyBit = 8'(mica_link_pkg::LINK_REPLY_BIT);
  localparam logic [7:0]  Nak      = 8'(mica_link_pkg::LINK_NAK);
  // PING reply, little-endian: u16 version, u16 max payload, u32 memory bytes, u32 clock Hz.
  localparam logic [31:0] PingWord0 = (32'(MaxPl) << 16) | 32'(mica_link_pkg::LINK_VERSION);
  localparam logic [31:0] PingWord1 = 32'(MEM_BYTES);
  localparam logic [31:0] PingWord2 = 32'(CLK_HZ);
  localparam int unsigned PingBytes = 12;
  localparam int unsigned StatsBytes = 32;   // u32 x 8
  // STATUS bits kept (the defined ones: BUSY, DONE, ERROR); the rest of the word reads 0.
  localparam int unsigned StW = 3;

  typedef enum logic [3:0] {Idle, Args, Check, Decide, CsrWr, MemWr, Wait, Reset, Reply, Send} state_e;
  // Where reply payload bytes come from: 32-bit words sent LSB first, or the memory.
  typedef enum logic [2:0] {SrcCsr, SrcPing, SrcWait, SrcNak, SrcMem, SrcStats} src_e;
  // PhFetch: read the CSR word / memory byte; PhValid: offer the byte (the memory's read data
  // and word_q hold still until the next fetch).
  typedef enum logic {PhFetch, PhValid} phase_e;

  state_e         state_d, state_q;
  src_e           src_d, src_q;
  phase_e         ph_d, ph_q;
  logic [47:0]    arg_d, arg_q;      // request bytes 0..5, byte 0 in [7:0]
  logic [AQW-1:0] addr_d, addr_q;    // memory or CSR address of the next access
  // Byte index: of the request payload while reading it (its arguments, MEM_WRITE's data),
  // then of the reply payload. The deframer's read index is always this counter.
  logic [KW-1:0]  k_d, k_q;
  logic [31:0]    cnt_q;             // WAIT cycles
  logic [RcW-1:0] rc_d, rc_q;        // RESET cycles left
  logic [7:0]     rep_cmd_d, rep_cmd_q, nak_d, nak_q;
  logic [KW-1:0]  rep_len_d, rep_len_q;
  logic [31:0]    word_d, word_q;    // reply word being sent, next byte in [7:0]
  logic [StW-1:0] status_d, status_q;
  logic           acc_reset_q;
  logic [31:0]    cyc_hi_q;          // STATS: the cycle count's high word, taken with the low
  // The last request and its reply (retransmissions)
  logic           last_valid_q, last_len_q;
  logic [7:0]     last_seq_q, last_req_q, last_rep_cmd_q, last_nak_q;

  // Request fields
  logic [15:0] a_csr, a_rdlen;
  logic [31:0] a_mem, a_val, a_max;
  logic [7:0]  a_count;
  assign a_csr   = arg_q[15:0];
  assign a_count = arg_q[23:16];
  assign a_val   = arg_q[47:16];
  assign a_mem   = arg_q[31:0];
  assign a_max   = arg_q[31:0];      // WAIT's max cycles
  assign a_rdlen = arg_q[47:32];

  // STATUS as the CSR port showed it last cycle (the port reads STATUS outside CSR operations).
  // A register, so the accelerator's busy logic and the CSR read multiplexer do not run into
  // this bridge's decisions in the same cycle (the iCE40's longest path); one cycle late is
  // harmless: only this bridge starts the accelerator, long before the next request is decided.
  logic [StW-1:0] status_now;
  logic           status_on_port;
  assign status_on_port = !(state_q == CsrWr || (state_q == Send && src_q == SrcCsr));
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) status_now <= '0;
    else if (status_on_port) status_now <= csr_rdata_i[StW-1:0];
  end
  logic busy, resend, wr_cmd;
  assign busy   = status_now[mica_pkg::STATUS_BUSY_BIT];
  assign wr_cmd = cmd_i == mica_link_pkg::LINK_CMD_CSR_WRITE ||
                  cmd_i == mica_link_pkg::LINK_CMD_MEM_WRITE ||
                  cmd_i == mica_link_pkg::LINK_CMD_RESET;
  assign resend = last_valid_q && wr_cmd && seq_i == last_seq_q && cmd_i == last_req_q;

  // Range checks (the byte count is only trusted once the length checks, which come first, have
  // passed, so KW bits of it suffice). One adder serves both memory commands; CSRs are checked
  // in words.
  localparam int unsigned CsrWords = CsrEnd / 4;
  // x <= c for a constant c, as logic from the low bit up (Yosys makes a carry chain of a
  // comparison; against a constant, a few LUTs do).
  function automatic logic le_const(logic [31:0] x, logic [31:0] c);
    le_const = 1'b1;
    for (int i = 0; i < 32; i++) le_const = c[i] ? (!x[i] || le_const) : (!x[i] && le_const);
  endfunction
  logic [KW-1:0]  mem_n, wr_bytes;
  logic [MAW+1:0] mem_end;
  logic [10:0]    csr_end;
  logic           mem_ok, csr_rd_ok, csr_wr_ok, csr_aligned;
  assign wr_bytes    = KW'(len_i - 16'(mica_link_pkg::LINK_MEM_WRITE_REQ_BYTES));
  assign mem_n       = (cmd_i == mica_link_pkg::LINK_CMD_MEM_WRITE) ? wr_bytes : KW'(a_rdlen);
  assign mem_end     = (MAW+2)'(a_mem[MAW:0]) + (MAW+2)'(mem_n);
  assign mem_ok      = (a_mem >> (MAW + 1)) == '0 && le_const(32'(mem_end), MEM_BYTES);
  assign csr_aligned = a_csr[15:12] == '0 && a_csr[1:0] == '0;
  assign csr_end     = 11'(a_csr[11:2]) + 11'(a_count);
  assign csr_rd_ok   = csr_aligned && le_const(32'(csr_end), CsrWords);
  assign csr_wr_ok   = csr_aligned && le_const(32'(a_csr[11:2]), CsrWords - 1);

  // The decision on a request: a NAK status (OK = execute it). Checks in the order BAD_CMD,
  // BAD_LEN, BAD_ADDR, BUSY.
  logic [2:0] exp_len;     // the request's payload length (MEM_WRITE: its minimum)
  logic       known, len_exact, len_ok, addr_ok, is_mem;
  always_comb begin
    known     = 1'b1;
    len_exact = 1'b1;
    exp_len   = '0;
    len_ok    = 1'b1;
    addr_ok   = 1'b1;
    is_mem    = 1'b0;
    unique case (cmd_i)
      mica_link_pkg::LINK_CMD_PING, mica_link_pkg::LINK_CMD_RESET: ;
      mica_link_pkg::LINK_CMD_STATS: known = STATS_CMD;
      mica_link_pkg::LINK_CMD_CSR_READ: begin
        exp_len = 3'(mica_link_pkg::LINK_CSR_READ_REQ_BYTES);
        len_ok  = a_count != '0 && le_const(32'(a_count), mica_link_pkg::LINK_MAX_CSR_READ);
        addr_ok = csr_rd_ok;
      end
      mica_link_pkg::LINK_CMD_CSR_WRITE: begin
        exp_len = 3'(mica_link_pkg::LINK_CSR_WRITE_REQ_BYTES);
        addr_ok = csr_wr_ok;
      end
      mica_link_pkg::LINK_CMD_MEM_WRITE: begin
        exp_len   = 3'(mica_link_pkg::LINK_MEM_WRITE_REQ_BYTES);
        len_exact = 1'b0;
        addr_ok   = mem_ok;
        is_mem    = 1'b1;
      end
      mica_link_pkg::LINK_CMD_MEM_READ: begin
        exp_len = 3'(mica_link_pkg::LINK_MEM_READ_REQ_BYTES);
        len_ok  = le_const(32'(a_rdlen), MaxPl);
        addr_ok = mem_ok;
        is_mem  = 1'b1;
      end
      mica_link_pkg::LINK_CMD_WAIT: exp_len = 3'(mica_link_pkg::LINK_WAIT_REQ_BYTES);
      default: known = 1'b0;
    endcase
  end

  // The one inexact length, MEM_WRITE's: at least its address.
  logic len_ge_arg;
  assign len_ge_arg = !le_const(32'(len_i), LinkMemWrArg - 1);

  logic [7:0] nak_st;
  always_comb begin
    if (!known)                                      nak_st = mica_link_pkg::LINK_ST_BAD_CMD;
    else if (!(len_exact ? len_i == 16'(exp_len) : len_ge_arg) || !len_ok)
                                                     nak_st = mica_link_pkg::LINK_ST_BAD_LEN;
    else if (!addr_ok)                               nak_st = mica_link_pkg::LINK_ST_BAD_ADDR;
    else if (is_mem && busy)                         nak_st = mica_link_pkg::LINK_ST_BUSY;
    else                                             nak_st = mica_link_pkg::LINK_ST_OK;
  end

  // What Decide acts on: the checks as they are, or (PIPE) as registered in Check.
  logic [7:0] nak_dec;
  logic       resend_dec;
  if (PIPE) begin : g_decide_reg
    logic [7:0] nak_q2;
    logic       resend_q2;
    always_ff @(posedge clk_i) begin
      if (state_q == Check) begin
        nak_q2    <= nak_st;
        resend_q2 <= resend;
      end
    end
    assign {nak_dec, resend_dec} = {nak_q2, resend_q2};
  end else begin : g_decide_now
    assign {nak_dec, resend_dec} = {nak_st, resend};
  end

  logic        wait_over;
  assign wait_over  = status_now[mica_pkg::STATUS_DONE_BIT] ||
                      status_now[mica_pkg::STATUS_ERROR_BIT] || cnt_q == a_max;

  // Reply payload: the word that starts at byte k_q (k_q a multiple of 4).
  logic [31:0] load_word;
  always_comb begin
    unique case (src_q)
      SrcCsr:  load_word = csr_rdata_i;
      SrcPing: load_word = k_q[3] ? PingWord2 : k_q[2] ? PingWord1 : PingWord0;
      SrcWait: load_word = k_q[2] ? cnt_q : 32'(status_q);
      SrcStats: begin
        load_word = '0;
        if (!STATS_CMD) load_word = '0;
        else if (k_q[4:3] == 2'd0) load_word = k_q[2] ? cyc_hi_q : cycles_i[31:0];
        else if (STATS_LINK) unique case (k_q[4:2])
          3'd2:    load_word = frames_ok_i;
          3'd3:    load_word = bad_fcs_i;
          3'd4:    load_word = bad_length_i;
          3'd5:    load_word = too_long_i;
          3'd6:    load_word = aborted_i;
          default: load_word = uart_errors_i;
        endcase
      end
      default: load_word = 32'(nak_q);
    endcase
  end

  // The one address incrementer: the next CSR word, or the next memory byte.
  logic [AQW-1:0] addr_next;
  assign addr_next = addr_q + ((src_q == SrcCsr) ? AQW'(4) : AQW'(1));

  logic fetch;
  assign fetch = state_q == Send && ph_q == PhFetch && k_q != rep_len_q;

  // CSR port, memory port, deframer index
  always_comb begin
    csr_req_o   = 1'b0;
    csr_we_o    = 1'b0;
    csr_addr_o  = mica_pkg::CSR_STATUS;
    csr_wdata_o = a_val;
    mem_req_o   = 1'b0;
    mem_we_o    = 1'b0;
    mem_addr_o  = 32'(addr_q);
    mem_wdata_o = rd_data_i;
    rd_idx_o    = PIW'(k_q);
    unique case (state_q)
      CsrWr: begin
        csr_req_o  = 1'b1;
        csr_we_o   = 1'b1;
        csr_addr_o = addr_q[11:0];
      end
      MemWr: begin   // reads payload byte k_q, writes byte k_q - 1 (read the cycle before)
        mem_req_o = k_q != KW'(LinkMemWrArg);
        mem_we_o  = mem_req_o;   // a write strobe on its own: the memory's write enable is
      end                        // then not behind MEM_READ's fetch decision
      Send: if (src_q == SrcCsr) begin
        csr_addr_o = addr_q[11:0];
        csr_req_o  = fetch && k_q[1:0] == 2'd0;
      end else begin
        mem_req_o = fetch && src_q == SrcMem;
      end
      default: ;
    endcase
  end

  always_comb begin
    state_d = state_q; src_d = src_q; ph_d = ph_q; arg_d = arg_q;
    addr_d = addr_q; k_d = k_q; rc_d = rc_q; nak_d = nak_q;
    rep_cmd_d = rep_cmd_q; rep_len_d = rep_len_q; word_d = word_q;
    status_d = status_q;
    tx_start_o = 1'b0;
    release_o  = 1'b0;
    unique case (state_q)
      Idle: begin
        status_d = status_now;
        k_d      = '0;
        if (frame_valid_i) state_d = Args;
      end
      Args: begin
        // rd_idx_o = k_q; its byte arrives the cycle after
        if (k_q != '0) arg_d = {rd_data_i, arg_q[47:8]};
        k_d = k_q + 1'b1;
        if (k_q == KW'(ArgBytes)) state_d = PIPE ? Check : Decide;
      end
      Check: state_d = Decide;   // (PIPE) nak_dec and resend_dec registered
      Decide: begin
        k_d       = KW'(LinkMemWrArg);   // MEM_WRITE's data starts there (only MemWr uses k_d)
        src_d     = SrcNak;
        rep_cmd_d = cmd_i | ReplyBit;
        rep_len_d = '0;
        state_d   = Reply;
        if (resend_dec) begin
          rep_cmd_d = last_rep_cmd_q;
          rep_len_d = KW'(last_len_q);
          nak_d     = last_nak_q;
        end else if (nak_dec != mica_link_pkg::LINK_ST_OK) begin
          rep_cmd_d = Nak;
          rep_len_d = KW'(1);
          nak_d     = nak_dec;
        end else begin
          unique case (cmd_i)
            mica_link_pkg::LINK_CMD_PING: begin
              src_d     = SrcPing;
              rep_len_d = KW'(PingBytes);
            end
            mica_link_pkg::LINK_CMD_STATS: begin
              src_d     = SrcStats;
              rep_len_d = KW'(StatsBytes);
            end
            mica_link_pkg::LINK_CMD_CSR_READ: begin
              src_d     = SrcCsr;
              addr_d    = AQW'(a_csr[11:0]);
              rep_len_d = KW'({a_count, 2'b00});
            end
            mica_link_pkg::LINK_CMD_CSR_WRITE: begin
              addr_d  = AQW'(a_csr[11:0]);
              state_d = CsrWr;
            end
            mica_link_pkg::LINK_CMD_MEM_WRITE: begin
              addr_d  = AQW'(a_mem[MAW-1:0]);
              state_d = MemWr;
            end
            mica_link_pkg::LINK_CMD_MEM_READ: begin
              src_d     = SrcMem;
              addr_d    = AQW'(a_mem[MAW-1:0]);
              rep_len_d = KW'(a_rdlen);
            end
            mica_link_pkg::LINK_CMD_WAIT: begin
              src_d   = SrcWait;
              state_d = Wait;
            end
            default: begin   // RESET (nak_st rejected everything else)
              rc_d    = RcW'(RESET_CYCLES);
              state_d = Reset;
            end
          endcase
        end
      end
      CsrWr: state_d = Reply;
      MemWr: begin
        if (k_q != KW'(LinkMemWrArg)) addr_d = addr_next;
        if (k_q == KW'(len_i)) state_d = Reply;   // len_i <= MAX_PAYLOAD (the deframer's check)
        else k_d = k_q + 1'b1;
      end
      Wait: begin
        if (wait_over) begin
          status_d  = status_now;
          rep_len_d = KW'(8);
          state_d   = Reply;
        end
      end
      Reset: begin
        rc_d = rc_q - 1'b1;
        if (rc_q == RcW'(1)) state_d = Reply;
      end
      Reply: begin
        tx_start_o = 1'b1;
        k_d        = '0;
        ph_d       = PhFetch;
        state_d    = Send;
      end
      Send: begin
        unique case (ph_q)
          PhFetch: if (fetch) begin
            if (src_q == SrcMem) begin
              addr_d = addr_next;
            end else if (k_q[1:0] == 2'd0) begin
              word_d = load_word;
              if (src_q == SrcCsr) addr_d = addr_next;
            end
            ph_d = PhValid;
          end
          default: if (pl_ready_i) begin
            k_d    = k_q + 1'b1;
            word_d = word_q >> 8;
            ph_d   = PhFetch;
          end
        endcase
        if (tx_done_i) begin
          release_o = 1'b1;
          state_d   = Idle;
        end
      end
      default: state_d = Idle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= Idle; src_q <= SrcNak; ph_q <= PhFetch; arg_q <= '0;
      addr_q <= '0; k_q <= '0; rc_q <= '0; nak_q <= '0;
      rep_cmd_q <= '0; rep_len_q <= '0; word_q <= '0; status_q <= '0;
      acc_reset_q <= 1'b0;
      last_valid_q <= 1'b0; last_seq_q <= '0; last_req_q <= '0; last_rep_cmd_q <= '0;
      last_nak_q <= '0; last_len_q <= 1'b0;
    end else begin
      state_q <= state_d; src_q <= src_d; ph_q <= ph_d; arg_q <= arg_d;
      addr_q <= addr_d; k_q <= k_d; rc_q <= rc_d; nak_q <= nak_d;
      rep_cmd_q <= rep_cmd_d; rep_len_q <= rep_len_d; word_q <= word_d;
      status_q <= status_d;
      acc_reset_q <= state_d == Reset;   // a register: it drives an asynchronous reset
      if (state_q == Decide) begin
        // Recorded when decided: only empty and one-byte (NAK) replies are ever resent.
        last_valid_q   <= 1'b1;
        last_seq_q     <= seq_i;
        last_req_q     <= cmd_i;
        last_rep_cmd_q <= rep_cmd_d;
        last_len_q     <= rep_len_d[0];
        last_nak_q     <= nak_d;
      end
    end
  end

  // WAIT's cycle counter on its own: a clear and an enable, nothing else (small on FPGAs).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)                              cnt_q <= '0;
    else if (state_q == Decide)               cnt_q <= '0;
    else if (state_q == Wait && !wait_over)   cnt_q <= cnt_q + 1'b1;
  end

  // The high word of the cycle count as it was when the low word was taken.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) cyc_hi_q <= '0;
    else if (STATS_CMD && src_q == SrcStats && fetch && k_q == '0) cyc_hi_q <= cycles_i[63:32];
  end

  assign mem_hold_o  = PIPE ? (state_q == MemWr || (state_q == Send && src_q == SrcMem)) : mem_req_o;
  assign tx_seq_o    = seq_i;
  assign tx_cmd_o    = rep_cmd_q;
  assign tx_len_o    = 16'(rep_len_q);
  assign pl_valid_o  = state_q == Send && ph_q == PhValid;
  assign pl_data_o   = (src_q == SrcMem) ? mem_rdata_i : word_q[7:0];
  assign acc_reset_o = acc_reset_q;
  assign status_o    = 32'(status_q);

endmodule
