// RAD: the folder (radata/) in which a GUN.js relay keeps its graph, read
// and written, so that a relay can move to gunpp and back (docs/migration.md).
//
//   gunpp::rad::FolderReport report;
//   auto read = gunpp::rad::read_folder("radata", {}, report,
//       [&](gunpp::rad::Field&& f) { graph.add(f.soul, f.key, f.value,
//       f.state); });
//   if (!read) std::cerr << read.message();   // "radata/!: cut short ..."
//
// A RAD folder (GUN.js 0.2020.x) holds files named by encodeURIComponent of
// their first key ('*' as %2A; the first file is "!", the directory "%1C").
// Each is the JSON text of a radix tree: members are key fragments, a
// member "" holds a leaf {":": value, ">": state}, and the fragments from the
// root spell soul + ESC (U+001B) + key. Files of older versions are lines of
// typed tokens framed with U+001F, and 2019's leaves are text "value>state";
// both are read too.
//
// Thread safety: free functions; any thread, one folder per call.
#ifndef GUNPP_RAD_HPP_
#define GUNPP_RAD_HPP_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gunpp/state.hpp"
#include "gunpp/status.hpp"
#include "gunpp/value.hpp"

namespace gunpp::rad {

// One field of a RAD folder.
struct Field {
  std::string soul;
  std::string key;
  Value value;
  State state;
};

// One record of one file: its full RAD key and what its leaf held.
struct Record {
  std::string key;         // soul + ESC + field, as RAD keys it
  bool has_value = false;  // the leaf's ":" (or 2019's value) was a GUN value
  bool has_state = false;  // its ">" was a finite number
  bool damaged = false;    // GUN's own parser left a member "undefined"
  bool utf8 = true;        // the key and a text value are UTF-8
  Value value;
  State state = 0;
  // A leaf that is a bare number: the directory's (1 present, 0 bad).
  std::optional<double> number;
};

// Calls `each` for every leaf of one file's text, in the text's order.
// Corruption (saying what is wrong and where) for text that is neither a
// JSON radix tree nor RAD's older line format: cut short, not JSON, a tree
// whose members are not objects, empty text.
Status parse_file(std::string_view text,
                  const std::function<void(Record&&)>& each);

struct ReadOptions {
  // A file that cannot be parsed is skipped (and named in the report)
  // instead of failing the whole read.
  bool skip_bad_files = false;
};

// What a folder held, and what of it was not taken, by reason.
struct FolderReport {
  std::size_t files = 0;       // data files read
  std::size_t records = 0;     // leaves in them
  std::size_t fields = 0;      // handed to `each`
  bool has_directory = false;  // a "%1C" was there
  // Files the directory lists that are not in the folder, and files in the
  // folder it does not list (GUN.js's own directory often misses some:
  // docs/migration.md); the latter are read all the same.
  std::vector<std::string> listed_missing;
  std::vector<std::string> unlisted;
  // Leaves found in a file other than the one RAD's lookup picks for their
  // key (a split cut short, or a lost directory entry): read all the same,
  // HAM decides between copies.
  std::size_t outside_their_file = 0;
  std::map<std::string, std::size_t> skipped;  // reason -> leaves
  std::vector<std::string> bad_files;  // with skip_bad_files: "name: why"
};

// Reads every data file of the RAD folder `dir`, in name order, and calls
// `each` for every field it holds (soul and key split at the key's first
// and last ESC, as GUN.js reads them). Leaves that are not a field (no ESC
// in the key, an empty soul, key "" or "_", no value, no state, a value GUN
// does not take) are counted in `report.skipped` and not passed on.
// Errors: NotFound when `dir` is not a folder; InvalidArgument when it is
// not a RAD folder (neither "!" nor "%1C", or a file name that RAD cannot
// have written); Corruption naming the file and what is wrong with it, or
// when the directory lists files the folder lacks (both unless
// skip_bad_files); IOError when a file cannot be read. On an
// error, `each` may have been called for the files before: a caller that
// wants all or nothing collects first.
Status read_folder(const std::string& dir, const ReadOptions& options,
                   FolderReport& report,
                   const std::function<void(Field&&)>& each);

struct WriteOptions {
  // Most bytes of JSON text in one file. GUN.js's reader (its YSON parser)
  // damages files longer than 32,767 UTF-16 code units, so files stay
  // below that; a single field larger than this gets a file of its own.
  std::size_t max_file_bytes = 30000;
};

struct WriteReport {
  std::size_t files = 0;
  std::size_t fields = 0;
  std::map<std::string, std::size_t> skipped;  // reason -> fields
};

// Writes `fields` as a RAD folder at `dir` (created; it must not exist or
// be empty) that GUN.js 0.2020.x reads: files of at most max_file_bytes,
// each a radix tree with one edge per distinct first UTF-16 code unit,
// named by their first key, and the directory "%1C" last. Fields RAD
// cannot hold (key "" or "_", ESC or U+0018 in a soul or key) are counted
// in `report.skipped`. `fields` may come in any order. Errors:
// InvalidArgument when `dir` is a non-empty folder; IOError when a file
// cannot be written.
Status write_folder(const std::string& dir, std::vector<Field> fields,
                    const WriteOptions& options, WriteReport& report);

// encodeURIComponent(name) with '*' as %2A: a file's name on disk; and
// back: false for a file name encode_name cannot have made.
std::string encode_name(std::string_view name);
bool decode_name(std::string_view file, std::string& name);

}  // namespace gunpp::rad

#endif  // GUNPP_RAD_HPP_
