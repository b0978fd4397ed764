#include "walker/suballocators.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include <fmt/format.h>

#include "typeinfo/boost_pool.h"
#include "typeinfo/member_lookup.h"
#include "typeinfo/type_names.h"
#include "typeinfo/recognizers/allocator_rules.h"
#include "typeinfo/recognizers/declared.h"
#include "typeinfo/recognizers/expression.h"
#include "walker/allocator_compile.h"
#include "walker/allocator_finder.h"
#include "walker/carved_block.h"
#include "walker/protobuf_arena.h"
#include "walker/roots/roots.h"

namespace heapwalk::walker {
namespace {

using typeinfo::AllocatorRule;
using typeinfo::Expression;

constexpr uint64_t kMaxBlocks = 1u << 16;      // per allocator
constexpr uint64_t kMaxUnits = 1u << 24;       // per block

std::string name_of(lldb::SBType t) { return t.GetName() ? t.GetName() : ""; }

// The built-in allocators, carved in C++ (their links are none a rule can follow): Boost.Pool's
// object_pool<T> (typeinfo/boost_pool.h), whose blocks chain through a (pointer, size) pair at
// each block's end.
const AllocatorRule& boost_pool_rule() {
  static const AllocatorRule rule = [] {
    AllocatorRule r;
    r.patterns = {"boost::object_pool<**>"};
    r.form = AllocatorRule::Form::kPool;
    r.source = {"(built in)", 0};
    return r;
  }();
  return rule;
}

// protobuf's Arena (walker/protobuf_arena.h): its blocks carved into the objects its cleanup
// lists name and the stretches between them.
const AllocatorRule& protobuf_arena_rule() {
  static const AllocatorRule rule = [] {
    AllocatorRule r;
    r.patterns = {kProtobufArenaType};
    r.form = AllocatorRule::Form::kBump;
    r.source = {"(built in)", 0};
    return r;
  }();
  return rule;
}

using Unit = CarvedUnit;

// One block that does not read as the rule says.
struct Mismatch {
  std::string what;
};

class Carver {
 public:
  Carver(const MemoryImage& memory, const AllocationTable& table) : memory_(memory), table_(table) {
    read_ = [this](uint64_t address, void* out, size_t size) { return memory_.read(address, out, size); };
  }

  // Every block of the allocator at `a`; blocks that do not validate are left out (mismatches).
  void carve(const CompiledAllocator& c, uint64_t a) {
    std::vector<uint64_t> descriptors;
    uint64_t base = value(c.blocks, a).value_or(0);
    if (!c.count.empty()) {
      uint64_t n = value(c.count, a).value_or(0);
      if (n > kMaxBlocks) return mismatch(c, fmt::format("{} blocks at {:#x}: too many", n, a));
      for (uint64_t i = 0; base && i < n; ++i) descriptors.push_back(base + i * c.descriptor_size);
    } else {
      std::set<uint64_t> seen;
      for (uint64_t d = base; d;) {
        if (!seen.insert(d).second || seen.size() > kMaxBlocks)
          return mismatch(c, fmt::format("the block list at {:#x} loops", a));
        descriptors.push_back(d);
        d = value(c.next, d).value_or(0);
      }
    }
    std::vector<CarvedBlock> blocks;
    std::vector<uint64_t> starts, strides;  // pools: where units start, their size
    for (uint64_t d : descriptors) {
      CarvedBlock b;
      b.allocator = c.name;
      b.kind = c.rule->kind;
      uint64_t mem = c.memory.empty() ? d : value(c.memory, d).value_or(0);
      auto node = table_.find(mem);
      if (!node || table_.address(*node) != mem) {
        mismatch(c, fmt::format("block {:#x} is no malloc chunk", mem));
        continue;
      }
      b.chunk = mem;
      b.usable = table_.usable_size(*node);
      uint64_t limit = mem + b.usable;
      if (!c.size.empty()) {
        uint64_t size = scoped(c.size, d, a).value_or(~uint64_t{0});
        if (size > b.usable) {
          mismatch(c, fmt::format("block {:#x} says {} bytes, its chunk holds {}", mem, size, b.usable));
          continue;
        }
        limit = mem + size;
      }
      uint64_t first = !c.first.empty() ? scoped(c.first, d, a).value_or(~uint64_t{0})
                       : (c.memory.empty() && c.descriptor_struct ? c.descriptor_size : 0);
      if (first > limit - mem) {
        mismatch(c, fmt::format("block {:#x}: its first unit is past its end", mem));
        continue;
      }
      std::string why;
      uint64_t start = mem + first, stride = 0;
      switch (c.rule->form) {
        case AllocatorRule::Form::kHeap: why = heap_units(c, start, limit, b); break;
        case AllocatorRule::Form::kPool: why = pool_units(c, d, a, start, limit, b, stride); break;
        case AllocatorRule::Form::kBump: why = bump_units(c, d, a, start, limit, b); break;
      }
      if (!why.empty()) {
        mismatch(c, fmt::format("block {:#x}: {}", mem, why));
        continue;
      }
      starts.push_back(start);
      strides.push_back(stride);
      blocks.push_back(std::move(b));
    }
    if (c.free && c.rule->form == AllocatorRule::Form::kPool) {
      std::string why = mark_free(c, descriptors, a, blocks, starts, strides);
      if (!why.empty()) return mismatch(c, fmt::format("the free lists of {} at {:#x}: {}", c.name, a, why));
    }
    for (CarvedBlock& b : blocks)
      if (carved_.insert(b.chunk).second) out.push_back(std::move(b));
  }

