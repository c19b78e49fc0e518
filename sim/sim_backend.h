// Internal: the interface mica_sim.cpp dispatches through, one implementation per Verilated
// array size (sim_model.cpp compiled once per size against that size's Vmica_top_RxC).
#ifndef MICA_SIM_BACKEND_H
#define MICA_SIM_BACKEND_H

#include <cstdint>
#include <string>

#include "mem_model.h"
#include "mica_sim.h"

namespace mica {

class SimBackend {
public:
    explicit SimBackend(const mica_sim_config_t &cfg, unsigned bus_bytes)
        : mem(cfg.mem_bytes, cfg.mem_latency, cfg.mem_bytes_per_cycle, bus_bytes) {}
    virtual ~SimBackend() = default;

    virtual void reset() = 0;
    // One clock cycle. With csr_req the host port is driven for this cycle; *csr_rdata (if not
    // NULL) receives csr_rdata_o as seen before the edge.
    virtual void tick(bool csr_req, bool csr_we, uint32_t csr_addr, uint32_t csr_wdata,
                      uint32_t *csr_rdata) = 0;
    // csr_rdata_o for addr right now, without a clock edge (no side effects).
    virtual uint32_t peek_csr(uint32_t addr) = 0;
    virtual bool irq() const = 0;
    // Clocks until irq or the limit; returns cycles clocked (the hot loop stays in the model).
    virtual uint64_t run_until_irq(uint64_t max_cycles) = 0;
    virtual int trace(const char *path, uint64_t from_cycle, uint64_t to_cycle) = 0;
    virtual const char *model_name() const = 0;

    uint64_t cycle = 0;
    MemModel mem;
};

// One factory per built size, declared by the build (see build/sim/mica_sim_builds.h).
typedef SimBackend *(*BackendFactory)(const mica_sim_config_t &cfg);

}  // namespace mica

#endif
