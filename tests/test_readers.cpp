// Input readers (PBM images, rudy graphs, the max-cut tables) and the exact max-cut reference.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <set>

#include "spinhop/errors.hpp"
#include "spinhop/graph.hpp"
#include "spinhop/pbm.hpp"
#include "spinhop/tasks.hpp"
#include "spinhop/physics/rng.hpp"

using namespace spinhop;
namespace fs = std::filesystem;

namespace {

const std::string kData = std::string(SPINHOP_SOURCE_DIR) + "/data";

// A file holding the given bytes, alone in its own temp folder (so its name is exactly `name`),
// removed when the test ends.
class TempFile {
 public:
  explicit TempFile(const std::string& bytes, const std::string& name = "input") {
    static int counter = 0;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("spinhop_" + std::string(info->name()) + "_" +
                                        std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(dir_);
    path_ = (dir_ / name).string();
    std::ofstream(path_, std::ios::binary) << bytes;
  }
  ~TempFile() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  fs::path dir_;
  std::string path_;
};

// The message of the E that f throws ("" and a test failure if it throws nothing).
template <class E>
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an exception";
  return "";
}

#define EXPECT_MENTIONS(msg, text) \
  EXPECT_NE((msg).find(text), std::string::npos) << "message: " << (msg) << "\nexpected: " << (text)

std::string pbm_error(const std::string& bytes) {
  const TempFile f(bytes);
  const std::string msg = error_of<InputError>([&] { read_pbm(f.path()); });
  EXPECT_MENTIONS(msg, f.path());
  return msg;
}

std::string rudy_error(const std::string& bytes) {
  const TempFile f(bytes);
  const std::string msg = error_of<InputError>([&] { read_rudy(f.path()); });
  EXPECT_MENTIONS(msg, f.path());
  return msg;
}

int black(const Image& img) {
  int count = 0;
  for (auto p : img.pixels) count += p;
  return count;
}

// The reference: every one of the 2^n partitions, cut recomputed from scratch.
double brute_force_maxcut(const Graph& g) {
  double best = 0;
  std::vector<std::uint8_t> side(g.n);
  for (std::uint64_t mask = 0; mask < (std::uint64_t{1} << g.n); ++mask) {
    for (int k = 0; k < g.n; ++k) side[k] = (mask >> k) & 1;
    best = std::max(best, cut_value(g, side));
  }
  return best;
}

Graph complete_graph(int n) {
  Graph g;
  g.n = n;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) g.edges.push_back(Edge{i, j, 1.0});
  return g;
}

std::string instance_path(int k) { return kData + "/maxcut/g05_60." + std::to_string(k); }

}  // namespace

// ---- PBM ----

TEST(Pbm, LettersAreTenByTen) {
  const std::pair<const char*, int> letters[] = {{"d", 50}, {"t", 42}, {"u", 50}};
  for (const auto& [name, count] : letters) {
    const Image img = read_pbm(kData + "/images/" + name + ".pbm");
    EXPECT_EQ(img.name, name);
    EXPECT_EQ(img.width, 10);
    EXPECT_EQ(img.height, 10);
    ASSERT_EQ(img.pixels.size(), 100u);
    EXPECT_EQ(black(img), count) << name;
  }
  const Image t = read_pbm(kData + "/images/t.pbm");
  EXPECT_EQ(t.pixels[0 * 10 + 4], 1);  // top bar
  EXPECT_EQ(t.pixels[5 * 10 + 0], 0);  // left of the stem
  EXPECT_EQ(t.pixels[5 * 10 + 4], 1);  // the stem
}

TEST(Pbm, WriteReadRoundTrip) {
  for (const char* name : {"d", "t", "u"}) {
    const Image img = read_pbm(kData + "/images/" + name + ".pbm");
    const TempFile out("", std::string(name) + ".pbm");
    write_pbm(out.path(), img);
    const Image back = read_pbm(out.path());
    EXPECT_EQ(back.width, img.width);
    EXPECT_EQ(back.height, img.height);
    EXPECT_EQ(back.pixels, img.pixels);
  }
}

