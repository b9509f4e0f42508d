// CUDA runtime errors as typed exceptions with the file and line of the failing call.
#pragma once

#include <cuda_runtime.h>

#include <string>

#include "spinhop/errors.hpp"

namespace spinhop::cuda {

[[noreturn]] inline void throw_cuda_error(cudaError_t e, const char* call, const char* file,
                                          int line) {
  throw BackendError(std::string("CUDA error ") + cudaGetErrorName(e) + " (" +
                     cudaGetErrorString(e) + ") in " + call + " at " + file + ":" +
                     std::to_string(line));
}

}  // namespace spinhop::cuda

#define SPINHOP_CUDA_CHECK(call)                                                       \
  do {                                                                                 \
    const cudaError_t spinhop_err_ = (call);                                           \
    if (spinhop_err_ != cudaSuccess) {                                                 \
      ::spinhop::cuda::throw_cuda_error(spinhop_err_, #call, __FILE__, __LINE__);      \
    }                                                                                  \
  } while (0)
