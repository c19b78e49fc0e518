// C++ golden model of the Mica ISA (pseudo-code in hw/mica.json), used by tb_top.cpp.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>
#include "mica_isa.h"
#include "mica_fixedpoint.h"

struct Cfg {
  int R, C, AD, WD, CD, PS, B;
  uint32_t mem_size;
};

// External memory as the simulator's model sees it: bytes, addresses >= size are bus errors.
struct ExtMem {
  std::vector<uint8_t> b;
  explicit ExtMem(uint32_t size) : b(size, 0) {}
  bool ok(uint64_t a) const { return a < b.size(); }
};

static inline int64_t fld(const mica_instr_t &in, unsigned lsb, unsigned w, int s) {
  return mica_get_f(&in, lsb, w, s);
}
#define F(in, FIELD) fld((in), FIELD)

static inline int32_t srdhm(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  int64_t ab = (int64_t)a * b;
  int64_t nudge = ab >= 0 ? (1ll << 30) : (1 - (1ll << 30));
  return (int32_t)((ab + nudge) / (1ll << 31));
}
static inline int32_t rdbpot(int32_t x, int e) {
  int32_t mask = (int32_t)((1ull << e) - 1);
  int32_t rem = x & mask;
  int32_t thr = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> e) + (rem > thr ? 1 : 0);
}
static inline int8_t requant(int32_t acc, int32_t bias, int32_t m, int32_t m_lo, int shift, int round,
                             int zout, int mn, int mx) {
  int32_t x = (int32_t)((uint32_t)acc + (uint32_t)bias), y;
  if (round == 2) {   // LiteRT reference FULLY_CONNECTED: the C model in driver/kernels
    y = mica_mul_real(x, (uint64_t)(uint32_t)m << 21 | ((uint32_t)m_lo & 0x1FFFFFu), shift);
  } else if (round == 0) {
    int32_t xs = (int32_t)((uint32_t)x << std::max(shift, 0));
    y = rdbpot(srdhm(xs, m), std::max(-shift, 0));
  } else {
    int t = 31 - shift;
    y = (int32_t)(((int64_t)x * m + (1ll << (t - 1))) >> t);
  }
  int32_t v = (int32_t)((uint32_t)y + (uint32_t)zout);
  v = std::max(v, (int32_t)mn);
  v = std::min(v, (int32_t)mx);
  return (int8_t)v;
}

struct Counters {
  uint64_t instrs = 0, macs = 0, aspad_r = 0, aspad_w = 0, wspad_r = 0, wspad_w = 0;
  uint64_t acc_r = 0, acc_w = 0, dma_rd = 0, dma_wr = 0, matmul_rows = 0;
};

struct Golden {
  Cfg c;
  ExtMem &mem;
  std::vector<int8_t> aspad, wspad, wsh, wact, vsh, vact;
  std::vector<int32_t> param, acc;
  Counters cnt;
  int err = 0;
  uint32_t err_pc = 0;
  bool done = false;

  Golden(const Cfg &cfg, ExtMem &m)
      : c(cfg), mem(m), aspad((size_t)cfg.AD * cfg.R), wspad((size_t)cfg.WD * cfg.C),
        wsh((size_t)cfg.R * cfg.C), wact((size_t)cfg.R * cfg.C), vsh(cfg.C), vact(cfg.C), param((size_t)4 * cfg.PS * cfg.C),
        acc((size_t)cfg.CD * cfg.C) {}