TEST(Pbm, WideImageRoundTrip) {
  Image img;
  img.name = "wide";
  img.width = 83;  // wraps lines at 35 pixels and does not fill whole bytes
  img.height = 4;
  for (int k = 0; k < img.width * img.height; ++k) img.pixels.push_back((k * 7 + k / 5) % 3 == 0);
  const TempFile out("");
  write_pbm(out.path(), img);
  std::ifstream in(out.path());
  for (std::string line; std::getline(in, line);) EXPECT_LE(line.size(), 70u);
  EXPECT_EQ(read_pbm(out.path()).pixels, img.pixels);
}

TEST(Pbm, BinaryEqualsAsciiTwin) {
  // 11 x 3: each row pads to 2 bytes; padding bits are set to show they are ignored.
  const std::string ascii =
      "P1\n# twin\n11 3\n"
      "1 0 1 1 0 0 0 1 1 1 0\n"
      "0 0 0 0 0 0 0 0 0 0 1\n"
      "1 1 1 1 1 1 1 1 1 1 1\n";
  const std::string raster = {'\xb1', '\xdf', '\x00', '\x3f', '\xff', '\xff'};
  const TempFile p1(ascii, "twin.pbm");
  const TempFile p4("P4 # binary twin\n11\n# comment between width and height\n3\n" + raster,
                    "twin.pbm");
  const Image a = read_pbm(p1.path()), b = read_pbm(p4.path());
  EXPECT_EQ(b.width, 11);
  EXPECT_EQ(b.height, 3);
  EXPECT_EQ(a.pixels, b.pixels);
  EXPECT_EQ(black(a), 6 + 1 + 11);
  EXPECT_EQ(b.name, "twin");
}

TEST(Pbm, AsciiVariants) {
  // Digits run together, comments inside the raster, no final newline.
  const TempFile f("P1 3 2 101# first row\n\n010");
  const Image img = read_pbm(f.path());
  EXPECT_EQ(img.pixels, (std::vector<std::uint8_t>{1, 0, 1, 0, 1, 0}));
}

TEST(Pbm, RejectsWrongMagic) {
  EXPECT_MENTIONS(pbm_error(""), "empty file");
  for (const char* magic : {"P2", "P3", "P5", "P6"}) {
    const std::string msg = pbm_error(std::string(magic) + "\n2 2\n255\n");
    EXPECT_MENTIONS(msg, "graymap/pixmap, not a bitmap");
    EXPECT_MENTIONS(msg, magic);
  }
  EXPECT_MENTIONS(pbm_error("GIF89a"), "not a PBM");
  EXPECT_MENTIONS(pbm_error("P7\n"), "not a PBM");
  EXPECT_MENTIONS(pbm_error(" P1\n1 1\n1\n"), "not a PBM");
}

TEST(Pbm, RejectsBadSize) {
  EXPECT_MENTIONS(pbm_error("P1\n"), "missing width");
  EXPECT_MENTIONS(pbm_error("P1\n# only a comment\n10"), "missing height");
  EXPECT_MENTIONS(pbm_error("P1\nten 10\n"), "non-numeric width 'ten'");
  EXPECT_MENTIONS(pbm_error("P4\n10 1O\n"), "non-numeric height '1O'");
  EXPECT_MENTIONS(pbm_error("P1\n0 10\n"), "width must be positive");
  EXPECT_MENTIONS(pbm_error("P1\n10 -3\n"), "height must be positive");
  EXPECT_MENTIONS(pbm_error("P1\n1001 1000\n"), "absurd");
  EXPECT_MENTIONS(pbm_error("P1\n99999999999999999999 1\n"), "absurd");
  EXPECT_MENTIONS(pbm_error("P1\n\n# header\n1 ten"), ":4:");  // the line of the bad token
}

