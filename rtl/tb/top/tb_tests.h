// Directed, error and performance tests for tb_top.cpp (included there).
#pragma once

static void csr_tests(Sim &sim) {
  result(sim.csr_read(MICA_CSR_ID) == MICA_CSR_ID_VALUE, "csr ID");
  result(sim.csr_read(MICA_CSR_VERSION) == MICA_SPEC_VERSION, "csr VERSION");
  result(sim.csr_read(MICA_CSR_CONFIG0) == mica_config0_pack(kCfg.R, kCfg.C), "csr CONFIG0");
  result(sim.csr_read(MICA_CSR_CONFIG1) == mica_config1_pack(kCfg.AD, kCfg.WD), "csr CONFIG1");
  result(sim.csr_read(MICA_CSR_CONFIG2) == mica_config2_pack(kCfg.CD, kCfg.PS, kCfg.B), "csr CONFIG2");
  result(sim.csr_read(MICA_CSR_CONFIG3) == mica_config3_pack(kCfg.L == 0 || kCfg.L > kCfg.C ? kCfg.C : kCfg.L, kCfg.A, kCfg.M),
         "csr CONFIG3");
  sim.csr_write(MICA_CSR_PROG_ADDR, 0x1230);
  sim.csr_write(MICA_CSR_PROG_LEN, 77);
  result(sim.csr_read(MICA_CSR_PROG_ADDR) == 0x1230 && sim.csr_read(MICA_CSR_PROG_LEN) == 77,
         "csr PROG_ADDR/PROG_LEN");
  result((sim.csr_read(MICA_CSR_STATUS) & MICA_STATUS_BUSY) == 0 && sim.top->irq_o == 0, "csr idle after reset");
}

// One instruction with arbitrary (possibly illegal) bits, no hazard bookkeeping.
static void raw(ProGen &g, mica_instr_t in) { g.emit(in, -1, {}); }

static void directed_tests(Sim &sim, ExtMem &mem, std::mt19937_64 &rng) {
  {  // END only, then SYNC + END: DONE, irq, counters cleared by START
    ProGen g(kCfg, rng);
    g.emit(ProGen::op(MICA_OP_END), -1, {});
    run_and_compare(sim, mem, g.prog, "end-only");
    result(sim.top->irq_o == 1, "irq on done");
    sim.csr_write(MICA_CSR_CTRL, MICA_CTRL_CLEAR);
    result((sim.csr_read(MICA_CSR_STATUS) & (MICA_STATUS_DONE | MICA_STATUS_ERROR)) == 0 && sim.top->irq_o == 0,
           "CTRL.CLEAR");
    ProGen h(kCfg, rng);
    h.emit(ProGen::op(MICA_OP_SYNC), -1, {}, 15);
    h.emit(ProGen::op(MICA_OP_END), -1, {});
    run_and_compare(sim, mem, h.prog, "sync-end");
    result(sim.counter(MICA_CNT_INSTRS) == 2, "INSTRS cleared by START");
  }
  {  // Highest legal rows of every memory, unaligned rows
    ProGen g(kCfg, rng);
    uint32_t pr = MICA_PARAM_ROWS * (kCfg.PS - 1);
    g.load(MICA_LOAD_TARGET_ASPAD, kCfg.AD - 4, 4, kCfg.R, IN_BASE + 5, kCfg.R + 3);
    g.load(MICA_LOAD_TARGET_WSPAD, kCfg.WD - kCfg.R, kCfg.R, kCfg.C, IN_BASE + 0x101, kCfg.C + 1);
    g.load(MICA_LOAD_TARGET_PARAM, pr, MICA_PARAM_ROWS, 4 * kCfg.C, g.psrc + pr * 4 * kCfg.C, 4 * kCfg.C);
    g.loadw(kCfg.WD - kCfg.R);
    ProGen::MM m = {0, -3, (uint32_t)kCfg.AD - 4, (uint32_t)kCfg.CD - 4, 1, 4, 1, 4, 1, 1, 0, 0};
    g.matmul(m);
    m.accum = 1; m.zin = 5; m.ox = 1;  // second tap: last pixel padded
    g.matmul(m);
    ProGen::ST s = {MICA_STORE_ROUND_SINGLE, 3, -128, 127, (uint32_t)kCfg.CD - 4, 4, (uint32_t)kCfg.C,
                    (uint32_t)kCfg.PS - 1, OUT_BASE + 3, 100};
    g.store(s);
    g.emit(ProGen::op(MICA_OP_END), -1, {});
    run_and_compare(sim, mem, g.prog, "top-rows");
  }
}