  // Static checks, same order as rtl/mica_decode.sv.
  int check(const mica_instr_t &in) const {
    switch (F(in, MICA_F_OPCODE)) {
      case MICA_OP_LOAD: {
        int64_t t = F(in, MICA_F_LOAD_TARGET), len = F(in, MICA_F_LOAD_LEN);
        int64_t rows = F(in, MICA_F_LOAD_ROWS), ma = F(in, MICA_F_LOAD_MEM_ADDR);
        if (t == 3) return MICA_ERR_BAD_TARGET;
        int64_t w = t == 0 ? c.R : t == 1 ? c.C : 4 * c.C;
        int64_t d = t == 0 ? c.AD : t == 1 ? c.WD : 4 * c.PS;
        if (rows == 0 || len == 0 || F(in, MICA_F_LOAD_COL) + len > w) return MICA_ERR_BAD_LEN;
        if (ma + rows > d) return MICA_ERR_MEM_RANGE;
        return 0;
      }
      case MICA_OP_LOADW:
        return F(in, MICA_F_LOADW_WSPAD_ADDR) + (F(in, MICA_F_LOADW_VECTOR) ? 1 : c.R) > c.WD ? MICA_ERR_MEM_RANGE : 0;
      case MICA_OP_RESCALE: {
        int64_t rows = F(in, MICA_F_RESCALE_ROWS);
        if (rows == 0 || F(in, MICA_F_RESCALE_LEFT_SHIFT) > 22) return MICA_ERR_BAD_LEN;
        if (F(in, MICA_F_RESCALE_ACC_ADDR) + rows > c.CD || F(in, MICA_F_RESCALE_ASPAD_ADDR) + rows > c.AD)
          return MICA_ERR_MEM_RANGE;
        return 0;
      }
      case MICA_OP_MATMUL:
      case MICA_OP_DWCONV: {   // same fields at the same positions (DWCONV adds mode)
        if (F(in, MICA_F_OPCODE) == MICA_OP_DWCONV && F(in, MICA_F_DWCONV_MODE) > 1) return MICA_ERR_BAD_LEN;
        int64_t ih = F(in, MICA_F_MATMUL_IN_H), iw = F(in, MICA_F_MATMUL_IN_W);
        int64_t oh = F(in, MICA_F_MATMUL_OUT_H), ow = F(in, MICA_F_MATMUL_OUT_W);
        if (!ih || !iw || !oh || !ow || !F(in, MICA_F_MATMUL_STRIDE_Y) || !F(in, MICA_F_MATMUL_STRIDE_X))
          return MICA_ERR_BAD_LEN;
        if (F(in, MICA_F_MATMUL_ACC_ADDR) + oh * ow > c.CD ||
            F(in, MICA_F_MATMUL_ASPAD_ADDR) + ih * iw > c.AD)
          return MICA_ERR_MEM_RANGE;
        return 0;
      }
      case MICA_OP_STORE: {
        int64_t len = F(in, MICA_F_STORE_LEN);
        if (F(in, MICA_F_STORE_ROWS) == 0 || len == 0 || len > c.C || F(in, MICA_F_STORE_ROUND) == 3)
          return MICA_ERR_BAD_LEN;
        if (F(in, MICA_F_STORE_ACC_ADDR) + F(in, MICA_F_STORE_ROWS) > c.CD ||
            F(in, MICA_F_STORE_PARAM_SET) >= c.PS)
          return MICA_ERR_MEM_RANGE;
        return 0;
      }
      case MICA_OP_SYNC:
      case MICA_OP_END: return 0;
      default: return MICA_ERR_ILLEGAL_OPCODE;
    }
  }

  uint32_t beats(uint32_t a, uint32_t len) const { return ((a % c.B) + len + c.B - 1) / c.B; }
  bool row_beats_ok(uint32_t a, uint32_t len) const {
    uint32_t base = a - a % c.B;
    for (uint32_t k = 0; k < beats(a, len); k++)
      if (!mem.ok((uint32_t)(base + k * c.B))) return false;
    return true;
  }

  bool load(const mica_instr_t &in) {
    int t = (int)F(in, MICA_F_LOAD_TARGET);
    uint32_t ma = (uint32_t)F(in, MICA_F_LOAD_MEM_ADDR), rows = (uint32_t)F(in, MICA_F_LOAD_ROWS);
    uint32_t len = (uint32_t)F(in, MICA_F_LOAD_LEN), ea = (uint32_t)F(in, MICA_F_LOAD_EXT_ADDR);
    uint32_t st = (uint32_t)F(in, MICA_F_LOAD_EXT_STRIDE), col = (uint32_t)F(in, MICA_F_LOAD_COL);
    uint8_t fill = (uint8_t)F(in, MICA_F_LOAD_FILL);
    int w = t == 0 ? c.R : t == 1 ? c.C : 4 * c.C;
    for (uint32_t i = 0; i < rows; i++) {
      uint32_t a = ea + i * st;
      cnt.dma_rd += (uint64_t)beats(a, len) * c.B;
      if (!row_beats_ok(a, len)) return false;
      std::vector<uint8_t> row(w, fill);
      for (uint32_t j = 0; j < len; j++) row[col + j] = mem.b[(uint32_t)(a + j)];
      uint32_t r = ma + i;
      if (t == 0) { memcpy(&aspad[(size_t)r * c.R], row.data(), w); cnt.aspad_w++; }
      if (t == 1) { memcpy(&wspad[(size_t)r * c.C], row.data(), w); cnt.wspad_w++; }
      if (t == 2) memcpy(&param[(size_t)r * c.C], row.data(), w);  // little-endian host
    }
    return true;
  }

