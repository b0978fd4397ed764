// libFuzzer target: the container walks (walker/graph: container_walk.cpp, chain_walks.cpp,
// declared_array_walk.cpp, abseil_btree_walk.cpp, abseil_cord_walk.cpp, protobuf_map_walk.cpp,
// and the typed walk and
// conservative scan around them) over a synthetic memory image.
//
// No DWARF and no LLDB target: the layouts are built by hand with the offsets the recognizers
// (typeinfo/containers.cpp, boost_*.cpp, abseil_btree.cpp, protobuf_map.cpp) compute for
// libstdc++ 12, Boost 1.74, Abseil 20220623 and protobuf 3.21, registered as synthetic layouts
// and containers (TypeRegistry::add_synthetic, add_container). A root object in static storage
// holds one of each container kind (vector, string, unique_ptr, shared_ptr, map, unordered_map,
// list, forward_list, deque, optional, variant, std::function, vector<bool>, unique_ptr<T[]>,
// Boost.Unordered, Boost.Intrusive list and tree, boost::object_pool, absl::btree_set, absl::Cord,
// google::protobuf::Map, a monotonic_buffer_resource, and a recognizer rule with plain, live-slot
// and node arrays and a pointer); the heap holds their healthy contents, and the input patches it
// one word per 11-byte record:
//
//   record = op (1 byte), offset (2 bytes, little-endian), value (8 bytes, little-endian)
//   op & 1     the region patched: 0 the root object's static storage, 1 the heap; the offset
//              is taken modulo the region's size, 8-aligned
//   op & 2     value is an address in the heap: kHeap + (value & 0xfff8) (+ low 3 bits if op & 8)
//   op & 4     value is an address in static storage: kStatic + (value & 0xff8)
//   op & 0x10  value is a small count (value & 0x3ff)
//   op & 0x20  the word is written as a single byte (the low one)
//
// What must hold whatever the input: the walk ends (libFuzzer's -timeout), allocates within
// -rss_limit_mb / -malloc_limit_mb, and walks at most kMaxObjects objects (a bound far above
// what a healthy image of this size needs; the walks' own bounds come from the allocation
// count, which is small here).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tests/unit/synthetic_image.h"
#include "typeinfo/dynamic_types.h"
#include "typeinfo/recognizers/expression.h"
#include "typeinfo/type_erasure.h"
#include "typeinfo/type_registry.h"
#include "walker/graph/heap_reach.h"

using namespace heapwalk;
using typeinfo::Container;
using typeinfo::ContainerKind;
using typeinfo::Layout;
using typeinfo::LayoutId;

namespace {

constexpr uint64_t kStatic = 0x20000000, kStaticSize = 0x1000;
constexpr uint64_t kHeap = 0x10000000, kHeapSize = 0x10000;
constexpr uint64_t kMaxObjects = 2'000'000;

// The root object's members: the offset of each container in it.
enum : uint32_t {
  kVectorAt = 0,        // 24
  kStringAt = 24,       // 32
  kUniqueAt = 56,       // 8
  kSharedAt = 64,       // 16
  kMapAt = 80,          // 48: header at +8, count at +40
  kHashAt = 128,        // 56
  kListAt = 184,        // 24
  kForwardAt = 208,     // 8
  kDequeAt = 216,       // 80
  kOptionalAt = 296,    // 40
  kVariantAt = 336,     // 40
  kBoostHashAt = 376,   // 24
  kIlistAt = 400,       // 16
  kItreeAt = 416,       // 32
  kPoolAt = 448,        // 40
  kBtreeAt = 488,       // 16
  kPbMapAt = 504,       // 24
  kMonotonicAt = 528,   // 48
  kDeclaredAt = 576,    // 72
  kBitsAt = 648,        // 40
  kUarrayAt = 688,      // 8
  kFunctionAt = 696,    // 32
  kCordAt = 728,        // 16
  kRootSize = 744,
};

// Node and object shapes.
constexpr uint64_t kElem = 32;            // Elem { Elem* next; void* any; uint64_t a, b; }
constexpr uint32_t kTreeValue = 32;       // _Rb_tree_node_base, then the value
constexpr uint32_t kHashValue = 8;        // _Hash_node_base::_M_nxt, then the value
constexpr uint32_t kListValue = 16;       // next, prev, then the value
constexpr uint32_t kBoostValue = 16;      // Boost.Unordered node: next_, bucket_info_, value
constexpr uint32_t kHookAt = 32;          // Item { Elem e; hook at 32 }
constexpr uint32_t kBtreeSlots = 4, kBtreeSlotsAt = 16, kBtreeChildrenAt = 16 + 4 * 32;
constexpr uint32_t kPbNext = 64, kPbNode = 72;  // protobuf node: key Elem, value Elem, next

struct Heap {
  std::vector<std::pair<uint64_t, uint64_t>> chunks;  // user address, usable size
  uint64_t next = kHeap + 16;
  uint64_t alloc(uint64_t usable) {
    uint64_t at = next;
    chunks.push_back({at, usable});
    next = (at + usable + 16 + 15) & ~uint64_t{15};
    return at;
  }
};

struct Image {
  std::vector<uint8_t> statics = std::vector<uint8_t>(kStaticSize);
  std::vector<uint8_t> heap = std::vector<uint8_t>(kHeapSize);
  std::vector<std::pair<uint64_t, uint64_t>> chunks;

