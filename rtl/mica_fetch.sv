// Instruction prefetcher: reads 16-byte instructions from PROG_ADDR into a small queue.
// - Never requests instruction indices >= PROG_LEN, and stops after fetching an END or a beat
//   with a bus error (the error is carried with the instruction and raised only when the issue
//   stage reaches it, so prefetching past the program end never faults by itself).
// - Outstanding requests are bounded by free queue space (queue entries + instructions in
//   flight <= QDEPTH), because responses cannot be back-pressured.
// - START flushes the queue; responses of requests still in flight from the previous run are
//   counted and dropped.
// Wide buses (BUS_BYTES > 16): one beat per instruction, the 16-byte slice is selected.
// The queue shifts toward its head (entry 0) on a pop, so the head needs no read multiplexer;
// beats are written straight into their entry (which is not valid until its last beat).
// ADDR_W < 32 (small board memory): instruction indices and addresses are ADDR_W bits wide; an
// instruction beyond 2^ADDR_W bytes is fetched from 2^32 - BUS_BYTES, outside the memory, so it
// carries a bus error as any address past the memory does.
module mica_fetch #(
  parameter int unsigned BUS_BYTES = mica_pkg::BUS_BYTES_DEFAULT,
  parameter int unsigned QDEPTH    = 8,  // covers the memory latency at 2 beats per instruction
  parameter int unsigned ADDR_W    = 32,
  parameter bit          REQ_REGS  = 1'b0  // registered request enables (see below)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   start_i,
  input  logic                   halt_i,       // stop issuing new requests (not running)
  input  logic [31:0]            prog_addr_i,
  input  logic [31:0]            prog_len_i,
  // Bus (id 0)
  output logic                   req_valid_o,
  input  logic                   req_ready_i,
  output logic [31:0]            req_addr_o,
  input  logic                   rsp_valid_i,
  input  logic [8*BUS_BYTES-1:0] rsp_rdata_i,
  input  logic                   rsp_err_i,
  // Instruction queue head
  output logic                   instr_valid_o,
  output logic [127:0]           instr_o,
  output logic                   instr_err_o,  // bus error while fetching this instruction
  input  logic                   instr_pop_i,
  output logic                   beat_o        // a fetch beat arrived (FETCH_BYTES counter)
);
  localparam int unsigned InstrBytes = mica_pkg::INSTR_BITS / 8;
  localparam int unsigned Beats = (BUS_BYTES >= InstrBytes) ? 1 : InstrBytes / BUS_BYTES;
  localparam int unsigned BeatW = (Beats > 1) ? $clog2(Beats) : 1;
  localparam int unsigned Slices = (BUS_BYTES >= InstrBytes) ? BUS_BYTES / InstrBytes : 1;
  localparam int unsigned SliceW = (Slices > 1) ? $clog2(Slices) : 1;
  localparam int unsigned BeatBits = (BUS_BYTES >= InstrBytes) ? 128 : 8 * BUS_BYTES;
  localparam int unsigned QW = $clog2(QDEPTH);
  localparam int unsigned CntW = QW + 1;
  localparam int unsigned OutW = $clog2(QDEPTH * Beats + 1) + 1;

  // ---------------- request side ----------------
  // Instruction index: IW bits; narrow, one more than a 2^ADDR_W memory holds (it ends there).
  localparam bit Narrow = ADDR_W < 32;
  localparam int unsigned IW = Narrow ? ADDR_W - 3 : 32;
  localparam int unsigned LW = Narrow ? ADDR_W - 4 : 28;   // 16-byte line number bits
  logic [IW-1:0]    rq_idx_q;
  logic [BeatW-1:0] rq_beat_q;
  logic [CntW-1:0]  q_count_q, inflight_q;
  logic             stop_q;  // END or error seen in the fetched stream
  logic [LW-1:0]    rq_line;
  logic             rq_oob, rq_more;
  logic [31:0]      rq_instr_addr;
  logic             req_fire, first_beat_fire;

  // (a wide index is taken mod 2^28 lines, as the 32-bit address wraps)
  assign {rq_oob, rq_line} = (LW+1)'(prog_addr_i[4 +: LW]) + (LW+1)'(rq_idx_q);
  assign rq_instr_addr = (Narrow && (rq_oob || (prog_addr_i >> ADDR_W) != '0)) ? ~32'hF :
                         32'({rq_line, 4'd0});
  logic [IW-1:0]   rq_idx_d;
  logic [CntW-1:0] q_count_d, inflight_d;
  logic            rq_space;
  always_comb begin
    req_addr_o = rq_instr_addr & ~32'(BUS_BYTES - 1);
    if (Beats > 1) req_addr_o = rq_instr_addr + 32'(rq_beat_q) * 32'(BUS_BYTES);
  end
  assign req_valid_o = !halt_i && !stop_q && rq_more && ((rq_beat_q != '0) || rq_space);
  assign req_fire = req_valid_o & req_ready_i;
  assign first_beat_fire = req_fire && rq_beat_q == '0;

  // ---------------- response side ----------------
  logic [OutW-1:0]  outstanding_q, drop_q;
  logic [BeatW-1:0] rs_beat_q;
  logic [IW-1:0]    rs_idx_q;
  logic             asm_err_q, first_end_q, is_end;
  logic             rsp_take, push;
  logic [127:0]     beat_slice;
  logic [SliceW-1:0] slice_sel;

  assign rsp_take = rsp_valid_i && drop_q == '0;
  assign push = rsp_take && (rs_beat_q == BeatW'(Beats - 1));
  assign beat_o = rsp_valid_i;

  if (Beats > 1) begin : g_narrow
    assign slice_sel = '0;
    assign beat_slice = {{(128 - 8 * BUS_BYTES){1'b0}}, rsp_rdata_i};
  end else begin : g_wide
    logic [LW-1:0] rs_line;  // instruction's 16-byte line number
    assign rs_line = prog_addr_i[4 +: LW] + rs_idx_q[LW-1:0];
    assign slice_sel = SliceW'(rs_line & LW'(Slices - 1));  // Slices == 1: always 0
    always_comb begin
      beat_slice = '0;
      for (int s = 0; s < Slices; s++) begin
        if (slice_sel == SliceW'(s)) beat_slice = rsp_rdata_i[128*s +: 128];
      end
    end
    logic unused_line;
    assign unused_line = ^rs_line;
  end
  // END is recognized from the opcode, which the instruction's first beat carries.
  assign is_end = (rs_beat_q == '0)
      ? beat_slice[mica_pkg::F_OPCODE_LSB +: mica_pkg::F_OPCODE_W] == mica_pkg::OP_END
      : first_end_q;

  // ---------------- queue ----------------
  logic [129*QDEPTH-1:0] q_mem_q;
  logic [QW:0]           q_slot;   // entry the instruction being assembled occupies after a pop
  logic                  pop;
  assign pop = instr_pop_i && instr_valid_o;
  assign instr_valid_o = q_count_q != '0;
  assign {instr_err_o, instr_o} = q_mem_q[128:0];
  assign q_slot = (QW+1)'(q_count_q) - (QW+1)'(pop);

  always_comb begin
    rq_idx_d = rq_idx_q;
    q_count_d = q_count_q;
    inflight_d = inflight_q;
    if (start_i) begin
      rq_idx_d = '0;
      q_count_d = '0;
      inflight_d = '0;
    end else begin
      if (req_fire && rq_beat_q == BeatW'(Beats - 1)) rq_idx_d = rq_idx_q + 1'b1;
      q_count_d = q_count_q + CntW'(push) - CntW'(pop);
      inflight_d = inflight_q + CntW'(first_beat_fire) - CntW'(push);
    end
  end

  // REQ_REGS (FPGA timing): the request's enables (index below PROG_LEN, queue space) come from
  // registers computed from the next state, so the request valid the bus arbiter grants on is
  // not behind a 32-bit compare; then it depends on registers only (START is accepted only while
  // not BUSY, so halt_i covers its cycle). A PROG_LEN written mid-run takes effect a cycle later
  // (the issue stage checks PROG_LEN itself; a fetch past it never faults by itself).
  if (REQ_REGS) begin : g_req_regs
    logic rq_more_q, rq_space_q, rq_more_d;
    assign rq_more_d = Narrow ? ((prog_len_i >> IW) != '0 || rq_idx_d < IW'(prog_len_i))
                              : 32'(rq_idx_d) < prog_len_i;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        rq_more_q <= 1'b0;  rq_space_q <= 1'b0;
      end else begin
        rq_more_q <= rq_more_d;
        rq_space_q <= 32'(q_count_d) + 32'(inflight_d) < QDEPTH;
      end
    end
    assign rq_more = rq_more_q;
    assign rq_space = rq_space_q;
  end else begin : g_req_comb
    assign rq_more = !start_i && (Narrow ? ((prog_len_i >> IW) != '0 || rq_idx_q < IW'(prog_len_i))
                                         : 32'(rq_idx_q) < prog_len_i);
    assign rq_space = 32'(q_count_q) + 32'(inflight_q) < QDEPTH;
  end


  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rq_idx_q <= '0;  rq_beat_q <= '0;  stop_q <= 1'b1;
      q_count_q <= '0; inflight_q <= '0;
      rs_beat_q <= '0; rs_idx_q <= '0;   asm_err_q <= 1'b0; first_end_q <= 1'b0;
      outstanding_q <= '0; drop_q <= '0;
    end else begin
      outstanding_q <= outstanding_q + OutW'(req_fire) - OutW'(rsp_valid_i);
      if (start_i) begin
        // Everything in flight belongs to the old run: drop it when it arrives.
        drop_q <= outstanding_q - OutW'(rsp_valid_i);
        rq_beat_q <= '0;  stop_q <= 1'b0;
        rs_beat_q <= '0; rs_idx_q <= '0;   asm_err_q <= 1'b0;
      end else begin
        if (rsp_valid_i && drop_q != '0) drop_q <= drop_q - 1'b1;
        if (req_fire) begin
          if (rq_beat_q == BeatW'(Beats - 1)) begin
            rq_beat_q <= '0;
          end else begin
            rq_beat_q <= rq_beat_q + 1'b1;
          end
        end
        if (rsp_take) begin
          asm_err_q <= push ? 1'b0 : (asm_err_q | rsp_err_i);
          rs_beat_q <= push ? '0 : rs_beat_q + 1'b1;
          if (rs_beat_q == '0) first_end_q <= is_end;
          if (push) rs_idx_q <= rs_idx_q + 1'b1;
        end
        if (push) begin
          // Stop prefetching after END or a faulting fetch: nothing beyond can execute.
          if (asm_err_q || rsp_err_i || is_end) stop_q <= 1'b1;
        end
      end
      rq_idx_q <= rq_idx_d;
      q_count_q <= q_count_d;
      inflight_q <= inflight_d;
    end
  end
  // Queue storage: data only, no reset (an entry is read only after its last beat). A pop moves
  // every entry one toward the head; a beat lands in its instruction's entry after that move.
  // Per-entry, per-beat compares: an indexed part-select write of the whole queue makes Yosys
  // build a queue-wide shifter (thousands of LUTs on an iCE40).
  logic [129*QDEPTH-1:0] q_shifted;   // entry i + 1 at entry i
  assign q_shifted = q_mem_q >> 129;
  always_ff @(posedge clk_i) begin
    for (int i = 0; i < QDEPTH; i++) begin
      // (the last entry takes nothing on a pop: it is empty after one, its old bits unread)
      if (pop && i + 1 < QDEPTH) q_mem_q[129*i +: 129] <= q_shifted[129*i +: 129];
      for (int b = 0; b < Beats; b++) begin
        if (!start_i && rsp_take && q_slot == (QW+1)'(i) && rs_beat_q == BeatW'(b))
          q_mem_q[129*i + BeatBits*b +: BeatBits] <= beat_slice[BeatBits-1:0];
      end
      if (!start_i && push && q_slot == (QW+1)'(i)) q_mem_q[129*i + 128] <= asm_err_q | rsp_err_i;
    end
  end
  // PROG_ADDR is 16-byte aligned by definition; its low bits are ignored.
  logic unused_fetch;
  assign unused_fetch = ^{prog_addr_i[3:0], rs_idx_q, slice_sel, rq_oob, beat_slice};
endmodule
