// Backend for ONE Verilated array size. The Makefile compiles this file once per size with
//   -DMICA_VTOP=Vmica_top_<R>x<C> -DMICA_FACTORY=mica_make_<R>x<C>
// and the include path of that size's Verilator output, so every size gets its own class.
#include <memory>

#include "sim_backend.h"
#include "verilated.h"
#if VM_TRACE
#include "verilated_fst_c.h"
#else
// Built without --trace-fst (speed experiments only): trace() fails, nothing is dumped.
struct VerilatedFstC {
    bool isOpen() const { return false; }
    void close() {}
    void dump(uint64_t) {}
};
#endif

#define MICA_STR(x) #x
#define MICA_XSTR(x) MICA_STR(x)
#include MICA_XSTR(MICA_VTOP.h)

namespace {

// Bus-width independent access to the Verilated port types (C/S/I/QData or VlWide<N>).
template <class T> void bus_get(const T &v, uint8_t *out, unsigned n) {
    for (unsigned i = 0; i < n; i++) out[i] = (uint8_t)((uint64_t)v >> (8 * i));
}
template <std::size_t W> void bus_get(const VlWide<W> &v, uint8_t *out, unsigned n) {
    for (unsigned i = 0; i < n; i++) out[i] = (uint8_t)(v[i / 4] >> (8 * (i % 4)));
}
template <class T> void bus_set(T &v, const uint8_t *in, unsigned n) {
    uint64_t x = 0;
    for (unsigned i = 0; i < n; i++) x |= (uint64_t)in[i] << (8 * i);
    v = (T)x;
}
template <std::size_t W> void bus_set(VlWide<W> &v, const uint8_t *in, unsigned n) {
    for (unsigned w = 0; w < W; w++) v[w] = 0;
    for (unsigned i = 0; i < n; i++) v[i / 4] |= (EData)in[i] << (8 * (i % 4));
}

class Model final : public mica::SimBackend {
public:
    Model(const mica_sim_config_t &cfg, unsigned bus_bytes)
        : SimBackend(cfg, bus_bytes), bus_bytes_(bus_bytes), ctx_(new VerilatedContext) {
        ctx_->traceEverOn(true);  // must precede construction for mica_sim_trace() to work
        // The model's own thread count (sim/Makefile THREADS; 1: no thread pool at all, where the
        // context would otherwise start one idle worker per hardware thread).
        ctx_->threads(MICA_VTHREADS);
        top_.reset(new MICA_VTOP(ctx_.get(), "mica"));
        top_->clk_i = 0;
        top_->rst_ni = 1;
        top_->eval();
        reset();
    }

    ~Model() override {
        close_trace();
        top_->final();
    }

    void reset() override {
        mem.flush();
        top_->rst_ni = 0;  // async: the 1 -> 0 edge resets at once, the clocks keep it there
        top_->eval();
        for (int i = 0; i < 4; i++) tick(false, false, 0, 0, nullptr);
        top_->rst_ni = 1;
        tick(false, false, 0, 0, nullptr);
        mem.flush();
    }

    void tick(bool csr_req, bool csr_we, uint32_t csr_addr, uint32_t csr_wdata,
              uint32_t *csr_rdata) override {
        top_->csr_req_i = csr_req;
        top_->csr_we_i = csr_we;
        top_->csr_addr_i = csr_addr & 0xfffu;
        top_->csr_wdata_i = csr_wdata;
        cycle_once(csr_rdata);
    }

    uint32_t peek_csr(uint32_t addr) override {
        top_->csr_req_i = 1;
        top_->csr_we_i = 0;
        top_->csr_addr_i = addr & 0xfffu;
        top_->eval();  // no clock edge: only combinational logic moves
        uint32_t v = top_->csr_rdata_o;
        top_->csr_req_i = 0;
        top_->eval();
        return v;
    }

    bool irq() const override { return top_->irq_o; }

