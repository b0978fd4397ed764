// Layouts compiled from the DWARF of tests/unit/layout_fixture/layout_types.cpp: the exact
// pointer slots, arrays, containers, untyped ranges and flags of each case the builder handles.
// Offsets are g++ 12 / x86-64 (the fixture's comments give each one).
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "layout_world.h"
#include "typeinfo/kind_names.h"

using namespace heapwalk;
using typeinfo::ContainerKind;
using typeinfo::Layout;

namespace {

using Ranges = std::vector<std::pair<uint32_t, uint32_t>>;
using Strings = std::vector<std::string>;

struct Compiled {
  mutable test::World world;
  const Layout* layout = nullptr;

  explicit Compiled(const char* name) {
    lldb::SBType type = world.type(name);
    INFO("type " << name);
    REQUIRE(type.IsValid());
    layout = &world.types.layout(world.types.intern(type));
  }
  explicit Compiled(lldb::SBType type) {
    REQUIRE(type.IsValid());
    layout = &world.types.layout(world.types.intern(type));
  }
  // A type found through the vtable its objects carry (library templates FindFirstType cannot
  // spell).
  static lldb::SBType by_vtable(test::World& world, const std::string& class_name) {
    uint64_t vptr = world.program.vptr(class_name);
    INFO("vtable for " << class_name);
    REQUIRE(vptr);
    const typeinfo::DynamicType* d = world.dynamic.resolve(vptr);
    REQUIRE(d);
    CHECK(d->offset_to_top == 0);
    return world.types.sbtype(d->layout);
  }

  // "offset:pointee" (" weak" for a control block's managed pointer), in offset order.
  Strings pointers() const {
    Strings out;
    for (const auto& s : layout->pointers)
      out.push_back(std::to_string(s.offset) + ":" + world.types.layout(s.pointee).name +
                    (s.weak ? " weak" : ""));
    return out;
  }
  // "offset:element xcount".
  Strings arrays() const {
    Strings out;
    for (const auto& a : layout->arrays)
      out.push_back(std::to_string(a.offset) + ":" + world.types.layout(a.element).name + " x" +
                    std::to_string(a.count) + (a.weak ? " weak" : ""));
    return out;
  }
  // "offset:container name".
  Strings containers() const {
    Strings out;
    for (const auto& c : layout->containers)
      out.push_back(std::to_string(c.offset) + ":" + world.types.container(c.container).name);
    return out;
  }
  std::vector<ContainerKind> container_kinds() const {
    std::vector<ContainerKind> out;
    for (const auto& c : layout->containers) out.push_back(world.types.container(c.container).kind);
    return out;
  }
  Ranges untyped() const {
    Ranges out;
    for (const auto& r : layout->untyped) out.push_back({r.offset, r.length});
    return out;
  }
};

}  // namespace

TEST_CASE("layout: typed pointer and reference members are slots of their pointee", "[layout]") {
  Compiled c("Slots");
  CHECK(c.layout->name == "Slots");
  CHECK(c.layout->size == 40);
  CHECK(c.layout->complete);
  CHECK_FALSE(c.layout->polymorphic);
  CHECK_FALSE(c.layout->destructor);
  CHECK_FALSE(c.layout->flexible);
  // a, const b (qualifier dropped), the reference r, and int* (a scalar pointee is still typed).
  CHECK(c.pointers() == Strings{"0:Leaf", "16:Leaf", "24:Leaf", "32:int"});
  CHECK(c.untyped().empty());  // [12, 16) is padding inside x's word, not an aligned word
  CHECK(c.arrays().empty());
  CHECK(c.containers().empty());
}

TEST_CASE("layout: arrays of types with edges are array slots, scalar arrays are covered",
          "[layout]") {
  Compiled c("Arrays");
  CHECK(c.layout->size == 64);
  CHECK(c.arrays() == Strings{"0:Leaf* x3", "24:Leaf* x2"});  // T[3], std::array<T*, 2>
  CHECK(c.pointers().empty());
  CHECK(c.untyped().empty());  // int[4] and Leaf[2] (no edges) are explained
  CHECK_FALSE(c.layout->flexible);
}

