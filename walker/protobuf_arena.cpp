#include "walker/protobuf_arena.h"

#include <algorithm>
#include <set>
#include <string_view>

#include <fmt/format.h>
#include <lldb/API/SBSymbol.h>

#include "typeinfo/member_lookup.h"
#include "typeinfo/symbol_types.h"
#include "typeinfo/type_names.h"

namespace heapwalk::walker {
namespace {

// protobuf 3.21 (arena_impl.h), x86-64.
constexpr uint64_t kThreadsOffset = 16;      // ThreadSafeArena::threads_
constexpr uint64_t kSerialHead = 8;          // SerialArena::head_
constexpr uint64_t kSerialNext = 16;         // SerialArena::next_
constexpr uint64_t kSerialPtr = 40;          // SerialArena::ptr_
constexpr uint64_t kSerialLimit = 48;        // SerialArena::limit_
constexpr uint64_t kBlockHeader = 24;        // SerialArena::kBlockHeaderSize: next, size, start
constexpr uint64_t kSerialArenaSize = 80;    // ThreadSafeArena::kSerialArenaSize
constexpr uint64_t kCleanupNode = 16;        // SerialArena::kCleanupSize: elem, cleanup
constexpr uint64_t kMaxSerials = 4096, kMaxBlocks = 1u << 16, kMaxNodes = 1u << 24;

const std::string kHeadKind = "google::protobuf::Arena block";
const std::string kObjectsKind = "google::protobuf::Arena objects";
const std::string kCleanupKind = "google::protobuf::Arena cleanup";

// The template argument that follows `prefix` in a demangled name ("…arena_destruct_object<T>(void*)").
std::string argument_after(std::string_view name, std::string_view prefix) {
  size_t at = name.find(prefix);
  if (at == std::string_view::npos) return {};
  size_t begin = at + prefix.size(), depth = 1;
  for (size_t i = begin; i < name.size(); ++i) {
    if (name[i] == '<') ++depth;
    else if (name[i] == '>' && --depth == 0) {
      std::string arg(name.substr(begin, i - begin));
      while (!arg.empty() && arg.back() == ' ') arg.pop_back();
      return arg;
    }
  }
  return {};
}

std::string without_spaces(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ') out += c;
  return out;
}

}  // namespace

// The objects the typed walk finds from the static roots and the cleanup nodes' objects
// (protobuf_arena_objects.h), added to each block's as accept_found() says.
void ProtobufArenaCarver::add_found_objects(const std::vector<BlockInfo>& blocks,
                                            std::vector<ArenaSeed> seeds,
                                            std::vector<std::vector<ArenaObject>>& objects) {
  std::vector<ArenaSpan> spans;
  for (const BlockInfo& b : blocks) spans.push_back({b.data, b.used_end});
  std::sort(seeds.begin(), seeds.end(),
            [](const ArenaSeed& x, const ArenaSeed& y) { return x.address < y.address; });
  // The static roots first (walked in place: only what they lead to on the arena counts).
  if (!root_seeds_) {
    root_seeds_.emplace();
    for (const Root& root : roots_)
      if (root.type.IsValid()) root_seeds_->push_back({root.address, types_.intern(root.type)});
  }
  seeds.insert(seeds.begin(), root_seeds_->begin(), root_seeds_->end());
  std::vector<ArenaObject> found = ArenaObjectWalk(memory_, table_, types_).find(spans, seeds);
  if (found.empty()) return;

  std::vector<std::vector<ArenaObject>> added = accept_found(spans, objects, found);
  for (size_t i = 0; i < blocks.size(); ++i)
    objects[i].insert(objects[i].end(), added[i].begin(), added[i].end());
}

// The type the demangler names (it writes "A<B<C>>", DWARF "A<B<C> >"): FindTypes, since
// FindFirstType misses some (DESIGN.md), and the one whose name is the same but for spaces.
lldb::SBType ProtobufArenaCarver::find_type(const std::string& demangled) {
  const std::string key = without_spaces(demangled);
  std::string spaced;
  for (char c : demangled) {
    if (c == '>' && !spaced.empty() && spaced.back() == '>') spaced += ' ';
    spaced += c;
  }
  for (const std::string& name : {demangled, spaced}) {
    lldb::SBTypeList list = target_.FindTypes(name.c_str());
    for (uint32_t i = 0; i < list.GetSize(); ++i) {
      lldb::SBType t = list.GetTypeAtIndex(i);
      if (t.GetByteSize() > 0 && t.GetName() && without_spaces(t.GetName()) == key) return t;
    }
  }
  return {};
}

const ProtobufArenaCarver::Destroyed* ProtobufArenaCarver::destroyed_by(uint64_t function) {
  auto it = functions_.find(function);
  if (it != functions_.end()) return it->second ? &*it->second : nullptr;
  std::optional<Destroyed> d;
  lldb::SBSymbol symbol = target_.ResolveLoadAddress(function).GetSymbol();
  std::string_view name = symbol.IsValid() && symbol.GetName() ? symbol.GetName() : "";
  std::string type_name = argument_after(name, "google::protobuf::internal::arena_destruct_object<");
  if (type_name.empty() && name.find("::ArenaDtor(") != std::string_view::npos)
    type_name = typeinfo::owner_of_function(name);  // a generated message with map fields
  if (!type_name.empty()) {
    lldb::SBType type = find_type(type_name);
    if (type.IsValid()) type = types_.complete(typeinfo::plain(type));
    if (type.IsValid() && type.GetByteSize() > 0) {
      const char* dwarf = type.GetName();
      d = Destroyed{typeinfo::readable_type_name(dwarf ? dwarf : type_name),
                    (type.GetByteSize() + 7) & ~uint64_t{7}, types_.intern(type)};
    }
  }
  it = functions_.emplace(function, std::move(d)).first;
  return it->second ? &*it->second : nullptr;
}

std::optional<std::string> ProtobufArenaCarver::carve(uint64_t arena, lldb::SBType arena_type,
                                                      std::vector<CarvedBlock>& out) {
  uint64_t threads = kThreadsOffset;
  if (auto impl = typeinfo::find_member(arena_type, "impl_"))
    if (auto t = typeinfo::find_member(impl->type, "threads_")) threads = impl->offset + t->offset;
  auto word = [&](uint64_t at) -> std::optional<uint64_t> { return memory_.load<uint64_t>(at); };

  // The SerialArenas and their blocks.
  std::vector<BlockInfo> blocks;
  std::set<uint64_t> seen_serials, seen_blocks;
  uint64_t serial = word(arena + threads).value_or(0);
  for (; serial; serial = word(serial + kSerialNext).value_or(0)) {
    if (!seen_serials.insert(serial).second || seen_serials.size() > kMaxSerials)
      return fmt::format("the thread list of the arena at {:#x} loops", arena);
    const uint64_t head = word(serial + kSerialHead).value_or(0);
    const uint64_t ptr = word(serial + kSerialPtr).value_or(0);
    const uint64_t limit = word(serial + kSerialLimit).value_or(0);
    uint64_t last = 0;
    for (uint64_t b = head; b; b = word(b).value_or(0)) {
      if (!seen_blocks.insert(b).second || seen_blocks.size() > kMaxBlocks)
        return fmt::format("the block list of the arena at {:#x} loops", arena);
      auto node = table_.find(b);
      if (!node || table_.address(*node) != b) return fmt::format("block {:#x} is no malloc chunk", b);
      BlockInfo info;
      info.block = b;
      info.usable = table_.usable_size(*node);
      info.size = word(b + 8).value_or(~uint64_t{0});
      if (info.size > info.usable || info.size < kBlockHeader || info.size % 8)
        return fmt::format("block {:#x} says {} bytes, its chunk holds {}", b, info.size, info.usable);
      info.data = b + kBlockHeader;
      info.cleanup_end = b + info.size;
      if (b == head) {
        info.used_end = ptr;
        info.free_end = limit;
      } else {
        info.used_end = info.free_end = word(b + 16).value_or(0);
      }
      blocks.push_back(info);
      last = b;
    }
    // The SerialArena lives in its first block, after the header.
    if (!last || serial != last + kBlockHeader)
      return fmt::format("the thread arena at {:#x} is not in its first block", serial);
    blocks.back().data += kSerialArenaSize;
  }
  if (blocks.empty()) return std::nullopt;  // an arena that never allocated
  for (const BlockInfo& b : blocks) {
    if (!(b.data <= b.used_end && b.used_end <= b.free_end && b.free_end <= b.cleanup_end) ||
        b.used_end % 8 || b.free_end % 8 || (b.cleanup_end - b.free_end) % kCleanupNode)
      return fmt::format("block {:#x}: its objects, free space and cleanup list do not fit in it",
                         b.block);
  }
  std::sort(blocks.begin(), blocks.end(),
            [](const BlockInfo& x, const BlockInfo& y) { return x.block < y.block; });

  // The objects the cleanup lists name, in the block that holds them.
  std::vector<std::vector<ArenaObject>> objects(blocks.size());
  std::vector<ArenaSeed> seeds;
  uint64_t nodes = 0;
  for (const BlockInfo& b : blocks) {
    for (uint64_t n = b.free_end; n < b.cleanup_end; n += kCleanupNode) {
      if (++nodes > kMaxNodes) return "too many cleanup nodes";
      const uint64_t elem = word(n).value_or(0), function = word(n + 8).value_or(0);
      auto it = std::upper_bound(blocks.begin(), blocks.end(), elem,
                                 [](uint64_t a, const BlockInfo& x) { return a < x.block; });
      if (it == blocks.begin() || elem >= std::prev(it)->block + std::prev(it)->usable)
        continue;  // a heap object the arena owns (Arena::Own): in no block
      const BlockInfo& holder = *std::prev(it);
      const Destroyed* d = destroyed_by(function);
      if (!d) continue;  // a destructor of no known type: its object stays in the stretches
      if (elem % 8 || elem < holder.data || elem + d->size > holder.used_end)
        return fmt::format("block {:#x}: a {} at {:#x} is outside its objects", holder.block,
                           d->kind, elem);
      objects[it - blocks.begin() - 1].push_back({elem, d->size, d->kind});
      seeds.push_back({elem, d->layout});
    }
  }
  add_found_objects(blocks, seeds, objects);

  std::vector<CarvedBlock> carved;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const BlockInfo& b = blocks[i];
    std::vector<ArenaObject>& in = objects[i];
    std::sort(in.begin(), in.end(), [](const ArenaObject& x, const ArenaObject& y) {
      return x.address != y.address ? x.address < y.address : x.size > y.size;
    });
    CarvedBlock c;
    c.chunk = b.block;
    c.usable = b.usable;
    c.allocator = kProtobufArenaType;
    c.head_kind = kHeadKind;
    c.closed = true;
    uint64_t at = b.data;
    for (size_t k = 0; k < in.size(); ++k) {
      const ArenaObject& o = in[k];
      // Registered twice, or a member of an object before it (a field with a destructor of
      // its own): the enclosing object holds it.
      if (k && o.address + o.size <= at) continue;
      if (o.address < at)
        return fmt::format("block {:#x}: objects overlap at {:#x}", b.block, o.address);
      if (o.address > at) c.units.push_back({at, o.address - at, true, kObjectsKind});
      c.units.push_back({o.address, o.size, true, o.kind});
      at = o.address + o.size;
    }
    if (b.used_end > at) c.units.push_back({at, b.used_end - at, true, kObjectsKind});
    if (b.free_end > b.used_end) c.units.push_back({b.used_end, b.free_end - b.used_end, false, {}});
    if (b.cleanup_end > b.free_end) c.units.push_back({b.free_end, b.cleanup_end - b.free_end, true, kCleanupKind});
    if (c.units.empty()) continue;  // an empty block stays whole
    carved.push_back(std::move(c));
  }
  for (CarvedBlock& c : carved) out.push_back(std::move(c));
  return std::nullopt;
}

}  // namespace heapwalk::walker
