/* The accelerator on the bus as a mica_backend_t (include/mica_mmio.h). */
#include <string.h>
#include "mica_isa.h"
#include "mica_mmio.h"

static int in_memory(const mica_mmio_t *m, uint32_t addr, size_t n) {
    return addr <= m->mem_bytes && n <= m->mem_bytes - addr;
}

/* Bytes through aligned words: the partial words at either end are read, merged and written. */
static int mmio_mem_write(void *st, uint32_t addr, const void *src, size_t n) {
    mica_mmio_t *m = st;
    const uint8_t *s = src;
    if (!in_memory(m, addr, n))
        return -1;
    while (n) {
        uint32_t word_at = addr & ~3u, off = addr & 3u,
                 take = 4u - off < n ? 4u - off : (uint32_t)n;
        uint32_t w = take == 4 ? 0 : m->read32(m->ctx, m->mem_base + word_at);
        uint8_t b[4];
        memcpy(b, &w, 4);
        memcpy(b + off, s, take);
        memcpy(&w, b, 4);
        m->write32(m->ctx, m->mem_base + word_at, w);
        addr += take, s += take, n -= take;
    }
    return 0;
}

static int mmio_mem_read(void *st, uint32_t addr, void *dst, size_t n) {
    mica_mmio_t *m = st;
    uint8_t *d = dst;
    if (!in_memory(m, addr, n))
        return -1;
    while (n) {
        uint32_t word_at = addr & ~3u, off = addr & 3u,
                 take = 4u - off < n ? 4u - off : (uint32_t)n;
        uint32_t w = m->read32(m->ctx, m->mem_base + word_at);
        uint8_t b[4];
        memcpy(b, &w, 4);
        memcpy(d, b + off, take);
        addr += take, d += take, n -= take;
    }
    return 0;
}

static uint32_t mmio_csr_read(void *st, uint32_t addr) {
    mica_mmio_t *m = st;
    return m->read32(m->ctx, m->csr_base + addr);
}

static void mmio_csr_write(void *st, uint32_t addr, uint32_t value) {
    mica_mmio_t *m = st;
    m->write32(m->ctx, m->csr_base + addr, value);
}

static mica_wait_t mmio_wait(void *st, uint64_t max_cycles) {
    for (;;) {
        uint32_t status = mmio_csr_read(st, MICA_CSR_STATUS);
        if (status & MICA_STATUS_ERROR)
            return MICA_WAIT_HW_ERROR;
        if (status & MICA_STATUS_DONE)
            return MICA_WAIT_DONE;
        uint32_t lo = mmio_csr_read(st, MICA_CSR_COUNTER_BASE + 8u * MICA_CNT_CYCLES);
        uint32_t hi = mmio_csr_read(st, MICA_CSR_COUNTER_BASE + 8u * MICA_CNT_CYCLES + 4u);
        if (((uint64_t)hi << 32 | lo) >= max_cycles)
            return MICA_WAIT_TIMEOUT;
    }
}

/* CLEAR drops DONE and ERROR; a program still running is the caller's timeout to report. */
static void mmio_reset(void *st) {
    mmio_csr_write(st, MICA_CSR_CTRL, MICA_CTRL_CLEAR);
}

void mica_mmio_backend(mica_mmio_t *m, mica_backend_t *out) {
    *out = (mica_backend_t){.name = "mmio",
                            .state = m,
                            .mem_write = mmio_mem_write,
                            .mem_read = mmio_mem_read,
                            .csr_read = mmio_csr_read,
                            .csr_write = mmio_csr_write,
                            .wait = mmio_wait,
                            .reset = mmio_reset,
                            .close = NULL};
}
