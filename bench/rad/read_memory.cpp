// gunpp_rad_read: the in-memory side of bench/rad/run, as GUN.js's RAD
// reads a folder into memory: every file of a RAD folder parsed
// (rad::read_folder) and merged into a GraphStore without storage.
// Prints {"seconds": ..., "fields": ...}.
#include <chrono>
#include <cstdio>
#include <gunpp/gunpp.hpp>
#include <gunpp/rad.hpp>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: gunpp_rad_read FOLDER\n");
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  gunpp::Scheduler scheduler;
  gunpp::GraphStore store(scheduler);
  gunpp::Graph graph;
  gunpp::rad::FolderReport report;
  const gunpp::Status read = gunpp::rad::read_folder(
      argv[1], {}, report, [&graph](gunpp::rad::Field&& f) {
        graph.add(f.soul, std::move(f.key), std::move(f.value), f.state);
      });
  if (!read) {
    std::fprintf(stderr, "gunpp_rad_read: %s\n", read.message().c_str());
    return 1;
  }
  if (gunpp::Status s = store.put(std::move(graph)); !s) {
    std::fprintf(stderr, "gunpp_rad_read: %s\n", s.message().c_str());
    return 1;
  }
  scheduler.run_until_idle();
  const std::chrono::duration<double> took =
      std::chrono::steady_clock::now() - start;
  std::printf("{\"seconds\": %.6f, \"fields\": %llu}\n", took.count(),
              static_cast<unsigned long long>(store.stats().applied));
  return 0;
}
