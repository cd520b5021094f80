#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/stored_rows_property.hpp"
#include "gunpp/graph_json.hpp"
#include "gunpp/graph_store.hpp"
#include "gunpp/sqlite_storage.hpp"

namespace gunpp {
namespace {

namespace fs = std::filesystem;

constexpr double kNow = 1'000'000;

// A fresh directory under the system's temporary directory, removed after.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (fs::temp_directory_path() / "gunpp-storage-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const {
    return (path_ / name).string();
  }

 private:
  fs::path path_;
};

std::unique_ptr<SqliteStorage> open_db(const std::string& path,
                                       SqliteOptions options = {}) {
  std::unique_ptr<SqliteStorage> db;
  const Status s = SqliteStorage::open(path, options, &db);
  INFO(s.message());
  REQUIRE(s.is_ok());
  return db;
}

// Forwards to another storage; counts commits and can fail the next ones.
class RecordingStorage final : public Storage {
 public:
  explicit RecordingStorage(Storage& inner) : inner_(inner) {}
  Status load_fields(std::string_view soul, std::string_view after,
                     std::size_t limit, Node& node) override {
    ++loads;
    if (!fail_loads_with.is_ok()) return fail_loads_with;
    const std::size_t before = node.size();
    Status s = inner_.load_fields(soul, after, limit, node);
    most_fields_loaded = std::max(most_fields_loaded, node.size() - before);
    return s;
  }
  Status load_field(std::string_view soul, std::string_view key,
                    std::optional<Field>& field) override {
    ++field_loads;
    return inner_.load_field(soul, key, field);
  }
  Status load_parked(const ParkedFn& fn) override {
    return inner_.load_parked(fn);
  }
  Status for_each_node(const NodeFn& fn) override {
    return inner_.for_each_node(fn);
  }
  Status commit(const WriteBatch& batch) override {
    if (!fail_with.is_ok()) return fail_with;
    ++commits;
    committed_puts += batch.puts().size();
    return inner_.commit(batch);
  }
  Durability durability() const override { return durability_; }

  int loads = 0;
  std::size_t most_fields_loaded = 0;  // by one load_fields() call
  Status fail_loads_with;
  int field_loads = 0;
  int commits = 0;
  std::size_t committed_puts = 0;
  Status fail_with;
  Durability durability_ = Durability::kBatched;

 private:
  Storage& inner_;
};

// A store on a manual clock over `storage`.
struct Peer {
  explicit Peer(Storage& storage, Options options = {}, double now = kNow)
      : clock(now),
        scheduler(clock),
        store(scheduler, with(options, storage)) {}
  static Options with(Options options, Storage& storage) {
    options.storage = &storage;
    return options;
  }
  ManualClock clock;
  Scheduler scheduler;
  GraphStore store;
};

Graph fields(const std::string& soul, int n, State state = 1000) {
  Graph g;
  for (int i = 0; i < n; ++i) {
    g.add(soul, "k" + std::to_string(i), Value("v" + std::to_string(i)), state);
  }
  return g;
}

struct Done {
  int calls = 0;
  Status status;
  PutSummary summary;
  PutCallback callback() {
    return [this](const Status& s, const PutSummary& sum) {
      ++calls;
      status = s;
      summary = sum;
    };
  }
};

// Runs one SQL statement on a closed database file, as another program would.
void sql(const std::string& path, const std::string& statement) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &error);
  const std::string message = error == nullptr ? "" : error;
  sqlite3_free(error);
  sqlite3_close(db);
  INFO(message);
  REQUIRE(rc == SQLITE_OK);
}

TEST_CASE("a stored graph is the same after a reopen") {
  TempDir dir;
  const std::string path = dir.file("graph.db");
  std::string before;
  {
    auto db = open_db(path);
    Peer peer(*db);
    Graph g = fields("alice", 20);
    g.add("alice", "friend", Value(Link("bob")), 1000);
    g.add("bob", "flag", Value(true), 1001);
    g.add("bob", "gone", Value(nullptr), 1002);
    g.add("bob", "n", Value(-0.5), 1003.25);
    REQUIRE(peer.store.put(std::move(g)).is_ok());
    peer.scheduler.run_until_idle();
    before = encode_graph(peer.store);
  }
  auto db = open_db(path);
  Peer peer(*db);
  CHECK(peer.store.node_count() == 0);  // nothing loaded yet
  CHECK(encode_graph(peer.store) == before);
  const auto n = peer.store.get("bob", "n");
  REQUIRE(n);
  CHECK(n->value == Value(-0.5));
  CHECK(n->state == 1003.25);
  CHECK(peer.store.get("alice", "friend")->value == Value(Link("bob")));
  CHECK(peer.store.node_count() == 2);  // loaded by encode_graph
}

