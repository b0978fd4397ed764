#include "report/report_render.h"

#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <catch2/catch.hpp>

#include "walker/analysis/partition.h"

using heapwalk::report::csv_field;
using heapwalk::report::heapy_percent;
using heapwalk::report::Json;
using heapwalk::report::json_text;
using heapwalk::report::partition_page_end;
using heapwalk::report::render_partition_csv;
using heapwalk::report::render_partition_json;
using heapwalk::report::render_partition_text;
using heapwalk::walker::make_partition;
using heapwalk::walker::Partition;
using heapwalk::walker::PartitionRow;

namespace {

Partition small_partition() {
  return make_partition({
      {"Sheet", 400, 256000},
      {"char[] (string)", 55, 62256},
      {"std::vector<float> buffer", 576, 2304000},
      {"double[]", 1, 589824},
  });
}

// Rows "kind 0" … "kind N-1" of 100, 99, … bytes, one object each.
Partition numbered_partition(int rows) {
  std::vector<PartitionRow> list;
  for (int i = 0; i < rows; ++i) {
    list.push_back({"kind " + std::to_string(i), 1, static_cast<uint64_t>(100 - i)});
  }
  return make_partition(std::move(list));
}

boost::property_tree::ptree parse_json(const std::string& text) {
  std::istringstream in(text);
  boost::property_tree::ptree tree;
  boost::property_tree::read_json(in, tree);
  return tree;
}

}  // namespace

TEST_CASE("make_partition sorts by size, count, kind and sums", "[report_render]") {
  const Partition p = make_partition({
      {"b", 1, 10},
      {"a", 1, 10},
      {"c", 5, 10},
      {"d", 1, 99},
  });
  CHECK(p.count == 8);
  CHECK(p.size == 129);
  REQUIRE(p.rows.size() == 4);
  CHECK(p.rows[0].kind == "d");
  CHECK(p.rows[1].kind == "c");
  CHECK(p.rows[2].kind == "a");
  CHECK(p.rows[3].kind == "b");
}

TEST_CASE("Heapy's percentages round half to even", "[report_render]") {
  CHECK(heapy_percent(0, 0) == 0);
  CHECK(heapy_percent(5, 0) == 0);
  CHECK(heapy_percent(1, 3) == 33);
  CHECK(heapy_percent(2, 3) == 67);
  CHECK(heapy_percent(1, 8) == 12);                   // 12.5
  CHECK(heapy_percent(3, 8) == 38);                   // 37.5
  CHECK(heapy_percent(1, 40) == 2);                   // 2.5
  CHECK(heapy_percent(7, 200) == 4);                  // 3.5
  CHECK(heapy_percent(151351384, 151987464) == 100);  // 99.58, as in Heapy's own output
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  CHECK(heapy_percent(kMax, kMax) == 100);
  CHECK(heapy_percent(kMax / 2, kMax) == 50);
}

TEST_CASE("text table matches Heapy's layout", "[report_render]") {
  const std::string expected =
      "Partition of a set of 1032 objects. Total size = 3212080 bytes.\n"
      " Index  Count   %     Size   % Cumulative  % Kind\n"
      "     0    576  56  2304000  72   2304000  72 std::vector<float> buffer\n"
      "     1      1   0   589824  18   2893824  90 double[]\n"
      "     2    400  39   256000   8   3149824  98 Sheet\n"
      "     3     55   5    62256   2   3212080 100 char[] (string)\n";
  CHECK(render_partition_text(small_partition(), 0, 10) == expected);
  CHECK(render_partition_text(small_partition(), 0, 0) == expected);  // 0: no limit
}

TEST_CASE("wide numbers widen their columns as printf does", "[report_render]") {
  const Partition p = make_partition({{"int", 2000138, 148003312}, {"x", 1, 1}});
  CHECK(render_partition_text(p, 0, 10) ==
        "Partition of a set of 2000139 objects. Total size = 148003313 bytes.\n"
        " Index  Count   %     Size   % Cumulative  % Kind\n"
        "     0 2000138 100 148003312 100 148003312 100 int\n"
        "     1      1   0        1   0 148003313 100 x\n");
}

TEST_CASE("one object is singular", "[report_render]") {
  const Partition p = make_partition({{"Sheet", 1, 64}});
  CHECK(render_partition_text(p, 0, 10).starts_with(
      "Partition of a set of 1 object. Total size = 64 bytes.\n"));
}

