#include "ack.hpp"

#include "gunpp/value.hpp"

namespace gunpp::detail {

std::string ack(std::string_view id, std::string_view to,
                const Status& status) {
  std::string out;
  // Room for the reply without escapes: one allocation.
  out.reserve(32 + id.size() + to.size() +
              (status.is_ok() ? 0 : status.message().size()));
  out += R"({"#":)";
  append_json_string(out, id);
  out += R"(,"@":)";
  append_json_string(out, to);
  if (status.is_ok()) {
    out += kAckOkTail;
  } else {
    out += R"(,"err":)";
    append_json_string(out, status.message());
    out += '}';
  }
  return out;
}

}  // namespace gunpp::detail