TEST(Pbm, RejectsBadRaster) {
  std::string msg = pbm_error("P1\n2 2\n1 0\n1\n");
  EXPECT_MENTIONS(msg, "truncated raster: 3 of 4 pixels");
  msg = pbm_error("P4\n9 2\n\xff\x80\xff");
  EXPECT_MENTIONS(msg, "truncated raster: 3 of 4 bytes");
  msg = pbm_error("P4\n8 1");
  EXPECT_MENTIONS(msg, "truncated raster: 0 of 1 bytes");
  msg = pbm_error("P1\n2 2\n1 0\n1 2\n");
  EXPECT_MENTIONS(msg, "pixel value '2' at row 2, column 2 is not 0 or 1");
  EXPECT_MENTIONS(msg, ":4:");
  EXPECT_MENTIONS(pbm_error("P1\n2 1\n1 -1\n"), "pixel value '-'");
  msg = pbm_error("P1\n2 1\n1 0\n\nend\n");
  EXPECT_MENTIONS(msg, "trailing garbage after the raster: 'end'");
  EXPECT_MENTIONS(msg, ":5:");
  EXPECT_MENTIONS(pbm_error("P1\n2 1\n1 01\n"), "trailing garbage");
  EXPECT_MENTIONS(pbm_error("P4\n8 1\n\xffX"), "trailing garbage after the raster: 1 extra bytes");
  // Trailing whitespace and comments are fine.
  const TempFile ok("P1\n2 1\n1 0\n# done\n\n"), ok4("P4\n8 1\n\x0f\n");
  EXPECT_EQ(read_pbm(ok.path()).pixels, (std::vector<std::uint8_t>{1, 0}));
  EXPECT_EQ(black(read_pbm(ok4.path())), 4);
}

TEST(Pbm, RejectsUnreadableFile) {
  const std::string missing = (fs::temp_directory_path() / "spinhop_no_such_file.pbm").string();
  EXPECT_MENTIONS(error_of<InputError>([&] { read_pbm(missing); }), missing);
  EXPECT_MENTIONS(error_of<InputError>([&] { read_pbm(missing); }), "cannot open");
  const std::string dir = fs::temp_directory_path().string();
  EXPECT_MENTIONS(error_of<InputError>([&] { read_pbm(dir); }), "directory");
}

TEST(Pbm, WriteRejectsInconsistentImage) {
  Image img;
  img.width = 3;
  img.height = 2;
  img.pixels.assign(5, 0);
  EXPECT_THROW(write_pbm((fs::temp_directory_path() / "spinhop_never.pbm").string(), img), ParameterError);
  img.pixels.assign(6, 0);
  EXPECT_THROW(write_pbm("/nonexistent_dir/x.pbm", img), IoError);
}

// ---- rudy graphs ----

TEST(Rudy, ReadsTheTenInstances) {
  for (int k = 0; k < 10; ++k) {
    const Graph g = read_rudy(instance_path(k));
    EXPECT_EQ(g.name, "g05_60." + std::to_string(k));
    EXPECT_EQ(g.n, 60);
    EXPECT_EQ(g.edges.size(), 885u);
    EXPECT_DOUBLE_EQ(g.total_weight(), 885.0);
    for (const Edge& e : g.edges) {
      EXPECT_TRUE(0 <= e.i && e.i < e.j && e.j < 60);
      EXPECT_EQ(e.w, 1.0);
    }
  }
  const Graph g = read_rudy(instance_path(0));
  EXPECT_EQ(g.edges[0].i, 0);  // first line "1 2 1"
  EXPECT_EQ(g.edges[0].j, 1);
}

