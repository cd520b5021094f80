// RAD files and folders: every format GUN.js reads, bad files refused with
// their name, and folders written so that RAD's lookup finds every key.
#include "gunpp/rad.hpp"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "fuzz/rad_file_property.hpp"
#include "fuzz/replay.hpp"

namespace gunpp::rad {
namespace {

namespace fs = std::filesystem;

std::vector<Record> records_of(std::string_view text) {
  std::vector<Record> out;
  const Status s =
      parse_file(text, [&out](Record&& r) { out.push_back(std::move(r)); });
  REQUIRE(s);
  return out;
}

Status parse_status(std::string_view text) {
  return parse_file(text, [](Record&&) {});
}

// A fresh folder under the temp directory, removed at the end.
struct TempDir {
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() /
             ("gunpp-rad-" + std::to_string(::getpid()) + "-" + name)) {
    fs::remove_all(path);
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& file, const std::string& text) const {
    fs::create_directories(path);
    std::ofstream(path / file, std::ios::binary) << text;
  }
  std::string read(const std::string& file) const {
    std::ifstream in(path / file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in),
            std::istreambuf_iterator<char>()};
  }
  fs::path path;
};

using FieldMap =
    std::map<std::pair<std::string, std::string>, std::pair<Value, State>>;

FieldMap read_all(const fs::path& dir, FolderReport& report,
                  ReadOptions options = {}) {
  FieldMap out;
  const Status s = read_folder(dir.string(), options, report, [&](Field&& f) {
    out[{f.soul, f.key}] = {f.value, f.state};
  });
  INFO(s.to_string());
  REQUIRE(s);
  return out;
}

}  // namespace

TEST_CASE("rad: a JSON radix tree's leaves, keys spelled by their edges") {
  const auto r = records_of(
      R"({"a":{"\u001bx":{"":{":":1,">":5}},"b\u001by":{"":{":":{"#":"s"},">":6.5}}},)"
      R"("c\u001bz":{"":{":":null,">":7},"w":{"":{":":"text \"q\"",">":8}}},)"
      R"("d\u001bbig":{"":{":":100000000000000000000,">":1e+21}},)"
      R"("e\u001bf":{"":{":":false,">":9,"undefined":1}},"f\u001bg":{"":{">":3}},)"
      R"("g\u001bh":{"":{":":[1],">":3}},"h\u001bi":{"":{":":1}}})");
  REQUIRE(r.size() == 9);
  CHECK(r[0].key == "a\x1bx");
  CHECK(r[0].value == Value(1));
  CHECK(r[0].state == 5);
  CHECK(r[1].key == "ab\x1by");
  CHECK(r[1].value == Value(Link("s")));
  CHECK(r[2].value.is_null());
  CHECK(r[3].key == "c\x1bzw");
  CHECK(r[3].value == Value("text \"q\""));
  CHECK(r[4].value == Value(1e20));  // past 64 bits, as JSON.parse reads it
  CHECK(r[4].state == 1e21);
  CHECK(r[5].value == Value(false));
  CHECK(r[5].damaged);
  CHECK_FALSE(r[6].has_value);  // no ":"
  CHECK(r[6].has_state);
  CHECK_FALSE(r[7].has_value);  // an array is not a GUN value
  CHECK_FALSE(r[8].has_state);  // no ">"
}

TEST_CASE("rad: the older line format and 2019's value>state leaves") {
  // The spec's example: US-framed tokens, ESC-framed 2019 leaves.
  const std::string text =
      "\x1f+0\x1f#\x1f\"s\x1b\x1f\n"
      "\x1f+1\x1f#\x1f\"a\x1f:\x1f\"\x1b\"hello\x1b>\x1b+"
      "1600000000000\x1b\x1f\n"
      "\x1f+1\x1f#\x1f\"lnk\x1f:\x1f\"\x1b#t\x1b>\x1b+1600000000002\x1b\x1f\n"
      "\x1f+1\x1f#\x1f\"n\x1f:\x1f\"\x1b \x1b>\x1b+1600000000003\x1b\x1f\n"
      "\x1f+1\x1f#\x1f\"us\x1f:\x1f\x1f\"\x1b\"has\x1funit "
      "sep\x1b>\x1b+1600000000005\x1b\x1f\n"
      "\x1f+0\x1f#\x1f\"t\x1bz\x1f=\x1f\"\x1b\"zed\x1b>\x1b+"
      "1600000000006\x1b\x1f\n";
  const auto r = records_of(text);
  REQUIRE(r.size() == 5);
  CHECK(r[0].key ==
        "s\x1b"
        "a");
  CHECK(r[0].value == Value("hello"));
  CHECK(r[0].state == 1600000000000);
  CHECK(r[1].value == Value(Link("t")));
  CHECK(r[2].value.is_null());
  CHECK(r[3].key == "s\x1bus");
  CHECK(r[3].value == Value("has\x1funit sep"));
  CHECK(r[4].key == "t\x1bz");
  CHECK(r[4].value == Value("zed"));
  CHECK(r[4].state == 1600000000006);
  // A 2019 leaf inside a JSON file.
  const auto json = records_of(
      "{\"q\\u001bk\":{\"\":\"\\u001b+42\\u001b>\\u001b+7\\u001b\"}}");
  REQUIRE(json.size() == 1);
  CHECK(json[0].value == Value(42));
  CHECK(json[0].state == 7);
}

