// A durable store: the graph in a SQLite file. A put is acked only once the
// commit that holds it is on disk; a store opened later on the same file
// sees it, loading nodes on demand into a bounded cache.
#include <filesystem>
#include <gunpp/gunpp.hpp>
#include <gunpp/sqlite_storage.hpp>
#include <iostream>
#include <string>

namespace {

// Opens `path`, makes a store over it, and runs `body(store, scheduler)`.
template <typename Body>
int with_store(const std::string& path, Body body) {
  auto db = gunpp::SqliteStorage::open(path);
  if (!db) {
    std::cerr << db.status().message() << "\n";
    return 1;
  }
  gunpp::Scheduler scheduler;
  gunpp::StoreOptions options;
  options.storage = db->get();     // the storage outlives the store
  options.cache_bytes = 16 << 20;  // about 16 MiB of nodes in memory
  gunpp::GraphStore store(scheduler, options);
  body(store, scheduler);
  return 0;
}

}  // namespace

int main() {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / "gunpp-durable-example";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "graph.db").string();
  std::filesystem::remove(path);

  int status = with_store(path, [](gunpp::GraphStore& store,
                                   gunpp::Scheduler& scheduler) {
    gunpp::Graph delta;
    for (int i = 0; i < 1000; ++i) {
      delta.add("log", "entry" + std::to_string(i),
                "event " + std::to_string(i), store.next_state());
    }
    gunpp::Status s = store.put(
        std::move(delta),
        [](const gunpp::Status& st, const gunpp::PutSummary& sum) {
          std::cout << "first run: " << sum.applied << " fields acked after "
                    << "their commit (" << st.to_string() << ")\n";
        });
    if (!s) std::cerr << s.to_string() << "\n";
    scheduler.run_until_idle();
  });
  if (status != 0) return status;

  // A new process would do the same: open the file and read.
  status = with_store(path, [](gunpp::GraphStore& store, gunpp::Scheduler&) {
    std::optional<gunpp::Entry> e = store.get("log", "entry999");
    std::cout << "second run: log.entry999 = "
              << (e ? gunpp::lexical_form(e->value) : "(absent)") << "\n";
    const gunpp::Node* log = store.get("log");
    std::cout << "second run: log has " << (log != nullptr ? log->size() : 0)
              << " fields\n";
  });
  std::filesystem::remove_all(dir);
  return status;
}
