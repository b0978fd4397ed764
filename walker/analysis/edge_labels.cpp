#include "walker/analysis/edge_labels.h"

#include <fmt/format.h>

namespace heapwalk::walker {

namespace {

// A map key as C++ would write it: an integer, or a short string in quotes; "…" otherwise.
std::string key_text(const MemoryImage& memory, const typeinfo::PairMembers& pair,
                     uint64_t address) {
  using typeinfo::KeyForm;
  if (pair.key == KeyForm::kSigned || pair.key == KeyForm::kUnsigned) {
    uint64_t size = pair.key_size, value = 0;
    if (size == 0 || size > 8 || !memory.read(address, &value, size)) return "…";
    bool is_signed = pair.key == KeyForm::kSigned;
    if (is_signed && size < 8 && (value >> (8 * size - 1)) & 1) value |= ~uint64_t{0} << (8 * size);
    return is_signed ? std::to_string(static_cast<int64_t>(value)) : std::to_string(value);
  }
  if (pair.key == KeyForm::kString) {
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

std::string node_kind(const KindTable& kinds, const ProcessGraph& graph, GraphNode node) {
  if (node == kRootNode) return "<root>";
  KindId k = graph.kinds[allocation_of(node)];
  return k == kNoKind ? "<unreached>" : kinds.name(k);
}

std::string node_kind(Session& session, const ProcessGraph& graph, GraphNode node) {
  return node_kind(session.kinds(), graph, node);
}

std::string edge_label(const LabelSources& sources, const ProcessGraph& graph, GraphNode from,
                       uint32_t edge, bool with_keys) {
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
  typeinfo::MemberNames& members = sources.members;
  const uint64_t size = members.size(kl.layout);
  const AllocationTable& table = sources.table;
  NodeId n = allocation_of(from);
  if (kl.value_offset || kl.keyed) {  // a container's node: its value at value_offset
    if (where < kl.value_offset) return fmt::format("{}+0x{:x}", arrow, where);
    std::string member = members.member_at(kl.layout, where - kl.value_offset);
    std::string element = "[…]";
    if (auto pair = kl.keyed ? members.pair(kl.layout) : std::nullopt) {
      uint64_t value = table.address(n) + kl.value_offset;
      if (with_keys)
        element = "[" + key_text(sources.memory, *pair, value + pair->first_offset) + "]";
      uint64_t in_value = where - kl.value_offset;
      member = in_value >= pair->second_offset
                   ? members.second_member_at(kl.layout, in_value - pair->second_offset)
                   : std::string("first");
    }
    std::string label = (conservative ? "~" : "") + element;
    return member.empty() ? label : label + "." + member;
  }
  if (!kl.array || size == 0) {
    std::string member = members.member_at(kl.layout, where);
    return member.empty() ? fmt::format("{}+0x{:x}", arrow, where) : arrow + member;
  }
  // An element of an array: past the cookie of `new T[n]` when there is one.
  uint64_t base = 0, count = sources.memory.word(table.address(n));
  if (where >= 8 && count && count <= table.usable_size(n) / size &&
      table.holds_exactly(n, 8 + count * size))
    base = 8;
  uint64_t index = (where - base) / size;
  std::string member = members.member_at(kl.layout, (where - base) % size);
  std::string label = fmt::format("[{}]", index);
  if (!member.empty()) label += "." + member;
  return conservative ? "~" + label : label;
}

std::string edge_label(Session& session, const ProcessGraph& graph, GraphNode from,
                       uint32_t edge, bool with_keys) {
  typeinfo::TypeMemberNames members(session.types());
  return edge_label(LabelSources{session.memory(), session.heap().in_use, members}, graph, from,
                    edge, with_keys);
}

std::string path_text(const LabelSources& sources, const ProcessGraph& graph,
                      const std::vector<uint32_t>& edges) {
  std::string text, run;  // run: the label repeated `repeats` times at the end of the path
  size_t repeats = 0;
  auto flush = [&] {
    // A list's `->next->next->…` reads as the count: `g_list(->next ×50000)`.
    if (repeats > 3) {
      text += fmt::format("({} ×{})", run, repeats);
    } else {
      for (size_t i = 0; i < repeats; ++i) text += run;
    }
    repeats = 0;
  };
  GraphNode from = kRootNode;
  for (uint32_t edge : edges) {
    std::string label = edge_label(sources, graph, from, edge);
    from = graph.graph.target_of(edge);
    if (repeats && label == run) {
      ++repeats;
      continue;
    }
    flush();
    run = std::move(label);
    repeats = 1;
  }
  flush();
  return text;
}

std::string path_text(Session& session, const ProcessGraph& graph,
                      const std::vector<uint32_t>& edges) {
  typeinfo::TypeMemberNames members(session.types());
  return path_text(LabelSources{session.memory(), session.heap().in_use, members}, graph, edges);
}

}  // namespace heapwalk::walker
