// HeapReach over synthetic memory with layouts from tests/unit/layout_fixture: how the typed walk
// reads each allocation (exact fit, arrays with and without cookie, vptrs, interior pointers),
// what the conservative scan adds, and what neither may reach (dead container storage).
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "layout_world.h"

using namespace heapwalk;
using test::World;

namespace {

constexpr uint64_t H = World::kHeap, S = World::kStatic;

// A root: a typed pointer held at `slot` in static storage.
void pointer_root(World& w, uint64_t slot, uint64_t target) { w.put(slot, target); }

// Leaves: plain 24-byte allocations (an int each) nothing else points at.
uint64_t leaf(World& w, uint64_t address) { return w.alloc(address, 24); }

}  // namespace

TEST_CASE("walk: a polymorphic list is typed by each node's own vtable", "[walk][reach]") {
  World w;
  REQUIRE(w.program.valid());
  uint64_t n1 = w.alloc(H, 24), n2 = w.alloc(H + 0x100, 40), n3 = w.alloc(H + 0x200, 24);
  uint64_t l1 = leaf(w, H + 0x400), l2 = leaf(w, H + 0x500), x = leaf(w, H + 0x600),
           l3 = leaf(w, H + 0x700);
  uint64_t pnode = w.program.vptr("PNode"), derived = w.program.vptr("PNodeDerived");
  REQUIRE(pnode);
  REQUIRE(derived);
  w.put(n1, pnode), w.put(n1 + 8, n2), w.put(n1 + 16, l1);
  w.put(n2, derived), w.put(n2 + 8, n3), w.put(n2 + 16, l2), w.put(n2 + 24, x);
  w.put(n3, pnode), w.put(n3 + 16, l3);
  pointer_root(w, S, n1);
  auto layout = w.pointer_id("PNode");
  auto r = w.run([&](walker::HeapReach& reach) { reach.add_typed_root(S, layout); });
  CHECK(r.kind(n1) == "PNode");
  CHECK(r.kind(n2) == "PNodeDerived");
  CHECK(r.kind(n3) == "PNode");
  for (uint64_t l : {l1, l2, l3, x}) {
    CHECK(r.kind(l) == "Leaf");
    CHECK(r.typed(l));
  }
  // `extra` exists only in the dynamic type: reached typed, not by scanning the node.
  CHECK_FALSE(r.conservative(x));
}

TEST_CASE("walk: a pointer to a second base finds the complete object through offset-to-top",
          "[walk][reach]") {
  World w;
  uint64_t mc = w.alloc(H, 40);  // MA 0, MB 16, c 32
  uint64_t a = leaf(w, H + 0x100), b = leaf(w, H + 0x200), c = leaf(w, H + 0x300);
  uint64_t primary = w.program.vptr("MC"), secondary = w.program.secondary_vptr("MC", -16);
  REQUIRE(primary);
  REQUIRE(secondary);
  w.put(mc, primary), w.put(mc + 8, a);
  w.put(mc + 16, secondary), w.put(mc + 24, b);
  w.put(mc + 32, c);
  pointer_root(w, S, mc + 16);  // an MB*
  auto layout = w.pointer_id("MB");
  auto r = w.run([&](walker::HeapReach& reach) { reach.add_typed_root(S, layout); });
  CHECK(r.kind(mc) == "MC");
  CHECK(r.typed(mc));
  for (uint64_t l : {a, b, c}) CHECK(r.kind(l) == "Leaf");
}

TEST_CASE("walk: a pointer to a virtual base finds the diamond that holds it", "[walk][reach]") {
  World w;
  // Diamond (104 bytes, exact fit): Left 0 (vptr, l 8), Right 16 (vptr, r 24), d 32,
  // VBase 40 (vptr, name 48, values 80).
  uint64_t diamond = w.alloc(H, 104), values = w.alloc(H + 0x200, 24);
  uint64_t l = leaf(w, H + 0x400), r_leaf = leaf(w, H + 0x500), d = leaf(w, H + 0x600);
  uint64_t primary = w.program.vptr("Diamond");
  uint64_t right = w.program.secondary_vptr("Diamond", -16);
  uint64_t vbase = w.program.secondary_vptr("Diamond", -40);
  REQUIRE(primary);
  REQUIRE(right);
  REQUIRE(vbase);
  w.put(diamond, primary), w.put(diamond + 8, l);
  w.put(diamond + 16, right), w.put(diamond + 24, r_leaf);
  w.put(diamond + 32, d);
  w.put(diamond + 40, vbase);
  w.put(diamond + 48, diamond + 64);  // name: a short string in place
  w.put(diamond + 80, values), w.put(diamond + 88, values + 12), w.put(diamond + 96, values + 16);
  pointer_root(w, S, diamond + 40);  // a VBase*
  auto layout = w.pointer_id("VBase");
  auto r = w.run([&](walker::HeapReach& reach) { reach.add_typed_root(S, layout); });
  CHECK(r.kind(diamond) == "Diamond");
  CHECK(r.typed(diamond));
  for (uint64_t x : {l, r_leaf, d}) CHECK(r.kind(x) == "Leaf");
  CHECK(r.kind(values) == "int[]");
}

