#!/usr/bin/env python3
"""Damaged cores (issue 11, item 9): a real gcore core of the sim fixture (two worker threads,
so three arenas), damaged by scripts/damage-core in every way it knows (loops in every list,
zeroed and random heap bytes, a corrupt chunk size, absurd top and system_mem, truncations).
Each damaged core is fed to the CLI (heap arenas, summary, partition, leaks, top) under a time
limit and an address-space cap, and each run must:

  - end by itself (no crash, no signal, no timeout) within the time limit;
  - print a warning or error line that names the damage (the words damage-core gives);
  - report no impossible total: no byte count over the bytes the core maps;
  - leave its inputs unchanged (the core and the executable, by checksum).

The healthy core is run too (no warning naming damage; the same bounds). Run by ctest
(test damaged_cores) or by hand:

    tests/integration/damaged_cores_test.py --cli build/plugin/heapwalk \\
        --fixture build/fixtures/sim/heapwalk_fixture_sim [--keep DIR] [KIND...]
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COMMANDS = [["arenas"], ["arenas", "--format", "json"], ["summary"], ["partition"], ["leaks"],
            ["top"]]
TIME_LIMIT = 60.0       # seconds per command (a healthy run of this core takes ~2 s)
ADDRESS_SPACE = 6 << 30  # bytes of virtual memory the CLI (and the lldb in it) may map
MEMORY_PER_MAPPED_BYTE = 1.3  # the bound docs/robustness.md documents (beyond the healthy run)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def mapped_bytes(core):
    """The bytes of memory the core holds (its PT_LOAD segments' file sizes)."""
    with open(core, "rb") as f:
        head = f.read(64)
        if len(head) < 64:
            return 0
        (phoff,) = struct.unpack_from("<Q", head, 32)
        phentsize, phnum = struct.unpack_from("<HH", head, 54)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    total = 0
    for i in range(len(table) // phentsize):
        p_type, _fl, _off, _va, _pa, filesz, memsz, _al = struct.unpack_from(
            "<IIQQQQQQ", table, i * phentsize)
        if p_type == 1:
            total += memsz
    return total


def make_core(fixture, workdir):
    truth = os.path.join(workdir, "sim-truth.json")
    proc = subprocess.Popen([fixture, "--threads", "2", "--big-block-mb", "0", "--wait"],
                            cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            if os.path.exists(truth) or proc.poll() is not None:
                break
            time.sleep(0.1)
        if not os.path.exists(truth):
            raise SystemExit("the sim fixture did not write its truth")
        time.sleep(0.2)
        prefix = os.path.join(workdir, "core")
        subprocess.run(["gcore", "-o", prefix, str(proc.pid)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        return f"{prefix}.{proc.pid}"
    finally:
        proc.kill()
        proc.wait()


def run_cli(cli, core, exe, command):
    """(exit status or None on timeout, stdout + stderr, seconds, peak RSS in bytes)."""
    cmd = ["prlimit", f"--as={ADDRESS_SPACE}", "--", cli, "--core", core, exe] + command
    start = time.monotonic()
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        deadline = start + TIME_LIMIT
        while True:
            # wait4 gives this run's own peak RSS (prlimit execs the CLI in the same process).
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid == p.pid:
                break
            if time.monotonic() > deadline:
                p.kill()
                os.wait4(p.pid, 0)
                return None, "", time.monotonic() - start, 0
            time.sleep(0.05)
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode(errors="replace")
    return p.returncode, text, time.monotonic() - start, usage.ru_maxrss * 1024


NUMBER_ROW = re.compile(r"^\s*(?:[A-Za-z:() ]+?\s+)?(\d+)\s+(\d+)\b")


def impossible_totals(output, command, mapped):
    """Byte counts over the mapped bytes, as (what, value) pairs."""
    bad = []
    if command[-1] == "json":
        try:
            report = json.loads(output[output.index("{"):output.rindex("}") + 1])
        except ValueError:
            return [("json", "not parseable")]

        def walk(node, path):
            if isinstance(node, dict):
                for k, v in node.items():
                    walk(v, f"{path}.{k}")
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    walk(v, f"{path}[{i}]")
            elif isinstance(node, int) and not isinstance(node, bool):
                if ("bytes" in path or "system_mem" in path or path.endswith(".top")
                        or "overhead" in path or "largest" in path) and node > mapped:
                    bad.append((path, node))
        walk(report, "")
        return bad
    for line in output.splitlines():
        if line.startswith(("warning", "error", "note")):
            continue
        # Every decimal number of 9+ digits in a report line is a byte count or a count of
        # things in memory: none can exceed the mapped bytes.
        for number in re.findall(r"(?<![\w.x])(\d{9,})(?![\w.])", line):
            if int(number) > mapped:
                bad.append((line.strip()[:100], int(number)))
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--fixture", required=True)
    ap.add_argument("--damage", default=os.path.join(ROOT, "scripts", "damage-core"))
    ap.add_argument("--keep", help="keep the cores and outputs in this directory")
    ap.add_argument("kinds", nargs="*")
    args = ap.parse_args()
    args.cli, args.fixture = os.path.abspath(args.cli), os.path.abspath(args.fixture)

    workdir = args.keep or tempfile.mkdtemp(prefix="heapwalk-damaged-")
    os.makedirs(workdir, exist_ok=True)
    failures = []
    try:
        core = make_core(args.fixture, workdir)
        exe = args.fixture
        inputs = {p: sha256(p) for p in (core, exe)}
        mapped = mapped_bytes(core)
        kinds = args.kinds or [l.split("\t")[0] for l in subprocess.run(
            [args.damage, "--list"], capture_output=True, text=True, check=True).stdout.splitlines()]
        print(f"core {core}: {mapped} bytes mapped; kinds: {' '.join(kinds)}")

        # docs/robustness.md: analyzer memory is bounded by the heap's size, whatever the input
        # says: at most ~1.3 bytes per mapped byte beyond what the same command needs on the
        # healthy core (LLDB itself, the types).
        healthy_peak = {}

        def check(kind, path, words, expect_error=False):
            for command in COMMANDS:
                label = f"{kind}: heap {' '.join(command)}"
                rc, out, seconds, peak = run_cli(args.cli, path, exe, command)
                key = tuple(command)
                if kind == "healthy":
                    healthy_peak[key] = peak
                with open(os.path.join(workdir, f"{kind}.{'-'.join(command)}.out"), "w") as f:
                    f.write(out)
                problems = []
                if rc is None:
                    problems.append(f"did not finish within {TIME_LIMIT:.0f} s")
                elif rc < 0 or rc >= 128:
                    problems.append(f"died (status {rc})")
                elif rc not in (0, 1):
                    problems.append(f"exit status {rc}")
                elif expect_error and rc != 1:
                    problems.append("succeeded on a core it cannot read")
                if rc is not None:
                    lines = [l for l in out.splitlines()
                             if l.startswith(("warning", "error", "note"))]
                    if words and not any(words in l for l in lines):
                        problems.append(f"no warning or error line says '{words}'")
                    if not words and any("loop" in l or "corrupt" in l or "damaged heap" in l
                                         for l in lines):
                        problems.append("a healthy core gets a damage warning")
                    # Leaks behind a cut chunk walk are flagged as possibly false.
                    if (command == ["leaks"] and kind in ("zeroed-heap", "chunk-size") and rc == 0
                            and not any("damaged heap" in l for l in lines)):
                        problems.append("leaks on a damaged heap carry no 'damaged heap' warning")
                    bound = healthy_peak.get(key, 0) + int(MEMORY_PER_MAPPED_BYTE * mapped)
                    if kind != "healthy" and peak > bound:
                        problems.append(f"peak RSS {peak >> 20} MiB over the bound "
                                        f"{bound >> 20} MiB (healthy core's peak + "
                                        f"{MEMORY_PER_MAPPED_BYTE} x {mapped >> 20} MiB mapped)")
                    if rc == 0:
                        for what, value in impossible_totals(out, command, mapped)[:3]:
                            problems.append(f"impossible total {value} > {mapped} in {what}")
                notes = [l for l in out.splitlines() if l.startswith(("warning", "error"))]
                first = next((l for l in notes if words and words in l),
                             (out.strip().splitlines() or [""])[0])
                status = "FAIL" if problems else "ok"
                print(f"  {status:4} {label} ({seconds:.1f} s, {peak >> 20} MiB): "
                      f"{'; '.join(problems) if problems else first}", flush=True)
                if problems:
                    failures.append(f"{label}: {'; '.join(problems)}")

        check("healthy", core, "")
        for kind in kinds:
            damaged_dir = os.path.join(workdir, "damaged")
            out = subprocess.run([args.damage, core, exe, damaged_dir, kind],
                                 capture_output=True, text=True)
            if out.returncode != 0:
                failures.append(f"{kind}: damage-core failed: {out.stderr.strip()[-300:]}")
                continue
            _, path, what, words = out.stdout.strip().split("\t")
            print(f"{kind}: {what}", flush=True)
            if path == "skip":
                failures.append(f"{kind}: the core has no such structure ({what})")
                continue
            check(kind, path, words, expect_error=kind.startswith("truncated"))
            if not args.keep:
                os.remove(path)
        for p, digest in inputs.items():
            if sha256(p) != digest:
                failures.append(f"input {p} changed")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if failures:
        print(f"\n{len(failures)} failures:")
        for f in failures:
            print(f"  {f}")
        return 1
    print("\nall damaged cores handled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
