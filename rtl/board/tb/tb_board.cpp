// Bridge test through the whole mica_board_top (2x2): the host side encodes requests with the C
// framing (driver/core/link_frame.c), drives uart_rx_i bit by bit, samples uart_tx_o and decodes
// the replies with the C receiver. Covers every command, every NAK status, a corrupted frame (no
// reply), retransmissions (not re-executed), WAIT and RESET around a running program, STATS.
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <vector>

#include "Vmica_board_top.h"
#include "Vmica_board_top___024root.h"
#include "tb_board_common.h"
#include "verilated.h"
extern "C" {
#include "mica_isa.h"
#include "mica_link_frame.h"
}

namespace {

using Bytes = std::vector<uint8_t>;

struct Reply {
  bool got = false;
  uint8_t seq = 0, cmd = 0;
  Bytes payload;
};

uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
void put16(Bytes &b, uint16_t v) { b.push_back((uint8_t)v); b.push_back((uint8_t)(v >> 8)); }
void put32(Bytes &b, uint32_t v) { put16(b, (uint16_t)v); put16(b, (uint16_t)(v >> 16)); }

class Host {
 public:
  Vmica_board_top dut;
  tbb::Checker chk;
  uint64_t cycle = 0;
  unsigned acc_resets = 0;

  Host() : line_tx_(CLKS_PER_BIT), line_rx_(CLKS_PER_BIT) {
    crx_ = new mica_link_rx_t;
    mica_link_rx_init(crx_);
    dut.uart_rx_i = 1;
    dut.rst_ni = 0; dut.clk_i = 0; dut.eval();
    dut.clk_i = 1; dut.eval();
    dut.rst_ni = 1;
    for (int i = 0; i < 10; ++i) step();
  }
  ~Host() { delete crx_; }

  void step() {
    dut.uart_rx_i = line_tx_.level();
    dut.clk_i = 0; dut.eval();
    dut.clk_i = 1; dut.eval();
    ++cycle;
    // The accelerator reset pulses the bridge gave (an internal register: no port shows it).
    uint8_t rst = dut.rootp->mica_board_top__DOT__u_link__DOT__u_bridge__DOT__acc_reset_q;
    if (rst && !acc_reset_prev_) ++acc_resets;
    acc_reset_prev_ = rst;
    uint8_t b;
    if (line_rx_.feed(dut.uart_tx_o, &b) && mica_link_rx_byte(crx_, b)) {
      Reply r;
      r.got = true; r.seq = crx_->seq; r.cmd = crx_->cmd;
      r.payload.assign(crx_->payload, crx_->payload + crx_->len);
      replies_.push_back(r);
    }
  }

  // Sends raw line bytes and waits for one reply (or `timeout` cycles after the last bit).
  Reply exchange_raw(const Bytes &line, uint64_t timeout = 20000) {
    line_tx_.send(line);
    while (!line_tx_.idle()) step();
    for (uint64_t t = 0; t < timeout && replies_.empty(); ++t) step();
    Reply r;
    if (!replies_.empty()) { r = replies_.front(); replies_.pop_front(); }
    return r;
  }
  Reply exchange(uint8_t seq, uint8_t cmd, const Bytes &pl, uint64_t timeout = 20000) {
    Bytes f(MICA_LINK_FRAME_MAX);
    f.resize(mica_link_encode(seq, cmd, pl.data(), pl.size(), f.data(), f.size()));
    return exchange_raw(f, timeout);
  }
  Reply request(uint8_t cmd, const Bytes &pl, uint64_t timeout = 20000) {
    return exchange(++seq_, cmd, pl, timeout);
  }

  // A reply that is cmd | REPLY_BIT with `len` payload bytes, for the request just sent.
  bool expect_ok(const Reply &r, uint8_t cmd, size_t len, const char *what) {
    bool ok = chk.expect(r.got, what, r.got, 1) &&
              chk.eq(r.cmd, cmd | MICA_LINK_REPLY_BIT, what) &&
              chk.eq((long long)r.payload.size(), (long long)len, what);
    return ok;
  }
  void expect_nak(const Reply &r, uint8_t status, const char *what) {
    if (chk.expect(r.got, what, r.got, 1) && chk.eq(r.cmd, MICA_LINK_NAK, what) &&
        chk.eq((long long)r.payload.size(), 1, what))
      chk.eq(r.payload[0], status, what);
  }

