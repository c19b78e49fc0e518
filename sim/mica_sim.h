/* Mica cycle-accurate simulator: a plain C API around the Verilated RTL (rtl/mica_top.sv).
 *
 * One static library (build/sim/libmicasim.a) holds one Verilated model per built array size;
 * mica_sim_create() picks the one that matches the requested rows x cols. Each simulator owns
 * its external memory (a byte array behind a latency / bandwidth model of mica_top's memory
 * port) and a cycle counter. Nothing here is thread-safe per instance; separate instances are
 * independent. All functions tolerate a NULL simulator (they do nothing / return an error).
 *
 * Time: mica_sim_cycle() counts every clock edge since creation. CSR accesses take one clock
 * cycle each (the host port is synchronous; the clock edge is what latches a write or the
 * counter high-word snapshot), so they advance the cycle count and the memory model too.
 */
#ifndef MICA_SIM_H
#define MICA_SIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mica_sim mica_sim_t;

typedef struct {
    unsigned rows, cols;          /* systolic array size; must be one of the built sizes */
    uint64_t mem_bytes;           /* external memory size in bytes, 1 .. 2^32 */
    unsigned mem_latency;         /* cycles from request acceptance to its response, >= 1 */
    unsigned mem_bytes_per_cycle; /* average bandwidth (token bucket), >= 1; one beat per cycle max */
    unsigned req_lanes, absent;   /* hw/mica.json REQ_LANES (0 = cols), ABSENT: must match a build */
    unsigned req_mul_cycles;      /* REQ_MUL_CYCLES (0 = 1): must match a build */
} mica_sim_config_t;

typedef enum {
    MICA_SIM_DONE = 0,     /* irq with STATUS.DONE: the program reached END */
    MICA_SIM_HW_ERROR = 1, /* irq with STATUS.ERROR: read the ERROR / ERROR_PC CSRs */
    MICA_SIM_TIMEOUT = 2   /* the cycle limit was reached before irq */
} mica_sim_status_t;

/* Memory-port statistics kept by the memory model since creation (or the last reset). */
typedef struct {
    uint64_t reads[4], writes[4]; /* accepted requests per request id (0 fetch, 1 LOAD, 2 STORE) */
    uint64_t write_bytes;         /* bytes written (enabled strobe lanes, in range only) */
    uint64_t errors;              /* responses with err set (out of range or misaligned) */
    uint64_t not_ready_cycles;    /* cycles a request was offered while the bandwidth limit held it */
} mica_sim_mem_stats_t;

/* Defaults: 16x16 array, 64 MiB memory, latency 10 cycles, 8 bytes per cycle. */
mica_sim_config_t mica_sim_config_default(void);

/* Number of array sizes built into this library, and the i-th one (returns -1 if i is out of
 * range). Lets a caller list or choose a configuration without trial and error. */
unsigned mica_sim_num_builds(void);
int mica_sim_build_size(unsigned i, unsigned *rows, unsigned *cols);

/* Creates a simulator, held in reset for a few cycles and then released (idle, cycle count a
 * few cycles past 0). cfg NULL means the defaults. Returns 0 and sets *out on success; on
 * failure returns -1, sets *out to NULL and writes a one-line reason to err (if err != NULL
 * and errlen > 0), e.g. "no model built for a 12x12 array (built: 4x4 8x8 16x16)". */
int mica_sim_create(const mica_sim_config_t *cfg, mica_sim_t **out, char *err, size_t errlen);

/* Frees the simulator and closes an open waveform file. NULL is ignored. */
void mica_sim_destroy(mica_sim_t *sim);

/* Asserts rst_ni for a few cycles and releases it. In-flight memory requests are dropped and
 * the memory statistics cleared; memory contents, the cycle count and an armed trace remain. */
void mica_sim_reset(mica_sim_t *sim);

/* Host access to the external memory (no simulated time passes). Returns 0, or -1 if
 * [addr, addr+n) is not inside memory or a pointer is NULL (nothing is copied then). */
int mica_sim_mem_write(mica_sim_t *sim, uint64_t addr, const void *src, size_t n);
int mica_sim_mem_read(mica_sim_t *sim, uint64_t addr, void *dst, size_t n);

/* Reads / writes a 32-bit CSR (byte address, MICA_CSR_* in mica_isa.h); one clock cycle each.
 * Reading returns what csr_rdata_o shows in that cycle. */
uint32_t mica_sim_csr_read(mica_sim_t *sim, uint32_t addr);
void mica_sim_csr_write(mica_sim_t *sim, uint32_t addr, uint32_t value);

/* Convenience: writes PROG_ADDR, PROG_LEN and CTRL.START (3 CSR cycles). */
void mica_sim_start(mica_sim_t *sim, uint32_t prog_addr, uint32_t prog_len);

/* Clocks until irq_o is high (then STATUS decides DONE or HW_ERROR) or max_cycles have run
 * (TIMEOUT). If irq_o is already high on entry it returns at once with 0 cycles, so clear or
 * restart (CTRL) first. *cycles_run (if not NULL) receives the cycles clocked by this call. */
mica_sim_status_t mica_sim_run(mica_sim_t *sim, uint64_t max_cycles, uint64_t *cycles_run);

/* Clocks exactly `cycles` cycles, whatever the accelerator does. */
void mica_sim_step(mica_sim_t *sim, uint64_t cycles);

/* Reads 64-bit event counter idx (MICA_CNT_* in mica_isa.h): low word (which snapshots the
 * high word in hardware) then high word, two clock cycles. Returns 0 if idx is out of range. */
uint64_t mica_sim_counter(mica_sim_t *sim, unsigned idx);

/* Arms an FST waveform dump of the clock cycles [from_cycle, to_cycle) (absolute cycle numbers
 * as mica_sim_cycle() counts them; a window that already started begins now). The file is
 * opened now and closed when the window ends, at the next mica_sim_trace() or at destroy.
 * Outside the window nothing is dumped (tracing costs 40-160x). One cycle = 10 ns in the
 * file. Returns 0, or -1 if the path is NULL / not writable or from_cycle >= to_cycle. */
int mica_sim_trace(mica_sim_t *sim, const char *fst_path, uint64_t from_cycle, uint64_t to_cycle);

/* Clock cycles since creation. */
uint64_t mica_sim_cycle(mica_sim_t *sim);

/* Memory-port statistics (zeroed if sim is NULL). */
void mica_sim_mem_stats(mica_sim_t *sim, mica_sim_mem_stats_t *stats);

/* Writes a one-line description, e.g. "mica 16x16 (Vmica_top_16x16), mem 64 MiB, latency 10,
 * 8 B/cycle", to buf (always NUL-terminated when buflen > 0). Returns buf. */
const char *mica_sim_config_string(mica_sim_t *sim, char *buf, size_t buflen);

#ifdef __cplusplus
}
#endif

#endif /* MICA_SIM_H */
