// A guard in front of toml++ for every TOML file spinhop reads (run configurations, variation
// files).
#pragma once

#include <string>

namespace spinhop::io {

// toml++ 3.3 (Debian 12) reaches __builtin_unreachable on some non-ASCII characters where it
// tests for whitespace (marzer/tomlplusplus #190, #295): undefined behaviour on a malformed
// file. It tests every character of keys and of unquoted values (numbers, dates, booleans) and
// of the whitespace between tokens, and, inside multi-line strings, what follows a backslash.
// TOML allows non-ASCII only inside strings and comments, so this scan follows TOML's token
// structure (keys, values, arrays, inline tables, table headers) far enough to know where
// strings are, and refuses any other non-ASCII character before toml++ sees the file. Where
// the structure is already wrong, it refuses rather than guesses: no valid file is refused.
// InputError ("<what> line N: ...") on a non-ASCII character outside a string or comment.
void refuse_stray_non_ascii(const std::string& text, const char* what);

}  // namespace spinhop::io
