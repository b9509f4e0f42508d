// What keeps a results file safe from its writers: one writer per file (a lock file), temporary
// files beside the target that only a finished step renames over it, and the temporaries of
// killed runs cleaned up by the next one.
#pragma once

#include <string>
#include <vector>

namespace spinhop::io {

// An exclusive lock on `<target>.lock` (flock), held by one writer of `target` for as long as it
// lives; the file holds the writer's process id, so a refused writer can name the holder.
class WriterLock {
 public:
  explicit WriterLock(const std::string& target);  // IoError if another process holds it
  ~WriterLock();
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  int fd_ = -1;
  std::string path_;
};

// The temporary a writer builds `path` under: `<path>.tmp-<pid>`.
std::string temp_path_for(const std::string& path);

// Removes the temporaries `<path>.tmp-<pid>` left by processes that no longer run (a kill -9
// during creation or a resume copy); one note per file removed. Call with the lock held.
std::vector<std::string> remove_orphan_temporaries(const std::string& path);

// Refuses a path that exists and is not a regular file (a device, a FIFO, a directory, a
// symbolic link): spinhop replaces results files only.
void require_regular_or_absent(const std::string& path);

}  // namespace spinhop::io
