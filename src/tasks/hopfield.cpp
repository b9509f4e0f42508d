#include "spinhop/hopfield.hpp"

#include <numeric>
#include <string>

#include "spinhop/errors.hpp"

namespace spinhop {

HopfieldResult run_hopfield(int n, const std::vector<double>& w,
                            const std::vector<std::uint8_t>& input, HopfieldStates states,
                            const TrialKey& key, int max_sweeps,
                            const std::vector<double>& fields) {
  HopfieldResult r;
  r.state = input;
  const double off = states == HopfieldStates::PlusMinus ? -1.0 : 0.0;
  std::vector<double> s(n);
  for (int j = 0; j < n; ++j) s[j] = input[j] ? 1.0 : off;
  std::vector<int> order(n);
  for (int sweep = 0; sweep < max_sweeps; ++sweep) {
    // Fisher-Yates shuffle from the trial's own stream: one uniform per position
    std::iota(order.begin(), order.end(), 0);
    for (int k = n - 1; k > 0; --k) {
      const Philox4 b = draw_block(key, Stream::HopfieldOrder, static_cast<std::uint32_t>(sweep),
                                   static_cast<std::uint32_t>(k));
      const int pick = static_cast<int>(uniform_open(b.v[0], b.v[1]) * (k + 1));
      std::swap(order[k], order[pick < k ? pick : k]);
    }
    bool changed = false;
    for (int j : order) {
      double h = fields.empty() ? 0.0 : fields[static_cast<std::size_t>(j)];  // summed in a fixed order
      for (int i = 0; i < n; ++i) {
        if (i != j) h += w[static_cast<std::size_t>(i) * n + j] * s[i];
      }
      const double next = h > 0.0 ? 1.0 : (h < 0.0 ? off : s[j]);
      if (next != s[j]) {
        s[j] = next;
        changed = true;
      }
    }
    r.sweeps = sweep + 1;
    if (!changed) {
      r.converged = true;
      break;
    }
  }
  for (int j = 0; j < n; ++j) r.state[j] = s[j] > 0.0 ? 1 : 0;
  return r;
}

const char* to_string(HopfieldStates s) { return s == HopfieldStates::PlusMinus ? "pm1" : "01"; }

HopfieldStates parse_hopfield_states(const std::string& s) {
  if (s == "pm1") return HopfieldStates::PlusMinus;
  if (s == "01") return HopfieldStates::ZeroOne;
  throw ParameterError("invalid --hopfield-states '" + s + "': must be pm1 or 01");
}

}  // namespace spinhop
