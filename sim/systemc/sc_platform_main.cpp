// mica-sc-platform: the example platform (mica_sc_platform.h) as a process that libmica's
// `systemc` backend drives over a socket (include/mica_sc_wire.h). A process of its own because
// SystemC elaborates once per process and its Verilated model brings its own Verilator runtime.
//   mica-sc-platform --fd N --model rtl|tlm --latency L --bw B --mem-bytes M --hw R,C,AS,WS,ACC,PS,BUS,LANES,ABSENT,MUL
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "mica_sc_platform.h"
#include "mica_cost.h"
#include "mica_sc_wire.h"
#include "mica_systemc.h"

namespace {

bool io(int fd, void *buf, size_t n, bool write_side) {
    uint8_t *p = (uint8_t *)buf;
    while (n) {
        ssize_t r = write_side ? ::write(fd, p, n) : ::read(fd, p, n);
        if (r <= 0) return false;
        p += r;
        n -= (size_t)r;
    }
    return true;
}

bool parse_u64(const char *s, uint64_t max, uint64_t *out) {
    char *end = nullptr;
    unsigned long long v = strtoull(s, &end, 0);
    if (!*s || *end || v > max) return false;
    *out = v;
    return true;
}

bool parse_hw(const char *s, mica_hw_config_t *hw) {
    uint32_t *f[] = {&hw->rows,       &hw->cols,      &hw->aspad_depth, &hw->wspad_depth,
                     &hw->acc_depth,  &hw->param_sets, &hw->bus_bytes,  &hw->req_lanes,
                     &hw->absent,     &hw->req_mul_cycles};
    std::string text(s);
    size_t pos = 0;
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        size_t comma = text.find(',', pos);
        if ((comma == std::string::npos) != (i + 1 == sizeof f / sizeof f[0])) return false;
        uint64_t v;
        if (!parse_u64(text.substr(pos, comma - pos).c_str(), 65536, &v)) return false;
        *f[i] = (uint32_t)v;
        pos = comma + 1;
    }
    return true;
}

struct Server {
    int fd;
    mica_sc_platform_t *p;
    std::chrono::steady_clock::duration busy{};
    std::vector<uint8_t> buf;

    bool reply(const mica_sc_req_t &q, uint32_t status, uint32_t value, const void *data) {
        mica_sc_rsp_t r{MICA_SC_WIRE_MAGIC, status, value, data ? q.len : 0u, mica_sc_cycle(p),
                        (uint64_t)std::chrono::duration_cast<std::chrono::microseconds>(busy).count()};
        return io(fd, &r, sizeof r, true) && (!data || io(fd, (void *)data, q.len, true));
    }

    // One request; false when the pipe is gone or the request asks to quit.
    bool serve_one() {
        mica_sc_req_t q;
        if (!io(fd, &q, sizeof q, false)) return false;
        if (q.magic != MICA_SC_WIRE_MAGIC || q.len > MICA_SC_WIRE_MAX_LEN) {
            reply(q, 2, 0, nullptr);
            return false;  // out of step with the peer: nothing after this can be trusted
        }
        auto t0 = std::chrono::steady_clock::now();
        uint32_t status = 0, value = 0;
        const void *data = nullptr;
        switch (q.op) {
        case MICA_SC_OP_MEM_WRITE:
            buf.resize(q.len);
            if (!io(fd, buf.data(), q.len, false)) return false;
            status = mica_sc_mem_write(p, q.addr, buf.data(), q.len) ? 1 : 0;
            break;
        case MICA_SC_OP_MEM_READ:
            buf.assign(q.len, 0);
            status = mica_sc_mem_read(p, q.addr, buf.data(), q.len) ? 1 : 0;
            data = buf.data();
            break;
        case MICA_SC_OP_CSR_READ: value = mica_sc_csr_read(p, q.addr); break;
        case MICA_SC_OP_CSR_WRITE: mica_sc_csr_write(p, q.addr, (uint32_t)q.arg); break;
        case MICA_SC_OP_WAIT: value = (uint32_t)mica_sc_wait(p, q.arg); break;
        case MICA_SC_OP_RESET: mica_sc_reset(p); break;
        case MICA_SC_OP_QUIT: reply(q, 0, 0, nullptr); return false;
        default: status = 2; break;
        }
        busy += std::chrono::steady_clock::now() - t0;
        return reply(q, status, value, data);
    }
};

int usage(const char *why) {
    fprintf(stderr, "mica-sc-platform: %s (usage: --fd N --model rtl|tlm --latency L --bw B "
                    "--mem-bytes M --hw R,C,ASPAD,WSPAD,ACC,PARAM_SETS,BUS,LANES,ABSENT,MUL)\n", why);
    return 2;
}

}  // namespace

int sc_main(int argc, char **argv) {
    uint64_t fd = 0, latency = MICA_MEM_LATENCY_DEFAULT, bw = 8, mem_bytes = 64ull << 20;
    std::string model = "rtl";
    mica_hw_config_t hw = mica_sc::default_config().hw;
    bool have_fd = false;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i];
        const char *v = argv[i + 1];
        bool ok = true;
        if (k == "--fd") ok = have_fd = parse_u64(v, 1023, &fd);
        else if (k == "--model") model = v;
        else if (k == "--latency") ok = parse_u64(v, 100000, &latency);
        else if (k == "--bw") ok = parse_u64(v, 4096, &bw);
        else if (k == "--mem-bytes") ok = parse_u64(v, 1ull << 32, &mem_bytes);
        else if (k == "--hw") ok = parse_hw(v, &hw);
        else return usage(("unknown option " + k).c_str());
        if (!ok) return usage((k + " " + v + ": not a valid value").c_str());
    }
    if (!have_fd || argc % 2 == 0) return usage("--fd is required and every option takes a value");
    char err[256];
    Server s{(int)fd, nullptr};
    if (mica_sc_platform_create(model.c_str(), &hw, mem_bytes, (unsigned)latency, (unsigned)bw, &s.p,
                                err, sizeof err)) {
        fprintf(stderr, "mica-sc-platform: %s\n", err);
        return 1;
    }
    while (s.serve_one()) {
    }
    return 0;
}
