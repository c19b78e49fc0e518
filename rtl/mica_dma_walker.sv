// 2-D DMA address walker: rows of `len` bytes at ext_addr + i*stride (any alignment), split into
// BUS_BYTES-aligned beats. Steps one beat per step_i. The LOAD and STORE units run one walker on
// the request side and (LOAD) a second identical one on the response side, so response beats are
// matched to rows without a tag queue (responses come back in request order).
module mica_dma_walker #(
  parameter int unsigned BUS_BYTES = mica_pkg::BUS_BYTES_DEFAULT
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

  logic [31:0] row_addr_q, stride_q;
  logic [15:0] rows_q, len_q, row_q, beat_q;
  logic [16:0] nbeats;

  assign off_o  = row_addr_q[LgB-1:0];
  // Beats touched by bytes [off, off+len): ceil((off + len) / BUS_BYTES).
  assign nbeats = 17'((18'(off_o) + 18'(len_q) + 18'(BUS_BYTES - 1)) >> LgB);
  assign last_beat_o = 17'(beat_q) == nbeats - 17'd1;
  assign beat_addr_o = {row_addr_q[31:LgB], {LgB{1'b0}}} + (32'(beat_q) << LgB);
  assign done_o = row_q == rows_q;
  assign row_o  = row_q;
  assign beat_o = beat_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      row_addr_q <= '0;
      stride_q   <= '0;
      rows_q     <= '0;
      len_q      <= '0;
      row_q      <= '0;
      beat_q     <= '0;
    end else if (init_i) begin
      row_addr_q <= ext_addr_i;
      stride_q   <= stride_i;
      rows_q     <= rows_i;
      len_q      <= len_i;
      row_q      <= '0;
      beat_q     <= '0;
    end else if (step_i && !done_o) begin
      if (last_beat_o) begin
        beat_q     <= '0;
        row_q      <= row_q + 1'b1;
        row_addr_q <= row_addr_q + stride_q;
      end else begin
        beat_q <= beat_q + 1'b1;
      end
    end
  end
endmodule
