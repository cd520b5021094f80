// A relay's place in a cluster on one PostgreSQL database: the change feed
// of the other relays' commits, pumped by the relay's own loop (its socket
// watched by Boost.Asio, its reconnects on the scheduler's timers), merged
// into the store without being written back.
#ifndef GUNPP_TOOLS_GUNPP_CLUSTER_HPP_
#define GUNPP_TOOLS_GUNPP_CLUSTER_HPP_

#include <boost/asio.hpp>
#include <gunpp/postgres/change_feed.hpp>
#include <gunpp/postgres/postgres_storage.hpp>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "peer_process.hpp"

namespace gunpp::cli {

class ClusterFollower {
 public:
  // `peer` and `db` must outlive it.
  ClusterFollower(PeerProcess& peer, PostgresStorage& db);
  ClusterFollower(const ClusterFollower&) = delete;
  ClusterFollower& operator=(const ClusterFollower&) = delete;
  ~ClusterFollower();

  // Opens the feed at `uri` and starts following; false, with a line on
  // the log, when it cannot. `on_lost` runs if changes are ever lost (the
  // log was trimmed past the feed while it was away).
  bool start(const std::string& uri, std::function<void()> on_lost);

  // OK while the feed and the store's storage both answer.
  Status health() const;
  // The mesh's read barrier (MeshOptions::read_barrier): `proceed` runs
  // once every change committed before this call is merged into the store,
  // or at once while the change feed is down.
  void barrier(std::function<void()> proceed);
  const ChangeFeed* feed() const { return feed_.get(); }

 private:
  // Called after each call into the feed, which may have closed its
  // connection or opened another: logs the change, and waits for the
  // current connection to be readable.
  void follow();
  void tick();

  PeerProcess& peer_;
  PostgresStorage& db_;
  std::unique_ptr<ChangeFeed> feed_;
  // A duplicate of the feed's socket, ours to close: the feed's own may be
  // closed, and its number reused, before follow() learns of it.
  std::optional<boost::asio::posix::stream_descriptor> socket_;
  std::uint64_t watched_ = 0;    // the feed connection socket_ duplicates
  std::uint64_t unwatched_ = 0;  // the last one that could not be watched
  bool waiting_ = false;       // socket_ has a wait under way
  std::function<void()> on_lost_;
  bool was_connected_ = true;  // as last logged
  Scheduler::OwnerId owner_;
  // Merges under way (by number), and the barriers waiting for those
  // begun before them; shared with the merges' callbacks, which the store
  // may call after the follower is gone. A barrier waits only for earlier
  // merges, so a stream of later ones cannot hold a get back.
  struct Merges {
    std::uint64_t next = 0;
    std::set<std::uint64_t> running;
    std::vector<std::pair<std::uint64_t, std::function<void()>>> waiting;
    // Runs the barriers whose merges are all done.
    void release();
  };
  std::shared_ptr<Merges> merges_ = std::make_shared<Merges>();
};

}  // namespace gunpp::cli

#endif  // GUNPP_TOOLS_GUNPP_CLUSTER_HPP_
