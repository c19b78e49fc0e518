// Framer + deframer test, cross-checked against the C framing (driver/core/link_frame.c):
// - one line stream (C-encoded frames with FLAG/ESCAPE-heavy payloads, flipped bits, aborts,
//   over-long bodies, noise between frames, empty FLAG FLAG bodies) goes byte by byte into both
//   mica_link_rx and the C receiver: every frame the C side accepts the RTL presents with the same
//   seq/cmd/len/payload and nothing else, and the four drop counters agree;
// - frames the RTL framer sends are byte-identical to mica_link_encode's and the C receiver
//   accepts them.
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "Vtb_link_pair.h"
#include "tb_board_common.h"
#include "verilated.h"
extern "C" {
#include "mica_link_frame.h"
}

namespace {

using Bytes = std::vector<uint8_t>;

struct Bench {
  Vtb_link_pair dut;
  tbb::Checker chk;
  void step() {
    dut.clk_i = 0; dut.eval();
    dut.clk_i = 1; dut.eval();
  }
  void reset() {
    dut.rst_ni = 0; dut.eval(); step();
    dut.rst_ni = 1; dut.eval();
  }
};

unsigned rnd(unsigned n) { return (unsigned)rand() % n; }

// Payload bytes biased towards FLAG and ESCAPE so stuffing is exercised everywhere.
Bytes payload(size_t len) {
  Bytes p(len);
  for (auto &b : p) {
    unsigned r = rnd(8);
    b = r == 0 ? MICA_LINK_FLAG : r == 1 ? MICA_LINK_ESCAPE : (uint8_t)rnd(256);
  }
  return p;
}

Bytes encode(uint8_t seq, uint8_t cmd, const Bytes &pl) {
  Bytes out(MICA_LINK_FRAME_MAX);
  size_t n = mica_link_encode(seq, cmd, pl.data(), pl.size(), out.data(), out.size());
  out.resize(n);
  return out;
}

size_t random_len() {
  unsigned r = rnd(10);
  return r == 0 ? 0 : r == 1 ? MICA_LINK_MAX_PAYLOAD : r == 2 ? MICA_LINK_MAX_PAYLOAD - rnd(4) : rnd(64);
}

// The line: good frames mixed with every kind of damage.
Bytes make_stream(unsigned frames) {
  Bytes s;
  for (unsigned i = 0; i < frames; ++i) {
    Bytes f = encode((uint8_t)rnd(256), (uint8_t)rnd(256), payload(random_len()));
    switch (rnd(8)) {
      case 0: f[1 + rnd((unsigned)f.size() - 2)] ^= (uint8_t)(1u << rnd(8)); break;  // bit error
      case 1: f.insert(f.end() - 1, (uint8_t)MICA_LINK_ESCAPE); break;            // ESC FLAG abort
      case 2: f.erase(f.begin() + 1 + rnd((unsigned)f.size() - 2)); break;        // lost byte
      case 3:                                                                     // noise first
        for (unsigned k = rnd(6); k > 0; --k) s.push_back((uint8_t)rnd(256));
        break;
      case 4: {                                                                   // over-long body
        s.push_back(MICA_LINK_FLAG);
        for (unsigned k = 0; k < MICA_LINK_BODY_MAX + 1 + rnd(8); ++k) s.push_back((uint8_t)rnd(100));
        break;
      }
      case 5: s.push_back(MICA_LINK_FLAG); break;                                 // FLAG FLAG
      default: break;
    }
    s.insert(s.end(), f.begin(), f.end());
  }
  return s;
}

void check_deframer(Bench &b) {
  static mica_link_rx_t crx;
  mica_link_rx_init(&crx);
  Bytes stream = make_stream(300);
  unsigned accepted = 0;
  for (uint8_t byte : stream) {
    b.dut.byte_valid_i = 1;
    b.dut.byte_i = byte;
    b.step();
    b.dut.byte_valid_i = 0;
    int ok = mica_link_rx_byte(&crx, byte);
    if (!b.chk.eq(b.dut.frame_valid_o, ok, "RTL frame_valid agrees with the C receiver")) continue;
    if (!ok) continue;
    ++accepted;
    b.chk.eq(b.dut.seq_o, crx.seq, "seq");
    b.chk.eq(b.dut.cmd_o, crx.cmd, "cmd");
    b.chk.eq(b.dut.len_o, crx.len, "len");
    for (unsigned i = 0; i < crx.len; ++i) {
      b.dut.rd_idx_i = i;
      b.step();
      b.chk.eq(b.dut.rd_data_o, crx.payload[i], "payload byte");
    }
    b.dut.release_i = 1;
    b.step();
    b.dut.release_i = 0;
    b.chk.eq(b.dut.frame_valid_o, 0, "released");
  }
  b.chk.eq(b.dut.frames_ok_o, accepted, "frames_ok count");
  b.chk.eq(b.dut.bad_fcs_o, crx.bad_fcs, "bad_fcs count");
  b.chk.eq(b.dut.bad_length_o, crx.bad_length, "bad_length count");
  b.chk.eq(b.dut.too_long_o, crx.too_long, "too_long count");
  b.chk.eq(b.dut.aborted_o, crx.aborted, "aborted count");
  // The stream must have exercised every path.
  b.chk.expect(accepted > 50 && crx.bad_fcs > 5 && crx.bad_length > 5 && crx.too_long > 5 &&
               crx.aborted > 5, "stream covers every drop reason", accepted, 50);
  printf("deframer: %u frames accepted, drops fcs %u length %u long %u aborted %u\n", accepted,
         crx.bad_fcs, crx.bad_length, crx.too_long, crx.aborted);
}

// A frame held while more bytes arrive is kept intact; the bytes are dropped and the deframer
// resynchronises on the next FLAG.
void check_hold(Bench &b) {
  Bytes p1 = payload(20), p2 = payload(7);
  Bytes f1 = encode(1, 2, p1), f2 = encode(3, 4, p2), f3 = encode(5, 6, p2);
  Bytes line = f1;
  line.insert(line.end(), f2.begin(), f2.begin() + 5);  // arrives while f1 is held
  for (size_t i = 0; i < line.size(); ++i) {
    b.dut.byte_valid_i = 1; b.dut.byte_i = line[i]; b.step();
  }
  b.dut.byte_valid_i = 0;
  b.chk.eq(b.dut.seq_o, 1, "held frame kept while bytes arrive");
  b.dut.rd_idx_i = 19; b.step();
  b.chk.eq(b.dut.rd_data_o, p1[19], "held payload intact");
  b.dut.release_i = 1; b.step(); b.dut.release_i = 0;
  Bytes rest(f2.begin() + 5, f2.end());
  rest.insert(rest.end(), f3.begin(), f3.end());
  bool seen = false;
  for (uint8_t byte : rest) {
    b.dut.byte_valid_i = 1; b.dut.byte_i = byte; b.step();
    if (b.dut.frame_valid_o) {
      seen = true;
      b.chk.eq(b.dut.seq_o, 5, "after a lost frame the next one is received");
      b.dut.byte_valid_i = 0; b.dut.release_i = 1; b.step(); b.dut.release_i = 0;
    }
  }
  b.dut.byte_valid_i = 0;
  b.chk.expect(seen, "resynchronised", seen, 1);
}

void check_framer(Bench &b) {
  for (int t = 0; t < 120; ++t) {
    uint8_t seq = (uint8_t)rnd(256), cmd = (uint8_t)rnd(256);
    // Header bytes that need stuffing too.
    if (t % 5 == 0) seq = MICA_LINK_FLAG;
    if (t % 7 == 0) cmd = MICA_LINK_ESCAPE;
    size_t len = t % 11 == 0 ? (size_t)MICA_LINK_FLAG : random_len();  // len byte = FLAG
    Bytes pl = payload(len), want = encode(seq, cmd, pl), got;
    b.dut.tx_seq_i = seq; b.dut.tx_cmd_i = cmd; b.dut.tx_len_i = (uint16_t)len;
    b.dut.start_i = 1; b.step(); b.dut.start_i = 0;
    size_t next = 0;
    bool done = false;
    for (long cyc = 0; cyc < 20000 && !done; ++cyc) {
      // Random gaps on both sides of the framer.
      b.dut.pl_valid_i = next < pl.size() && rnd(3) != 0;
      b.dut.pl_data_i = next < pl.size() ? pl[next] : 0;
      b.dut.out_ready_i = rnd(4) != 0;
      b.dut.eval();
      bool take_pl = b.dut.pl_valid_i && b.dut.pl_ready_o;
      bool take_out = b.dut.out_valid_o && b.dut.out_ready_i;
      uint8_t out = b.dut.out_data_o;
      b.step();
      if (take_pl) ++next;
      if (take_out) got.push_back(out);
      done = b.dut.done_o;
    }
    b.chk.expect(done, "framer finished", done, 1);
    b.chk.eq(b.dut.busy_o, 0, "framer idle after done");
    b.chk.eq((long long)got.size(), (long long)want.size(), "frame length equals C encoder's");
    b.chk.expect(got == want, "frame bytes equal C encoder's", (long long)t, -1);
    static mica_link_rx_t crx;
    mica_link_rx_init(&crx);
    int ok = 0;
    for (uint8_t byte : got) ok |= mica_link_rx_byte(&crx, byte);
    b.chk.eq(ok, 1, "C receiver accepts the RTL frame");
    b.chk.eq(crx.seq, seq, "C-decoded seq");
    b.chk.eq(crx.len, (long long)len, "C-decoded len");
    b.chk.expect(ok && memcmp(crx.payload, pl.data(), len) == 0, "C-decoded payload", 0, 0);
  }
}

}  // namespace

int main(int argc, char **argv) {
  Verilated::commandArgs(argc, argv);
  srand(argc > 1 ? (unsigned)atoi(argv[1]) : 7u);
  auto b = std::make_unique<Bench>();
  b->reset();
  check_deframer(*b);
  check_hold(*b);
  check_framer(*b);
  return b->chk.finish("link");
}
