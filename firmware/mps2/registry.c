/* The firmware's backends (mica_backend.h), in the order a spec finds them: the accelerator board
 * on UART1 (link_uart.c), an accelerator on the bus (mmio_bus.c), the CPU (the core's ISA
 * interpreter). */
#include "mica_backend.h"

extern const mica_backend_desc_t mica_backend_mmio;
const mica_backend_desc_t *const mica_backends[] = {&mica_backend_link, &mica_backend_mmio,
                                                    &mica_backend_cpu};
const int mica_num_backends = (int)(sizeof mica_backends / sizeof mica_backends[0]);
