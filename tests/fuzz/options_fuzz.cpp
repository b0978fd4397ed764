// libFuzzer target: the heap commands' option parser, with the specs of a real command. Words
// are the input split at NUL bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "plugin/options.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using heapwalk::plugin::OptionSpec;
  static const std::vector<OptionSpec> specs = {
      {"root", 'r', "EXPR", "a root"}, {"typed-only", 'y', "", "a flag"},
      {"limit", 'l', "N", "a number"}, {"format", 'f', "text|json|csv", "a format"},
      {"out", 'o', "FILE", "a file"}};
  std::vector<std::string> words(1);
  for (size_t i = 0; i < size && words.size() < 64; ++i) {
    if (data[i] == 0) words.emplace_back();
    else words.back() += static_cast<char>(data[i]);
  }
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  try {
    heapwalk::plugin::ParsedOptions parsed = heapwalk::plugin::parse_options(specs, argv.data());
    (void)parsed.number("limit", 10);
  } catch (const std::exception&) {
  }
  return 0;
}
