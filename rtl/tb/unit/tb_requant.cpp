// Unit test of mica_requant against a C++ model of TFLite's requantization
// (hw/ARCHITECTURE.md section 7): edge-case grid, rounding ties, and random vectors with
// bubbles. Checks every output value and that it arrives exactly LATENCY cycles after its input.
#include "mica_fixedpoint.h"
#include <cinttypes>
#include <deque>
#include <memory>
#include <random>

#ifdef REQUANT_LITE
#include "Vmica_requant_lite.h"
using Dut = Vmica_requant_lite;
#ifdef REQUANT_PIPE  // PIPE = 1: offset 0 in two cycles; inputs held the cycle after valid_i
constexpr int kLatency = 8;
#else
constexpr int kLatency = 7;   // double rounding only, an input at most every 4 cycles
#endif
constexpr int kSpacing = 4;
constexpr int kRounds = 1;
#else
#include "Vmica_requant.h"
using Dut = Vmica_requant;
#ifdef REQUANT_PIPE  // PIPE = 1: inputs (twice), partial products, 4 real-rounding steps, stage 4
constexpr int kLatency = 4 + 8;
#else
constexpr int kLatency = 4;
#endif
constexpr int kSpacing = 1;
constexpr int kRounds = 2;
#endif
#include "tb_common.h"

namespace {

struct Vec {
  int32_t acc, bias, mult;
  int shift, round, z_out, act_min, act_max;
  uint32_t mult_lo;  // round 2 only: low 21 bits of the 53-bit multiplier
};

// ---- reference model (written from the documented arithmetic, not from the RTL) ----
int32_t wrap_add(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}

int32_t srdhm(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  int64_t ab = static_cast<int64_t>(a) * b;
  int64_t nudge = ab >= 0 ? (int64_t{1} << 30) : (1 - (int64_t{1} << 30));
  return static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));  // C division truncates
}

int32_t rdbpot(int32_t x, int e) {
  int32_t mask = static_cast<int32_t>((int64_t{1} << e) - 1);
  int32_t rem = x & mask;
  int32_t thr = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> e) + (rem > thr ? 1 : 0);
}

int8_t reference(const Vec& v) {
  int shift = v.shift > 30 ? 30 : (v.shift < -31 ? -31 : v.shift);  // documented clamp
  int32_t x = wrap_add(v.acc, v.bias);
  int32_t y;
  if (v.round == 2) {  // the C model the functional backend runs (double multiply + std::round)
    uint64_t m53 = (static_cast<uint64_t>(static_cast<uint32_t>(v.mult)) << 21) | (v.mult_lo & 0x1FFFFFu);
    y = mica_mul_real(x, m53, v.shift);
  } else if (v.round == 0) {
    int left = shift > 0 ? shift : 0;
    int right = shift > 0 ? 0 : -shift;
    int32_t xs = static_cast<int32_t>(static_cast<uint32_t>(x) << left);
    y = rdbpot(srdhm(xs, v.mult), right);
  } else {
    int t = 31 - shift;
    int64_t r = static_cast<int64_t>(x) * v.mult + (int64_t{1} << (t - 1));
    y = static_cast<int32_t>(r >> t);
  }
  int32_t z = wrap_add(y, v.z_out);
  if (z < v.act_min) z = v.act_min;
  if (z > v.act_max) z = v.act_max;
  return static_cast<int8_t>(z);
}

struct Pending {
  Vec vec;
  int8_t expected;
  uint64_t cycle_in;
};

class Bench {
 public:
  explicit Bench(uint64_t seed) : rng_(seed) {
    dut_ = std::make_unique<Dut>();
    dut_->clk_i = 0;
    dut_->rst_ni = 0;
    dut_->valid_i = 0;
    dut_->eval();
    dut_->rst_ni = 1;
    dut_->eval();
  }

  // One clock cycle; `v` == nullptr is a bubble (inputs get garbage to prove they are ignored).
  void cycle(const Vec* v) {
    while (v && spacing_left_ > 0) cycle(nullptr);
#ifdef REQUANT_LITE
    // The lite lane reads z_out / act_min / act_max at its output: they change only once the
    // pipeline is empty (as in the STORE unit, where they are fixed per instruction).
    if (v && !same_outs(*v, held_)) {
      while (!pending_.empty()) cycle(nullptr);
      held_ = *v;
    }
#endif
    if (v) {
      drive(*v);
      dut_->valid_i = 1;
      last_ = *v;
      hold_ = true;
      pending_.push_back({*v, reference(*v), cycle_});
      ++sent_;
      spacing_left_ = kSpacing;  // counted down at the end of this cycle too
    } else {
      Vec junk{static_cast<int32_t>(rng_()), static_cast<int32_t>(rng_()),
               static_cast<int32_t>(rng_()), static_cast<int>(rng_() % 256) - 128,
               static_cast<int>(rng_() & 1), static_cast<int>(rng_() % 256) - 128,
               static_cast<int>(rng_() % 256) - 128, static_cast<int>(rng_() % 256) - 128};
#ifdef REQUANT_LITE
      junk.z_out = held_.z_out;
      junk.act_min = held_.act_min;
      junk.act_max = held_.act_max;
#ifdef REQUANT_PIPE
      if (hold_) junk = last_;  // the lane still reads them (mica_store_lanes_mux holds a pass)
#endif
#endif
      hold_ = false;
      drive(junk);
      dut_->valid_i = 0;
    }
    dut_->eval();
    observe();
    dut_->clk_i = 1;
    dut_->eval();
    dut_->clk_i = 0;
    dut_->eval();
    ++cycle_;
    if (spacing_left_ > 0) --spacing_left_;
  }

