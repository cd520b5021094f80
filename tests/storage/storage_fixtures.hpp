// What the storage tests share: a scratch directory, a store on a manual
// clock over a Storage, a Storage wrapper that records and fails, and the
// engines the Storage contract suite runs against.
#ifndef GUNPP_TESTS_STORAGE_STORAGE_FIXTURES_HPP_
#define GUNPP_TESTS_STORAGE_STORAGE_FIXTURES_HPP_

#include <stdlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "gunpp/graph_store.hpp"
#include "gunpp/memory_storage.hpp"
#include "gunpp/sqlite_storage.hpp"

namespace gunpp::testing {

constexpr double kNow = 1'000'000;

// A fresh directory under the system's temporary directory, removed after.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "gunpp-storage-XXXXXX")
            .string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const {
    return (path_ / name).string();
  }

 private:
  std::filesystem::path path_;
};

inline std::unique_ptr<SqliteStorage> open_db(const std::string& path,
                                              SqliteOptions options = {}) {
  auto db = SqliteStorage::open(path, options);
  INFO(db.status().message());
  REQUIRE(db);
  return std::move(*db);
}

// Forwards to another storage; counts commits and can fail the next ones.
class RecordingStorage final : public Storage {
 public:
  explicit RecordingStorage(Storage& inner) : inner_(inner) {}
  Status load_fields(std::string_view soul, std::string_view after,
                     std::size_t limit, std::vector<Field>& fields) override {
    ++loads;
    if (!fail_loads_with.is_ok()) return fail_loads_with;
    const std::size_t before = fields.size();
    Status s = inner_.load_fields(soul, after, limit, fields);
    most_fields_loaded = std::max(most_fields_loaded, fields.size() - before);
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
  explicit Peer(Storage& storage, StoreOptions options = {}, double now = kNow)
      : clock(now),
        scheduler(clock),
        store(scheduler, with(options, storage)) {}
  static StoreOptions with(StoreOptions options, Storage& storage) {
    options.storage = &storage;
    return options;
  }
  ManualClock clock;
  Scheduler scheduler;
  GraphStore store;
};

// `n` fields k0..k(n-1) of `soul` holding v0.., all at `state`.
inline Graph fields(const std::string& soul, int n, State state = 1000) {
  Graph g;
  for (int i = 0; i < n; ++i) {
    g.add(soul, "k" + std::to_string(i), Value("v" + std::to_string(i)), state);
  }
  return g;
}

// A put callback that records its calls.
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

// The engines of the Storage contract suite. storage() is the open engine;
// reopen() closes it and opens the same data again, as a restart would (the
// stores over it must be gone).
struct SqliteEngine {
  TempDir dir;
  std::unique_ptr<SqliteStorage> db = open_db(dir.file("graph.db"));
  Storage& storage() { return *db; }
  Storage& reopen() {
    db.reset();
    db = open_db(dir.file("graph.db"));
    return *db;
  }
};

struct MemoryEngine {
  MemoryStorage memory;
  Storage& storage() { return memory; }
  Storage& reopen() { return memory; }
};

}  // namespace gunpp::testing

#endif  // GUNPP_TESTS_STORAGE_STORAGE_FIXTURES_HPP_
