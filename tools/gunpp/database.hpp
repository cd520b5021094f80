// The database behind --db: a libpq connection URI (postgresql://...,
// postgres://...) opens the PostgreSQL engine, anything else is a SQLite
// file path.
#ifndef GUNPP_TOOLS_GUNPP_DATABASE_HPP_
#define GUNPP_TOOLS_GUNPP_DATABASE_HPP_

#include <gunpp/postgres/postgres_storage.hpp>
#include <gunpp/storage.hpp>
#include <memory>
#include <ostream>
#include <string>

namespace gunpp::cli {

struct Database {
  std::unique_ptr<Storage> storage;
  // The same object when it is PostgreSQL's, else nullptr.
  PostgresStorage* postgres = nullptr;

  explicit operator bool() const { return storage != nullptr; }
};

// Opens `target`; on failure prints "gunpp: <where>: <why>" on `err` and
// returns an empty Database.
Database open_database(const std::string& target, std::ostream& err);

}  // namespace gunpp::cli

#endif  // GUNPP_TOOLS_GUNPP_DATABASE_HPP_