  void drain() {
    for (int i = 0; i < kLatency + 2; ++i) cycle(nullptr);
  }

  std::mt19937_64& rng() { return rng_; }
  uint64_t sent() const { return sent_; }
  tb::Checker& checker() { return chk_; }
  bool all_received() const { return pending_.empty(); }

 private:
  void drive(const Vec& v) {
    dut_->acc_i = static_cast<uint32_t>(v.acc);
    dut_->bias_i = static_cast<uint32_t>(v.bias);
    dut_->mult_i = static_cast<uint32_t>(v.mult);
    dut_->shift_i = static_cast<uint8_t>(v.shift);
    dut_->round_i = v.round;
    dut_->mult_lo_i = v.mult_lo & 0x1FFFFFu;
    dut_->z_out_i = static_cast<uint8_t>(v.z_out);
    dut_->act_min_i = static_cast<uint8_t>(v.act_min);
    dut_->act_max_i = static_cast<uint8_t>(v.act_max);
  }

  void observe() {
    if (!dut_->valid_o) {
      chk_.expect(pending_.empty() || pending_.front().cycle_in + kLatency != cycle_,
                  "cycle %" PRIu64 ": missing output (latency != %d)", cycle_, kLatency);
      return;
    }
    if (!chk_.expect(!pending_.empty(), "cycle %" PRIu64 ": unexpected valid_o", cycle_)) return;
    const Pending& p = pending_.front();
    int8_t got = static_cast<int8_t>(dut_->q_o);
    chk_.expect(p.cycle_in + kLatency == cycle_, "output after %" PRIu64 " cycles, expected %d",
                cycle_ - p.cycle_in, kLatency);
    chk_.expect(got == p.expected,
                "acc=%d bias=%d mult=%d shift=%d round=%d z=%d min=%d max=%d: got %d expected %d",
                p.vec.acc, p.vec.bias, p.vec.mult, p.vec.shift, p.vec.round, p.vec.z_out,
                p.vec.act_min, p.vec.act_max, got, p.expected);
    pending_.pop_front();
  }

  static bool same_outs(const Vec& a, const Vec& b) {
    return a.z_out == b.z_out && a.act_min == b.act_min && a.act_max == b.act_max;
  }

  Vec held_{};  // lite: the output parameters of the items in flight
  Vec last_{};  // the last input, and whether the next cycle must still drive it (lite PIPE)
  bool hold_ = false;
  std::unique_ptr<Dut> dut_;
  std::mt19937_64 rng_;
  std::deque<Pending> pending_;
  tb::Checker chk_;
  uint64_t cycle_ = 0;
  uint64_t sent_ = 0;
  int spacing_left_ = 0;
};

// Cross product of extreme operands, every legal shift, both rounding modes.
void run_edge_grid(Bench& b) {
  const int32_t accs[] = {INT32_MIN, INT32_MIN + 1, -65536, -1, 0, 1, 65535, INT32_MAX};
  const int32_t biases[] = {0, -1, INT32_MIN, INT32_MAX};
  const int32_t mults[] = {0, 1, 1 << 30, (1 << 30) + 1, INT32_MAX, 1518500250};
  const int outs[][3] = {{0, -128, 127}, {-128, -128, 127}, {127, -128, 127}, {5, 0, 6},
                         {-128, 0, 127}};
  for (int32_t acc : accs)
    for (int32_t bias : biases)
      for (int32_t mult : mults)
        for (int shift = -31; shift <= 30; ++shift)
          for (int round = 0; round < kRounds; ++round) {
            const int* o = outs[(b.rng()() % 5)];
            Vec v{acc, bias, mult, shift, round, o[0], o[1], o[2]};
            b.cycle(&v);
          }
}

// Power-of-two multipliers on small values hit exact .5 ties in SRDHM, RDBPOT and the single
// rounding shift; z_out 0 and a full clamp range keep the raw result visible.
void run_ties(Bench& b) {
  for (int k = 24; k <= 30; ++k)
    for (int32_t x = -70; x <= 70; ++x)
      for (int shift = -8; shift <= 3; ++shift)
        for (int round = 0; round < kRounds; ++round) {
          Vec v{x, 0, int32_t{1} << k, shift, round, 0, -128, 127};
          b.cycle(&v);
        }
  // 3/4 multiplier: halves with odd accumulators after the doubling high multiply.
  for (int32_t x = -300; x <= 300; ++x)
    for (int shift = -6; shift <= 0; ++shift)
      for (int round = 0; round < kRounds; ++round) {
        Vec v{x, 7, 1610612736, shift, round, 3, -128, 127};
        b.cycle(&v);
      }
}

