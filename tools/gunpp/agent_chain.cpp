// The agent's chain commands: put, set, once, map and on with a "path"
// (docs/network.md), and off.
#include <gunpp/chain/json.hpp>
#include <gunpp/sea/signing.hpp>
#include <map>
#include <memory>
#include <utility>

#include "agent_json.hpp"
#include "agent_session.hpp"

namespace gunpp::cli {

namespace {

constexpr double kDefaultOnceMs = 3000;
constexpr double kDefaultSettleMs = 500;
// Links a once may follow below its node.
constexpr Range kDepth{0, 32};

// The command's "path" in `chain`: an array of non-empty strings, the
// first the root soul. With a "pair" (SEA.pair()'s JSON), the path is in
// that user's space ("~pub" first) and puts on it are signed.
Result<Ref> path_member(Chain& chain, const Json& command) {
  const Json& path = command["path"];
  if (!path.is_array() || path.empty()) {
    return Status::invalid_argument("\"path\" must be a non-empty array");
  }
  for (const Json& key : path) {
    if (!key.is_string() || key.get<std::string>().empty()) {
      return Status::invalid_argument("\"path\" holds non-empty strings only");
    }
  }
  const std::string root = path[0].get<std::string>();
  Ref ref = chain.get(root);
  if (command.contains("pair")) {
    Result<sea::KeyPair> pair = sea::pair_from_json(text_of(command["pair"]));
    if (!pair) return pair.status();
    if (root != "~" + pair->pub) {
      return Status::invalid_argument(
          "with a \"pair\", the path starts at the user's soul \"~" +
          pair->pub + "\"");
    }
    ref = chain.user(pair->pub, [pair = *pair](const Graph& delta) {
      return sea::sign_delta(pair, delta);
    });
  }
  for (std::size_t i = 1; i < path.size(); ++i) {
    ref = ref.get(path[i].get<std::string>());
  }
  return ref;
}

}  // namespace

Status AgentSession::chain_put(const Command& command) {
  auto path = path_member(*chain_, command.json);
  if (!path) return path.status();
  if (!command.json.contains("data")) {
    return Status::invalid_argument("\"data\" is missing");
  }
  auto data = data_from_json(text_of(command.json["data"]));
  if (!data) {
    return Status::invalid_argument("\"data\": " + data.status().message());
  }
  const auto timeout = number_member(command.json, "timeout", kMillis);
  if (!timeout) return timeout.status();
  std::optional<std::chrono::milliseconds> wait;
  if (*timeout) wait = millis(**timeout);
  Ref ref = *path;
  const bool is_set = *string_member(command.json, "op") == "set";
  PutDone done = [this, id = command.id, is_set](const PutResult& r) {
    std::string reply;
    JsonWriter json(reply);
    json.begin_object().key("id").raw(id).key("ok").boolean(r.error.is_ok());
    if (r.error.is_ok()) {
      json.key("acked").boolean(r.acked);
      if (is_set) json.key("soul").string(r.soul);
    } else {
      json.key("err").string(r.error.message());
    }
    json.end_object();
    answer_pending(std::move(reply), r.error.is_ok());
  };
  ++pending_;
  Status status;
  if (is_set) {
    status = ref.set(std::move(*data), std::move(done), wait).status();
  } else {
    status = ref.put(std::move(*data), std::move(done), wait);
  }
  if (!status) --pending_;
  return status;
}

Status AgentSession::chain_set(const Command& command) {
  return chain_put(command);
}

Status AgentSession::chain_once(const Command& command) {
  auto path = path_member(*chain_, command.json);
  if (!path) return path.status();
  const auto timeout = number_member(command.json, "timeout", kMillis);
  const auto depth = number_member(command.json, "depth", kDepth);
  for (const Status& s : {timeout.status(), depth.status()}) {
    if (!s) return s;
  }
  Ref ref = *path;
  // The first of the answer and the command's own timeout replies.
  auto answered = std::make_shared<bool>(false);
  const auto answer = [this, id = command.id, answered](const Snapshot& s) {
    if (*answered) return;
    *answered = true;
    std::string reply;
    JsonWriter json(reply);
    json.begin_object().key("id").raw(id).key("ok").boolean(true);
    json.key("found").boolean(s.found);
    if (s.found) {
      json.key("value");
      write_snapshot(json, s);
      if (s.soul) json.key("soul").string(*s.soul);
    }
    json.end_object();
    answer_pending(std::move(reply), true);
  };
  ++pending_;
  if (Status s = ref.once(answer, static_cast<std::size_t>(depth->value_or(0)));
      !s) {
    --pending_;
    return s;
  }
  mesh_->store().scheduler().add_timer_after(
      millis(timeout->value_or(kDefaultOnceMs)),
      [answer] { answer(Snapshot{}); }, owner_);
  return Status::ok();
}

Status AgentSession::chain_map(const Command& command) {
  auto path = path_member(*chain_, command.json);
  if (!path) return path.status();
  const auto settle = number_member(command.json, "settle", kMillis);
  const auto timeout = number_member(command.json, "timeout", kMillis);
  for (const Status& s : {settle.status(), timeout.status()}) {
    if (!s) return s;
  }
  Ref ref = *path;
  // Items as they come, until `settle` passes without one (or `timeout`).
  struct Collect {
    std::map<std::string, Snapshot> items;
    std::uint64_t watch = 0;
    Scheduler::TimerId settle_timer = 0;
    bool answered = false;
  };
  auto collect = std::make_shared<Collect>();
  Scheduler& scheduler = mesh_->store().scheduler();
  const auto answer = [this, id = command.id, collect] {
    if (collect->answered) return;
    collect->answered = true;
    if (chain_) chain_->off(collect->watch);
    std::string reply;
    JsonWriter json(reply);
    json.begin_object().key("id").raw(id).key("ok").boolean(true);
    json.key("items").begin_object();
    for (const auto& [key, s] : collect->items) {
      if (!s.found) continue;
      json.key(key);
      write_snapshot(json, s);
    }
    json.end_object().end_object();
    answer_pending(std::move(reply), true);
  };
  const auto settle_after = millis(settle->value_or(kDefaultSettleMs));
  const auto restart = [&scheduler, collect, answer, settle_after,
                        owner = owner_] {
    scheduler.cancel_timer(collect->settle_timer);
    collect->settle_timer =
        scheduler.add_timer_after(settle_after, answer, owner);
  };
  ++pending_;
  collect->watch = ref.map().on([collect, restart](const Item& item) {
    if (collect->answered) return;
    collect->items[item.key] = item.snapshot;
    restart();
  });
  restart();
  scheduler.add_timer_after(millis(timeout->value_or(kDefaultOnceMs)), answer,
                            owner_);
  return Status::ok();
}

Status AgentSession::chain_on(const Command& command) {
  auto path = path_member(*chain_, command.json);
  if (!path) return path.status();
  const auto sub = string_member(command.json, "sub");
  if (!sub) return sub.status();
  if (chain_subs_.contains(*sub)) {
    return Status::invalid_argument("subscription \"" + *sub +
                                    "\" exists already");
  }
  bool mapped = false;
  if (command.json.contains("map")) {
    if (!command.json["map"].is_boolean()) {
      return Status::invalid_argument("\"map\" must be a boolean");
    }
    mapped = command.json["map"].get<bool>();
  }
  Ref ref = *path;
  if (mapped) ref = ref.map();
  chain_subs_[*sub] = ref.on([this, name = *sub](const Item& item) {
    if (abandoned_) return;
    std::string event;
    JsonWriter json(event);
    json.begin_object().key("event").string("chain").key("sub").string(name);
    json.key("key").string(item.key).key("value");
    write_snapshot(json, item.snapshot);
    json.end_object();
    out_(std::move(event));
  });
  reply_ok(command.id);
  return Status::ok();
}

Status AgentSession::chain_off(const Command& command) {
  const auto sub = string_member(command.json, "sub");
  if (!sub) return sub.status();
  auto it = chain_subs_.find(*sub);
  if (it == chain_subs_.end()) {
    return Status::not_found("no subscription \"" + *sub + "\"");
  }
  chain_->off(it->second);
  chain_subs_.erase(it);
  reply_ok(command.id);
  return Status::ok();
}

}  // namespace gunpp::cli
