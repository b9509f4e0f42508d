// Variation files (docs/variation.md): the structure of a process-variation model that the
// command line's per-parameter sigmas cannot say - die-to-die shares per parameter, lognormal
// laws, a correlation matrix, defects, depinning per device and per cycle, a fixed set of dies,
// an importance-sampling proposal. TOML, read with toml++.
#pragma once

#include <string>

#include "spinhop/physics/variation.hpp"

namespace spinhop {

// The parameters' names in DeviceParamId order (file keys, column suffixes).
constexpr const char* kVarParamNames[kVarParams] = {"r_p", "r_ap", "r_m", "area", "length", "mtj_width",
                                                    "mtj_position", "leak", "depinning", "w", "v_dw", "v_c"};

// Reads `path` into `s`: a sigma, defect fraction or die count the file gives replaces a zero
// one in `s` (the command line and a sweep win over the file); the structure (fractions, laws,
// correlation, importance) is the file's. InputError on a malformed file, ParameterError on an
// impossible value (a correlation matrix that is not positive definite, a fraction outside [0, 1]).
void read_variation_file(const std::string& path, VariationSigmas& s);

// Lower Cholesky factor of the 9 x 9 device correlation `c` (row-major) into `l`; false if `c`
// is not positive definite.
bool cholesky(const double* c, double* l, int n);

}  // namespace spinhop
