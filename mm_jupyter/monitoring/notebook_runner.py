"""Run a notebook headlessly with injected parameters (the retraining action).

Parameters follow papermill's convention, so a notebook written for papermill works
unchanged: a code cell tagged ``injected-parameters`` goes right after the first cell
tagged ``parameters`` (or at the top), and assigns each parameter plus
``mm_trigger_event``, the event that set the run off. The kernel learns the registry
(``MM_JUPYTER_HOME``), the trigger (``MM_JUPYTER_TRIGGERED_BY``, which tracked runs
record as a tag) and its notebook (``JPY_SESSION_NAME``, so run snapshots name the
retraining notebook rather than a temporary one).

nbformat and nbclient are imported inside functions: ``import mm_jupyter`` must stay
fast, and only processes that actually retrain need them.
"""

from __future__ import annotations

import asyncio
import json
import keyword
import math
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mm_jupyter.monitoring.actions import dict_items

INJECTED_TAG = "injected-parameters"
PARAMETERS_TAG = "parameters"
EVENT_NAME = "mm_trigger_event"


@dataclass
class Execution:
    """How one headless run went."""

    error: str | None  # None when every cell ran
    output: str | None  # the executed notebook, when an output_dir was given
    seconds: float


def to_json_value(value: Any, *, what: str) -> Any:
    """Return ``value`` as plain JSON data (tuples → lists), or raise ``ValueError``."""
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be JSON-serializable: {exc}") from None


def check_parameters(parameters: dict[str, Any] | None) -> dict[str, Any]:
    """Validate parameter names (Python identifiers) and values (JSON data)."""
    checked = {}
    for name, value in dict_items(parameters, "parameters"):
        if (
            not isinstance(name, str)
            or not name.isidentifier()
            or keyword.iskeyword(name)
        ):
            raise ValueError(f"parameter name {name!r} is not a Python identifier")
        if name == EVENT_NAME:
            raise ValueError(f"parameter name {EVENT_NAME!r} is reserved for the event")
        checked[name] = to_json_value(value, what=f"parameter {name!r}")
    return checked


def python_literal(value: Any) -> str:
    """Render JSON data as a Python expression (``repr``, except NaN and infinities)."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"float({str(value)!r})"  # repr(nan) is not valid Python
    if isinstance(value, dict):
        items = ", ".join(
            f"{python_literal(k)}: {python_literal(v)}" for k, v in value.items()
        )
        return "{" + items + "}"
    if isinstance(value, list):
        return "[" + ", ".join(python_literal(v) for v in value) + "]"
    return repr(value)


def inject_parameters(
    nb: Any,
    parameters: dict[str, Any],
    event: dict[str, Any],
    *,
    tag: str | None = None,
) -> int:
    """Insert the parameters cell into ``nb`` (in place) and return its index.

    A cell injected by an earlier run (the source may be an executed copy) is removed
    first, as papermill does.
    """
    import nbformat

    nb.cells = [
        c for c in nb.cells if INJECTED_TAG not in c.get("metadata", {}).get("tags", [])
    ]
    header = "# Parameters injected by mm-jupyter" + (
        f" (trigger {tag})" if tag else ""
    )
    lines = [header]
    lines += [f"{name} = {python_literal(value)}" for name, value in parameters.items()]
    lines.append(f"{EVENT_NAME} = {python_literal(event)}")
    cell = nbformat.v4.new_code_cell(
        "\n".join(lines), metadata={"tags": [INJECTED_TAG]}
    )
    if nb.get("nbformat_minor", 5) < 5:
        cell.pop("id", None)  # cell ids are invalid before nbformat 4.5
    index = 0
    for i, c in enumerate(nb.cells):
        if PARAMETERS_TAG in c.get("metadata", {}).get("tags", []):
            index = i + 1
            break
    nb.cells.insert(index, cell)
    return index


def kernel_env(source: Path, context: dict[str, Any]) -> dict[str, str]:
    """Return the kernel's environment: this process's, plus where and why it runs."""
    env = dict(os.environ)
    env["JPY_SESSION_NAME"] = str(source)
    if context.get("registry_root"):
        env["MM_JUPYTER_HOME"] = str(context["registry_root"])
    if context.get("trigger_tag"):
        env["MM_JUPYTER_TRIGGERED_BY"] = str(context["trigger_tag"])
    else:
        # An inherited tag (this process was itself triggered) would link the new
        # runs to an alert that did not cause them.
        env.pop("MM_JUPYTER_TRIGGERED_BY", None)
    return env


def safe_filename_part(text: str) -> str:
    """``alert:7`` → ``alert-7``: keep letters, digits, ``.``, ``_`` and ``-``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")[:80]


