#include "io/h5.hpp"

#include <algorithm>
#include <cstring>

#include "spinhop/errors.hpp"

namespace spinhop::h5 {

namespace {

// HDF5 closes every id still open when the process exits. After a failed write (full disk) the
// writer forgets its ids on purpose, and that exit-time close then crashes inside libhdf5 (a
// SIGSEGV after the error was reported). Without it, such a file is left as a killed run leaves
// it, which the readers and --resume handle; every other file is closed explicitly. Runs before
// main, ahead of any HDF5 call.
const bool kNoExitTimeClose = [] {
  H5dont_atexit();
  return true;
}();

}  // namespace

void quiet_errors() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  // HDF5 keeps freed blocks on free lists that otherwise grow with every batch written: cap them
  // so a long run's memory stays flat
  static const bool limited = [] {
    H5set_free_list_limits(1 << 20, 1 << 18, 1 << 20, 1 << 18, 2 << 20, 1 << 19);
    return true;
  }();
  (void)limited;
}

void bound_metadata_cache(hid_t fapl, std::size_t max_bytes) {
  H5AC_cache_config_t cfg;
  cfg.version = H5AC__CURR_CACHE_CONFIG_VERSION;
  check_status(H5Pget_mdc_config(fapl, &cfg), "metadata cache settings");
  cfg.max_size = max_bytes;
  cfg.min_size = std::min<std::size_t>(cfg.min_size, max_bytes / 4);
  cfg.initial_size = std::min<std::size_t>(cfg.initial_size, max_bytes);
  cfg.set_initial_size = 1;
  check_status(H5Pset_mdc_config(fapl, &cfg), "metadata cache settings");
}

namespace {

herr_t collect(unsigned n, const H5E_error2_t* e, void* data) {
  auto* out = static_cast<std::string*>(data);
  // the outermost entries (n = 0) say what the API call was doing; keep two levels
  if (n < 2 && e->desc != nullptr && *e->desc) {
    if (!out->empty()) *out += "; ";
    *out += e->desc;
  }
  return 0;
}

// The path of an object in its file ("/trials/cut"), for messages.
std::string name_of(hid_t obj) {
  char buf[256] = "";
  if (H5Iget_name(obj, buf, sizeof buf) < 0) return "a dataset";
  return buf;
}

Handle typed(hid_t id, herr_t (*close)(hid_t), const std::string& what) {
  return Handle(check(id, what), close);
}

}  // namespace

std::string error_stack() {
  std::string s;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect, &s);
  H5Eclear2(H5E_DEFAULT);
  return s.empty() ? "HDF5 error" : s;
}

hid_t check(hid_t id, const std::string& what) {
  if (id < 0) throw IoError(what + ": " + error_stack());
  return id;
}

void check_status(herr_t status, const std::string& what) {
  if (status < 0) throw IoError(what + ": " + error_stack());
}

Handle file_handle(hid_t id, const std::string& what) { return typed(id, H5Fclose, what); }
Handle group_handle(hid_t id, const std::string& what) { return typed(id, H5Gclose, what); }
Handle dataset_handle(hid_t id, const std::string& what) { return typed(id, H5Dclose, what); }
Handle space_handle(hid_t id, const std::string& what) { return typed(id, H5Sclose, what); }
Handle type_handle(hid_t id, const std::string& what) { return typed(id, H5Tclose, what); }
Handle plist_handle(hid_t id, const std::string& what) { return typed(id, H5Pclose, what); }
Handle attr_handle(hid_t id, const std::string& what) { return typed(id, H5Aclose, what); }

namespace {

Handle string_type() {
  Handle t = type_handle(H5Tcopy(H5T_C_S1), "string type");
  check_status(H5Tset_size(t, H5T_VARIABLE), "string type");
  check_status(H5Tset_cset(t, H5T_CSET_UTF8), "string type");
  return t;
}

void write_scalar(hid_t obj, const char* name, hid_t file_type, hid_t mem_type, const void* v) {
  Handle space = space_handle(H5Screate(H5S_SCALAR), name);
  Handle a = attr_handle(H5Acreate2(obj, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT),
                         std::string("attribute ") + name);
  check_status(H5Awrite(a, mem_type, v), std::string("attribute ") + name);
}

}  // namespace

thread_local bool g_legacy_strings = false;

