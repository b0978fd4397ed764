// Kind names (what a partition groups by), interned to small ids.
#pragma once

#include <cstdint>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace heapwalk::walker {

using KindId = uint32_t;
inline constexpr KindId kNoKind = 0xffffffffu;

class KindTable {
 public:
  KindId intern(std::string_view name) {
    auto it = ids_.find(std::string(name));
    if (it != ids_.end()) return it->second;
    KindId id = static_cast<KindId>(names_.size());
    names_.emplace_back(name);
    ids_.emplace(names_.back(), id);
    return id;
  }
  const std::string& name(KindId id) const { return names_[id]; }
  size_t size() const { return names_.size(); }

  // Buffers of an arithmetic element type ("weights and activities"), for the ledger.
  void mark_scalar_array(KindId id) {
    if (scalar_.size() <= id) scalar_.resize(id + 1, 0);
    scalar_[id] = 1;
  }
  bool scalar_array(KindId id) const { return id < scalar_.size() && scalar_[id]; }

 private:
  std::vector<std::string> names_;
  std::vector<uint8_t> scalar_;
  std::unordered_map<std::string, KindId> ids_;
};

}  // namespace heapwalk::walker
