#include "spinhop/pbm.hpp"
#include "io/input_file.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "spinhop/errors.hpp"

namespace spinhop {
namespace {

// A bound on what a bitmap may hold: the letters are 10x10, and a header typo ("1000 1000000")
// should fail here rather than allocate gigabytes.
constexpr std::int64_t kMaxPixels = 1000000;

// Netpbm's whitespace (isspace in the C locale).
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// Shows a byte as itself if printable, else as \xNN, so that binary junk stays readable.
std::string shown(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

std::string read_file_bytes(const std::string& path) {
  return io::read_input_file(path, io::kMaxImageBytes, "PBM image");
}

// Walks the file's bytes and counts lines, so that every error can say where it is.
class Scanner {
 public:
  Scanner(const std::string& path, const std::string& bytes) : path_(path), bytes_(bytes) {}

  [[noreturn]] void fail(const std::string& problem) const {
    throw InputError(path_ + ":" + std::to_string(line_) + ": " + problem);
  }
  // For the binary raster, where a line number means nothing.
  [[noreturn]] void fail_binary(const std::string& problem) const {
    throw InputError(path_ + ": " + problem);
  }

  bool at_end() const { return pos_ >= bytes_.size(); }
  char peek() const { return bytes_[pos_]; }
  char get() {
    const char c = bytes_[pos_++];
    if (c == '\n') ++line_;
    return c;
  }
  std::size_t pos() const { return pos_; }
  void set_pos(std::size_t p) { pos_ = p; }

  // A '#' comment runs to the end of its line; the newline itself is left for the caller.
  void skip_comment() {
    while (!at_end() && peek() != '\n') get();
  }
  void skip_space_and_comments() {
    while (!at_end()) {
      if (is_space(peek())) {
        get();
      } else if (peek() == '#') {
        skip_comment();
      } else {
        break;
      }
    }
  }
  // The run of bytes up to the next whitespace, comment or end of file.
  std::string token() {
    std::string t;
    while (!at_end() && !is_space(peek()) && peek() != '#') t += get();
    return t;
  }

 private:
  const std::string& path_;
  const std::string& bytes_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

// Checks the magic number; returns true for P4 (binary), false for P1 (ASCII).
bool read_magic(Scanner& s) {
  if (s.at_end()) s.fail("empty file, not a PBM bitmap");
  const std::string magic = s.token();
  if (magic == "P1") return false;
  if (magic == "P4") return true;
  if (magic == "P2" || magic == "P3" || magic == "P5" || magic == "P6") {
    s.fail("magic number '" + magic + "' is a Netpbm graymap/pixmap, not a bitmap (expected P1 or P4)");
  }
  s.fail("not a PBM bitmap: magic number '" + shown(magic.substr(0, 8)) + "' (expected P1 or P4)");
}

int read_dimension(Scanner& s, const std::string& what) {
  s.skip_space_and_comments();
  if (s.at_end()) s.fail("missing " + what);
  const std::string t = s.token();
  const std::size_t first_digit = t[0] == '-' ? 1 : 0;  // a sign only to say "not positive"
  const bool digits = t.size() > first_digit &&
                      t.find_first_not_of("0123456789", first_digit) == std::string::npos;
  if (!digits) s.fail("non-numeric " + what + " '" + shown(t) + "'");
  if (t[0] == '-') s.fail(what + " must be positive, got " + t);
  const std::string mag = t.substr(first_digit);
  // More than 7 digits is beyond kMaxPixels whatever the value; also keeps stoll from overflowing.
  const std::size_t nz = mag.find_first_not_of('0');
  if (nz == std::string::npos) s.fail(what + " must be positive, got " + t);
  if (mag.size() - nz > 7 || std::stoll(mag) > kMaxPixels) {
    s.fail(what + " " + t + " is absurd (at most " + std::to_string(kMaxPixels) + " pixels)");
  }
  return static_cast<int>(std::stoll(mag));
}

void read_ascii_raster(Scanner& s, Image& img) {
  const std::size_t total = img.pixels.size();
  for (std::size_t k = 0; k < total; ++k) {
    s.skip_space_and_comments();
    if (s.at_end()) {
      s.fail("truncated raster: " + std::to_string(k) + " of " + std::to_string(total) +
             " pixels present");
    }
    const char c = s.peek();
    if (c != '0' && c != '1') {
      s.fail("pixel value '" + shown(std::string(1, c)) + "' at row " +
             std::to_string(k / img.width + 1) + ", column " + std::to_string(k % img.width + 1) +
             " is not 0 or 1");
    }
    img.pixels[k] = static_cast<std::uint8_t>(s.get() - '0');
  }
  s.skip_space_and_comments();
  if (!s.at_end()) s.fail("trailing garbage after the raster: '" + shown(s.token().substr(0, 16)) + "'");
}

void read_binary_raster(Scanner& s, const std::string& bytes, Image& img) {
  // Exactly one whitespace byte separates the height from the raster. Like libnetpbm, allow a
  // comment there too: it ends with its newline.
  if (!s.at_end()) {
    if (s.peek() == '#') s.skip_comment();
    if (!s.at_end()) s.get();
  }
  const std::size_t row_bytes = (static_cast<std::size_t>(img.width) + 7) / 8;  // rows pad to bytes
  const std::size_t need = row_bytes * static_cast<std::size_t>(img.height);
  const std::size_t start = s.pos();
  const std::size_t have = bytes.size() - start;
  if (have < need) {
    s.fail_binary("truncated raster: " + std::to_string(have) + " of " + std::to_string(need) +
                  " bytes present");
  }
  for (int y = 0; y < img.height; ++y) {
    const auto* row = reinterpret_cast<const unsigned char*>(bytes.data() + start + y * row_bytes);
    std::uint8_t* out = img.pixels.data() + static_cast<std::size_t>(y) * img.width;
    for (int x = 0; x < img.width; ++x) out[x] = (row[x / 8] >> (7 - x % 8)) & 1u;  // MSB first
  }
  for (std::size_t p = start + need; p < bytes.size(); ++p) {
    if (!is_space(bytes[p])) {
      s.fail_binary("trailing garbage after the raster: " + std::to_string(bytes.size() - start - need) +
                    " extra bytes");
    }
  }
}

}  // namespace

Image read_pbm(const std::string& path) {
  const std::string bytes = read_file_bytes(path);
  Scanner s(path, bytes);
  const bool binary = read_magic(s);
  Image img;
  img.name = std::filesystem::path(path).stem().string();
  img.width = read_dimension(s, "width");
  img.height = read_dimension(s, "height");
  const std::int64_t total = static_cast<std::int64_t>(img.width) * img.height;
  if (total > kMaxPixels) {
    s.fail("image size " + std::to_string(img.width) + "x" + std::to_string(img.height) +
           " is absurd (at most " + std::to_string(kMaxPixels) + " pixels)");
  }
  img.pixels.assign(static_cast<std::size_t>(total), 0);
  if (binary) {
    read_binary_raster(s, bytes, img);
  } else {
    read_ascii_raster(s, img);
  }
  return img;
}

void write_pbm(const std::string& path, const Image& img) {
  if (img.width < 1 || img.height < 1 ||
      img.pixels.size() != static_cast<std::size_t>(img.width) * img.height) {
    throw ParameterError("cannot write image '" + img.name + "' to " + path + ": " +
                         std::to_string(img.width) + "x" + std::to_string(img.height) + " with " +
                         std::to_string(img.pixels.size()) + " pixels");
  }
  std::ofstream out(path, std::ios::binary);
  if (!out) throw IoError(path + ": cannot open for writing (" + std::strerror(errno) + ")");
  std::string name = img.name;
  for (char& c : name) {
    if (static_cast<unsigned char>(c) < 0x20) c = '?';  // a newline would end the comment
  }
  out << "P1\n# " << name << ", " << img.width << "x" << img.height << ", 1 = black\n"
      << img.width << " " << img.height << "\n";
  // Netpbm asks for lines of at most 70 characters: 35 pixels with their separators.
  for (int y = 0; y < img.height; ++y) {
    for (int x = 0; x < img.width; ++x) {
      const bool black = img.pixels[static_cast<std::size_t>(y) * img.width + x] != 0;
      out << (black ? '1' : '0') << (x + 1 == img.width || (x + 1) % 35 == 0 ? '\n' : ' ');
    }
  }
  out.close();
  if (!out) throw IoError(path + ": write failed");
}

}  // namespace spinhop
