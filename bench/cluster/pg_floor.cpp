// gunpp_pg_floor: PostgreSQL's own floor for a relay's commits. The rows a
// relay commits (soul, key, kind, value, state and tie-break key), upserted
// with HAM's condition by a minimal libpq program: a COPY of each batch into
// a temporary table and one INSERT ... ON CONFLICT, one transaction per
// batch, no relay, no change log. Prints one JSON line.
//
//   gunpp_pg_floor URI ROWS BATCH
#include <libpq-fe.h>

#include <bit>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

void append_be(std::string& out, std::uint64_t v, int bytes) {
  for (int shift = bytes * 8 - 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

void append_field(std::string& out, const std::string& bytes) {
  append_be(out, bytes.size(), 4);
  out += bytes;
}

bool exec(PGconn* conn, const char* sql) {
  PGresult* r = PQexec(conn, sql);
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK ||
                  PQresultStatus(r) == PGRES_TUPLES_OK;
  if (!ok) std::fprintf(stderr, "pg_floor: %s", PQresultErrorMessage(r));
  PQclear(r);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: gunpp_pg_floor URI ROWS BATCH\n");
    return 2;
  }
  const long rows = std::atol(argv[2]);
  const long batch = std::atol(argv[3]);
  PGconn* conn = PQconnectdb(argv[1]);
  if (PQstatus(conn) != CONNECTION_OK) {
    std::fprintf(stderr, "pg_floor: %s", PQerrorMessage(conn));
    return 1;
  }
  if (!exec(conn,
            "DROP TABLE IF EXISTS floor_fields; CREATE TABLE floor_fields ("
            "soul bytea, key bytea, kind smallint, value bytea, state double "
            "precision, tie bytea, PRIMARY KEY (soul, key)); CREATE TEMP TABLE "
            "floor_in (soul bytea, key bytea, kind smallint, value bytea, state "
            "double precision, tie bytea) ON COMMIT DELETE ROWS")) {
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  std::string copy;
  for (long done = 0; done < rows; done += batch) {
    copy.assign("PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", 19);
    for (long i = done; i < done + batch && i < rows; ++i) {
      const std::string key = "k" + std::to_string(i);
      append_be(copy, 6, 2);
      append_field(copy, "floor" + std::to_string(i % 16));
      append_field(copy, key);
      append_be(copy, 2, 4);
      append_be(copy, 3, 2);
      append_field(copy, key);
      append_be(copy, 8, 4);
      append_be(copy, std::bit_cast<std::uint64_t>(1.7e12 + i), 8);
      append_field(copy, "\"" + key + "\"");
    }
    append_be(copy, 0xffff, 2);
    if (!exec(conn, "BEGIN")) return 1;
    PGresult* r = PQexec(conn, "COPY floor_in FROM STDIN (FORMAT binary)");
    PQclear(r);
    PQputCopyData(conn, copy.data(), static_cast<int>(copy.size()));
    PQputCopyEnd(conn, nullptr);
    while ((r = PQgetResult(conn)) != nullptr) PQclear(r);
    if (!exec(conn,
              "INSERT INTO floor_fields AS f SELECT * FROM floor_in ON "
              "CONFLICT (soul, key) DO UPDATE SET kind = excluded.kind, value "
              "= excluded.value, state = excluded.state, tie = excluded.tie "
              "WHERE (excluded.state, excluded.tie) > (f.state, f.tie)") ||
        !exec(conn, "COMMIT")) {
      return 1;
    }
  }
  const double seconds = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - start)
                             .count();
  std::printf("{\"rows\": %ld, \"batch\": %ld, \"seconds\": %.3f, "
              "\"rows_per_s\": %.0f}\n",
              rows, batch, seconds, rows / seconds);
  PQfinish(conn);
  return 0;
}
