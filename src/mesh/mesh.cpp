#include "gunpp/mesh.hpp"

#include <algorithm>
#include <deque>
#include <unordered_map>
#include <utility>

#include "wire/dedup.hpp"
#include "core/error_text.hpp"
#include "gunpp/wire/graph_json.hpp"
#include "gunpp/wire/json_writer.hpp"
#include "gunpp/wire/message.hpp"
#include "wire/message_ids.hpp"
#include "gunpp/wire/wire_protocol.hpp"
#include "core/guarded_call.hpp"

namespace gunpp {

namespace {

// Peers named in "><" are read from its first 99 characters, as GUN.js does.
constexpr std::size_t kViaChars = 99;
// Peers named in the "><" we add.
constexpr std::size_t kViaPeers = 7;

// `message` (a JSON object's text) with `member` (`"name":value`) added
// last, so that it wins over an earlier member of the same name.
std::string with_member(std::string_view message, std::string_view member) {
  const std::size_t close = message.rfind('}');
  std::string out(message.substr(0, close));
  const std::size_t last = out.find_last_not_of(" \t\r\n");
  if (last != std::string::npos && out[last] != '{') out += ',';
  out += member;
  out += '}';
  return out;
}

std::string string_member(std::string_view name, std::string_view value) {
  std::string out;
  JsonWriter json(out);
  json.key(name).string(value);
  return out;
}

}  // namespace

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
  void receive(PeerId from, std::string_view frame);

  Status put(Graph delta, PutOutcomeCallback done, double timeout_ms);
  Status fetch(FetchRequest request, FetchCallback done);
  SubscriptionId subscribe(std::string soul, ChangeCallback on_change);
  bool unsubscribe(SubscriptionId id);

  GraphStore& store;
  Scheduler& scheduler;
  MeshOptions options;
  std::string pid;
  std::unordered_map<PeerId, PeerInfo> info;
  MeshStats stats;

 private:
  struct Peer {
    PeerLink link;
    std::string batch;  // messages joined by ',' while a batch is open
    bool batch_open = false;
    bool closing = false;
  };
  struct Trail {
    PeerId from;
    double at;
  };
  struct PendingPut {
    PutOutcomeCallback done;
    Scheduler::TimerId timer;
    std::string message;  // sent again to peers that connect meanwhile
  };
  struct PendingFetch {
    FetchRequest request;
    FetchCallback done;
    std::size_t replies = 0;
    Scheduler::TimerId timeout = 0;
    Scheduler::TimerId settle = 0;
  };

  void log(const std::string& line) {
    detail::call_guarded(stats.callback_exceptions, options.log, line);
  }
  double now() const { return scheduler.clock().now_ms(); }

  // Sending.
  void send(PeerId to, std::string message);
  void deliver(PeerId to, Peer& peer, std::string frame);
  void flush(PeerId to);
  void heartbeat();
  std::string via_list(PeerId except) const;
  void relay(PeerId from, const Message& message, std::string_view text);

  // Receiving.
  void handle_dam(PeerId from, const Message& message);
  void handle_reply(PeerId from, const Message& message, std::string_view text);
  bool named_in_via(PeerId peer, std::string_view via) const;
  void remember_sender(const std::string& id, PeerId from);
  std::optional<PeerId> sender_of(const std::string& id);

  // Our own requests.
  void merge_reply(const Message& message);
  void finish_put(const std::string& id, PutOutcome outcome);
  void check_fetch(const std::string& id);
  void finish_fetch(const std::string& id, FetchEnd why);
  void send_get(PeerId to, const std::string& id, std::string_view soul,
                const std::optional<std::string>& key);
  std::size_t keys_known(const FetchRequest& request) const;

  const Scheduler::OwnerId owner_;
  WireProtocol protocol_;
  MessageIds ids_;
  Dedup seen_;
  Dedup passed_replies_;
  std::unordered_map<PeerId, Peer> peers_;
  PeerId last_peer_ = 0;
  std::unordered_map<std::string, Trail> trail_;
  std::deque<std::pair<std::string, double>> trail_order_;
  std::unordered_map<std::string, PendingPut> puts_;
  std::unordered_map<std::string, PendingFetch> fetches_;
  std::unordered_map<SubscriptionId, std::string> subscriptions_;
};

