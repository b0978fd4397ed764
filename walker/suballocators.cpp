#include "walker/suballocators.h"

#include <map>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "typeinfo/boost_pool.h"
#include "typeinfo/recognizers/allocator_rules.h"
#include "walker/allocator_carver.h"
#include "walker/allocator_compile.h"
#include "walker/allocator_finder.h"
#include "walker/builtin_allocator_rules.h"
#include "walker/carved_table.h"
#include "walker/protobuf_arena.h"
#include "walker/roots/roots.h"

namespace heapwalk::walker {
namespace {

using typeinfo::AllocatorRule;

std::string name_of(lldb::SBType t) { return t.GetName() ? t.GetName() : ""; }

// Whether any allocator type could be in the program (a rule with a wildcard always could).
bool any_allocator_type(lldb::SBTarget& target, const std::vector<AllocatorRule>& rules) {
  for (const AllocatorRule& rule : rules)
    for (const std::string& pattern : rule.patterns)
      if (pattern.find('*') != std::string::npos || target.FindFirstType(pattern.c_str()).IsValid())
        return true;
  return false;
}

}  // namespace

std::vector<HeapRange> carve_suballocators(lldb::SBTarget target, const MemoryImage& memory,
                                           const GlibcLayout& glibc, MallocHeap& heap,
                                           typeinfo::TypeRegistry& types) {
  std::vector<AllocatorRule> rules;
  const std::vector<AllocatorRule>& declared = types.rules().allocators();
  if (!declared.empty() && any_allocator_type(target, declared)) rules = declared;
  // An object_pool<T> allocates through one of Boost's two user allocators (a program's own
  // user allocator is not looked for): without them, no pool to look for.
  const bool boost_pools =
      target.FindFirstType("boost::default_user_allocator_new_delete").IsValid() ||
      target.FindFirstType("boost::default_user_allocator_malloc_free").IsValid();
  if (boost_pools) rules.push_back(boost_pool_rule());
  const bool protobuf_arenas = target.FindFirstType(kProtobufArenaType).IsValid();
  if (protobuf_arenas) rules.push_back(protobuf_arena_rule());
  if (rules.empty()) return {};
  // The built-in ones are last (the finder matches the rules' copies, in this vector).
  const AllocatorRule* builtin_arena = protobuf_arenas ? &rules.back() : nullptr;
  const AllocatorRule* builtin_pool = boost_pools ? &rules[rules.size() - 1 - protobuf_arenas] : nullptr;
  const std::vector<Root> roots = static_roots(target, memory, glibc.version);
  std::vector<FoundAllocator> found = find_allocators(memory, types, rules, roots);
  if (found.empty()) return {};

  AllocatorCarver carver(memory, heap.in_use);
  ProtobufArenaCarver arenas(target, memory, heap.in_use, types, roots);
  std::map<std::pair<const AllocatorRule*, std::string>, CompiledAllocator> compiled;
  for (const FoundAllocator& f : found) {
    if (f.rule == builtin_pool) {
      if (auto pool = typeinfo::recognize_boost_pool(types.complete(f.type), types))
        carver.carve_boost_pool(*pool, f.address);
      continue;
    }
    if (f.rule == builtin_arena) {
      carver.carve_protobuf_arena(arenas, types.complete(f.type), f.address);
      continue;
    }
    auto key = std::make_pair(f.rule, name_of(f.type));
    auto it = compiled.find(key);
    try {
      if (it == compiled.end()) it = compiled.emplace(key, compile_allocator(*f.rule, f.type, types)).first;
    } catch (const typeinfo::RecognizerError& e) {
      types.add_problem(e.what());
      continue;
    }
    carver.carve(it->second, f.address);
  }
  if (!carver.mismatches.empty())
    heap.warnings.push_back(fmt::format(
        "the program's allocators did not read as their rules say ({} problem{}); the blocks "
        "concerned count as one allocation each: {}{}",
        carver.mismatches.size(), carver.mismatches.size() == 1 ? "" : "s", carver.mismatches.front(),
        carver.mismatches.size() > 1 ? "; …" : ""));
  if (carver.out.empty()) return {};

  std::vector<HeapRange> ranges;
  heap.in_use = with_carved_units(heap.in_use, std::move(carver.out), ranges);
  return ranges;
}

}  // namespace heapwalk::walker
