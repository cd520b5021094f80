#include "gunpp/sqlite_storage.hpp"

#include <sqlite3.h>

#include <array>
#include <cmath>
#include <string>
#include <utility>

#include "core/error_text.hpp"

namespace gunpp {

namespace {

// The schema, one step per version: kMigrations[v] takes a file from
// version v to v + 1. Version 0 is a file without gunpp's tables.
constexpr std::array<const char*, SqliteStorage::kSchemaVersion> kMigrations = {
    R"sql(
CREATE TABLE fields (
  soul  TEXT NOT NULL,
  key   TEXT NOT NULL,
  kind  INTEGER NOT NULL,
  value,
  state NOT NULL,
  PRIMARY KEY (soul, key)
) WITHOUT ROWID;
CREATE TABLE parked (
  id    INTEGER PRIMARY KEY,
  soul  TEXT NOT NULL,
  key   TEXT NOT NULL,
  kind  INTEGER NOT NULL,
  value,
  state NOT NULL
);
)sql",
};

// Value::Kind as stored in the `kind` column.
enum StoredKind : int {
  kNull = 0,
  kBool = 1,
  kNumber = 2,
  kString = 3,
  kLink = 4
};

// One prepared statement; reset after every use.
class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  int prepare(sqlite3* db, const char* sql) {
    return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_,
                              nullptr);
  }
  sqlite3_stmt* get() const { return stmt_; }
  void bind(int i, std::string_view text) {
    // A null pointer would bind SQL NULL, not the empty string.
    sqlite3_bind_text(stmt_, i, text.data() == nullptr ? "" : text.data(),
                      static_cast<int>(text.size()), SQLITE_STATIC);
  }
  void bind(int i, double number) { sqlite3_bind_double(stmt_, i, number); }
  void bind_int(int i, std::int64_t n) { sqlite3_bind_int64(stmt_, i, n); }
  // Binds a value to (kind_column, value_column).
  void bind_value(int kind_column, const Value& value);
  int step() { return sqlite3_step(stmt_); }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

void Statement::bind_value(int kind_column, const Value& value) {
  const int v = kind_column + 1;
  switch (value.kind()) {
    case Value::Kind::kNull:
      bind_int(kind_column, kNull);
      sqlite3_bind_null(stmt_, v);
      break;
    case Value::Kind::kBool:
      bind_int(kind_column, kBool);
      bind_int(v, value.as_bool() ? 1 : 0);
      break;
    case Value::Kind::kNumber:
      bind_int(kind_column, kNumber);
      bind(v, value.as_number());
      break;
    case Value::Kind::kString:
      bind_int(kind_column, kString);
      bind(v, value.as_string());
      break;
    case Value::Kind::kLink:
      bind_int(kind_column, kLink);
      bind(v, value.link_soul());
      break;
  }
}

// Resets a statement when it goes out of scope, however the use ends.
class Use {
 public:
  explicit Use(Statement& s) : s_(s) {}
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;
  ~Use() { s_.reset(); }

 private:
  Statement& s_;
};

std::string_view column_text(sqlite3_stmt* stmt, int column) {
  const auto* p =
      reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
  return {p == nullptr ? "" : p,
          static_cast<std::size_t>(sqlite3_column_bytes(stmt, column))};
}

bool is_text(sqlite3_stmt* stmt, int column) {
  return sqlite3_column_type(stmt, column) == SQLITE_TEXT;
}

}  // namespace

class SqliteStorage::Impl {
 public:
  explicit Impl(std::string path) : path_(std::move(path)) {}
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    // Statements first: a connection with live statements does not close.
    statements_ = {};
    sqlite3_close_v2(db_);
  }

  Status open(const SqliteOptions& options);
  Status load_fields(std::string_view soul, std::string_view after,
                     std::size_t limit, std::vector<Field>& fields);
  Status load_field(std::string_view soul, std::string_view key,
                    std::optional<Field>& field);
  Status load_parked(const ParkedFn& fn);
  Status for_each_node(const NodeFn& fn);
  Status commit(const WriteBatch& batch);

 private:
  struct Statements {
    Statement load_fields, load_field, scan, load_parked, upsert, park, unpark;
  };

  // The status for SQLite result `rc`, naming the file and `what` failed.
  Status error(int rc, std::string_view what) const;
  Status exec(const char* sql, std::string_view what);
  // Ends a failed transaction; the error that failed it is the one reported.
  void rollback() { sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr); }
  Status migrate();
  Status prepare();
  // Steps a statement that returns no rows.
  Status run(Statement& q);
  Status write(const WriteBatch& batch);
  // Reads the soul in `column`; Corruption unless it is non-empty UTF-8
  // text.
  Status read_soul(sqlite3_stmt* stmt, int column, std::string& soul) const;
  // Reads the field in columns [first, first + 4) of `stmt` (key, kind,
  // value, state); Corruption when a column does not hold what gunpp wrote.
  Status read_field(sqlite3_stmt* stmt, int first, std::string_view soul,
                    Field& field) const;

  std::string path_;
  sqlite3* db_ = nullptr;
  std::unique_ptr<Statements> statements_;
};

