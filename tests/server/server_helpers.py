"""What the REST tests share besides fixtures: strict JSON, seeding, route sampling."""

from __future__ import annotations

import hashlib
import json
import re
from types import SimpleNamespace
from typing import Any

from mm_jupyter.store import Registry
from mm_jupyter.store.runs import (
    NewRun,
    OutputRecord,
    create_run,
    finish_run,
    new_run_id,
    put_environment,
    write_metric_points,
)

API = ("mm-jupyter", "api")


DIGEST_RE = re.compile(r"^[0-9a-f]{64}$")


def raise_on_constant(name: str) -> Any:
    """``parse_constant`` hook: strict JSON has no NaN/Infinity literals."""
    raise AssertionError(f"non-strict JSON constant {name!r} in a response")


def strict_loads(body: bytes | str) -> Any:
    """Parse a response body, failing on ``NaN``/``Infinity`` literals."""
    return json.loads(body, parse_constant=raise_on_constant)


class Seeder:
    """Write complete runs through the store's own writers."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.count = 0

    def blob(self, data: bytes, media_type: str) -> tuple[str, int, str]:
        """Store bytes in the blob store; return the ``(digest, size, type)`` row."""
        digest = self.registry.blobs.put_bytes(data)
        return digest, len(data), media_type

    def run(
        self,
        name: str = "run",
        *,
        experiment: str = "default",
        status: str = "finished",
        params: dict[str, Any] | None = None,
        metrics: dict[str, float | list[float]] | None = None,
        tags: dict[str, str] | None = None,
        outputs: list[OutputRecord] | None = None,
        blobs: list[tuple[str, int, str]] | None = None,
        environment: dict[str, Any] | None = None,
        error: str | None = None,
        cell: str | None = "x = 1\n",
        history: list[tuple[int, str]] | None = None,
        notebook: str | None = None,
        run_id: str | None = None,
        user: str = "tester",
    ) -> str:
        """Create one run, log its metrics and finish it (unless ``running``)."""
        self.count += 1
        n = self.count
        run_id = run_id or new_run_id()
        create_run(
            self.registry,
            NewRun(
                id=run_id,
                name=name,
                experiment=experiment,
                started_at=f"2026-01-01T00:{n // 60:02d}:{n % 60:02d}.000Z",
                user=user,
                host="box",
                pid=None,
                notebook_path="/abs/nb.ipynb" if notebook else None,
                tags=tags or {},
                params=[(k, v, "explicit") for k, v in (params or {}).items()],
                cell_source=cell,
                history=history if history is not None else [(1, "import mm_jupyter")],
                notebook_text=notebook,
            ),
        )
        points = []
        for key, value in (metrics or {}).items():
            values = value if isinstance(value, list) else [value]
            points += [
                (run_id, key, step, float(v), 1764171425.0 + step)
                for step, v in enumerate(values)
            ]
        write_metric_points(self.registry, points)
        if status != "running":
            env_digest = (
                put_environment(self.registry, environment) if environment else None
            )
            finish_run(
                self.registry,
                run_id,
                status=status,
                finished_at=f"2026-01-01T01:{n // 60:02d}:{n % 60:02d}.000Z",
                duration_s=float(n),
                error=error,
                outputs=outputs or [],
                environment_digest=env_digest,
                blobs=blobs or [],
            )
        return run_id


MODEL_BYTES = b"\x80\x04\x95 not really a pickle \x00\xff" * 3


HTML_BYTES = b"<html><script>alert(document.cookie)</script></html>"


SVG_BYTES = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


def extension_routes(web_app: Any) -> list[str]:
    """Return the URL patterns the mm_jupyter extension registered on ``web_app``."""
    patterns: list[str] = []

    def walk(router: Any) -> None:
        for rule in getattr(router, "rules", []):
            target = rule.target
            if hasattr(target, "rules"):
                walk(target)
                continue
            regex = getattr(rule.matcher, "regex", None)
            if regex is not None and "/mm-jupyter/" in regex.pattern:
                patterns.append(regex.pattern)

    walk(web_app.default_router)
    walk(web_app.wildcard_router)
    return sorted(set(patterns))


def sample_path(pattern: str, base_url: str, values: dict[str, str]) -> str:
    """Turn a route regex into a concrete path, filling each group from ``values``."""
    path = pattern.rstrip("$")
    for group, value in values.items():
        path = path.replace(group, value)
    assert "(" not in path, f"no sample value for a group in {pattern}"
    assert path.startswith(base_url)
    return path[len(base_url) :]


def sha256(data: bytes) -> str:
    """Return the hex digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


