#include "gunpp/postgres/postgres_storage.hpp"

#include <chrono>
#include <random>
#include <unordered_map>
#include <utility>

#include "pq.hpp"
#include "rows.hpp"

namespace gunpp {

namespace {

// pg_advisory_lock keys: one for the schema's creation, one held by every
// commit from its HAM upsert to its end, so that change sequences are
// taken in commit order (a follower that saw sequence n has every change
// below n) and concurrent upserts of the same rows cannot deadlock.
constexpr const char* kSchemaLock = "7206171";
constexpr const char* kCommitLock = "7206172";

// Commits between two trims of the change log.
constexpr std::uint64_t kTrimEvery = 256;

constexpr const char* kSchema = R"sql(
CREATE TABLE gunpp_meta (
  name  text PRIMARY KEY,
  value text NOT NULL
);
CREATE TABLE gunpp_fields (
  soul  bytea NOT NULL,
  key   bytea NOT NULL,
  kind  smallint NOT NULL,
  value bytea,
  state double precision NOT NULL,
  tie   bytea NOT NULL,
  PRIMARY KEY (soul, key)
);
CREATE TABLE gunpp_parked (
  id    bigserial PRIMARY KEY,
  soul  bytea NOT NULL,
  key   bytea NOT NULL,
  kind  smallint NOT NULL,
  value bytea,
  state double precision NOT NULL
);
CREATE TABLE gunpp_changes (
  seq    bigint PRIMARY KEY,
  origin bigint NOT NULL,
  soul   bytea NOT NULL,
  key    bytea NOT NULL,
  kind   smallint NOT NULL,
  value  bytea,
  state  double precision NOT NULL,
  at     double precision NOT NULL DEFAULT extract(epoch FROM clock_timestamp())
);
CREATE SEQUENCE gunpp_change_seq;
INSERT INTO gunpp_meta VALUES ('schema_version', '1'), ('trimmed_through', '0');
)sql";

// The rows of one commit, before the HAM upsert picks what wins.
constexpr const char* kIncoming =
    "CREATE TEMP TABLE IF NOT EXISTS gunpp_incoming (ord integer, soul bytea, "
    "key bytea, kind smallint, value bytea, state double precision, tie bytea) "
    "ON COMMIT DELETE ROWS";

std::string upsert_sql(std::uint64_t origin) {
  return std::string("SELECT pg_advisory_xact_lock(") + kCommitLock +
         ");\n"
         "WITH up AS (\n"
         "  INSERT INTO gunpp_fields AS f (soul, key, kind, value, state, "
         "tie)\n"
         "  SELECT DISTINCT ON (soul, key) soul, key, kind, value, state, tie\n"
         "  FROM gunpp_incoming ORDER BY soul, key, ord DESC\n"
         "  ON CONFLICT (soul, key) DO UPDATE SET kind = excluded.kind,\n"
         "    value = excluded.value, state = excluded.state, tie = "
         "excluded.tie\n"
         "  WHERE (excluded.state, excluded.tie) > (f.state, f.tie)\n"
         "  RETURNING soul, key, kind, value, state),\n"
         "logged AS (\n"
         "  INSERT INTO gunpp_changes (seq, origin, soul, key, kind, value, "
         "state)\n"
         "  SELECT nextval('gunpp_change_seq'), " +
         std::to_string(static_cast<std::int64_t>(origin)) +
         ", soul, key, kind, value, state FROM up RETURNING 1)\n"
         "SELECT CASE WHEN count(*) > 0 THEN pg_notify('gunpp_changes', '') "
         "END "
         "FROM logged";
}

constexpr const char* kTrim =
    "WITH cut AS (SELECT max(seq) - $1::bigint AS seq FROM gunpp_changes),\n"
    "gone AS (DELETE FROM gunpp_changes WHERE seq <= (SELECT seq FROM cut)\n"
    "         RETURNING seq)\n"
    "UPDATE gunpp_meta SET value = greatest(value::bigint,\n"
    "  (SELECT coalesce(max(seq), 0) FROM gone))::text\n"
    "WHERE name = 'trimmed_through'";

// The binary COPY format's header and trailer.
constexpr std::string_view kCopyHeader("PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0",
                                       19);

void append_bytes(std::string& out, std::optional<std::string_view> bytes) {
  if (!bytes) {
    pg::append_int4(out, -1);
    return;
  }
  pg::append_int4(out, static_cast<std::int32_t>(bytes->size()));
  out.append(*bytes);
}

std::string int8_bytes(std::int64_t v) {
  std::string out;
  pg::append_int8(out, v);
  return out;
}

}  // namespace

bool is_postgres_uri(std::string_view target) { return pg::is_uri(target); }

