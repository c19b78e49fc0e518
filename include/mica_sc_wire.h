/* The pipe between libmica's `systemc` backend and the SystemC platform process
 * (build/systemc/mica-sc-platform, sim/systemc/sc_platform_main.cpp): fixed-size messages in
 * host byte order over a socket pair (both ends are this machine). Each request gets exactly one
 * response; MEM_WRITE's request and MEM_READ's response carry `len` payload bytes after them. */
#ifndef MICA_SC_WIRE_H
#define MICA_SC_WIRE_H
#include <stdint.h>

#define MICA_SC_WIRE_MAGIC 0x3143534du   /* "MSC1" */
#define MICA_SC_WIRE_MAX_LEN (64u << 20) /* largest MEM_WRITE / MEM_READ payload */

typedef enum {
    MICA_SC_OP_MEM_WRITE = 1, /* addr, len + payload */
    MICA_SC_OP_MEM_READ = 2,  /* addr, len -> payload */
    MICA_SC_OP_CSR_READ = 3,  /* addr -> value */
    MICA_SC_OP_CSR_WRITE = 4, /* addr, arg = value */
    MICA_SC_OP_WAIT = 5,      /* arg = max cycles -> value = mica_sc_wait_t */
    MICA_SC_OP_RESET = 6,
    MICA_SC_OP_QUIT = 7
} mica_sc_op_t;

typedef struct {
    uint32_t magic, op, addr, len;
    uint64_t arg;
} mica_sc_req_t;

typedef struct {
    uint32_t magic, status, value, len; /* status: 0 done, 1 bus error, 2 bad request */
    uint64_t cycle;                     /* accelerator clock cycles since the platform started */
    uint64_t busy_us;                   /* wall time the SystemC kernel has run, microseconds */
} mica_sc_rsp_t;

#endif
