#include "report/retention_render.h"

#include <fmt/format.h>

#include "report/json.h"
#include "walker/progress.h"
#include "report/report_render.h"

namespace heapwalk::report {

std::string render_retained_text(const RetainedReport& report) {
  std::string out = report.title + "\n";
  out += " Index   Retained   %    Shallow Kind\n";
  for (size_t i = 0; i < report.rows.size(); ++i) {
    walker::poll_interrupt();
    const RetainedRow& row = report.rows[i];
    std::string kind = std::string(2 * row.depth, ' ') + row.kind;
    out += fmt::format("{:>6} {:>10} {:>3} {:>10} {} 0x{:x}", i, row.retained,
                       heapy_percent(row.retained, report.total), row.shallow, kind, row.address);
    if (!row.path.empty()) out += "  " + row.path;
    out += "\n";
  }
  for (const std::string& note : report.notes) out += note + "\n";
  return out;
}

std::string render_retained_json(const RetainedReport& report) {
  Json rows = Json::array();
  for (size_t i = 0; i < report.rows.size(); ++i) {
    walker::poll_interrupt();
    const RetainedRow& row = report.rows[i];
    rows.push_back({{"index", i},
                    {"address", fmt::format("0x{:x}", row.address)},
                    {"retained", row.retained},
                    {"shallow", row.shallow},
                    {"kind", row.kind},
                    {"path", row.path},
                    {"depth", row.depth}});
  }
  Json out = {{"title", report.title}, {"total", report.total}, {"rows", rows},
              {"notes", report.notes}};
  return json_text(out);
}

std::string render_retained_csv(const RetainedReport& report) {
  std::string out = "index,address,retained,retained_percent,shallow,depth,kind,path\n";
  for (size_t i = 0; i < report.rows.size(); ++i) {
    walker::poll_interrupt();
    const RetainedRow& row = report.rows[i];
    out += fmt::format("{},0x{:x},{},{},{},{},{},{}\n", i, row.address, row.retained,
                       heapy_percent(row.retained, report.total), row.shallow, row.depth,
                       csv_field(row.kind), csv_field(row.path));
  }
  return out;
}

namespace {

// A path as the text and JSON show it.
std::string path_line(const PathsReport& report, const PathRow& row) {
  if (!report.per_object) return row.path;
  return fmt::format("{} (0x{:x}, {})", row.path, row.address, row.kind);
}

std::string more_paths(uint64_t more) { return fmt::format("<... {} more paths ...>", more); }

}  // namespace

std::string render_paths_text(const PathsReport& report) {
  std::string out = report.title + "\n";
  for (size_t i = 0; i < report.rows.size(); ++i) {
    walker::poll_interrupt();
    out += fmt::format("{:>2}: {}\n", i, path_line(report, report.rows[i]));
  }
  if (report.more) out += more_paths(report.more) + "\n";
  return out;
}

std::string render_paths_json(const PathsReport& report) {
  Json paths = Json::array();
  for (const PathRow& row : report.rows) paths.push_back(path_line(report, row));
  Json out = {{"title", report.title}, {"paths", std::move(paths)}, {"more", report.more}};
  return json_text(out);
}

std::string render_paths_csv(const PathsReport& report) {
  std::string out = "index,address,kind,path\n";
  for (size_t i = 0; i < report.rows.size(); ++i) {
    walker::poll_interrupt();
    const PathRow& row = report.rows[i];
    out += fmt::format("{},0x{:x},{},{}\n", i, row.address, csv_field(row.kind), csv_field(row.path));
  }
  return out;
}

}  // namespace heapwalk::report
