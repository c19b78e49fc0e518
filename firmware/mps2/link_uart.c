/* Backend "link" on MPS2: the accelerator on a board behind UART1, through the runtime core's link
 * device (driver/core/link_device.c) — the protocol engine libmica's link backend uses too. */
#include "mica_backend.h"
#include "mica_link_device.h"
#include "mps2.h"

static int uart_write(void *ctx, const uint8_t *buf, size_t n) {
    mps2_uart_write((uint32_t)(uintptr_t)ctx, buf, n);
    return 0;
}

static long uart_read(void *ctx, uint8_t *buf, size_t cap, uint32_t timeout_ms) {
    return mps2_uart_read((uint32_t)(uintptr_t)ctx, buf, cap, timeout_ms);
}

static uint64_t uart_now_ms(void *ctx) {
    (void)ctx;
    return mps2_now_ms();
}

static const mica_opt_spec_t link_options[] = {
    {"timeout_ms", MICA_OPT_INT, 1, 600000},
    {"tries", MICA_OPT_INT, 1, 1000},
};

static mica_link_device_t device; /* one board on UART1 */
static uint64_t retired[2];       /* bytes of the device's earlier openings (each starts at 0) */

static int link_open(const char *options, const mica_hw_config_t *cfg, uint32_t mem_bytes,
                     mica_backend_t *out, char *err, size_t errlen) {
    (void)cfg; /* the runtime compares the program's configuration with the CONFIG CSRs */
    mps2_uart_init(MPS2_UART1);
    retired[0] += device.link.stats.bytes_sent;
    retired[1] += device.link.stats.bytes_received;
    mica_link_pipe_t pipe = {(void *)(uintptr_t)MPS2_UART1, uart_write, uart_read, uart_now_ms};
    if (mica_link_device_open(&device, pipe, "the accelerator board on UART1",
                              (uint32_t)mica_opt_int(options, "timeout_ms", 2000),
                              (int)mica_opt_int(options, "tries", 8), mem_bytes, err, errlen))
        return -1;
    mica_link_device_backend(&device, out);
    return 0;
}

void mps2_link_bytes(uint64_t out[2]) {
    out[0] = retired[0] + device.link.stats.bytes_sent;
    out[1] = retired[1] + device.link.stats.bytes_received;
}

const mica_backend_desc_t mica_backend_link = {"link", link_open, link_options,
                                               (int)(sizeof link_options / sizeof link_options[0])};
