// The one JSON writer of every report: values are built as nlohmann::ordered_json (members keep
// the order they are added in) and written here, in one layout and with one set of options.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace heapwalk::report {

using Json = nlohmann::ordered_json;

// `value` as the text a report writes, ending in '\n'. Layout: a top-level object's scalar
// members share a line; an object or array member starts a line of its own, and every element
// of a top-level array is on a line of its own (one row per line), written compactly with ", "
// and ": ":
//
//   {"count": 1799, "size": 4336848,
//    "rows": [
//     {"index": 0, "kind": "float[]", "count": 578, "size": 4258488},
//     {"index": 1, "kind": "ConnectionField", "count": 576, "size": 23040}
//    ]}
//
// UTF-8 passes through; bytes that are not UTF-8 become U+FFFD, so the output is always valid
// JSON. Anything that is not an object is written compactly on one line.
std::string json_text(const Json& value);

}  // namespace heapwalk::report
