/* The backends the mica command and libmica.a offer (mica_backend.h). An application embedding
 * only libmica_core.a defines this table itself. */
#include "mica_backend.h"

const mica_backend_desc_t *const mica_backends[] = {&mica_backend_rtl, &mica_backend_func,
                                                    &mica_backend_link};
const int mica_num_backends = (int)(sizeof mica_backends / sizeof mica_backends[0]);