  void loadw(const mica_instr_t &in) {
    uint32_t a = (uint32_t)F(in, MICA_F_LOADW_WSPAD_ADDR);
    if (F(in, MICA_F_LOADW_VECTOR)) {
      for (int k = 0; k < c.C; k++) vsh[k] = wspad[(size_t)a * c.C + k];
      cnt.wspad_r++;
      return;
    }
    for (int r = 0; r < c.R; r++)
      for (int k = 0; k < c.C; k++) wsh[r * c.C + k] = wspad[(size_t)(a + r) * c.C + k];
    cnt.wspad_r += c.R;
  }

  // MATMUL, or DWCONV (dw): lane k multiplies only activation k by its vector weight (mode MAC)
  // or keeps the maximum of the activations (mode MAX).
  void matmul(const mica_instr_t &in, bool dw) {
    if (dw) vact = vsh; else wact = wsh;
    bool max = dw && F(in, MICA_F_DWCONV_MODE) == 1;
    int lanes = std::min(c.R, c.C);
    int accum = (int)F(in, MICA_F_MATMUL_ACCUMULATE), zin = (int)F(in, MICA_F_MATMUL_Z_IN);
    int64_t aa = F(in, MICA_F_MATMUL_ASPAD_ADDR), ca = F(in, MICA_F_MATMUL_ACC_ADDR);
    int64_t ih = F(in, MICA_F_MATMUL_IN_H), iw = F(in, MICA_F_MATMUL_IN_W);
    int64_t oh = F(in, MICA_F_MATMUL_OUT_H), ow = F(in, MICA_F_MATMUL_OUT_W);
    int64_t sy = F(in, MICA_F_MATMUL_STRIDE_Y), sx = F(in, MICA_F_MATMUL_STRIDE_X);
    int64_t oy0 = F(in, MICA_F_MATMUL_OFF_Y), ox0 = F(in, MICA_F_MATMUL_OFF_X);
    std::vector<int> a(c.R);
    for (int64_t oy = 0; oy < oh; oy++)
      for (int64_t ox = 0; ox < ow; ox++) {
        int64_t m = oy * ow + ox, iy = oy * sy + oy0, ix = ox * sx + ox0;
        bool inside = iy >= 0 && iy < ih && ix >= 0 && ix < iw;
        for (int r = 0; r < c.R; r++)
          a[r] = inside ? (int)aspad[(size_t)(aa + iy * iw + ix) * c.R + r] - zin : 0;
        if (inside) cnt.aspad_r++;
        for (int k = 0; k < c.C; k++) {
          uint32_t s = accum ? (uint32_t)acc[(size_t)(ca + m) * c.C + k] : 0;
          if (max) s = accum ? (uint32_t)std::max((int32_t)s, k < lanes ? a[k] : 0) : (uint32_t)(k < lanes ? a[k] : 0);
          else if (dw) s += k < lanes ? (uint32_t)(a[k] * vact[k]) : 0;
          else for (int r = 0; r < c.R; r++) s += (uint32_t)(a[r] * wact[r * c.C + k]);
          acc[(size_t)(ca + m) * c.C + k] = (int32_t)s;
        }
        if (accum) cnt.acc_r++;
        cnt.acc_w++;
        cnt.macs += dw ? (uint64_t)lanes : (uint64_t)c.R * c.C;
        cnt.matmul_rows++;
      }
  }

