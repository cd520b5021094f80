// The mesh over an in-memory transport (memory_net.hpp), so every frame on
// the wire can be checked.
#include "gunpp/mesh.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "mesh/memory_net.hpp"

namespace gunpp {
namespace {

using Json = nlohmann::json;
using testing::Net;
using namespace std::chrono_literals;

std::string put_text(const std::string& id, const std::string& soul,
                     const std::string& key, const std::string& value,
                     double state) {
  Json put;
  put["#"] = id;
  put["put"][soul]["_"]["#"] = soul;
  put["put"][soul]["_"][">"][key] = state;
  put["put"][soul][key] = value;
  return put.dump();
}

bool has_dam(const std::vector<Json>& messages, const std::string& dam) {
  for (const Json& m : messages) {
    if (m.value("dam", "") == dam) return true;
  }
  return false;
}

TEST_CASE("mesh: the accepting side says hello, the dialer answers", "[mesh]") {
  Net net;
  net.add("relay");
  net.add("client");
  net.connect("client", "relay");
  net.pump();
  const auto hello = net.received("relay", "client");
  REQUIRE_FALSE(hello.empty());
  CHECK(hello[0]["dam"] == "?");
  CHECK(hello[0]["pid"] == "relay");
  CHECK_FALSE(hello[0].contains("@"));
  const auto answer = net.received("client", "relay");
  REQUIRE(answer.size() == 1);
  CHECK(answer[0]["dam"] == "?");
  CHECK(answer[0]["pid"] == "client");
  CHECK(answer[0]["@"] == hello[0]["#"]);
  // Both know each other's pid; nobody answers an answer.
  CHECK(net.nodes["relay"]->mesh.peers()[0].pid == "client");
  CHECK(net.nodes["client"]->mesh.peers()[0].pid == "relay");
  CHECK(net.received("relay", "client").size() == 1);
}

TEST_CASE("mesh: a put is applied, relayed to the others, never echoed",
          "[mesh]") {
  Net net;
  net.star("relay", {"a", "b"});
  net.nodes["relay"]->mesh.receive(1, put_text("p1", "s", "k", "v", 5));
  net.pump();
  CHECK(net.nodes["relay"]->store.get("s", "k")->value == Value("v"));
  CHECK(net.nodes["b"]->store.get("s", "k")->value == Value("v"));
  // a sent it (peer 1 of the relay): it gets the ack, not the put back.
  for (const Json& m : net.received("relay", "a")) {
    CHECK_FALSE(m.contains("put"));
  }
  const auto to_b = net.received("relay", "b");
  REQUIRE(to_b.size() >= 1);
  CHECK(to_b[0]["#"] == "p1");
  // b acks it; the ack travels back to a only.
  bool acked = false;
  for (const Json& m : net.received("relay", "a")) {
    if (m.value("@", "") == "p1" && m.contains("ok")) acked = true;
  }
  CHECK(acked);
}

TEST_CASE(
    "mesh: a padded frame is handled where it lies: what follows is not read",
    "[mesh]") {
  Net net;
  net.star("relay", {"a", "b"});
  Mesh& relay = net.nodes["relay"]->mesh;
  const std::string one = put_text("p1", "s", "k", "v", 5);
  const std::string two = put_text("p2", "s", "j", "w", 5);
  // Each frame is followed by bytes that would not parse as its end.
  const std::string garbage(kFramePadding, '"');
  const std::string object_frame = "  " + one + "\n" + garbage;
  relay.receive(
      1,
      PaddedFrame{
          std::string_view(object_frame).substr(0, object_frame.size() - 64)});
  const std::string array_frame = "[" + two + "]" + "]}," + garbage;
  relay.receive(
      1, PaddedFrame{std::string_view(array_frame).substr(0, two.size() + 2)});
  net.pump();
  CHECK(net.nodes["b"]->store.get("s", "k")->value == Value("v"));
  CHECK(net.nodes["b"]->store.get("s", "j")->value == Value("w"));
  // Passed on byte for byte (the relay adds its "><" at the end), nothing
  // of what followed them.
  std::string relayed;
  for (const std::string& frame : net.frames("relay", "b")) relayed += frame;
  CHECK(relayed.find(one.substr(0, one.size() - 1) + ",\"><\":") !=
        std::string::npos);
  CHECK(relayed.find(two.substr(0, two.size() - 1) + ",\"><\":") !=
        std::string::npos);
  CHECK(relayed.find("]}") == std::string::npos);
  std::set<std::string> acked;
  for (const Json& m : net.received("relay", "a")) {
    if (m.contains("ok")) acked.insert(m.value("@", ""));
  }
  CHECK(acked == std::set<std::string>{"p1", "p2"});
}

TEST_CASE("mesh: an invalid put is refused with err and not relayed",
          "[mesh]") {
  Net net;
  net.star("relay", {"a", "b"});
  net.nodes["relay"]->mesh.receive(
      1, R"({"#":"bad","put":{"s":{"_":{"#":"s",">":{"k":1}},"k":[1]}}})");
  net.pump();
  CHECK(net.received("relay", "b").empty());
  const auto to_a = net.received("relay", "a");
  REQUIRE(to_a.size() == 1);
  CHECK(to_a[0]["@"] == "bad");
  CHECK(to_a[0]["err"].get<std::string>().find("bad value") !=
        std::string::npos);
}

TEST_CASE("mesh: >< lists the peers sent to and is obeyed", "[mesh]") {
  Net net;
  net.star("relay", {"a", "b", "c"});
  // From a, naming c as already served: only b gets it, with our "><".
  Json put = Json::parse(put_text("p2", "s", "k", "v", 5));
  put["><"] = "x,c";
  net.nodes["relay"]->mesh.receive(1, put.dump());
  net.pump();
  const auto to_b = net.received("relay", "b");
  REQUIRE_FALSE(to_b.empty());
  CHECK(to_b[0]["><"] == "b,c");
  for (const Json& m : net.received("relay", "c")) {
    CHECK(m.value("#", "") != "p2");
  }
  CHECK_FALSE(net.nodes["c"]->store.get("s", "k"));
}

TEST_CASE(
    "mesh: >< names the seven longest-connected peers as they come and go",
    "[mesh]") {
  Net net;
  net.star("relay", {"a", "b", "c", "d", "e", "f", "g", "h", "i"});
  Mesh& relay = net.nodes["relay"]->mesh;  // a is its peer 1, b 2, ...
  const auto via_to_i = [&](const std::string& id) -> std::string {
    for (const Json& m : net.received("relay", "i")) {
      if (m.value("#", "") == id) return m.value("><", "");
    }
    return "(not sent)";
  };
  relay.receive(1, put_text("v1", "s", "k", "v", 1));  // from a
  net.pump();
  CHECK(via_to_i("v1") == "b,c,d,e,f,g,h");
  net.disconnect(2);                                   // c leaves
  relay.receive(2, put_text("v2", "s", "k", "w", 2));  // from b
  net.pump();
  CHECK(via_to_i("v2") == "a,d,e,f,g,h,i");
  net.connect("c", "relay");  // c is back, now the newest
  net.pump();
  relay.receive(1, put_text("v3", "s", "k", "x", 3));
  net.pump();
  CHECK(via_to_i("v3") == "b,d,e,f,g,h,i");
}

TEST_CASE("mesh: one dedup across peers", "[mesh]") {
  Net net;
  net.star("relay", {"a", "b"});
  const std::string text = put_text("same", "s", "k", "v", 5);
  net.nodes["relay"]->mesh.receive(1, text);
  net.nodes["relay"]->mesh.receive(2, text);  // the same message via b
  net.pump();
  CHECK(net.nodes["relay"]->store.stats().keys_visited == 1);
  std::size_t acks = 0;
  for (const char* peer : {"a", "b"}) {
    for (const Json& m : net.received("relay", peer)) {
      if (m.value("@", "") == "same" && m.contains("ok")) ++acks;
    }
  }
  CHECK(acks == 2);  // the relay's own ack to a, and b's ack routed to a
}

TEST_CASE("mesh: ids that extend another id are different messages", "[mesh]") {
  // GUN.js enters a put's fields as <id>0, <id>1, ... in its dedup table, so
  // it drops a later message "p10" after "p1" (compat C24). gunpp does not.
  Net net;
  net.star("relay", {"a", "b"});
  net.nodes["relay"]->mesh.receive(1, put_text("p1", "s", "k1", "v", 5));
  net.nodes["relay"]->mesh.receive(1, put_text("p10", "s", "k10", "v", 5));
  net.pump();
  std::vector<std::string> relayed;
  for (const Json& m : net.received("relay", "b")) {
    if (m.contains("put")) relayed.push_back(m["#"]);
  }
  CHECK(relayed == std::vector<std::string>{"p1", "p10"});
  CHECK(net.nodes["b"]->store.get("s", "k10"));
}

TEST_CASE("mesh: replies follow the trail and expire with it", "[mesh]") {
  Net net;
  net.star("relay", {"a", "b"});
  // a asks for a soul only b has.
  REQUIRE(net.nodes["b"]->store.write("only-b", {{"k", "v"}}));
  net.pump();
  net.sent.clear();
  net.nodes["relay"]->mesh.receive(1, R"({"#":"g1","get":{"#":"only-b"}})");
  net.pump();
  bool answered = false;
  for (const Json& m : net.received("relay", "a")) {
    if (m.value("@", "") == "g1" && m.contains("put")) answered = true;
  }
  CHECK(answered);
  // A late reply, after the trail expired, goes nowhere.
  net.clock.advance(9001);
  net.sent.clear();
  net.nodes["relay"]->mesh.receive(
      2,
      R"({"#":"late","@":"g1","put":{"only-b":{"_":{"#":"only-b",">":{"x":1}},"x":1}}})");
  net.pump();
  CHECK(net.received("relay", "a").empty());
  // Replies are never flooded: they were sent to a only.
  CHECK(net.received("relay", "b").empty());
}

TEST_CASE("mesh: the dedup and the trail keep their own bounds", "[mesh]") {
  MeshOptions options;
  options.protocol.dedup.max_age = 1000ms;  // the trail keeps 9 s
  options.max_trail = 2;
  Net net(options);
  net.star("relay", {"a", "b"});
  net.pump();
  Mesh& relay = net.nodes["relay"]->mesh;
  const auto got = [&](const char* peer, const std::string& id) {
    std::size_t n = 0;
    for (const Json& m : net.received("relay", peer))
      n += m.value("#", "") == id;
    return n;
  };
  const auto reply = [](const std::string& id, const std::string& to) {
    return R"({"#":")" + id + R"(","@":")" + to + R"(","ok":{"":1}})";
  };
  relay.receive(1, R"({"#":"g1","get":{"#":"nobody"}})");
  relay.receive(1, put_text("p1", "s", "k1", "v", 5));
  net.pump();
  net.clock.advance(1001);
  // The dedup has forgotten g1; the trail still routes its replies.
  relay.receive(2, reply("r1", "g1"));
  net.pump();
  CHECK(got("a", "r1") == 1);
  // The dedup has forgotten p1 too: from b it is a new message, relayed to
  // a; once more, it is dropped.
  relay.receive(2, put_text("p1", "s", "k1", "v", 5));
  relay.receive(2, put_text("p1", "s", "k1", "v", 5));
  net.pump();
  CHECK(got("a", "p1") == 1);
  // The trail holds two requests: g1 went when p1 came again, and p1's
  // replies now go to b.
  relay.receive(2, reply("r2", "g1"));
  relay.receive(1, reply("r3", "p1"));
  net.pump();
  CHECK(got("a", "r2") == 0);
  CHECK(got("b", "r3") == 1);
  CHECK(got("a", "r3") == 0);
}

TEST_CASE("mesh: a get waits at the read barrier, puts do not", "[mesh]") {
  // Every node of the net has this barrier; b's let gets through.
  std::vector<std::function<void()>> held;
  bool hold = true;
  MeshOptions options;
  options.read_barrier = [&](std::function<void()> proceed) {
    if (!hold) return proceed();
    held.push_back(std::move(proceed));
  };
  Net net(options);
  net.star("relay", {"a", "b"});
  REQUIRE(net.nodes["relay"]->store.write("s", {{"k", "old"}}));
  net.pump();
  net.sent.clear();
  net.nodes["relay"]->mesh.receive(1, R"({"#":"g1","get":{"#":"s"}})");
  net.nodes["relay"]->mesh.receive(1, put_text("p1", "t", "k", "v", 5));
  net.pump();
  auto answers = [&](const std::string& id) {
    std::vector<Json> out;
    for (const Json& m : net.received("relay", "a")) {
      if (m.value("@", "") == id) out.push_back(m);
    }
    return out;
  };
  // The put went through; the get is neither answered nor passed on.
  REQUIRE_FALSE(answers("p1").empty());
  CHECK(answers("p1")[0].contains("ok"));
  CHECK(answers("g1").empty());
  for (const Json& m : net.received("relay", "b")) {
    CHECK(m.value("#", "") != "g1");
  }
  REQUIRE(held.size() == 1);
  // What the barrier waited for lands; then the get is answered with it.
  REQUIRE(net.nodes["relay"]->store.write("s", {{"k", "new"}}));
  net.pump();
  hold = false;
  held[0]();
  net.pump();
  hold = true;
  // The relay's answer comes first (b's follows through it).
  const auto got = answers("g1");
  REQUIRE_FALSE(got.empty());
  CHECK(got[0]["put"]["s"]["k"] == "new");
  bool passed_on = false;
  for (const Json& m : net.received("relay", "b")) {
    if (m.value("#", "") == "g1") passed_on = true;
  }
  CHECK(passed_on);
  // A get whose peer left before the barrier opened is dropped.
  net.nodes["relay"]->mesh.receive(1, R"({"#":"g2","get":{"#":"s"}})");
  REQUIRE(held.size() == 2);
  net.nodes["relay"]->mesh.remove_peer(1);
  held[1]();
  net.pump();
  CHECK(answers("g2").empty());
}

TEST_CASE("mesh: a repeated reply with the same ## is dropped", "[mesh]") {
  Net net;
  net.star("relay", {"a", "b", "c"});
  net.nodes["relay"]->mesh.receive(1, R"({"#":"g2","get":{"#":"x"}})");
  net.pump();
  net.sent.clear();
  const std::string reply =
      R"({"@":"g2","##":42,"put":{"x":{"_":{"#":"x",">":{"k":1}},"k":1}}})";
  net.nodes["relay"]->mesh.receive(2, R"({"#":"r1",)" + reply.substr(1));
  net.nodes["relay"]->mesh.receive(3, R"({"#":"r2",)" + reply.substr(1));
  net.pump();
  std::size_t replies = 0;
  for (const Json& m : net.received("relay", "a")) {
    if (m.value("@", "") == "g2") ++replies;
  }
  CHECK(replies == 1);
}

TEST_CASE("mesh: batching: alone after quiet, then one array per turn",
          "[mesh]") {
  MeshOptions options;
  options.batch_bytes = 400;
  Net net(options);
  net.star("relay", {"a", "b"});
  for (int i = 0; i < 10; ++i) {
    net.nodes["relay"]->mesh.receive(
        1, put_text("m" + std::to_string(i), "s", "k" + std::to_string(i), "v",
                    5));
  }
  net.pump();
  const auto frames = net.frames("relay", "b");
  REQUIRE(frames.size() >= 3);
  CHECK(frames[0].front() == '{');  // the first goes alone
  for (std::size_t i = 1; i < frames.size(); ++i) {
    CHECK(frames[i].front() == '[');
    CHECK(frames[i].size() <= 400);
  }
  CHECK(net.received("relay", "b").size() == 10);
}

TEST_CASE("mesh: a relayed message is one buffer for all its peers", "[mesh]") {
  ManualClock clock{1'000'000};
  Scheduler scheduler{clock};
  GraphStore store(scheduler);
  Mesh mesh(store);
  std::vector<std::vector<OutFrame>> sent(4);
  for (std::size_t i = 0; i < sent.size(); ++i) {
    mesh.add_peer(PeerLink{"ws://peer" + std::to_string(i), false,
                           [&sent, i](OutFrame frame) {
                             sent[i].push_back(std::move(frame));
                             return std::size_t{0};
                           },
                           [](std::string_view) {}});
  }
  scheduler.run_until_idle();
  for (auto& frames : sent) frames.clear();
  // Two puts in one turn: the first goes alone, the second in a batch.
  std::string two = "[" + put_text("p1", "s", "a", "v", 5) + "," +
                    put_text("p2", "s", "b", "w", 5) + "]";
  mesh.receive(1, two);
  scheduler.run_until_idle();
  // Peer 1 sent them: it gets the two acks only. Peers 2 to 4 get both puts,
  // and each put's text is the same buffer in all three.
  const auto piece_of = [](const OutFrame& frame, const std::string& id) {
    for (const OutFrame::Piece& piece : frame.pieces()) {
      if (piece->find("\"#\":\"" + id + "\"") != std::string::npos) {
        return piece.get();
      }
    }
    return static_cast<const std::string*>(nullptr);
  };
  for (const std::string id : {"p1", "p2"}) {
    std::vector<const std::string*> buffers;
    for (std::size_t i = 1; i < sent.size(); ++i) {
      const std::string* found = nullptr;
      for (const OutFrame& frame : sent[i]) {
        if (const auto* p = piece_of(frame, id)) found = p;
      }
      REQUIRE(found != nullptr);
      buffers.push_back(found);
    }
    CHECK(buffers[0] == buffers[1]);
    CHECK(buffers[1] == buffers[2]);
  }
  for (std::size_t i = 1; i < sent.size(); ++i) {
    REQUIRE(sent[i].size() == 2);
    CHECK(sent[i][0].text().front() == '{');
    const Json batch = Json::parse(sent[i][1].text());
    REQUIRE(batch.is_array());
    CHECK(batch.size() == 1);
    CHECK(batch[0]["#"] == "p2");
    std::size_t bytes = 0;
    for (const auto& piece : sent[i][1].pieces()) bytes += piece->size();
    CHECK(sent[i][1].size() == bytes);
  }
  for (const OutFrame& frame : sent[0]) {
    CHECK(frame.text().find("\"put\"") == std::string::npos);
  }
}

TEST_CASE("mesh: heartbeat every 20 s", "[mesh]") {
  Net net;
  net.star("relay", {"a"});
  net.clock.advance(20000);
  net.pump();
  CHECK(net.frames("relay", "a") == std::vector<std::string>{"[]"});
  CHECK(net.frames("a", "relay") == std::vector<std::string>{"[]"});
}

TEST_CASE("mesh: a peer that does not read is disconnected", "[mesh]") {
  MeshOptions options;
  options.max_unsent_bytes = 1000;
  Net net(options);
  net.star("relay", {"a"});
  net.unsent = 1001;  // the transport reports a backlog
  REQUIRE(net.nodes["relay"]->mesh.write("s", {{"k", "v"}}, {}));
  net.pump();
  CHECK(net.nodes["relay"]->mesh.peers().empty());
  CHECK_FALSE(net.links[0].open);
  bool logged = false;
  for (const auto& line : net.log) {
    if (line.find("max_unsent_bytes") != std::string::npos) logged = true;
  }
  CHECK(logged);
}

TEST_CASE("mesh: dam is hop-local", "[mesh]") {
  Net net;
  net.star("relay", {"a", "b"});
  net.nodes["relay"]->mesh.receive(1, R"({"#":"d1","dam":"hi"})");
  net.nodes["relay"]->mesh.receive(1, R"({"#":"d2","dam":"?","pid":"A2"})");
  net.pump();
  CHECK(net.received("relay", "b").empty());
  CHECK(has_dam(net.received("relay", "a"), "?"));  // answered, not relayed
}

TEST_CASE("mesh: a message without an id gets one, and is relayed with it",
          "[mesh]") {
  Net net;
  net.star("relay", {"a", "b"});
  net.nodes["relay"]->mesh.receive(
      1, R"({"put":{"s":{"_":{"#":"s",">":{"k":1}},"k":"v"}}})");
  // In a string element it cannot carry the id: applied, not passed on.
  net.nodes["relay"]->mesh.receive(
      1,
      R"(["{\"put\":{\"t\":{\"_\":{\"#\":\"t\",\">\":{\"k\":1}},\"k\":1}}}"])");
  net.pump();
  const auto to_b = net.received("relay", "b");
  REQUIRE(to_b.size() == 1);
  CHECK(to_b[0]["#"].get<std::string>().size() > 0);
  CHECK(to_b[0]["put"].contains("s"));
  CHECK(net.nodes["relay"]->store.get("t", "k")->value == Value(1));
  CHECK_FALSE(net.nodes["b"]->store.get("t", "k"));
  CHECK_FALSE(net.nodes["a"]->mesh.write("s", {{"", 1}}, {}).is_ok());
}

TEST_CASE("mesh: a bad frame is answered with dam !", "[mesh]") {
  Net net;
  net.star("relay", {"a"});
  net.nodes["relay"]->mesh.receive(1, "{not json");
  net.pump();
  const auto to_a = net.received("relay", "a");
  REQUIRE(to_a.size() == 1);
  CHECK(to_a[0]["dam"] == "!");
}

TEST_CASE("mesh: put calls back once, at the first ack or at timeout",
          "[mesh]") {
  Net net;
  net.star("relay", {"a"});
  std::vector<PutOutcome> outcomes;
  REQUIRE(net.nodes["a"]->mesh.write(
      "s", {{"k", "v"}},
      [&outcomes](const PutOutcome& o) { outcomes.push_back(o); }));
  net.pump();
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].acked);
  CHECK(outcomes[0].error.is_ok());
  CHECK(net.nodes["relay"]->store.get("s", "k")->value == Value("v"));

  net.disconnect(0);
  outcomes.clear();
  REQUIRE(net.nodes["a"]->mesh.write(
      "s", {{"k", "w"}},
      [&outcomes](const PutOutcome& o) { outcomes.push_back(o); }, 500ms));
  net.pump();
  CHECK(outcomes.empty());
  net.clock.advance(500);
  net.pump();
  REQUIRE(outcomes.size() == 1);
  CHECK_FALSE(outcomes[0].acked);
  net.clock.advance(10000);
  net.pump();
  CHECK(outcomes.size() == 1);
}

TEST_CASE(
    "mesh: a callback that throws is counted and dropped, also from the "
    "destructor",
    "[mesh]") {
  ManualClock clock(1'000'000);
  Scheduler scheduler(clock);
  GraphStore store(scheduler);
  int after_throw = 0;
  {
    MeshOptions options;
    options.log = [](std::string_view) { throw std::runtime_error("log"); };
    Mesh mesh(store, options);
    const auto thrower = [](const auto&) { throw std::runtime_error("cb"); };
    REQUIRE(mesh.write("s", {{"k", "v"}}, thrower, 10ms));
    REQUIRE(mesh.fetch(FetchRequest{"s", {}, 1, 0ms, 10ms}, thrower));
    scheduler.run_until_idle();  // the fetch completes: the store has "s"
    CHECK(mesh.stats().callback_exceptions == 1);
    // The mesh goes on: a later put still calls back.
    REQUIRE(mesh.write(
        "s", {{"k", "w"}}, [&](const PutOutcome&) { ++after_throw; }, 10ms));
    REQUIRE(mesh.write("t", {{"k", "v"}}, thrower, 1'000'000'000ms));
    CHECK(mesh.add_peer(PeerLink{"ws://x", false,
                                 [](OutFrame f) { return f.size(); },
                                 [](std::string_view) {}}) > 0);
    CHECK(mesh.stats().callback_exceptions == 2);  // the log line
    scheduler.run_until_idle();
    CHECK(store.get("t", "k"));
    CHECK(after_throw == 0);
  }  // the destructor completes the two pending puts; one throws
  CHECK(after_throw == 1);
}

TEST_CASE("mesh: requests made before a peer connects reach it", "[mesh]") {
  Net net;
  net.add("relay");
  net.add("a");
  REQUIRE(net.nodes["relay"]->store.write("r", {{"x", 1}}));
  std::vector<PutOutcome> puts;
  std::vector<FetchOutcome> fetches;
  REQUIRE(net.nodes["a"]->mesh.write(
      "s", {{"k", "v"}}, [&puts](const PutOutcome& o) { puts.push_back(o); }));
  REQUIRE(net.nodes["a"]->mesh.fetch(
      FetchRequest{"r", {}, 1, 0ms, 5000ms},
      [&fetches](const FetchOutcome& o) { fetches.push_back(o); }));
  net.pump();
  CHECK(puts.empty());
  net.connect("a", "relay");
  net.pump();
  REQUIRE(puts.size() == 1);
  CHECK(puts[0].acked);
  CHECK(net.nodes["relay"]->store.get("s", "k")->value == Value("v"));
  REQUIRE(fetches.size() == 1);
  CHECK(fetches[0].why == FetchEnd::kExpect);
}

TEST_CASE("mesh: fetch completes by expect, settle or timeout", "[mesh]") {
  Net net;
  net.star("relay", {"a"});
  REQUIRE(net.nodes["relay"]->store.write("s", {{"x", 1}, {"y", 2}}));
  net.pump();
  std::vector<FetchOutcome> got;
  auto done = [&got](const FetchOutcome& o) { got.push_back(o); };

  REQUIRE(
      net.nodes["a"]->mesh.fetch(FetchRequest{"s", {}, 2, 0ms, 5000ms}, done));
  net.pump();
  REQUIRE(got.size() == 1);
  CHECK(got[0].why == FetchEnd::kExpect);
  CHECK(got[0].replies >= 1);
  CHECK(net.nodes["a"]->store.get("s", "y")->value == Value(2));

  REQUIRE(net.nodes["a"]->mesh.fetch(FetchRequest{"s", {}, 5, 100ms, 5000ms},
                                     done));
  net.pump();
  net.clock.advance(100);
  net.pump();
  REQUIRE(got.size() == 2);
  CHECK(got[1].why == FetchEnd::kSettle);

  REQUIRE(net.nodes["a"]->mesh.fetch(FetchRequest{"none", {}, 1, 0ms, 300ms},
                                     done));
  net.pump();
  net.clock.advance(300);
  net.pump();
  REQUIRE(got.size() == 3);
  CHECK(got[2].why == FetchEnd::kTimeout);
  CHECK_FALSE(net.nodes["a"]->mesh.fetch(FetchRequest{}, done).is_ok());
}

TEST_CASE("mesh: subscriptions ask again after a reconnect", "[mesh]") {
  Net net;
  net.add("relay");
  net.add("a");
  net.add("b");
  const std::size_t link = net.connect("a", "relay");
  net.connect("b", "relay");
  net.pump();
  std::vector<std::string> seen;
  net.nodes["a"]->mesh.subscribe("room", [&seen](const Change& c) {
    seen.emplace_back(c.value.as_string());
  });
  net.pump();
  net.disconnect(link);
  REQUIRE(net.nodes["b"]->mesh.write("room", {{"msg", "while away"}}, {}));
  net.pump();
  CHECK(seen.empty());
  net.sent.clear();
  net.connect("a", "relay");
  net.pump();
  // The get went out again on the new link, and the relay answered it.
  bool asked = false;
  for (const Json& m : net.received("a", "relay")) {
    if (m.contains("get") && m["get"]["#"] == "room") asked = true;
  }
  CHECK(asked);
  CHECK(seen == std::vector<std::string>{"while away"});
}

}  // namespace
}  // namespace gunpp
