// One spinhop command line run in this process (the executable and the Python module).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace spinhop::cli {

enum class Message { Error, Internal, Interrupted };
using MessageSink = std::function<void(Message, const std::string&)>;

// Runs `spinhop ARGS...` (args without the program's name) and returns its exit status: 0, 2
// for any user error (bad option, value, file or configuration; a full disk), 3 for an internal
// error, 130 when interrupted. Messages go to `sink` (default: stderr, one `spinhop: error:`
// line each); the report of a run goes to stdout. MPI, when built, is started by the caller.
int run_command(const std::vector<std::string>& args, const MessageSink& sink = {});

// The printed form of a message (the executable's sink).
void print_message(Message kind, const std::string& text);

// A command line as a POSIX shell reads it back ("spinhop recall -o 'it'\''s.h5'").
std::string join_args(const std::vector<std::string>& args);
// A message on one line (library messages, HDF5's among them, may carry newlines).
std::string one_line(const std::string& what);

}  // namespace spinhop::cli
