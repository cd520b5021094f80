// The store's soul table and the index under it (erase, clear). Internal
// types (src/core), tested directly: the store's tests cover them through
// the public API (eviction, chunked loads), these pin down the edge cases.
#include "soul_table.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/slot_index.hpp"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

namespace gunpp::detail {
namespace {

// Keys in a column, named k0, k1, ... by slot, as Node and the soul table
// keep theirs, with a SlotIndex over them.
struct Column {
  std::vector<std::string> keys;
  SlotIndex index;

  auto key_at() const {
    return [this](std::uint32_t s) -> const std::string& { return keys[s]; };
  }
  // Appends the next key; it must be new.
  void insert() {
    keys.push_back("k" + std::to_string(keys.size()));
    const auto slot = static_cast<std::uint32_t>(keys.size() - 1);
    REQUIRE(index.find_or_insert(keys.back(), slot, key_at()) == slot);
  }
  std::uint32_t find(std::string_view key) const {
    return index.find(key, key_at());
  }
  std::uint32_t erase(std::string_view key) {
    return index.erase(key, SlotIndex::hash(key), key_at());
  }
};

TEST_CASE("SlotIndex erase leaves every other key found", "[soul_table]") {
  Column c;
  for (int i = 0; i < 1000; ++i) c.insert();
  // Every third key goes; probes for the others must pass the tombstones.
  for (std::uint32_t s = 0; s < 1000; s += 3) REQUIRE(c.erase(c.keys[s]) == s);
  CHECK(c.index.size() == 1000 - 334);
  for (std::uint32_t s = 0; s < 1000; ++s) {
    REQUIRE(c.find(c.keys[s]) == (s % 3 == 0 ? SlotIndex::kNone : s));
  }
  CHECK(c.erase("k0") == SlotIndex::kNone);
  CHECK(c.erase("absent") == SlotIndex::kNone);
  // An erased key inserted again takes the new slot it is given.
  c.keys.push_back("k0");
  CHECK(c.index.find_or_insert("k0", 1000, c.key_at()) == 1000);
  CHECK(c.find("k0") == 1000);
}

TEST_CASE("SlotIndex erases from a table that is still moving",
          "[soul_table]") {
  Column c;
  for (int i = 0; i < 96; ++i) c.insert();  // 128 buckets, 3/4 full
  REQUIRE(c.index.capacity() == 128);
  c.insert();  // grows: both tables are held while entries move
  REQUIRE(c.index.capacity() == 128 + 256);
  // Keys still in the old table and keys already moved both erase.
  for (std::uint32_t s = 0; s < 97; s += 2) REQUIRE(c.erase(c.keys[s]) == s);
  while (c.index.capacity() != 256) c.insert();
  for (std::uint32_t s = 0; s < c.keys.size(); ++s) {
    const bool erased = s < 97 && s % 2 == 0;
    REQUIRE(c.find(c.keys[s]) == (erased ? SlotIndex::kNone : s));
  }
}

TEST_CASE("SlotIndex churn does not grow the table", "[soul_table]") {
  // A cache that evicts and loads: live keys stay at 100 while thousands
  // are inserted and erased. Tombstones are dropped by rebuilding at the
  // same size, not by doubling.
  Column c;
  for (std::uint32_t s = 0; s < 20000; ++s) {
    c.insert();
    if (s >= 100) REQUIRE(c.erase(c.keys[s - 100]) == s - 100);
  }
  CHECK(c.index.size() == 100);
  // 100 live keys are more than 3/8 of 256 buckets, so 512, plus one table
  // of 512 moving; without rebuilding in place it would be 32,768.
  CHECK(c.index.capacity() <= 1024);
  for (std::uint32_t s = 19900; s < 20000; ++s) REQUIRE(c.find(c.keys[s]) == s);
  CHECK(c.find(c.keys[19899]) == SlotIndex::kNone);
}

TEST_CASE("SlotIndex rebuilt at its size moves four buckets an insert",
          "[soul_table]") {
  // Churn at 40 live keys in 128 buckets: tombstones fill the table, which
  // is rebuilt at its size (both tables of 128 held while entries move).
  Column c;
  std::uint32_t next_erase = 0;
  const auto churn = [&] {
    c.insert();
    if (c.keys.size() > 40)
      REQUIRE(c.erase(c.keys[next_erase++]) != SlotIndex::kNone);
  };
  while (c.index.capacity() != 128 + 128) {
    churn();
    REQUIRE(c.keys.size() < 100000);
  }
  int inserts = 0;
  while (c.index.capacity() != 128) {
    churn();
    ++inserts;
  }
  CHECK(inserts >= 128 / 4 - 1);
  CHECK(inserts <= 128 / 4 + 1);
  CHECK(c.index.size() == 40);
  for (std::uint32_t s = next_erase; s < c.keys.size(); ++s) {
    REQUIRE(c.find(c.keys[s]) == s);
  }
}

TEST_CASE("SlotIndex clear keeps a small table and frees a large one",
          "[soul_table]") {
  Column c;
  const auto fill = [&c](int n) {
    c.keys.clear();
    c.index.clear();
    for (int i = 0; i < n; ++i) c.insert();
  };
  fill(10);
  CHECK(c.index.capacity() == 16);
  c.index.clear();
  CHECK(c.index.size() == 0);
  CHECK(c.index.capacity() == 16);  // kept, empty
  CHECK(c.find("k3") == SlotIndex::kNone);
  fill(10);  // the same keys again, at the same slots
  CHECK(c.find("k3") == 3);
  fill(1000);
  CHECK(c.index.capacity() >= 1024);
  c.index.clear();
  CHECK(c.index.capacity() == 0);  // freed
  CHECK(c.find("k3") == SlotIndex::kNone);
  fill(3);
  CHECK(c.find("k2") == 2);
}

TEST_CASE("SoulTable keeps values in place and reuses erased slots",
          "[soul_table]") {
  SoulTable<std::vector<int>> table;
  CHECK(table.size() == 0);
  CHECK(table.find(SoulKey("a")) == nullptr);
  CHECK_FALSE(table.erase("a"));

  auto [a, inserted] = table.try_emplace(SoulKey("a"));
  REQUIRE(inserted);
  REQUIRE(a != nullptr);
  CHECK(a->empty());  // default-constructed
  a->push_back(1);
  auto [again, inserted_again] = table.try_emplace(SoulKey("a"));
  CHECK_FALSE(inserted_again);
  CHECK(again == a);

  // Past several chunks, the first value has not moved.
  for (int i = 0; i < 10000; ++i) {
    table.try_emplace(SoulKey("s" + std::to_string(i))).first->push_back(i);
  }
  CHECK(table.size() == 10001);
  CHECK(table.find(SoulKey("a")) == a);
  CHECK(*a == std::vector<int>{1});
  CHECK(*table.find(SoulKey("s9999")) == std::vector<int>{9999});
  CHECK(table.contains("s5000"));
  CHECK_FALSE(table.contains("s10000"));

  // Iteration is in insertion order and skips what was erased.
  CHECK(table.erase("s1"));
  CHECK_FALSE(table.erase("s1"));
  CHECK_FALSE(table.contains("s1"));
  CHECK(table.size() == 10000);
  std::vector<std::string> order;
  table.for_each([&order](const std::string& soul, std::vector<int>& value) {
    REQUIRE(value.size() == 1);
    if (order.size() < 3) order.push_back(soul);
  });
  CHECK(order == std::vector<std::string>{"a", "s0", "s2"});

  // The erased slot is reused: the newcomer takes s1's place in the order.
  table.try_emplace(SoulKey("new")).first->push_back(-1);
  order.clear();
  table.for_each([&order](const std::string& soul, const std::vector<int>&) {
    if (order.size() < 3) order.push_back(soul);
  });
  CHECK(order == std::vector<std::string>{"a", "s0", "new"});
  CHECK(*table.find(SoulKey("new")) == std::vector<int>{-1});
}

TEST_CASE("SoulTable takes the empty soul like any other", "[soul_table]") {
  SoulTable<int> table;
  *table.try_emplace(SoulKey("")).first = 7;
  *table.try_emplace(SoulKey("x")).first = 8;
  CHECK(*table.find(SoulKey("")) == 7);
  CHECK(table.erase(""));
  CHECK(table.find(SoulKey("")) == nullptr);
  CHECK(*table.find(SoulKey("x")) == 8);
  int sum = 0;
  std::as_const(table).for_each(
      [&sum](const std::string&, const int& v) { sum += v; });
  CHECK(sum == 8);
}

#if defined(__SANITIZE_ADDRESS__)
// Past the first chunk, entries live in memory mapped from the kernel,
// where LeakSanitizer does not look for pointers unless told to: without
// that, the souls and values only the table points to would be reported
// as leaked while the table is alive.
TEST_CASE("SoulTable: what mapped chunks point to is not a leak",
          "[soul_table]") {
  SoulTable<std::vector<int>> table;
  for (int i = 0; i < 6000; ++i) {
    const std::string soul =
        "a soul longer than fifteen bytes " + std::to_string(i);
    table.try_emplace(SoulKey(soul)).first->assign(100, i);
  }
  CHECK(__lsan_do_recoverable_leak_check() == 0);
  CHECK(table.find(SoulKey("a soul longer than fifteen bytes 5999"))->front() ==
        5999);
}
#endif

}  // namespace
}  // namespace gunpp::detail