Mesh::Impl::Impl(GraphStore& store_in, MeshOptions options_in)
    : store(store_in),
      scheduler(store_in.scheduler()),
      options(std::move(options_in)),
      owner_(scheduler.new_owner()),
      protocol_(store_in, options.protocol),
      seen_(scheduler.clock(), options.protocol.dedup),
      passed_replies_(scheduler.clock(), options.protocol.dedup) {
  pid = options.pid.empty() ? ids_.random_id(9) : options.pid;
  if (options.heartbeat_ms > 0) {
    scheduler.add_timer(
        now() + options.heartbeat_ms, [this] { heartbeat(); }, owner_);
  }
}

Mesh::Impl::~Impl() {
  scheduler.cancel_owner(owner_);
  auto puts = std::move(puts_);
  for (auto& [id, pending] : puts) {
    detail::call_guarded(stats.callback_exceptions, pending.done,
                         PutOutcome{});
  }
  auto fetches = std::move(fetches_);
  for (auto& [id, pending] : fetches) {
    detail::call_guarded(stats.callback_exceptions, pending.done,
                         FetchOutcome{FetchEnd::kTimeout, pending.replies});
  }
}

PeerId Mesh::Impl::add_peer(PeerLink link) {
  const PeerId id = ++last_peer_;
  info[id] = PeerInfo{id, link.url, "", link.accepted};
  const bool accepted = link.accepted;
  peers_.emplace(id, Peer{std::move(link), {}, false, false});
  log("peer " + std::to_string(id) + " connected" +
      (info[id].url.empty() ? "" : " to " + info[id].url));
  if (accepted) {
    std::string hello;
    JsonWriter json(hello);
    json.begin_object().key("#").string(ids_.next());
    json.key("dam").string("?").key("pid").string(pid).end_object();
    send(id, std::move(hello));
  }
  for (const auto& [sub, soul] : subscriptions_) {
    send_get(id, ids_.next(), soul, std::nullopt);
  }
  // What our own requests still wait for goes to the newcomer too, as GUN.js
  // queues messages said before its first connection opens.
  for (const auto& [put_id, pending] : puts_) send(id, pending.message);
  for (const auto& [get_id, pending] : fetches_) {
    send_get(id, get_id, pending.request.soul, pending.request.key);
  }
  return id;
}

void Mesh::Impl::remove_peer(PeerId id) {
  if (peers_.erase(id) == 0) return;
  info.erase(id);
  log("peer " + std::to_string(id) + " disconnected");
}

void Mesh::Impl::send(PeerId to, std::string message) {
  auto it = peers_.find(to);
  if (it == peers_.end() || it->second.closing) return;
  Peer& peer = it->second;
  if (!peer.batch_open) {
    // After a quiet period the first message goes alone; the rest of this
    // turn's messages follow as one array.
    peer.batch_open = true;
    scheduler.enqueue([this, to] { flush(to); }, owner_);
    const bool is_object = !message.empty() && message.front() == '{';
    deliver(to, peer, is_object ? std::move(message) : "[" + message + "]");
    return;
  }
  if (!peer.batch.empty() &&
      peer.batch.size() + message.size() + 2 > options.batch_bytes) {
    deliver(to, peer, "[" + std::exchange(peer.batch, {}) + "]");
  }
  if (!peer.batch.empty()) peer.batch += ',';
  peer.batch += message;
}

void Mesh::Impl::flush(PeerId to) {
  auto it = peers_.find(to);
  if (it == peers_.end()) return;
  Peer& peer = it->second;
  peer.batch_open = false;
  if (peer.batch.empty() || peer.closing) return;
  deliver(to, peer, "[" + std::exchange(peer.batch, {}) + "]");
}

