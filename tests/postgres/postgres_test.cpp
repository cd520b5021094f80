// The PostgreSQL engine and the cluster's parts, on a real server
// (pg_fixtures.hpp): HAM decided in the database across connections, the
// tie-break key, the change feed (its catch-up, its skipping of its own
// commits, a trimmed log), a store's recovery from a lost server, and the
// errors for what is not a gunpp database.
#include <poll.h>

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "gunpp/graph_store.hpp"
#include "gunpp/postgres/change_feed.hpp"
#include "gunpp/wire/graph_json.hpp"
#include "pg_fixtures.hpp"
#include "postgres/rows.hpp"
#include "storage_fixtures.hpp"

namespace gunpp::testing {
namespace {

// Reads the feed until `done()` or 5 s pass; true when done.
template <typename Done>
bool follow(ChangeFeed& feed, Done done) {
  for (int i = 0; i < 500 && !done(); ++i) {
    pollfd p{feed.socket(), POLLIN, 0};
    if (p.fd >= 0 && ::poll(&p, 1, 10) > 0) feed.on_readable();
    if (p.fd < 0) {
      feed.tick();
      ::poll(nullptr, 0, 10);
    }
  }
  return done();
}

// A store over its own connection to one database, and a feed into it: a
// relay of a cluster, without the network.
struct ClusterPeer {
  explicit ClusterPeer(const std::string& uri) : db(open_pg(uri)), peer(*db) {
    auto f = ChangeFeed::open(uri, db->origin(), [this](Graph changes) {
      return peer.store.merge_committed(std::move(changes)).is_ok();
    });
    INFO(f.status().message());
    REQUIRE(f);
    feed = std::move(*f);
  }
  std::unique_ptr<PostgresStorage> db;
  Peer peer;
  std::unique_ptr<ChangeFeed> feed;
};

std::optional<Value> value_of(GraphStore& store, const std::string& soul,
                              const std::string& key) {
  auto e = store.get(soul, key);
  if (!e) return std::nullopt;
  return e->value;
}

TEST_CASE("the tie-break key orders values as HAM's UTF-16 comparison",
          "[postgres]") {
  std::mt19937 rng(20261206);
  const std::vector<std::string> pieces = {"a",
                                           "b",
                                           "\x7f",
                                           "é",
                                           "\xef\xbf\xbd" /* U+FFFD */,
                                           "\xee\x80\x80" /* U+E000 */,
                                           "\xed\x9f\xbf" /* U+D7FF */,
                                           "\xf0\x9f\x98\x80" /* U+1F600 */,
                                           "\xf4\x8f\xbf\xbf" /* U+10FFFF */,
                                           "\"",
                                           "\\",
                                           "\n",
                                           ""};
  auto random_value = [&]() -> Value {
    switch (rng() % 5) {
      case 0:
        return Value(nullptr);
      case 1:
        return Value(rng() % 2 == 0);
      case 2:
        return Value(static_cast<double>(static_cast<int>(rng() % 200)) / 8 -
                     10);
      case 3:
        return Value(Link("s" + pieces[rng() % pieces.size()]));
      default: {
        std::string s;
        for (int n = rng() % 4; n > 0; --n) s += pieces[rng() % pieces.size()];
        return Value(s);
      }
    }
  };
  int mixed = 0;
  for (int i = 0; i < 20000; ++i) {
    const Value a = random_value();
    const Value b = random_value();
    std::string ka, kb;
    pg::append_tie_key(ka, a);
    pg::append_tie_key(kb, b);
    const int want = lexical_compare(a, b);
    const int got = ka.compare(kb);
    INFO(lexical_form(a) << " vs " << lexical_form(b));
    REQUIRE((want < 0) == (got < 0));
    REQUIRE((want == 0) == (got == 0));
    // Byte order and UTF-16 order disagree on these: the key must follow
    // UTF-16's.
    if (ka.find('\xed') != std::string::npos) ++mixed;
  }
  CHECK(mixed > 100);
}

TEST_CASE(
    "the database keeps GUN's winner when two connections write one "
    "field at one state",
    "[postgres]") {
  TestDatabase database;
  ClusterPeer one(database.uri());
  ClusterPeer two(database.uri());
  // One state, two values: "zebra" wins by its JSON text, whichever
  // commits last.
  for (int order = 0; order < 2; ++order) {
    const std::string soul = "race" + std::to_string(order);
    ClusterPeer& first = order == 0 ? one : two;
    ClusterPeer& second = order == 0 ? two : one;
    Graph a, b;
    a.add(soul, "k", Value("zebra"), 5000);
    b.add(soul, "k", Value("apple"), 5000);
    Done da, db;
    REQUIRE(first.peer.store.put(std::move(a), da.callback()).is_ok());
    first.peer.scheduler.run_until_idle();
    REQUIRE(second.peer.store.put(std::move(b), db.callback()).is_ok());
    second.peer.scheduler.run_until_idle();
    CHECK(da.status.is_ok());
    CHECK(db.status.is_ok());  // acked: committed, though it lost
    CHECK(query_one(database.uri(),
                    "SELECT convert_from(value, 'UTF8') FROM gunpp_fields "
                    "WHERE soul = '" +
                        soul + "'::bytea") == "zebra");
  }
  // The loser's cache learns the winner from the feed.
  auto both_zebra = [&](ClusterPeer& p) {
    p.peer.scheduler.run_until_idle();
    return value_of(p.peer.store, "race0", "k") == Value("zebra") &&
           value_of(p.peer.store, "race1", "k") == Value("zebra");
  };
  CHECK(follow(*one.feed, [&] { return both_zebra(one); }));
  CHECK(follow(*two.feed, [&] { return both_zebra(two); }));
  // Only winning writes are logged, and nothing was written back.
  CHECK(query_one(database.uri(), "SELECT count(*) FROM gunpp_changes") == "2");
}

TEST_CASE("a greater state in the database beats a stale cache's write",
          "[postgres]") {
  TestDatabase database;
  ClusterPeer one(database.uri());
  ClusterPeer two(database.uri());
  Graph base, newer, older;
  base.add("s", "k", Value("base"), 1000);
  REQUIRE(two.peer.store.put(std::move(base)).is_ok());
  two.peer.scheduler.run_until_idle();  // "s" is in two's cache
  newer.add("s", "k", Value("new"), 9000);
  older.add("s", "k", Value("old"), 8000);
  REQUIRE(one.peer.store.put(std::move(newer)).is_ok());
  one.peer.scheduler.run_until_idle();
  // Two has not read the feed yet: its cache converges the older write,
  // the database does not.
  REQUIRE(two.peer.store.put(std::move(older)).is_ok());
  two.peer.scheduler.run_until_idle();
  CHECK(value_of(two.peer.store, "s", "k") == Value("old"));
  CHECK(query_one(database.uri(),
                  "SELECT state FROM gunpp_fields WHERE soul = 's'::bytea") ==
        "9000");
  CHECK(follow(*two.feed, [&] {
    two.peer.scheduler.run_until_idle();
    return value_of(two.peer.store, "s", "k") == Value("new");
  }));
  // One skips its own change (it holds it already), and takes two's.
  one.feed->poll();
  CHECK(follow(*one.feed, [&] { return one.feed->stats().changes == 1; }));
  CHECK(one.feed->stats().skipped == 1);
}

TEST_CASE("the change feed catches up after its connection is cut",
          "[postgres]") {
  TestDatabase database;
  ClusterPeer reader(database.uri());
  auto writer = open_pg(database.uri());
  database.terminate_connections();  // the reader's feed and store, and ours
  Peer w(*writer);
  // The writer's connection turns out lost at its first commit: the engine
  // connects again and commits.
  Done done;
  REQUIRE(w.store.put(fields("after", 30, 7000), done.callback()).is_ok());
  w.scheduler.run_until_idle();
  CHECK(done.status.is_ok());
  CHECK(query_one(database.uri(),
                  "SELECT count(*) FROM gunpp_fields WHERE soul = "
                  "'after'::bytea") == "30");
  // The reader's feed notices the cut, reconnects, and reads what it missed.
  CHECK(follow(*reader.feed, [&] {
    reader.peer.scheduler.run_until_idle();
    return reader.feed->stats().changes == 30;
  }));
  CHECK(reader.feed->stats().reconnects >= 1);
  CHECK(reader.feed->stats().connections == 2);
  CHECK_FALSE(reader.feed->lost());
  CHECK(value_of(reader.peer.store, "after", "k29") == Value("v29"));
}

TEST_CASE(
    "a feed away while the log was trimmed past it knows it lost "
    "changes",
    "[postgres]") {
  TestDatabase database;
  PostgresOptions small;
  small.keep_changes = 10;
  auto writer = open_pg(database.uri(), small);
  ClusterPeer reader(database.uri());
  database.terminate_connections();
  Peer w(*writer);
  for (int i = 0; i < 300; ++i) {
    Graph g;
    g.add("t", "k" + std::to_string(i), Value(i), 1000 + i);
    REQUIRE(w.store.put(std::move(g)).is_ok());
    w.scheduler.run_until_idle();
  }
  REQUIRE(w.store.storage_status().is_ok());
  CHECK(std::stoi(query_one(database.uri(),
                            "SELECT count(*) FROM gunpp_changes")) < 300);
  CHECK(follow(*reader.feed, [&] { return reader.feed->lost(); }));
}

TEST_CASE("sync() returns once the changes committed before it are applied",
          "[postgres]") {
  TestDatabase database;
  ClusterPeer reader(database.uri());
  auto writer = open_pg(database.uri());
  Peer w(*writer);
  REQUIRE(w.store.put(fields("synced", 40, 3000)).is_ok());
  w.scheduler.run_until_idle();
  REQUIRE(w.store.storage_status().is_ok());
  // The reader has not looked at its socket: nothing is applied yet.
  CHECK(reader.feed->stats().changes == 0);
  bool done = false;
  reader.feed->sync([&] { done = true; });
  CHECK_FALSE(done);
  CHECK(follow(*reader.feed, [&] { return done; }));
  CHECK(reader.feed->stats().changes == 40);
  // With nothing new, a sync still waits for its read of the log.
  bool again = false;
  reader.feed->sync([&] { again = true; });
  CHECK_FALSE(again);
  CHECK(follow(*reader.feed, [&] { return again; }));
  CHECK(reader.feed->stats().changes == 40);
}

TEST_CASE("PostgreSQL open errors name the server and the problem",
          "[postgres]") {
  TestDatabase database;
  SECTION("a URI libpq cannot parse") {
    auto db = PostgresStorage::open("postgresql://[::1");
    CHECK(db.status().code() == Status::Code::kInvalidArgument);
  }
  SECTION("a server that is not there") {
    auto db = PostgresStorage::open(
        "postgresql://gunpp:secret@127.0.0.1:1/x?connect_timeout=2");
    CHECK(db.status().code() == Status::Code::kUnavailable);
    CHECK(db.status().message().find("127.0.0.1") != std::string::npos);
    CHECK(db.status().message().find("secret") == std::string::npos);
  }
  SECTION("a database with tables of its own") {
    REQUIRE(run_sql(database.uri(), "CREATE TABLE orders (id int)").empty());
    auto db = PostgresStorage::open(database.uri());
    CHECK(db.status().code() == Status::Code::kCorruption);
    CHECK(db.status().message().find("not a gunpp database") !=
          std::string::npos);
    CHECK(ChangeFeed::open(database.uri(), 0, [](Graph) { return true; })
              .status()
              .code() == Status::Code::kCorruption);
  }
  SECTION("a schema from a newer gunpp") {
    open_pg(database.uri());
    REQUIRE(run_sql(database.uri(),
                    "UPDATE gunpp_meta SET value = '99' WHERE name = "
                    "'schema_version'")
                .empty());
    auto db = PostgresStorage::open(database.uri());
    CHECK(db.status().code() == Status::Code::kCorruption);
    CHECK(db.status().message().find("schema version 99") != std::string::npos);
  }
}

TEST_CASE("strings with NUL and any Unicode survive the PostgreSQL engine",
          "[postgres]") {
  TestDatabase database;
  const std::string odd("a\0b\xf0\x9f\x98\x80\n\"", 9);
  {
    auto db = open_pg(database.uri());
    Peer peer(*db);
    Graph g;
    g.add(odd, odd, Value(odd), 1);
    g.add(odd, "n", Value(-0.0), 2);
    g.add(odd, "big", Value(1.7976931348623157e308), 3);
    g.add(odd, "link", Value(Link(odd)), 4);
    REQUIRE(peer.store.put(std::move(g)).is_ok());
    peer.scheduler.run_until_idle();
    REQUIRE(peer.store.storage_status().is_ok());
  }
  auto db = open_pg(database.uri());
  Peer peer(*db);
  CHECK(value_of(peer.store, odd, odd) == Value(odd));
  CHECK(value_of(peer.store, odd, "big") == Value(1.7976931348623157e308));
  CHECK(value_of(peer.store, odd, "link") == Value(Link(odd)));
  CHECK(peer.store.get(odd, odd)->state == 1);
}

}  // namespace
}  // namespace gunpp::testing
