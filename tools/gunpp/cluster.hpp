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
#include <string>

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
  const ChangeFeed* feed() const { return feed_.get(); }

 private:
  void watch();
  void tick();

  PeerProcess& peer_;
  PostgresStorage& db_;
  std::unique_ptr<ChangeFeed> feed_;
  std::optional<boost::asio::posix::stream_descriptor> socket_;
  std::function<void()> on_lost_;
  bool was_connected_ = true;
  Scheduler::OwnerId owner_;
};

}  // namespace gunpp::cli

#endif  // GUNPP_TOOLS_GUNPP_CLUSTER_HPP_