class PostgresStorage::Impl {
 public:
  explicit Impl(PostgresOptions options) : options_(options) {
    std::random_device seed;
    origin_ = (std::uint64_t{seed()} << 31) ^ seed();
  }

  Status open(const std::string& uri);
  // Each runs again once, on a new connection, when the connection turns
  // out to be lost (a server restarted since the last call).
  Status load_fields(std::string_view soul, std::string_view after,
                     std::size_t limit, std::vector<Field>& fields) {
    return again_if_lost(
        [&] { return load_fields_once(soul, after, limit, fields); });
  }
  Status load_field(std::string_view soul, std::string_view key,
                    std::optional<Field>& field) {
    return again_if_lost([&] { return load_field_once(soul, key, field); });
  }
  Status load_parked(const ParkedFn& fn) {
    return again_if_lost([&] { return load_parked_once(fn); });
  }
  Status for_each_node(const NodeFn& fn) {
    return again_if_lost([&] { return for_each_node_once(fn); });
  }
  Status commit(const WriteBatch& batch) {
    return again_if_lost([&] { return commit_once(batch); });
  }

  const std::string& where() const { return conn_.where(); }
  std::uint64_t origin() const { return origin_; }
  const CommitStats& stats() const { return stats_; }

 private:
  template <typename Fn>
  Status again_if_lost(const Fn& fn) {
    Status s = fn();
    if (s.code() != Status::Code::kUnavailable || conn_.connected()) return s;
    return ensure_connected() ? fn() : s;
  }
  Status load_fields_once(std::string_view soul, std::string_view after,
                          std::size_t limit, std::vector<Field>& fields);
  Status load_field_once(std::string_view soul, std::string_view key,
                         std::optional<Field>& field);
  Status load_parked_once(const ParkedFn& fn);
  Status for_each_node_once(const NodeFn& fn);
  Status commit_once(const WriteBatch& batch);
  // Reconnects when the connection broke (and sets the session up again).
  Status ensure_connected();
  Status migrate();
  Status exec(const std::string& sql, std::string_view what);
  // The whole transaction of a non-empty batch, COMMIT included; the
  // caller rolls back when it fails.
  Status write(const WriteBatch& batch);
  void rollback() { conn_.exec("ROLLBACK"); }

  PostgresOptions options_;
  pg::Connection conn_;
  std::uint64_t origin_;
  // The store's ids of parked fields, to the database's.
  std::unordered_map<std::uint64_t, std::int64_t> parked_ids_;
  CommitStats stats_;
  std::string copy_;
  std::string scratch_;
};

Status PostgresStorage::Impl::exec(const std::string& sql,
                                   std::string_view what) {
  const pg::Result r = conn_.exec(sql);
  return r.ok() ? Status::ok() : conn_.error(r, what);
}

Status PostgresStorage::Impl::open(const std::string& uri) {
  if (Status s = conn_.connect(uri); !s) return s;
  if (Status s = migrate(); !s) return s;
  return exec(kIncoming, "cannot open");
}

Status PostgresStorage::Impl::ensure_connected() {
  if (conn_.connected()) return Status::ok();
  if (Status s = conn_.reconnect(); !s) return s;
  return exec(kIncoming, "cannot open");
}

Status PostgresStorage::Impl::migrate() {
  if (Status s =
          exec(std::string("SELECT pg_advisory_lock(") + kSchemaLock + ")",
               "cannot open");
      !s) {
    return s;
  }
  Status result = [&]() -> Status {
    const pg::Result ours = conn_.exec(
        "SELECT value FROM gunpp_meta WHERE name = 'schema_version'", {});
    if (ours.ok()) {
      const std::string version(ours.rows() == 1 ? ours.bytes(0, 0) : "");
      if (version != std::to_string(kSchemaVersion)) {
        return Status::corruption(
            where() + ": schema version " +
            (version.empty() ? std::string("(none)") : version) +
            " is not one this gunpp reads (it reads version " +
            std::to_string(kSchemaVersion) + ")");
      }
      return Status::ok();
    }
    if (ours.sqlstate() != "42P01") return conn_.error(ours, "cannot open");
    const pg::Result tables = conn_.exec(
        "SELECT count(*)::bigint FROM information_schema.tables WHERE "
        "table_schema = current_schema()",
        {});
    if (!tables.ok()) return conn_.error(tables, "cannot open");
    if (const std::int64_t n = tables.int8(0, 0); n > 0) {
      return Status::corruption(
          where() + ": not a gunpp database: it has " + std::to_string(n) +
          " tables and no gunpp_meta (use an empty database)");
    }
    if (Status s = exec("BEGIN", "cannot create the schema"); !s) return s;
    if (Status s = exec(kSchema, "cannot create the schema"); !s) {
      rollback();
      return s;
    }
    return exec("COMMIT", "cannot create the schema");
  }();
  conn_.exec(std::string("SELECT pg_advisory_unlock(") + kSchemaLock + ")");
  return result;
}

