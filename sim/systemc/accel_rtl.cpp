// RtlAccelerator: mica_top Verilated with --sc, its ports turned into TLM-2.0 sockets.
//
// Memory port, per clock edge (the same contract as sim/mem_model.h, with the platform's delays):
// a request the RTL shows while ready is high is accepted at the edge and sent as one blocking
// transaction of BUS_BYTES; its response is shown in the cycle the returned delay points to (at
// least one cycle later, in order, one per cycle) and consumed at the next edge. With a memory
// answering after L cycles and one beat per cycle, the cycles equal the plain Verilated model's.
#include <deque>
#include <type_traits>
#include <utility>
#include <vector>

#include "Vmica_top_sc.h"
#include "mica_systemc.h"

using namespace sc_core;

namespace mica_sc {
namespace {

// The data port's C++ type from the model itself (uint64_t for BUS_BYTES 8, uint32_t for 4).
using BusWord = std::remove_reference_t<decltype(std::declval<Vmica_top_sc>().mem_req_wdata_o)>::data_type;
static_assert(std::is_integral<BusWord>::value, "sim/systemc supports BUS_BYTES <= 8");
constexpr unsigned kBusBytes = MICA_BUS_BYTES_DEFAULT;
static_assert(kBusBytes <= sizeof(BusWord), "data port narrower than BUS_BYTES");

class RtlAccelerator final : public Accelerator {
public:
    SC_HAS_PROCESS(RtlAccelerator);
    RtlAccelerator(sc_module_name name, const AcceleratorConfig &cfg)
        : Accelerator(name, cfg), top_("mica_top"), clk_("clk", cfg.clock_period) {
        top_.clk_i(clk_);
        top_.rst_ni(rst_n_);
        top_.csr_req_i(csr_req_);
        top_.csr_we_i(csr_we_);
        top_.csr_addr_i(csr_addr_);
        top_.csr_wdata_i(csr_wdata_);
        top_.csr_rdata_o(csr_rdata_);
        top_.irq_o(irq);
        top_.mem_req_valid_o(req_valid_);
        top_.mem_req_ready_i(req_ready_);
        top_.mem_req_we_o(req_we_);
        top_.mem_req_addr_o(req_addr_);
        top_.mem_req_wdata_o(req_wdata_);
        top_.mem_req_wstrb_o(req_wstrb_);
        top_.mem_req_id_o(req_id_);
        top_.mem_rsp_valid_i(rsp_valid_);
        top_.mem_rsp_id_i(rsp_id_);
        top_.mem_rsp_rdata_i(rsp_rdata_);
        top_.mem_rsp_err_i(rsp_err_);
        SC_THREAD(clock_edges);
        SC_THREAD(reset_sequence);
    }

    uint64_t cycle() const override { return cycle_; }
    const char *kind() const override { return "rtl"; }
    void reset() override { reset_request_.notify(SC_ZERO_TIME); resetting_ = true; }

private:
    struct Response {
        uint64_t due;
        uint32_t id;
        bool err;
        BusWord data;
    };

    // Reset: 4 cycles low (asynchronous assert), released before an edge; in-flight beats dropped.
    void reset_sequence() {
        for (;;) {
            resetting_ = true;
            rst_n_.write(false);
            for (int i = 0; i < 4; i++) wait(clk_.posedge_event());
            rst_n_.write(true);
            wait(clk_.posedge_event());
            pending_.clear();
            resetting_ = false;
            reset_done_.notify(SC_ZERO_TIME);
            wait(reset_request_);
        }
    }

    void clock_edges() {
        req_ready_.write(true);
        for (;;) {
            wait(clk_.posedge_event());
            // Values read here are the ones shown during the cycle this edge ends.
            if (rsp_valid_.read() && !pending_.empty()) pending_.pop_front();
            if (req_valid_.read() && req_ready_.read() && rst_n_.read()) accept();
            cycle_++;
            drive_response();
        }
    }

