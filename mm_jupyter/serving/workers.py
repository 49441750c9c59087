"""``mm-jupyter serve --workers N``: N pre-forked worker processes sharing one socket.

One process runs predict, JSON and the monitor writes under one GIL, so it stops at one
core. With ``--workers N`` the parent loads the model, reserves the port and forks N
workers. Each worker is an ordinary single-process server (app.py): its own IOLoop,
predictor thread and monitor writer (its own ``PredictionBuffer`` and registry
connection; concurrent SQLite writers queue on ``BEGIN IMMEDIATE`` and the busy timeout,
PostgreSQL ones on its row lock). The model is loaded once, before the fork, so the
workers share its memory until they write to it.

The socket: each worker listens on its own socket bound with ``SO_REUSEPORT``
(``tornado.netutil.bind_sockets(reuse_port=True)``), and the kernel spreads new
connections over the workers' sockets. A single listening socket inherited by every
worker (tornado's ``fork_processes`` recipe) was measured first: whichever worker woke
first accepted a whole burst of keep-alive connections (all 16 of the benchmark on one
worker of two), so the other workers idled. The parent keeps the port with sockets that
are bound (``SO_REUSEPORT``) but never listen, so no connection waits in a queue nobody
accepts from, and a restarted worker can bind the same port. Linux balances
``SO_REUSEPORT`` listeners; another process of the same user could join the group too.

Why not ``tornado.process.fork_processes``: it restarts crashed children but neither
forwards SIGTERM/SIGINT to them nor waits for them to drain, and it exits the parent
with ``sys.exit`` from inside the loop; draining is the point here (every answered row
reaches the monitor), so the supervisor below is ours, and small:

- it restarts a worker that exits while the server is running (a crash), giving up
  (stopping the others, exit 1) if workers keep dying right after start;
- on SIGINT/SIGTERM it closes its copy of the socket and sends SIGTERM to every worker,
  which stops accepting, finishes the requests in flight, flushes its buffer, waits for
  the writes and exits 0; the parent exits 0 once every worker did. A second signal
  kills the workers without flushing (as a second Ctrl-C does to one process);
- workers ignore SIGINT (a Ctrl-C reaches the whole process group; the parent forwards
  it once, as SIGTERM), and drain and exit if the parent disappears;
- SIGUSR1 from a worker asks the parent to have every worker flush its buffer now:
  ``POST /labels`` for a batch another worker still buffers (the batch must be logged
  before labels can join it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import select
import signal
import socket
import sys
import time
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from mm_jupyter.errors import MMError

if TYPE_CHECKING:
    import tornado.web

    from mm_jupyter.store import Registry

log = logging.getLogger("mm_jupyter")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# A worker that dies this soon after its start counts towards giving up ...
FAST_DEATH_SECONDS = 5.0
# ... after this many such deaths in a row.
MAX_FAST_DEATHS = 5
PARENT_CHECK_SECONDS = 1.0


class Supervisor:
    """The parent: fork the workers, restart crashed ones, forward stop signals, reap."""

    def __init__(self, workers: int, sockets: list[socket.socket],
                 start_worker: Callable[[int, int], NoReturn]) -> None:
        self.workers = workers
        self.sockets = sockets  # the reserved port (never listening)
        self.start_worker = start_worker  # (index, fd to write one byte to when listening)
        self.ready_r, self.ready_w = os.pipe()
        self.children: dict[int, tuple[int, float]] = {}  # pid -> (index, started)
        self.stopping = False
        self.killed = False
        self.fast_deaths = 0
        self.exit_codes: list[int] = []

    # signal handlers (main thread, between bytecodes; os.wait resumes after them)

    def _on_stop(self, signum: int, frame: Any) -> None:
        if self.stopping:  # the second signal: no flushing
            self.killed = True
            self._send(signal.SIGKILL)
            return
        self.stopping = True
        for sock in self.sockets:  # once the workers stop accepting, refuse connections
            sock.close()
        self._send(signal.SIGTERM)

    def _on_flush(self, signum: int, frame: Any) -> None:
        if not self.stopping:
            self._send(signal.SIGUSR1)

    def _send(self, sig: int) -> None:
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)

    # forking

    def _spawn(self, index: int) -> None:
        # Signals stay blocked across the fork until the worker's loop has its handlers:
        # a SIGTERM in between is delivered to them, not to the parent's handlers the
        # worker inherits, nor to the default action (exit without a flush).
        signal.pthread_sigmask(signal.SIG_BLOCK, {*STOP_SIGNALS, signal.SIGUSR1})
        try:
            with warnings.catch_warnings():
                # 3.12+ warns about fork in a process with threads (BLAS pools): the
                # worker only starts its own threads, and the model is already loaded.
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
            if pid == 0:
                os.close(self.ready_r)
                self.start_worker(index, self.ready_w)  # never returns
            self.children[pid] = (index, time.monotonic())
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {*STOP_SIGNALS, signal.SIGUSR1})
        if self.stopping:  # the stop signal came while forking: the worker has not seen it
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    def run(self, announce: Callable[[], Any]) -> int:
        """Start the workers, announce, supervise until they have all exited; exit code."""
        previous = {sig: signal.signal(sig, self._on_stop) for sig in STOP_SIGNALS}
        previous[signal.SIGUSR1] = signal.signal(signal.SIGUSR1, self._on_flush)
        try:
            for index in range(self.workers):
                self._spawn(index)
            if self._wait_ready():
                announce()
            elif not self.stopping:  # a worker could not start: stop the others
                self._on_stop(signal.SIGTERM, None)
            while self.children:
                try:
                    pid, status = os.wait()
                except ChildProcessError:
                    break
                entry = self.children.pop(pid, None)
                if entry is None:
                    continue
                index, started = entry
                code = os.waitstatus_to_exitcode(status)
                if self.stopping:
                    self.exit_codes.append(code)
                    if code != 0 and not self.killed:
                        log.error("mm-jupyter serve: worker %d exited with %s while stopping",
                                  index, _describe(code))
                    continue
                if time.monotonic() - started < FAST_DEATH_SECONDS:
                    self.fast_deaths += 1
                else:
                    self.fast_deaths = 0
                if self.fast_deaths >= MAX_FAST_DEATHS:
                    log.error("mm-jupyter serve: worker %d exited with %s; workers keep dying"
                              " at start, stopping", index, _describe(code))
                    self._on_stop(signal.SIGTERM, None)
                    self.exit_codes.append(code)
                    continue
                log.warning("mm-jupyter serve: worker %d exited with %s; starting another",
                            index, _describe(code))
                self._spawn(index)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            for sock in self.sockets:
                sock.close()
            os.close(self.ready_r)
            os.close(self.ready_w)
        failed = self.killed or any(code != 0 for code in self.exit_codes)
        return 1 if failed or not self.stopping else 0

    def _wait_ready(self) -> bool:
        """Wait until every worker listens (so the announced port answers at once);
        False if one exited first or the parent was told to stop."""
        ready = 0
        while ready < self.workers and not self.stopping:
            readable, _, _ = select.select([self.ready_r], [], [], 0.2)
            if readable:
                ready += len(os.read(self.ready_r, self.workers))
                continue
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid:
                index, _ = self.children.pop(pid, (None, 0.0))
                code = os.waitstatus_to_exitcode(status)
                log.error("mm-jupyter serve: worker %s exited with %s before it listened",
                          index, _describe(code))
                self.exit_codes.append(code if code else 1)
                return False
        return not self.stopping


def reserve_port(port: int, host: str) -> list[socket.socket]:
    """Bind ``host:port`` (0: a free port) with ``SO_REUSEPORT`` without listening, on
    every address ``host`` names, as ``tornado.netutil.bind_sockets`` does; the workers
    bind the same port and listen."""
    if not hasattr(socket, "SO_REUSEPORT"):
        raise MMError("--workers needs SO_REUSEPORT (Linux, macOS, BSD)")
    sockets: list[socket.socket] = []
    bound = port
    try:
        infos = socket.getaddrinfo(host or None, port, socket.AF_UNSPEC, socket.SOCK_STREAM,
                                   0, socket.AI_PASSIVE)
        for af, kind, proto, _, address in sorted(set(infos), key=lambda info: info[0]):
            sock = socket.socket(af, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            if af == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            if bound:  # port 0: every address gets the port the first one got
                address = (address[0], bound, *address[2:])
            sock.bind(address)
            bound = sock.getsockname()[1]
    except OSError as exc:
        for sock in sockets:
            sock.close()
        raise MMError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sockets


def _describe(code: int) -> str:
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"signal {signal.Signals(-code).name}"
    return f"code {code}"


def worker_main(index: int, port: int, host: str, ready: int,
                build: Callable[[Registry, int], tornado.web.Application],
                reopen: Callable[[], Registry], parent: int) -> NoReturn:
    """A forked worker: its own registry connection, app and socket on the shared port."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent forwards Ctrl-C once
        for sig in (signal.SIGTERM, signal.SIGUSR1):
            signal.signal(sig, signal.SIG_DFL)
        app = build(reopen(), index)
        sockets = bind_sockets(port, host, reuse_port=True)
        asyncio.run(_serve_worker(app, sockets, parent, ready))
        code = 0
    except BaseException:
        log.exception("mm-jupyter serve: worker %d failed", index)
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)  # never run the parent's atexit handlers or click's cleanup


