// Deterministic randomness for the simulator and the benchmarks: SplitMix64 with hand-written
// draws instead of <random> distributions, which are implementation-defined (the same seed
// would give other events with another standard library). Streams: Rng(seed, stream) gives an
// independent sequence per stream, so e.g. an employee's events do not depend on how many
// other employees there are or on how they interleave.
#pragma once

#include <cmath>
#include <cstdint>

namespace kinerja {

// The SplitMix64 finaliser: a well-mixed 64-bit hash of z.
inline uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  Rng() = default;
  Rng(uint64_t seed, uint64_t stream)
      : state_(Mix64(seed + Mix64(stream + 0x632be59bd9b4e019ULL))) {}
  uint64_t Next() { return Mix64(state_ += 0x9e3779b97f4a7c15ULL); }
  uint64_t Below(uint64_t n) { return Next() % n; }                           // [0, n)
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  bool Chance(double p) { return Uniform() < p; }
  int Int(int lo, int hi) { return lo + static_cast<int>(Uniform() * (hi - lo + 1)); }  // [lo, hi]
  // Roughly standard normal (sum of four uniforms, rescaled): cheap and bounded at +-3.5.
  double Normal() {
    return (Uniform() + Uniform() + Uniform() + Uniform() - 2.0) * 1.7320508075688772;
  }
  // Poisson with a small mean (Knuth).
  int Poisson(double mean) {
    const double limit = std::exp(-mean);
    int k = 0;
    for (double p = Uniform(); p > limit; p *= Uniform()) ++k;
    return k;
  }

 private:
  uint64_t state_ = 0;
};

}  // namespace kinerja
