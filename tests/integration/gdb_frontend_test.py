#!/usr/bin/env python3
"""The gdb front end (issue 9, docs/gdb.md) with Debian's gdb in batch mode, on the sim, leaky
and retention (-O2) fixtures:

  core  gdb EXE CORE (a gcore core), every heap command: gdb's output equals, byte for byte, the
        same commands in one `heapwalk --core CORE EXE --serve` engine, and each command that
        needs no earlier one equals the one-shot CLI (`heapwalk --core CORE EXE COMMAND`); a
        local of the frame selected with `up` is found (the engine follows gdb's selection).
        A killed engine is one error line and the next command starts a new one.
  live  gdb EXE at the `ready` breakpoint, every heap command; then, in the same gdb,
        `queue-signal SIGSTOP` on every thread and `detach` leave each thread stopped where
        gdb stood (its sp and pc in /proc/PID/task/TID/syscall are gdb's), and the
        same commands in one lldb engine attached to it (`heapwalk --pid PID --serve`) print
        exactly what gdb printed. gdb's selected thread and frame, the pc and every register
        are the same before and after; a local of the frame selected with `up` is found. One
        engine serves a stop; `set var`, `finish` and `kill` end it.
  bad   no process, a running process (all-stop and non-stop), a bad --root, a core of another
        build, an engine that dies, hangs at startup or is interrupted with Ctrl-C: one error
        line each, and gdb answers the next command.

A result compares as the CLI prints it: the output, then "error: MESSAGE" (gdb shows MESSAGE as
its error line), and the contents of an --out file. Run by ctest (test gdb_frontend) or by hand:

    tests/integration/gdb_frontend_test.py --cli build/plugin/heapwalk \\
        --script build/plugin/heapwalk-gdb.py --fixtures build/fixtures [--keep DIR] [PART...]
"""
import argparse
import concurrent.futures
import difflib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gdb_serve  # noqa: E402

GDB = ["gdb", "-nx", "-nh", "-batch"]
GDB_TIMEOUT = 600

# Every heap command, with and without options; the sequences that need an earlier table
# (more, referents, referrers, shpaths ROW, --of) follow the partition they continue.
COMMON = [
    "heap partition --limit 4", "heap more --limit 3", "heap more", "heap more",
    "heap referents 0", "heap referrers 1 --typed-only", "heap shpaths 0 --count 2",
    "heap partition --of 1", "heap partition --format json", "heap partition --format csv",
    "heap partition --by owner", "heap partition --by module --typed-only",
    "heap partition --retained --limit 5",
    "heap leaks", "heap leaks --format json", "heap leaks --show 2 --limit 3",
    "heap summary", "heap summary --format json", "heap summary --format csv",
    "heap arenas", "heap arenas --format json", "heap arenas --format csv",
    "heap top", "heap top 5 --format json", "heap top 3 --format csv",
    "heap recognizers list", "heap recognizers list --format json", "heap warnings",
    "heap partition --root nosuch_variable", "heap more --limit x", "heap top 1 2 3",
    "heap dominators --addr 0x10",
]


# A recognizer file (fixtures/suballoc's): loaded in gdb, it stays loaded in later engines.
RULES = os.path.join(os.path.dirname(os.path.dirname(HERE)), "fixtures", "suballoc",
                     "suballoc.heapwalk.toml")


def fixture_specs(fixtures):
    return [
        {"name": "sim", "exe": f"{fixtures}/sim/heapwalk_fixture_sim", "truth": "sim-truth.json",
         "args": ["--threads", "2", "--big-block-mb", "0"],
         "steps": ["heap partition --root sim", "heap more --limit 5", "heap referents 2",
                   "heap partition --root sim --format json",
                   "heap partition --root sim --format csv --out {work}/partition.csv",
                   "heap partition --root sim->sheets --by via",
                   "heap shpaths --kind ConnectionField --count 2",
                   "heap dominators --addr {addr:sim} --depth 2",
                   "heap dominators --addr {addr:sim} --format json --out {work}/dom.json",
                   "heap size sim", "heap size sim --format json", "heap size nosuch_variable"]
         + COMMON + [f"heap recognizers load {RULES}", "heap recognizers list"],
         # A local of main (frame 1) is found once `up` selects that frame, live and on the
         # core (the engine follows gdb's selection), and no longer after `frame 0`.
         "selection_steps": ["!heap size opt", "up", "=heap size opt", "=heap partition --root opt",
                        "frame 0", "!heap size opt"]},
        {"name": "leaky", "exe": f"{fixtures}/leaky/heapwalk_fixture_leaky",
         "truth": "leaky-truth.json", "args": ["--threads", "2"],
         "steps": ["heap leaks --limit 50", "heap more", "heap referrers 0", "heap referents 0",
                   "heap leaks --format csv --out {work}/leaks.csv", "heap size g_opaque",
                   "heap shpaths --kind . --count 3"] + COMMON,
         "selection_steps": []},
        {"name": "retention_O2", "exe": f"{fixtures}/retention/heapwalk_fixture_retention_O2",
         "truth": "retention-truth.json", "args": [],
         "steps": ["heap partition --root g_model", "heap size g_model", "heap size g_holder",
                   "heap dominators --addr {addr:g_model}", "heap top 5", "heap leaks",
                   "heap summary", "heap partition --retained"],
         "selection_steps": []},
    ]


