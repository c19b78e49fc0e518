/* libFuzzer target: the energy technology table reader (compiler/energy_tech.c). Any bytes must
 * give 0 with every number in its documented range, or -1 with a one-line message naming the
 * file; never a crash, a read past the input or a hang. */
#include <stdint.h>
#include <string.h>
#include "fuzz_common.h"
#define require(cond, what, text) fuzz_require("fuzz_tech", cond, what, text)
#include "energy_tech.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    mica_energy_tech_t t;
    char err[300];
    memset(err, 0, sizeof err);
    int rc = mica_energy_tech_parse((const char *)data, size, "f.json", &t, err, sizeof err);
    if (rc) {
        require(rc == -1 && !strncmp(err, "f.json: ", 8) && !strchr(err, '\n'), "error line", err);
        return 0;
    }
    const double v[] = {t.mac_pj,
                        t.reg_pj_per_bit,
                        t.sram_read_pj_per_bit,
                        t.ext_pj_per_bit,
                        t.static_pj_per_cycle_per_kib,
                        t.static_pj_per_cycle_per_pe};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        require(v[i] >= 0 && v[i] < 1e12, "energy range", t.name);
    require(t.sram_ref_bytes > 0 && t.sram_write_factor > 0, "ratios", t.name);
    require(t.name[0] && strlen(t.name) < sizeof t.name, "name", t.name);
    return 0;
}
