// JsonWriter: the one place gunpp writes JSON text.
//
//   std::string out;
//   gunpp::JsonWriter json(out);
//   json.begin_object().key("#").string("m1").key("ok").boolean(true)
//       .end_object();                            // {"#":"m1","ok":true}
//
// Strings are escaped as JSON.stringify escapes them, numbers formatted as
// JavaScript's Number::toString formats them, and GUN values written in their
// lexical form (value.hpp), so the graph encoder, the protocol's replies and
// the command line all produce the same bytes for the same data; SEA signs
// such bytes. The writer tracks the commas; the caller keeps the nesting
// balanced and puts a key before every value inside an object.
//
// Thread safety: none; one writer per output string.
#ifndef GUNPP_WIRE_JSON_WRITER_HPP_
#define GUNPP_WIRE_JSON_WRITER_HPP_

#include <string>
#include <string_view>

#include "gunpp/value.hpp"

namespace gunpp {

class JsonWriter {
 public:
  // Appends to `out`, which must outlive the writer.
  explicit JsonWriter(std::string& out) : out_(&out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }

  // A member name; the next call writes its value.
  JsonWriter& key(std::string_view name) {
    string(name);
    *out_ += ':';
    need_comma_ = false;
    return *this;
  }

  JsonWriter& string(std::string_view text) {
    separate();
    append_json_string(*out_, text);
    return *this;
  }
  // Requires a finite number (JSON has no NaN or Infinity).
  JsonWriter& number(double n) {
    separate();
    append_number(*out_, n);
    return *this;
  }
  JsonWriter& boolean(bool b) {
    separate();
    *out_ += b ? "true" : "false";
    return *this;
  }
  JsonWriter& null() {
    separate();
    *out_ += "null";
    return *this;
  }
  // A GUN value: null, boolean, number, string or {"#":soul}.
  JsonWriter& value(const Value& v) {
    separate();
    append_lexical_form(*out_, v);
    return *this;
  }
  // A complete JSON value that is already encoded, written as is.
  JsonWriter& raw(std::string_view json) {
    separate();
    *out_ += json;
    return *this;
  }
  // A member whose name (a JSON string, quotes included) and value are
  // already encoded, written as is.
  JsonWriter& member(std::string_view name_json, std::string_view value_json) {
    separate();
    *out_ += name_json;
    *out_ += ':';
    *out_ += value_json;
    return *this;
  }

 private:
  void separate() {
    if (need_comma_) *out_ += ',';
    need_comma_ = true;
  }
  JsonWriter& open(char bracket) {
    separate();
    *out_ += bracket;
    need_comma_ = false;
    return *this;
  }
  JsonWriter& close(char bracket) {
    *out_ += bracket;
    need_comma_ = true;
    return *this;
  }

  std::string* out_;
  bool need_comma_ = false;  // a value was written at the current level
};

}  // namespace gunpp

#endif  // GUNPP_WIRE_JSON_WRITER_HPP_