Status SqliteStorage::Impl::error(int rc, std::string_view what) const {
  std::string message = path_ + ": " + std::string(what) + ": ";
  message += db_ != nullptr && sqlite3_errcode(db_) == rc ? sqlite3_errmsg(db_)
                                                          : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_FORMAT:
      return Status::corruption(std::move(message));
    default:
      return Status::io_error(std::move(message));
  }
}

Status SqliteStorage::Impl::exec(const char* sql, std::string_view what) {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? Status::ok() : error(rc, what);
}

Status SqliteStorage::Impl::open(const SqliteOptions& options) {
  int rc = sqlite3_open_v2(
      path_.c_str(), &db_,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  if (rc != SQLITE_OK) return error(rc, "cannot open");
  sqlite3_extended_result_codes(db_, 1);
  // Exclusive before WAL: the WAL index then lives in this process's memory
  // and no other process can open the file meanwhile.
  if (Status s = exec("PRAGMA locking_mode = EXCLUSIVE", "cannot open"); !s) {
    return s;
  }
  if (Status s = exec("PRAGMA journal_mode = WAL", "cannot open"); !s) {
    return s;
  }
  const char* sync = options.durability == Durability::kNone
                         ? "PRAGMA synchronous = OFF"
                         : "PRAGMA synchronous = FULL";
  if (Status s = exec(sync, "cannot open"); !s) return s;
  if (options.max_page_count > 0) {
    const std::string pragma =
        "PRAGMA max_page_count = " + std::to_string(options.max_page_count);
    if (Status s = exec(pragma.c_str(), "cannot open"); !s) return s;
  }
  if (Status s = migrate(); !s) return s;
  return prepare();
}

Status SqliteStorage::Impl::migrate() {
  // An immediate transaction takes the write lock now, so a second process
  // fails here rather than at its first commit.
  if (Status s = exec("BEGIN IMMEDIATE", "cannot open"); !s) return s;
  Statement version;
  int rc = version.prepare(db_, "PRAGMA user_version");
  if (rc == SQLITE_OK) rc = version.step();
  if (rc != SQLITE_ROW) {
    const Status s = error(rc, "cannot read the schema version");
    rollback();
    return s;
  }
  const int from = sqlite3_column_int(version.get(), 0);
  if (from < 0 || from > kSchemaVersion) {
    rollback();
    return Status::corruption(
        path_ + ": schema version " + std::to_string(from) +
        " is not one this gunpp reads (it reads versions up to " +
        std::to_string(kSchemaVersion) + ")");
  }
  for (int v = from; v < kSchemaVersion; ++v) {
    if (Status s = exec(kMigrations[static_cast<std::size_t>(v)],
                        "cannot upgrade the schema");
        !s) {
      rollback();
      return s;
    }
  }
  const std::string set_version =
      "PRAGMA user_version = " + std::to_string(kSchemaVersion);
  if (Status s = exec(set_version.c_str(), "cannot upgrade the schema"); !s) {
    rollback();
    return s;
  }
  return exec("COMMIT", "cannot open");
}

Status SqliteStorage::Impl::prepare() {
  statements_ = std::make_unique<Statements>();
  Statements& s = *statements_;
  const std::pair<Statement*, const char*> all[] = {
      {&s.load_fields,
       "SELECT key, kind, value, state FROM fields WHERE soul = ?1 AND "
       "key > ?2 ORDER BY key LIMIT ?3"},
      {&s.load_field,
       "SELECT key, kind, value, state FROM fields WHERE soul = ?1 AND "
       "key = ?2"},
      {&s.scan,
       "SELECT soul, key, kind, value, state FROM fields ORDER BY soul, key"},
      {&s.load_parked, "SELECT id, soul, key, kind, value, state FROM parked"},
      {&s.upsert,
       "INSERT OR REPLACE INTO fields (soul, key, kind, value, state) "
       "VALUES (?1, ?2, ?3, ?4, ?5)"},
      {&s.park,
       "INSERT INTO parked (id, soul, key, kind, value, state) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"},
      {&s.unpark, "DELETE FROM parked WHERE id = ?1"},
  };
  for (const auto& [statement, sql] : all) {
    if (const int rc = statement->prepare(db_, sql); rc != SQLITE_OK) {
      return error(rc, "cannot read the schema");
    }
  }
  return Status::ok();
}

Status SqliteStorage::Impl::read_soul(sqlite3_stmt* stmt, int column,
                                      std::string& soul) const {
  const bool text = is_text(stmt, column);
  soul = column_text(stmt, column);
  if (!text || soul.empty() || !is_valid_utf8(soul)) {
    return Status::corruption(path_ + ": a soul is not UTF-8 text");
  }
  return Status::ok();
}

Status SqliteStorage::Impl::read_field(sqlite3_stmt* stmt, int first,
                                       std::string_view soul,
                                       Field& field) const {
  auto bad = [&](std::string_view what) {
    return Status::corruption(path_ + ": soul " + detail::quoted(soul) +
                              " key " + detail::quoted(field.key) + ": " +
                              std::string(what));
  };
  const int value_column = first + 2;
  // Types before values: reading a column may convert it.
  const bool key_is_text = is_text(stmt, first);
  field.key = column_text(stmt, first);
  if (!key_is_text || !is_valid_utf8(field.key)) {
    return bad("the key is not UTF-8 text");
  }
  const int type = sqlite3_column_type(stmt, value_column);
  switch (sqlite3_column_int(stmt, first + 1)) {
    case kNull:
      if (type != SQLITE_NULL) return bad("a null holds a value");
      field.value = nullptr;
      break;
    case kBool:
      if (type != SQLITE_INTEGER) return bad("a boolean is not 0 or 1");
      field.value = sqlite3_column_int64(stmt, value_column) != 0;
      break;
    case kNumber: {
      if (type != SQLITE_FLOAT && type != SQLITE_INTEGER) {
        return bad("a number is not numeric");
      }
      const double n = sqlite3_column_double(stmt, value_column);
      if (!std::isfinite(n)) return bad("a number is not finite");
      field.value = n;
      break;
    }
    case kString:
    case kLink: {
      std::string s(column_text(stmt, value_column));
      if (type != SQLITE_TEXT || !is_valid_utf8(s)) {
        return bad("a string is not UTF-8 text");
      }
      if (sqlite3_column_int(stmt, first + 1) == kString) {
        field.value = std::move(s);
      } else if (s.empty()) {
        return bad("a link has an empty soul");
      } else {
        field.value = Link(std::move(s));
      }
      break;
    }
    default:
      return bad("unknown value kind");
  }
  const int state_type = sqlite3_column_type(stmt, first + 3);  // before

  field.state = sqlite3_column_double(stmt, first + 3);
  if ((state_type != SQLITE_FLOAT && state_type != SQLITE_INTEGER) ||
      !std::isfinite(field.state)) {
    return bad("the state is not a finite number");
  }
  return Status::ok();
}

Status SqliteStorage::Impl::load_fields(std::string_view soul,
                                        std::string_view after,
                                        std::size_t limit,
                                        std::vector<Field>& fields) {
  Statement& q = statements_->load_fields;
  Use use(q);
  q.bind(1, soul);
  q.bind(2, after);
  q.bind_int(3, limit == 0 ? -1 : static_cast<std::int64_t>(limit));
  int rc;
  Field field;
  while ((rc = q.step()) == SQLITE_ROW) {
    if (Status s = read_field(q.get(), 0, soul, field); !s) return s;
    fields.push_back(std::move(field));
  }
  return rc == SQLITE_DONE ? Status::ok() : error(rc, "cannot read");
}

Status SqliteStorage::Impl::load_field(std::string_view soul,
                                       std::string_view key,
                                       std::optional<Field>& field) {
  field.reset();
  Statement& q = statements_->load_field;
  Use use(q);
  q.bind(1, soul);
  q.bind(2, key);
  const int rc = q.step();
  if (rc == SQLITE_DONE) return Status::ok();
  if (rc != SQLITE_ROW) return error(rc, "cannot read");
  Field found;
  if (Status s = read_field(q.get(), 0, soul, found); !s) return s;
  field = std::move(found);
  return Status::ok();
}

Status SqliteStorage::Impl::load_parked(const ParkedFn& fn) {
  Statement& q = statements_->load_parked;
  Use use(q);
  int rc;
  Field field;
  std::string soul;
  while ((rc = q.step()) == SQLITE_ROW) {
    if (Status s = read_soul(q.get(), 1, soul); !s) return s;
    if (Status s = read_field(q.get(), 2, soul, field); !s) return s;
    const std::int64_t id = sqlite3_column_int64(q.get(), 0);
    if (id <= 0 || id > (std::int64_t{1} << 62)) {
      return Status::corruption(path_ + ": a parked field of soul " +
                                detail::quoted(soul) + " has the id " +
                                std::to_string(id));
    }
    fn(static_cast<std::uint64_t>(id), soul, std::move(field));
  }
  return rc == SQLITE_DONE ? Status::ok() : error(rc, "cannot read");
}

Status SqliteStorage::Impl::for_each_node(const NodeFn& fn) {
  Statement& q = statements_->scan;
  Use use(q);
  std::string soul;
  std::vector<Field> fields;
  int rc;
  Field field;
  std::string next;
  while ((rc = q.step()) == SQLITE_ROW) {
    if (Status s = read_soul(q.get(), 0, next); !s) return s;
    if (next != soul) {
      if (!fields.empty()) fn(soul, Node(std::exchange(fields, {})));
      soul.swap(next);
    }
    if (Status s = read_field(q.get(), 1, soul, field); !s) return s;
    fields.push_back(std::move(field));
  }
  if (rc != SQLITE_DONE) return error(rc, "cannot read");
  if (!fields.empty()) fn(soul, Node(std::move(fields)));
  return Status::ok();
}

Status SqliteStorage::Impl::run(Statement& q) {
  Use use(q);
  const int rc = q.step();
  return rc == SQLITE_DONE ? Status::ok() : error(rc, "cannot write");
}

Status SqliteStorage::Impl::write(const WriteBatch& batch) {
  for (const WriteBatch::Put& put : batch.puts()) {
    Statement& q = statements_->upsert;
    q.bind(1, put.soul);
    q.bind(2, put.field.key);
    q.bind_value(3, put.field.value);
    q.bind(5, put.field.state);
    if (Status s = run(q); !s) return s;
  }
  for (const WriteBatch::Park& park : batch.parks()) {
    Statement& q = statements_->park;
    q.bind_int(1, static_cast<std::int64_t>(park.id));
    q.bind(2, park.soul);
    q.bind(3, park.field.key);
    q.bind_value(4, park.field.value);
    q.bind(6, park.field.state);
    if (Status s = run(q); !s) return s;
  }
  for (std::uint64_t id : batch.unparks()) {
    Statement& q = statements_->unpark;
    q.bind_int(1, static_cast<std::int64_t>(id));
    if (Status s = run(q); !s) return s;
  }
  return Status::ok();
}

Status SqliteStorage::Impl::commit(const WriteBatch& batch) {
  if (Status s = exec("BEGIN", "cannot write"); !s) return s;
  Status s = write(batch);
  if (s) s = exec("COMMIT", "cannot commit");
  if (!s) rollback();
  return s;
}

SqliteStorage::SqliteStorage(std::string path, SqliteOptions options,
                             std::unique_ptr<Impl> impl)
    : path_(std::move(path)), options_(options), impl_(std::move(impl)) {}

SqliteStorage::~SqliteStorage() = default;

Result<std::unique_ptr<SqliteStorage>> SqliteStorage::open(
    const std::string& path, const SqliteOptions& options) {
  auto impl = std::make_unique<Impl>(path);
  if (Status s = impl->open(options); !s) return s;
  return std::unique_ptr<SqliteStorage>(
      new SqliteStorage(path, options, std::move(impl)));
}

Status SqliteStorage::load_fields(std::string_view soul, std::string_view after,
                                  std::size_t limit,
                                  std::vector<Field>& fields) {
  return impl_->load_fields(soul, after, limit, fields);
}
Status SqliteStorage::load_field(std::string_view soul, std::string_view key,
                                 std::optional<Field>& field) {
  return impl_->load_field(soul, key, field);
}
Status SqliteStorage::load_parked(const ParkedFn& fn) {
  return impl_->load_parked(fn);
}
Status SqliteStorage::for_each_node(const NodeFn& fn) {
  return impl_->for_each_node(fn);
}
Status SqliteStorage::commit(const WriteBatch& batch) {
  return impl_->commit(batch);
}

}  // namespace gunpp
