#include "gunpp/node.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace gunpp {
namespace {

TEST_CASE("Node keeps insertion order and stable slots", "[node]") {
  Node node;
  CHECK(node.empty());
  CHECK_FALSE(node.find("a"));
  CHECK(node.state_of("a") == kNoState);

  CHECK(node.set("b", Value(1), 10) == 0);
  CHECK(node.set("a", Value("x"), 11) == 1);
  CHECK(node.set("b", Value(2), 12) == 0);  // overwrite keeps the slot
  REQUIRE(node.size() == 2);
  CHECK(node.key(0) == "b");
  CHECK(node.value(0) == Value(2));
  CHECK(node.state(0) == 12);
  CHECK(node.key(1) == "a");
  CHECK(node.find("a") == std::optional<std::size_t>(1));
  CHECK(node.state_of("a") == 11);

  node.assign(1, Value(nullptr), 13);
  CHECK(node.value(1).is_null());
  CHECK(node.state(1) == 13);
}

TEST_CASE("Node::try_emplace inserts only absent keys", "[node]") {
  Node node;
  std::string key = "k";
  Value value("first");
  const auto [slot, inserted] =
      node.try_emplace(std::move(key), std::move(value), 1);
  CHECK(inserted);
  CHECK(slot == 0);
  std::string again = "k";
  Value other("second");
  const auto [slot2, inserted2] =
      node.try_emplace(std::move(again), std::move(other), 2);
  CHECK_FALSE(inserted2);
  CHECK(slot2 == 0);
  // Present: nothing is moved from, nothing is written.
  CHECK(again == "k");
  CHECK(other == Value("second"));
  CHECK(node.value(0) == Value("first"));
  CHECK(node.state(0) == 1);
  CHECK(node.size() == 1);
}

TEST_CASE("Node index survives growth", "[node]") {
  Node node;
  constexpr int kKeys = 10000;
  for (int i = 0; i < kKeys; ++i) {
    REQUIRE(node.set("k" + std::to_string(i), Value(i), i) ==
            static_cast<std::size_t>(i));
  }
  CHECK(node.size() == kKeys);
  for (int i = 0; i < kKeys; ++i) {
    const auto slot = node.find("k" + std::to_string(i));
    REQUIRE(slot);
    CHECK(*slot == static_cast<std::size_t>(i));
  }
  CHECK_FALSE(node.find("k10000"));
  CHECK(node.memory_bytes() > kKeys * (sizeof(std::string) + sizeof(Value)));
}

}  // namespace
}  // namespace gunpp
