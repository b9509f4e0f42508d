#include "io/toml_guard.hpp"

#include "spinhop/errors.hpp"

namespace spinhop::io {

void refuse_stray_non_ascii(const std::string& text, const char* what) {
  int line = 1;
  auto fail = [&](const char* where) {
    throw InputError(std::string(what) + " line " + std::to_string(line) + ": a non-ASCII character " + where);
  };
  const std::size_t n = text.size();
  auto at = [&](std::size_t k) { return k < n ? text[k] : '\0'; };
  auto high = [&](std::size_t k) { return k < n && static_cast<unsigned char>(text[k]) >= 0x80; };
  auto space = [&](std::size_t k) { return k < n && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r'); };
  auto bare_key = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  };
  enum class Pos { Key, Value, AfterKey, After };
  Pos pos = Pos::Key;
  std::string nest;  // 'A' array, 'T' inline table, 'H' table header
  // a string opening at k with quote q; returns the index of its last character
  auto skip_string = [&](std::size_t k, char q) {
    const bool multi = at(k + 1) == q && at(k + 2) == q;
    k += multi ? 3 : 1;
    for (; k < n; ++k) {
      const char c = text[k];
      if (c == '\n') {
        ++line;
        if (!multi) return k - 1;  // unterminated: toml++ stops here with an error
      } else if (c == '\\' && q == '"') {
        // after a backslash in a multi-line string toml++ tests the next character, the
        // whitespace after it and, past a line break, the first character of the next line
        if (multi && high(k + 1)) fail("right after a backslash in a multi-line string");
        if (multi && (space(k + 1) || at(k + 1) == '\n')) {
          std::size_t j = k + 1;
          while (space(j)) ++j;
          if (high(j)) fail("after a line-ending backslash");
          while (space(j) || (j < n && text[j] == '\n')) {
            if (text[j] == '\n') ++line;
            ++j;
          }
          if (high(j)) fail("right after a line-ending backslash");
          k = j - 1;
        } else {
          ++k;  // the escaped character
        }
      } else if (c == q && (!multi || (at(k + 1) == q && at(k + 2) == q))) {
        return multi ? k + 2 : k;
      }
    }
    return n;
  };
  for (std::size_t k = 0; k < n; ++k) {
    const char ch = text[k];
    if (space(k)) continue;
    if (high(k)) fail("outside a string or a comment");
    if (ch == '#') {  // a comment: anything to the end of the line
      while (k + 1 < n && text[k + 1] != '\n') ++k;
    } else if (ch == '\n') {
      ++line;
      if (nest.empty() || nest.back() != 'A') {  // arrays span lines; nothing else does
        nest.clear();
        pos = Pos::Key;
      }
    } else if ((ch == '"' || ch == '\'') && (pos == Pos::Key || pos == Pos::Value)) {
      const bool key = pos == Pos::Key;
      k = skip_string(k, ch);
      pos = key ? Pos::AfterKey : Pos::After;
    } else if (ch == '=' && pos == Pos::AfterKey) {
      pos = Pos::Value;
    } else if (ch == '.' && pos == Pos::AfterKey) {
      pos = Pos::Key;
    } else if (ch == '[' && pos == Pos::Key && nest.empty()) {  // a table header
      if (at(k + 1) == '[') ++k;
      nest.push_back('H');
    } else if (ch == ']' && !nest.empty() && nest.back() == 'H' && pos == Pos::AfterKey) {
      if (at(k + 1) == ']') ++k;
      nest.pop_back();
      pos = Pos::After;
    } else if (ch == '[' && pos == Pos::Value) {
      nest.push_back('A');
    } else if (ch == ']' && !nest.empty() && nest.back() == 'A' && (pos == Pos::After || pos == Pos::Value)) {
      nest.pop_back();
      pos = Pos::After;
    } else if (ch == '{' && pos == Pos::Value) {
      nest.push_back('T');
      pos = Pos::Key;
    } else if (ch == '}' && !nest.empty() && nest.back() == 'T' && (pos == Pos::After || pos == Pos::Key)) {
      nest.pop_back();
      pos = Pos::After;
    } else if (ch == ',' && pos == Pos::After && !nest.empty() && nest.back() != 'H') {
      pos = nest.back() == 'A' ? Pos::Value : Pos::Key;
    } else if (pos == Pos::Key && bare_key(ch)) {  // a bare key
      while (k + 1 < n && bare_key(text[k + 1])) ++k;
      if (high(k + 1)) fail("in a key");
      pos = Pos::AfterKey;
    } else {
      // an unquoted value (number, date, boolean) or a token where none belongs: toml++ reads
      // it to the next terminator, testing every character for whitespace
      while (k + 1 < n && !space(k + 1) && text[k + 1] != '\n' && text[k + 1] != ',' && text[k + 1] != ']' &&
             text[k + 1] != '}' && text[k + 1] != '#') {
        ++k;
        if (high(k)) fail("in an unquoted value");
      }
      pos = Pos::After;
    }
  }
}

}  // namespace spinhop::io