TEST(Rudy, AcceptsLooseWhitespaceAndRealWeights) {
  const TempFile f("4 3  \r\n2 1 -1.5\n  3\t4 0\n\n4 1 +2e1 \n\n");
  const Graph g = read_rudy(f.path());
  EXPECT_EQ(g.n, 4);
  ASSERT_EQ(g.edges.size(), 3u);
  EXPECT_EQ(g.edges[0].i, 0);  // stored i < j whatever the file's order
  EXPECT_EQ(g.edges[0].j, 1);
  EXPECT_EQ(g.edges[0].w, -1.5);
  EXPECT_EQ(g.edges[1].w, 0.0);
  EXPECT_EQ(g.edges[2].w, 20.0);
  const TempFile isolated("5 0\n");  // n comes from the header even with no edges
  EXPECT_EQ(read_rudy(isolated.path()).n, 5);
}

TEST(Rudy, RejectsBadHeader) {
  EXPECT_MENTIONS(rudy_error(""), "missing header");
  EXPECT_MENTIONS(rudy_error("\n  \n"), "missing header");
  EXPECT_MENTIONS(rudy_error("5\n"), "header must be 'n m'");
  EXPECT_MENTIONS(rudy_error("5 1 1\n1 2 1\n"), "header must be 'n m'");
  EXPECT_MENTIONS(rudy_error("five 1\n"), "non-numeric node count 'five'");
  EXPECT_MENTIONS(rudy_error("5 1x\n1 2 1\n"), "non-numeric edge count '1x'");
  EXPECT_MENTIONS(rudy_error("-5 1\n"), "node count -5");
  EXPECT_MENTIONS(rudy_error("0 0\n"), "node count 0");
  EXPECT_MENTIONS(rudy_error("5 -1\n"), "edge count -1");
  EXPECT_MENTIONS(rudy_error("3 4\n"), "exceeds n(n-1)/2 = 3");
  EXPECT_MENTIONS(rudy_error("\n5\n"), ":2:");
}

TEST(Rudy, RejectsWrongEdgeCount) {
  std::string msg = rudy_error("4 3\n1 2 1\n2 3 1\n");
  EXPECT_MENTIONS(msg, "file ends after 2 of the 3 edges");
  msg = rudy_error("4 1\n1 2 1\n\n3 4 1\n");
  EXPECT_MENTIONS(msg, "extra edge line");
  EXPECT_MENTIONS(msg, ":4:");
}

TEST(Rudy, RejectsBadEdges) {
  std::string msg = rudy_error("4 2\n1 2 1\n1 5 1\n");
  EXPECT_MENTIONS(msg, "node id 5 out of range 1..4");
  EXPECT_MENTIONS(msg, ":3:");
  EXPECT_MENTIONS(rudy_error("4 1\n0 2 1\n"), "node id 0 out of range");
  EXPECT_MENTIONS(rudy_error("4 1\n3 3 1\n"), "self-loop on node 3");
  msg = rudy_error("4 3\n1 2 1\n2 4 1\n4 2 1\n");
  EXPECT_MENTIONS(msg, "duplicate edge 4-2 (first on line 3)");
  EXPECT_MENTIONS(msg, ":4:");
  EXPECT_MENTIONS(rudy_error("4 2\n1 2 1\n1 2 1\n"), "duplicate edge");
  EXPECT_MENTIONS(rudy_error("4 1\n1x 2 1\n"), "non-numeric node id '1x'");
  EXPECT_MENTIONS(rudy_error("4 1\n1 b 1\n"), "non-numeric node id 'b'");
  EXPECT_MENTIONS(rudy_error("4 1\n1 2 1x\n"), "non-numeric weight '1x'");
  EXPECT_MENTIONS(rudy_error("4 1\n1 2 nan\n"), "non-numeric weight 'nan'");
  EXPECT_MENTIONS(rudy_error("4 1\n1 2\n"), "missing weight");
  EXPECT_MENTIONS(rudy_error("4 1\n1\n"), "expected an edge");
  EXPECT_MENTIONS(rudy_error("4 1\n1 2 1 7\n"), "trailing token '7'");
  const std::string missing = (fs::temp_directory_path() / "spinhop_no_such_graph").string();
  EXPECT_MENTIONS(error_of<InputError>([&] { read_rudy(missing); }), "cannot open");
}

// ---- max cut ----

