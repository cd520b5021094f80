// Decodes GUN wire frames from nlohmann_json's SAX events; GUN's graph rules
// live in GraphBuilder. The only file of the wire layer that sees
// nlohmann_json.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "gunpp/detail/error_text.hpp"
#include "gunpp/graph_builder.hpp"
#include "gunpp/message.hpp"

namespace gunpp {

namespace {

using Json = nlohmann::json;

constexpr double kNotANumber = std::numeric_limits<double>::quiet_NaN();
// nlohmann_json reports a number too large for a double (1e999) as error 406.
constexpr int kNumberOverflow = 406;

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

bool truthy(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return false;
    case Value::Kind::kBool:
      return v.as_bool();
    case Value::Kind::kNumber:
      return v.as_number() != 0;
    case Value::Kind::kString:
      return !v.as_string().empty();
    case Value::Kind::kLink:
      return true;
  }
  return false;
}

// The object under a field, while deciding whether it is a link.
struct LinkBuild {
  std::string key;
  std::string soul;
  int members = 0;
  bool bad = false;
};

class FrameHandler {
 public:
  // `overflows`: the ordinals, among all number tokens of the text, of those
  // that were out of double range and have been replaced by 0 (see
  // neutralize_overflows); each fails its message instead of being a value.
  FrameHandler(const WireLimits& limits, std::vector<std::size_t> overflows)
      : limits_(limits), overflows_(std::move(overflows)) {}

  DecodedFrame& frame() { return frame_; }
  // Set when parsing stopped at a number out of double range.
  bool overflow() const { return overflow_; }
  const Status& limit_error() const { return limit_error_; }

  // SAX events.
  bool null() { return scalar(Value()); }
  bool boolean(bool b) { return scalar(Value(b)); }
  bool number_integer(std::int64_t n) { return number(static_cast<double>(n)); }
  bool number_unsigned(std::uint64_t n) {
    return number(static_cast<double>(n));
  }
  bool number_float(double n, const std::string&) { return number(n); }
  bool string(std::string& s) { return scalar(Value(std::move(s))); }
  bool binary(Json::binary_t&) { return true; }  // not produced by JSON text
  bool key(std::string& k) {
    key_ = std::move(k);
    return true;
  }
  bool start_object(std::size_t) { return open(/*is_object=*/true); }
  bool start_array(std::size_t) { return open(/*is_object=*/false); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& ex) {
    overflow_ = ex.id == kNumberOverflow;
    return false;
  }

 private:
  Message& message() { return *message_; }

  // Keeps the first error of the current message.
  void record(Status status) {
    if (message_ == nullptr || status.is_ok() || !message_->error.is_ok()) {
      return;
    }
    message_->error = std::move(status);
  }
  void fail(std::string_view reason) { record(detail::invalid_graph(reason)); }

  bool begin_message() {
    if (frame_.messages.size() >= limits_.max_messages_per_frame) {
      limit_error_ = detail::too_many_messages(limits_.max_messages_per_frame);
      return false;
    }
    message_ = &frame_.messages.emplace_back();
    message_->element = element_;
    return true;
  }

  // An element of the top-level array starts.
  void next_element() {
    if (!stack_.empty() && stack_.back() == Ctx::kFrame) ++elements_seen_;
    element_ = elements_seen_ - 1;
  }

  bool number(double n) {
    const bool overflowed = next_overflow_ < overflows_.size() &&
                            overflows_[next_overflow_] == numbers_seen_;
    ++numbers_seen_;
    if (!overflowed) return scalar(Value(n));
    ++next_overflow_;
    return overflowed_number();
  }

  // A number out of double range: a skipped element of an array frame, or
  // an error that fails its whole message.
  bool overflowed_number() {
    if (stack_.empty()) return true;  // a bare scalar frame; rejected later
    if (stack_.back() == Ctx::kFrame) {
      next_element();
      ++frame_.skipped;
      return true;
    }
    if (message_ == nullptr) return true;  // inside a skipped frame element
    if (stack_.back() == Ctx::kStates) {
      record(put_.bad_state(key_));
    } else if (stack_.back() == Ctx::kNode) {
      record(put_.bad_field(key_, "number out of range"));
    }
    fail("number out of range");
    message_overflowed_ = true;
    return true;
  }

