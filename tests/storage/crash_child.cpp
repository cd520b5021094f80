// The child of the crash test: writes puts to a SQLite-backed store forever
// and prints the id of each put on standard output once its ack (after the
// commit) arrives. The parent SIGKILLs it at a random moment.
//
//   gunpp_crash_child DB FIRST_ID
//
// Put i writes fields k0..k7 of soul "s<i % 37>", each with value "v<i>" and
// state i, so the parent can tell from a stored field which put wrote it.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "crash_puts.hpp"
#include "gunpp/graph_store.hpp"
#include "gunpp/sqlite_storage.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: gunpp_crash_child DB FIRST_ID\n");
    return 2;
  }
  auto db = gunpp::SqliteStorage::open(argv[1]);
  if (!db) {
    std::fprintf(stderr, "%s\n", db.status().message().c_str());
    return 1;
  }
  gunpp::Scheduler scheduler(gunpp::SystemClock::instance());
  gunpp::StoreOptions options;
  options.storage = db->get();
  gunpp::GraphStore store(scheduler, options);
  std::uint64_t next = std::strtoull(argv[2], nullptr, 10);
  constexpr std::size_t kInFlight = 32;
  for (;;) {
    while (store.pending_jobs() < kInFlight) {
      const std::uint64_t id = next++;
      const gunpp::Status s = store.put(
          gunpp::crash_test::put_of(id),
          [id](const gunpp::Status& status, const gunpp::PutSummary&) {
            if (!status) return;
            // Unbuffered, so that a printed id was acked before the kill.
            const std::string line = std::to_string(id) + "\n";
            if (write(STDOUT_FILENO, line.data(), line.size()) < 0) {
              std::_Exit(1);
            }
          });
      if (!s) {
        std::fprintf(stderr, "%s\n", s.message().c_str());
        return 1;
      }
    }
    scheduler.poll();
  }
}