TEST_CASE("a get of one field reads that field, not its node") {
  TempDir dir;
  const std::string path = dir.file("graph.db");
  {
    auto db = open_db(path);
    Peer peer(*db);
    REQUIRE(peer.store.put(fields("s", 50)).is_ok());
    peer.scheduler.run_until_idle();
  }
  auto db = open_db(path);
  RecordingStorage recording(*db);
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

TEST_CASE("HAM runs against the stored node after a reopen") {
  TempDir dir;
  const std::string path = dir.file("graph.db");
  {
    auto db = open_db(path);
    Peer peer(*db);
    REQUIRE(peer.store.put(fields("s", 3, 2000)).is_ok());
    peer.scheduler.run_until_idle();
  }
  auto db = open_db(path);
  Peer peer(*db);
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

TEST_CASE("a put is acked after the commit that holds its last field") {
  TempDir dir;
  auto db = open_db(dir.file("graph.db"));
  RecordingStorage recording(*db);
  Options options;
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

TEST_CASE("group commits come every commit_every_turns turns") {
  TempDir dir;
  auto db = open_db(dir.file("graph.db"));
  RecordingStorage recording(*db);
  Options options;
  options.keys_per_turn = 10;
  options.commit_every_turns = 5;
  Peer peer(recording, options);
  REQUIRE(peer.store.put(fields("s", 1000)).is_ok());  // 100 turns
  peer.scheduler.run_until_idle();
  CHECK(recording.commits == 20);
  CHECK(recording.committed_puts == 1000);
}

TEST_CASE("per-put durability commits as each put completes") {
  TempDir dir;
  auto db = open_db(dir.file("graph.db"));
  RecordingStorage recording(*db);
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

TEST_CASE("a failed commit fails the put, and the store refuses writes after") {
  TempDir dir;
  auto db = open_db(dir.file("graph.db"));
  RecordingStorage recording(*db);
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

TEST_CASE(
    "a full disk fails the put with a clear error and keeps what was "
    "committed") {
  TempDir dir;
  const std::string path = dir.file("graph.db");
  {
    SqliteOptions capped;
    capped.max_page_count = 16;
    auto db = open_db(path, capped);
    Peer peer(*db);
    Done small, big;
    REQUIRE(peer.store.put(fields("small", 2), small.callback()).is_ok());
    peer.scheduler.run_until_idle();
    REQUIRE(small.status.is_ok());
    Graph g;
    for (int i = 0; i < 200; ++i) {
      g.add("big", "k" + std::to_string(i), Value(std::string(1000, 'x')), 1);
    }
    REQUIRE(peer.store.put(std::move(g), big.callback()).is_ok());
    peer.scheduler.run_until_idle();
    CHECK(big.calls == 1);
    CHECK(big.status.code() == Status::Code::kIOError);
    CHECK_THAT(big.status.message(),
               Catch::Contains(path) && Catch::Contains("full"));
  }
  auto db = open_db(path);
  Peer peer(*db);
  CHECK(peer.store.get("small", "k1")->value == Value("v1"));
  CHECK(peer.store.get("big") == nullptr);  // the failed commit left nothing
}

TEST_CASE("parked fields survive a reopen and apply when due") {
  TempDir dir;
  const std::string path = dir.file("graph.db");
  {
    auto db = open_db(path);
    Peer peer(*db);
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
    auto db = open_db(path);
    Peer peer(*db);
    CHECK(peer.store.deferred_count() == 1);
    CHECK_FALSE(peer.store.get("s", "later"));
    peer.clock.advance(5000);
    peer.scheduler.run_until_idle();
    CHECK(peer.store.deferred_count() == 0);
    REQUIRE(peer.store.get("s", "later"));
    CHECK(peer.store.get("s", "later")->value == Value("future"));
  }
  auto db = open_db(path);
  Peer peer(*db, {}, kNow + 6000);
  CHECK(peer.store.deferred_count() == 0);  // unparked in storage too
  CHECK(peer.store.get("s", "later")->state == kNow + 5000);
}

TEST_CASE("a parked field restored after a reopen keeps its id unique") {
  TempDir dir;
  const std::string path = dir.file("graph.db");
  {
    auto db = open_db(path);
    Peer peer(*db);
    REQUIRE(peer.store.put(fields("a", 2, kNow + 100)).is_ok());
    peer.scheduler.run_until_idle();
  }
  {
    auto db = open_db(path);
    Peer peer(*db);
    // New parks after a restore must not collide with the restored ids.
    REQUIRE(peer.store.put(fields("b", 2, kNow + 200)).is_ok());
    peer.scheduler.run_until_idle();
    CHECK(peer.store.storage_status().is_ok());
    CHECK(peer.store.deferred_count() == 4);
  }
  auto db = open_db(path);
  Peer peer(*db);
  CHECK(peer.store.deferred_count() == 4);
  peer.clock.advance(200);
  peer.scheduler.run_until_idle();
  CHECK(peer.store.get("a", "k1"));
  CHECK(peer.store.get("b", "k1"));
}

TEST_CASE("bad files give a clear status") {
  TempDir dir;
  std::unique_ptr<SqliteStorage> db;

  SECTION("a file that is not SQLite") {
    const std::string path = dir.file("text.db");
    std::ofstream(path) << "this is not a database, but it is long enough "
                           "to have a header of one hundred bytes or so..."
                        << std::string(100, '.');
    const Status s = SqliteStorage::open(path, {}, &db);
    CHECK(s.code() == Status::Code::kCorruption);
    CHECK_THAT(s.message(),
               Catch::StartsWith(path) && Catch::Contains("not a database"));
    CHECK(db == nullptr);
  }
  SECTION("a missing directory") {
    const std::string path = dir.file("missing/graph.db");
    const Status s = SqliteStorage::open(path, {}, &db);
    CHECK(s.code() == Status::Code::kIOError);
    CHECK_THAT(s.message(), Catch::StartsWith(path + ": cannot open"));
  }
  SECTION("a directory where files cannot be created, even by root") {
    const Status s = SqliteStorage::open("/proc/gunpp.db", {}, &db);
    CHECK(s.code() == Status::Code::kIOError);
    CHECK_THAT(s.message(), Catch::StartsWith("/proc/gunpp.db: "));
  }
  SECTION("a schema from a newer gunpp") {
    const std::string path = dir.file("future.db");
    open_db(path).reset();
    sql(path, "PRAGMA user_version = 2");
    const Status s = SqliteStorage::open(path, {}, &db);
    CHECK(s.code() == Status::Code::kCorruption);
    CHECK(s.message() == path +
                             ": schema version 2 is not one this gunpp reads "
                             "(it reads versions up to 1)");
  }
  SECTION("a file another process has open") {
    const std::string path = dir.file("graph.db");
    auto first = open_db(path);
    const Status s = SqliteStorage::open(path, {}, &db);
    CHECK(s.code() == Status::Code::kIOError);
    CHECK_THAT(s.message(), Catch::Contains("locked"));
  }
  SECTION("a truncated file") {
    const std::string path = dir.file("graph.db");
    {
      auto full = open_db(path);
      Peer peer(*full);
      for (int i = 0; i < 50; ++i) {
        REQUIRE(peer.store.put(fields("s" + std::to_string(i), 50)).is_ok());
      }
      peer.scheduler.run_until_idle();
    }
    const auto size = fs::file_size(path);
    REQUIRE(size > 8192);
    fs::resize_file(path, size / 2);
    Status s = SqliteStorage::open(path, {}, &db);
    if (s.is_ok()) {
      Peer peer(*db);
      s = db->for_each_node([](std::string_view, const Node&) {});
    }
    CHECK(s.code() == Status::Code::kCorruption);
    CHECK_THAT(s.message(), Catch::StartsWith(path));
  }
  SECTION("a row gunpp did not write") {
    const std::string path = dir.file("graph.db");
    open_db(path).reset();
    sql(path,
        "INSERT INTO fields VALUES ('s', 'k', 9, 'x', 1);"
        "INSERT INTO fields VALUES ('t', 'k', 2, 'not a number', 1);");
    db = open_db(path);
    Peer peer(*db);
    CHECK(peer.store.get("s") == nullptr);
    CHECK(peer.store.storage_status().code() == Status::Code::kCorruption);
    CHECK(peer.store.storage_status().message() ==
          path + ": soul 's' key 'k': unknown value kind");
    Node node;
    const Status t = db->load_node("t", node);
    CHECK(t.message() == path + ": soul 't' key 'k': a number is not numeric");
  }
}

TEST_CASE("the fuzzer's corpus and findings keep the stored-rows property") {
  std::size_t inputs = 0;
  for (const char* dir : {GUNPP_FUZZ_DIR "/corpus/stored_rows",
                          GUNPP_FUZZ_DIR "/regressions/stored_rows"}) {
    if (!fs::exists(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      std::ifstream in(entry.path(), std::ios::binary);
      const std::string bytes{std::istreambuf_iterator<char>(in),
                              std::istreambuf_iterator<char>()};
      INFO(entry.path());
      CHECK(testing::stored_rows_violation(bytes).empty());
      ++inputs;
    }
  }
  CHECK(inputs >= 8);
}

TEST_CASE("an empty SQLite file from another program is upgraded") {
  TempDir dir;
  const std::string path = dir.file("graph.db");
  sql(path, "CREATE TABLE notes (text TEXT)");
  {
    auto db = open_db(path);
    Peer peer(*db);
    REQUIRE(peer.store.put(fields("s", 1)).is_ok());
    peer.scheduler.run_until_idle();
  }
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  REQUIRE(sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &q, nullptr) ==
          SQLITE_OK);
  REQUIRE(sqlite3_step(q) == SQLITE_ROW);
  CHECK(sqlite3_column_int(q, 0) == SqliteStorage::kSchemaVersion);
  sqlite3_finalize(q);
  sqlite3_close(raw);
  auto db = open_db(path);
  Peer peer(*db);
  CHECK(peer.store.get("s", "k0")->value == Value("v0"));
}

TEST_CASE("a store without storage is unchanged: no commits, acks at once") {
  ManualClock clock(kNow);
  Scheduler scheduler(clock);
  GraphStore store(scheduler);
  Done done;
  REQUIRE(store.put(fields("s", 1), done.callback()).is_ok());
  scheduler.run_until_idle();
  CHECK(done.status.is_ok());
  CHECK(store.flush().is_ok());
  CHECK(store.storage_status().is_ok());
}

TEST_CASE("destroying the store commits what converged and acks it") {
  TempDir dir;
  const std::string path = dir.file("graph.db");
  Done done;
  {
    auto db = open_db(path);
    RecordingStorage recording(*db);
    Options options;
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
  auto db = open_db(path);
  Peer peer(*db);
  CHECK(peer.store.get("s", "k2"));
}

TEST_CASE("a tiny cache budget evicts cold nodes and reloads them on demand") {
  TempDir dir;
  auto db = open_db(dir.file("graph.db"));
  Options options;
  options.cache_bytes = 64 * 1024;
  options.commit_every_turns = 8;
  Peer peer(*db, options);
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

TEST_CASE("a node that a chunked read walks is not evicted under it") {
  TempDir dir;
  auto db = open_db(dir.file("graph.db"));
  Options options;
  options.cache_bytes = 4 * 1024;
  options.commit_every_turns = 1;
  Peer peer(*db, options);
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

TEST_CASE("load_fields resumes after a key, in byte order of keys") {
  TempDir dir;
  auto db = open_db(dir.file("graph.db"));
  WriteBatch batch;
  for (const char* key : {"b", "\xC3\xA9", "a", "z", "ab"}) {
    batch.put("s", Field{key, Value(key), 1});
  }
  batch.put("t", Field{"other soul", Value(1.0), 1});
  REQUIRE(db->commit(batch));
  std::vector<std::string> keys;
  Node node;
  std::string after;
  int calls = 0;
  for (;;) {
    const std::size_t before = node.size();
    REQUIRE(db->load_fields("s", after, 2, node));
    ++calls;
    if (node.size() - before < 2) break;
    after = node.key(node.size() - 1);
  }
  for (std::size_t i = 0; i < node.size(); ++i) keys.push_back(node.key(i));
  CHECK(keys == std::vector<std::string>{"a", "ab", "b", "z", "\xC3\xA9"});
  CHECK(calls == 3);
  Node none;
  REQUIRE(db->load_fields("absent", {}, 2, none));
  CHECK(none.empty());
}

// A store reopened over a file holding one node of `n` fields ("big", each
// at state 1000), loading `per_turn` fields a turn.
struct BigNode {
  BigNode(int n, std::size_t per_turn) : db(open_db(dir.file("graph.db"))) {
    {
      Peer writer(*db);
      REQUIRE(writer.store.put(fields("big", n)));
      writer.scheduler.run_until_idle();
    }
    Options options;
    options.load_fields_per_turn = per_turn;
    peer = std::make_unique<Peer>(recording, options);
  }
  TempDir dir;
  std::unique_ptr<SqliteStorage> db;
  RecordingStorage recording{*db};
  std::unique_ptr<Peer> peer;
};

TEST_CASE("a node too large for one turn loads across turns; its jobs wait") {
  BigNode big(1000, 64);
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

TEST_CASE("a node larger than the cache budget still reaches its reader") {
  // Every turn commits and evicts: the node, once loaded, must survive
  // until the jobs that waited for it have had a turn.
  TempDir dir;
  auto db = open_db(dir.file("graph.db"));
  {
    Peer writer(*db);
    REQUIRE(writer.store.put(fields("big", 300)));
    writer.scheduler.run_until_idle();
  }
  Options options;
  options.load_fields_per_turn = 16;
  options.cache_bytes = 1;
  options.commit_every_turns = 1;
  Peer peer(*db, options);
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

TEST_CASE("a LEX read of a node that loads across turns") {
  BigNode big(300, 16);
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

TEST_CASE("get() of a node being loaded loads it whole and ends the load") {
  BigNode big(500, 32);
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

TEST_CASE("a load that fails across turns fails its reads and puts") {
  BigNode big(200, 16);
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
}  // namespace gunpp
