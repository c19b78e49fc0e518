/* OpenBLAS chooses its kernels from the CPU model when it loads. On virtual CPUs whose model it
 * does not know it falls back to the Prescott (SSE3) kernels, 2-3x slower than what the CPU can
 * run (measured on this project's CI machine, AVX-512). The mica command then re-executes itself
 * once with OPENBLAS_CORETYPE naming what the CPU supports. An OPENBLAS_CORETYPE the user set is
 * left alone; results are the same either way (the func backend's sums are exact in any order). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

char *openblas_get_corename(void);

void cli_tune_openblas(char **argv) {
#if defined(__x86_64__) && defined(__GNUC__)
    const char *core = openblas_get_corename();
    if (getenv("OPENBLAS_CORETYPE") || !core || strcmp(core, "Prescott"))
        return;
    __builtin_cpu_init();
    const char *want = __builtin_cpu_supports("avx512f") ? "SkylakeX"
                       : __builtin_cpu_supports("avx2")  ? "Haswell"
                                                         : NULL;
    if (!want || setenv("OPENBLAS_CORETYPE", want, 1))
        return;
    execv("/proc/self/exe", argv); /* returns only on failure: carry on with Prescott */
#else
    (void)argv;
#endif
}
