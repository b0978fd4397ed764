#include "walker/protobuf_arena_objects.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "typeinfo/dynamic_types.h"
#include "typeinfo/kind_names.h"
#include "typeinfo/type_erasure.h"
#include "walker/graph/container_walk.h"
#include "walker/graph/kinds.h"
#include "walker/graph/reach.h"

namespace heapwalk::walker {
namespace {

using typeinfo::kNoLayout;
using typeinfo::Layout;
using typeinfo::LayoutId;

constexpr uint64_t kMaxSteps = 1u << 22;     // objects walked per arena
constexpr uint64_t kMaxElements = 1u << 20;  // elements of one buffer

uint64_t round8(uint64_t n) { return (n + 7) & ~uint64_t{7}; }

class Walk {
 public:
  Walk(const MemoryImage& memory, const AllocationTable& table, typeinfo::TypeRegistry& types,
       const std::vector<ArenaSpan>& spans)
      : memory_(memory),
        types_(types),
        spans_(spans),
        erasure_(types),
        dynamic_(types, [&memory](uint64_t a) { return memory.load<uint64_t>(a); }),
        containers_(memory, table, types, erasure_, kinds_) {}

  void run(const std::vector<ArenaSeed>& seeds) {
    for (auto it = seeds.rbegin(); it != seeds.rend(); ++it) push(it->address, it->layout, 1);
    for (uint64_t steps = 0; !stack_.empty() && steps < kMaxSteps; ++steps) {
      auto [at, layout] = stack_.back();
      stack_.pop_back();
      if (walked_.insert({at, layout}).second) walk_object(at, layout);
    }
  }

  std::vector<ArenaObject> found;

 private:
  // Whether [address, address + size) lies in one block's objects.
  bool in_arena(uint64_t address, uint64_t size) const {
    auto it = std::upper_bound(spans_.begin(), spans_.end(), address,
                               [](uint64_t a, const ArenaSpan& s) { return a < s.begin; });
    return it != spans_.begin() && address + size <= std::prev(it)->end &&
           address + size > address;
  }

  void push(uint64_t at, LayoutId layout, uint64_t count) {
    if (layout == kNoLayout || !types_.layout(layout).has_edges()) return;
    const uint64_t size = std::max<uint64_t>(types_.layout(layout).size, 1);
    // Elements pushed last first, so that they are walked in address order.
    for (uint64_t i = std::min(count, kMaxElements); i-- > 0;) stack_.push_back({at + i * size, layout});
  }

  void walk_object(uint64_t at, LayoutId id) {
    const Layout& layout = types_.layout(id);
    for (const typeinfo::PointerSlot& slot : layout.pointers)
      if (uint64_t p = memory_.word(at + slot.offset); p && !slot.weak)
        reach(typed_pointer(p, slot.pointee));
    for (const typeinfo::ArraySlot& slot : layout.arrays)
      if (slot.count && !slot.weak) push(at + slot.offset, slot.element, slot.count);
    for (const typeinfo::ContainerSlot& slot : layout.containers)
      containers_.expand(slot.container, at + slot.offset, [this](const Reach& r) { reach(r); },
                         [](uint64_t, uint64_t) {});
  }

  void reach(const Reach& r) {
    if (r.weak || r.untrusted) return;
    if (r.in_place) return push(r.walk_at, r.layout, r.count);
    if (r.target % 8) return;
    if (r.covers == kCoverByType) return typed(r);
    // A block a container explains: its header and capacity, its elements walked in it.
    if (r.covers == 0 || r.covers == kCoverWhole || r.kind == kNoKind) return;
    const uint64_t size = round8(r.covers);
    if (!in_arena(r.target, size)) return;
    add(r.target, size, kinds_.name(r.kind));
    if (r.layout == kNoLayout || r.walk_at < r.target) return;
    const uint64_t element = std::max<uint64_t>(types_.layout(r.layout).size, 1);
    const uint64_t room = r.walk_at < r.target + size ? (r.target + size - r.walk_at) / element : 0;
    push(r.walk_at, r.layout, std::min(r.count, room));
  }

