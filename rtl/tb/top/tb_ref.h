// The golden model of tb_top.cpp: the reference interpreter of the ISA (driver/core/isa_ref.c,
// built by run.sh) running on a copy of the testbench's external memory.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>
#include "mica_isa.h"
#include "mica_isa_ref.h"

struct Cfg {
  int R, C, AD, WD, CD, PS, B;
  uint32_t mem_size;
  int L, A, M;  // REQ_LANES (0 = COLS), ABSENT features, REQ_MUL_CYCLES
};

// External memory as the simulator's model sees it: bytes, addresses >= size are bus errors.
struct ExtMem {
  std::vector<uint8_t> b;
  explicit ExtMem(uint32_t size) : b(size, 0) {}
  bool ok(uint64_t a) const { return a < b.size(); }
};

#define F(in, FIELD) mica_get_f(&(in), FIELD)

struct Golden {
  mica_hw_config_t hw;
  std::vector<uint32_t> chip;   // the interpreter's on-chip memories (4-byte aligned)
  mica_isa_ref_t s;

  Golden(const Cfg &c, ExtMem &m)
      : hw{(uint32_t)c.R, (uint32_t)c.C, (uint32_t)c.AD, (uint32_t)c.WD, (uint32_t)c.CD, (uint32_t)c.PS, (uint32_t)c.B},
        chip((mica_isa_ref_buffer_bytes(&hw) + 3) / 4, 0) {
    hw.req_lanes = (uint32_t)c.L;
    hw.absent = (uint32_t)c.A;
    hw.req_mul_cycles = (uint32_t)c.M;
    mica_isa_ref_init(&s, &hw, m.b.data(), m.b.size(), chip.data());
  }
  void run(uint32_t prog_addr, uint32_t prog_len) {
    s.prog_addr = prog_addr;
    s.prog_len = prog_len;
    mica_isa_ref_run(&s);
  }
  bool done() const { return s.done != 0; }
  int err() const { return (int)s.error_code; }
  uint32_t err_pc() const { return s.error_pc; }
  uint64_t cnt(int i) const { return s.counters[i]; }
};
