#include "frame_handler.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "core/error_text.hpp"

namespace gunpp::detail {

namespace {

constexpr double kNotANumber = std::numeric_limits<double>::quiet_NaN();

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

FrameHandler::FrameHandler(const WireLimits& limits,
                           std::vector<std::size_t> overflows,
                           std::pmr::memory_resource* fields)
    : limits_(limits), put_(fields), overflows_(std::move(overflows)) {}

// Keeps the first error of the current message.
void FrameHandler::record(Status status) {
  if (message_ == nullptr || status.is_ok() || !message_->error.is_ok()) {
    return;
  }
  message_->error = std::move(status);
}
void FrameHandler::fail(std::string_view reason) {
  record(invalid_graph(reason));
}

bool FrameHandler::begin_message() {
  if (frame_.messages.size() >= limits_.max_messages_per_frame) {
    limit_error_ = detail::too_many_messages(limits_.max_messages_per_frame);
    return false;
  }
  message_ = &frame_.messages.emplace_back();
  message_->element = element_;
  return true;
}

// An element of the top-level array starts.
void FrameHandler::next_element() {
  if (nested() && top() == Ctx::kFrame) ++elements_seen_;
  element_ = elements_seen_ - 1;
}

bool FrameHandler::number(double n) {
  const bool overflowed = next_overflow_ < overflows_.size() &&
                          overflows_[next_overflow_] == numbers_seen_;
  ++numbers_seen_;
  if (!overflowed) return scalar(Scalar::of(n));
  ++next_overflow_;
  return overflowed_number();
}

// A number out of double range: a skipped element of an array frame, or
// an error that fails its whole message.
bool FrameHandler::overflowed_number() {
  if (!nested()) return true;  // a bare scalar frame; rejected later
  if (top() == Ctx::kFrame) {
    next_element();
    ++frame_.skipped;
    return true;
  }
  if (message_ == nullptr) return true;  // inside a skipped frame element
  if (top() == Ctx::kStates) {
    record(put_.bad_state(key_));
  } else if (top() == Ctx::kNode) {
    record(put_.bad_field(key_, "number out of range"));
  }
  fail("number out of range");
  message_overflowed_ = true;
  return true;
}

FrameHandler::Scalar FrameHandler::Scalar::of(bool b) {
  Scalar s;
  s.kind = Value::Kind::kBool;
  s.boolean = b;
  return s;
}

FrameHandler::Scalar FrameHandler::Scalar::of(double n) {
  Scalar s;
  s.kind = Value::Kind::kNumber;
  s.number = n;
  return s;
}

FrameHandler::Scalar FrameHandler::Scalar::of(std::string_view text) {
  Scalar s;
  s.kind = Value::Kind::kString;
  s.text = text;
  return s;
}

bool FrameHandler::Scalar::truthy() const {
  switch (kind) {
    case Value::Kind::kBool:
      return boolean;
    case Value::Kind::kNumber:
      return number != 0;
    case Value::Kind::kString:
      return !text.empty();
    default:
      return false;
  }
}

Value FrameHandler::Scalar::to_value() const {
  switch (kind) {
    case Value::Kind::kBool:
      return Value(boolean);
    case Value::Kind::kNumber:
      return Value(number);
    case Value::Kind::kString:
      return Value(text);
    default:
      return Value();
  }
}

bool FrameHandler::scalar(const Scalar& v) {
  if (!nested()) return true;  // a bare scalar frame; rejected later
  switch (top()) {
    case Ctx::kFrame:
      next_element();
      return frame_element(v);
    case Ctx::kMessage:
      message_member(v);
      break;
    case Ctx::kPut:
      record(put_.non_node(key_, v.truthy()));
      break;
    case Ctx::kNode:
      if (key_ == "_") {
        record(put_.meta_not_object());
      } else {
        put_.field(std::move(key_), v.to_value());
      }
      break;
    case Ctx::kMeta:
      if (key_ == "#" && v.is_string()) put_.meta_soul(std::string(v.text));
      if (key_ == ">") record(put_.states_not_object());
      break;
    case Ctx::kStates:
      put_.state(key_, v.is_number() ? v.number : kNotANumber);
      break;
    case Ctx::kLink:
      ++link_.members;
      if (key_ == "#" && v.is_string() && !v.text.empty()) {
        link_.soul = v.text;
      } else {
        link_.bad = true;
      }
      break;
    case Ctx::kGet:
      if (key_ == "#" && v.is_string()) get_->soul = v.text;
      if (key_ == ".") {
        // A later "." replaces an earlier one, as in JSON.parse.
        get_->key.reset();
        get_->lex.reset();
        if (v.is_string() && !v.text.empty()) get_->key = std::string(v.text);
      }
      if (key_ == "%") {
        get_->byte_budget =
            v.is_number() && v.number >= 1
                ? static_cast<std::size_t>(std::min(v.number, 1e15))
                : 0;
      }
      break;
    case Ctx::kLex:
      if (v.is_string()) lex_member(v.text);
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
bool FrameHandler::frame_element(const Scalar& v) {
  if (v.is_string() && !v.text.empty() && v.text[0] == '{') {
    auto nested = decode_frame(v.text, limits_);
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

void FrameHandler::message_member(const Scalar& v) {
  if (key_ == "#" && v.is_string()) message().id = v.text;
  if (key_ == "@" && v.is_string()) message().reply_to = v.text;
  if (key_ == "err" && v.is_string()) message().err = v.text;
  if (key_ == "dam" && v.is_string()) message().dam = v.text;
  if (key_ == "pid" && v.is_string()) message().pid = v.text;
  if (key_ == "><" && v.is_string()) message().via = v.text;
  if (key_ == "##" && v.is_number()) message().hash = v.number;
  if (key_ == "ok") message().ok = v.truthy();
  if (key_ == "put" && v.truthy()) {
    message().has_put = true;
    fail("put is not a graph");
  }
}

bool FrameHandler::open(bool is_object, std::size_t members) {
  if (!nested()) {
    stack_[depth_++] = is_object ? Ctx::kMessage : Ctx::kFrame;
    return is_object ? begin_message() : true;
  }
  Ctx next = Ctx::kSkip;
  switch (top()) {
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
          put_.reset(members);
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
        put_.begin_node(key_, members);
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
          put_.begin_states(members);
        } else {
          record(put_.states_not_object());
        }
      }
      break;
    case Ctx::kStates:
      put_.state(key_, kNotANumber);
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
  if (next == Ctx::kSkip) {
    ++skipped_;
  } else {
    stack_[depth_++] = next;
  }
  return true;
}

bool FrameHandler::close() {
  if (skipped_ > 0) {
    --skipped_;
    return true;
  }
  switch (stack_[--depth_]) {
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
void FrameHandler::lex_member(std::string_view text) {
  KeyRange& lex = *get_->lex;
  if (key_ == "=") lex.exact = text;
  if (key_ == "*") lex.prefix = text;
  if (key_ == ">") lex.from = text;
  if (key_ == "<") lex.to = text;
}

void FrameHandler::finish_put() {
  if (put_.single_field_form()) {
    // GUN's internal single-field form: ignored, as GUN.js ignores it.
    message().error = Status();
    message().has_put = false;
    return;
  }
  Graph graph = put_.take_graph();
  if (message().error.is_ok()) message().put = std::move(graph);
}

std::size_t string_end(std::string_view text, std::size_t open) {
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return text.size();
}

std::string with_member(std::string_view object, std::string_view name,
                        std::string_view json) {
  object = trim_json_space(object);
  std::string out;
  // Room for the member as it is without escapes in its name: one
  // allocation, and no spare capacity kept by a frame that is queued for
  // many peers.
  out.reserve(object.size() + name.size() + json.size() + 4);
  out = object.substr(0, object.size() - 1);  // without its '}'
  const std::string_view members = trim_json_space(object.substr(1));
  if (members.size() > 1) out += ',';  // more than its closing brace
  append_json_string(out, name);
  out += ':';
  out += json;
  out += '}';
  return out;
}

std::string with_string_member(std::string_view object, std::string_view name,
                               std::string_view value) {
  std::string json;
  append_json_string(json, value);
  return with_member(object, name, json);
}

std::string_view trim_json_space(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

Status check_frame_text(std::string_view text, const WireLimits& limits,
                        std::string_view* trimmed) {
  if (text.size() > limits.max_frame_bytes) {
    return Status::resource_exhausted(
        "frame of " + std::to_string(text.size()) + " bytes is larger than " +
        std::to_string(limits.max_frame_bytes));
  }
  *trimmed = trim_json_space(text);
  if (trimmed->empty() ||
      (trimmed->front() != '{' && trimmed->front() != '[')) {
    return Status::invalid_argument(
        "frame is neither a JSON object nor a JSON array");
  }
  return Status::ok();
}

Status not_json() {
  return Status::invalid_argument("frame is not valid JSON");
}

}  // namespace gunpp::detail

namespace gunpp {

std::vector<std::string_view> frame_elements(std::string_view text) {
  text = detail::trim_json_space(text);
  std::vector<std::string_view> elements;
  if (text.empty()) return elements;
  if (text.front() != '[') {
    elements.push_back(text);
    return elements;
  }
  // The text is valid JSON: track strings and depth, and cut at the commas
  // and the closing bracket of the top level.
  int depth = 0;
  std::size_t start = 1;
  for (std::size_t i = 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      i = detail::string_end(text, i) - 1;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    } else if (depth == 0 && (c == ',' || c == ']')) {
      const std::string_view element =
          detail::trim_json_space(text.substr(start, i - start));
      if (!element.empty()) elements.push_back(element);
      start = i + 1;
    }
  }
  return elements;
}

}  // namespace gunpp