TEST_CASE("paging with 'heap more'", "[report_render]") {
  const Partition p = numbered_partition(25);  // sizes 100 … 76, total 2200

  const std::string first = render_partition_text(p, 0, 10);
  CHECK(
      first.starts_with("Partition of a set of 25 objects. Total size = 2200 bytes.\n"
                        " Index  Count   %     Size   % Cumulative  % Kind\n"
                        "     0      1   4      100   5       100   5 kind 0\n"));
  CHECK(
      first.ends_with("     9      1   4       91   4       955  43 kind 9\n"
                      "<15 more rows. Type 'heap more' to view.>\n"));
  CHECK(partition_page_end(p, 0, 10) == 10);

  // Later pages drop the first line but keep the column header; cumulative counts from row 0.
  const std::string second = render_partition_text(p, 10, 10, "more");
  CHECK(second ==
        " Index  Count   %     Size   % Cumulative  % Kind\n"
        "    10      1   4       90   4      1045  48 kind 10\n"
        "    11      1   4       89   4      1134  52 kind 11\n"
        "    12      1   4       88   4      1222  56 kind 12\n"
        "    13      1   4       87   4      1309  60 kind 13\n"
        "    14      1   4       86   4      1395  63 kind 14\n"
        "    15      1   4       85   4      1480  67 kind 15\n"
        "    16      1   4       84   4      1564  71 kind 16\n"
        "    17      1   4       83   4      1647  75 kind 17\n"
        "    18      1   4       82   4      1729  79 kind 18\n"
        "    19      1   4       81   4      1810  82 kind 19\n"
        "<5 more rows. Type 'more' to view.>\n");
  CHECK(partition_page_end(p, 10, 10) == 20);

  const std::string last = render_partition_text(p, 20, 10);
  CHECK(last.ends_with("    24      1   4       76   3      2200 100 kind 24\n"));
  CHECK(last.find("more rows") == std::string::npos);
  CHECK(partition_page_end(p, 20, 10) == 25);

  // Past the end: the header alone.
  CHECK(render_partition_text(p, 40, 10) == " Index  Count   %     Size   % Cumulative  % Kind\n");
  CHECK(partition_page_end(p, 40, 10) == 25);
}

TEST_CASE("a single leftover row is shown, as Heapy does", "[report_render]") {
  const Partition eleven = numbered_partition(11);
  const std::string text = render_partition_text(eleven, 0, 10);
  CHECK(text.find("kind 10\n") != std::string::npos);
  CHECK(text.find("more rows") == std::string::npos);
  CHECK(partition_page_end(eleven, 0, 10) == 11);

  const Partition twelve = numbered_partition(12);
  CHECK(
      render_partition_text(twelve, 0, 10).ends_with("<2 more rows. Type 'heap more' to view.>\n"));
}

TEST_CASE("empty partition", "[report_render]") {
  const Partition empty = make_partition({});
  CHECK(render_partition_text(empty, 0, 10) ==
        "Partition of a set of 0 objects. Total size = 0 bytes.\n"
        " Index  Count   %     Size   % Cumulative  % Kind\n");
  CHECK(render_partition_csv(empty) ==
        "index,count,count_percent,size,size_percent,cumulative,cumulative_percent,kind\n");
  CHECK(render_partition_json(empty) == "{\"count\": 0, \"size\": 0,\n \"rows\": []}\n");
  const auto tree = parse_json(render_partition_json(empty));
  CHECK(tree.get<uint64_t>("count") == 0);
  CHECK(tree.get_child("rows").empty());
}

TEST_CASE("JSON holds every row and parses back", "[report_render]") {
  const Partition p = numbered_partition(25);
  const auto tree = parse_json(render_partition_json(p));
  CHECK(tree.get<uint64_t>("count") == 25);
  CHECK(tree.get<uint64_t>("size") == 2200);
  const auto& rows = tree.get_child("rows");
  REQUIRE(rows.size() == 25);
  uint64_t index = 0;
  for (const auto& [key, row] : rows) {
    CHECK(key.empty());  // an array element
    CHECK(row.get<uint64_t>("index") == index);
    CHECK(row.get<std::string>("kind") == "kind " + std::to_string(index));
    CHECK(row.get<uint64_t>("count") == 1);
    CHECK(row.get<uint64_t>("size") == 100 - index);
    ++index;
  }
}

TEST_CASE("JSON escapes kinds", "[report_render]") {
  const std::vector<std::string> kinds = {
      "say \"hi\"", "C:\\path\\", std::string("bell\x01 tab\t newline\n cr\r nul") + '\0' + "end",
      "caf\xc3\xa9 \xe2\x82\xac",  // UTF-8 passes through
  };
  std::vector<PartitionRow> rows;
  uint64_t size = 1000;
  for (const std::string& kind : kinds) rows.push_back({kind, 1, size--});
  const auto tree = parse_json(render_partition_json(make_partition(rows)));
  size_t i = 0;
  for (const auto& [key, row] : tree.get_child("rows")) {
    CHECK(row.get<std::string>("kind") == kinds.at(i++));
  }
  CHECK(i == kinds.size());

  const auto literal = [](const std::string& text) { return json_text(Json(text)); };
  CHECK(literal("a\"b\\c") == "\"a\\\"b\\\\c\"\n");
  CHECK(literal("\x1f") == "\"\\u001f\"\n");
  // Bytes that are not UTF-8 cannot go into JSON as they are: each becomes U+FFFD.
  const std::string replacement = "\xef\xbf\xbd";
  CHECK(literal("bad\xff"
                "byte") == "\"bad" + replacement + "byte\"\n");
  CHECK(literal("\xc3") == "\"" + replacement + "\"\n");  // truncated sequence
  CHECK(literal("\xed\xa0\x80") ==
        "\"" + replacement + replacement + replacement + "\"\n");  // a surrogate
}

