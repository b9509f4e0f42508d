// Counter-based random numbers: Philox4x32-10 (Salmon et al., SC'11), the generator behind
// cuRAND's curand_Philox4x32_10 and Random123's philox4x32.
//
// Every random number in spinhop is a pure function of
//   key     = the run's 64-bit seed,
//   counter = (trial index [48 bits], purpose [16 bits], index a, index b),
// so trial k draws the same numbers on any backend, batch size, thread count, shard or restart.
// The purposes form one registry (Stream below); a and b are documented per purpose.
#pragma once

#include "spinhop/physics/detmath.hpp"
#include "spinhop/physics/hd.hpp"

namespace spinhop {

struct Philox4 {
  std::uint32_t v[4];
};

namespace philox_detail {
SPINHOP_HD void mulhilo(std::uint32_t a, std::uint32_t b, std::uint32_t* hi, std::uint32_t* lo) {
  const std::uint64_t p = static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b);
  *hi = static_cast<std::uint32_t>(p >> 32);
  *lo = static_cast<std::uint32_t>(p);
}
}  // namespace philox_detail

// One Philox4x32-10 block: 4 counter words, 2 key words -> 4 random words.
SPINHOP_HD Philox4 philox4x32_10(Philox4 ctr, std::uint32_t k0, std::uint32_t k1) {
  constexpr std::uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
  constexpr std::uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
  std::uint32_t c0 = ctr.v[0], c1 = ctr.v[1], c2 = ctr.v[2], c3 = ctr.v[3];
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += W0;
      k1 += W1;
    }
    std::uint32_t hi0, lo0, hi1, lo1;
    philox_detail::mulhilo(M0, c0, &hi0, &lo0);
    philox_detail::mulhilo(M1, c2, &hi1, &lo1);
    const std::uint32_t n0 = hi1 ^ c1 ^ k0;
    const std::uint32_t n2 = hi0 ^ c3 ^ k1;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
  }
  return Philox4{{c0, c1, c2, c3}};
}

// The registry of purposes. Never renumber: a number is part of every stored result's identity.
enum class Stream : std::uint32_t {
  Pattern = 1,          // stored recall patterns: a = pattern, b = 128-neuron block
  Input = 2,            // recall input bits: a = 0, b = 128-neuron block
  DeviceVariation = 3,  // per-device parameters: a = device index, b = parameter*64 + redraw
  SourceVariation = 4,  // per-source voltage errors: a = source index, b = kind*64 + redraw
  ThermalNoise = 5,     // Langevin kicks: a = device index, b = step
  ImageChoice = 6,      // which image a trial distorts: a = 0, b = 0
  Distortion = 7,       // rank keys of the flipped pixels: a = pixel / 4, b = 0
  RandomGraph = 8,      // G(n, p) edges: a = pair block, b = 0 (trial field = graph id)
  HopfieldOrder = 9,    // update order of the ideal Hopfield baseline: a = sweep, b = 0
  Defect = 10,          // which devices are broken: a = device index, b = 0 (trial field = die)
  DepinCycle = 11,      // cycle-to-cycle depinning current: a = device index, b = redraw
};

// The identity of one trial's random streams.
struct TrialKey {
  std::uint64_t seed;
  std::uint64_t trial;  // global trial index, < 2^48
};

SPINHOP_HD Philox4 draw_block(const TrialKey& key, Stream purpose, std::uint32_t a,
                              std::uint32_t b) {
  Philox4 ctr{{static_cast<std::uint32_t>(key.trial),
               static_cast<std::uint32_t>((key.trial >> 32) & 0xffffu) |
                   (static_cast<std::uint32_t>(purpose) << 16),
               a, b}};
  return philox4x32_10(ctr, static_cast<std::uint32_t>(key.seed),
                       static_cast<std::uint32_t>(key.seed >> 32));
}

// Uniform double in (0, 1) from 53 random bits (never 0, never 1).
SPINHOP_HD double uniform_open(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t m = (static_cast<std::uint64_t>(hi) << 21) ^ (lo >> 11);  // 53 bits
  return (static_cast<double>(m) + 0.5) * (1.0 / 9007199254740992.0);
}

// Two independent standard normals from one Philox block (Box-Muller with deterministic log/cos).
SPINHOP_HD void normal_pair(const Philox4& r, double* z0, double* z1) {
  const double u1 = uniform_open(r.v[0], r.v[1]);
  const double u2 = uniform_open(r.v[2], r.v[3]);
  const double rad = hd::sqrt_(-2.0 * detmath::log(u1));
  double s, c;
  detmath::sincos_2pi(u2, &s, &c);
  *z0 = rad * c;
  *z1 = rad * s;
}

// One standard normal for (purpose, a, b): the first of the pair.
SPINHOP_HD double normal(const TrialKey& key, Stream purpose, std::uint32_t a, std::uint32_t b) {
  double z0, z1;
  normal_pair(draw_block(key, purpose, a, b), &z0, &z1);
  return z0;
}

// Bit i of a 128-bit-per-block random bit string (pattern and input bits).
SPINHOP_HD bool random_bit(const TrialKey& key, Stream purpose, std::uint32_t a, int i) {
  const Philox4 r = draw_block(key, purpose, a, static_cast<std::uint32_t>(i >> 7));
  return ((r.v[(i >> 5) & 3] >> (i & 31)) & 1u) != 0;
}

}  // namespace spinhop