void Mesh::Impl::deliver(PeerId to, Peer& peer, std::string frame) {
  if (peer.closing) return;
  const std::size_t unsent = peer.link.send(std::move(frame));
  if (unsent <= options.max_unsent_bytes) return;
  peer.closing = true;
  const std::string reason = "peer " + std::to_string(to) + " has " +
                             std::to_string(unsent) +
                             " bytes unsent, more than max_unsent_bytes";
  log(reason + ": disconnecting");
  // Closed from the pump: the transport may remove the peer at once.
  scheduler.enqueue(
      [this, to, reason] {
        if (auto it = peers_.find(to); it != peers_.end()) {
          it->second.link.close(reason);
        }
      },
      owner_);
}

void Mesh::Impl::heartbeat() {
  for (auto& [id, peer] : peers_) deliver(id, peer, "[]");
  scheduler.add_timer(
      now() + options.heartbeat_ms, [this] { heartbeat(); }, owner_);
}

std::string Mesh::Impl::via_list(PeerId except) const {
  std::vector<PeerId> ids;
  for (const auto& [id, peer] : peers_) {
    if (id != except) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  if (ids.size() > kViaPeers) ids.resize(kViaPeers);
  std::string via;
  for (const PeerId id : ids) {
    const PeerInfo& p = info.at(id);
    if (!via.empty()) via += ',';
    via += !p.pid.empty() ? p.pid : !p.url.empty() ? p.url : std::to_string(id);
  }
  return via;
}

bool Mesh::Impl::named_in_via(PeerId peer, std::string_view via) const {
  via = via.substr(0, kViaChars);
  const PeerInfo& p = info.at(peer);
  std::size_t start = 0;
  while (start <= via.size()) {
    std::size_t end = via.find(',', start);
    if (end == std::string_view::npos) end = via.size();
    const std::string_view name = via.substr(start, end - start);
    if (!name.empty() && (name == p.pid || name == p.url)) return true;
    start = end + 1;
  }
  return false;
}

void Mesh::Impl::relay(PeerId from, const Message& message,
                       std::string_view text) {
  std::string out(text);
  if (!message.in_string && peers_.size() > 1) {
    out = with_member(out, string_member("><", via_list(from)));
  }
  for (auto& [id, peer] : peers_) {
    if (id == from || named_in_via(id, message.via)) continue;
    send(id, out);
  }
}

void Mesh::Impl::remember_sender(const std::string& id, PeerId from) {
  const double t = now();
  while (!trail_order_.empty() &&
         (trail_order_.front().second + options.trail_ms <= t ||
          trail_order_.size() >= options.max_trail)) {
    auto it = trail_.find(trail_order_.front().first);
    if (it != trail_.end() && it->second.at == trail_order_.front().second) {
      trail_.erase(it);
    }
    trail_order_.pop_front();
  }
  trail_[id] = Trail{from, t};
  trail_order_.emplace_back(id, t);
}

std::optional<PeerId> Mesh::Impl::sender_of(const std::string& id) {
  auto it = trail_.find(id);
  if (it == trail_.end() || it->second.at + options.trail_ms <= now()) {
    return std::nullopt;
  }
  return it->second.from;
}

void Mesh::Impl::receive(PeerId from, std::string_view text) {
  if (!peers_.contains(from)) return;
  auto frame = decode_frame(text, options.protocol.limits);
  if (!frame) {
    std::string err;
    JsonWriter json(err);
    json.begin_object().key("dam").string("!").key("err").string(
        frame.status().message());
    json.end_object();
    send(from, std::move(err));
    return;
  }
  const std::vector<std::string_view> elements = frame_elements(text);
  for (Message& message : frame->messages) {
    if (!peers_.contains(from)) return;  // closed while handling the frame
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
        own_text = with_member(raw, string_member("#", message.id));
        raw = own_text;
      }
    }
    if (seen_.check_and_insert(message.id)) continue;
    if (!message.reply_to.empty()) {
      handle_reply(from, message, raw);
      continue;
    }
    remember_sender(message.id, from);
    const Status status = protocol_.handle(
        message,
        [this, from](std::string reply) { send(from, std::move(reply)); });
    if (message.has_put && !status.is_ok()) continue;  // refused: not relayed
    if ((message.has_put || message.get) && !raw.empty()) {
      relay(from, message, raw);
    }
  }
}

