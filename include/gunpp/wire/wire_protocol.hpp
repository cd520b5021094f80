// WireProtocol: a GraphStore speaking GUN's wire protocol, with no sockets.
//
// Feed it the frames a peer sends; it applies puts, answers gets, acks puts,
// and hands the frames to send back to a callback. A transport (WebSocket,
// pipe, test harness) sits on top:
//
//   gunpp::WireProtocol protocol(store);
//   protocol.receive(text, [&](std::string reply) { socket.send(reply); });
//   scheduler.run_until_idle();   // puts are ingested and acked here
//
// Per message:
//  - a duplicate "#" (seen within DedupOptions bounds) is dropped;
//  - a put is validated whole and queued on the store; once every field has
//    been through HAM, the sender gets {"#":id,"@":<its #>,"ok":{"":1}}.
//    An invalid put, or one the store refuses, changes nothing and gets
//    {"#":id,"@":<its #>,"err":"<reason>"} at once. (GUN.js sends no ack for
//    a put that changed nothing, and none for an invalid one; see
//    docs/compat.md.)
//  - a get of a whole node is answered in chunks of at most fields_per_reply
//    fields plus "_", one chunk per scheduler turn, each but the last
//    carrying "%": the "#" of the next; every reply with a put carries "##",
//    GUN's hash of that put; a get of one key with one message
//    holding that field; an unknown soul or key with {"#":id,"@":<its #>}
//    and no put (when reply_not_found), as a GUN storage peer answers;
//  - acks ("@" without put) are accepted and otherwise ignored.
// A frame that is not JSON, or too big, gets {"dam":"!","err":"..."}.
//
// Thread safety: as GraphStore: the pumping thread only. The store must
// outlive the protocol; replies for puts and gets still in flight when the
// protocol is destroyed are still delivered (the callbacks own what they
// need).
#ifndef GUNPP_WIRE_PROTOCOL_HPP_
#define GUNPP_WIRE_PROTOCOL_HPP_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gunpp/graph_store.hpp"
#include "gunpp/status.hpp"
#include "gunpp/wire/message.hpp"

namespace gunpp {

class Dedup;       // the library's; src/wire/dedup.hpp
class MessageIds;  // the library's; src/wire/message_ids.hpp
namespace detail {
struct ReplyWriter;  // the library's; src/wire/wire_protocol.cpp
}  // namespace detail

struct WireProtocolOptions {
  WireLimits limits;
  DedupOptions dedup;
  // Fields per get reply; "_" takes a ninth name, as in GUN.js.
  std::size_t fields_per_reply = 8;
  // Answer gets for unknown souls or keys with an empty reply.
  bool reply_not_found = true;
};

// What receive() did with a frame.
struct Received {
  Status frame;  // not JSON, too big, too many messages; then no messages
  // One per message in the frame: OK, or why its put was refused.
  std::vector<Status> messages;
  std::size_t duplicates = 0;  // messages dropped as already seen
  std::size_t skipped = 0;     // array elements that were not messages
};

class WireProtocol {
 public:
  // Sends one frame of JSON text to the peer a reply is for.
  using Send = std::function<void(std::string frame)>;

  explicit WireProtocol(GraphStore& store, WireProtocolOptions options = {});
  WireProtocol(const WireProtocol&) = delete;
  WireProtocol& operator=(const WireProtocol&) = delete;
  ~WireProtocol();

  // Handles one incoming frame; replies go to `reply`, now or from later
  // turns (the callback is copied and kept until the last one).
  Received receive(std::string_view frame, const Send& reply);
  // The same, decoding the frame where it lies (PaddedFrame).
  Received receive(PaddedFrame frame, const Send& reply);

  // Handles one decoded message with no dedup: answers its get and applies
  // and acks its put, as receive() does. For a layer that decodes and dedups
  // itself (the mesh). Returns OK, or why its put was refused.
  Status handle(Message& message, const Send& reply);

 private:
  Received handle_frame(Result<DecodedFrame> frame, const Send& reply);
  void answer_get(const Message& message, const Send& reply);

  GraphStore* store_;
  WireProtocolOptions options_;
  FrameDecoder decoder_;
  std::unique_ptr<Dedup> dedup_;
  std::shared_ptr<MessageIds> ids_;
  // Reply ids and the encoder's scratch, shared with the chunk callbacks of
  // gets still being answered.
  std::shared_ptr<detail::ReplyWriter> replies_;
};

}  // namespace gunpp

#endif  // GUNPP_WIRE_PROTOCOL_HPP_
