// Times gunpp on the same wire messages that gun_ingest.js times.
//
// Usage: gunpp_ingest FILE [--get SOUL]
//
// FILE holds one put message, or one message per line (all received before
// pumping, as concurrent peers, each as a PaddedFrame in the text read
// whole). Prints one JSON line:
//   {"ingest_ms": ..., "get_ms": ..., "fields": ..., "peak_rss_mib": ...}
// ingest_ms runs from the JSON text to every field applied (decode,
// validate, ingest, ack); get_ms is a get of the whole node SOUL until every
// reply chunk has been encoded.
//
// Built twice: gunpp_ingest on the system's malloc, and
// gunpp_ingest_large_pages on the heap of the gunpp program (glibc's malloc
// on 2 MiB pages; tools/gunpp/large_pages.hpp).
#include <chrono>
#include <fstream>
#include <gunpp/wire.hpp>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "peak_rss.hpp"
#if GUNPP_INGEST_LARGE_PAGES
#include "large_pages.hpp"
#endif

namespace {

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

int main(int argc, char** argv) {
#if GUNPP_INGEST_LARGE_PAGES
  if (!gunpp::cli::use_large_pages(argv)) return 3;
#endif
  std::string file;
  std::string get_soul;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--get" && i + 1 < argc) {
      get_soul = argv[++i];
    } else {
      file = arg;
    }
  }
  std::ifstream in(file, std::ios::binary);
  if (file.empty() || !in) {
    std::cerr << "usage: gunpp_ingest FILE [--get SOUL]\n";
    return 2;
  }
  // The file's text, followed by the padding that lets each line be
  // received as a PaddedFrame: parsed where it lies, not copied first.
  in.seekg(0, std::ios::end);
  const auto bytes = static_cast<std::size_t>(in.tellg());
  std::string buffer(bytes + gunpp::kFramePadding, ' ');
  in.seekg(0);
  in.read(buffer.data(), static_cast<std::streamsize>(bytes));
  const std::string_view text = std::string_view(buffer).substr(0, bytes);

  gunpp::ManualClock clock(1'700'000'000'000.0);
  gunpp::Scheduler scheduler(clock);
  gunpp::GraphStore store(scheduler);
  gunpp::WireProtocol protocol(store);
  std::size_t replies = 0;
  const auto reply = [&replies](const std::string&) { ++replies; };

  auto start = std::chrono::steady_clock::now();
  std::size_t from = 0;
  while (from < text.size()) {
    std::size_t to = text.find('\n', from);
    if (to == std::string_view::npos) to = text.size();
    if (to > from) {
      protocol.receive(gunpp::PaddedFrame{text.substr(from, to - from)}, reply);
    }
    from = to + 1;
  }
  scheduler.run_until_idle();
  const double ingest_ms = ms_since(start);

  std::size_t fields = 0;
  store.for_each_node([&fields](std::string_view, const gunpp::Node& node) {
    fields += node.size();
  });
  std::cout << "{\"ingest_ms\":" << ingest_ms << ",\"fields\":" << fields;
  if (!get_soul.empty()) {
    std::string get = R"({"#":"bench-get","get":{"#":)";
    gunpp::append_json_string(get, get_soul);
    get += "}}";
    replies = 0;
    start = std::chrono::steady_clock::now();
    protocol.receive(get, reply);
    scheduler.run_until_idle();
    std::cout << ",\"get_ms\":" << ms_since(start)
              << ",\"get_replies\":" << replies;
  }
  std::cout << ",\"peak_rss_mib\":" << gunpp::bench::peak_rss_mib() << "}\n";
  return 0;
}