TEST_CASE("walk: an exact-fit chunk trusts its type, a larger chunk is scanned whole",
          "[walk][reach]") {
  World w;
  // Plain is 32 bytes: malloc(32) gives 40 usable, so [32, 40) is slack.
  uint64_t exact = w.alloc(H, 40), larger = w.alloc(H + 0x100, 56);
  uint64_t l1 = leaf(w, H + 0x400), in_double = leaf(w, H + 0x500), in_slack = leaf(w, H + 0x600);
  uint64_t l2 = leaf(w, H + 0x700), in_double2 = leaf(w, H + 0x800);
  w.put(exact, l1), w.put(exact + 8, in_double), w.put(exact + 32, in_slack);
  w.put(larger, l2), w.put(larger + 8, in_double2);
  pointer_root(w, S, exact);
  pointer_root(w, S + 8, larger);
  auto layout = w.pointer_id("Plain");
  auto r = w.run([&](walker::HeapReach& reach) {
    reach.add_typed_root(S, layout);
    reach.add_typed_root(S + 8, layout);
  });
  CHECK(r.kind(exact) == "Plain");
  CHECK(r.kind(l1) == "Leaf");
  CHECK(r.kind(in_double) == "-");  // a double of a trusted Plain is not a pointer
  CHECK(r.kind(in_slack) == "<conservative>");
  CHECK(r.conservative(in_slack));
  CHECK(r.kind(larger) == "Plain");
  CHECK(r.kind(l2) == "Leaf");
  CHECK(r.kind(in_double2) == "<conservative>");  // the type may be wrong: every word scanned
}

TEST_CASE("walk: T* to new T[n] of a trivial T is an array: every element walked", "[walk][reach]") {
  World w;
  uint64_t array = w.alloc(H, 104);  // malloc(3 * 32)
  uint64_t leaves[3] = {leaf(w, H + 0x400), leaf(w, H + 0x500), leaf(w, H + 0x600)};
  uint64_t in_double = leaf(w, H + 0x700);
  for (int i = 0; i < 3; ++i) w.put(array + 32 * i, leaves[i]);
  w.put(array + 32 + 8, in_double);
  pointer_root(w, S, array);
  auto layout = w.pointer_id("Plain");
  auto r = w.run([&](walker::HeapReach& reach) { reach.add_typed_root(S, layout); });
  CHECK(r.kind(array) == "Plain[]");
  for (uint64_t l : leaves) {
    CHECK(r.kind(l) == "Leaf");
    CHECK(r.typed(l));
  }
  CHECK(r.reached(in_double));  // n is a guess from the size: the block is scanned too
}

TEST_CASE("walk: T* to new T[n] with a cookie: 8 bytes in, n from the cookie", "[walk][reach]") {
  World w;
  uint64_t array = w.alloc(H, 56);  // malloc(8 + 3 * 16)
  uint64_t leaves[3] = {leaf(w, H + 0x400), leaf(w, H + 0x500), leaf(w, H + 0x600)};
  w.put(array, 3);
  for (int i = 0; i < 3; ++i) w.put(array + 8 + 16 * i, leaves[i]);
  pointer_root(w, S, array + 8);
  auto layout = w.pointer_id("Owned");
  auto r = w.run([&](walker::HeapReach& reach) { reach.add_typed_root(S, layout); });
  CHECK(r.kind(array) == "Owned[]");
  CHECK(r.typed(array));
  for (uint64_t l : leaves) {
    CHECK(r.kind(l) == "Leaf");
    CHECK(r.typed(l));
  }
}

