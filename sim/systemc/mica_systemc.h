// Mica as a SystemC/TLM-2.0 component (sim/systemc/README.md).
//
// Two models of the accelerator with the same outside, so a platform swaps one for the other
// without code changes:
//   RtlAccelerator  mica_top Verilated with --sc (hw/mica.json defaults: 16x16), cycle by cycle;
//   TlmAccelerator  loosely timed: results from the ISA reference interpreter (driver/core), the
//                   time of each program from the cost model (include/mica_cost.h).
// Outside:
//   csr  target socket: the CSR block of hw/mica.json, 32-bit reads/writes at offsets 0..0xfff;
//   mem  initiator socket: the accelerator's external memory, addresses from 0 (the platform
//        maps them); RtlAccelerator issues one BUS_BYTES beat per transaction (blocking
//        transport, the returned delay is when the beat's response arrives), TlmAccelerator asks
//        for DMI and reads the latency from it;
//   irq  high while STATUS shows DONE or ERROR (cleared by the next CTRL.START).
// Time: one clock of `clock_period` (default 10 ns); the default SystemC resolution (1 ps).
#ifndef MICA_SYSTEMC_H
#define MICA_SYSTEMC_H

#include <cstdint>
#include <memory>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "mica_hw.h"
#include "mica_sc_platform.h"

namespace mica_sc {

struct AcceleratorConfig {
    mica_hw_config_t hw;                          // must be the hw/mica.json defaults for "rtl"
    sc_core::sc_time clock_period{10, sc_core::SC_NS};
    unsigned mem_bytes_per_cycle = 0;             // TLM timing: 0 = BUS_BYTES (one beat a cycle)
};

// The defaults of hw/mica.json (16x16) with a 10 ns clock.
AcceleratorConfig default_config();

class Accelerator : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<Accelerator> csr;
    tlm_utils::simple_initiator_socket<Accelerator> mem;
    sc_core::sc_out<bool> irq;

    // Cycles the accelerator's clock has counted since the platform started.
    virtual uint64_t cycle() const = 0;
    // "rtl" or "tlm".
    virtual const char *kind() const = 0;
    // Back to idle after an error or a timeout (memory is the platform's and stays).
    virtual void reset() = 0;

protected:
    Accelerator(sc_core::sc_module_name name, const AcceleratorConfig &cfg);
    // A checked 32-bit access at an aligned offset below 0x1000 (the socket answers the rest).
    virtual void csr_transport(tlm::tlm_generic_payload &p, sc_core::sc_time &delay) = 0;
    AcceleratorConfig cfg_;

private:
    void csr_dispatch(tlm::tlm_generic_payload &p, sc_core::sc_time &delay);
};

// kind "rtl" or "tlm"; nullptr with a one-line reason in *err (e.g. "rtl" for a configuration
// other than the built one).
std::unique_ptr<Accelerator> make_accelerator(const std::string &kind, const char *name,
                                              const AcceleratorConfig &cfg, std::string *err);

// A memory target for platforms and tests: `bytes` of zeroed RAM behind two target sockets (one
// per initiator), answering after `latency` clock periods, one beat of `bytes_per_cycle` bytes
// per period at most (a transfer of n bytes holds the port for ceil(n / bytes_per_cycle)
// periods); grants DMI with that latency.
class Memory : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<Memory> host, accel;
    Memory(sc_core::sc_module_name name, uint64_t bytes, unsigned latency,
           unsigned bytes_per_cycle, sc_core::sc_time clock_period);
    uint8_t *data() { return mem_.data(); }
    uint64_t size() const { return mem_.size(); }

private:
    void transport(tlm::tlm_generic_payload &p, sc_core::sc_time &delay);
    bool get_dmi(tlm::tlm_generic_payload &p, tlm::tlm_dmi &dmi);
    std::vector<uint8_t> mem_;
    unsigned latency_, bytes_per_cycle_;
    sc_core::sc_time period_, port_free_;
};

// Address decoder for the example platform: one target socket, initiator sockets per region.
class Bus : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<Bus> in;
    tlm_utils::simple_initiator_socket<Bus> to_mem, to_csr;
    Bus(sc_core::sc_module_name name, uint64_t mem_bytes, uint64_t csr_base);

private:
    void transport(tlm::tlm_generic_payload &p, sc_core::sc_time &delay);
    uint64_t mem_bytes_, csr_base_;
};

}  // namespace mica_sc

#endif