  std::vector<uint32_t> csr_read(uint16_t addr, uint8_t count) {
    Bytes pl; put16(pl, addr); pl.push_back(count);
    Reply r = request(MICA_LINK_CMD_CSR_READ, pl);
    std::vector<uint32_t> v;
    if (expect_ok(r, MICA_LINK_CMD_CSR_READ, 4u * count, "CSR_READ reply"))
      for (unsigned i = 0; i < count; ++i) v.push_back(le32(&r.payload[4 * i]));
    v.resize(count, 0xDEADBEEF);
    return v;
  }
  Bytes csr_write_pl(uint16_t addr, uint32_t val) { Bytes pl; put16(pl, addr); put32(pl, val); return pl; }
  void csr_write(uint16_t addr, uint32_t val) {
    expect_ok(request(MICA_LINK_CMD_CSR_WRITE, csr_write_pl(addr, val)), MICA_LINK_CMD_CSR_WRITE, 0,
              "CSR_WRITE reply");
  }
  Bytes mem_write_pl(uint32_t addr, const Bytes &data) {
    Bytes pl; put32(pl, addr); pl.insert(pl.end(), data.begin(), data.end()); return pl;
  }
  void mem_write(uint32_t addr, const Bytes &data) {
    expect_ok(request(MICA_LINK_CMD_MEM_WRITE, mem_write_pl(addr, data)), MICA_LINK_CMD_MEM_WRITE, 0,
              "MEM_WRITE reply");
  }
  Bytes mem_read_pl(uint32_t addr, uint16_t len) { Bytes pl; put32(pl, addr); put16(pl, len); return pl; }
  Bytes mem_read(uint32_t addr, uint16_t len) {
    Reply r = request(MICA_LINK_CMD_MEM_READ, mem_read_pl(addr, len), 80000);
    expect_ok(r, MICA_LINK_CMD_MEM_READ, len, "MEM_READ reply");
    return r.payload;
  }
  // WAIT: {STATUS, cycles}.
  std::pair<uint32_t, uint32_t> wait(uint32_t max_cycles) {
    Bytes pl; put32(pl, max_cycles);
    Reply r = request(MICA_LINK_CMD_WAIT, pl, (uint64_t)max_cycles + 20000);
    if (!expect_ok(r, MICA_LINK_CMD_WAIT, 8, "WAIT reply")) return {0xFFFFFFFF, 0};
    return {le32(&r.payload[0]), le32(&r.payload[4])};
  }
  uint8_t seq() const { return seq_; }
  // A byte with a low stop bit on the line (a UART framing error at the device).
  void send_bad_stop(uint8_t b) {
    line_tx_.send_bad_stop(b);
    while (!line_tx_.idle()) step();
    for (int i = 0; i < 4 * CLKS_PER_BIT; ++i) step();
  }
  // STATS: cycles, frames_ok, bad_fcs, bad_length, too_long, aborted, uart_errors; also the host
  // cycles at the request's first bit and at its reply.
  struct Stats { uint64_t cycles = 0; uint32_t c[6] = {}; uint64_t t0 = 0, t1 = 0; };
  Stats stats() {
    Stats st;
    st.t0 = cycle;
    Reply r = request(MICA_LINK_CMD_STATS, {});
    st.t1 = cycle;
    if (expect_ok(r, MICA_LINK_CMD_STATS, 32, "STATS reply")) {
      st.cycles = le32(&r.payload[0]) | (uint64_t)le32(&r.payload[4]) << 32;
      for (int i = 0; i < 6; ++i) st.c[i] = le32(&r.payload[8 + 4 * i]);
    }
    return st;
  }

