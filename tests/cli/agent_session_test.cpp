// `gunpp agent`'s JSON-lines protocol, driven line by line over a mesh on
// the in-memory transport: the agent is one peer, a relay another.
#include "agent_session.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fuzz/agent_property.hpp"
#include "fuzz/replay.hpp"
#include "mesh/memory_net.hpp"

namespace gunpp::cli {
namespace {

using Json = nlohmann::json;

struct Fixture {
  Fixture() {
    net.add("relay");
    net.add("agent");
    net.connect("agent", "relay");
    net.pump();
    session = std::make_unique<AgentSession>(
        net.nodes["agent"]->mesh,
        std::vector<std::string>{"mem://relay", "ws://down:1/gun"},
        [this](std::string line) { lines.push_back(std::move(line)); });
  }
  // Sends one command line and pumps; returns what the agent printed.
  std::vector<Json> run(const std::string& line) {
    lines.clear();
    session->handle(line);
    net.pump();
    std::vector<Json> out;
    for (const auto& l : lines) out.push_back(Json::parse(l));
    return out;
  }
  GraphStore& relay() { return net.nodes["relay"]->store; }

  testing::Net net;
  std::vector<std::string> lines;
  std::unique_ptr<AgentSession> session;
};

TEST_CASE("agent: put with a given state is acked by the relay", "[agent]") {
  Fixture f;
  const auto out =
      f.run(R"({"id":1,"op":"put","soul":"s","data":{"a":"x","n":2.5,)"
            R"("t":true,"z":null,"l":{"#":"o"}},"state":1000})");
  REQUIRE(out.size() == 1);
  CHECK(out[0]["id"] == 1);
  CHECK(out[0]["ok"] == true);
  CHECK(out[0]["acked"] == true);
  CHECK(out[0]["ack"]["ok"].is_object());
  CHECK(out[0]["ms"].is_number());
  CHECK(f.relay().get("s", "a")->state == 1000);
  CHECK(f.relay().get("s", "l")->value == Value(Link("o")));
}

TEST_CASE("agent: put without a peer answers acked:false at timeout",
          "[agent]") {
  Fixture f;
  f.net.disconnect(0);
  CHECK(f.run(R"({"id":"p","op":"put","soul":"s","data":{"a":1},"timeout":50})")
            .empty());
  f.net.clock.advance(50);
  f.net.pump();
  REQUIRE(f.lines.size() == 1);
  const Json reply = Json::parse(f.lines[0]);
  CHECK(reply["id"] == "p");
  CHECK(reply["acked"] == false);
  CHECK_FALSE(reply.contains("ack"));
}

TEST_CASE("agent: get fetches through the peers and says why it ended",
          "[agent]") {
  Fixture f;
  REQUIRE(f.relay().write("r", {{"x", 1}, {"y", "two"}}));
  f.net.pump();
  const auto out = f.run(R"({"id":2,"op":"get","soul":"r","expect":2})");
  REQUIRE(out.size() == 1);
  CHECK(out[0]["why"] == "expect");
  CHECK(out[0]["keys"] == 2);
  CHECK(out[0]["node"] == Json::parse(R"({"x":1,"y":"two"})"));
  CHECK(out[0]["states"]["x"].is_number());

  const auto one =
      f.run(R"({"id":3,"op":"get","soul":"r","key":"y","expect":1})");
  REQUIRE(one.size() == 1);
  CHECK(one[0]["node"] == Json::parse(R"({"y":"two"})"));

  CHECK(f.run(R"({"id":4,"op":"get","soul":"nothing","timeout":30})").empty());
  f.net.clock.advance(30);
  f.net.pump();
  REQUIRE(f.lines.size() == 1);
  const Json late = Json::parse(f.lines[0]);
  CHECK(late["why"] == "timeout");
  CHECK(late["node"].is_null());
  CHECK(late["keys"] == 0);
}

TEST_CASE("agent: graph is the local view, on streams updates", "[agent]") {
  Fixture f;
  CHECK(f.run(R"({"id":5,"op":"graph","soul":"g"})")[0]["node"].is_null());
  const auto subscribed = f.run(R"({"id":6,"op":"on","soul":"g"})");
  REQUIRE(subscribed.size() == 1);
  CHECK(subscribed[0] == Json::parse(R"({"id":6,"ok":true})"));
  // A write on the relay's mesh reaches the agent and its subscription.
  Graph delta;
  delta.add("g", "k", "v", 7);
  REQUIRE(f.net.nodes["relay"]->mesh.put(std::move(delta), {}));
  f.lines.clear();
  f.net.pump();
  REQUIRE_FALSE(f.lines.empty());
  const Json event = Json::parse(f.lines.back());
  CHECK(event["event"] == "update");
  CHECK(event["sub"] == 6);
  CHECK(event["soul"] == "g");
  CHECK(event["key"] == "k");
  CHECK(event["value"] == "v");
  const auto view = f.run(R"({"id":7,"op":"graph","soul":"g"})");
  CHECK(view[0]["node"]["k"] == "v");
  CHECK(view[0]["keys"] == 1);
}

TEST_CASE("agent: peers, exit, and bad commands", "[agent]") {
  Fixture f;
  const auto peers = f.run(R"({"id":8,"op":"peers"})");
  CHECK(peers[0]["peers"] ==
        Json::parse(R"([{"url":"mem://relay","connected":true},)"
                    R"({"url":"ws://down:1/gun","connected":false}])"));
  for (const char* bad :
       {"not json", "[1]", R"({"id":9})", R"({"id":9,"op":"fly"})",
        R"({"id":9,"op":"put","soul":"","data":{"a":1}})",
        R"({"id":9,"op":"put","soul":"s","data":{}})",
        R"({"id":9,"op":"put","soul":"s","data":{"a":[1]}})",
        R"({"id":9,"op":"put","soul":"s","data":{"a":{"#":""}}})",
        R"({"id":9,"op":"put","soul":"s","data":{"a":1},"timeout":-1})",
        R"({"id":9,"op":"get","soul":"s","expect":"2"})",
        R"({"id":9,"op":"get","soul":"s","expect":1e30})",
        R"({"id":9,"op":"get","soul":"s","timeout":1184467440737095516160})",
        R"({"id":9,"op":"get","soul":"s","settle":2147483648})"}) {
    INFO(bad);
    const auto out = f.run(bad);
    REQUIRE(out.size() == 1);
    CHECK(out[0]["ok"] == false);
    CHECK(out[0]["err"].is_string());
  }
  CHECK_FALSE(f.session->input_ended());
  CHECK(f.run(R"({"id":10,"op":"exit"})")[0] ==
        Json::parse(R"({"id":10,"ok":true})"));
  CHECK(f.session->input_ended());
  CHECK(f.session->finished());
  CHECK_FALSE(f.session->all_succeeded());            // the bad commands
  CHECK(f.run(R"({"id":11,"op":"peers"})").empty());  // after exit: ignored
}

TEST_CASE(
    "agent: at the end of input every pending command is answered, then "
    "exit last",
    "[agent]") {
  int finished = 0;
  Fixture f;
  f.session = std::make_unique<AgentSession>(
      f.net.nodes["agent"]->mesh, std::vector<std::string>{"mem://relay"},
      [&f](std::string line) { f.lines.push_back(std::move(line)); },
      [&finished] { ++finished; });
  f.net.disconnect(0);  // the connection is not up yet
  REQUIRE(f.relay().write("r", {{"x", 1}}));
  f.net.pump();
  for (const char* line :
       {R"({"id":1,"op":"put","soul":"bob","data":{"name":"Bob"}})",
        R"({"id":2,"op":"get","soul":"r","expect":1,"timeout":2000})",
        R"({"id":3,"op":"on","soul":"bob"})", R"({"id":4,"op":"exit"})"}) {
    f.session->handle(line);
  }
  f.net.pump();
  const auto replies = [&f] {
    std::vector<Json> out;
    for (const auto& l : f.lines) {
      if (!Json::parse(l).contains("event")) out.push_back(Json::parse(l));
    }
    return out;
  };
  // Only "on" so far: exit waits for the put's ack and the get's reply.
  REQUIRE(replies().size() == 1);
  CHECK(replies()[0]["id"] == 3);
  CHECK(finished == 0);
  f.net.connect("agent", "relay");
  f.net.pump();
  const std::vector<Json> out = replies();
  REQUIRE(out.size() == 4);
  CHECK(out[1]["id"] == 1);
  CHECK(out[1]["acked"] == true);
  CHECK(out[2]["id"] == 2);
  CHECK(out[2]["why"] == "expect");
  CHECK(out[3] == Json::parse(R"({"id":4,"ok":true})"));
  CHECK(Json::parse(f.lines.back()) == out[3]);  // nothing after exit
  CHECK(finished == 1);
  CHECK(f.session->all_succeeded());
  CHECK(f.relay().get("bob", "name")->value == Value("Bob"));
}

TEST_CASE("agent: a put nobody acks fails the session at its own timeout",
          "[agent]") {
  bool finished = false;
  Fixture f;
  f.session = std::make_unique<AgentSession>(
      f.net.nodes["agent"]->mesh, std::vector<std::string>{},
      [&f](std::string line) { f.lines.push_back(std::move(line)); },
      [&finished] { finished = true; });
  f.net.disconnect(0);
  f.session->handle(R"({"id":1,"op":"put","soul":"s","data":{"a":1},)"
                    R"("timeout":300})");
  f.session->end_input();
  f.net.pump();
  CHECK_FALSE(finished);
  f.net.clock.advance(299);
  f.net.pump();
  CHECK_FALSE(finished);
  f.net.clock.advance(1);
  f.net.pump();
  CHECK(finished);
  REQUIRE(f.lines.size() == 1);
  CHECK(Json::parse(f.lines[0])["acked"] == false);
  CHECK_FALSE(f.session->all_succeeded());
}

TEST_CASE("agent: the end of input with nothing pending finishes at once",
          "[agent]") {
  Fixture f;
  CHECK(f.run(R"({"id":1,"op":"on","soul":"s"})").size() == 1);
  CHECK_FALSE(f.session->finished());
  f.session->end_input();
  CHECK(f.session->finished());
  CHECK(f.session->all_succeeded());
}

TEST_CASE("every input the fuzzer found failing keeps the agent property",
          "[agent][regression]") {
  const std::size_t inputs = testing::replay_inputs(
      {GUNPP_FUZZ_REGRESSIONS_DIR}, [](const std::string& text) {
        CHECK(testing::agent_property_violation(text) == "");
      });
  CHECK(inputs >= 2);
}

}  // namespace
}  // namespace gunpp::cli
