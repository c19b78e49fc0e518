// Unit test of mica_array (ROWS x COLS from -DROWS/-DCOLS, matching -GROWS/-GCOLS) against a
// C++ matrix product. Each batch: a random int8 weight tile (pushed into the shadow registers
// while the previous batch is still streaming), drain, swap, then random 9-bit activation
// vectors with bubbles. Checks every output lane, the exact latency ROWS+COLS-1, bubble
// handling and busy_o.
#include <cinttypes>
#include <deque>
#include <memory>
#include <random>

#include "Vmica_array.h"
#include "tb_common.h"

#ifndef ROWS
#error "compile with -DROWS=<n> -DCOLS=<n> matching the Verilator -G parameters"
#endif

namespace {

constexpr int kRows = ROWS;
constexpr int kCols = COLS;
constexpr uint64_t kLatency = kRows + kCols - 1;

using Tile = std::vector<std::vector<int8_t>>;  // [row][col]

struct Expected {
  std::vector<int32_t> sums;
  uint64_t cycle_in;
};

class Bench {
 public:
  explicit Bench(uint64_t seed) : rng_(seed) {
    dut_ = std::make_unique<Vmica_array>();
    dut_->clk_i = 0;
    dut_->rst_ni = 0;
    dut_->eval();
    dut_->rst_ni = 1;
    dut_->eval();
  }

  // Inputs for the next clock cycle.
  struct In {
    bool valid = false;
    std::vector<int> a;           // kRows activations (used when valid)
    bool shift = false;
    std::vector<int8_t> w_row;    // kCols weights (used when shift)
    bool swap = false;
  };

  void cycle(const In& in) {
    tb::Words a = tb::zero_words(kRows * 9);
    for (int r = 0; r < kRows; ++r) {
      int v = in.valid ? in.a[r] : static_cast<int>(rng_() % 512) - 256;  // garbage in bubbles
      tb::set_field(a, r * 9, 9, static_cast<uint64_t>(v));
    }
    tb::Words w = tb::zero_words(kCols * 8);
    for (int c = 0; c < kCols; ++c) {
      int v = in.shift ? in.w_row[c] : static_cast<int>(rng_() % 256);
      tb::set_field(w, c * 8, 8, static_cast<uint64_t>(static_cast<uint8_t>(v)));
    }
    tb::put(dut_->a_row_i, a);
    tb::put(dut_->w_row_i, w);
    dut_->a_valid_i = in.valid;
    dut_->w_shift_i = in.shift;
    dut_->w_swap_i = in.swap;
    if (in.swap) {
      chk_.expect(!dut_->busy_o && !in.valid, "testbench bug: illegal swap");
      active_ = shadow_;
    }
    if (in.shift) {
      shadow_.insert(shadow_.begin(), in.w_row);  // new row 0, every row moves down
      shadow_.pop_back();
    }
    if (in.valid) {
      Expected e{std::vector<int32_t>(kCols, 0), cycle_};
      for (int c = 0; c < kCols; ++c) {
        uint32_t s = 0;  // int32 wrapping sum
        for (int r = 0; r < kRows; ++r) s += static_cast<uint32_t>(in.a[r] * active_[r][c]);
        e.sums[c] = static_cast<int32_t>(s);
      }
      pending_.push_back(e);
      ++sent_;
    }
    dut_->eval();
    observe();
    dut_->clk_i = 1;
    dut_->eval();
    dut_->clk_i = 0;
    dut_->eval();
    ++cycle_;
  }

  bool busy() const { return dut_->busy_o; }
  std::mt19937_64& rng() { return rng_; }
  tb::Checker& checker() { return chk_; }
  uint64_t sent() const { return sent_; }
  uint64_t cycles() const { return cycle_; }
  bool all_received() const { return pending_.empty(); }