TEST_CASE("walk: new T[n] with a cookie of a polymorphic T is an array of T",
          "[walk][reach]") {
  World w;
  uint64_t array = w.alloc(H, 40);  // new Poly[2]: malloc(8 + 2 * 16)
  uint64_t a = leaf(w, H + 0x400), b = leaf(w, H + 0x500);
  uint64_t vptr = w.program.vptr("Poly");
  REQUIRE(vptr);
  w.put(array, 2);
  w.put(array + 8, vptr), w.put(array + 16, a);
  w.put(array + 24, vptr), w.put(array + 32, b);
  pointer_root(w, S, array + 8);
  auto layout = w.pointer_id("Poly");
  auto r = w.run([&](walker::HeapReach& reach) { reach.add_typed_root(S, layout); });
  CHECK(r.kind(array) == "Poly[]");
  CHECK(r.kind(a) == "Leaf");
  CHECK(r.kind(b) == "Leaf");  // the second element is walked typed
}

TEST_CASE("walk: a flexible array member runs to the end of the allocation", "[walk][reach]") {
  World w;
  // Flex {size_t n; Leaf* items[];}: malloc(8 + 4 * 8) gives 40 usable; n is scanned (size_t).
  uint64_t flex = w.alloc(H, 40);
  uint64_t leaves[4] = {leaf(w, H + 0x400), leaf(w, H + 0x500), leaf(w, H + 0x600),
                        leaf(w, H + 0x700)};
  w.put(flex, 4);
  for (int i = 0; i < 4; ++i) w.put(flex + 8 + 8 * i, leaves[i]);
  pointer_root(w, S, flex);
  auto layout = w.pointer_id("Flex");
  auto r = w.run([&](walker::HeapReach& reach) { reach.add_typed_root(S, layout); });
  CHECK(r.kind(flex) == "Flex");  // never an array of itself
  for (uint64_t l : leaves) {
    CHECK(r.kind(l) == "Leaf");
    CHECK(r.typed(l));
  }
}

TEST_CASE("walk: the cookie rule does not fire for a type without destructor", "[walk][reach]") {
  World w;
  // 40 usable holds exactly 8 + 1 * 32 and the first word is 1, but Plain has no destructor:
  // a Plain* 8 bytes in is an interior pointer into something unknown.
  uint64_t block = w.alloc(H, 40);
  uint64_t l = leaf(w, H + 0x400);
  w.put(block, 1);
  w.put(block + 8, l);
  pointer_root(w, S, block + 8);
  auto layout = w.pointer_id("Plain");
  auto r = w.run([&](walker::HeapReach& reach) { reach.add_typed_root(S, layout); });
  CHECK(r.kind(block) == "<conservative>");
  CHECK(r.conservative(block));
  CHECK_FALSE(r.typed(block));
  CHECK(r.kind(l) == "Leaf");  // what the pointer says is there is still walked
}

TEST_CASE("walk: an interior pointer is named by the vptr at the allocation's start, or is "
          "conservative",
          "[walk][reach]") {
  World w;
  uint64_t poly = w.alloc(H, 40), plain = w.alloc(H + 0x100, 40);
  uint64_t pa = leaf(w, H + 0x400), pm = leaf(w, H + 0x500), pb = leaf(w, H + 0x600);
  uint64_t qa = leaf(w, H + 0x700), qd = leaf(w, H + 0x800), qm = leaf(w, H + 0x900),
           qb = leaf(w, H + 0xa00);
  uint64_t vptr = w.program.vptr("OuterPoly");
  REQUIRE(vptr);
  w.put(poly, vptr), w.put(poly + 8, pa), w.put(poly + 16, pm), w.put(poly + 24, pb);
  w.put(plain, qa), w.put(plain + 8, qd), w.put(plain + 16, qm), w.put(plain + 24, qb);
  pointer_root(w, S, poly + 16);  // Member* into each
  pointer_root(w, S + 8, plain + 16);
  auto layout = w.pointer_id("Member");
  auto r = w.run([&](walker::HeapReach& reach) {
    reach.add_typed_root(S, layout);
    reach.add_typed_root(S + 8, layout);
  });
  CHECK(r.kind(poly) == "OuterPoly");
  CHECK(r.typed(poly));
  for (uint64_t l : {pa, pm, pb}) {
    CHECK(r.kind(l) == "Leaf");
    CHECK(r.typed(l));
  }
  CHECK(r.kind(plain) == "<conservative>");
  CHECK_FALSE(r.typed(plain));
  CHECK(r.kind(qm) == "Leaf");  // the Member the pointer names
  for (uint64_t l : {qa, qd, qb}) CHECK(r.kind(l) == "<conservative>");  // the whole block
}

