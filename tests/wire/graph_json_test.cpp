#include "gunpp/graph_json.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace gunpp {
namespace {

TEST_CASE("encode_graph is canonical", "[wire]") {
  ManualClock clock(5000);
  Scheduler scheduler(clock);
  GraphStore store(scheduler);
  CHECK(encode_graph(store) == "{}");
  Graph g;
  g.add("b", "z", 1e21, 1000.5)
      .add("b", "\xEF\xBF\xBD", "fffd", 1)
      .add("b", "\xF0\x9F\x98\x80", "grin", 1)
      .add("b", "a", Link("x\"y"), 1)
      .add("a", "k", "line\nbreak", -0.0)
      .add("a", "n", nullptr, 1e-7);
  REQUIRE(store.put(std::move(g)));
  scheduler.run_until_idle();
  // Souls and keys in UTF-16 order: U+1F600 sorts before U+FFFD.
  CHECK(
      encode_graph(store) ==
      R"({"a":{"_":{"#":"a",">":{"k":0,"n":1e-7}},"k":"line\nbreak","n":null},)"
      R"("b":{"_":{"#":"b",">":{"a":1,"z":1000.5,)"
      "\"\xF0\x9F\x98\x80\":1,\"\xEF\xBF\xBD\":1}},"
      R"("a":{"#":"x\"y"},"z":1e+21,)"
      "\"\xF0\x9F\x98\x80\":\"grin\",\"\xEF\xBF\xBD\":\"fffd\"}}");
}

TEST_CASE("write_node writes the given slots in order", "[wire]") {
  Node node;
  node.set("b", Value(2), 20);
  node.set("a", Value("x"), 10);
  std::string out;
  JsonWriter json(out);
  write_node(json, "s", node, {1, 0});
  CHECK(out == R"({"_":{"#":"s",">":{"a":10,"b":20}},"a":"x","b":2})");
  out.clear();
  JsonWriter just_one(out);
  write_node(just_one, "s", node, {0});
  CHECK(out == R"({"_":{"#":"s",">":{"b":20}},"b":2})");
}

}  // namespace
}  // namespace gunpp
