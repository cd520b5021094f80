#include "pq.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

namespace gunpp::pg {

namespace {

// libpq's messages end in a newline, some in two lines.
std::string one_line(std::string_view text) {
  std::string out(text);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) {
    out.pop_back();
  }
  for (char& c : out) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return out;
}

template <typename T>
T from_big_endian(std::string_view bytes) {
  using U = std::make_unsigned_t<std::conditional_t<
      sizeof(T) == 8, std::int64_t,
      std::conditional_t<sizeof(T) == 4, std::int32_t, std::int16_t>>>;
  U u = 0;
  for (std::size_t i = 0; i < sizeof(T) && i < bytes.size(); ++i) {
    u = static_cast<U>((u << 8) | static_cast<unsigned char>(bytes[i]));
  }
  return std::bit_cast<T>(u);
}

template <typename U>
void append_big_endian(std::string& out, U u) {
  for (int shift = static_cast<int>(sizeof(U)) * 8 - 8; shift >= 0;
       shift -= 8) {
    out.push_back(static_cast<char>((u >> shift) & 0xff));
  }
}

}  // namespace

Result::Result(pg_result* result) : result_(result) {}
Result::Result(Result&& other) noexcept
    : result_(std::exchange(other.result_, nullptr)) {}
Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}
Result::~Result() { PQclear(result_); }

bool Result::ok() const {
  if (result_ == nullptr) return false;
  const ExecStatusType s = PQresultStatus(result_);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

bool Result::copying_in() const {
  return result_ != nullptr && PQresultStatus(result_) == PGRES_COPY_IN;
}

std::string_view Result::sqlstate() const {
  const char* s = result_ == nullptr
                      ? nullptr
                      : PQresultErrorField(result_, PG_DIAG_SQLSTATE);
  return s == nullptr ? std::string_view() : std::string_view(s);
}

std::string Result::error() const {
  return result_ == nullptr ? std::string("no result")
                            : one_line(PQresultErrorMessage(result_));
}

int Result::rows() const { return result_ == nullptr ? 0 : PQntuples(result_); }

bool Result::is_null(int row, int column) const {
  return PQgetisnull(result_, row, column) != 0;
}

std::string_view Result::bytes(int row, int column) const {
  return {PQgetvalue(result_, row, column),
          static_cast<std::size_t>(PQgetlength(result_, row, column))};
}

std::int64_t Result::int8(int row, int column) const {
  return from_big_endian<std::int64_t>(bytes(row, column));
}
std::int16_t Result::int2(int row, int column) const {
  return from_big_endian<std::int16_t>(bytes(row, column));
}
double Result::float8(int row, int column) const {
  return from_big_endian<double>(bytes(row, column));
}

void append_int2(std::string& out, std::int16_t v) {
  append_big_endian(out, static_cast<std::uint16_t>(v));
}
void append_int4(std::string& out, std::int32_t v) {
  append_big_endian(out, static_cast<std::uint32_t>(v));
}
void append_int8(std::string& out, std::int64_t v) {
  append_big_endian(out, static_cast<std::uint64_t>(v));
}
void append_float8(std::string& out, double v) {
  append_big_endian(out, std::bit_cast<std::uint64_t>(v));
}

std::string redact(std::string_view uri) {
  // scheme://user:password@host...: the password is between the first ':'
  // after "//" and the '@' that ends the user part.
  const std::size_t start = uri.find("//");
  if (start == std::string_view::npos) return std::string(uri);
  const std::size_t at = uri.find('@', start + 2);
  const std::size_t slash = uri.find('/', start + 2);
  if (at == std::string_view::npos ||
      (slash != std::string_view::npos && slash < at)) {
    return std::string(uri);
  }
  const std::size_t colon = uri.find(':', start + 2);
  if (colon == std::string_view::npos || colon > at) return std::string(uri);
  return std::string(uri.substr(0, colon + 1)) + "***" +
         std::string(uri.substr(at));
}

bool is_uri(std::string_view target) {
  return target.starts_with("postgresql://") ||
         target.starts_with("postgres://");
}

Connection::~Connection() { close(); }

void Connection::close() {
  if (conn_ != nullptr) PQfinish(conn_);
  conn_ = nullptr;
}

Status Connection::connect(const std::string& uri) {
  close();
  uri_ = uri;
  where_ = redact(uri);
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), &parse_error);
  if (options == nullptr) {
    std::string message = where_ + ": not a PostgreSQL connection URI";
    if (parse_error != nullptr) {
      message += ": " + one_line(parse_error);
      PQfreemem(parse_error);
    }
    return Status::invalid_argument(std::move(message));
  }
  PQconninfoFree(options);
  return reconnect();
}

