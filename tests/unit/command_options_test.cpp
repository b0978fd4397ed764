// The option tables and help texts of every heap subcommand, as register_heap_commands adds them:
// an option's short form means one option (partition's --of and --out were both -o, so
// `heap partition -o FILE` took FILE for a row), and help paragraphs have no hard line breaks
// (lldb and gdb wrap them to the terminal).
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>

#include "plugin/heap_commands.h"

using namespace heapwalk::plugin;

namespace {

std::vector<std::unique_ptr<HeapCommand>> every_command() {
  std::vector<std::unique_ptr<HeapCommand>> all = heap_subcommands("");
  for (auto& command : recognizers_subcommands()) all.push_back(std::move(command));
  return all;
}

// The paragraphs of a help text that are prose: not an example or a table, whose lines are
// indented.
std::vector<std::string> prose_paragraphs(const std::string& text) {
  std::vector<std::string> paragraphs;
  for (size_t begin = 0; begin < text.size();) {
    size_t end = text.find("\n\n", begin);
    if (end == std::string::npos) end = text.size();
    std::string paragraph = text.substr(begin, end - begin);
    // "Example:\n  (lldb) heap top 5": a heading, then indented lines.
    size_t colon_line = paragraph.find(":\n  ");
    bool example = paragraph.starts_with("  ") ||
                   (colon_line != std::string::npos &&
                    paragraph.find('\n') == colon_line + 1);
    if (!paragraph.empty() && !example) paragraphs.push_back(paragraph);
    begin = end + 2;
  }
  return paragraphs;
}

}  // namespace

TEST_CASE("every subcommand's short and long option names are its own", "[options][help]") {
  for (const auto& command : every_command()) {
    INFO("heap " << command->path());
    std::set<std::string> long_names;
    std::map<char, std::string> short_names;
    for (const OptionSpec& spec : command->options()) {
      INFO("--" << spec.long_name);
      CHECK(long_names.insert(spec.long_name).second);
      if (!spec.short_name) continue;
      auto [it, added] = short_names.emplace(spec.short_name, spec.long_name);
      INFO("-" << spec.short_name << " is also --" << it->second);
      CHECK(added);
    }
    // Where --out exists it is -o, as in every other command.
    if (long_names.count("out")) CHECK(short_names['o'] == "out");
  }
}

TEST_CASE("help paragraphs and option texts have no hard line breaks", "[options][help]") {
  for (const auto& command : every_command()) {
    INFO("heap " << command->path());
    CHECK(std::string(command->help()).find('\n') == std::string::npos);
    for (const std::string& paragraph : prose_paragraphs(command->long_help())) {
      INFO(paragraph);
      CHECK(paragraph.find('\n') == std::string::npos);
    }
    for (const OptionSpec& spec : command->options()) {
      INFO("--" << spec.long_name);
      CHECK(!spec.help.empty());
      CHECK(spec.help.find('\n') == std::string::npos);
    }
    // The syntax line is built from the same table, so it must name every option.
    const std::string syntax = command->syntax();
    for (const OptionSpec& spec : command->options()) CHECK(syntax.find("--" + spec.long_name) != std::string::npos);
  }
}