async def _serve_worker(app: tornado.web.Application, sockets: list[socket.socket],
                        parent: int, ready: int) -> None:
    from mm_jupyter.serving.app import ServeState, http_server

    state: ServeState = app.settings["state"]
    server: HTTPServer = http_server(app)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGUSR1, state.buffer.flush)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {*STOP_SIGNALS, signal.SIGUSR1})
    server.add_sockets(sockets)
    os.write(ready, b".")
    os.close(ready)

    async def watch_parent() -> None:
        while os.getppid() == parent:
            await asyncio.sleep(PARENT_CHECK_SECONDS)
        log.warning("mm-jupyter serve: the parent process is gone; stopping")
        stop.set()

    watcher = asyncio.ensure_future(watch_parent())
    await stop.wait()
    loop.remove_signal_handler(signal.SIGTERM)  # a second SIGTERM: exit without flushing
    watcher.cancel()
    server.stop()
    await state.close()
    await server.close_all_connections()


def ask_siblings_to_flush() -> None:
    """From a worker: have every worker flush its buffer now (through the parent)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(os.getppid(), signal.SIGUSR1)


def forget_connections() -> None:
    """Before forking: close the registry's pooled server connections (PostgreSQL), which
    a forked worker must not share with its parent; each worker opens its own."""
    pg = sys.modules.get("mm_jupyter.store.pg")
    if pg is not None:
        pg.close_pools()


__all__ = ["Supervisor", "ask_siblings_to_flush", "forget_connections", "reserve_port",
           "worker_main"]
