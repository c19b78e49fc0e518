// External memory model behind mica_top's memory port (hw/ARCHITECTURE.md section 3).
// A byte array; requests are accepted at most one per cycle, throttled by a token bucket to
// bytes_per_cycle on average; each gets exactly one response, in order, `latency` cycles after
// acceptance. Responses are never held back. Out-of-range or misaligned beats answer err.
#ifndef MICA_SIM_MEM_MODEL_H
#define MICA_SIM_MEM_MODEL_H

#include <cstdint>
#include <cstring>
#include <vector>

#include "mica_sim.h"

namespace mica {

class MemModel {
public:
    static constexpr unsigned kMaxBusBytes = 64;

    // Everything but bus_bytes comes from the public config (validated by the caller).
    MemModel(uint64_t bytes, unsigned latency, unsigned bytes_per_cycle, unsigned bus_bytes);

    // The response visible during the current cycle (valid only if has_response()).
    struct Response {
        uint64_t due_cycle;
        uint8_t id;
        bool err;
        uint8_t data[kMaxBusBytes];
    };

    // Inputs the DUT sees in cycle `cycle` (call once at the start of each cycle).
    void begin_cycle(uint64_t cycle);
    bool request_ready() const { return tokens_ >= (int64_t)bus_bytes_ && count_ < ring_.size(); }
    bool has_response() const { return rsp_now_; }
    const Response &response() const { return ring_[head_]; }

    // The DUT offered a request in this cycle (valid high); accepted if request_ready().
    // Reads copy their data now, writes apply now: the port is in-order, so this is exact.
    void offer(bool we, uint32_t addr, const uint8_t *wdata, uint64_t wstrb, unsigned id);

    // The clock edge closing the cycle happened: the shown response was consumed.
    void end_cycle();

    // Drops in-flight requests and statistics (reset); contents stay.
    void flush();

    bool write(uint64_t addr, const void *src, size_t n);
    bool read(uint64_t addr, void *dst, size_t n) const;
    const mica_sim_mem_stats_t &stats() const { return stats_; }
    uint64_t size() const { return mem_.size(); }

private:
    bool in_range(uint64_t addr, uint64_t n) const { return addr <= mem_.size() && n <= mem_.size() - addr; }
    Response &push(unsigned id, bool err);

    std::vector<uint8_t> mem_;
    unsigned latency_, bytes_per_cycle_, bus_bytes_;
    int64_t tokens_ = 0, token_cap_;
    // In-order response queue: a ring large enough for `latency` + 1 outstanding requests, since
    // at most one is accepted per cycle and each leaves after exactly `latency` cycles.
    std::vector<Response> ring_;
    size_t head_ = 0, count_ = 0;
    uint64_t cycle_ = 0;
    bool rsp_now_ = false;
    mica_sim_mem_stats_t stats_;
};

}  // namespace mica

#endif
