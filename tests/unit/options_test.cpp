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

TEST_CASE("numbers are parsed whole and bounded", "[options]") {
  for (const char* bad : {"1x", "", "-1", "+1", " 1", "1 ", "0x10", "1e3", "1.5"}) {
    INFO(bad);
    CHECK_THROWS_WITH(parse({"--limit", bad}).number("limit", 1),
                      Catch::Contains("--limit takes a whole number, not '" + std::string(bad) + "'"));
  }
  for (const char* huge : {"18446744073709551615", "18446744073709551616", "99999999999999999999999",
                           "1000000001"}) {
    INFO(huge);
    CHECK_THROWS_WITH(parse({"--limit", huge}).number("limit", 1),
                      Catch::Contains("--limit takes a number up to 1000000000"));
  }
  CHECK(parse({"--limit", "1000000000"}).number("limit", 1) == 1000000000);
  CHECK(parse({"--limit", "0"}).number("limit", 1) == 0);
  CHECK(parse({"--limit", "007"}).number("limit", 1) == 7);
  CHECK_THROWS_WITH(parse({"--limit", "50"}).number("limit", 1, 40),
                    Catch::Contains("--limit takes a number up to 40, not '50'"));
}

TEST_CASE("usage errors are UsageErrors: the command adds its usage line", "[options]") {
  CHECK_THROWS_AS(parse({"--bogus"}), UsageError);
  CHECK_THROWS_AS(parse({"--root"}), UsageError);
  CHECK_THROWS_AS(parse({"--timings=1"}), UsageError);
  CHECK_THROWS_AS(parse({"--limit", "x"}).number("limit", 1), UsageError);
  CHECK_THROWS_WITH(parse({"--root", "a", "-r", "b"}), Catch::Contains("--root is given twice"));
  CHECK_THROWS_WITH(parse({"-t", "--timings"}), Catch::Contains("--timings is given twice"));
}

TEST_CASE("positional arguments allowed by a syntax line's operands", "[options]") {
  CHECK(max_positional("") == 0);
  CHECK(max_positional("{--addr}") == 0);
  CHECK(max_positional("[{--root} | {--of}]") == 0);
  CHECK(max_positional("<ROW>") == 1);
  CHECK(max_positional("[<N>]") == 1);
  CHECK(max_positional("(<ROW> | {--addr} | {--kind})") == 1);
  // Words after "--" are positional, whatever they look like.
  CHECK(parse({"--", "--root"}).positional() == std::vector<std::string>{"--root"});
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
