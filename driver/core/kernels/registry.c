/* Kernel lookup by id (the list lives in mica_kernels.h). */
#include "mica_kernels.h"

mica_kernel_fn mica_kernel_find(uint32_t id, const char **name) {
#define MICA_KERNEL_CASE(kid, kname, fn)                                                           \
    if (id == (kid)) {                                                                             \
        if (name)                                                                                  \
            *name = #kname;                                                                        \
        return fn;                                                                                 \
    }
    MICA_KERNEL_LIST(MICA_KERNEL_CASE)
#undef MICA_KERNEL_CASE
    if (name)
        *name = "UNKNOWN";
    return 0;
}
