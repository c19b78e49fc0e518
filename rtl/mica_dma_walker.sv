// 2-D DMA address walker: rows of `len` bytes at ext_addr + i*stride (any alignment), split into
// BUS_BYTES-aligned beats. Steps one beat per step_i. The LOAD and STORE units run one walker on
// the request side and (LOAD) a second identical one on the response side, so response beats are
// matched to rows without a tag queue (responses come back in request order).
// ADDR_W < 32 (a board whose memory is 2^ADDR_W bytes or less): addresses are kept in ADDR_W
// bits; once the walk leaves them (ext_addr, a row step or a beat beyond 2^ADDR_W) every later
// beat goes to the last bus word, 2^32 - BUS_BYTES, outside the memory, so it answers a bus error
// as any address past the memory does.
module mica_dma_walker #(
  parameter int unsigned BUS_BYTES = mica_pkg::BUS_BYTES_DEFAULT,
  parameter int unsigned ADDR_W    = 32,
  // Bits of len (and of the beat index, beats <= len): the unit's decode-checked maximum row
  // length fits them (LOAD: the widest target row; STORE: COLS).
  parameter int unsigned LEN_W     = 16,
  // Bits of the row count: the unit's decode-checked maximum (LOAD: the deepest target; STORE:
  // ACC_DEPTH) fits them.
  parameter int unsigned ROWS_W    = 16
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        init_i,
  input  logic [31:0] ext_addr_i,
  input  logic [31:0] stride_i,
  input  logic [15:0] rows_i,
  input  logic [15:0] len_i,
  input  logic        step_i,
  output logic        done_o,       // every row walked
  output logic [15:0] row_o,        // current row index
  output logic [15:0] beat_o,       // beat index within the row
  output logic        last_beat_o,  // current beat is the row's last
  output logic [31:0] beat_addr_o,  // aligned bus address of the current beat
  output logic [$clog2(BUS_BYTES)-1:0] off_o  // byte offset of the row start within its beat
);
  localparam int unsigned LgB = $clog2(BUS_BYTES);
  localparam bit Narrow = ADDR_W < 32;

  logic [ADDR_W-1:0] row_addr_q, stride_q, row_next, beat_sum;
  logic              oob_q, stride_big_q, row_carry, beat_carry;
  logic [ROWS_W-1:0] rows_q, row_q;
  logic [LEN_W-1:0] len_q, beat_q;
  logic [LEN_W:0]   nbeats;

  assign off_o  = row_addr_q[LgB-1:0];
  // Beats touched by bytes [off, off+len): ceil((off + len) / BUS_BYTES).
  assign nbeats = (LEN_W+1)'(((LEN_W+2)'(off_o) + (LEN_W+2)'(len_q) + (LEN_W+2)'(BUS_BYTES - 1)) >> LgB);
  assign last_beat_o = (LEN_W+1)'(beat_q) == nbeats - 1'b1;
  assign {beat_carry, beat_sum} = (ADDR_W+1)'({row_addr_q[ADDR_W-1:LgB], {LgB{1'b0}}}) +
                                  ((ADDR_W+1)'(beat_q) << LgB);
  assign {row_carry, row_next}  = (ADDR_W+1)'(row_addr_q) + (ADDR_W+1)'(stride_q);
  assign beat_addr_o = (Narrow && (oob_q || beat_carry)) ? ~32'(BUS_BYTES - 1) : 32'(beat_sum);
  assign done_o = row_q == rows_q;
  assign row_o  = 16'(row_q);
  assign beat_o = 16'(beat_q);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      row_addr_q   <= '0;
      stride_q     <= '0;
      oob_q        <= 1'b0;
      stride_big_q <= 1'b0;
      rows_q       <= '0;
      len_q        <= '0;
      row_q        <= '0;
      beat_q       <= '0;
    end else if (init_i) begin
      row_addr_q   <= ADDR_W'(ext_addr_i);
      stride_q     <= ADDR_W'(stride_i);
      oob_q        <= Narrow && (ext_addr_i >> ADDR_W) != '0;
      stride_big_q <= Narrow && (stride_i >> ADDR_W) != '0;
      rows_q       <= ROWS_W'(rows_i);
      len_q        <= LEN_W'(len_i);
      row_q        <= '0;
      beat_q       <= '0;
    end else if (step_i && !done_o) begin
      if (last_beat_o) begin
        beat_q     <= '0;
        row_q      <= row_q + 1'b1;
        row_addr_q <= row_next;
        if (Narrow && (row_carry || stride_big_q)) oob_q <= 1'b1;
      end else begin
        beat_q <= beat_q + 1'b1;
      end
    end
  end
  logic unused_walker;
  assign unused_walker = ^{len_i, rows_i, stride_i, ext_addr_i};   // the low bits are used
endmodule
