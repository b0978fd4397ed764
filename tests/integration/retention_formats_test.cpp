// The retention commands' CSV and their row errors on a gcore core of the sim fixture, against
// the ground truth the fixture wrote, in lldb and in the heapwalk CLI. Found by an audit: the
// --retained CSV had no retained column, a row of --of retained "360%" of its set, an empty last
// table claimed rows "0 to 18446744073709551615", `heap partition -o FILE` took FILE for a row,
// and heap shpaths and heap size had no CSV at all.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "command_output.h"
#include "report/report_render.h"
#include "sim_fixture.h"

using namespace heapwalk::test;
using boost::property_tree::ptree;

namespace {

// RFC 4180 lines as maps from the header's names: what a spreadsheet or a script reads.
std::vector<std::map<std::string, std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> lines(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += text[++i];
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      lines.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      lines.back().push_back(std::move(field));
      field.clear();
      lines.emplace_back();
    } else {
      field += c;
    }
  }
  lines.pop_back();  // after the last '\n'
  std::vector<std::map<std::string, std::string>> rows;
  for (size_t i = 1; i < lines.size(); ++i) {
    REQUIRE(lines[i].size() == lines[0].size());
    std::map<std::string, std::string> row;
    for (size_t k = 0; k < lines[0].size(); ++k) row[lines[0][k]] = lines[i][k];
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string output_of(Debugger& dbg, const std::string& command) {
  bool ok = false;
  std::string error;
  std::string out = dbg.run(command, &ok, &error);
  INFO(command << ": " << error);
  REQUIRE(ok);
  return out;
}

std::string error_of(Debugger& dbg, const std::string& command) {
  bool ok = true;
  std::string error;
  dbg.run(command, &ok, &error);
  INFO(command);
  CHECK_FALSE(ok);
  return error;
}

uint64_t number(const std::map<std::string, std::string>& row, const std::string& column) {
  INFO(column);
  REQUIRE(row.count(column));
  return std::stoull(row.at(column));
}

const std::map<std::string, std::string>* row_of_kind(
    const std::vector<std::map<std::string, std::string>>& rows, const std::string& kind) {
  for (const auto& row : rows)
    if (row.at("kind") == kind) return &row;
  return nullptr;
}

}  // namespace

TEST_CASE("retention CSV on a core: partition --retained, --of, shpaths and size match the truth",
          "[retention][core][csv]") {
  CoreSim sim({"--retina-density", "30", "--cortex-density", "20"});
  Debugger& dbg = sim.dbg;
  const uint64_t count = sim.truth.get<uint64_t>("reachable_from_sim.count");
  const uint64_t bytes = sim.truth.get<uint64_t>("reachable_from_sim.bytes");
  const ptree& floats = sim.truth.get_child(ptree::path_type("arrays/float[]", '/'));
  // Everything the roots reach: what heap top's and the Retained column's percentages are of.
  const uint64_t reached = json_of(dbg, "heap top 1 --format json").get<uint64_t>("total");
  REQUIRE(reached >= bytes);

  // --retained: the CSV carries the Retained column. Floats hold no pointers and every float[]
  // is reached only through its owner, so freeing them all frees exactly their bytes.
  auto rows = parse_csv(output_of(dbg, "heap partition --root sim --retained --format csv"));
  uint64_t rows_count = 0, rows_bytes = 0;
  for (const auto& row : rows) {
    INFO(row.at("kind"));
    rows_count += number(row, "count");
    rows_bytes += number(row, "size");
    CHECK(number(row, "retained") >= number(row, "size"));
    CHECK(number(row, "retained_percent") ==
          heapwalk::report::heapy_percent(number(row, "retained"), reached));
  }
  CHECK(rows_count == count);
  CHECK(rows_bytes == bytes);
  const auto* float_row = row_of_kind(rows, "float[]");
  REQUIRE(float_row);
  CHECK(number(*float_row, "count") == floats.get<uint64_t>("arrays"));
  CHECK(number(*float_row, "size") == floats.get<uint64_t>("bytes"));
  CHECK(number(*float_row, "retained") == floats.get<uint64_t>("bytes"));

  // A row of --of retains more than the set it is part of (the connection fields and their
  // weights); its percentage stays one of everything reached.
  const auto* fields_row = row_of_kind(rows, "ConnectionField");
  REQUIRE(fields_row);
  auto of = parse_csv(output_of(
      dbg, "heap partition --of " + fields_row->at("index") + " --retained --format csv"));
  REQUIRE(of.size() == 1);
  CHECK(number(of[0], "count") == sim.truth.get<uint64_t>("classes.ConnectionField"));
  CHECK(number(of[0], "retained") > number(of[0], "size"));
  CHECK(number(of[0], "retained_percent") ==
        heapwalk::report::heapy_percent(number(of[0], "retained"), reached));
  CHECK(number(of[0], "retained_percent") <= 100);

  // heap size's CSV: the deep set by kind, every kind, the arrays' elements as the fixture
  // counted them.
  auto kinds = parse_csv(output_of(dbg, "heap size sim --format csv"));
  uint64_t kinds_count = 0, kinds_bytes = 0;
  for (const auto& row : kinds) {
    kinds_count += number(row, "count");
    kinds_bytes += number(row, "bytes");
  }
  CHECK(kinds_count == count);
  CHECK(kinds_bytes == bytes);
  for (const char* kind : {"float[]", "double[]"}) {
    INFO(kind);
    const ptree& expected = sim.truth.get_child(ptree::path_type(std::string("arrays/") + kind, '/'));
    const auto* row = row_of_kind(kinds, kind);
    REQUIRE(row);
    CHECK(number(*row, "count") == expected.get<uint64_t>("arrays"));
    CHECK(number(*row, "elements") == expected.get<uint64_t>("elements"));
    CHECK(number(*row, "uncounted") == 0);
  }
  const auto* simulation = row_of_kind(kinds, "Simulation");
  REQUIRE(simulation);
  CHECK(simulation->at("elements").empty());

  // heap shpaths' CSV: one line per object, each a distinct allocation of the kind, and the
  // big block reached straight from sim.
  auto paths = parse_csv(output_of(dbg, "heap shpaths --kind '^float\\[\\]$' --count 100000 --format csv"));
  CHECK(paths.size() == floats.get<uint64_t>("arrays"));
  std::set<std::string> addresses;
  size_t big_block = 0;
  for (const auto& row : paths) {
    CHECK(row.at("kind") == "float[]");
    addresses.insert(row.at("address"));
    big_block += row.at("path") == "sim->big_block";
    CHECK(row.at("path").rfind("sim", 0) == 0);
  }
  CHECK(addresses.size() == paths.size());
  CHECK(big_block == 1);

  // -o is --out, in heap partition as everywhere.
  std::string file = sim.dir + "/partition.txt";
  output_of(dbg, "heap partition --root sim -o " + file);
  std::ifstream written(file);
  std::string first_line;
  std::getline(written, first_line);
  CHECK(first_line ==
        fmt::format("Partition of a set of {} objects. Total size = {} bytes.", count, bytes));
}

