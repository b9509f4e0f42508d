// Netpbm bitmaps (PBM): the letter images the recall task stores and distorts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace spinhop {

struct Image {
  std::string name;  // the file's stem: "u" for data/images/u.pbm
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  // row-major, width * height entries, 1 = black
};

// Reads a P1 (ASCII) or P4 (binary) bitmap. Throws InputError naming the path, the problem and,
// where the file is text, the line.
Image read_pbm(const std::string& path);

// Writes a P1 bitmap (readable by eye, for example outputs). Throws IoError if it cannot write,
// ParameterError if the image's size and pixel count disagree.
void write_pbm(const std::string& path, const Image& img);

}  // namespace spinhop
