// libFuzzer entry point: any bytes as command lines to `gunpp agent`'s
// AgentSession, over a mesh with no peer. No crash or sanitizer report;
// every line the session prints is one JSON object; every command line gets
// exactly one reply once the pump has run out of timers.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "agent_session.hpp"
#include "gunpp/message.hpp"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  gunpp::ManualClock clock(1'000'000);
  gunpp::Scheduler scheduler(clock);
  gunpp::GraphStore store(scheduler);
  gunpp::Mesh mesh(store);
  std::size_t replies = 0;
  gunpp::cli::AgentSession session(mesh, {"ws://nowhere/gun"},
                                   [&replies](std::string line) {
                                     check(line.front() == '{');
                                     check(gunpp::decode_frame(line).is_ok());
                                     if (line.find("\"event\"") != 1) ++replies;
                                   });
  std::size_t commands = 0;
  std::size_t start = 0;
  while (start < text.size() && !session.exiting()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    session.handle(text.substr(start, end - start));
    ++commands;
    start = end + 1;
  }
  scheduler.run_until_idle();
  clock.advance(1e12);  // every put and get times out
  scheduler.run_until_idle();
  check(replies == commands);
  return 0;
}