  // A typed pointer: an object of the pointee's type there, or of its dynamic type (its vtable
  // at the address: a complete object, not a base inside one).
  void typed(const Reach& r) {
    LayoutId id = r.layout;
    if (id == kNoLayout) return;
    if (types_.layout(id).polymorphic) {
      const typeinfo::DynamicType* d = dynamic_.resolve(memory_.word(r.target));
      if (!d || d->offset_to_top != 0) return;
      id = d->layout;
    }
    const Layout& l = types_.layout(id);
    if (!l.complete || l.size == 0) return;
    const uint64_t size = round8(l.size);
    if (!in_arena(r.target, size)) return;
    add(r.target, size,
        r.kind != kNoKind ? kinds_.name(r.kind) : typeinfo::kind_name(types_.sbtype(id), l.name));
    push(r.target, id, 1);
  }

  void add(uint64_t address, uint64_t size, const std::string& kind) {
    if (seen_.insert({address, size}).second) found.push_back({address, size, kind});
  }

  const MemoryImage& memory_;
  typeinfo::TypeRegistry& types_;
  const std::vector<ArenaSpan>& spans_;
  KindTable kinds_;
  typeinfo::TypeErasure erasure_;
  typeinfo::DynamicTypes dynamic_;
  ContainerWalk containers_;
  std::vector<std::pair<uint64_t, LayoutId>> stack_;
  std::set<std::pair<uint64_t, LayoutId>> walked_;
  std::set<std::pair<uint64_t, uint64_t>> seen_;
};

}  // namespace

std::vector<std::vector<ArenaObject>> accept_found(const std::vector<ArenaSpan>& spans,
                                                   std::vector<std::vector<ArenaObject>>& known,
                                                   const std::vector<ArenaObject>& found) {
  // Each span's known objects by address, and the furthest end of the first i + 1 of them.
  std::vector<std::vector<uint64_t>> furthest(spans.size());
  for (size_t i = 0; i < spans.size(); ++i) {
    std::sort(known[i].begin(), known[i].end(),
              [](const ArenaObject& x, const ArenaObject& y) { return x.address < y.address; });
    uint64_t end = 0;
    for (const ArenaObject& o : known[i]) furthest[i].push_back(end = std::max(end, o.address + o.size));
  }
  std::map<uint64_t, uint64_t> taken;  // found objects accepted: start -> end, disjoint
  std::vector<std::vector<ArenaObject>> accepted(spans.size());
  for (const ArenaObject& f : found) {
    const uint64_t end = f.address + f.size;
    auto span = std::upper_bound(spans.begin(), spans.end(), f.address,
                                 [](uint64_t a, const ArenaSpan& s) { return a < s.begin; });
    if (span == spans.begin() || end > std::prev(span)->end || end <= f.address) continue;
    const size_t i = span - spans.begin() - 1;
    auto next = taken.lower_bound(f.address);
    if (next != taken.end() && next->first < end) continue;
    if (next != taken.begin() && std::prev(next)->second > f.address) continue;
    const std::vector<ArenaObject>& in = known[i];
    size_t k = std::lower_bound(in.begin(), in.end(), f.address,
                                [](const ArenaObject& o, uint64_t a) { return o.address < a; }) -
               in.begin();
    if (k && furthest[i][k - 1] > f.address) continue;  // inside or across one before it
    bool fits = true;
    for (; fits && k < in.size() && in[k].address < end; ++k)
      fits = in[k].address + in[k].size <= end && !(in[k].address == f.address && in[k].size == f.size);
    if (!fits) continue;
    taken.emplace(f.address, end);
    accepted[i].push_back(f);
  }
  return accepted;
}

std::vector<ArenaObject> ArenaObjectWalk::find(const std::vector<ArenaSpan>& spans,
                                               const std::vector<ArenaSeed>& seeds) {
  Walk walk(memory_, table_, types_, spans);
  walk.run(seeds);
  return std::move(walk.found);
}

}  // namespace heapwalk::walker
