// The answer to a put: {"#":id,"@":to,"ok":{"":1}} once it went through
// HAM, or {"#":id,"@":to,"err":"..."} when it was refused. Written for
// every put a peer sends, so without JsonWriter's member-by-member checks.
#ifndef GUNPP_SRC_WIRE_ACK_HPP_
#define GUNPP_SRC_WIRE_ACK_HPP_

#include <string>
#include <string_view>

#include "gunpp/status.hpp"

namespace gunpp::detail {

// How every ok ack ends: GUN's ok, always the same.
inline constexpr std::string_view kAckOkTail = R"(,"ok":{"":1}})";

// The ack `id` answering message `to`: ok when `status` is, else its err.
std::string ack(std::string_view id, std::string_view to, const Status& status);

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_WIRE_ACK_HPP_
