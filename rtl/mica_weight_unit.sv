// WEIGHT unit (LOADW): writes the ROWS x COLS tile at WSPAD[wspad_addr ..] into the array's
// shadow weight rows, row r from WSPAD[wspad_addr + r], one row per cycle in order 0..ROWS-1.
// One WSPAD read per cycle, the row write follows one cycle later (SRAM latency): ROWS + 1 busy
// cycles after the start cycle when not held. With `vector` set it reads the one row
// WSPAD[wspad_addr] into the vector unit's shadow weights instead (v_we_o): 2 busy cycles.
// No interlock with the swap wave is needed: a LOADW starts at least one cycle after the last
// MATMUL's start (x), so row r is written from cycle x+3+r on, never before the wave of that
// MATMUL's swap (cycle x+2) has passed it (mica_array: not before cycle s+r).
module mica_weight_unit #(
  parameter int unsigned ROWS        = mica_pkg::ROWS_DEFAULT,
  parameter int unsigned COLS        = mica_pkg::COLS_DEFAULT,
  parameter int unsigned WSPAD_DEPTH = mica_pkg::WSPAD_DEPTH_DEFAULT,
  localparam int unsigned AW  = $clog2(WSPAD_DEPTH),
  localparam int unsigned RIW = (ROWS > 1) ? $clog2(ROWS) : 1
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              start_i,
  input  logic [127:0]      instr_i,
  output logic              busy_o,
  output logic              wspad_re_o,
  output logic [AW-1:0]     wspad_raddr_o,
  input  logic [COLS*8-1:0] wspad_rdata_i,
  output logic              w_we_o,
  output logic              v_we_o,
  output logic [RIW-1:0]    w_addr_o,
  output logic [COLS*8-1:0] w_row_o
);
  localparam int unsigned CntW = $clog2(ROWS + 1);

  logic [CntW-1:0] left_q;   // rows still to read
  logic [AW-1:0]   addr_q;   // next WSPAD row to read
  logic [RIW-1:0]  row_q;    // array row of the next read
  logic            we_q;     // a read was issued last cycle
  logic [RIW-1:0]  waddr_q;  // its array row
  logic            vec_q;    // this LOADW targets the vector unit
  logic [AW-1:0]   base;
  logic [mica_pkg::LOADW_VECTOR_W-1:0] vector;
  assign vector = instr_i[mica_pkg::LOADW_VECTOR_LSB +: mica_pkg::LOADW_VECTOR_W];
  // In-range addresses (checked at issue) fit AW bits.
  assign base  = instr_i[mica_pkg::LOADW_WSPAD_ADDR_LSB +: AW];

  assign wspad_re_o    = left_q != '0;
  assign wspad_raddr_o = addr_q;
  assign w_we_o        = we_q & ~vec_q;
  assign v_we_o        = we_q & vec_q;
  assign w_addr_o      = waddr_q;
  assign w_row_o       = wspad_rdata_i;
  assign busy_o        = (left_q != '0) | we_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      left_q  <= '0;
      addr_q  <= '0;
      row_q   <= '0;
      we_q    <= 1'b0;
      waddr_q <= '0;
      vec_q   <= 1'b0;
    end else begin
      we_q <= wspad_re_o;
      if (wspad_re_o) waddr_q <= row_q;
      if (start_i) begin
        vec_q  <= vector == mica_pkg::LOADW_VECTOR_ROW;
        left_q <= vector == mica_pkg::LOADW_VECTOR_ROW ? CntW'(1) : CntW'(ROWS);
        addr_q <= base;
        row_q  <= '0;
      end else if (wspad_re_o) begin
        left_q <= left_q - 1'b1;
        addr_q <= addr_q + 1'b1;
        row_q  <= row_q + 1'b1;
      end
    end
  end
endmodule
