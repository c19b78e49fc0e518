/* The transport seam: everything libmica needs from a target is six calls on a device that
 * has external memory and the CSR block of hw/mica.json. The RTL simulator (in-process), the
 * functional model, and later a simulator in another process, a USB FPGA board (libftdi: CSR and
 * memory accesses become USB packets) and an MCU link (UART frames) each implement this table;
 * the public API in mica.h never changes when one is added. */
#ifndef MICA_BACKEND_H
#define MICA_BACKEND_H
#include <stddef.h>
#include <stdint.h>
#include "mica_hw.h"
#include "mica_options.h"

typedef enum { MICA_WAIT_DONE = 0, MICA_WAIT_HW_ERROR = 1, MICA_WAIT_TIMEOUT = 2 } mica_wait_t;
struct mica_program; /* mica_program.h */

typedef struct mica_backend {
    const char *name;
    void *state;
    /* External memory speed, for the default cycle limit (runtime.c): response latency in cycles
     * and bytes per cycle; 0 where it does not apply (the func model has no cycle limit). */
    uint32_t mem_latency, mem_bytes_per_cycle;
    /* 1: CYCLES, ARRAY_BUSY and the STALL_* counters come from the cost model (the func backend
     * has no clock), so every place that shows them calls them estimates; 0: a clock counted them. */
    int cycles_estimated;
    int (*mem_write)(void *state, uint32_t addr, const void *src, size_t n); /* 0 or -1 */
    int (*mem_read)(void *state, uint32_t addr, void *dst, size_t n);
    uint32_t (*csr_read)(void *state, uint32_t addr);
    void (*csr_write)(void *state, uint32_t addr, uint32_t value);
    /* Block until STATUS shows DONE or ERROR, or max_cycles device cycles pass. */
    mica_wait_t (*wait)(void *state, uint64_t max_cycles);
    /* Return the accelerator to idle after a timeout or error (memory contents are kept). */
    void (*reset)(void *state);
    void (*close)(void *state);
    /* Optional (NULL: the runtime reads one CSR at a time): the n CSRs at addr, addr + 4, ... in
     * one exchange, for a device behind a link where each read is a round trip. 0 or -1. */
    int (*csr_read_block)(void *state, uint32_t addr, uint32_t *dst, int n);
    /* Optional (NULL where accesses cannot fail, as in process): why the device stopped
     * answering, or NULL while it answers. The runtime checks it after every step and reports it
     * instead of the values a dead link returned. */
    const char *(*fault)(void *state);
    /* Optional: the device's own clock in ns since it started (a board's cycle counter): times
     * what the device spent, where this process's clock would also count a simulator's slowness
     * or a USB round trip. 0, or -1 when it cannot be read. */
    int (*device_time_ns)(void *state, uint64_t *ns);
    /* Optional: a device that runs whole programs itself (an MCU with the runtime core, `mcu`):
     * at load the runtime hands it the program instead of writing the image and checking CSRs
     * (its own runtime checks its accelerator), and each invoke runs there; inputs and outputs
     * still go through mem_write/mem_read at the tensors' addresses. Each returns 0, or -1 with a
     * one-line message; invoke_program fills cycles and device time per step. */
    int (*load_program)(void *state, const struct mica_program *p, char *err, size_t n);
    int (*invoke_program)(void *state, uint64_t *step_cycles, uint64_t *step_ns, char *err,
                          size_t n);
    /* Optional: what the device measured in the last invoke beyond the counters, as
     * "key=value key=value" (an MCU: link bytes, memory used, whether it fell back); 0 or -1. */
    int (*report)(void *state, char *out, size_t n);
} mica_backend_t;

/* A backend as the runtime finds it by name: its constructor and the options it accepts (the
 * runtime validates a spec against runtime options + these before calling open, so a backend
 * reads only validated values through mica_options.h's getters). open: options is the text after
 * "name:" (may be ""), cfg the configuration wanted, mem_bytes the external memory needed; 0, or
 * -1 with a one-line message in err. */
typedef struct {
    const char *name;
    int (*open)(const char *options, const mica_hw_config_t *cfg, uint32_t mem_bytes,
                mica_backend_t *out, char *err, size_t errlen);
    const mica_opt_spec_t *options;
    int noptions;
} mica_backend_desc_t;

/* The one registry: the backends this application links, in the order `mica --help` lists them.
 * driver/backends/registry.c defines it for rtl and func; an application that embeds only the
 * core library (libmica_core.a) defines its own table with its own devices. */
extern const mica_backend_desc_t *const mica_backends[];
extern const int mica_num_backends;

/* Each backend library exports its descriptor. */
extern const mica_backend_desc_t mica_backend_rtl;
extern const mica_backend_desc_t mica_backend_func;
extern const mica_backend_desc_t mica_backend_link;
extern const mica_backend_desc_t mica_backend_mcu;     /* firmware in QEMU */
extern const mica_backend_desc_t mica_backend_systemc; /* SystemC/TLM-2.0 platform process */
extern const mica_backend_desc_t mica_backend_cpu;     /* core: the ISA interpreter on this CPU */

#endif
