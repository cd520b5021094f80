#include "gunpp/status.hpp"

namespace gunpp {

std::string_view to_string(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return "OK";
    case Status::Code::kInvalidArgument:
      return "InvalidArgument";
    case Status::Code::kResourceExhausted:
      return "ResourceExhausted";
    case Status::Code::kNotFound:
      return "NotFound";
    case Status::Code::kCancelled:
      return "Cancelled";
    case Status::Code::kIOError:
      return "IOError";
    case Status::Code::kCorruption:
      return "Corruption";
    case Status::Code::kUnavailable:
      return "Unavailable";
    case Status::Code::kUnauthenticated:
      return "Unauthenticated";
    case Status::Code::kInternal:
      return "Internal";
  }
  return "Unknown";
}

std::string Status::to_string() const {
  if (is_ok()) return "OK";
  std::string out(gunpp::to_string(code_));
  out += ": ";
  out += message_;
  return out;
}

}  // namespace gunpp
