// An in-memory transport for mesh tests: meshes on one scheduler and clock,
// joined by links whose frames are recorded and queued, and delivered when
// the test pumps.
#ifndef GUNPP_TESTS_MESH_MEMORY_NET_HPP_
#define GUNPP_TESTS_MESH_MEMORY_NET_HPP_

#include <catch2/catch.hpp>
#include <deque>
#include <initializer_list>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gunpp/mesh.hpp"

namespace gunpp::testing {

// One mesh peer with its own store, on a shared scheduler and clock.
struct MeshNode {
  MeshNode(Scheduler& scheduler, std::string pid, MeshOptions options)
      : store(scheduler), mesh(store, with_pid(std::move(options), pid)) {}
  static MeshOptions with_pid(MeshOptions options, std::string pid) {
    options.pid = std::move(pid);
    return options;
  }
  GraphStore store;
  Mesh mesh;
};

// Peers joined by links; every frame sent is recorded and queued.
struct Net {
  explicit Net(MeshOptions mesh_options = {})
      : options(std::move(mesh_options)) {
    this->options.log = [this](std::string_view line) {
      log.emplace_back(line);
    };
  }

  MeshNode& add(const std::string& name) {
    auto [it, inserted] = nodes.emplace(
        name, std::make_unique<MeshNode>(scheduler, name, options));
    return *it->second;
  }

  // A hub with leaves connected to it, hellos exchanged, the record cleared.
  void star(const std::string& hub, std::initializer_list<const char*> leaves) {
    add(hub);
    for (const char* leaf : leaves) {
      add(leaf);
      connect(leaf, hub);
    }
    pump();
    sent.clear();
  }

  // `dialer` connects to `acceptor`; returns the link's index.
  std::size_t connect(const std::string& dialer, const std::string& acceptor) {
    const std::size_t index = links.size();
    links.push_back(Link{dialer, acceptor, 0, 0, true});
    Link& link = links[index];
    link.acceptor_side = nodes.at(acceptor)->mesh.add_peer(
        peer_link(index, acceptor, dialer, /*accepted=*/true));
    link.dialer_side = nodes.at(dialer)->mesh.add_peer(
        peer_link(index, dialer, acceptor, /*accepted=*/false));
    return index;
  }

  void disconnect(std::size_t index) {
    Link& link = links[index];
    if (!link.open) return;
    link.open = false;
    nodes.at(link.dialer)->mesh.remove_peer(link.dialer_side);
    nodes.at(link.acceptor)->mesh.remove_peer(link.acceptor_side);
  }

  // Delivers queued frames and runs turns until nothing moves.
  void pump() {
    for (int round = 0; round < 1000; ++round) {
      scheduler.run_until_idle();
      if (queue.empty()) return;
      while (!queue.empty()) {
        Frame frame = std::move(queue.front());
        queue.pop_front();
        const Link& link = links[frame.link];
        if (!link.open) continue;
        const bool to_acceptor = frame.to == link.acceptor;
        nodes.at(frame.to)->mesh.receive(
            to_acceptor ? link.acceptor_side : link.dialer_side, frame.text);
      }
    }
    FAIL("the mesh did not settle");
  }

  // Every message `to` received from `from`, frames unpacked.
  std::vector<nlohmann::json> received(const std::string& from,
                                       const std::string& to) {
    std::vector<nlohmann::json> out;
    for (const Frame& f : sent) {
      if (f.from != from || f.to != to) continue;
      const nlohmann::json json = nlohmann::json::parse(f.text);
      if (json.is_array()) {
        for (const nlohmann::json& m : json) out.push_back(m);
      } else {
        out.push_back(json);
      }
    }
    return out;
  }
  std::vector<std::string> frames(const std::string& from,
                                  const std::string& to) {
    std::vector<std::string> out;
    for (const Frame& f : sent) {
      if (f.from == from && f.to == to) out.push_back(f.text);
    }
    return out;
  }

  struct Link {
    std::string dialer;
    std::string acceptor;
    PeerId dialer_side;
    PeerId acceptor_side;
    bool open;
  };
  struct Frame {
    std::size_t link;
    std::string from;
    std::string to;
    std::string text;
  };

  PeerLink peer_link(std::size_t index, const std::string& self,
                     const std::string& other, bool accepted) {
    PeerLink link;
    link.accepted = accepted;
    if (!accepted) link.url = "mem://" + other;
    link.send = [this, index, self, other](OutFrame out) {
      std::string frame = out.text();
      sent.push_back(Frame{index, self, other, frame});
      queue.push_back(Frame{index, self, other, std::move(frame)});
      return unsent;
    };
    link.close = [this, index](std::string_view) { disconnect(index); };
    return link;
  }

  ManualClock clock{1'000'000};
  Scheduler scheduler{clock};
  MeshOptions options;
  std::map<std::string, std::unique_ptr<MeshNode>> nodes;
  std::deque<Link> links;
  std::deque<Frame> queue;
  std::vector<Frame> sent;
  std::vector<std::string> log;
  std::size_t unsent = 0;  // what every link's send reports
};

}  // namespace gunpp::testing

#endif  // GUNPP_TESTS_MESH_MEMORY_NET_HPP_