  bool scalar(Value v) {
    if (stack_.empty()) return true;  // a bare scalar frame; rejected later
    switch (stack_.back()) {
      case Ctx::kFrame:
        next_element();
        return frame_element(std::move(v));
      case Ctx::kMessage:
        message_member(std::move(v));
        break;
      case Ctx::kPut:
        record(put_.non_node(key_, truthy(v)));
        break;
      case Ctx::kNode:
        if (key_ == "_") {
          record(put_.meta_not_object());
        } else {
          put_.field(std::move(key_), std::move(v));
        }
        break;
      case Ctx::kMeta:
        if (key_ == "#" && v.is_string()) put_.meta_soul(v.as_string());
        if (key_ == ">") record(put_.states_not_object());
        break;
      case Ctx::kStates:
        put_.state(std::move(key_),
                   v.is_number() ? v.as_number() : kNotANumber);
        break;
      case Ctx::kLink:
        ++link_.members;
        if (key_ == "#" && v.is_string() && !v.as_string().empty()) {
          link_.soul = v.as_string();
        } else {
          link_.bad = true;
        }
        break;
      case Ctx::kGet:
        if (key_ == "#" && v.is_string()) get_->soul = v.as_string();
        if (key_ == ".") {
          // A later "." replaces an earlier one, as in JSON.parse.
          get_->key.reset();
          get_->lex.reset();
          if (v.is_string() && !v.as_string().empty()) {
            get_->key = v.as_string();
          }
        }
        if (key_ == "%") {
          get_->byte_budget =
              v.is_number() && v.as_number() >= 1
                  ? static_cast<std::size_t>(std::min(v.as_number(), 1e15))
                  : 0;
        }
        break;
      case Ctx::kLex:
        if (v.is_string()) lex_member(v.as_string());
        break;
      case Ctx::kSkip:
        break;
    }
    return true;
  }

  // A scalar element of an array frame: a string holding a message is
  // decoded as one (GUN.js does the same); anything else is skipped. The
  // nested text is an object, whose strings are never decoded again, so
  // this recurses at most once.
  bool frame_element(Value v) {
    if (v.is_string() && !v.as_string().empty() && v.as_string()[0] == '{') {
      auto nested = decode_frame(v.as_string(), limits_);
      if (nested && nested->messages.size() == 1) {
        if (!begin_message()) return false;
        *message_ = std::move(nested->messages[0]);
        message_->element = element_;
        message_->in_string = true;
        message_ = nullptr;
        return true;
      }
    }
    ++frame_.skipped;
    return true;
  }

  void message_member(Value v) {
    if (key_ == "#" && v.is_string()) message().id = v.as_string();
    if (key_ == "@" && v.is_string()) message().reply_to = v.as_string();
    if (key_ == "err" && v.is_string()) message().err = v.as_string();
    if (key_ == "dam" && v.is_string()) message().dam = v.as_string();
    if (key_ == "pid" && v.is_string()) message().pid = v.as_string();
    if (key_ == "><" && v.is_string()) message().via = v.as_string();
    if (key_ == "##" && v.is_number()) message().hash = v.as_number();
    if (key_ == "ok") message().ok = truthy(v);
    if (key_ == "put" && truthy(v)) {
      message().has_put = true;
      fail("put is not a graph");
    }
  }

