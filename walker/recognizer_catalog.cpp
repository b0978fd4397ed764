#include "walker/recognizer_catalog.h"

#include <filesystem>
#include <mutex>

#include <lldb/API/SBFileSpec.h>
#include <lldb/API/SBModule.h>

#include "typeinfo/recognizers/builtin.h"
#include "typeinfo/recognizers/expression.h"

namespace heapwalk::walker {
namespace {
std::mutex catalog_mutex;
}  // namespace

RecognizerCatalog& RecognizerCatalog::instance() {
  static auto& catalog = *new RecognizerCatalog;  // never destroyed: holds SB objects
  return catalog;
}

std::string rules_beside(lldb::SBTarget target) {
  lldb::SBFileSpec exe = target.GetExecutable();
  char path[4096];
  if (!exe.IsValid() || exe.GetPath(path, sizeof path) == 0) return {};
  return std::string(path) + ".heapwalk.toml";
}

RecognizerCatalog::Entry& RecognizerCatalog::entry(lldb::SBTarget target) {
  for (Entry& e : entries_)
    if (e.target == target) return e;
  entries_.push_back({target, {}, 0, nullptr, {}});
  return entries_.back();
}

void RecognizerCatalog::build(Entry& e) {
  auto rules = std::make_shared<typeinfo::RuleSet>();
  std::vector<RecognizerSource> sources;
  // The user's rules come first: the first match wins, so they override the built-in ones.
  for (const std::string& path : e.loaded) {
    rules->add_file(path);
    sources.push_back({path, "loaded", rules->files().back().rules});
  }
  std::string beside = rules_beside(e.target);
  if (!beside.empty() && std::filesystem::exists(beside)) {
    rules->add_file(beside);
    sources.push_back({beside, "beside the executable", rules->files().back().rules});
  }
  for (const typeinfo::BuiltinRules& builtin : typeinfo::builtin_rules()) {
    rules->add(builtin.text, std::string(builtin.file));
    sources.push_back({std::string(builtin.file), "built in", rules->files().back().rules});
  }
  e.rules = std::move(rules);
  e.sources = std::move(sources);
}

size_t RecognizerCatalog::load(lldb::SBTarget target, const std::string& path) {
  typeinfo::RuleSet check;  // a broken file changes nothing
  check.add_file(path);
  std::lock_guard lock(catalog_mutex);
  Entry& e = entry(target);
  std::string absolute = std::filesystem::absolute(path).string();
  std::erase(e.loaded, absolute);  // loading a file again reads its new contents
  e.loaded.insert(e.loaded.begin(), absolute);
  ++e.generation;
  e.rules.reset();
  return check.rules().size();
}

std::shared_ptr<const typeinfo::RuleSet> RecognizerCatalog::rules(lldb::SBTarget target) {
  std::lock_guard lock(catalog_mutex);
  Entry& e = entry(target);
  if (!e.rules) build(e);
  return e.rules;
}

uint64_t RecognizerCatalog::generation(lldb::SBTarget target) {
  std::lock_guard lock(catalog_mutex);
  return entry(target).generation;
}

std::vector<RecognizerSource> RecognizerCatalog::sources(lldb::SBTarget target) {
  rules(target);
  std::lock_guard lock(catalog_mutex);
  return entry(target).sources;
}

}  // namespace heapwalk::walker
