// Requests: what the application asked of the mesh and waits for. A put
// waits for its first ack or its timeout; a fetch for enough keys, a quiet
// spell or its timeout; a subscription asks every peer for its soul, again
// after every new connection. Replies merge into the store (ours and those
// passed on alike). A peer that connects later is sent every request still
// waiting. Destroyed, it completes what waits (not acked; timeout).
#ifndef GUNPP_SRC_MESH_REQUESTS_HPP_
#define GUNPP_SRC_MESH_REQUESTS_HPP_

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gunpp/graph_store.hpp"
#include "gunpp/mesh.hpp"
#include "gunpp/wire/message.hpp"
#include "outbox.hpp"
#include "router.hpp"
#include "wire/message_ids.hpp"

namespace gunpp::detail {

class Requests {
 public:
  using Log = std::function<void(const std::string& line)>;

  // Everything given must outlive it; its turns and timers are `owner`'s.
  // Exceptions from the application's callbacks are counted in `stats`.
  Requests(GraphStore& store, Scheduler::OwnerId owner, MessageIds& ids,
           Router& router, Outbox& outbox, MeshStats& stats, Log log);
  ~Requests();
  Requests(const Requests&) = delete;
  Requests& operator=(const Requests&) = delete;

  // As Mesh::put, Mesh::publish_committed, Mesh::fetch, Mesh::subscribe and
  // Mesh::unsubscribe.
  Status put(Graph delta, PutOutcomeCallback done,
             std::chrono::milliseconds timeout, PutCallback merged);
  Status publish_committed(Graph delta, PutCallback done);
  Status fetch(FetchRequest request, FetchCallback done);
  SubscriptionId subscribe(std::string soul, ChangeCallback on_change);
  bool unsubscribe(SubscriptionId id);

  // Sends `peer`, new, every subscription's get and every request waiting.
  void greet(PeerId peer);

  // Merges a reply's put into the store; completes or counts toward our
  // request it answers. True when the reply was to one of ours (it goes no
  // further).
  bool take_reply(const Message& message, std::string_view text);

 private:
  struct PendingPut {
    PutOutcomeCallback done;
    Scheduler::TimerId timer;
    OutFrame::Piece message;  // sent again to peers that connect meanwhile
  };
  struct PendingFetch {
    FetchRequest request;
    FetchCallback done;
    std::size_t replies = 0;
    Scheduler::TimerId timeout = 0;
    Scheduler::TimerId settle = 0;
  };

  void merge_reply(const Message& message);
  void finish_put(const std::string& id, PutOutcome outcome);
  void check_fetch(const std::string& id);
  void finish_fetch(const std::string& id, FetchEnd why);
  void send_get(PeerId to, const std::string& id, std::string_view soul,
                const std::optional<std::string>& key);
  std::size_t keys_known(const FetchRequest& request) const;

  GraphStore* store_;
  Scheduler* scheduler_;
  Scheduler::OwnerId owner_;
  MessageIds* ids_;
  Router* router_;
  Outbox* outbox_;
  MeshStats* stats_;
  Log log_;
  std::unordered_map<std::string, PendingPut> puts_;
  std::unordered_map<std::string, PendingFetch> fetches_;
  std::unordered_map<SubscriptionId, std::string> subscriptions_;
  // Held by the store's callbacks of merged replies, weakly: they may run
  // after the mesh is gone (when the store is destroyed later).
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_MESH_REQUESTS_HPP_
