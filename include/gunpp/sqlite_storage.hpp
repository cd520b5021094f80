// SqliteStorage: a GraphStore's graph in one SQLite file.
//
//   auto db = gunpp::SqliteStorage::open("graph.db");
//   if (!db) { std::cerr << db.status().message() << "\n"; ... }
//   options.storage = db->get();   // a std::unique_ptr<SqliteStorage>
//
// The file is a plain SQLite 3 database in WAL mode (docs/storage.md has
// the schema): a table `fields` keyed by (soul, key) WITHOUT ROWID holding
// each converged field's value, its type and its state, and a table `parked`
// for fields from the future. The schema version is PRAGMA user_version;
// open() creates the schema in a new file, upgrades an older one, and refuses
// a newer one. The file is opened in exclusive locking mode: one process at a
// time; a second open() fails with IOError ("database is locked").
//
// Errors name the file and the problem, in SQLite's words where it has them.
//
// Thread safety: as Storage, one thread; the object owns its connection and
// closes it when destroyed.
#ifndef GUNPP_SQLITE_STORAGE_HPP_
#define GUNPP_SQLITE_STORAGE_HPP_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gunpp/storage.hpp"

namespace gunpp {

struct SqliteOptions {
  Durability durability = Durability::kBatched;
  // Caps the file at this many pages (PRAGMA max_page_count); 0 keeps
  // SQLite's default. A commit that would grow past it fails with IOError
  // ("database or disk is full"), as a full disk does.
  std::uint32_t max_page_count = 0;
};

class SqliteStorage final : public Storage {
 public:
  // The schema version this build writes and reads.
  static constexpr int kSchemaVersion = 1;

  // Opens (creating when absent) the database at `path`; the caller owns
  // it. Errors: IOError when the file or its directory cannot be opened or
  // written, or another process holds it; Corruption when it is not a
  // SQLite database, is damaged, or has a schema from a newer gunpp.
  static Result<std::unique_ptr<SqliteStorage>> open(
      const std::string& path, const SqliteOptions& options = {});

  SqliteStorage(const SqliteStorage&) = delete;
  SqliteStorage& operator=(const SqliteStorage&) = delete;
  ~SqliteStorage() override;

  Status load_fields(std::string_view soul, std::string_view after,
                     std::size_t limit, std::vector<Field>& fields) override;
  Status load_field(std::string_view soul, std::string_view key,
                    std::optional<Field>& field) override;
  Status load_parked(const ParkedFn& fn) override;
  Status for_each_node(const NodeFn& fn) override;
  Status commit(const WriteBatch& batch) override;
  Durability durability() const override { return options_.durability; }

  const std::string& path() const { return path_; }

  class Impl;

 private:
  SqliteStorage(std::string path, SqliteOptions options,
                std::unique_ptr<Impl> impl);

  std::string path_;
  SqliteOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gunpp

#endif  // GUNPP_SQLITE_STORAGE_HPP_
