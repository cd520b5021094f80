#include "gunpp/wire/json_writer.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace gunpp {
namespace {

TEST_CASE("json writer: commas, nesting and keys", "[json]") {
  std::string out;
  JsonWriter json(out);
  json.begin_object()
      .key("a")
      .number(1)
      .key("b")
      .begin_array()
      .number(1)
      .begin_object()
      .end_object()
      .begin_array()
      .end_array()
      .string("x")
      .end_array()
      .key("c")
      .begin_object()
      .key("")
      .null()
      .end_object()
      .key("d")
      .boolean(false)
      .end_object();
  CHECK(out == R"({"a":1,"b":[1,{},[],"x"],"c":{"":null},"d":false})");
}

TEST_CASE("json writer: JavaScript's numbers and JSON.stringify's strings",
          "[json]") {
  std::string out;
  JsonWriter json(out);
  json.begin_array()
      .number(1e21)
      .number(1e-7)
      .number(-0.0)
      .number(0.1)
      .number(123456789012)
      .string("q\"b\\n\n\x01\xC3\xA9")
      .end_array();
  CHECK(out ==
        "[1e+21,1e-7,0,0.1,123456789012,\"q\\\"b\\\\n\\n\\u0001\xC3\xA9\"]");
}

TEST_CASE("json writer: GUN values and raw JSON", "[json]") {
  std::string out = "prefix ";
  JsonWriter json(out);
  json.begin_array()
      .value(Value(Link("s\"")))
      .value(Value())
      .value(Value(2.5))
      .raw(R"({"x":[1]})")
      .value(Value("t"))
      .end_array();
  CHECK(out == R"(prefix [{"#":"s\""},null,2.5,{"x":[1]},"t"])");
}

TEST_CASE("json writer: members already encoded", "[json]") {
  std::string out;
  JsonWriter json(out);
  json.begin_object()
      .member(R"("a\"")", "1")
      .key("b")
      .number(2)
      .member(R"("")", R"({"#":"s"})")
      .end_object();
  CHECK(out == R"({"a\"":1,"b":2,"":{"#":"s"}})");
}

}  // namespace
}  // namespace gunpp