TEST_CASE("rad: damaged files are refused, saying what is wrong") {
  const std::string good =
      R"({"a\u001bx":{"":{":":1,">":5}},"b\u001by":{"":{":":2,">":6}}})";
  const struct {
    std::string text;
    std::string says;
  } bad[] = {
      {good.substr(0, good.size() / 2), "cut short"},
      {"", "empty"},
      {"garbage, not a tree", "not JSON"},
      {"[1,2]", "no JSON object"},
      {R"({"a":1})", "holds no object"},
      {"\x1f+1\x1f#\x1f\"a\x1f\n", "no root radix"},
      {"\x1f+0\x1f#\x1f\"a\x1f\n\x1f+5\x1f#\x1f\"b\x1f\n", "deeper"},
  };
  for (const auto& b : bad) {
    INFO(b.text);
    const Status s = parse_status(b.text);
    CHECK(s.code() == Status::Code::kCorruption);
    CHECK(s.message().find(b.says) != std::string::npos);
  }
}

TEST_CASE("rad: file names as encodeURIComponent writes them") {
  CHECK(encode_name("users/alice\x1b"
                    "email") == "users%2Falice%1Bemail");
  CHECK(encode_name("star*") == "star%2A");
  CHECK(encode_name("!") == "!");
  CHECK(encode_name("\x1c") == "%1C");
  CHECK(encode_name("é😀 ~'()") == "%C3%A9%F0%9F%98%80%20~'()");
  std::string name;
  CHECK(decode_name("users%2Falice%1Bemail", name));
  CHECK(name ==
        "users/alice\x1b"
        "email");
  CHECK_FALSE(decode_name("has space", name));
  CHECK_FALSE(decode_name("%ZZ", name));
  CHECK_FALSE(decode_name("%C3", name));  // not UTF-8
  CHECK_FALSE(decode_name("%", name));
}

TEST_CASE("rad: a folder read: fields split at ESC, the rest counted") {
  TempDir dir("read");
  dir.write("!",
            R"({"a\u001bx":{"":{":":1,">":5}},"nokey":{"":{":":1,">":5}},)"
            R"("\u001bk":{"":{":":1,">":5}},"s\u001b_":{"":{":":1,">":5}},)"
            R"("s\u001bv":{"":{":":1}}})");
  dir.write(
      "z%1Bk",
      R"({"z\u001bk":{"":{":":"z",">":9}},"a\u001bz":{"":{":":2,">":3}}})");
  dir.write("%1C", R"({"!":{"":1},"z\u001bk":{"":1}})");
  FolderReport report;
  const FieldMap fields = read_all(dir.path, report);
  CHECK(fields.size() == 3);
  CHECK(fields.at({"a", "x"}).first == Value(1));
  CHECK(fields.at({"z", "k"}).first == Value("z"));
  CHECK(fields.at({"a", "z"}).second == 3);
  CHECK(report.files == 2);
  CHECK(report.has_directory);
  CHECK(report.outside_their_file == 1);  // "a\x1bz" belongs in "!"
  CHECK(report.skipped.at("a key without ESC (not a field)") == 1);
  CHECK(report.skipped.at("an empty soul") == 1);
  CHECK(report.skipped.at("key \"\" or \"_\"") == 1);
  CHECK(report.skipped.at("no state") == 1);
}