  bool open(bool is_object) {
    if (stack_.empty()) {
      if (is_object) {
        stack_.push_back(Ctx::kMessage);
        return begin_message();
      }
      stack_.push_back(Ctx::kFrame);
      return true;
    }
    Ctx next = Ctx::kSkip;
    switch (stack_.back()) {
      case Ctx::kFrame:
        next_element();
        if (is_object) {
          next = Ctx::kMessage;
          if (!begin_message()) return false;
        } else {
          ++frame_.skipped;
        }
        break;
      case Ctx::kMessage:
        if (key_ == "put") {
          message().has_put = true;
          if (is_object) {
            next = Ctx::kPut;
            put_ = GraphBuilder();
          } else {
            fail("put is not a graph");
          }
        } else if (key_ == "get" && is_object) {
          next = Ctx::kGet;
          get_ = &message().get.emplace();
        } else if (key_ == "ok") {
          message().ok = true;  // objects and arrays are truthy
        }
        break;
      case Ctx::kPut:
        if (is_object) {
          next = Ctx::kNode;
          put_.begin_node(key_);
        } else {
          record(put_.non_node(key_, /*truthy=*/true));
        }
        break;
      case Ctx::kNode:
        if (key_ == "_") {
          if (is_object) {
            next = Ctx::kMeta;
            put_.begin_meta();
          } else {
            record(put_.meta_not_object());
          }
        } else if (is_object) {
          next = Ctx::kLink;
          link_ = LinkBuild{key_, {}, 0, false};
        } else {
          record(put_.bad_field(key_, "array"));
        }
        break;
      case Ctx::kMeta:
        if (key_ == ">") {
          if (is_object) {
            next = Ctx::kStates;
            put_.begin_states();
          } else {
            record(put_.states_not_object());
          }
        }
        break;
      case Ctx::kStates:
        put_.state(std::move(key_), kNotANumber);
        break;
      case Ctx::kLink:
        ++link_.members;
        link_.bad = true;
        break;
      case Ctx::kGet:
        if (key_ == ".") {
          get_->key.reset();
          get_->lex.emplace();
          next = Ctx::kLex;
        }
        break;
      case Ctx::kLex:
      case Ctx::kSkip:
        break;
    }
    stack_.push_back(next);
    return true;
  }

  bool close() {
    const Ctx done = stack_.back();
    stack_.pop_back();
    switch (done) {
      case Ctx::kLink:
        if (!link_.bad && link_.members == 1) {
          put_.field(std::move(link_.key), Value(Link(std::move(link_.soul))));
        } else {
          record(put_.bad_field(link_.key, "object"));
        }
        break;
      case Ctx::kNode:
        record(put_.end_node());
        break;
      case Ctx::kPut:
        finish_put();
        break;
      case Ctx::kMessage:
        if (message_overflowed_) {
          fail("number out of range");
          message().put.reset();
          message_overflowed_ = false;
        }
        message_ = nullptr;
        break;
      default:
        break;
    }
    return true;
  }

  // One string member of a LEX object; other members are ignored.
  void lex_member(const std::string& text) {
    KeyRange& lex = *get_->lex;
    if (key_ == "=") lex.exact = text;
    if (key_ == "*") lex.prefix = text;
    if (key_ == ">") lex.from = text;
    if (key_ == "<") lex.to = text;
  }

  void finish_put() {
    if (put_.single_field_form()) {
      // GUN's internal single-field form: ignored, as GUN.js ignores it.
      message().error = Status();
      message().has_put = false;
      return;
    }
    Graph graph = put_.take_graph();
    if (message().error.is_ok()) message().put = std::move(graph);
  }