// DWCONV taps = NINE: window lines and line counts at every stride and offset, both modes, after a
// THREE (the line buffer holds another instruction's pixels), back to back, and accumulating.
static void dw_nine_tests(Sim &sim, ExtMem &mem, std::mt19937_64 &rng) {
  for (int mode : {MICA_DWCONV_MODE_MAC, MICA_DWCONV_MODE_MAXIMUM})
    for (uint32_t s : {1u, 2u, 3u})
      for (int off : {-2, -1, 0, 1}) {
        ProGen g(kCfg, rng);
        g.prologue();
        for (uint32_t r = 0; r < MICA_DWCONV_VSHADOW_ROWS; r++) g.loadw(2 + 3 * r, true);
        uint32_t sx = g.chance(50) ? s : 1, sy = g.chance(50) ? s : 1;
        uint32_t ow = (uint32_t)g.rnd(1, std::min<uint32_t>(9, (MICA_DWCONV_LINE - 3) / sx + 1));
        uint32_t oh = (uint32_t)g.rnd(1, 4);
        ProGen::MM m = {0, (int)g.rnd(-128, 127), 3, 10, (oh - 1) * sy + 2, (ow - 1) * sx + 2, oh, ow,
                        sy, sx, off, -1 - off};
        g.dwconv(m, mode, MICA_DWCONV_TAPS_THREE);
        m.accum = g.chance(50);
        g.dwconv(m, mode, MICA_DWCONV_TAPS_NINE);
        m.accum = 1; m.oy = -1; m.ox = 0;
        g.dwconv(m, mode, MICA_DWCONV_TAPS_NINE);    // back to back, another window
        g.loadw(9, true);
        g.dwconv(m, mode, MICA_DWCONV_TAPS_ONE);     // a one-tap one onto the same rows
        g.dwconv(m, mode, MICA_DWCONV_TAPS_NINE);    // rows shifted by the LOADW
        ProGen::ST st = {MICA_STORE_ROUND_DOUBLE, 0, -128, 127, 10, oh * ow, (uint32_t)kCfg.C, 0, OUT_BASE, (uint32_t)kCfg.C, 0};
        g.store(st);
        g.emit(ProGen::op(MICA_OP_END), -1, {});
        char name[112];
        snprintf(name, sizeof name, "dw-nine mode %d sy %u sx %u off %d (%ux%u)", mode, sy, sx, off, oh, ow);
        run_and_compare(sim, mem, g.prog, name);
      }
}

