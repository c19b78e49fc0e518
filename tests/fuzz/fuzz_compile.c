/* libFuzzer target: the compiler end to end. Whatever the TFLite reader accepts, mica_compile must
 * either compile or refuse with a one-line message, never crash; a program it writes must load
 * (mica_program_parse) -- the compiler never emits what the runtime refuses. The array size comes
 * from the input length (16x16, 8x8, 4x4) so the folding paths are fuzzed too. The program goes
 * through a per-process file on tmpfs, since mica_write_program writes to a path. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_common.h"
#define require(cond, what, detail) fuzz_require("fuzz_compile", cond, what, detail)
#include <unistd.h>
#include "compiler.h"
#include "mica_program.h"

static char path[64];

static void check_written_program(void) {
    FILE *f = fopen(path, "rb");
    require(f != NULL, "written program readable", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    rewind(f);
    uint8_t *buf = malloc(len > 0 ? (size_t)len : 1);
    require(buf && fread(buf, 1, (size_t)len, f) == (size_t)len, "written program read back", path);
    fclose(f);
    mica_program_t p;
    char err[256] = "";
    int rc = mica_program_parse(buf, (size_t)len, &p, err, sizeof err);
    require(rc == 0, "the runtime loads what the compiler wrote", err);
    mica_program_free(&p);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const unsigned sides[3] = {16, 8, 4};
    if (!path[0]) {
        const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(path, sizeof path, "%s/mica_fuzz_compile.%ld.mica", dir, (long)getpid());
    }
    char err[256];
    tfl_model_t *m = NULL;
    if (tfl_model_read(data, size, &m, err, sizeof err) != 0) return 0;
    mica_compile_opts_t o;
    mica_compile_opts_default(&o);
    o.hw.rows = o.hw.cols = sides[size % 3];
    mica_builder_t b;
    memset(&b, 0, sizeof b);
    if (mica_compile(m, &o, &b) == 0) {
        require(mica_write_program(&b, path) == 0, "program written", b.err);
        check_written_program();
        unlink(path);
    } else {
        fuzz_require_message("fuzz_compile", b.err);
    }
    mica_builder_free(&b);
    tfl_model_free(m);
    return 0;
}
