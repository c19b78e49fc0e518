// MATMUL activation feeder: implicit im2col. Walks output pixels (oy, ox) in raster order, one per
// cycle, computes the input pixel iy = oy*stride_y + off_y, ix = ox*stride_x + off_x and reads
// ASPAD[aspad_addr + iy*in_w + ix] when it is in_tile the in_h x in_w tile; outside pixels become
// zero vectors (TFLite padding with the input zero point). Subtracts z_in to 9-bit signed.
// Pipeline: generate/read (cycle 1 after start) -> SRAM data -> registered a_row_o: the first
// vector reaches the array 3 cycles after the start cycle, then one vector per cycle.
// ready_o: a new start is accepted now (idle, or generating the last pixel); the previous
// MATMUL's last vectors finish through the pipeline (z_in travels with them), so back-to-back
// MATMULs stream without a bubble.
module mica_matmul_feeder #(
  parameter int unsigned ROWS        = mica_pkg::ROWS_DEFAULT,
  parameter int unsigned ASPAD_DEPTH = mica_pkg::ASPAD_DEPTH_DEFAULT,
  localparam int unsigned AW = $clog2(ASPAD_DEPTH),
  localparam int unsigned RowOffW = ($clog2(ASPAD_DEPTH) > 16) ? $clog2(ASPAD_DEPTH) : 16
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              start_i,
  input  logic [127:0]      instr_i,
  input  logic [RowOffW-1:0] row_off_i,   // off_y * in_w of instr_i (mica_decode)
  output logic              busy_o,
  output logic              ready_o,
  output logic              aspad_re_o,
  output logic [AW-1:0]     aspad_raddr_o,
  input  logic [ROWS*8-1:0] aspad_rdata_i,
  output logic              a_valid_o,
  output logic [ROWS*9-1:0] a_row_o
);
  // Instruction fields
  logic [11:0] in_h, in_w, out_h, out_w;
  logic [3:0]  sy, sx;
  logic signed [9:0] off_y, off_x;
  logic [15:0] aspad_addr;
  assign in_h  = instr_i[mica_pkg::MATMUL_IN_H_LSB +: mica_pkg::MATMUL_IN_H_W];
  assign in_w  = instr_i[mica_pkg::MATMUL_IN_W_LSB +: mica_pkg::MATMUL_IN_W_W];
  assign out_h = instr_i[mica_pkg::MATMUL_OUT_H_LSB +: mica_pkg::MATMUL_OUT_H_W];
  assign out_w = instr_i[mica_pkg::MATMUL_OUT_W_LSB +: mica_pkg::MATMUL_OUT_W_W];
  assign sy    = instr_i[mica_pkg::MATMUL_STRIDE_Y_LSB +: mica_pkg::MATMUL_STRIDE_Y_W];
  assign sx    = instr_i[mica_pkg::MATMUL_STRIDE_X_LSB +: mica_pkg::MATMUL_STRIDE_X_W];
  assign off_y = instr_i[mica_pkg::MATMUL_OFF_Y_LSB +: mica_pkg::MATMUL_OFF_Y_W];
  assign off_x = instr_i[mica_pkg::MATMUL_OFF_X_LSB +: mica_pkg::MATMUL_OFF_X_W];
  assign aspad_addr = instr_i[mica_pkg::MATMUL_ASPAD_ADDR_LSB +: mica_pkg::MATMUL_ASPAD_ADDR_W];

  // sy * in_w as four shifted adds: a 4-bit factor does not need a DSP block. Addresses keep
  // only their low RW bits: an in-tile pixel's address is < ASPAD_DEPTH (checked at issue), so
  // its low bits are the whole address, and they depend on the low bits of the terms only.
  localparam int unsigned RW = RowOffW;   // (AW > 16) ? AW : 16
  logic [RW-1:0] row_step;
  always_comb begin
    row_step = '0;
    for (int k = 0; k < mica_pkg::MATMUL_STRIDE_Y_W; k++)
      if (sy[k]) row_step = row_step + (RW'(in_w) << k);
  end

  // Walk state. iy/ix stay within [-512, 61936): 20-bit signed; row_base mod 2^RW.
  logic        gen_q;
  // Outputs left in the row and rows left after this one, counted down: the last pixel is two
  // zero tests (the MATMUL unit's accept, and so the issue decision, waits on it), not compares.
  logic [11:0] rows_left_q, cols_left_q, out_w_m1_q, in_h_q, in_w_q;
  logic [3:0]  sx_q, sy_q;
  logic signed [19:0] iy_q, ix_q, off_x_q;
  logic [RW-1:0] row_base_q, row_step_q;
  logic [7:0]  z_in_q;

  logic in_tile, last_col, last_pix;
  logic [RW-1:0] pix_addr;
  assign in_tile = (iy_q >= 0) && (iy_q < $signed({8'd0, in_h_q})) &&
                  (ix_q >= 0) && (ix_q < $signed({8'd0, in_w_q}));
  assign last_col = cols_left_q == '0;
  assign last_pix = last_col && rows_left_q == '0;
  assign pix_addr = row_base_q + RW'(ix_q);

  assign aspad_re_o    = gen_q && in_tile;
  assign aspad_raddr_o = pix_addr[AW-1:0];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      gen_q <= 1'b0;
      rows_left_q <= '0; cols_left_q <= '0; out_w_m1_q <= '0; in_h_q <= '0; in_w_q <= '0;
      sx_q <= '0; sy_q <= '0; iy_q <= '0; ix_q <= '0; off_x_q <= '0;
      row_base_q <= '0; row_step_q <= '0; z_in_q <= '0;
    end else if (start_i) begin
      gen_q      <= 1'b1;
      rows_left_q <= out_h - 12'd1;   // out_h, out_w >= 1 (decode)
      cols_left_q <= out_w - 12'd1;
      out_w_m1_q  <= out_w - 12'd1;
      in_h_q     <= in_h;
      in_w_q     <= in_w;
      sx_q       <= sx;
      sy_q       <= sy;
      iy_q       <= 20'(off_y);
      ix_q       <= 20'(off_x);
      off_x_q    <= 20'(off_x);
      row_base_q <= RW'(aspad_addr) + row_off_i;
      row_step_q <= row_step;
      z_in_q     <= instr_i[mica_pkg::MATMUL_Z_IN_LSB +: mica_pkg::MATMUL_Z_IN_W];
    end else if (gen_q) begin
      if (last_pix) gen_q <= 1'b0;
      if (last_col) begin
        cols_left_q <= out_w_m1_q;
        ix_q        <= off_x_q;
        rows_left_q <= rows_left_q - 12'd1;
        iy_q        <= iy_q + $signed({16'd0, sy_q});
        row_base_q  <= row_base_q + row_step_q;
      end else begin
        cols_left_q <= cols_left_q - 12'd1;
        ix_q        <= ix_q + $signed({16'd0, sx_q});
      end
    end
  end

  // Stage 1: SRAM read in flight. Stage 2: registered, zero-point corrected vector.
  logic       s1_valid_q, s1_inside_q;
  logic [7:0] s1_z_in_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s1_valid_q  <= 1'b0;
      s1_inside_q <= 1'b0;
      s1_z_in_q   <= '0;
      a_valid_o   <= 1'b0;
      a_row_o     <= '0;
    end else begin
      s1_valid_q  <= gen_q;
      s1_inside_q <= in_tile;
      s1_z_in_q   <= z_in_q;
      a_valid_o   <= s1_valid_q;
      for (int r = 0; r < ROWS; r++) begin
        a_row_o[9*r +: 9] <= s1_inside_q ?
            9'($signed(aspad_rdata_i[8*r +: 8])) - 9'($signed(s1_z_in_q)) : 9'd0;
      end
    end
  end

  assign busy_o  = gen_q | s1_valid_q | a_valid_o;
  assign ready_o = !gen_q || last_pix;
  // In-tile pixel addresses are < ASPAD_DEPTH: only their low AW bits index the ASPAD.
  logic unused_feeder;
  assign unused_feeder = ^pix_addr;
endmodule
