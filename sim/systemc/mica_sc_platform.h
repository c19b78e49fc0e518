/* The example platform of sim/systemc (C API, for libmica's `systemc` backend and C programs):
 * a host initiator -> Bus -> {Memory at 0, the accelerator's CSRs at MICA_SC_CSR_BASE}; the
 * accelerator's memory initiator -> Memory. Each call runs the SystemC kernel until the host's
 * transaction is done. One platform per process (SystemC elaborates once). */
#ifndef MICA_SC_PLATFORM_H
#define MICA_SC_PLATFORM_H
#include <stddef.h>
#include <stdint.h>
#include "mica_hw.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MICA_SC_CSR_BASE 0x40000000u

typedef struct mica_sc_platform mica_sc_platform_t;
typedef enum { MICA_SC_DONE = 0, MICA_SC_ERROR = 1, MICA_SC_TIMEOUT = 2 } mica_sc_wait_t;

/* kind: "rtl" or "tlm"; latency in clock cycles (>= 1), bytes_per_cycle of the memory port.
 * 0, or -1 with a one-line reason in err. */
int mica_sc_platform_create(const char *kind, const mica_hw_config_t *hw, uint64_t mem_bytes,
                            unsigned latency, unsigned bytes_per_cycle, mica_sc_platform_t **out,
                            char *err, size_t errlen);
/* Host accesses over the bus: 0, or -1 when the bus answers an error (out of range). */
int mica_sc_mem_write(mica_sc_platform_t *p, uint32_t addr, const void *src, size_t n);
int mica_sc_mem_read(mica_sc_platform_t *p, uint32_t addr, void *dst, size_t n);
uint32_t mica_sc_csr_read(mica_sc_platform_t *p, uint32_t offset);
void mica_sc_csr_write(mica_sc_platform_t *p, uint32_t offset, uint32_t value);
/* Until the interrupt rises or max_cycles accelerator clocks pass. */
mica_sc_wait_t mica_sc_wait(mica_sc_platform_t *p, uint64_t max_cycles);
void mica_sc_reset(mica_sc_platform_t *p);
/* Accelerator clock cycles since the platform started; SystemC time in ns. */
uint64_t mica_sc_cycle(const mica_sc_platform_t *p);
double mica_sc_time_ns(const mica_sc_platform_t *p);
void mica_sc_platform_destroy(mica_sc_platform_t *p);

#ifdef __cplusplus
}
#endif
#endif