TEST(MaxCut, CutValue) {
  Graph g;
  g.n = 3;
  g.edges = {{0, 1, 2.0}, {1, 2, 3.0}, {0, 2, -1.0}};
  EXPECT_EQ(cut_value(g, {0, 0, 0}), 0.0);
  EXPECT_EQ(cut_value(g, {0, 1, 0}), 5.0);
  EXPECT_EQ(cut_value(g, {1, 0, 0}), 1.0);
  EXPECT_THROW(cut_value(g, {0, 1}), ParameterError);
  g.edges.push_back({2, 3, 1.0});
  EXPECT_THROW(cut_value(g, {0, 1, 0}), ParameterError);
}

TEST(MaxCut, ExactEqualsBruteForce) {
  std::mt19937_64 gen(12345);
  std::uniform_int_distribution<int> small_int(-10, 10);
  std::uniform_real_distribution<double> real(-1.0, 2.0);
  for (int n = 2; n <= 14; ++n) {
    for (int rep = 0; rep < 3; ++rep) {
      Graph unweighted = random_graph(n, 0.2 + 0.3 * rep, 7, n * 10 + rep);
      Graph ints = random_graph(n, 0.7, 8, n * 10 + rep), reals = ints;
      for (Edge& e : ints.edges) e.w = small_int(gen);
      for (Edge& e : reals.edges) e.w = real(gen);
      for (const Graph* g : {&unweighted, &ints, &reals}) {
        const MaxCut mc = exact_maxcut(*g);
        EXPECT_NEAR(mc.value, brute_force_maxcut(*g), 1e-9) << "n = " << n << " rep " << rep;
        ASSERT_EQ(mc.side.size(), static_cast<std::size_t>(n));
        EXPECT_EQ(mc.side[n - 1], 0);
        EXPECT_EQ(mc.value, cut_value(*g, mc.side));
      }
    }
  }
}

TEST(MaxCut, KnownOptima) {
  for (int n = 1; n <= 16; ++n) {
    EXPECT_EQ(exact_maxcut(complete_graph(n)).value, (n / 2) * ((n + 1) / 2)) << "K_" << n;
  }
  for (int n = 3; n <= 20; ++n) {
    Graph cycle;
    cycle.n = n;
    for (int k = 0; k + 1 < n; ++k) cycle.edges.push_back({k, k + 1, 1.0});
    cycle.edges.push_back({0, n - 1, 1.0});
    EXPECT_EQ(exact_maxcut(cycle).value, n % 2 == 0 ? n : n - 1) << "C_" << n;
  }
  Graph negative = complete_graph(5);  // all-negative weights: best is no cut at all
  for (Edge& e : negative.edges) e.w = -1;
  EXPECT_EQ(exact_maxcut(negative).value, 0.0);
  Graph doubled = complete_graph(4);  // uniform weight 2.5
  for (Edge& e : doubled.edges) e.w = 2.5;
  EXPECT_EQ(exact_maxcut(doubled).value, 10.0);
  Graph empty;
  empty.n = 6;
  EXPECT_EQ(exact_maxcut(empty).value, 0.0);
}

TEST(MaxCut, TwentyFourNodesIsFast) {
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(exact_maxcut(complete_graph(24)).value, 144.0);
  const auto t1 = std::chrono::steady_clock::now();
  Graph weighted = random_graph(24, 0.5, 3, 0);
  std::mt19937_64 gen(99);
  for (Edge& e : weighted.edges) e.w = std::uniform_real_distribution<double>(0.0, 1.0)(gen);
  const MaxCut mc = exact_maxcut(weighted);
  const auto t2 = std::chrono::steady_clock::now();
  EXPECT_GE(mc.value, half_approximation(weighted));  // the best cut beats the average one
  const auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::cout << "n = 24: unweighted " << ms(t1 - t0) << " ms, weighted " << ms(t2 - t1) << " ms\n";
  EXPECT_THROW(exact_maxcut(complete_graph(25)), ParameterError);
  EXPECT_THROW(exact_maxcut(Graph{}), ParameterError);
}

