/* The accelerator at the far end of a link (hw/link.json) as a mica_backend_t: CSR and memory
 * accesses become frames, WAIT replaces polling, and the first failed exchange becomes the fault
 * the runtime reports. Freestanding: libmica's link backend puts it over USB, a tty, a socket or
 * the Verilated board; firmware puts it over its UART. The byte pipe is the only difference. */
#ifndef MICA_LINK_DEVICE_H
#define MICA_LINK_DEVICE_H
#include <stddef.h>
#include <stdint.h>
#include "mica_backend.h"
#include "mica_link_host.h"

typedef struct {
    mica_link_t link;
    mica_link_ping_t info; /* the device's PING reply */
    char what[96];         /* the device for messages: "FT2232H 0403:6010 interface B", "UART1" */
    char fault[320];       /* the first failed exchange, one line */
    int no_stats;          /* the device refused STATS once */
} mica_link_device_t;

/* Starts the engine on pipe and PINGs (at most 3 unanswered tries: a board that never answers is
 * absent, not noisy); checks the link version and that mem_bytes fit the device's memory.
 * 0, or -1 with a one-line message. */
int mica_link_device_open(mica_link_device_t *d, mica_link_pipe_t pipe, const char *what,
                          uint32_t timeout_ms, int tries, uint32_t mem_bytes, char *err, size_t n);

/* The device's calls; out->close is NULL (the owner of the pipe closes it). */
void mica_link_device_backend(mica_link_device_t *d, mica_backend_t *out);

/* One line for a failed exchange `what` ("MEM_WRITE"). */
void mica_link_describe(const mica_link_device_t *d, mica_link_result_t r, const char *what,
                        char *err, size_t n);

#endif