  const WireLimits& limits_;
  DecodedFrame frame_;
  std::vector<Ctx> stack_;
  std::string key_;
  Message* message_ = nullptr;
  GetRequest* get_ = nullptr;
  GraphBuilder put_;
  LinkBuild link_;
  bool message_overflowed_ = false;
  bool overflow_ = false;
  Status limit_error_;
  const std::vector<std::size_t> overflows_;
  std::size_t next_overflow_ = 0;
  std::size_t numbers_seen_ = 0;
  std::size_t elements_seen_ = 0;  // of the top-level array
  std::size_t element_ = 0;        // the current one
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// Whether `token` is a number in JSON's grammar:
// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view token) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t from = i;
    while (i < token.size() && token[i] >= '0' && token[i] <= '9') ++i;
    return i > from;
  };
  if (i < token.size() && token[i] == '-') ++i;
  if (i < token.size() && token[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < token.size() && token[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    if (i < token.size() && (token[i] == '+' || token[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == token.size();
}

// Whether the JSON number `token` is out of double range, as nlohmann_json
// (which also uses strtod) reads it. Without an exponent, fewer than 309
// digits always fit.
bool overflows_double(std::string_view token) {
  if (token.size() < 309 && token.find_first_of("eE") == token.npos) {
    return false;
  }
  return std::isinf(std::strtod(std::string(token).c_str(), nullptr));
}

bool is_number_char(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' ||
         c == 'e' || c == 'E';
}

struct NeutralizedText {
  std::string text;
  std::vector<std::size_t> overflows;  // ordinals among number tokens
};

// A copy of `text` in which every number token out of double range is
// replaced by "0" padded with spaces, and the ordinals of those tokens among
// all number tokens. nlohmann_json stops at such a number, while JSON.parse
// reads it as Infinity; parsing the copy visits the rest of the frame and
// lets the handler fail only the messages that held one. One linear scan;
// strings are skipped by their quotes and escapes. Replacing a whole valid
// token by another keeps the text exactly as valid or invalid as it was.
NeutralizedText neutralize_overflows(std::string_view text) {
  NeutralizedText out{std::string(text), {}};
  std::string& s = out.text;
  std::size_t ordinal = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (c != '-' && (c < '0' || c > '9')) continue;
    std::size_t end = i;
    while (end < s.size() && is_number_char(s[end])) ++end;
    const std::string_view token(s.data() + i, end - i);
    if (is_json_number(token) && overflows_double(token)) {
      out.overflows.push_back(ordinal);
      s.replace(i, end - i, end - i, ' ');
      s[i] = '0';
    }
    ++ordinal;
    i = end - 1;
  }
  return out;
}

}  // namespace

Result<DecodedFrame> decode_frame(std::string_view text,
                                  const WireLimits& limits) {
  if (text.size() > limits.max_frame_bytes) {
    return Status::resource_exhausted(
        "frame of " + std::to_string(text.size()) + " bytes is larger than " +
        std::to_string(limits.max_frame_bytes));
  }
  text = trim(text);
  if (text.empty() || (text.front() != '{' && text.front() != '[')) {
    return Status::invalid_argument(
        "frame is neither a JSON object nor a JSON array");
  }
  FrameHandler handler(limits, {});
  if (Json::sax_parse(text.begin(), text.end(), &handler)) {
    return std::move(handler.frame());
  }
  if (!handler.limit_error().is_ok()) return handler.limit_error();
  if (handler.overflow()) {
    // Parse once more with the out-of-range numbers replaced: every message
    // is decoded, and those that held one fail on their own.
    NeutralizedText neutral = neutralize_overflows(text);
    FrameHandler again(limits, std::move(neutral.overflows));
    if (Json::sax_parse(neutral.text.begin(), neutral.text.end(), &again)) {
      return std::move(again.frame());
    }
    if (!again.limit_error().is_ok()) return again.limit_error();
  }
  return Status::invalid_argument("frame is not valid JSON");
}

std::vector<std::string_view> frame_elements(std::string_view text) {
  text = trim(text);
  std::vector<std::string_view> elements;
  if (text.empty()) return elements;
  if (text.front() != '[') {
    elements.push_back(text);
    return elements;
  }
  // The text is valid JSON: track strings and depth, and cut at the commas
  // and the closing bracket of the top level.
  int depth = 0;
  bool in_string = false;
  std::size_t start = 1;
  for (std::size_t i = 1; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    } else if (depth == 0 && (c == ',' || c == ']')) {
      const std::string_view element = trim(text.substr(start, i - start));
      if (!element.empty()) elements.push_back(element);
      start = i + 1;
    }
  }
  return elements;
}

}  // namespace gunpp
