#include "requests.hpp"

#include <utility>

#include "core/guarded_call.hpp"
#include "gunpp/wire/graph_json.hpp"
#include "gunpp/wire/json_writer.hpp"

namespace gunpp::detail {

Requests::Requests(GraphStore& store, Scheduler::OwnerId owner, MessageIds& ids,
                   Router& router, Outbox& outbox, MeshStats& stats, Log log)
    : store_(&store),
      scheduler_(&store.scheduler()),
      owner_(owner),
      ids_(&ids),
      router_(&router),
      outbox_(&outbox),
      stats_(&stats),
      log_(std::move(log)) {}

Requests::~Requests() {
  auto puts = std::move(puts_);
  for (auto& [id, pending] : puts) {
    call_guarded(stats_->callback_exceptions, pending.done, PutOutcome{});
  }
  auto fetches = std::move(fetches_);
  for (auto& [id, pending] : fetches) {
    call_guarded(stats_->callback_exceptions, pending.done,
                 FetchOutcome{FetchEnd::kTimeout, pending.replies});
  }
}

namespace {
std::string put_message(const std::string& id, const Graph& delta) {
  std::string message;
  JsonWriter json(message);
  json.begin_object().key("#").string(id).key("put");
  write_graph(json, delta);
  json.end_object();
  return message;
}
}  // namespace

Status Requests::put(Graph delta, PutOutcomeCallback done,
                     std::chrono::milliseconds timeout, PutCallback merged) {
  const std::string id = ids_->next();
  auto message = std::make_shared<const std::string>(put_message(id, delta));
  if (Status s = store_->put(std::move(delta), std::move(merged)); !s) {
    return s;
  }
  router_->seen(id);  // our own message, should it come back
  const Scheduler::TimerId timer = scheduler_->add_timer_after(
      timeout, [this, id] { finish_put(id, PutOutcome{}); }, owner_);
  outbox_->broadcast(message);
  puts_.emplace(id, PendingPut{std::move(done), timer, std::move(message)});
  return Status::ok();
}

Status Requests::publish_committed(Graph delta, PutCallback done) {
  const std::string id = ids_->next();
  std::string message = put_message(id, delta);
  if (Status s = store_->merge_committed(std::move(delta), std::move(done));
      !s) {
    return s;
  }
  router_->seen(id);
  outbox_->broadcast(std::make_shared<const std::string>(std::move(message)));
  return Status::ok();
}

Status Requests::fetch(FetchRequest request, FetchCallback done) {
  if (request.soul.empty()) {
    return Status::invalid_argument("fetch needs a soul");
  }
  const std::string id = ids_->next();
  PendingFetch pending{request, std::move(done)};
  pending.timeout = scheduler_->add_timer_after(
      request.timeout, [this, id] { finish_fetch(id, FetchEnd::kTimeout); },
      owner_);
  if (request.settle.count() > 0) {
    pending.settle = scheduler_->add_timer_after(
        request.settle, [this, id] { finish_fetch(id, FetchEnd::kSettle); },
        owner_);
  }
  fetches_.emplace(id, std::move(pending));
  outbox_->for_each(
      [&](PeerId peer) { send_get(peer, id, request.soul, request.key); });
  // What the store already holds may be enough.
  scheduler_->enqueue([this, id] { check_fetch(id); }, owner_);
  return Status::ok();
}

SubscriptionId Requests::subscribe(std::string soul, ChangeCallback on_change) {
  const SubscriptionId id = store_->subscribe(soul, std::move(on_change));
  const std::string get_id = ids_->next();
  outbox_->for_each(
      [&](PeerId peer) { send_get(peer, get_id, soul, std::nullopt); });
  subscriptions_.emplace(id, std::move(soul));
  return id;
}

bool Requests::unsubscribe(SubscriptionId id) {
  subscriptions_.erase(id);
  return store_->unsubscribe(id);
}

void Requests::greet(PeerId peer) {
  for (const auto& [sub, soul] : subscriptions_) {
    send_get(peer, ids_->next(), soul, std::nullopt);
  }
  // What our own requests still wait for goes to the newcomer too, as GUN.js
  // queues messages said before its first connection opens.
  for (const auto& [put_id, pending] : puts_) {
    outbox_->send(peer, pending.message);
  }
  for (const auto& [get_id, pending] : fetches_) {
    send_get(peer, get_id, pending.request.soul, pending.request.key);
  }
}

bool Requests::take_reply(const Message& message, std::string_view text) {
  merge_reply(message);
  const std::string& to = message.reply_to;
  if (puts_.contains(to)) {
    PutOutcome outcome{true, std::string(text), Status::ok()};
    if (message.err) outcome.error = Status::unavailable(*message.err);
    finish_put(to, std::move(outcome));
    return true;
  }
  return fetches_.contains(to);  // counted in merge_reply
}

void Requests::merge_reply(const Message& message) {
  const std::string& to = message.reply_to;
  auto it = fetches_.find(to);
  if (it != fetches_.end()) {
    PendingFetch& fetch = it->second;
    ++fetch.replies;
    if (fetch.request.settle.count() > 0) {
      scheduler_->cancel_timer(fetch.settle);
      fetch.settle = scheduler_->add_timer_after(
          fetch.request.settle,
          [this, to] { finish_fetch(to, FetchEnd::kSettle); }, owner_);
    }
  }
  if (!message.put || message.put->empty()) return;
  Graph graph = *message.put;
  const Status status =
      store_->put(std::move(graph), [this, alive = std::weak_ptr<bool>(alive_),
                                     to](const Status&, const PutSummary&) {
        // The store may call back while it is destroyed, after the mesh.
        if (alive.lock()) check_fetch(to);
      });
  if (!status.is_ok()) {
    log_("reply to " + to + " not merged: " + status.message());
  }
}

void Requests::finish_put(const std::string& id, PutOutcome outcome) {
  auto node_handle = puts_.extract(id);
  if (node_handle.empty()) return;
  PendingPut& pending = node_handle.mapped();
  scheduler_->cancel_timer(pending.timer);
  call_guarded(stats_->callback_exceptions, pending.done, outcome);
}

std::size_t Requests::keys_known(const FetchRequest& request) const {
  if (request.key) return store_->get(request.soul, *request.key) ? 1 : 0;
  const Node* node = store_->get(request.soul);
  return node == nullptr ? 0 : node->size();
}

void Requests::check_fetch(const std::string& id) {
  auto it = fetches_.find(id);
  if (it == fetches_.end()) return;
  const FetchRequest& request = it->second.request;
  if (request.expect > 0 && keys_known(request) >= request.expect) {
    finish_fetch(id, FetchEnd::kExpect);
  }
}

void Requests::finish_fetch(const std::string& id, FetchEnd why) {
  auto node_handle = fetches_.extract(id);
  if (node_handle.empty()) return;
  PendingFetch& fetch = node_handle.mapped();
  scheduler_->cancel_timer(fetch.timeout);
  scheduler_->cancel_timer(fetch.settle);
  call_guarded(stats_->callback_exceptions, fetch.done,
               FetchOutcome{why, fetch.replies});
}

void Requests::send_get(PeerId to, const std::string& id, std::string_view soul,
                        const std::optional<std::string>& key) {
  std::string get;
  JsonWriter json(get);
  json.begin_object().key("#").string(id).key("get").begin_object();
  json.key("#").string(soul);
  if (key) json.key(".").string(*key);
  json.end_object().end_object();
  router_->seen(id);  // our own message, should it come back
  outbox_->send(to, std::move(get));
}

}  // namespace gunpp::detail
