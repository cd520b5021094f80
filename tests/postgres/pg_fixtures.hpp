// The PostgreSQL tests' server: GUNPP_TEST_PG names the throwaway server
// that CTest's `postgres` fixture started (tests/postgres/pg_server.sh);
// each TestDatabase is a fresh database on it, dropped after.
#ifndef GUNPP_TESTS_POSTGRES_PG_FIXTURES_HPP_
#define GUNPP_TESTS_POSTGRES_PG_FIXTURES_HPP_

#include <libpq-fe.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>

#include "gunpp/postgres/postgres_storage.hpp"

namespace gunpp::testing {

// The server's URI, for its `postgres` database.
inline std::string server_uri() {
  const char* uri = std::getenv("GUNPP_TEST_PG");
  INFO(
      "GUNPP_TEST_PG is not set: run the tests through ctest, whose "
      "`postgres` fixture starts a server");
  REQUIRE(uri != nullptr);
  return uri;
}

// Runs `sql` on the database at `uri`; the error text, or "".
inline std::string run_sql(const std::string& uri, const std::string& sql) {
  PGconn* conn = PQconnectdb(uri.c_str());
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* r = PQexec(conn, sql.c_str());
    const ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
      error = PQresultErrorMessage(r);
    }
    PQclear(r);
  }
  PQfinish(conn);
  return error;
}

// The first column of the first row of `sql`'s result, as text.
inline std::string query_one(const std::string& uri, const std::string& sql) {
  PGconn* conn = PQconnectdb(uri.c_str());
  std::string out;
  if (PQstatus(conn) == CONNECTION_OK) {
    PGresult* r = PQexec(conn, sql.c_str());
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0) {
      out = PQgetvalue(r, 0, 0);
    }
    PQclear(r);
  }
  PQfinish(conn);
  return out;
}

class TestDatabase {
 public:
  TestDatabase() {
    static std::atomic<int> counter{0};
    std::random_device seed;
    name_ =
        "gunpp_t" + std::to_string(seed()) + "_" + std::to_string(counter++);
    const std::string error = run_sql(server_uri(), "CREATE DATABASE " + name_);
    INFO(error);
    REQUIRE(error.empty());
    uri_ = server_uri();
    const auto at = uri_.find("/postgres?");
    REQUIRE(at != std::string::npos);
    uri_.replace(at, 10, "/" + name_ + "?");
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  ~TestDatabase() {
    run_sql(server_uri(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }
  const std::string& uri() const { return uri_; }
  // Closes every other connection to this database (as a server restart
  // would, for them).
  void terminate_connections() const {
    run_sql(server_uri(),
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
            "datname = '" +
                name_ + "' AND pid <> pg_backend_pid()");
  }

 private:
  std::string name_;
  std::string uri_;
};

inline std::unique_ptr<PostgresStorage> open_pg(const std::string& uri,
                                                PostgresOptions options = {}) {
  auto db = PostgresStorage::open(uri, options);
  INFO(db.status().message());
  REQUIRE(db);
  return std::move(*db);
}

// The Storage contract suite's PostgreSQL engine.
struct PostgresEngine {
  TestDatabase database;
  std::unique_ptr<PostgresStorage> db = open_pg(database.uri());
  Storage& storage() { return *db; }
  Storage& reopen() {
    db.reset();
    db = open_pg(database.uri());
    return *db;
  }
};

}  // namespace gunpp::testing

#endif  // GUNPP_TESTS_POSTGRES_PG_FIXTURES_HPP_