void Mesh::Impl::handle_dam(PeerId from, const Message& message) {
  if (message.dam != "?") return;  // unknown dams are ignored
  if (!message.pid.empty()) info[from].pid = message.pid;
  if (!message.reply_to.empty()) return;  // an answer to our hello
  std::string answer;
  JsonWriter json(answer);
  json.begin_object().key("#").string(ids_.next()).key("@").string(message.id);
  json.key("dam").string("?").key("pid").string(pid).end_object();
  send(from, std::move(answer));
}

void Mesh::Impl::handle_reply(PeerId from, const Message& message,
                              std::string_view text) {
  merge_reply(message);
  const std::string& to = message.reply_to;
  if (auto it = puts_.find(to); it != puts_.end()) {
    PutOutcome outcome{true, std::string(text), Status::ok()};
    if (message.err) outcome.error = Status::unavailable(*message.err);
    finish_put(to, std::move(outcome));
    return;
  }
  if (fetches_.contains(to)) return;  // counted in merge_reply
  const auto sender = sender_of(to);
  if (!sender || *sender == from || text.empty()) return;
  if (message.hash) {
    const std::string key = to + '\x1f' + std::to_string(*message.hash);
    if (passed_replies_.check_and_insert(key)) return;
  }
  send(*sender, std::string(text));
}

void Mesh::Impl::merge_reply(const Message& message) {
  const std::string& to = message.reply_to;
  auto it = fetches_.find(to);
  if (it != fetches_.end()) {
    PendingFetch& fetch = it->second;
    ++fetch.replies;
    if (fetch.request.settle_ms > 0) {
      scheduler.cancel_timer(fetch.settle);
      fetch.settle = scheduler.add_timer(
          now() + fetch.request.settle_ms,
          [this, to] { finish_fetch(to, FetchEnd::kSettle); }, owner_);
    }
  }
  if (!message.put || message.put->empty()) return;
  Graph graph = *message.put;
  const Status status = store.put(
      std::move(graph),
      [this, to](const Status&, const PutSummary&) { check_fetch(to); });
  if (!status.is_ok())
    log("reply to " + to + " not merged: " + status.message());
}

void Mesh::Impl::finish_put(const std::string& id, PutOutcome outcome) {
  auto node_handle = puts_.extract(id);
  if (node_handle.empty()) return;
  PendingPut& pending = node_handle.mapped();
  scheduler.cancel_timer(pending.timer);
  detail::call_guarded(stats.callback_exceptions, pending.done, outcome);
}

std::size_t Mesh::Impl::keys_known(const FetchRequest& request) const {
  if (request.key) return store.get(request.soul, *request.key) ? 1 : 0;
  const Node* node = store.get(request.soul);
  return node == nullptr ? 0 : node->size();
}

void Mesh::Impl::check_fetch(const std::string& id) {
  auto it = fetches_.find(id);
  if (it == fetches_.end()) return;
  const FetchRequest& request = it->second.request;
  if (request.expect > 0 && keys_known(request) >= request.expect) {
    finish_fetch(id, FetchEnd::kExpect);
  }
}

void Mesh::Impl::finish_fetch(const std::string& id, FetchEnd why) {
  auto node_handle = fetches_.extract(id);
  if (node_handle.empty()) return;
  PendingFetch& fetch = node_handle.mapped();
  scheduler.cancel_timer(fetch.timeout);
  scheduler.cancel_timer(fetch.settle);
  detail::call_guarded(stats.callback_exceptions, fetch.done,
                       FetchOutcome{why, fetch.replies});
}

void Mesh::Impl::send_get(PeerId to, const std::string& id,
                          std::string_view soul,
                          const std::optional<std::string>& key) {
  std::string get;
  JsonWriter json(get);
  json.begin_object().key("#").string(id).key("get").begin_object();
  json.key("#").string(soul);
  if (key) json.key(".").string(*key);
  json.end_object().end_object();
  seen_.check_and_insert(id);  // our own message, should it come back
  send(to, std::move(get));
}

