// The Storage contract (gunpp/storage.hpp), and the store's cache, load and
// commit logic over it: every case runs against every engine, MemoryStorage
// and SqliteStorage (storage_fixtures.hpp) here, and PostgresStorage when
// compiled into the PostgreSQL tests (GUNPP_CONTRACT_POSTGRES, with a
// server of CTest's). Engine-specific cases (bad
// files, a full disk, crashes) are in storage_test.cpp and crash_test.cpp.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "gunpp/wire/graph_json.hpp"
#include "storage_fixtures.hpp"
#ifdef GUNPP_CONTRACT_POSTGRES
#include "postgres/pg_fixtures.hpp"
#endif

namespace gunpp::testing {
namespace {

#ifdef GUNPP_CONTRACT_POSTGRES
#define ENGINES PostgresEngine
#else
#define ENGINES SqliteEngine, MemoryEngine
#endif

TEMPLATE_TEST_CASE("a stored graph is the same after a reopen", "[storage]",
                   ENGINES) {
  TestType engine;
  std::string before;
  {
    Peer peer(engine.storage());
    Graph g = fields("alice", 20);
    g.add("alice", "friend", Value(Link("bob")), 1000);
    g.add("bob", "flag", Value(true), 1001);
    g.add("bob", "gone", Value(nullptr), 1002);
    g.add("bob", "n", Value(-0.5), 1003.25);
    REQUIRE(peer.store.put(std::move(g)).is_ok());
    peer.scheduler.run_until_idle();
    before = encode_graph(peer.store);
  }
  Peer peer(engine.reopen());
  CHECK(peer.store.node_count() == 0);  // nothing loaded yet
  CHECK(encode_graph(peer.store) == before);
  const auto n = peer.store.get("bob", "n");
  REQUIRE(n);
  CHECK(n->value == Value(-0.5));
  CHECK(n->state == 1003.25);
  CHECK(peer.store.get("alice", "friend")->value == Value(Link("bob")));
  CHECK(peer.store.node_count() == 2);  // loaded by encode_graph
}

TEMPLATE_TEST_CASE("a get of one field reads that field, not its node",
                   "[storage]", ENGINES) {
  TestType engine;
  {
    Peer peer(engine.storage());
    REQUIRE(peer.store.put(fields("s", 50)).is_ok());
    peer.scheduler.run_until_idle();
  }
  RecordingStorage recording(engine.reopen());
  Peer peer(recording);
  REQUIRE(peer.store.get("s", "k49"));
  CHECK(peer.store.get("s", "k49")->value == Value("v49"));
  CHECK_FALSE(peer.store.get("s", "nope"));
  CHECK_FALSE(peer.store.get("nope", "k1"));
  CHECK(recording.field_loads == 4);
  CHECK(recording.loads == 0);
  CHECK(peer.store.node_count() == 0);
  // Once the node is in memory, it answers.
  REQUIRE(peer.store.get("s") != nullptr);
  CHECK(peer.store.get("s", "k0")->value == Value("v0"));
  CHECK(recording.field_loads == 4);
}

TEMPLATE_TEST_CASE("HAM runs against the stored node after a reopen",
                   "[storage]", ENGINES) {
  TestType engine;
  {
    Peer peer(engine.storage());
    REQUIRE(peer.store.put(fields("s", 3, 2000)).is_ok());
    peer.scheduler.run_until_idle();
  }
  Peer peer(engine.reopen());
  Done done;
  Graph g;
  g.add("s", "k0", Value("older"), 1500);  // historical: ignored
  g.add("s", "k1", Value("newer"), 2500);  // converges
  REQUIRE(peer.store.put(std::move(g), done.callback()).is_ok());
  peer.scheduler.run_until_idle();
  CHECK(done.status.is_ok());
  CHECK(done.summary == PutSummary{1, 1, 0});
  CHECK(peer.store.get("s", "k0")->value == Value("v0"));
  CHECK(peer.store.get("s", "k1")->value == Value("newer"));
}

TEMPLATE_TEST_CASE("a put is acked after the commit that holds its last field",
                   "[storage]", ENGINES) {
  TestType engine;
  RecordingStorage recording(engine.storage());
  StoreOptions options;
  options.keys_per_turn = 2;
  options.commit_every_turns = 1000;
  Peer peer(recording, options);
  std::size_t committed_at_ack = 0;
  REQUIRE(peer.store
              .put(fields("s", 9),
                   [&](const Status& s, const PutSummary&) {
                     CHECK(s.is_ok());
                     committed_at_ack = recording.committed_puts;
                   })
              .is_ok());
  peer.scheduler.run_until_idle();
  CHECK(committed_at_ack == 9);
  CHECK(recording.commits == 1);  // one group commit when the queue ran dry
}

TEMPLATE_TEST_CASE("group commits come every commit_every_turns turns",
                   "[storage]", ENGINES) {
  TestType engine;
  RecordingStorage recording(engine.storage());
  StoreOptions options;
  options.keys_per_turn = 10;
  options.commit_every_turns = 5;
  Peer peer(recording, options);
  REQUIRE(peer.store.put(fields("s", 1000)).is_ok());  // 100 turns
  peer.scheduler.run_until_idle();
  CHECK(recording.commits == 20);
  CHECK(recording.committed_puts == 1000);
}

TEMPLATE_TEST_CASE("per-put durability commits as each put completes",
                   "[storage]", ENGINES) {
  TestType engine;
  RecordingStorage recording(engine.storage());
  recording.durability_ = Durability::kPerPut;
  Peer peer(recording);
  Done a, b;
  REQUIRE(peer.store.put(fields("a", 3), a.callback()).is_ok());
  REQUIRE(peer.store.put(fields("b", 3), b.callback()).is_ok());
  peer.scheduler.poll(1);
  CHECK(a.calls == 1);
  CHECK(recording.commits == 1);
  CHECK(b.calls == 0);
  peer.scheduler.run_until_idle();
  CHECK(b.calls == 1);
  CHECK(recording.commits == 2);
}

TEMPLATE_TEST_CASE(
    "a failed commit fails the put, and the store refuses writes after",
    "[storage]", ENGINES) {
  TestType engine;
  RecordingStorage recording(engine.storage());
  Peer peer(recording);
  recording.fail_with = Status::io_error("graph.db: disk I/O error");
  Done done;
  REQUIRE(peer.store.put(fields("s", 3), done.callback()).is_ok());
  peer.scheduler.run_until_idle();
  CHECK(done.calls == 1);
  CHECK(done.status.code() == Status::Code::kIOError);
  CHECK(peer.store.storage_status().code() == Status::Code::kIOError);
  const Status refused = peer.store.put(fields("t", 1));
  CHECK(refused.code() == Status::Code::kIOError);
  CHECK(refused.message() == "graph.db: disk I/O error");
  CHECK(peer.store.flush().code() == Status::Code::kIOError);
}

TEMPLATE_TEST_CASE(
    "an unavailable storage fails puts until a retry commits what it held",
    "[storage]", ENGINES) {
  TestType engine;
  RecordingStorage recording(engine.storage());
  StoreOptions options;
  options.storage_retry = std::chrono::milliseconds(500);
  Peer peer(recording, options);
  recording.fail_with = Status::unavailable("db: server closed the connection");
  Done done;
  Graph g = fields("s", 3);
  g.add("s", "later", Value("due"), kNow + 2000);  // parked, then due
  REQUIRE(peer.store.put(std::move(g), done.callback()).is_ok());
  peer.scheduler.run_until_idle();
  CHECK(done.status.code() == Status::Code::kUnavailable);  // no false ack
  CHECK(peer.store.put(fields("t", 1)).code() == Status::Code::kUnavailable);
  // Retries every storage_retry while it is down; the parked field comes
  // due meanwhile.
  peer.clock.advance(2500);
  peer.scheduler.run_until_idle();
  CHECK(peer.store.storage_status().code() == Status::Code::kUnavailable);
  CHECK(recording.commits == 0);
  recording.fail_with = Status::ok();
  peer.clock.advance(500);
  peer.scheduler.run_until_idle();
  CHECK(peer.store.storage_status().is_ok());
  CHECK(recording.commits >= 1);
  Done after;
  REQUIRE(peer.store.put(fields("u", 2), after.callback()).is_ok());
  peer.scheduler.run_until_idle();
  CHECK(after.status.is_ok());
  // What converged before the failure, and the field that came due, were
  // committed.
  std::optional<Field> field;
  REQUIRE(engine.storage().load_field("s", "k2", field));
  REQUIRE(field);
  CHECK(field->value == Value("v2"));
  REQUIRE(engine.storage().load_field("s", "later", field));
  REQUIRE(field);
  CHECK(field->value == Value("due"));
  std::size_t parked = 0;
  REQUIRE(engine.storage().load_parked(
      [&](std::uint64_t, std::string_view, const Field&) { ++parked; }));
  CHECK(parked == 0);
}

TEMPLATE_TEST_CASE("parked fields survive a reopen and apply when due",
                   "[storage]", ENGINES) {
  TestType engine;
  {
    Peer peer(engine.storage());
    Done done;
    Graph g;
    g.add("s", "later", Value("future"), kNow + 5000);
    g.add("s", "now", Value("present"), kNow);
    REQUIRE(peer.store.put(std::move(g), done.callback()).is_ok());
    peer.scheduler.run_until_idle();
    CHECK(done.summary == PutSummary{1, 0, 1});
    CHECK(peer.store.deferred_count() == 1);
  }
  {
    Peer peer(engine.reopen());
    CHECK(peer.store.deferred_count() == 1);
    CHECK_FALSE(peer.store.get("s", "later"));
    peer.clock.advance(5000);
    peer.scheduler.run_until_idle();
    CHECK(peer.store.deferred_count() == 0);
    REQUIRE(peer.store.get("s", "later"));
    CHECK(peer.store.get("s", "later")->value == Value("future"));
  }
  Peer peer(engine.reopen(), {}, kNow + 6000);
  CHECK(peer.store.deferred_count() == 0);  // unparked in storage too
  CHECK(peer.store.get("s", "later")->state == kNow + 5000);
}

TEMPLATE_TEST_CASE("a parked field restored after a reopen keeps its id unique",
                   "[storage]", ENGINES) {
  TestType engine;
  {
    Peer peer(engine.storage());
    REQUIRE(peer.store.put(fields("a", 2, kNow + 100)).is_ok());
    peer.scheduler.run_until_idle();
  }
  {
    Peer peer(engine.reopen());
    // New parks after a restore must not collide with the restored ids.
    REQUIRE(peer.store.put(fields("b", 2, kNow + 200)).is_ok());
    peer.scheduler.run_until_idle();
    CHECK(peer.store.storage_status().is_ok());
    CHECK(peer.store.deferred_count() == 4);
  }
  Peer peer(engine.reopen());
  CHECK(peer.store.deferred_count() == 4);
  peer.clock.advance(200);
  peer.scheduler.run_until_idle();
  CHECK(peer.store.get("a", "k1"));
  CHECK(peer.store.get("b", "k1"));
}

TEMPLATE_TEST_CASE("destroying the store commits what converged and acks it",
                   "[storage]", ENGINES) {
  TestType engine;
  Done done;
  {
    RecordingStorage recording(engine.storage());
    StoreOptions options;
    options.keys_per_turn = 1;
    options.commit_every_turns = 1000;
    Peer peer(recording, options);
    REQUIRE(peer.store.put(fields("s", 3), done.callback()).is_ok());
    REQUIRE(peer.store.put(fields("t", 30)).is_ok());
    // Until s is done: its commit waits for the queue to run dry.
    while (peer.store.pending_jobs() > 1) peer.scheduler.poll(1);
    CHECK(done.calls == 0);
  }
  CHECK(done.calls == 1);
  CHECK(done.status.is_ok());
  Peer peer(engine.reopen());
  CHECK(peer.store.get("s", "k2"));
}

TEMPLATE_TEST_CASE(
    "a tiny cache budget evicts cold nodes and reloads them on demand",
    "[storage]", ENGINES) {
  TestType engine;
  StoreOptions options;
  options.cache_bytes = 64 * 1024;
  options.commit_every_turns = 8;
  Peer peer(engine.storage(), options);
  std::size_t peak = 0;
  for (int i = 0; i < 200; ++i) {
    REQUIRE(peer.store.put(fields("s" + std::to_string(i), 40)).is_ok());
    peer.scheduler.run_until_idle();
    peak = std::max(peak, peer.store.memory_bytes());
  }
  // 200 nodes of about 40 * 70 bytes each: far more than the budget.
  CHECK(peer.store.stats().evictions > 100);
  CHECK(peer.store.node_count() < 200);
  CHECK(peak <= options.cache_bytes + 16 * 1024);
  // Every node is still there, loaded again when asked for.
  const auto loads = peer.store.stats().node_loads;
  for (int i = 0; i < 200; ++i) {
    const Node* node = peer.store.get("s" + std::to_string(i));
    REQUIRE(node != nullptr);
    CHECK(node->size() == 40);
  }
  CHECK(peer.store.stats().node_loads > loads);
  // HAM against an evicted node sees its stored state.
  Done done;
  REQUIRE(peer.store.put(fields("s0", 2, 500), done.callback()).is_ok());
  peer.scheduler.run_until_idle();
  CHECK(done.summary == PutSummary{0, 2, 0});
}

TEMPLATE_TEST_CASE("a node that a chunked read walks is not evicted under it",
                   "[storage]", ENGINES) {
  TestType engine;
  StoreOptions options;
  options.cache_bytes = 4 * 1024;
  options.commit_every_turns = 1;
  Peer peer(engine.storage(), options);
  REQUIRE(peer.store.put(fields("big", 100)).is_ok());
  peer.scheduler.run_until_idle();
  std::vector<std::string> keys;
  REQUIRE(peer.store.read("big", [&](const Chunk& c) {
    for (std::size_t slot : c.slots) keys.push_back(c.node.key(slot));
  }));
  // Writes to other souls commit (and evict) between the read's turns.
  for (int i = 0; i < 20; ++i) {
    REQUIRE(peer.store.put(fields("other" + std::to_string(i), 10)).is_ok());
  }
  peer.scheduler.run_until_idle();
  CHECK(peer.store.stats().evictions > 0);
  REQUIRE(keys.size() == 100);
  std::sort(keys.begin(), keys.end());
  CHECK(std::adjacent_find(keys.begin(), keys.end()) == keys.end());
}

TEMPLATE_TEST_CASE("load_fields resumes after a key, in byte order of keys",
                   "[storage]", ENGINES) {
  TestType engine;
  Storage& db = engine.storage();
  WriteBatch batch;
  for (const char* key : {"b", "\xC3\xA9", "a", "z", "ab"}) {
    batch.put("s", Field{key, Value(key), 1});
  }
  batch.put("t", Field{"other soul", Value(1.0), 1});
  REQUIRE(db.commit(batch));
  std::vector<Field> fields;
  std::string after;
  int calls = 0;
  for (;;) {
    const std::size_t before = fields.size();
    REQUIRE(db.load_fields("s", after, 2, fields));
    ++calls;
    if (fields.size() - before < 2) break;
    after = fields.back().key;
  }
  std::vector<std::string> keys;
  for (const Field& f : fields) keys.push_back(f.key);
  CHECK(keys == std::vector<std::string>{"a", "ab", "b", "z", "\xC3\xA9"});
  CHECK(calls == 3);
  std::vector<Field> none;
  REQUIRE(db.load_fields("absent", {}, 2, none));
  CHECK(none.empty());
}

TEMPLATE_TEST_CASE(
    "a commit applies puts in order, then parks, then unparks, and reads see "
    "it",
    "[storage]", ENGINES) {
  TestType engine;
  Storage& db = engine.storage();
  WriteBatch first;
  first.put("s", Field{"k", Value("old"), 1});
  first.put("s", Field{"k", Value("new"), 2});  // replaces the one before
  first.put("\xC3\xA9", Field{"k", Value(Link("s")), 3});
  first.put("a", Field{"gone", Value(nullptr), 4});
  first.park(7, "s", Field{"later", Value(1.5), 9e12});
  first.park(8, "t", Field{"later", Value(true), 9e12});
  REQUIRE(db.commit(first));
  WriteBatch second;
  second.unpark(7);
  second.unpark(99);  // never parked: nothing to do
  REQUIRE(db.commit(second));
  REQUIRE(db.commit(WriteBatch()));  // an empty commit is fine

  std::optional<Field> field;
  REQUIRE(db.load_field("s", "k", field));
  REQUIRE(field);
  CHECK(*field == Field{"k", Value("new"), 2});
  REQUIRE(db.load_field("s", "nope", field));
  CHECK_FALSE(field);
  REQUIRE(db.load_field("a", "gone", field));
  CHECK(field->value == Value(nullptr));

  std::vector<std::string> souls;
  REQUIRE(db.for_each_node([&](std::string_view soul, const Node& node) {
    souls.emplace_back(soul);
    CHECK(node.size() == 1);
  }));
  CHECK(souls == std::vector<std::string>{"a", "s", "\xC3\xA9"});

  std::vector<std::uint64_t> parked;
  REQUIRE(db.load_parked(
      [&](std::uint64_t id, std::string_view soul, const Field& f) {
        parked.push_back(id);
        CHECK(soul == "t");
        CHECK(f == Field{"later", Value(true), 9e12});
      }));
  REQUIRE(parked.size() == 1);
  WriteBatch third;
  third.unpark(parked[0]);
  REQUIRE(db.commit(third));
  parked.clear();
  REQUIRE(db.load_parked([&](std::uint64_t id, std::string_view, const Field&) {
    parked.push_back(id);
  }));
  CHECK(parked.empty());
  Node node;
  REQUIRE(db.load_node("s", node));
  CHECK(node.size() == 1);  // a parked field is not a field of its node
}

// A store reopened over an engine holding one node of `n` fields ("big",
// each at state 1000), loading `per_turn` fields a turn.
template <typename Engine>
struct BigNode {
  BigNode(int n, std::size_t per_turn) {
    {
      Peer writer(engine.storage());
      REQUIRE(writer.store.put(fields("big", n)));
      writer.scheduler.run_until_idle();
    }
    StoreOptions options;
    options.load_fields_per_turn = per_turn;
    peer = std::make_unique<Peer>(recording, options);
  }
  Engine engine;
  RecordingStorage recording{engine.reopen()};
  std::unique_ptr<Peer> peer;
};

TEMPLATE_TEST_CASE(
    "a node too large for one turn loads across turns, its jobs wait",
    "[storage]", ENGINES) {
  BigNode<TestType> big(1000, 64);
  GraphStore& store = big.peer->store;
  std::vector<std::string> events;
  std::vector<std::string> keys;
  REQUIRE(store.read("big", [&](const Chunk& c) {
    if (keys.empty()) events.push_back("big");
    for (std::size_t slot : c.slots) keys.push_back(c.node.key(slot));
  }));
  CHECK(store.node_count() == 0);  // not in memory until whole
  // Queued behind it: a put to the same node, and one to another soul.
  Done same;
  REQUIRE(store.put(fields("big", 3, 500), same.callback()));
  store.subscribe("small", [&](const Change&) { events.push_back("small"); });
  REQUIRE(store.put(fields("small", 1)));
  big.peer->scheduler.run_until_idle();

  // No turn loaded more than its share, and the node came in ~1000/64 turns
  // (and one more that unpins it once the waiting jobs have run).
  CHECK(big.recording.most_fields_loaded == 64);
  CHECK(store.stats().load_turns == 1000 / 64 + 1);
  CHECK(store.stats().node_loads == 1);
  // The other soul's put went on while the node loaded.
  CHECK(events == std::vector<std::string>{"small", "big"});
  // The read saw the whole node once; the waiting put ran HAM against it.
  REQUIRE(keys.size() == 1000);
  std::sort(keys.begin(), keys.end());
  CHECK(std::adjacent_find(keys.begin(), keys.end()) == keys.end());
  CHECK(same.calls == 1);
  CHECK(same.summary == PutSummary{0, 3, 0});
  CHECK(store.get("big", "k999") == Entry{Value("v999"), 1000});
}

TEMPLATE_TEST_CASE(
    "a node larger than the cache budget still reaches its reader", "[storage]",
    ENGINES) {
  // Every turn commits and evicts: the node, once loaded, must survive
  // until the jobs that waited for it have had a turn.
  TestType engine;
  {
    Peer writer(engine.storage());
    REQUIRE(writer.store.put(fields("big", 300)));
    writer.scheduler.run_until_idle();
  }
  StoreOptions options;
  options.load_fields_per_turn = 16;
  options.cache_bytes = 1;
  options.commit_every_turns = 1;
  Peer peer(engine.reopen(), options);
  std::size_t read = 0;
  bool last = false;
  REQUIRE(peer.store.read("big", [&](const Chunk& c) {
    read += c.slots.size();
    last = c.last;
  }));
  Done put;
  REQUIRE(peer.store.put(fields("big", 2, 500), put.callback()));
  peer.scheduler.poll(10000);  // bounded: a livelock fails, not hangs
  CHECK(last);
  CHECK(read == 300);
  CHECK(put.calls == 1);
  CHECK(put.summary == PutSummary{0, 2, 0});
  CHECK(peer.store.pending_jobs() == 0);
}

TEMPLATE_TEST_CASE("a LEX read of a node that loads across turns", "[storage]",
                   ENGINES) {
  BigNode<TestType> big(300, 16);
  GraphStore& store = big.peer->store;
  KeyRange none;
  none.prefix = "nope";
  int empty_chunks = 0;
  std::size_t other_slots = 0;
  REQUIRE(store.read("big", none, 0, [&](const Chunk& c) {
    CHECK(c.last);
    if (c.slots.empty()) ++empty_chunks;
    other_slots += c.slots.size();
  }));
  KeyRange k29;
  k29.prefix = "k29";
  std::vector<std::string> keys;
  REQUIRE(store.read("big", k29, 0, [&](const Chunk& c) {
    for (std::size_t slot : c.slots) keys.push_back(c.node.key(slot));
  }));
  big.peer->scheduler.run_until_idle();
  // No key matches: one empty last chunk says so.
  CHECK(empty_chunks == 1);
  CHECK(other_slots == 0);
  CHECK(keys == std::vector<std::string>{"k29", "k290", "k291", "k292", "k293",
                                         "k294", "k295", "k296", "k297", "k298",
                                         "k299"});
  CHECK(store.stats().node_loads == 1);  // both reads waited on one load
}

TEMPLATE_TEST_CASE(
    "get() of a node being loaded loads it whole and ends the load",
    "[storage]", ENGINES) {
  BigNode<TestType> big(500, 32);
  GraphStore& store = big.peer->store;
  std::size_t read = 0;
  REQUIRE(store.read("big", [&](const Chunk& c) { read += c.slots.size(); }));
  big.peer->scheduler.poll(3);  // the load is under way
  const Node* node = store.get("big");
  REQUIRE(node != nullptr);
  CHECK(node->size() == 500);
  big.peer->scheduler.run_until_idle();
  CHECK(read == 500);
  CHECK(store.stats().node_loads == 1);
  CHECK(store.stats().load_turns < 500 / 32);
}

TEMPLATE_TEST_CASE("a load that fails across turns fails its reads and puts",
                   "[storage]", ENGINES) {
  BigNode<TestType> big(200, 16);
  GraphStore& store = big.peer->store;
  int chunks = 0;
  std::size_t slots = 0;
  REQUIRE(store.read("big", [&](const Chunk& c) {
    ++chunks;
    slots += c.slots.size();
    CHECK(c.last);
  }));
  Done put;
  REQUIRE(store.put(fields("big", 1, 2000), put.callback()));
  big.recording.fail_loads_with = Status::io_error("disk gone");
  big.peer->scheduler.run_until_idle();
  CHECK(chunks == 1);  // one empty last chunk
  CHECK(slots == 0);
  CHECK(put.calls == 1);
  CHECK(put.status.code() == Status::Code::kIOError);
  CHECK(store.storage_status().message() == "disk gone");
  CHECK(store.node_count() == 0);
}

}  // namespace
}  // namespace gunpp::testing
