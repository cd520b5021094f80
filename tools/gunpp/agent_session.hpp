// AgentSession: the JSON-lines protocol of `gunpp agent` over a Mesh, with
// no process or socket of its own, so tests can drive it line by line.
//
// One command per line in, one reply per command out (docs/network.md):
//   {"id":1,"op":"put","soul":S,"data":{k:v},"state":N?,"timeout":MS?}
//   {"id":2,"op":"get","soul":S,"key":K?,"expect":N?,"timeout":MS?,"settle":MS?}
//   {"id":3,"op":"graph","soul":S}
//   {"id":4,"op":"on","soul":S}       then {"event":"update",...} per change
//   {"id":5,"op":"peers"}
//   {"id":6,"op":"exit"}
// Every reply echoes "id" and has "ok"; a malformed command gets
// "ok":false and an "err" and the session carries on.
//
// End of input (end_input(), or an "exit" command) stops taking commands
// but not the work: every command still pending gets its real answer (ack,
// reply, or its own timeout), then "exit" is answered last and `finished`
// runs once. Subscriptions ("on") do not hold it open. A command succeeded
// when its reply has "ok":true and, for a put, "acked":true with no "err".
#ifndef GUNPP_TOOLS_GUNPP_AGENT_SESSION_HPP_
#define GUNPP_TOOLS_GUNPP_AGENT_SESSION_HPP_

#include <cstddef>
#include <functional>
#include <gunpp/chain.hpp>
#include <gunpp/mesh.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gunpp::cli {

class AgentSession {
 public:
  // Lines go to `out` (one JSON object each, no newline). `peer_urls` are
  // the peers the agent dials, for the "peers" command. `finished` runs
  // once, after the input ended and the last reply went out. `mesh` must
  // outlive the session.
  AgentSession(Mesh& mesh, std::vector<std::string> peer_urls,
               std::function<void(std::string line)> out,
               std::function<void()> finished = {});

  // Handles one command line; replies now or from later turns. Lines after
  // the input ended are ignored.
  void handle(std::string_view line);

  // No more commands will come: finish the pending ones, then finish.
  void end_input();

  // Stops at once: what is still pending is never answered, and a session
  // that has not finished never does (`finished` does not run). Call it
  // before the mesh goes (the mesh completes pending work when destroyed).
  void abandon();

  // The input ended (end_input() or "exit"): stop reading.
  bool input_ended() const { return input_ended_; }
  // Every command has replied since the input ended.
  bool finished() const { return finished_; }
  // Every command so far succeeded (see above).
  bool all_succeeded() const { return failures_ == 0; }

 private:
  struct Command;

  // Each returns OK once it has replied or will reply, else why the
  // command is refused (handle() replies "ok":false with it).
  Status dispatch(const Command& command);
  Status put(const Command& command);
  Status get(const Command& command);
  Status graph(const Command& command);
  Status on(const Command& command);
  Status peers(const Command& command);
  // The chain commands, with a "path" (agent_chain.cpp).
  Status chain_put(const Command& command);
  Status chain_set(const Command& command);
  Status chain_once(const Command& command);
  Status chain_map(const Command& command);
  Status chain_on(const Command& command);
  Status chain_off(const Command& command);
  void reply_ok(const std::string& id);
  // The reply of a pending put or get: printed unless abandoned.
  void answer_pending(std::string reply, bool succeeded);
  // Finishes once the input ended and nothing is pending.
  void finish_if_done();
  double now() const;

  Mesh* mesh_;
  std::unique_ptr<Chain> chain_;  // dropped by abandon()
  Scheduler::OwnerId owner_;      // the session's own timers
  std::unordered_map<std::string, std::uint64_t> chain_subs_;  // "sub" -> id
  std::vector<std::string> peer_urls_;
  std::function<void(std::string)> out_;
  std::function<void()> on_finished_;
  std::size_t pending_ = 0;  // puts and gets not yet answered
  std::size_t failures_ = 0;
  bool input_ended_ = false;
  bool abandoned_ = false;
  std::optional<std::string> exit_id_;  // the "exit" command, answered last
  bool finished_ = false;
};

}  // namespace gunpp::cli

#endif  // GUNPP_TOOLS_GUNPP_AGENT_SESSION_HPP_
