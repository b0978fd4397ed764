// heap summary's text: the guide's first line for a live process (resident buckets, exactly),
// the mapped line beside it, and a core's estimate said to be one.
#include <catch2/catch.hpp>

#include "report/ledger_render.h"

using namespace heapwalk;

namespace {

walker::Ledger sample(walker::ResidentBasis basis) {
  walker::Ledger l;
  l.basis = basis;
  l.rows = {{"code", "code", 5570560, false, 5347737, 0},
            {"stacks", "stacks", 16912384, false, 204800, 0},
            {"objects", "objects", 59720, true, 59392, 0},
            {"arrays", "arrays", 4277128, true, 4299161, 0},
            {"leaked", "leaked", 0, true, 0, 0},
            {"reserved", "reserved", 133947392, false, 0, 0},
            {"other", "other", 8593408, false, 3719470, 4096}};
  for (const walker::LedgerRow& r : l.rows) {
    l.mapped += r.bytes;
    l.resident += r.resident;
    l.swapped += r.swapped;
  }
  if (basis == walker::ResidentBasis::kLive) {
    l.rss = l.resident;
    l.smaps_rss = l.resident;
  } else {
    l.core_bytes = 165326848;
  }
  return l;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

TEST_CASE("the ledger's first line reads like allsizes_mb", "[ledger]") {
  std::string text = report::render_ledger_text(sample(walker::ResidentBasis::kLive));
  CHECK(first_line(text) ==
        "topsize:13m =? code:5.1m + stacks:200k + objects:58k + arrays:4.1m + other:3.5m "
        "(13m tot), swapped:4.0k");
  std::string second = text.substr(text.find('\n') + 1);
  CHECK(first_line(second).rfind("mapped:162m = code:5.3m + stacks:16m", 0) == 0);
  CHECK(text.find("Resident") != std::string::npos);
}

TEST_CASE("a core's ledger says its resident bytes are an estimate", "[ledger]") {
  std::string text = report::render_ledger_text(sample(walker::ResidentBasis::kCoreEstimate));
  CHECK(first_line(text).rfind("core:158m =? estimate: code:5.1m", 0) == 0);
  CHECK(first_line(text).find("pages of the core that are not all zero") != std::string::npos);
  CHECK(text.find("A core has no residency") != std::string::npos);
  CHECK(text.find("Estimate") != std::string::npos);
}

TEST_CASE("without residency the ledger is the mapped one", "[ledger]") {
  walker::Ledger l = sample(walker::ResidentBasis::kNone);
  std::string text = report::render_ledger_text(l);
  CHECK(first_line(text).rfind("core:158m =? mapped:162m =", 0) == 0);
  std::string json = report::render_ledger_json(l);
  CHECK(json.find("\"resident_basis\": \"none\"") != std::string::npos);
}
