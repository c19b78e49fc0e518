/* The link backend's state, shared with `mica board` (probe, memtest), which talks to a board
 * through the same transport and engine before or without a program. */
#ifndef MICA_BACKEND_LINK_H
#define MICA_BACKEND_LINK_H
#include "link_transport.h"
#include "mica_escape.h"
#include "mica_hw.h"
#include "mica_options.h"

typedef struct {
    link_transport_t t;
    mica_link_t link;
    const mica_board_t *board; /* sim and ftdi: the board; tty and tcp: NULL */
    mica_link_ping_t info;
    char fault[320]; /* the first link failure, for the runtime's message */
    int no_stats;    /* the device refused STATS once */
} link_state_t;

/* Opens the transport named in opts (validated "key=value,..." of the link backend) and PINGs the
 * board. 0, or -1 with a one-line message. */
int link_state_open(link_state_t *s, const char *opts, char *err, size_t n);
void link_state_close(link_state_t *s);
/* One line for a failed exchange `what` ("MEM_WRITE"). */
void link_describe(link_state_t *s, mica_link_result_t r, const char *what, char *err, size_t n);

#endif
