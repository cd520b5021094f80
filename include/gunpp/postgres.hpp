// The PostgreSQL layer's umbrella header: one graph shared by a cluster of
// relays. gunpp/postgres/postgres_storage.hpp is the Storage engine (HAM
// decided in the database, the change log); gunpp/postgres/change_feed.hpp
// brings the other relays' commits. Link gunpp::postgres.
#ifndef GUNPP_POSTGRES_HPP_
#define GUNPP_POSTGRES_HPP_

#include "gunpp/gunpp.hpp"                      // IWYU pragma: export
#include "gunpp/postgres/change_feed.hpp"       // IWYU pragma: export
#include "gunpp/postgres/postgres_storage.hpp"  // IWYU pragma: export

#endif  // GUNPP_POSTGRES_HPP_
