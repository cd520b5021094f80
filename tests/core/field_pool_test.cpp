#include "core/field_pool.hpp"

#include <catch2/catch.hpp>
#include <cstddef>
#include <cstring>
#include <memory_resource>
#include <string>
#include <vector>

#include "core/node_writer.hpp"
#include "gunpp/graph.hpp"
#include "gunpp/node.hpp"

namespace gunpp {
namespace {

using detail::FieldPool;
using detail::NodeWriter;

constexpr std::size_t kChunk = std::size_t{2} << 20;

// Counts what it hands out, from operator new.
class CountingResource : public std::pmr::memory_resource {
 public:
  std::size_t live = 0;
  std::size_t allocations = 0;

 private:
  void* do_allocate(std::size_t bytes, std::size_t alignment) override {
    ++allocations;
    live += bytes;
    return std::pmr::new_delete_resource()->allocate(bytes, alignment);
  }
  void do_deallocate(void* p, std::size_t bytes,
                     std::size_t alignment) override {
    live -= bytes;
    std::pmr::new_delete_resource()->deallocate(p, bytes, alignment);
  }
  bool do_is_equal(const memory_resource& other) const noexcept override {
    return this == &other;
  }
};

TEST_CASE("FieldPool hands a freed array to the next one of its size",
          "[field_pool]") {
  FieldPool pool;
  void* const a = pool.allocate(800, 8);
  void* const b = pool.allocate(800, 8);
  CHECK(a != b);
  pool.deallocate(a, 800, 8);
  // Another size does not take it; its own size does, rounded to 16 bytes.
  void* const c = pool.allocate(1600, 8);
  CHECK(c != a);
  void* const d = pool.allocate(790, 8);
  CHECK(d == a);
  // Last freed, first reused.
  pool.deallocate(b, 800, 8);
  pool.deallocate(d, 790, 8);
  CHECK(pool.allocate(800, 8) == d);
  CHECK(pool.allocate(800, 8) == b);
  CHECK(pool.mapped_bytes() == kChunk);
  pool.deallocate(c, 1600, 8);
  pool.deallocate(d, 800, 8);
  pool.deallocate(b, 800, 8);
}

TEST_CASE("FieldPool leaves large and over-aligned arrays to operator new",
          "[field_pool]") {
  FieldPool pool;
  void* const large = pool.allocate(FieldPool::kMaxBytes + 1, 8);
  void* const aligned = pool.allocate(64, 64);
  CHECK(reinterpret_cast<std::uintptr_t>(aligned) % 64 == 0);
  CHECK(pool.mapped_bytes() == 0);
  void* const largest = pool.allocate(FieldPool::kMaxBytes, 16);
  CHECK(pool.mapped_bytes() == kChunk);
  pool.deallocate(large, FieldPool::kMaxBytes + 1, 8);
  pool.deallocate(aligned, 64, 64);
  pool.deallocate(largest, FieldPool::kMaxBytes, 16);
}

TEST_CASE("FieldPool arrays never overlap and keep what they hold",
          "[field_pool]") {
  FieldPool pool;
  struct Array {
    unsigned char* data;
    std::size_t bytes;
    unsigned char fill;
  };
  std::vector<Array> arrays;
  const auto add = [&](std::size_t i) {
    const std::size_t bytes = 16 + (i * 272) % FieldPool::kMaxBytes;
    auto* data = static_cast<unsigned char*>(pool.allocate(bytes, 8));
    const auto fill = static_cast<unsigned char>(i);
    std::memset(data, fill, bytes);
    arrays.push_back(Array{data, bytes, fill});
  };
  // More than a chunk holds.
  for (std::size_t i = 0; i < 2000; ++i) add(i);
  CHECK(pool.mapped_bytes() >= 2 * kChunk);
  // Every other one freed and its size asked for again.
  for (std::size_t i = 0; i < arrays.size(); i += 2) {
    pool.deallocate(arrays[i].data, arrays[i].bytes, 8);
  }
  const std::size_t mapped = pool.mapped_bytes();
  for (std::size_t i = 0; i < 2000; i += 2) {
    const std::size_t bytes = arrays[i].bytes;
    auto* data = static_cast<unsigned char*>(pool.allocate(bytes, 8));
    const auto fill = static_cast<unsigned char>(0xff - i % 256);
    std::memset(data, fill, bytes);
    arrays[i] = Array{data, bytes, fill};
  }
  CHECK(pool.mapped_bytes() == mapped);  // all from the freed ones
  std::size_t intact = 0;
  for (const Array& a : arrays) {
    std::size_t same = 0;
    for (std::size_t b = 0; b < a.bytes; ++b) same += a.data[b] == a.fill;
    intact += same == a.bytes;
  }
  CHECK(intact == arrays.size());
  for (const Array& a : arrays) pool.deallocate(a.data, a.bytes, 8);
}

TEST_CASE("FieldPool serves field arrays that hold heap strings",
          "[field_pool]") {
  FieldPool pool;
  FieldVector fields(&pool);
  const std::string longer(100, 'x');  // past the small-string buffer
  for (int i = 0; i < 60; ++i) {  // grows past kMaxBytes: then operator new
    fields.push_back(Field{longer + std::to_string(i), Value(longer), 1});
  }
  CHECK(fields.size() == 60);
  CHECK(fields[59].key == longer + "59");
  CHECK(fields[59].value.as_string() == longer);
  CHECK(pool.mapped_bytes() == kChunk);
}

TEST_CASE("A graph keeps its fields in the memory resource it was given",
          "[field_pool]") {
  CountingResource memory;
  {
    Graph graph(&memory);
    graph.add("a", "x", Value(1), 1);
    CHECK(memory.allocations == 1);
    CHECK(memory.live == sizeof(Field));

    // set_node takes the array itself, whatever its resource.
    CountingResource other;
    FieldVector fields(&other);
    fields.push_back(Field{"y", Value(2), 2});
    const Field* const array = fields.data();
    graph.set_node("b", std::move(fields));
    REQUIRE(graph.nodes().size() == 2);
    CHECK(graph.nodes()[1].fields.data() == array);
    CHECK(graph.nodes()[1].fields.get_allocator().resource() == &other);
    CHECK(graph.field_count() == 2);

    // A copy is on the default resource.
    const Graph copy = graph;
    CHECK(copy.nodes()[0].fields.get_allocator().resource() ==
          std::pmr::get_default_resource());
    CHECK(copy.nodes()[1].fields == graph.nodes()[1].fields);
    graph = Graph();
    CHECK(other.live == 0);
  }
  CHECK(memory.live == 0);
}

TEST_CASE("A node assigned from another takes its blocks", "[field_pool]") {
  FieldPool pool;
  Node placed;
  NodeWriter::place(placed, &pool);
  NodeWriter::reserve(placed, 10);
  for (int i = 0; i < 10; ++i) {
    NodeWriter::set(placed, "k" + std::to_string(i), Value(i), i);
  }
  const std::string* const first = &placed.key(0);
  Node node;  // on the default resource
  node = std::move(placed);
  REQUIRE(node.size() == 10);
  CHECK(&node.key(0) == first);
  CHECK(node.value(9) == Value(9));
  // A copy is a node of its own.
  const Node copy = node;
  CHECK(&copy.key(0) != first);
  CHECK(copy.find("k3") == std::optional<std::size_t>(3));
  // place() has no effect on a node with fields.
  CountingResource memory;
  NodeWriter::place(node, &memory);
  NodeWriter::set(node, "k10", Value(10), 10);
  CHECK(memory.allocations == 0);
}

}  // namespace
}  // namespace gunpp
