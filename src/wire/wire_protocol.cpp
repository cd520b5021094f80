#include "gunpp/wire/wire_protocol.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "ack.hpp"
#include "core/store_access.hpp"
#include "dedup.hpp"
#include "gunpp/wire/graph_json.hpp"
#include "gunpp/wire/json_writer.hpp"
#include "hashed_node_writer.hpp"
#include "message_ids.hpp"

namespace gunpp {

namespace {

// Scratch of ReplyWriter::put_reply() grown past this by one large chunk is
// freed.
constexpr std::size_t kReplyScratchKeepBytes = 64 * 1024;

// Opens {"#":id,"@":to and leaves the object open for the rest.
JsonWriter& reply_head(JsonWriter& json, std::string_view id,
                       std::string_view to) {
  return json.begin_object().key("#").string(id).key("@").string(to);
}

std::string empty_reply(std::string_view id, std::string_view to) {
  std::string out;
  JsonWriter json(out);
  reply_head(json, id, to).end_object();
  return out;
}

}  // namespace

// What a protocol's replies are written with: their ids, and the encoder
// and text kept from one get reply chunk to the next.
struct detail::ReplyWriter {
  detail::HashedNodeWriter node_writer;
  std::string node_json;

  std::string put_reply(std::string_view id, std::string_view to,
                        std::string_view soul, const Node& node,
                        std::span<const std::size_t> slots,
                        std::string_view next) {
    node_json.clear();
    const std::int32_t hash = node_writer.write(node_json, soul, node, slots);
    std::string out;
    out.reserve(96 + id.size() + to.size() + soul.size() + node_json.size() +
                next.size());
    JsonWriter json(out);
    reply_head(json, id, to).key("##").number(hash);
    json.key("put").begin_object().key(soul).raw(node_json).end_object();
    if (!next.empty()) json.key("%").string(next);
    json.end_object();
    if (node_json.capacity() > kReplyScratchKeepBytes) {
      std::string().swap(node_json);
    }
    return out;
  }
};

namespace {

std::string frame_error(const Status& status) {
  std::string out;
  JsonWriter json(out);
  json.begin_object().key("dam").string("!").key("err").string(
      status.message());
  json.end_object();
  return out;
}

}  // namespace

WireProtocol::WireProtocol(GraphStore& store, WireProtocolOptions options)
    : store_(&store),
      options_(options),
      decoder_(detail::StoreAccess::field_memory(store)),
      dedup_(std::make_unique<Dedup>(store.scheduler().clock(), options.dedup)),
      ids_(std::make_shared<MessageIds>()),
      replies_(std::make_shared<detail::ReplyWriter>()) {}

WireProtocol::~WireProtocol() = default;

Received WireProtocol::receive(std::string_view text, const Send& reply) {
  return handle_frame(decoder_.decode(text, options_.limits), reply);
}

Received WireProtocol::receive(PaddedFrame frame, const Send& reply) {
  return handle_frame(decoder_.decode(frame, options_.limits), reply);
}

Received WireProtocol::handle_frame(Result<DecodedFrame> frame,
                                    const Send& reply) {
  Received out;
  if (!frame) {
    out.frame = frame.status();
    reply(frame_error(frame.status()));
    return out;
  }
  out.skipped = frame->skipped;
  out.messages.reserve(frame->messages.size());
  for (Message& message : frame->messages) {
    if (!message.id.empty() && dedup_->check_and_insert(message.id)) {
      ++out.duplicates;
      out.messages.push_back(Status::ok());
      continue;
    }
    out.messages.push_back(handle(message, reply));
  }
  return out;
}

Status WireProtocol::handle(Message& message, const Send& reply) {
  if (message.get) answer_get(message, reply);
  if (!message.has_put) return Status::ok();
  Status status = message.error;
  if (status.is_ok()) {
    PutCallback done;
    if (!message.id.empty()) {
      done = [reply, ids = ids_, to = message.id](const Status& s,
                                                  const PutSummary&) {
        reply(detail::ack(ids->next(), to, s));
      };
    }
    status = store_->put(std::move(*message.put), std::move(done));
  }
  if (!status.is_ok() && !message.id.empty()) {
    reply(detail::ack(ids_->next(), message.id, status));
  }
  return status;
}

void WireProtocol::answer_get(const Message& message, const Send& reply) {
  const GetRequest& get = *message.get;
  if (get.soul.empty() || message.id.empty()) return;
  auto not_found = [&] {
    if (options_.reply_not_found) {
      reply(empty_reply(ids_->next(), message.id));
    }
  };
  if (get.key) {
    // One field: with storage, read alone, not with its whole node.
    std::optional<Entry> entry = store_->get(get.soul, *get.key);
    if (!entry) return not_found();
    const Node node(std::vector<Field>{
        Field{*get.key, std::move(entry->value), entry->state}});
    const std::size_t found[] = {0};
    reply(replies_->put_reply(ids_->next(), message.id, get.soul, node, found,
                              ""));
    return;
  }
  // Each chunk names the id of the next one in "%". A read whose node had to
  // be loaded first may find nothing: one empty chunk then says so.
  ChunkCallback on_chunk =
      [reply, ids = ids_, replies = replies_, to = message.id,
       id = ids_->next(),
       say_empty = options_.reply_not_found](const Chunk& chunk) mutable {
        if (chunk.slots.empty()) {
          if (say_empty) reply(empty_reply(ids->next(), to));
          return;
        }
        std::string next = chunk.last ? std::string() : ids->next();
        reply(replies->put_reply(id, to, chunk.soul, chunk.node, chunk.slots,
                                 next));
        id = std::move(next);
      };
  const Status status =
      get.lex ? store_->read(get.soul, *get.lex, get.byte_budget,
                             std::move(on_chunk), options_.fields_per_reply)
              : store_->read(get.soul, std::move(on_chunk),
                             options_.fields_per_reply);
  if (status.code() == Status::Code::kNotFound) return not_found();
  if (!status.is_ok()) reply(detail::ack(ids_->next(), message.id, status));
}

}  // namespace gunpp
