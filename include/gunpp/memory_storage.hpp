// MemoryStorage: a Storage that keeps what is committed in memory.
//
//   gunpp::MemoryStorage memory;            // must outlive the store
//   gunpp::StoreOptions options;
//   options.storage = &memory;
//   gunpp::GraphStore store(scheduler, options);
//
// It keeps the Storage contract (gunpp/storage.hpp) exactly, with nothing
// on disk: a store over it loads, evicts, group-commits and acks as over a
// file, and a second store over the same MemoryStorage after the first is
// gone sees what the first committed, as a reopened file would. That makes
// it the reference engine of the storage contract tests, and a way to run
// a bounded node cache (StoreOptions::cache_bytes) over a graph that need not
// survive the process. Nothing it holds survives the process: durability()
// says kNone unless told otherwise.
//
// Errors: none of its own; every call returns OK.
//
// Thread safety: as any Storage, one GraphStore's pumping thread only.
#ifndef GUNPP_MEMORY_STORAGE_HPP_
#define GUNPP_MEMORY_STORAGE_HPP_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "gunpp/graph.hpp"
#include "gunpp/node.hpp"
#include "gunpp/status.hpp"
#include "gunpp/storage.hpp"

namespace gunpp {

class MemoryStorage final : public Storage {
 public:
  // `durability` is only what durability() reports (it changes when the
  // store commits, see Durability); a tester may ask for kPerPut.
  explicit MemoryStorage(Durability durability = Durability::kNone)
      : durability_(durability) {}

  Status load_fields(std::string_view soul, std::string_view after,
                     std::size_t limit, std::vector<Field>& fields) override;
  Status load_field(std::string_view soul, std::string_view key,
                    std::optional<Field>& field) override;
  Status load_parked(const ParkedFn& fn) override;
  Status for_each_node(const NodeFn& fn) override;
  Status commit(const WriteBatch& batch) override;
  Durability durability() const override { return durability_; }

  // What is committed: souls, fields in all, parked fields.
  std::size_t node_count() const { return nodes_.size(); }
  std::size_t field_count() const { return fields_; }
  std::size_t parked_count() const { return parked_.size(); }

 private:
  // Keys and souls in byte order: std::string compares as unsigned char.
  using Fields = std::map<std::string, std::pair<Value, State>, std::less<>>;

  std::map<std::string, Fields, std::less<>> nodes_;
  std::map<std::uint64_t, std::pair<std::string, Field>> parked_;
  std::size_t fields_ = 0;
  Durability durability_;
};

}  // namespace gunpp

#endif  // GUNPP_MEMORY_STORAGE_HPP_
