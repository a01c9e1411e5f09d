// TempDir: a fresh directory for one test, removed with everything in it
// when the object goes out of scope.
#pragma once

#include <string>

namespace chainkg::testing {

// Not thread-safe; one per test.
class TempDir {
 public:
  // Creates a unique directory under $TMPDIR (or /tmp). Aborts the test
  // binary if that fails, which only a broken machine causes.
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string Sub(const std::string& name) const;

 private:
  std::string path_;
};

}  // namespace chainkg::testing
