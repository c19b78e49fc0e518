// Control-level self-checking testbench for mica_top: drives the CSR port, models external memory
// (in-order responses, configurable latency, random ready), runs directed and random programs
// built with build/gen/mica_isa.h and checks memory, status and counters against the reference
// interpreter (driver/core/isa_ref.c, through tb_ref.h).
// usage: tb_top [--seed N] [--progs N] [--len N] [--perf] [--lat MIN MAX] [--ready PCT] [--serial]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include "Vmica_top.h"
#include "verilated.h"
#include "tb_ref.h"
#include "progen.h"

#ifndef CFG_ROWS
#error "build with -DCFG_ROWS=.. -DCFG_COLS=.. (see rtl/Makefile)"
#endif
#ifndef CFG_LANES
#define CFG_LANES 0
#define CFG_ABSENT 0
#define CFG_MUL 1
#endif
static const Cfg kCfg = {CFG_ROWS, CFG_COLS, CFG_ASPAD, CFG_WSPAD, CFG_ACC, CFG_PSETS, CFG_BUS, MEM_SIZE,
                         CFG_LANES, CFG_ABSENT, CFG_MUL};

// ---- bus-width agnostic access to Verilator port values ----
static void put_bytes(uint32_t &s, const uint8_t *b, int n) { s = 0; memcpy(&s, b, n); }
static void put_bytes(uint64_t &s, const uint8_t *b, int n) { s = 0; memcpy(&s, b, n); }
template <std::size_t W> static void put_bytes(VlWide<W> &s, const uint8_t *b, int n) {
  for (std::size_t i = 0; i < W; i++) s[i] = 0;
  for (int i = 0; i < n; i++) s[i / 4] |= (uint32_t)b[i] << (8 * (i % 4));
}
static void get_bytes(uint32_t s, uint8_t *b, int n) { memcpy(b, &s, n); }
static void get_bytes(uint64_t s, uint8_t *b, int n) { memcpy(b, &s, n); }
template <std::size_t W> static void get_bytes(const VlWide<W> &s, uint8_t *b, int n) {
  for (int i = 0; i < n; i++) b[i] = (uint8_t)(s[i / 4] >> (8 * (i % 4)));
}

struct Sim {
  Vmica_top *top;
  ExtMem &mem;
  std::mt19937_64 &rng;
  uint64_t cycle = 0;
  int lat_min = 2, lat_max = 6, ready_pct = 85;
  struct Pend { uint64_t t; uint8_t id; bool err; uint8_t data[64]; };
  std::deque<Pend> q;
  uint64_t last_t = 0;

  Sim(Vmica_top *t, ExtMem &m, std::mt19937_64 &r) : top(t), mem(m), rng(r) {}

  void accept() {
    Pend p;
    uint32_t a = top->mem_req_addr_o;
    int lat = (int)std::uniform_int_distribution<int>(lat_min, lat_max)(rng);
    p.t = std::max<uint64_t>(cycle + lat, last_t);
    last_t = p.t;
    p.id = top->mem_req_id_o;
    p.err = !mem.ok(a) || (a % kCfg.B) != 0;
    memset(p.data, 0, sizeof p.data);
    if (top->mem_req_we_o) {
      uint8_t wd[64];
      get_bytes(top->mem_req_wdata_o, wd, kCfg.B);
      uint64_t strb = top->mem_req_wstrb_o;
      for (int i = 0; i < kCfg.B; i++)
        if (((strb >> i) & 1) && !p.err) mem.b[a + i] = wd[i];
    } else if (!p.err) {
      memcpy(p.data, &mem.b[a], kCfg.B);
    }
    q.push_back(p);
  }
  void step() {
    top->mem_req_ready_i = (int)(rng() % 100) < ready_pct;
    bool rv = !q.empty() && q.front().t <= cycle;
    top->mem_rsp_valid_i = rv;
    if (rv) {
      top->mem_rsp_id_i = q.front().id;
      top->mem_rsp_err_i = q.front().err;
      put_bytes(top->mem_rsp_rdata_i, q.front().data, kCfg.B);
    }
    top->eval();
    if (top->mem_req_valid_o && top->mem_req_ready_i) accept();
    if (rv) q.pop_front();
    top->clk_i = 1;
    top->eval();
    top->clk_i = 0;
    top->eval();
    cycle++;
  }
  void csr_write(uint32_t a, uint32_t v) {
    top->csr_req_i = 1; top->csr_we_i = 1; top->csr_addr_i = a; top->csr_wdata_i = v;
    step();
    top->csr_req_i = 0; top->csr_we_i = 0;
  }
  uint32_t csr_read(uint32_t a) {
    top->csr_req_i = 1; top->csr_we_i = 0; top->csr_addr_i = a;
    top->eval();
    uint32_t v = top->csr_rdata_o;
    step();
    top->csr_req_i = 0;
    return v;
  }
  uint64_t counter(int i) {
    uint64_t lo = csr_read(MICA_CSR_COUNTER_BASE + 8 * i);
    return lo | (uint64_t)csr_read(MICA_CSR_COUNTER_BASE + 8 * i + 4) << 32;
  }
  // Runs a program already in memory; returns false on timeout.
  bool run(uint32_t addr, uint32_t len, uint64_t max_cycles = 3000000) {
    csr_write(MICA_CSR_PROG_ADDR, addr);
    csr_write(MICA_CSR_PROG_LEN, len);
    csr_write(MICA_CSR_CTRL, 1);
    top->csr_addr_i = MICA_CSR_STATUS;
    for (uint64_t n = 0; n < max_cycles; n++) {
      top->eval();
      if (!(top->csr_rdata_o & 1)) return true;
      step();
    }
    return false;
  }
};

