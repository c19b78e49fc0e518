/* The reference interpreter's state on caller-supplied memories, and its CSRs (hw/mica.json
 * "csrs"): the configuration words, CTRL, STATUS, ERROR, the program registers and the 64-bit
 * counters whose low-word read latches the high word. */
#include <string.h>
#include "mica_isa_ref.h"

/* The on-chip memories in one block, int32 ones first (alignment). */
typedef struct {
    size_t acc, param, aspad, wspad, shadow, total;
} layout_t;

static int layout(const mica_hw_config_t *c, layout_t *l) {
    uint64_t acc = (uint64_t)c->acc_depth * c->cols * 4,
             param = (uint64_t)MICA_PARAM_ROWS * c->param_sets * c->cols * 4;
    uint64_t aspad = (uint64_t)c->aspad_depth * c->rows, wspad = (uint64_t)c->wspad_depth * c->cols;
    uint64_t shadow =
        2 * (uint64_t)c->rows * c->cols + 2 * (uint64_t)MICA_DWCONV_VSHADOW_ROWS * c->cols;
    uint64_t total = acc + param + aspad + wspad + shadow;
    if (total > (size_t)-1 / 2)
        return -1;
    *l = (layout_t){(size_t)acc,   (size_t)param,  (size_t)aspad,
                    (size_t)wspad, (size_t)shadow, (size_t)total};
    return 0;
}

size_t mica_isa_ref_buffer_bytes(const mica_hw_config_t *cfg) {
    layout_t l;
    return layout(cfg, &l) ? 0 : (l.total ? l.total : 1);
}

void mica_isa_ref_init(mica_isa_ref_t *s, const mica_hw_config_t *cfg, uint8_t *mem,
                       uint64_t mem_bytes, void *buf) {
    layout_t l = {0, 0, 0, 0, 0, 0};
    uint8_t *p = buf;
    memset(s, 0, sizeof *s);
    layout(cfg, &l);
    s->cfg = *cfg;
    s->mem = mem;
    s->mem_bytes = mem_bytes;
    s->acc = (int32_t *)p;
    s->param = (int32_t *)(p + l.acc);
    s->aspad = (int8_t *)(p + l.acc + l.param);
    s->wspad = s->aspad + l.aspad;
    s->w_shadow = s->wspad + l.wspad;
    s->w_active = s->w_shadow + (size_t)cfg->rows * cfg->cols;
    s->v_shadow = s->w_active + (size_t)cfg->rows * cfg->cols;
    s->v_active = s->v_shadow + (size_t)MICA_DWCONV_VSHADOW_ROWS * cfg->cols;
}

static uint32_t counter_read(mica_isa_ref_t *s, uint32_t addr) {
    uint64_t v = s->counters[(addr - MICA_CSR_COUNTER_BASE) / 8];
    if (addr & 4)
        return s->counter_hi_snapshot;
    s->counter_hi_snapshot = (uint32_t)(v >> 32);
    return (uint32_t)v;
}

uint32_t mica_isa_ref_csr_read(mica_isa_ref_t *s, uint32_t addr) {
    const mica_hw_config_t *c = &s->cfg;
    if (addr >= MICA_CSR_COUNTER_BASE && addr < MICA_CSR_COUNTER_BASE + 8u * MICA_NUM_COUNTERS)
        return counter_read(s, addr);
    switch (addr) {
    case MICA_CSR_ID:
        return MICA_CSR_ID_VALUE;
    case MICA_CSR_VERSION:
        return MICA_SPEC_VERSION;
    case MICA_CSR_CONFIG0:
        return mica_config0_pack(c->rows, c->cols);
    case MICA_CSR_CONFIG1:
        return mica_config1_pack(c->aspad_depth, c->wspad_depth);
    case MICA_CSR_CONFIG2:
        return mica_config2_pack(c->acc_depth, c->param_sets, c->bus_bytes);
    case MICA_CSR_CONFIG3:
        return mica_config3_pack(mica_hw_req_lanes(c), c->absent, mica_hw_req_mul_cycles(c));
    case MICA_CSR_STATUS:
        return (s->done ? MICA_STATUS_DONE : 0) | (s->error ? MICA_STATUS_ERROR : 0);
    case MICA_CSR_ERROR:
        return s->error_code;
    case MICA_CSR_ERROR_PC:
        return s->error_pc;
    case MICA_CSR_PROG_ADDR:
        return s->prog_addr;
    case MICA_CSR_PROG_LEN:
        return s->prog_len;
    case MICA_CSR_PC:
        return s->pc;
    default:
        return 0;
    }
}

/* The runtime reads all counters after every step (36 words): one call, the switch inlined, instead
 * of a backend call per word (~10% of a small model's inference on the func backend). */
int mica_isa_ref_csr_read_block(mica_isa_ref_t *s, uint32_t addr, uint32_t *dst, int n) {
    for (int i = 0; i < n; i++, addr += 4)
        dst[i] =
            addr >= MICA_CSR_COUNTER_BASE && addr < MICA_CSR_COUNTER_BASE + 8u * MICA_NUM_COUNTERS
                ? counter_read(s, addr) /* inlined: the words the runtime reads */
                : mica_isa_ref_csr_read(s, addr);
    return 0;
}

void mica_isa_ref_csr_write(mica_isa_ref_t *s, uint32_t addr, uint32_t value) {
    if (addr == MICA_CSR_PROG_ADDR)
        s->prog_addr = value;
    else if (addr == MICA_CSR_PROG_LEN)
        s->prog_len = value;
    else if (addr == MICA_CSR_CTRL && (value & MICA_CTRL_START))
        mica_isa_ref_run(s); /* runs to completion */
    else if (addr == MICA_CSR_CTRL && (value & MICA_CTRL_CLEAR))
        s->done = s->error = 0;
}
