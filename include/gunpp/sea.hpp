// The SEA layer's umbrella header: GUN's signed user data on OpenSSL.
// gunpp/sea/signing.hpp writes it (key pairs, signatures, certificates,
// users, encryption); gunpp/sea/verifier.hpp checks it on every put. Link
// gunpp::sea.
#ifndef GUNPP_SEA_HPP_
#define GUNPP_SEA_HPP_

#include "gunpp/gunpp.hpp"         // IWYU pragma: export
#include "gunpp/sea/signing.hpp"   // IWYU pragma: export
#include "gunpp/sea/verifier.hpp"  // IWYU pragma: export

#endif  // GUNPP_SEA_HPP_