static int g_pass = 0, g_fail = 0;
static void result(bool ok, const std::string &name, const std::string &why = "") {
  if (ok) g_pass++;
  else { g_fail++; printf("FAIL %s: %s\n", name.c_str(), why.c_str()); }
}

static void write_prog(ExtMem &m, uint32_t base, const std::vector<mica_instr_t> &p) {
  for (size_t i = 0; i < p.size(); i++) memcpy(&m.b[base + 16 * i], &p[i].w[0], 16);
}

enum Check { CHECK_ALL, CHECK_STATUS_ONLY };

// Runs `prog` on both models (same initial memory) and compares.
static bool run_and_compare(Sim &sim, ExtMem &mem, const std::vector<mica_instr_t> &prog,
                            const std::string &name, Check how = CHECK_ALL,
                            uint32_t base = PROG_BASE, int64_t len_override = -1) {
  write_prog(mem, base, prog);
  ExtMem gmem = mem;
  Golden g(kCfg, gmem);
  uint32_t len = len_override >= 0 ? (uint32_t)len_override : (uint32_t)prog.size();
  g.run(base, len);
  if (!sim.run(base, len)) { result(false, name, "timeout (BUSY stuck)"); return false; }
  uint32_t st = sim.csr_read(MICA_CSR_STATUS), code = sim.csr_read(MICA_CSR_ERROR);
  uint32_t epc = sim.csr_read(MICA_CSR_ERROR_PC);
  char why[256];
  bool ok = true;
  if (((st >> 1) & 1) != (uint32_t)g.done() || ((st >> 2) & 1) != (uint32_t)(g.err() != 0) ||
      code != (uint32_t)g.err() || (g.err() && epc != g.err_pc())) {
    snprintf(why, sizeof why, "status %x err %u pc %u, golden done %d err %d pc %u", st, code, epc,
             g.done(), g.err(), g.err_pc());
    result(false, name, why);
    return false;
  }
  if (how == CHECK_ALL) {
    for (uint32_t a = 0; a < MEM_SIZE; a++)
      if (mem.b[a] != gmem.b[a]) {
        snprintf(why, sizeof why, "mem[0x%x] = %02x, golden %02x", a, mem.b[a], gmem.b[a]);
        ok = false;
        break;
      }
  }
  if (ok && how == CHECK_ALL && g.done()) {
    // The event counters the RTL counts deterministically (not CYCLES, ARRAY_BUSY, FETCH, STALL_*).
    static const int exact[] = {MICA_CNT_INSTRS,       MICA_CNT_MACS,         MICA_CNT_ASPAD_READS,
                                MICA_CNT_ASPAD_WRITES, MICA_CNT_WSPAD_READS,  MICA_CNT_WSPAD_WRITES,
                                MICA_CNT_ACC_READS,    MICA_CNT_ACC_WRITES,   MICA_CNT_DMA_RD_BYTES,
                                MICA_CNT_DMA_WR_BYTES, MICA_CNT_PARAM_READS,  MICA_CNT_PARAM_WRITES};
    for (int idx : exact) {
      uint64_t v = sim.counter(idx);
      if (v != g.cnt(idx)) {
        snprintf(why, sizeof why, "counter %s = %llu, golden %llu", mica_counter_names[idx],
                 (unsigned long long)v, (unsigned long long)g.cnt(idx));
        ok = false;
        break;
      }
    }
    // Every ACC row write is an array or vector-unit row, at least a cycle of ARRAY_BUSY each;
    // fetch reads at least every instruction run (a GEMV is one, INSTRS counts its operations).
    uint64_t cyc = sim.counter(MICA_CNT_CYCLES), ab = sim.counter(MICA_CNT_ARRAY_BUSY);
    uint64_t fb = sim.counter(MICA_CNT_FETCH_BYTES);
    if (ok && (ab < g.cnt(MICA_CNT_ACC_WRITES) || cyc < ab || fb < g.cnt(MICA_CNT_FETCH_BYTES))) {
      snprintf(why, sizeof why, "implausible cycles %llu array_busy %llu fetch %llu",
               (unsigned long long)cyc, (unsigned long long)ab, (unsigned long long)fb);
      ok = false;
    }
  }
  result(ok, name, why);
  return ok;
}

