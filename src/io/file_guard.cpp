#include "io/file_guard.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "spinhop/errors.hpp"

namespace fs = std::filesystem;

namespace spinhop::io {

WriterLock::WriterLock(const std::string& target) : path_(target + ".lock") {
  // a lock file unlinked by its previous holder between our open and our flock is a stale
  // inode: lock again until the file locked is the one at the path
  for (int attempt = 0; attempt < 8; ++attempt) {
    const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      throw IoError("cannot create the lock file '" + path_ + "': " + std::strerror(errno));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      char buf[32] = "";
      const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
      ::close(fd);
      if (err != EWOULDBLOCK) {
        throw IoError("cannot lock '" + path_ + "': " + std::strerror(err));
      }
      std::string holder = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
      throw IoError("'" + target + "' is being written by another spinhop (process " +
                    (holder.empty() ? std::string("unknown") : holder) + ", lock file '" + path_ +
                    "'): wait for it to finish, or write to another file");
    }
    struct stat held {}, now {};
    if (::fstat(fd, &held) == 0 && ::stat(path_.c_str(), &now) == 0 && held.st_ino == now.st_ino &&
        held.st_dev == now.st_dev) {
      const std::string pid = std::to_string(static_cast<long long>(getpid())) + "\n";
      if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
        // the lock holds without the pid; only the message of a refused writer is poorer
      }
      fd_ = fd;
      return;
    }
    ::close(fd);
  }
  throw IoError("cannot lock '" + path_ + "': it keeps being replaced");
}

WriterLock::~WriterLock() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());  // while still held: the next writer locks a fresh file
  ::close(fd_);
}

std::string temp_path_for(const std::string& path) {
  return path + ".tmp-" + std::to_string(static_cast<long long>(getpid()));
}

std::vector<std::string> remove_orphan_temporaries(const std::string& path) {
  std::vector<std::string> notes;
  const fs::path target(path);
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const std::string prefix = target.filename().string() + ".tmp-";
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string digits = name.substr(prefix.size());
    if (digits.empty() || digits.size() > 12 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    const long long pid = std::stoll(digits);
    const bool alive = pid == static_cast<long long>(getpid()) ||
                       (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
    if (alive || !it->is_regular_file(ec)) continue;
    std::error_code rm;
    if (fs::remove(it->path(), rm)) {
      notes.push_back("removed '" + it->path().string() + "', left by an earlier run (process " +
                      digits + ") that was killed while writing it");
    }
  }
  return notes;
}

void require_regular_or_absent(const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(path, ec);
  if (!fs::exists(st)) return;
  if (fs::is_regular_file(st)) return;
  if (fs::is_symlink(st)) {  // renaming over it would replace the link, not the file it names
    throw IoError("'" + path + "' is a symbolic link; give the path of the file it points to");
  }
  throw IoError("'" + path + "' is not a regular file; spinhop writes and replaces only results files");
}

}  // namespace spinhop::io
