/* The backends the mica command and libmica.a offer (mica_backend.h); cpu is the core's own
 * (the interpreter firmware falls back to). An application embedding
 * only libmica_core.a defines this table itself. */
#include "mica_backend.h"

const mica_backend_desc_t *const mica_backends[] = {&mica_backend_rtl,     &mica_backend_func,
                                                    &mica_backend_link,    &mica_backend_mcu,
                                                    &mica_backend_systemc, &mica_backend_cpu};
const int mica_num_backends = (int)(sizeof mica_backends / sizeof mica_backends[0]);
