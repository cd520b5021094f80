// Reading a RAD folder: its files in name order, each leaf split into soul
// and key as GUN.js splits it, and what is not a field counted by reason.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <utility>

#include "gunpp/rad.hpp"

namespace gunpp::rad {
namespace {

namespace fs = std::filesystem;

constexpr char kEsc = '\x1b';
constexpr std::string_view kFirstFile = "!";
constexpr std::string_view kDirectory = "\x1c";

bool utf16_less(const std::string& a, const std::string& b) {
  return utf16_compare(a, b) < 0;
}

Result<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return Status::io_error(path.string() + ": cannot open");
  std::string text(static_cast<std::size_t>(in.tellg()), '\0');
  in.seekg(0);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (!in) return Status::io_error(path.string() + ": cannot read");
  return text;
}

// A data file: its name as RAD knows it, and its path.
struct DataFile {
  std::string name;
  fs::path path;
};

// Why a record is not a field, or empty when it is one; fills `field`.
std::string_view to_field(Record&& r, Field& field) {
  if (!r.utf8) return "text that is not UTF-8";
  const std::size_t first = r.key.find(kEsc);
  if (first == std::string::npos) return "a key without ESC (not a field)";
  if (first == 0) return "an empty soul";
  const std::size_t last = r.key.rfind(kEsc);
  if (!r.has_value) {
    return r.damaged ? "no value (GUN's parser damaged the leaf)"
                     : "no value GUN takes";
  }
  if (!r.has_state) {
    return r.damaged ? "no state (GUN's parser damaged the leaf)" : "no state";
  }
  field.soul = r.key.substr(0, first);
  field.key = r.key.substr(last + 1);
  if (field.key.empty() || field.key == "_") return "key \"\" or \"_\"";
  field.value = std::move(r.value);
  field.state = r.state;
  return {};
}

// The folder's data files, sorted as RAD orders names, and what its
// directory says of them.
Result<std::vector<DataFile>> list_files(const fs::path& dir,
                                         FolderReport& report) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::not_found(dir.string() + ": not a folder");
  }
  std::vector<DataFile> files;
  bool has_first = false;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    const std::string file = entry.path().filename().string();
    DataFile f{{}, entry.path()};
    if (!decode_name(file, f.name)) {
      return Status::invalid_argument(dir.string() + ": not a RAD folder: '" +
                                      file +
                                      "' is not a name RAD gives its files");
    }
    if (f.name == kDirectory) {
      report.has_directory = true;
      continue;
    }
    has_first = has_first || f.name == kFirstFile;
    files.push_back(std::move(f));
  }
  if (ec) return Status::io_error(dir.string() + ": " + ec.message());
  if (!has_first && !report.has_directory) {
    return Status::invalid_argument(dir.string() +
                                    ": not a RAD folder (no '!' and no '%1C')");
  }
  std::sort(files.begin(), files.end(),
            [](const DataFile& a, const DataFile& b) {
              return utf16_less(a.name, b.name);
            });
  return files;
}

// Compares the directory's list with the files there.
Status check_directory(const fs::path& dir, const std::vector<DataFile>& files,
                       FolderReport& report) {
  if (!report.has_directory) return Status::ok();
  const fs::path path = dir / "%1C";
  auto text = read_text(path);
  if (!text) return text.status();
  std::vector<std::string> listed;
  if (Status s = parse_file(*text,
                            [&listed](Record&& r) {
                              if (r.number && *r.number != 0) {
                                listed.push_back(std::move(r.key));
                              }
                            });
      !s) {
    return Status::corruption(path.string() + ": " + s.message());
  }
  for (const std::string& name : listed) {
    const bool there =
        std::any_of(files.begin(), files.end(),
                    [&](const auto& f) { return f.name == name; });
    if (!there && name != kFirstFile) report.listed_missing.push_back(name);
  }
  for (const DataFile& f : files) {
    if (std::find(listed.begin(), listed.end(), f.name) == listed.end() &&
        f.name != kFirstFile) {
      report.unlisted.push_back(f.name);
    }
  }
  return Status::ok();
}

}  // namespace

Status read_folder(const std::string& dir_name, const ReadOptions& options,
                   FolderReport& report,
                   const std::function<void(Field&&)>& each) {
  const fs::path dir(dir_name);
  auto files = list_files(dir, report);
  if (!files) return files.status();
  if (Status s = check_directory(dir, *files, report); !s) return s;
  if (!report.listed_missing.empty() && !options.skip_bad_files) {
    return Status::corruption(
        dir_name + ": the directory (%1C) lists " +
        std::to_string(report.listed_missing.size()) +
        " files that are not in the folder, first '" +
        encode_name(report.listed_missing.front()) +
        "': a copy cut short? (--skip-bad reads what is there)");
  }
  // RAD's lookup: a key lives in the file with the greatest name not above
  // it, else in "!"; so file i holds the keys from its name up to the next
  // file's name.
  const auto outside = [&files](std::size_t i, const std::string& key) {
    const DataFile& file = (*files)[i];
    const bool below = file.name != kFirstFile && utf16_less(key, file.name);
    const bool above =
        i + 1 < files->size() && !utf16_less(key, (*files)[i + 1].name);
    return below || above;
  };
  for (std::size_t i = 0; i < files->size(); ++i) {
    const DataFile& file = (*files)[i];
    auto text = read_text(file.path);
    if (!text) return text.status();
    std::vector<Field> fields;
    Status parsed = parse_file(*text, [&](Record&& r) {
      ++report.records;
      if (!r.number && outside(i, r.key)) ++report.outside_their_file;
      Field field;
      const std::string_view why = to_field(std::move(r), field);
      if (!why.empty()) {
        ++report.skipped[std::string(why)];
        return;
      }
      fields.push_back(std::move(field));
    });
    if (!parsed) {
      const std::string where = file.path.string() + ": " + parsed.message();
      if (!options.skip_bad_files) return Status::corruption(where);
      report.bad_files.push_back(where);
      continue;
    }
    ++report.files;
    report.fields += fields.size();
    for (Field& f : fields) each(std::move(f));
  }
  return Status::ok();
}

}  // namespace gunpp::rad