    uint64_t run_until_irq(uint64_t max_cycles) override {
        top_->csr_req_i = 0;
        top_->csr_we_i = 0;
        uint64_t n = 0;
        while (n < max_cycles && !top_->irq_o) {
            cycle_once(nullptr);
            n++;
        }
        return n;
    }

    int trace(const char *path, uint64_t from_cycle, uint64_t to_cycle) override {
        close_trace();
        if (!path || from_cycle >= to_cycle) return -1;
#if !VM_TRACE
        return -1;
#else
        if (!fst_) {
            fst_.reset(new VerilatedFstC);
            top_->trace(fst_.get(), 99);
        }
        fst_->set_time_unit("1ns");
        fst_->set_time_resolution("1ns");
        fst_->open(path);
        if (!fst_->isOpen()) return -1;
        trace_from_ = from_cycle;
        trace_to_ = to_cycle;
        trace_armed_ = true;
        return 0;
#endif
    }

    // A multithreaded build (sim/Makefile THREADS=N) says so wherever the model is named.
    const char *model_name() const override {
        return MICA_VTHREADS > 1 ? MICA_XSTR(MICA_VTOP) " --threads " MICA_XSTR(MICA_VTHREADS)
                                 : MICA_XSTR(MICA_VTOP);
    }

private:
    // One clock cycle: drive memory responses and ready, settle, accept a request, clock edge.
    inline void cycle_once(uint32_t *csr_rdata) {
        mem.begin_cycle(cycle);
        top_->mem_req_ready_i = mem.request_ready();
        if (mem.has_response()) {
            const mica::MemModel::Response &r = mem.response();
            top_->mem_rsp_valid_i = 1;
            top_->mem_rsp_id_i = r.id;
            top_->mem_rsp_err_i = r.err;
            bus_set(top_->mem_rsp_rdata_i, r.data, bus_bytes_);
        } else {
            top_->mem_rsp_valid_i = 0;
            top_->mem_rsp_err_i = 0;
        }
        top_->clk_i = 0;
        top_->eval();
        if (csr_rdata) *csr_rdata = top_->csr_rdata_o;
        bool dumping = trace_armed_ && cycle >= trace_from_;
        if (dumping) fst_->dump(cycle * 10);
        if (top_->mem_req_valid_o) offer_request();
        top_->clk_i = 1;
        top_->eval();
        if (dumping) fst_->dump(cycle * 10 + 5);
        mem.end_cycle();
        cycle++;
        if (trace_armed_ && cycle >= trace_to_) close_trace();
    }

    void offer_request() {
        uint8_t wdata[mica::MemModel::kMaxBusBytes];
        bus_get(top_->mem_req_wdata_o, wdata, bus_bytes_);
        mem.offer(top_->mem_req_we_o, top_->mem_req_addr_o, wdata, (uint64_t)top_->mem_req_wstrb_o,
                  top_->mem_req_id_o);
    }

    void close_trace() {
        if (fst_ && fst_->isOpen()) fst_->close();
        trace_armed_ = false;
    }

    unsigned bus_bytes_;
    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<MICA_VTOP> top_;
    std::unique_ptr<VerilatedFstC> fst_;
    bool trace_armed_ = false;
    uint64_t trace_from_ = 0, trace_to_ = 0;
};

}  // namespace

// BUS_BYTES is a power of two, so Verilator stores the 8*BUS_BYTES-bit data port in exactly
// BUS_BYTES bytes (C/S/I/QData up to 8, VlWide<BUS_BYTES/4> above): the width comes from the
// model itself, no second copy of the parameter.
constexpr unsigned kBusBytes = sizeof(((MICA_VTOP *)nullptr)->mem_req_wdata_o);
static_assert(kBusBytes >= 1 && kBusBytes <= mica::MemModel::kMaxBusBytes, "unsupported BUS_BYTES");

mica::SimBackend *MICA_FACTORY(const mica_sim_config_t &cfg) { return new Model(cfg, kBusBytes); }
