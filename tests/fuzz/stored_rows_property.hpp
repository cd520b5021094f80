// The property every gunpp database file must keep, whatever rows another
// program (or a damaged disk) put in it; shared by the libFuzzer target and
// the regression tests that replay the inputs it found.
//
// The input bytes become rows, written with raw SQLite into the tables of a
// fresh gunpp file: any soul and key bytes, any kind number, values and
// states of any SQLite type (NaN and infinities, text that is not UTF-8,
// blobs). Then gunpp reads the file every way it can: a walk of every node,
// the parked fields, a store on the file (which restores the parked fields,
// loads nodes, reads single fields, lets parked fields come due and
// commits them) and the canonical encoder. The property: no crash, and each
// read either succeeds with values gunpp could have written or fails with
// Corruption naming the file.
#ifndef GUNPP_TESTS_FUZZ_STORED_ROWS_PROPERTY_HPP_
#define GUNPP_TESTS_FUZZ_STORED_ROWS_PROPERTY_HPP_

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gunpp/graph_store.hpp"
#include "gunpp/sqlite_storage.hpp"
#include "gunpp/wire/graph_json.hpp"

namespace gunpp::testing {

// Reads the fuzzer's bytes as a stream of small values; past the end it
// yields zeros and empty strings.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}
  bool done() const { return at_ >= bytes_.size(); }
  std::uint8_t byte() {
    return done() ? 0 : static_cast<std::uint8_t>(bytes_[at_++]);
  }
  // Up to 23 bytes, their length first.
  std::string text() {
    const std::size_t wanted = byte() % 24;
    const std::string_view rest = bytes_.substr(std::min(at_, bytes_.size()));
    const std::string_view out = rest.substr(0, wanted);
    at_ += out.size();
    return std::string(out);
  }
  double number() {
    switch (byte() % 6) {
      case 0:
        return std::nan("");
      case 1:
        return HUGE_VAL;
      case 2:
        return -0.0;
      case 3:
        return 1e12;
      default: {
        std::uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits = (bits << 8) | byte();
        double d;
        std::memcpy(&d, &bits, sizeof d);
        return d;
      }
    }
  }

 private:
  std::string_view bytes_;
  std::size_t at_ = 0;
};

// Binds the reader's next value, of a type it chooses, to parameter `i`.
inline void bind_any(sqlite3_stmt* stmt, int i, ByteReader& in) {
  switch (in.byte() % 5) {
    case 0:
      sqlite3_bind_null(stmt, i);
      break;
    case 1:
      sqlite3_bind_int64(stmt, i, static_cast<std::int8_t>(in.byte()));
      break;
    case 2:
      sqlite3_bind_double(stmt, i, in.number());
      break;
    case 3: {
      const std::string t = in.text();
      sqlite3_bind_text(stmt, i, t.data(), static_cast<int>(t.size()),
                        SQLITE_TRANSIENT);
      break;
    }
    default: {
      const std::string b = in.text();
      sqlite3_bind_blob(stmt, i, b.data(), static_cast<int>(b.size()),
                        SQLITE_TRANSIENT);
      break;
    }
  }
}

// Writes the rows the bytes describe into the gunpp file at `path`.
inline void write_rows(const std::string& path, std::string_view bytes) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) std::abort();
  sqlite3_exec(db, "PRAGMA synchronous = OFF; BEGIN", nullptr, nullptr,
               nullptr);
  sqlite3_stmt* field = nullptr;
  sqlite3_stmt* parked = nullptr;
  sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO fields VALUES (?,?,?,?,?)", -1,
                     &field, nullptr);
  sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO parked VALUES (?,?,?,?,?,?)",
                     -1, &parked, nullptr);
  ByteReader in(bytes);
  for (int rows = 0; rows < 64 && !in.done(); ++rows) {
    const bool is_parked = in.byte() % 4 == 0;
    sqlite3_stmt* stmt = is_parked ? parked : field;
    int i = 1;
    if (is_parked) sqlite3_bind_int64(stmt, i++, in.byte());
    bind_any(stmt, i++, in);  // soul
    bind_any(stmt, i++, in);  // key
    sqlite3_bind_int64(stmt, i++, static_cast<std::int8_t>(in.byte()) % 7);
    bind_any(stmt, i++, in);  // value
    bind_any(stmt, i, in);    // state
    sqlite3_step(stmt);       // NOT NULL violations are simply not stored
    sqlite3_reset(stmt);
  }
  sqlite3_finalize(field);
  sqlite3_finalize(parked);
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(db);
}

