// How a field is kept in gunpp's PostgreSQL tables: the columns
// (kind, value, state) and the tie-break key, shared by the storage and the
// change feed.
#ifndef GUNPP_SRC_POSTGRES_ROWS_HPP_
#define GUNPP_SRC_POSTGRES_ROWS_HPP_

#include <optional>
#include <string>
#include <string_view>

#include "gunpp/node.hpp"
#include "gunpp/status.hpp"
#include "gunpp/value.hpp"
#include "pq.hpp"

namespace gunpp::pg {

// Value::Kind as stored in the `kind` column (as SQLite's engine has it).
enum StoredKind : std::int16_t {
  kNull = 0,
  kBool = 1,
  kNumber = 2,
  kString = 3,
  kLink = 4
};

StoredKind stored_kind(const Value& value);

// The bytes of the `value` column: nullopt (SQL NULL) for null, one byte
// for a boolean, the big-endian IEEE double for a number, the UTF-8 text
// for a string or a link's soul. `scratch` holds them when needed.
std::optional<std::string_view> value_bytes(const Value& value,
                                            std::string& scratch);

// Appends the tie-break key of `value`: bytes whose byte order is the
// UTF-16 code-unit order of its lexical form (JSON.stringify), so that a
// database compares equal-state values as HAM does. It is the UTF-8 form
// with each 4-byte sequence (a character above U+FFFF, two surrogates in
// UTF-16) led by 0xED 0xA0+n instead of 0xF0+n: that sorts it after every
// character up to U+D7FF and before U+E000, as its surrogates sort.
void append_tie_key(std::string& out, const Value& value);

// Reads a field from columns [first, first + 4) of `row` (key, kind,
// value, state). Corruption, naming `where`, soul and key, when a column
// does not hold what gunpp writes.
Status read_field(const Result& result, int row, int first,
                  std::string_view where, std::string_view soul, Field& field);

// Reads the soul in `column`: Corruption unless non-empty UTF-8.
Status read_soul(const Result& result, int row, int column,
                 std::string_view where, std::string& soul);

}  // namespace gunpp::pg

#endif  // GUNPP_SRC_POSTGRES_ROWS_HPP_
