// The --serve protocol's pieces: the frame line and how a line becomes an interpreter command.
#include <catch2/catch.hpp>

#include "plugin/cli_serve.h"

using namespace heapwalk::plugin;

TEST_CASE("--serve frames each answer with RS heapwalk-status N", "[serve]") {
  CHECK(serve_frame(0) == "\x1eheapwalk-status 0\n");
  CHECK(serve_frame(1) == "\x1eheapwalk-status 1\n");
}

TEST_CASE("--serve lines become heap commands", "[serve]") {
  CHECK(serve_command_of("partition --root sim") == "heap partition --root sim");
  CHECK(serve_command_of("  more \r") == "heap more");
  CHECK(serve_command_of("heap leaks --limit 3") == "heap leaks --limit 3");
  CHECK(serve_command_of("help") == "help heap");
  CHECK(serve_command_of("help partition") == "help heap partition");
  CHECK(serve_command_of("heap help top") == "help heap top");
  CHECK(serve_command_of("heap") == "help heap");
  CHECK(serve_command_of("") == "");
  CHECK(serve_command_of(" \t ") == "");
  CHECK(serve_command_of("heapx") == "heap heapx");
}