  // boost::object_pool<T> at `a`: chunks of alloc_size() from each block's start, the block's
  // next block and its size in the block's last 16 bytes, the free chunks on a list from `first`.
  void carve_boost_pool(const typeinfo::Container& pool, uint64_t a) {
    CompiledAllocator c;
    c.rule = &boost_pool_rule();
    c.name = pool.name;
    c.free = CompiledAllocator::FreeHeads{pool.field[2], 1, false};
    const uint64_t requested = memory_.load<uint64_t>(a + pool.field[3]).value_or(0);
    if (requested != pool.element_size)
      return mismatch(c, fmt::format("requested_size {} is not sizeof({}) = {}", requested,
                                     pool.element_name, pool.element_size));
    const uint64_t stride = (std::max<uint64_t>(requested, 8) + 7) & ~uint64_t{7};  // alloc_size()
    uint64_t block = memory_.load<uint64_t>(a + pool.field[0]).value_or(0);
    uint64_t size = memory_.load<uint64_t>(a + pool.field[1]).value_or(0);
    std::vector<CarvedBlock> blocks;
    std::vector<uint64_t> starts, strides;
    std::set<uint64_t> seen;
    while (block) {
      if (!seen.insert(block).second || seen.size() > kMaxBlocks)
        return mismatch(c, fmt::format("the block list at {:#x} loops", a));
      auto node = table_.find(block);
      if (!node || table_.address(*node) != block)
        return mismatch(c, fmt::format("block {:#x} is no malloc chunk", block));
      if (size < 16 + stride || size > table_.usable_size(*node) || (size - 16) % stride)
        return mismatch(c, fmt::format("block {:#x} says {} bytes: no whole number of {}-byte "
                                       "chunks in its chunk of {}", block, size, stride,
                                       table_.usable_size(*node)));
      CarvedBlock b;
      b.chunk = block;
      b.usable = table_.usable_size(*node);
      b.allocator = c.name;
      b.kind = pool.element_name;
      uint64_t n = (size - 16) / stride;
      if (n > kMaxUnits) return mismatch(c, fmt::format("block {:#x}: too many chunks", block));
      for (uint64_t i = 0; i < n; ++i) b.units.push_back({block + i * stride, stride, true, {}});
      blocks.push_back(std::move(b));
      starts.push_back(block);
      strides.push_back(stride);
      const uint64_t end = block + size;
      auto next = memory_.load<uint64_t>(end - 16), next_size = memory_.load<uint64_t>(end - 8);
      if (!next || !next_size) return mismatch(c, fmt::format("block {:#x} is unreadable", block));
      block = *next;
      size = *next_size;
    }
    std::string why = mark_free(c, {}, a, blocks, starts, strides);
    if (!why.empty()) return mismatch(c, fmt::format("the free list of {} at {:#x}: {}", c.name, a, why));
    for (CarvedBlock& b : blocks)
      if (carved_.insert(b.chunk).second) out.push_back(std::move(b));
  }

