#include "frame_reader.hpp"

#include <cstring>

#include "gunpp/value.hpp"
#include "gunpp/wire/message.hpp"

namespace gunpp::net {

namespace {

constexpr std::uint8_t kContinuation = 0x0;
constexpr std::uint8_t kTextOp = 0x1;
constexpr std::uint8_t kBinaryOp = 0x2;
constexpr std::uint8_t kCloseOp = 0x8;
constexpr std::uint8_t kPingOp = 0x9;
constexpr std::uint8_t kPongOp = 0xA;
constexpr std::size_t kMaxControlPayload = 125;
// A fragmented message's buffer is given back past this.
constexpr std::size_t kKeepFragmentBytes = 1024 * 1024;

FrameReader::Frame bad(std::string_view why) {
  return {FrameReader::Kind::kBad, why, 0, 0};
}

// XORs `data` with the 4-byte `key`, eight bytes at a time.
void unmask(char* data, std::size_t size, const char* key) {
  char key8[8];
  std::memcpy(key8, key, 4);
  std::memcpy(key8 + 4, key, 4);
  std::uint64_t k;
  std::memcpy(&k, key8, 8);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, data + i, 8);
    w ^= k;
    std::memcpy(data + i, &w, 8);
  }
  for (; i < size; ++i) data[i] = static_cast<char>(data[i] ^ key[i % 4]);
}

}  // namespace

FrameReader::Frame FrameReader::next(std::span<char> bytes) {
  if (!in_message_ && !fragments_.empty()) {
    fragments_.clear();
    if (fragments_.capacity() > kKeepFragmentBytes) {
      std::string().swap(fragments_);
    }
  }
  if (bytes.size() < 2) return {Kind::kNeedMore, {}, 0, 2};
  const auto b0 = static_cast<std::uint8_t>(bytes[0]);
  const auto b1 = static_cast<std::uint8_t>(bytes[1]);
  const bool fin = (b0 & 0x80) != 0;
  const std::uint8_t opcode = b0 & 0x0F;
  if ((b0 & 0x70) != 0) return bad("reserved bits set");
  if ((b1 & 0x80) == 0) return bad("unmasked frame from a client");
  std::size_t header = 2;
  std::uint64_t length = b1 & 0x7F;
  if (length == 126 || length == 127) {
    const std::size_t bytes_of_length = length == 126 ? 2 : 8;
    if (bytes.size() < header + bytes_of_length) {
      return {Kind::kNeedMore, {}, 0, header + bytes_of_length};
    }
    length = 0;
    for (std::size_t i = 0; i < bytes_of_length; ++i) {
      length = (length << 8) | static_cast<std::uint8_t>(bytes[header + i]);
    }
    if ((length >> 63) != 0) return bad("frame length with its top bit set");
    header += bytes_of_length;
  }
  header += 4;  // the masking key
  if ((opcode & 0x8) != 0) {
    if (opcode != kCloseOp && opcode != kPingOp && opcode != kPongOp) {
      return bad("unknown control opcode");
    }
    if (!fin) return bad("fragmented control frame");
    if (length > kMaxControlPayload) return bad("control frame too long");
  } else {
    if (opcode != kContinuation && opcode != kTextOp && opcode != kBinaryOp) {
      return bad("unknown data opcode");
    }
    if (opcode == kContinuation && !in_message_) {
      return bad("continuation frame with no message to continue");
    }
    if (opcode != kContinuation && in_message_) {
      return bad("new message inside a fragmented one");
    }
    const std::size_t so_far = in_message_ ? fragments_.size() : 0;
    if (length > max_message_bytes_ - so_far) return bad("message too big");
  }
  if (bytes.size() < header || bytes.size() - header < length) {
    return {Kind::kNeedMore, {}, 0, header + static_cast<std::size_t>(length)};
  }
  char* const payload_data = bytes.data() + header;
  const auto size = static_cast<std::size_t>(length);
  unmask(payload_data, size, payload_data - 4);
  const std::string_view payload(payload_data, size);
  const std::size_t used = header + size;

  switch (opcode) {
    case kCloseOp:
      if (size == 1) return bad("close frame with a one-byte payload");
      return {Kind::kClose, payload, used, 0};
    case kPingOp:
      return {Kind::kPing, payload, used, 0};
    case kPongOp:
      return {Kind::kPong, payload, used, 0};
    default:
      break;
  }
  std::string_view message = payload;
  if (opcode != kContinuation) {
    text_ = opcode == kTextOp;
    if (!fin) {
      in_message_ = true;
      fragments_.assign(payload);
      return {Kind::kPartial, {}, used, 0};
    }
  } else {
    fragments_ += payload;
    if (!fin) return {Kind::kPartial, {}, used, 0};
    in_message_ = false;
    // Readable room past the message, as for one in the bytes given.
    fragments_.reserve(fragments_.size() + kFramePadding);
    message = fragments_;
  }
  if (!text_) return {Kind::kBinary, message, used, 0};
  if (!is_valid_utf8(message)) return bad("text message is not UTF-8");
  return {Kind::kText, message, used, 0};
}

}  // namespace gunpp::net