// DWCONV taps = THREE (feature DWCONV_TAPS; without it the field is ignored: one tap, as the golden
// model): window lines at every stride and offset, both modes, accumulating onto a one-tap DWCONV,
// and two instructions back to back whose weights a vector LOADW shifts in between.
static void dw_taps_tests(Sim &sim, ExtMem &mem, std::mt19937_64 &rng) {
  for (int mode : {MICA_DWCONV_MODE_MAC, MICA_DWCONV_MODE_MAXIMUM})
    for (uint32_t sx : {1u, 2u, 3u, 4u})
      for (int ox : {-2, -1, 0, 1}) {
        ProGen g(kCfg, rng);
        g.prologue();
        for (uint32_t r : {7u, 3u, 5u}) g.loadw(r, true);   // rows 2, 1, 0 of Vshadow
        uint32_t ow = (uint32_t)g.rnd(1, 9), oh = (uint32_t)g.rnd(1, 4);
        ProGen::MM m = {0, (int)g.rnd(-128, 127), 3, 10, oh + 1, (ow - 1) * sx + 2, oh, ow, 1, sx, -1, ox};
        g.dwconv(m, mode, MICA_DWCONV_TAPS_THREE);
        m.accum = 1; m.oy = 0;
        g.dwconv(m, mode, MICA_DWCONV_TAPS_THREE);   // the next kernel row, back to back
        g.loadw(9, true);
        g.dwconv(m, mode, MICA_DWCONV_TAPS_ONE);     // and a one-tap one onto the same rows
        g.dwconv(m, mode, MICA_DWCONV_TAPS_THREE);   // rows shifted by the LOADW
        ProGen::ST s = {MICA_STORE_ROUND_DOUBLE, 0, -128, 127, 10, oh * ow, (uint32_t)kCfg.C, 0, OUT_BASE, (uint32_t)kCfg.C, 0};
        g.store(s);
        g.emit(ProGen::op(MICA_OP_END), -1, {});
        char name[96];
        snprintf(name, sizeof name, "dw-taps mode %d sx %u ox %d (%ux%u)", mode, sx, ox, oh, ow);
        run_and_compare(sim, mem, g.prog, name);
      }
}