Status PostgresStorage::Impl::load_fields_once(std::string_view soul,
                                               std::string_view after,
                                               std::size_t limit,
                                               std::vector<Field>& fields) {
  if (Status s = ensure_connected(); !s) return s;
  const std::string n =
      int8_bytes(limit == 0 ? -1 : static_cast<std::int64_t>(limit));
  const pg::Result r = conn_.exec(
      "SELECT key, kind, value, state FROM gunpp_fields WHERE soul = $1 AND "
      "key > $2 ORDER BY key LIMIT nullif($3::bigint, -1)",
      {{soul}, {after}, {n}});
  if (!r.ok()) return conn_.error(r, "cannot read");
  fields.reserve(fields.size() + static_cast<std::size_t>(r.rows()));
  Field field;
  for (int i = 0; i < r.rows(); ++i) {
    if (Status s = pg::read_field(r, i, 0, where(), soul, field); !s) return s;
    fields.push_back(std::move(field));
  }
  return Status::ok();
}

Status PostgresStorage::Impl::load_field_once(std::string_view soul,
                                              std::string_view key,
                                              std::optional<Field>& field) {
  field.reset();
  if (Status s = ensure_connected(); !s) return s;
  const pg::Result r = conn_.exec(
      "SELECT key, kind, value, state FROM gunpp_fields WHERE soul = $1 AND "
      "key = $2",
      {{soul}, {key}});
  if (!r.ok()) return conn_.error(r, "cannot read");
  if (r.rows() == 0) return Status::ok();
  Field found;
  if (Status s = pg::read_field(r, 0, 0, where(), soul, found); !s) return s;
  field = std::move(found);
  return Status::ok();
}

Status PostgresStorage::Impl::load_parked_once(const ParkedFn& fn) {
  if (Status s = ensure_connected(); !s) return s;
  const pg::Result r = conn_.exec(
      "SELECT id, soul, key, kind, value, state FROM gunpp_parked", {});
  if (!r.ok()) return conn_.error(r, "cannot read");
  std::string soul;
  Field field;
  for (int i = 0; i < r.rows(); ++i) {
    if (Status s = pg::read_soul(r, i, 1, where(), soul); !s) return s;
    if (Status s = pg::read_field(r, i, 2, where(), soul, field); !s) return s;
    const std::int64_t id = r.int8(i, 0);
    if (id <= 0) {
      return Status::corruption(where() + ": a parked field has the id " +
                                std::to_string(id));
    }
    parked_ids_[static_cast<std::uint64_t>(id)] = id;
    fn(static_cast<std::uint64_t>(id), soul, std::move(field));
  }
  return Status::ok();
}

Status PostgresStorage::Impl::for_each_node_once(const NodeFn& fn) {
  if (Status s = ensure_connected(); !s) return s;
  // A cursor, so that one node at a time is in memory.
  if (Status s = exec("BEGIN; DECLARE gunpp_scan NO SCROLL CURSOR FOR "
                      "SELECT soul, key, kind, value, state FROM gunpp_fields "
                      "ORDER BY soul, key",
                      "cannot read");
      !s) {
    rollback();
    return s;
  }
  std::string soul;
  std::string next;
  std::vector<Field> fields;
  Field field;
  Status status;
  while (status) {
    const pg::Result r = conn_.exec("FETCH 4096 FROM gunpp_scan", {});
    if (!r.ok()) {
      status = conn_.error(r, "cannot read");
      break;
    }
    if (r.rows() == 0) break;
    for (int i = 0; i < r.rows() && status; ++i) {
      status = pg::read_soul(r, i, 0, where(), next);
      if (!status) break;
      if (next != soul) {
        if (!fields.empty()) fn(soul, Node(std::exchange(fields, {})));
        soul.swap(next);
      }
      status = pg::read_field(r, i, 1, where(), soul, field);
      if (status) fields.push_back(std::move(field));
    }
  }
  rollback();  // closes the cursor; the scan wrote nothing
  if (status && !fields.empty()) fn(soul, Node(std::move(fields)));
  return status;
}

