// mica-board-sim-BOARD: the board's whole top (mica_board_top: UART, link bridge, accelerator,
// board memory) Verilated, with a model of the board's FTDI chip on its UART pins. Bytes from the
// host (a socket: --fd N from libmica's link:sim, or --listen HOST:PORT for link:tcp) are sent
// bit by bit at --baud, timed in the board's clock cycles; bits the FPGA sends are sampled the
// same way and the bytes go back. --ber R flips, drops or duplicates bytes on the line (both
// directions, each with probability R per byte) to test the link's integrity layer.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "board_io.h"
#include "ftdi_model.h"
#include "mica_boards.h"
#include "verilated.h"
#include VTOP_HEADER

namespace {

const mica_board_t *this_board() {
    for (const auto &b : mica_boards)
        if (std::string(b.name) == MICA_BOARD_NAME)
            return &b;
    return nullptr;
}

struct Args {
    int fd = -1;
    std::string listen;
    uint32_t baud = 0;
    double ber = 0;
    uint64_t seed = 1;
};

[[noreturn]] void usage(const char *why) {
    std::fprintf(stderr, "mica-board-sim-%s: %s\nusage: mica-board-sim-%s (--fd N | --listen "
                 "HOST:PORT) [--baud N] [--ber RATE] [--seed S]\n", MICA_BOARD_NAME, why,
                 MICA_BOARD_NAME);
    std::exit(2);
}

unsigned long long number(const char *text, unsigned long long max, const char *what) {
    char *end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(text, &end, 10);
    if (!*text || *end || errno || v > max || text[0] == '-')
        usage((std::string("bad ") + what + " value").c_str());
    return v;
}

Args parse(int argc, char **argv, const mica_board_t &b) {
    Args a;
    a.baud = b.baud;
    for (int i = 1; i < argc; i++) {
        std::string k = argv[i];
        if (i + 1 >= argc)
            usage(("missing value after " + k).c_str());
        const char *v = argv[++i];
        if (k == "--fd")
            a.fd = (int)number(v, 1 << 20, "--fd");
        else if (k == "--listen")
            a.listen = v;
        else if (k == "--baud")
            a.baud = (uint32_t)number(v, 100000000, "--baud");
        else if (k == "--seed")
            a.seed = number(v, ~0ull, "--seed");
        else if (k == "--ber") {
            char *end = nullptr;
            a.ber = std::strtod(v, &end);
            if (*end || !(a.ber >= 0 && a.ber <= 1))
                usage("bad --ber value (0..1)");
        } else
            usage(("unknown option " + k).c_str());
    }
    if ((a.fd < 0) == a.listen.empty())
        usage("give exactly one of --fd and --listen");
    if (a.baud == 0 || b.core_hz / a.baud < 2)
        usage("baud too high for the board clock");
    return a;
}

// Clocks the board while the host is connected; returns when the host closes its end.
void run(VTOP &top, mica::BoardIo &io, mica::FtdiModel &ftdi) {
    top.clk_i = 0;
    top.rst_ni = 0;
    top.uart_rx_i = 1;
    for (int i = 0; i < 8; i++) {
        top.clk_i = !top.clk_i;
        top.eval();
    }
    top.rst_ni = 1;
    const uint64_t poll_every = 256;
    for (uint64_t cycle = 0;; cycle++) {
        if (cycle % poll_every == 0 && !io.pump(ftdi))
            return;
        top.uart_rx_i = ftdi.line_to_fpga(cycle);
        top.clk_i = 1;
        top.eval();
        top.clk_i = 0;
        top.eval();
        ftdi.sample_from_fpga(cycle, top.uart_tx_o);
    }
}

}  // namespace

int main(int argc, char **argv) {
    const mica_board_t *b = this_board();
    if (!b)
        usage("built for a board missing from mica_boards.h");
    Args a = parse(argc, argv, *b);
    mica::BoardIo io;
    std::string err;
    if (a.fd >= 0 ? io.adopt(a.fd, &err) : io.listen_once(a.listen, &err)) {
        std::fprintf(stderr, "mica-board-sim-%s: %s\n", MICA_BOARD_NAME, err.c_str());
        return 1;
    }
    auto ctx = std::make_unique<VerilatedContext>();
    auto top = std::make_unique<VTOP>(ctx.get());
    mica::FtdiModel ftdi((double)b->core_hz / a.baud, a.ber, a.seed);
    run(*top, io, ftdi);
    top->final();
    return 0;
}
