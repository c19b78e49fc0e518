// Unit test of mica_sram (WIDTH/DEPTH from -DWIDTH/-DDEPTH, matching -G): random reads and
// writes against a C++ model. Checks the 1-cycle read latency, that rdata_o holds while
// re_i = 0, and that a read of the address written in the same cycle returns the OLD row.
#include <cinttypes>
#include <memory>
#include <random>

#include "Vmica_sram.h"
#include "tb_common.h"

#ifndef WIDTH
#error "compile with -DWIDTH=<n> -DDEPTH=<n> matching the Verilator -G parameters"
#endif

namespace {

constexpr unsigned kWidth = WIDTH;
constexpr unsigned kDepth = DEPTH;

tb::Words random_row(std::mt19937_64& rng) {
  tb::Words w = tb::zero_words(kWidth);
  for (unsigned b = 0; b < kWidth; b += 32) {
    unsigned n = kWidth - b < 32 ? kWidth - b : 32;
    tb::set_field(w, b, n, rng());
  }
  return w;
}

std::string hex(const tb::Words& w) {
  std::string s;
  char buf[16];
  for (std::size_t i = w.size(); i-- > 0;) {
    std::snprintf(buf, sizeof buf, "%08x", w[i]);
    s += buf;
  }
  return s;
}

struct Model {
  std::vector<tb::Words> rows = std::vector<tb::Words>(kDepth);
  std::vector<bool> written = std::vector<bool>(kDepth, false);
  tb::Words rdata;
  bool rdata_known = false;
};

}  // namespace

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  uint64_t seed = 1;
  uint64_t cycles = 200000;
  for (int i = 1; i < argc; ++i) {
    if (std::sscanf(argv[i], "--seed=%" SCNu64, &seed) == 1) continue;
    if (std::sscanf(argv[i], "--cycles=%" SCNu64, &cycles) == 1) continue;
  }
  std::mt19937_64 rng(seed);
  auto dut = std::make_unique<Vmica_sram>();
  Model m;
  tb::Checker chk;
  uint64_t same_addr = 0;
  dut->clk_i = 0;
  dut->eval();

  for (uint64_t cyc = 0; cyc < cycles; ++cyc) {
    // Mostly a small address window so reads hit written rows and collide with writes.
    unsigned window = kDepth < 8 ? kDepth : 8;
    unsigned base = (cyc / 5000) % kDepth;
    auto addr = [&]() {
      return (rng() % 4 == 0) ? static_cast<unsigned>(rng() % kDepth)
                              : (base + static_cast<unsigned>(rng() % window)) % kDepth;
    };
    bool we = rng() % 2;
    bool re = rng() % 3 != 0;
    unsigned waddr = addr();
    unsigned raddr = (rng() % 4 == 0) ? waddr : addr();
    tb::Words wdata = random_row(rng);

    dut->we_i = we;
    dut->re_i = re;
    dut->waddr_i = waddr;
    dut->raddr_i = raddr;
    tb::put(dut->wdata_i, wdata);
    dut->eval();
    dut->clk_i = 1;
    dut->eval();
    dut->clk_i = 0;
    dut->eval();

    // Model: the read sees the contents before this cycle's write.
    if (re) {
      m.rdata_known = m.written[raddr];
      if (m.rdata_known) m.rdata = m.rows[raddr];
      if (we && waddr == raddr && m.rdata_known) ++same_addr;
    }
    if (we) {
      m.rows[waddr] = wdata;
      m.written[waddr] = true;
    }
    if (m.rdata_known) {
      tb::Words got = tb::get(dut->rdata_o);
      chk.expect(got == m.rdata, "cycle %" PRIu64 " (re=%d raddr=%u we=%d waddr=%u): got %s "
                 "expected %s", cyc, re, raddr, we, waddr, hex(got).c_str(), hex(m.rdata).c_str());
    }
  }
  std::printf("sram %ux%u: %" PRIu64 " cycles, %" PRIu64 " checks (%" PRIu64
              " same-address read-during-write), %" PRIu64 " errors (seed %" PRIu64 ")\n",
              kWidth, kDepth, cycles, chk.checks, same_addr, chk.errors, seed);
  return chk.errors == 0 ? 0 : 1;
}
