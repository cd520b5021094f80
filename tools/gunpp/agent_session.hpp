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
#ifndef GUNPP_TOOLS_GUNPP_AGENT_SESSION_HPP_
#define GUNPP_TOOLS_GUNPP_AGENT_SESSION_HPP_

#include <functional>
#include <gunpp/mesh.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace gunpp::cli {

class AgentSession {
 public:
  // Lines go to `out` (one JSON object each, no newline). `peer_urls` are
  // the peers the agent dials, for the "peers" command. `mesh` must outlive
  // the session.
  AgentSession(Mesh& mesh, std::vector<std::string> peer_urls,
               std::function<void(std::string line)> out);

  // Handles one command line; replies now or from later turns.
  void handle(std::string_view line);

  // An "exit" command was handled.
  bool exiting() const { return exiting_; }

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
  void reply_ok(const std::string& id);
  double now() const;

  Mesh* mesh_;
  std::vector<std::string> peer_urls_;
  std::function<void(std::string)> out_;
  bool exiting_ = false;
};

}  // namespace gunpp::cli

#endif  // GUNPP_TOOLS_GUNPP_AGENT_SESSION_HPP_
