// Streaming decoder for GUN wire frames (nlohmann_json SAX events).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "error_text.hpp"
#include "gunpp/detail/slot_index.hpp"
#include "gunpp/wire.hpp"

namespace gunpp {

namespace {

using Json = nlohmann::json;
using detail::quoted;
using detail::where;

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

// The node being decoded: fields and states arrive in any order and are
// joined when the node's object ends. Duplicate members keep the last value,
// as JSON.parse does.
struct NodeBuild {
  std::string soul;
  std::vector<Field> fields;
  detail::SlotIndex field_index;
  // In arrival order, duplicates included; indexed only when they do not
  // line up with the fields (GUN writes them in field order).
  std::vector<std::string> state_keys;
  std::vector<double> states;  // NaN: present but not a number
  bool has_meta = false;
  bool has_state_map = false;
  std::optional<std::string> meta_soul;  // "_"."#" when a string
};

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
  bool number_integer(std::int64_t n) {
    return number(static_cast<double>(n));
  }
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

  void fail(std::string reason) {
    if (message_ == nullptr || !message_->error.is_ok()) return;
    message_->error = Status::invalid_argument("Invalid graph: " + reason);
  }
  void fail_node(std::string_view soul, std::string_view reason) {
    fail("soul " + quoted(soul) + ": " + std::string(reason));
  }
  void fail_field(std::string_view key, std::string_view reason) {
    fail(where(node_.soul, key) + std::string(reason));
  }

  bool begin_message() {
    if (frame_.messages.size() >= limits_.max_messages_per_frame) {
      limit_error_ = Status::resource_exhausted(
          "frame has more than " +
          std::to_string(limits_.max_messages_per_frame) + " messages");
      return false;
    }
    message_ = &frame_.messages.emplace_back();
    return true;
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
      ++frame_.skipped;
      return true;
    }
    if (message_ == nullptr) return true;  // inside a skipped frame element
    if (stack_.back() == Ctx::kStates) {
      fail_field(key_, "state is not a finite number");
    } else if (stack_.back() == Ctx::kNode) {
      fail_field(key_, "bad value (number out of range)");
    } else {
      fail("number out of range");
    }
    message_overflowed_ = true;
    return true;
  }