 private:
  void observe() {
    // busy_o: some vector accepted before this cycle is still inside.
    chk_.expect(static_cast<bool>(dut_->busy_o) == in_flight(),
                "cycle %" PRIu64 ": busy_o=%d but %s in flight", cycle_, dut_->busy_o,
                in_flight() ? "vectors" : "nothing");
    bool due = !pending_.empty() && pending_.front().cycle_in + kLatency == cycle_;
    if (!chk_.expect(static_cast<bool>(dut_->out_valid_o) == due,
                     "cycle %" PRIu64 ": out_valid_o=%d, expected %d", cycle_,
                     dut_->out_valid_o, due)) {
      if (dut_->out_valid_o && !pending_.empty()) pending_.pop_front();  // resync
      return;
    }
    if (!due) return;
    tb::Words out = tb::get(dut_->out_row_o);
    const Expected& e = pending_.front();
    for (int c = 0; c < kCols; ++c) {
      int32_t got = static_cast<int32_t>(tb::get_field(out, c * 32, 32));
      chk_.expect(got == e.sums[c], "vector from cycle %" PRIu64 " lane %d: got %d expected %d",
                  e.cycle_in, c, got, e.sums[c]);
    }
    pending_.pop_front();
  }

  bool in_flight() const { return !pending_.empty() && pending_.front().cycle_in < cycle_; }

  std::unique_ptr<Vmica_array> dut_;
  std::mt19937_64 rng_;
  Tile shadow_ = Tile(kRows, std::vector<int8_t>(kCols, 0));
  Tile active_ = Tile(kRows, std::vector<int8_t>(kCols, 0));
  std::deque<Expected> pending_;
  tb::Checker chk_;
  uint64_t cycle_ = 0;
  uint64_t sent_ = 0;
};

int8_t random_weight(std::mt19937_64& rng) {
  switch (rng() % 8) {
    case 0: return -128;
    case 1: return 127;
    default: return static_cast<int8_t>(rng());
  }
}

int random_activation(std::mt19937_64& rng) {
  switch (rng() % 8) {
    case 0: return -255;
    case 1: return 255;
    case 2: return 0;
    default: return static_cast<int>(rng() % 511) - 255;
  }
}

Tile random_tile(std::mt19937_64& rng) {
  Tile t(kRows, std::vector<int8_t>(kCols));
  for (auto& row : t)
    for (auto& w : row) w = random_weight(rng);
  return t;
}

// Streams `count` vectors (with random bubbles) while shifting `next` into the shadow
// registers in reverse row order, as the WEIGHT unit does, at random cycles.
void stream_batch(Bench& b, int count, const Tile& next, double bubble_rate) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  int sent = 0;
  int shifted = 0;
  while (sent < count || shifted < kRows) {
    Bench::In in;
    if (sent < count && u(b.rng()) >= bubble_rate) {
      in.valid = true;
      in.a.resize(kRows);
      for (int& v : in.a) v = random_activation(b.rng());
      ++sent;
    }
    if (shifted < kRows && (sent >= count || b.rng()() % 3 == 0)) {
      in.shift = true;
      in.w_row = next[kRows - 1 - shifted];
      ++shifted;
    }
    b.cycle(in);
  }
}

void drain_and_swap(Bench& b) {
  while (b.busy()) b.cycle(Bench::In{});
  Bench::In swap;
  swap.swap = true;
  b.cycle(swap);
}

}  // namespace

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  uint64_t seed = 1;
  int batches = 60;
  for (int i = 1; i < argc; ++i) {
    if (std::sscanf(argv[i], "--seed=%" SCNu64, &seed) == 1) continue;
    if (std::sscanf(argv[i], "--batches=%d", &batches) == 1) continue;
  }
  Bench b(seed);
  Tile next = random_tile(b.rng());
  stream_batch(b, 0, next, 0.0);  // first tile: shifts only
  for (int batch = 0; batch < batches; ++batch) {
    drain_and_swap(b);
    next = random_tile(b.rng());
    int count = 1 + static_cast<int>(b.rng()() % 400);
    double bubbles = (batch % 4 == 0) ? 0.0 : 0.25;  // some batches fully back-to-back
    stream_batch(b, count, next, bubbles);
  }
  while (b.busy()) b.cycle(Bench::In{});
  for (uint64_t i = 0; i < kLatency + 2; ++i) b.cycle(Bench::In{});
  b.checker().expect(b.all_received(), "outputs missing at the end");
  std::printf("array %dx%d: %d batches, %" PRIu64 " vectors, %" PRIu64 " cycles, %" PRIu64
              " checks, %" PRIu64 " errors (seed %" PRIu64 ")\n", kRows, kCols, batches, b.sent(),
              b.cycles(), b.checker().checks, b.checker().errors, seed);
  return b.checker().errors == 0 ? 0 : 1;
}
