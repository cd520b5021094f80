// The chain API over one store, and over meshes joined in memory.
#include "gunpp/chain.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "gunpp/sea/signing.hpp"
#include "gunpp/sea/verifier.hpp"
#include "mesh/memory_net.hpp"

namespace gunpp {
namespace {

using namespace std::chrono_literals;

struct Local {
  ManualClock clock{1'000'000};
  Scheduler scheduler{clock};
  GraphStore store{scheduler};
  Chain gun{store};

  void pump() { scheduler.run_until_idle(); }
  Value at(const std::string& soul, const std::string& key) {
    auto e = store.get(soul, key);
    REQUIRE(e);
    return e->value;
  }
  State state(const std::string& soul, const std::string& key) {
    auto e = store.get(soul, key);
    REQUIRE(e);
    return e->state;
  }
  Snapshot once(const Ref& ref) {
    std::optional<Snapshot> out;
    REQUIRE(ref.once([&](const Snapshot& s) { out = s; }));
    pump();
    REQUIRE(out);
    return *out;
  }
};

Data alice() {
  return Data::object(
      {{"name", "Alice"}, {"address", Data::object({{"city", "Paris"}})}});
}

TEST_CASE("chain: a nested put writes linked nodes named as GUN names them",
          "[chain]") {
  Local l;
  std::optional<PutResult> result;
  REQUIRE(l.gun.get("app").get("users").get("alice").put(
      alice(), [&](const PutResult& r) { result = r; }));
  l.pump();
  REQUIRE(result);
  CHECK(result->error.is_ok());
  CHECK_FALSE(result->acked);
  CHECK(result->soul == "app/users/alice");
  CHECK(l.at("app", "users") == Value(Link{"app/users"}));
  CHECK(l.at("app/users", "alice") == Value(Link{"app/users/alice"}));
  CHECK(l.at("app/users/alice", "name") == Value("Alice"));
  CHECK(l.at("app/users/alice", "address") ==
        Value(Link{"app/users/alice/address"}));
  CHECK(l.at("app/users/alice/address", "city") == Value("Paris"));
  CHECK(l.store.node_count() == 4);
  // One put, one state.
  const State s = l.state("app", "users");
  CHECK(l.state("app/users/alice/address", "city") == s);
  CHECK(l.state("app/users/alice", "name") == s);
}

TEST_CASE("chain: a put goes through the links that exist", "[chain]") {
  Local l;
  REQUIRE(l.store.write("app", {{"users", Value(Link{"people"})}}));
  REQUIRE(l.store.write("people", {{"bob", Value(Link{"bob-node"})}}));
  l.pump();
  REQUIRE(l.gun.get("app").get("users").get("bob").put(
      Data::object({{"age", 30}})));
  REQUIRE(l.gun.get("app").get("users").get("carol").get("age").put(41));
  l.pump();
  CHECK(l.at("bob-node", "age") == Value(30));
  CHECK(l.at("people", "carol") == Value(Link{"people/carol"}));
  CHECK(l.at("people/carol", "age") == Value(41));
  CHECK_FALSE(l.store.get("app/users"));

  SECTION("a primitive on the way is replaced by a link") {
    REQUIRE(l.gun.get("app").get("title").put("x"));
    l.pump();
    REQUIRE(l.gun.get("app").get("title").get("en").put("Hello"));
    l.pump();
    CHECK(l.at("app", "title") == Value(Link{"app/title"}));
    CHECK(l.at("app/title", "en") == Value("Hello"));
  }
  SECTION("null deletes") {
    REQUIRE(l.gun.get("people").get("bob").put(nullptr));
    l.pump();
    CHECK(l.at("people", "bob").is_null());
    CHECK_FALSE(l.once(l.gun.get("people").get("bob")).found);
  }
}

TEST_CASE("chain: bad puts are refused and write nothing", "[chain]") {
  Local l;
  CHECK(l.gun.get("root").put("not an object").code() ==
        Status::Code::kInvalidArgument);
  CHECK(l.gun.get("").get("k").put(1).code() == Status::Code::kInvalidArgument);
  CHECK(l.gun.get("a").get("").put(1).code() == Status::Code::kInvalidArgument);
  CHECK(l.gun.get("a").map().put(1).code() == Status::Code::kInvalidArgument);
  CHECK_FALSE(l.gun.get("a").set(Data(5)));
  CHECK(l.gun.get("a").once([](const Snapshot&) {}).is_ok());
  CHECK(l.gun.get("a").map().once([](const Snapshot&) {}).code() ==
        Status::Code::kInvalidArgument);
  l.pump();
  CHECK(l.store.node_count() == 0);
  // A key past the store's bound: refused by the store, through done.
  std::optional<PutResult> result;
  REQUIRE(l.gun.get("a")
              .get(std::string(5000, 'k'))
              .put(1, [&](const PutResult& r) { result = r; }));
  l.pump();
  REQUIRE(result);
  CHECK(result->error.code() == Status::Code::kInvalidArgument);
  CHECK(l.store.node_count() == 0);
}

TEST_CASE("chain: set adds nodes with fresh souls, and links", "[chain]") {
  Local l;
  std::vector<std::string> souls;
  for (int i = 0; i < 50; ++i) {
    auto soul =
        l.gun.get("chat").set(Data::object({{"msg", "m" + std::to_string(i)}}));
    REQUIRE(soul);
    souls.push_back(*soul);
  }
  l.pump();
  std::sort(souls.begin(), souls.end());
  CHECK(std::unique(souls.begin(), souls.end()) == souls.end());
  for (const std::string& soul : souls) {
    CHECK(l.at("chat", soul) == Value(Link{soul}));
    CHECK(soul.find('/') == std::string::npos);
  }
  CHECK(l.at(souls[0], "msg").is_string());

  std::optional<PutResult> linked;
  REQUIRE(l.gun.get("favourites")
              .set(l.gun.get("chat").get(souls[3]),
                   [&](const PutResult& r) { linked = r; }));
  l.pump();
  REQUIRE(linked);
  CHECK(linked->error.is_ok());
  CHECK(l.at("favourites", souls[3]) == Value(Link{souls[3]}));

  std::optional<PutResult> missing;
  REQUIRE(l.gun.get("favourites")
              .set(l.gun.get("nothing").get("here"),
                   [&](const PutResult& r) { missing = r; }));
  l.pump();
  REQUIRE(missing);
  CHECK(missing->error.code() == Status::Code::kNotFound);
}

TEST_CASE("chain: once gives a primitive, a node, or not found", "[chain]") {
  Local l;
  REQUIRE(l.gun.get("app").get("users").get("alice").put(alice()));
  l.pump();
  const Snapshot name =
      l.once(l.gun.get("app").get("users").get("alice").get("name"));
  CHECK(name.found);
  CHECK_FALSE(name.soul);
  CHECK(name.value == Value("Alice"));

  const Snapshot node = l.once(l.gun.get("app").get("users").get("alice"));
  CHECK(node.found);
  CHECK(node.soul == "app/users/alice");
  CHECK(node.fields.size() == 2);
  CHECK(node.fields[1].second == Value(Link{"app/users/alice/address"}));

  CHECK(
      l.once(l.gun.get("app").get("users").get("alice").get("address")).soul ==
      "app/users/alice/address");
  CHECK_FALSE(l.once(l.gun.get("app").get("nobody")).found);
  CHECK_FALSE(l.once(l.gun.get("nothing")).found);
  // Through a primitive, nothing.
  CHECK_FALSE(
      l.once(l.gun.get("app").get("users").get("alice").get("name").get("x"))
          .found);
  // back() climbs the path.
  const Ref deep = l.gun.get("app").get("users").get("alice").get("address");
  CHECK(l.once(deep.back(2)).soul == "app/users");
  CHECK(deep.back(10).path() == std::vector<std::string>{"app"});

  // Consecutive onces each answer.
  int answers = 0;
  for (int i = 0; i < 3; ++i) {
    REQUIRE(deep.once([&](const Snapshot& s) { answers += s.found; }));
  }
  l.pump();
  CHECK(answers == 3);
}

TEST_CASE("chain: a cycle of links is walked only as far as the path",
          "[chain]") {
  Local l;
  REQUIRE(l.store.write("a", {{"next", Value(Link{"b"})}}));
  REQUIRE(l.store.write("b", {{"next", Value(Link{"a"})}, {"v", 2}}));
  l.pump();
  Ref ref = l.gun.get("a");
  for (int i = 0; i < 101; ++i) ref = ref.get("next");
  CHECK(l.once(ref).soul == "b");
  CHECK(l.once(ref.get("v")).value == Value(2));
}

TEST_CASE("chain: on follows a repointed link", "[chain]") {
  Local l;
  REQUIRE(l.store.write("A", {{"n", 1}}));
  REQUIRE(l.store.write("B", {{"n", 2}}));
  REQUIRE(l.store.write("root", {{"cur", Value(Link{"A"})}}));
  l.pump();
  std::vector<Snapshot> seen;
  const auto id = l.gun.get("root").get("cur").on(
      [&](const Item& i) { seen.push_back(i.snapshot); });
  REQUIRE(id != 0);
  l.pump();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].soul == "A");
  l.clock.advance(10);
  REQUIRE(l.store.write("root", {{"cur", Value(Link{"B"})}}));
  l.pump();
  REQUIRE(seen.size() == 2);
  CHECK(seen[1].soul == "B");
  l.clock.advance(10);
  REQUIRE(l.store.write("A", {{"n", 3}}));  // not followed any more
  REQUIRE(l.store.write("B", {{"n", 4}}));
  l.pump();
  REQUIRE(seen.size() == 3);
  CHECK(seen[2].fields.at(0).second == Value(4));
  CHECK(l.gun.off(id));
  CHECK_FALSE(l.gun.off(id));
  REQUIRE(l.store.write("B", {{"n", 5}}));
  l.pump();
  CHECK(seen.size() == 3);
}