TEST_CASE("layout: a flexible array member is an array slot of count 0", "[layout]") {
  Compiled flex("Flex");
  CHECK(flex.layout->size == 8);
  CHECK(flex.layout->flexible);
  CHECK(flex.arrays() == Strings{"8:Leaf* x0"});
  CHECK(flex.untyped() == Ranges{{0, 8}});  // size_t n: an 8-byte integer
  CHECK_FALSE(flex.layout->destructor);

  Compiled ints("FlexInts");
  CHECK(ints.layout->size == 4);
  CHECK(ints.layout->flexible);
  CHECK(ints.arrays() == Strings{"4:int x0"});
  CHECK(ints.untyped().empty());
}

TEST_CASE("layout: embedded library containers are container slots", "[layout]") {
  Compiled c("Holder");
  CHECK(c.layout->size == 160);
  CHECK(c.containers() == Strings{"0:std::vector<int>", "24:std::string", "56:std::map<int, Leaf*>",
                                  "104:std::unique_ptr<Leaf>", "112:std::shared_ptr<Leaf>",
                                  "128:std::optional<Leaf*>", "144:std::variant<int, Leaf*>"});
  CHECK(c.container_kinds() ==
        std::vector<ContainerKind>{ContainerKind::kVector, ContainerKind::kString,
                                   ContainerKind::kRbTree, ContainerKind::kUniquePtr,
                                   ContainerKind::kSharedPtr, ContainerKind::kOptional,
                                   ContainerKind::kVariant});
  CHECK(c.pointers().empty());
  CHECK(c.untyped().empty());
  CHECK(c.layout->destructor);  // containers have destructors
}

TEST_CASE("layout: void*, char-like pointers, 8-byte integers and raw char storage are untyped",
          "[layout]") {
  Compiled c("Untyped");
  CHECK(c.layout->size == 240);
  // void*, char*, unsigned char*, std::byte*, const char*, signed char*, long, unsigned long,
  // intptr_t, size_t, long long, unsigned long long, then char name[16]. The doubles between
  // them, the function pointer, the member pointer, char[4], int, float, unsigned and short[4]
  // are explained.
  CHECK(c.untyped() == Ranges{{0, 8},   {16, 8},  {32, 8},  {48, 8},  {64, 8},
                              {80, 8},  {96, 8},  {112, 8}, {128, 8}, {144, 8},
                              {160, 8}, {176, 8}, {208, 16}});
  CHECK(c.pointers().empty());
  CHECK(c.arrays().empty());
  CHECK_FALSE(c.layout->all_untyped());
}

TEST_CASE("layout: a union of scalars is explained, one that can hold a pointer is not",
          "[layout]") {
  Compiled scalars("ScalarUnion");
  CHECK(scalars.layout->size == 8);
  CHECK(scalars.untyped().empty());
  CHECK_FALSE(scalars.layout->has_edges());

  Compiled pointer("PointerUnion");
  CHECK(pointer.untyped() == Ranges{{0, 8}});
  CHECK(pointer.layout->all_untyped());
  CHECK(pointer.pointers().empty());  // which member is live is unknown: no typed slot

  Compiled with_long("LongUnion");
  CHECK(with_long.untyped() == Ranges{{0, 8}});

  Compiled unions("Unions");
  CHECK(unions.untyped() == Ranges{{8, 16}});  // PointerUnion and LongUnion, merged
  CHECK(unions.pointers().empty());
}

TEST_CASE("layout: padding shorter than an aligned word explains nothing to scan", "[layout]") {
  Compiled padded("Padded");
  CHECK(padded.layout->size == 24);
  CHECK(padded.pointers() == Strings{"8:Leaf"});
  CHECK(padded.untyped().empty());  // [4, 8) and [17, 24) hold no aligned word

  Compiled aligned("Aligned");
  CHECK(aligned.layout->size == 32);
  CHECK(aligned.pointers() == Strings{"0:Leaf"});
  Compiled tail("TailPadded");
  CHECK(tail.layout->size == 32);
  CHECK(tail.pointers() == Strings{"0:Leaf"});
}

TEST_CASE("layout: aligned words no member covers are untyped (alignas gaps, tail padding)",
          "[layout]") {
  // No member's bytes are there, so a pointer could hide in them: they must be scanned.
  Compiled aligned("Aligned");
  CHECK(aligned.untyped() == Ranges{{8, 8}, {24, 8}});  // before the alignas member, and its tail
  Compiled tail("TailPadded");
  CHECK(tail.untyped() == Ranges{{16, 16}});
}

