// spinhop._core: one spinhop command line run inside the Python process (docs/python.md).
// The Python side (python/spinhop/run.py) turns keyword arguments into that command line, so
// the option names, their checks and the trials are those of the executable, bit for bit.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <csignal>
#include <string>
#include <utility>
#include <vector>

#include "cli/entry.hpp"
#include "cli/progress.hpp"
#include "spinhop/cancel.hpp"
#include "spinhop/version.hpp"

namespace py = pybind11;

namespace {

// Runs the command with the GIL released. Its SIGINT/SIGTERM handlers (installed by the run,
// they stop the integrators inside a batch) replace Python's while it runs; Python's are put
// back afterwards, and an interrupted run is reported as status 130 with its message.
py::tuple run(const std::vector<std::string>& args, py::object progress) {
  struct sigaction old_int {}, old_term {}, old_xfsz {};
  sigaction(SIGINT, nullptr, &old_int);
  sigaction(SIGTERM, nullptr, &old_term);
  sigaction(SIGXFSZ, nullptr, &old_xfsz);
  std::signal(SIGXFSZ, SIG_IGN);  // a file that cannot grow is a write error, not a killed process
  std::vector<std::pair<int, std::string>> messages;
  if (!progress.is_none()) {
    spinhop::cli::set_progress_sink([progress](const std::string& line, double fraction) {
      py::gil_scoped_acquire gil;
      try {
        progress(line, fraction);
      } catch (py::error_already_set&) {
        // a failing progress display must not stop the run
      }
    });
  }
  int status = 0;
  {
    py::gil_scoped_release nogil;
    status = spinhop::cli::run_command(args, [&](spinhop::cli::Message kind, const std::string& text) {
      messages.emplace_back(static_cast<int>(kind), text);
    });
  }
  spinhop::cli::set_progress_sink({});
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  sigaction(SIGXFSZ, &old_xfsz, nullptr);
  py::list out;
  for (const auto& [kind, text] : messages) {
    const char* name = kind == static_cast<int>(spinhop::cli::Message::Error)      ? "error"
                       : kind == static_cast<int>(spinhop::cli::Message::Internal) ? "internal"
                                                                                    : "interrupted";
    out.append(py::make_tuple(name, spinhop::cli::one_line(text)));
  }
  return py::make_tuple(status, out);
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "spinhop's command line, run in this process (use spinhop.run)";
  m.def("run", &run, py::arg("args"), py::arg("progress") = py::none(),
        "Runs `spinhop ARGS...` here; returns (exit status, [(kind, message), ...]). progress: "
        "None, or a callable(line, fraction) called every few seconds with the GIL held.");
  m.def("request_stop", [] { spinhop::cancel_request() = 1; },
        "Asks a running command to stop at once (as SIGINT does); the committed rows stay.");
  m.attr("version") = SPINHOP_VERSION;
  m.attr("git_sha") = SPINHOP_GIT_SHA;
}
