/* The accelerator on the processor's bus (memory-mapped): its CSR block (hw/mica.json "csrs") at
 * csr_base and its external memory at mem_base, reached with 32-bit accesses through two
 * functions, so the same device code runs on an MCU (volatile loads and stores) and on a host
 * against the Verilated RTL (tests/firmware/mmio_host.c). Freestanding. */
#ifndef MICA_MMIO_H
#define MICA_MMIO_H
#include <stdint.h>
#include "mica_backend.h"

typedef struct {
    void *ctx;
    uint32_t (*read32)(void *ctx, uintptr_t addr); /* addr 4-byte aligned */
    void (*write32)(void *ctx, uintptr_t addr, uint32_t value);
    uintptr_t csr_base, mem_base;
    uint32_t mem_bytes;
} mica_mmio_t;

/* The device's calls over m (which must outlive them); out->close is NULL. WAIT polls STATUS and
 * gives up when the CYCLES counter passes the limit, so a stuck accelerator cannot hang it. */
void mica_mmio_backend(mica_mmio_t *m, mica_backend_t *out);

#endif
