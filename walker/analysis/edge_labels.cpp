#include "walker/analysis/edge_labels.h"

#include <fmt/format.h>

#include <lldb/API/SBType.h>

namespace heapwalk::walker {

namespace {

bool is_class(lldb::SBType t) {
  auto c = t.GetTypeClass();
  return c == lldb::eTypeClassClass || c == lldb::eTypeClassStruct || c == lldb::eTypeClassUnion;
}

// Types whose insides are not what the program's author wrote.
bool library_type(lldb::SBType type) {
  std::string name = type.GetCanonicalType().GetName() ? type.GetCanonicalType().GetName() : "";
  for (const char* prefix : {"std::", "__gnu_cxx::", "boost::", "absl::", "google::", "Eigen::"})
    if (name.rfind(prefix, 0) == 0) return true;
  return false;
}

// The member path at `offset` inside `type` ("pos.x", "items", "" when nothing names it).
// Stops at library types (std::, boost::, ...): their insides are not what a reader wrote.
std::string member_at(lldb::SBType type, uint64_t offset, int depth = 0) {
  type = type.GetCanonicalType();
  if (!is_class(type) || depth > 8 || library_type(type)) return {};
  for (uint32_t i = 0; i < type.GetNumberOfDirectBaseClasses(); ++i) {
    lldb::SBTypeMember base = type.GetDirectBaseClassAtIndex(i);
    uint64_t at = base.GetOffsetInBytes(), size = base.GetType().GetByteSize();
    if (offset >= at && offset < at + size) {
      std::string inner = member_at(base.GetType(), offset - at, depth + 1);
      if (!inner.empty()) return inner;
    }
  }
  for (uint32_t i = 0; i < type.GetNumberOfFields(); ++i) {
    lldb::SBTypeMember field = type.GetFieldAtIndex(i);
    lldb::SBType ft = field.GetType().GetCanonicalType();
    uint64_t at = field.GetOffsetInBytes(), size = ft.GetByteSize();
    if (offset < at || offset >= at + std::max<uint64_t>(size, 1)) continue;
    std::string name = field.GetName() ? field.GetName() : "";
    std::string inner;
    if (ft.IsArrayType()) {
      lldb::SBType element = ft.GetArrayElementType();
      uint64_t es = std::max<uint64_t>(element.GetByteSize(), 1);
      uint64_t index = (offset - at) / es;
      inner = fmt::format("[{}]", index);
      std::string sub = member_at(element, (offset - at) % es, depth + 1);
      if (!sub.empty()) inner += "." + sub;
      return name + inner;
    }
    inner = member_at(ft, offset - at, depth + 1);
    if (name.empty()) return inner;  // an anonymous union or struct
    return inner.empty() ? name : name + "." + inner;
  }
  return {};
}

// A map key as C++ would write it: an integer, or a short string in quotes; "…" otherwise.
std::string key_text(Session& session, lldb::SBType key_type, uint64_t address) {
  lldb::SBType t = key_type.GetCanonicalType();
  const MemoryImage& memory = session.memory();
  if (t.GetTypeFlags() & lldb::eTypeIsInteger) {
    uint64_t size = t.GetByteSize(), value = 0;
    if (size == 0 || size > 8 || !memory.read(address, &value, size)) return "…";
    bool is_signed = t.GetTypeFlags() & lldb::eTypeIsSigned;
    if (is_signed && size < 8 && (value >> (8 * size - 1)) & 1) value |= ~uint64_t{0} << (8 * size);
    return is_signed ? std::to_string(static_cast<int64_t>(value)) : std::to_string(value);
  }
  std::string name = t.GetName() ? t.GetName() : "";
  if (name.rfind("std::__cxx11::basic_string<char", 0) == 0 || name == "std::string") {
    // libstdc++: the data pointer, then the length.
    uint64_t data = memory.word(address), length = memory.word(address + 8);
    constexpr uint64_t kShown = 40;
    std::string text(std::min(length, kShown), '\0');
    if (length > 1 << 30 || !memory.read(data, text.data(), text.size())) return "…";
    std::string quoted = "\"";
    for (char c : text) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
    }
    return quoted + (length > kShown ? "…\"" : "\"");
  }
  return "…";
}

}  // namespace

std::string node_kind(Session& session, const ProcessGraph& graph, GraphNode node) {
  if (node == kRootNode) return "<root>";
  KindId k = graph.kinds[allocation_of(node)];
  return k == kNoKind ? "<unreached>" : session.kinds().name(k);
}

std::string edge_label(Session& session, const ProcessGraph& graph, GraphNode from,
                       uint32_t edge) {
  const uint32_t where = graph.graph.where_of(edge);
  const bool conservative = graph.graph.provenance_of(edge) == EdgeProvenance::kConservative;
  if (from == kRootNode) {
    std::string root = where < graph.root_labels.size() ? graph.root_labels[where] : "<root>";
    return conservative ? root + " ~>" : root;
  }
  const std::string arrow = conservative ? "~>" : "->";
  KindId k = graph.kinds[allocation_of(from)];
  if (k == kNoKind || k >= graph.kind_layouts.size() || graph.kind_layouts[k].layout == UINT32_MAX)
    return fmt::format("{}+0x{:x}", arrow, where);
  const KindLayout& kl = graph.kind_layouts[k];
  typeinfo::TypeRegistry& types = session.types();
  lldb::SBType type = types.sbtype(kl.layout);
  const uint64_t size = types.layout(kl.layout).size;
  const AllocationTable& table = session.heap().in_use;
  NodeId n = allocation_of(from);
  if (kl.value_offset || kl.keyed) {  // a container's node: its value at value_offset
    if (where < kl.value_offset) return fmt::format("{}+0x{:x}", arrow, where);
    std::string member = member_at(type, where - kl.value_offset);
    std::string element = "[…]";
    if (kl.keyed && type.GetNumberOfFields() == 2) {
      uint64_t value = table.address(n) + kl.value_offset;
      lldb::SBTypeMember first = type.GetFieldAtIndex(0), second = type.GetFieldAtIndex(1);
      element = "[" + key_text(session, first.GetType(), value + first.GetOffsetInBytes()) + "]";
      uint64_t in_value = where - kl.value_offset;
      member = in_value >= second.GetOffsetInBytes()
                   ? member_at(second.GetType(), in_value - second.GetOffsetInBytes())
                   : std::string("first");
    }
    std::string label = (conservative ? "~" : "") + element;
    return member.empty() ? label : label + "." + member;
  }
  if (!kl.array || size == 0) {
    std::string member = member_at(type, where);
    return member.empty() ? fmt::format("{}+0x{:x}", arrow, where) : arrow + member;
  }
  // An element of an array: past the cookie of `new T[n]` when there is one.
  uint64_t base = 0, count = session.memory().word(table.address(n));
  if (where >= 8 && count && count <= table.usable_size(n) / size &&
      table.holds_exactly(n, 8 + count * size))
    base = 8;
  uint64_t index = (where - base) / size;
  std::string member = member_at(type, (where - base) % size);
  std::string label = fmt::format("[{}]", index);
  if (!member.empty()) label += "." + member;
  return conservative ? "~" + label : label;
}

std::string path_text(Session& session, const ProcessGraph& graph,
                      const std::vector<uint32_t>& edges) {
  std::string text;
  GraphNode from = kRootNode;
  for (uint32_t edge : edges) {
    text += edge_label(session, graph, from, edge);
    from = graph.graph.target_of(edge);
  }
  return text;
}

}  // namespace heapwalk::walker
