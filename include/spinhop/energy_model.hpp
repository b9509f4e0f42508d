// The paper authors' analytic energy estimate (model.md section 5), used to reproduce the paper's
// figures. It does not look at the waveforms: it prices a trial from its time to solution alone.
#pragma once

#include "spinhop/model.hpp"

namespace spinhop {

struct PaperEnergyModel {
  double t_charge = 0;  // t_con: the model's loading time [s]
  double p_charge = 0;  // power while loading [W]
  double p_operate = 0; // power while relaxing [W]

  // Energy of a trial that took t_solution [J].
  double energy(double t_solution) const {
    return t_charge * p_charge + (t_solution - t_charge) * p_operate;
  }
};

// The model for an n-neuron network with the given nominal parameters and V_DW.
PaperEnergyModel paper_energy_model(const ModelParams& m, int n, double v_dw);

}  // namespace spinhop