// Known optima follow a graph's content: a copy under another name, its edges in another order
// and their ends swapped, keeps its optimum; a changed weight does not.
TEST(MaxCut, KnownOptimaAreMatchedByContent) {
  const auto optima = read_optima_tsv(kData + "/maxcut/optima.tsv");
  for (int k = 0; k < 10; ++k) {
    const Graph g = read_rudy(instance_path(k));
    EXPECT_EQ(optima.at("#" + content_hash(g)), optima.at(g.name)) << g.name;
  }
  const Graph g = read_rudy(instance_path(3));
  std::ostringstream text;
  text << g.n << " " << g.edges.size() << "\n";
  for (std::size_t e = g.edges.size(); e-- > 0;) text << g.edges[e].j + 1 << " " << g.edges[e].i + 1 << " " << g.edges[e].w << "\n";
  const TempFile file(text.str(), "my_copy.txt");
  const Graph copy = read_rudy(file.path());
  EXPECT_EQ(content_hash(copy), content_hash(g));
  MaxCutTask task({copy}, 1.05, optima);
  EXPECT_EQ(task.reference_kind(0), "known");
  EXPECT_EQ(task.reference(0), optima.at("g05_60.3"));
  Graph changed = copy;
  changed.edges[7].w = 2.0;
  EXPECT_NE(content_hash(changed), content_hash(g));
}

TEST(MaxCut, SolutionsReachTheOptima) {
  const auto optima = read_optima_tsv(kData + "/maxcut/optima.tsv");
  const auto solutions = read_solutions_tsv(kData + "/maxcut/solutions.tsv");
  ASSERT_EQ(optima.size(), 20u);  // by name and by content hash
  ASSERT_EQ(solutions.size(), 10u);
  EXPECT_EQ(optima.at("g05_60.0"), 536.0);
  for (int k = 0; k < 10; ++k) {
    const Graph g = read_rudy(instance_path(k));
    const std::string& s = solutions.at(g.name);
    ASSERT_EQ(s.size(), 60u) << g.name;
    std::vector<std::uint8_t> side(s.size());
    for (std::size_t v = 0; v < s.size(); ++v) side[v] = s[v] == '1';
    EXPECT_EQ(cut_value(g, side), optima.at(g.name)) << g.name;
    EXPECT_GT(optima.at(g.name), half_approximation(g));
  }
}

TEST(MaxCut, HalfApproximation) {
  EXPECT_EQ(half_approximation(read_rudy(instance_path(0))), 442.5);
  Graph g;
  g.n = 3;
  g.edges = {{0, 1, 2.0}, {1, 2, 3.0}, {0, 2, -1.0}};
  EXPECT_EQ(half_approximation(g), 2.0);
  // It is the mean over all 2^n partitions.
  double sum = 0;
  for (int mask = 0; mask < 8; ++mask) {
    sum += cut_value(g, {std::uint8_t(mask & 1), std::uint8_t(mask >> 1 & 1), std::uint8_t(mask >> 2 & 1)});
  }
  EXPECT_EQ(sum / 8, half_approximation(g));
}

TEST(MaxCutTables, RejectMalformedLines) {
  const auto optima_error = [](const std::string& bytes) {
    const TempFile f(bytes);
    return error_of<InputError>([&] { read_optima_tsv(f.path()); });
  };
  const std::string head = "instance\tnodes\tedges\toptimum\n";
  EXPECT_MENTIONS(optima_error(""), "empty file");
  EXPECT_MENTIONS(optima_error("instance\tnodes\n"), "no 'optimum' column");
  EXPECT_MENTIONS(optima_error(head + "a\t3\t3\n"), "expected 4 tab-separated fields, got 3");
  EXPECT_MENTIONS(optima_error(head + "a\t3\t3\tlots\n"), "non-numeric optimum 'lots'");
  EXPECT_MENTIONS(optima_error(head + "a\t3\t3\t2\na\t3\t3\t2\n"), "duplicate instance 'a'");
  EXPECT_MENTIONS(optima_error(head + "a\t3\t3\t2\n\t3\t3\t2\n"), ":3:");
  const auto solutions_error = [](const std::string& bytes) {
    const TempFile f(bytes);
    return error_of<InputError>([&] { read_solutions_tsv(f.path()); });
  };
  EXPECT_MENTIONS(solutions_error("instance\tside\na\t0120\n"), "made of 0 and 1");
  EXPECT_MENTIONS(solutions_error("instance\tside\na\t\n"), "made of 0 and 1");
  EXPECT_MENTIONS(solutions_error("instance\tcut\na\t3\n"), "no 'side' column");
}

