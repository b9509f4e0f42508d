#include "spinhop/energy_model.hpp"

#include <cmath>

namespace spinhop {

PaperEnergyModel paper_energy_model(const ModelParams& m, int n, double v_dw) {
  PaperEnergyModel pm;
  const double nm1 = static_cast<double>(n - 1);
  const double rs[2] = {m.r_p, m.r_ap};
  // soma MTJ into the axon bus, averaged over R_P and R_AP
  double p_bus = 0.0;
  for (double r : rs) p_bus += 0.5 * v_dw * v_dw / (r + m.r_m / nm1);
  // dendrite power: R over {R_P, R_AP}, c ~ Binomial(n-1, 1/2) synapses at +W, the rest at -W
  const double w2 = m.w * m.w;
  double dendrite = 0.0;
  const int nn = n - 1;
  for (double r : rs) {
    for (int c = 0; c <= nn; ++c) {
      const double log_p = std::lgamma(nn + 1.0) - std::lgamma(c + 1.0) - std::lgamma(nn - c + 1.0) -
                           nn * std::log(2.0);
      const double prob = std::exp(log_p);
      double pc;
      if (c == 0 || c == nn) {
        pc = w2 / (m.r_m + r / nm1);
      } else {
        const double a = r / c;
        const double b = r / (nn - c);
        const double s = a * b + b * m.r_m + a * m.r_m;
        pc = w2 * (a + b + 4.0 * m.r_m) / s;
      }
      dendrite += 0.5 * prob * pc;
    }
  }
  pm.p_charge = n * (m.v_c * m.v_c / m.r_m + p_bus);
  pm.p_operate = n * (dendrite + p_bus);
  const double k = m.k();
  const double soma_speed = k * m.v_c / m.r_m + std::fabs(m.leak_soma);
  const double axon_speed = k * v_dw / (nm1 * (m.r_p + m.r_m / nm1)) - std::fabs(m.leak_axon);
  pm.t_charge = 0.6 * m.length / soma_speed + m.length / axon_speed;
  return pm;
}

}  // namespace spinhop
