#include "gunpp/mesh.hpp"

#include <algorithm>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <utility>

#include "core/error_text.hpp"
#include "core/guarded_call.hpp"
#include "core/store_access.hpp"
#include "gunpp/wire/json_writer.hpp"
#include "gunpp/wire/message.hpp"
#include "gunpp/wire/wire_protocol.hpp"
#include "outbox.hpp"
#include "requests.hpp"
#include "router.hpp"
#include "wire/ack.hpp"
#include "wire/frame_handler.hpp"
#include "wire/message_ids.hpp"

namespace gunpp {

std::string_view to_string(FetchEnd end) {
  switch (end) {
    case FetchEnd::kExpect:
      return "expect";
    case FetchEnd::kSettle:
      return "settle";
    case FetchEnd::kTimeout:
      return "timeout";
  }
  return "timeout";
}

class Mesh::Impl {
 public:
  Impl(GraphStore& store, MeshOptions options);
  ~Impl();

  PeerId add_peer(PeerLink link);
  void remove_peer(PeerId id);
  void receive(PeerId from, std::string_view text, bool padded);

  GraphStore& store;
  Scheduler& scheduler;
  MeshOptions options;
  std::string pid;
  std::unordered_map<PeerId, PeerInfo> info;
  MeshStats stats;

 private:
  void log(const std::string& line) {
    detail::call_guarded(stats.callback_exceptions, options.log, line);
  }
  void relay(PeerId from, const Message& message, std::string_view text);
  void handle_dam(PeerId from, const Message& message);
  void handle_reply(PeerId from, const Message& message, std::string_view text);
  // A put or a get, not an answer: handled, acked or answered, passed on.
  void handle_request(PeerId from, Message& message, std::string_view raw);

  const Scheduler::OwnerId owner_;
  WireProtocol protocol_;  // handles what the mesh decoded and dedup'ed
  FrameDecoder decoder_;
  MessageIds ids_;
  PeerId last_peer_ = 0;
  detail::Outbox outbox_;
  // Cleared when the mesh goes: a get waiting at the read barrier then
  // stays unanswered.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

 public:
  const detail::Outbox& outbox() const { return outbox_; }

 private:
  detail::Router router_;

