#include "plugin/heap_commands.h"

#include <memory>
#include <vector>

#include <lldb/API/SBCommandInterpreter.h>

#include "plugin/arenas_command.h"
#include "plugin/leaks_command.h"
#include "plugin/more_command.h"
#include "plugin/partition_command.h"
#include "plugin/recognizers_command.h"
#include "plugin/referents_command.h"
#include "plugin/retention_commands.h"
#include "plugin/size_command.h"
#include "plugin/summary_command.h"
#include "plugin/warnings_command.h"

namespace heapwalk::plugin {
namespace {

// LLDB keeps raw pointers to command objects for the life of the debugger, which may outlast
// our static destructors: they are never destroyed.
std::vector<std::unique_ptr<HeapCommand>>& command_objects() {
  static auto& objects = *new std::vector<std::unique_ptr<HeapCommand>>;
  return objects;
}

void add(lldb::SBCommand& heap, std::unique_ptr<HeapCommand> command) {
  std::string syntax = command->syntax();
  lldb::SBCommand added = heap.AddCommand(command->name(), command.get(), command->help(),
                                          syntax.c_str());
  std::string long_help = command->long_help() + options_help(command->options());
  added.SetHelpLong(long_help.c_str());
  command_objects().push_back(std::move(command));
}

}  // namespace

std::vector<std::unique_ptr<HeapCommand>> heap_subcommands(const std::string& core_path) {
  std::vector<std::unique_ptr<HeapCommand>> commands;
  commands.push_back(std::make_unique<PartitionCommand>(core_path));
  commands.push_back(std::make_unique<MoreCommand>());
  commands.push_back(std::make_unique<LeaksCommand>(core_path));
  commands.push_back(std::make_unique<SummaryCommand>(core_path));
  commands.push_back(std::make_unique<ArenasCommand>(core_path));
  commands.push_back(std::make_unique<TopCommand>(core_path));
  commands.push_back(std::make_unique<ShpathsCommand>(core_path));
  commands.push_back(std::make_unique<DominatorsCommand>(core_path));
  commands.push_back(std::make_unique<ReferentsCommand>(core_path, false));
  commands.push_back(std::make_unique<ReferentsCommand>(core_path, true));
  commands.push_back(std::make_unique<SizeCommand>(core_path));
  commands.push_back(std::make_unique<WarningsCommand>(core_path));
  return commands;
}

std::vector<std::unique_ptr<HeapCommand>> recognizers_subcommands() {
  std::vector<std::unique_ptr<HeapCommand>> commands;
  commands.push_back(std::make_unique<RecognizersLoadCommand>());
  commands.push_back(std::make_unique<RecognizersListCommand>());
  return commands;
}

bool register_heap_commands(lldb::SBDebugger debugger, const std::string& core_path) {
  lldb::SBCommandInterpreter interpreter = debugger.GetCommandInterpreter();
  lldb::SBCommand heap = interpreter.AddMultiwordCommand(
      "heap", "Analyze the native heap of the stopped process or core (heapwalk).");
  if (!heap.IsValid()) return false;
  heap.SetHelpLong(
      "heapwalk reads the target's memory, enumerates glibc malloc's chunks and walks the "
      "typed object graph from DWARF debug info. It never writes to the target or runs code "
      "in it. Start with 'heap partition --root <global>'.\n");
  for (auto& command : heap_subcommands(core_path)) add(heap, std::move(command));
  lldb::SBCommand recognizers = heap.AddMultiwordCommand(
      "recognizers", "Teach heapwalk the program's own containers and allocators (rule files).");
  for (auto& command : recognizers_subcommands()) add(recognizers, std::move(command));
  return true;
}

}  // namespace heapwalk::plugin