TEST_CASE("walk: dead storage reaches nothing: spare capacity, disengaged optional, inactive "
          "variant alternative",
          "[walk][reach]") {
  World w;
  uint64_t buffer = w.alloc(H, 40);  // reserve(4) of Leaf*: malloc(32)
  uint64_t live = leaf(w, H + 0x400), spare = leaf(w, H + 0x500), off = leaf(w, H + 0x600),
           on = leaf(w, H + 0x700), as_long = leaf(w, H + 0x800), as_int = leaf(w, H + 0x900),
           as_pointer = leaf(w, H + 0xa00);
  // Traps in static storage (libstdc++ 12: vector start/finish/end; optional<T*> value, engaged;
  // variant<…> storage, index).
  w.put(S + 0, buffer), w.put(S + 8, buffer + 8), w.put(S + 16, buffer + 32);
  w.put(buffer, live), w.put(buffer + 16, spare);
  w.put(S + 24, off), w.put(S + 32, 0);            // disengaged
  w.put(S + 40, on), w.put(S + 48, 1);             // engaged
  w.put(S + 56, as_long), w.put(S + 64, 0);        // variant<long, Leaf*>: the long is active
  w.put(S + 72, as_int), w.put(S + 80, 0);         // variant<int, Leaf*>: the int is active
  w.put(S + 88, as_pointer), w.put(S + 96, 1);     // variant<int, Leaf*>: the pointer is active
  auto r = w.run_from("Traps");
  CHECK(r.kind(buffer) == "Leaf*[]");
  CHECK(r.kind(live) == "Leaf");
  CHECK(r.kind(spare) == "-");
  CHECK(r.kind(off) == "-");
  CHECK(r.kind(on) == "Leaf");
  CHECK(r.reached(as_long));  // an active long may hold an address: scanned
  CHECK(r.kind(as_int) == "-");
  CHECK(r.kind(as_pointer) == "Leaf");
}

TEST_CASE("walk: void* targets are reached conservatively, and what they hold, to a fixpoint",
          "[walk][reach]") {
  World w;
  uint64_t opaque = w.alloc(H, 24), x = w.alloc(H + 0x100, 24), y = w.alloc(H + 0x200, 24);
  uint64_t node = w.alloc(H + 0x300, 24);
  uint64_t q = leaf(w, H + 0x400), payload = leaf(w, H + 0x500);
  uint64_t vptr = w.program.vptr("PNode");
  REQUIRE(vptr);
  w.put(opaque, x), w.put(opaque + 8, q);
  w.put(x, y), w.put(x + 8, node);  // x and y point at each other
  w.put(y, x);
  w.put(node, vptr), w.put(node + 16, payload);
  pointer_root(w, S, opaque);
  auto layout = w.pointer_id("Opaque");
  auto r = w.run([&](walker::HeapReach& reach) { reach.add_typed_root(S, layout); });
  CHECK(r.kind(opaque) == "Opaque");
  CHECK(r.kind(q) == "Leaf");
  CHECK(r.kind(x) == "<conservative>");
  CHECK(r.conservative(x));
  CHECK(r.kind(y) == "<conservative>");
  // Found by a scanned word, named by its own vtable, then walked typed.
  CHECK(r.kind(node) == "PNode");
  CHECK(r.typed(node));
  CHECK(r.kind(payload) == "Leaf");
  CHECK(r.typed(payload));
}

TEST_CASE("walk: 8-byte integers are scanned, 4-byte ones are not", "[walk][reach]") {
  World w;
  uint64_t a = leaf(w, H), b = leaf(w, H + 0x100), c = leaf(w, H + 0x200), d = leaf(w, H + 0x300);
  w.put(S, a), w.put(S + 8, b), w.put(S + 16, c);  // intptr_t, unsigned long, size_t
  w.put_as<uint32_t>(S + 24, static_cast<uint32_t>(d));  // int: the heap is below 4 GiB here
  auto r = w.run_from("Handles");
  CHECK(r.kind(a) == "<conservative>");
  CHECK(r.kind(b) == "<conservative>");
  CHECK(r.kind(c) == "<conservative>");
  CHECK(r.kind(d) == "-");
}

