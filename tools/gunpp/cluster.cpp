#include "cluster.hpp"

#include <fcntl.h>

#include <cerrno>
#include <utility>

namespace gunpp::cli {

ClusterFollower::ClusterFollower(PeerProcess& peer, PostgresStorage& db)
    : peer_(peer), db_(db), owner_(peer.scheduler.new_owner()) {}

ClusterFollower::~ClusterFollower() { peer_.scheduler.cancel_owner(owner_); }

bool ClusterFollower::start(const std::string& uri,
                            std::function<void()> on_lost) {
  on_lost_ = std::move(on_lost);
  auto feed = ChangeFeed::open(uri, db_.origin(), [this](Graph changes) {
    const std::uint64_t number = merges_->next;
    auto merged = [number, merges = std::weak_ptr<Merges>(merges_)](
                      const Status&, const PutSummary&) {
      if (auto m = merges.lock()) {
        m->running.erase(number);
        m->release();
      }
    };
    merges_->running.insert(number);
    ++merges_->next;
    // Refused only while the store cannot take writes (its storage is
    // down, or its queue is full): the feed reads them again later.
    if (peer_.mesh.publish_committed(std::move(changes), merged).is_ok()) {
      return true;
    }
    merges_->running.erase(number);
    merges_->release();
    return false;
  });
  if (!feed) {
    *peer_.err << "gunpp: " << feed.status().message() << '\n';
    return false;
  }
  feed_ = std::move(*feed);
  tick();
  return true;
}

void ClusterFollower::follow() {
  const bool connected = feed_->connected();
  if (connected != was_connected_) {
    was_connected_ = connected;
    if (connected) {
      *peer_.err << "gunpp: change feed reconnected to " << db_.where()
                 << std::endl;
    } else {
      *peer_.err << "gunpp: change feed: " << feed_->status().message()
                 << std::endl;
    }
  }
  const bool current = connected && feed_->stats().connections == watched_;
  if (socket_ && !current) {
    socket_.reset();  // cancels its wait
    waiting_ = false;
  }
  if (!socket_ && connected) {
    boost::asio::posix::stream_descriptor socket(peer_.loop.io());
    boost::system::error_code ec;
    const int fd = ::fcntl(feed_->socket(), F_DUPFD_CLOEXEC, 0);
    if (fd < 0) {
      ec.assign(errno, boost::system::system_category());
    } else if (socket.assign(fd, ec); ec) {
      ::close(fd);
    }
    if (ec) {
      // Out of descriptors, say: tick() reads instead, and tries again.
      if (std::exchange(unwatched_, feed_->stats().connections) !=
          feed_->stats().connections) {
        *peer_.err << "gunpp: change feed: cannot watch its socket ("
                   << ec.message() << "); reading it every tick" << std::endl;
      }
      return;
    }
    socket_.emplace(std::move(socket));
    watched_ = feed_->stats().connections;
  }
  if (!socket_ || waiting_) return;
  waiting_ = true;
  socket_->async_wait(boost::asio::posix::stream_descriptor::wait_read,
                      [this](const boost::system::error_code& ec) {
                        if (ec) return;  // cancelled: socket_ or we are gone
                        waiting_ = false;
                        feed_->on_readable();
                        follow();
                      });
}

void ClusterFollower::tick() {
  const std::chrono::milliseconds next = feed_->tick();
  if (feed_->connected() && !socket_) feed_->on_readable();
  follow();
  if (feed_->lost()) {
    *peer_.err << "gunpp: change feed: the change log was trimmed past this "
                  "relay's place; its cache may be stale"
               << std::endl;
    if (on_lost_) on_lost_();
    return;
  }
  peer_.scheduler.add_timer_after(
      next, [this] { tick(); }, owner_);
}

void ClusterFollower::Merges::release() {
  const std::uint64_t oldest = running.empty() ? next : *running.begin();
  std::vector<std::function<void()>> ready;
  std::erase_if(waiting, [&](auto& w) {
    if (w.first > oldest) return false;
    ready.push_back(std::move(w.second));
    return true;
  });
  for (auto& proceed : ready) proceed();
}

void ClusterFollower::barrier(std::function<void()> proceed) {
  feed_->sync([merges = std::weak_ptr<Merges>(merges_),
               proceed = std::move(proceed)]() mutable {
    auto m = merges.lock();
    if (!m) return proceed();
    // Every merge numbered below m->next was begun before this point.
    m->waiting.emplace_back(m->next, std::move(proceed));
    m->release();
  });
  follow();
}

Status ClusterFollower::health() const {
  if (!feed_->connected()) return feed_->status();
  return peer_.store.storage_status();
}

}  // namespace gunpp::cli
