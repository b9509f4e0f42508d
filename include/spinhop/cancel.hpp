// A request to stop a run now, not only between batches: set from a signal handler (SIGINT,
// SIGTERM) or another thread. The CPU integrators look at it every 64 steps and end their
// trials; the runner then drops the batch they were in (its trials are incomplete), so a run
// stops within a bounded time and keeps every committed batch. A GPU finishes the batch it is
// running (bounded by the step budget) before the runner sees the request.
#pragma once

#include <csignal>
#include <type_traits>

namespace spinhop {

static_assert(std::is_same<std::sig_atomic_t, int>::value, "the integrators read the flag as int");

volatile std::sig_atomic_t& cancel_request();
inline bool cancel_requested() { return cancel_request() != 0; }

}  // namespace spinhop
