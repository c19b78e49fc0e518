// Unit test of mica_array (ROWS x COLS from -DROWS/-DCOLS, matching -GROWS/-GCOLS) against a
// C++ matrix product. Each batch: a swap (a wave; no drain), then random 9-bit activation
// vectors with bubbles while the next random int8 weight tile is written into the shadow rows.
// The TB drives the array's protocol at its limits: the swap may share a cycle with the
// previous batch's last vector, row r of the next tile is written no earlier than cycle
// s+r (s = last swap; often exactly then; the array skews the write per column) and the next swap comes as soon as every row
// written for it landed before cycle swap+r. The model is the intended semantics (vectors up to
// the swap cycle use the old tile, later ones the new). Checks every output lane, the exact
// latency ROWS+COLS-1, bubble handling and busy_o.
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
    bool we = false;
    int w_addr = 0;
    std::vector<int8_t> w_row;    // kCols weights (used when we)
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
      int v = in.we ? in.w_row[c] : static_cast<int>(rng_() % 256);
      tb::set_field(w, c * 8, 8, static_cast<uint64_t>(static_cast<uint8_t>(v)));
    }
    tb::put(dut_->a_row_i, a);
    tb::put(dut_->w_row_i, w);
    dut_->a_valid_i = in.valid;
    dut_->w_we_i = in.we;
    dut_->w_addr_i = static_cast<uint32_t>(in.w_addr);
    dut_->w_swap_i = in.swap;
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
    // A vector in the swap cycle still uses the old tile (computed above); the swap takes the
    // shadow rows from before this cycle's write.
    if (in.swap) {
      for (int r = 0; r < kRows; ++r)
        chk_.expect(written_[r] < static_cast<int64_t>(cycle_) + r,
                    "testbench bug: row %d written in cycle %" PRId64 ", swap in %" PRIu64, r,
                    written_[r], cycle_);
      active_ = shadow_;
      swap_ = static_cast<int64_t>(cycle_);
    }
    if (in.we) {
      chk_.expect(static_cast<int64_t>(cycle_) >= swap_ + in.w_addr,
                  "testbench bug: row %d written in cycle %" PRIu64 ", swap wave at %" PRId64,
                  in.w_addr, cycle_, swap_);
      shadow_[in.w_addr] = in.w_row;
      written_[in.w_addr] = static_cast<int64_t>(cycle_);
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
  // First cycle in which row r may be written for the next swap.
  int64_t earliest_write(int r) const { return swap_ + r; }
  // First cycle in which the next swap may happen (every written row landed before swap+r).
  int64_t earliest_swap() const {
    int64_t s = 0;
    for (int r = 0; r < kRows; ++r) s = std::max(s, written_[r] - r + 1);
    return s;
  }
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
  std::vector<int64_t> written_ = std::vector<int64_t>(kRows, -1000000);
  int64_t swap_ = -1000000;
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

Bench::In random_vector(Bench& b) {
  Bench::In in;
  in.valid = true;
  in.a.resize(kRows);
  for (int& v : in.a) v = random_activation(b.rng());
  return in;
}

// Streams `count` vectors (with random bubbles) while writing `next` into the shadow rows, row
// by row from row 0 (as the WEIGHT unit does), at random cycles or (eager) as early as allowed.
// The first cycle is the swap cycle of this batch.
void stream_batch(Bench& b, int count, const Tile& next, double bubble_rate, bool eager) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  int sent = 0;
  int written = 0;
  while (sent < count || written < kRows) {
    Bench::In in;
    if (sent < count && u(b.rng()) >= bubble_rate) {
      in = random_vector(b);
      ++sent;
    }
    if (written < kRows && static_cast<int64_t>(b.cycles()) >= b.earliest_write(written) &&
        (eager || sent >= count || b.rng()() % 3 == 0)) {
      in.we = true;
      in.w_addr = written;
      in.w_row = next[written];
      ++written;
    }
    b.cycle(in);
  }
}

// Waits until the next swap is legal, then swaps; the swap cycle carries a vector of the old
// tile when `with_vector`.
void swap(Bench& b, bool with_vector) {
  while (static_cast<int64_t>(b.cycles()) < b.earliest_swap()) b.cycle(Bench::In{});
  Bench::In in;
  if (with_vector) in = random_vector(b);
  in.swap = true;
  b.cycle(in);
}

// Lets every vector in flight leave, then idles `cycles` more (no vector, no write).
void drain(Bench& b, uint64_t cycles) {
  while (b.busy()) b.cycle(Bench::In{});
  for (; cycles > 0; --cycles) b.cycle(Bench::In{});
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
  stream_batch(b, 0, next, 0.0, true);  // first tile: writes only
  for (int batch = 0; batch < batches; ++batch) {
    // Even batches: back-to-back (the swap shares a cycle with the last old vector, rows
    // written as early as allowed); short batches test the wave meeting the next one.
    bool tight = batch % 2 == 0;
    if (batch % 4 == 3) drain(b, b.rng()() % (2 * kLatency + 1));  // idles, then restarts
    swap(b, tight || b.rng()() % 2 == 0);
    next = random_tile(b.rng());
    int count = (batch % 3 == 0) ? 1 + static_cast<int>(b.rng()() % 8)
                                 : 1 + static_cast<int>(b.rng()() % 400);
    stream_batch(b, count, next, tight ? 0.0 : 0.25, tight);
  }
  drain(b, kLatency + 2);
  b.checker().expect(b.all_received(), "outputs missing at the end");
  std::printf("array %dx%d: %d batches, %" PRIu64 " vectors, %" PRIu64 " cycles, %" PRIu64
              " checks, %" PRIu64 " errors (seed %" PRIu64 ")\n", kRows, kCols, batches, b.sent(),
              b.cycles(), b.checker().checks, b.checker().errors, seed);
  return b.checker().errors == 0 ? 0 : 1;
}
