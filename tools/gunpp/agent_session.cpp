#include "agent_session.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <gunpp/wire/json_writer.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "agent_json.hpp"

namespace gunpp::cli {

namespace {

// Writes "node", "states" and "keys" for `soul` as the store holds it now;
// only `key` when given.
void write_view(JsonWriter& json, const GraphStore& store,
                std::string_view soul, const std::optional<std::string>& key) {
  const Node* node = store.get(soul);
  std::vector<std::size_t> slots;
  if (node != nullptr) {
    for (std::size_t s = 0; s < node->size(); ++s) {
      if (!key || node->key(s) == *key) slots.push_back(s);
    }
  }
  json.key("node");
  if (node == nullptr) {
    json.null();
  } else {
    json.begin_object();
    for (const std::size_t s : slots)
      json.key(node->key(s)).value(node->value(s));
    json.end_object();
  }
  json.key("states").begin_object();
  for (const std::size_t s : slots)
    json.key(node->key(s)).number(node->state(s));
  json.end_object();
  json.key("keys").number(static_cast<double>(slots.size()));
}

}  // namespace

AgentSession::AgentSession(Mesh& mesh, std::vector<std::string> peer_urls,
                           std::function<void(std::string line)> out,
                           std::function<void()> finished)
    : mesh_(&mesh),
      chain_(std::make_unique<Chain>(mesh, chain_options())),
      owner_(mesh.store().scheduler().new_owner()),
      peer_urls_(std::move(peer_urls)),
      out_(std::move(out)),
      on_finished_(std::move(finished)) {}

void AgentSession::end_input() {
  input_ended_ = true;
  finish_if_done();
}

void AgentSession::abandon() {
  input_ended_ = true;
  abandoned_ = true;
  mesh_->store().scheduler().cancel_owner(owner_);
  chain_.reset();
}

void AgentSession::answer_pending(std::string reply, bool succeeded) {
  --pending_;
  if (abandoned_) return;
  out_(std::move(reply));
  if (!succeeded) ++failures_;
  finish_if_done();
}

void AgentSession::finish_if_done() {
  if (!input_ended_ || pending_ > 0 || finished_ || abandoned_) return;
  finished_ = true;
  if (exit_id_) reply_ok(*exit_id_);
  if (on_finished_) on_finished_();
}

double AgentSession::now() const {
  return mesh_->store().scheduler().clock().now_ms();
}

void AgentSession::reply_ok(const std::string& id) {
  std::string reply;
  JsonWriter(reply)
      .begin_object()
      .key("id")
      .raw(id)
      .key("ok")
      .boolean(true)
      .end_object();
  out_(std::move(reply));
}

void AgentSession::handle(std::string_view line) {
  if (input_ended_) return;
  Command command{Json::parse(line, nullptr, /*allow_exceptions=*/false),
                  "null", now()};
  if (command.json.is_object() && command.json.contains("id")) {
    command.id = text_of(command.json["id"]);
  }
  Status status = Status::invalid_argument("a command is one JSON object");
  if (command.json.is_object()) status = dispatch(command);
  if (status.is_ok()) return;
  std::string reply;
  JsonWriter json(reply);
  json.begin_object().key("id").raw(command.id).key("ok").boolean(false);
  json.key("err").string(status.message()).end_object();
  out_(std::move(reply));
  ++failures_;
}

Status AgentSession::dispatch(const Command& command) {
  const auto op = string_member(command.json, "op");
  if (!op) return op.status();
  if (command.json.contains("path")) {
    if (*op == "put") return chain_put(command);
    if (*op == "set") return chain_set(command);
    if (*op == "once") return chain_once(command);
    if (*op == "map") return chain_map(command);
    if (*op == "on") return chain_on(command);
  }
  if (*op == "off") return chain_off(command);
  if (*op == "put") return put(command);
  if (*op == "get") return get(command);
  if (*op == "graph") return graph(command);
  if (*op == "on") return on(command);
  if (*op == "peers") return peers(command);
  if (*op == "exit") {
    exit_id_ = command.id;
    end_input();
    return Status::ok();
  }
  return Status::invalid_argument("unknown op \"" + *op + "\"");
}

Status AgentSession::put(const Command& command) {
  const auto soul = string_member(command.json, "soul");
  const auto state = number_member(command.json, "state", kAnyState);
  const auto timeout = number_member(command.json, "timeout", kMillis);
  for (const Status& s : {soul.status(), state.status(), timeout.status()}) {
    if (!s) return s;
  }
  const Json& data =
      command.json.contains("data") ? command.json["data"] : Json();
  if (!data.is_object() || data.empty()) {
    return Status::invalid_argument(
        "\"data\" must be an object with at least one key");
  }
  // Without "state", one state from the clock for every key, as GUN.js
  // stamps one chain put.
  const State st = state->has_value() ? **state : mesh_->store().next_state();
  Graph delta;
  for (const auto& [key, value] : data.items()) {
    std::optional<Value> v = gun_value(value);
    if (key.empty() || !v) {
      return Status::invalid_argument("data key \"" + key +
                                      "\": needs a name and a GUN value");
    }
    delta.add(*soul, key, std::move(*v), st);
  }
  ++pending_;
  Status status = mesh_->put(
      std::move(delta),
      [this, id = command.id,
       started = command.started_ms](const PutOutcome& o) {
        std::string reply;
        JsonWriter json(reply);
        json.begin_object().key("id").raw(id).key("ok").boolean(true);
        json.key("acked").boolean(o.acked);
        if (o.acked) json.key("ack").raw(o.ack);
        if (!o.error.is_ok()) json.key("err").string(o.error.message());
        json.key("ms").number(now() - started).end_object();
        answer_pending(std::move(reply), o.acked && o.error.is_ok());
      },
      millis(timeout->value_or(kDefaultTimeoutMs)));
  if (!status) --pending_;
  return status;
}

Status AgentSession::get(const Command& command) {
  const auto soul = string_member(command.json, "soul");
  const auto expect = number_member(command.json, "expect", kCount);
  const auto settle = number_member(command.json, "settle", kMillis);
  const auto timeout = number_member(command.json, "timeout", kMillis);
  for (const Status& s :
       {soul.status(), expect.status(), settle.status(), timeout.status()}) {
    if (!s) return s;
  }
  FetchRequest request;
  request.soul = *soul;
  if (command.json.contains("key")) {
    const auto key = string_member(command.json, "key");
    if (!key) return key.status();
    request.key = *key;
  }
  request.expect = static_cast<std::size_t>(expect->value_or(0));
  request.settle = millis(settle->value_or(0));
  request.timeout = millis(timeout->value_or(kDefaultTimeoutMs));
  // Keep asking across reconnects, as a GUN.js client does for what it read.
  mesh_->subscribe(request.soul, [](const Change&) {});
  ++pending_;
  Status status = mesh_->fetch(
      request, [this, id = command.id, started = command.started_ms,
                soul = request.soul, key = request.key](const FetchOutcome& o) {
        std::string reply;
        JsonWriter json(reply);
        json.begin_object().key("id").raw(id).key("ok").boolean(true);
        write_view(json, mesh_->store(), soul, key);
        json.key("ms").number(now() - started);
        json.key("why").string(to_string(o.why)).end_object();
        answer_pending(std::move(reply), true);
      });
  if (!status) --pending_;
  return status;
}

Status AgentSession::graph(const Command& command) {
  const auto soul = string_member(command.json, "soul");
  if (!soul) return soul.status();
  std::string reply;
  JsonWriter json(reply);
  json.begin_object().key("id").raw(command.id).key("ok").boolean(true);
  write_view(json, mesh_->store(), *soul, std::nullopt);
  json.end_object();
  out_(std::move(reply));
  return Status::ok();
}

Status AgentSession::on(const Command& command) {
  const auto soul = string_member(command.json, "soul");
  if (!soul) return soul.status();
  mesh_->subscribe(*soul, [this, sub = command.id](const Change& change) {
    std::string event;
    JsonWriter json(event);
    json.begin_object().key("event").string("update").key("sub").raw(sub);
    json.key("soul").string(change.soul).key("key").string(change.key);
    json.key("value").value(change.value).key("state").number(change.state);
    json.end_object();
    out_(std::move(event));
  });
  reply_ok(command.id);
  return Status::ok();
}

Status AgentSession::peers(const Command& command) {
  const std::vector<PeerInfo> connected = mesh_->peers();
  std::string reply;
  JsonWriter json(reply);
  json.begin_object().key("id").raw(command.id).key("ok").boolean(true);
  json.key("peers").begin_array();
  for (const std::string& url : peer_urls_) {
    bool up = false;
    for (const PeerInfo& peer : connected) up = up || peer.url == url;
    json.begin_object().key("url").string(url).key("connected").boolean(up);
    json.end_object();
  }
  json.end_array().end_object();
  out_(std::move(reply));
  return Status::ok();
}

}  // namespace gunpp::cli
