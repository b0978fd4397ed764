#include "plugin/options.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

namespace heapwalk::plugin {

std::string ParsedOptions::get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

uint64_t parse_number(const std::string& what, const std::string& text, uint64_t max) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range || (error == std::errc() && value > max &&
                                                  end == text.data() + text.size()))
    throw UsageError(fmt::format("{} takes a number up to {}, not '{}'", what, max, text));
  if (text.empty() || error != std::errc() || end != text.data() + text.size())
    throw UsageError(fmt::format("{} takes a whole number, not '{}'", what, text));
  return value;
}

uint64_t ParsedOptions::number(const std::string& name, uint64_t fallback, uint64_t max) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  return parse_number("--" + name, it->second, max);
}

size_t max_positional(const std::string& operands) {
  size_t count = 0;
  for (char c : operands) count += c == '<';
  return count;
}

ParsedOptions parse_options(const std::vector<OptionSpec>& specs, char** argv) {
  ParsedOptions parsed;
  auto find = [&](const std::string& arg) -> const OptionSpec* {
    for (const OptionSpec& s : specs) {
      if (arg == "--" + s.long_name) return &s;
      if (s.short_name && arg == std::string{'-', s.short_name}) return &s;
    }
    return nullptr;
  };
  bool only_positional = false;
  for (char** p = argv; p && *p; ++p) {
    std::string arg = *p;
    if (only_positional || arg.empty() || arg[0] != '-' || arg == "-") {
      parsed.positional_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positional = true;
      continue;
    }
    std::string value;
    bool inline_value = false;
    if (size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      inline_value = true;
    }
    const OptionSpec* spec = find(arg);
    if (!spec) throw UsageError(fmt::format("unknown option '{}'", arg));
    if (parsed.values_.count(spec->long_name))
      throw UsageError(fmt::format("--{} is given twice", spec->long_name));
    if (spec->value_name.empty()) {
      if (inline_value) throw UsageError(fmt::format("--{} takes no value", spec->long_name));
      parsed.values_[spec->long_name] = "1";
      continue;
    }
    if (!inline_value) {
      if (!p[1])
        throw UsageError(fmt::format("--{} needs a value ({})", spec->long_name, spec->value_name));
      value = *++p;
    }
    parsed.values_[spec->long_name] = value;
  }
  return parsed;
}

std::string option_usage(const OptionSpec& spec) {
  if (spec.value_name.empty()) return "--" + spec.long_name;
  // A list of the values it takes is written as it is; a name of what it takes in <>.
  if (spec.value_name.find('|') != std::string::npos)
    return fmt::format("--{} {}", spec.long_name, spec.value_name);
  return fmt::format("--{} <{}>", spec.long_name, spec.value_name);
}

std::string syntax_line(const std::string& command, const std::string& operands,
                        const std::vector<OptionSpec>& specs) {
  std::string line = command;
  std::vector<bool> named(specs.size(), false);
  if (!operands.empty()) {
    line += ' ';
    for (size_t i = 0; i < operands.size();) {
      size_t open = operands.find("{--", i);
      if (open == std::string::npos) {
        line += operands.substr(i);
        break;
      }
      size_t close = operands.find('}', open);
      if (close == std::string::npos) throw std::logic_error("unclosed {--option} in " + operands);
      line += operands.substr(i, open - i);
      const std::string name = operands.substr(open + 3, close - open - 3);
      auto spec = std::find_if(specs.begin(), specs.end(),
                               [&](const OptionSpec& s) { return s.long_name == name; });
      if (spec == specs.end())
        throw std::logic_error(fmt::format("{}: no option --{}", command, name));
      named[spec - specs.begin()] = true;
      line += option_usage(*spec);
      i = close + 1;
    }
  }
  for (size_t i = 0; i < specs.size(); ++i)
    if (!named[i]) line += " [" + option_usage(specs[i]) + "]";
  return line;
}

std::string options_help(const std::vector<OptionSpec>& specs) {
  std::string out = "Command Options Usage:\n";
  for (const OptionSpec& s : specs) {
    std::string flag = s.short_name ? fmt::format("-{} ", s.short_name) : "";
    std::string value = s.value_name.empty() ? "" : fmt::format(" <{}>", s.value_name);
    out += fmt::format("       {}--{}{}\n            {}\n\n", flag, s.long_name, value, s.help);
  }
  return out;
}

}  // namespace heapwalk::plugin
