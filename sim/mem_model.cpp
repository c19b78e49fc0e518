// Memory-port model; see mem_model.h.
#include "mem_model.h"

#include <algorithm>

namespace mica {

MemModel::MemModel(uint64_t bytes, unsigned latency, unsigned bytes_per_cycle, unsigned bus_bytes)
    : mem_(bytes, 0), latency_(latency), bytes_per_cycle_(bytes_per_cycle), bus_bytes_(bus_bytes),
      ring_(latency + 2) {
    // Cap = one beat + one cycle's refill - 1: a continuous stream then averages exactly
    // bytes_per_cycle (no token is thrown away), and idle time never buys a burst (one beat
    // per cycle is the port limit anyway).
    token_cap_ = (int64_t)bus_bytes_ + bytes_per_cycle_ - 1;
    flush();
}

void MemModel::flush() {
    head_ = count_ = 0;
    rsp_now_ = false;
    tokens_ = 0;
    memset(&stats_, 0, sizeof stats_);
}

void MemModel::begin_cycle(uint64_t cycle) {
    cycle_ = cycle;
    tokens_ = std::min<int64_t>(token_cap_, tokens_ + bytes_per_cycle_);
    rsp_now_ = count_ > 0 && ring_[head_].due_cycle <= cycle;
}

MemModel::Response &MemModel::push(unsigned id, bool err) {
    Response &r = ring_[(head_ + count_) % ring_.size()];
    count_++;
    r.due_cycle = cycle_ + latency_;
    r.id = (uint8_t)id;
    r.err = err;
    memset(r.data, 0, bus_bytes_);
    if (err) stats_.errors++;
    return r;
}

void MemModel::offer(bool we, uint32_t addr, const uint8_t *wdata, uint64_t wstrb, unsigned id) {
    if (!request_ready()) {
        stats_.not_ready_cycles++;
        return;
    }
    tokens_ -= bus_bytes_;
    bool err = (addr % bus_bytes_) != 0 || !in_range(addr, bus_bytes_);
    Response &r = push(id & 3, err);
    if (we) {
        stats_.writes[id & 3]++;
        if (err) return;
        for (unsigned i = 0; i < bus_bytes_; i++)
            if ((wstrb >> i) & 1) {
                mem_[addr + i] = wdata[i];
                stats_.write_bytes++;
            }
    } else {
        stats_.reads[id & 3]++;
        if (!err) memcpy(r.data, &mem_[addr], bus_bytes_);
    }
}

void MemModel::end_cycle() {
    if (!rsp_now_) return;
    head_ = (head_ + 1) % ring_.size();
    count_--;
    rsp_now_ = false;
}

bool MemModel::write(uint64_t addr, const void *src, size_t n) {
    if (!src || !in_range(addr, n)) return false;
    if (n) memcpy(&mem_[addr], src, n);
    return true;
}

bool MemModel::read(uint64_t addr, void *dst, size_t n) const {
    if (!dst || !in_range(addr, n)) return false;
    if (n) memcpy(dst, &mem_[addr], n);
    return true;
}

}  // namespace mica
