/* mica board flash|probe|memtest: bring a board up over its USB cable (or its simulation). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "backend_link.h"
#include "cli.h"
#include "mica_isa.h"

#define FLASH_TIMEOUT_S 300.0
#define PROBE_PINGS 20
#define PROBE_BLOCK 16384u /* bytes written and read back to measure the link's speed */
#define MEMTEST_BLOCK 16384u

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* --backend link:... validated like every backend spec, then opened without a program. */
static int open_board(const char *cmd, const char *spec, link_state_t *s) {
    char err[400];
    if (!spec || strncmp(spec, "link:", 5)) {
        fprintf(stderr,
                "%s board %s: needs --backend link:sim=BOARD, link:ftdi=BOARD, "
                "link:tty=PATH or link:tcp=HOST:PORT\n",
                cli_prog, cmd);
        return -1;
    }
    if (mica_opts_validate("link backend", spec + 5, mica_backend_link.options,
                           mica_backend_link.noptions, err, sizeof err) ||
        link_state_open(s, spec + 5, 0, err, sizeof err)) {
        fprintf(stderr, "%s board %s: %s\n", cli_prog, cmd, err);
        return -1;
    }
    return 0;
}

static int link_failed(const char *cmd, link_state_t *s, mica_link_result_t r, const char *what) {
    char err[400];
    mica_link_describe(&s->dev, r, what, err, sizeof err);
    fprintf(stderr, "%s board %s: %s\n", cli_prog, cmd, err);
    return 1;
}

static void print_faults(link_state_t *s) {
    const mica_link_stats_t *st = &s->dev.link.stats;
    const mica_link_rx_t *rx = &s->dev.link.rx;
    printf("link faults, host: retransmits=%llu timeouts=%llu naks=%llu stray_replies=%llu "
           "dropped(bad_fcs=%u bad_length=%u too_long=%u aborted=%u)\n",
           (unsigned long long)st->retransmits, (unsigned long long)st->timeouts,
           (unsigned long long)st->naks, (unsigned long long)st->stray_replies, rx->bad_fcs,
           rx->bad_length, rx->too_long, rx->aborted);
    mica_link_device_stats_t d;
    if (s->dev.link.dead)
        return;
    if (s->dev.no_stats || mica_link_stats(&s->dev.link, &d) != MICA_LINK_OK) {
        /* a bitstream without STATS (the iCEBreaker's) NAKs it once: no device clock either */
        if (!s->dev.link.dead)
            printf("link faults, device: not counted (no STATS in this bitstream; its one NAK "
                   "is counted above); times in wall time\n");
        return;
    }
    double up_s = s->dev.info.core_hz ? (double)d.cycles / s->dev.info.core_hz : 0.0;
    /* The STATS request itself was a frame accepted: frames_ok = 0 means a device that counts
     * only cycles (a small FPGA's STATS; the other counters read 0). */
    if (d.frames_ok == 0)
        printf("link faults, device: not counted (STATS has the cycle count only); up %.3f s of "
               "device time\n",
               up_s);
    else
        printf("link faults, device: frames_ok=%u dropped(bad_fcs=%u bad_length=%u too_long=%u "
               "aborted=%u) uart_stop_bit_errors=%u; up %.3f s of device time\n",
               d.frames_ok, d.bad_fcs, d.bad_length, d.too_long, d.aborted, d.uart_errors, up_s);
}

static int probe_identity(link_state_t *s) {
    uint32_t r[5];
    mica_link_result_t e = mica_link_csr_read(&s->dev.link, MICA_CSR_ID, r, 5);
    if (e != MICA_LINK_OK)
        return link_failed("probe", s, e, "CSR_READ");
    printf("device: %s\n", s->t.what);
    printf("ID: 0x%08x (%s)  VERSION: %u\n", r[0], r[0] == MICA_CSR_ID_VALUE ? "MICA" : "NOT MICA",
           r[1]);
    printf("CONFIG: %ux%u array, ASPAD %u rows, WSPAD %u rows, ACC %u rows, %u PARAM sets, "
           "%u-byte bus\n",
           mica_config0_rows(r[2]), mica_config0_cols(r[2]), mica_config1_aspad_depth(r[3]),
           mica_config1_wspad_depth(r[3]), mica_config2_acc_depth(r[4]),
           mica_config2_param_sets(r[4]), mica_config2_bus_bytes(r[4]));
    printf("link: version %u, max payload %u B, board memory %u B, core clock %u Hz\n",
           s->dev.info.version, s->dev.info.max_payload, s->dev.info.mem_bytes,
           s->dev.info.core_hz);
    return r[0] == MICA_CSR_ID_VALUE ? 0 : 1;
}

