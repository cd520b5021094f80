// Times durable ingest into a SQLite-backed store, then a reopen.
//
// Usage: gunpp_durable --db FILE [--fields N] [--souls S] [--put-fields P]
//                      [--durability none|batched|per-put] [--cache-mib M]
//                      [--in-flight K]
//
// Writes N fields spread over S souls, in puts of P fields of one soul each
// (as bench/storage/rad.js writes them to GUN.js; string values of 15
// bytes, states in the past), keeping K puts in flight; each put is timed
// from put() to its ack, which comes after the commit that holds it. Then
// closes the store, opens the file again and times the first get of one
// field. Prints one JSON line:
//   {"fields", "seconds", "acked_fields_per_s", "ack_p50_ms", "ack_p99_ms",
//    "commits", "evictions", "node_loads", "peak_rss_mib",
//    "reopen_first_get_ms"}
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <gunpp/gunpp.hpp>
#include <gunpp/sqlite_storage.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "peak_rss.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

struct Args {
  std::string db;
  std::size_t fields = 1'000'000;
  std::size_t souls = 10'000;
  std::size_t put_fields = 100;
  std::size_t in_flight = 64;
  std::size_t cache_mib = 0;
  gunpp::Durability durability = gunpp::Durability::kBatched;
};

bool parse(int argc, char** argv, Args& args) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--db") {
      args.db = value;
    } else if (flag == "--fields") {
      args.fields = std::stoull(value);
    } else if (flag == "--souls") {
      args.souls = std::stoull(value);
    } else if (flag == "--put-fields") {
      args.put_fields = std::stoull(value);
    } else if (flag == "--in-flight") {
      args.in_flight = std::stoull(value);
    } else if (flag == "--cache-mib") {
      args.cache_mib = std::stoull(value);
    } else if (flag == "--durability") {
      if (value == "none") {
        args.durability = gunpp::Durability::kNone;
      } else if (value == "per-put") {
        args.durability = gunpp::Durability::kPerPut;
      } else if (value != "batched") {
        return false;
      }
    } else {
      return false;
    }
  }
  return (argc % 2) == 1 && !args.db.empty() && args.souls > 0 &&
         args.put_fields > 0 && args.in_flight > 0;
}

// Put number `p`: P fields of soul p % S, keys k<(p / S) * P + j>, value
// "value-<100000000 + p * P + j>"; the last put may be shorter.
gunpp::Graph put_number(const Args& args, std::size_t p) {
  gunpp::Graph g;
  const std::string soul = "soul" + std::to_string(p % args.souls);
  const std::size_t first_key = (p / args.souls) * args.put_fields;
  const std::size_t n =
      std::min(args.put_fields, args.fields - p * args.put_fields);
  for (std::size_t j = 0; j < n; ++j) {
    g.add(soul, "k" + std::to_string(first_key + j),
          gunpp::Value("value-" +
                       std::to_string(100000000 + p * args.put_fields + j)),
          1e12);
  }
  return g;
}

// A store on the file at `path`: the storage, the pump and the store, in
// the order they must be destroyed in reverse.
struct Peer {
  std::unique_ptr<gunpp::SqliteStorage> db;
  gunpp::Scheduler scheduler{gunpp::SystemClock::instance()};
  std::unique_ptr<gunpp::GraphStore> store;

  // nullptr, with the reason on stderr, when the file cannot be opened.
  static std::unique_ptr<Peer> open(const std::string& path,
                                    const gunpp::SqliteOptions& sqlite,
                                    std::size_t cache_bytes) {
    auto peer = std::make_unique<Peer>();
    auto db = gunpp::SqliteStorage::open(path, sqlite);
    if (!db) {
      std::cerr << db.status().message() << "\n";
      return nullptr;
    }
    peer->db = std::move(*db);
    gunpp::StoreOptions options;
    options.storage = peer->db.get();
    options.cache_bytes = cache_bytes;
    peer->store = std::make_unique<gunpp::GraphStore>(peer->scheduler, options);
    return peer;
  }
};

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parse(argc, argv, args)) {
    std::cerr << "usage: gunpp_durable --db FILE [--fields N] [--souls S] "
                 "[--put-fields P] [--durability none|batched|per-put] "
                 "[--cache-mib M] [--in-flight K]\n";
    return 2;
  }
  std::remove(args.db.c_str());
  gunpp::SqliteOptions sqlite;
  sqlite.durability = args.durability;
  std::vector<double> latencies;
  std::size_t acked = 0;
  double seconds = 0;
  gunpp::Stats stats;
  {
    const auto peer = Peer::open(args.db, sqlite, args.cache_mib << 20);
    if (!peer) return 1;
    gunpp::GraphStore& store = *peer->store;
    const std::size_t puts =
        (args.fields + args.put_fields - 1) / args.put_fields;
    latencies.reserve(puts);
    const auto start = Clock::now();
    std::size_t next = 0;
    while (acked < args.fields) {
      while (next < puts && store.pending_jobs() < args.in_flight) {
        const auto sent = Clock::now();
        gunpp::Graph g = put_number(args, next++);
        const std::size_t n = g.field_count();
        const gunpp::Status s =
            store.put(std::move(g), [&, sent, n](const gunpp::Status& status,
                                                 const gunpp::PutSummary&) {
              if (!status) {
                std::cerr << status.message() << "\n";
                std::exit(1);
              }
              latencies.push_back(ms_between(sent, Clock::now()));
              acked += n;
            });
        if (!s) {
          std::cerr << s.message() << "\n";
          return 1;
        }
      }
      peer->scheduler.poll();
    }
    seconds = ms_between(start, Clock::now()) / 1000;
    stats = store.stats();
  }
  // Reopen: the file alone, a fresh store, one field.
  const auto reopen = Clock::now();
  const auto peer = Peer::open(args.db, sqlite, 0);
  if (!peer) return 1;
  const auto first = peer->store->get("soul0", "k0");
  const double reopen_ms = ms_between(reopen, Clock::now());
  if (!first) {
    std::cerr << "the first field is missing after the reopen\n";
    return 1;
  }
  std::sort(latencies.begin(), latencies.end());
  auto at = [&latencies](double q) {
    return latencies.empty()
               ? 0.0
               : latencies[static_cast<std::size_t>(
                     q * static_cast<double>(latencies.size() - 1))];
  };
  std::cout << "{\"fields\":" << acked << ",\"seconds\":" << seconds
            << ",\"acked_fields_per_s\":"
            << static_cast<double>(acked) / seconds
            << ",\"ack_p50_ms\":" << at(0.5) << ",\"ack_p99_ms\":" << at(0.99)
            << ",\"commits\":" << stats.commits
            << ",\"evictions\":" << stats.evictions
            << ",\"node_loads\":" << stats.node_loads
            << ",\"peak_rss_mib\":" << gunpp::bench::peak_rss_mib()
            << ",\"reopen_first_get_ms\":" << reopen_ms << "}\n";
  return 0;
}
