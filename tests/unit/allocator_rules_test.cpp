// [[allocator]] rules (a program's own allocators): parsing, with errors that name the line; and
// the allocation table holding units and block heads (find, holds_exactly, parent).
#include <catch2/catch.hpp>

#include <string>

#include "typeinfo/recognizers/allocator_rules.h"
#include "typeinfo/recognizers/expression.h"
#include "typeinfo/recognizers/rules.h"
#include "walker/malloc/allocation_table.h"

using namespace heapwalk;
using typeinfo::AllocatorRule;

TEST_CASE("allocator rules: the three forms, beside [[recognizer]]", "[recognizers][suballoc]") {
  typeinfo::RuleSet rules;
  rules.add(R"(
[[allocator]]
type = "eng::HeapAllocator"
blocks = "blocks_"
next = "next"
size = "size"
  [allocator.heap]
  header = "eng::UnitHeader"
  size = "size"
  in_use = "allocated"
  next = "next"
  prev = "prev"

[[allocator]]
type = ["eng::PoolAllocator", "Pool<*>"]
blocks = "chunks_"
next = "next"
  [allocator.pool]
  unit_size = "unit_size"
  units = 64
  free = "free_lists_"

[[allocator]]
type = "eng::FrameAllocator"
blocks = "base_"
count = 1
  [allocator.bump]
  used = "offset_"
  kind = "frame scratch"

[[recognizer]]
type = "A"
  [[recognizer.pointer]]
  field = "p"
  to = "B"
)", "engine.toml");
  REQUIRE(rules.allocators().size() == 3);
  CHECK(rules.rules().size() == 1);
  CHECK(rules.files().back().rules == 4);
  const AllocatorRule& heap = rules.allocators()[0];
  CHECK(heap.form == AllocatorRule::Form::kHeap);
  CHECK(heap.blocks == "blocks_");
  CHECK(heap.size == "size");
  CHECK(heap.header == "eng::UnitHeader");
  CHECK(heap.unit_size == "size");
  CHECK(heap.in_use == "allocated");
  CHECK(heap.unit_next == "next");
  CHECK(heap.unit_prev == "prev");
  CHECK(heap.source.text() == "engine.toml:2");
  const AllocatorRule& pool = rules.allocators()[1];
  CHECK(pool.form == AllocatorRule::Form::kPool);
  CHECK(pool.patterns.size() == 2);
  CHECK(pool.units == "64");
  CHECK(pool.free == "free_lists_");
  const AllocatorRule& bump = rules.allocators()[2];
  CHECK(bump.form == AllocatorRule::Form::kBump);
  CHECK(bump.count == "1");
  CHECK(bump.kind == "frame scratch");
}

TEST_CASE("allocator rules: mistakes are one error with the file and line", "[recognizers][suballoc]") {
  auto error_of = [](const char* text) {
    typeinfo::RuleSet rules;
    try {
      rules.add(text, "bad.toml");
    } catch (const typeinfo::RecognizerError& e) {
      CHECK(rules.allocators().empty());
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  CHECK(error_of("[[allocator]]\ntype = \"P\"\nblocks = \"b\"\nnext = \"n\"\n[allocator.pool]\nunit_sise = \"s\"\n")
            .starts_with("bad.toml:6: unknown key 'unit_sise' in [allocator.pool]"));
  CHECK(error_of("[[allocator]]\ntype = \"P\"\nblocks = \"b\"\n[allocator.pool]\nunit_size = \"s\"\n")
            .starts_with("bad.toml:1: [[allocator]] needs one of 'next'"));
  CHECK(error_of("[[allocator]]\ntype = \"P\"\nblocks = \"b\"\nnext = \"n\"\n")
            .starts_with("bad.toml:1: [[allocator]] needs exactly one of"));
  CHECK(error_of("[[allocator]]\ntype = \"P\"\nnext = \"n\"\n[allocator.bump]\nused = \"u\"\n")
            .starts_with("bad.toml:1: [[allocator]] needs 'blocks'"));
  CHECK(error_of("[[allocator]]\ntype = \"P\"\nblocks = \"b\"\nnext = \"n\"\n[allocator.heap]\nheader = \"H\"\nsize = \"s\"\n")
            .starts_with("bad.toml:5: [allocator.heap] needs 'in_use'"));
}

TEST_CASE("allocation table: a block's head and units, free units in no allocation", "[suballoc]") {
  walker::AllocationTable table;
  // A 1000-byte block at 0x1000: head [0x1000, 0x1030), units at 0x1030 (64) and 0x1090 (free,
  // 64, not in the table), 0x10f0 (96); another chunk after it.
  table.add(0x2000, 24);
  table.add_flagged(0x1000, 0x30, walker::AllocationTable::kBlockHead);
  table.add_flagged(0x1030, 64, walker::AllocationTable::kUnit);
  table.add_flagged(0x10f0, 96, walker::AllocationTable::kUnit);
  table.free_units.push_back({0x1090, 64});
  table.sub_blocks.push_back({0x1000, 1000, 0x30, 2, 160, 1, 64, "Pool", false});
  table.finish();
  REQUIRE(table.size() == 4);
  CHECK(table.find(0x1008) == 0u);     // the head
  CHECK(table.find(0x1040) == 1u);     // a live unit
  CHECK_FALSE(table.find(0x1070));     // the header between units: no allocation
  CHECK_FALSE(table.find(0x10a0));     // a free unit: no allocation
  CHECK(table.find(0x1100) == 2u);
  CHECK(table.block_head(0));
  CHECK(table.unit(1));
  CHECK(table.parent(1) == &table.sub_blocks[0]);
  CHECK(table.parent(3) == nullptr);
  CHECK(table.holds_exactly(0, 16));   // a descriptor at the head's start
  CHECK(table.holds_exactly(1, 40));   // more than half of the unit
  CHECK_FALSE(table.holds_exactly(1, 24));
  CHECK(table.sub_blocks[0].header_bytes() == 1000 - 160 - 64);
}