/* The device's clock in seconds (STATS), or wall time where the device has no STATS. */
static double device_s(link_state_t *s) {
    mica_link_device_stats_t d;
    if (s->dev.no_stats || !s->dev.info.core_hz)
        return -1;
    if (mica_link_stats(&s->dev.link, &d) != MICA_LINK_OK) {
        s->dev.no_stats = 1; /* a bitstream without STATS NAKs it: wall time, ask no more */
        return -1;
    }
    return (double)d.cycles / s->dev.info.core_hz;
}

static void print_rate(const char *what, uint32_t n, double dev0, double dev1, double wall) {
    if (dev0 >= 0 && dev1 > dev0)
        printf("%s %.0f B/s (device time; wall %.0f B/s)", what, n / (dev1 - dev0), n / wall);
    else
        printf("%s %.0f B/s (wall time)", what, n / wall);
}

/* PINGs (round trip) and a block written and read back: payload bytes per second each way. */
static int probe_link(link_state_t *s) {
    mica_link_ping_t p;
    double t0 = now_s();
    for (int i = 0; i < PROBE_PINGS; i++) {
        mica_link_result_t e = mica_link_ping(&s->dev.link, &p);
        if (e != MICA_LINK_OK)
            return link_failed("probe", s, e, "PING");
    }
    double rtt = (now_s() - t0) / PROBE_PINGS;
    uint32_t n = s->dev.info.mem_bytes < PROBE_BLOCK ? s->dev.info.mem_bytes : PROBE_BLOCK;
    uint8_t *out = malloc(n), *back = malloc(n);
    int rc = 1;
    if (!out || !back)
        goto done;
    for (uint32_t i = 0; i < n; i++)
        out[i] = (uint8_t)(i * 131u + 7u); /* includes FLAG and ESCAPE bytes */
    double d0 = device_s(s), w0 = now_s();
    mica_link_result_t e = mica_link_mem_write(&s->dev.link, 0, out, n);
    double d1 = device_s(s), w1 = now_s();
    if (e == MICA_LINK_OK)
        e = mica_link_mem_read(&s->dev.link, 0, back, n);
    double d2 = device_s(s), w2 = now_s();
    if (e != MICA_LINK_OK) {
        rc = link_failed("probe", s, e, "MEM_WRITE/MEM_READ");
        goto done;
    }
    rc = memcmp(out, back, n) != 0;
    printf("link self-test: %d PINGs, round trip %.2f ms (wall); %u B ", PROBE_PINGS, rtt * 1e3, n);
    print_rate("written", n, d0, d1, w1 - w0);
    print_rate(", read", n, d1, d2, w2 - w1);
    printf("; read-back %s\n", rc ? "MISMATCH" : "identical");
done:
    free(out);
    free(back);
    return rc;
}

static int board_probe(const char *spec) {
    link_state_t s;
    if (open_board("probe", spec, &s))
        return 1;
    int rc = probe_identity(&s);
    if (!rc)
        rc = probe_link(&s);
    print_faults(&s);
    printf("probe: %s\n", rc ? "FAIL" : "PASS");
    link_state_close(&s);
    return rc;
}

/* Pattern p's byte at address a: address bits, their inverse, and a hash of the address. */
static uint8_t pattern(int p, uint32_t a) {
    uint32_t h = a * 2654435761u;
    return p == 0   ? (uint8_t)(a >> (8 * (a & 3)))
           : p == 1 ? (uint8_t) ~(a >> (8 * (a & 3)))
                    : (uint8_t)(h >> 24 ^ h >> 11);
}

static int memtest_pass(link_state_t *s, uint32_t size, int p, uint8_t *buf, uint64_t *bad) {
    for (int phase = 0; phase < 2; phase++)
        for (uint32_t a = 0; a < size; a += MEMTEST_BLOCK) {
            uint32_t n = size - a < MEMTEST_BLOCK ? size - a : MEMTEST_BLOCK;
            mica_link_result_t e;
            if (phase == 0) {
                for (uint32_t i = 0; i < n; i++)
                    buf[i] = pattern(p, a + i);
                e = mica_link_mem_write(&s->dev.link, a, buf, n);
            } else {
                e = mica_link_mem_read(&s->dev.link, a, buf, n);
                for (uint32_t i = 0; e == MICA_LINK_OK && i < n; i++)
                    if (buf[i] != pattern(p, a + i) && (*bad)++ < 5)
                        printf("mismatch at 0x%06x: wrote 0x%02x, read 0x%02x\n", a + i,
                               pattern(p, a + i), buf[i]);
            }
            if (e != MICA_LINK_OK)
                return link_failed("memtest", s, e, phase ? "MEM_READ" : "MEM_WRITE");
        }
    return 0;
}