  void put(uint64_t addr, uint64_t value, size_t bytes = 8) {
    if (addr >= kStatic && addr + bytes <= kStatic + kStaticSize)
      std::memcpy(statics.data() + (addr - kStatic), &value, bytes);
    else if (addr >= kHeap && addr + bytes <= kHeap + kHeapSize)
      std::memcpy(heap.data() + (addr - kHeap), &value, bytes);
    else
      std::abort();
  }
};

// The healthy image: every container with a few elements.
const Image& healthy() {
  static const Image image = [] {
    Image m;
    Heap h;
    const uint64_t root = kStatic;
    auto elem = [&](uint64_t next = 0) {
      uint64_t e = h.alloc(kElem);
      m.put(e, next);
      return e;
    };
    // Elems that point to each other (a cycle of typed pointers).
    uint64_t e1 = elem(), e2 = elem(e1), e3 = elem(e2);
    m.put(e1, e3);
    m.put(e1 + 8, e2);  // an untyped word
    // vector<Elem>: 3 elements, capacity 4.
    uint64_t buffer = h.alloc(4 * kElem);
    m.put(buffer, e1);
    m.put(root + kVectorAt, buffer);
    m.put(root + kVectorAt + 8, buffer + 3 * kElem);
    m.put(root + kVectorAt + 16, buffer + 4 * kElem);
    // string: a heap buffer of capacity 30.
    m.put(root + kStringAt, h.alloc(40));
    m.put(root + kStringAt + 16, 30);
    // unique_ptr<Elem>, shared_ptr<Elem> (make_shared: the object inside the block).
    m.put(root + kUniqueAt, elem(e2));
    uint64_t block = h.alloc(16 + kElem);
    m.put(root + kSharedAt, block + 16);
    m.put(root + kSharedAt + 8, block);
    // map: a root with two children.
    {
      uint64_t header = root + kMapAt + 8;
      uint64_t n[3];
      for (uint64_t& x : n) {
        x = h.alloc(kTreeValue + kElem);
        m.put(x + kTreeValue, e3);
      }
      m.put(n[0] + 8, header), m.put(n[0] + 16, n[1]), m.put(n[0] + 24, n[2]);
      m.put(n[1] + 8, n[0]), m.put(n[2] + 8, n[0]);
      m.put(header + 8, n[0]), m.put(header + 16, n[1]), m.put(header + 24, n[2]);
      m.put(root + kMapAt + 40, 3);
    }
    // unordered_map: 4 buckets, a chain of 3 nodes from _M_before_begin.
    {
      uint64_t buckets = h.alloc(4 * 8);
      uint64_t before = root + kHashAt + 16;
      uint64_t n3 = h.alloc(kHashValue + kElem), n2 = h.alloc(kHashValue + kElem),
               n1 = h.alloc(kHashValue + kElem);
      m.put(n1, n2), m.put(n2, n3);
      m.put(n1 + kHashValue, e1);
      m.put(buckets + 8, before), m.put(buckets + 24, n1);
      m.put(root + kHashAt, buckets), m.put(root + kHashAt + 8, 4);
      m.put(before, n1), m.put(root + kHashAt + 24, 3);
    }
    // list: 3 nodes, circular through the header.
    {
      uint64_t header = root + kListAt;
      uint64_t prev = header;
      for (int i = 0; i < 3; ++i) {
        uint64_t x = h.alloc(kListValue + kElem);
        m.put(prev, x), m.put(x + 8, prev), m.put(x + kListValue, e2);
        prev = x;
      }
      m.put(prev, header), m.put(header + 8, prev), m.put(root + kListAt + 16, 3);
    }
    // forward_list: 2 nodes.
    {
      uint64_t b = h.alloc(8 + kElem), a = h.alloc(8 + kElem);
      m.put(a, b), m.put(root + kForwardAt, a);
    }
    // deque<Elem>: a map of 8 slots, two 512-byte blocks in slots 3 and 4.
    {
      uint64_t map = h.alloc(64), b1 = h.alloc(512), b2 = h.alloc(512);
      m.put(map + 24, b1), m.put(map + 32, b2);
      m.put(b1 + 5 * kElem, e1);
      uint64_t d = root + kDequeAt;
      m.put(d, map), m.put(d + 8, 8);
      m.put(d + 16, b1 + 5 * kElem), m.put(d + 24, b1), m.put(d + 32, b1 + 512), m.put(d + 40, map + 24);
      m.put(d + 48, b2 + 2 * kElem), m.put(d + 56, b2), m.put(d + 64, b2 + 512), m.put(d + 72, map + 32);
    }
    // optional<Elem> engaged, variant<Elem, Ctrl> holding an Elem.
    m.put(root + kOptionalAt, elem()), m.put(root + kOptionalAt + 32, 1, 1);
    m.put(root + kVariantAt, e3), m.put(root + kVariantAt + 32, 0, 1);
    // Boost.Unordered: 4 buckets + the sentinel, whose next_ starts the one chain.
    {
      uint64_t buckets = h.alloc(5 * 8);
      uint64_t c = h.alloc(kBoostValue + kElem), b = h.alloc(kBoostValue + kElem),
               a = h.alloc(kBoostValue + kElem);
      m.put(a, b), m.put(b, c), m.put(buckets + 4 * 8, a), m.put(buckets + 8, a);
      m.put(root + kBoostHashAt, buckets), m.put(root + kBoostHashAt + 8, 4);
      m.put(root + kBoostHashAt + 16, 3);
    }
    // Boost.Intrusive list of Items (hook next/prev at 32), circular through the header.
    {
      uint64_t header = root + kIlistAt, prev = header;
      for (int i = 0; i < 2; ++i) {
        uint64_t item = h.alloc(kHookAt + 16);
        m.put(item, e1);
        m.put(prev, item + kHookAt), m.put(item + kHookAt + 8, prev);
        prev = item + kHookAt;
      }
      m.put(prev, header), m.put(header + 8, prev);
    }
    // Boost.Intrusive tree of TItems (hook parent/left/right/colour at 32).
    {
      uint64_t header = root + kItreeAt;
      uint64_t t[3];
      for (uint64_t& x : t) x = h.alloc(kHookAt + 32);
      m.put(t[0] + kHookAt, header);
      m.put(t[0] + kHookAt + 8, t[1] + kHookAt), m.put(t[0] + kHookAt + 16, t[2] + kHookAt);
      m.put(t[1] + kHookAt, t[0] + kHookAt), m.put(t[2] + kHookAt, t[0] + kHookAt);
      m.put(header, t[0] + kHookAt), m.put(header + 8, t[1] + kHookAt),
          m.put(header + 16, t[2] + kHookAt);
    }
    // boost::object_pool<Elem>: one block of 4 chunks and its footer, chunk 2 free.
    {
      uint64_t pool = h.alloc(4 * kElem + 16);
      m.put(pool, e2), m.put(pool + kElem, e3);
      m.put(root + kPoolAt, pool), m.put(root + kPoolAt + 8, 4 * kElem + 16);
      m.put(root + kPoolAt + 16, pool + 2 * kElem), m.put(root + kPoolAt + 24, kElem);
    }
    // absl::btree_set<Elem>: an internal root (one value) over two leaves (two values each).
    {
      uint64_t leaf1 = h.alloc(kBtreeChildrenAt), leaf2 = h.alloc(kBtreeChildrenAt);
      uint64_t inner = h.alloc(kBtreeChildrenAt + (kBtreeSlots + 1) * 8);
      for (uint64_t leaf : {leaf1, leaf2}) {
        m.put(leaf, inner);
        m.put(leaf + 8 + 2, 2, 1), m.put(leaf + 8 + 3, kBtreeSlots, 1);  // finish, max_count
        m.put(leaf + kBtreeSlotsAt, e1);
      }
      m.put(leaf2 + 8, 1, 1);  // position
      m.put(inner + 8 + 2, 1, 1);
      m.put(inner + kBtreeSlotsAt, e2);
      m.put(inner + kBtreeChildrenAt, leaf1), m.put(inner + kBtreeChildrenAt + 8, leaf2);
      m.put(root + kBtreeAt, inner), m.put(root + kBtreeAt + 8, 5);
    }
    // google::protobuf::Map<Elem, Elem>: 4 buckets, a list of two nodes and one of one.
    {
      uint64_t table = h.alloc(4 * 8);
      uint64_t n2 = h.alloc(kPbNode), n1 = h.alloc(kPbNode), n3 = h.alloc(kPbNode);
      m.put(n1 + kPbNext, n2), m.put(n1, e1), m.put(n3 + kElem, e2);
      m.put(table, n1), m.put(table + 16, n3);
      m.put(root + kPbMapAt, table), m.put(root + kPbMapAt + 8, 4), m.put(root + kPbMapAt + 16, 3);
    }
    // monotonic_buffer_resource: two chunks, each with its footer {size, next} at its end.
    {
      uint64_t c2 = h.alloc(64), c1 = h.alloc(64);
      m.put(c2 + 48, 64), m.put(c1 + 48, 64), m.put(c1 + 56, c2 + 48);
      m.put(root + kMonotonicAt, c1 + 48);
    }
    // The recognizer rule's object: @0/@8/@16 a plain array (pointer, count, capacity), @24/@32
    // an array with control bytes at @40, @48/@56 an array of owning pointers, @64 a pointer.
    {
      uint64_t d = root + kDeclaredAt;
      uint64_t plain = h.alloc(4 * kElem);
      m.put(plain, e3);
      m.put(d, plain), m.put(d + 8, 3), m.put(d + 16, 4);
      uint64_t slots = h.alloc(4 * kElem), ctrl = h.alloc(8);
      m.put(ctrl, 0x80028001);  // slots 0 and 2 full (control bytes 0x01, 0x02), 1 and 3 empty
      m.put(slots, e1), m.put(slots + 2 * kElem, e2);
      m.put(d + 24, slots), m.put(d + 32, 4), m.put(d + 40, ctrl);
      uint64_t nodes = h.alloc(3 * 8);
      m.put(nodes, elem()), m.put(nodes + 16, elem(e1));
      m.put(d + 48, nodes), m.put(d + 56, 3);
      m.put(d + 64, elem());
    }
    // absl::Cord: crc -> btree (height 1) -> two leaves: [flat, substring of that flat] and
    // [external, its data a block of its own]. Rep header: length @0, tag @12, storage @13.
    {
      auto rep = [&](uint64_t usable, uint64_t length, uint8_t tag, uint32_t storage = 0) {
        uint64_t r = h.alloc(usable);
        m.put(r, length), m.put(r + 12, tag | uint64_t{storage} << 8, 4);
        return r;
      };
      uint64_t flat = rep(40, 20, 6 + 1);  // tag 7: 40 bytes
      uint64_t sub = rep(40, 10, 1);
      m.put(sub + 16, 5), m.put(sub + 24, flat);
      uint64_t data = h.alloc(32);
      uint64_t external = rep(40, 30, 5);
      m.put(external + 16, data);
      uint64_t leaf1 = rep(64, 30, 3, 0x020000), leaf2 = rep(64, 30, 3, 0x020100);
      m.put(leaf1 + 16, flat), m.put(leaf1 + 24, sub), m.put(leaf2 + 24, external);
      uint64_t top = rep(64, 60, 3, 0x020001);
      m.put(top + 16, leaf1), m.put(top + 24, leaf2);
      uint64_t crc = rep(32, 60, 2);
      m.put(crc + 16, top);
      m.put(root + kCordAt, crc), m.put(root + kCordAt + 8, uint64_t{1} << 56);
    }
    // vector<bool>'s words, unique_ptr<Elem[]>, an empty std::function.
    m.put(root + kBitsAt, h.alloc(16));
    m.put(root + kUarrayAt, h.alloc(2 * kElem));
    if (h.next > kHeap + kHeapSize) std::abort();
    m.chunks = h.chunks;
    return m;
  }();
  return image;
}

// The types: Elem, a control block, Items, the containers and the root.
struct Types {
  typeinfo::TypeRegistry registry{lldb::SBTarget()};
  LayoutId elem, root;

