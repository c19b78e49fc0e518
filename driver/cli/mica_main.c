/* mica: compile TFLite models for the Mica accelerator, run and verify them. */
#include <stdio.h>
#include <string.h>
#include "cli.h"

const char *cli_prog = "mica";

static void usage(FILE *f) {
    fprintf(f,
        "usage:\n"
        "  mica compile MODEL.tflite -o OUT.mica [--array RxC] [--cpu OP,OP]\n"
        "  mica run OUT.mica [--backend rtl|func|SPEC] [--input in.npy ...] [--seed S] [--output-dir DIR]\n"
        "  mica verify MODEL.tflite [--backend rtl|func|SPEC] [--count N] [--seed S] [--array RxC]\n"
        "              [--cpu OP,OP] [--inputs X.npy --labels Y.npy]\n"
        "  mica ops          supported operators and the accelerator placement rules\n"
        "  mica bench OUT.mica [--backend func|rtl] [--count N]\n"
        "backend SPEC: rtl, func, rtl:array=8x8,latency=20,bw=8,max_cycles=N,trace=F.fst\n");
}

int main(int argc, char **argv) {
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "run") || !strcmp(argv[1], "verify") || !strcmp(argv[1], "bench")) cli_tune_openblas(argv);
    if (!strcmp(argv[1], "compile")) return cli_compile(argc - 1, argv + 1);
    if (!strcmp(argv[1], "run")) return cli_run(argc - 1, argv + 1);
    if (!strcmp(argv[1], "verify")) return cli_verify(argc - 1, argv + 1);
    if (!strcmp(argv[1], "bench")) return cli_bench(argc - 1, argv + 1);
    if (!strcmp(argv[1], "ops")) return cli_ops(argc - 1, argv + 1);
    fprintf(stderr, "mica: unknown command '%s' (compile, run, verify, bench, ops)\n", argv[1]);
    return 2;
}
