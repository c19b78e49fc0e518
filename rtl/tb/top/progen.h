// Random Mica program generator for tb_top.cpp: legal programs whose wait masks cover every
// hazard between units (range-based), so in-order golden execution must equal the hardware.
#pragma once
#include <cstdint>
#include <random>
#include <vector>
#include "tb_ref.h"

// External memory layout used by the tests.
enum : uint32_t {
  MEM_SIZE = 0x100000, PROG_BASE = 0x0, IN_BASE = 0x10000, IN_SIZE = 0x40000,
  PSRC_BASE = 0x50000, OUT_BASE = 0x60000, OUT_SIZE = 0x20000
};

struct Access { int mem; int64_t lo, hi; bool w; };  // mem: 0 ASPAD 1 WSPAD 2 PARAM 3 ACC
enum { M_ASPAD, M_WSPAD, M_PARAM, M_ACC };

static bool g_serial = false;  // --serial: every instruction waits for all units

struct ProGen {
  Cfg c;
  std::mt19937_64 &rng;
  std::vector<mica_instr_t> prog;
  std::vector<Access> inflight[4];  // accesses per unit not yet covered by a wait
  uint32_t au, wu, cu, pu, psrc;    // used rows of ASPAD/WSPAD/ACC, PARAM sets, PARAM source

