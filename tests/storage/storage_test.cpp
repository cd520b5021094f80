#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/replay.hpp"
#include "fuzz/stored_rows_property.hpp"
#include "gunpp/graph_store.hpp"
#include "gunpp/sqlite_storage.hpp"
#include "storage_fixtures.hpp"

// SQLite's own cases: bad files, a full disk, another program's file. The
// Storage contract, SQLite's included, is in storage_contract_test.cpp.
namespace gunpp::testing {
namespace {

namespace fs = std::filesystem;

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

TEST_CASE("bad files give a clear status") {
  TempDir dir;
  std::unique_ptr<SqliteStorage> db;

  SECTION("a file that is not SQLite") {
    const std::string path = dir.file("text.db");
    std::ofstream(path) << "this is not a database, but it is long enough "
                           "to have a header of one hundred bytes or so..."
                        << std::string(100, '.');
    const Status s = SqliteStorage::open(path).status();
    CHECK(s.code() == Status::Code::kCorruption);
    CHECK_THAT(s.message(),
               Catch::StartsWith(path) && Catch::Contains("not a database"));
  }
  SECTION("a missing directory") {
    const std::string path = dir.file("missing/graph.db");
    const Status s = SqliteStorage::open(path).status();
    CHECK(s.code() == Status::Code::kIOError);
    CHECK_THAT(s.message(), Catch::StartsWith(path + ": cannot open"));
  }
  SECTION("a directory where files cannot be created, even by root") {
    const Status s = SqliteStorage::open("/proc/gunpp.db").status();
    CHECK(s.code() == Status::Code::kIOError);
    CHECK_THAT(s.message(), Catch::StartsWith("/proc/gunpp.db: "));
  }
  SECTION("a schema from a newer gunpp") {
    const std::string path = dir.file("future.db");
    open_db(path).reset();
    sql(path, "PRAGMA user_version = 2");
    const Status s = SqliteStorage::open(path).status();
    CHECK(s.code() == Status::Code::kCorruption);
    CHECK(s.message() == path +
                             ": schema version 2 is not one this gunpp reads "
                             "(it reads versions up to 1)");
  }
  SECTION("a file another process has open") {
    const std::string path = dir.file("graph.db");
    auto first = open_db(path);
    const Status s = SqliteStorage::open(path).status();
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
    auto opened = SqliteStorage::open(path);
    Status s = opened.status();
    if (opened) {
      db = std::move(*opened);
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
  const std::size_t inputs =
      replay_inputs({GUNPP_FUZZ_DIR "/corpus/stored_rows",
                     GUNPP_FUZZ_DIR "/regressions/stored_rows"},
                    [](const std::string& bytes) {
                      CHECK(stored_rows_violation(bytes).empty());
                    });
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

}  // namespace
}  // namespace gunpp::testing