 public:
  // Last: destroyed first, completing what waits while the rest is whole.
  detail::Requests requests;
};

Mesh::Impl::Impl(GraphStore& store_in, MeshOptions options_in)
    : store(store_in),
      scheduler(store_in.scheduler()),
      options(std::move(options_in)),
      owner_(scheduler.new_owner()),
      protocol_(store_in, options.protocol),
      decoder_(detail::StoreAccess::field_memory(store_in)),
      outbox_(scheduler, owner_, options,
              [this](const std::string& line) { log(line); }),
      router_(scheduler.clock(), options),
      requests(store_in, owner_, ids_, router_, outbox_, stats,
               [this](const std::string& line) { log(line); }) {
  pid = options.pid.empty() ? ids_.random_id(9) : options.pid;
}

Mesh::Impl::~Impl() { scheduler.cancel_owner(owner_); }

PeerId Mesh::Impl::add_peer(PeerLink link) {
  const PeerId id = ++last_peer_;
  info[id] = PeerInfo{id, link.url, "", link.accepted};
  router_.peers_changed();
  const bool accepted = link.accepted;
  outbox_.add(id, std::move(link));
  log("peer " + std::to_string(id) + " connected" +
      (info[id].url.empty() ? "" : " to " + info[id].url));
  if (accepted) {
    std::string hello;
    JsonWriter json(hello);
    json.begin_object().key("#").string(ids_.next());
    json.key("dam").string("?").key("pid").string(pid).end_object();
    outbox_.send(id, std::move(hello));
  }
  requests.greet(id);
  return id;
}

void Mesh::Impl::remove_peer(PeerId id) {
  if (!outbox_.remove(id)) return;
  info.erase(id);
  router_.peers_changed();
  log("peer " + std::to_string(id) + " disconnected");
}

void Mesh::Impl::relay(PeerId from, const Message& message,
                       std::string_view text) {
  const auto out = std::make_shared<const std::string>(
      !message.in_string && info.size() > 1
          ? detail::with_member(text, "><", router_.via_list(info, from))
          : std::string(text));
  outbox_.broadcast(out, [&](PeerId id) {
    return id != from && (message.via.empty() || !detail::Router::named_in_via(
                                                     info.at(id), message.via));
  });
}

void Mesh::Impl::receive(PeerId from, std::string_view text, bool padded) {
  if (!outbox_.contains(from)) return;
  ++stats.frames_in;
  const WireLimits& limits = options.protocol.limits;
  auto frame = padded ? decoder_.decode(PaddedFrame{text}, limits)
                      : decoder_.decode(text, limits);
  if (!frame) {
    std::string err;
    JsonWriter json(err);
    json.begin_object().key("dam").string("!").key("err").string(
        frame.status().message());
    json.end_object();
    outbox_.send(from, std::move(err));
    return;
  }
  // An object frame is its one message's text; an array's are cut out.
  const std::string_view whole = detail::trim_json_space(text);
  std::vector<std::string_view> cut;
  if (whole.front() == '[') cut = frame_elements(whole);
  const std::span<const std::string_view> elements =
      whole.front() == '[' ? std::span<const std::string_view>(cut)
                           : std::span<const std::string_view>(&whole, 1);
  stats.messages_in += frame->messages.size();
  for (Message& message : frame->messages) {
    if (!outbox_.contains(from)) return;  // closed while handling the frame
    if (!message.dam.empty()) {
      handle_dam(from, message);
      continue;
    }
    std::string own_text;
    std::string_view raw = message.element < elements.size()
                               ? elements[message.element]
                               : std::string_view();
    if (message.id.empty()) {
      // GUN.js gives an id to a message that has none. One held in a string
      // element cannot carry it: that one is handled here, not passed on.
      message.id = ids_.next();
      if (message.in_string) {
        raw = {};
      } else {
        own_text = detail::with_string_member(raw, "#", message.id);
        raw = own_text;
      }
    }
    const detail::Router::Ticket ticket = router_.admit(message.id);
    if (ticket == nullptr) continue;
    if (!message.reply_to.empty()) {
      handle_reply(from, message, raw);
      continue;
    }
    router_.remember_sender(ticket, from);
    if (message.get && !message.has_put && options.read_barrier) {
      auto held = std::make_shared<std::pair<Message, std::string>>(
          std::move(message), std::string(raw));
      detail::call_guarded(
          stats.callback_exceptions, options.read_barrier,
          [this, from, held, alive = std::weak_ptr<bool>(alive_)] {
            if (alive.expired() || !outbox_.contains(from)) return;
            handle_request(from, held->first, held->second);
          });
      continue;
    }
    handle_request(from, message, raw);
  }
}

void Mesh::Impl::handle_request(PeerId from, Message& message,
                                std::string_view raw) {
  // The callback keeps within std::function's inline storage (two words,
  // no allocation per message): the peer (ids count up from 1, so never
  // reach the top bit) shares a word with whether the message is a put.
  const std::uint64_t to = (from << 1) | (message.has_put ? 1 : 0);
  const Status status =
      protocol_.handle(message, [this, to](std::string reply) {
        if ((to & 1) != 0) {
          const bool refused = !reply.ends_with(detail::kAckOkTail) &&
                               reply.find("\"err\"") != std::string::npos;
          ++(refused ? stats.puts_refused : stats.puts_acked);
        }
        outbox_.send(to >> 1, std::move(reply));
      });
  if (message.has_put && !status.is_ok()) return;  // refused: not relayed
  if ((message.has_put || message.get) && !raw.empty()) {
    relay(from, message, raw);
  }
}

void Mesh::Impl::handle_dam(PeerId from, const Message& message) {
  if (message.dam != "?") return;  // unknown dams are ignored
  if (!message.pid.empty() && info[from].pid != message.pid) {
    info[from].pid = message.pid;
    router_.peers_changed();
  }
  if (!message.reply_to.empty()) return;  // an answer to our hello
  std::string answer;
  JsonWriter json(answer);
  json.begin_object().key("#").string(ids_.next()).key("@").string(message.id);
  json.key("dam").string("?").key("pid").string(pid).end_object();
  outbox_.send(from, std::move(answer));
}

void Mesh::Impl::handle_reply(PeerId from, const Message& message,
                              std::string_view text) {
  if (requests.take_reply(message, text)) return;
  const std::string& to = message.reply_to;
  const auto sender = router_.sender_of(to);
  if (!sender || *sender == from || text.empty()) return;
  if (message.hash && router_.passed(to, *message.hash)) return;
  outbox_.send(*sender, std::string(text));
}

// The public API forwards to the implementation.

Mesh::Mesh(GraphStore& store, MeshOptions options)
    : impl_(std::make_unique<Impl>(store, std::move(options))) {}
Mesh::~Mesh() = default;

PeerId Mesh::add_peer(PeerLink link) {
  return impl_->add_peer(std::move(link));
}
void Mesh::remove_peer(PeerId peer) { impl_->remove_peer(peer); }
void Mesh::receive(PeerId peer, std::string_view frame) {
  impl_->receive(peer, frame, /*padded=*/false);
}

void Mesh::receive(PeerId peer, PaddedFrame frame) {
  impl_->receive(peer, frame.text, /*padded=*/true);
}

Status Mesh::put(Graph delta, PutOutcomeCallback done,
                 std::chrono::milliseconds timeout, PutCallback merged) {
  return impl_->requests.put(std::move(delta), std::move(done), timeout,
                             std::move(merged));
}

Status Mesh::write(std::string_view soul,
                   std::vector<std::pair<std::string, Value>> fields,
                   PutOutcomeCallback done, std::chrono::milliseconds timeout) {
  Graph delta;
  const State state = impl_->store.next_state();
  for (auto& [key, value] : fields) {
    if (key.empty()) {
      return Status::invalid_argument("soul " + detail::quoted(soul) +
                                      ": empty key");
    }
    delta.add(soul, std::move(key), std::move(value), state);
  }
  return put(std::move(delta), std::move(done), timeout);
}

Status Mesh::publish_committed(Graph delta, PutCallback done) {
  return impl_->requests.publish_committed(std::move(delta), std::move(done));
}

Status Mesh::fetch(FetchRequest request, FetchCallback done) {
  return impl_->requests.fetch(std::move(request), std::move(done));
}

SubscriptionId Mesh::subscribe(std::string soul, ChangeCallback on_change) {
  return impl_->requests.subscribe(std::move(soul), std::move(on_change));
}

bool Mesh::unsubscribe(SubscriptionId id) {
  return impl_->requests.unsubscribe(id);
}

const std::string& Mesh::pid() const { return impl_->pid; }

std::vector<PeerInfo> Mesh::peers() const {
  std::vector<PeerInfo> out;
  for (const auto& [id, peer] : impl_->info) out.push_back(peer);
  std::sort(out.begin(), out.end(),
            [](const PeerInfo& a, const PeerInfo& b) { return a.id < b.id; });
  return out;
}

GraphStore& Mesh::store() const { return impl_->store; }
const MeshStats& Mesh::stats() const {
  impl_->stats.frames_out = impl_->outbox().frames_out();
  impl_->stats.unsent_bytes = impl_->outbox().unsent_bytes();
  return impl_->stats;
}
const WireLimits& Mesh::limits() const {
  return impl_->options.protocol.limits;
}

}  // namespace gunpp