TEST_CASE("chain: map().on sees the first item of an empty set, and later ones",
          "[chain]") {
  Local l;
  std::map<std::string, Snapshot> items;
  int calls = 0;
  l.gun.get("chat").map().on([&](const Item& i) {
    items[i.key] = i.snapshot;
    ++calls;
  });
  l.pump();
  CHECK(calls == 0);
  auto first = l.gun.get("chat").set(Data::object({{"msg", "hi"}}));
  REQUIRE(first);
  l.pump();
  REQUIRE(items.size() == 1);
  CHECK(items[*first].fields.at(0).second == Value("hi"));
  auto second = l.gun.get("chat").set(Data::object({{"msg", "there"}}));
  l.pump();
  CHECK(items.size() == 2);
  // An item's node changes: the item again.
  l.clock.advance(5);
  REQUIRE(l.gun.get(*first).get("msg").put("edited"));
  l.pump();
  CHECK(items[*first].fields.at(0).second == Value("edited"));
  // A deleted item comes as not found.
  l.clock.advance(5);
  REQUIRE(l.gun.get("chat").get(*second).put(nullptr));
  l.pump();
  CHECK_FALSE(items[*second].found);
  // A thrown exception is counted, and the watch goes on.
  l.gun.get("chat").map().on([](const Item&) { throw 1; });
  l.pump();
  CHECK(l.gun.callback_exceptions() >= 1);
}

