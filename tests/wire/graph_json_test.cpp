#include "gunpp/wire/graph_json.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "wire/hashed_node_writer.hpp"

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

TEST_CASE(
    "canonical key order is UTF-16 order, with or without high characters",
    "[wire]") {
  // Random keys from two alphabets: one below U+E000, where byte order is
  // UTF-16 order, and one mixing U+FFFD and U+1F600, where it is not. Some
  // share a prefix longer than 16 bytes, and NUL sorts below the end of a
  // shorter key. Few keys take a comparison sort, many a radix sort.
  const std::vector<std::vector<std::string>> alphabets = {
      {"a", "b", "Z", "0", std::string(1, '\0'), "\xC3\xA9", "\xE4\xB8\xAD",
       "~"},
      {"a", "Z", "\xC3\xA9", "\xEF\xBF\xBD", "\xF0\x9F\x98\x80",
       "\xEE\x80\x80"}};
  const std::vector<std::string> prefixes = {"", "", "a shared prefix, 20 b",
                                             "a shared prefix, 20 c"};
  std::mt19937 random(7);
  for (const auto& alphabet : alphabets) {
    for (const int count : {100, 3000}) {
      CAPTURE(alphabet.size(), count);
      ManualClock clock(5000);
      Scheduler scheduler(clock);
      GraphStore store(scheduler);
      Graph g;
      std::vector<std::string> keys;
      for (int i = 0; i < count; ++i) {
        std::string key = prefixes[random() % prefixes.size()];
        for (std::size_t n = 1 + random() % 4; n > 0; --n) {
          key += alphabet[random() % alphabet.size()];
        }
        if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
        keys.push_back(key);
        g.add("s", key, 1, 1);
      }
      REQUIRE(store.put(std::move(g)));
      scheduler.run_until_idle();
      std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
        return utf16_compare(a, b) < 0;
      });
      std::vector<std::string> written;
      const auto node = nlohmann::ordered_json::parse(encode_graph(store))["s"];
      for (const auto& [key, value] : node.items()) {
        if (key != "_") written.push_back(key);
      }
      CHECK(written == keys);
    }
  }
}