  // protobuf's Arena at `a` (walker/protobuf_arena.h).
  void carve_protobuf_arena(ProtobufArenaCarver& arenas, lldb::SBType type, uint64_t a) {
    std::vector<CarvedBlock> blocks;
    if (auto why = arenas.carve(a, type, blocks))
      return mismatches.push_back(fmt::format("{} ({} at {:#x})", *why, kProtobufArenaType, a));
    for (CarvedBlock& b : blocks)
      if (carved_.insert(b.chunk).second) out.push_back(std::move(b));
  }

  std::vector<CarvedBlock> out;
  std::vector<std::string> mismatches;

 private:
  std::optional<uint64_t> value(const Expression& e, uint64_t object) const {
    return e.evaluate(object, read_);
  }
  std::optional<uint64_t> scoped(const Scoped& s, uint64_t descriptor, uint64_t allocator) const {
    return s.e.evaluate(s.on_descriptor ? descriptor : allocator, read_);
  }
  void mismatch(const CompiledAllocator& c, std::string what) {
    mismatches.push_back(fmt::format("{} ({})", what, c.name));
  }

  std::string heap_units(const CompiledAllocator& c, uint64_t h, uint64_t limit, CarvedBlock& b) {
    uint64_t prev = 0;
    while (h + c.header_size <= limit) {
      if (b.units.size() >= kMaxUnits) return "too many units";
      auto size = value(c.unit_size, h);
      auto in_use = value(c.in_use, h);
      if (!size || !in_use) return fmt::format("unit header at {:#x} is unreadable", h);
      if (*size <= c.payload || *size % 8 || *size > limit - h)
        return fmt::format("unit at {:#x} has size {}: the units do not tile the block", h, *size);
      uint64_t next = h + *size;
      bool last = next + c.header_size > limit;
      if (!c.unit_next.empty()) {
        uint64_t link = value(c.unit_next, h).value_or(1);
        if (link != (last ? 0 : next) && !(last && link == next))
          return fmt::format("unit at {:#x} links to {:#x}, the next unit is at {:#x}", h, link,
                             last ? 0 : next);
      }
      if (!c.unit_prev.empty()) {
        uint64_t link = value(c.unit_prev, h).value_or(1);
        if (link != prev)
          return fmt::format("unit at {:#x} links back to {:#x}, the previous unit is at {:#x}", h,
                             link, prev);
      }
      b.units.push_back({h + c.payload, *size - c.payload, *in_use != 0, {}});
      prev = h;
      h = next;
    }
    if (b.units.empty()) return "no unit fits";
    return {};
  }

  std::string pool_units(const CompiledAllocator& c, uint64_t d, uint64_t a, uint64_t start,
                         uint64_t limit, CarvedBlock& b, uint64_t& stride) {
    stride = scoped(c.pool_size, d, a).value_or(0);
    if (stride < 8 || stride > limit - start) return fmt::format("unit size {} does not fit", stride);
    uint64_t n = (limit - start) / stride;
    if (!c.pool_units.empty()) {
      uint64_t declared = scoped(c.pool_units, d, a).value_or(~uint64_t{0});
      if (declared > n) return fmt::format("{} units of {} bytes do not fit", declared, stride);
      n = declared;
    }
    if (n > kMaxUnits) return "too many units";
    for (uint64_t i = 0; i < n; ++i) b.units.push_back({start + i * stride, stride, true, {}});
    return {};
  }

  std::string bump_units(const CompiledAllocator& c, uint64_t d, uint64_t a, uint64_t start,
                         uint64_t limit, CarvedBlock& b) {
    uint64_t used = scoped(c.used, d, a).value_or(~uint64_t{0});
    if (used > limit - start) return fmt::format("{} bytes used of {}", used, limit - start);
    if (used) b.units.push_back({start, used, true, {}});
    if (start + used < limit) b.units.push_back({start + used, limit - start - used, false, {}});
    return {};
  }

