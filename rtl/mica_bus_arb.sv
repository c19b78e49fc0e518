// External memory port arbiter: fixed priority fetch > STORE > LOAD, one grant per cycle.
// Fetch goes first because it is small (bounded by the 4-entry instruction queue) and a LOAD
// streaming at full bus rate must not starve the instructions that run beside it.
// The request path is combinational (valid/addr of the winner go straight to the port, ready goes
// back to the winner only). Responses arrive in request order and carry the id of their
// requester, so routing them is a plain decode of mem_rsp_id_i.
module mica_bus_arb #(
  parameter int unsigned BUS_BYTES = 8
) (
  // Instruction fetch (id 0, reads only)
  input  logic                   fetch_valid_i,
  output logic                   fetch_ready_o,
  input  logic [31:0]            fetch_addr_i,
  output logic                   fetch_rsp_o,
  // LOAD unit (id 1, reads only)
  input  logic                   load_valid_i,
  output logic                   load_ready_o,
  input  logic [31:0]            load_addr_i,
  output logic                   load_rsp_o,
  // STORE unit (id 2, writes only)
  input  logic                   store_valid_i,
  output logic                   store_ready_o,
  input  logic [31:0]            store_addr_i,
  input  logic [8*BUS_BYTES-1:0] store_wdata_i,
  input  logic [BUS_BYTES-1:0]   store_wstrb_i,
  output logic                   store_rsp_o,
  // Port
  output logic                   mem_req_valid_o,
  input  logic                   mem_req_ready_i,
  output logic                   mem_req_we_o,
  output logic [31:0]            mem_req_addr_o,
  output logic [8*BUS_BYTES-1:0] mem_req_wdata_o,
  output logic [BUS_BYTES-1:0]   mem_req_wstrb_o,
  output logic [1:0]             mem_req_id_o,
  input  logic                   mem_rsp_valid_i,
  input  logic [1:0]             mem_rsp_id_i,
  // LOAD or STORE wanted the port this cycle and did not get through (STALL_MEM counter; the
  // instruction prefetcher is not a unit and is not counted).
  output logic                   stall_o
);
  localparam logic [1:0] IdFetch = 2'd0;
  localparam logic [1:0] IdLoad  = 2'd1;
  localparam logic [1:0] IdStore = 2'd2;

  logic grant_store, grant_load, grant_fetch;
  assign grant_fetch = fetch_valid_i;
  assign grant_store = store_valid_i & ~fetch_valid_i;
  assign grant_load  = load_valid_i & ~fetch_valid_i & ~store_valid_i;

  assign mem_req_valid_o = store_valid_i | load_valid_i | fetch_valid_i;
  assign mem_req_we_o    = grant_store;
  assign mem_req_addr_o  = grant_fetch ? fetch_addr_i : grant_store ? store_addr_i : load_addr_i;
  // Write data and strobes mean something only with mem_req_we_o: STORE's go out ungated.
  assign mem_req_wdata_o = store_wdata_i;
  assign mem_req_wstrb_o = store_wstrb_i;
  assign mem_req_id_o    = grant_fetch ? IdFetch : grant_store ? IdStore : IdLoad;

  assign store_ready_o = grant_store & mem_req_ready_i;
  assign load_ready_o  = grant_load & mem_req_ready_i;
  assign fetch_ready_o = grant_fetch & mem_req_ready_i;

  assign fetch_rsp_o = mem_rsp_valid_i & (mem_rsp_id_i == IdFetch);
  assign load_rsp_o  = mem_rsp_valid_i & (mem_rsp_id_i == IdLoad);
  assign store_rsp_o = mem_rsp_valid_i & (mem_rsp_id_i == IdStore);

  assign stall_o = (store_valid_i & ~store_ready_o) | (load_valid_i & ~load_ready_o);
endmodule
