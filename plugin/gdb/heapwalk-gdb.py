"""heapwalk in gdb: the `heap` commands of the lldb plugin, live and on cores (docs/gdb.md).

    (gdb) source /path/to/heapwalk-gdb.py        # or this line in ~/.gdbinit
    (gdb) heap partition --root sim

gdb keeps nothing of the analysis. The first heap command of a stop starts the heapwalk CLI
beside this file as an engine process (`heapwalk ... --serve`) and sends it the command line as
typed; the engine prints what lldb would print. Later commands of the same stop go to the same
engine, so the graph is built once and `heap more` continues the last table. When the inferior
resumes, exits, or its memory or registers are changed from gdb, the engine ends.

  - A core (`gdb EXE CORE`): the engine opens the same core and executable itself
    (`heapwalk --core CORE EXE --serve`), with the CLI's build-id check and messages.
  - A live process: gdb holds it under ptrace, so nothing else may attach. gdb opens
    /proc/PID/mem (read-only; gdb is the tracer, so the kernel allows it) and hands the
    descriptor to the engine, with the threads, their registers and gdb's selected thread and
    frame in a JSON file (`heapwalk --pid PID --no-attach --mem-fd FD --threads FILE --serve`).
    The inferior is never resumed, written or changed; gdb's selection is restored.

Sourcing this file starts no process: the help text of every command was written beside it at
build time (heapwalk-gdb-help.json).
"""

import json
import os
import re
import select
import shlex
import shutil
import signal
import subprocess
import tempfile
import time

import gdb


def _heapwalk_here():
    """This file's directory. (__file__ names the outermost script when gdb sources this file
    from another Python script; a code object always names its own file.)"""
    return os.path.dirname(os.path.realpath(_heapwalk_here.__code__.co_filename))


_HEAPWALK_HERE = _heapwalk_here()


