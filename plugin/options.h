// LLDB-style options for heap commands: `--root sim`, `-r sim`, `--limit=20`.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace heapwalk::plugin {

// A command line that does not fit the command's syntax: shown with the command's usage line.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// `text` as a whole number in [0, max]; throws UsageError("<what> takes …") otherwise.
uint64_t parse_number(const std::string& what, const std::string& text, uint64_t max);

struct OptionSpec {
  std::string long_name;  // "root"
  char short_name = 0;    // 'r'
  std::string value_name; // "EXPR"; empty for a flag
  std::string help;
};

class ParsedOptions {
 public:
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  std::string get(const std::string& name, const std::string& fallback = {}) const;
  // A non-negative whole number, all of the value ("1x", "", "-1", "+1" are errors) and at most
  // `max` (default kMaxNumber, so that no count a user types can size a table past memory);
  // throws UsageError naming the option otherwise.
  static constexpr uint64_t kMaxNumber = 1'000'000'000;
  uint64_t number(const std::string& name, uint64_t fallback, uint64_t max = kMaxNumber) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  friend ParsedOptions parse_options(const std::vector<OptionSpec>&, char**);
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

// Throws UsageError("unknown option '--x'"…) for what the specs do not allow: unknown options, a
// missing value, a value given to a flag, an option given twice.
ParsedOptions parse_options(const std::vector<OptionSpec>& specs, char** argv);

// How an option is written in a syntax line: "--root <EXPR>", "--by kind|owner|via|size",
// "--typed-only".
std::string option_usage(const OptionSpec& spec);

// How many positional arguments a syntax line's operands allow: one per "<NAME>" ("[<N>]",
// "(<ROW> | {--addr})" allow one, "{--addr}" none).
size_t max_positional(const std::string& operands);

// A command's syntax line, from its option table: `command` ("heap partition"), then
// `operands`, then every other option as "[--name <VALUE>]" in the table's order. `operands`
// holds the positional arguments and groups of options that exclude each other, naming an option
// as {--name}: "[{--root} | {--of}]" becomes "[--root <EXPR> | --of <ROW>]", "(<ROW> | {--addr})"
// becomes "(<ROW> | --addr <ADDRESS>)". An option named there is not listed again. Throws
// std::logic_error when `operands` names an option the table does not have.
std::string syntax_line(const std::string& command, const std::string& operands,
                        const std::vector<OptionSpec>& specs);

// The "Command Options Usage" part of a help text, in LLDB's layout.
std::string options_help(const std::vector<OptionSpec>& specs);

}  // namespace heapwalk::plugin
