#include "database.hpp"

#include <gunpp/sqlite_storage.hpp>

namespace gunpp::cli {

Database open_database(const std::string& target, std::ostream& err) {
  Database db;
  if (is_postgres_uri(target)) {
    auto pg = PostgresStorage::open(target);
    if (!pg) {
      err << "gunpp: " << pg.status().message() << '\n';
      return db;
    }
    db.postgres = pg->get();
    db.storage = std::move(*pg);
    return db;
  }
  auto sqlite = SqliteStorage::open(target);
  if (!sqlite) {
    err << "gunpp: " << sqlite.status().message() << '\n';
    return db;
  }
  db.storage = std::move(*sqlite);
  return db;
}

}  // namespace gunpp::cli
