// libpq, as the PostgreSQL engine uses it: a connection, results read in
// PostgreSQL's binary format, COPY in, and notifications. libpq enters the
// library through pq.cpp only.
#ifndef GUNPP_SRC_POSTGRES_PQ_HPP_
#define GUNPP_SRC_POSTGRES_PQ_HPP_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gunpp/status.hpp"

struct pg_conn;
struct pg_result;

namespace gunpp::pg {

// A parameter of a query: bytes sent in binary format (bytea, or the
// network-order form of an integer or float), or text; nullopt is SQL NULL.
struct Param {
  std::optional<std::string_view> bytes;
  bool binary = true;
};

// One result; rows and columns in PostgreSQL's binary format.
class Result {
 public:
  Result() = default;
  explicit Result(pg_result* result);
  Result(Result&&) noexcept;
  Result& operator=(Result&&) noexcept;
  ~Result();

  // True for a command or query that succeeded.
  bool ok() const;
  // True when the server waits for COPY data.
  bool copying_in() const;
  // SQLSTATE, e.g. "08006", or "" when there is none.
  std::string_view sqlstate() const;
  std::string error() const;

  int rows() const;
  bool is_null(int row, int column) const;
  std::string_view bytes(int row, int column) const;
  std::int64_t int8(int row, int column) const;
  std::int16_t int2(int row, int column) const;
  double float8(int row, int column) const;

 private:
  pg_result* result_ = nullptr;
};

// Appends the big-endian bytes of an integer or a float, as PostgreSQL's
// binary format has them.
void append_int2(std::string& out, std::int16_t v);
void append_int4(std::string& out, std::int32_t v);
void append_int8(std::string& out, std::int64_t v);
void append_float8(std::string& out, double v);

class Connection {
 public:
  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Connects (blocking) to `uri`, a libpq connection URI. Unavailable when
  // the server cannot be reached or refuses, InvalidArgument when the URI
  // cannot be parsed; the message names the server (never a password).
  Status connect(const std::string& uri);
  // Closes and connects again to the same URI.
  Status reconnect();
  void close();
  bool connected() const;
  const std::string& where() const { return where_; }

  // Runs one or more statements, text in and out; the last result.
  Result exec(const std::string& sql);
  // Runs one statement with parameters, results in binary format.
  Result exec(const std::string& sql, const std::vector<Param>& params);
  // COPY ... FROM STDIN with `data` as its whole input.
  Status copy_in(const std::string& sql, std::string_view data);

  // The status for a failed `result` of `what`: Unavailable when the
  // connection is gone, IOError otherwise; the message names the server.
  Status error(const Result& result, std::string_view what) const;

  // For a connection that listens: the socket to watch for readability,
  // or -1; consume() reads what arrived (false when the connection broke)
  // and notified() reports (and forgets) whether a notification came.
  int socket() const;
  bool consume();
  bool notified();

  // Asynchronous queries (one at a time): send, then on readability
  // consume() and, once !busy(), take results until nullopt.
  bool send(const std::string& sql, const std::vector<Param>& params);
  bool busy() const;
  std::optional<Result> next_result();
  std::string last_error() const;

 private:
  std::string uri_;
  std::string where_;
  pg_conn* conn_ = nullptr;
};

// `uri` with its password replaced by "***".
std::string redact(std::string_view uri);

// True for a libpq connection URI (postgresql:// or postgres://).
bool is_uri(std::string_view target);

}  // namespace gunpp::pg

#endif  // GUNPP_SRC_POSTGRES_PQ_HPP_
