// Unit test of the memory-port model alone (no RTL): latency, order, one response per request,
// bandwidth, write strobes, errors. Drives MemModel exactly as sim_model.cpp does per cycle.
#include <cstdio>
#include <deque>

#include "mem_model.h"

static int g_fail;
#define EXPECT(c, ...)                                      \
    do {                                                    \
        if (!(c)) {                                         \
            g_fail++;                                       \
            printf("FAIL line %d: %s: ", __LINE__, #c);    \
            printf(__VA_ARGS__);                            \
            printf("\n");                                   \
        }                                                   \
    } while (0)

// Offers a read every cycle for `cycles` cycles; returns accepted count, checks responses.
static unsigned stream(unsigned latency, unsigned bpc, unsigned cycles) {
    mica::MemModel m(1 << 16, latency, bpc, 8);
    for (unsigned i = 0; i < 4096; i++) {
        uint8_t b = (uint8_t)(i * 7);
        m.write(i, &b, 1);
    }
    std::deque<std::pair<uint64_t, uint32_t>> sent;  // (accept cycle, addr)
    unsigned accepted = 0, next_addr = 0;
    for (uint64_t c = 0; c < cycles + latency + 2; c++) {
        m.begin_cycle(c);
        if (m.has_response()) {
            const auto &r = m.response();
            EXPECT(!sent.empty(), "response without request at %llu", (unsigned long long)c);
            if (!sent.empty()) {
                EXPECT(c - sent.front().first == latency, "latency %llu want %u",
                       (unsigned long long)(c - sent.front().first), latency);
                EXPECT(r.data[0] == (uint8_t)(sent.front().second * 7) && !r.err && r.id == 1, "data/id");
                sent.pop_front();
            }
        }
        if (c < cycles && m.request_ready()) {
            m.offer(false, next_addr, nullptr, 0, 1);
            sent.push_back({c, next_addr});
            next_addr = (next_addr + 8) % 4096;
            accepted++;
        } else if (c < cycles) {
            m.offer(false, next_addr, nullptr, 0, 1);  // refused: counted as a not-ready cycle
        }
        m.end_cycle();
    }
    EXPECT(sent.empty(), "%zu requests without a response", sent.size());
    return accepted;
}

int main() {
    EXPECT(stream(1, 8, 1000) == 1000, "full rate");
    EXPECT(stream(10, 8, 1000) == 1000, "full rate, latency 10");
    unsigned a = stream(10, 3, 8000);  // 3 B/cycle with 8-byte beats: 3000 beats in 8000 cycles
    EXPECT(a >= 2999 && a <= 3001, "3 B/cycle accepted %u of 8000 cycles", a);
    EXPECT(stream(5, 64, 100) == 100, "port limit is one beat per cycle");

    mica::MemModel m(64, 2, 8, 8);
    const uint8_t w[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    m.begin_cycle(0);
    m.offer(true, 8, w, 0xA5, 2);  // lanes 0,2,5,7
    m.end_cycle();
    m.begin_cycle(1);
    m.offer(true, 60, w, 0xFF, 2);  // misaligned -> err, nothing written
    m.end_cycle();
    m.begin_cycle(2);
    EXPECT(m.has_response() && m.response().id == 2 && !m.response().err, "write response");
    m.offer(false, 64, nullptr, 0, 1);  // out of range -> err
    m.end_cycle();
    m.begin_cycle(3);
    EXPECT(m.has_response() && m.response().err, "misaligned write must answer err");
    m.end_cycle();
    m.begin_cycle(4);
    EXPECT(m.has_response() && m.response().err && m.response().id == 1, "out of range read err");
    m.end_cycle();
    uint8_t got[8];
    m.read(8, got, 8);
    const uint8_t want[8] = {1, 0, 3, 0, 0, 6, 0, 8};
    for (int i = 0; i < 8; i++) EXPECT(got[i] == want[i], "byte %d = %d", i, got[i]);
    EXPECT(m.stats().errors == 2 && m.stats().write_bytes == 4, "stats");
    printf("%s: memory model\n", g_fail ? "FAIL" : "PASS");
    return g_fail != 0;
}
