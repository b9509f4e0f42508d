#include "io/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "spinhop/errors.hpp"

namespace spinhop::io {

namespace {

std::string mib(std::uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

}  // namespace

std::string read_input_file(const std::string& path, std::uint64_t max_bytes, const char* what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw InputError(path + ": cannot open the " + what + " (" + std::strerror(errno) + ")");
  }
  if (S_ISDIR(st.st_mode)) throw InputError(path + ": is a directory, not a " + what + " file");
  if (!S_ISREG(st.st_mode)) {
    throw InputError(path + ": not a regular file (a pipe or a device): give the " + what + " as a file");
  }
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    throw InputError(path + ": " + std::to_string(st.st_size) + " bytes, more than the " + mib(max_bytes) +
                     " a " + what + " file may have");
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw InputError(path + ": cannot open the " + what + " (" + std::strerror(errno) + ")");
  std::string bytes;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw InputError(path + ": read failed (" + std::strerror(err) + ")");
    }
    if (n == 0) break;
    if (bytes.size() + static_cast<std::size_t>(n) > max_bytes) {  // grew after the stat
      ::close(fd);
      throw InputError(path + ": more than the " + mib(max_bytes) + " a " + what + " file may have");
    }
    bytes.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return bytes;
}

std::string read_bounded(std::istream& in, std::uint64_t max_bytes, const char* what) {
  std::string bytes;
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    const std::streamsize n = in.gcount();
    if (n <= 0) break;
    if (bytes.size() + static_cast<std::size_t>(n) > max_bytes) {
      throw InputError(std::string("the ") + what + " is larger than " + mib(max_bytes) + " (not a " + what +
                       " file?)");
    }
    bytes.append(buf, static_cast<std::size_t>(n));
  }
  return bytes;
}

}  // namespace spinhop::io
