/* The link backend's state, shared with `mica board` (probe, memtest), which talks to a board
 * through the same transport and engine before or without a program. */
#ifndef MICA_BACKEND_LINK_H
#define MICA_BACKEND_LINK_H
#include "link_transport.h"
#include "mica_escape.h"
#include "mica_hw.h"
#include "mica_link_device.h"
#include "mica_options.h"

typedef struct {
    mica_link_device_t dev; /* first: the device's calls take the state as theirs */
    link_transport_t t;
    const mica_board_t *board; /* sim and ftdi: the board; tty and tcp: NULL */
} link_state_t;

/* Opens the transport named in opts (validated "key=value,..." of the link backend) and PINGs the
 * board; mem_bytes (0: any) must fit its memory. 0, or -1 with a one-line message. */
int link_state_open(link_state_t *s, const char *opts, uint32_t mem_bytes, char *err, size_t n);
void link_state_close(link_state_t *s);

#endif