LegacyStrings::LegacyStrings(bool allow) : previous_(g_legacy_strings) { g_legacy_strings = allow; }
LegacyStrings::~LegacyStrings() { g_legacy_strings = previous_; }

namespace {

// A fixed-length UTF-8 string type of `size` bytes (at least 1), NUL-padded.
Handle fixed_string_type(std::size_t size) {
  Handle t = type_handle(H5Tcopy(H5T_C_S1), "string type");
  check_status(H5Tset_size(t, std::max<std::size_t>(size, 1)), "string type");
  check_status(H5Tset_strpad(t, H5T_STR_NULLPAD), "string type");
  check_status(H5Tset_cset(t, H5T_CSET_UTF8), "string type");
  return t;
}

// The most bytes one string attribute may claim (a configuration is a few kB): a crafted size
// must not size an allocation.
constexpr std::size_t kMaxStringAttrBytes = 16u << 20;

}  // namespace

void write_attr(hid_t obj, const char* name, const std::string& value) {
  Handle t = fixed_string_type(value.size());
  std::vector<char> buf(std::max<std::size_t>(value.size(), 1), '\0');
  std::copy(value.begin(), value.end(), buf.begin());
  write_scalar(obj, name, t, t, buf.data());
}

void write_attr(hid_t obj, const char* name, std::int64_t value) {
  write_scalar(obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

void write_attr(hid_t obj, const char* name, std::uint64_t value) {
  write_scalar(obj, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}

void write_attr(hid_t obj, const char* name, double value) {
  write_scalar(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

void write_attr(hid_t obj, const char* name, const std::vector<std::string>& values) {
  std::size_t width = 1;
  for (const auto& v : values) width = std::max(width, v.size());
  Handle t = fixed_string_type(width);
  const hsize_t n = values.size();
  Handle space = space_handle(H5Screate_simple(1, &n, nullptr), name);
  Handle a = attr_handle(H5Acreate2(obj, name, t, space, H5P_DEFAULT, H5P_DEFAULT),
                         std::string("attribute ") + name);
  std::vector<char> buf(values.size() * width, '\0');
  for (std::size_t k = 0; k < values.size(); ++k) std::copy(values[k].begin(), values[k].end(), buf.begin() + k * width);
  if (n > 0) check_status(H5Awrite(a, t, buf.data()), std::string("attribute ") + name);
}

bool has_attr(hid_t obj, const char* name) { return H5Aexists(obj, name) > 0; }

namespace {

// Opens an attribute that a reader expects to hold one value of `cls` (or, scalar = false, a
// 1-D array of it), and refuses anything else before a byte is read: a crafted file's array or
// wrongly typed attribute would otherwise overflow the one-value buffer.
Handle checked_attr(hid_t obj, const char* name, H5T_class_t cls, bool scalar) {
  const std::string what = std::string("attribute ") + name;
  Handle a = attr_handle(H5Aopen(obj, name, H5P_DEFAULT), what);
  Handle space = space_handle(H5Aget_space(a), what);
  const int rank = H5Sget_simple_extent_ndims(space);
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  const H5S_class_t sc = H5Sget_simple_extent_type(space);
  if (scalar ? !((sc == H5S_SCALAR || (sc == H5S_SIMPLE && rank == 1)) && n == 1)
             : !(sc == H5S_SIMPLE && rank == 1 && n >= 0) && !(sc == H5S_NULL)) {
    throw InputError(what + " has the wrong shape (" + std::to_string(n) + " values in " +
                     std::to_string(rank) + " dimension(s); expected " + (scalar ? "one value" : "a list") + ")");
  }
  Handle t = type_handle(H5Aget_type(a), what);
  const H5T_class_t got = H5Tget_class(t);
  const bool numeric_ok = (cls == H5T_INTEGER || cls == H5T_FLOAT) && (got == H5T_INTEGER || got == H5T_FLOAT);
  if (got != cls && !numeric_ok) {
    throw InputError(what + " has the wrong type (expected " +
                     (cls == H5T_STRING ? "a string" : "a number") + ")");
  }
  return a;
}

}  // namespace

namespace {

// The strings of a checked string attribute of `count` values: fixed-length ones read into a
// buffer sized by the type (bounded), variable-length ones only where LegacyStrings allows.
std::vector<std::string> read_strings(hid_t a, const char* name, std::size_t count) {
  const std::string what = std::string("attribute ") + name;
  Handle ftype = type_handle(H5Aget_type(a), what);
  std::vector<std::string> out;
  if (H5Tis_variable_str(ftype) > 0) {
    if (!g_legacy_strings) {
      throw InputError(what + " is a variable-length string (this format stores fixed-length strings)");
    }
    std::vector<char*> p(count, nullptr);
    Handle t = string_type();
    if (count > 0) check_status(H5Aread(a, t, p.data()), what);
    for (char* c : p) {
      out.emplace_back(c ? c : "");
      H5free_memory(c);
    }
    return out;
  }
  const std::size_t width = H5Tget_size(ftype);
  if (width == 0 || width > kMaxStringAttrBytes || count > kMaxStringAttrBytes / width) {
    throw InputError(what + " claims " + std::to_string(count) + " strings of " + std::to_string(width) + " bytes");
  }
  // read as stored (any character set, any padding: h5py writes ASCII), no conversion
  Handle t = type_handle(H5Tcopy(ftype), what);
  const bool spaces = H5Tget_strpad(ftype) == H5T_STR_SPACEPAD;
  std::vector<char> buf(count * width, '\0');
  if (count > 0) check_status(H5Aread(a, t, buf.data()), what);
  for (std::size_t k = 0; k < count; ++k) {
    const char* p = buf.data() + k * width;
    std::string v(p, static_cast<std::size_t>(std::find(p, p + width, '\0') - p));
    if (spaces) v.erase(v.find_last_not_of(' ') + 1);
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace

std::string read_string_attr(hid_t obj, const char* name) {
  Handle a = checked_attr(obj, name, H5T_STRING, true);
  return read_strings(a, name, 1).front();
}

std::int64_t read_int_attr(hid_t obj, const char* name) {
  Handle a = checked_attr(obj, name, H5T_INTEGER, true);
  std::int64_t v = 0;
  check_status(H5Aread(a, H5T_NATIVE_INT64, &v), std::string("attribute ") + name);
  return v;
}

std::uint64_t read_uint_attr(hid_t obj, const char* name) {
  Handle a = checked_attr(obj, name, H5T_INTEGER, true);
  std::uint64_t v = 0;
  check_status(H5Aread(a, H5T_NATIVE_UINT64, &v), std::string("attribute ") + name);
  return v;
}

double read_double_attr(hid_t obj, const char* name) {
  Handle a = checked_attr(obj, name, H5T_FLOAT, true);
  double v = 0;
  check_status(H5Aread(a, H5T_NATIVE_DOUBLE, &v), std::string("attribute ") + name);
  return v;
}

std::vector<std::string> read_strings_attr(hid_t obj, const char* name) {
  Handle a = checked_attr(obj, name, H5T_STRING, false);
  Handle space = space_handle(H5Aget_space(a), name);
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  return read_strings(a, name, static_cast<std::size_t>(n > 0 ? n : 0));
}

Handle create_extendible(hid_t loc, const char* name, hid_t file_type, int width,
                         std::size_t chunk_rows, bool compress, bool two_d) {
  const int rank = (width > 1 || two_d) ? 2 : 1;
  const hsize_t dims[2] = {0, static_cast<hsize_t>(width)};
  const hsize_t maxdims[2] = {H5S_UNLIMITED, static_cast<hsize_t>(width)};
  const hsize_t chunk[2] = {static_cast<hsize_t>(chunk_rows), static_cast<hsize_t>(width)};
  Handle space = space_handle(H5Screate_simple(rank, dims, maxdims), name);
  Handle dcpl = plist_handle(H5Pcreate(H5P_DATASET_CREATE), name);
  check_status(H5Pset_chunk(dcpl, rank, chunk), name);
  if (compress) {
    check_status(H5Pset_shuffle(dcpl), name);
    check_status(H5Pset_deflate(dcpl, 1), name);
  }
  // an append-only dataset needs only its last chunk cached (else each append re-reads and
  // re-inflates it): room for one chunk keeps a writer's memory flat whatever the run's length
  // (HDF5's default is 1 MiB per dataset)
  const std::size_t chunk_bytes = static_cast<std::size_t>(chunk_rows) * width * H5Tget_size(file_type);
  Handle dapl = plist_handle(H5Pcreate(H5P_DATASET_ACCESS), name);
  check_status(H5Pset_chunk_cache(dapl, 521, std::max<std::size_t>(256 * 1024, chunk_bytes + 4096), 1.0),
               name);
  return dataset_handle(H5Dcreate2(loc, name, file_type, space, H5P_DEFAULT, dcpl, dapl),
                        std::string("creating dataset ") + name);
}

Handle create_fixed(hid_t loc, const char* name, hid_t file_type, std::size_t rows, int width,
                    bool two_d) {
  const int rank = (width > 1 || two_d) ? 2 : 1;
  const hsize_t dims[2] = {static_cast<hsize_t>(rows), static_cast<hsize_t>(width)};
  Handle space = space_handle(H5Screate_simple(rank, dims, nullptr), name);
  return dataset_handle(
      H5Dcreate2(loc, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      std::string("creating dataset ") + name);
}

std::uint64_t rows_of(hid_t dset) {
  Handle space = space_handle(H5Dget_space(dset), "dataset space");
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0 || rank > 2) throw InputError("a dataset of rank " + std::to_string(rank) + " where 1 or 2 is expected");
  hsize_t dims[2] = {0, 0};
  check_status(H5Sget_simple_extent_dims(space, dims, nullptr), "dataset size");
  return dims[0];
}

void write_rows(hid_t dset, hid_t mem_type, std::uint64_t at, std::uint64_t rows, int width,
                const void* data) {
  if (rows == 0) return;
  Handle space0 = space_handle(H5Dget_space(dset), "dataset space");
  const int rank = H5Sget_simple_extent_ndims(space0);
  hsize_t dims[2] = {0, 0};
  check_status(H5Sget_simple_extent_dims(space0, dims, nullptr), "dataset size");
  if (at + rows > dims[0]) {
    const hsize_t grown[2] = {at + rows, static_cast<hsize_t>(width)};
    check_status(H5Dset_extent(dset, grown), "extending a dataset");
  }
  Handle space = space_handle(H5Dget_space(dset), "dataset space");
  const hsize_t start[2] = {at, 0};
  const hsize_t count[2] = {rows, static_cast<hsize_t>(width)};
  check_status(H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr),
               "selecting rows");
  Handle mem = space_handle(H5Screate_simple(rank, count, nullptr), "memory space");
  check_status(H5Dwrite(dset, mem_type, mem, space, H5P_DEFAULT, data), "writing rows");
}

void read_rows(hid_t dset, hid_t mem_type, std::uint64_t at, std::uint64_t rows, int width,
               void* data) {
  if (rows == 0) return;
  Handle space = space_handle(H5Dget_space(dset), "dataset space");
  const int rank = H5Sget_simple_extent_ndims(space);
  // the shape checked against what the reader expects before anything is read into its buffer
  hsize_t dims[2] = {0, 0};
  if (rank < 1 || rank > 2 || H5Sget_simple_extent_dims(space, dims, nullptr) != rank ||
      (rank == 1 && width != 1) || (rank == 2 && dims[1] != static_cast<hsize_t>(width)) ||
      at > dims[0] || rows > dims[0] - at) {
    H5Eclear2(H5E_DEFAULT);
    throw InputError(name_of(dset) + " has the wrong shape (rank " + std::to_string(rank) + ", " +
                     std::to_string(dims[0]) + " x " + std::to_string(rank == 2 ? dims[1] : 1) +
                     "; expected rows " + std::to_string(at) + ".." + std::to_string(at + rows) +
                     " of width " + std::to_string(width) + ")");
  }
  Handle dtype = type_handle(H5Dget_type(dset), "dataset type");
  const H5T_class_t cls = H5Tget_class(dtype);
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) {
    throw InputError(name_of(dset) + " holds neither integers nor reals");
  }
  const hsize_t start[2] = {at, 0};
  const hsize_t count[2] = {rows, static_cast<hsize_t>(width)};
  check_status(H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr),
               "selecting rows");
  Handle mem = space_handle(H5Screate_simple(rank, count, nullptr), "memory space");
  check_status(H5Dread(dset, mem_type, mem, space, H5P_DEFAULT, data), "reading rows");
}

}  // namespace spinhop::h5
