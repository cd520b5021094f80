#include "sea.hpp"

#include <CLI/CLI.hpp>
#include <gunpp/sea/signing.hpp>
#include <gunpp/wire/graph_json.hpp>
#include <gunpp/wire/json_writer.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "exit_codes.hpp"
#include "wire_input.hpp"

namespace gunpp::cli {
namespace {

constexpr char kDescription[] =
    R"(Makes what GUN.js's SEA makes, for any GUN peer to accept:
  gunpp sea pair                      a new key pair, as SEA.pair() prints it
  gunpp sea user --pair FILE ALIAS PASSWORD
                                      the put message of user.create
  gunpp sea put --pair FILE --soul SOUL [--cert FILE] FIELDS
                                      a put message writing FIELDS (a JSON
                                      object of GUN values) into SOUL, signed;
                                      SOUL in another user's space takes that
                                      user's certificate
  gunpp sea certify --pair FILE [--expiry MS] POLICY PUB...
                                      a certificate letting PUB... ("*" for
                                      anyone) write where POLICY allows; put
                                      -- before POLICY when a PUB starts
                                      with '-' (a key may)
Messages go to standard output, one line each, for `gunpp apply` or a peer.
States are the real clock's unless --now MS is given.

Exit status: 0; 1 when a file cannot be read; 2 when an argument is
malformed.)";

// A GUN value from JSON: null, boolean, number, string or {"#":soul}.
std::optional<Value> gun_value(const nlohmann::json& j) {
  if (j.is_null()) return Value(nullptr);
  if (j.is_boolean()) return Value(j.get<bool>());
  if (j.is_number()) return Value(j.get<double>());
  if (j.is_string()) return Value(j.get<std::string>());
  if (j.is_object() && j.size() == 1 && j.contains("#") && j["#"].is_string() &&
      !j["#"].get<std::string>().empty()) {
    return Value(Link(j["#"].get<std::string>()));
  }
  return std::nullopt;
}

// One put message with a fresh random id.
void print_put(const Graph& graph, std::ostream& out) {
  std::random_device random;
  std::string text;
  JsonWriter json(text);
  json.begin_object()
      .key("#")
      .string("sea" + std::to_string(random()) + std::to_string(random()))
      .key("put");
  write_graph(json, graph);
  json.end_object();
  out << text << '\n';
}

}  // namespace

CLI::App& add_sea_command(CLI::App& app, SeaArgs& args) {
  CLI::App& sea = *app.add_subcommand(
      "sea", "SEA key pairs, users, signed puts and certificates");
  sea.footer(kDescription);
  sea.require_subcommand(1);
  const auto with_pair = [&](CLI::App& action) {
    action.add_option("--pair", args.pair_file, "the signing pair's JSON file")
        ->type_name("FILE")
        ->required();
    action
        .add_option_function<double>(
            "--now", [&args](double ms) { args.now = ms; },
            "stamp fields with this state (ms since the epoch)")
        ->type_name("MS");
  };
  sea.add_subcommand("pair", "print a new key pair")->callback([&args] {
    args.action = "pair";
  });
  CLI::App& user = *sea.add_subcommand("user", "user.create's put message");
  with_pair(user);
  user.add_option("ALIAS", args.alias)->required();
  user.add_option("PASSWORD", args.password)->required();
  user.callback([&args] { args.action = "user"; });
  CLI::App& put = *sea.add_subcommand("put", "a signed put message");
  with_pair(put);
  put.add_option("--soul", args.soul, "the node to write")->required();
  put.add_option("--cert", args.cert_file, "the owner's certificate file")
      ->type_name("FILE");
  put.add_option("FIELDS", args.fields, "a JSON object of GUN values")
      ->required();
  put.callback([&args] { args.action = "put"; });
  CLI::App& certify = *sea.add_subcommand("certify", "a certificate");
  with_pair(certify);
  certify.add_option("--expiry", args.expiry, "ms since the epoch; 0 never");
  certify.add_option("POLICY", args.policy, "SEA's write policy as JSON")
      ->required();
  certify.add_option("PUB", args.who, "who may write; * for anyone")
      ->required();
  certify.callback([&args] { args.action = "certify"; });
  return sea;
}

int run_sea(const SeaArgs& args, std::ostream& out, std::ostream& err) {
  const auto fail = [&err](int code, const std::string& why) {
    err << "gunpp: " << why << '\n';
    return code;
  };
  if (args.action == "pair") {
    out << sea::pair_to_json(sea::generate_pair()) << '\n';
    return kExitOk;
  }
  const std::optional<InputText> pair_text =
      read_input(args.pair_file, std::cin);
  if (!pair_text)
    return fail(kExitFailure, "cannot open '" + args.pair_file + "'");
  Result<sea::KeyPair> pair = sea::pair_from_json(pair_text->view());
  if (!pair)
    return fail(kExitUsage, args.pair_file + ": " + pair.status().message());
  const State state = args.now.value_or(SystemClock::instance().now_ms());

  if (args.action == "certify") {
    Result<std::string> cert =
        sea::certify(args.who, args.policy, args.expiry, *pair);
    if (!cert) return fail(kExitUsage, cert.status().message());
    out << *cert << '\n';
    return kExitOk;
  }
  Result<Graph> graph = Status::invalid_argument("no action");
  if (args.action == "user") {
    graph = sea::create_user_graph(args.alias, args.password, *pair, state);
  } else {
    const nlohmann::json fields =
        nlohmann::json::parse(args.fields, nullptr, false);
    if (!fields.is_object() || fields.empty()) {
      return fail(kExitUsage, "FIELDS is not a JSON object with members");
    }
    std::vector<std::pair<std::string, Value>> values;
    for (const auto& [key, j] : fields.items()) {
      std::optional<Value> v = gun_value(j);
      if (!v) return fail(kExitUsage, "field '" + key + "' is not a GUN value");
      values.emplace_back(key, std::move(*v));
    }
    std::string cert;
    if (!args.cert_file.empty()) {
      const std::optional<InputText> c = read_input(args.cert_file, std::cin);
      if (!c) return fail(kExitFailure, "cannot open '" + args.cert_file + "'");
      cert = c->view();
    }
    graph = sea::sign_graph(*pair, args.soul, values, state, cert);
  }
  if (!graph) return fail(kExitUsage, graph.status().message());
  print_put(*graph, out);
  return kExitOk;
}

}  // namespace gunpp::cli
