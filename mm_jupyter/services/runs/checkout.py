"""Reopen a run as a notebook: ``mm-jupyter checkout``, ``mm.checkout``, GET checkout.

The notebook is the run's program (services/runs/program.py) under a markdown header
naming the run, its registry and its inputs; running it records a new run (the tracked
cell keeps its ``%%mm_track`` line). ``requirements.txt`` pins, at the versions of the
run's environment, the distributions the program imports plus mm-jupyter. Not the
whole environment: a kernel's environment holds Jupyter itself and every tool of the
machine (hundreds of pins, some for another platform), while pip resolves what the
imported packages need. ``checkout_payload`` writes nothing (the server's route: the
frontend saves the notebook through the contents API); ``checkout`` writes the files,
restores the inputs, and with ``venv`` creates ``DIR/.venv`` with those pins, where
what pip cannot install is a finding, listed, not an error.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from mm_jupyter.core.cell_source import as_python
from mm_jupyter.services.runs import queries
from mm_jupyter.services.runs.program import Program, build_program
from mm_jupyter.services.runs.program_notebook import notebook_file_name, program_notebook
from mm_jupyter.services.runs.run_inputs import describe_inputs, input_versions, restore_inputs
from mm_jupyter.store.db import Registry

PIP_TIMEOUT = 900


def imported_modules(program: Program) -> set[str]:
    """Top-level module names the program's cells import."""
    found: set[str] = set()
    for cell in program.cells:
        try:
            tree = ast.parse(as_python(cell.source))
        except (SyntaxError, ValueError, RecursionError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".", 1)[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".", 1)[0])
    return found


def requirements(program: Program, packages: dict[str, str]) -> str:
    """``name==version`` lines for the program's imports (and mm-jupyter), at the
    versions of the run's environment ``packages``; a module whose distribution the
    run's environment did not list is left out (the standard library, local code)."""
    by_module = metadata.packages_distributions()
    recorded = {name.lower(): (name, version) for name, version in packages.items()}
    names = {"mm-jupyter"}
    for module in imported_modules(program) | {"mm_jupyter"}:
        names.update(by_module.get(module, []))
    pins = []
    for name in sorted(names, key=str.lower):
        found = recorded.get(name.lower()) or recorded.get(name.lower().replace("_", "-"))
        if found is not None:
            pins.append(f"{found[0]}=={found[1]}")
    return "".join(f"{line}\n" for line in pins)


def _header(detail: dict[str, Any], registry: Registry, inputs: list[dict[str, Any]],
            origin: str) -> str:
    run = detail["run"]
    lines = [
        f"# Run {run['name']}",
        "",
        f"Re-created by `mm-jupyter checkout` from run `{run['id']}`"
        f" (experiment `{run['experiment']}`, started {run.get('started_at') or '?'})"
        f" in the registry `{registry.root}`, from its "
        + ("execution history" if origin == "history" else "notebook snapshot") + ".",
        "Running the last cell records a new run.",
    ]
    if inputs:
        lines += ["", "Inputs (restored next to this notebook when their names allow):", ""]
        for item in inputs:
            where = f"`{item['path']}`" if item["path"] else "not restored (unsafe name)"
            if not item["stored"]:
                where = "not restored (fingerprint only)"
            lines.append(f"- `{item['ref']}` ({item['digest'][:12]}): {where}")
    return "\n".join(lines)


def _parts(registry: Registry, ref: str) -> tuple[dict[str, Any], Program, list[dict[str, Any]]]:
    run_id = queries.resolve_run(registry, ref)
    detail = queries.run_detail(registry, run_id, exact=True)
    return detail, build_program(registry, run_id), input_versions(registry, run_id)


def checkout_payload(registry: Registry, ref: str) -> dict[str, Any]:
    """``{"name", "notebook", "requirements", "inputs"}`` of run ``ref``; writes nothing.
    ``NotFoundError`` for an unknown run, ``ValueError`` for one without code."""
    detail, program, versions = _parts(registry, ref)
    inputs = describe_inputs(versions)
    packages = (detail.get("environment") or {}).get("packages") or {}
    return {
        "name": notebook_file_name(detail["run"]["name"], detail["run"]["id"]),
        "notebook": program_notebook(
            program, _header(detail, registry, inputs, program.origin)),
        "requirements": requirements(program, packages),
        "inputs": inputs,
    }


def create_venv(folder: Path, requirements_file: Path) -> dict[str, Any]:
    """``folder/.venv`` with the pins installed where pip can: ``{"path", "installed",
    "failed": [{"requirement", "error"}]}``. One pip call for all; when it fails, one
    per pin, so that a single unavailable version does not hide the others."""
    venv = folder / ".venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True,
                   capture_output=True, timeout=PIP_TIMEOUT)
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    pins = [p for p in requirements_file.read_text("utf-8").splitlines() if p.strip()]

    def pip(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(python), "-m", "pip", "install", "--disable-pip-version-check",
             "--no-input", *args], capture_output=True, text=True, timeout=PIP_TIMEOUT)

    failed = []
    if pins and pip("-r", str(requirements_file)).returncode != 0:
        for pin in pins:
            result = pip(pin)
            if result.returncode != 0:
                lines = (result.stderr or result.stdout).strip().splitlines()
                failed.append({"requirement": pin, "error": lines[-1] if lines else "failed"})
    bad = {f["requirement"] for f in failed}
    return {"path": str(venv), "installed": [p for p in pins if p not in bad],
            "failed": failed}


def checkout(registry: Registry, ref: str, out: Path, *, venv: bool = False
             ) -> dict[str, Any]:
    """Write run ``ref``'s notebook, requirements.txt and inputs into ``out``; return
    ``{"run", "notebook", "requirements", "inputs", "venv"}`` (paths as written)."""
    detail, program, versions = _parts(registry, ref)
    out.mkdir(parents=True, exist_ok=True)
    inputs = restore_inputs(registry, versions, out)
    packages = (detail.get("environment") or {}).get("packages") or {}
    name = notebook_file_name(detail["run"]["name"], detail["run"]["id"])
    notebook = out / name
    nb = program_notebook(program, _header(detail, registry, inputs, program.origin))
    notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", "utf-8")
    pins = out / "requirements.txt"
    pins.write_text(requirements(program, packages), "utf-8")
    return {
        "run": detail["run"]["id"],
        "notebook": str(notebook),
        "requirements": str(pins),
        "inputs": inputs,
        "venv": create_venv(out, pins) if venv else None,
    }
