/* The accelerator over the link as a mica_backend_t (include/mica_link_device.h). */
#include <string.h>
#include "mica_fmt.h"
#include "mica_isa.h"
#include "mica_link_device.h"

/* One WAIT covers at most this much device time, so its reply comes well within a timeout. */
#define WAIT_SLICE_DIVISOR 20 /* 1/20 s */
#define OPEN_PING_TRIES 3

void mica_link_describe(const mica_link_device_t *d, mica_link_result_t r, const char *what,
                        char *err, size_t n) {
    if (r == MICA_LINK_E_NAK)
        mica_snprintf(err, n, "link: %s refused %s: %s", d->what, what,
                      mica_link_status_text(d->link.nak_status));
    else if (r == MICA_LINK_E_DEAD && d->link.broken)
        mica_snprintf(err, n,
                      "link: the connection to %s broke during %s (board unplugged, USB error, "
                      "or simulator gone)",
                      d->what, what);
    else if (r == MICA_LINK_E_DEAD)
        mica_snprintf(err, n,
                      "link: no valid reply from %s to %s after %d tries of %u ms (board "
                      "unplugged, not programmed, wrong baud, or simulator gone)",
                      d->what, what, d->link.tries, d->link.timeout_ms);
    else
        mica_snprintf(err, n, "link: %s: malformed %s exchange with %s", what,
                      r == MICA_LINK_E_ARG ? "request" : "reply", d->what);
}

int mica_link_device_open(mica_link_device_t *d, mica_link_pipe_t pipe, const char *what,
                          uint32_t timeout_ms, int tries, uint32_t mem_bytes, char *err, size_t n) {
    memset(d, 0, sizeof *d);
    mica_snprintf(d->what, sizeof d->what, "%s", what);
    mica_link_init(&d->link, pipe, timeout_ms, tries);
    d->link.tries = tries < OPEN_PING_TRIES ? tries : OPEN_PING_TRIES;
    mica_link_result_t r = mica_link_ping(&d->link, &d->info);
    if (r != MICA_LINK_OK)
        mica_link_describe(d, r, "PING", err, n);
    d->link.tries = tries;
    if (r != MICA_LINK_OK)
        return -1;
    if (d->info.version != MICA_LINK_VERSION) {
        mica_snprintf(err, n,
                      "link: %s speaks link version %u, this runtime %u (rebuild the bitstream "
                      "or the runtime)",
                      d->what, d->info.version, MICA_LINK_VERSION);
        return -1;
    }
    if (mem_bytes > d->info.mem_bytes) {
        mica_snprintf(err, n, "link: the program needs %u bytes of accelerator memory, %s has %u",
                      mem_bytes, d->what, d->info.mem_bytes);
        return -1;
    }
    return 0;
}

static void note(mica_link_device_t *d, mica_link_result_t r, const char *what) {
    if (r != MICA_LINK_OK && !d->fault[0])
        mica_link_describe(d, r, what, d->fault, sizeof d->fault);
}

static int dev_mem_write(void *st, uint32_t addr, const void *src, size_t n) {
    mica_link_device_t *d = st;
    mica_link_result_t r = mica_link_mem_write(&d->link, addr, src, n);
    note(d, r, "MEM_WRITE");
    return r == MICA_LINK_OK ? 0 : -1;
}

static int dev_mem_read(void *st, uint32_t addr, void *dst, size_t n) {
    mica_link_device_t *d = st;
    mica_link_result_t r = mica_link_mem_read(&d->link, addr, dst, n);
    note(d, r, "MEM_READ");
    return r == MICA_LINK_OK ? 0 : -1;
}

static int dev_csr_read_block(void *st, uint32_t addr, uint32_t *dst, int n) {
    mica_link_device_t *d = st;
    mica_link_result_t r = mica_link_csr_read(&d->link, (uint16_t)addr, dst, n);
    note(d, r, "CSR_READ");
    return r == MICA_LINK_OK ? 0 : -1;
}

static uint32_t dev_csr_read(void *st, uint32_t addr) {
    uint32_t v = 0;
    return dev_csr_read_block(st, addr, &v, 1) ? 0 : v;
}

static void dev_csr_write(void *st, uint32_t addr, uint32_t v) {
    mica_link_device_t *d = st;
    note(d, mica_link_csr_write(&d->link, (uint16_t)addr, v), "CSR_WRITE");
}

static mica_wait_t dev_wait(void *st, uint64_t max_cycles) {
    mica_link_device_t *d = st;
    uint64_t slice = d->info.core_hz / WAIT_SLICE_DIVISOR, total = 0;
    if (!slice)
        slice = 1;
    while (total < max_cycles) {
        uint64_t ask = max_cycles - total < slice ? max_cycles - total : slice;
        uint32_t status = 0, waited = 0;
        mica_link_result_t r = mica_link_wait(&d->link, (uint32_t)ask, &status, &waited);
        note(d, r, "WAIT");
        if (r != MICA_LINK_OK)
            return MICA_WAIT_TIMEOUT; /* the runtime reads the fault and reports it */
        if (status & MICA_STATUS_ERROR)
            return MICA_WAIT_HW_ERROR;
        if (status & MICA_STATUS_DONE)
            return MICA_WAIT_DONE;
        total += waited ? waited : ask;
    }
    return MICA_WAIT_TIMEOUT;
}

static void dev_reset(void *st) {
    mica_link_device_t *d = st;
    note(d, mica_link_reset(&d->link), "RESET");
}

/* Device cycles as nanoseconds in integers (no floating point on the MCU). */
static int dev_time_ns(void *st, uint64_t *ns) {
    mica_link_device_t *d = st;
    mica_link_device_stats_t s;
    uint64_t hz = d->info.core_hz;
    if (!hz || d->no_stats || mica_link_stats(&d->link, &s) != MICA_LINK_OK) {
        d->no_stats = 1; /* a bitstream without STATS NAKs it: stop asking */
        return -1;
    }
    *ns = s.cycles / hz * 1000000000ull + s.cycles % hz * 1000000000ull / hz;
    return 0;
}

static const char *dev_fault(void *st) {
    mica_link_device_t *d = st;
    return d->fault[0] ? d->fault : NULL;
}

void mica_link_device_backend(mica_link_device_t *d, mica_backend_t *out) {
    *out = (mica_backend_t){.name = "link",
                            .state = d,
                            .mem_write = dev_mem_write,
                            .mem_read = dev_mem_read,
                            .csr_read = dev_csr_read,
                            .csr_write = dev_csr_write,
                            .wait = dev_wait,
                            .reset = dev_reset,
                            .close = NULL,
                            .csr_read_block = dev_csr_read_block,
                            .fault = dev_fault,
                            .device_time_ns = dev_time_ns};
}
