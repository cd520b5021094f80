// GraphBuilder on its own: GUN's node rules fed as events, no JSON.
#include "wire/graph_builder.hpp"

#include <catch2/catch.hpp>
#include <limits>
#include <string>
#include <vector>

namespace gunpp {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Events for a node with "_":{"#":soul,">":{...states}} and `fields`.
Status add_node(GraphBuilder& put, const std::string& soul,
                const FieldVector& fields) {
  put.begin_node(soul);
  put.begin_meta();
  put.meta_soul(soul);
  put.begin_states();
  for (const Field& f : fields) put.state(f.key, f.state);
  for (const Field& f : fields) put.field(f.key, f.value);
  return put.end_node();
}

TEST_CASE("builder: valid nodes become the graph, in order", "[builder]") {
  GraphBuilder put;
  REQUIRE(add_node(put, "a", {{"x", Value(1), 10}, {"y", Value("s"), 20}}));
  REQUIRE(add_node(put, "b", {{"l", Value(Link("a")), 5}}));
  CHECK_FALSE(put.single_field_form());
  Graph graph = put.take_graph();
  REQUIRE(graph.nodes().size() == 2);
  CHECK(graph.nodes()[0].soul == "a");
  CHECK(graph.nodes()[0].fields ==
        FieldVector{{"x", Value(1), 10}, {"y", Value("s"), 20}});
  CHECK(graph.nodes()[1].fields == FieldVector{{"l", Value(Link("a")), 5}});
  CHECK(put.take_graph().empty());  // taken
}

TEST_CASE("builder: sized for a put's nodes, it builds the same graph",
          "[builder]") {
  GraphBuilder put;
  put.reset(3);
  REQUIRE(add_node(put, "a", {{"x", Value(1), 10}}));
  REQUIRE(add_node(put, "b", {{"y", Value(2), 20}}));
  Graph graph = put.take_graph();
  REQUIRE(graph.nodes().size() == 2);
  CHECK(graph.nodes()[1].soul == "b");

  // Reserving past what a graph holds (a rehash of its soul index) keeps
  // every soul found: adding to one appends to its node, not a new one.
  graph.reserve_nodes(1000);
  graph.add("a", "z", Value(3), 30);
  for (int i = 0; i < 100; ++i) graph.add("n" + std::to_string(i), "k", 1, 1);
  graph.add("b", "w", Value(4), 40);
  REQUIRE(graph.nodes().size() == 102);
  CHECK(graph.nodes()[0].fields ==
        FieldVector{{"x", Value(1), 10}, {"z", Value(3), 30}});
  CHECK(graph.nodes()[1].fields ==
        FieldVector{{"y", Value(2), 20}, {"w", Value(4), 40}});
  CHECK(graph.field_count() == 104);
}

TEST_CASE("builder: states and fields in any order, duplicates keep the last",
          "[builder]") {
  GraphBuilder put;
  put.begin_node("a");
  put.field("y", Value(2));
  put.field("x", Value("first"));
  put.begin_meta();
  put.begin_states();
  put.state("x", 1);
  put.state("ghost", 7);
  put.state("y", 3);
  put.state("x", 9);
  put.meta_soul("a");
  put.field("x", Value("last"));
  put.field("", Value(5));  // dropped, as GUN.js drops it
  REQUIRE(put.end_node());
  const Graph graph = put.take_graph();
  CHECK(graph.nodes()[0].fields ==
        FieldVector{{"y", Value(2), 3}, {"x", Value("last"), 9}});
}

// A node that ends before its 16th field (a probe batch) has its keys
// compared with each other; larger ones go through an index. Both keep the
// first place and the last value of a key, whatever the size and the order
// of nodes in a put: 10 and 11 fields with 4 repeats stay small, 12 reaches
// the batch exactly.
TEST_CASE("builder: duplicates resolve alike on either side of 16 fields",
          "[builder]") {
  GraphBuilder put;
  std::vector<FieldVector> expected;
  for (const std::size_t n : {17, 1, 2, 40, 10, 11, 12, 13, 3, 33, 16}) {
    const std::string soul = "n" + std::to_string(expected.size());
    put.begin_node(soul);
    put.begin_meta();
    put.meta_soul(soul);
    put.begin_states();
    FieldVector want;
    // Same length, same last byte: only the middle tells "k1x" from "k2x".
    const auto key = [](std::size_t i) {
      return "k" + std::to_string(i % 10) + "x" + std::to_string(i / 10);
    };
    for (std::size_t i = 0; i < n; ++i) {
      put.state(key(i), static_cast<double>(i));
      put.field(key(i), Value(static_cast<double>(i)));
      want.push_back(
          {key(i), Value(static_cast<double>(i)), static_cast<double>(i)});
    }
    for (std::size_t i = 0; i < n; i += 3) {
      put.field(key(i), Value("again" + std::to_string(i)));
      want[i].value = Value("again" + std::to_string(i));
    }
    REQUIRE(put.end_node());
    expected.push_back(want);
  }
  const Graph graph = put.take_graph();
  REQUIRE(graph.nodes().size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CHECK(graph.nodes()[i].fields == expected[i]);
  }
}

TEST_CASE("builder: GUN's checks in GUN's order", "[builder]") {
  GraphBuilder put;
  SECTION("no meta comes before a wrong soul") {
    put.begin_node("a");
    put.field("x", Value(1));
    CHECK(put.end_node().message() == "Invalid graph: soul 'a': no meta");
  }
  SECTION("soul not same comes before no state") {
    put.begin_node("a");
    put.begin_meta();
    put.meta_soul("b");
    CHECK(put.end_node().message() == "Invalid graph: soul 'a': soul not same");
  }
  SECTION("a missing soul is not the same soul") {
    put.begin_node("a");
    put.begin_meta();
    CHECK(put.end_node().message() == "Invalid graph: soul 'a': soul not same");
  }
  SECTION("no state map") {
    put.begin_node("a");
    put.begin_meta();
    put.meta_soul("a");
    CHECK(put.end_node().message() == "Invalid graph: soul 'a': no state");
  }
  SECTION("the first field without a finite state names its key") {
    put.begin_node("a");
    put.field("x", Value(1));
    put.field("y", Value(2));
    put.begin_meta();
    put.meta_soul("a");
    put.begin_states();
    put.state("y", kNaN);
    CHECK(put.end_node().message() ==
          "Invalid graph: soul 'a' key 'x': no state");
    CHECK(add_node(put, "b", {{"y", Value(2), kNaN}}).message() ==
          "Invalid graph: soul 'b' key 'y': state is not a finite number");
  }
  SECTION("shapes that are not nodes, meta or states") {
    CHECK(put.non_node("n", false).message() ==
          "Invalid graph: soul 'n': no node");
    CHECK(put.non_node("m", true).message() ==
          "Invalid graph: soul 'm': no meta");
    put.begin_node("a");
    CHECK(put.meta_not_object().message() ==
          "Invalid graph: soul 'a': no meta");
    CHECK(put.states_not_object().message() ==
          "Invalid graph: soul 'a': no state");
    CHECK(put.bad_state("k").message() ==
          "Invalid graph: soul 'a' key 'k': state is not a finite number");
    CHECK(put.bad_field("k", "array").message() ==
          "Invalid graph: soul 'a' key 'k': bad value (array)");
    CHECK(put.bad_field("", "array").is_ok());  // "" is dropped unchecked
  }
}

TEST_CASE("builder: after an error no node joins the graph", "[builder]") {
  GraphBuilder put;
  REQUIRE(add_node(put, "a", {{"x", Value(1), 1}}));
  put.begin_node("b");
  CHECK_FALSE(put.bad_field("x", "object").is_ok());
  (void)put.end_node();  // the put is already invalid
  CHECK_FALSE(add_node(put, "c", {{"x", Value(1), kNaN}}).is_ok());
  REQUIRE(add_node(put, "d", {{"x", Value(1), 1}}));
  const Graph graph = put.take_graph();
  REQUIRE(graph.nodes().size() == 1);
  CHECK(graph.nodes()[0].soul == "a");
}

TEST_CASE("builder: GUN's single-field form is recognised", "[builder]") {
  GraphBuilder put;
  CHECK_FALSE(put.non_node("#", true).is_ok());
  CHECK_FALSE(put.single_field_form());
  CHECK_FALSE(put.non_node(".", true).is_ok());
  CHECK(put.single_field_form());
  (void)put.take_graph();
  CHECK_FALSE(put.single_field_form());  // a taken builder starts afresh
}

}  // namespace
}  // namespace gunpp
