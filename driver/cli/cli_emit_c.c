/* `mica compile --emit-c STEM.c`: the program file just written, read back through the
 * validating parser and emitted as constant C data (driver/backends/mcu/mcu_emit.c), so the
 * firmware's program carries the .mica file's bytes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "mica_port.h"
#include "mica_program.h"
#include "mcu_emit.h"

/* Writes path through path.tmp and a rename, so a failure leaves nothing half-written. */
static FILE *open_tmp(const char *path, char **tmp) {
    *tmp = cli_concat(path, ".tmp", "");
    return *tmp ? fopen(*tmp, "w") : NULL;
}

int cli_emit_c(const char *program, const char *model, const char *c_path) {
    char sym[128], err[300], shown[300];
    mica_escape_name(c_path, shown, sizeof shown);
    size_t n = strlen(c_path);
    if (n < 3 || strcmp(c_path + n - 2, ".c") || mica_emit_symbol(c_path, sym, sizeof sym)) {
        fprintf(stderr,
                "%s compile: --emit-c %s: give a file name ending in .c (its stem names "
                "the C symbol, e.g. model_mica.c)\n",
                cli_prog, shown);
        return 2;
    }
    uint8_t *bytes = NULL;
    size_t len = 0;
    int too_big = 0, rc = 1;
    mica_program_t p;
    if (mica_port_read_file(program, MICA_PROG_MAX_BYTES, &bytes, &len, &too_big, err,
                            sizeof err) ||
        mica_program_parse(bytes, len, &p, err, sizeof err)) {
        fprintf(stderr, "%s compile: --emit-c: %s\n", cli_prog,
                mica_escape_name(err, shown, sizeof shown));
        mica_port_free(bytes);
        return 1;
    }
    char *h_path = cli_concat(c_path, "", ""), *c_tmp = NULL, *h_tmp = NULL;
    if (h_path)
        h_path[n - 1] = 'h';
    FILE *c = h_path ? open_tmp(c_path, &c_tmp) : NULL, *h = c ? open_tmp(h_path, &h_tmp) : NULL;
    int ok = h && !mica_emit_c(c, h, &p, sym, model);
    if (c && fclose(c))
        ok = 0;
    if (h && fclose(h))
        ok = 0;
    if (ok && !rename(c_tmp, c_path) && !rename(h_tmp, h_path))
        rc = 0;
    else
        fprintf(stderr, "%s compile: --emit-c: cannot write %s: %s\n", cli_prog, shown,
                strerror(errno));
    if (c_tmp)
        unlink(c_tmp);
    if (h_tmp)
        unlink(h_tmp);
    free(c_tmp);
    free(h_tmp);
    free(h_path);
    mica_program_free(&p);
    mica_port_free(bytes);
    return rc;
}