TEST_CASE("chain: map().once reads a large set a chunk per turn", "[chain]") {
  Local l;
  constexpr std::size_t kItems = 100000;
  Graph graph;
  for (std::size_t i = 0; i < kItems; ++i) {
    graph.add("set", "k" + std::to_string(i), Value(double(i)), 1);
  }
  REQUIRE(l.store.put(std::move(graph)));
  l.pump();
  std::size_t seen = 0;
  bool done = false;
  REQUIRE(l.gun.get("set").map().once([&](const Item&) { ++seen; },
                                      [&] { done = true; }));
  std::size_t most_in_a_turn = 0;
  std::size_t turns = 0;
  std::size_t before = 0;
  while (!done && l.scheduler.poll(1) > 0) {
    ++turns;
    most_in_a_turn = std::max(most_in_a_turn, seen - before);
    before = seen;
  }
  CHECK(done);
  CHECK(seen == kItems);
  CHECK(most_in_a_turn <= ChainOptions{}.items_per_turn);
  CHECK(turns >= kItems / ChainOptions{}.items_per_turn);
}

// Meshes in memory: a hub that holds the data and a leaf that reads it.
struct Remote {
  testing::Net net;
  Remote() { net.star("hub", {"leaf"}); }
  GraphStore& hub() { return net.nodes.at("hub")->store; }
  Mesh& leaf() { return net.nodes.at("leaf")->mesh; }
  std::size_t gets_from_leaf() {
    std::size_t n = 0;
    for (const auto& m : net.received("leaf", "hub")) n += m.contains("get");
    return n;
  }
  void settle(int ms) {
    for (int i = 0; i < ms; i += 10) {
      net.clock.advance(10);
      net.pump();
    }
  }
};

