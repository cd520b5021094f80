#include "gunpp/graph_store.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <limits>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "store_access.hpp"

namespace gunpp {
namespace {

constexpr double kNow = 1'000'000;

// A store on a manual clock, with helpers to pump and record callbacks.
struct Fixture {
  explicit Fixture(StoreOptions options = {})
      : clock(kNow), scheduler(clock), store(scheduler, options) {}

  // A put that records its one callback into `result`.
  struct Done {
    int calls = 0;
    Status status;
    PutSummary summary;
  };
  PutCallback recorder(Done& done) {
    return [&done](const Status& s, const PutSummary& summary) {
      ++done.calls;
      done.status = s;
      done.summary = summary;
    };
  }

  ManualClock clock;
  Scheduler scheduler;
  GraphStore store;
};

Graph one_node(const std::string& soul, int keys, State state = 1000) {
  Graph g;
  g.reserve(soul, static_cast<std::size_t>(keys));
  for (int i = 0; i < keys; ++i) {
    g.add(soul, "k" + std::to_string(i), Value(i), state);
  }
  return g;
}

Graph single(const std::string& soul, const std::string& key, Value value,
             State state) {
  Graph g;
  g.add(soul, key, std::move(value), state);
  return g;
}

TEST_CASE("a graph keeps one node per soul, in first-added order", "[graph]") {
  // Small graphs find souls by a scan, larger ones by an index: the same
  // answers either way, across the switch and after reserve_nodes.
  for (const std::size_t reserved :
       {std::size_t{0}, std::size_t{4}, std::size_t{100}}) {
    Graph g;
    if (reserved > 0) g.reserve_nodes(reserved);
    for (int round = 0; round < 3; ++round) {
      for (int s = 0; s < 20; ++s) {
        g.add("soul" + std::to_string(s), "k" + std::to_string(round), round,
              1);
      }
    }
    g.set_node("soul3", {Field{"only", Value(true), 2}});
    g.set_node("new", {Field{"x", Value(1), 2}});
    REQUIRE(g.nodes().size() == 21);
    for (int s = 0; s < 20; ++s) {
      const NodeDelta& n = g.nodes()[static_cast<std::size_t>(s)];
      CHECK(n.soul == "soul" + std::to_string(s));
      CHECK(n.fields.size() == (s == 3 ? 1U : 3U));
    }
    CHECK(g.nodes().back().soul == "new");
    CHECK(g.field_count() == 19 * 3 + 1 + 1);
    const Graph copy = g;
    Graph again = copy;
    again.add("soul19", "k9", 9, 1);
    again.add("soul20", "k", 0, 1);
    CHECK(again.nodes().size() == 22);
    CHECK(again.nodes()[19].fields.size() == 4);
  }
}

TEST_CASE("write stamps a local state and get reads it back", "[store]") {
  Fixture f;
  Fixture::Done done;
  REQUIRE(f.store.write("alice", {{"name", "Alice"}, {"age", 42}},
                        f.recorder(done)));
  CHECK(done.calls == 0);  // callbacks never fire inside the call
  CHECK_FALSE(f.store.get("alice"));
  f.scheduler.run_until_idle();
  CHECK(done.calls == 1);
  CHECK(done.status.is_ok());
  CHECK(done.summary == PutSummary{2, 0, 0});
  const auto age = f.store.get("alice", "age");
  REQUIRE(age);
  CHECK(age->value == Value(42));
  CHECK(age->state == kNow);
  CHECK(f.store.get("alice", "name")->state == kNow);  // one state per write
  CHECK_FALSE(f.store.get("alice", "nope"));
  CHECK_FALSE(f.store.get("bob", "age"));
  REQUIRE(f.store.get("alice") != nullptr);
  CHECK(f.store.get("alice")->size() == 2);

  // A second write in the same millisecond gets a larger state and wins.
  REQUIRE(f.store.write("alice", {{"age", 43}}));
  f.scheduler.run_until_idle();
  CHECK(f.store.get("alice", "age")->value == Value(43));
  CHECK(f.store.get("alice", "age")->state > kNow);
}

TEST_CASE("receiving updates does not move the local state clock", "[store]") {
  Fixture f;
  for (int i = 0; i < 50; ++i) {
    REQUIRE(f.store.put(single("remote", "k" + std::to_string(i), i, 1000)));
  }
  f.scheduler.run_until_idle();
  REQUIRE(f.store.write("local", {{"k", 1}}));
  f.scheduler.run_until_idle();
  // GUN.js would stamp kNow + 50/999 here: each HAM check advances its clock.
  CHECK(f.store.get("local", "k")->state == kNow);
}

TEST_CASE("put resolves every field with HAM", "[store]") {
  Fixture f;
  auto put = [&](const char* key, Value value, State state) {
    REQUIRE(f.store.put(single("s", key, std::move(value), state)));
    f.scheduler.run_until_idle();
  };
  put("k", "old", 1000);
  put("k", "new", 2000);
  CHECK(f.store.get("s", "k")->value == Value("new"));  // H01
  put("k", "older", 1500);
  CHECK(f.store.get("s", "k")->value == Value("new"));  // H02 historical
  put("t", 10, 1000);
  put("t", 9, 1000);
  CHECK(f.store.get("s", "t")->value == Value(9));  // H07
  put("t", "1", 1000);
  CHECK(f.store.get("s", "t")->value == Value(9));  // a number beats a string
  put("r", true, 1000);
  put("r", Link("z"), 1000);
  CHECK(f.store.get("s", "r")->value == Value(Link("z")));  // H12
  put("n", -5, -5);
  CHECK(f.store.get("s", "n")->state == -5);  // negative states are fine
  CHECK(f.store.stats().applied == 7);
  CHECK(f.store.stats().ignored == 2);
}

// Every ordering of the same updates ends in the same graph.
TEST_CASE("the merged graph does not depend on delivery order", "[store]") {
  std::mt19937 rng(20261123);
  const std::vector<Value> values = {Value(),
                                     Value(true),
                                     Value(false),
                                     Value(0),
                                     Value(9),
                                     Value(10),
                                     Value(-1),
                                     Value(1e21),
                                     Value(1e-7),
                                     Value(0.1),
                                     Value("a"),
                                     Value("a!"),
                                     Value("ab"),
                                     Value("a\""),
                                     Value("\xEF\xBF\xBD"),
                                     Value("\xF0\x9F\x98\x80"),
                                     Value(Link("x")),
                                     Value(Link("y"))};
  std::vector<std::tuple<std::string, std::string, Value, State>> updates;
  for (int i = 0; i < 400; ++i) {
    updates.emplace_back(
        "s" + std::to_string(rng() % 3), "k" + std::to_string(rng() % 5),
        values[rng() % values.size()], 1000 + static_cast<double>(rng() % 3));
  }
  using Snapshot = std::map<std::pair<std::string, std::string>,
                            std::pair<std::string, State>>;
  auto run = [&](int keys_per_turn) {
    StoreOptions options;
    options.keys_per_turn = static_cast<std::size_t>(keys_per_turn);
    Fixture f(options);
    // Several deltas, like messages from several peers.
    for (std::size_t i = 0; i < updates.size(); i += 7) {
      Graph g;
      for (std::size_t j = i; j < std::min(i + 7, updates.size()); ++j) {
        const auto& [soul, key, value, state] = updates[j];
        g.add(soul, key, value, state);
      }
      REQUIRE(f.store.put(std::move(g)));
    }
    f.scheduler.run_until_idle();
    Snapshot snapshot;
    for (int s = 0; s < 3; ++s) {
      const std::string soul = "s" + std::to_string(s);
      const Node* node = f.store.get(soul);
      if (node == nullptr) continue;
      for (std::size_t slot = 0; slot < node->size(); ++slot) {
        snapshot[{soul, node->key(slot)}] = {lexical_form(node->value(slot)),
                                             node->state(slot)};
      }
    }
    return snapshot;
  };
  const Snapshot reference = run(9);
  CHECK(reference.size() == 15);
  for (int round = 0; round < 20; ++round) {
    std::shuffle(updates.begin(), updates.end(), rng);
    CHECK(run(1 + round % 12) == reference);
  }
}

TEST_CASE("one turn applies exactly keys_per_turn fields", "[store][batcher]") {
  Fixture f;
  Fixture::Done done;
  REQUIRE(f.store.put(one_node("big", 100), f.recorder(done)));
  CHECK(f.scheduler.poll(1) == 1);
  CHECK(f.store.get("big")->size() == 9);
  CHECK(f.store.stats().keys_visited == 9);
  CHECK(done.calls == 0);
  CHECK(f.scheduler.poll(1) == 1);
  CHECK(f.store.get("big")->size() == 18);
  f.scheduler.run_until_idle();
  CHECK(f.store.get("big")->size() == 100);
  CHECK(f.store.stats().ingest_turns == 12);  // ceil(100 / 9)
  CHECK(done.calls == 1);
  CHECK(done.summary == PutSummary{100, 0, 0});
}

TEST_CASE("a put whose fields fill its last turn completes in that turn",
          "[store][batcher]") {
  Fixture f;
  Fixture::Done nine;
  Fixture::Done eighteen;
  Fixture::Done behind;
  // Puts of nine fields, of two nodes of nine, and of one field: each ends
  // in the turn that resolves its last field, not in a turn of its own.
  Graph two;
  for (int i = 0; i < 9; ++i) two.add("a", "k" + std::to_string(i), i, 1000);
  for (int i = 0; i < 9; ++i) two.add("b", "k" + std::to_string(i), i, 1000);
  REQUIRE(f.store.put(one_node("n", 9), f.recorder(nine)));
  REQUIRE(f.store.put(std::move(two), f.recorder(eighteen)));
  REQUIRE(f.store.put(one_node("m", 1), f.recorder(behind)));
  REQUIRE(f.scheduler.poll(1) == 1);
  CHECK(nine.calls == 1);
  CHECK(nine.summary == PutSummary{9, 0, 0});
  REQUIRE(f.scheduler.poll(1) == 1);
  CHECK(f.store.get("a")->size() == 9);
  CHECK(f.store.get("b") == nullptr);
  CHECK(eighteen.calls == 0);
  REQUIRE(f.scheduler.poll(1) == 1);  // the one-field put's turn
  CHECK(behind.calls == 1);
  REQUIRE(f.scheduler.poll(1) == 1);
  CHECK(f.store.get("b")->size() == 9);
  CHECK(eighteen.calls == 1);
  CHECK(eighteen.summary == PutSummary{18, 0, 0});
  CHECK(f.store.stats().ingest_turns == 4);
  CHECK(f.scheduler.poll() == 0);
}

TEST_CASE("the turn budget spans node boundaries", "[store][batcher]") {
  Fixture f;
  Graph g;
  for (int i = 1; i <= 3; ++i) g.add("A", "a" + std::to_string(i), i, 1000);
  for (int i = 1; i <= 12; ++i) g.add("B", "b" + std::to_string(i), i, 1000);
  g.add("C", "c1", 1, 1000);
  REQUIRE(f.store.put(std::move(g)));
  f.scheduler.poll(1);
  CHECK(f.store.get("A")->size() == 3);
  CHECK(f.store.get("B")->size() == 6);
  CHECK(f.store.get("C") == nullptr);
  f.scheduler.poll(1);
  CHECK(f.store.get("B")->size() == 12);
  CHECK(f.store.get("C")->size() == 1);
  CHECK(f.store.stats().ingest_turns == 2);
  CHECK(f.scheduler.poll() == 0);
}

TEST_CASE("a million-field put visits each field exactly once",
          "[store][batcher]") {
  constexpr int kKeys = 1'000'000;
  Fixture f;
  Fixture::Done done;
  REQUIRE(f.store.put(one_node("huge", kKeys), f.recorder(done)));
  // The first turn creates the node, sized for the whole delta: its index
  // is 16 MiB of huge pages, which the next 8 turns fault in, one each,
  // before any turn inserts at random into them. Then 9 fields a turn.
  constexpr int kWarmTurns = 8;
  REQUIRE(f.scheduler.poll(1) == 1);
  CHECK(f.store.stats().keys_visited == 1);
  for (int i = 0; i < kWarmTurns; ++i) REQUIRE(f.scheduler.poll(1) == 1);
  CHECK(f.store.stats().keys_visited == 1);
  REQUIRE(f.scheduler.poll(1) == 1);
  CHECK(f.store.stats().keys_visited == 10);
  f.scheduler.run_until_idle();
  CHECK(f.store.stats().keys_visited == kKeys);
  // 999,999 more fields fill 111,111 turns exactly; the last completes the
  // put.
  CHECK(f.store.stats().ingest_turns == 1 + kWarmTurns + (kKeys - 1) / 9);
  CHECK(done.calls == 1);
  CHECK(done.summary == PutSummary{kKeys, 0, 0});
  REQUIRE(f.store.get("huge")->size() == kKeys);
  CHECK(f.store.get("huge", "k999999")->value == Value(999999));
}

TEST_CASE("puts to a node whose index is warming wait their turn with it",
          "[store][batcher]") {
  // A second put to the node, queued behind the one that creates it, also
  // spends its turns on the index's huge pages until they are in; both
  // then apply in full, and HAM decides between them as ever.
  constexpr int kKeys = 300'000;  // a 4 MiB index: 2 huge pages
  Fixture f;
  Fixture::Done first;
  Fixture::Done second;
  REQUIRE(f.store.put(one_node("big", kKeys, 1000), f.recorder(first)));
  REQUIRE(f.store.put(one_node("big", 20, 2000), f.recorder(second)));
  REQUIRE(f.scheduler.poll(1) == 1);  // the first put creates the node
  REQUIRE(f.scheduler.poll(1) == 1);  // the second warms a huge page
  REQUIRE(f.scheduler.poll(1) == 1);  // the first warms the other
  CHECK(f.store.stats().keys_visited == 1);
  REQUIRE(f.scheduler.poll(1) == 1);  // the second applies 9 fields
  CHECK(f.store.stats().keys_visited == 10);
  f.scheduler.run_until_idle();
  CHECK(f.store.stats().ingest_turns == 3 + (20 + 8) / 9 + (kKeys - 1 + 8) / 9);
  // Then they interleave 9 fields a turn: the first put's k1-k8, k10-k17
  // and k19 come after the second put's, and lose to their later state.
  CHECK(first.summary == PutSummary{kKeys - 17, 17, 0});
  CHECK(second.summary == PutSummary{20, 0, 0});
  REQUIRE(f.store.get("big")->size() == kKeys);
  CHECK(f.store.get("big", "k19")->state == 2000);
  CHECK(f.store.get("big", "k20")->state == 1000);
  CHECK(f.store.get("big", "k299999")->value == Value(299999));
}

TEST_CASE("resuming by cursor copies nothing, GUN's slicing is quadratic",
          "[store][batcher]") {
  Fixture cursor;
  REQUIRE(cursor.store.put(one_node("n", 900)));
  cursor.scheduler.run_until_idle();
  CHECK(detail::StoreAccess::keys_copied(cursor.store) == 0);

  Fixture slicing;
  detail::StoreAccess::use_slice_baseline(slicing.store);
  REQUIRE(slicing.store.put(one_node("n", 900)));
  slicing.scheduler.run_until_idle();
  // Turn t copies the 900 - 9t keys still to do: 900 + 891 + ... + 9.
  CHECK(detail::StoreAccess::keys_copied(slicing.store) == 9 * (100 * 101) / 2);
  CHECK(slicing.store.stats().keys_visited == 900);
  // Both end in the same node.
  for (int i = 0; i < 900; ++i) {
    const std::string key = "k" + std::to_string(i);
    REQUIRE(slicing.store.get("n", key) == cursor.store.get("n", key));
  }
}

TEST_CASE("jobs find their node again when nodes may have moved",
          "[store][batcher]") {
  // A node cache will evict between turns; jobs then look up by soul.
  Fixture f;
  REQUIRE(f.store.put(one_node("r", 40)));
  f.scheduler.run_until_idle();
  std::vector<std::pair<std::size_t, std::size_t>> chunks;
  REQUIRE(f.store.read("r", [&chunks](const Chunk& c) {
    REQUIRE(c.node.size() == 40);
    chunks.emplace_back(c.slots.front(), c.slots.back() + 1);
  }));
  REQUIRE(f.store.put(one_node("w", 30, 2000)));
  while (f.scheduler.poll(1) == 1) {
    detail::StoreAccess::invalidate_nodes(f.store);
  }
  CHECK(chunks.size() == 5);  // 40 fields, 9 a chunk
  CHECK(chunks.back() == std::pair<std::size_t, std::size_t>(36, 40));
  REQUIRE(f.store.get("w") != nullptr);
  CHECK(f.store.get("w")->size() == 30);
  CHECK(f.store.get("w", "k29")->state == 2000);
}

TEST_CASE("concurrent puts interleave turn by turn", "[store][batcher]") {
  Fixture f;
  std::string souls_per_turn;
  f.store.subscribe_all([&](const Change& c) {
    if (souls_per_turn.empty() || souls_per_turn.back() != c.soul[0]) {
      souls_per_turn += c.soul[0];
    }
  });
  REQUIRE(f.store.put(one_node("A", 27)));
  REQUIRE(f.store.put(one_node("B", 18)));
  f.scheduler.run_until_idle();
  CHECK(souls_per_turn == "ABABA");
}

TEST_CASE("a small put is not starved by a huge one", "[store][batcher]") {
  Fixture f;
  Fixture::Done huge;
  Fixture::Done small;
  REQUIRE(f.store.put(one_node("huge", 100000), f.recorder(huge)));
  REQUIRE(f.store.put(one_node("small", 5), f.recorder(small)));
  int turns = 0;
  int small_done_at = 0;
  while (f.scheduler.poll(1) == 1) {
    ++turns;
    if (small.calls == 1 && small_done_at == 0) small_done_at = turns;
  }
  CHECK(small_done_at == 2);
  // The ingest turns, then the turns that free the huge delta a few dozen
  // fields at a time, each about as long as an ingest turn (none for the
  // small one).
  const Stats& stats = f.store.stats();
  CHECK(stats.ingest_turns == (100000 + 8) / 9 + 1);
  CHECK(stats.reclaim_turns >= 100000 / 128);
  CHECK(stats.reclaim_turns <= 100000 / 32);
  CHECK(turns == static_cast<int>(stats.ingest_turns + stats.reclaim_turns));
  CHECK(huge.calls == 1);
  CHECK(small.calls == 1);
}

TEST_CASE("a store destroyed while it frees a huge put's delta",
          "[store][batcher]") {
  ManualClock clock(kNow);
  Scheduler scheduler(clock);
  {
    GraphStore store(scheduler);
    int acked = 0;
    REQUIRE(store.put(one_node("huge", 20000),
                      [&acked](const Status&, const PutSummary&) { ++acked; }));
    while (acked == 0) REQUIRE(scheduler.poll(1) == 1);
    REQUIRE(store.get("huge")->size() == 20000);
    CHECK(store.stats().reclaim_turns == 0);  // still to come
    CHECK(scheduler.poll(3) == 3);
    CHECK(store.stats().reclaim_turns == 3);
  }
  // The rest of the freeing went with the store, and so did its tasks.
  CHECK(scheduler.run_until_idle() == 0);
}

TEST_CASE("a put of many small nodes is freed a few dozen nodes a turn",
          "[store][batcher]") {
  // Each small node's fields are freed when the put finishes that node;
  // what is left (a soul and an empty array per node) is still freed by
  // reclaim turns with a budget, not all at once in the last ingest turn.
  Fixture f;
  constexpr int kSouls = 10000;
  Graph g;
  for (int i = 0; i < kSouls; ++i) {
    g.add("soul" + std::to_string(i), "k", Value(i), 1000);
  }
  Fixture::Done done;
  REQUIRE(f.store.put(std::move(g), f.recorder(done)));
  f.scheduler.run_until_idle();
  CHECK(done.calls == 1);
  CHECK(done.summary.applied == kSouls);
  const Stats& stats = f.store.stats();
  CHECK(stats.reclaim_turns >= kSouls / 64);
  CHECK(stats.reclaim_turns <= kSouls / 32);
  CHECK(f.store.get("soul0")->value(0) == Value(0));
  CHECK(f.store.get("soul9999")->value(0) == Value(9999));
}

TEST_CASE("future fields are deferred until the clock reaches them",
          "[store][defer]") {
  Fixture f;
  Fixture::Done done;
  Graph g;
  g.add("s", "now", "here", kNow);
  g.add("s", "later", "a", kNow + 500);
  REQUIRE(f.store.put(std::move(g), f.recorder(done)));
  f.scheduler.run_until_idle();
  CHECK(done.calls == 1);  // deferred fields do not hold back completion
  CHECK(done.summary == PutSummary{1, 0, 1});
  CHECK(f.store.get("s", "now"));
  CHECK_FALSE(f.store.get("s", "later"));
  CHECK(f.store.deferred_count() == 1);
  CHECK(f.scheduler.next_wakeup() == std::optional<double>(kNow + 500));

  f.clock.advance(499.5);
  f.scheduler.run_until_idle();
  CHECK_FALSE(f.store.get("s", "later"));

  // At the due time a competing update with the same state arrives first;
  // the retry is evaluated against the graph as it is then.
  f.clock.advance(0.5);
  REQUIRE(f.store.put(single("s", "later", "b", kNow + 500)));
  f.scheduler.run_until_idle();
  CHECK(f.store.get("s", "later")->value == Value("b"));  // "b" > "a"
  CHECK(f.store.deferred_count() == 0);
  CHECK(f.store.stats().deferrals == 1);
}

TEST_CASE("a deferral longer than the timer cap waits again",
          "[store][defer]") {
  Fixture f;
  const double cap = to_ms(f.store.options().max_defer_wait);
  REQUIRE(f.store.put(single("s", "k", "far", kNow + cap + 1000)));
  f.scheduler.run_until_idle();
  CHECK(f.scheduler.next_wakeup() == std::optional<double>(kNow + cap));
  f.clock.advance(cap);
  f.scheduler.run_until_idle();
  CHECK_FALSE(f.store.get("s", "k"));
  CHECK(f.store.stats().deferrals == 2);
  f.clock.advance(1000);
  f.scheduler.run_until_idle();
  CHECK(f.store.get("s", "k")->value == Value("far"));
}

TEST_CASE("a put that would exceed max_deferred is refused whole",
          "[store][defer][errors]") {
  StoreOptions options;
  options.max_deferred = 2;
  Fixture f(options);
  Graph g;
  g.add("s", "past", 1, 1000);
  for (int i = 0; i < 3; ++i) g.add("s", "f" + std::to_string(i), i, kNow + 10);
  const Status s = f.store.put(std::move(g));
  CHECK(s.code() == Status::Code::kResourceExhausted);
  CHECK_THAT(s.message(), Catch::Contains("max_deferred"));
  f.scheduler.run_until_idle();
  CHECK(f.store.get("s") == nullptr);

  // Two fit; then a third is refused while they wait; then fits again.
  REQUIRE(f.store.put(single("s", "f0", 0, kNow + 10)));
  REQUIRE(f.store.put(single("s", "f1", 1, kNow + 10)));
  CHECK(f.store.put(single("s", "f2", 2, kNow + 10)).code() ==
        Status::Code::kResourceExhausted);
  f.scheduler.run_until_idle();
  CHECK(f.store.deferred_count() == 2);
  f.clock.advance(10);
  f.scheduler.run_until_idle();
  CHECK(f.store.deferred_count() == 0);
  CHECK(f.store.put(single("s", "f2", 2, kNow + 20)));
}

TEST_CASE("invalid puts are refused whole with a clear error",
          "[store][errors]") {
  StoreOptions options;
  options.max_soul_bytes = 8;
  options.max_key_bytes = 8;
  options.max_value_bytes = 8;
  Fixture f(options);
  auto refused = [&](Graph g, const std::string& expected) {
    g.add("good", "k", 1, 1000);  // a valid field that must not be applied
    const Status s = f.store.put(std::move(g));
    CHECK(s.code() == Status::Code::kInvalidArgument);
    CHECK_THAT(s.message(), Catch::Contains(expected));
    f.scheduler.run_until_idle();
    CHECK(f.store.get("good") == nullptr);
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  refused(single("", "k", 1, 1000), "empty soul");
  refused(single("s", "k", 1, nan), "soul 's' key 'k': state is not a finite");
  refused(single("s", "k", 1, inf), "state is not a finite number");
  refused(single("s", "k", 1, -inf), "state is not a finite number");
  refused(single("s", "bad\xFF", 1, 1000), "key is not valid UTF-8");
  refused(single("s\xC0", "k", 1, 1000), "soul is not valid UTF-8");
  refused(single("s", "k", "\xED\xA0\x80", 1000), "value is not valid UTF-8");
  refused(single("s", "k", Link("\xFF"), 1000), "value is not valid UTF-8");
  refused(single("soul-too-long", "k", 1, 1000), "longer than 8 bytes");
  refused(single("s", "key-too-long", 1, 1000), "key is longer than 8 bytes");
  refused(single("s", "k", "value-too-long", 1000), "value is longer");
  CHECK(f.store.stats().keys_visited == 0);
}

TEST_CASE("bounds on put size and queued jobs", "[store][errors]") {
  StoreOptions options;
  options.max_put_fields = 10;
  options.max_pending_jobs = 2;
  Fixture f(options);
  CHECK(f.store.put(one_node("s", 11)).code() ==
        Status::Code::kResourceExhausted);
  CHECK(f.store.put(one_node("s", 10)));
  CHECK(f.store.put(one_node("t", 1)));
  CHECK(f.store.pending_jobs() == 2);
  const Status full = f.store.put(one_node("u", 1));
  CHECK(full.code() == Status::Code::kResourceExhausted);
  CHECK_THAT(full.message(), Catch::Contains("max_pending_jobs"));
  CHECK(f.store.read("s", [](const Chunk&) {}).code() ==
        Status::Code::kNotFound);
  f.scheduler.run_until_idle();
  CHECK(f.store.pending_jobs() == 0);
  CHECK(f.store.put(one_node("u", 1)));
  CHECK(f.store.read("s", [](const Chunk&) {}));
  CHECK(f.store.read("t", [](const Chunk&) {}).code() ==
        Status::Code::kResourceExhausted);
}

TEST_CASE("the empty key is dropped as GUN.js drops it, write refuses it",
          "[store][errors]") {
  Fixture f;
  Fixture::Done done;
  Graph g;
  g.add("s", "", "E", 1000);
  g.add("s", "x", "X", 1000);
  REQUIRE(f.store.put(std::move(g), f.recorder(done)));
  f.scheduler.run_until_idle();
  CHECK(done.summary == PutSummary{1, 1, 0});
  CHECK(f.store.get("s")->size() == 1);
  CHECK_FALSE(f.store.get("s", ""));

  const Status s = f.store.write("s", {{"ok", 1}, {"", 2}});
  CHECK(s.code() == Status::Code::kInvalidArgument);
  CHECK_THAT(s.message(), Catch::Contains("empty key"));
  CHECK(f.store.write("", {{"k", 1}}).code() == Status::Code::kInvalidArgument);
  f.scheduler.run_until_idle();
  CHECK_FALSE(f.store.get("s", "ok"));
}

TEST_CASE("an empty put completes with zero counts", "[store]") {
  Fixture f;
  Fixture::Done done;
  REQUIRE(f.store.put(Graph(), f.recorder(done)));
  f.scheduler.run_until_idle();
  CHECK(done.calls == 1);
  CHECK(done.summary == PutSummary{});
}

TEST_CASE("every put callback fires exactly once", "[store]") {
  Fixture f;
  std::vector<int> calls(50, 0);
  for (int i = 0; i < 50; ++i) {
    REQUIRE(f.store.put(one_node("s" + std::to_string(i % 4), i % 20),
                        [&calls, i](const Status& s, const PutSummary&) {
                          CHECK(s.is_ok());
                          ++calls[static_cast<std::size_t>(i)];
                        }));
  }
  f.scheduler.run_until_idle();
  CHECK(std::all_of(calls.begin(), calls.end(), [](int c) { return c == 1; }));
}

TEST_CASE("destroying the store cancels pending puts once", "[store]") {
  ManualClock clock(kNow);
  Scheduler scheduler(clock);
  int calls = 0;
  Status status;
  PutSummary summary;
  {
    GraphStore store(scheduler);
    REQUIRE(store.put(one_node("s", 20),
                      [&](const Status& s, const PutSummary& sum) {
                        ++calls;
                        status = s;
                        summary = sum;
                      }));
    REQUIRE(store.put(single("s", "k", 1, kNow + 100)));
    scheduler.poll(1);
  }
  CHECK(calls == 1);
  CHECK(status.code() == Status::Code::kCancelled);
  CHECK(summary.applied == 9);
  // Its turns and timers are gone from the scheduler.
  clock.advance(1000);
  CHECK(scheduler.run_until_idle() == 0);
  CHECK(scheduler.timers() == 0);
}

TEST_CASE("subscriptions see converged fields only", "[store][subscribe]") {
  Fixture f;
  std::vector<std::string> on_a;
  std::vector<std::string> on_all;
  const auto sub_a = f.store.subscribe("a", [&](const Change& c) {
    on_a.push_back(std::string(c.key) + "=" + lexical_form(c.value));
  });
  f.store.subscribe_all([&](const Change& c) {
    on_all.push_back(std::string(c.soul) + "." + std::string(c.key) + "@" +
                     format_number(c.state));
  });
  Graph g;
  g.add("a", "x", 1, 1000);
  g.add("b", "y", "hi", 1000);
  REQUIRE(f.store.put(std::move(g)));
  f.scheduler.run_until_idle();
  REQUIRE(f.store.put(single("a", "x", 0, 999)));  // historical: no event
  f.scheduler.run_until_idle();
  CHECK(on_a == std::vector<std::string>{"x=1"});
  CHECK(on_all == std::vector<std::string>{"a.x@1000", "b.y@1000"});

  CHECK(f.store.unsubscribe(sub_a));
  CHECK_FALSE(f.store.unsubscribe(sub_a));
  CHECK_FALSE(f.store.unsubscribe(9999));
  REQUIRE(f.store.put(single("a", "x", 2, 2000)));
  f.scheduler.run_until_idle();
  CHECK(on_a.size() == 1);
  CHECK(on_all.size() == 3);
}

TEST_CASE("callbacks may unsubscribe, subscribe and write re-entrantly",
          "[store][subscribe]") {
  Fixture f;
  int first = 0;
  int second = 0;
  SubscriptionId self = 0;
  self = f.store.subscribe("s", [&](const Change&) {
    ++first;
    f.store.unsubscribe(self);  // removes itself while running
    f.store.subscribe("s", [&](const Change&) { ++second; });
    REQUIRE(f.store.write("log", {{"seen", true}}));
  });
  REQUIRE(f.store.put(one_node("s", 3)));
  f.scheduler.run_until_idle();
  CHECK(first == 1);
  CHECK(second == 2);  // added during the first event, sees the next two
  CHECK(f.store.get("log", "seen")->value == Value(true));
}

TEST_CASE("a throwing callback is counted and does not break the merge",
          "[store][subscribe]") {
  Fixture f;
  f.store.subscribe_all([](const Change&) { throw std::runtime_error("x"); });
  Fixture::Done done;
  REQUIRE(f.store.put(one_node("s", 10), f.recorder(done)));
  f.scheduler.run_until_idle();
  CHECK(f.store.get("s")->size() == 10);
  CHECK(f.store.stats().callback_exceptions == 10);
  CHECK(done.calls == 1);
}

TEST_CASE("KeyRange matches by exact key, prefix and inclusive bounds",
          "[store][lex]") {
  CHECK(KeyRange{}.matches(""));
  CHECK(KeyRange{}.matches("anything"));
  KeyRange prefix;
  prefix.prefix = "ab";
  CHECK(prefix.matches("ab"));
  CHECK(prefix.matches("abc"));
  CHECK_FALSE(prefix.matches("a"));
  KeyRange range;
  range.from = "b";
  range.to = "d";
  CHECK(range.matches("b"));
  CHECK(range.matches("c"));
  CHECK(range.matches("d"));
  CHECK_FALSE(range.matches("d0"));
  CHECK_FALSE(range.matches("a"));
  KeyRange exact;
  exact.exact = "k";
  CHECK(exact.matches("k"));
  CHECK_FALSE(exact.matches("k1"));
  // UTF-16 order: U+FF61 (3 UTF-8 bytes) sorts after U+1F600 (4 bytes,
  // a surrogate pair starting 0xD83D) although its bytes sort before.
  KeyRange astral;
  astral.to = "\xEF\xBD\xA1";
  CHECK(astral.matches("\xF0\x9F\x98\x80"));
}

TEST_CASE("a LEX read hands out matching fields in UTF-16 key order",
          "[store][lex]") {
  Fixture f;
  REQUIRE(f.store.put(one_node("s", 30)));
  f.scheduler.run_until_idle();
  KeyRange range;
  range.prefix = "k2";
  std::vector<std::string> keys;
  int chunks = 0;
  REQUIRE(f.store.read(
      "s", range, 0,
      [&](const Chunk& c) {
        ++chunks;
        for (std::size_t slot : c.slots) keys.push_back(c.node.key(slot));
      },
      4));
  f.scheduler.run_until_idle();
  CHECK(keys == std::vector<std::string>{"k2", "k20", "k21", "k22", "k23",
                                         "k24", "k25", "k26", "k27", "k28",
                                         "k29"});
  CHECK(chunks == 3);
  keys.clear();
  REQUIRE(f.store.read("s", range, 10, [&](const Chunk& c) {
    for (std::size_t slot : c.slots) keys.push_back(c.node.key(slot));
  }));
  f.scheduler.run_until_idle();
  CHECK(keys == std::vector<std::string>{"k2", "k20"});  // 9 + 9 >= 10
  range.prefix = "x";
  CHECK(f.store.read("s", range, 0, [](const Chunk&) {}).code() ==
        Status::Code::kNotFound);
  CHECK(f.store.read("nope", KeyRange{}, 0, [](const Chunk&) {}).code() ==
        Status::Code::kNotFound);
}

TEST_CASE("a LEX read refuses a bound that is not UTF-8", "[store][read]") {
  Fixture f;
  REQUIRE(f.store.put(one_node("s", 30)));
  f.scheduler.run_until_idle();
  // A lead byte with no continuation, at the end: the comparison of key
  // order would read past it.
  const std::string bad = "k2\xea";
  int chunks = 0;
  const auto count = [&](const Chunk&) { ++chunks; };
  for (int which = 0; which < 4; ++which) {
    INFO(which);
    KeyRange range;
    if (which == 0) range.exact = bad;
    if (which == 1) range.prefix = bad;
    if (which == 2) range.from = bad;
    if (which == 3) range.to = bad;
    const Status s = f.store.read("s", range, 0, count);
    CHECK(s.code() == Status::Code::kInvalidArgument);
    CHECK(s.message() == "LEX bound is not UTF-8");
  }
  f.scheduler.run_until_idle();
  CHECK(chunks == 0);
  // Valid bounds above U+FFFF still order as UTF-16.
  KeyRange range;
  range.from = "k2\xf0\x9f\x98\x80";
  CHECK(f.store.read("s", range, 0, count));
  f.scheduler.run_until_idle();
  CHECK(chunks == 1);
}

TEST_CASE("a chunked read walks a node one chunk per turn", "[store][read]") {
  Fixture f;
  REQUIRE(f.store.put(one_node("s", 20)));
  f.scheduler.run_until_idle();
  std::vector<std::pair<std::size_t, std::size_t>> chunks;
  std::vector<std::string> keys;
  int lasts = 0;
  REQUIRE(f.store.read("s", [&](const Chunk& c) {
    chunks.emplace_back(c.slots.front(), c.slots.back() + 1);
    for (std::size_t i : c.slots) keys.push_back(c.node.key(i));
    lasts += c.last ? 1 : 0;
    CHECK(c.soul == "s");
  }));
  // Fields written after the read started are not part of it.
  REQUIRE(f.store.write("s", {{"late", 1}}));
  CHECK(f.scheduler.poll(1) == 1);
  CHECK(chunks.size() == 1);
  f.scheduler.run_until_idle();
  CHECK(chunks == std::vector<std::pair<std::size_t, std::size_t>>{
                      {0, 9}, {9, 18}, {18, 20}});
  CHECK(lasts == 1);
  CHECK(keys.size() == 20);
  CHECK(keys.front() == "k0");
  CHECK(keys.back() == "k19");
  CHECK(f.store.stats().read_turns == 3);
  CHECK(f.store.read("missing", [](const Chunk&) {}).code() ==
        Status::Code::kNotFound);
}

TEST_CASE("work posted from another thread reaches the store",
          "[store][threads]") {
  Fixture f;
  std::thread network([&] {
    for (int i = 0; i < 100; ++i) {
      const bool posted = f.scheduler.post([&f, i] {
        REQUIRE(f.store.put(single("net", "k" + std::to_string(i), i, 1000)));
      });
      REQUIRE(posted);
    }
  });
  network.join();
  f.scheduler.run_until_idle();
  CHECK(f.store.get("net")->size() == 100);
}

TEST_CASE("memory_bytes grows with the data", "[store]") {
  Fixture f;
  CHECK(f.store.memory_bytes() == 0);
  REQUIRE(f.store.put(one_node("s", 1000)));
  f.scheduler.run_until_idle();
  CHECK(f.store.memory_bytes() > 1000 * (sizeof(Value) + sizeof(State)));
}

}  // namespace
}  // namespace gunpp