TEST_CASE("rad: bad folders get one clear error") {
  FolderReport report;
  const auto read = [&report](const fs::path& dir, bool skip = false) {
    report = FolderReport{};
    ReadOptions options;
    options.skip_bad_files = skip;
    return read_folder(dir.string(), options, report, [](Field&&) {});
  };
  TempDir none("none");
  CHECK(read(none.path).code() == Status::Code::kNotFound);
  TempDir other("other");
  other.write("notes.txt", "hello");
  const Status not_rad = read(other.path);
  CHECK(not_rad.code() == Status::Code::kInvalidArgument);
  CHECK(not_rad.message().find("not a RAD folder") != std::string::npos);
  TempDir broken("broken");
  broken.write("!", R"({"a\u001bx":{"":{":":1,">":5}}})");
  broken.write("m%1Bk", R"({"m\u001bk":{"":{":":"m")");
  const Status cut = read(broken.path);
  CHECK(cut.code() == Status::Code::kCorruption);
  CHECK(cut.message().find("m%1Bk: cut short") != std::string::npos);
  CHECK(read(broken.path, true));
  CHECK(report.bad_files.size() == 1);
  CHECK(report.fields == 1);
  TempDir lost("lost");
  lost.write("!", R"({"a\u001bx":{"":{":":1,">":5}}})");
  lost.write("%1C", R"({"!":{"":1},"m\u001bk":{"":1}})");
  const Status missing = read(lost.path);
  CHECK(missing.code() == Status::Code::kCorruption);
  CHECK(missing.message().find("'m%1Bk'") != std::string::npos);
  // Only "!", no directory: a small relay's folder, read.
  TempDir small("small");
  small.write("!", R"({"a\u001bx":{"":{":":1,">":5}}})");
  CHECK(read(small.path));
  CHECK_FALSE(report.has_directory);
  CHECK(report.fields == 1);
}

TEST_CASE("rad: a folder written reads back exactly, and RAD finds every key") {
  std::mt19937 rng(20261206);
  const std::vector<std::string> alphabet = {
      "a",  "b",  "/",  ".", "é", "ê", "😀", "😁", "\xef\xbf\xbd",
      "\"", "\\", "\n", "%", "*", "u"};
  const auto word = [&](std::size_t max) {
    std::string s;
    const std::size_t n = 1 + rng() % max;
    for (std::size_t i = 0; i < n; ++i) s += alphabet[rng() % alphabet.size()];
    return s;
  };
  std::vector<Field> fields;
  FieldMap expected;
  for (int i = 0; i < 3000; ++i) {
    Field f{"soul" + word(3), word(6), Value(), 1000.0 + i * 0.5};
    switch (rng() % 5) {
      case 0:
        f.value = Value(word(20));
        break;
      case 1:
        f.value = Value(static_cast<double>(rng()) / 7);
        break;
      case 2:
        f.value = Value(rng() % 2 == 0);
        break;
      case 3:
        f.value = Value(Link("soul" + word(3)));
        break;
      default:
        break;  // null
    }
    if (expected.contains({f.soul, f.key})) continue;
    expected[{f.soul, f.key}] = {f.value, f.state};
    fields.push_back(f);
  }
  // Under node "s\x1b", the edge "undefined", which RAD's walk skips.
  fields.push_back({"s", "undefined", Value("kept"), 5});
  fields.push_back({"s", "x", Value("x"), 5});
  expected[{"s", "undefined"}] = {Value("kept"), 5};
  expected[{"s", "x"}] = {Value("x"), 5};
  fields.push_back({"s", "", Value(1), 5});
  fields.push_back({"s\x1bx", "k", Value(1), 5});
  TempDir dir("write");
  WriteOptions options;
  options.max_file_bytes = 4000;
  WriteReport written;
  REQUIRE(write_folder(dir.path.string(), fields, options, written));
  CHECK(written.fields == expected.size());
  CHECK(written.skipped.at("key \"\" or \"_\"") == 1);
  CHECK(written.skipped.at("ESC in a soul or key") == 1);
  CHECK(written.files > 10);
  for (const auto& entry : fs::directory_iterator(dir.path)) {
    CHECK(fs::file_size(entry.path()) <= options.max_file_bytes + 200);
  }
  FolderReport report;
  CHECK(read_all(dir.path, report) == expected);
  CHECK(report.files == written.files);
  CHECK(report.outside_their_file == 0);  // RAD's lookup finds each key
  CHECK(report.unlisted.empty());
  CHECK(report.listed_missing.empty());
  CHECK(dir.read("!").find(R"("u":{"ndefined":)") != std::string::npos);
  // Siblings never share a first UTF-16 unit: 😀 and 😁 share their high
  // surrogate, so it is an edge of its own, written as JSON.stringify does.
  bool split_pair = false;
  for (const auto& entry : fs::directory_iterator(dir.path)) {
    split_pair = split_pair ||
                 dir.read(entry.path().filename().string()).find("\\ud83d\"") !=
                     std::string::npos;
  }
  CHECK(split_pair);
  WriteReport again;
  CHECK(write_folder(dir.path.string(), fields, options, again).code() ==
        Status::Code::kInvalidArgument);  // not empty
}

TEST_CASE("rad: the fuzz property holds on the corpus and the regressions") {
  const std::size_t inputs = gunpp::testing::replay_inputs(
      {GUNPP_FUZZ_DIR "/corpus/rad_file",
       GUNPP_FUZZ_DIR "/regressions/rad_file"},
      [](const std::string& bytes) {
        CHECK(gunpp::testing::rad_file_property_violation(bytes).empty());
      });
  CHECK(inputs >= 3);
}

}  // namespace gunpp::rad
