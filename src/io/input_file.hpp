// Reading the files a user hands spinhop (graphs, images, tables of optima, configurations):
// regular files only, of a bounded size, read whole before they are parsed.
#pragma once

#include <cstdint>
#include <istream>
#include <string>

namespace spinhop::io {

// Size limits [bytes]: far above any real input (a dense 2048-node graph in rudy text is
// ~40 MB), far below what would exhaust a machine.
constexpr std::uint64_t kMaxGraphBytes = 1ull << 30;
constexpr std::uint64_t kMaxImageBytes = 64ull << 20;
constexpr std::uint64_t kMaxTableBytes = 64ull << 20;
constexpr std::uint64_t kMaxConfigBytes = 16ull << 20;

// The bytes of `path`. InputError when it is missing, not a regular file (a FIFO or a device
// would block or never end), larger than max_bytes, or unreadable; `what` names it ("graph").
std::string read_input_file(const std::string& path, std::uint64_t max_bytes, const char* what);

// At most max_bytes of a stream (a configuration CLI11 opened); InputError beyond.
std::string read_bounded(std::istream& in, std::uint64_t max_bytes, const char* what);

}  // namespace spinhop::io
