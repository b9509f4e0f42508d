// A thin layer over the HDF5 C API: handles that close themselves, every call checked, and
// HDF5's own error stack turned into one IoError line naming the file and the object.
#pragma once

#include <hdf5.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace spinhop::h5 {

// An HDF5 identifier closed with the right function when it goes out of scope.
class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      close_ = o.close_;
      o.id_ = -1;
    }
    return *this;
  }
  ~Handle() { reset(); }
  void reset() {
    if (id_ >= 0 && close_ != nullptr) close_(id_);
    id_ = -1;
  }
  // Forgets the id without closing it (after HDF5 failed mid-write, closing can crash).
  void release() { id_ = -1; }
  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

// Silences HDF5's automatic error printing (errors become exceptions instead).
void quiet_errors();

// Caps HDF5's metadata cache (default up to 32 MiB per file) on a file access property list.
void bound_metadata_cache(hid_t fapl, std::size_t max_bytes);

// The innermost messages of HDF5's current error stack, e.g. "unable to open file".
std::string error_stack();

// Throws IoError "what: <HDF5 stack>" when id < 0; returns id otherwise.
hid_t check(hid_t id, const std::string& what);
void check_status(herr_t status, const std::string& what);

Handle file_handle(hid_t id, const std::string& what);
Handle group_handle(hid_t id, const std::string& what);
Handle dataset_handle(hid_t id, const std::string& what);
Handle space_handle(hid_t id, const std::string& what);
Handle type_handle(hid_t id, const std::string& what);
Handle plist_handle(hid_t id, const std::string& what);
Handle attr_handle(hid_t id, const std::string& what);

// Attributes on any object. Strings are written fixed-length (UTF-8, NUL-padded): a
// variable-length string lives in HDF5's global heap, whose corruption libhdf5 1.10 does not
// detect (a damaged length there makes it copy gigabytes), so the readers take variable-length
// strings only while a LegacyStrings guard allows them (format-2 files wrote them).
class LegacyStrings {
 public:
  explicit LegacyStrings(bool allow);
  ~LegacyStrings();
  LegacyStrings(const LegacyStrings&) = delete;
  LegacyStrings& operator=(const LegacyStrings&) = delete;

 private:
  bool previous_;
};
void write_attr(hid_t obj, const char* name, const std::string& value);
void write_attr(hid_t obj, const char* name, std::int64_t value);
void write_attr(hid_t obj, const char* name, std::uint64_t value);
void write_attr(hid_t obj, const char* name, double value);
void write_attr(hid_t obj, const char* name, const std::vector<std::string>& values);
bool has_attr(hid_t obj, const char* name);
std::string read_string_attr(hid_t obj, const char* name);
std::int64_t read_int_attr(hid_t obj, const char* name);
std::uint64_t read_uint_attr(hid_t obj, const char* name);  // a u64 attribute (a seed) [whole range]
double read_double_attr(hid_t obj, const char* name);
std::vector<std::string> read_strings_attr(hid_t obj, const char* name);

// 1-D (width 1, unless two_d) or 2-D datasets, chunked and extendible along the first dimension.
Handle create_extendible(hid_t loc, const char* name, hid_t file_type, int width,
                         std::size_t chunk_rows, bool compress, bool two_d = false);
// A fixed-size 1-D (width 1, unless two_d) or 2-D dataset.
Handle create_fixed(hid_t loc, const char* name, hid_t file_type, std::size_t rows, int width,
                    bool two_d = false);
// Appends `rows` rows (each `width` elements of mem_type) at row `at` (extending as needed).
void write_rows(hid_t dset, hid_t mem_type, std::uint64_t at, std::uint64_t rows, int width,
                const void* data);
// Reads rows [at, at + rows) of a dataset.
void read_rows(hid_t dset, hid_t mem_type, std::uint64_t at, std::uint64_t rows, int width,
               void* data);
std::uint64_t rows_of(hid_t dset);

}  // namespace spinhop::h5
