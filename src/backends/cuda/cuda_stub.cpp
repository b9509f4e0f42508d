// Built when spinhop is configured without CUDA: the CUDA factory exists and says why it cannot
// run, so callers need no #ifdefs.
#include "spinhop/backend.hpp"
#include "spinhop/errors.hpp"

namespace spinhop {

bool cuda_available(std::string* why_not) {
  if (why_not != nullptr) *why_not = "spinhop was built without CUDA";
  return false;
}

int cuda_device_count() { return 0; }

std::unique_ptr<Backend> make_cuda_backend(int) {
  throw BackendError(
      "the CUDA backend is not available: spinhop was built without CUDA (reconfigure with "
      "-DSPINHOP_ENABLE_CUDA=ON on a machine with the CUDA toolkit)");
}

}  // namespace spinhop