TEST_CASE("walk: weak edges keep nothing alive in partitions, everything in leak mode",
          "[walk][reach]") {
  // WeakHolder at S (weak_ptr: object, control block); SharedHolder at S + 0x100 (shared_ptr
  // to a separately allocated object) and at S + 0x200 (make_shared).
  auto build = [](World& w, uint64_t& weak_object, uint64_t& weak_block, uint64_t& object,
                  uint64_t& block, uint64_t& in_place) {
    weak_object = leaf(w, H), weak_block = w.alloc(H + 0x100, 24);
    object = leaf(w, H + 0x200), block = w.alloc(H + 0x300, 24);
    in_place = w.alloc(H + 0x400, 24);
    uint64_t counted = w.program.vptr("std::_Sp_counted_ptr<Leaf*, (__gnu_cxx::_Lock_policy)2>");
    uint64_t inplace = w.program.vptr(
        "std::_Sp_counted_ptr_inplace<Leaf, std::allocator<void>, (__gnu_cxx::_Lock_policy)2>");
    REQUIRE(counted);
    REQUIRE(inplace);
    w.put(S, weak_object), w.put(S + 8, weak_block);
    w.put(weak_block, counted), w.put(weak_block + 8, 0x0000000100000001), w.put(weak_block + 16, weak_object);
    w.put(S + 0x100, object), w.put(S + 0x108, block);
    w.put(block, counted), w.put(block + 8, 0x0000000100000001), w.put(block + 16, object);
    w.put(S + 0x200, in_place + 16), w.put(S + 0x208, in_place);
    w.put(in_place, inplace), w.put(in_place + 8, 0x0000000100000001);
  };
  auto roots = [](World& w) {
    auto weak = w.id("WeakHolder"), shared = w.id("SharedHolder");
    return [=](walker::HeapReach& reach) {
      reach.add_typed_root(S, weak);
      reach.add_typed_root(S + 0x100, shared);
      reach.add_typed_root(S + 0x200, shared);
    };
  };
  const std::string control = "std::shared_ptr<Leaf> control block";
  SECTION("partition: follow_weak = false") {
    World w;
    uint64_t weak_object, weak_block, object, block, in_place;
    build(w, weak_object, weak_block, object, block, in_place);
    walker::ReachOptions options;
    options.follow_weak = false;
    auto r = w.run(roots(w), options);
    CHECK(r.kind(weak_block) == control);
    CHECK(r.kind(weak_object) == "-");  // only the weak_ptr and its block point at it
    CHECK(r.kind(block) == control);
    CHECK(r.kind(object) == "Leaf");
    CHECK(r.kind(in_place) == "Leaf (make_shared)");
  }
  SECTION("leaks: follow_weak = true") {
    World w;
    uint64_t weak_object, weak_block, object, block, in_place;
    build(w, weak_object, weak_block, object, block, in_place);
    auto r = w.run(roots(w));
    CHECK(r.kind(weak_block) == control);
    CHECK(r.kind(weak_object) == "Leaf");
    CHECK(r.kind(block) == control);
    CHECK(r.kind(object) == "Leaf");
    CHECK(r.kind(in_place) == "Leaf (make_shared)");
  }
}

TEST_CASE("walk: a cycle of typed pointers ends", "[walk][reach]") {
  World w;
  uint64_t a = w.alloc(H, 24), b = w.alloc(H + 0x100, 24);
  uint64_t la = leaf(w, H + 0x400), lb = leaf(w, H + 0x500);
  w.put(a, b), w.put(a + 8, la);
  w.put(b, a), w.put(b + 8, lb);
  pointer_root(w, S, a);
  auto layout = w.pointer_id("CycleNode");
  auto r = w.run([&](walker::HeapReach& reach) { reach.add_typed_root(S, layout); });
  CHECK(r.kind(a) == "CycleNode");
  CHECK(r.kind(b) == "CycleNode");
  CHECK(r.kind(la) == "Leaf");
  CHECK(r.kind(lb) == "Leaf");
}