#include "tb_tests.h"

int main(int argc, char **argv) {
  uint64_t seed = 1;
  int progs = 150, len = 100;
  bool perf = false;
  int lat_min = 2, lat_max = 6, ready = 85;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto next = [&]() -> long {
      if (i + 1 >= argc) { fprintf(stderr, "tb_top: %s needs a value\n", a.c_str()); exit(2); }
      return strtol(argv[++i], nullptr, 0);
    };
    if (a == "--seed") seed = (uint64_t)next();
    else if (a == "--progs") progs = (int)next();
    else if (a == "--len") len = (int)next();
    else if (a == "--perf") perf = true;
    else if (a == "--lat") { lat_min = (int)next(); lat_max = (int)next(); }
    else if (a == "--ready") ready = (int)next();
    else if (a == "--serial") g_serial = true;
    else if (a.rfind("+verilator", 0) == 0) continue;
    else { fprintf(stderr, "tb_top: unknown argument %s\n", a.c_str()); return 2; }
  }
  Verilated::commandArgs(argc, argv);
  std::mt19937_64 rng(seed);
  ExtMem mem(MEM_SIZE);
  Vmica_top *top = new Vmica_top;
  Sim sim(top, mem, rng);
  sim.lat_min = lat_min; sim.lat_max = lat_max; sim.ready_pct = ready;
  top->clk_i = 0; top->rst_ni = 0;
  top->eval();
  top->rst_ni = 1;
  top->eval();
  for (int i = 0; i < 4; i++) sim.step();

  for (uint32_t a = IN_BASE; a < IN_BASE + IN_SIZE; a++) mem.b[a] = (uint8_t)rng();
  fill_param_src(mem, kCfg, PSRC_BASE + 3, rng);
  for (uint32_t a = OUT_BASE; a < OUT_BASE + OUT_SIZE; a++) mem.b[a] = 0xA5;

  printf("tb_top %dx%d bus %d seed %llu\n", kCfg.R, kCfg.C, kCfg.B, (unsigned long long)seed);
  if (perf) { perf_tests(sim, mem, rng); delete top; return 0; }
  csr_tests(sim);
  directed_tests(sim, mem, rng);
  dw_taps_tests(sim, mem, rng);
  dw_nine_tests(sim, mem, rng);
  error_tests(sim, mem, rng);
  uint64_t random_cycles = 0;
  for (int p = 0; p < progs; p++) {
    ProGen gen(kCfg, rng);
    gen.prologue();
    gen.body(len);
    gen.epilogue();
    run_and_compare(sim, mem, gen.prog, "random#" + std::to_string(p));
    random_cycles += sim.counter(MICA_CNT_CYCLES);
  }
  printf("random programs: %llu accelerator cycles in total\n", (unsigned long long)random_cycles);
  aspad_port_test(sim, mem, rng);
  printf("%d passed, %d failed\n", g_pass, g_fail);
  delete top;
  return g_fail ? 1 : 0;
}