PNG_A = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


PNG_B = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
    "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def notebook_json(cells: list[dict[str, Any]]) -> str:
    """Return nbformat 4 JSON text holding ``cells``."""
    return json.dumps(
        {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    )


def code_cell(
    source: str, outputs: list[dict[str, Any]] | None = None, count: int | None = 1
) -> dict[str, Any]:
    """Return an nbformat code cell."""
    return {
        "cell_type": "code",
        "execution_count": count,
        "id": hashlib.sha1(source.encode()).hexdigest()[:8],
        "metadata": {},
        "outputs": outputs or [],
        "source": source,
    }


def stream(text: str) -> dict[str, Any]:
    """Return a stdout stream output."""
    return {"output_type": "stream", "name": "stdout", "text": text}


def image(png_b64: str) -> dict[str, Any]:
    """Return a display_data output carrying a base64 PNG."""
    return {
        "output_type": "display_data",
        "data": {"image/png": png_b64, "text/plain": "<Figure>"},
        "metadata": {},
    }


def seed_diff_pair(seed: Seeder) -> SimpleNamespace:
    """Two finished runs whose params, metrics, notebooks and environments differ.

    Notebook a → b: the ``helper`` cell moves to the top, ``x = load()`` is edited,
    ``plot(x)`` keeps its source but its PNG changes, ``del cache`` is deleted,
    ``report()`` is inserted; ``import numpy`` only changes its execution count.
    """
    title = {"cell_type": "markdown", "id": "t", "metadata": {}, "source": "# Title"}
    helper = code_cell("def helper():\n    return 42", count=6)
    nb_a = notebook_json([
        title,
        code_cell("import numpy as np", [stream("ok\n")], count=1),
        code_cell("x = load()\nx.shape", [stream("(3, 4)\n")], count=2),
        code_cell("plot(x)", [image(PNG_A)], count=3),
        code_cell("del cache", count=4),
        helper,
    ])
    nb_b = notebook_json([
        helper,
        title,
        code_cell("import numpy as np", [stream("ok\n")], count=7),
        code_cell("x = load()\nx.shape\nprint(x)", [stream("(3, 4)\n")], count=2),
        code_cell("plot(x)", [image(PNG_B)], count=3),
        code_cell("report()", count=5),
    ])  # fmt: skip
    env_a = {
        "python": "3.11.7", "platform": "Linux-x86_64",
        "packages": {"numpy": "1.26.4", "pandas": "2.1.0", "oldpkg": "1.0"},
        "git": {"commit": "a" * 40, "dirty": False},
    }  # fmt: skip
    env_b = {
        "python": "3.12.1", "platform": "Linux-x86_64",
        "packages": {"numpy": "2.0.0", "pandas": "2.1.0", "newpkg": "0.1"},
        "git": None,
    }  # fmt: skip
    a = seed.run(
        "diff-a",
        params={"lr": 0.1, "depth": 5, "old": 1},
        metrics={"acc": [0.5, 0.91], "loss": 0.3},
        notebook=nb_a,
        environment=env_a,
        cell="fit(lr=0.1)\n",
    )
    b = seed.run(
        "diff-b",
        params={"lr": 0.05, "depth": 5, "new": "x"},
        metrics={"acc": [0.6, 0.87]},
        notebook=nb_b,
        environment=env_b,
        cell="fit(lr=0.05)\n",
    )
    return SimpleNamespace(a=a, b=b)
