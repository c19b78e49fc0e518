// Byte-serial CRC-32 of the link's frame check sequence (hw/link.json framing.fcs: IEEE 802.3 /
// zlib, reflected). crc_o is the running register; the FCS sent is ~crc_o, little-endian. Run over
// a body including its own FCS, the register ends at Residue when the FCS is right.
module mica_link_crc32 (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        clear_i,  // start a new body (takes precedence over en_i)
  input  logic        en_i,
  input  logic [7:0]  data_i,
  output logic [31:0] crc_o
);
  localparam logic [31:0] Poly = mica_link_pkg::LINK_CRC32_POLY;
  localparam logic [31:0] Init = mica_link_pkg::LINK_CRC32_INIT;

  logic [31:0] crc_d, crc_q, next;

  always_comb begin
    next = crc_q ^ {24'd0, data_i};
    for (int i = 0; i < 8; i++) begin
      next = next[0] ? ((next >> 1) ^ Poly) : (next >> 1);
    end
  end

  always_comb begin
    crc_d = crc_q;
    if (clear_i)   crc_d = Init;
    else if (en_i) crc_d = next;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) crc_q <= Init;
    else         crc_q <= crc_d;
  end

  assign crc_o = crc_q;
endmodule
