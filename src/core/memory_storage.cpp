#include "gunpp/memory_storage.hpp"

namespace gunpp {

Status MemoryStorage::load_fields(std::string_view soul, std::string_view after,
                                  std::size_t limit, std::vector<Field>& out) {
  const auto it = nodes_.find(soul);
  if (it == nodes_.end()) return Status::ok();
  const Fields& fields = it->second;
  std::size_t loaded = 0;
  for (auto f = after.empty() ? fields.begin() : fields.upper_bound(after);
       f != fields.end() && (limit == 0 || loaded < limit); ++f, ++loaded) {
    out.push_back(Field{f->first, f->second.first, f->second.second});
  }
  return Status::ok();
}

Status MemoryStorage::load_field(std::string_view soul, std::string_view key,
                                 std::optional<Field>& field) {
  field.reset();
  const auto node = nodes_.find(soul);
  if (node == nodes_.end()) return Status::ok();
  const auto f = node->second.find(key);
  if (f != node->second.end()) {
    field = Field{f->first, f->second.first, f->second.second};
  }
  return Status::ok();
}

Status MemoryStorage::load_parked(const ParkedFn& fn) {
  for (const auto& [id, parked] : parked_) fn(id, parked.first, parked.second);
  return Status::ok();
}

Status MemoryStorage::for_each_node(const NodeFn& fn) {
  for (const auto& [soul, fields] : nodes_) {
    std::vector<Field> all;
    all.reserve(fields.size());
    for (const auto& [key, entry] : fields) {
      all.push_back(Field{key, entry.first, entry.second});
    }
    fn(soul, Node(std::move(all)));
  }
  return Status::ok();
}

Status MemoryStorage::commit(const WriteBatch& batch) {
  for (const WriteBatch::Put& put : batch.puts()) {
    auto node = nodes_.find(put.soul);
    if (node == nodes_.end()) node = nodes_.emplace(put.soul, Fields()).first;
    const bool added =
        node->second
            .insert_or_assign(put.field.key,
                              std::make_pair(put.field.value, put.field.state))
            .second;
    if (added) ++fields_;
  }
  for (const WriteBatch::Park& park : batch.parks()) {
    parked_.insert_or_assign(park.id, std::make_pair(park.soul, park.field));
  }
  for (const std::uint64_t id : batch.unparks()) parked_.erase(id);
  return Status::ok();
}

}  // namespace gunpp