  // RESCALE: TFLite's ADD input stage per lane, added into ACC.
  void rescale(const mica_instr_t &in) {
    int lanes = std::min(c.R, c.C);
    int accum = (int)F(in, MICA_F_RESCALE_ACCUMULATE), zin = (int)F(in, MICA_F_RESCALE_Z_IN);
    int64_t aa = F(in, MICA_F_RESCALE_ASPAD_ADDR), ca = F(in, MICA_F_RESCALE_ACC_ADDR), rows = F(in, MICA_F_RESCALE_ROWS);
    int32_t m = (int32_t)F(in, MICA_F_RESCALE_MULT);
    int ls = (int)F(in, MICA_F_RESCALE_LEFT_SHIFT), rs = (int)F(in, MICA_F_RESCALE_RIGHT_SHIFT);
    for (int64_t i = 0; i < rows; i++) {
      for (int k = 0; k < c.C; k++) {
        int a = k < lanes ? (int)aspad[(size_t)(aa + i) * c.R + k] - zin : 0;
        uint32_t q = (uint32_t)rdbpot(srdhm(a * (1 << ls), m), rs);
        int32_t &dst = acc[(size_t)(ca + i) * c.C + k];
        dst = (int32_t)((accum ? (uint32_t)dst : 0u) + q);
      }
      cnt.aspad_r++;
      if (accum) cnt.acc_r++;
      cnt.acc_w++;
      cnt.macs += (uint64_t)lanes;
      cnt.matmul_rows++;
    }
  }

  bool store(const mica_instr_t &in) {
    int round = (int)F(in, MICA_F_STORE_ROUND);
    uint32_t ca = (uint32_t)F(in, MICA_F_STORE_ACC_ADDR), rows = (uint32_t)F(in, MICA_F_STORE_ROWS);
    uint32_t len = (uint32_t)F(in, MICA_F_STORE_LEN), ps = (uint32_t)F(in, MICA_F_STORE_PARAM_SET);
    uint32_t ea = (uint32_t)F(in, MICA_F_STORE_EXT_ADDR), st = (uint32_t)F(in, MICA_F_STORE_EXT_STRIDE);
    int zo = (int)F(in, MICA_F_STORE_Z_OUT), mn = (int)F(in, MICA_F_STORE_ACT_MIN);
    int mx = (int)F(in, MICA_F_STORE_ACT_MAX);
    for (uint32_t i = 0; i < rows; i++) {
      uint32_t a = ea + i * st;
      cnt.acc_r++;
      if (!row_beats_ok(a, len)) return false;
      for (uint32_t k = 0; k < len; k++) {
        int32_t bias = param[(size_t)(4 * ps) * c.C + k], m = param[(size_t)(4 * ps + 1) * c.C + k];
        int sh = (int8_t)(param[(size_t)(4 * ps + 2) * c.C + k] & 0xff);
        int32_t m_lo = param[(size_t)(4 * ps + 3) * c.C + k];
        mem.b[(uint32_t)(a + k)] = (uint8_t)requant(acc[(size_t)(ca + i) * c.C + k], bias, m, m_lo, sh,
                                                    round, zo, mn, mx);
      }
      cnt.dma_wr += len;
    }
    return true;
  }

  void fail(int code, uint32_t pc) { err = code; err_pc = pc; }

  void run(uint32_t prog_addr, uint32_t prog_len) {
    for (uint32_t pc = 0;; pc++) {
      if (pc >= prog_len) return fail(MICA_ERR_PROG_END, pc);
      uint32_t ia = prog_addr + 16 * pc;
      mica_instr_t in = {{0, 0}};
      bool fetch_ok = true;
      for (uint32_t k = 0; k < 16; k += std::min<uint32_t>(c.B, 16))
        if (!mem.ok((ia + k) - (ia + k) % c.B)) fetch_ok = false;
      if (!fetch_ok) return fail(MICA_ERR_BUS, pc);
      memcpy(&in.w[0], &mem.b[ia], 16);
      if (int e = check(in)) return fail(e, pc);
      cnt.instrs++;
      switch (F(in, MICA_F_OPCODE)) {
        case MICA_OP_LOAD: if (!load(in)) return fail(MICA_ERR_BUS, pc); break;
        case MICA_OP_LOADW: loadw(in); break;
        case MICA_OP_MATMUL: matmul(in, false); break;
        case MICA_OP_DWCONV: matmul(in, true); break;
        case MICA_OP_RESCALE: rescale(in); break;
        case MICA_OP_STORE: if (!store(in)) return fail(MICA_ERR_BUS, pc); break;
        case MICA_OP_END: done = true; return;
        default: break;
      }
    }
  }
};
