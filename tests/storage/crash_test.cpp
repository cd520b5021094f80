// The crash test: a child process (crash_child.cpp) writes puts to one
// SQLite file and prints each acked put; the parent SIGKILLs it at a random
// moment, reopens the file and checks that every acked field is there (or
// was overwritten by a later put) and that nothing was stored that no put
// wrote. 50 rounds against the same file.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <thread>

#include "crash_puts.hpp"
#include "gunpp/sqlite_storage.hpp"

namespace gunpp {
namespace {

namespace fs = std::filesystem;

// Everything the child wrote on standard output before it died.
std::string read_all(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0) {
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

// Runs the child on `db` from `first_id`, kills it after `delay`, and
// returns the ids it acked. With `after_first_ack`, the delay starts once
// the child has acked a put, so that the round has acks however slowly the
// child starts (under sanitizers, on a loaded machine); without, the kill
// may come before the first commit.
std::vector<std::uint64_t> run_and_kill(const std::string& db,
                                        std::uint64_t first_id,
                                        std::chrono::milliseconds delay,
                                        bool after_first_ack) {
  int out[2];
  REQUIRE(pipe(out) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    const std::string first = std::to_string(first_id);
    execl(GUNPP_CRASH_CHILD, GUNPP_CRASH_CHILD, db.c_str(), first.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  std::string text;
  char first = 0;
  if (after_first_ack && read(out[0], &first, 1) == 1) text += first;
  std::this_thread::sleep_for(delay);
  REQUIRE(kill(pid, SIGKILL) == 0);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  text += read_all(out[0]);
  close(out[0]);
  // The child never exits by itself: anything but our SIGKILL is a failure.
  INFO("child status " << status);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
  std::vector<std::uint64_t> ids;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) break;  // a line cut by the kill
    ids.push_back(std::stoull(text.substr(start, end - start)));
    start = end + 1;
  }
  return ids;
}

TEST_CASE("acked puts survive SIGKILL at random moments, 50 rounds") {
  std::string pattern =
      (fs::temp_directory_path() / "gunpp-crash-XXXXXX").string();
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  const fs::path dir = pattern;
  const std::string db = (dir / "crash.db").string();

  const auto seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> delay_ms(5, 150);
  constexpr std::uint64_t kIdsPerRound = 1'000'000'000;
  // The highest acked put of each soul: all its keys hold it, or later.
  std::map<std::string, std::uint64_t> acked;
  std::size_t total_acked = 0;
  int rounds_with_acks = 0;
  for (std::uint64_t round = 1; round <= 50; ++round) {
    const std::uint64_t first = round * kIdsPerRound;
    const auto ids = run_and_kill(
        db, first, std::chrono::milliseconds(delay_ms(rng)), round % 2 == 1);
    for (std::uint64_t id : ids) {
      REQUIRE(id >= first);
      std::uint64_t& best = acked[crash_test::soul_of(id)];
      best = std::max(best, id);
    }
    total_acked += ids.size();
    if (!ids.empty()) ++rounds_with_acks;

    auto opened = SqliteStorage::open(db);
    INFO("round " << round << ": " << opened.status().message());
    REQUIRE(opened);
    std::unique_ptr<SqliteStorage> storage = std::move(*opened);
    std::map<std::string, std::map<std::string, State>> stored;
    const Status walked =
        storage->for_each_node([&](std::string_view soul, const Node& node) {
          for (std::size_t i = 0; i < node.size(); ++i) {
            // Every stored field was written by the put its state names.
            const auto id = static_cast<std::uint64_t>(node.state(i));
            CHECK(static_cast<State>(id) == node.state(i));
            CHECK(id < first + kIdsPerRound);
            CHECK(crash_test::soul_of(id) == soul);
            CHECK(node.value(i) == Value(crash_test::value_of(id)));
            stored[std::string(soul)][node.key(i)] = node.state(i);
          }
        });
    REQUIRE(walked.is_ok());
    for (const auto& [soul, id] : acked) {
      for (int k = 0; k < crash_test::kKeys; ++k) {
        const std::string key = "k" + std::to_string(k);
        INFO("round " << round << " soul " << soul << " key " << key
                      << " acked at " << id);
        REQUIRE(stored[soul].contains(key));
        CHECK(stored[soul][key] >= static_cast<State>(id));
      }
    }
  }
  // The kills must have hit a working child, not one still starting.
  CHECK(rounds_with_acks >= 25);
  WARN("crash test: " << total_acked << " acked puts over 50 SIGKILL rounds ("
                      << rounds_with_acks << " rounds with acks), seed "
                      << seed);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace gunpp