class _Heapwalk:
    """Everything the front end keeps, in one object so that sourcing the file twice replaces
    the first one (its engine, its event handlers) instead of doubling them."""

    STATUS = b"\x1eheapwalk-status "
    # Registers handed to the engine for each thread, read at the thread's newest frame.
    REGISTERS = ("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10",
                 "r11", "r12", "r13", "r14", "r15", "rip", "eflags", "cs", "ss", "ds", "es",
                 "fs", "gs", "fs_base", "gs_base")
    # How long an engine may take to answer its first request (opening the target). Analyses
    # themselves have no time limit: Ctrl-C interrupts them.
    STARTUP_TIMEOUT = float(os.environ.get("HEAPWALK_GDB_STARTUP_TIMEOUT", "120"))

    def __init__(self, here):
        self.here = here
        self.engine = None
        self.recognizer_files = []  # absolute paths loaded with `heap recognizers load`
        self.handlers = []
        with open(os.path.join(here, "heapwalk-gdb-help.json")) as f:
            self.commands = json.load(f)["commands"]

    # --- the engine's lifetime ------------------------------------------------------------

    def connect(self):
        def on(registry_name, handler):
            registry = getattr(gdb.events, registry_name, None)
            if registry is not None:
                registry.connect(handler)
                self.handlers.append((registry, handler))

        end = lambda *_: self.stop_engine()
        for name in ("cont", "exited", "new_objfile", "clear_objfiles", "memory_changed",
                     "register_changed", "inferior_deleted", "gdb_exiting"):
            on(name, end)

    def disconnect(self):
        for registry, handler in self.handlers:
            try:
                registry.disconnect(handler)
            except Exception:
                pass
        self.handlers = []
        self.stop_engine()

    def stop_engine(self):
        engine, self.engine = self.engine, None
        if engine is not None:
            engine.close()

    def cli(self):
        path = os.environ.get("HEAPWALK_CLI") or os.path.join(self.here, "heapwalk")
        if not os.access(path, os.X_OK):
            raise gdb.GdbError(f"heap: the heapwalk CLI is not beside heapwalk-gdb.py ({path}): "
                               "rebuild or reinstall heapwalk, or set HEAPWALK_CLI")
        return path

    # --- what gdb stands on ---------------------------------------------------------------

    def target(self, command, args):
        """(kind, key, details) of the selected inferior, or a GdbError saying why not."""
        inferior = gdb.selected_inferior()
        if inferior.pid == 0:
            raise gdb.GdbError(f"heap {command}: no process: run the program to a breakpoint, "
                               "attach to it, or load a core (gdb EXE CORE)")
        connection = getattr(inferior, "connection", None)
        kind = connection.type if connection is not None else "native"
        executable = inferior.progspace.filename
        if kind == "core":
            core = self.core_file()
            if not executable:
                raise gdb.GdbError(f"heap {command}: no executable: start gdb as 'gdb EXE CORE' "
                                   "(heapwalk reads the types from the executable)")
            return "core", ("core", inferior.num, core, executable), (core, executable)
        if kind != "native":
            raise gdb.GdbError(f"heap {command}: gdb's target is '{kind}': heapwalk reads a "
                               "process of this machine (gdb's native target) or a core")
        threads = inferior.threads()
        running = [t for t in threads if t.is_running()]
        if running:
            # All of them or, in non-stop mode, some: either way its memory is moving.
            what = ("the process is running" if len(running) == len(threads) else
                    f"{len(running)} of its {len(threads)} threads are running")
            raise gdb.GdbError(f"heap {command}: {what}: stop it (Ctrl-C, 'interrupt', or "
                               "'interrupt -a' in non-stop mode) and run the command at the stop")
        selected = gdb.selected_thread()
        try:
            level = gdb.selected_frame().level()
        except gdb.error:
            level = 0
        selection = (selected.num if selected is not None else 0, level)
        return "live", ("live", inferior.num, inferior.pid, selection), inferior

    @staticmethod
    def core_file():
        text = gdb.execute("info target", to_string=True)
        marker = "Local core dump file:"
        if marker in text:
            line = text.split(marker, 1)[1].strip().splitlines()[0]
            start, end = line.find("`"), line.rfind("'")
            if 0 <= start < end:
                return line[start + 1:end]
        raise gdb.GdbError("heap: gdb names no core file ('info target')")

    def threads_file(self, inferior, directory):
        """Writes gdb's threads, registers and selection for the engine; restores the
        selected thread and frame."""
        selected = gdb.selected_thread()
        try:
            level = gdb.selected_frame().level()
        except gdb.error:
            level = None
        threads = []
        try:
            for thread in sorted(inferior.threads(), key=lambda t: t.num):
                thread.switch()
                frame = gdb.newest_frame()
                registers = {}
                for name in self.REGISTERS:
                    try:
                        registers[name] = hex(int(frame.read_register(name)) & (2**64 - 1))
                    except (gdb.error, ValueError):
                        pass
                threads.append({"tid": thread.ptid[1], "name": thread.name or "",
                                "registers": registers})
        finally:
            if selected is not None and selected.is_valid():
                selected.switch()
                if level is not None:
                    frame = gdb.newest_frame()
                    for _ in range(level):
                        older = frame.older()
                        if older is None:
                            break
                        frame = older
                    frame.select()
        path = os.path.join(directory, "threads.json")
        with open(path, "w") as f:
            json.dump({"threads": threads,
                       "selected_tid": selected.ptid[1] if selected is not None else 0,
                       "selected_frame": level or 0}, f)
        return path

    # --- starting an engine ---------------------------------------------------------------

    @staticmethod
    def depends_on_selection(command, args):
        """Whether the command evaluates an expression in the selected frame."""
        words = args.split()
        return command == "size" or any(w in ("--root", "-r") or w.startswith(("--root=", "-r"))
                                        for w in words)

    def engine_for(self, command, args):
        kind, key, details = self.target(command, args)
        engine = self.engine
        if engine is not None and not engine.alive():
            # It ended between two commands: say so (its tables are gone), then start afresh.
            gdb.write(f"heapwalk: {engine.death()}; starting a new one\n", gdb.STDERR)
        elif engine is not None:
            same = engine.key == key
            if not same and kind == "live" and engine.key[:3] == key[:3]:
                # Another thread or frame of the same stop: the engine is moved there (select)
                # before a command that evaluates an expression.
                same = True
            if same:
                return engine
        self.stop_engine()
        argv = [self.cli()]
        for path in self.recognizer_files:
            argv += ["--recognizers", path]
        directory = tempfile.mkdtemp(prefix="heapwalk-gdb-")
        fds = ()
        try:
            if kind == "core":
                core, executable = details
                argv += ["--core", core, executable, "--serve"]
            else:
                inferior = details
                threads = self.threads_file(inferior, directory)
                try:
                    fd = os.open(f"/proc/{inferior.pid}/mem", os.O_RDONLY | os.O_CLOEXEC)
                except OSError as e:
                    raise gdb.GdbError(f"heap {command}: cannot open /proc/{inferior.pid}/mem: "
                                       f"{e.strerror}")
                fds = (fd,)
                argv += ["--pid", str(inferior.pid), "--no-attach", "--mem-fd", str(fd),
                         "--threads", threads, "--serve"]
            engine = _Engine(argv, key, fds, directory)
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        finally:
            for fd in fds:
                os.close(fd)  # the engine has its own copy
        try:
            engine.start(self.STARTUP_TIMEOUT)
        except _EngineError as e:
            engine.close()
            message = str(e)
            if message.startswith("heapwalk: "):
                message = message[len("heapwalk: "):]
            raise gdb.GdbError(f"heap {command}: {message}")
        self.engine = engine
        return engine

    # --- running a command ----------------------------------------------------------------

    def run(self, command, args):
        line = command + (" " + args if args else "")
        engine = self.engine_for(command, args)
        if self.depends_on_selection(command, args):
            self.select_where_gdb_stands(engine)
        try:
            status, out, error_bytes = engine.request(line.replace("\n", " "))
        except _EngineError as e:
            self.stop_engine()
            raise gdb.GdbError(f"heap {command}: {e}; the next heap command starts a new engine")
        if status == 0:
            if command == "recognizers load":
                self.remember_recognizers(args)
            gdb.write(out.decode("utf-8", "replace"))
            gdb.flush()
            return
        result, message = self.split_error(out, error_bytes)
        if result:
            gdb.write(result)
            gdb.flush()
        raise gdb.GdbError(message or f"heap {command}: failed")

    @staticmethod
    def select_where_gdb_stands(engine):
        # The engine stands where it was started (on a core where lldb opens it: the first
        # thread, its newest frame): move it to gdb's selection, so that expressions mean what
        # they mean at gdb's prompt. If it cannot follow (lldb sees other frames), say so.
        thread = gdb.selected_thread()
        try:
            level = gdb.selected_frame().level()
        except gdb.error:
            return
        if thread is None:
            return
        try:
            status, out, _ = engine.request(f"select {thread.ptid[1]} {level}")
        except _EngineError:
            return
        if status != 0:
            message = out.decode("utf-8", "replace").strip().removeprefix("error: ")
            gdb.write(f"heapwalk: {message}; expressions are evaluated where the engine stood "
                      "before, not at gdb's selected frame\n", gdb.STDERR)

    def remember_recognizers(self, args):
        try:
            words = shlex.split(args)
        except ValueError:
            return
        if words:
            path = os.path.abspath(os.path.expanduser(words[0]))
            if path not in self.recognizer_files:
                self.recognizer_files.append(path)

    @staticmethod
    def split_error(out, error_bytes):
        """The engine's answer ends with the command's error text ("error: ..."), whose length
        the status line gives. Returns (output, the error without lldb's "error: ")."""
        cut = max(0, len(out) - error_bytes)
        result = out[:cut].decode("utf-8", "replace")
        message = out[cut:].decode("utf-8", "replace").rstrip("\n")
        if message.startswith("error: "):
            message = message[len("error: "):]
        return result, message


