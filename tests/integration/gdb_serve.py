"""What the gdb front end's tests compare against: the heapwalk CLI run directly, one command per
process (the one-shot CLI) or many in one `--serve` engine (what the front end talks to). Used by
gdb_frontend_test.py and, inside gdb, by gdb_session.py.

A result is {"command", "status" (0 ok, 1 failed), "text" (the output then the error text, as the
CLI prints them), "out_file" (the contents of an --out FILE, or None)}.
"""
import os
import re
import shlex
import subprocess
import tempfile

STATUS = b"\x1eheapwalk-status "
# Progress lines (stderr, past the first second of work) are not output.
PROGRESS = re.compile(r"^heapwalk: .*Ctrl-C stops\n", re.M)


def out_path(command):
    words = shlex.split(command)
    for i, word in enumerate(words):
        if word == "--out" and i + 1 < len(words):
            return words[i + 1]
        if word.startswith("--out="):
            return word[len("--out="):]
    return None


def take_out_file(command):
    """The --out file a command wrote (removed, so that the next run writes it afresh)."""
    path = out_path(command)
    if path is None or not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        data = f.read().decode("utf-8", "replace")
    os.unlink(path)
    return data


def one_shot(cli, target_args, command, timeout=300):
    p = subprocess.run([cli] + target_args + shlex.split(command), capture_output=True,
                       timeout=timeout)
    text = p.stdout.decode("utf-8", "replace") + PROGRESS.sub("", p.stderr.decode("utf-8", "replace"))
    return {"command": command, "status": 0 if p.returncode == 0 else 1, "text": text,
            "rc": p.returncode, "out_file": take_out_file(command)}


def serve(cli, target_args, commands, pass_fds=(), timeout=600):
    """Runs the commands in one `heapwalk TARGET --serve` engine, in order."""
    stderr_file = tempfile.TemporaryFile()
    proc = subprocess.Popen([cli] + target_args + ["--serve"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=stderr_file, pass_fds=pass_fds)
    results = []
    buffered = b""
    try:
        for command in commands:
            proc.stdin.write(command.encode() + b"\n")
            proc.stdin.flush()
            while True:
                at = buffered.find(STATUS)
                if at >= 0 and b"\n" in buffered[at:]:
                    end = buffered.index(b"\n", at)
                    status = int(buffered[at + len(STATUS):end].split()[0])
                    text, buffered = buffered[:at], buffered[end + 1:]
                    break
                chunk = proc.stdout.read1(1 << 16)
                if not chunk:
                    stderr_file.seek(0)
                    raise RuntimeError(f"the engine ended during '{command}': "
                                       f"{stderr_file.read().decode(errors='replace')[-2000:]}")
                buffered += chunk
            results.append({"command": command, "status": status,
                            "text": text.decode("utf-8", "replace"),
                            "out_file": take_out_file(command)})
        proc.stdin.close()
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return results