  bool scalar(Value v) {
    if (stack_.empty()) return true;  // a bare scalar frame; rejected later
    switch (stack_.back()) {
      case Ctx::kFrame:
        return frame_element(std::move(v));
      case Ctx::kMessage:
        message_member(std::move(v));
        break;
      case Ctx::kPut:
        note_put_member();
        fail_node(key_, truthy(v) ? "no meta" : "no node");
        break;
      case Ctx::kNode:
        if (key_ == "_") {
          fail_node(node_.soul, "no meta");
        } else {
          add_field(std::move(v));
        }
        break;
      case Ctx::kMeta:
        if (key_ == "#" && v.is_string()) node_.meta_soul = v.as_string();
        if (key_ == ">") fail_node(node_.soul, "no state");
        break;
      case Ctx::kStates:
        add_state(v.is_number() ? v.as_number() : kNotANumber);
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
        if (key_ == "." && v.is_string() && !v.as_string().empty()) {
          get_->key = v.as_string();
        }
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
            graph_ = Graph();
            put_hash_ = put_dot_ = false;
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
        note_put_member();
        if (is_object) {
          next = Ctx::kNode;
          node_ = NodeBuild();
          node_.soul = key_;
        } else {
          fail_node(key_, "no meta");
        }
        break;
      case Ctx::kNode:
        if (key_ == "_") {
          if (is_object) {
            next = Ctx::kMeta;
            node_.has_meta = true;
          } else {
            fail_node(node_.soul, "no meta");
          }
        } else if (is_object) {
          next = Ctx::kLink;
          link_ = LinkBuild{key_, {}, 0, false};
        } else if (!key_.empty()) {
          fail_field(key_, "bad value (array)");
        }
        break;
      case Ctx::kMeta:
        if (key_ == ">") {
          if (is_object) {
            next = Ctx::kStates;
            node_.has_state_map = true;
          } else {
            fail_node(node_.soul, "no state");
          }
        }
        break;
      case Ctx::kStates:
        add_state(kNotANumber);
        break;
      case Ctx::kLink:
        ++link_.members;
        link_.bad = true;
        break;
      case Ctx::kGet:
        if (key_ == ".") get_->lex = true;
        break;
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
        if (link_.key.empty()) break;  // the "" key is dropped unchecked
        if (!link_.bad && link_.members == 1) {
          add_field_named(std::move(link_.key),
                          Value(Link(std::move(link_.soul))));
        } else {
          fail_field(link_.key, "bad value (object)");
        }
        break;
      case Ctx::kNode:
        finish_node();
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

  void note_put_member() {
    if (key_ == "#") put_hash_ = true;
    if (key_ == ".") put_dot_ = true;
  }

  void add_field(Value v) {
    if (key_.empty()) return;  // GUN.js skips the "" key without checks
    add_field_named(std::move(key_), std::move(v));
  }

  void add_field_named(std::string&& key, Value v) {
    const auto next = static_cast<std::uint32_t>(node_.fields.size());
    const std::uint32_t slot = node_.field_index.find_or_insert(
        key, next, [this](std::uint32_t s) -> const std::string& {
          return node_.fields[s].key;
        });
    if (slot == next) {
      node_.fields.push_back(Field{std::move(key), std::move(v), kNotANumber});
    } else {
      node_.fields[slot].value = std::move(v);
    }
  }

  void add_state(double state) {
    node_.state_keys.push_back(std::move(key_));
    node_.states.push_back(state);
  }

  // The state of each field, by position when the states line up with the
  // fields (then they also have no duplicates), else through an index where
  // the last duplicate wins. Returns false, after failing, on a field with
  // no state or with a state that is not a finite number.
  bool join_states() {
    const auto& keys = node_.state_keys;
    auto& fields = node_.fields;
    bool aligned = keys.size() == fields.size();
    for (std::size_t i = 0; aligned && i < fields.size(); ++i) {
      aligned = keys[i] == fields[i].key;
    }
    detail::SlotIndex index;
    auto key_at = [&keys](std::uint32_t s) -> const std::string& {
      return keys[s];
    };
    if (!aligned) {
      for (std::uint32_t i = 0; i < keys.size(); ++i) {
        const std::uint32_t first = index.find_or_insert(keys[i], i, key_at);
        if (first != i) node_.states[first] = node_.states[i];
      }
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const std::uint32_t slot = aligned ? static_cast<std::uint32_t>(i)
                                         : index.find(fields[i].key, key_at);
      if (slot == detail::SlotIndex::kNone) {
        fail_field(fields[i].key, "no state");
        return false;
      }
      fields[i].state = node_.states[slot];
      if (!std::isfinite(fields[i].state)) {
        fail_field(fields[i].key, "state is not a finite number");
        return false;
      }
    }
    return true;
  }

  // Checks a finished node in GUN's order and joins states to fields.
  void finish_node() {
    if (!node_.has_meta) return fail_node(node_.soul, "no meta");
    if (node_.meta_soul != node_.soul) {
      return fail_node(node_.soul, "soul not same");
    }
    if (!node_.has_state_map) return fail_node(node_.soul, "no state");
    if (!join_states()) return;
    if (message_->error.is_ok()) {
      graph_.set_node(std::move(node_.soul), std::move(node_.fields));
    }
    node_ = NodeBuild();
  }

  void finish_put() {
    if (put_hash_ && put_dot_) {
      // GUN's internal single-field form: ignored, as GUN.js ignores it.
      message().error = Status();
      message().has_put = false;
      return;
    }
    if (message().error.is_ok()) message().put = std::move(graph_);
    graph_ = Graph();
  }

  const WireLimits& limits_;
  DecodedFrame frame_;
  std::vector<Ctx> stack_;
  std::string key_;
  Message* message_ = nullptr;
  GetRequest* get_ = nullptr;
  Graph graph_;
  NodeBuild node_;
  LinkBuild link_;
  bool put_hash_ = false;
  bool put_dot_ = false;
  bool message_overflowed_ = false;
  bool overflow_ = false;
  Status limit_error_;
  const std::vector<std::size_t> overflows_;
  std::size_t next_overflow_ = 0;
  std::size_t numbers_seen_ = 0;
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

}  // namespace gunpp
