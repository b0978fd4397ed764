// Which recognizer rules a target's walks use: heapwalk's built-in files, the file beside the
// executable (EXE.heapwalk.toml) when there is one, and the files loaded for the target
// (`heap recognizers load`, the CLI's --recognizers). Loading a file changes the target's
// generation, so the next command compiles its types again.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <lldb/API/SBTarget.h>

#include "typeinfo/recognizers/rules.h"

namespace heapwalk::walker {

struct RecognizerSource {
  std::string file;
  std::string origin;  // "built in", "beside the executable", "loaded"
  size_t rules = 0;
};

class RecognizerCatalog {
 public:
  static RecognizerCatalog& instance();

  // Reads and keeps FILE for `target`; the number of rules in it. Throws
  // typeinfo::RecognizerError "FILE:LINE: why" (and keeps nothing).
  size_t load(lldb::SBTarget target, const std::string& path);
  // The rules for `target` (a new set after each load); throws like load() when the file beside
  // the executable is broken.
  std::shared_ptr<const typeinfo::RuleSet> rules(lldb::SBTarget target);
  uint64_t generation(lldb::SBTarget target);
  std::vector<RecognizerSource> sources(lldb::SBTarget target);

 private:
  struct Entry {
    lldb::SBTarget target;
    std::vector<std::string> loaded;
    uint64_t generation = 0;
    std::shared_ptr<const typeinfo::RuleSet> rules;
    std::vector<RecognizerSource> sources;
  };
  Entry& entry(lldb::SBTarget target);
  void build(Entry& e);

  std::vector<Entry> entries_;
};

// The file of rules heapwalk looks for beside the executable: "EXE.heapwalk.toml".
std::string rules_beside(lldb::SBTarget target);

}  // namespace heapwalk::walker
