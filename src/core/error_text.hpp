// The texts of gunpp's errors about input, in one place: how souls and keys
// are named, and the messages more than one file produces. An
// implementation detail, not part of the API.
#ifndef GUNPP_SRC_CORE_ERROR_TEXT_HPP_
#define GUNPP_SRC_CORE_ERROR_TEXT_HPP_

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

#include "gunpp/status.hpp"

namespace gunpp::detail {

// `s` in single quotes, cut after about 64 bytes at a character boundary.
inline std::string quoted(std::string_view s) {
  constexpr std::size_t kMax = 64;
  std::size_t cut = std::min(s.size(), kMax);
  while (cut < s.size() && cut > 0 &&
         (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  std::string out = "'";
  out.append(s.substr(0, cut));
  if (cut < s.size()) out += "...";
  out += '\'';
  return out;
}

// "soul 'a' key 'x': "
inline std::string where(std::string_view soul, std::string_view key) {
  return "soul " + quoted(soul) + " key " + quoted(key) + ": ";
}

// A put that breaks GUN's graph rules: "Invalid graph: <reason>".
inline Status invalid_graph(std::string_view reason) {
  return Status::invalid_argument("Invalid graph: " + std::string(reason));
}

// A frame with more messages than WireLimits allows.
inline Status too_many_messages(std::size_t limit) {
  return Status::resource_exhausted("frame has more than " +
                                    std::to_string(limit) + " messages");
}

// A put or read refused because StoreOptions::max_pending_jobs are queued.
inline Status too_many_jobs(std::size_t limit) {
  return Status::resource_exhausted("max_pending_jobs " +
                                    std::to_string(limit) +
                                    " puts and reads are already queued");
}

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_CORE_ERROR_TEXT_HPP_