TEST_CASE("write_canonical_graph hands out its text node by node", "[wire]") {
  ManualClock clock(5000);
  Scheduler scheduler(clock);
  GraphStore store(scheduler);
  Graph g;
  g.add("c", "k", 3, 1).add("a", "k", 1, 1).add("b", "k", 2, 1);
  REQUIRE(store.put(std::move(g)));
  scheduler.run_until_idle();
  std::string text;
  std::vector<std::string> pieces;
  JsonWriter json(text);
  json.begin_array();  // as the next value of an enclosing document
  write_canonical_graph(json, store, [&] {
    pieces.push_back(text);
    text.clear();
  });
  json.end_array();
  REQUIRE(pieces.size() == 3);  // one drain per node, never the whole graph
  CHECK(pieces[0] == R"([{"a":{"_":{"#":"a",">":{"k":1}},"k":1})");
  CHECK(pieces[1] == R"(,"b":{"_":{"#":"b",">":{"k":1}},"k":2})");
  std::string all;
  for (const std::string& piece : pieces) all += piece;
  CHECK(all + text == "[" + encode_graph(store) + "]");
}

TEST_CASE(
    "write_canonical_graph drains a large node a few thousand keys at a "
    "time",
    "[wire]") {
  ManualClock clock(5000);
  Scheduler scheduler(clock);
  GraphStore store(scheduler);
  constexpr int kFields = 10000;
  Graph g;
  for (int i = 0; i < kFields; ++i) g.add("big", "k" + std::to_string(i), i, 1);
  g.add("small", "k", "v", 1);
  REQUIRE(store.put(std::move(g)));
  scheduler.run_until_idle();
  std::string text;
  std::vector<std::string> pieces;
  JsonWriter json(text);
  write_canonical_graph(json, store, [&] {
    pieces.push_back(text);
    text.clear();
  });
  // 2 * kFields keys (states, then values) drain every kDrainFields, then
  // once after each node.
  CHECK(pieces.size() == 2 * kFields / kDrainFields + 2);
  const std::string whole = encode_graph(store);
  std::size_t largest = 0;
  std::string all;
  for (const std::string& piece : pieces) {
    largest = std::max(largest, piece.size());
    all += piece;
  }
  CHECK(largest < whole.size() / 3);
  CHECK(all + text == whole);
}

TEST_CASE("write_node writes the given slots in order", "[wire]") {
  const Node node(
      std::vector<Field>{Field{"b", Value(2), 20}, Field{"a", Value("x"), 10}});
  std::string out;
  JsonWriter json(out);
  write_node(json, "s", node, std::vector<std::size_t>{1, 0});
  CHECK(out == R"({"_":{"#":"s",">":{"a":10,"b":20}},"a":"x","b":2})");
  out.clear();
  JsonWriter just_one(out);
  write_node(just_one, "s", node, std::vector<std::size_t>{0});
  CHECK(out == R"({"_":{"#":"s",">":{"b":20}},"b":2})");
}

TEST_CASE("put_hash is GUN.js's ## of a reply's put", "[wire]") {
  // GUN.js: String.hash(JSON.stringify(put, sort)) for this node printed
  // {"s":{"9":null,"10":1.5,"B":{"#":"t"},"_":{"#":"s",">":{"9":3,"10":2,
  // "B":4,"a":1,"é":5}},"a":"x","é":true}} and 2028115081: keys sorted, then
  // integer-like keys first, as JavaScript lays out an object's properties.
  const Node node(std::vector<Field>{
      Field{"a", Value("x"), 1}, Field{"10", Value(1.5), 2},
      Field{"9", Value(), 3}, Field{"B", Value(Link("t")), 4},
      Field{"\xC3\xA9", Value(true), 5}});
  CHECK(detail::put_hash("s", node, std::vector<std::size_t>{0, 1, 2, 3, 4}) ==
        2028115081);
  CHECK(detail::put_hash("s", node, std::vector<std::size_t>{4, 3, 2, 1, 0}) ==
        2028115081);  // any order
}

TEST_CASE("HashedNodeWriter writes write_node's text and put_hash's hash",
          "[wire]") {
  detail::HashedNodeWriter writer;
  const Node node(std::vector<Field>{
      Field{"a", Value("x"), 1}, Field{"10", Value(1.5), 2},
      Field{"9", Value(), 3}, Field{"B", Value(Link("t")), 4},
      Field{"\xC3\xA9", Value(true), 5}, Field{"q\"t\n", Value("v\\"), 1e21},
      Field{"", Value(-0.0),
            0.5}});  // the node GUN.js hashed above, and keys that need escapes
  const std::vector<std::size_t> gun_js{4, 3, 2, 1, 0};
  std::string text = "[";
  CHECK(writer.write(text, "s", node, gun_js) == 2028115081);
  std::string expected = "[";
  JsonWriter json(expected);
  write_node(json, "s", node, gun_js);
  CHECK(text == expected);

  const std::vector<std::size_t> all{6, 0, 5, 1, 2, 3, 4};
  text.clear();
  const std::int32_t hash = writer.write(text, "s\"", node, all);
  CHECK(hash == detail::put_hash("s\"", node, all));
  CHECK(hash != detail::put_hash("s\"", node, gun_js));
  expected.clear();
  JsonWriter again(expected);
  write_node(again, "s\"", node, all);
  CHECK(text == expected);
}

TEST_CASE("HashedNodeWriter: a large chunk, then a small one", "[wire]") {
  detail::HashedNodeWriter writer;
  // The encoding scratch grows for the large chunk and is freed after it;
  // the next chunk must not see what it held.
  std::vector<Field> fields;
  std::vector<std::size_t> slots;
  for (std::size_t i = 0; i < 2000; ++i) {
    fields.push_back(Field{"k" + std::to_string(i),
                           Value(std::string(100, 'v')),
                           static_cast<double>(i)});
    slots.push_back(i);
  }
  const Node large(std::move(fields));
  std::string text;
  const std::int32_t large_hash = writer.write(text, "big", large, slots);
  CHECK(text.size() > 200'000);
  CHECK(large_hash == detail::put_hash("big", large, slots));

  const Node small(std::vector<Field>{Field{"a", Value(1), 2}});
  const std::vector<std::size_t> one{0};
  text.clear();
  const std::int32_t small_hash = writer.write(text, "s", small, one);
  CHECK(text == R"({"_":{"#":"s",">":{"a":2}},"a":1})");
  CHECK(small_hash ==
        detail::gun_hash(R"({"s":{"_":{"#":"s",">":{"a":2}},"a":1}})"));
}

TEST_CASE("gun_hash is GUN.js's String.hash over UTF-16", "[wire]") {
  // Values printed by GUN.js's String.hash in node.
  CHECK(detail::gun_hash("") == 0);
  CHECK(detail::gun_hash("abc") == 96354);
  CHECK(detail::gun_hash(R"({"a":1})") == -1442153986);
  CHECK(detail::gun_hash("\xC3\xA9\xF0\x9F\x98\x80") == 1996812);  // é, U+1F600
  // Runs of ASCII, hashed four bytes at a time, between and around
  // multi-byte characters (h = (h << 5) - h + c; h |= 0, in node).
  CHECK(detail::gun_hash("abcdefghijklmnopqrstuvwxyz0123456789") == 1478768498);
  CHECK(detail::gun_hash("abcd\xC3\xA9"
                         "fgh\xF0\x9F\x98\x80ijklmnop\xE4\xB8\xADq") ==
        97962635);
  CHECK(detail::gun_hash("\xC3\xA9"
                         "abcdefgh") == 1029578861);
}

TEST_CASE("write_graph writes a delta as a put's graph", "[wire]") {
  Graph graph;
  graph.add("b", "y", 2, 20)
      .add("a", "x", Link("b"), 10)
      .add("b", "z", "s", 30);
  std::string out;
  JsonWriter json(out);
  write_graph(json, graph);
  CHECK(out == R"({"b":{"_":{"#":"b",">":{"y":20,"z":30}},"y":2,"z":"s"},)"
               R"("a":{"_":{"#":"a",">":{"x":10}},"x":{"#":"b"}}})");
}

}  // namespace
}  // namespace gunpp
