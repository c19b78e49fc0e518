// Link framer (hw/link.json framing; the C twin is mica_link_encode in driver/core/link_frame.c):
// FLAG, the stuffed header + payload + FCS, FLAG. start_i latches seq/cmd/len; the len payload
// bytes are then pulled from a valid/ready stream. Line bytes go to the UART transmitter through
// out_valid_o/out_ready_i. done_o pulses when the closing FLAG has been handed over.
module mica_link_tx #(
  // FPGA timing: the CRC takes each byte a cycle later, from cur_q, so the payload source (the
  // board memory's read data) no longer runs through the CRC logic in the same cycle. The FCS
  // is read no earlier than two cycles after the last CRC byte was fetched, so it is complete.
  parameter bit PIPE = 1'b0
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        start_i,      // only while !busy_o
  input  logic [7:0]  seq_i,
  input  logic [7:0]  cmd_i,
  input  logic [15:0] len_i,        // 0..MAX_PAYLOAD
  output logic        busy_o,
  output logic        done_o,
  // Payload stream
  input  logic        pl_valid_i,
  input  logic [7:0]  pl_data_i,
  output logic        pl_ready_o,
  // Line
  output logic        out_valid_o,
  output logic [7:0]  out_data_o,
  input  logic        out_ready_i,
  // The CRC-32 (mica_link_crc32), shared with the deframer (see mica_link_rx)
  output logic        crc_clear_o,
  output logic        crc_en_o,
  output logic [7:0]  crc_data_o,
  input  logic [31:0] crc_i
);
  localparam int unsigned HdrBytes = mica_link_pkg::LINK_HEADER_BYTES;
  localparam int unsigned FcsBytes = mica_link_pkg::LINK_FCS_BYTES;
  localparam logic [7:0]  Flag     = 8'(mica_link_pkg::LINK_FLAG);
  localparam logic [7:0]  Esc      = 8'(mica_link_pkg::LINK_ESCAPE);
  localparam logic [7:0]  EscXor   = 8'(mica_link_pkg::LINK_ESCAPE_XOR);
  localparam int unsigned IW       = $clog2(HdrBytes + mica_link_pkg::LINK_MAX_PAYLOAD + FcsBytes + 1);

  typedef enum logic [1:0] {Idle, Open, Body, Close} state_e;

  state_e      state_d, state_q;
  logic [7:0]  seq_d, seq_q, cmd_d, cmd_q;
  logic [IW-1:0] len_d, len_q;       // len_i <= MAX_PAYLOAD fits IW bits
  logic [IW-1:0] idx_d, idx_q;       // next body byte to fetch
  logic [7:0]  cur_d, cur_q;          // body byte being sent
  logic        have_d, have_q;        // cur_q is valid
  logic        esc_sent_d, esc_sent_q;
  logic        crc_clear, crc_en;
  logic [31:0] fcs;
  logic [7:0]  next_byte;
  logic        next_ok;
  logic        done_d, done_q;

  // Where the payload and the body end, registered: len_q is set at start and the Open state
  // (at least one cycle) comes before the first body byte, so the sums are ready by then and the
  // byte decisions compare registers (the adders were on the iCE40's longest path).
  logic [IW-1:0] pl_end, body_end;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      pl_end   <= '0;
      body_end <= '0;
    end else begin
      pl_end   <= len_q + IW'(HdrBytes);
      body_end <= len_q + IW'(HdrBytes + FcsBytes);
    end
  end
  assign fcs      = ~crc_i;

  // The body byte at idx_q: header, then payload (from the stream), then FCS (little-endian).
  logic [1:0] fcs_idx;   // FcsBytes == 4: the low two bits of idx_q - pl_end
  assign fcs_idx = idx_q[1:0] - pl_end[1:0];
  always_comb begin
    next_ok    = 1'b1;
    pl_ready_o = 1'b0;
    unique case (idx_q)
      IW'(0):  next_byte = seq_q;
      IW'(1):  next_byte = cmd_q;
      IW'(2):  next_byte = len_q[7:0];
      IW'(3):  next_byte = 8'(len_q[IW-1:8]);
      default: begin
        if (idx_q < pl_end) begin
          next_byte  = pl_data_i;
          next_ok    = pl_valid_i;
          pl_ready_o = state_q == Body && !have_q;
        end else begin
          next_byte = fcs[8*fcs_idx +: 8];
        end
      end
    endcase
  end

  logic is_special;
  assign is_special = cur_q == Flag || cur_q == Esc;

  always_comb begin
    out_valid_o = 1'b0;
    out_data_o  = Flag;
    unique case (state_q)
      Open, Close: out_valid_o = 1'b1;
      Body: begin
        out_valid_o = have_q;
        out_data_o  = !is_special ? cur_q : (esc_sent_q ? (cur_q ^ EscXor) : Esc);
      end
      default: ;
    endcase
  end

  always_comb begin
    state_d = state_q; seq_d = seq_q; cmd_d = cmd_q; len_d = len_q; idx_d = idx_q;
    cur_d = cur_q; have_d = have_q; esc_sent_d = esc_sent_q;
    crc_clear = 1'b0; crc_en = 1'b0; done_d = 1'b0;
    unique case (state_q)
      Idle: if (start_i) begin
        state_d = Open; seq_d = seq_i; cmd_d = cmd_i; len_d = IW'(len_i);
        idx_d = '0; have_d = 1'b0; crc_clear = 1'b1;
      end
      Open: if (out_ready_i) state_d = Body;
      Body: begin
        if (!have_q) begin
          if (idx_q == body_end) begin
            state_d = Close;
          end else if (next_ok) begin
            cur_d = next_byte; have_d = 1'b1; esc_sent_d = 1'b0;
            crc_en = idx_q < pl_end;
            idx_d = idx_q + 1'b1;
          end
        end else if (out_ready_i) begin
          if (is_special && !esc_sent_q) esc_sent_d = 1'b1;
          else have_d = 1'b0;
        end
      end
      Close: if (out_ready_i) begin
        state_d = Idle; done_d = 1'b1;
      end
      default: state_d = Idle;
    endcase
  end

  assign crc_clear_o = crc_clear;
  if (PIPE) begin : g_crc_pipe
    logic crc_pend_q;  // cur_q holds a byte the CRC has not taken yet
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) crc_pend_q <= 1'b0;
      else         crc_pend_q <= crc_en;
    end
    assign crc_en_o   = crc_pend_q;
    assign crc_data_o = cur_q;
  end else begin : g_crc_direct
    assign crc_en_o   = crc_en;
    assign crc_data_o = next_byte;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= Idle; seq_q <= '0; cmd_q <= '0; len_q <= '0; idx_q <= '0;
      cur_q <= '0; have_q <= 1'b0; esc_sent_q <= 1'b0; done_q <= 1'b0;
    end else begin
      state_q <= state_d; seq_q <= seq_d; cmd_q <= cmd_d; len_q <= len_d; idx_q <= idx_d;
      cur_q <= cur_d; have_q <= have_d; esc_sent_q <= esc_sent_d; done_q <= done_d;
    end
  end

  // len_i never exceeds MAX_PAYLOAD (the bridge's contract), so its top bits are always 0.
  logic unused_len_hi;
  assign unused_len_hi = ^len_i[15:IW];

  assign busy_o = state_q != Idle;
  assign done_o = done_q;
endmodule
