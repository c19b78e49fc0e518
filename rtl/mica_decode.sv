// Static instruction checks (everything that can be decided from the instruction bits alone).
// Check order when several apply: LOAD: BAD_TARGET, BAD_LEN, MEM_RANGE; MATMUL, DWCONV, RESCALE: BAD_LEN, then
// MEM_RANGE; STORE: BAD_LEN, then MEM_RANGE. Every count is at least 1: a zero row count, length or
// dimension is BAD_LEN (hw/mica.json), never a no-op. Before all of them: an instruction that
// needs a feature in ABSENT (DWCONV of an absent mode, RESCALE, STORE round REAL/SINGLE) is
// ABSENT_FEATURE. STORE target ASPAD is the exception: a configuration without it (listed absent,
// or ROWS != COLS) decodes no target bit at all, so not one gate of the feature is built there
// (the boards' netlists are as before it) and its STOREs write memory; the runtime refuses a
// program that sets the bit before it runs (hw/mica.json features). Combinational, or (PIPE = 1, FPGA timing) in two steps: the area products
// (out_h * out_w, in_h * in_w: DSP multipliers on an ECP5, far from the decode logic) are
// registered with the instruction when advance_i is high, and err_o / instr_o then belong to that
// registered instruction.
module mica_decode #(
  parameter int unsigned ROWS        = mica_pkg::ROWS_DEFAULT,
  parameter int unsigned COLS        = mica_pkg::COLS_DEFAULT,
  parameter int unsigned ASPAD_DEPTH = mica_pkg::ASPAD_DEPTH_DEFAULT,
  parameter int unsigned WSPAD_DEPTH = mica_pkg::WSPAD_DEPTH_DEFAULT,
  parameter int unsigned ACC_DEPTH   = mica_pkg::ACC_DEPTH_DEFAULT,
  parameter int unsigned PARAM_SETS  = mica_pkg::PARAM_SETS_DEFAULT,
  parameter int unsigned ABSENT      = mica_pkg::ABSENT_DEFAULT,
  parameter bit          PIPE        = 1'b0,
  // the feeder's row offset modulo 2^RowOffW: the ASPAD address bits, at least 16
  localparam int unsigned RowOffW    = ($clog2(ASPAD_DEPTH) > 16) ? $clog2(ASPAD_DEPTH) : 16
) (
  input  logic         clk_i,
  input  logic         advance_i,   // PIPE: register instr_i (and its products)
  input  logic [127:0] instr_i,
  output logic [127:0] instr_o,     // the instruction err_o belongs to
  output logic [RowOffW-1:0] row_off_o,   // its off_y * in_w (MATMUL/DWCONV feeder)
  output logic [7:0]   err_o
);

  // Range checks "a + b <= limit" on few bits: with limit < 2^W, an operand with a bit at W or
  // above fails and the rest is a (W+1)-bit sum, so the adders and comparators stay short on
  // small FPGAs (W from the configuration; the fields are zero-extended to 32 bits).
  function automatic int unsigned max3(input int unsigned a, input int unsigned b, input int unsigned c);
    max3 = (a > b) ? ((a > c) ? a : c) : ((b > c) ? b : c);
  endfunction
  localparam int unsigned ParamRows = mica_pkg::PARAM_ROWS * PARAM_SETS;
  localparam int unsigned LdW  = $clog2(max3(ROWS, COLS, 4 * COLS) + 1);
  localparam int unsigned LdD  = $clog2(max3(ASPAD_DEPTH, WSPAD_DEPTH, ParamRows) + 1);
  localparam int unsigned AccW = $clog2(ACC_DEPTH + 1);
  localparam int unsigned AspW = $clog2(ASPAD_DEPTH + 1);
  localparam int unsigned WspW = $clog2(WSPAD_DEPTH + 1);
  // The area products of MATMUL/DWCONV (both dimensions cut to W bits: a dimension with a bit
  // above them fails the check by itself, see MICA_AREA_FITS).
  logic [127:0]      instr;
  logic [2*AccW-1:0] acc_area, acc_area_in;
  logic [2*AspW-1:0] asp_area, asp_area_in;
  assign acc_area_in = (2*AccW)'(AccW'(instr_i[mica_pkg::MATMUL_OUT_H_LSB +: mica_pkg::MATMUL_OUT_H_W])) *
                       (2*AccW)'(AccW'(instr_i[mica_pkg::MATMUL_OUT_W_LSB +: mica_pkg::MATMUL_OUT_W_W]));
  assign asp_area_in = (2*AspW)'(AspW'(instr_i[mica_pkg::MATMUL_IN_H_LSB +: mica_pkg::MATMUL_IN_H_W])) *
                       (2*AspW)'(AspW'(instr_i[mica_pkg::MATMUL_IN_W_LSB +: mica_pkg::MATMUL_IN_W_W]));
  // The feeder's first input row offset off_y * in_w (MATMUL/DWCONV), computed here so that under
  // PIPE its multiplier sits before stage P, not between issue and the feeder's walk registers.
  logic [RowOffW-1:0] row_off_in;
  assign row_off_in = RowOffW'(
      32'($signed(instr_i[mica_pkg::MATMUL_OFF_Y_LSB +: mica_pkg::MATMUL_OFF_Y_W])) *
      $signed({20'd0, instr_i[mica_pkg::MATMUL_IN_W_LSB +: mica_pkg::MATMUL_IN_W_W]}));
  if (PIPE) begin : g_pipe
    always_ff @(posedge clk_i) begin
      if (advance_i) {instr, acc_area, asp_area, row_off_o} <= {instr_i, acc_area_in, asp_area_in, row_off_in};
    end
  end else begin : g_comb
    assign {instr, acc_area, asp_area, row_off_o} = {instr_i, acc_area_in, asp_area_in, row_off_in};
    logic unused_clk;
    assign unused_clk = clk_i ^ advance_i;
  end
  assign instr_o = instr;
  logic [3:0] opcode;
  assign opcode = instr[mica_pkg::F_OPCODE_LSB +: mica_pkg::F_OPCODE_W];

  // STORE target ASPAD: a STORE row (COLS bytes) is an ASPAD row (ROWS bytes) only if ROWS == COLS
  localparam bit HasStoreAspad = ((ABSENT >> mica_pkg::FEATURE_STORE_ASPAD) & 1) == 0 && ROWS == COLS;
  localparam bit HasRescale = ((ABSENT >> mica_pkg::FEATURE_RESCALE) & 1) == 0;
  localparam bit HasTaps    = ((ABSENT >> mica_pkg::FEATURE_DWCONV_TAPS) & 1) == 0;
  localparam bit HasGemv    = ((ABSENT >> mica_pkg::FEATURE_GEMV) & 1) == 0;
  localparam bit HasDwconv  = ((ABSENT >> mica_pkg::FEATURE_DWCONV_MAC) & 1) == 0 ||
                              ((ABSENT >> mica_pkg::FEATURE_DWCONV_MAX) & 1) == 0;
  `define MICA_FITS(A, B, LIMIT, W) \
    (((A) >> (W)) == 32'd0 && ((B) >> (W)) == 32'd0 && \
     ((W)+1)'(A) + ((W)+1)'(B) <= ((W)+1)'(LIMIT))

  // x < MIN for a spec minimum: MIN = 1 is "x == 0" (no comparator chain on an FPGA).
  `define MICA_BELOW(X, MIN) \
    ((MIN) == 0 ? 1'b0 : (MIN) == 1 ? (32'(X) == 32'd0) : (32'(X) < 32'(MIN)))

  logic [7:0] load_err, loadw_err, matmul_err, dwconv_err, rescale_err, store_err, gemv_err;

  always_comb begin
    logic [1:0]  target;
    logic [31:0] len, col, mem_addr, rows;
    logic [LdW:0] width;
    logic [LdD:0] depth;
    target   = instr[mica_pkg::LOAD_TARGET_LSB +: mica_pkg::LOAD_TARGET_W];
    len      = 32'(instr[mica_pkg::LOAD_LEN_LSB +: mica_pkg::LOAD_LEN_W]);
    col      = 32'(instr[mica_pkg::LOAD_COL_LSB +: mica_pkg::LOAD_COL_W]);
    mem_addr = 32'(instr[mica_pkg::LOAD_MEM_ADDR_LSB +: mica_pkg::LOAD_MEM_ADDR_W]);
    rows     = 32'(instr[mica_pkg::LOAD_ROWS_LSB +: mica_pkg::LOAD_ROWS_W]);
    unique case (32'(target))
      32'(mica_pkg::LOAD_TARGET_ASPAD): begin width = (LdW+1)'(ROWS); depth = (LdD+1)'(ASPAD_DEPTH); end
      32'(mica_pkg::LOAD_TARGET_WSPAD): begin width = (LdW+1)'(COLS); depth = (LdD+1)'(WSPAD_DEPTH); end
      default: begin width = (LdW+1)'(4 * COLS); depth = (LdD+1)'(ParamRows); end
    endcase
    if (32'(target) > mica_pkg::LOAD_TARGET_MAX) load_err = mica_pkg::ERR_BAD_TARGET;
    else if (`MICA_BELOW(rows, mica_pkg::LOAD_ROWS_MIN) || `MICA_BELOW(len, mica_pkg::LOAD_LEN_MIN) ||
             !`MICA_FITS(col, len, width, LdW))
      load_err = mica_pkg::ERR_BAD_LEN;
    else if (!`MICA_FITS(mem_addr, rows, depth, LdD)) load_err = mica_pkg::ERR_MEM_RANGE;
    else load_err = mica_pkg::ERR_NONE;
  end

  always_comb begin
    logic [31:0] addr, n;
    addr = 32'(instr[mica_pkg::LOADW_WSPAD_ADDR_LSB +: mica_pkg::LOADW_WSPAD_ADDR_W]);
    n = instr[mica_pkg::LOADW_VECTOR_LSB +: mica_pkg::LOADW_VECTOR_W] == mica_pkg::LOADW_VECTOR_ROW ?
        32'd1 : 32'(ROWS);
    loadw_err = `MICA_FITS(addr, n, WSPAD_DEPTH, WspW) ?
                mica_pkg::ERR_NONE : mica_pkg::ERR_MEM_RANGE;
  end

  // acc + out_h * out_w <= ACC_DEPTH (and the same for ASPAD): with both dimensions >= 1 (BAD_LEN
  // comes first), a dimension above the limit fails, so the product is of W-bit numbers.
  `define MICA_AREA_FITS(BASE, H, W_, AREA, LIMIT, W) \
    (((32'(H)) >> (W)) == 32'd0 && ((32'(W_)) >> (W)) == 32'd0 && `MICA_FITS(BASE, 32'(AREA), LIMIT, W))

  always_comb begin
    logic [11:0] in_h, in_w, out_h, out_w;
    logic [3:0]  sy, sx;
    logic [31:0] aspad, acc;
    in_h  = instr[mica_pkg::MATMUL_IN_H_LSB +: mica_pkg::MATMUL_IN_H_W];
    in_w  = instr[mica_pkg::MATMUL_IN_W_LSB +: mica_pkg::MATMUL_IN_W_W];
    out_h = instr[mica_pkg::MATMUL_OUT_H_LSB +: mica_pkg::MATMUL_OUT_H_W];
    out_w = instr[mica_pkg::MATMUL_OUT_W_LSB +: mica_pkg::MATMUL_OUT_W_W];
    sy    = instr[mica_pkg::MATMUL_STRIDE_Y_LSB +: mica_pkg::MATMUL_STRIDE_Y_W];
    sx    = instr[mica_pkg::MATMUL_STRIDE_X_LSB +: mica_pkg::MATMUL_STRIDE_X_W];
    aspad = 32'(instr[mica_pkg::MATMUL_ASPAD_ADDR_LSB +: mica_pkg::MATMUL_ASPAD_ADDR_W]);
    acc   = 32'(instr[mica_pkg::MATMUL_ACC_ADDR_LSB +: mica_pkg::MATMUL_ACC_ADDR_W]);
    if (`MICA_BELOW(in_h, mica_pkg::MATMUL_IN_H_MIN) || `MICA_BELOW(in_w, mica_pkg::MATMUL_IN_W_MIN) ||
        `MICA_BELOW(out_h, mica_pkg::MATMUL_OUT_H_MIN) || `MICA_BELOW(out_w, mica_pkg::MATMUL_OUT_W_MIN) ||
        `MICA_BELOW(sy, mica_pkg::MATMUL_STRIDE_Y_MIN) || `MICA_BELOW(sx, mica_pkg::MATMUL_STRIDE_X_MIN))
      matmul_err = mica_pkg::ERR_BAD_LEN;
    else if (!`MICA_AREA_FITS(acc, out_h, out_w, acc_area, ACC_DEPTH, AccW) ||
             !`MICA_AREA_FITS(aspad, in_h, in_w, asp_area, ASPAD_DEPTH, AspW))
      matmul_err = mica_pkg::ERR_MEM_RANGE;
    else matmul_err = mica_pkg::ERR_NONE;
  end

  // GEMV: its LOADWs' and MATMULs' ranges at once (folds x pixels is MATMUL's in_h x in_w
  // product: the same bit positions), so every operation it expands into is in range.
  always_comb begin
    logic [31:0] folds, pixels, aspad, acc, wspad;
    folds  = 32'(instr[mica_pkg::GEMV_FOLDS_LSB +: mica_pkg::GEMV_FOLDS_W]);
    pixels = 32'(instr[mica_pkg::GEMV_PIXELS_LSB +: mica_pkg::GEMV_PIXELS_W]);
    aspad  = 32'(instr[mica_pkg::GEMV_ASPAD_ADDR_LSB +: mica_pkg::GEMV_ASPAD_ADDR_W]);
    acc    = 32'(instr[mica_pkg::GEMV_ACC_ADDR_LSB +: mica_pkg::GEMV_ACC_ADDR_W]);
    wspad  = 32'(instr[mica_pkg::GEMV_WSPAD_ADDR_LSB +: mica_pkg::GEMV_WSPAD_ADDR_W]);
    if (`MICA_BELOW(folds, mica_pkg::GEMV_FOLDS_MIN) || `MICA_BELOW(pixels, mica_pkg::GEMV_PIXELS_MIN))
      gemv_err = mica_pkg::ERR_BAD_LEN;
    else if (!`MICA_AREA_FITS(aspad, folds, pixels, asp_area, ASPAD_DEPTH, AspW) ||
             !`MICA_FITS(acc, pixels, ACC_DEPTH, AccW) ||
             wspad + folds * 32'(ROWS) > 32'(WSPAD_DEPTH))
      gemv_err = mica_pkg::ERR_MEM_RANGE;
    else gemv_err = mica_pkg::ERR_NONE;
  end

  // taps THREE and NINE walk each output line's L = (out_w - 1) * stride_x + 3 input pixels with
  // in_w-wide counters, NINE also H = (out_h - 1) * stride_y + 3 input lines with in_h-wide ones
  // and keeps a line in the DWCONV_LINE-pixel line buffer: beyond those, and taps 3, ERR_BAD_LEN
  // (no gate without DWCONV_TAPS).
  logic taps_bad;
  if (HasTaps) begin : g_taps_check
    always_comb begin
      logic [1:0]  taps;
      logic [31:0] line, lines;
      taps  = instr[mica_pkg::DWCONV_TAPS_LSB +: mica_pkg::DWCONV_TAPS_W];
      line  = (32'(instr[mica_pkg::DWCONV_OUT_W_LSB +: mica_pkg::DWCONV_OUT_W_W]) - 32'd1) *
              32'(instr[mica_pkg::DWCONV_STRIDE_X_LSB +: mica_pkg::DWCONV_STRIDE_X_W]) + 32'd3;
      lines = (32'(instr[mica_pkg::DWCONV_OUT_H_LSB +: mica_pkg::DWCONV_OUT_H_W]) - 32'd1) *
              32'(instr[mica_pkg::DWCONV_STRIDE_Y_LSB +: mica_pkg::DWCONV_STRIDE_Y_W]) + 32'd3;
      taps_bad = 32'(taps) > mica_pkg::DWCONV_TAPS_MAX ||
                 (taps != mica_pkg::DWCONV_TAPS_ONE && line > 32'(mica_pkg::MATMUL_IN_W_MAX)) ||
                 (taps == mica_pkg::DWCONV_TAPS_NINE &&
                  (line > 32'(mica_pkg::DWCONV_LINE) || lines > 32'(mica_pkg::MATMUL_IN_H_MAX)));
    end
  end else begin : g_no_taps_check
    assign taps_bad = 1'b0;
  end

  // (an absent unit's checks are never reached: its instructions are ABSENT_FEATURE)
  assign dwconv_err = !HasDwconv ? mica_pkg::ERR_NONE : taps_bad ? mica_pkg::ERR_BAD_LEN : matmul_err;

  always_comb begin
    logic [31:0] rows, aspad, acc, lsh;
    rows  = 32'(instr[mica_pkg::RESCALE_ROWS_LSB +: mica_pkg::RESCALE_ROWS_W]);
    aspad = 32'(instr[mica_pkg::RESCALE_ASPAD_ADDR_LSB +: mica_pkg::RESCALE_ASPAD_ADDR_W]);
    acc   = 32'(instr[mica_pkg::RESCALE_ACC_ADDR_LSB +: mica_pkg::RESCALE_ACC_ADDR_W]);
    lsh   = 32'(instr[mica_pkg::RESCALE_LEFT_SHIFT_LSB +: mica_pkg::RESCALE_LEFT_SHIFT_W]);
    if (!HasRescale) rescale_err = mica_pkg::ERR_NONE;
    else if (`MICA_BELOW(rows, mica_pkg::RESCALE_ROWS_MIN) || lsh > mica_pkg::RESCALE_LEFT_SHIFT_MAX)
      rescale_err = mica_pkg::ERR_BAD_LEN;
    else if (!`MICA_FITS(acc, rows, ACC_DEPTH, AccW) || !`MICA_FITS(aspad, rows, ASPAD_DEPTH, AspW))
      rescale_err = mica_pkg::ERR_MEM_RANGE;
    else rescale_err = mica_pkg::ERR_NONE;
  end

  always_comb begin
    logic [31:0] len, acc, rows, pset, ext;
    logic        to_aspad;
    to_aspad = HasStoreAspad &&
               instr[mica_pkg::STORE_TARGET_LSB +: mica_pkg::STORE_TARGET_W] == mica_pkg::STORE_TARGET_ASPAD;
    ext  = 32'(instr[mica_pkg::STORE_EXT_ADDR_LSB +: mica_pkg::STORE_EXT_ADDR_W]);
    len  = 32'(instr[mica_pkg::STORE_LEN_LSB +: mica_pkg::STORE_LEN_W]);
    acc  = 32'(instr[mica_pkg::STORE_ACC_ADDR_LSB +: mica_pkg::STORE_ACC_ADDR_W]);
    rows = 32'(instr[mica_pkg::STORE_ROWS_LSB +: mica_pkg::STORE_ROWS_W]);
    pset = 32'(instr[mica_pkg::STORE_PARAM_SET_LSB +: mica_pkg::STORE_PARAM_SET_W]);
    if (`MICA_BELOW(rows, mica_pkg::STORE_ROWS_MIN) || `MICA_BELOW(len, mica_pkg::STORE_LEN_MIN) || len > COLS ||
        32'(instr[mica_pkg::STORE_ROUND_LSB +: mica_pkg::STORE_ROUND_W]) > mica_pkg::STORE_ROUND_MAX)
      store_err = mica_pkg::ERR_BAD_LEN;
    else if (!`MICA_FITS(acc, rows, ACC_DEPTH, AccW) || pset >= PARAM_SETS ||
             (to_aspad && !`MICA_FITS(ext, rows, ASPAD_DEPTH, AspW)))
      store_err = mica_pkg::ERR_MEM_RANGE;
    else store_err = mica_pkg::ERR_NONE;
  end

  // Whether the instruction needs a feature this configuration lacks (constant masks, no shifter).
  localparam bit AbsDwMac  = ((ABSENT >> mica_pkg::FEATURE_DWCONV_MAC) & 1) != 0;
  localparam bit AbsDwMax  = ((ABSENT >> mica_pkg::FEATURE_DWCONV_MAX) & 1) != 0;
  localparam bit AbsResc   = ((ABSENT >> mica_pkg::FEATURE_RESCALE) & 1) != 0;
  localparam bit AbsReal   = ((ABSENT >> mica_pkg::FEATURE_ROUND_REAL) & 1) != 0;
  localparam bit AbsSingle = ((ABSENT >> mica_pkg::FEATURE_ROUND_SINGLE) & 1) != 0;
  logic needs_absent;
  always_comb begin
    logic dw_max;
    logic [mica_pkg::STORE_ROUND_W-1:0] round;
    dw_max = instr[mica_pkg::DWCONV_MODE_LSB +: mica_pkg::DWCONV_MODE_W] == mica_pkg::DWCONV_MODE_MAXIMUM;
    round  = instr[mica_pkg::STORE_ROUND_LSB +: mica_pkg::STORE_ROUND_W];
    unique case (opcode)
      mica_pkg::OP_DWCONV:  needs_absent = dw_max ? AbsDwMax : AbsDwMac;
      mica_pkg::OP_RESCALE: needs_absent = AbsResc;
      mica_pkg::OP_STORE:   needs_absent = (round == mica_pkg::STORE_ROUND_REAL && AbsReal) ||
                                           (round == mica_pkg::STORE_ROUND_SINGLE && AbsSingle);
      default:              needs_absent = 1'b0;
    endcase
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
      mica_pkg::OP_GEMV:   err_o = HasGemv ? gemv_err : mica_pkg::ERR_ILLEGAL_OPCODE;
      mica_pkg::OP_SYNC,
      mica_pkg::OP_END:    err_o = mica_pkg::ERR_NONE;
      default:             err_o = mica_pkg::ERR_ILLEGAL_OPCODE;
    endcase
  end
  `undef MICA_FITS
  `undef MICA_BELOW
  `undef MICA_AREA_FITS
endmodule
