#!/usr/bin/env python3
"""A stand-in for `heapwalk ... --serve` that misbehaves on purpose, for the bad-input part of
gdb_frontend_test.py (HEAPWALK_CLI points the front end at it). It speaks the engine's protocol
(a line in; the output and "\\x1eheapwalk-status N E" out) and, by command:

  leaks     dies of SIGSEGV in the middle of the command;
  top       writes progress, touches $FAKE_ENGINE_FLAG, then works until SIGINT, and fails with
            "interrupted" as the real engine does;
  anything  "fake NAME", with "(same engine)" once this engine has been interrupted.

With $FAKE_ENGINE_HANG it never answers its first request (an engine that hangs at startup).
"""
import os
import signal
import sys
import time

interrupted = False


def on_sigint(signum, frame):
    global interrupted
    interrupted = True


def answer(text, status, error=""):
    sys.stdout.write(text + error + f"\x1eheapwalk-status {status} {len(error.encode())}\n")
    sys.stdout.flush()


def main():
    signal.signal(signal.SIGINT, on_sigint)
    if "--serve" not in sys.argv:
        sys.exit("gdb_fake_engine.py: not started with --serve")
    was_interrupted = False
    first = True
    for line in sys.stdin:
        words = line.split()
        if first and os.environ.get("FAKE_ENGINE_HANG"):
            time.sleep(3600)
        first = False
        name = words[0] if words else ""
        if name == "help":
            answer("fake help\n", 0)
        elif name == "leaks":
            sys.stdout.write("Partition of a set of")
            sys.stdout.flush()
            sys.stderr.write("heapwalk: fake engine crashing\n")
            sys.stderr.flush()
            os.kill(os.getpid(), signal.SIGSEGV)
        elif name == "top":
            sys.stderr.write("heapwalk: fake work 0% (0 of 9 steps), Ctrl-C stops\n")
            sys.stderr.flush()
            flag = os.environ.get("FAKE_ENGINE_FLAG")
            if flag:
                open(flag, "w").close()
            deadline = time.monotonic() + 60
            while not interrupted and time.monotonic() < deadline:
                time.sleep(0.02)
            was_interrupted = interrupted
            answer("", 1, "error: heap top: interrupted\n")
        else:
            answer(f"fake {name}" + (" (same engine)" if was_interrupted else "") + "\n", 0)


if __name__ == "__main__":
    main()
