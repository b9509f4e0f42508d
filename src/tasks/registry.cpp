// The task kinds: one line each. Adding a task kind: its source file in src/tasks/ (the Task and
// its TaskKindInfo), its line here, its configuration fields (include/spinhop/experiment.hpp) and
// its options (src/run/options.cpp).
#include "spinhop/errors.hpp"
#include "spinhop/tasks.hpp"

namespace spinhop {

const TaskKindInfo& recall_task_kind();
const TaskKindInfo& images_task_kind();
const TaskKindInfo& maxcut_task_kind();
const TaskKindInfo& ising_task_kind();

const std::vector<TaskKindInfo>& task_kinds() {
  static const std::vector<TaskKindInfo> kinds = {
      recall_task_kind(),
      images_task_kind(),
      maxcut_task_kind(),
      ising_task_kind(),
  };
  return kinds;
}

const TaskKindInfo& task_kind(const std::string& name) {
  std::string known;
  for (const TaskKindInfo& k : task_kinds()) {
    if (name == k.name) return k;
    known += std::string(known.empty() ? "" : ", ") + k.name;
  }
  throw ParameterError("invalid task '" + name + "': must be one of " + known);
}

}  // namespace spinhop