static int board_memtest(const char *spec, long long bytes) {
    link_state_t s;
    if (open_board("memtest", spec, &s))
        return 1;
    if (bytes > (long long)s.dev.info.mem_bytes) {
        fprintf(stderr, "%s board memtest: --bytes %lld is more than the board's %u\n", cli_prog,
                bytes, s.dev.info.mem_bytes);
        link_state_close(&s);
        return 2;
    }
    uint32_t size = bytes ? (uint32_t)bytes : s.dev.info.mem_bytes;
    uint8_t *buf = malloc(MEMTEST_BLOCK);
    uint64_t bad = 0;
    int rc = buf ? 0 : 1;
    double t0 = now_s();
    static const char *const names[] = {"address", "inverted address", "hash"};
    for (int p = 0; p < 3 && !rc; p++) {
        rc = memtest_pass(&s, size, p, buf, &bad);
        printf("pattern %-16s %s\n", names[p], rc ? "link failed" : bad ? "errors" : "ok");
    }
    double secs = now_s() - t0;
    printf("memtest: %u of %u B x 3 patterns written and read in %.1f s wall (%.0f B/s), %llu "
           "mismatching bytes\n",
           size, s.dev.info.mem_bytes, secs, 6.0 * size / secs, (unsigned long long)bad);
    print_faults(&s);
    printf("memtest: %s\n", rc || bad ? "FAIL" : "PASS");
    free(buf);
    link_state_close(&s);
    return rc || bad;
}

static int board_flash(const char *board, const char *file) {
    const mica_board_t *b = board ? link_find_board(board) : NULL;
    struct stat st;
    char shown[128], err[300];
    if (!b) {
        char known[128];
        link_board_list(known, sizeof known);
        fprintf(stderr, "%s board flash: --board must name a board in hw/boards (%s)\n", cli_prog,
                known);
        return 2;
    }
    if (!file || stat(file, &st) || !S_ISREG(st.st_mode) || st.st_size < 1024) {
        fprintf(stderr,
                "%s board flash: %s is not a bitstream file (make fpga BOARD=%s builds "
                "one)\n",
                cli_prog, file ? mica_escape_name(file, shown, sizeof shown) : "(none)", b->name);
        return 2;
    }
    char *argv[] = {"openFPGALoader", "-b", (char *)b->loader_board, (char *)file, NULL};
    int rc = cli_spawn_wait(argv, NULL, FLASH_TIMEOUT_S, err, sizeof err);
    if (rc < 0)
        fprintf(stderr,
                "%s board flash: %s (install openFPGALoader: apt-get install "
                "openfpgaloader)\n",
                cli_prog, err);
    else if (rc)
        fprintf(stderr,
                "%s board flash: openFPGALoader -b %s failed (exit %d): is the %s "
                "plugged in and its USB device accessible?\n",
                cli_prog, b->loader_board, rc, b->name);
    return rc ? 1 : 0;
}

int cli_board(int argc, char **argv) {
    const char *sub = argc > 1 ? argv[1] : "", *backend = NULL, *board = NULL, *file = NULL;
    long long bytes = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--backend") && i + 1 < argc)
            backend = argv[++i];
        else if (!strcmp(argv[i], "--bytes") && i + 1 < argc && !strcmp(sub, "memtest")) {
            if (cli_parse_count("board memtest", "--bytes", argv[++i], 1, 1ll << 32, &bytes))
                return 2;
        } else if (!strcmp(argv[i], "--board") && i + 1 < argc)
            board = argv[++i];
        else if (argv[i][0] != '-' && !file && !strcmp(sub, "flash"))
            file = argv[i];
        else
            return cli_unexpected("board", argv[i]);
    }
    if (!strcmp(sub, "probe"))
        return board_probe(backend);
    if (!strcmp(sub, "memtest"))
        return board_memtest(backend, bytes);
    if (!strcmp(sub, "flash"))
        return board_flash(board, file);
    fprintf(stderr, "%s board: expected flash, probe or memtest\n", cli_prog);
    return 2;
}