 private:
  tbb::LineSender line_tx_;
  tbb::LineReceiver line_rx_;
  mica_link_rx_t *crx_;
  std::deque<Reply> replies_;
  uint8_t seq_ = 0;
  uint8_t acc_reset_prev_ = 0;
};

Bytes pattern(size_t n, unsigned seed) {
  Bytes b(n);
  srand(seed);
  for (auto &x : b) {
    unsigned r = (unsigned)rand() % 6;
    x = r == 0 ? MICA_LINK_FLAG : r == 1 ? MICA_LINK_ESCAPE : (uint8_t)rand();
  }
  return b;
}

void test_ping_and_csrs(Host &h) {
  Reply r = h.request(MICA_LINK_CMD_PING, {});
  if (h.expect_ok(r, MICA_LINK_CMD_PING, 12, "PING reply")) {
    h.chk.eq(r.seq, h.seq(), "PING reply carries the request's seq");
    h.chk.eq(r.payload[0] | r.payload[1] << 8, MICA_LINK_VERSION, "PING version");
    h.chk.eq(r.payload[2] | r.payload[3] << 8, MICA_LINK_MAX_PAYLOAD, "PING max payload");
    h.chk.eq(le32(&r.payload[4]), MEM_BYTES, "PING memory bytes");
    h.chk.eq(le32(&r.payload[8]), CLK_HZ, "PING clock");
  }
  auto v = h.csr_read(MICA_CSR_ID, 5);
  h.chk.eq(v[0], MICA_CSR_ID_VALUE, "CSR ID");
  h.chk.eq(v[1], MICA_SPEC_VERSION, "CSR VERSION");
  h.chk.eq(v[2], 2u | 2u << 16, "CSR CONFIG0 (2x2)");
  h.chk.eq(v[4], 512u | 16u << 16 | (uint32_t)BUS_BYTES << 24, "CSR CONFIG2");
  // With ADDR_W < 32, PROG_ADDR keeps bits [ADDR_W-1:4] and reads back bit ADDR_W for any
  // higher bit written (hw/mica.json).
  const uint32_t pa = 0x12345670;
  const uint32_t pa_back = ADDR_W < 32 ? (pa & ((1u << ADDR_W) - 1) & ~0xFu) | ((pa >> ADDR_W) ? 1u << ADDR_W : 0)
                                       : pa;
  h.csr_write(MICA_CSR_PROG_ADDR, pa);
  h.chk.eq(h.csr_read(MICA_CSR_PROG_ADDR, 1)[0], pa_back, "PROG_ADDR written and read back");
  // The whole counter window in one request (the largest CSR_READ that fits the CSR space).
  auto cnt = h.csr_read(MICA_CSR_COUNTER_BASE, 2 * MICA_NUM_COUNTERS);
  h.chk.eq(cnt.size(), 2 * MICA_NUM_COUNTERS, "counter window read");
}

void test_memory(Host &h) {
  Bytes a = pattern(MICA_LINK_MAX_PAYLOAD - 4, 3), b = pattern(300, 4);
  h.mem_write(100, a);
  h.mem_write(MEM_BYTES - 300, b);
  Bytes got = h.mem_read(100, (uint16_t)a.size());
  h.chk.expect(got == a, "MEM_READ returns MEM_WRITE's bytes (escapes in data)", 0, 0);
  got = h.mem_read(MEM_BYTES - 300, 300);
  h.chk.expect(got == b, "last bytes of memory round trip", 0, 0);
  got = h.mem_read(101, 3);   // unaligned, inside a word
  h.chk.expect(got.size() == 3 && got[0] == a[1] && got[2] == a[3], "unaligned short read", 0, 0);
  got = h.mem_read(0, MICA_LINK_MAX_PAYLOAD);
  h.chk.expect(got.size() == MICA_LINK_MAX_PAYLOAD && got[100] == a[0], "MAX_PAYLOAD read", 0, 0);
  h.expect_ok(h.request(MICA_LINK_CMD_MEM_READ, h.mem_read_pl(5, 0)), MICA_LINK_CMD_MEM_READ, 0,
              "zero-length read");
}

void test_naks(Host &h) {
  h.expect_nak(h.request(MICA_LINK_CMD_MEM_READ, h.mem_read_pl(MEM_BYTES - 2, 4)),
               MICA_LINK_ST_BAD_ADDR, "MEM_READ past the end");
  h.expect_nak(h.request(MICA_LINK_CMD_MEM_READ, h.mem_read_pl(0xFFFFFFFF, 2)),
               MICA_LINK_ST_BAD_ADDR, "MEM_READ address wrap");
  h.expect_nak(h.request(MICA_LINK_CMD_MEM_WRITE, h.mem_write_pl(MEM_BYTES - 1, {0xAA, 0xBB})),
               MICA_LINK_ST_BAD_ADDR, "MEM_WRITE past the end");
  Bytes last = h.mem_read(MEM_BYTES - 1, 1);
  h.chk.expect(last.size() == 1 && last[0] != 0xAA, "refused MEM_WRITE wrote nothing", 0, 0);
  const unsigned csr_end = MICA_CSR_COUNTER_BASE + 8 * MICA_NUM_COUNTERS;   // the CSR space's end
  Bytes pl = {uint8_t(csr_end - 4), 0, 2};
  h.expect_nak(h.request(MICA_LINK_CMD_CSR_READ, pl), MICA_LINK_ST_BAD_ADDR, "CSR_READ past the end");
  pl = {2, 0, 1};
  h.expect_nak(h.request(MICA_LINK_CMD_CSR_READ, pl), MICA_LINK_ST_BAD_ADDR, "CSR_READ misaligned");
  h.expect_nak(h.request(MICA_LINK_CMD_CSR_WRITE, h.csr_write_pl(0x1000, 1)), MICA_LINK_ST_BAD_ADDR,
               "CSR_WRITE outside the CSR space");
  h.expect_nak(h.request(MICA_LINK_CMD_PING, {1}), MICA_LINK_ST_BAD_LEN, "PING with a payload");
  pl = {0, 0, 0};
  h.expect_nak(h.request(MICA_LINK_CMD_CSR_READ, pl), MICA_LINK_ST_BAD_LEN, "CSR_READ count 0");
  pl = {0, 0, MICA_LINK_MAX_CSR_READ + 1};
  h.expect_nak(h.request(MICA_LINK_CMD_CSR_READ, pl), MICA_LINK_ST_BAD_LEN, "CSR_READ count 65");
  h.expect_nak(h.request(MICA_LINK_CMD_MEM_READ, h.mem_read_pl(0, MICA_LINK_MAX_PAYLOAD + 1)),
               MICA_LINK_ST_BAD_LEN, "MEM_READ longer than MAX_PAYLOAD");
  h.expect_nak(h.request(MICA_LINK_CMD_CSR_WRITE, {MICA_CSR_PROG_ADDR, 0, 1, 2, 3}), MICA_LINK_ST_BAD_LEN,
               "CSR_WRITE short");
  h.expect_nak(h.request(MICA_LINK_CMD_MEM_WRITE, {0, 0, 0}), MICA_LINK_ST_BAD_LEN, "MEM_WRITE short");
  h.expect_nak(h.request(MICA_LINK_CMD_WAIT, {1, 0, 0}), MICA_LINK_ST_BAD_LEN, "WAIT short");
  h.expect_nak(h.request(MICA_LINK_CMD_RESET, {0}), MICA_LINK_ST_BAD_LEN, "RESET with a payload");
  h.expect_nak(h.request(0x55, {}), MICA_LINK_ST_BAD_CMD, "unknown command");
  h.expect_nak(h.request(MICA_LINK_CMD_PING | MICA_LINK_REPLY_BIT, {}), MICA_LINK_ST_BAD_CMD,
               "a reply sent as a request");
  h.expect_nak(h.request(0, {}), MICA_LINK_ST_BAD_CMD, "command 0");
}

void test_corrupt_and_retransmit(Host &h) {
  Bytes f(MICA_LINK_FRAME_MAX);
  Bytes pl = h.csr_write_pl(MICA_CSR_PROG_LEN, 777);
  f.resize(mica_link_encode(200, MICA_LINK_CMD_CSR_WRITE, pl.data(), pl.size(), f.data(), f.size()));
  f[f.size() - 3] ^= 0x10;   // an FCS byte
  Reply r = h.exchange_raw(f, 4000);
  h.chk.eq(r.got, 0, "corrupted frame gets no reply");
  h.chk.expect(h.csr_read(MICA_CSR_PROG_LEN, 1)[0] != 777, "corrupted CSR_WRITE not executed", 0, 0);
  // Noise on the line, then a good frame: the FLAG at its start resynchronises.
  Reply p = h.exchange_raw({0x12, 0x7D, 0x34, 0x56}, 2000);
  h.chk.eq(p.got, 0, "noise gets no reply");
  h.expect_ok(h.request(MICA_LINK_CMD_PING, {}), MICA_LINK_CMD_PING, 12, "PING after noise");

  // A retransmitted write (same seq and cmd) is answered but not executed again.
  h.expect_ok(h.exchange(90, MICA_LINK_CMD_CSR_WRITE, h.csr_write_pl(MICA_CSR_PROG_LEN, 111)),
              MICA_LINK_CMD_CSR_WRITE, 0, "CSR_WRITE seq 90");
  r = h.exchange(90, MICA_LINK_CMD_CSR_WRITE, h.csr_write_pl(MICA_CSR_PROG_LEN, 222));
  h.expect_ok(r, MICA_LINK_CMD_CSR_WRITE, 0, "retransmitted CSR_WRITE answered");
  h.chk.eq(r.seq, 90, "retransmission reply seq");
  h.chk.eq(h.csr_read(MICA_CSR_PROG_LEN, 1)[0], 111, "retransmitted CSR_WRITE not executed");
  h.expect_ok(h.exchange(91, MICA_LINK_CMD_MEM_WRITE, h.mem_write_pl(40, {1, 2, 3})),
              MICA_LINK_CMD_MEM_WRITE, 0, "MEM_WRITE seq 91");
  h.expect_ok(h.exchange(91, MICA_LINK_CMD_MEM_WRITE, h.mem_write_pl(40, {9, 9, 9})),
              MICA_LINK_CMD_MEM_WRITE, 0, "retransmitted MEM_WRITE answered");
  Bytes m = h.mem_read(40, 3);
  h.chk.expect(m == Bytes({1, 2, 3}), "retransmitted MEM_WRITE not executed", m.size() ? m[0] : -1, 1);
  // A NAK is resent as it was.
  h.expect_nak(h.exchange(92, MICA_LINK_CMD_MEM_WRITE, h.mem_write_pl(MEM_BYTES, {1})),
               MICA_LINK_ST_BAD_ADDR, "NAK seq 92");
  h.expect_nak(h.exchange(92, MICA_LINK_CMD_MEM_WRITE, h.mem_write_pl(MEM_BYTES, {1})),
               MICA_LINK_ST_BAD_ADDR, "retransmitted NAK");
  // The same write with a new seq executes.
  h.expect_ok(h.exchange(93, MICA_LINK_CMD_CSR_WRITE, h.csr_write_pl(MICA_CSR_PROG_LEN, 222)),
              MICA_LINK_CMD_CSR_WRITE, 0, "CSR_WRITE seq 93");
  h.chk.eq(h.csr_read(MICA_CSR_PROG_LEN, 1)[0], 222, "new seq executes");
}

// An instruction's 16 bytes as the fetch reads them (little-endian words).
void append_instr(Bytes &prog, const mica_instr_t &in) {
  for (int k = 0; k < 16; ++k) prog.push_back((uint8_t)(in.w[k / 8] >> (8 * (k % 8))));
}

// A program that keeps the accelerator busy for about `loads` x ASPAD rows cycles, then ENDs.
Bytes busy_program(unsigned loads, unsigned rows) {
  Bytes prog;
  for (unsigned i = 0; i <= loads; ++i) {
    mica_instr_t in;
    if (i < loads) {
      mica_load_fields_t f = {};
      f.target = 0; f.rows = rows; f.len = 1;
      mica_load_encode(&f, &in, nullptr);
    } else {
      in.w[0] = in.w[1] = 0;
      MICA_SET(&in, MICA_F_OPCODE, MICA_OP_END);
    }
    append_instr(prog, in);
  }
  return prog;
}

void test_run_wait_reset(Host &h) {
  auto idle = h.wait(500);
  h.chk.eq(idle.first & (MICA_STATUS_BUSY | MICA_STATUS_DONE | MICA_STATUS_ERROR), 0, "idle STATUS");
  h.chk.eq(idle.second, 500, "WAIT on an idle accelerator returns after max cycles");

  const uint32_t prog_at = 0x1000;
  Bytes prog = busy_program(16, 2048);
  h.mem_write(prog_at, prog);
  h.csr_write(MICA_CSR_PROG_ADDR, prog_at);
  h.csr_write(MICA_CSR_PROG_LEN, (uint32_t)prog.size() / 16);
  uint64_t t0 = h.cycle;
  h.csr_write(MICA_CSR_CTRL, MICA_CTRL_START);
  h.chk.eq(h.csr_read(MICA_CSR_STATUS, 1)[0] & MICA_STATUS_BUSY, MICA_STATUS_BUSY, "running: BUSY");
  h.expect_nak(h.request(MICA_LINK_CMD_MEM_READ, h.mem_read_pl(0, 4)), MICA_LINK_ST_BUSY,
               "MEM_READ while busy");
  h.expect_nak(h.request(MICA_LINK_CMD_MEM_WRITE, h.mem_write_pl(0, {1})), MICA_LINK_ST_BUSY,
               "MEM_WRITE while busy");
  auto done = h.wait(1000000);
  h.chk.eq(done.first & (MICA_STATUS_BUSY | MICA_STATUS_DONE | MICA_STATUS_ERROR), MICA_STATUS_DONE,
           "WAIT returns DONE");
  h.chk.expect(done.second > 1000 && done.second < 1000000, "WAIT stopped at DONE", done.second, 0);
  printf("program ran about %llu cycles after START\n", (unsigned long long)(h.cycle - t0));
  h.chk.eq(h.csr_read(MICA_CSR_ERROR, 1)[0], 0, "no error code");

  // RESET while running: the accelerator stops and its CSRs reset; the memory keeps its contents.
  h.csr_write(MICA_CSR_CTRL, MICA_CTRL_START);
  h.chk.eq(h.csr_read(MICA_CSR_STATUS, 1)[0] & MICA_STATUS_BUSY, MICA_STATUS_BUSY, "running again");
  h.expect_ok(h.exchange(150, MICA_LINK_CMD_RESET, {}), MICA_LINK_CMD_RESET, 0, "RESET reply");
  auto st = h.csr_read(MICA_CSR_STATUS, 5);   // STATUS, ERROR, ERROR_PC, PROG_ADDR, PROG_LEN
  h.chk.eq(st[0], 0, "STATUS after RESET");
  h.chk.eq(st[3], 0, "PROG_ADDR after RESET");
  Bytes back = h.mem_read(prog_at, (uint16_t)prog.size());
  h.chk.expect(back == prog, "RESET keeps the memory", 0, 0);
  // A retransmitted RESET (directly after its first copy) is answered, not executed.
  unsigned resets = h.acc_resets;
  h.expect_ok(h.exchange(151, MICA_LINK_CMD_RESET, {}), MICA_LINK_CMD_RESET, 0, "RESET seq 151");
  h.expect_ok(h.exchange(151, MICA_LINK_CMD_RESET, {}), MICA_LINK_CMD_RESET, 0, "RESET retransmitted");
  h.chk.eq(h.acc_resets - resets, 1, "retransmitted RESET not executed");
  h.csr_write(MICA_CSR_PROG_ADDR, 0x40);

  // A program that fails: WAIT reports ERROR.
  mica_instr_t bad = {{0xF, 0}};
  Bytes badp;
  append_instr(badp, bad);
  h.mem_write(0x40, badp);
  h.csr_write(MICA_CSR_PROG_LEN, 1);
  h.csr_write(MICA_CSR_CTRL, MICA_CTRL_START);
  auto err = h.wait(100000);
  h.chk.eq(err.first & MICA_STATUS_ERROR, MICA_STATUS_ERROR, "WAIT returns ERROR");
  h.chk.eq(h.csr_read(MICA_CSR_ERROR, 1)[0], MICA_ERR_ILLEGAL_OPCODE, "error code over the link");

  // LOADs from the memory's last word and from just past it: the second is a bus error at its
  // instruction (mica_top sends an address past 2^ADDR_W to the last bus word, and the board
  // memory's range check answers it with an error).
  for (uint32_t at : {(uint32_t)MEM_BYTES - (uint32_t)BUS_BYTES, (uint32_t)MEM_BYTES}) {
    mica_load_fields_t lf = {};
    lf.target = 0; lf.rows = 1; lf.len = 1; lf.ext_addr = at;
    mica_instr_t ld, end = {{0, 0}};
    mica_load_encode(&lf, &ld, nullptr);
    MICA_SET(&end, MICA_F_OPCODE, MICA_OP_END);
    Bytes p2;
    append_instr(p2, ld);
    append_instr(p2, end);
    h.mem_write(0x40, p2);
    h.csr_write(MICA_CSR_PROG_LEN, 2);
    h.csr_write(MICA_CSR_CTRL, MICA_CTRL_START);
    auto r = h.wait(100000);
    bool past = at == MEM_BYTES;
    h.chk.eq(r.first & (MICA_STATUS_DONE | MICA_STATUS_ERROR), past ? MICA_STATUS_ERROR : MICA_STATUS_DONE,
             past ? "LOAD past the memory: ERROR" : "LOAD of the last word: DONE");
    auto e = h.csr_read(MICA_CSR_ERROR, 2);   // ERROR, ERROR_PC
    h.chk.eq(e[0], past ? MICA_ERR_BUS : 0, "bus error code");
    h.chk.eq(e[1], 0, "bus error at the LOAD");
  }
}

void test_stats(Host &h) {
  enum { kFramesOk, kBadFcs, kBadLength, kTooLong, kAborted, kUart };
  Host::Stats a = h.stats();
  // The device counts cycles from reset like the host does (reset, then 10 idle cycles).
  h.chk.expect(a.cycles >= a.t0 && a.cycles <= a.t1, "STATS cycles within the request's span",
               (long long)a.cycles, (long long)a.t0);
  h.chk.expect(a.c[kFramesOk] > 50, "frames accepted so far", a.c[kFramesOk], 50);
  h.expect_ok(h.request(MICA_LINK_CMD_PING, {}), MICA_LINK_CMD_PING, 12, "PING between STATS");
  Bytes f(MICA_LINK_FRAME_MAX), pl = {1, 2, 3};
  f.resize(mica_link_encode(7, MICA_LINK_CMD_PING, pl.data(), pl.size(), f.data(), f.size()));
  Bytes bad_fcs = f;
  bad_fcs[2] ^= 1;                                        // the cmd byte: FCS no longer matches
  h.chk.eq(h.exchange_raw(bad_fcs, 1000).got, 0, "bad FCS: no reply");
  Bytes aborted(f.begin(), f.begin() + 4);
  aborted.push_back(MICA_LINK_ESCAPE);
  aborted.push_back(MICA_LINK_FLAG);
  h.chk.eq(h.exchange_raw(aborted, 1000).got, 0, "aborted: no reply");
  h.chk.eq(h.exchange_raw({MICA_LINK_FLAG, 1, 2, 3, MICA_LINK_FLAG}, 1000).got, 0, "short: no reply");
  Bytes longb(MICA_LINK_BODY_MAX + 1, 0x11);
  longb.insert(longb.begin(), MICA_LINK_FLAG);
  longb.push_back(MICA_LINK_FLAG);
  h.chk.eq(h.exchange_raw(longb, 1000).got, 0, "too long: no reply");
  h.send_bad_stop(0x55);
  h.send_bad_stop(MICA_LINK_FLAG);
  Host::Stats b = h.stats();
  h.chk.expect(b.cycles > a.cycles + (b.t0 - a.t0) - 10 && b.cycles <= b.t1, "STATS cycles advance",
               (long long)(b.cycles - a.cycles), (long long)(b.t0 - a.t0));
  h.chk.eq(b.c[kFramesOk] - a.c[kFramesOk], 2, "frames_ok counts PING and STATS");
  h.chk.eq(b.c[kBadFcs] - a.c[kBadFcs], 1, "bad_fcs counted");
  h.chk.eq(b.c[kAborted] - a.c[kAborted], 1, "aborted counted");
  h.chk.eq(b.c[kTooLong] - a.c[kTooLong], 1, "too_long counted");
  // The short body; the bad-stop bytes are dropped, then STATS's opening FLAG ends an empty body.
  h.chk.eq(b.c[kBadLength] - a.c[kBadLength], 1, "bad_length counted");
  h.chk.eq(b.c[kUart] - a.c[kUart], 2, "UART stop-bit errors counted");
  h.expect_nak(h.request(MICA_LINK_CMD_STATS, {0}), MICA_LINK_ST_BAD_LEN, "STATS with a payload");
}

}  // namespace

int main(int argc, char **argv) {
  Verilated::commandArgs(argc, argv);
  auto h = std::make_unique<Host>();
  test_ping_and_csrs(*h);
  test_memory(*h);
  test_naks(*h);
  test_corrupt_and_retransmit(*h);
  test_run_wait_reset(*h);
  test_stats(*h);
  printf("%llu cycles simulated\n", (unsigned long long)h->cycle);
  return h->chk.finish("board");
}