def stateless(command):
    return not re.match(r"(more|referents|referrers)\b|shpaths \d|.*--of\b", command)


class Failures:
    def __init__(self):
        self.items = []

    def check(self, ok, what, detail=""):
        if not ok:
            self.items.append(what + (f"\n{detail}" if detail else ""))
            print(f"FAIL {what}", flush=True)
        return ok


def as_printed(record):
    """A gdb record as the CLI prints it."""
    if record["error"] is None:
        return 0, record["stdout"]
    return 1, record["stdout"] + "error: " + record["error"] + "\n"


def diff(a, b, names):
    return "".join(difflib.unified_diff(a.splitlines(True), b.splitlines(True), *names, n=1))[:3000]


def compare(failures, where, record, expected, other):
    status, text = as_printed(record)
    command = record["command"]
    failures.check(status == expected["status"], f"{where}: '{command}' status {status} in gdb, "
                   f"{expected['status']} in {other}", text[-500:] + "\n---\n" + expected["text"][-500:])
    failures.check(text == expected["text"], f"{where}: '{command}' differs between gdb and {other}",
                   diff(text, expected["text"], ("gdb", other)))
    failures.check(record["out_file"] == expected["out_file"],
                   f"{where}: '{command}': the --out file differs between gdb and {other}")
    failures.check(not record.get("stray_stderr"), f"{where}: '{command}' succeeded in gdb "
                   "but wrote to stderr", record.get("stray_stderr", "")[:1000])
    if record["error"] is not None:
        failures.check(record["error"].count("\n") <= 1 and "Traceback" not in record["error"],
                       f"{where}: '{command}': gdb's error is not one line",
                       record["error"][:1000])


