// decode_frame(): GUN wire frames parsed by simdjson, walked into a
// FrameHandler. The only file of the wire layer that sees simdjson.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "frame_handler.hpp"
#include "gunpp/message.hpp"

namespace gunpp {

namespace {

namespace dom = simdjson::dom;

// A parser keeps the memory of the largest document it has parsed (about
// three times its size). Past kKeepParserBytes, that memory is kept while
// large frames keep coming (a bulk import reuses it, warm) and freed after
// kSmallFramesToShrink frames in a row that needed under a quarter of it.
constexpr std::size_t kKeepParserBytes = 4 * 1024 * 1024;
constexpr int kSmallFramesToShrink = 64;

bool scalar(detail::FrameHandler& handler, dom::element e) {
  switch (e.type()) {
    case dom::element_type::INT64:
      return handler.number(static_cast<double>(e.get_int64().value_unsafe()));
    case dom::element_type::UINT64:
      return handler.number(static_cast<double>(e.get_uint64().value_unsafe()));
    case dom::element_type::DOUBLE:
      return handler.number(e.get_double().value_unsafe());
    case dom::element_type::STRING: {
      std::string s(e.get_string().value_unsafe());
      return handler.string(s);
    }
    case dom::element_type::BOOL:
      return handler.boolean(e.get_bool().value_unsafe());
    case dom::element_type::NULL_VALUE:
    default:
      return handler.null();
  }
}

// Calls the handler's events for `root` in document order. Iterative, with
// its own stack: nesting costs heap, never the call stack.
bool walk(detail::FrameHandler& handler, dom::element root) {
  struct Open {
    bool is_object;
    dom::array::iterator item, items_end;
    dom::object::iterator member, members_end;
  };
  std::vector<Open> stack;
  const auto enter = [&](dom::element e) {
    if (e.type() == dom::element_type::ARRAY) {
      const dom::array array = e.get_array().value_unsafe();
      stack.push_back(Open{false, array.begin(), array.end(), {}, {}});
      return handler.start_array();
    }
    if (e.type() == dom::element_type::OBJECT) {
      const dom::object object = e.get_object().value_unsafe();
      stack.push_back(Open{true, {}, {}, object.begin(), object.end()});
      return handler.start_object(object.size());
    }
    return scalar(handler, e);
  };
  if (!enter(root)) return false;
  while (!stack.empty()) {
    Open& top = stack.back();
    dom::element next;
    if (top.is_object) {
      if (top.member == top.members_end) {
        stack.pop_back();
        if (!handler.end_object()) return false;
        continue;
      }
      std::string key(top.member.key());
      next = top.member.value();
      ++top.member;
      if (!handler.key(key)) return false;
    } else {
      if (top.item == top.items_end) {
        stack.pop_back();
        if (!handler.end_array()) return false;
        continue;
      }
      next = *top.item;
      ++top.item;
    }
    if (!enter(next)) return false;  // `top` may be gone from here on
  }
  return true;
}

// This thread's parser, lent to one frame at a time. A string element that
// holds a message is decoded while its frame's document is still in use:
// that decode gets a parser of its own.
class ParserLease {
 public:
  explicit ParserLease(std::size_t frame_bytes)
      : frame_bytes_(frame_bytes), shared_(!state().busy) {
    if (shared_) state().busy = true;
  }
  ParserLease(const ParserLease&) = delete;
  ParserLease& operator=(const ParserLease&) = delete;
  ~ParserLease() {
    if (!shared_) return;
    State& s = state();
    s.busy = false;
    if (s.parser.capacity() <= kKeepParserBytes ||
        4 * frame_bytes_ >= s.parser.capacity()) {
      s.small_frames = 0;
    } else if (++s.small_frames >= kSmallFramesToShrink) {
      s.parser = dom::parser();
      s.small_frames = 0;
    }
  }
  dom::parser& get() { return shared_ ? state().parser : own_; }

 private:
  struct State {
    dom::parser parser;
    bool busy = false;
    int small_frames = 0;  // in a row, while the parser is large
  };
  static State& state() {
    thread_local State s;
    return s;
  }
  std::size_t frame_bytes_;
  bool shared_;
  dom::parser own_;  // allocates only when used
};

}  // namespace

Result<DecodedFrame> decode_frame(std::string_view text,
                                  const WireLimits& limits) {
  if (Status s = detail::check_frame_text(text, limits, &text); !s) return s;
  ParserLease lease(text.size());
  dom::element root;
  if (lease.get().parse(text.data(), text.size()).get(root) !=
      simdjson::SUCCESS) {
    // Not JSON to simdjson: invalid, or JSON that JSON.parse reads and
    // simdjson does not (1e999, integers past 64 bits, deep nesting).
    return detail::decode_frame_reference(text, limits);
  }
  detail::FrameHandler handler(limits, {});
  if (!walk(handler, root)) return handler.limit_error();
  return std::move(handler.frame());
}

}  // namespace gunpp
