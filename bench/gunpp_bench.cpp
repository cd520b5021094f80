// gunpp_bench: the workloads that show where gunpp's time goes and how it
// scales. Names and arguments are stable so results compare across versions;
// see docs/benchmarks.md for results and how to read them.
#include <benchmark/benchmark.h>
#include <gunpp/gunpp.h>
#include <simdjson.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <gunpp/chain.hpp>
#include <gunpp/sea/signing.hpp>
#include <gunpp/sea/verifier.hpp>
#include <gunpp/sqlite_storage.hpp>
#include <gunpp/wire.hpp>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "store_access.hpp"

namespace {

constexpr double kNow = 1'700'000'000'000.0;  // every state below is past

std::string key_name(std::size_t i) { return "key" + std::to_string(i); }

// One node of n fields, numbers and strings alternating, all at one state.
gunpp::Graph node_delta(const std::string& soul, std::size_t n) {
  gunpp::Graph g;
  g.reserve(soul, n);
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 2 == 0) {
      g.add(soul, key_name(i), static_cast<double>(i), 1000);
    } else {
      g.add(soul, key_name(i), "value" + std::to_string(i), 1000);
    }
  }
  return g;
}

// A fresh store on a manual clock.
struct Bed {
  explicit Bed(gunpp::StoreOptions options = {})
      : clock(kNow), scheduler(clock), store(scheduler, options) {}
  gunpp::ManualClock clock;
  gunpp::Scheduler scheduler;
  gunpp::GraphStore store;
};

// One put of an n-field node, pumped until its callback has fired.
void ingest_one_node(benchmark::State& state, bool slice_baseline) {
  const auto n = static_cast<std::size_t>(state.range(0));
  double bytes_per_key = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto bed = std::make_unique<Bed>();
    if (slice_baseline)
      gunpp::detail::StoreAccess::use_slice_baseline(bed->store);
    gunpp::Graph delta = node_delta("node", n);
    bool done = false;
    state.ResumeTiming();
    const gunpp::Status s = bed->store.put(
        std::move(delta), [&done](const gunpp::Status&,
                                  const gunpp::PutSummary&) { done = true; });
    while (!done) bed->scheduler.poll(1);
    state.PauseTiming();
    if (!s.is_ok() || bed->store.get("node")->size() != n) {
      state.SkipWithError("ingest failed");
    }
    bytes_per_key = static_cast<double>(bed->store.memory_bytes()) / n;
    bed.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.counters["bytes_per_key"] = bytes_per_key;
}

void BM_PutOneNode(benchmark::State& state) { ingest_one_node(state, false); }
BENCHMARK(BM_PutOneNode)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);

// Many small nodes, as GUN apps mostly write them: n souls of 10 fields
// each, in puts of 500 souls (as a client batches them), all queued at once.
void BM_PutManySouls(benchmark::State& state) {
  const auto souls = static_cast<std::size_t>(state.range(0));
  constexpr std::size_t kFields = 10;
  constexpr std::size_t kSoulsPerPut = 500;
  double bytes_per_key = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto bed = std::make_unique<Bed>();
    std::vector<gunpp::Graph> puts((souls + kSoulsPerPut - 1) / kSoulsPerPut);
    for (std::size_t s = 0; s < souls; ++s) {
      const std::string soul = "user/" + std::to_string(s);
      gunpp::Graph& g = puts[s / kSoulsPerPut];
      g.reserve(soul, kFields);
      for (std::size_t f = 0; f < kFields; ++f) {
        g.add(soul, key_name(f),
              f % 2 ? gunpp::Value("value" + std::to_string(s))
                    : gunpp::Value(static_cast<double>(s)),
              1000);
      }
    }
    std::size_t done = 0;
    state.ResumeTiming();
    for (gunpp::Graph& g : puts) {
      (void)bed->store.put(
          std::move(g),
          [&done](const gunpp::Status&, const gunpp::PutSummary&) { ++done; });
    }
    bed->scheduler.run_until_idle();
    state.PauseTiming();
    if (done != puts.size() || bed->store.node_count() != souls) {
      state.SkipWithError("ingest failed");
    }
    bytes_per_key = static_cast<double>(bed->store.memory_bytes()) /
                    static_cast<double>(souls * kFields);
    bed.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(souls * kFields));
  state.counters["bytes_per_key"] = bytes_per_key;
}
BENCHMARK(BM_PutManySouls)
    ->Arg(10000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);