TEST_CASE("layout: the alignment of an alignas type is its declared alignment",
          "[layout]") {
  // Containers place node values by it (unordered_map, forward_list: align_up(8, align)); LLDB
  // 16 does not report alignment, so it is read from where alignas leaves padding.
  Compiled aligned("Aligned");
  CHECK(aligned.layout->align == 16);
  Compiled tail("TailPadded");
  CHECK(tail.layout->align == 32);
}

TEST_CASE("layout: __aligned_buffer and __aligned_membuf read as their template argument",
          "[layout]") {
  Compiled c("Buffers");
  CHECK(c.layout->size == 48);
  // __aligned_buffer<Leaf*> at 0; __aligned_membuf<Slots> at 8: Slots' slots moved by 8.
  CHECK(c.pointers() == Strings{"0:Leaf", "8:Leaf", "24:Leaf", "32:Leaf", "40:int"});
  CHECK(c.untyped().empty());
  CHECK(c.containers().empty());
}

TEST_CASE("layout: a diamond over a polymorphic virtual base places it once, at its offset in "
          "the complete object",
          "[layout]") {
  Compiled diamond("Diamond");
  CHECK(diamond.layout->size == 104);
  CHECK(diamond.layout->polymorphic);
  CHECK(diamond.layout->destructor);
  // Left: vptr 0, l 8; Right: vptr 16, r 24; d 32; VBase at 40: vptr 40, name 48, values 80.
  CHECK(diamond.pointers() == Strings{"8:Leaf", "24:Leaf", "32:Leaf"});
  CHECK(diamond.containers() == Strings{"48:std::string", "80:std::vector<int>"});
  CHECK(diamond.untyped().empty());  // the three vptrs are explained

  // Left alone is a complete object too: its virtual base follows it, at 16.
  Compiled left("Left");
  CHECK(left.layout->size == 80);
  CHECK(left.pointers() == Strings{"8:Leaf"});
  CHECK(left.containers() == Strings{"24:std::string", "56:std::vector<int>"});
  CHECK(left.untyped().empty());

  // As a member at 8 the whole complete object moves, virtual base included.
  Compiled holds("HoldsDiamond");
  CHECK(holds.layout->size == 112);
  CHECK_FALSE(holds.layout->polymorphic);
  CHECK(holds.pointers() == Strings{"16:Leaf", "32:Leaf", "40:Leaf"});
  CHECK(holds.containers() == Strings{"56:std::string", "88:std::vector<int>"});
  CHECK(holds.untyped().empty());
}

TEST_CASE("layout: a diamond over a non-polymorphic virtual base", "[layout]") {
  Compiled diamond("NDiamond");
  CHECK(diamond.layout->size == 96);
  CHECK(diamond.layout->polymorphic);  // virtual bases need vptrs
  // NLeft: vptr 0, l 8; NRight: vptr 16, r 24; d 32; NVBase at 40: name 40, values 72.
  CHECK(diamond.pointers() == Strings{"8:Leaf", "24:Leaf", "32:Leaf"});
  CHECK(diamond.containers() == Strings{"40:std::string", "72:std::vector<int>"});
  CHECK(diamond.untyped().empty());

  Compiled holds("HoldsNDiamond");
  CHECK(holds.layout->size == 104);
  CHECK(holds.pointers() == Strings{"16:Leaf", "32:Leaf", "40:Leaf"});
  CHECK(holds.containers() == Strings{"48:std::string", "80:std::vector<int>"});
  CHECK(holds.untyped().empty());
}

TEST_CASE("layout: a class deriving from a library container holds it as a container slot",
          "[layout]") {
  Compiled stack("IntStack");
  CHECK(stack.layout->size == 32);
  CHECK(stack.containers() == Strings{"0:std::vector<int>"});
  CHECK(stack.pointers() == Strings{"24:Leaf"});
  CHECK(stack.untyped().empty());
  CHECK(stack.layout->destructor);

  Compiled named("NamedThing");
  CHECK(named.layout->size == 40);
  CHECK(named.containers() == Strings{"0:std::string"});
  CHECK(named.pointers() == Strings{"32:Leaf"});
  CHECK(named.untyped().empty());
}

TEST_CASE("layout: destructor flag for types whose new[] stores a cookie", "[layout]") {
  CHECK_FALSE(Compiled("Trivial").layout->destructor);
  CHECK_FALSE(Compiled("Plain").layout->destructor);
  CHECK(Compiled("UserDtor").layout->destructor);
  CHECK(Compiled("MemberDtor").layout->destructor);  // a member's destructor
  CHECK(Compiled("BaseDtor").layout->destructor);    // a base's destructor
  CHECK(Compiled("StringMember").layout->destructor);
  CHECK(Compiled("Owned").layout->destructor);
  CHECK(Compiled("Poly").layout->destructor);  // virtual destructor
}

