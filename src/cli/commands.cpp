#include "commands.hpp"

namespace spinhop::cli {

void register_commands(CLI::App& app) { register_recall(app); }

}  // namespace spinhop::cli