// The same store resuming each node the GUN.js way (copying the remaining
// key list every 9-key turn): the quadratic that the cursor removes.
void BM_PutOneNodeSliceBaseline(benchmark::State& state) {
  ingest_one_node(state, true);
}
BENCHMARK(BM_PutOneNodeSliceBaseline)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond);

// One 9-key turn while an n-key node is being ingested, from a quarter of
// the way in; the store is refilled (untimed) when the job runs low.
void BM_TurnCost(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::size_t turns = (n + 8) / 9;
  std::unique_ptr<Bed> bed;
  std::size_t left = 0;
  for (auto _ : state) {
    if (left == 0) {
      state.PauseTiming();
      bed.reset();
      bed = std::make_unique<Bed>();
      (void)bed->store.put(node_delta("node", n));
      bed->scheduler.poll(turns / 4);
      left = turns / 2;
      state.ResumeTiming();
    }
    bed->scheduler.poll(1);
    --left;
  }
  state.SetItemsProcessed(state.iterations() * 9);
}
BENCHMARK(BM_TurnCost)->Arg(1000)->Arg(1000000);

// Every turn of one n-field put into an empty store, timed: how the worst
// turn compares with the median one, and how large the node was then.
void BM_TurnWorst(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<double> turn_ns;
  double worst_ns = 0;
  std::size_t worst_node_size = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto bed = std::make_unique<Bed>();
    (void)bed->store.put(node_delta("node", n));
    turn_ns.clear();
    turn_ns.reserve(n / 9 + 1);
    state.ResumeTiming();
    for (;;) {
      const auto t0 = std::chrono::steady_clock::now();
      if (bed->scheduler.poll(1) == 0) break;
      const auto t1 = std::chrono::steady_clock::now();
      const double ns =
          std::chrono::duration<double, std::nano>(t1 - t0).count();
      turn_ns.push_back(ns);
      if (ns > worst_ns) {
        worst_ns = ns;
        worst_node_size = bed->store.get("node")->size();
      }
    }
    state.PauseTiming();
    bed.reset();
    state.ResumeTiming();
  }
  std::sort(turn_ns.begin(), turn_ns.end());
  const double p50 = turn_ns[turn_ns.size() / 2];
  state.counters["p50_turn_ns"] = p50;
  state.counters["p99_turn_ns"] = turn_ns[turn_ns.size() * 99 / 100];
  state.counters["max_turn_ns"] = worst_ns;
  state.counters["max_turn_node_size"] = static_cast<double>(worst_node_size);
  state.counters["max_over_p50"] = worst_ns / p50;
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_TurnWorst)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMillisecond);