// A field gunpp could have written.
inline bool well_formed(std::string_view key, const Value& value, State state) {
  if (!is_valid_utf8(key) || !std::isfinite(state)) return false;
  if (value.is_number()) return std::isfinite(value.as_number());
  if (value.is_string()) return is_valid_utf8(value.as_string());
  if (value.is_link()) {
    return !value.link_soul().empty() && is_valid_utf8(value.link_soul());
  }
  return true;
}

// The first broken invariant, or "" when the file read from `bytes` keeps
// them all. Uses a file in the temporary directory, removed after.
inline std::string stored_rows_violation(std::string_view bytes) {
  const std::string path =
      (std::filesystem::temp_directory_path() /
       ("gunpp-fuzz-rows-" + std::to_string(getpid()) + ".db"))
          .string();
  auto remove_files = [&path] {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(path + suffix);
    }
  };
  remove_files();
  std::string problem;
  auto expect = [&](const Status& s, const char* what) {
    if (s.is_ok() || !problem.empty()) return;
    if (s.code() != Status::Code::kCorruption ||
        s.message().rfind(path, 0) != 0) {
      problem = std::string(what) + ": " + s.to_string();
    }
  };
  auto check = [&](std::string_view key, const Value& value, State state,
                   const char* what) {
    if (problem.empty() && !well_formed(key, value, state)) {
      problem = std::string(what) + " handed out a field gunpp cannot write";
    }
  };
  if (!SqliteStorage::open(path)) return "cannot create";
  write_rows(path, bytes);
  auto opened = SqliteStorage::open(path);
  if (!opened) {
    remove_files();
    return "cannot reopen: " + opened.status().to_string();
  }
  std::unique_ptr<SqliteStorage> db = std::move(*opened);
  std::vector<std::string> souls;
  expect(db->for_each_node([&](std::string_view soul, const Node& node) {
    souls.emplace_back(soul);
    for (std::size_t i = 0; i < node.size(); ++i) {
      check(node.key(i), node.value(i), node.state(i), "a walk");
    }
  }),
         "for_each_node");
  expect(db->load_parked([&](std::uint64_t, std::string_view, const Field& f) {
    check(f.key, f.value, f.state, "load_parked");
  }),
         "load_parked");
  {
    ManualClock clock(1e12);
    Scheduler scheduler(clock);
    StoreOptions options;
    options.storage = db.get();
    GraphStore store(scheduler, options);
    expect(store.storage_status(), "restoring parked fields");
    for (const std::string& soul : souls) {
      if (const auto e = store.get(soul, "k")) {
        check("k", e->value, e->state, "get(soul, key)");
      }
      expect(store.storage_status(), "get(soul, key)");
      store.get(soul);
      expect(store.storage_status(), "get(soul)");
    }
    encode_graph(store);
    // Past the longest single wait: every parked field is retried (and
    // committed when it converges).
    clock.advance(to_ms(options.max_defer_wait) + 1);
    scheduler.run_until_idle();
    expect(store.storage_status(), "parked fields coming due");
  }
  db.reset();
  remove_files();
  return problem;
}

}  // namespace gunpp::testing

#endif  // GUNPP_TESTS_FUZZ_STORED_ROWS_PROPERTY_HPP_