class _EngineError(Exception):
    pass


class _Engine:
    """One `heapwalk ... --serve` process: request lines on its stdin, each answered on its
    stdout by the command's output and a status line; progress on its stderr."""

    def __init__(self, argv, key, fds, directory):
        self.key = key
        self.directory = directory
        self.stderr_tail = b""
        self.startup_stderr = None  # collected, not shown, until the engine has started
        # Its own session: a Ctrl-C typed at gdb's terminal reaches the engine only through
        # gdb (one SIGINT, sent by request()), and the engine never reads the terminal.
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, pass_fds=fds,
                                     start_new_session=True, bufsize=0)

    def alive(self):
        return self.proc.poll() is None

    def start(self, timeout):
        self.startup_stderr = b""
        try:
            status, out, _ = self.request("help partition", time.monotonic() + timeout)
        except _EngineError as e:
            raise _EngineError(self.last_error_line() or str(e))
        finally:
            pending, self.startup_stderr = self.startup_stderr, None
        if pending:
            self.forward_stderr(pending)

    def request(self, line, deadline=None):
        try:
            self.proc.stdin.write(line.encode() + b"\n")
        except OSError:
            raise _EngineError(self.death())
        out = bytearray()
        out_fd, err_fd = self.proc.stdout.fileno(), self.proc.stderr.fileno()
        fds = [out_fd, err_fd]
        interrupts = 0
        while True:
            at = out.find(_Heapwalk.STATUS)
            if at >= 0:
                end = out.find(b"\n", at)
                if end >= 0:
                    # "N E": the status, and how many of the answer's last bytes are error text.
                    words = bytes(out[at + len(_Heapwalk.STATUS):end]).split()
                    status = int(words[0]) if words and words[0].isdigit() else 1
                    error_bytes = int(words[1]) if len(words) > 1 and words[1].isdigit() else 0
                    return status, bytes(out[:at]), error_bytes
            try:
                wait = 0.25
                if deadline is not None:
                    wait = max(0.0, min(wait, deadline - time.monotonic()))
                ready, _, _ = select.select(fds, [], [], wait)
                if not ready and self.proc.poll() is not None:
                    # Ended, and something it started may still hold its pipes open.
                    raise _EngineError(self.death())
                for fd in ready:
                    chunk = os.read(fd, 1 << 16)
                    if fd == err_fd:
                        if not chunk:
                            fds.remove(err_fd)
                        else:
                            self.forward_stderr(chunk)
                    elif not chunk:
                        raise _EngineError(self.death())
                    else:
                        out += chunk
                if deadline is not None and time.monotonic() >= deadline:
                    self.kill()
                    raise _EngineError(f"the heapwalk engine did not start within "
                                       f"{_Heapwalk.STARTUP_TIMEOUT:g} s (HEAPWALK_GDB_STARTUP_"
                                       "TIMEOUT)")
            except KeyboardInterrupt:
                interrupts += 1
                if deadline is not None or interrupts > 1:
                    self.kill()
                    raise _EngineError("interrupted; the engine was stopped")
                # The engine stops the command and answers with a failed status.
                try:
                    os.kill(self.proc.pid, signal.SIGINT)
                except OSError:
                    pass
                gdb.write("heapwalk: interrupting (Ctrl-C again ends the engine)\n", gdb.STDERR)

    def forward_stderr(self, chunk):
        self.stderr_tail = (self.stderr_tail + chunk)[-4096:]
        if self.startup_stderr is not None:
            self.startup_stderr += chunk
            return
        gdb.write(chunk.decode("utf-8", "replace"), gdb.STDERR)
        gdb.flush(gdb.STDERR)

    def last_error_line(self):
        lines = [l for l in self.stderr_tail.decode("utf-8", "replace").splitlines() if l.strip()]
        return lines[-1] if lines else ""

    def death(self):
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()
            return "the heapwalk engine stopped answering"
        # Whatever it still had to say on stderr.
        try:
            fd = self.proc.stderr.fileno()
            os.set_blocking(fd, False)
            while select.select([fd], [], [], 0)[0]:
                rest = os.read(fd, 1 << 16)
                if not rest:
                    break
                self.stderr_tail = (self.stderr_tail + rest)[-4096:]
        except (OSError, ValueError):
            pass
        how = (f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit status {code}")
        last = self.last_error_line()
        return f"the heapwalk engine ended ({how})" + (f": {last}" if last else "")

    def kill(self):
        if self.proc.poll() is None:
            try:
                self.proc.kill()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()  # EOF: the engine ends by itself
                self.proc.wait(timeout=0.5)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except OSError:
                pass
        shutil.rmtree(self.directory, ignore_errors=True)


def _heapwalk_register(frontend):
    def options_of(help_text):
        return sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", help_text)))

    class Heap(gdb.Command):
        def __init__(self, name, help_text, prefix):
            # gdb ends the text with a newline of its own.
            self.__doc__ = help_text[:-1] if help_text.endswith("\n") else help_text
            self.command = name[len("heap "):]
            self.prefix = prefix
            self.options = options_of(help_text)
            super().__init__(name, gdb.COMMAND_DATA, prefix=prefix)  # completed by complete()

        def invoke(self, args, from_tty):
            if self.command != "more":
                self.dont_repeat()  # Enter after `heap more` shows the next rows
            args = args.strip()
            if self.prefix:
                name = ("heap " + self.command).strip()
                if not args:
                    gdb.execute("help " + name)
                    return
                raise gdb.GdbError(f'{name}: no subcommand "{args.split()[0]}": '
                                   f"'help {name}' lists them")
            frontend.run(self.command, args)

        def complete(self, text, word):
            # gdb breaks words at '-': WORD is the end of the option being typed.
            token = text.split()[-1] if text.strip() and not text[-1].isspace() else ""
            if token.startswith("-") and word is None:
                return []  # gdb asks again with WORD
            if token.startswith("-") and token.endswith(word):
                cut = len(token) - len(word)
                return [o[cut:] for o in self.options if o.startswith(token)]
            return gdb.COMPLETE_SYMBOL

    for command in frontend.commands:
        Heap(command["name"], command["help"], command["prefix"])


def _heapwalk_install():
    prior = globals().get("_heapwalk_frontend")
    if prior is not None:
        prior.disconnect()
    try:
        frontend = _Heapwalk(_HEAPWALK_HERE)
    except (OSError, ValueError, KeyError) as e:
        gdb.write(f"heapwalk: cannot read heapwalk-gdb-help.json beside heapwalk-gdb.py ({e}); "
                  "rebuild or reinstall heapwalk\n", gdb.STDERR)
        return None
    frontend.connect()
    _heapwalk_register(frontend)
    return frontend


_heapwalk_frontend = _heapwalk_install()