TEST_CASE("an empty last table and the one-shot CLI say why there is no row", "[retention][core][cli]") {
  CoreSim sim({"--retina-density", "30", "--cortex-density", "20"});
  Debugger& dbg = sim.dbg;
  ptree partition = json_of(dbg, "heap partition --root sim --format json");
  std::string floats;
  for (const auto& [_, row] : partition.get_child("rows"))
    if (row.get<std::string>("kind") == "float[]") floats = row.get<std::string>("index");
  REQUIRE(!floats.empty());
  // Floats point to nothing: their referents are an empty table, which has no row to select.
  ptree referents = json_of(dbg, "heap referents " + floats + " --format json");
  CHECK(referents.get<uint64_t>("count") == 0);
  for (const char* command : {"heap referents 0", "heap shpaths 0", "heap partition --of 0"}) {
    std::string error = error_of(dbg, command);
    INFO(error);
    CHECK(error.find("the last table has no rows") != std::string::npos);
    CHECK(error.find("18446744073709551615") == std::string::npos);
  }

  // The one-shot CLI keeps nothing between runs: a ROW is impossible there, and it says what to
  // do instead; --serve keeps the table.
  const std::string cli =
      fmt::format("{} --core {} {}", HEAPWALK_CLI_PATH, sim.core_path, sim_executable());
  ShellOutput one_shot = run_shell(cli + " referrers 0");
  INFO(one_shot.text);
  CHECK(one_shot.status == 1);
  CHECK(one_shot.text.find("no table to select from") != std::string::npos);
  CHECK(one_shot.text.find("--serve") != std::string::npos);
  ShellOutput served = run_shell(fmt::format(
      "printf 'partition --root sim\\nreferrers {} --format csv\\nquit\\n' | {} --serve", floats, cli));
  INFO(served.text);
  CHECK(served.status == 0);
  // Who holds the float arrays: the Simulation (big_block), the connection fields (weights) and
  // the shared weights' vector, as in the fixture's model; their counts are the truth's.
  size_t csv_start = served.text.find("index,count,");
  REQUIRE(csv_start != std::string::npos);
  std::string csv = served.text.substr(csv_start);
  csv = csv.substr(0, csv.find('\x1e'));
  auto holders = parse_csv(csv);
  const auto* fields = row_of_kind(holders, "ConnectionField");
  REQUIRE(fields);
  CHECK(number(*fields, "count") == sim.truth.get<uint64_t>("classes.ConnectionField"));
  const auto* owner = row_of_kind(holders, "Simulation");
  REQUIRE(owner);
  CHECK(number(*owner, "count") == sim.truth.get<uint64_t>("classes.Simulation"));
}
