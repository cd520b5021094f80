// MessageIds: fresh "#" ids for the messages a peer sends: a random prefix
// per generator and a counter, so ids never repeat within a process and
// collide across peers with negligible probability.
//
// Thread safety: none; one generator per owner.
#ifndef GUNPP_SRC_WIRE_MESSAGE_IDS_HPP_
#define GUNPP_SRC_WIRE_MESSAGE_IDS_HPP_

#include <cstddef>
#include <cstdint>
#include <string>

namespace gunpp {

class MessageIds {
 public:
  MessageIds();

  // The next id: the prefix, then the counter in base 36.
  std::string next();

  // `length` random characters from GUN's id alphabet (0-9, A-Z, a-z), as
  // GUN.js makes its pids.
  static std::string random_id(std::size_t length);

 private:
  std::string prefix_;
  std::uint64_t counter_ = 0;
};

}  // namespace gunpp

#endif  // GUNPP_SRC_WIRE_MESSAGE_IDS_HPP_