static void error_tests(Sim &sim, ExtMem &mem, std::mt19937_64 &rng) {
  using Mk = void (*)(ProGen &);
  struct { const char *name; Mk mk; Check how; } cases[] = {
      {"illegal-op0", [](ProGen &g) { raw(g, ProGen::op(0)); }, CHECK_ALL},
      {"illegal-op9", [](ProGen &g) { raw(g, ProGen::op(9)); }, CHECK_ALL},
      {"illegal-op15", [](ProGen &g) { raw(g, ProGen::op(15)); }, CHECK_ALL},
      {"bad-target", [](ProGen &g) {
         mica_instr_t in = ProGen::op(MICA_OP_LOAD);
         MICA_SET(&in, MICA_F_LOAD_TARGET, MICA_LOAD_TARGET_MAX + 1); MICA_SET(&in, MICA_F_LOAD_LEN, 1);
         MICA_SET(&in, MICA_F_LOAD_ROWS, 1); raw(g, in); }, CHECK_ALL},
      {"load-len0", [](ProGen &g) {
         mica_instr_t in = ProGen::op(MICA_OP_LOAD);
         MICA_SET(&in, MICA_F_LOAD_ROWS, 1); raw(g, in); }, CHECK_ALL},
      {"load-rows0", [](ProGen &g) {   // zero counts are errors, never no-ops (hw/mica.json)
         mica_instr_t in = ProGen::op(MICA_OP_LOAD);
         MICA_SET(&in, MICA_F_LOAD_LEN, 1); raw(g, in); }, CHECK_ALL},
      {"load-rows0-len0", [](ProGen &g) { raw(g, ProGen::op(MICA_OP_LOAD)); }, CHECK_ALL},
      {"load-len-wide", [](ProGen &g) {
         mica_instr_t in = ProGen::op(MICA_OP_LOAD);
         MICA_SET(&in, MICA_F_LOAD_TARGET, MICA_LOAD_TARGET_WSPAD); MICA_SET(&in, MICA_F_LOAD_LEN, kCfg.C + 1);
         MICA_SET(&in, MICA_F_LOAD_ROWS, 1); raw(g, in); }, CHECK_ALL},
      {"load-param-len-wide", [](ProGen &g) {
         mica_instr_t in = ProGen::op(MICA_OP_LOAD);
         MICA_SET(&in, MICA_F_LOAD_TARGET, MICA_LOAD_TARGET_PARAM); MICA_SET(&in, MICA_F_LOAD_LEN, 4 * kCfg.C + 1);
         MICA_SET(&in, MICA_F_LOAD_ROWS, 1); raw(g, in); }, CHECK_ALL},
      {"load-range", [](ProGen &g) {
         mica_instr_t in = ProGen::op(MICA_OP_LOAD);
         MICA_SET(&in, MICA_F_LOAD_MEM_ADDR, kCfg.AD - 1); MICA_SET(&in, MICA_F_LOAD_LEN, 1);
         MICA_SET(&in, MICA_F_LOAD_ROWS, 2); raw(g, in); }, CHECK_ALL},
      {"load-param-range", [](ProGen &g) {
         mica_instr_t in = ProGen::op(MICA_OP_LOAD);
         MICA_SET(&in, MICA_F_LOAD_TARGET, MICA_LOAD_TARGET_PARAM);
         MICA_SET(&in, MICA_F_LOAD_MEM_ADDR, MICA_PARAM_ROWS * kCfg.PS - 1);
         MICA_SET(&in, MICA_F_LOAD_LEN, 1); MICA_SET(&in, MICA_F_LOAD_ROWS, 2); raw(g, in); }, CHECK_ALL},
      {"loadw-range", [](ProGen &g) {
         mica_instr_t in = ProGen::op(MICA_OP_LOADW);
         MICA_SET(&in, MICA_F_LOADW_WSPAD_ADDR, kCfg.WD - kCfg.R + 1); raw(g, in); }, CHECK_ALL},
      {"matmul-zero-dim", [](ProGen &g) {
         mica_instr_t in = ProGen::op(MICA_OP_MATMUL);
         MICA_SET(&in, MICA_F_MATMUL_IN_H, 1); MICA_SET(&in, MICA_F_MATMUL_IN_W, 1);
         MICA_SET(&in, MICA_F_MATMUL_OUT_H, 1); MICA_SET(&in, MICA_F_MATMUL_OUT_W, 1);
         MICA_SET(&in, MICA_F_MATMUL_STRIDE_Y, 1); raw(g, in); }, CHECK_ALL},
      {"matmul-acc-range", [](ProGen &g) {
         mica_instr_t in = ProGen::op(MICA_OP_MATMUL);
         MICA_SET(&in, MICA_F_MATMUL_IN_H, 1); MICA_SET(&in, MICA_F_MATMUL_IN_W, 1);
         MICA_SET(&in, MICA_F_MATMUL_OUT_H, 1); MICA_SET(&in, MICA_F_MATMUL_OUT_W, 2);
         MICA_SET(&in, MICA_F_MATMUL_STRIDE_Y, 1); MICA_SET(&in, MICA_F_MATMUL_STRIDE_X, 1);
         MICA_SET(&in, MICA_F_MATMUL_ACC_ADDR, kCfg.CD - 1); raw(g, in); }, CHECK_ALL},
      {"matmul-aspad-range", [](ProGen &g) {
         mica_instr_t in = ProGen::op(MICA_OP_MATMUL);
         MICA_SET(&in, MICA_F_MATMUL_IN_H, 2); MICA_SET(&in, MICA_F_MATMUL_IN_W, 2);
         MICA_SET(&in, MICA_F_MATMUL_OUT_H, 1); MICA_SET(&in, MICA_F_MATMUL_OUT_W, 1);
         MICA_SET(&in, MICA_F_MATMUL_STRIDE_Y, 1); MICA_SET(&in, MICA_F_MATMUL_STRIDE_X, 1);
         MICA_SET(&in, MICA_F_MATMUL_ASPAD_ADDR, kCfg.AD - 3); raw(g, in); }, CHECK_ALL},
      {"dwconv-taps3", [](ProGen &g) {   // taps 3 is illegal (one tap without DWCONV_TAPS)
         mica_instr_t in = ProGen::op(MICA_OP_DWCONV);
         MICA_SET(&in, MICA_F_DWCONV_IN_H, 1); MICA_SET(&in, MICA_F_DWCONV_IN_W, 1);
         MICA_SET(&in, MICA_F_DWCONV_OUT_H, 1); MICA_SET(&in, MICA_F_DWCONV_OUT_W, 1);
         MICA_SET(&in, MICA_F_DWCONV_STRIDE_Y, 1); MICA_SET(&in, MICA_F_DWCONV_STRIDE_X, 1);
         MICA_SET(&in, MICA_F_DWCONV_MODE, g.rnd(0, 1));
         MICA_SET(&in, MICA_F_DWCONV_TAPS, MICA_DWCONV_TAPS_MAX + 1); raw(g, in); }, CHECK_ALL},
      {"dwconv-nine-line", [](ProGen &g) {   // taps NINE: L past the line buffer, or H past in_h's
         mica_instr_t in = ProGen::op(MICA_OP_DWCONV);
         bool tall = g.chance(50);
         MICA_SET(&in, MICA_F_DWCONV_IN_H, 1); MICA_SET(&in, MICA_F_DWCONV_IN_W, 1);
         MICA_SET(&in, MICA_F_DWCONV_OUT_H, tall ? 1366 + g.rnd(0, 1) : 1);
         MICA_SET(&in, MICA_F_DWCONV_OUT_W, tall ? 1 : MICA_DWCONV_LINE - 2 + g.rnd(0, 1));
         MICA_SET(&in, MICA_F_DWCONV_STRIDE_Y, tall ? 3 : 1); MICA_SET(&in, MICA_F_DWCONV_STRIDE_X, 1);
         MICA_SET(&in, MICA_F_DWCONV_TAPS, MICA_DWCONV_TAPS_NINE); raw(g, in); }, CHECK_ALL},
      {"dwconv-taps-line", [](ProGen &g) {   // taps THREE: (out_w - 1) * stride_x + 3 > in_w's max
         mica_instr_t in = ProGen::op(MICA_OP_DWCONV);
         MICA_SET(&in, MICA_F_DWCONV_IN_H, 1); MICA_SET(&in, MICA_F_DWCONV_IN_W, 1);
         MICA_SET(&in, MICA_F_DWCONV_OUT_H, 1); MICA_SET(&in, MICA_F_DWCONV_OUT_W, 1366 + g.rnd(0, 1));
         MICA_SET(&in, MICA_F_DWCONV_STRIDE_Y, 1); MICA_SET(&in, MICA_F_DWCONV_STRIDE_X, 3);
         MICA_SET(&in, MICA_F_DWCONV_TAPS, MICA_DWCONV_TAPS_THREE); raw(g, in); }, CHECK_ALL},
      {"gemv-zero", [](ProGen &g) {   // folds or pixels 0 (ILLEGAL_OPCODE without GEMV)
         mica_instr_t in = ProGen::op(MICA_OP_GEMV);
         MICA_SET(&in, g.chance(50) ? MICA_F_GEMV_FOLDS : MICA_F_GEMV_PIXELS, 1); raw(g, in); }, CHECK_ALL},
      {"gemv-range", [](ProGen &g) {   // the last fold's tile, input rows or the ACC rows past the end
         mica_instr_t in = ProGen::op(MICA_OP_GEMV);
         MICA_SET(&in, MICA_F_GEMV_FOLDS, 2); MICA_SET(&in, MICA_F_GEMV_PIXELS, 2);
         int k = (int)g.rnd(0, 2);
         if (k == 0) MICA_SET(&in, MICA_F_GEMV_WSPAD_ADDR, kCfg.WD - 2 * kCfg.R + 1);
         if (k == 1) MICA_SET(&in, MICA_F_GEMV_ASPAD_ADDR, kCfg.AD - 3);
         if (k == 2) MICA_SET(&in, MICA_F_GEMV_ACC_ADDR, kCfg.CD - 1);
         raw(g, in); }, CHECK_ALL},
      {"rescale-rows0", [](ProGen &g) { raw(g, ProGen::op(MICA_OP_RESCALE)); }, CHECK_ALL},
      {"rescale-left-shift", [](ProGen &g) {
         mica_instr_t in = ProGen::op(MICA_OP_RESCALE);
         MICA_SET(&in, MICA_F_RESCALE_ROWS, 1); MICA_SET(&in, MICA_F_RESCALE_LEFT_SHIFT, g.rnd(MICA_RESCALE_LEFT_SHIFT_MAX + 1, 31));
         raw(g, in); }, CHECK_ALL},
      {"rescale-range", [](ProGen &g) {
         mica_instr_t in = ProGen::op(MICA_OP_RESCALE);
         MICA_SET(&in, MICA_F_RESCALE_ROWS, 2);
         if (g.chance(50)) MICA_SET(&in, MICA_F_RESCALE_ACC_ADDR, kCfg.CD - 1);
         else MICA_SET(&in, MICA_F_RESCALE_ASPAD_ADDR, kCfg.AD - 1);
         raw(g, in); }, CHECK_ALL},
      {"store-len0", [](ProGen &g) {
         mica_instr_t in = ProGen::op(MICA_OP_STORE);
         MICA_SET(&in, MICA_F_STORE_ROWS, 1); raw(g, in); }, CHECK_ALL},
      {"store-rows0", [](ProGen &g) {
         mica_instr_t in = ProGen::op(MICA_OP_STORE);
         MICA_SET(&in, MICA_F_STORE_LEN, 1); raw(g, in); }, CHECK_ALL},
      {"store-round3", [](ProGen &g) {
         mica_instr_t in = ProGen::op(MICA_OP_STORE);
         MICA_SET(&in, MICA_F_STORE_LEN, 1); MICA_SET(&in, MICA_F_STORE_ROWS, 1);
         MICA_SET(&in, MICA_F_STORE_ROUND, MICA_STORE_ROUND_MAX + 1); raw(g, in); }, CHECK_ALL},
      {"store-len-wide", [](ProGen &g) {
         mica_instr_t in = ProGen::op(MICA_OP_STORE);
         MICA_SET(&in, MICA_F_STORE_LEN, kCfg.C + 1); MICA_SET(&in, MICA_F_STORE_ROWS, 1);
         raw(g, in); }, CHECK_ALL},
      {"store-acc-range", [](ProGen &g) {
         mica_instr_t in = ProGen::op(MICA_OP_STORE);
         MICA_SET(&in, MICA_F_STORE_LEN, 1); MICA_SET(&in, MICA_F_STORE_ACC_ADDR, kCfg.CD - 1);
         MICA_SET(&in, MICA_F_STORE_ROWS, 2); raw(g, in); }, CHECK_ALL},
      {"store-pset-range", [](ProGen &g) {
         mica_instr_t in = ProGen::op(MICA_OP_STORE);
         MICA_SET(&in, MICA_F_STORE_LEN, 1); MICA_SET(&in, MICA_F_STORE_PARAM_SET, kCfg.PS);
         MICA_SET(&in, MICA_F_STORE_ROWS, 1); raw(g, in); }, CHECK_ALL},
      {"store-aspad-range", [](ProGen &g) {   // where the feature is not built: a STORE to memory
         mica_instr_t in = ProGen::op(MICA_OP_STORE);
         MICA_SET(&in, MICA_F_STORE_TARGET, MICA_STORE_TARGET_ASPAD);
         MICA_SET(&in, MICA_F_STORE_LEN, 1); MICA_SET(&in, MICA_F_STORE_ROWS, 2);
         MICA_SET(&in, MICA_F_STORE_EXT_ADDR, kCfg.AD - 1); raw(g, in); }, CHECK_ALL},
      {"load-bus-error", [](ProGen &g) {
         g.load(MICA_LOAD_TARGET_ASPAD, 0, 4, kCfg.R, MEM_SIZE - 2 * kCfg.R - 1, kCfg.R); }, CHECK_STATUS_ONLY},
      {"load-bus-error-far", [](ProGen &g) {
         g.load(MICA_LOAD_TARGET_WSPAD, 0, 3, kCfg.C, 0x80000000u + 5, kCfg.C); }, CHECK_STATUS_ONLY},
      {"store-bus-error", [](ProGen &g) {
         ProGen::ST s = {MICA_STORE_ROUND_DOUBLE, 0, -128, 127, 0, 3, (uint32_t)kCfg.C, 0, MEM_SIZE - 3, 1};
         g.store(s); }, CHECK_STATUS_ONLY},
  };
  for (auto &cs : cases) {
    ProGen g(kCfg, rng);
    g.prologue();
    g.body((int)g.rnd(0, 6));
    cs.mk(g);
    g.body((int)g.rnd(0, 3));
    g.epilogue();
    run_and_compare(sim, mem, g.prog, cs.name, cs.how);
  }
  {  // PROG_END: no END within PROG_LEN (also PROG_LEN = 0)
    ProGen g(kCfg, rng);
    for (int i = 0; i < 3; i++) g.emit(ProGen::op(MICA_OP_SYNC), -1, {});
    run_and_compare(sim, mem, g.prog, "prog-end");
    run_and_compare(sim, mem, g.prog, "prog-len-0", CHECK_ALL, PROG_BASE, 0);
  }
  {  // Fetch past the end of memory: bus error raised at the first unreadable instruction
    ProGen g(kCfg, rng);
    g.emit(ProGen::op(MICA_OP_SYNC), -1, {});
    g.emit(ProGen::op(MICA_OP_SYNC), -1, {});
    run_and_compare(sim, mem, g.prog, "fetch-bus-error", CHECK_ALL, MEM_SIZE - 32, 6);
  }
  {  // END just before the end of memory: prefetch must not fault
    ProGen g(kCfg, rng);
    g.emit(ProGen::op(MICA_OP_SYNC), -1, {});
    g.emit(ProGen::op(MICA_OP_END), -1, {});
    run_and_compare(sim, mem, g.prog, "end-at-mem-end", CHECK_ALL, MEM_SIZE - 32, 8);
  }
}

