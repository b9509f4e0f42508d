// Helpers the task sources share (src/tasks only).
#pragma once

#include <string>

namespace spinhop {

// ParameterError unless 2 <= n <= 4096; `what` names the option or input.
void check_neurons(int n, const std::string& what);

}  // namespace spinhop