TEST_CASE("JSON takes extra top-level members", "[report_render]") {
  const std::string text = render_partition_json(
      small_partition(), {{"root", "sim"}, {"max_depth", 3}, {"roots", Json::array({"a", "b"})}});
  CHECK(text.starts_with(
      "{\"count\": 1032, \"size\": 3212080, \"root\": \"sim\", \"max_depth\": 3,\n"
      " \"roots\": [\n  \"a\",\n  \"b\"\n ],\n"
      " \"rows\": [\n  {\"index\": 0, "));
  const auto tree = parse_json(text);
  CHECK(tree.get<std::string>("root") == "sim");
  CHECK(tree.get<int>("max_depth") == 3);
  CHECK(tree.get_child("roots").size() == 2);
  CHECK(tree.get_child("rows").size() == 4);
}

TEST_CASE("CSV rows and quoting", "[report_render]") {
  CHECK(render_partition_csv(small_partition()) ==
        "index,count,count_percent,size,size_percent,cumulative,cumulative_percent,kind\n"
        "0,576,56,2304000,72,2304000,72,std::vector<float> buffer\n"
        "1,1,0,589824,18,2893824,90,double[]\n"
        "2,400,39,256000,8,3149824,98,Sheet\n"
        "3,55,5,62256,2,3212080,100,char[] (string)\n");

  const Partition p = make_partition(
      {{"std::map<int, double> node", 2, 300}, {"say \"hi\"", 1, 200}, {"two\nlines", 1, 100}});
  CHECK(render_partition_csv(p) ==
        "index,count,count_percent,size,size_percent,cumulative,cumulative_percent,kind\n"
        "0,2,50,300,50,300,50,\"std::map<int, double> node\"\n"
        "1,1,25,200,33,500,83,\"say \"\"hi\"\"\"\n"
        "2,1,25,100,17,600,100,\"two\nlines\"\n");
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("a\rb") == "\"a\rb\"");
  CHECK(csv_field("") == "");
}

TEST_CASE("retained sizes in text and CSV: percentages of all the roots reach", "[report_render]") {
  // A row of 100 bytes that retains 300 (a selection's objects hold more than themselves):
  // its Retained % is of the 1000 bytes the roots reach, never of the set's 150.
  Partition p = make_partition({{"Sheet", 1, 100}, {"float[]", 2, 50}});
  p.has_retained = true;
  p.rows[0].retained = 300;
  p.rows[1].retained = 50;
  p.reached_size = 1000;
  CHECK(render_partition_text(p, 0, 10) ==
        "Partition of a set of 3 objects. Total size = 150 bytes.\n"
        " Index  Count   %     Size   % Cumulative  %  Retained   % Kind\n"
        "     0      1  33      100  67       100  67       300  30 Sheet\n"
        "     1      2  67       50  33       150 100        50   5 float[]\n");
  CHECK(render_partition_csv(p) ==
        "index,count,count_percent,size,size_percent,cumulative,cumulative_percent,kind,"
        "retained,retained_percent\n"
        "0,1,33,100,67,100,67,Sheet,300,30\n"
        "1,2,67,50,33,150,100,float[],50,5\n");
}

TEST_CASE("JSON layout: scalars share a line, every row has its own", "[report_render]") {
  const Json doc = {{"a", 1},
                    {"b", "x"},
                    {"nested", {{"c", nullptr}, {"d", Json::array({1, 2})}}},
                    {"rows", Json::array({Json{{"i", 0}}, Json{{"i", 1}}})},
                    {"empty", Json::array()},
                    {"e", true}};
  CHECK(json_text(doc) ==
        "{\"a\": 1, \"b\": \"x\",\n"
        " \"nested\": {\"c\": null, \"d\": [1, 2]},\n"
        " \"rows\": [\n"
        "  {\"i\": 0},\n"
        "  {\"i\": 1}\n"
        " ],\n"
        " \"empty\": [],\n"
        " \"e\": true}\n");
  CHECK(json_text(Json::array({1, "two"})) == "[1, \"two\"]\n");
  CHECK(json_text(Json::object()) == "{}\n");
}
