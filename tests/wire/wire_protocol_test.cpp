#include "gunpp/wire/wire_protocol.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/field_pool.hpp"
#include "core/store_access.hpp"
#include "gunpp/wire/graph_json.hpp"
#include "wire/dedup.hpp"
#include "wire/hashed_node_writer.hpp"

namespace gunpp {
namespace {

using Json = nlohmann::json;

struct Peer {
  explicit Peer(StoreOptions options = {},
                WireProtocolOptions protocol_options = {})
      : replies(),
        clock(5000),
        scheduler(clock),
        store(scheduler, options),
        protocol(store, protocol_options) {}

  Received send(const std::string& frame) {
    return protocol.receive(frame, [this](std::string reply) {
      replies.push_back(Json::parse(reply));
    });
  }

  // Declared first so it outlives the store, whose destructor may still
  // deliver cancelled acks.
  std::vector<Json> replies;
  ManualClock clock;
  Scheduler scheduler;
  GraphStore store;
  WireProtocol protocol;
};

std::string node_json(const std::string& soul, int fields) {
  std::string states;
  std::string values;
  for (int i = 0; i < fields; ++i) {
    const std::string key = "k" + std::to_string(i);
    states += (i ? "," : "") + ("\"" + key + "\":1000");
    values += ",\"" + key + "\":" + std::to_string(i);
  }
  return "\"" + soul + R"(":{"_":{"#":")" + soul + R"(",">":{)" + states +
         "}}" + values + "}";
}

// The store's nodes take their first block from the same pool the puts are
// decoded into, and each put's arrays, freed once applied, hold the next
// put's fields: the pool holds the nodes and one put, not every put.
TEST_CASE("decoded puts and the nodes they make share the store's pool",
          "[protocol]") {
  Peer peer;
  const auto* pool = dynamic_cast<const detail::FieldPool*>(
      detail::StoreAccess::field_memory(peer.store));
  REQUIRE(pool != nullptr);
  // Nodes of 10 fields, a little more than one 2 MiB chunk of them: two
  // chunks in all; with the puts' arrays kept apart, three.
  constexpr std::size_t kChunk = std::size_t{2} << 20;
  constexpr int kNodes = static_cast<int>(kChunk / (10 * sizeof(Field))) + 200;
  for (int n = 0; n < kNodes; ++n) {
    const Received r = peer.send(R"({"put":{)" +
                                 node_json("s" + std::to_string(n), 10) + "}}");
    REQUIRE(r.messages.size() == 1);
    REQUIRE(r.messages[0].is_ok());
    peer.scheduler.run_until_idle();
  }
  CHECK(peer.store.node_count() == kNodes);
  CHECK(pool->mapped_bytes() == 2 * kChunk);
  const Node* last = peer.store.get("s" + std::to_string(kNodes - 1));
  REQUIRE(last != nullptr);
  REQUIRE(last->size() == 10);
  CHECK(last->value(9) == Value(9));
  CHECK(peer.store.get("s0")->key(0) == "k0");
}

TEST_CASE("a put is applied and acked once ingested", "[protocol]") {
  Peer peer;
  const Received r =
      peer.send(R"({"#":"m1","put":{)" + node_json("a", 3) + "}}");
  CHECK(r.frame.is_ok());
  REQUIRE(r.messages.size() == 1);
  CHECK(r.messages[0].is_ok());
  CHECK(peer.replies.empty());  // acked after the ingest turns
  peer.scheduler.run_until_idle();
  REQUIRE(peer.replies.size() == 1);
  CHECK(peer.replies[0]["@"] == "m1");
  CHECK(peer.replies[0]["ok"] == Json::parse(R"({"":1})"));
  CHECK(peer.replies[0]["#"].is_string());
  CHECK(peer.store.get("a")->size() == 3);
}

TEST_CASE("a padded frame is received as its text is", "[protocol]") {
  Peer peer;
  const auto send_padded = [&peer](const std::string& frame) {
    // Padding that would be a second message if it were read as text.
    const std::string buffer =
        frame + std::string(kFramePadding, '}') + R"([{"#":"ghost","put":{}}])";
    return peer.protocol.receive(
        PaddedFrame{std::string_view(buffer).substr(0, frame.size())},
        [&peer](std::string reply) {
          peer.replies.push_back(Json::parse(reply));
        });
  };
  const std::string put = R"({"#":"m1","put":{)" + node_json("a", 3) + "}}";
  const Received first = send_padded(put);
  CHECK(first.frame.is_ok());
  CHECK(first.messages.size() == 1);
  CHECK(send_padded(put).duplicates == 1);
  peer.scheduler.run_until_idle();
  REQUIRE(peer.replies.size() == 1);
  CHECK(peer.replies[0]["@"] == "m1");
  CHECK(peer.store.get("a")->size() == 3);
  const Received bad = send_padded(R"({"#":"m2","put":)");
  CHECK(bad.frame.code() == Status::Code::kInvalidArgument);
  CHECK(bad.messages.empty());
  REQUIRE(peer.replies.size() == 2);  // the frame's error
  CHECK(peer.replies[1].contains("err"));
}

TEST_CASE("a put that changes nothing is acked too", "[protocol]") {
  Peer peer;
  const std::string m = R"({"put":{)" + node_json("a", 2) + "}}";
  peer.send(m);
  peer.scheduler.run_until_idle();
  // The same fields again, under a new id: every field ties and is ignored.
  peer.send(R"({"#":"again","put":{)" + node_json("a", 2) + "}}");
  peer.scheduler.run_until_idle();
  REQUIRE(peer.replies.size() == 1);
  CHECK(peer.replies[0]["@"] == "again");
  CHECK(peer.replies[0].contains("ok"));
  CHECK(peer.store.stats().ignored == 2);
}

TEST_CASE("an invalid put changes nothing and gets an error ack",
          "[protocol]") {
  Peer peer;
  const Received r = peer.send(
      R"({"#":"bad","put":{"a":{"_":{"#":"a",">":{"x":1,"y":1}},"x":1,"y":[1]}}})");
  REQUIRE(r.messages.size() == 1);
  CHECK(r.messages[0].code() == Status::Code::kInvalidArgument);
  REQUIRE(peer.replies.size() == 1);
  CHECK(peer.replies[0]["@"] == "bad");
  CHECK(peer.replies[0]["err"] ==
        "Invalid graph: soul 'a' key 'y': bad value (array)");
  peer.scheduler.run_until_idle();
  CHECK(peer.store.node_count() == 0);
}

TEST_CASE("a put the store refuses gets an error ack", "[protocol]") {
  StoreOptions options;
  options.max_pending_jobs = 1;
  Peer peer(options);
  peer.send(R"([{"#":"m1","put":{)" + node_json("a", 1) + R"(}},)" +
            R"({"#":"m2","put":{)" + node_json("b", 1) + "}}]");
  REQUIRE(peer.replies.size() == 1);
  CHECK(peer.replies[0]["@"] == "m2");
  CHECK(peer.replies[0]["err"].get<std::string>().find("max_pending_jobs") !=
        std::string::npos);
}

TEST_CASE("a message without an id is applied but not acked", "[protocol]") {
  Peer peer;
  peer.send(R"({"put":{)" + node_json("a", 1) + "}}");
  peer.send(R"({"put":{"a":null}})");
  peer.scheduler.run_until_idle();
  CHECK(peer.replies.empty());
  CHECK(peer.store.get("a"));
}

TEST_CASE("a message seen twice is processed once", "[protocol]") {
  Peer peer;
  const std::string m = R"({"#":"dup","put":{)" + node_json("a", 1) + "}}";
  CHECK(peer.send(m).duplicates == 0);
  CHECK(peer.send(m).duplicates == 1);
  peer.scheduler.run_until_idle();
  CHECK(peer.replies.size() == 1);
  CHECK(peer.store.stats().keys_visited == 1);
}

TEST_CASE("a whole-node get is answered in chained chunks", "[protocol]") {
  Peer peer;
  peer.send(R"({"put":{)" + node_json("a", 20) + "}}");
  peer.scheduler.run_until_idle();
  peer.send(R"({"#":"g1","get":{"#":"a"}})");
  CHECK(peer.replies.empty());
  CHECK(peer.scheduler.poll(1) == 1);  // one chunk per turn
  CHECK(peer.replies.size() == 1);
  peer.scheduler.run_until_idle();
  REQUIRE(peer.replies.size() == 3);
  std::size_t fields = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const Json& chunk = peer.replies[i];
    CHECK(chunk["@"] == "g1");
    const Json& node = chunk["put"]["a"];
    CHECK(node["_"]["#"] == "a");
    CHECK(node.size() <= 9);  // "_" plus at most 8 fields
    CHECK(node["_"][">"].size() == node.size() - 1);
    fields += node.size() - 1;
    if (i < 2) {
      CHECK(chunk["%"] == peer.replies[i + 1]["#"]);
    } else {
      CHECK_FALSE(chunk.contains("%"));
    }
  }
  CHECK(fields == 20);
  // Each chunk carries "##", GUN's hash of its put (graph_json_test checks
  // the hash against GUN.js itself).
  std::vector<Field> chunk_fields;
  for (auto& [key, value] : peer.replies[2]["put"]["a"].items()) {
    if (key != "_") {
      chunk_fields.push_back(
          Field{key, Value(value.get<double>()),
                peer.replies[2]["put"]["a"]["_"][">"][key].get<double>()});
    }
  }
  const Node chunk_node(std::move(chunk_fields));
  std::vector<std::size_t> slots(chunk_node.size());
  for (std::size_t s = 0; s < slots.size(); ++s) slots[s] = s;
  CHECK(peer.replies[2]["##"] == detail::put_hash("a", chunk_node, slots));
  CHECK(peer.replies[0]["put"]["a"]["k0"] == 0);
  CHECK(peer.replies[0]["put"]["a"]["_"][">"]["k0"] == 1000);
}

TEST_CASE("gets for one key and unknown souls", "[protocol]") {
  Peer peer;
  peer.send(R"({"put":{)" + node_json("a", 2) + "}}");
  peer.scheduler.run_until_idle();

  peer.send(R"({"#":"g1","get":{"#":"a",".":"k1"}})");
  REQUIRE(peer.replies.size() == 1);
  CHECK(peer.replies[0]["put"] ==
        Json::parse(R"({"a":{"_":{"#":"a",">":{"k1":1000}},"k1":1}})"));

  peer.send(R"({"#":"g2","get":{"#":"a",".":"nope"}})");
  peer.send(R"({"#":"g3","get":{"#":"zzz"}})");
  REQUIRE(peer.replies.size() == 3);
  CHECK(peer.replies[1]["@"] == "g2");
  CHECK_FALSE(peer.replies[1].contains("put"));
  CHECK(peer.replies[2]["@"] == "g3");
  CHECK_FALSE(peer.replies[2].contains("put"));

  WireProtocolOptions quiet;
  quiet.reply_not_found = false;
  Peer silent({}, quiet);
  silent.send(R"({"#":"g","get":{"#":"zzz"}})");
  CHECK(silent.replies.empty());
}

// The keys of the fields in a reply's put of `soul`, "_" left out.
std::vector<std::string> reply_keys(const Json& reply,
                                    const std::string& soul) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : reply["put"][soul].items()) {
    if (key != "_") keys.push_back(key);
  }
  return keys;
}

TEST_CASE("LEX gets are answered in key order, chunked", "[protocol][lex]") {
  Peer peer;
  // Keys k0..k19; as strings, k1 k10..k19 sort before k2.
  peer.send(R"({"put":{)" + node_json("a", 20) + "}}");
  peer.scheduler.run_until_idle();

  SECTION("a prefix") {
    peer.send(R"({"#":"p","get":{"#":"a",".":{"*":"k1"}}})");
    peer.scheduler.run_until_idle();
    // k1, k10..k19: 11 fields, 8 a reply, chained by "%".
    REQUIRE(peer.replies.size() == 2);
    CHECK(peer.replies[0]["@"] == "p");
    CHECK(peer.replies[0]["%"] == peer.replies[1]["#"]);
    CHECK_FALSE(peer.replies[1].contains("%"));
    auto keys = reply_keys(peer.replies[0], "a");
    const auto more = reply_keys(peer.replies[1], "a");
    keys.insert(keys.end(), more.begin(), more.end());
    std::sort(keys.begin(), keys.end());
    CHECK(keys == std::vector<std::string>{"k1", "k10", "k11", "k12", "k13",
                                           "k14", "k15", "k16", "k17", "k18",
                                           "k19"});
  }
  SECTION("an inclusive range") {
    peer.send(R"({"#":"r","get":{"#":"a",".":{">":"k3","<":"k5"}}})");
    peer.scheduler.run_until_idle();
    REQUIRE(peer.replies.size() == 1);
    CHECK(reply_keys(peer.replies[0], "a") ==
          std::vector<std::string>{"k3", "k4", "k5"});
    CHECK(peer.replies[0]["put"]["a"]["_"][">"]["k4"] == 1000);
  }
  SECTION("one bound, and an exact key") {
    peer.send(R"({"#":"lo","get":{"#":"a",".":{">":"k8"}}})");
    peer.send(R"({"#":"eq","get":{"#":"a",".":{"=":"k7"}}})");
    peer.scheduler.run_until_idle();
    REQUIRE(peer.replies.size() == 2);
    CHECK(reply_keys(peer.replies[0], "a") ==
          std::vector<std::string>{"k8", "k9"});
    CHECK(reply_keys(peer.replies[1], "a") == std::vector<std::string>{"k7"});
  }
  SECTION("a byte budget counts 9 for a number") {
    peer.send(R"({"#":"b","get":{"#":"a",".":{">":"k3"},"%":20}})");
    peer.scheduler.run_until_idle();
    REQUIRE(peer.replies.size() == 1);
    // k3 (9), k4 (18), k5 (27 >= 20): the field that reaches it is included.
    CHECK(reply_keys(peer.replies[0], "a") ==
          std::vector<std::string>{"k3", "k4", "k5"});
  }
  SECTION("nothing in range is not found") {
    peer.send(R"({"#":"n","get":{"#":"a",".":{"*":"x"}}})");
    peer.send(R"({"#":"m","get":{"#":"missing",".":{"*":"k"}}})");
    REQUIRE(peer.replies.size() == 2);
    CHECK_FALSE(peer.replies[0].contains("put"));
    CHECK_FALSE(peer.replies[1].contains("put"));
  }
  SECTION("a later \".\" replaces an earlier one") {
    peer.send(R"({"#":"d","get":{"#":"a",".":{"*":"k1"},".":"k2"}})");
    REQUIRE(peer.replies.size() == 1);
    CHECK(reply_keys(peer.replies[0], "a") == std::vector<std::string>{"k2"});
  }
}

TEST_CASE("a frame that is not JSON gets a dam error", "[protocol]") {
  Peer peer;
  const Received r = peer.send("{not json");
  CHECK(r.frame.code() == Status::Code::kInvalidArgument);
  CHECK(r.messages.empty());
  REQUIRE(peer.replies.size() == 1);
  CHECK(peer.replies[0]["dam"] == "!");
  CHECK(peer.replies[0]["err"] == "frame is not valid JSON");
}

TEST_CASE("acks are accepted and ignored", "[protocol]") {
  Peer peer;
  const Received r = peer.send(R"({"#":"x","@":"m1","ok":{"":1}})");
  CHECK(r.messages.size() == 1);
  CHECK(r.messages[0].is_ok());
  CHECK(peer.replies.empty());
}

TEST_CASE("Dedup forgets by count and by age", "[dedup]") {
  ManualClock clock(0);
  Dedup dedup(clock, DedupOptions{.max_ids = 3,
                                  .max_age = std::chrono::milliseconds(100)});
  CHECK_FALSE(dedup.check_and_insert("a"));
  CHECK(dedup.check_and_insert("a"));
  CHECK_FALSE(dedup.check_and_insert("b"));
  CHECK_FALSE(dedup.check_and_insert("c"));
  CHECK(dedup.size() == 3);
  CHECK_FALSE(dedup.check_and_insert("d"));  // "a" is forgotten: too many
  CHECK(dedup.size() == 3);
  CHECK_FALSE(dedup.check_and_insert("a"));
  clock.advance(99);
  CHECK(dedup.check_and_insert("d"));
  clock.advance(1);  // "b".."a" are 100 ms old now
  CHECK_FALSE(dedup.check_and_insert("d"));
  CHECK(dedup.size() == 1);
}

}  // namespace
}  // namespace gunpp
