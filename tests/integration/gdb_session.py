"""Runs inside gdb (gdb -batch -x gdb_session.py), driven by gdb_frontend_test.py through the
JSON file named by $HEAPWALK_GDB_SESSION:

  {"script": ".../heapwalk-gdb.py", "mode": "core" | "live", "steps": [...], "results": PATH,
   "cli": ".../heapwalk"}

It sources the front end and, live, runs the program to its `ready` breakpoint. Each step is a
heap command ("heap partition --root sim"), run as typed: its output goes to gdb's stdout and its
error to gdb's stderr, both streams cut by the mark "\x1estep N" for the test to read ("=heap
..." / "!heap ...": one that must succeed / fail, in gdb only, not run in lldb), or a gdb command run as is ("up", "frame 0"), or "@kill-engine" (ends the
front end's engine as a crash would). "{addr:EXPR}" in a step is replaced by EXPR's value as gdb
evaluates it.

Live, it also records gdb's selection, every thread's registers and the inferior's pc before
and after the heap commands, then queues SIGSTOP on every thread and detaches, which leaves
each thread stopped where gdb stood (checked against /proc/PID/task/TID/syscall), and runs the same heap commands in one lldb engine attached to it
(`heapwalk --pid PID --serve`): results["lldb"]. The test then kills the process.
"""
import json
import os
import re
import signal
import sys
import time

import gdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gdb_serve  # noqa: E402


def expand(step):
    return re.sub(r"\{addr:([^}]+)\}",
                  lambda m: hex(int(gdb.parse_and_eval(m.group(1))) & (2**64 - 1)), step)


def state():
    """gdb's selection and what the inferior looks like to gdb: every thread's registers."""
    thread = gdb.selected_thread()
    frame = gdb.selected_frame()
    registers = gdb.execute("thread apply all info registers", to_string=True)
    return {"thread": thread.num, "frame": frame.level(), "pc": hex(frame.pc()),
            "registers": registers}


def thread_positions():
    """Each thread's stack pointer and pc, as gdb sees them."""
    selected, positions = gdb.selected_thread(), {}
    for thread in gdb.selected_inferior().threads():
        thread.switch()
        frame = gdb.newest_frame()
        positions[str(thread.ptid[1])] = [hex(int(frame.read_register("rsp"))), hex(frame.pc())]
    selected.switch()
    gdb.execute("frame 0", to_string=True)
    return positions


def stopped_positions(pid):
    """Once the detached process is stopped: each thread's stack pointer and pc, from
    /proc/PID/task/TID/syscall (its last two fields, in a system call or not)."""
    for _ in range(100):
        if open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] == "T":
            break
        time.sleep(0.05)
    positions = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        fields = open(f"/proc/{pid}/task/{tid}/syscall").read().split()
        positions[tid] = [hex(int(fields[-2], 16)), hex(int(fields[-1], 16))]
    return positions


def main():
    config = json.load(open(os.environ["HEAPWALK_GDB_SESSION"]))
    results = {"gdb": []}
    gdb.execute("set pagination off")
    gdb.execute("set confirm off")
    gdb.execute("source " + config["script"])
    live = config["mode"] == "live"
    if live:
        gdb.execute("break ready")
        gdb.execute("run")
        results["pid"] = gdb.selected_inferior().pid
        results["before"] = state()
    for step in config["steps"]:
        step = expand(step)
        if step == "@kill-engine":
            engine = gdb_frontend().engine
            if engine is not None:
                os.kill(engine.proc.pid, signal.SIGKILL)
                engine.proc.wait()
            continue
        expect = {"=": "ok", "!": "error"}.get(step[:1])
        if expect:
            step = step[1:]
        if not step.startswith("heap "):
            gdb.execute(step, to_string=True)
            continue
        record = {"command": step[len("heap "):], "failed": False}
        if expect:
            record.update(gdb_only=True, expect=expect)
        # Each command's output goes to gdb's stdout and stderr as typed at the prompt; the
        # test cuts both streams at these marks.
        mark = f"\x1estep {len(results['gdb'])}\n"
        gdb.write(mark, gdb.STDOUT)
        gdb.write(mark, gdb.STDERR)
        gdb.flush(gdb.STDOUT)
        gdb.flush(gdb.STDERR)
        try:
            gdb.execute(step)
        except gdb.error as e:
            gdb.write(f"{e}\n", gdb.STDERR)  # as gdb prints a command's error
            record["failed"] = True
        gdb.flush(gdb.STDOUT)
        gdb.flush(gdb.STDERR)
        record["out_file"] = gdb_serve.take_out_file(record["command"])
        results["gdb"].append(record)
    for stream in (gdb.STDOUT, gdb.STDERR):
        gdb.write("\x1eend\n", stream)
        gdb.flush(stream)
    if live:
        results["after"] = state()
        results["gdb_threads"] = thread_positions()
        # Every thread: one with nothing queued would run on until the group stop reaches it.
        gdb.execute("thread apply all -q queue-signal SIGSTOP", to_string=True)
        gdb.execute("detach")
        results["detached_threads"] = stopped_positions(results["pid"])
        commands = [r["command"] for r in results["gdb"] if not r.get("gdb_only")]
        results["lldb"] = gdb_serve.serve(config["cli"], ["--pid", str(results["pid"])], commands)
    with open(config["results"], "w") as f:
        json.dump(results, f, indent=1)


def gdb_frontend():
    import __main__
    return __main__._heapwalk_frontend


try:
    main()
except Exception as e:  # the test reads the failure from stderr and the missing results
    import traceback
    traceback.print_exc()
    gdb.write(f"gdb_session.py failed: {e}\n", gdb.STDERR)
