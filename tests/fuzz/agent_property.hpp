// The property every run of `gunpp agent`'s command lines must keep, shared
// by the libFuzzer target and the regression tests that replay the inputs it
// found: any bytes, split into lines and fed to an AgentSession over a mesh
// with no peer, make it print only JSON objects, exactly one reply per
// command line once every command has timed out (time running from timer to
// timer), and no reply after it finished (the end of input waits for every
// pending command).
#ifndef GUNPP_TESTS_FUZZ_AGENT_PROPERTY_HPP_
#define GUNPP_TESTS_FUZZ_AGENT_PROPERTY_HPP_

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "agent_session.hpp"
#include "gunpp/wire/message.hpp"

namespace gunpp::testing {

// The first broken invariant, or "" when `text` keeps them all.
inline std::string agent_property_violation(std::string_view text) {
  ManualClock clock(1'000'000);
  Scheduler scheduler(clock);
  GraphStore store(scheduler);
  Mesh mesh(store);
  std::string problem;
  std::size_t replies = 0;
  std::size_t finished = 0;
  cli::AgentSession session(
      mesh, {"ws://nowhere/gun"},
      [&](std::string line) {
        if (problem.empty() &&
            (line.empty() || line.front() != '{' || !decode_frame(line))) {
          problem = "a printed line is not one JSON object: " + line;
        }
        const bool reply = line.find("\"event\"") != 1;
        // A subscription's events may follow (the agent stops its loop at
        // the finish); a reply may not.
        if (problem.empty() && reply && finished > 0) {
          problem = "a reply after the session finished: " + line;
        }
        if (reply) ++replies;
      },
      [&] { ++finished; });
  std::size_t commands = 0;
  std::size_t start = 0;
  while (start < text.size() && !session.input_ended()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    session.handle(text.substr(start, end - start));
    ++commands;
    start = end + 1;
  }
  session.end_input();
  scheduler.run_until_idle();
  // Time passes from timer to timer: a chain command takes several steps
  // (a lookup per node, then the put's own timeout), each timed from the
  // one before. The mesh's heartbeat keeps a timer set forever, so the wait
  // ends at the finish, or after more steps than any command takes.
  for (int step = 0; step < 10000 && finished == 0; ++step) {
    const std::optional<double> wake = scheduler.next_wakeup();
    if (!wake) break;
    clock.advance(std::max(0.0, *wake - clock.now_ms()));
    scheduler.run_until_idle();
  }
  if (!problem.empty()) return problem;
  if (finished != 1) {
    return "finished " + std::to_string(finished) + " times, not once";
  }
  if (replies != commands) {
    return std::to_string(commands) + " commands got " +
           std::to_string(replies) + " replies";
  }
  return "";
}

}  // namespace gunpp::testing

#endif  // GUNPP_TESTS_FUZZ_AGENT_PROPERTY_HPP_
