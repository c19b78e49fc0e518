// Link deframer (hw/link.json framing; the C twin is driver/core/link_frame.c). Takes line bytes,
// removes the byte stuffing and stores the body (header, payload, FCS) in a RAM of
// HEADER + MAX_PAYLOAD + FCS bytes. At the closing FLAG the body is checked like the C receiver
// does (over-long, shorter than header + FCS or len disagreeing, FCS) and either dropped and
// counted, or held as the current frame: frame_valid_o stays high, payload bytes are readable by
// index (1-cycle latency), and line bytes are dropped until release_i. If any were dropped, the
// deframer then hunts for the next FLAG (that frame is lost; the host retransmits); if none were,
// it goes on exactly like the C receiver.
module mica_link_rx #(
  parameter int unsigned CNT_W   = 16,   // drop counters (saturate)
  parameter int unsigned FRAME_W = 32    // accepted-frame counter (wraps, like a u32)
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             byte_valid_i,
  input  logic [7:0]       byte_i,
  // The held frame
  output logic             frame_valid_o,
  output logic [7:0]       seq_o,
  output logic [7:0]       cmd_o,
  output logic [15:0]      len_o,
  input  logic [$clog2(mica_link_pkg::LINK_MAX_PAYLOAD)-1:0] rd_idx_i, // payload index (held frame)
  output logic [7:0]       rd_data_o,    // payload[rd_idx_i] of the previous cycle
  input  logic             release_i,    // done with the frame
  // The CRC-32 (mica_link_crc32), shared with the framer: never both busy, since the framer only
  // sends while a frame is held and the deframer clears the CRC on release.
  output logic             crc_clear_o,
  output logic             crc_en_o,
  output logic [7:0]       crc_data_o,
  input  logic [31:0]      crc_i,
  // Frames accepted (wraps) and bodies dropped, by reason (saturate at all ones)
  output logic [FRAME_W-1:0] frames_ok_o,
  output logic [CNT_W-1:0] bad_fcs_o,
  output logic [CNT_W-1:0] bad_length_o,
  output logic [CNT_W-1:0] too_long_o,
  output logic [CNT_W-1:0] aborted_o
);
  localparam int unsigned HdrBytes = mica_link_pkg::LINK_HEADER_BYTES;
  localparam int unsigned FcsBytes = mica_link_pkg::LINK_FCS_BYTES;
  localparam int unsigned BodyMax  = HdrBytes + mica_link_pkg::LINK_MAX_PAYLOAD + FcsBytes;
  localparam int unsigned AW       = $clog2(BodyMax);
  localparam int unsigned NW       = $clog2(BodyMax + 1);
  localparam logic [7:0]  Flag     = 8'(mica_link_pkg::LINK_FLAG);
  localparam logic [7:0]  Esc      = 8'(mica_link_pkg::LINK_ESCAPE);
  localparam logic [7:0]  EscXor   = 8'(mica_link_pkg::LINK_ESCAPE_XOR);
  // CRC register after a body followed by its correct FCS (the CRC-32 residue).
  localparam logic [31:0] Residue  = mica_link_pkg::LINK_CRC32_RESIDUE;

  logic             hunt_d, hunt_q, esc_d, esc_q, ovf_d, ovf_q, held_d, held_q, lost_d, lost_q;
  logic [NW-1:0]    n_d, n_q;
  logic [7:0]       seq_d, seq_q, cmd_d, cmd_q;
  logic [15:0]      len_d, len_q;
  logic             crc_clear, store;
  logic [7:0]       body_byte;
  logic             cnt_fcs, cnt_len, cnt_long, cnt_abort;
  logic [CNT_W-1:0] bad_fcs_q, bad_len_q, too_long_q, aborted_q;
  logic [FRAME_W-1:0] frames_q;

  assign body_byte = esc_q ? (byte_i ^ EscXor) : byte_i;

  always_comb begin
    hunt_d = hunt_q; esc_d = esc_q; ovf_d = ovf_q; held_d = held_q; lost_d = lost_q; n_d = n_q;
    seq_d = seq_q; cmd_d = cmd_q; len_d = len_q;
    crc_clear = 1'b0; store = 1'b0;
    cnt_fcs = 1'b0; cnt_len = 1'b0; cnt_long = 1'b0; cnt_abort = 1'b0;
    if (held_q) begin
      if (byte_valid_i) lost_d = 1'b1;
      if (release_i) begin
        held_d    = 1'b0;
        crc_clear = 1'b1;
        hunt_d = lost_d;
        lost_d = 1'b0;
      end
    end else if (byte_valid_i) begin
      if (byte_i == Flag) begin
        if (hunt_q)      hunt_d = 1'b0;
        else if (esc_q)  cnt_abort = 1'b1;
        else if (ovf_q)  cnt_long = 1'b1;
        else if (n_q == '0) begin
          // FLAG FLAG: resynchronisation, not a frame
        end else if (n_q < NW'(HdrBytes + FcsBytes) ||
                     17'(len_q) + 17'(HdrBytes + FcsBytes) != 17'(n_q)) cnt_len = 1'b1;
        else if (crc_i != Residue) cnt_fcs = 1'b1;
        else held_d = 1'b1;
        n_d = '0; esc_d = 1'b0; ovf_d = 1'b0; crc_clear = 1'b1;
      end else if (hunt_q) begin
        // between frames: noise until the next FLAG
      end else if (byte_i == Esc && !esc_q) begin
        esc_d = 1'b1;
      end else begin
        esc_d = 1'b0;
        if (n_q < NW'(BodyMax)) begin
          store = 1'b1;
          n_d   = n_q + 1'b1;
          if (n_q == NW'(0)) seq_d = body_byte;
          if (n_q == NW'(1)) cmd_d = body_byte;
          if (n_q == NW'(2)) len_d[7:0] = body_byte;
          if (n_q == NW'(3)) len_d[15:8] = body_byte;
        end else begin
          ovf_d = 1'b1;
        end
      end
    end
  end

  assign crc_clear_o = crc_clear;
  assign crc_en_o    = store;
  assign crc_data_o  = body_byte;

  // One port: the line writes while no frame is held, the bridge reads while one is.
  logic [AW-1:0] ram_addr;
  assign ram_addr = held_q ? AW'(rd_idx_i) + AW'(HdrBytes) : AW'(n_q);

  mica_board_ram #(.WORD_BYTES(1), .DEPTH(BodyMax)) u_body (
    .clk_i, .req_i(held_q | store), .we_i(store), .addr_i(ram_addr), .wdata_i(body_byte),
    .rdata_o(rd_data_o)
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      hunt_q <= 1'b0; esc_q <= 1'b0; ovf_q <= 1'b0; held_q <= 1'b0; lost_q <= 1'b0; n_q <= '0;
      seq_q <= '0; cmd_q <= '0; len_q <= '0;
      bad_fcs_q <= '0; bad_len_q <= '0; too_long_q <= '0; aborted_q <= '0; frames_q <= '0;
    end else begin
      hunt_q <= hunt_d; esc_q <= esc_d; ovf_q <= ovf_d; held_q <= held_d; lost_q <= lost_d;
      n_q <= n_d;
      seq_q <= seq_d; cmd_q <= cmd_d; len_q <= len_d;
      if (cnt_fcs   && !(&bad_fcs_q))  bad_fcs_q  <= bad_fcs_q + 1'b1;
      if (cnt_len   && !(&bad_len_q))  bad_len_q  <= bad_len_q + 1'b1;
      if (cnt_long  && !(&too_long_q)) too_long_q <= too_long_q + 1'b1;
      if (cnt_abort && !(&aborted_q))  aborted_q  <= aborted_q + 1'b1;
      if (held_d && !held_q)           frames_q   <= frames_q + 1'b1;
    end
  end

  assign frame_valid_o = held_q;
  assign seq_o         = seq_q;
  assign cmd_o         = cmd_q;
  assign len_o         = len_q;
  assign frames_ok_o   = frames_q;
  assign bad_fcs_o     = bad_fcs_q;
  assign bad_length_o  = bad_len_q;
  assign too_long_o    = too_long_q;
  assign aborted_o     = aborted_q;
endmodule
