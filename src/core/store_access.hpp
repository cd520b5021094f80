// Hooks into a GraphStore for gunpp's own layers, benchmarks and tests, not
// for applications: the memory the wire layer decodes a store's puts into,
// and switching ingest to GUN.js's re-slicing to measure what the index
// cursor saves.
#ifndef GUNPP_SRC_CORE_STORE_ACCESS_HPP_
#define GUNPP_SRC_CORE_STORE_ACCESS_HPP_

#include <cstdint>
#include <memory_resource>

#include "gunpp/graph_store.hpp"

namespace gunpp::detail {

class StoreAccess {
 public:
  // The store's FieldPool: a put decoded into arrays from it (a Graph built
  // on it) hands its memory on to the store's nodes as it is applied. Only
  // on the store's thread; every such array must be freed before the store
  // is destroyed.
  static std::pmr::memory_resource* field_memory(GraphStore& store);
  // Makes ingest copy the list of a node's remaining keys every turn (GUN.js's
  // keys.slice(9)): O(n) a turn and O(n^2) a node. Only as a baseline.
  static void use_slice_baseline(GraphStore& store);
  // Key names copied by the baseline so far.
  static std::uint64_t keys_copied(const GraphStore& store);
  // Tells jobs that nodes may have moved, as an eviction will: each must
  // find its node again by soul.
  static void invalidate_nodes(GraphStore& store);
};

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_CORE_STORE_ACCESS_HPP_
