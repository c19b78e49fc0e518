/* mica: compile TFLite models for the Mica accelerator, run and verify them. */
#include <stdio.h>
#include <string.h>
#include "cli.h"

const char *cli_prog = "mica";

static void usage(FILE *f) {
    fprintf(
        f,
        "usage:\n"
        "  mica compile MODEL.tflite -o OUT.mica [TARGET] [--cpu OP,OP] "
        "[--dump=plan|instrs|plan,instrs]\n"
        "               [--emit-c STEM.c]   also as constant C data for firmware (STEM.c, STEM.h)\n"
        "  mica run OUT.mica [--backend SPEC] [--input X.npy ...] [--seed S] [--output-dir DIR]\n"
        "  mica verify MODEL.tflite [--backend SPEC] [--count N] [--seed S] [TARGET]\n"
        "              [--cpu OP,OP] [--inputs X.npy --labels Y.npy]\n"
        "  mica bench OUT.mica [--backend SPEC] [--count N] [--warmup W]\n"
        "  mica ops [--board NAME | --config FILE]   operators and placement rules (of a board)\n"
        "  mica disasm OUT.mica [--step N]   every step and instruction, fields named\n"
        "  mica energy OUT.mica [--backend rtl] [--tech FILE] [--json OUT.json] [--svg OUT.svg]\n"
        "              [--seed S]   per-layer energy: estimate vs the device's counters\n"
        "  mica board flash --board BOARD FILE.bin|.bit   program the FPGA (openFPGALoader)\n"
        "  mica board probe --backend link:...   identity, link self-test and speed, fault counts\n"
        "  mica board memtest --backend link:... [--bytes N]   patterns over the board's memory\n"
        "  mica sweep --models M1,M2 --array RxC,.. --bus B,.. --aspad N,.. --latency L,.. -o DIR\n"
        "             [--rtl-confirm N] [--jobs N] [--slurm] [--slurm-tasks N]\n"
        "             [--slurm-timeout S]   design points on the cycle model: DIR/sweep.csv, SVGs\n"
        "TARGET: --array RxC | --board NAME (hw/boards/NAME.json) | --config FILE.json; verify\n"
        "        over link:sim|ftdi=BOARD or mcu:accel=sim compiles for that board by default;\n"
        "        compile and verify also take --while-limit N (runs of a WHILE body before the\n"
        "        step fails, 1..1000000000; default 100000)\n"
        "SPEC: rtl | func | cpu | NAME:key=value,...\n"
        "  rtl keys: array=RxC latency=1..1000 bw=1..64 trace=F.fst trace_from=N trace_to=N\n"
        "  func keys: array=RxC plan=0|1 vnni=0|1 kernels=0|1|2; all: max_cycles=1..10^12 (per "
        "accelerator "
        "step)\n"
        "  link keys: sim=BOARD | ftdi=BOARD | tty=PATH | tcp=HOST:PORT, baud=N, timeout_ms=N,\n"
        "             tries=N; with sim: ber=RATE (line faults per byte), seed=N\n"
        "  mcu keys: accel=none|sim|absent, board=BOARD (ulx3s), fallback=none|cpu, timeout_ms=N,\n"
        "            link_timeout_ms=N; with sim: ber=RATE, die_after_ms=N (Cortex-M4 firmware in "
        "QEMU)\n"
        "  cpu: the ISA interpreter on this CPU (what firmware falls back to)\n"
        "  boards: icebreaker, ulx3s (hw/boards/)\n"
        "ranges: --count 1..10^6 (verify), 1..10^7 (bench); --warmup 0..10^7; --array sides "
        "1..256; --seed 0..2^63-1\n");
}

int main(int argc, char **argv) {
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "run") || !strcmp(argv[1], "verify") || !strcmp(argv[1], "bench"))
        cli_tune_openblas(argv);
    if (!strcmp(argv[1], "compile"))
        return cli_compile(argc - 1, argv + 1);
    if (!strcmp(argv[1], "run"))
        return cli_run(argc - 1, argv + 1);
    if (!strcmp(argv[1], "verify"))
        return cli_verify(argc - 1, argv + 1);
    if (!strcmp(argv[1], "bench"))
        return cli_bench(argc - 1, argv + 1);
    if (!strcmp(argv[1], "ops"))
        return cli_ops(argc - 1, argv + 1);
    if (!strcmp(argv[1], "disasm"))
        return cli_disasm(argc - 1, argv + 1);
    if (!strcmp(argv[1], "board"))
        return cli_board(argc - 1, argv + 1);
    if (!strcmp(argv[1], "sweep"))
        return cli_sweep(argc - 1, argv + 1);
    if (!strcmp(argv[1], "energy"))
        return cli_energy(argc - 1, argv + 1);
    fprintf(stderr,
            "mica: unknown command '%s' (compile, run, verify, bench, ops, disasm, board, sweep, "
            "energy)\n",
            argv[1]);
    return 2;
}
