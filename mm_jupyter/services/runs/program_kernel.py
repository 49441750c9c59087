"""Execute a program notebook headless in a fresh kernel (nbclient), in a folder.

Like monitoring's notebook runner: ``timeout`` bounds each cell and the whole run,
``env`` replaces the kernel's environment, and the coroutine gets a loop of its own
(on a helper thread when the caller's thread already runs one: ``mm.rerun`` from a
notebook cell). nbformat and nbclient are imported here only: ``import mm_jupyter``
stays fast.
"""

from __future__ import annotations

import asyncio
import math
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KERNEL_NAME = "python3"


@dataclass(frozen=True)
class Outcome:
    """How the execution went: ``finished``, ``failed``, ``timeout`` or ``error``."""

    status: str
    error: str | None


def run_in_own_loop(make: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Run a coroutine to completion on a fresh loop, from any thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(make())
        except BaseException as exc:  # re-raised in the calling thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="mm-jupyter-rerun", daemon=True)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def _failure(nb: Any) -> str | None:
    """The traceback text of the first cell that raised, ANSI colours removed."""
    import re

    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                text = "\n".join(output.get("traceback") or []) or \
                    f"{output.get('ename')}: {output.get('evalue')}"
                return re.sub(r"\x1b\[[0-9;]*m", "", text)[-20_000:]
    return None


def execute_program(nb_json: dict[str, Any], folder: Path, env: dict[str, str], *,
                    timeout: float, kernel_name: str = KERNEL_NAME) -> Outcome:
    """Execute the notebook ``nb_json`` with its working directory ``folder``."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.from_dict(nb_json)  # type: ignore[no-untyped-call]
    client = NotebookClient(
        nb, timeout=max(1, math.ceil(timeout)), kernel_name=kernel_name,
        resources={"metadata": {"path": str(folder)}},
    )
    expired = threading.Event()

    async def run() -> None:
        task = asyncio.ensure_future(client.async_execute(env=env))

        def expire() -> None:
            expired.set()
            task.cancel()  # nbclient shuts the kernel down on the way out

        timer = asyncio.get_running_loop().call_later(timeout, expire)
        try:
            await task
        finally:
            timer.cancel()

    try:
        run_in_own_loop(run)
    except CellTimeoutError:
        return Outcome("timeout", f"a cell ran longer than {timeout:g} s")
    except CellExecutionError as exc:
        return Outcome("failed", _failure(nb) or str(exc)[-20_000:])
    except (TimeoutError, asyncio.TimeoutError, asyncio.CancelledError, DeadKernelError) as exc:
        if expired.is_set() or isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
            return Outcome("timeout", f"the program ran longer than {timeout:g} s")
        if isinstance(exc, DeadKernelError):
            return Outcome("failed", f"the kernel died: {exc}".splitlines()[0])
        raise
    except Exception as exc:  # no such kernel, the kernel would not start
        return Outcome("error", f"{type(exc).__name__}: {exc}".splitlines()[0])
    return Outcome("finished", None)