def wait_for(path, proc, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if os.path.exists(path) or proc.poll() is not None:
            break
        time.sleep(0.1)
    return os.path.exists(path)


def make_core(spec, work):
    truth = os.path.join(work, spec["truth"])
    proc = subprocess.Popen([spec["exe"]] + spec["args"] + ["--wait"], cwd=work,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not wait_for(truth, proc):
            raise SystemExit(f"{spec['name']}: the fixture did not write its truth")
        time.sleep(0.2)
        subprocess.run(["gcore", "-o", os.path.join(work, "core"), str(proc.pid)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        return os.path.join(work, f"core.{proc.pid}")
    finally:
        proc.kill()
        proc.wait()


def run_gdb(args, config, work, gdb_args, env=None):
    """Runs gdb_session.py in gdb; returns (results or None, gdb's stderr)."""
    config = dict(config, script=args.script, cli=args.cli,
                  results=os.path.join(work, "gdb-results.json"))
    if os.path.exists(config["results"]):
        os.unlink(config["results"])
    config_path = os.path.join(work, "gdb-session.json")
    with open(config_path, "w") as f:
        json.dump(config, f)
    env = dict(os.environ, HEAPWALK_GDB_SESSION=config_path, **(env or {}))
    p = subprocess.run(GDB + ["-x", os.path.join(HERE, "gdb_session.py")] + gdb_args, cwd=work,
                       env=env, capture_output=True, text=True, timeout=GDB_TIMEOUT,
                       errors="replace")
    if not os.path.exists(config["results"]):
        return None, p.stdout + p.stderr
    with open(config["results"]) as f:
        results = json.load(f)
    outs, errs = cut(p.stdout), cut(p.stderr)
    for i, record in enumerate(results["gdb"]):
        record["stdout"] = outs.get(i, "")
        err = errs.get(i, "")
        record["stderr"] = "".join(STDERR_LINE.findall(err))  # progress and notices
        err = STDERR_LINE.sub("", err)
        record["error"] = err[:-1] if record["failed"] and err.endswith("\n") else None
        record["stray_stderr"] = "" if record["failed"] else err
    return results, p.stderr


# What a command writes to gdb's stderr besides its error: the engine's progress and the front
# end's notices.
STDERR_LINE = re.compile(r"^heapwalk: (?:.*, Ctrl-C stops|.*; starting a new one|interrupting .*)\n",
                         re.M)


def cut(stream):
    """gdb_session.py's marks split a stream into each step's part."""
    parts = {}
    pieces = re.split(r"\x1e(step \d+|end)\n", stream)
    for name, text in zip(pieces[1::2], pieces[2::2]):
        if name.startswith("step "):
            parts[int(name[5:])] = text
    return parts


def steps_for(spec, work, live):
    steps = spec["steps"] + spec["selection_steps"]
    return [s.replace("{work}", work) for s in steps]


def check_gdb_only(failures, where, records):
    """The steps whose answer depends on gdb's selected frame: each succeeds or fails as marked."""
    for record in records:
        if record.get("gdb_only"):
            ok = record["error"] is None
            failures.check(ok == (record["expect"] == "ok"),
                           f"{where}: '{record['command']}' at gdb's selected frame: "
                           f"expected {record['expect']}", str(record)[:1000])


def test_core(args, spec, failures):
    work = tempfile.mkdtemp(prefix=f"heapwalk-gdb-core-{spec['name']}-", dir=args.keep)
    core = make_core(spec, work)
    start = time.monotonic()
    steps = steps_for(spec, work, live=False)
    # An engine killed between two commands: the next command starts a new one (and says so).
    steps += ["heap warnings", "@kill-engine", "heap warnings", "heap recognizers list"]
    results, log = run_gdb(args, {"mode": "core", "steps": steps}, work, [spec["exe"], core])
    where = f"{spec['name']} core"
    if not failures.check(results is not None, f"{where}: gdb session failed", log[-3000:]):
        return
    records = results["gdb"]
    before, restarted, rules = records[-3:]
    records = records[:-3]
    check_gdb_only(failures, where, records)
    records = [r for r in records if not r.get("gdb_only")]
    loaded = any(r["command"].startswith("recognizers load") for r in records)
    failures.check(not loaded or os.path.basename(RULES) in rules["stdout"],
                   f"{where}: a new engine forgot the recognizers loaded in gdb", rules["stdout"])
    failures.check(restarted["error"] is None and restarted["stdout"] == before["stdout"],
                   f"{where}: no new engine after a killed one", str(restarted))
    failures.check("engine ended (killed by SIGKILL)" in restarted["stderr"]
                   and "starting a new one" in restarted["stderr"],
                   f"{where}: a new engine without a word", str(restarted))
    gdb_time = time.monotonic() - start
    commands = [r["command"] for r in records]
    served = gdb_serve.serve(args.cli, ["--core", core, spec["exe"]], commands)
    for record, expected in zip(records, served):
        compare(failures, where, record, expected, "heapwalk --core --serve")
    # The one-shot CLI (a process per command, ~2 s each): every command that needs no earlier
    # table on the sim core; on the others, the first of each subcommand. Two at a time.
    chosen, seen = [], set()
    for record in records:
        name = record["command"].split()[0]
        if name == "recognizers" and "load" in record["command"]:
            break  # what follows runs with the rules loaded
        if stateless(record["command"]) and (spec["name"] == "sim" or name not in seen):
            chosen.append(record)
            seen.add(name)
    target = ["--core", core, spec["exe"]]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        # Commands that write the same --out file must not run at once: those run alone.
        plain = [r for r in chosen if gdb_serve.out_path(r["command"]) is None]
        expected = dict(zip(map(id, plain), pool.map(
            lambda r: gdb_serve.one_shot(args.cli, target, r["command"]), plain)))
    for record in chosen:
        result = expected.get(id(record)) or gdb_serve.one_shot(args.cli, target, record["command"])
        compare(failures, where, record, result, "the one-shot CLI")
    one_shot = len(chosen)
    print(f"{where}: {len(records)} commands in gdb ({gdb_time:.1f} s) compared with one engine, "
          f"{one_shot} with the one-shot CLI", flush=True)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


def test_live(args, spec, failures):
    work = tempfile.mkdtemp(prefix=f"heapwalk-gdb-live-{spec['name']}-", dir=args.keep)
    start = time.monotonic()
    results, log = run_gdb(args, {"mode": "live", "steps": steps_for(spec, work, live=True)},
                           work, ["--args", spec["exe"]] + spec["args"])
    where = f"{spec['name']} live"
    pid = results.get("pid") if results else None
    try:
        if not failures.check(results is not None and "lldb" in results,
                              f"{where}: gdb session failed", log[-3000:]):
            return
        before, after = results["before"], results["after"]
        for key in ("thread", "frame", "pc", "registers"):
            failures.check(before[key] == after[key],
                           f"{where}: gdb's {key} changed across the heap commands",
                           diff(str(before[key]), str(after[key]), ("before", "after")))
        failures.check(results["gdb_threads"] == results["detached_threads"],
                       f"{where}: after queue-signal SIGSTOP and detach, the threads are not "
                       "stopped where gdb stood",
                       f"{results['gdb_threads']}\n{results['detached_threads']}")
        compared = [r for r in results["gdb"] if not r.get("gdb_only")]
        for record, expected in zip(compared, results["lldb"]):
            compare(failures, where, record, expected, "lldb (heapwalk --pid --serve)")
        failures.check(len(compared) == len(results["lldb"]), f"{where}: lldb ran fewer commands")
        check_gdb_only(failures, where, results["gdb"])
        print(f"{where}: {len(compared)} commands in gdb and in lldb on the same stop "
              f"({time.monotonic() - start:.1f} s)", flush=True)
    finally:
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def test_engine_per_stop(args, spec, failures):
    """One engine per stop: kept across the commands of a stop (heap more continues), ended by
    `set var` (memory changed), by `finish` (the inferior resumed) and by `kill`."""
    work = tempfile.mkdtemp(prefix="heapwalk-gdb-stops-", dir=args.keep)
    engine = "python print('ENGINE', getattr(_heapwalk_frontend.engine, 'proc', None) and " \
             "_heapwalk_frontend.engine.proc.pid)"
    try:
        out, err = plain_gdb(
            ["source " + args.script, "break ready", "run", "heap partition --root sim --limit 1",
             engine, "heap more --limit 1", engine, "set var g_zeroed_page = g_zeroed_page",
             engine, "heap more", "heap partition --root sim --limit 1", engine, "finish", engine,
             "heap partition --root sim --limit 1", engine, "kill", engine, "heap summary"],
            ["--args", spec["exe"]] + spec["args"], cwd=work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    engines = re.findall(r"^ENGINE (\S+)$", out, re.M)
    ok = (len(engines) == 7 and engines[0] == engines[1] != "None" and engines[2] == "None"
          and engines[3] not in ("None", engines[0]) and engines[4] == "None"
          and engines[5] not in ("None", engines[3]) and engines[6] == "None")
    failures.check(ok and "Index  Count" in out and out.count("Partition of a set of") == 3,
                   "engine per stop: not kept within a stop, or not ended when the stop ends",
                   f"{engines}\n{out[-2000:]}\n{err[-2000:]}")
    failures.check(any("no table to continue" in l for l in error_lines(err, "heap more:"))
                   and any("no process" in l for l in error_lines(err, "heap summary:")),
                   "engine per stop: 'set var' or 'kill' did not end the stop", err[-2000:])
    print(f"{spec['name']}: one engine per stop", flush=True)


def plain_gdb(commands, gdb_args=(), env=None, cwd=None, timeout=120):
    """gdb -batch with -ex commands, as a user types them; returns (stdout, stderr)."""
    argv = GDB + ["-ex", "set pagination off"]
    for command in commands:
        argv += ["-ex", command]
    p = subprocess.run(argv + list(gdb_args), capture_output=True, text=True, errors="replace",
                       env=dict(os.environ, **(env or {})), cwd=cwd, timeout=timeout)
    return p.stdout, p.stderr


def piped_gdb(commands, gdb_args=(), cwd=None, timeout=120):
    """gdb reading commands from a pipe, as from a terminal: between two commands it handles
    the inferior's events. A number in COMMANDS is a pause, in seconds."""
    p = subprocess.Popen(GDB[:-1] + ["-q", "-ex", "set pagination off", "-ex", "set confirm off"]
                         + list(gdb_args), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, errors="replace", cwd=cwd)
    try:
        for command in commands:
            if isinstance(command, (int, float)):
                time.sleep(command)
            else:
                p.stdin.write(command + "\n")
                p.stdin.flush()
        out, err = p.communicate("quit\n", timeout=timeout)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return out, err


def error_lines(stderr, prefix):
    return [l for l in stderr.splitlines() if l.startswith(prefix)]


def test_bad(args, specs, failures):
    sim = specs[0]
    source = "source " + args.script
    alive = 'echo alive\\n'
    work = tempfile.mkdtemp(prefix="heapwalk-gdb-bad-", dir=args.keep)
    start = time.monotonic()
    try:
        # No process: nothing loaded, then an executable that is not running.
        for gdb_args in ([], [sim["exe"]]):
            out, err = plain_gdb([source, "heap partition", alive, "heap summary --format json",
                                  alive], gdb_args)
            lines = error_lines(err, "heap ")
            failures.check(len(lines) == 2 and all("no process" in l for l in lines)
                           and out.count("alive") == 2,
                           f"bad: no process ({gdb_args}): not one line per command", out + err)
            failures.check("Traceback" not in err and "Python Exception" not in err,
                           "bad: a Python traceback", err[-2000:])
        # A process that runs (in the background): refused; after `interrupt`, answered. gdb
        # reads the commands from a pipe (in batch mode it would not see the stop before the
        # next command).
        out, err = piped_gdb([source, "run &", 2, "heap summary", alive, "interrupt", 3,
                              "heap partition --root sim --limit 1", "kill"],
                             ["--args", sim["exe"]] + sim["args"] + ["--wait"], cwd=work)
        failures.check(any("is running" in l for l in error_lines(err, "heap summary:"))
                       and "alive" in out,
                       "bad: a running process is not refused in one line", out[-2000:] + err[-2000:])
        failures.check("Partition of a set of" in out,
                       "bad: no answer once the running process was interrupted",
                       out[-2000:] + err[-2000:])
        # Non-stop mode: at the breakpoint only one thread stops; the others run.
        out, err = plain_gdb(["set non-stop on", source, "break ready", "run", "heap summary",
                              alive, "kill"], ["--args", sim["exe"]] + sim["args"] + ["--wait"],
                             cwd=work)
        lines = error_lines(err, "heap summary:")
        failures.check(len(lines) == 1 and "2 of its 3 threads are running" in lines[0]
                       and "alive" in out, "bad: non-stop mode with running threads is not "
                       "refused in one line", out[-2000:] + err[-2000:])
        # A bad --root and a usage error in a core: one line each, then an answer.
        core = make_core(sim, work)
        out, err = plain_gdb([source, "heap partition --root no_such_thing", "heap top --bogus",
                              "heap frobnicate", "heap summary"], [sim["exe"], core])
        lines = error_lines(err, "heap")
        failures.check(len(lines) == 3 and "no_such_thing" in lines[0]
                       and "Bucket" in out,
                       "bad: --root, an unknown option or subcommand is not one line, or gdb "
                       "stopped answering", out[-2000:] + err[-2000:])
        # A core of another program: the CLI's build-id message, as gdb's one error line.
        other = specs[1]["exe"]
        out, err = plain_gdb([source, "heap summary", alive], [other, core])
        cli = gdb_serve.one_shot(args.cli, ["--core", core, other], "summary")
        lines = error_lines(err, "heap summary:")
        failures.check(cli["status"] == 1 and len(lines) == 1
                       and "error: " + lines[0] + "\n" == cli["text"] and "alive" in out,
                       "bad: a core of another build is not the CLI's error line",
                       err[-1000:] + "\n---\n" + cli["text"])
        # Engines that misbehave (a stand-in, gdb_fake_engine.py): one that dies, one that
        # hangs before answering, one interrupted by Ctrl-C in the middle of a command.
        fake = os.path.join(HERE, "gdb_fake_engine.py")
        out, err = plain_gdb([source, "heap leaks", "heap summary", alive],
                             [sim["exe"], core], env={"HEAPWALK_CLI": fake})
        lines = error_lines(err, "heap leaks:")
        failures.check(len(lines) == 1 and "engine ended" in lines[0] and "SIGSEGV" in lines[0]
                       and "fake summary" in out and "alive" in out,
                       "bad: an engine that crashes is not one line, or no new engine follows",
                       out[-2000:] + err[-2000:])
        t0 = time.monotonic()
        out, err = plain_gdb([source, "heap summary", alive], [sim["exe"], core],
                             env={"HEAPWALK_CLI": fake, "FAKE_ENGINE_HANG": "1",
                                  "HEAPWALK_GDB_STARTUP_TIMEOUT": "2"})
        failures.check(any("did not start within 2 s" in l for l in error_lines(err, "heap "))
                       and "alive" in out and time.monotonic() - t0 < 30,
                       "bad: an engine that hangs at startup is not one line", out + err)
        test_interrupt(args, sim, core, fake, failures)
        test_real_interrupt(args, sim, failures)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"bad input: done ({time.monotonic() - start:.1f} s)", flush=True)


def test_real_interrupt(args, sim, failures):
    """Ctrl-C in gdb while the real engine walks 6 million allocations: the command stops in one
    line, gdb and the engine go on. (At 3 million, on an idle machine, `heap top 3` ended within
    0.3 s of its first progress line, before gdb had passed the signal on.)"""
    work = tempfile.mkdtemp(prefix="heapwalk-gdb-ctrl-c-", dir=args.keep)
    try:
        big = dict(sim, args=["--retina-density", "1400", "--cortex-density", "1400",
                              "--big-block-mb", "0"])
        core = make_core(big, work)
        p = subprocess.Popen(GDB + ["-ex", "source " + args.script, "-ex", "heap top 3",
                                    "-ex", "heap arenas --format csv", "-ex", "echo alive\\n",
                                    sim["exe"], core],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # Interrupt once the walk reports progress (past its first second).
        seen, deadline = b"", time.monotonic() + 120
        while b"Ctrl-C stops" not in seen and time.monotonic() < deadline and p.poll() is None:
            ready, _, _ = select.select([p.stderr], [], [], 0.5)
            if ready:
                seen += os.read(p.stderr.fileno(), 1 << 16)
        interrupted_at = time.monotonic()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=300)
        out, err = out.decode(errors="replace"), (seen + err).decode(errors="replace")
        lines = error_lines(err, "heap top:")
        failures.check(len(lines) == 1 and "interrupted" in lines[0]
                       and "Largest retained" not in out and "arena,main,system_mem" in out
                       and "alive" in out,
                       "bad: Ctrl-C during the real engine's walk is not one line, or gdb and "
                       "the engine did not go on", out[-2000:] + err[-2000:])
        print(f"Ctrl-C: the walk stopped, the next command answered "
              f"({time.monotonic() - interrupted_at:.1f} s after the signal)", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def test_interrupt(args, sim, core, fake, failures):
    """Ctrl-C (SIGINT to gdb) during a command the engine works on: the engine gets SIGINT,
    the command fails in one line, the next one is answered by the same engine."""
    argv = GDB + ["-ex", "source " + args.script, "-ex", "heap top", "-ex", "heap summary",
                  "-ex", "echo alive\\n", sim["exe"], core]
    with tempfile.TemporaryDirectory() as tmp:
        flag = os.path.join(tmp, "working")
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ, HEAPWALK_CLI=fake, FAKE_ENGINE_FLAG=flag))
        deadline = time.monotonic() + 60
        while not os.path.exists(flag) and time.monotonic() < deadline and p.poll() is None:
            time.sleep(0.05)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
    lines = error_lines(err, "heap top:")
    failures.check(len(lines) == 1 and "interrupted" in lines[0] and "fake summary" in out
                   and "same engine" in out and "alive" in out,
                   "bad: Ctrl-C during a command is not one line, or the engine did not go on",
                   out[-2000:] + err[-2000:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--script", required=True)
    ap.add_argument("--fixtures", required=True, help="the build's fixtures directory")
    ap.add_argument("--keep", help="keep the cores and results under this directory")
    ap.add_argument("parts", nargs="*", help="core, live, bad (default: all), or fixture names")
    args = ap.parse_args()
    args.cli, args.script = os.path.abspath(args.cli), os.path.abspath(args.script)
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
    if shutil.which("gdb") is None:
        print("gdb is not installed (scripts/install-deps installs it)")
        return 1
    parts = [p for p in args.parts if p in ("core", "live", "bad")] or ["core", "live", "bad"]
    names = [p for p in args.parts if p not in ("core", "live", "bad")]
    specs = fixture_specs(os.path.abspath(args.fixtures))
    chosen = [s for s in specs if not names or s["name"] in names]
    failures = Failures()
    start = time.monotonic()
    for spec in chosen:
        if "core" in parts:
            test_core(args, spec, failures)
        if "live" in parts:
            test_live(args, spec, failures)
            if spec["name"] == "sim":
                test_engine_per_stop(args, spec, failures)
    if "bad" in parts:
        test_bad(args, specs, failures)
    print(f"{len(failures.items)} failures in {time.monotonic() - start:.1f} s")
    for item in failures.items:
        print("----\n" + item)
    return 1 if failures.items else 0


if __name__ == "__main__":
    sys.exit(main())
