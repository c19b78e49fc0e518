// Memory and Bus of the example platform (mica_systemc.h).
#include <cstring>

#include "mica_systemc.h"

using namespace sc_core;

namespace mica_sc {

Memory::Memory(sc_module_name name, uint64_t bytes, unsigned latency, unsigned bytes_per_cycle,
               sc_time clock_period)
    : sc_module(name), host("host"), accel("accel"), mem_(bytes, 0), latency_(latency),
      bytes_per_cycle_(bytes_per_cycle ? bytes_per_cycle : 1), period_(clock_period),
      port_free_(SC_ZERO_TIME) {
    host.register_b_transport(this, &Memory::transport);
    accel.register_b_transport(this, &Memory::transport);
    host.register_get_direct_mem_ptr(this, &Memory::get_dmi);
    accel.register_get_direct_mem_ptr(this, &Memory::get_dmi);
}

// One port shared by both initiators: a transfer starts when the port is free, holds it for
// ceil(n / bytes_per_cycle) periods and is answered `latency` periods after its last period began.
void Memory::transport(tlm::tlm_generic_payload &p, sc_time &delay) {
    uint64_t addr = p.get_address(), n = p.get_data_length();
    const uint8_t *be = p.get_byte_enable_ptr();
    unsigned be_len = p.get_byte_enable_length();
    if (p.get_streaming_width() < n || (be && be_len == 0)) {
        p.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    if (addr > mem_.size() || n > mem_.size() - addr) {
        p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    if (p.is_write() && be) {  // byte enables: 0xff writes the byte, 0x00 keeps it
        for (uint64_t i = 0; i < n; i++)
            if (be[i % be_len]) mem_[addr + i] = p.get_data_ptr()[i];
    } else if (p.is_write()) {
        memcpy(&mem_[addr], p.get_data_ptr(), n);
    }
    if (p.is_read())
        memcpy(p.get_data_ptr(), &mem_[addr], n);
    sc_time now = sc_time_stamp() + delay;
    sc_time start = now > port_free_ ? now : port_free_;
    uint64_t hold = (n + bytes_per_cycle_ - 1) / bytes_per_cycle_;
    if (hold == 0) hold = 1;
    port_free_ = start + (double)hold * period_;
    delay += (start - now) + (double)(hold - 1 + latency_) * period_;
    p.set_dmi_allowed(true);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
}

bool Memory::get_dmi(tlm::tlm_generic_payload &, tlm::tlm_dmi &dmi) {
    dmi.set_dmi_ptr(mem_.data());
    dmi.set_start_address(0);
    dmi.set_end_address(mem_.size() - 1);
    dmi.allow_read_write();
    dmi.set_read_latency((double)latency_ * period_);
    dmi.set_write_latency((double)latency_ * period_);
    return true;
}

Bus::Bus(sc_module_name name, uint64_t mem_bytes, uint64_t csr_base)
    : sc_module(name), in("in"), to_mem("to_mem"), to_csr("to_csr"), mem_bytes_(mem_bytes),
      csr_base_(csr_base) {
    in.register_b_transport(this, &Bus::transport);
}

// Memory at [0, mem_bytes), the CSR block at [csr_base, csr_base + 4 KiB); else an address error.
void Bus::transport(tlm::tlm_generic_payload &p, sc_time &delay) {
    uint64_t addr = p.get_address(), n = p.get_data_length();
    if (addr < mem_bytes_ && n <= mem_bytes_ - addr) {
        to_mem->b_transport(p, delay);
    } else if (addr >= csr_base_ && addr - csr_base_ < 0x1000 && n <= 0x1000 - (addr - csr_base_)) {
        p.set_address(addr - csr_base_);
        to_csr->b_transport(p, delay);
        p.set_address(addr);
    } else {
        p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    }
}

}  // namespace mica_sc
