// WEIGHT unit (LOADW): streams the ROWS x COLS tile at WSPAD[wspad_addr ..] into the array's
// shadow weight chain. Rows are read in reverse (addr+ROWS-1 first) because the row shifted in
// first ends at the bottom of the chain. One WSPAD read per cycle, the shift follows one cycle
// later (SRAM latency): ROWS + 1 busy cycles after the start cycle.
module mica_weight_unit #(
  parameter int unsigned ROWS        = mica_pkg::ROWS_DEFAULT,
  parameter int unsigned COLS        = mica_pkg::COLS_DEFAULT,
  parameter int unsigned WSPAD_DEPTH = mica_pkg::WSPAD_DEPTH_DEFAULT,
  localparam int unsigned AW = $clog2(WSPAD_DEPTH)
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              start_i,
  input  logic [127:0]      instr_i,
  output logic              busy_o,
  output logic              wspad_re_o,
  output logic [AW-1:0]     wspad_raddr_o,
  input  logic [COLS*8-1:0] wspad_rdata_i,
  output logic              w_shift_o,
  output logic [COLS*8-1:0] w_row_o
);
  localparam int unsigned CntW = $clog2(ROWS + 1);

  logic [CntW-1:0] left_q;   // rows still to read
  logic [AW-1:0]   addr_q;   // next WSPAD row to read
  logic            shift_q;  // a read was issued last cycle
  logic [15:0]     base;
  assign base = instr_i[mica_pkg::LOADW_WSPAD_ADDR_LSB +: mica_pkg::LOADW_WSPAD_ADDR_W];

  assign wspad_re_o    = left_q != '0;
  assign wspad_raddr_o = addr_q;
  assign w_shift_o     = shift_q;
  assign w_row_o       = wspad_rdata_i;
  assign busy_o        = wspad_re_o | shift_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      left_q  <= '0;
      addr_q  <= '0;
      shift_q <= 1'b0;
    end else begin
      shift_q <= wspad_re_o;
      if (start_i) begin
        left_q <= CntW'(ROWS);
        addr_q <= AW'(base + 16'(ROWS - 1));
      end else if (wspad_re_o) begin
        left_q <= left_q - 1'b1;
        addr_q <= addr_q - 1'b1;
      end
    end
  end
endmodule
