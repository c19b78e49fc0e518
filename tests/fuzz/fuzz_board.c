/* libFuzzer target: the board description reader (compiler/board_config.c). Any bytes must give
 * 0 with a configuration inside the documented ranges, or -1 with a one-line message naming the
 * file; never a crash, a read past the input or a hang.
 *   clang -std=gnu99 -O1 -g -fsanitize=fuzzer,address,undefined -Ibuild/gen -Iinclude -Icompiler \
 *     tests/fuzz/fuzz_board.c compiler/board_config.c compiler/json_read.c -o build/fuzz/fuzz_board */
#include <stdint.h>
#include <string.h>
#include "fuzz_common.h"
#define require(cond, what, text) fuzz_require("fuzz_board", cond, what, text)
#include "board_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    mica_board_cfg_t b;
    char err[300];
    memset(err, 0, sizeof err);
    int rc = mica_board_config_parse((const char *)data, size, "f.json", &b, err, sizeof err);
    if (rc) {
        require(rc == -1 && !strncmp(err, "f.json: ", 8) && !strchr(err, '\n'), "error line", err);
        return 0;
    }
    const mica_hw_config_t *h = &b.hw;
    require(h->rows >= 1 && h->rows <= 256 && h->cols >= 1 && h->cols <= 256, "array", b.name);
    require(h->req_lanes <= h->cols && (h->req_mul_cycles == 1 || h->req_mul_cycles == 4), "lanes",
            b.name);
    require(h->bus_bytes && !(h->bus_bytes & (h->bus_bytes - 1)) && h->absent < (1u << MICA_NUM_FEATURES), "bus", b.name);
    require(b.name[0] && strlen(b.name) < sizeof b.name, "name", b.name);
    return 0;
}
