#!/usr/bin/env python3
"""Writes the help text of every heap command, as lldb shows it, to a JSON file that
heapwalk-gdb.py reads when gdb sources it (so that sourcing it starts no process).

    make_help.py --cli build/plugin/heapwalk --out build/plugin/heapwalk-gdb-help.json

The commands are found by walking `heapwalk help [PATH...]`: every "The following subcommands
are supported:" list names the next level. The file holds
{"commands": [{"name": "heap partition", "prefix": false, "help": "..."}, ...]}, parents first.
"""
import argparse
import json
import os
import re
import subprocess
import sys

SUBCOMMAND = re.compile(r"^ {6}([a-z][a-z0-9-]*)\s+-- ")


def help_text(cli, path):
    p = subprocess.run([cli, "help"] + path, capture_output=True, text=True, timeout=60)
    if p.returncode != 0 or not p.stdout:
        sys.exit(f"make_help.py: '{cli} help {' '.join(path)}' failed: {p.stderr.strip()}")
    return p.stdout


def subcommands(text):
    if "The following subcommands are supported:" not in text:
        return []
    tail = text.split("The following subcommands are supported:", 1)[1]
    return [m.group(1) for m in map(SUBCOMMAND.match, tail.splitlines()) if m]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    commands = []
    pending = [[]]
    while pending:
        path = pending.pop(0)
        text = help_text(args.cli, path)
        subs = subcommands(text)
        commands.append({"name": " ".join(["heap"] + path), "prefix": bool(subs), "help": text})
        pending.extend(path + [s] for s in subs)
    if len(commands) < 2:
        sys.exit("make_help.py: 'heapwalk help' listed no subcommands")
    with open(args.out + ".tmp", "w") as f:
        json.dump({"commands": commands}, f, indent=1)
        f.write("\n")
    os.replace(args.out + ".tmp", args.out)


if __name__ == "__main__":
    main()
