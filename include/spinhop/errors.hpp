// Typed errors. Library code throws; main() turns each into one clear line and a non-zero exit.
#pragma once

#include <stdexcept>
#include <string>

namespace spinhop {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// A parameter outside its allowed range; the message names the parameter and the range.
struct ParameterError : Error {
  using Error::Error;
};
// A malformed input file (graph, image, config); the message names the file and the line.
struct InputError : Error {
  using Error::Error;
};
// Reading or writing results failed (HDF5, disk full, foreign file).
struct IoError : Error {
  using Error::Error;
};
// A backend cannot run here (no GPU, not compiled with CUDA) or failed while running.
struct BackendError : Error {
  using Error::Error;
};
// The run was interrupted (Ctrl-C); results written so far are kept.
struct Interrupted : Error {
  using Error::Error;
};

}  // namespace spinhop
