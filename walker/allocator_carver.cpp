#include "walker/allocator_carver.h"

#include <algorithm>

#include <fmt/format.h>

#include "walker/builtin_allocator_rules.h"

namespace heapwalk::walker {

using typeinfo::AllocatorRule;
using Unit = CarvedUnit;

namespace {

constexpr uint64_t kMaxBlocks = 1u << 16;      // per allocator
constexpr uint64_t kMaxUnits = 1u << 24;       // per block

}  // namespace

void AllocatorCarver::carve(const CompiledAllocator& c, uint64_t a) {
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

void AllocatorCarver::carve_boost_pool(const typeinfo::Container& pool, uint64_t a) {
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

void AllocatorCarver::carve_protobuf_arena(ProtobufArenaCarver& arenas, lldb::SBType type,
                                           uint64_t a) {
  std::vector<CarvedBlock> blocks;
  if (auto why = arenas.carve(a, type, blocks))
    return mismatches.push_back(fmt::format("{} ({} at {:#x})", *why, kProtobufArenaType, a));
  for (CarvedBlock& b : blocks)
    if (carved_.insert(b.chunk).second) out.push_back(std::move(b));
}

std::string AllocatorCarver::heap_units(const CompiledAllocator& c, uint64_t h, uint64_t limit,
                                        CarvedBlock& b) {
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

std::string AllocatorCarver::pool_units(const CompiledAllocator& c, uint64_t d, uint64_t a,
                                        uint64_t start, uint64_t limit, CarvedBlock& b,
                                        uint64_t& stride) {
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

std::string AllocatorCarver::bump_units(const CompiledAllocator& c, uint64_t d, uint64_t a,
                                        uint64_t start, uint64_t limit, CarvedBlock& b) {
  uint64_t used = scoped(c.used, d, a).value_or(~uint64_t{0});
  if (used > limit - start) return fmt::format("{} bytes used of {}", used, limit - start);
  if (used) b.units.push_back({start, used, true, {}});
  if (start + used < limit) b.units.push_back({start + used, limit - start - used, false, {}});
  return {};
}

std::string AllocatorCarver::mark_free(const CompiledAllocator& c,
                                       const std::vector<uint64_t>& descriptors, uint64_t a,
                                       std::vector<CarvedBlock>& blocks,
                                       const std::vector<uint64_t>& starts,
                                       const std::vector<uint64_t>& strides) {
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

void AllocatorCarver::mismatch(const CompiledAllocator& c, std::string what) {
  mismatches.push_back(fmt::format("{} ({})", what, c.name));
}

}  // namespace heapwalk::walker
