// One on() subscription: the souls along its path watched in the store
// (and asked of the peers through the mesh), the path walked again after
// each turn that changed one of them, so a repointed link moves the watch
// to the new node. Mapped, it also watches every item's node and reads the
// mapped node a chunk per turn.
#ifndef GUNPP_SRC_CHAIN_WATCH_HPP_
#define GUNPP_SRC_CHAIN_WATCH_HPP_

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "chain_core.hpp"

namespace gunpp {

class Watch : public std::enable_shared_from_this<Watch> {
 public:
  Watch(ChainCore& core, std::vector<std::string> path, bool mapped,
        OnItem each);
  Watch(const Watch&) = delete;
  Watch& operator=(const Watch&) = delete;
  ~Watch();

  void start();
  // No callback after this; subscriptions dropped.
  void stop();

 private:
  // What the path leads to in the store now, and the souls on the way.
  struct Walked {
    std::vector<std::string> souls;
    Snapshot end;
  };
  Walked walk() const;
  // A change of a soul this watch follows (else nothing).
  void changed(const Change& change);
  // A change came: walk again at the end of this turn (once per turn).
  void touch();
  // Mapped over the store alone: one subscription to every change serves
  // the path, the mapped node and its items, instead of one per item.
  bool watches_all() const { return mapped_ && core_.mesh == nullptr; }
  void refresh();
  void watch_souls(const std::vector<std::string>& souls);
  void subscribe(const std::string& soul);
  void unsubscribe(const std::string& soul);
  // Mapped: start over on node `soul` (read a chunk per turn).
  void map_node(const std::string& soul);
  void item_changed(const std::string& key, const Value& value);
  void emit_item(const std::string& key);
  void emit(const Item& item);

  ChainCore& core_;
  const std::vector<std::string> path_;
  const bool mapped_;
  OnItem each_;
  bool stopped_ = false;
  bool touched_ = false;
  Scheduler::OwnerId owner_;

  std::map<std::string, SubscriptionId> subscriptions_;  // soul -> id
  SubscriptionId all_subscription_ = 0;
  std::vector<std::string> path_souls_;
  std::optional<Snapshot> last_;  // unmapped: what was said last

  // Mapped.
  std::string mapped_soul_;
  std::uint64_t generation_ = 0;  // bumped when the mapped node changes
  // Hashed by string_view too, so a change's soul is looked up unconverted.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const {
      return std::hash<std::string_view>{}(s);
    }
  };
  template <typename T>
  using BySoul = std::unordered_map<std::string, T, Hash, std::equal_to<>>;
  BySoul<std::string> item_soul_;            // key -> soul
  BySoul<std::set<std::string>> item_keys_;  // soul -> keys
  std::set<std::string> dirty_items_;
};

}  // namespace gunpp

#endif  // GUNPP_SRC_CHAIN_WATCH_HPP_