    void accept() {
        uint32_t addr = req_addr_.read();
        bool we = req_we_.read();
        Response r{0, req_id_.read() & 3u, false, 0};
        sc_time delay = SC_ZERO_TIME;
        if (addr % kBusBytes) {
            r.err = true;
        } else {
            uint8_t data[sizeof(BusWord)] = {0}, strobes[kBusBytes];
            BusWord w = req_wdata_.read();
            uint32_t strb = req_wstrb_.read();
            for (unsigned i = 0; i < kBusBytes; i++) {
                data[i] = (uint8_t)(w >> (8 * i));
                strobes[i] = (strb >> i) & 1 ? 0xff : 0x00;
            }
            tlm::tlm_generic_payload p;
            p.set_command(we ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
            p.set_address(addr);
            p.set_data_ptr(data);
            p.set_data_length(kBusBytes);
            p.set_streaming_width(kBusBytes);
            if (we) {
                p.set_byte_enable_ptr(strobes);
                p.set_byte_enable_length(kBusBytes);
            }
            p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
            mem->b_transport(p, delay);
            r.err = !p.is_response_ok();
            if (!we && !r.err)
                for (unsigned i = 0; i < kBusBytes; i++) r.data |= (BusWord)data[i] << (8 * i);
        }
        // The edge accepting it ends cycle_; the response shows in cycle_ + delay (>= 1), in order.
        uint64_t cycles = (uint64_t)(delay / cfg_.clock_period + 0.5);
        r.due = cycle_ + (cycles ? cycles : 1);
        if (!pending_.empty() && r.due <= pending_.back().due) r.due = pending_.back().due + 1;
        pending_.push_back(r);
    }

    void drive_response() {
        bool show = !pending_.empty() && pending_.front().due <= cycle_;
        rsp_valid_.write(show);
        if (show) {
            rsp_id_.write(pending_.front().id);
            rsp_err_.write(pending_.front().err);
            rsp_rdata_.write(pending_.front().data);
        } else {
            rsp_err_.write(false);
        }
    }

    // One CSR access: the request is shown for one cycle from a falling edge; the RTL takes a
    // write at the rising edge, and a read's data is what it shows just before that edge.
    void csr_transport(tlm::tlm_generic_payload &p, sc_time &delay) override {
        wait(delay);
        delay = SC_ZERO_TIME;
        while (resetting_) wait(reset_done_);
        uint8_t *d = p.get_data_ptr();
        bool we = p.is_write();
        uint32_t v = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
        wait(clk_.negedge_event());
        csr_addr_.write((uint32_t)p.get_address());
        csr_we_.write(we);
        csr_wdata_.write(we ? v : 0);
        csr_req_.write(true);
        wait(clk_.posedge_event());
        if (!we) {
            v = csr_rdata_.read();
            for (int i = 0; i < 4; i++) d[i] = (uint8_t)(v >> (8 * i));
        }
        csr_req_.write(false);
        csr_we_.write(false);
        p.set_response_status(tlm::TLM_OK_RESPONSE);
    }

    Vmica_top_sc top_;
    sc_clock clk_;
    sc_signal<bool> rst_n_{"rst_n"}, csr_req_{"csr_req"}, csr_we_{"csr_we"};
    sc_signal<uint32_t> csr_addr_{"csr_addr"}, csr_wdata_{"csr_wdata"}, csr_rdata_{"csr_rdata"};
    sc_signal<bool> req_valid_{"req_valid"}, req_ready_{"req_ready"}, req_we_{"req_we"};
    sc_signal<uint32_t> req_addr_{"req_addr"}, req_wstrb_{"req_wstrb"}, req_id_{"req_id"};
    sc_signal<BusWord> req_wdata_{"req_wdata"}, rsp_rdata_{"rsp_rdata"};
    sc_signal<bool> rsp_valid_{"rsp_valid"}, rsp_err_{"rsp_err"};
    sc_signal<uint32_t> rsp_id_{"rsp_id"};
    std::deque<Response> pending_;
    uint64_t cycle_ = 0;
    bool resetting_ = true;
    sc_event reset_request_, reset_done_;
};

}  // namespace

std::unique_ptr<Accelerator> make_rtl_accelerator(const char *name, const AcceleratorConfig &cfg) {
    return std::unique_ptr<Accelerator>(new RtlAccelerator(name, cfg));
}

}  // namespace mica_sc