// g's program with an END, run without comparing: its CYCLES counter.
static uint64_t program_cycles(Sim &sim, ExtMem &mem, ProGen &g) {
  g.emit(ProGen::op(MICA_OP_END), -1, {});
  write_prog(mem, PROG_BASE, g.prog);
  sim.run(PROG_BASE, (uint32_t)g.prog.size());
  return sim.counter(MICA_CNT_CYCLES);
}

// Cycle costs with an always-ready bus of fixed latency (printed, not checked).
static void perf_tests(Sim &sim, ExtMem &mem, std::mt19937_64 &rng) {
  auto cycles_of = [&](ProGen &g) { return program_cycles(sim, mem, g); };
  printf("bus latency %d..%d, ready %d%%\n", sim.lat_min, sim.lat_max, sim.ready_pct);
  ProGen e(kCfg, rng);
  uint64_t base = cycles_of(e);
  printf("empty program (END): %llu cycles\n", (unsigned long long)base);
  for (uint32_t t : {1u, 16u, 64u, 256u}) {
    ProGen g(kCfg, rng);
    ProGen::MM m = {0, 0, 0, 0, 1, t, 1, t, 1, 1, 0, 0};
    g.matmul(m);
    cycles_of(g);
    printf("MATMUL T=%u: ARRAY_BUSY %llu cycles\n", t,
           (unsigned long long)sim.counter(MICA_CNT_ARRAY_BUSY));
  }
  // Pipelined MATMULs: 32 back-to-back (LOADW + MATMUL) pairs, accumulating into the same rows.
  for (uint32_t t : {1u, 16u, 64u, 256u}) {
    ProGen g(kCfg, rng);
    for (int i = 0; i < 32; i++) {
      g.loadw(0);
      ProGen::MM m = {i > 0, 0, 0, 0, 1, t, 1, t, 1, 1, 0, 0};
      g.matmul(m);
    }
    uint64_t c = cycles_of(g) - base;
    printf("32 x (LOADW + MATMUL T=%u): %llu cycles (%.1f per pair)\n", t,
           (unsigned long long)c, (double)c / 32);
  }
  for (int t : {MICA_LOAD_TARGET_ASPAD, MICA_LOAD_TARGET_WSPAD, MICA_LOAD_TARGET_PARAM}) {
    uint32_t w = t == MICA_LOAD_TARGET_ASPAD ? kCfg.R : t == MICA_LOAD_TARGET_WSPAD ? kCfg.C : 4 * kCfg.C;
    for (uint32_t off : {0u, 3u}) {
      ProGen g(kCfg, rng);
      uint32_t rows = t == MICA_LOAD_TARGET_PARAM ? MICA_PARAM_ROWS * std::min(kCfg.PS, 16) : 256;
      g.load(t, 0, rows, w, IN_BASE + off, w);
      uint64_t c = cycles_of(g) - base;
      printf("LOAD target %d: %u rows x %u B, ext offset %u: %llu cycles (%.2f B/cycle, %.2f beats/cycle)\n",
             t, rows, w, off, (unsigned long long)c, (double)rows * w / c,
             (double)sim.counter(MICA_CNT_DMA_RD_BYTES) / kCfg.B / c);
    }
  }
  for (uint32_t off : {0u, 3u}) {
    ProGen g(kCfg, rng);
    ProGen::ST s = {MICA_STORE_ROUND_DOUBLE, 0, -128, 127, 0, 256, (uint32_t)kCfg.C, 0, OUT_BASE + off, (uint32_t)kCfg.C};
    g.load(MICA_LOAD_TARGET_PARAM, 0, MICA_PARAM_ROWS, 4 * kCfg.C, g.psrc, 4 * kCfg.C);
    uint64_t c0 = cycles_of(g);
    ProGen h(kCfg, rng);
    h.store(s);
    uint64_t c = cycles_of(h) - base;
    (void)c0;
    printf("STORE 256 rows x %d B, ext offset %u: %llu cycles (%.2f rows/cycle)\n", kCfg.C, off,
           (unsigned long long)c, 256.0 / c);
  }
}