TEST_CASE("chain: once of a 5-deep remote path asks once per node",
          "[chain][mesh]") {
  Remote r;
  {
    Chain hub_gun(r.hub());
    REQUIRE(hub_gun.get("a").get("b").get("c").get("d").get("e").put(
        Data::object({{"v", "deep"}})));
    r.net.pump();
  }
  REQUIRE(r.hub().get("a/b/c/d/e"));
  CHECK_FALSE(r.leaf().store().get("a"));
  Chain gun(r.leaf());
  std::optional<Snapshot> got;
  REQUIRE(gun.get("a").get("b").get("c").get("d").get("e").once(
      [&](const Snapshot& s) { got = s; }));
  r.net.pump();
  CHECK_FALSE(got);  // the last node: ChainOptions::wait after its answer
  r.settle(100);
  REQUIRE(got);
  CHECK(got->soul == "a/b/c/d/e");
  CHECK(got->fields.at(0).second == Value("deep"));
  // One per node: a.b, a/b.c, a/b/c.d, a/b/c/d.e, then a/b/c/d/e whole.
  CHECK(r.gets_from_leaf() == 5);

  SECTION("a missing node is not found once the peers answered") {
    std::optional<Snapshot> missing;
    REQUIRE(gun.get("a").get("nope").get("x").once(
        [&](const Snapshot& s) { missing = s; }));
    r.net.pump();
    CHECK_FALSE(missing);  // waits ChainOptions::wait after the answer
    r.settle(100);
    REQUIRE(missing);
    CHECK_FALSE(missing->found);
  }
  SECTION("with no peer answering, not found at the timeout") {
    r.net.disconnect(0);
    std::optional<Snapshot> missing;
    REQUIRE(gun.get("zzz").once([&](const Snapshot& s) { missing = s; }));
    r.settle(3000);
    REQUIRE(missing);
    CHECK_FALSE(missing->found);
  }
}

TEST_CASE(
    "chain: a once after a put sees it, even when the path is asked "
    "of the peers first",
    "[chain][mesh]") {
  Remote r;
  ChainOptions options;
  options.wait = 20ms;
  Chain gun(r.leaf(), options);
  const Ref alice = gun.get("app").get("alice");
  const Ref later_put = gun.get("app").get("bob");
  REQUIRE(alice.put(Data::object({{"name", "Alice"}})));
  std::optional<Snapshot> seen;
  REQUIRE(alice.once([&](const Snapshot& s) { seen = s; }));
  // A put begun after the read does not hold it back.
  REQUIRE(later_put.put(Data::object({{"name", "Bob"}})));
  r.settle(200);
  REQUIRE(seen);
  CHECK(seen->found);
  REQUIRE(seen->soul);
  CHECK(*seen->soul == "app/alice");
  CHECK(seen->fields ==
        std::vector<std::pair<std::string, Value>>{{"name", Value("Alice")}});
}

