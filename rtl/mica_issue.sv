// In-order issue stage: decode, wait-mask check, unit start pulses, END/SYNC, error handling.
// - An instruction issues when its unit is idle and every unit in its wait mask is idle; MATMUL
//   also needs WEIGHT idle; END needs all units idle. At most one instruction per cycle.
// - MATMUL is pipelined: instead of ARRAY idle it needs array_accept_i (the ARRAY unit takes a
//   new MATMUL while earlier ones drain). An ARRAY wait bit (on any instruction, a MATMUL
//   included) still waits until every earlier MATMUL has written its last ACC row.
// - Static errors (mica_decode), fetch bus errors and PROG_END are raised only once all units
//   are idle, so every earlier instruction has completed and the first error in program order
//   wins (a unit's bus error is raised immediately with that unit's instruction index).
// - After an error, issue stops and abort_o tells the DMA units to drain and stop.
// - STORE target ASPAD (feature STORE_ASPAD) shares the ASPAD write port with LOAD: it waits while
//   a LOAD with target ASPAD runs (load_aspad_i; a LOAD into WSPAD or PARAM goes on beside it),
//   and a LOAD with target ASPAD waits while such a STORE runs (store_aspad_i). Structural only:
//   data hazards on the rows are the program's wait masks.
// - ISSUE_PIPE = 1 (FPGA timing): two registered stages between the fetch queue head and issue.
//   P holds the instruction with its area products and the feeder's row offset (mica_decode's PIPE
//   register), D holds it with
//   its static-error code, so neither the multipliers nor the range checks are on the issue
//   decision's path into the queue pop. Both advance in the cycle D's instruction issues (one
//   instruction per cycle still); an instruction reaches issue two cycles after it reaches the
//   queue head. The units read instr_o.
// - ISSUE_PIPE = 2 (iCEBreaker timing, a few flip-flops): only the queue head's static-error code
//   is registered (and mica_top takes the fetch's request enables from registers, as for 1), so the range checks' carry chains are off the issue decision's path. The
//   register holds the head's code from the head's second cycle on: an instruction issues at the
//   earliest one cycle after it reaches the head (at most one instruction every two cycles).
module mica_issue #(
  parameter int unsigned ROWS        = mica_pkg::ROWS_DEFAULT,
  parameter int unsigned COLS        = mica_pkg::COLS_DEFAULT,
  parameter int unsigned ASPAD_DEPTH = mica_pkg::ASPAD_DEPTH_DEFAULT,
  parameter int unsigned WSPAD_DEPTH = mica_pkg::WSPAD_DEPTH_DEFAULT,
  parameter int unsigned ACC_DEPTH   = mica_pkg::ACC_DEPTH_DEFAULT,
  parameter int unsigned PARAM_SETS  = mica_pkg::PARAM_SETS_DEFAULT,
  parameter int unsigned ABSENT      = mica_pkg::ABSENT_DEFAULT,
  // Program counter bits: 32, or fewer when fetch cannot reach 2^PC_W - 1 instructions (ADDR_W)
  parameter int unsigned PC_W        = 32,
  parameter int unsigned ISSUE_PIPE  = 0,  // 1: registered decode stages, 2: registered error (above)
  localparam int unsigned RowOffW    = ($clog2(ASPAD_DEPTH) > 16) ? $clog2(ASPAD_DEPTH) : 16
) (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic         start_i,
  input  logic [31:0]  prog_len_i,
  // Instruction queue head
  input  logic         instr_valid_i,
  input  logic [127:0] instr_i,
  input  logic         instr_err_i,
  output logic         instr_pop_o,
  output logic [127:0] instr_o,             // the instruction issuing (read by the units)
  output logic [RowOffW-1:0] row_off_o,   // its off_y * in_w (mica_decode), for the feeder
  // Units, indexed by mica_pkg::UNIT_*
  input  logic [3:0]   unit_busy_i,
  input  logic         array_accept_i,
  input  logic         array_dw_accept_i,   // DWCONV: array_accept_i and no MATMUL in flight
  output logic [3:0]   unit_start_o,
  input  logic         load_bus_err_i,
  input  logic         store_bus_err_i,
  input  logic         store_aspad_i,       // STORE unit running a target-ASPAD STORE
  input  logic         load_aspad_i,        // LOAD unit running a target-ASPAD LOAD
  output logic         abort_o,
  // Status
  output logic         running_o,
  output logic [31:0]  pc_o,
  output logic         done_o,
  output logic         err_o,
  output logic [7:0]   err_code_o,
  output logic [31:0]  err_pc_o,
  // Counter events
  output logic         issued_o,
  output logic         stall_dep_o,
  output logic         stall_fetch_o
);
  logic        running_q, aborted_q;
  logic [PC_W-1:0] pc_q, load_pc_q, store_pc_q;
  logic            store_newer_q;   // the last LOAD/STORE issued was a STORE (load_pc_q < store_pc_q)
  logic [7:0]   dec_err;
  logic [127:0] dec_instr;
  logic [RowOffW-1:0] dec_row_off;
  logic         dec_advance;

  mica_decode #(
    .ROWS(ROWS), .COLS(COLS), .ASPAD_DEPTH(ASPAD_DEPTH), .WSPAD_DEPTH(WSPAD_DEPTH),
    .ACC_DEPTH(ACC_DEPTH), .PARAM_SETS(PARAM_SETS), .ABSENT(ABSENT), .PIPE(ISSUE_PIPE == 1)
  ) u_decode (
    .clk_i    (clk_i),
    .advance_i(dec_advance),
    .instr_i  (instr_i),
    .instr_o  (dec_instr),
    .row_off_o(dec_row_off),
    .err_o    (dec_err)
  );

  // The instruction the issue decision looks at: the queue head itself, or (ISSUE_PIPE) stage D,
  // filled from stage P (mica_decode's register), which is filled from the queue head.
  // consume: the instruction leaves (fire, but a GEMV only with its last operation: op_last).
  logic         cur_valid, cur_present, cur_err, fire, consume;   // present: at the head, maybe not ready
  logic         gemv_cur, op_last;
  logic [127:0] cur;
  logic [7:0]   static_err;
  if (ISSUE_PIPE == 1) begin : g_pipe
    logic         p_valid_q, p_err_q, valid_q, err_q;
    logic [127:0] instr_q;
    logic [RowOffW-1:0] row_off_q;
    logic [7:0]   static_err_q;
    logic         load_p, load_d;
    assign load_d = running_q && p_valid_q && (!valid_q || fire);
    assign load_p = running_q && instr_valid_i && (!p_valid_q || load_d);
    assign instr_pop_o = load_p;
    assign dec_advance = load_p;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        p_valid_q <= 1'b0;
        valid_q <= 1'b0;
      end else if (start_i) begin
        p_valid_q <= 1'b0;
        valid_q <= 1'b0;
      end else begin
        if (load_p) p_valid_q <= 1'b1;
        else if (load_d || !running_q) p_valid_q <= 1'b0;
        if (load_d) valid_q <= 1'b1;
        else if (fire || !running_q) valid_q <= 1'b0;
      end
    end
    always_ff @(posedge clk_i) begin
      if (load_p) p_err_q <= instr_err_i;
      if (load_d) begin
        instr_q <= dec_instr;
        row_off_q <= dec_row_off;
        err_q <= p_err_q;
        static_err_q <= dec_err;
      end
    end
    assign {cur_valid, cur, cur_err, static_err} = {valid_q, instr_q, err_q, static_err_q};
    assign cur_present = cur_valid;
    assign row_off_o = row_off_q;
  end else if (ISSUE_PIPE == 2) begin : g_err_reg
    // err_ok_q: the head now was the head (unpopped) last cycle, so static_err_q is its code.
    logic       err_ok_q;
    logic [7:0] static_err_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) err_ok_q <= 1'b0;
      else err_ok_q <= !start_i && instr_valid_i && !fire;
    end
    always_ff @(posedge clk_i) static_err_q <= dec_err;
    assign instr_pop_o = fire;
    assign dec_advance = 1'b0;
    assign {cur_valid, cur, cur_err, static_err} = {instr_valid_i && err_ok_q, dec_instr,
                                                    instr_err_i, static_err_q};
    assign cur_present = instr_valid_i;
    assign row_off_o = dec_row_off;
  end else begin : g_direct
    assign instr_pop_o = consume;
    assign dec_advance = 1'b0;
    assign {cur_valid, cur, cur_err, static_err} = {instr_valid_i, dec_instr, instr_err_i, dec_err};
    assign row_off_o = gemv_cur ? '0 : dec_row_off;   // a GEMV's MATMULs have off_y 0
    assign cur_present = cur_valid;
  end
  assign consume = fire && op_last;

  // GEMV (feature GEMV, hw/mica.json): the instruction stays at the head while its operations
  // issue, a LOADW then a MATMUL per fold, built here from its fields; only the last one pops
  // it and advances the PC. Its static checks (mica_decode) cover every operation's ranges.
  localparam bit HasGemv = ((ABSENT >> mica_pkg::FEATURE_GEMV) & 1) == 0;
  logic [127:0] op;   // the operation issuing: cur, or a GEMV's LOADW or MATMUL
  if (HasGemv) begin : g_gemv
    if (ISSUE_PIPE != 0) begin : g_pipe_unsupported
      $error("mica_issue: feature GEMV needs ISSUE_PIPE 0");
    end
    logic mm_q;   // the fold's MATMUL is next (else its LOADW)
    logic [mica_pkg::GEMV_FOLDS_W-1:0]  fold_q, folds;
    logic [mica_pkg::GEMV_PIXELS_W-1:0] pixels;
    logic [15:0] wsp_off_q, asp_off_q;   // fold_q * ROWS, fold_q * pixels
    assign gemv_cur = cur[mica_pkg::F_OPCODE_LSB +: mica_pkg::F_OPCODE_W] == mica_pkg::OP_GEMV;
    assign folds    = cur[mica_pkg::GEMV_FOLDS_LSB +: mica_pkg::GEMV_FOLDS_W];
    assign pixels   = cur[mica_pkg::GEMV_PIXELS_LSB +: mica_pkg::GEMV_PIXELS_W];
    assign op_last  = !gemv_cur || (mm_q && fold_q == folds - 1'b1);
    always_comb begin
      op = '0;
      if (!gemv_cur) op = cur;
      else if (!mm_q) begin
        op[mica_pkg::F_OPCODE_LSB +: mica_pkg::F_OPCODE_W] = mica_pkg::OP_LOADW;
        op[mica_pkg::F_WAIT_LSB +: mica_pkg::F_WAIT_W] =
            fold_q == '0 ? cur[mica_pkg::F_WAIT_LSB +: mica_pkg::F_WAIT_W] : '0;
        op[mica_pkg::LOADW_VECTOR_LSB +: mica_pkg::LOADW_VECTOR_W] = mica_pkg::LOADW_VECTOR_TILE;
        op[mica_pkg::LOADW_WSPAD_ADDR_LSB +: mica_pkg::LOADW_WSPAD_ADDR_W] =
            cur[mica_pkg::GEMV_WSPAD_ADDR_LSB +: mica_pkg::GEMV_WSPAD_ADDR_W] + wsp_off_q;
      end else begin
        op[mica_pkg::F_OPCODE_LSB +: mica_pkg::F_OPCODE_W] = mica_pkg::OP_MATMUL;
        op[mica_pkg::MATMUL_ACCUMULATE_LSB] = cur[mica_pkg::GEMV_ACCUMULATE_LSB] | (fold_q != '0);
        op[mica_pkg::MATMUL_Z_IN_LSB +: mica_pkg::MATMUL_Z_IN_W] =
            cur[mica_pkg::GEMV_Z_IN_LSB +: mica_pkg::GEMV_Z_IN_W];
        op[mica_pkg::MATMUL_ASPAD_ADDR_LSB +: mica_pkg::MATMUL_ASPAD_ADDR_W] =
            cur[mica_pkg::GEMV_ASPAD_ADDR_LSB +: mica_pkg::GEMV_ASPAD_ADDR_W] + asp_off_q;
        op[mica_pkg::MATMUL_ACC_ADDR_LSB +: mica_pkg::MATMUL_ACC_ADDR_W] =
            cur[mica_pkg::GEMV_ACC_ADDR_LSB +: mica_pkg::GEMV_ACC_ADDR_W];
        op[mica_pkg::MATMUL_IN_H_LSB +: mica_pkg::MATMUL_IN_H_W]   = 1;
        op[mica_pkg::MATMUL_OUT_H_LSB +: mica_pkg::MATMUL_OUT_H_W] = 1;
        op[mica_pkg::MATMUL_IN_W_LSB +: mica_pkg::MATMUL_IN_W_W]   = pixels;
        op[mica_pkg::MATMUL_OUT_W_LSB +: mica_pkg::MATMUL_OUT_W_W] = pixels;
        op[mica_pkg::MATMUL_STRIDE_Y_LSB +: mica_pkg::MATMUL_STRIDE_Y_W] = 1;
        op[mica_pkg::MATMUL_STRIDE_X_LSB +: mica_pkg::MATMUL_STRIDE_X_W] = 1;
      end
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        {mm_q, fold_q, wsp_off_q, asp_off_q} <= '0;
      end else if (start_i || !running_q || consume) begin
        {mm_q, fold_q, wsp_off_q, asp_off_q} <= '0;
      end else if (fire) begin
        mm_q <= !mm_q;
        if (mm_q) begin
          fold_q    <= fold_q + 1'b1;
          wsp_off_q <= wsp_off_q + 16'(ROWS);
          asp_off_q <= asp_off_q + 16'(pixels);
        end
      end
    end
  end else begin : g_no_gemv
    assign {op, gemv_cur, op_last} = {cur, 1'b0, 1'b1};
    logic unused_gemv_cur;   // read by g_direct only
    assign unused_gemv_cur = gemv_cur;
  end
  assign instr_o = op;

  logic [3:0] opcode, wait_mask, needs_idle, target_unit;
  logic       all_idle, can_issue;
  assign opcode    = op[mica_pkg::F_OPCODE_LSB +: mica_pkg::F_OPCODE_W];
  assign wait_mask = op[mica_pkg::F_WAIT_LSB +: mica_pkg::F_WAIT_W];
  assign all_idle  = unit_busy_i == '0;

  always_comb begin
    target_unit = '0;
    unique case (opcode)
      mica_pkg::OP_LOAD:   target_unit[mica_pkg::UNIT_LOAD] = 1'b1;
      mica_pkg::OP_LOADW:  target_unit[mica_pkg::UNIT_WEIGHT] = 1'b1;
      mica_pkg::OP_MATMUL,
      mica_pkg::OP_DWCONV,
      mica_pkg::OP_RESCALE: target_unit[mica_pkg::UNIT_ARRAY] = 1'b1;
      mica_pkg::OP_STORE:  target_unit[mica_pkg::UNIT_STORE] = 1'b1;
      default:             target_unit = '0;
    endcase
    needs_idle = wait_mask | target_unit;
    if (opcode == mica_pkg::OP_MATMUL) begin
      needs_idle[mica_pkg::UNIT_ARRAY]  = wait_mask[mica_pkg::UNIT_ARRAY];
      needs_idle[mica_pkg::UNIT_WEIGHT] = 1'b1;
    end
    if (opcode == mica_pkg::OP_DWCONV) begin   // pipelined like MATMUL, after every MATMUL
      needs_idle[mica_pkg::UNIT_ARRAY]  = wait_mask[mica_pkg::UNIT_ARRAY];
      needs_idle[mica_pkg::UNIT_WEIGHT] = 1'b1;
    end
    if (opcode == mica_pkg::OP_RESCALE) begin   // like DWCONV, but reads no weights
      needs_idle[mica_pkg::UNIT_ARRAY]  = wait_mask[mica_pkg::UNIT_ARRAY];
    end
    if (opcode == mica_pkg::OP_END) needs_idle = '1;
  end
  // Built only with the feature (the same localparam as mica_decode's), so configurations
  // without it keep their issue logic.
  localparam bit HasStoreAspad = ((ABSENT >> mica_pkg::FEATURE_STORE_ASPAD) & 1) == 0 && ROWS == COLS;
  logic store_to_aspad, load_blocked;
  if (HasStoreAspad) begin : g_store_aspad
    assign store_to_aspad = opcode == mica_pkg::OP_STORE &&
        op[mica_pkg::STORE_TARGET_LSB +: mica_pkg::STORE_TARGET_W] == mica_pkg::STORE_TARGET_ASPAD;
    assign load_blocked = store_aspad_i && opcode == mica_pkg::OP_LOAD &&
        op[mica_pkg::LOAD_TARGET_LSB +: mica_pkg::LOAD_TARGET_W] == mica_pkg::LOAD_TARGET_ASPAD;
  end else begin : g_no_store_aspad
    assign {store_to_aspad, load_blocked} = '0;
    logic unused_store_aspad;
    assign unused_store_aspad = store_aspad_i ^ load_aspad_i;
  end
  assign can_issue = ((needs_idle & unit_busy_i) == '0) && !load_blocked &&
                     !(store_to_aspad && load_aspad_i) &&
                     (opcode != mica_pkg::OP_MATMUL || array_accept_i) &&
                     ((opcode != mica_pkg::OP_DWCONV && opcode != mica_pkg::OP_RESCALE) || array_dw_accept_i);

  // Error selection for this cycle.
  logic       raise_err, unit_err, head_err, prog_end;
  logic [7:0] code;
  logic [PC_W-1:0] code_pc;
  assign unit_err = load_bus_err_i | store_bus_err_i;
  assign prog_end = !cur_present && (prog_len_i >> PC_W) == '0 && pc_q >= PC_W'(prog_len_i);
  assign head_err = cur_valid && (cur_err || static_err != mica_pkg::ERR_NONE);

  always_comb begin
    raise_err = 1'b0;
    code = mica_pkg::ERR_NONE;
    code_pc = pc_q;
    if (running_q) begin
      if (unit_err) begin
        raise_err = 1'b1;
        code = mica_pkg::ERR_BUS;
        // Both at once: the earlier instruction in program order is the first error.
        if (load_bus_err_i && (!store_bus_err_i || store_newer_q)) code_pc = load_pc_q;
        else code_pc = store_pc_q;
      end else if ((prog_end || head_err) && all_idle) begin
        raise_err = 1'b1;
        code = prog_end ? mica_pkg::ERR_PROG_END :
               cur_err ? mica_pkg::ERR_BUS : static_err;
      end
    end
  end

  assign fire = running_q && !unit_err && cur_valid && !head_err && can_issue;
  assign unit_start_o = fire ? target_unit : '0;
  assign done_o       = fire && opcode == mica_pkg::OP_END;
  assign err_o        = raise_err;
  assign err_code_o   = code;
  assign err_pc_o     = 32'(code_pc);
  assign issued_o     = fire;
  assign stall_dep_o  = running_q && cur_present && !fire;
  assign stall_fetch_o = running_q && !cur_present && !prog_end;
  assign running_o    = running_q;
  assign pc_o         = 32'(pc_q);
  assign abort_o      = aborted_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      running_q  <= 1'b0;
      aborted_q  <= 1'b0;
      pc_q       <= '0;
      load_pc_q  <= '0;
      store_pc_q <= '0;
      store_newer_q <= 1'b0;
    end else if (start_i) begin
      running_q <= 1'b1;
      aborted_q <= 1'b0;
      pc_q      <= '0;
    end else begin
      if (raise_err) begin
        running_q <= 1'b0;
        aborted_q <= 1'b1;
      end
      if (done_o) running_q <= 1'b0;
      if (consume) pc_q <= pc_q + 1'b1;
      if (fire) begin
        if (unit_start_o[mica_pkg::UNIT_LOAD]) begin
          load_pc_q     <= pc_q;
          store_newer_q <= 1'b0;
        end
        if (unit_start_o[mica_pkg::UNIT_STORE]) begin
          store_pc_q    <= pc_q;
          store_newer_q <= 1'b1;
        end
      end
    end
  end
endmodule
