// Require: how a fuzz target reports a broken contract. A fuzzer only sees
// crashes, so a contract the code under test breaks must become one.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace chainkg::fuzz {

// Aborts with "contract broken: what" unless condition holds.
inline void Require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "contract broken: %s\n", what);
    std::abort();
  }
}

}  // namespace chainkg::fuzz