def save_executed(nb: Any, output_dir: Path, stem: str, tag: str | None) -> Path:
    """Write ``nb`` to ``output_dir/<stem>-<tag or timestamp>.ipynb`` (no overwrite)."""
    import nbformat

    output_dir.mkdir(parents=True, exist_ok=True)
    suffix = safe_filename_part(tag or "") or time.strftime(
        "%Y%m%dT%H%M%SZ", time.gmtime()
    )
    for n in range(1, 10_000):
        path = output_dir / (
            f"{stem}-{suffix}.ipynb" if n == 1 else f"{stem}-{suffix}-{n}.ipynb"
        )
        try:
            # "x": two runs with the same tag (a re-fired event) get two files.
            with open(path, "x", encoding="utf-8") as fp:
                nbformat.write(nb, fp)
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"no free output name for {stem}-{suffix} in {output_dir}")


def _run_coroutine(make_coro: Any) -> Any:
    """Run a coroutine to completion on a fresh event loop, from any thread.

    ``asyncio.run`` gives every call its own loop and closes it afterwards, so worker
    threads share nothing. If a loop already runs in this thread (``run()`` called from
    a notebook cell), the coroutine runs on a helper thread instead.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coro())
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(make_coro())
        except BaseException as exc:  # re-raised in the calling thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="mm-jupyter-notebook", daemon=True)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def _failed_cell(nb: Any) -> int | None:
    """Return the failing cell's 1-based number in the source notebook."""
    number = 0
    for cell in nb.cells:
        if INJECTED_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        number += 1
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return number
    return None


def execute_notebook(
    source: Path,
    *,
    parameters: dict[str, Any],
    event: dict[str, Any],
    context: dict[str, Any],
    timeout: float,
    kernel_name: str,
) -> Execution:
    """Execute ``source`` with parameters; save the result (also on failure).

    ``timeout`` bounds each cell (nbclient) and the whole run. Blocks until the kernel
    has shut down; safe to call from several threads at once.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    started = time.monotonic()
    tag = str(context["trigger_tag"]) if context.get("trigger_tag") else None
    nb = nbformat.read(source, as_version=4)
    inject_parameters(nb, parameters, to_json_value(event, what="the event"), tag=tag)
    client = NotebookClient(
        nb,
        timeout=math.ceil(timeout),  # per cell; the trait takes whole seconds
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(source.parent)}},
    )
    env = kernel_env(source, context)

    expired = threading.Event()

    async def run() -> None:
        # env= goes through async_execute → async_start_new_kernel → km.start_kernel,
        # where it replaces os.environ for the kernel process (hence the full copy).
        task = asyncio.ensure_future(client.async_execute(env=env))

        def expire() -> None:
            expired.set()
            task.cancel()  # nbclient shuts the kernel down on the way out

        timer = asyncio.get_running_loop().call_later(timeout, expire)
        try:
            await task
        finally:
            timer.cancel()

    error = None
    try:
        _run_coroutine(run)
    except CellExecutionError as exc:
        where = _failed_cell(nb)
        first = f"{exc.ename}: {exc.evalue}".strip().splitlines()[0]
        error = f"{source.name} cell {where}: {first}" if where else first
    except (
        TimeoutError,
        asyncio.TimeoutError,
        asyncio.CancelledError,
        DeadKernelError,
    ) as exc:
        # Cancelling nbclient at the deadline surfaces as CancelledError or as
        # DeadKernelError (the kernel is shut down under it); a cell's own timeout as
        # CellTimeoutError, a TimeoutError.
        if expired.is_set() or isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
            error = f"timed out after {timeout:g} s"
        elif isinstance(exc, DeadKernelError):
            error = f"kernel died: {exc}".splitlines()[0]
        else:
            raise
    except Exception as exc:  # kernel missing, unreadable notebook, ...
        error = f"{type(exc).__name__}: {exc}".splitlines()[0]
    output = None
    if context.get("output_dir"):
        try:
            output_dir = Path(context["output_dir"]).resolve()
            output = str(save_executed(nb, output_dir, source.stem, tag))
        except OSError as exc:  # keep the execution's own error, if any, in front
            note = f"saving the executed notebook failed: {exc}"
            error = f"{error}; {note}" if error else note
    return Execution(error=error, output=output, seconds=time.monotonic() - started)
