// FrameDecoder and decode_frame(): GUN wire frames parsed by simdjson, walked
// into a FrameHandler. The only file of the wire layer that sees simdjson.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "core/page_advice.hpp"
#include "frame_handler.hpp"
#include "gunpp/wire/message.hpp"

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
    case dom::element_type::STRING:
      return handler.string(e.get_string().value_unsafe());
    case dom::element_type::BOOL:
      return handler.boolean(e.get_bool().value_unsafe());
    case dom::element_type::NULL_VALUE:
    default:
      return handler.null();
  }
}

// An object or array walk() is inside.
struct Open {
  bool is_object;
  dom::array::iterator item, items_end;
  dom::object::iterator member, members_end;
};

// Calls the handler's events for `root` in document order. Iterative, with
// its own stack (`stack`, empty, kept by the caller from one frame to the
// next): nesting costs heap, never the call stack.
bool walk(detail::FrameHandler& handler, dom::element root,
          std::vector<Open>& stack) {
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
      const std::string_view key = top.member.key();
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

// A simdjson parser with what it needs for big frames. simdjson reads up to
// SIMDJSON_PADDING bytes past a document's end: text that is not known to
// have them (not a PaddedFrame) is copied into a padded buffer first. For a
// frame of megabytes, that copy and the parser's own buffers (structural
// indexes, tape, strings) are allocated here at once and advised for huge
// pages: filling hundreds of megabytes 4 KiB page fault at a time would
// otherwise cost more than parsing them.
class PaddedParser {
 public:
  simdjson::error_code parse(std::string_view text, bool padded,
                             dom::element& root) {
    if (text.size() < detail::kHugePageBytes) {
      return dom_.parse(text.data(), text.size(), !padded).get(root);
    }
    if (auto error = reserve(text.size(), !padded)) return error;
    if (padded) {
      return dom_.parse(text.data(), text.size(), /*realloc_if_needed=*/false)
          .get(root);
    }
    std::memcpy(padded_.get(), text.data(), text.size());
    std::memset(padded_.get() + text.size(), 0, simdjson::SIMDJSON_PADDING);
    return dom_.parse(padded_.get(), text.size(), /*realloc_if_needed=*/false)
        .get(root);
  }

  // Bytes of the largest document this parser can take without allocating.
  std::size_t capacity() const { return dom_.capacity(); }

 private:
  // Buffers for a text of `bytes`, and the padded copy of it when `copy`.
  simdjson::error_code reserve(std::size_t bytes, bool copy) {
    if (copy && padded_capacity_ < bytes) {
      padded_.reset(
          new (std::nothrow) char[bytes + simdjson::SIMDJSON_PADDING]);
      padded_capacity_ = padded_ ? bytes : 0;
      if (!padded_) return simdjson::MEMALLOC;
      detail::prefault(padded_.get(), bytes);
    }
    if (dom_.capacity() >= bytes && dom_.doc.capacity() >= bytes) {
      return simdjson::SUCCESS;
    }
    if (auto error = dom_.allocate(bytes)) return error;
    if (auto error = dom_.doc.allocate(bytes)) return error;
    // The parser's buffers are members simdjson 3 documents as private but
    // declares public; a change to them fails the build, not a run.
    // Each buffer is faulted in for about as many bytes as the text: what
    // a GUN message of strings and numbers fills of it.
    detail::prefault(dom_.implementation->structural_indexes.get(), bytes);
    detail::prefault(dom_.doc.tape.get(), bytes);
    detail::prefault(dom_.doc.string_buf.get(), bytes);
    return simdjson::SUCCESS;
  }

  dom::parser dom_;
  std::unique_ptr<char[]> padded_;  // big frames only
  std::size_t padded_capacity_ = 0;
};

Result<DecodedFrame> decode_with(PaddedParser& parser, std::vector<Open>& stack,
                                 std::string_view text, bool padded,
                                 const WireLimits& limits,
                                 std::pmr::memory_resource* fields) {
  dom::element root;
  if (parser.parse(text, padded, root) != simdjson::SUCCESS) {
    // Not JSON to simdjson: invalid, or JSON that JSON.parse reads and
    // simdjson does not (1e999, integers past 64 bits, deep nesting); or no
    // memory for simdjson's buffers.
    return detail::decode_frame_reference(text, limits, fields);
  }
  detail::FrameHandler handler(limits, {}, fields);
  stack.clear();
  if (!walk(handler, root, stack)) return handler.limit_error();
  return std::move(handler.frame());
}

static_assert(kFramePadding >= simdjson::SIMDJSON_PADDING);

}  // namespace

struct FrameDecoder::Parser {
  PaddedParser simd;
  std::vector<Open> walk_stack;
  int small_frames = 0;  // in a row, while the parser is large
};

FrameDecoder::FrameDecoder() : FrameDecoder(std::pmr::get_default_resource()) {}
FrameDecoder::FrameDecoder(std::pmr::memory_resource* fields)
    : fields_(fields) {}
FrameDecoder::FrameDecoder(FrameDecoder&&) noexcept = default;
FrameDecoder& FrameDecoder::operator=(FrameDecoder&&) noexcept = default;
FrameDecoder::~FrameDecoder() = default;

Result<DecodedFrame> FrameDecoder::decode(std::string_view text,
                                          const WireLimits& limits) {
  return decode_text(text, /*padded=*/false, limits);
}

Result<DecodedFrame> FrameDecoder::decode(PaddedFrame frame,
                                          const WireLimits& limits) {
  return decode_text(frame.text, /*padded=*/true, limits);
}

Result<DecodedFrame> FrameDecoder::decode_text(std::string_view text,
                                               bool padded,
                                               const WireLimits& limits) {
  // Trimming whitespace keeps a padded text padded: its end only moves in.
  if (Status s = detail::check_frame_text(text, limits, &text); !s) return s;
  if (!parser_) parser_ = std::make_unique<Parser>();
  Parser& p = *parser_;
  auto frame = decode_with(p.simd, p.walk_stack, text, padded, limits, fields_);
  if (p.simd.capacity() <= kKeepParserBytes ||
      4 * text.size() >= p.simd.capacity()) {
    p.small_frames = 0;
  } else if (++p.small_frames >= kSmallFramesToShrink) {
    p.simd = PaddedParser();
    p.small_frames = 0;
  }
  return frame;
}

Result<DecodedFrame> decode_frame(std::string_view text,
                                  const WireLimits& limits) {
  return FrameDecoder().decode(text, limits);
}

}  // namespace gunpp
