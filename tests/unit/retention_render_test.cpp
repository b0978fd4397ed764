// heap shpaths' report as text, JSON and CSV (report/retention_render.h).
#include <catch2/catch.hpp>

#include "report/retention_render.h"

using namespace heapwalk::report;

namespace {

PathsReport to_objects() {
  PathsReport r;
  r.title = "Shortest paths to 2 objects of kinds matching 'Sheet':";
  r.per_object = true;
  r.rows = {{"sim->sheets[\"V1\"]", 0x1000, "CFSheet"}, {"sim->sheets[\"LGNOn\"]", 0x2000, "CFSheet"}};
  r.more = 3;
  return r;
}

}  // namespace

TEST_CASE("paths to several objects name each object after its path", "[retention_render]") {
  CHECK(render_paths_text(to_objects()) ==
        "Shortest paths to 2 objects of kinds matching 'Sheet':\n"
        " 0: sim->sheets[\"V1\"] (0x1000, CFSheet)\n"
        " 1: sim->sheets[\"LGNOn\"] (0x2000, CFSheet)\n"
        "<... 3 more paths ...>\n");
  // JSON's "paths" are the text's lines, as before the CSV came.
  CHECK(render_paths_json(to_objects()).find(
            R"x("sim->sheets[\"V1\"] (0x1000, CFSheet)")x") != std::string::npos);
  CHECK(render_paths_csv(to_objects()) ==
        "index,address,kind,path\n"
        "0,0x1000,CFSheet,\"sim->sheets[\"\"V1\"\"]\"\n"
        "1,0x2000,CFSheet,\"sim->sheets[\"\"LGNOn\"\"]\"\n");
}

TEST_CASE("paths to one object (--addr) are paths alone", "[retention_render]") {
  PathsReport r;
  r.title = "Shortest paths to 0x3000 (float[], 104 bytes):";
  r.rows = {{"sim->a->weights", 0x3000, "float[]"}, {"sim->b, c", 0x3000, "float[]"}};
  CHECK(render_paths_text(r) ==
        "Shortest paths to 0x3000 (float[], 104 bytes):\n"
        " 0: sim->a->weights\n"
        " 1: sim->b, c\n");
  CHECK(render_paths_csv(r) ==
        "index,address,kind,path\n"
        "0,0x3000,float[],sim->a->weights\n"
        "1,0x3000,float[],\"sim->b, c\"\n");
}
