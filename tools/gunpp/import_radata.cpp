#include "import_radata.hpp"

#include <gunpp/graph_store.hpp>
#include <gunpp/rad.hpp>
#include <gunpp/sea/verifier.hpp>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "database.hpp"
#include "exit_codes.hpp"
#include "sea_flag.hpp"

namespace gunpp::cli {
namespace {

// Fields of plain souls merged in one put: a put's cost spread over many.
constexpr std::size_t kFieldsPerPut = 16384;

void print_report(const rad::FolderReport& report, std::ostream& err) {
  for (const std::string& bad : report.bad_files) {
    err << "gunpp: skipped " << bad << '\n';
  }
  if (!report.has_directory) {
    err << "gunpp: the folder has no directory (%1C): its files were listed\n";
  }
  for (const std::string& name : report.listed_missing) {
    err << "gunpp: the directory lists '" << rad::encode_name(name)
        << "', which is not in the folder\n";
  }
  if (!report.unlisted.empty()) {
    err << "gunpp: " << report.unlisted.size()
        << " files are missing from the directory (GUN.js would not read "
           "them); read all the same\n";
  }
  if (report.outside_their_file > 0) {
    err << "gunpp: " << report.outside_their_file
        << " fields were outside the file RAD looks them up in; HAM chose "
           "between copies\n";
  }
}

struct Totals {
  std::size_t refused_fields = 0;
  std::map<std::string, std::size_t> refused;  // SEA's reason -> fields
};

}  // namespace

int run_radata_import(const ImportArgs& args, std::ostream& err,
                      bool err_is_terminal) {
  rad::ReadOptions options;
  options.skip_bad_files = args.skip_bad;
  rad::FolderReport report;
  std::vector<rad::Field> fields;
  if (Status s = rad::read_folder(
          *args.radata, options, report,
          [&fields](rad::Field&& f) { fields.push_back(std::move(f)); });
      !s) {
    err << "gunpp: " << s.message() << '\n';
    return kExitFailure;
  }
  print_report(report, err);

  const Database db = open_database(args.db, err);
  if (!db) return kExitFailure;
  Scheduler scheduler(SystemClock::instance());
  StoreOptions store_options;
  store_options.storage = db.storage.get();
  sea::SeaVerifier sea;
  store_options.verifier = verifier_for(args.no_sea, sea);
  GraphStore store(scheduler, store_options);

  Totals totals;
  std::unordered_set<std::string_view> souls;
  const auto wait_for_room = [&] {
    while (store.pending_jobs() >= store.options().max_pending_jobs / 2) {
      scheduler.poll();
    }
  };
  Graph batch;
  const auto put_batch = [&]() -> Status {
    wait_for_room();
    Status s = store.put(std::move(batch));
    batch = Graph();
    return s;
  };
  // Runs of one soul's fields; a soul in SEA's care is put alone, so that
  // SEA refusing it refuses nothing else.
  for (std::size_t i = 0; i < fields.size();) {
    std::size_t j = i + 1;
    while (j < fields.size() && fields[j].soul == fields[i].soul) ++j;
    const std::string& soul = fields[i].soul;
    souls.insert(soul);
    const bool guarded = !args.no_sea && (soul.front() == '~' ||
                                          soul.find('#') != std::string::npos);
    Graph one;
    Graph& into = guarded ? one : batch;
    for (std::size_t k = i; k < j; ++k) {
      rad::Field& f = fields[k];
      into.add(f.soul, std::move(f.key), std::move(f.value), f.state);
    }
    Status s;
    if (guarded) {
      wait_for_room();
      s = store.put(std::move(one));
      if (s.code() == Status::Code::kUnauthenticated) {
        totals.refused_fields += j - i;
        ++totals.refused[s.message()];
        s = Status::ok();
      }
    } else if (batch.field_count() >= kFieldsPerPut) {
      s = put_batch();
    }
    if (!s) {
      err << "gunpp: " << s.message() << '\n';
      return kExitFailure;
    }
    if (err_is_terminal && souls.size() % 1024 == 0) {
      err << "\rimport: " << j << " of " << fields.size() << " fields"
          << std::flush;
    }
    i = j;
  }
  if (!batch.empty()) {
    if (Status s = put_batch(); !s) {
      err << "gunpp: " << s.message() << '\n';
      return kExitFailure;
    }
  }
  scheduler.run_until_idle();
  const Status flushed = store.flush();
  if (err_is_terminal) err << '\n';
  if (!flushed) {
    err << "gunpp: " << flushed.message() << '\n';
    return kExitFailure;
  }
  for (const auto& [why, souls_refused] : totals.refused) {
    err << "gunpp: SEA refused " << souls_refused << " souls: " << why << '\n';
  }
  std::size_t skipped = 0;
  std::string reasons;
  for (const auto& [why, n] : report.skipped) {
    skipped += n;
    reasons += "; " + std::to_string(n) + " " + why;
  }
  err << "gunpp: read " << report.files << " files of " << *args.radata << ": "
      << souls.size() << " souls, " << report.fields << " fields ("
      << store.stats().applied << " applied, " << store.stats().ignored
      << " ignored, " << store.deferred_count() << " waiting for their state, "
      << totals.refused_fields << " refused by SEA); " << skipped
      << " leaves not imported" << reasons << '\n';
  return totals.refused_fields == 0 && report.bad_files.empty() ? kExitOk
                                                                : kExitFailure;
}

}  // namespace gunpp::cli
