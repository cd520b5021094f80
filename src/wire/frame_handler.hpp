// FrameHandler: decodes a GUN wire frame from a stream of JSON events, in
// document order (start and end of objects and arrays, member keys,
// scalars). Parser-free: each JSON parser's decoder walks its own reading of
// the text and calls these events (decode_simdjson.cpp, decode_nlohmann.cpp);
// GUN's graph rules live in GraphBuilder. Internal to the wire layer.
#ifndef GUNPP_SRC_WIRE_FRAME_HANDLER_HPP_
#define GUNPP_SRC_WIRE_FRAME_HANDLER_HPP_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "graph_builder.hpp"
#include "gunpp/wire/message.hpp"

namespace gunpp::detail {

class FrameHandler {
 public:
  // `overflows`: the ordinals, among all number events, of numbers that
  // stand for values out of double range (1e999, which JSON.parse reads as
  // Infinity); each fails its message instead of being a value. Puts keep
  // their fields in arrays from `fields`.
  FrameHandler(const WireLimits& limits, std::vector<std::size_t> overflows,
               std::pmr::memory_resource* fields);

  // The events. Each returns false to stop the parse: the frame has more
  // messages than the limits allow (limit_error()).
  bool null() { return scalar(Scalar{}); }
  bool boolean(bool b) { return scalar(Scalar::of(b)); }
  bool number(double n);
  // `s` need only live for the call: it is copied where it is kept.
  bool string(std::string_view s) { return scalar(Scalar::of(s)); }
  bool key(std::string_view k) {
    key_.assign(k);
    return true;
  }
  // `members`: the object's member count when the parser knows it, else 0.
  bool start_object(std::size_t members = 0) {
    return open(/*is_object=*/true, members);
  }
  bool start_array() { return open(/*is_object=*/false, 0); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  DecodedFrame& frame() { return frame_; }
  const Status& limit_error() const { return limit_error_; }

 private:
  // Where the handler is: what the innermost open object or array means.
  enum class Ctx : std::uint8_t {
    kFrame,    // the top-level array of messages
    kMessage,  // a message object
    kPut,      // the graph under "put"
    kNode,     // a node: "_" and fields
    kMeta,     // the node's "_"
    kStates,   // the meta's ">"
    kLink,     // an object as a field value: must be {"#": soul}
    kGet,      // the object under "get"
    kLex,      // the get's "." when an object: a LEX query
    kSkip,     // anything else, ignored to its end
  };

  // A scalar event's value. A string stays a view into the parser's text
  // until a context keeps it: most (ids, souls, keys of the meta) are
  // copied once into where they belong, never into a Value first.
  struct Scalar {
    Value::Kind kind = Value::Kind::kNull;
    bool boolean = false;
    double number = 0;
    std::string_view text;

    static Scalar of(bool b);
    static Scalar of(double n);
    static Scalar of(std::string_view s);
    bool is_string() const { return kind == Value::Kind::kString; }
    bool is_number() const { return kind == Value::Kind::kNumber; }
    bool truthy() const;
    Value to_value() const;
  };

  // The object under a field, while deciding whether it is a link.
  struct LinkBuild {
    std::string key;
    std::string soul;
    int members = 0;
    bool bad = false;
  };

  Message& message() { return *message_; }
  void record(Status status);
  void fail(std::string_view reason);
  bool begin_message();
  void next_element();
  bool overflowed_number();
  bool scalar(const Scalar& v);
  bool frame_element(const Scalar& v);
  void message_member(const Scalar& v);
  bool nested() const { return depth_ > 0; }
  Ctx top() const { return skipped_ > 0 ? Ctx::kSkip : stack_[depth_ - 1]; }
  bool open(bool is_object, std::size_t members);
  bool close();
  void lex_member(std::string_view text);
  void finish_put();

  const WireLimits& limits_;
  DecodedFrame frame_;
  // The open contexts that mean something, at most kFrame, kMessage, kPut,
  // kNode, kMeta, kStates; the nesting inside a skipped value is only
  // counted, so that no frame makes the stack grow.
  static constexpr std::size_t kMaxContexts = 6;
  std::array<Ctx, kMaxContexts> stack_{};
  std::size_t depth_ = 0;
  std::size_t skipped_ = 0;  // objects and arrays open inside a kSkip
  std::string key_;
  Message* message_ = nullptr;
  GetRequest* get_ = nullptr;
  GraphBuilder put_;
  LinkBuild link_;
  bool message_overflowed_ = false;
  Status limit_error_;
  const std::vector<std::size_t> overflows_;
  std::size_t next_overflow_ = 0;
  std::size_t numbers_seen_ = 0;
  std::size_t elements_seen_ = 0;  // of the top-level array
  std::size_t element_ = 0;        // the current one
};

// Leading and trailing JSON whitespace removed.
std::string_view trim_json_space(std::string_view text);

// The index just past the JSON string whose opening quote is text[open]:
// past its closing quote, skipping escapes; text.size() when it does not
// close. The one string-skipping loop of the wire layer's text scans.
std::size_t string_end(std::string_view text, std::size_t open);

// `object`, the text of a JSON object (a message as frame_elements() cuts
// it), with the member "name":"value" added last: JSON.parse keeps the last
// of two members of one name, so it overrides one already there.
std::string with_string_member(std::string_view object, std::string_view name,
                               std::string_view value);
// The same with the member's value given as JSON text (`json`, trusted).
std::string with_member(std::string_view object, std::string_view name,
                        std::string_view json);

// The checks every decoder makes before parsing: ResourceExhausted when
// `text` is longer than max_frame_bytes, InvalidArgument when, trimmed, it
// does not start as an object or an array. `*trimmed` is the text without
// its surrounding whitespace.
Status check_frame_text(std::string_view text, const WireLimits& limits,
                        std::string_view* trimmed);

// The error of a frame that is not JSON.
Status not_json();

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_WIRE_FRAME_HANDLER_HPP_
