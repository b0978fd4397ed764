#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

#include "plugin/options.h"

using namespace heapwalk::plugin;

namespace {
std::vector<OptionSpec> specs() {
  return {{"root", 'r', "EXPR", "root"}, {"limit", 'l', "N", "rows"}, {"timings", 't', "", "t"}};
}
ParsedOptions parse(std::vector<const char*> args) {
  args.push_back(nullptr);
  return parse_options(specs(), const_cast<char**>(args.data()));
}
}  // namespace

TEST_CASE("long, short and inline option forms", "[options]") {
  ParsedOptions a = parse({"--root", "sim->sheets", "-l", "20", "-t"});
  CHECK(a.get("root") == "sim->sheets");
  CHECK(a.number("limit", 10) == 20);
  CHECK(a.has("timings"));
  ParsedOptions b = parse({"--limit=5"});
  CHECK(b.number("limit", 10) == 5);
  CHECK(b.number("missing", 7) == 7);
}

TEST_CASE("bad options are one-line errors", "[options]") {
  CHECK_THROWS_WITH(parse({"--bogus"}), Catch::Contains("unknown option '--bogus'"));
  CHECK_THROWS_WITH(parse({"--root"}), Catch::Contains("--root needs a value"));
  CHECK_THROWS_WITH(parse({"--limit", "ten"}).number("limit", 1), Catch::Contains("whole number"));
  CHECK_THROWS_WITH(parse({"--timings=1"}), Catch::Contains("takes no value"));
}

TEST_CASE("help lists every option", "[options]") {
  std::string help = options_help(specs());
  CHECK(help.find("-r --root <EXPR>") != std::string::npos);
  CHECK(help.find("-t --timings\n") != std::string::npos);
}

TEST_CASE("syntax lines come from the option table", "[options]") {
  CHECK(syntax_line("heap x", "", specs()) == "heap x [--root <EXPR>] [--limit <N>] [--timings]");
  CHECK(syntax_line("heap x", "[<N>]", {}) == "heap x [<N>]");
  CHECK(syntax_line("heap x", "(<ROW> | {--root})", specs()) ==
        "heap x (<ROW> | --root <EXPR>) [--limit <N>] [--timings]");
  CHECK(syntax_line("heap x", "[{--root} | {--limit}]", specs()) ==
        "heap x [--root <EXPR> | --limit <N>] [--timings]");
  const std::vector<OptionSpec> choice = {{"format", 'f', "text|json", "format"}};
  CHECK(syntax_line("heap x", "<FILE>", choice) == "heap x <FILE> [--format text|json]");
  CHECK_THROWS_AS(syntax_line("heap x", "{--nope}", specs()), std::logic_error);
  CHECK_THROWS_AS(syntax_line("heap x", "{--root", specs()), std::logic_error);
}
