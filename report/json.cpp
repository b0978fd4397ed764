#include "report/json.h"

#include "walker/progress.h"

namespace heapwalk::report {
namespace {

void compact(const Json& value, std::string& out) {
  if (value.is_object()) {
    out += '{';
    bool first = true;
    for (const auto& member : value.items()) {
      if (!first) out += ", ";
      first = false;
      compact(Json(member.key()), out);
      out += ": ";
      compact(member.value(), out);
    }
    out += '}';
  } else if (value.is_array()) {
    out += '[';
    for (size_t i = 0; i < value.size(); ++i) {
      walker::poll_interrupt();
      if (i) out += ", ";
      compact(value[i], out);
    }
    out += ']';
  } else {
    out += value.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
  }
}

}  // namespace

std::string json_text(const Json& value) {
  std::string out;
  if (!value.is_object()) {
    compact(value, out);
    return out + "\n";
  }
  out += '{';
  bool first = true, previous_structured = false;
  for (const auto& member : value.items()) {
    const Json& v = member.value();
    const bool structured = v.is_structured();
    if (!first) out += structured || previous_structured ? ",\n " : ", ";
    first = false;
    previous_structured = structured;
    compact(Json(member.key()), out);
    out += ": ";
    if (!v.is_array() || v.empty()) {
      compact(v, out);
      continue;
    }
    out += '[';
    for (size_t i = 0; i < v.size(); ++i) {
      walker::poll_interrupt();
      out += i ? ",\n  " : "\n  ";
      compact(v[i], out);
    }
    out += "\n ]";
  }
  return out + "}\n";
}

}  // namespace heapwalk::report
