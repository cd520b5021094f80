// `gunpp apply` called as a function: the contract of docs/wire.md without a
// process in between. tests/cli/cli_test.sh checks the same through the
// binary, with its argument parsing.
#include "apply.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "wire_input.hpp"

namespace gunpp::cli {
namespace {

struct Run {
  int status;
  std::string out;
  std::string err;
};

Run run_on(const std::string& input, ApplyArgs args = {}) {
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream err;
  const int status = run_apply(args, in, out, err);
  return {status, out.str(), err.str()};
}

ApplyArgs at(double now) {
  ApplyArgs args;
  args.now = now;
  return args;
}

const std::string kPut =
    R"({"#":"m1","put":{"a":{"_":{"#":"a",">":{"x":1000,"f":5000}},"x":1,"f":"later"}}})";
const std::string kBad =
    R"({"#":"m2","put":{"a":{"_":{"#":"a",">":{"y":1000}},"y":[1]}}})";
const std::string kExpected =
    R"({"graph":{"a":{"_":{"#":"a",">":{"x":1000}},"x":1}},)"
    R"x("errors":[null,"Invalid graph: soul 'a' key 'y': bad value (array)"],)x"
    R"("deferred":[{"soul":"a","key":"f","state":5000}]})"
    "\n";

TEST_CASE("apply: an array, or one message per line", "[cli]") {
  const Run array = run_on("[" + kPut + "," + kBad + "]", at(4000));
  CHECK(array.status == 0);
  CHECK(array.out == kExpected);
  CHECK(array.err.empty());
  const Run lines = run_on(kPut + "\n\n" + kBad + "\n", at(4000));
  CHECK(lines.status == 0);
  CHECK(lines.out == kExpected);
}

TEST_CASE("apply: a file instead of standard input", "[cli]") {
  const auto path =
      std::filesystem::temp_directory_path() / "gunpp_apply_test.ndjson";
  std::ofstream(path) << kPut << "\n" << kBad << "\n";
  ApplyArgs args = at(4000);
  args.file = path.string();
  CHECK(run_on("ignored", args).out == kExpected);
  std::filesystem::remove(path);
  const Run missing = run_on("", args);
  CHECK(missing.status == 2);
  CHECK(missing.err == "gunpp: cannot open '" + path.string() + "'\n");
  CHECK(missing.out.empty());
}

TEST_CASE("apply: input that is not messages exits 2 with one line", "[cli]") {
  for (const char* input : {"not json", "[1,2]", "", "  \n", "\"text\""}) {
    INFO(input);
    const Run run = run_on(input);
    CHECK(run.status == 2);
    CHECK(run.out.empty());
    CHECK(run.err.find('\n') == run.err.size() - 1);
  }
  const Run bad_line = run_on(kPut + "\n{oops\n");
  CHECK(bad_line.status == 2);
  CHECK(bad_line.err == "gunpp: line 2: frame is not valid JSON\n");
  CHECK(run_on("[1]").err ==
        "gunpp: input: 1 array elements are not message objects\n");
}

TEST_CASE("input text: padded with zeros, even when it fills its last page",
          "[cli]") {
  const auto path =
      std::filesystem::temp_directory_path() / "gunpp_input_page.json";
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  std::string text = kPut;
  text.resize(2 * page, ' ');  // trailing whitespace up to a whole page
  std::ofstream(path) << text;
  for (const std::string& file : {path.string(), std::string("-")}) {
    INFO(file);
    std::istringstream in(text);  // "-" reads a stream that is not stdin
    const std::optional<InputText> input = read_input(file, in);
    REQUIRE(input);
    CHECK(input->view() == text);
    CHECK(input->frame().text.data() == input->view().data());
    const char* const end = input->view().data() + input->view().size();
    CHECK(std::string(end, kFramePadding)
              .find_first_not_of(file == "-" ? ' ' : '\0') ==
          std::string::npos);
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace gunpp::cli