  std::string mark_free(const CompiledAllocator& c, const std::vector<uint64_t>& descriptors,
                        uint64_t a, std::vector<CarvedBlock>& blocks,
                        const std::vector<uint64_t>& starts, const std::vector<uint64_t>& strides) {
    std::vector<uint64_t> heads;
    auto read_heads = [&](uint64_t object) {
      for (uint32_t i = 0; i < c.free->count; ++i)
        if (uint64_t p = memory_.load<uint64_t>(object + c.free->offset + 8 * i).value_or(0)) heads.push_back(p);
    };
    if (c.free->on_descriptor) {
      for (uint64_t d : descriptors) read_heads(d);
    } else {
      read_heads(a);
    }
    uint64_t total = 0;
    for (const CarvedBlock& b : blocks) total += b.units.size();
    uint64_t steps = 0;
    for (uint64_t p : heads) {
      while (p) {
        if (++steps > total) return "a free list loops";
        size_t i = 0;
        while (i < blocks.size() && !(p >= starts[i] && p < starts[i] + blocks[i].units.size() * strides[i])) ++i;
        if (i == blocks.size()) return fmt::format("free unit {:#x} is in no block", p);
        if ((p - starts[i]) % strides[i]) return fmt::format("free unit {:#x} is no unit's start", p);
        Unit& u = blocks[i].units[(p - starts[i]) / strides[i]];
        if (!u.live) return fmt::format("free unit {:#x} is on the free lists twice", p);
        u.live = false;
        auto next = memory_.load<uint64_t>(p);
        if (!next) return fmt::format("free unit {:#x} is unreadable", p);
        p = *next;
      }
    }
    return {};
  }

  const MemoryImage& memory_;
  const AllocationTable& table_;
  Expression::Read read_;
  std::set<uint64_t> carved_;
};

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

  Carver carver(memory, heap.in_use);
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

  std::sort(carver.out.begin(), carver.out.end(),
            [](const CarvedBlock& x, const CarvedBlock& y) { return x.chunk < y.chunk; });
  const AllocationTable& old = heap.in_use;
  AllocationTable table;
  std::vector<HeapRange> ranges;
  size_t next = 0;
  for (NodeId n = 0; n < old.size(); ++n) {
    uint64_t address = old.address(n);
    if (next == carver.out.size() || carver.out[next].chunk != address) {
      table.add_flagged(address, old.usable_size(n), old.flags(n));
      continue;
    }
    const CarvedBlock& b = carver.out[next++];
    SubBlock sub;
    sub.address = b.chunk;
    sub.usable = b.usable;
    sub.allocator = b.allocator;
    sub.mmapped = old.mmapped(n);
    sub.head = b.units.front().address - b.chunk;
    sub.closed = b.closed;
    if (sub.head) {
      // A head the allocator names is also a unit, so that its kind is declared.
      const uint8_t named = b.head_kind.empty() ? 0 : AllocationTable::kUnit;
      table.add_flagged(b.chunk, sub.head,
                        AllocationTable::kBlockHead | named | (old.mmapped(n) ? AllocationTable::kMmapped : 0));
      if (named) table.unit_kinds.push_back({b.chunk, b.head_kind});
    }
    for (const Unit& u : b.units) {
      if (u.live) {
        table.add_flagged(u.address, u.size, AllocationTable::kUnit);
        sub.live_units += 1;
        sub.live_bytes += u.size;
        if (!u.kind.empty()) table.unit_kinds.push_back({u.address, u.kind});
        else if (!b.kind.empty()) table.unit_kinds.push_back({u.address, b.kind});
      } else {
        table.free_units.push_back({u.address, u.size});
        sub.free_units += 1;
        sub.free_bytes += u.size;
      }
    }
    table.sub_blocks.push_back(std::move(sub));
    ranges.push_back({b.chunk, b.chunk + b.usable});
  }
  table.finish();
  heap.in_use = std::move(table);
  return ranges;
}

}  // namespace heapwalk::walker