TEST_CASE("layout: a polymorphic type with an implicit destructor has no cookie", "[layout]") {
  // std::is_trivially_destructible holds (g++ 12): new T[n] stores no cookie.
  CHECK_FALSE(Compiled("PolyNoDtor").layout->destructor);  // virtual f(), implicit destructor
  // ~DefaultedDtor() = default is trivial too, but LLDB 16 does not show DW_AT_defaulted: the
  // flag is set, and only the cookie's exact fit (n and the chunk size) keeps the rule honest.
  CHECK(Compiled("DefaultedDtor").layout->destructor);
}

TEST_CASE("layout: shared_ptr control blocks hold their managed object weakly", "[layout]") {
  test::World world;
  {
    Compiled c(Compiled::by_vtable(world, "std::_Sp_counted_ptr<Leaf*, (__gnu_cxx::_Lock_policy)2>"));
    CHECK(c.layout->size == 24);
    CHECK(c.layout->polymorphic);
    CHECK(c.pointers() == Strings{"16:Leaf weak"});
    CHECK(c.arrays().empty());
    CHECK(c.untyped().empty());
  }
  {
    Compiled c(Compiled::by_vtable(
        world, "std::_Sp_counted_deleter<Leaf*, LeafDeleter, std::allocator<void>, "
               "(__gnu_cxx::_Lock_policy)2>"));
    CHECK(c.layout->size == 24);
    CHECK(c.pointers() == Strings{"16:Leaf weak"});
  }
  {
    // A stateful deleter: its own pointer (PoolDeleter::pool, 16) keeps what it points to.
    Compiled c(Compiled::by_vtable(
        world, "std::_Sp_counted_deleter<Leaf*, PoolDeleter, std::allocator<void>, "
               "(__gnu_cxx::_Lock_policy)2>"));
    CHECK(c.layout->size == 32);
    CHECK(c.pointers() == Strings{"16:Leaf", "24:Leaf weak"});
  }
  {
    Compiled c(Compiled::by_vtable(
        world, "std::_Sp_counted_deleter<Leaf*, std::__sp_array_delete, std::allocator<void>, "
               "(__gnu_cxx::_Lock_policy)2>"));
    CHECK(c.pointers() == Strings{"16:Leaf weak"});
  }
  {
    // make_shared: the object is inside the block, an array of one, weakly.
    Compiled c(Compiled::by_vtable(
        world, "std::_Sp_counted_ptr_inplace<Leaf, std::allocator<void>, (__gnu_cxx::_Lock_policy)2>"));
    CHECK(c.layout->size == 24);
    CHECK(c.pointers().empty());
    CHECK(c.arrays() == Strings{"16:Leaf x1 weak"});
  }
}

TEST_CASE("kind names of shared_ptr control blocks and make_shared blocks", "[layout][kinds]") {
  test::World world;
  auto kind = [&](const std::string& class_name) {
    lldb::SBType type = Compiled::by_vtable(world, class_name);
    return typeinfo::kind_name(type, world.types.layout(world.types.intern(type)).name);
  };
  CHECK(kind("std::_Sp_counted_ptr<Leaf*, (__gnu_cxx::_Lock_policy)2>") ==
        "std::shared_ptr<Leaf> control block");
  CHECK(kind("std::_Sp_counted_deleter<Leaf*, LeafDeleter, std::allocator<void>, "
             "(__gnu_cxx::_Lock_policy)2>") == "std::shared_ptr<Leaf> control block");
  CHECK(kind("std::_Sp_counted_deleter<Leaf*, std::__sp_array_delete, std::allocator<void>, "
             "(__gnu_cxx::_Lock_policy)2>") == "std::shared_ptr<Leaf[]> control block");
  CHECK(kind("std::_Sp_counted_ptr_inplace<Leaf, std::allocator<void>, "
             "(__gnu_cxx::_Lock_policy)2>") == "Leaf (make_shared)");
  // Anything else keeps its readable name.
  lldb::SBType leaf = world.type("Leaf");
  CHECK(typeinfo::kind_name(leaf, "Leaf") == "Leaf");
  CHECK(kind("PNodeDerived") == "PNodeDerived");
}