// ---- G(n, p) ----

TEST(RandomGraph, Reproducible) {
  const Graph a = random_graph(50, 0.3, 42, 7), b = random_graph(50, 0.3, 42, 7);
  ASSERT_EQ(a.edges.size(), b.edges.size());
  for (std::size_t k = 0; k < a.edges.size(); ++k) {
    EXPECT_EQ(a.edges[k].i, b.edges[k].i);
    EXPECT_EQ(a.edges[k].j, b.edges[k].j);
    EXPECT_EQ(a.edges[k].w, 1.0);
  }
  const auto edge_set = [](const Graph& g) {
    std::set<std::pair<int, int>> s;
    for (const Edge& e : g.edges) s.insert({e.i, e.j});
    return s;
  };
  EXPECT_NE(edge_set(a), edge_set(random_graph(50, 0.3, 42, 8)));
  EXPECT_NE(edge_set(a), edge_set(random_graph(50, 0.3, 43, 7)));
  EXPECT_EQ(a.n, 50);
}

TEST(RandomGraph, FollowsTheDocumentedDraw) {
  const int n = 9;
  const double p = 0.5;
  const Graph g = random_graph(n, p, 5, 3);
  std::set<std::pair<int, int>> present;
  for (const Edge& e : g.edges) present.insert({e.i, e.j});
  std::uint32_t pair = 0;
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j, ++pair) {
      const Philox4 r = draw_block(TrialKey{5, 3}, Stream::RandomGraph, pair / 2, 0);
      const double u = pair % 2 == 0 ? uniform_open(r.v[0], r.v[1]) : uniform_open(r.v[2], r.v[3]);
      EXPECT_EQ(present.count({i, j}) == 1, u < p) << i << "-" << j;
    }
  }
}

TEST(RandomGraph, DensityWithinFiveSigma) {
  const int n = 200;
  const double pairs = n * (n - 1) / 2.0;
  for (double p : {0.05, 0.5, 0.9}) {
    for (std::uint64_t id = 0; id < 3; ++id) {
      const Graph g = random_graph(n, p, 2024, id);
      const double sigma = std::sqrt(pairs * p * (1 - p));
      EXPECT_NEAR(static_cast<double>(g.edges.size()), pairs * p, 5 * sigma) << "p = " << p;
    }
  }
  EXPECT_TRUE(random_graph(10, 0.0, 1, 0).edges.empty());
  EXPECT_EQ(random_graph(10, 1.0, 1, 0).edges.size(), 45u);
}

TEST(RandomGraph, RejectsBadParameters) {
  EXPECT_THROW(random_graph(1, 0.5, 1, 0), ParameterError);
  EXPECT_THROW(random_graph(4097, 0.5, 1, 0), ParameterError);
  EXPECT_THROW(random_graph(10, -0.1, 1, 0), ParameterError);
  EXPECT_THROW(random_graph(10, 1.5, 1, 0), ParameterError);
  EXPECT_THROW(random_graph(10, std::nan(""), 1, 0), ParameterError);
  EXPECT_THROW(random_graph(10, 0.5, 1, std::uint64_t{1} << 48), ParameterError);
  EXPECT_NO_THROW(random_graph(4096, 0.001, 1, 0));
}