TEST_CASE("chain: a put through a mesh is acked, and on() sees remote changes",
          "[chain][mesh]") {
  Remote r;
  Chain gun(r.leaf());
  Chain hub_gun(r.net.nodes.at("hub")->mesh);
  std::vector<Item> seen;
  hub_gun.get("room").map().on([&](const Item& i) { seen.push_back(i); });
  std::optional<PutResult> result;
  auto soul = gun.get("room").set(Data::object({{"text", "hello"}}),
                                  [&](const PutResult& p) { result = p; });
  REQUIRE(soul);
  r.net.pump();
  REQUIRE(result);
  CHECK(result->acked);
  CHECK(result->soul == *soul);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].key == *soul);
  CHECK(seen[0].snapshot.fields.at(0).second == Value("hello"));

  // The leaf watches what only the hub writes.
  std::vector<Snapshot> leaf_seen;
  gun.get("status").get("now").on(
      [&](const Item& i) { leaf_seen.push_back(i.snapshot); });
  r.net.pump();
  REQUIRE(hub_gun.get("status").get("now").put("up"));
  r.net.pump();
  REQUIRE(leaf_seen.size() == 1);
  CHECK(leaf_seen[0].value == Value("up"));
}

TEST_CASE("chain: operations after the chain is gone are cancelled",
          "[chain]") {
  Local l;
  Ref kept = l.gun.get("x");
  std::optional<Snapshot> late;
  {
    auto gone = std::make_unique<Chain>(l.store);
    kept = gone->get("x");
    REQUIRE(kept.once([&](const Snapshot& s) { late = s; }));
  }
  l.pump();
  CHECK_FALSE(late);
  CHECK(kept.put(Data::object({{"k", 1}})).code() == Status::Code::kCancelled);
  CHECK(kept.on([](const Item&) {}) == 0);
}

}  // namespace
}  // namespace gunpp

namespace gunpp {
namespace {

// A store that keeps SEA's rules, and a chain that reads user data opened.
struct Signed {
  ManualClock clock{1'000'000};
  Scheduler scheduler{clock};
  sea::SeaVerifier verifier;
  GraphStore store{scheduler, [this] {
                     StoreOptions o;
                     o.verifier = &verifier;
                     return o;
                   }()};
  Chain gun{store, [] {
              ChainOptions o;
              o.open = sea::open_value;
              return o;
            }()};
  sea::KeyPair alice = sea::generate_pair();
  sea::KeyPair mallory = sea::generate_pair();

  static DeltaSigner signer(const sea::KeyPair& pair) {
    return [pair](const Graph& g) { return sea::sign_delta(pair, g); };
  }
};

TEST_CASE("chain: a user's chain signs its puts and reads open them",
          "[chain][sea]") {
  Signed s;
  const Ref me = s.gun.user(s.alice.pub, Signed::signer(s.alice));
  std::optional<PutResult> result;
  REQUIRE(
      me.get("profile").put(alice(), [&](const PutResult& r) { result = r; }));
  s.scheduler.run_until_idle();
  REQUIRE(result);
  CHECK(result->error.is_ok());
  const std::string root = "~" + s.alice.pub;
  CHECK(result->soul == root + "/profile");
  // Stored signed, as GUN.js's user.get('profile').put(...) stores it.
  const auto stored = s.store.get(root + "/profile", "name");
  REQUIRE(stored);
  CHECK(stored->value.is_string());
  CHECK(stored->value.as_string().find("\"~\":") != std::string::npos);

  std::optional<Snapshot> city;
  REQUIRE(s.gun.get(root).get("profile").get("address").get("city").once(
      [&](const Snapshot& snap) { city = snap; }));
  s.scheduler.run_until_idle();
  REQUIRE(city);
  CHECK(city->value == Value("Paris"));

  // Mallory's signature in Alice's space is refused, and nothing changes.
  std::optional<PutResult> forged;
  REQUIRE(s.gun.user(s.alice.pub, Signed::signer(s.mallory))
              .get("profile")
              .get("name")
              .put("Mallory", [&](const PutResult& r) { forged = r; }));
  s.scheduler.run_until_idle();
  REQUIRE(forged);
  CHECK_FALSE(forged->error.is_ok());
  std::optional<Snapshot> name;
  REQUIRE(s.gun.get(root).get("profile").get("name").once(
      [&](const Snapshot& snap) { name = snap; }));
  s.scheduler.run_until_idle();
  REQUIRE(name);
  CHECK(name->value == Value("Alice"));
}

}  // namespace
}  // namespace gunpp