Status PostgresStorage::Impl::write(const WriteBatch& batch) {
  if (!batch.puts().empty()) {
    copy_.assign(kCopyHeader);
    std::int32_t ord = 0;
    for (const WriteBatch::Put& put : batch.puts()) {
      pg::append_int2(copy_, 7);
      pg::append_int4(copy_, 4);
      pg::append_int4(copy_, ord++);
      append_bytes(copy_, put.soul);
      append_bytes(copy_, put.field.key);
      pg::append_int4(copy_, 2);
      pg::append_int2(copy_, pg::stored_kind(put.field.value));
      append_bytes(copy_, pg::value_bytes(put.field.value, scratch_));
      pg::append_int4(copy_, 8);
      pg::append_float8(copy_, put.field.state);
      scratch_.clear();
      pg::append_tie_key(scratch_, put.field.value);
      append_bytes(copy_, scratch_);
    }
    pg::append_int2(copy_, -1);
    // The transaction begins with the COPY, and ends with the upsert when
    // nothing else follows it: two round trips for a batch of puts.
    if (Status s = conn_.copy_in(
            "BEGIN; COPY gunpp_incoming FROM STDIN (FORMAT binary)", copy_);
        !s) {
      return s;
    }
    const bool last = batch.parks().empty() && batch.unparks().empty();
    if (Status s = exec(upsert_sql(origin_) + (last ? ";\nCOMMIT" : ""),
                        last ? "cannot commit" : "cannot write");
        !s) {
      return s;
    }
    if (last) return Status::ok();
  } else if (Status s = exec("BEGIN", "cannot write"); !s) {
    return s;
  }
  for (const WriteBatch::Park& park : batch.parks()) {
    const std::string kind = [&] {
      std::string k;
      pg::append_int2(k, pg::stored_kind(park.field.value));
      return k;
    }();
    const std::string state = [&] {
      std::string st;
      pg::append_float8(st, park.field.state);
      return st;
    }();
    const pg::Result r = conn_.exec(
        "INSERT INTO gunpp_parked (soul, key, kind, value, state) VALUES "
        "($1, $2, $3::smallint, $4, $5::double precision) RETURNING id",
        {{park.soul},
         {park.field.key},
         {kind},
         {pg::value_bytes(park.field.value, scratch_)},
         {state}});
    if (!r.ok() || r.rows() != 1) return conn_.error(r, "cannot write");
    parked_ids_[park.id] = r.int8(0, 0);
  }
  if (!batch.unparks().empty()) {
    std::string ids = "{";
    for (std::uint64_t id : batch.unparks()) {
      const auto it = parked_ids_.find(id);
      if (it == parked_ids_.end()) continue;  // never stored here
      if (ids.size() > 1) ids += ',';
      ids += std::to_string(it->second);
    }
    ids += '}';
    const pg::Result r =
        conn_.exec("DELETE FROM gunpp_parked WHERE id = ANY($1::bigint[])",
                   {{pg::Param{ids, false}}});
    if (!r.ok()) return conn_.error(r, "cannot write");
  }
  return exec("COMMIT", "cannot commit");
}

Status PostgresStorage::Impl::commit_once(const WriteBatch& batch) {
  const auto start = std::chrono::steady_clock::now();
  Status s = ensure_connected();
  if (s && batch.empty()) {
    s = exec("SELECT 1", "cannot reach the server");
  } else if (s) {
    s = write(batch);
    if (!s && conn_.connected()) rollback();
    if (s) {
      for (std::uint64_t id : batch.unparks()) parked_ids_.erase(id);
      if (++stats_.commits % kTrimEvery == 0) {
        const std::string keep =
            int8_bytes(static_cast<std::int64_t>(options_.keep_changes));
        // A trim that fails is tried again at the next one.
        conn_.exec(kTrim, {{keep}});
      }
    }
  }
  const double ms = std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - start)
                        .count();
  if (!s) ++stats_.failures;
  if (!batch.empty()) {
    stats_.total_ms += ms;
    stats_.last_ms = ms;
  }
  return s;
}

PostgresStorage::PostgresStorage(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
PostgresStorage::~PostgresStorage() = default;

Result<std::unique_ptr<PostgresStorage>> PostgresStorage::open(
    const std::string& uri, const PostgresOptions& options) {
  auto impl = std::make_unique<Impl>(options);
  if (Status s = impl->open(uri); !s) return s;
  return std::unique_ptr<PostgresStorage>(new PostgresStorage(std::move(impl)));
}

Status PostgresStorage::load_fields(std::string_view soul,
                                    std::string_view after, std::size_t limit,
                                    std::vector<Field>& fields) {
  return impl_->load_fields(soul, after, limit, fields);
}
Status PostgresStorage::load_field(std::string_view soul, std::string_view key,
                                   std::optional<Field>& field) {
  return impl_->load_field(soul, key, field);
}
Status PostgresStorage::load_parked(const ParkedFn& fn) {
  return impl_->load_parked(fn);
}
Status PostgresStorage::for_each_node(const NodeFn& fn) {
  return impl_->for_each_node(fn);
}
Status PostgresStorage::commit(const WriteBatch& batch) {
  return impl_->commit(batch);
}
const std::string& PostgresStorage::where() const { return impl_->where(); }
std::uint64_t PostgresStorage::origin() const { return impl_->origin(); }
const CommitStats& PostgresStorage::commit_stats() const {
  return impl_->stats();
}

}  // namespace gunpp