  LayoutId plain(std::string name, uint64_t size, bool scalar = false) {
    Layout l;
    l.name = std::move(name);
    l.size = size;
    l.align = size >= 8 ? 8 : 1;
    l.scalar = scalar;
    l.complete = true;
    return registry.add_synthetic(std::move(l));
  }
  uint32_t container(ContainerKind kind, const char* name, LayoutId element, uint64_t element_size,
                     std::initializer_list<uint32_t> fields, uint32_t value_offset = 0,
                     uint32_t node_size = 0) {
    Container c;
    c.kind = kind;
    c.name = name;
    c.element_name = element == typeinfo::kNoLayout ? "void" : "Elem";
    c.element = element;
    c.element_size = element_size;
    size_t i = 0;
    for (uint32_t f : fields) c.field[i++] = f;
    c.value_offset = value_offset;
    c.node_size = node_size;
    return registry.add_container(std::move(c));
  }

  Types() {
    // Elem { Elem* next; void* any; uint64_t a, b; }: its own LayoutId is the next one.
    LayoutId self = static_cast<LayoutId>(registry.size());
    Layout e;
    e.name = "Elem";
    e.size = kElem;
    e.align = 8;
    e.complete = true;
    e.pointers.push_back({0, self});
    e.untyped.push_back({8, 8});
    elem = registry.add_synthetic(std::move(e));
    LayoutId character = plain("char", 1, true);
    LayoutId control = plain("std::_Sp_counted_base", 16);
    auto item = [&](const char* name, uint32_t hook_bytes) {
      Layout l;
      l.name = name;
      l.size = kHookAt + hook_bytes;
      l.align = 8;
      l.complete = true;
      l.pointers.push_back({0, elem});
      l.untyped.push_back({8, 8});
      return registry.add_synthetic(std::move(l));
    };
    LayoutId list_item = item("Item", 16), tree_item = item("TItem", 32);

    Layout r;
    r.name = "Root";
    r.size = kRootSize;
    r.align = 8;
    r.complete = true;
    auto slot = [&](uint32_t offset, uint32_t index) { r.containers.push_back({offset, index}); };
    slot(kVectorAt, container(ContainerKind::kVector, "std::vector<Elem>", elem, kElem, {0, 8, 16}));
    slot(kStringAt, container(ContainerKind::kString, "std::string", character, 1, {0, 16, 16}));
    slot(kUniqueAt, container(ContainerKind::kUniquePtr, "std::unique_ptr<Elem>", elem, kElem, {0}));
    {
      uint32_t s = container(ContainerKind::kSharedPtr, "std::shared_ptr<Elem>", elem, kElem, {0, 8});
      const_cast<Container&>(registry.container(s)).control = control;
      slot(kSharedAt, s);
    }
    slot(kMapAt, container(ContainerKind::kRbTree, "std::set<Elem>", elem, kElem, {8, 40}, kTreeValue,
                           kTreeValue + kElem));
    slot(kHashAt, container(ContainerKind::kHashtable, "std::unordered_set<Elem>", elem, kElem,
                            {0, 8, 16, 24}, kHashValue, kHashValue + kElem));
    slot(kListAt, container(ContainerKind::kList, "std::list<Elem>", elem, kElem, {0, 16}, kListValue,
                            kListValue + kElem));
    slot(kForwardAt, container(ContainerKind::kForwardList, "std::forward_list<Elem>", elem, kElem,
                               {0}, 8, 8 + kElem));
    slot(kDequeAt, container(ContainerKind::kDeque, "std::deque<Elem>", elem, kElem, {0, 8, 16, 48}));
    slot(kOptionalAt, container(ContainerKind::kOptional, "std::optional<Elem>", elem, kElem, {32, 0}));
    {
      uint32_t v = container(ContainerKind::kVariant, "std::variant<Elem, Ctrl>", elem, kElem, {32, 0});
      Container& c = const_cast<Container&>(registry.container(v));
      c.index_size = 1;
      c.alternatives = {elem, control};
      slot(kVariantAt, v);
    }
    slot(kFunctionAt, container(ContainerKind::kFunction, "std::function<void()>", typeinfo::kNoLayout,
                                0, {0, 24, 16}));
    slot(kBitsAt, container(ContainerKind::kBitVector, "std::vector<bool>", typeinfo::kNoLayout, 0, {0}));
    slot(kUarrayAt, container(ContainerKind::kUniqueArray, "std::unique_ptr<Elem[]>", elem, kElem, {0}));
    slot(kBoostHashAt, container(ContainerKind::kBoostUnordered, "boost::unordered_set<Elem>", elem,
                                 kElem, {0, 8, 16}, kBoostValue, kBoostValue + kElem));
    slot(kIlistAt, container(ContainerKind::kBoostIntrusiveList, "boost::intrusive::list<Item>",
                             list_item, kHookAt + 16, {0, 0}, kHookAt));
    slot(kItreeAt, container(ContainerKind::kBoostIntrusiveTree, "boost::intrusive::set<TItem>",
                             tree_item, kHookAt + 32, {0, 0, 8, 16}, kHookAt));
    slot(kPoolAt, container(ContainerKind::kBoostObjectPool, "boost::object_pool<Elem>", elem, kElem,
                            {0, 8, 16, 24}));
    {
      uint32_t b = container(ContainerKind::kAbslBtree, "absl::btree_set<Elem>", elem, kElem,
                             {0, 8, kBtreeSlotsAt, kBtreeChildrenAt}, 0, 1);
      const_cast<Container&>(registry.container(b)).index_size = kBtreeSlots;
      slot(kBtreeAt, b);
    }
    {
      uint32_t p = container(ContainerKind::kProtobufMap, "google::protobuf::Map<Elem, Elem>", elem,
                             kElem, {0, 8, 16, kPbNext}, kElem, kPbNode);
      const_cast<Container&>(registry.container(p)).alternatives = {elem};
      slot(kPbMapAt, p);
    }
    slot(kMonotonicAt, container(ContainerKind::kMonotonicResource,
                                 "std::pmr::monotonic_buffer_resource", typeinfo::kNoLayout, 0,
                                 {0, 48}));
    slot(kDeclaredAt, declared());
    {
      // CordRep: its own recognizer at offset 0 (its LayoutId is the next one).
      LayoutId rep_id = static_cast<LayoutId>(registry.size());
      Layout rep;
      rep.name = "absl::cord_internal::CordRep";
      rep.size = 16;
      rep.align = 8;
      rep.complete = true;
      rep.containers.push_back(
          {0, container(ContainerKind::kAbslCordRep, "absl::cord_internal::CordRep", rep_id, 16, {})});
      if (registry.add_synthetic(std::move(rep)) != rep_id) std::abort();
      slot(kCordAt, container(ContainerKind::kAbslCord, "absl::Cord", rep_id, 16, {0}));
    }
    root = registry.add_synthetic(std::move(r));
  }