namespace gunpp {
namespace {

TEST_CASE("chain: once with a depth reads linked nodes, cutting cycles",
          "[chain]") {
  Local l;
  REQUIRE(l.store.write("a", {{"name", "A"}, {"next", Value(Link{"b"})}}));
  REQUIRE(l.store.write("b", {{"name", "B"},
                              {"next", Value(Link{"c"})},
                              {"gone", Value(Link{"nowhere"})}}));
  REQUIRE(l.store.write("c", {{"name", "C"}, {"back", Value(Link{"a"})}}));
  l.pump();
  const auto read = [&](std::size_t depth) {
    std::optional<Snapshot> out;
    REQUIRE(l.gun.get("a").once([&](const Snapshot& s) { out = s; }, depth));
    l.pump();
    REQUIRE(out);
    return *out;
  };
  CHECK(read(0).linked.empty());
  const Snapshot one = read(1);
  REQUIRE(one.linked.size() == 1);
  CHECK(one.linked[0].first == "next");
  CHECK(one.linked[0].second.soul == "b");
  CHECK(one.linked[0].second.linked.empty());
  const Snapshot deep = read(10);
  const Snapshot& b = deep.linked.at(0).second;
  REQUIRE(b.linked.size() == 1);  // "gone" leads to no node
  const Snapshot& c = b.linked.at(0).second;
  CHECK(c.soul == "c");
  CHECK(c.linked.empty());  // "back" to a closes the cycle: left a link
  CHECK(c.fields.at(1).second == Value(Link{"a"}));
}

TEST_CASE("chain: once with a depth asks the peers for linked nodes",
          "[chain][mesh]") {
  Remote r;
  REQUIRE(
      r.hub().write("post", {{"title", "T"}, {"author", Value(Link{"u"})}}));
  REQUIRE(r.hub().write("u", {{"name", "Ann"}}));
  r.net.pump();
  Chain gun(r.leaf());
  std::optional<Snapshot> got;
  REQUIRE(gun.get("post").once([&](const Snapshot& s) { got = s; }, 2));
  r.settle(300);
  REQUIRE(got);
  REQUIRE(got->linked.size() == 1);
  CHECK(got->linked[0].second.fields.at(0).second == Value("Ann"));
}

TEST_CASE("chain: once with a depth reads at most max_linked_nodes",
          "[chain]") {
  ManualClock clock{1'000'000};
  Scheduler scheduler{clock};
  GraphStore store{scheduler};
  ChainOptions options;
  options.max_linked_nodes = 5;
  Chain gun(store, options);
  std::vector<std::pair<std::string, Value>> links;
  for (int i = 0; i < 20; ++i) {
    const std::string soul = "n" + std::to_string(i);
    REQUIRE(store.write(soul, {{"v", i}}));
    links.emplace_back(soul, Value(Link{soul}));
  }
  REQUIRE(store.write("hub", links));
  scheduler.run_until_idle();
  std::optional<Snapshot> got;
  REQUIRE(gun.get("hub").once([&](const Snapshot& s) { got = s; }, 3));
  scheduler.run_until_idle();
  REQUIRE(got);
  CHECK(got->fields.size() == 20);
  CHECK(got->linked.size() == 5);
}

}  // namespace
}  // namespace gunpp
