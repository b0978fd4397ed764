// What the integration tests read back from a command: a heap command's JSON in the in-process
// debugger, or a shell command's exit status and output (the CLI run as a user runs it).
#pragma once

#include <cstdio>
#include <set>
#include <sstream>
#include <string>

#include <sys/wait.h>

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "sim_fixture.h"

namespace heapwalk::test {

// The JSON a heap command prints (`... --format json`); the command must succeed.
inline boost::property_tree::ptree json_of(Debugger& dbg, const std::string& command) {
  bool ok = false;
  std::string error;
  std::string out = dbg.run(command, &ok, &error);
  INFO(command << ": " << error);
  REQUIRE(ok);
  boost::property_tree::ptree tree;
  std::istringstream in(out);
  boost::property_tree::read_json(in, tree);
  return tree;
}

// The addresses a heap report lists under "samples" (heap leaks --show N: N per kind).
inline std::set<std::string> sampled_addresses(const boost::property_tree::ptree& report) {
  std::set<std::string> addresses;
  for (const auto& [kind, listed] : report.get_child("samples"))
    for (const auto& [_, address] : listed) addresses.insert(address.get_value<std::string>());
  return addresses;
}

// The same as nlohmann's JSON, where arrays stay arrays (ptree flattens them).
inline nlohmann::json json_value_of(Debugger& dbg, const std::string& command) {
  bool ok = false;
  std::string error;
  std::string out = dbg.run(command, &ok, &error);
  INFO(command << ": " << error);
  REQUIRE(ok);
  return nlohmann::json::parse(out);
}

struct ShellOutput {
  int status = 0;
  std::string text;  // stdout and stderr together
};

// Runs `command` in a shell and waits for it.
inline ShellOutput run_shell(const std::string& command) {
  ShellOutput out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe);
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.text.append(buffer, n);
  out.status = WEXITSTATUS(pclose(pipe));
  return out;
}

}  // namespace heapwalk::test