// Each turn the scheduler runs until it is idle, timed, sorted.
std::vector<double> sorted_turn_ns(gunpp::Scheduler& scheduler) {
  std::vector<double> out;
  for (;;) {
    const auto t0 = std::chrono::steady_clock::now();
    if (scheduler.poll(1) == 0) break;
    out.push_back(std::chrono::duration<double, std::nano>(
                      std::chrono::steady_clock::now() - t0)
                      .count());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The chain's map().on() over an n-item set (each item a linked node with
// one field), against the plain put that wrote the set: every turn of each
// timed, the worst and the median. The second argument is
// ChainOptions::items_per_turn, the items the map reads a turn.
void BM_ChainMapTurns(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<double> put_ns;
  std::vector<double> map_ns;
  for (auto _ : state) {
    state.PauseTiming();
    auto bed = std::make_unique<Bed>();
    gunpp::Graph set;
    set.reserve("set", n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::string item = "item/" + std::to_string(i);
      set.add("set", item, gunpp::Link(item), 1000);
      set.add(item, "msg", "message " + std::to_string(i), 1000);
    }
    (void)bed->store.put(std::move(set));
    put_ns = sorted_turn_ns(bed->scheduler);
    gunpp::ChainOptions options;
    options.items_per_turn = static_cast<std::size_t>(state.range(1));
    gunpp::Chain gun(bed->store, options);
    std::size_t items = 0;
    gun.get("set").map().on([&items](const gunpp::Item&) { ++items; });
    state.ResumeTiming();
    map_ns = sorted_turn_ns(bed->scheduler);
    state.PauseTiming();
    if (items != n) state.SkipWithError("map().on() missed items");
    state.ResumeTiming();
  }
  state.counters["put_p50_turn_ns"] = put_ns[put_ns.size() / 2];
  state.counters["put_max_turn_ns"] = put_ns.back();
  state.counters["map_p50_turn_ns"] = map_ns[map_ns.size() / 2];
  state.counters["map_max_turn_ns"] = map_ns.back();
  state.counters["map_max_over_put_max"] = map_ns.back() / put_ns.back();
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_ChainMapTurns)
    ->Args({100000, 9})
    ->Args({100000, 256})
    ->Unit(benchmark::kMillisecond);

// The machine's floor for BM_TurnWorst: as many turns as a 1M-field put
// takes, each the same fixed work on memory that stays in the L1 cache (no
// allocation, no system call, no page fault), timed the same way. Whatever
// spread its turns show (timer interrupts, the hypervisor taking the core)
// every turn of the store shows too; BM_TurnWorst's max_over_p50 cannot be
// read below this one's.
void BM_TurnFloor(benchmark::State& state) {
  constexpr std::size_t kTurns = (1'000'000 + 8) / 9;
  constexpr std::size_t kSteps = 300;  // about one median 1M-field turn
  std::vector<std::uint64_t> table(4096);
  for (std::size_t i = 0; i < table.size(); ++i) table[i] = i * 2654435761u;
  std::vector<double> turn_ns(kTurns);
  double worst_ns = 0;
  for (auto _ : state) {
    std::uint64_t x = 0;
    for (std::size_t t = 0; t < kTurns; ++t) {
      const auto t0 = std::chrono::steady_clock::now();
      for (std::size_t i = 0; i < kSteps; ++i) {
        x = x * 6364136223846793005u + table[(x >> 20) & 4095];
      }
      benchmark::DoNotOptimize(x);
      const auto t1 = std::chrono::steady_clock::now();
      turn_ns[t] = std::chrono::duration<double, std::nano>(t1 - t0).count();
      worst_ns = std::max(worst_ns, turn_ns[t]);
    }
  }
  // As BM_TurnWorst: the worst of every run, the quantiles of the last.
  std::sort(turn_ns.begin(), turn_ns.end());
  const double p50 = turn_ns[kTurns / 2];
  state.counters["p50_turn_ns"] = p50;
  state.counters["p99_turn_ns"] = turn_ns[kTurns * 99 / 100];
  state.counters["max_turn_ns"] = worst_ns;
  state.counters["max_over_p50"] = worst_ns / p50;
}
BENCHMARK(BM_TurnFloor)->Iterations(3)->Unit(benchmark::kMillisecond);

// The floor: the same keys and values into a std::unordered_map.
void BM_HashMapFloor(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    gunpp::Graph delta = node_delta("node", n);
    auto nodes = delta.take_nodes();
    auto map =
        std::make_unique<std::unordered_map<std::string, gunpp::Value>>();
    state.ResumeTiming();
    for (gunpp::Field& f : nodes[0].fields) {
      map->insert_or_assign(std::move(f.key), std::move(f.value));
    }
    state.PauseTiming();
    map.reset();
    nodes.clear();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_HashMapFloor)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);

// P peers write a fixed total of 1,000,000 fields to 16 shared souls, with
// overlapping keys and equal states (ties), all queued at once and
// interleaved turn by turn. Reports the latency distribution of turns.
void BM_ConcurrentPeers(benchmark::State& state) {
  const auto peers = static_cast<std::size_t>(state.range(0));
  constexpr std::size_t kTotal = 1'000'000;
  constexpr std::size_t kSouls = 16;
  const std::size_t per_peer = kTotal / peers;
  std::vector<double> turn_ns;
  for (auto _ : state) {
    state.PauseTiming();
    auto bed = std::make_unique<Bed>();
    std::vector<gunpp::Graph> deltas(peers);
    for (std::size_t p = 0; p < peers; ++p) {
      for (std::size_t i = 0; i < per_peer; ++i) {
        // Peers share keys modulo a window, so they collide and tie.
        const std::size_t k = (i * 7 + p * 13) % (per_peer / 2 + 1);
        const double at = 1000 + static_cast<double>(i % 3);
        deltas[p].add("soul" + std::to_string(i % kSouls), key_name(k),
                      (i + p) % 2 ? gunpp::Value(static_cast<double>(p))
                                  : gunpp::Value("peer" + std::to_string(p)),
                      at);
      }
    }
    turn_ns.clear();
    turn_ns.reserve(kTotal / 9 + peers);
    state.ResumeTiming();
    for (auto& d : deltas) (void)bed->store.put(std::move(d));
    for (;;) {
      const auto t0 = std::chrono::steady_clock::now();
      if (bed->scheduler.poll(1) == 0) break;
      const auto t1 = std::chrono::steady_clock::now();
      turn_ns.push_back(
          std::chrono::duration<double, std::nano>(t1 - t0).count());
    }
    state.PauseTiming();
    bed.reset();
    state.ResumeTiming();
  }
  std::sort(turn_ns.begin(), turn_ns.end());
  auto pct = [&turn_ns](double q) {
    return turn_ns[static_cast<std::size_t>(q * (turn_ns.size() - 1))];
  };
  state.counters["p50_turn_ns"] = pct(0.50);
  state.counters["p99_turn_ns"] = pct(0.99);
  state.counters["max_turn_ns"] = turn_ns.back();
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(kTotal));
}
BENCHMARK(BM_ConcurrentPeers)
    ->Arg(1)
    ->Arg(8)
    ->Arg(64)
    ->Unit(benchmark::kMillisecond);

