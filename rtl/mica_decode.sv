// Static instruction checks (everything that can be decided from the instruction bits alone).
// Check order when several apply: LOAD: BAD_TARGET, BAD_LEN, MEM_RANGE; MATMUL, DWCONV, RESCALE: BAD_LEN, then
// MEM_RANGE; STORE: BAD_LEN, then MEM_RANGE. Every count is at least 1: a zero row count, length or
// dimension is BAD_LEN (hw/mica.json), never a no-op. Before all of them: an instruction that
// needs a feature in ABSENT (DWCONV of an absent mode, RESCALE, STORE round REAL/SINGLE) is
// ABSENT_FEATURE. Purely combinational.
module mica_decode #(
  parameter int unsigned ROWS        = mica_pkg::ROWS_DEFAULT,
  parameter int unsigned COLS        = mica_pkg::COLS_DEFAULT,
  parameter int unsigned ASPAD_DEPTH = mica_pkg::ASPAD_DEPTH_DEFAULT,
  parameter int unsigned WSPAD_DEPTH = mica_pkg::WSPAD_DEPTH_DEFAULT,
  parameter int unsigned ACC_DEPTH   = mica_pkg::ACC_DEPTH_DEFAULT,
  parameter int unsigned PARAM_SETS  = mica_pkg::PARAM_SETS_DEFAULT,
  parameter int unsigned ABSENT      = mica_pkg::ABSENT_DEFAULT
) (
  input  logic [127:0] instr_i,
  output logic [7:0]   err_o
);
  logic [3:0] opcode;
  assign opcode = instr_i[mica_pkg::F_OPCODE_LSB +: mica_pkg::F_OPCODE_W];

  // Fields are zero-extended just enough for exact sums (16-bit field + 16-bit field: 17 bits;
  // a 24-bit product + a 16-bit field: 25 bits), so the comparators stay narrow on small FPGAs.
  localparam bit HasRescale = ((ABSENT >> mica_pkg::FEATURE_RESCALE) & 1) == 0;
  localparam bit HasDwconv  = ((ABSENT >> mica_pkg::FEATURE_DWCONV_MAC) & 1) == 0 ||
                              ((ABSENT >> mica_pkg::FEATURE_DWCONV_MAX) & 1) == 0;

  logic [7:0] load_err, loadw_err, matmul_err, dwconv_err, rescale_err, store_err;

  always_comb begin
    logic [1:0]  target;
    logic [16:0] len, col, mem_addr, rows, width, depth;
    target   = instr_i[mica_pkg::LOAD_TARGET_LSB +: mica_pkg::LOAD_TARGET_W];
    len      = 17'(instr_i[mica_pkg::LOAD_LEN_LSB +: mica_pkg::LOAD_LEN_W]);
    col      = 17'(instr_i[mica_pkg::LOAD_COL_LSB +: mica_pkg::LOAD_COL_W]);
    mem_addr = 17'(instr_i[mica_pkg::LOAD_MEM_ADDR_LSB +: mica_pkg::LOAD_MEM_ADDR_W]);
    rows     = 17'(instr_i[mica_pkg::LOAD_ROWS_LSB +: mica_pkg::LOAD_ROWS_W]);
    unique case (32'(target))
      32'(mica_pkg::LOAD_TARGET_ASPAD): begin width = 17'(ROWS);     depth = 17'(ASPAD_DEPTH); end
      32'(mica_pkg::LOAD_TARGET_WSPAD): begin width = 17'(COLS);     depth = 17'(WSPAD_DEPTH); end
      default: begin width = 17'(4 * COLS); depth = 17'(mica_pkg::PARAM_ROWS * PARAM_SETS); end
    endcase
    if (32'(target) > mica_pkg::LOAD_TARGET_MAX) load_err = mica_pkg::ERR_BAD_TARGET;
    else if (32'(rows) < mica_pkg::LOAD_ROWS_MIN || 32'(len) < mica_pkg::LOAD_LEN_MIN ||
             col + len > width)
      load_err = mica_pkg::ERR_BAD_LEN;
    else if (mem_addr + rows > depth) load_err = mica_pkg::ERR_MEM_RANGE;
    else load_err = mica_pkg::ERR_NONE;
  end

  always_comb begin
    logic [16:0] addr;
    addr = 17'(instr_i[mica_pkg::LOADW_WSPAD_ADDR_LSB +: mica_pkg::LOADW_WSPAD_ADDR_W]);
    loadw_err = (addr + (instr_i[mica_pkg::LOADW_VECTOR_LSB +: mica_pkg::LOADW_VECTOR_W] == mica_pkg::LOADW_VECTOR_ROW ?
                        17'd1 : 17'(ROWS)) > 17'(WSPAD_DEPTH)) ?
                mica_pkg::ERR_MEM_RANGE : mica_pkg::ERR_NONE;
  end

  always_comb begin
    logic [11:0] in_h, in_w, out_h, out_w;
    logic [3:0]  sy, sx;
    logic [24:0] aspad, acc;
    in_h  = instr_i[mica_pkg::MATMUL_IN_H_LSB +: mica_pkg::MATMUL_IN_H_W];
    in_w  = instr_i[mica_pkg::MATMUL_IN_W_LSB +: mica_pkg::MATMUL_IN_W_W];
    out_h = instr_i[mica_pkg::MATMUL_OUT_H_LSB +: mica_pkg::MATMUL_OUT_H_W];
    out_w = instr_i[mica_pkg::MATMUL_OUT_W_LSB +: mica_pkg::MATMUL_OUT_W_W];
    sy    = instr_i[mica_pkg::MATMUL_STRIDE_Y_LSB +: mica_pkg::MATMUL_STRIDE_Y_W];
    sx    = instr_i[mica_pkg::MATMUL_STRIDE_X_LSB +: mica_pkg::MATMUL_STRIDE_X_W];
    aspad = 25'(instr_i[mica_pkg::MATMUL_ASPAD_ADDR_LSB +: mica_pkg::MATMUL_ASPAD_ADDR_W]);
    acc   = 25'(instr_i[mica_pkg::MATMUL_ACC_ADDR_LSB +: mica_pkg::MATMUL_ACC_ADDR_W]);
    if (32'(in_h) < mica_pkg::MATMUL_IN_H_MIN || 32'(in_w) < mica_pkg::MATMUL_IN_W_MIN ||
        32'(out_h) < mica_pkg::MATMUL_OUT_H_MIN || 32'(out_w) < mica_pkg::MATMUL_OUT_W_MIN ||
        32'(sy) < mica_pkg::MATMUL_STRIDE_Y_MIN || 32'(sx) < mica_pkg::MATMUL_STRIDE_X_MIN)
      matmul_err = mica_pkg::ERR_BAD_LEN;
    else if (acc + 25'(out_h) * 25'(out_w) > 25'(ACC_DEPTH) ||
             aspad + 25'(in_h) * 25'(in_w) > 25'(ASPAD_DEPTH))
      matmul_err = mica_pkg::ERR_MEM_RANGE;
    else matmul_err = mica_pkg::ERR_NONE;
  end

  // (an absent unit's checks are never reached: its instructions are ABSENT_FEATURE)
  assign dwconv_err = !HasDwconv ? mica_pkg::ERR_NONE :
                      32'(instr_i[mica_pkg::DWCONV_MODE_LSB +: mica_pkg::DWCONV_MODE_W]) > mica_pkg::DWCONV_MODE_MAX ?
                      mica_pkg::ERR_BAD_LEN : matmul_err;

  always_comb begin
    logic [16:0] rows, aspad, acc;
    logic [31:0] lsh;
    rows  = 17'(instr_i[mica_pkg::RESCALE_ROWS_LSB +: mica_pkg::RESCALE_ROWS_W]);
    aspad = 17'(instr_i[mica_pkg::RESCALE_ASPAD_ADDR_LSB +: mica_pkg::RESCALE_ASPAD_ADDR_W]);
    acc   = 17'(instr_i[mica_pkg::RESCALE_ACC_ADDR_LSB +: mica_pkg::RESCALE_ACC_ADDR_W]);
    lsh   = 32'(instr_i[mica_pkg::RESCALE_LEFT_SHIFT_LSB +: mica_pkg::RESCALE_LEFT_SHIFT_W]);
    if (!HasRescale) rescale_err = mica_pkg::ERR_NONE;
    else if (32'(rows) < mica_pkg::RESCALE_ROWS_MIN || lsh > mica_pkg::RESCALE_LEFT_SHIFT_MAX)
      rescale_err = mica_pkg::ERR_BAD_LEN;
    else if (acc + rows > 17'(ACC_DEPTH) || aspad + rows > 17'(ASPAD_DEPTH))
      rescale_err = mica_pkg::ERR_MEM_RANGE;
    else rescale_err = mica_pkg::ERR_NONE;
  end

  always_comb begin
    logic [16:0] len, acc, rows, pset;
    len  = 17'(instr_i[mica_pkg::STORE_LEN_LSB +: mica_pkg::STORE_LEN_W]);
    acc  = 17'(instr_i[mica_pkg::STORE_ACC_ADDR_LSB +: mica_pkg::STORE_ACC_ADDR_W]);
    rows = 17'(instr_i[mica_pkg::STORE_ROWS_LSB +: mica_pkg::STORE_ROWS_W]);
    pset = 17'(instr_i[mica_pkg::STORE_PARAM_SET_LSB +: mica_pkg::STORE_PARAM_SET_W]);
    if (32'(rows) < mica_pkg::STORE_ROWS_MIN || 32'(len) < mica_pkg::STORE_LEN_MIN ||
        len > 17'(COLS) ||
        32'(instr_i[mica_pkg::STORE_ROUND_LSB +: mica_pkg::STORE_ROUND_W]) > mica_pkg::STORE_ROUND_MAX)
      store_err = mica_pkg::ERR_BAD_LEN;
    else if (acc + rows > 17'(ACC_DEPTH) || pset >= 17'(PARAM_SETS)) store_err = mica_pkg::ERR_MEM_RANGE;
    else store_err = mica_pkg::ERR_NONE;
  end

  // The feature an instruction needs (none: -1), and whether this configuration lacks it.
  logic needs_absent;
  always_comb begin
    int feature;
    feature = -1;
    if (opcode == mica_pkg::OP_DWCONV)
      feature = instr_i[mica_pkg::DWCONV_MODE_LSB +: mica_pkg::DWCONV_MODE_W] == mica_pkg::DWCONV_MODE_MAXIMUM ?
                mica_pkg::FEATURE_DWCONV_MAX : mica_pkg::FEATURE_DWCONV_MAC;
    else if (opcode == mica_pkg::OP_RESCALE)
      feature = mica_pkg::FEATURE_RESCALE;
    else if (opcode == mica_pkg::OP_STORE &&
             instr_i[mica_pkg::STORE_ROUND_LSB +: mica_pkg::STORE_ROUND_W] == mica_pkg::STORE_ROUND_REAL)
      feature = mica_pkg::FEATURE_ROUND_REAL;
    else if (opcode == mica_pkg::OP_STORE &&
             instr_i[mica_pkg::STORE_ROUND_LSB +: mica_pkg::STORE_ROUND_W] == mica_pkg::STORE_ROUND_SINGLE)
      feature = mica_pkg::FEATURE_ROUND_SINGLE;
    needs_absent = feature >= 0 && ((ABSENT >> feature) & 1) != 0;
  end

  always_comb begin
    if (needs_absent) err_o = mica_pkg::ERR_ABSENT_FEATURE;
    else unique case (opcode)
      mica_pkg::OP_LOAD:   err_o = load_err;
      mica_pkg::OP_LOADW:  err_o = loadw_err;
      mica_pkg::OP_MATMUL: err_o = matmul_err;
      mica_pkg::OP_DWCONV: err_o = dwconv_err;   // MATMUL's fields at the same positions, plus mode
      mica_pkg::OP_RESCALE: err_o = rescale_err;
      mica_pkg::OP_STORE:  err_o = store_err;
      mica_pkg::OP_SYNC,
      mica_pkg::OP_END:    err_o = mica_pkg::ERR_NONE;
      default:             err_o = mica_pkg::ERR_ILLEGAL_OPCODE;
    endcase
  end
endmodule