// The ASPAD write port is shared with LOADs into ASPAD only: a target-ASPAD STORE right after a
// LOAD into WSPAD runs beside it, after a LOAD into ASPAD it waits. Timing only (run last: the
// reference model does not follow these programs), on a fixed-latency, always-ready bus.
static void aspad_port_test(Sim &sim, ExtMem &mem, std::mt19937_64 &rng) {
  if (!ProGen(kCfg, rng).store_aspad()) return;
  int bus[3] = {sim.lat_min, sim.lat_max, sim.ready_pct};
  sim.lat_min = sim.lat_max = 10, sim.ready_pct = 100;
  ProGen::ST s = {MICA_STORE_ROUND_DOUBLE, 0, -128, 127, 0, 64, (uint32_t)kCfg.C, 0, 0, 0, 1};
  int64_t extra[2];
  for (int k = 0; k < 2; k++) {
    int t = k ? MICA_LOAD_TARGET_WSPAD : MICA_LOAD_TARGET_ASPAD;
    uint32_t w = k ? kCfg.C : kCfg.R;
    ProGen g(kCfg, rng), h(kCfg, rng);
    g.load(t, 128, 256, w, IN_BASE, w);
    h.load(t, 128, 256, w, IN_BASE, w);
    h.store(s);
    uint64_t alone = program_cycles(sim, mem, g);
    extra[k] = (int64_t)program_cycles(sim, mem, h) - (int64_t)alone;
  }
  result(extra[0] >= 64 && extra[1] < 16,
         "STORE to ASPAD after a LOAD: +" + std::to_string(extra[0]) + " cycles (into ASPAD), +" +
             std::to_string(extra[1]) + " (into WSPAD)");
  sim.lat_min = bus[0], sim.lat_max = bus[1], sim.ready_pct = bus[2];
}