  ProGen(const Cfg &cfg, std::mt19937_64 &r) : c(cfg), rng(r) {
    au = std::min(cfg.AD, 256); wu = std::min(cfg.WD, 8 * cfg.R); cu = std::min(cfg.CD, 128);
    pu = std::min(cfg.PS, 8); psrc = PSRC_BASE + 3;
  }
  int64_t rnd(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); }
  bool chance(int pct) { return rnd(0, 99) < pct; }

  static bool conflict(const Access &a, const Access &b) {
    return a.mem == b.mem && (a.w || b.w) && a.lo < b.hi && b.lo < a.hi;
  }
  // Append with a wait mask that covers every conflict with an instruction still in flight.
  void emit(mica_instr_t in, int unit, const std::vector<Access> &acc, unsigned extra_wait = 0) {
    unsigned wait = extra_wait;
    if (chance(10)) wait |= (unsigned)rnd(0, 15);
    if (g_serial) wait = 15;
    for (int u = 0; u < 4; u++) {
      if (u == unit) continue;
      for (auto &x : inflight[u])
        for (auto &y : acc)
          if (conflict(x, y)) wait |= 1u << u;
    }
    int op = (int)F(in, MICA_F_OPCODE);
    if (op == MICA_OP_MATMUL) wait |= MICA_UNIT_WEIGHT;  // implicit in hardware
    if (op == MICA_OP_DWCONV) wait |= MICA_UNIT_WEIGHT;  // and every MATMUL done, in hardware
    if (op == MICA_OP_END) wait = 15;
    MICA_SET(&in, MICA_F_WAIT, op == MICA_OP_END ? rnd(0, 15) : wait);
    for (int u = 0; u < 4; u++) if (wait & (1u << u)) inflight[u].clear();
    // ARRAY pipelines MATMULs (a new one starts while earlier ones drain), so it keeps the
    // accesses of every MATMUL since the last wait on it; the other units run one at a time.
    if (unit == 2) inflight[unit].insert(inflight[unit].end(), acc.begin(), acc.end());
    else if (unit >= 0) inflight[unit] = acc;
    prog.push_back(in);
  }
  static mica_instr_t op(int opcode) {
    mica_instr_t in = {{0, 0}};
    MICA_SET(&in, MICA_F_OPCODE, opcode);
    return in;
  }

  void load(int t, uint32_t ma, uint32_t rows, uint32_t len, uint32_t ea, uint32_t st,
            uint32_t col = 0, int fill = 0) {
    mica_instr_t in = op(MICA_OP_LOAD);
    MICA_SET(&in, MICA_F_LOAD_COL, col); MICA_SET(&in, MICA_F_LOAD_FILL, fill);
    MICA_SET(&in, MICA_F_LOAD_TARGET, t); MICA_SET(&in, MICA_F_LOAD_MEM_ADDR, ma);
    MICA_SET(&in, MICA_F_LOAD_ROWS, rows); MICA_SET(&in, MICA_F_LOAD_LEN, len);
    MICA_SET(&in, MICA_F_LOAD_EXT_ADDR, ea); MICA_SET(&in, MICA_F_LOAD_EXT_STRIDE, st);
    emit(in, 0, {{t == MICA_LOAD_TARGET_ASPAD ? M_ASPAD : t == MICA_LOAD_TARGET_WSPAD ? M_WSPAD : M_PARAM, ma,
                  (int64_t)ma + rows, true}});
  }
  void loadw(uint32_t a, bool vec = false) {
    mica_instr_t in = op(MICA_OP_LOADW);
    MICA_SET(&in, MICA_F_LOADW_WSPAD_ADDR, a);
    MICA_SET(&in, MICA_F_LOADW_VECTOR, vec);
    emit(in, 1, {{M_WSPAD, a, (int64_t)a + (vec ? 1 : c.R), false}});
  }
  struct MM { int accum, zin; uint32_t aa, ca, ih, iw, oh, ow, sy, sx; int oy, ox; };
  // three or nine taps (a configuration without DWCONV_TAPS ignores the field: the golden model
  // too); every window line here is far below 4096 pixels (ow <= 200, stride <= 4), NINE only
  // where the line fits the line buffer
  void matmul(const MM &m, bool dw = false) {
    bool nine_fits = (uint64_t)(m.ow - 1) * m.sx + 3 <= MICA_DWCONV_LINE;
    int taps = chance(45) ? MICA_DWCONV_TAPS_THREE
               : nine_fits && chance(40) ? MICA_DWCONV_TAPS_NINE : MICA_DWCONV_TAPS_ONE;
    dwconv(m, chance(35) ? MICA_DWCONV_MODE_MAXIMUM : MICA_DWCONV_MODE_MAC, taps, dw);
  }
  void dwconv(const MM &m, int mode, int taps, bool dw = true) {
    mica_instr_t in = op(dw ? MICA_OP_DWCONV : MICA_OP_MATMUL);
    if (dw) MICA_SET(&in, MICA_F_DWCONV_MODE, mode);
    if (dw) MICA_SET(&in, MICA_F_DWCONV_TAPS, taps);
    MICA_SET(&in, MICA_F_MATMUL_ACCUMULATE, m.accum); MICA_SET(&in, MICA_F_MATMUL_Z_IN, m.zin);
    MICA_SET(&in, MICA_F_MATMUL_ASPAD_ADDR, m.aa); MICA_SET(&in, MICA_F_MATMUL_ACC_ADDR, m.ca);
    MICA_SET(&in, MICA_F_MATMUL_IN_H, m.ih); MICA_SET(&in, MICA_F_MATMUL_IN_W, m.iw);
    MICA_SET(&in, MICA_F_MATMUL_OUT_H, m.oh); MICA_SET(&in, MICA_F_MATMUL_OUT_W, m.ow);
    MICA_SET(&in, MICA_F_MATMUL_STRIDE_Y, m.sy); MICA_SET(&in, MICA_F_MATMUL_STRIDE_X, m.sx);
    MICA_SET(&in, MICA_F_MATMUL_OFF_Y, m.oy); MICA_SET(&in, MICA_F_MATMUL_OFF_X, m.ox);
    emit(in, 2, {{M_ASPAD, m.aa, (int64_t)m.aa + m.ih * m.iw, false},
                 {M_ACC, m.ca, (int64_t)m.ca + m.oh * m.ow, true}});
  }
  // RESCALE with random constants (ADD's input stage), into ACC rows like a vector op.
  void rescale(int accum, uint32_t aa, uint32_t ca, uint32_t rows) {
    mica_instr_t in = op(MICA_OP_RESCALE);
    MICA_SET(&in, MICA_F_RESCALE_ACCUMULATE, accum); MICA_SET(&in, MICA_F_RESCALE_Z_IN, rnd(-128, 127));
    MICA_SET(&in, MICA_F_RESCALE_ASPAD_ADDR, aa); MICA_SET(&in, MICA_F_RESCALE_ACC_ADDR, ca);
    MICA_SET(&in, MICA_F_RESCALE_ROWS, rows);
    MICA_SET(&in, MICA_F_RESCALE_MULT, chance(10) ? rnd(0, INT32_MAX) : rnd(1 << 30, INT32_MAX));
    MICA_SET(&in, MICA_F_RESCALE_LEFT_SHIFT, chance(60) ? 20 : rnd(0, MICA_RESCALE_LEFT_SHIFT_MAX));
    MICA_SET(&in, MICA_F_RESCALE_RIGHT_SHIFT, chance(10) ? rnd(0, MICA_RESCALE_RIGHT_SHIFT_MAX) : rnd(0, 12));
    emit(in, 2, {{M_ASPAD, aa, (int64_t)aa + rows, false}, {M_ACC, ca, (int64_t)ca + rows, true}});
  }
  void rand_rescale(int accum) {
    uint32_t rows = (uint32_t)rnd(1, std::min<uint32_t>(std::min(au, cu), chance(20) ? 200 : 12));
    rescale(accum, (uint32_t)rnd(0, au - rows), (uint32_t)rnd(0, cu - rows), rows);
  }
  struct ST { int round, zo, mn, mx; uint32_t ca, rows, len, ps, ea, st; int aspad; };  // aspad: ea is an ASPAD row
  // STORE target ASPAD is built (hw/mica.json STORE_ASPAD; a STORE row is an ASPAD row).
  bool store_aspad() const { return c.R == c.C && !((uint32_t)c.A & MICA_FEATURE_STORE_ASPAD); }
  void store(const ST &s) {
    mica_instr_t in = op(MICA_OP_STORE);
    MICA_SET(&in, MICA_F_STORE_TARGET, s.aspad ? MICA_STORE_TARGET_ASPAD : MICA_STORE_TARGET_EXT);
    MICA_SET(&in, MICA_F_STORE_ROUND, s.round); MICA_SET(&in, MICA_F_STORE_ACC_ADDR, s.ca);
    MICA_SET(&in, MICA_F_STORE_ROWS, s.rows); MICA_SET(&in, MICA_F_STORE_LEN, s.len);
    MICA_SET(&in, MICA_F_STORE_PARAM_SET, s.ps); MICA_SET(&in, MICA_F_STORE_EXT_ADDR, s.ea);
    MICA_SET(&in, MICA_F_STORE_EXT_STRIDE, s.st); MICA_SET(&in, MICA_F_STORE_Z_OUT, s.zo);
    MICA_SET(&in, MICA_F_STORE_ACT_MIN, s.mn); MICA_SET(&in, MICA_F_STORE_ACT_MAX, s.mx);
    std::vector<Access> acc = {{M_ACC, s.ca, (int64_t)s.ca + s.rows, false},
                               {M_PARAM, MICA_PARAM_ROWS * s.ps, MICA_PARAM_ROWS * s.ps + MICA_PARAM_ROWS, false}};
    // target ASPAD: its rows are an ASPAD write (hazards with LOAD and the ARRAY's reads)
    if (s.aspad) acc.push_back({M_ASPAD, s.ea, (int64_t)s.ea + s.rows, true});
    emit(in, 3, acc);
  }

  // ---- random instruction choices ----
  void rand_load() {
    int t = (int)rnd(0, 9);
    t = t < 4 ? MICA_LOAD_TARGET_ASPAD : t < 7 ? MICA_LOAD_TARGET_WSPAD : MICA_LOAD_TARGET_PARAM;
    if (t == MICA_LOAD_TARGET_PARAM) {
      uint32_t m = (uint32_t)rnd(0, MICA_PARAM_ROWS * pu - 1);
      uint32_t rows = (uint32_t)rnd(1, std::min<uint32_t>(8, MICA_PARAM_ROWS * pu - m));
      uint32_t len = chance(70) ? 4 * c.C : (uint32_t)rnd(1, 4 * c.C);
      return load(MICA_LOAD_TARGET_PARAM, m, rows, len, psrc + m * 4 * c.C, 4 * c.C);
    }
    uint32_t w = t == MICA_LOAD_TARGET_ASPAD ? c.R : c.C, u = t == MICA_LOAD_TARGET_ASPAD ? au : wu;
    uint32_t len = chance(50) ? w : (uint32_t)rnd(1, w);
    uint32_t col = chance(70) ? 0 : (uint32_t)rnd(0, std::min<uint32_t>(63, w - len));   /* packed taps, padding */
    int fill = chance(50) ? 0 : (int)rnd(-128, 127);
    uint32_t rows = (uint32_t)rnd(1, std::min<uint32_t>(12, u));
    uint32_t ma = (uint32_t)rnd(0, u - rows);
    uint32_t ea = IN_BASE + (uint32_t)rnd(0, IN_SIZE - 8192);
    int k = (int)rnd(0, 3);
    uint32_t st = k == 0 ? len : k == 1 ? w : k == 2 ? (uint32_t)rnd(0, 3 * w) : (uint32_t)rnd(1, 300);
    load(t, ma, rows, len, ea, st, col, fill);
  }
  void rand_matmul(int accum) {
    MM m;
    m.accum = accum; m.zin = (int)rnd(-128, 127);
    m.sy = chance(10) ? 3 : (uint32_t)rnd(1, 2); m.sx = chance(10) ? 3 : (uint32_t)rnd(1, 2);
    m.oy = (int)rnd(-2, 2); m.ox = (int)rnd(-2, 2);
    if (chance(15)) {  // long 1-D run
      m.ih = 1; m.iw = (uint32_t)rnd(1, std::min<uint32_t>(au, 200)); m.oh = 1;
      m.ow = (uint32_t)rnd(1, std::min<uint32_t>(cu, 200)); m.sy = 1; m.oy = 0;
    } else {
      m.ih = (uint32_t)rnd(1, 6); m.iw = (uint32_t)rnd(1, 8);
      m.oh = (uint32_t)rnd(1, (m.ih + m.sy - 1) / m.sy + 1);
      m.ow = (uint32_t)rnd(1, (m.iw + m.sx - 1) / m.sx + 1);
    }
    m.aa = (uint32_t)rnd(0, au - m.ih * m.iw);
    m.ca = (uint32_t)rnd(0, cu - m.oh * m.ow);
    matmul(m, chance(30));
  }
  // Pipelined-MATMUL stress: short MATMULs back to back (optionally each after a LOADW) that
  // accumulate into the same or overlapping ACC rows, as FULLY_CONNECTED input folds do.
  void burst() {
    int n = (int)rnd(2, 8);
    bool with_loadw = chance(50);
    uint32_t t = (uint32_t)rnd(1, 3);
    uint32_t ca = (uint32_t)rnd(0, cu - t - 2);
    for (int i = 0; i < n; i++) {
      bool dw = chance(25);   // depthwise taps interleaved with MATMULs into the same rows
      if (with_loadw) loadw((uint32_t)rnd(0, wu - c.R), dw);
      MM m = {i == 0 ? (int)rnd(0, 1) : 1, (int)rnd(-128, 127), 0, ca + (uint32_t)rnd(0, 2),
              1, t, 1, t, 1, 1, 0, 0};
      m.aa = (uint32_t)rnd(0, au - t);
      if (chance(15)) rescale(m.accum, m.aa, m.ca, t);   // and ADD's rescales
      else matmul(m, dw);
    }
  }
  // GEMV (feature GEMV; a configuration without it never gets one here): a row of pixels
  // through `folds` weight tiles; its MATMULs pipeline like any, its LOADWs read WSPAD.
  bool has_gemv() const { return !((uint32_t)c.A & MICA_FEATURE_GEMV); }
  void gemv() {
    uint32_t folds = (uint32_t)rnd(1, std::min<uint32_t>(chance(20) ? 8 : 3, wu / c.R));
    uint32_t pixels = (uint32_t)rnd(1, std::min<uint32_t>(std::min(au / folds, cu), chance(20) ? 40 : 4));
    uint32_t wa = (uint32_t)rnd(0, wu - folds * c.R), aa = (uint32_t)rnd(0, au - folds * pixels);
    uint32_t ca = (uint32_t)rnd(0, cu - pixels);
    mica_instr_t in = op(MICA_OP_GEMV);
    MICA_SET(&in, MICA_F_GEMV_ACCUMULATE, rnd(0, 1)); MICA_SET(&in, MICA_F_GEMV_Z_IN, rnd(-128, 127));
    MICA_SET(&in, MICA_F_GEMV_ASPAD_ADDR, aa); MICA_SET(&in, MICA_F_GEMV_ACC_ADDR, ca);
    MICA_SET(&in, MICA_F_GEMV_WSPAD_ADDR, wa); MICA_SET(&in, MICA_F_GEMV_FOLDS, folds);
    MICA_SET(&in, MICA_F_GEMV_PIXELS, pixels);
    // ARRAY: an ARRAY wait covers its LOADWs too (each MATMUL follows its LOADW)
    emit(in, 2, {{M_WSPAD, wa, (int64_t)wa + folds * c.R, false},
                 {M_ASPAD, aa, (int64_t)aa + folds * pixels, false},
                 {M_ACC, ca, (int64_t)ca + pixels, true}});
  }
  void rand_store(uint32_t ca, uint32_t rows) {
    ST s;
    s.round = (int)rnd(MICA_STORE_ROUND_MIN, MICA_STORE_ROUND_MAX); s.zo = (int)rnd(-128, 127); s.ca = ca; s.rows = rows;
    s.len = chance(50) ? c.C : (uint32_t)rnd(1, c.C); s.ps = (uint32_t)rnd(0, pu - 1);
    s.ea = OUT_BASE + (uint32_t)rnd(0, OUT_SIZE - 0x4000);
    s.aspad = store_aspad() && rows <= au && chance(30);
    if (s.aspad) s.ea = (uint32_t)rnd(0, au - rows);
    int k = (int)rnd(0, 3);
    s.st = k == 0 ? s.len : k == 1 ? c.C : k == 2 ? (uint32_t)rnd(0, 2 * c.C) : (uint32_t)rnd(0, 100);
    int a = (int)rnd(0, 9);
    if (a < 7) { s.mn = -128; s.mx = 127; }
    else if (a < 9) { s.mn = s.zo; s.mx = 127; }
    else { s.mn = (int)rnd(-128, 127); s.mx = (int)rnd(-128, 127); }
    store(s);
  }

  // Prologue initialises every row the body may read (hardware SRAMs start undefined).
  void prologue() {
    load(MICA_LOAD_TARGET_ASPAD, 0, au, c.R, IN_BASE + (uint32_t)rnd(0, 7), c.R + (uint32_t)rnd(0, 3));
    load(MICA_LOAD_TARGET_WSPAD, 0, wu, c.C, IN_BASE + 0x8000 + (uint32_t)rnd(0, 7), c.C);
    load(MICA_LOAD_TARGET_PARAM, 0, MICA_PARAM_ROWS * pu, 4 * c.C, psrc, 4 * c.C);
    loadw(0);
    for (int i = 0; i < MICA_DWCONV_VSHADOW_ROWS; i++) loadw(0, true);   // every Vshadow row
    MM m = {0, 0, 0, 0, 1, 1, 1, cu, 1, 1, 0, 0};
    matmul(m);
  }
  void body(int n) {
    for (int i = 0; i < n; i++) {
      int k = (int)rnd(0, 99);
      if (k < 25) rand_load();
      else if (k < 40) loadw((uint32_t)rnd(0, wu - c.R), chance(30));
      else if (k < 58) rand_matmul((int)rnd(0, 1));
      else if (k < 64) rand_rescale((int)rnd(0, 1));
      else if (k < 70) {
        if (has_gemv() && chance(40)) gemv();
        else burst();
      }
      else if (k < 95) {
        uint32_t rows = (uint32_t)rnd(1, std::min<uint32_t>(16, cu));
        rand_store((uint32_t)rnd(0, cu - rows), rows);
      } else {
        emit(op(MICA_OP_SYNC), -1, {}, (unsigned)rnd(0, 15));
      }
    }
  }
  void epilogue() {
    for (uint32_t a = 0; a < cu; a += 64) rand_store(a, std::min<uint32_t>(64, cu - a));
    emit(op(MICA_OP_END), -1, {});
  }
};

// Fill the PARAM source rows with well-formed sets: bias, multiplier >= 0, shift in [-31, 30]
// (sign-extended int32), reserved.
static inline void fill_param_src(ExtMem &mem, const Cfg &c, uint32_t base, std::mt19937_64 &rng) {
  auto r = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  for (int row = 0; row < 4 * c.PS; row++)
    for (int k = 0; k < c.C; k++) {
      int32_t v;
      switch (row % 4) {
        case 0: v = (int32_t)r(-100000, 100000); break;
        case 1: v = (int32_t)(r(0, 9) == 0 ? r(0, INT32_MAX) : r(1 << 30, INT32_MAX)); break;
        case 2: v = (int32_t)(r(0, 9) == 0 ? r(-31, 30) : r(-14, 1)); break;
        default: v = (int32_t)r(INT32_MIN, INT32_MAX); break;
      }
      memcpy(&mem.b[base + (uint32_t)(row * 4 * c.C + 4 * k)], &v, 4);
    }
}
