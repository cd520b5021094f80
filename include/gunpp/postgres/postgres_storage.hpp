// PostgresStorage: a GraphStore's graph in a PostgreSQL database, shared by
// every relay of a cluster.
//
//   auto db = gunpp::PostgresStorage::open("postgresql:///gun?host=/run/pg");
//   if (!db) { std::cerr << db.status().message() << "\n"; ... }
//   options.storage = db->get();   // a std::unique_ptr<PostgresStorage>
//
// Several processes may open one database at once (docs/scaling.md). The
// database, not the process, decides HAM: a commit writes a field only
// where it beats the stored one (the greater state; at equal states the
// greater JSON text in UTF-16 order, through a tie-break key gunpp
// computes), so stores that share the database converge on GUN's winner
// whatever their caches held. Every field a commit writes is also appended
// to a change log, with a sequence that grows in commit order, and the
// commit sends a NOTIFY; a ChangeFeed (gunpp/postgres/change_feed.hpp)
// brings those changes to the other stores.
//
// The schema (docs/storage.md) lives in tables named gunpp_*; its version is
// in gunpp_meta. open() creates it in an empty database, and refuses a
// database whose tables are not gunpp's or whose schema is newer.
//
// Errors name the server (never its password), in PostgreSQL's words.
// Unavailable when the server cannot be reached: such an error is not final
// (the store retries, see GraphStore::storage_status()), and the next call
// reconnects first. A commit whose connection broke may have committed or
// not; committing the same batch again is harmless (HAM keeps the greater).
//
// Thread safety: as Storage, one thread. Calls block for the round trips
// they make.
#ifndef GUNPP_POSTGRES_POSTGRES_STORAGE_HPP_
#define GUNPP_POSTGRES_POSTGRES_STORAGE_HPP_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gunpp/storage.hpp"

namespace gunpp {

struct PostgresOptions {
  // Changes the log keeps: after every commit that takes it past this many
  // beyond its oldest, the oldest are deleted. A ChangeFeed that was away
  // while more than this many changes were made cannot catch up.
  std::uint64_t keep_changes = 1'000'000;
};

// True when `target` is a libpq connection URI (postgresql:// or
// postgres://); anything else is a file path.
bool is_postgres_uri(std::string_view target);

// Latencies of the commits so far, for metrics.
struct CommitStats {
  std::uint64_t commits = 0;
  std::uint64_t failures = 0;
  double total_ms = 0;
  double last_ms = 0;
};

class PostgresStorage final : public Storage {
 public:
  // The schema version this build writes and reads.
  static constexpr int kSchemaVersion = 1;

  // Connects to the database at `uri` (creating gunpp's tables when it has
  // none); the caller owns the result. Errors: InvalidArgument for a URI
  // libpq cannot parse; Unavailable when the server cannot be reached or
  // refuses the login; Corruption when the database holds tables that are
  // not gunpp's, or a schema newer than kSchemaVersion.
  static Result<std::unique_ptr<PostgresStorage>> open(
      const std::string& uri, const PostgresOptions& options = {});

  PostgresStorage(const PostgresStorage&) = delete;
  PostgresStorage& operator=(const PostgresStorage&) = delete;
  ~PostgresStorage() override;

  Status load_fields(std::string_view soul, std::string_view after,
                     std::size_t limit, std::vector<Field>& fields) override;
  Status load_field(std::string_view soul, std::string_view key,
                    std::optional<Field>& field) override;
  Status load_parked(const ParkedFn& fn) override;
  Status for_each_node(const NodeFn& fn) override;
  // As Storage::commit, deciding HAM in the database (see above). An empty
  // batch checks that the server answers, reconnecting when it must.
  Status commit(const WriteBatch& batch) override;
  Durability durability() const override { return Durability::kBatched; }

  // The URI with its password hidden.
  const std::string& where() const;
  // This connection's mark on the changes it commits (random per open), so
  // that a ChangeFeed of the same process can skip them.
  std::uint64_t origin() const;
  const CommitStats& commit_stats() const;

  class Impl;

 private:
  explicit PostgresStorage(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace gunpp

#endif  // GUNPP_POSTGRES_POSTGRES_STORAGE_HPP_
