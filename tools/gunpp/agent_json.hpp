// The agent's command members: reading them from a command's JSON, or
// saying why a command cannot be carried out.
#ifndef GUNPP_TOOLS_GUNPP_AGENT_JSON_HPP_
#define GUNPP_TOOLS_GUNPP_AGENT_JSON_HPP_

#include <chrono>
#include <cmath>
#include <cstdint>
#include <gunpp/chain.hpp>
#include <gunpp/sea/signing.hpp>
#include <gunpp/status.hpp>
#include <gunpp/value.hpp>
#include <gunpp/wire/json_writer.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "agent_session.hpp"

namespace gunpp::cli {

using Json = nlohmann::json;

constexpr double kDefaultTimeoutMs = 9000;

inline std::string text_of(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// The GUN value a JSON value stands for: string, finite number, boolean,
// null, or {"#":soul}.
inline std::optional<Value> gun_value(const Json& json) {
  if (json.is_null()) return Value();
  if (json.is_boolean()) return Value(json.get<bool>());
  if (json.is_number()) return Value(json.get<double>());
  if (json.is_string()) return Value(json.get<std::string>());
  if (json.is_object() && json.size() == 1 && json.contains("#") &&
      json["#"].is_string() && !json["#"].get<std::string>().empty()) {
    return Value(Link(json["#"].get<std::string>()));
  }
  return std::nullopt;
}

// Command members, or why a command cannot be carried out.
inline Result<std::string> string_member(const Json& command,
                                         const char* name) {
  if (!command.contains(name) || !command[name].is_string() ||
      command[name].get<std::string>().empty()) {
    return Status::invalid_argument(std::string("\"") + name +
                                    "\" must be a non-empty string");
  }
  return command[name].get<std::string>();
}

// The numbers a command may hold: any finite state, and timeouts, settle
// times and counts bounded as JavaScript's setTimeout bounds its delay.
struct Range {
  double min;
  double max;
};
inline constexpr Range kAnyState{-1.7976931348623157e308,
                                 1.7976931348623157e308};
inline constexpr Range kMillis{0, 2147483647};
inline constexpr Range kCount{0, 2147483647};

// A delay in milliseconds as a duration, rounded up: JavaScript's timers too
// wait at least the delay they are given.
inline std::chrono::milliseconds millis(double ms) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(ms)));
}

// An optional number within `range`.
inline Result<std::optional<double>> number_member(const Json& command,
                                                   const char* name,
                                                   Range range) {
  if (!command.contains(name)) return std::optional<double>();
  const Json& member = command[name];
  if (!member.is_number() || !(member.get<double>() >= range.min) ||
      !(member.get<double>() <= range.max)) {
    std::string why = std::string("\"") + name + "\" must be a number";
    if (range.min != kAnyState.min) {
      why += " from " + format_number(range.min) + " to " +
             format_number(range.max);
    }
    return Status::invalid_argument(why);
  }
  return std::optional<double>(member.get<double>());
}

// The agent's chain reads user data as GUN.js apps do: opened.
inline ChainOptions chain_options() {
  ChainOptions options;
  options.open = sea::open_value;
  return options;
}

struct AgentSession::Command {
  Json json;
  std::string id;  // the command's "id", as JSON text
  double started_ms;
};

}  // namespace gunpp::cli

#endif  // GUNPP_TOOLS_GUNPP_AGENT_JSON_HPP_