int32_t pick_i32(std::mt19937_64& rng) {
  switch (rng() % 6) {
    case 0: return static_cast<int32_t>(rng());                        // full range
    case 1: return static_cast<int32_t>(rng() % 200001) - 100000;      // typical accumulators
    case 2: return static_cast<int32_t>(rng() % 4001) - 2000;
    case 3: return (rng() & 1) ? INT32_MIN + static_cast<int32_t>(rng() % 4)
                               : INT32_MAX - static_cast<int32_t>(rng() % 4);
    default: return static_cast<int32_t>(rng() % 20000001) - 10000000;
  }
}

Vec random_vec(std::mt19937_64& rng) {
  Vec v{};
  v.acc = pick_i32(rng);
  v.bias = (rng() % 3 == 0) ? 0 : pick_i32(rng);
  switch (rng() % 8) {
    case 0: v.mult = static_cast<int32_t>(rng() & 0x7fffffff); break;
    case 1: v.mult = (rng() & 1) ? (1 << 30) : INT32_MAX; break;
    case 2: v.mult = static_cast<int32_t>(rng());  break;  // includes negative garbage
    default: v.mult = (1 << 30) + static_cast<int32_t>(rng() % (1u << 30)); break;  // normalized
  }
  if (rng() % 50 == 0) v.shift = static_cast<int>(rng() % 256) - 128;  // out of range: clamped
  else if (rng() % 2) v.shift = static_cast<int>(rng() % 62) - 31;
  else v.shift = -static_cast<int>(rng() % 12);  // typical right shifts
  v.round = (kRounds == 1) ? 0 : static_cast<int>(rng() % 3);
  if (v.round == 2) {  // a normalized 53-bit mantissa and a frexp exponent
    v.mult = static_cast<int32_t>(static_cast<uint32_t>(rng()) | 0x80000000u);
    v.mult_lo = static_cast<uint32_t>(rng()) & 0x1FFFFFu;
    v.shift = (rng() % 50 == 0) ? static_cast<int>(rng() % 256) - 128 : -static_cast<int>(rng() % 40) + 2;
    if (rng() % 8 == 0) {  // any 53-bit multiplier (zero, unnormalized) and any exponent
      v.mult = (rng() % 4 == 0) ? 0 : static_cast<int32_t>(rng() >> (rng() % 33));
      v.mult_lo = (rng() % 4 == 0) ? 0 : static_cast<uint32_t>(rng()) & 0x1FFFFFu;
      v.shift = static_cast<int>(rng() % 256) - 128;
    } else if (rng() % 4 == 0) {  // short mantissas on small sums: exact .5 ties of std::round
      static const uint32_t kShort[] = {0x80000000u, 0xC0000000u, 0xA0000000u, 0xE0000000u};
      v.mult = static_cast<int32_t>(kShort[rng() % 4]);
      v.mult_lo = 0;
      v.shift = static_cast<int>(rng() % 6) - 4;
      v.acc = static_cast<int32_t>(rng() % 601) - 300;
      v.bias = 0;
    }
  }
  v.z_out = static_cast<int>(rng() % 256) - 128;
  if (rng() % 4 == 0) {
    v.act_min = static_cast<int>(rng() % 256) - 128;  // any bounds, even min > max
    v.act_max = static_cast<int>(rng() % 256) - 128;
  } else {
    v.act_min = (rng() & 1) ? -128 : v.z_out;
    v.act_max = 127;
  }
  return v;
}

void run_random(Bench& b, uint64_t count) {
  for (uint64_t i = 0; i < count;) {
    if (b.rng()() % 8 == 0) {
      b.cycle(nullptr);
      continue;
    }
    Vec v = random_vec(b.rng());
#ifdef REQUANT_LITE
    // mostly the previous output parameters, so inputs still follow each other closely
    static Vec last{};
    if (i > 0 && b.rng()() % 4 != 0) {
      v.z_out = last.z_out;
      v.act_min = last.act_min;
      v.act_max = last.act_max;
    }
    last = v;
#endif
    b.cycle(&v);
    ++i;
  }
}

}  // namespace

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  uint64_t seed = 1;
  uint64_t count = 250000;
  for (int i = 1; i < argc; ++i) {
    if (std::sscanf(argv[i], "--seed=%" SCNu64, &seed) == 1) continue;
    if (std::sscanf(argv[i], "--count=%" SCNu64, &count) == 1) continue;
  }
  Bench b(seed);
  run_edge_grid(b);
  run_ties(b);
  run_random(b, count);
  b.drain();
  b.checker().expect(b.all_received(), "outputs missing at the end");
  std::printf("requant: %" PRIu64 " vectors, %" PRIu64 " checks, %" PRIu64 " errors (seed %" PRIu64
              ")\n", b.sent(), b.checker().checks, b.checker().errors, seed);
  return b.checker().errors == 0 ? 0 : 1;
}