  // A recognizer rule's compiled form, with expressions that read words at byte offsets.
  uint32_t declared() {
    auto expr = [](const char* text) { return typeinfo::Expression(text, lldb::SBType(), "Decl"); };
    typeinfo::Declared d;
    d.rest = plain("Decl rest", 72);
    typeinfo::DeclaredArray a;
    a.pointer = expr("@0"), a.count = expr("@8"), a.capacity = expr("@16");
    a.element = elem, a.element_size = kElem, a.kind = "Elem[] (declared)";
    d.arrays.push_back(a);
    typeinfo::DeclaredArray s;
    s.pointer = expr("@24"), s.count = expr("@32"), s.live_bytes = expr("@40");
    s.live_mask = 0x80, s.live_equals = 0;
    s.element = elem, s.element_size = kElem, s.kind = "Decl slots";
    d.arrays.push_back(s);
    typeinfo::DeclaredArray n;
    n.pointer = expr("@48"), n.count = expr("@56");
    n.element = plain("Elem*", 8), n.element_size = 8, n.kind = "Decl nodes[]";
    n.node = elem, n.node_kind = "Decl node";
    d.arrays.push_back(n);
    typeinfo::DeclaredPointer p;
    p.address = expr("@64"), p.to = elem, p.kind = "Decl pointee";
    d.pointers.push_back(p);
    Container c;
    c.kind = ContainerKind::kDeclared;
    c.name = "Decl";
    c.declared = registry.add_declared(std::move(d));
    return registry.add_container(std::move(c));
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Image& base = healthy();
  Image m = base;
  for (size_t i = 0; i + 11 <= size; i += 11) {
    const uint8_t op = data[i];
    uint16_t offset;
    uint64_t value;
    std::memcpy(&offset, data + i + 1, 2);
    std::memcpy(&value, data + i + 3, 8);
    const bool in_heap = op & 1;
    const uint64_t region = in_heap ? kHeap : kStatic, bytes = in_heap ? kHeapSize : kStaticSize;
    const uint64_t at = region + ((offset % bytes) & ~uint64_t{7});
    if (op & 2) value = kHeap + (value & 0xfff8) + (op & 8 ? value & 7 : 0);
    else if (op & 4) value = kStatic + (value & 0xff8);
    else if (op & 0x10) value &= 0x3ff;
    m.put(at, value, op & 0x20 ? 1 : 8);
  }

  test::SyntheticImage memory;
  memory.add_region(kStatic, kStaticSize);
  memory.add_region(kHeap, kHeapSize);
  for (size_t i = 0; i < kStaticSize; i += 8) {
    uint64_t w;
    std::memcpy(&w, m.statics.data() + i, 8);
    if (w) memory.put<uint64_t>(kStatic + i, w);
  }
  for (size_t i = 0; i < kHeapSize; i += 8) {
    uint64_t w;
    std::memcpy(&w, m.heap.data() + i, 8);
    if (w) memory.put<uint64_t>(kHeap + i, w);
  }
  walker::AllocationTable table;
  for (auto [address, usable] : m.chunks) table.add(address, usable);
  table.finish();

  Types types;
  typeinfo::DynamicTypes dynamic(types.registry, [&](uint64_t a) { return memory.load<uint64_t>(a); });
  typeinfo::TypeErasure erasure(types.registry);
  walker::KindTable kinds;
  walker::HeapReach reach({memory, table, types.registry, dynamic, erasure, kinds});
  reach.add_typed_root(kStatic, types.root);
  reach.add_range(kStatic, kStatic + kRootSize);
  auto reached = reach.run();
  if (!reached) std::abort();  // nothing interrupts it
  if (std::getenv("HEAPWALK_FUZZ_VERBOSE"))  // what each allocation was reached as
    for (size_t n = 0; n < table.size(); ++n)
      std::fprintf(stderr, "0x%llx %s\n", static_cast<unsigned long long>(table.address(n)),
                   !reached->reached(static_cast<walker::NodeId>(n)) ? "-"
                   : reached->kinds[n] == walker::kNoKind            ? "(unnamed)"
                                                                     : kinds.name(reached->kinds[n]).c_str());
  if (reached->objects_walked > kMaxObjects) {
    std::fprintf(stderr, "walked %llu objects in a heap of %zu allocations\n",
                 static_cast<unsigned long long>(reached->objects_walked), table.size());
    std::abort();
  }
  return 0;
}