// GUN wire text of one put message holding one node of n fields.
std::string put_message(std::size_t n) {
  std::string states;
  std::string fields;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string key = "\"" + key_name(i) + "\"";
    states += (i ? "," : "") + key + ":1000";
    fields +=
        "," + key + ":" +
        (i % 2 == 0 ? std::to_string(i) : "\"value" + std::to_string(i) + "\"");
  }
  return R"({"#":"bench","put":{"node":{"_":{"#":"node",">":{)" + states +
         "}}" + fields + "}}}";
}

// From JSON text to every field applied: decode, validate, ingest, ack, as
// the mesh does it: one FrameDecoder for every frame (warm from the untimed
// first decode, as BM_DecodeFloor's parser is from its second iteration
// on), each message handed to a fresh store's WireProtocol.
void BM_WireIngest(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::string text = put_message(n);
  gunpp::FrameDecoder decoder;
  if (!decoder.decode(text)) state.SkipWithError("decode failed");
  for (auto _ : state) {
    state.PauseTiming();
    auto bed = std::make_unique<Bed>();
    auto protocol = std::make_unique<gunpp::WireProtocol>(bed->store);
    bool acked = false;
    const gunpp::WireProtocol::Send reply = [&acked](const std::string&) {
      acked = true;
    };
    state.ResumeTiming();
    {
      auto frame = decoder.decode(text);
      for (gunpp::Message& message : frame->messages) {
        (void)protocol->handle(message, reply);
      }
    }
    bed->scheduler.run_until_idle();
    state.PauseTiming();
    if (!acked || bed->store.get("node")->size() != n) {
      state.SkipWithError("wire ingest failed");
    }
    protocol.reset();
    bed.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.SetBytesProcessed(state.iterations() *
                          static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_WireIngest)
    ->Arg(1000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);

// The reference decoder (nlohmann_json's SAX interface) as a decoder.
struct ReferenceDecoder {
  gunpp::Result<gunpp::DecodedFrame> decode(std::string_view text,
                                            const gunpp::WireLimits& limits) {
    return gunpp::detail::decode_frame_reference(text, limits);
  }
};

// Decoding alone, each decoder: a FrameDecoder (simdjson, warm from the
// second iteration on, as a peer's) and the reference decoder, on the
// message BM_WireIngest applies.
template <class Decoder>
void BM_Decode(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::string text = put_message(n);
  Decoder decoder;
  for (auto _ : state) {
    auto frame = decoder.decode(text, gunpp::WireLimits{});
    if (!frame || frame->messages.at(0).put->field_count() != n) {
      state.SkipWithError("decode failed");
    }
    benchmark::DoNotOptimize(frame);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.SetBytesProcessed(state.iterations() *
                          static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_Decode<gunpp::FrameDecoder>)
    ->Name("BM_DecodeFrame")
    ->Arg(1000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Decode<ReferenceDecoder>)
    ->Name("BM_DecodeFrameReference")
    ->Arg(1000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);

// The physical floor of decoding: simdjson parses the same bytes and every
// field's key, value and state is touched (strings by length), into nothing.
void BM_DecodeFloor(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::string text = put_message(n);
  simdjson::dom::parser parser;
  for (auto _ : state) {
    simdjson::dom::element root;
    if (parser.parse(text).get(root) != simdjson::SUCCESS) {
      state.SkipWithError("parse failed");
      break;
    }
    std::size_t touched = 0;
    double sum = 0;
    const simdjson::dom::object node = root["put"]["node"];
    const simdjson::dom::object states = node["_"][">"];
    for (auto [key, value] : states) {
      touched += key.size();
      sum += value.get_double().value_unsafe();
    }
    for (auto [key, value] : node) {
      touched += key.size();
      if (value.is_string()) {
        touched += value.get_string().value_unsafe().size();
      } else if (value.is_number()) {
        sum += value.get_double().value_unsafe();
      }
    }
    benchmark::DoNotOptimize(touched);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.SetBytesProcessed(state.iterations() *
                          static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_DecodeFloor)
    ->Arg(1000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);

// A chunked read of a whole n-field node, 9 fields a turn, to the end.
void BM_GetChunks(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Bed bed;
  (void)bed.store.put(node_delta("node", n));
  bed.scheduler.run_until_idle();
  for (auto _ : state) {
    std::size_t fields = 0;
    (void)bed.store.read("node", [&fields](const gunpp::Chunk& c) {
      for (std::size_t s : c.slots) {
        benchmark::DoNotOptimize(c.node.value(s));
        ++fields;
      }
    });
    bed.scheduler.run_until_idle();
    if (fields != n) state.SkipWithError("read failed");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_GetChunks)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMicrosecond);

// A wire get of a whole n-field node, as a peer asks for it: every reply
// chunk encoded as a GUN message with its "##", to the last one.
void BM_WireGet(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Bed bed;
  (void)bed.store.put(node_delta("node", n));
  bed.scheduler.run_until_idle();
  gunpp::WireProtocol protocol(bed.store);
  std::size_t bytes = 0;
  std::size_t gets = 0;
  for (auto _ : state) {
    std::size_t replies = 0;
    // Each get needs a fresh id: the protocol drops a message id it has seen.
    const std::string text =
        R"({"#":"g)" + std::to_string(++gets) + R"(","get":{"#":"node"}})";
    protocol.receive(text, [&](const std::string& reply) {
      bytes += reply.size();
      ++replies;
    });
    bed.scheduler.run_until_idle();
    if (replies == 0) state.SkipWithError("get failed");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_WireGet)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMillisecond);

// The canonical JSON of a store holding one n-field node, as `gunpp apply`
// and `gunpp export` write it: keys in UTF-16 order, the text handed on a
// few thousand keys at a time.
void BM_EncodeCanonical(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Bed bed;
  (void)bed.store.put(node_delta("node", n));
  bed.scheduler.run_until_idle();
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string text;
    gunpp::JsonWriter json(text);
    gunpp::write_canonical_graph(json, bed.store, [&] {
      bytes += text.size();
      text.clear();
    });
    bytes += text.size();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_EncodeCanonical)
    ->Arg(1000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);

// Durable ingest through SQLite: n fields over n / 100 souls in puts of 100
// fields, 64 in flight, until every ack (which follows the commit) has come.
// range(0) is the durability: 0 none, 1 batched, 2 per put.
void BM_PutDurable(benchmark::State& state) {
  const auto durability = static_cast<gunpp::Durability>(state.range(0));
  const auto n = static_cast<std::size_t>(state.range(1));
  std::string dir =
      (std::filesystem::temp_directory_path() / "gunpp-bench-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) {
    state.SkipWithError("mkdtemp failed");
    return;
  }
  const std::string path = dir + "/bench.db";
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directory(dir);
    gunpp::SqliteOptions sqlite;
    sqlite.durability = durability;
    auto db = gunpp::SqliteStorage::open(path, sqlite);
    if (!db) {
      state.SkipWithError("cannot open the database");
      break;
    }
    gunpp::StoreOptions options;
    options.storage = db->get();
    auto bed = std::make_unique<Bed>(options);
    std::vector<gunpp::Graph> puts;
    for (std::size_t first = 0; first < n; first += 100) {
      gunpp::Graph g;
      const std::string soul = "soul" + std::to_string(first / 100);
      for (std::size_t i = first; i < std::min(n, first + 100); ++i) {
        g.add(soul, "k" + std::to_string(i), gunpp::Value("value"), 1000);
      }
      puts.push_back(std::move(g));
    }
    state.ResumeTiming();
    std::size_t acked = 0;
    std::size_t next = 0;
    while (acked < puts.size()) {
      while (next < puts.size() && bed->store.pending_jobs() < 64) {
        (void)bed->store.put(
            std::move(puts[next++]),
            [&acked](const gunpp::Status& s, const gunpp::PutSummary&) {
              if (s) ++acked;
            });
      }
      if (bed->scheduler.poll() == 0 && acked < puts.size()) {
        state.SkipWithError("a put failed");
        break;
      }
    }
    state.PauseTiming();
    bed.reset();
    db->reset();
    state.ResumeTiming();
  }
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_PutDurable)
    ->ArgsProduct({{0, 1, 2}, {1000, 100000}})
    ->UseRealTime()  // fsync waits are the point
    ->Unit(benchmark::kMillisecond);

// n fields of one user's node, each signed by the user (as a GUN.js relay
// sees a user's writes).
gunpp::Graph signed_node(const gunpp::sea::KeyPair& pair, std::size_t n) {
  std::vector<std::pair<std::string, gunpp::Value>> fields;
  for (std::size_t i = 0; i < n; ++i) {
    fields.emplace_back(key_name(i), gunpp::Value("value" + std::to_string(i)));
  }
  return *gunpp::sea::sign_graph(pair, gunpp::sea::user_soul(pair), fields,
                                 kNow - 1);
}

// SEA signature checks per second: every field of a signed node through
// SeaVerifier (envelope parse, signed text, two SHA-256, ECDSA P-256).
void BM_SeaVerify(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const gunpp::Graph delta = signed_node(gunpp::sea::generate_pair(), n);
  gunpp::sea::SeaVerifier verifier;
  for (auto _ : state) {
    if (!verifier.verify(delta, kNow)) state.SkipWithError("refused");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_SeaVerify)->Arg(1000)->Unit(benchmark::kMillisecond);

// A relay's put path for signed data, JSON in to acked: the same wire
// message of n signed fields with SEA checked (1) and not (0).
void BM_SignedWireIngest(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const bool checked = state.range(1) != 0;
  std::string text = R"({"#":"bench","put":)";
  gunpp::JsonWriter json(text);
  gunpp::write_graph(json, signed_node(gunpp::sea::generate_pair(), n));
  text += "}";
  gunpp::sea::SeaVerifier verifier;
  gunpp::StoreOptions options;
  if (checked) options.verifier = &verifier;
  for (auto _ : state) {
    state.PauseTiming();
    auto bed = std::make_unique<Bed>(options);
    gunpp::WireProtocol protocol(bed->store);
    std::string reply;
    state.ResumeTiming();
    protocol.receive(text, [&reply](const std::string& r) { reply = r; });
    bed->scheduler.run_until_idle();
    state.PauseTiming();
    if (reply.find("\"ok\"") == std::string::npos) {
      state.SkipWithError(("not acked: " + reply).c_str());
    }
    bed.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_SignedWireIngest)
    ->Args({1000, 0})
    ->Args({1000, 1})
    ->Unit(benchmark::kMillisecond);

}  // namespace

// A put/get round trip of one field, through the C ABI and through the C++
// API on the same parts (a store and a mesh with no peer): a local write,
// the turns that merge it, and a read of the field, copied out. The C
// ABI's cost is the ratio of the two. BM_RoundTripStore is the store alone,
// without the mesh a peer writes through.
void BM_RoundTripC(benchmark::State& state) {
  gunpp_options options = GUNPP_OPTIONS_INIT;
  options.verify_sea = 0;
  gunpp_peer* peer = nullptr;
  if (gunpp_open(&options, &peer) != GUNPP_OK) {
    state.SkipWithError(gunpp_last_error());
    return;
  }
  std::uint64_t i = 0;
  for (auto _ : state) {
    const gunpp_field field = {
        GUNPP_STR("n"), {GUNPP_NUMBER, 0, static_cast<double>(++i), {}}, 0};
    gunpp_write(peer, GUNPP_STR("soul"), &field, 1, nullptr, nullptr);
    gunpp_run_until_idle(peer);
    gunpp_node* node = nullptr;
    gunpp_get_field(peer, GUNPP_STR("soul"), GUNPP_STR("n"), &node);
    benchmark::DoNotOptimize(node->fields[0].value.number);
    gunpp_node_free(node);
  }
  gunpp_close(peer);
}
BENCHMARK(BM_RoundTripC);

void BM_RoundTripCxx(benchmark::State& state) {
  gunpp::Scheduler scheduler;
  gunpp::GraphStore store(scheduler);
  gunpp::Mesh mesh(store);
  std::uint64_t i = 0;
  for (auto _ : state) {
    std::vector<std::pair<std::string, gunpp::Value>> fields;
    fields.emplace_back("n", static_cast<double>(++i));
    (void)mesh.write("soul", std::move(fields), {}, std::chrono::seconds(9));
    scheduler.run_until_idle();
    benchmark::DoNotOptimize(store.get("soul", "n"));
  }
}
BENCHMARK(BM_RoundTripCxx);

void BM_RoundTripStore(benchmark::State& state) {
  gunpp::Scheduler scheduler;
  gunpp::GraphStore store(scheduler);
  std::uint64_t i = 0;
  for (auto _ : state) {
    (void)store.write("soul", {{"n", static_cast<double>(++i)}});
    scheduler.run_until_idle();
    benchmark::DoNotOptimize(store.get("soul", "n"));
  }
}
BENCHMARK(BM_RoundTripStore);

BENCHMARK_MAIN();
