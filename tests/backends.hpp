// Behaviour tests that run on every backend (like Ginkgo's common tests): a test written once as
// TEST_P(Suite, Name) gets backend() and is instantiated for every backend of the executable.
// spinhop_tests runs the CPU reference and cpu-rows (the CUDA kernels' algorithm on the CPU);
// spinhop_gpu_tests compiles the same files for "cuda" (label gpu: skipped without a GPU, failed
// instead when SPINHOP_REQUIRE_GPU=1).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "spinhop/backend.hpp"

#ifndef SPINHOP_TEST_BACKENDS
#define SPINHOP_TEST_BACKENDS "cpu", "cpu-rows"
#endif

namespace spinhop::test {

inline std::vector<std::string> test_backends() { return {SPINHOP_TEST_BACKENDS}; }

inline bool gpu_required() {
  const char* v = std::getenv("SPINHOP_REQUIRE_GPU");
  return v != nullptr && std::strcmp(v, "1") == 0;
}

class OnBackend : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "cuda") {
      std::string why;
      if (!cuda_available(&why)) {
        if (gpu_required()) FAIL() << "SPINHOP_REQUIRE_GPU=1 but no GPU: " << why;
        GTEST_SKIP() << "no usable GPU (" << why << ")";
      }
    }
  }
  // The backend under test (threads: CPU worker threads, ignored on the GPU).
  Backend& backend(int threads = 2) {
    auto& b = made_[threads];
    if (!b) b = make_backend(BackendOptions{GetParam(), threads, 0, {}});
    return *b;
  }
  bool is_reference() const { return GetParam() == "cpu"; }

 private:
  std::map<int, std::unique_ptr<Backend>> made_;
};

inline std::string backend_test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = info.param;
  for (char& c : s) {
    if (c == '-') c = '_';
  }
  return s;
}

}  // namespace spinhop::test

#define SPINHOP_ON_EVERY_BACKEND(Suite)                                                        \
  INSTANTIATE_TEST_SUITE_P(On, Suite, ::testing::ValuesIn(spinhop::test::test_backends()),   \
                           spinhop::test::backend_test_name)