Status Mesh::Impl::put(Graph delta, PutOutcomeCallback done,
                       double timeout_ms) {
  const std::string id = ids_.next();
  std::string message;
  JsonWriter json(message);
  json.begin_object().key("#").string(id).key("put");
  write_graph(json, delta);
  json.end_object();
  if (Status s = store.put(std::move(delta)); !s) return s;
  seen_.check_and_insert(id);
  const Scheduler::TimerId timer = scheduler.add_timer(
      now() + timeout_ms, [this, id] { finish_put(id, PutOutcome{}); }, owner_);
  for (auto& [peer, unused] : peers_) send(peer, message);
  puts_.emplace(id, PendingPut{std::move(done), timer, std::move(message)});
  return Status::ok();
}

Status Mesh::Impl::fetch(FetchRequest request, FetchCallback done) {
  if (request.soul.empty()) {
    return Status::invalid_argument("fetch needs a soul");
  }
  const std::string id = ids_.next();
  PendingFetch pending{request, std::move(done)};
  pending.timeout = scheduler.add_timer(
      now() + request.timeout_ms,
      [this, id] { finish_fetch(id, FetchEnd::kTimeout); }, owner_);
  if (request.settle_ms > 0) {
    pending.settle = scheduler.add_timer(
        now() + request.settle_ms,
        [this, id] { finish_fetch(id, FetchEnd::kSettle); }, owner_);
  }
  fetches_.emplace(id, std::move(pending));
  for (auto& [peer, unused] : peers_) {
    send_get(peer, id, request.soul, request.key);
  }
  // What the store already holds may be enough.
  scheduler.enqueue([this, id] { check_fetch(id); }, owner_);
  return Status::ok();
}

SubscriptionId Mesh::Impl::subscribe(std::string soul,
                                     ChangeCallback on_change) {
  const SubscriptionId id = store.subscribe(soul, std::move(on_change));
  const std::string get_id = ids_.next();
  for (auto& [peer, unused] : peers_)
    send_get(peer, get_id, soul, std::nullopt);
  subscriptions_.emplace(id, std::move(soul));
  return id;
}

bool Mesh::Impl::unsubscribe(SubscriptionId id) {
  subscriptions_.erase(id);
  return store.unsubscribe(id);
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
  impl_->receive(peer, frame);
}

Status Mesh::put(Graph delta, PutOutcomeCallback done, double timeout_ms) {
  return impl_->put(std::move(delta), std::move(done), timeout_ms);
}

Status Mesh::write(std::string_view soul,
                   std::vector<std::pair<std::string, Value>> fields,
                   PutOutcomeCallback done, double timeout_ms) {
  Graph delta;
  const State state = impl_->store.next_state();
  for (auto& [key, value] : fields) {
    if (key.empty()) {
      return Status::invalid_argument("soul " + detail::quoted(soul) +
                                      ": empty key");
    }
    delta.add(soul, std::move(key), std::move(value), state);
  }
  return put(std::move(delta), std::move(done), timeout_ms);
}

Status Mesh::fetch(FetchRequest request, FetchCallback done) {
  return impl_->fetch(std::move(request), std::move(done));
}

SubscriptionId Mesh::subscribe(std::string soul, ChangeCallback on_change) {
  return impl_->subscribe(std::move(soul), std::move(on_change));
}

bool Mesh::unsubscribe(SubscriptionId id) { return impl_->unsubscribe(id); }

const std::string& Mesh::pid() const { return impl_->pid; }

std::vector<PeerInfo> Mesh::peers() const {
  std::vector<PeerInfo> out;
  for (const auto& [id, peer] : impl_->info) out.push_back(peer);
  std::sort(out.begin(), out.end(),
            [](const PeerInfo& a, const PeerInfo& b) { return a.id < b.id; });
  return out;
}

GraphStore& Mesh::store() const { return impl_->store; }
const MeshStats& Mesh::stats() const { return impl_->stats; }
const WireLimits& Mesh::limits() const {
  return impl_->options.protocol.limits;
}

}  // namespace gunpp
