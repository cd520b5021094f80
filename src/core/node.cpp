#include "gunpp/node.hpp"

// How a Node keeps its fields.
//
// Fields live in one column of records (key, value and state side by side:
// a Field) in insertion order; a field's slot never moves, because fields
// are never removed (deleting is writing null). A flat open-addressing index
// maps a key to its slot. Walking a node by slot is O(1) a step and survives
// appends, which is what the chunked read relies on.
//
// A node of up to kScanFields fields has no index: a key is found by
// comparing it with each of the node's keys, which costs less than hashing
// it, and the ten-field nodes GUN apps mostly write carry no table. The
// index is built when the node outgrows that (kScanFields keys at once, the
// one step over several keys), or up front by reserve().
//
// A record keeps together what a put reads and writes for one key: finding
// it, comparing states and values under HAM, and appending it touch one or
// two cache lines, not one in each of three columns.
//
// No append costs O(size): the column is cut into blocks that never move
// once full (the first one inside the Node, so that a small node is one
// allocation and reaching a record one load less), and the index grows
// incrementally (SlotIndex). The first block grows by doubling up to
// kBlockFields slots, or is sized once by reserve() for a node put whole; every
// later block has kBlockFields slots. So a turn that adds fields to a node of
// millions costs what it costs in a node of thousands, plus cache misses.

#include <algorithm>
#include <memory>

#include "page_advice.hpp"
#include "slot_index.hpp"

namespace gunpp {

namespace {
constexpr std::uint32_t kNone = detail::SlotIndex::kNone;
}  // namespace

Node::Node() = default;
Node::Node(Node&& other) noexcept = default;
Node::~Node() = default;

// Constructed anew, not assigned member by member: the node takes the
// other's blocks whatever memory they are in, where an assignment between
// blocks of two resources would move the fields one by one.
Node& Node::operator=(Node&& other) noexcept {
  if (this != &other) {
    std::destroy_at(this);
    std::construct_at(this, std::move(other));
  }
  return *this;
}

Node::Node(std::vector<Field> fields) {
  reserve(fields.size());
  for (Field& f : fields) set(std::move(f.key), std::move(f.value), f.state);
}

Node::Node(const Node& other)
    : first_(other.first_),
      more_(other.more_),
      size_(other.size_),
      first_block_fields_(other.first_block_fields_),
      index_(other.index_ ? std::make_unique<detail::SlotIndex>(*other.index_)
                          : nullptr) {}

Node& Node::operator=(const Node& other) {
  if (this != &other) *this = Node(other);
  return *this;
}

std::optional<std::size_t> Node::find(std::string_view key) const {
  const std::uint32_t slot =
      indexed() ? index_->find(key,
                               [this](std::uint32_t s) -> const std::string& {
                                 return this->key(s);
                               })
                : scan(key);
  if (slot == kNone) return std::nullopt;
  return slot;
}

State Node::state_of(std::string_view key) const {
  const auto slot = find(key);
  return slot ? state(*slot) : kNoState;
}

std::size_t Node::set(std::string key, Value value, State state) {
  const auto [slot, inserted] =
      try_emplace(std::move(key), std::move(value), state, Hint());
  if (!inserted) assign(slot, std::move(value), state);
  return slot;
}

std::pair<std::size_t, bool> Node::try_emplace(std::string&& key, Value&& value,
                                               State state, Hint hint) {
  const auto next = static_cast<std::uint32_t>(size_);
  if (!indexed() && size_ == kScanFields) build_index();
  const std::uint32_t slot =
      indexed()
          ? index_->find_or_insert(
                key, hint.hashed ? hint.hash : detail::SlotIndex::hash(key),
                next,
                [this](std::uint32_t s) -> const std::string& {
                  return this->key(s);
                })
          : scan(key);
  if (slot != next && slot != kNone) return {slot, false};
  Block& last = block_for_append();
  if (last.size() % kPopulateSlots == 0 && last.capacity() >= kPopulateSlots) {
    populate_window(last);
  }
  last.push_back(Field{std::move(key), std::move(value), state});
  ++size_;
  return {next, true};
}

void Node::reserve(std::size_t fields) {
  if (size_ != 0 || fields == 0) return;
  first_block_fields_ = std::max(fields, kBlockFields);
  first_.reserve(fields);
  // A column of megabytes: a 2 MiB page's fault every few thousand turns,
  // and few TLB misses, instead of a 4 KiB fault every few turns.
  detail::advise_huge_pages(first_.data(), fields * sizeof(Field));
  if (fields > kScanFields) {
    auto index = std::make_unique<detail::SlotIndex>();
    index->reserve(fields, detail::SlotIndex::Fill::kStaged);
    index_ = std::move(index);
  }
}

void Node::place(std::pmr::memory_resource* memory) {
  if (size_ != 0) return;
  std::destroy_at(&first_);
  std::construct_at(&first_, memory);
}

std::uint32_t Node::scan(std::string_view key) const {
  // Up to kScanFields fields: all in the first block.
  for (std::size_t s = 0; s < first_.size(); ++s) {
    if (detail::same_key(first_[s].key, key)) {
      return static_cast<std::uint32_t>(s);
    }
  }
  return kNone;
}

void Node::build_index() {
  auto index = std::make_unique<detail::SlotIndex>();
  index->reserve(size_ + 1);
  for (std::size_t s = 0; s < first_.size(); ++s) {
    index->find_or_insert(first_[s].key, static_cast<std::uint32_t>(s),
                          [this](std::uint32_t t) -> const std::string& {
                            return first_[t].key;
                          });
  }
  index_ = std::move(index);
}

void Node::populate_window(const Block& b) {
  const std::size_t n = std::min(kPopulateSlots, b.capacity() - b.size());
  const Field* const spare = b.data() + b.size();
  detail::populate_pages(spare, n * sizeof(Field));
  detail::touch_pages(spare, n * sizeof(Field));
}

Node::Block& Node::block_for_append() {
  if (size_ < first_block_fields_) {
    // Only a first block reserved short (or a copied node's) fills up
    // before its end. It doubles, but never past its slot count.
    if (first_.size() == first_.capacity()) {
      first_.reserve(std::min(std::max<std::size_t>(2 * first_.capacity(), 1),
                              first_block_fields_));
    }
    return first_;
  }
  if ((size_ - first_block_fields_) % kBlockFields == 0) {
    // Full-size: never grows.
    more_.emplace_back(first_.get_allocator()).reserve(kBlockFields);
  }
  return more_.back();
}

void Node::assign(std::size_t slot, Value value, State state) {
  Field& field = record(slot);
  field.value = std::move(value);
  field.state = state;
}

std::size_t Node::memory_bytes() const {
  std::size_t bytes = sizeof(Node) + more_.capacity() * sizeof(Block);
  if (indexed()) {
    bytes +=
        sizeof(detail::SlotIndex) + index_->capacity() * sizeof(std::uint64_t);
  }
  // Strings longer than the small-string buffer own a heap block.
  auto heap = [](const std::string& s) {
    return s.capacity() > std::string().capacity() ? s.capacity() + 1 : 0;
  };
  const auto block_bytes = [&heap](const Block& b) {
    std::size_t sum = b.capacity() * sizeof(Field);
    for (const Field& f : b) {
      sum += heap(f.key) + f.value.heap_bytes();
    }
    return sum;
  };
  bytes += block_bytes(first_);
  for (const Block& b : more_) bytes += block_bytes(b);
  return bytes;
}

}  // namespace gunpp
