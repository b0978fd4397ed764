// libFuzzer target: recognizer files (TOML rules). Any text must either load or be one
// RecognizerError naming a line; never crash, hang or grow without bound.
#include <cstddef>
#include <cstdint>
#include <string>

#include "typeinfo/recognizers/rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  heapwalk::typeinfo::RuleSet rules;
  try {
    rules.add(text, "fuzz.toml");
  } catch (const std::exception&) {
    return 0;  // a clear error is the expected outcome for most inputs
  }
  // What loaded is usable: every pattern matches itself.
  for (const auto& rule : rules.rules())
    for (const std::string& pattern : rule.patterns) (void)heapwalk::typeinfo::name_matches(pattern, pattern);
  return 0;
}
