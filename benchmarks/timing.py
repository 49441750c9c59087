"""Timing helpers of bench_server: medians in-process, and real HTTP round trips through
a started ``jupyter server`` on a free loopback port."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from seed_runs import CACHE

ROOT = Path(__file__).resolve().parent.parent


def wait_for_server(get: Callable[[str], Any], proc: subprocess.Popen[bytes],
                    seconds: float = 60) -> None:
    """Ask ``GET meta`` until the started server answers; ``RuntimeError`` if it exits
    or does not answer within ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            get("meta")
            return
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("jupyter server did not start") from None
            time.sleep(0.2)


def median_ms(work: Callable[[], Any], repeat: int) -> float:
    """Return the median wall time of ``work()`` in milliseconds (after one warm-up)."""
    work()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 3)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_round_trips(
    path: Path, repeat: int, routes: dict[str, str] | None = None
) -> dict[str, float]:
    """Time real requests through a started ``jupyter server`` on ``path``.

    ``routes`` maps result names to API paths; by default the runs routes.
    """
    port, token = free_port(), "bench-token"
    env = {
        **os.environ,
        "MM_JUPYTER_HOME": str(path),
        "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }
    root = CACHE / "server-root"
    root.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root",
        f"--port={port}", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.jpserver_extensions={'mm_jupyter': True}",
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}/mm-jupyter/api/"
    headers = {"Authorization": f"token {token}"}

    def get(route: str) -> bytes:
        request = urllib.request.Request(base + route, headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()  # type: ignore[no-any-return]

    try:
        wait_for_server(get, proc)
        routes = routes or {
            "http_first_page_metric_sort": "runs?sort=metric:acc&order=desc&limit=50",
            "http_first_page_started_at": "runs?limit=50",
            "http_changes": "changes?since=0",
        }
        return {
            name: median_ms(lambda route=route: get(route), repeat)
            for name, route in routes.items()
        }
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
