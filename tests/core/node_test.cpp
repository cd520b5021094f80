#include "gunpp/node.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/node_writer.hpp"

namespace gunpp {
namespace {

using detail::NodeWriter;

TEST_CASE("Node keeps insertion order and stable slots", "[node]") {
  Node node;
  CHECK(node.empty());
  CHECK_FALSE(node.find("a"));
  CHECK(node.state_of("a") == kNoState);

  CHECK(NodeWriter::set(node, "b", Value(1), 10) == 0);
  CHECK(NodeWriter::set(node, "a", Value("x"), 11) == 1);
  CHECK(NodeWriter::set(node, "b", Value(2), 12) ==
        0);  // overwrite keeps the slot
  REQUIRE(node.size() == 2);
  CHECK(node.key(0) == "b");
  CHECK(node.value(0) == Value(2));
  CHECK(node.state(0) == 12);
  CHECK(node.key(1) == "a");
  CHECK(node.find("a") == std::optional<std::size_t>(1));
  CHECK(node.state_of("a") == 11);

  NodeWriter::assign(node, 1, Value(nullptr), 13);
  CHECK(node.value(1).is_null());
  CHECK(node.state(1) == 13);
}

TEST_CASE("Node::try_emplace inserts only absent keys", "[node]") {
  Node node;
  std::string key = "k";
  Value value("first");
  const auto [slot, inserted] =
      NodeWriter::try_emplace(node, std::move(key), std::move(value), 1);
  CHECK(inserted);
  CHECK(slot == 0);
  std::string again = "k";
  Value other("second");
  const auto [slot2, inserted2] =
      NodeWriter::try_emplace(node, std::move(again), std::move(other), 2);
  CHECK_FALSE(inserted2);
  CHECK(slot2 == 0);
  // Present: nothing is moved from, nothing is written.
  CHECK(again == "k");
  CHECK(other == Value("second"));
  CHECK(node.value(0) == Value("first"));
  CHECK(node.state(0) == 1);
  CHECK(node.size() == 1);
}

TEST_CASE("Node: a small node scans, and indexes once it outgrows that",
          "[node]") {
  Node node;
  NodeWriter::reserve(node, 10);
  for (int i = 0; i < 10; ++i) {
    REQUIRE(NodeWriter::set(node, "f" + std::to_string(i), Value(i), 1) ==
            static_cast<std::size_t>(i));
  }
  // Ten short fields and no index: less on top of the columns than the
  // 16-bucket table an index of ten keys would take alone.
  constexpr std::size_t kColumns =
      sizeof(std::string) + sizeof(Value) + sizeof(State);
  CHECK(node.memory_bytes() < sizeof(Node) + 10 * kColumns + 16 * 8);
  // Keys that differ only in their last byte, or are a prefix of another.
  CHECK(NodeWriter::set(node, "f1", Value("again"), 2) == 1);
  CHECK_FALSE(node.find("f"));
  CHECK_FALSE(node.find("f10"));
  CHECK_FALSE(node.find(""));

  // Across kScanFields: every key stays found, and rewriting one keeps its
  // slot, on either side of the step that builds the index.
  for (std::size_t i = 10; i < NodeWriter::kScanFields + 4; ++i) {
    const std::string key = "f" + std::to_string(i);
    REQUIRE(NodeWriter::set(node, key, Value(double(i)), 1) == i);
    for (std::size_t j = 0; j <= i; ++j) {
      REQUIRE(node.find("f" + std::to_string(j)) == j);
    }
    REQUIRE(NodeWriter::set(node, "f1", Value(double(i)), 3) == 1);
    CHECK_FALSE(node.find("g" + std::to_string(i)));
  }
  CHECK(node.size() == NodeWriter::kScanFields + 4);
  CHECK(node.value(1) == Value(double(NodeWriter::kScanFields + 3)));
  CHECK(node.memory_bytes() >= sizeof(Node) + node.size() * kColumns + 16 * 8);

  // A copy of a small node is one too, and independent of it.
  Node small;
  NodeWriter::set(small, "a", Value(1), 1);
  NodeWriter::set(small, "b", Value(2), 1);
  Node copy = small;
  NodeWriter::set(copy, "c", Value(3), 1);
  CHECK(copy.find("c") == 2);
  CHECK(copy.find("b") == 1);
  CHECK_FALSE(small.find("c"));
  CHECK(small.size() == 2);
}

TEST_CASE("Node: prefetch's hint carries a key's hash to try_emplace",
          "[node]") {
  Node small;
  NodeWriter::set(small, "a", Value(1), 1);
  CHECK_FALSE(
      NodeWriter::prefetch(small, "a").hashed);  // no index, nothing to hash

  Node node;
  NodeWriter::reserve(node, 100);
  for (int i = 0; i < 100; ++i) {
    const std::string key = "k" + std::to_string(i);
    const NodeWriter::Hint hint = NodeWriter::prefetch(node, key);
    REQUIRE(hint.hashed);
    std::string moved = key;
    REQUIRE(
        NodeWriter::try_emplace(node, std::move(moved), Value(i), 1, hint) ==
        std::pair<std::size_t, bool>(i, true));
  }
  // A present key is found through its hint, and left untouched.
  std::string again = "k42";
  Value other("other");
  CHECK(NodeWriter::try_emplace(node, std::move(again), std::move(other), 2,
                                NodeWriter::prefetch(node, "k42")) ==
        std::pair<std::size_t, bool>(42, false));
  CHECK(node.value(42) == Value(42));
  // Keys inserted with hints are found without one.
  for (int i = 0; i < 100; ++i) {
    REQUIRE(node.find("k" + std::to_string(i)) == static_cast<std::size_t>(i));
  }
  CHECK_FALSE(node.find("k100"));
}

TEST_CASE("Node index survives growth", "[node]") {
  Node node;
  constexpr int kKeys = 10000;
  for (int i = 0; i < kKeys; ++i) {
    REQUIRE(NodeWriter::set(node, "k" + std::to_string(i), Value(i), i) ==
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

TEST_CASE("Node: a key is found at every moment of the index's growth",
          "[node]") {
  // Each find runs right after an insert: many of them while the index
  // moves its old table over.
  Node node;
  constexpr int kKeys = 3 * NodeWriter::kBlockFields + 5;
  for (int i = 0; i < kKeys; ++i) {
    const std::string key = "k" + std::to_string(i);
    REQUIRE(NodeWriter::set(node, key, Value(i), i) ==
            static_cast<std::size_t>(i));
    REQUIRE(node.find(key) == static_cast<std::size_t>(i));
    const int earlier = i / 2;
    REQUIRE(node.find("k" + std::to_string(earlier)) ==
            static_cast<std::size_t>(earlier));
    // Writing an existing key during a growth keeps its slot.
    REQUIRE(NodeWriter::set(node, "k0", Value(-i), 1e9 + i) == 0);
  }
  CHECK(node.size() == kKeys);
  CHECK_FALSE(node.find("k-1"));
  // Fields in later blocks read and overwrite like the first ones.
  const std::size_t last = kKeys - 1;
  CHECK(node.key(last) == "k" + std::to_string(last));
  NodeWriter::assign(node, last, Value("late"), 7);
  CHECK(node.value(last) == Value("late"));
  CHECK(node.state(last) == 7);
  CHECK(node.value(0) == Value(-(kKeys - 1)));
  // A copy is a deep copy, its index included.
  Node copy = node;
  NodeWriter::set(copy, "only in the copy", Value(1), 1);
  CHECK(copy.find("k" + std::to_string(last)) == last);
  CHECK_FALSE(node.find("only in the copy"));
}

TEST_CASE("Node: a reserved first block of any size, then full blocks",
          "[node]") {
  // reserve() sizes the first block to the delta (not a multiple of the
  // block size); fields past it go to ordinary blocks. Slots stay dense
  // and every field reads back where it was written.
  for (const std::size_t reserved :
       {std::size_t{1}, NodeWriter::kBlockFields - 1,
        NodeWriter::kBlockFields + 1, 2 * NodeWriter::kBlockFields + 3}) {
    Node node;
    NodeWriter::reserve(node, reserved);
    const std::size_t total = reserved + NodeWriter::kBlockFields + 7;
    for (std::size_t i = 0; i < total; ++i) {
      REQUIRE(NodeWriter::set(node, "k" + std::to_string(i), Value(double(i)),
                              double(i)) == i);
    }
    NodeWriter::reserve(node, 5);  // no effect on a node with fields
    REQUIRE(node.size() == total);
    for (const std::size_t slot :
         {std::size_t{0}, reserved - 1, reserved, reserved + 1,
          reserved + NodeWriter::kBlockFields - 1,
          reserved + NodeWriter::kBlockFields, total - 1}) {
      INFO("reserved " << reserved << ", slot " << slot);
      CHECK(node.key(slot) == "k" + std::to_string(slot));
      CHECK(node.value(slot) == Value(double(slot)));
      CHECK(node.state(slot) == double(slot));
      CHECK(node.find("k" + std::to_string(slot)) == slot);
    }
    NodeWriter::assign(node, reserved, Value("moved"), 1e12);
    CHECK(node.value(reserved) == Value("moved"));
    CHECK(node.state_of("k" + std::to_string(reserved)) == 1e12);
  }
}

TEST_CASE("Node: a first block reserved short grows to the block size, no more",
          "[node]") {
  // A node reserved for its first delta and then written past it doubles
  // its first block, but stops at kBlockFields slots: the next field opens
  // a second block instead of a column twice the size it needs.
  constexpr std::size_t kColumns =
      sizeof(std::string) + sizeof(Value) + sizeof(State);
  constexpr std::size_t kIndexBound = 3 * 2 * NodeWriter::kBlockFields * 8;
  for (const std::size_t reserved :
       {std::size_t{1}, std::size_t{977}, NodeWriter::kBlockFields - 1}) {
    INFO("reserved " << reserved);
    Node node;
    NodeWriter::reserve(node, reserved);
    for (std::size_t i = 0; i < NodeWriter::kBlockFields; ++i) {
      REQUIRE(NodeWriter::set(node, "k" + std::to_string(i), Value(double(i)),
                              1) == i);
    }
    CHECK(node.memory_bytes() <=
          NodeWriter::kBlockFields * kColumns + kIndexBound + 4096);
    REQUIRE(NodeWriter::set(node, "next", Value("second block"), 1) ==
            NodeWriter::kBlockFields);
    CHECK(node.value(NodeWriter::kBlockFields) == Value("second block"));
    CHECK(node.value(NodeWriter::kBlockFields - 1) ==
          Value(double(NodeWriter::kBlockFields - 1)));
  }
}

TEST_CASE("SlotIndex grows without moving everything in one insert", "[node]") {
  std::vector<std::string> keys;
  detail::SlotIndex index;
  const auto key_at = [&keys](std::uint32_t s) -> const std::string& {
    return keys[s];
  };
  const auto insert = [&] {
    keys.push_back("key" + std::to_string(keys.size()));
    const auto slot = static_cast<std::uint32_t>(keys.size() - 1);
    REQUIRE(index.find_or_insert(keys.back(), slot, key_at) == slot);
  };
  // 8 buckets hold 6 keys; the 7th insert doubles the table.
  for (int i = 0; i < 6; ++i) insert();
  CHECK(index.capacity() == 8);
  for (int i = 0; i < 200; ++i) insert();
  // Past any growth under way: one table, whose size is a power of 2.
  while ((index.capacity() & (index.capacity() - 1)) != 0) insert();
  const std::size_t capacity = index.capacity();
  // The next growth: the old table stays until its buckets have moved, a
  // few per insert, and every key stays found meanwhile.
  while (index.capacity() == capacity) insert();
  const std::size_t grown = index.capacity();
  const std::size_t new_buckets = 2 * capacity;
  CHECK(grown == new_buckets + capacity);  // both tables are held
  int inserts = 0;
  while (index.capacity() == grown) {
    insert();
    ++inserts;
    for (std::uint32_t s = 0; s < keys.size(); s += 17) {
      REQUIRE(index.find(keys[s], key_at) == s);
    }
  }
  CHECK(index.capacity() == new_buckets);  // the old table is gone
  // The move took about capacity / 2 inserts, two buckets each: none did it
  // all, and it ended before the new table was 3/4 full.
  CHECK(inserts >= static_cast<int>(capacity / 2) - 1);
  CHECK(inserts <= static_cast<int>(capacity / 2) + 1);
  CHECK(4 * keys.size() <= 3 * new_buckets);
  for (std::uint32_t s = 0; s < keys.size(); ++s) {
    REQUIRE(index.find(keys[s], key_at) == s);
  }
  CHECK(index.find("absent", key_at) == detail::SlotIndex::kNone);
}

TEST_CASE(
    "SlotIndex: a staged table warms a huge page a step, and works "
    "before",
    "[node]") {
  using detail::SlotIndex;
  std::vector<std::string> keys;
  const auto key_at = [&keys](std::uint32_t s) -> const std::string& {
    return keys[s];
  };
  // 1M keys: 2^21 buckets of 8 bytes, 16 MiB, 8 huge pages to warm.
  constexpr std::size_t kKeys = 1'000'000;
  constexpr std::size_t kBytes = (std::size_t{1} << 21) * 8;
  SlotIndex index;
  index.reserve(kKeys, SlotIndex::Fill::kStaged);
  REQUIRE(index.capacity() == kBytes / 8);
  REQUIRE(index.warming());
  // Inserts and lookups do not wait for the warming.
  for (std::uint32_t s = 0; s < 1000; ++s) {
    keys.push_back("key" + std::to_string(s));
    REQUIRE(index.find_or_insert(keys.back(), s, key_at) == s);
  }
  std::size_t steps = 0;
  while (index.warming()) {
    index.warm_step();
    ++steps;
    REQUIRE(steps <= kBytes / detail::kHugePageBytes);
  }
  CHECK(steps == kBytes / detail::kHugePageBytes);
  index.warm_step();  // nothing left: no effect
  for (std::uint32_t s = 0; s < keys.size(); ++s) {
    REQUIRE(index.find(keys[s], key_at) == s);
  }
  CHECK(index.find("absent", key_at) == SlotIndex::kNone);

  // A copy is written whole, so it has nothing to warm.
  SlotIndex staged;
  staged.reserve(kKeys, SlotIndex::Fill::kStaged);
  const SlotIndex copy = staged;
  CHECK_FALSE(copy.warming());

  // Below kStagedMinBytes, or filled otherwise, there is nothing to stage.
  SlotIndex small;
  small.reserve(SlotIndex::kStagedMinBytes / 8 * 3 / 8,
                SlotIndex::Fill::kStaged);
  CHECK(small.capacity() * 8 < SlotIndex::kStagedMinBytes);
  CHECK_FALSE(small.warming());
  SlotIndex gradual;
  gradual.reserve(kKeys);
  CHECK_FALSE(gradual.warming());

  // A node reserved for a million fields stages its index; for a hundred
  // thousand (a 2 MiB table) it does not.
  Node big;
  NodeWriter::reserve(big, kKeys);
  CHECK(NodeWriter::warming(big));
  Node medium;
  NodeWriter::reserve(medium, 100'000);
  CHECK_FALSE(NodeWriter::warming(medium));
}

}  // namespace
}  // namespace gunpp