Status Connection::reconnect() {
  close();
  conn_ = PQconnectdb(uri_.c_str());
  if (conn_ == nullptr) {
    return Status::unavailable(where_ + ": cannot connect: out of memory");
  }
  if (PQstatus(conn_) != CONNECTION_OK) {
    Status s = Status::unavailable(
        where_ + ": cannot connect: " + one_line(PQerrorMessage(conn_)));
    close();
    return s;
  }
  return Status::ok();
}

bool Connection::connected() const {
  return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK;
}

Result Connection::exec(const std::string& sql) {
  if (conn_ == nullptr) return Result();
  return Result(PQexec(conn_, sql.c_str()));
}

namespace {
struct ParamArrays {
  explicit ParamArrays(const std::vector<Param>& params) {
    for (const Param& p : params) {
      if (!p.bytes) {
        values.push_back(nullptr);
        lengths.push_back(0);
      } else if (p.binary) {
        values.push_back(p.bytes->empty() ? "" : p.bytes->data());
        lengths.push_back(static_cast<int>(p.bytes->size()));
      } else {
        text.emplace_back(*p.bytes);  // text parameters end in NUL
        values.push_back(nullptr);
        lengths.push_back(0);
      }
      formats.push_back(p.binary ? 1 : 0);
    }
    std::size_t t = 0;
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (params[i].bytes && !params[i].binary) values[i] = text[t++].c_str();
    }
  }
  std::vector<std::string> text;
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
};
}  // namespace

Result Connection::exec(const std::string& sql,
                        const std::vector<Param>& params) {
  if (conn_ == nullptr) return Result();
  const ParamArrays a(params);
  return Result(
      PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                   a.values.data(), a.lengths.data(), a.formats.data(), 1));
}

Status Connection::copy_in(const std::string& sql, std::string_view data) {
  Result start = exec(sql);
  if (!start.copying_in()) return error(start, "cannot write");
  constexpr std::size_t kPiece = 1 << 20;
  for (std::size_t at = 0; at < data.size(); at += kPiece) {
    const std::size_t n = std::min(kPiece, data.size() - at);
    if (PQputCopyData(conn_, data.data() + at, static_cast<int>(n)) != 1) {
      break;  // the result below says why
    }
  }
  PQputCopyEnd(conn_, nullptr);
  Result end(PQgetResult(conn_));
  while (pg_result* more = PQgetResult(conn_)) PQclear(more);
  return end.ok() ? Status::ok() : error(end, "cannot write");
}

Status Connection::error(const Result& result, std::string_view what) const {
  std::string message = where_ + ": " + std::string(what) + ": ";
  message += conn_ == nullptr                ? std::string("not connected")
             : result.error() != "no result" ? result.error()
                                             : one_line(PQerrorMessage(conn_));
  // SQLSTATE class 08 is a connection exception; 57P01..03: the server is
  // shutting down or starting.
  const std::string_view state = result.sqlstate();
  if (!connected() || state.starts_with("08") || state.starts_with("57P")) {
    return Status::unavailable(std::move(message));
  }
  return Status::io_error(std::move(message));
}

int Connection::socket() const {
  return conn_ == nullptr ? -1 : PQsocket(conn_);
}

bool Connection::consume() {
  return conn_ != nullptr && PQconsumeInput(conn_) == 1 && connected();
}

bool Connection::notified() {
  bool any = false;
  while (PGnotify* n = conn_ == nullptr ? nullptr : PQnotifies(conn_)) {
    any = true;
    PQfreemem(n);
  }
  return any;
}

bool Connection::send(const std::string& sql,
                      const std::vector<Param>& params) {
  if (conn_ == nullptr) return false;
  const ParamArrays a(params);
  return PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(params.size()),
                           nullptr, a.values.data(), a.lengths.data(),
                           a.formats.data(), 1) == 1;
}

bool Connection::busy() const {
  return conn_ != nullptr && PQisBusy(conn_) == 1;
}

std::optional<Result> Connection::next_result() {
  if (conn_ == nullptr) return std::nullopt;
  pg_result* r = PQgetResult(conn_);
  if (r == nullptr) return std::nullopt;
  return Result(r);
}

std::string Connection::last_error() const {
  return conn_ == nullptr ? std::string("not connected")
                          : one_line(PQerrorMessage(conn_));
}

}  // namespace gunpp::pg
