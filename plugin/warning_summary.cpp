#include "plugin/warning_summary.h"

#include <cctype>

#include <fmt/format.h>

namespace heapwalk::plugin {

std::string warning_kind(const std::string& warning) {
  std::string kind;
  for (size_t i = 0; i < warning.size();) {
    if (warning.compare(i, 2, "0x") == 0 && i + 2 < warning.size() &&
        std::isxdigit(static_cast<unsigned char>(warning[i + 2]))) {
      kind += "0x…";
      for (i += 2; i < warning.size() && std::isxdigit(static_cast<unsigned char>(warning[i])); ++i) {
      }
    } else if (std::isdigit(static_cast<unsigned char>(warning[i]))) {
      kind += '#';
      while (i < warning.size() && std::isdigit(static_cast<unsigned char>(warning[i]))) ++i;
    } else {
      kind += warning[i++];
    }
  }
  return kind;
}

std::vector<std::string> summarize_warnings(const std::vector<std::string>& warnings,
                                            size_t all_up_to, size_t examples, size_t kinds_shown) {
  if (warnings.size() <= all_up_to) return warnings;
  struct Kind {
    std::string name;
    size_t count = 0;
    std::vector<const std::string*> examples;
  };
  std::vector<Kind> kinds;
  for (const std::string& w : warnings) {
    std::string name = warning_kind(w);
    Kind* kind = nullptr;
    for (Kind& k : kinds)
      if (k.name == name) kind = &k;
    if (!kind) {
      if (kinds.size() >= 1000) name = "(other)";  // bounded whatever the input
      kinds.push_back({name, 0, {}});
      kind = &kinds.back();
    }
    ++kind->count;
    if (kind->examples.size() < examples) kind->examples.push_back(&w);
  }
  std::vector<std::string> lines;
  lines.push_back(fmt::format("{} warnings about this stop's heap, of {} kind{} ('heap warnings' "
                              "lists them all):",
                              warnings.size(), kinds.size(), kinds.size() == 1 ? "" : "s"));
  for (size_t i = 0; i < kinds.size() && i < kinds_shown; ++i) {
    const Kind& k = kinds[i];
    lines.push_back(fmt::format("  {} × {}", k.count, *k.examples.front()));
    for (size_t e = 1; e < k.examples.size(); ++e)
      lines.push_back(fmt::format("      e.g. also {}", *k.examples[e]));
  }
  if (kinds.size() > kinds_shown)
    lines.push_back(fmt::format("  … and {} more kinds", kinds.size() - kinds_shown));
  return lines;
}

}  // namespace heapwalk::plugin
