#include "plugin/no_attach/thread_file.h"

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "plugin/no_attach/packet.h"

namespace heapwalk::plugin::no_attach {
namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& why) { throw std::runtime_error(why); }

uint64_t whole_number(const json& value, const std::string& what) {
  if (!value.is_number_unsigned()) bad(fmt::format("{} must be a whole number", what));
  return value.get<uint64_t>();
}

uint64_t hex_value(const json& value, const std::string& what) {
  if (!value.is_string()) bad(fmt::format("{} must be a hex string such as \"0x1f\"", what));
  std::string text = value.get<std::string>();
  std::optional<uint64_t> number;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    number = parse_hex_number(std::string_view(text).substr(2));
  if (!number) bad(fmt::format("{} is not a 64-bit hex value: '{}'", what, text));
  return *number;
}

}  // namespace

ThreadsFile parse_threads_json(const std::string& text) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    bad(fmt::format("not JSON ({})", e.what()));
  }
  if (!doc.is_object()) bad("not a JSON object with \"threads\"");
  for (const auto& [key, value] : doc.items())
    if (key != "threads" && key != "selected_tid" && key != "selected_frame")
      bad(fmt::format("unknown key '{}'", key));
  if (!doc.contains("threads") || !doc["threads"].is_array()) bad("\"threads\" must be an array");
  ThreadsFile file;
  std::set<uint64_t> tids;
  for (const json& t : doc["threads"]) {
    if (!t.is_object()) bad("each thread must be an object with \"tid\" and \"registers\"");
    ThreadState state;
    for (const auto& [key, value] : t.items())
      if (key != "tid" && key != "name" && key != "registers")
        bad(fmt::format("unknown key '{}' in a thread", key));
    if (!t.contains("tid")) bad("a thread has no \"tid\"");
    state.tid = whole_number(t["tid"], "\"tid\"");
    if (state.tid == 0 || state.tid > 0x7fffffff) bad(fmt::format("\"tid\" {} is not a thread id", state.tid));
    if (!tids.insert(state.tid).second) bad(fmt::format("thread {} is listed twice", state.tid));
    if (t.contains("name")) {
      if (!t["name"].is_string()) bad(fmt::format("the name of thread {} must be a string", state.tid));
      state.name = t["name"].get<std::string>();
    }
    if (t.contains("registers")) {
      if (!t["registers"].is_object())
        bad(fmt::format("the registers of thread {} must be an object", state.tid));
      for (const auto& [name, value] : t["registers"].items()) {
        std::optional<size_t> number = register_number(name);
        if (!number) bad(fmt::format("unknown register '{}' in thread {}", name, state.tid));
        state.registers[*number] = hex_value(value, fmt::format("register {} of thread {}", name, state.tid));
        state.known.set(*number);
      }
    }
    file.threads.push_back(std::move(state));
  }
  if (file.threads.empty()) bad("\"threads\" is empty");
  if (doc.contains("selected_tid")) {
    file.selected_tid = whole_number(doc["selected_tid"], "\"selected_tid\"");
    if (!tids.count(*file.selected_tid))
      bad(fmt::format("\"selected_tid\" {} is not one of the threads", *file.selected_tid));
  }
  if (doc.contains("selected_frame")) {
    uint64_t frame = whole_number(doc["selected_frame"], "\"selected_frame\"");
    if (frame > 1'000'000) bad(fmt::format("\"selected_frame\" {} is too large", frame));
    file.selected_frame = static_cast<uint32_t>(frame);
  }
  return file;
}

ThreadsFile read_threads_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read the threads file '{}'", path));
  std::stringstream text;
  text << in.rdbuf();
  try {
    return parse_threads_json(text.str());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(fmt::format("bad threads file '{}': {}", path, e.what()));
  }
}

}  // namespace heapwalk::plugin::no_attach