TEST_CASE("walk: a pointer to an incomplete type names the block and scans it", "[walk][reach]") {
  World w;
  uint64_t block = w.alloc(H, 40), inside = leaf(w, H + 0x100);
  w.put(S, block);
  w.put(block + 16, inside);
  auto r = w.run_from("HasIncomplete");
  CHECK(r.kind(block) == "Incomplete");
  CHECK(r.kind(inside) == "<conservative>");
}

TEST_CASE("walk: a hook into the middle, then the owning pointer: the owner adds its edges",
          "[walk][reach]") {
  World w;
  uint64_t ref = w.alloc(H, 24), item = w.alloc(H + 0x100, 24);  // Item is 24: exact fit
  uint64_t a = leaf(w, H + 0x400), b = leaf(w, H + 0x500);
  w.put(S, ref);         // HookRoots::ref
  w.put(S + 8, item + 8);  // HookRoots::hook: walked first (the walk is LIFO)
  w.put(ref, item);
  w.put(item, a), w.put(item + 16, b);
  auto r = w.run_from("HookRoots");
  CHECK(r.kind(item) == "Item");  // the typed owner outranks the interior hook
  CHECK(r.typed(item));
  CHECK(r.kind(a) == "Leaf");
  CHECK(r.typed(a));
  CHECK(r.kind(b) == "Leaf");
  CHECK(r.typed(b));
}

TEST_CASE("walk: an unordered_map node of an over-aligned value is read at its real offset",
          "[walk][reach]") {
  // unordered_map<int, Aligned>: the node is {next, pad, pair<const int, Aligned>} with the pair
  // at 16 (alignof 16) and Aligned::p at 32. A wrong value offset reads the wrong words and
  // trusts the node's bytes, so the Leaf would be lost.
  World w;
  uint64_t buckets = w.alloc(H, 24), node = w.alloc(H + 0x100, 72);  // malloc(64)
  uint64_t l = leaf(w, H + 0x400);
  w.put(S, buckets), w.put(S + 8, 2), w.put(S + 16, node), w.put(S + 24, 1);
  w.put(buckets + 8, S + 16);
  w.put(node + 16, 7);  // key
  w.put(node + 32, l);  // value.p
  auto r = w.run_from("AlignedMap");
  CHECK(r.reached(node));
  CHECK(r.kind(l) == "Leaf");
}

TEST_CASE("walk: a word in an alignas gap of a trusted object is scanned",
          "[walk][reach]") {
  // Aligned {Leaf* p; alignas(16) int x;}: [8, 16) and [24, 32) belong to no member. In an
  // exact-fit chunk (malloc(32): 40 usable) only the type's untyped ranges and the slack are
  // scanned, so those words must be among the untyped ranges.
  World w;
  uint64_t block = w.alloc(H, 40);
  uint64_t p = leaf(w, H + 0x100), in_gap = leaf(w, H + 0x200), in_tail = leaf(w, H + 0x300);
  w.put(block, p), w.put(block + 8, in_gap), w.put(block + 24, in_tail);
  pointer_root(w, S, block);
  auto layout = w.pointer_id("Aligned");
  auto r = w.run([&](walker::HeapReach& reach) { reach.add_typed_root(S, layout); });
  CHECK(r.kind(block) == "Aligned");
  CHECK(r.kind(p) == "Leaf");
  CHECK(r.reached(in_gap));
  CHECK(r.reached(in_tail));
}

TEST_CASE("walk: a std::list whose nodes loop is cut at the loop, with one warning",
          "[walk][reach]") {
  World w;
  // Two nodes that point at each other, never back at the header; the size says 1,000.
  uint64_t a = w.alloc(H, 24), b = w.alloc(H + 0x100, 24);
  uint64_t x = leaf(w, H + 0x200), y = leaf(w, H + 0x300);
  w.put(S + 0, a), w.put(S + 8, b), w.put(S + 16, 1000);
  w.put(a, b), w.put(a + 8, S), w.put(a + 16, x);
  w.put(b, a), w.put(b + 8, a), w.put(b + 16, y);
  auto r = w.run_from("Chains");
  CHECK(r.reached(a));
  CHECK(r.reached(b));
  CHECK(r.kind(x) == "Leaf");
  CHECK(r.kind(y) == "Leaf");
  const auto& problems = w.types.problems();
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] == fmt::format("a std::list at 0x{:x} loops back on itself: walked up to "
                                   "the loop, the rest cut", S));
}
