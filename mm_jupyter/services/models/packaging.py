"""Package a registered model version as a self-contained folder (``mm-jupyter models package``).

The folder holds the model file (copied from its blob and checked against the
registry's digest on the way, never unpickled), ``requirements.txt`` (pins.py),
``signature.json`` and ``input_example.json`` (package_inputs.py), ``MODEL_CARD.md``
(card.py), a ``Dockerfile``, ``serve.py`` (the source of serving/standalone.py) and
``mm-package.json``: the format, the model, its artifact digest and every other file's
SHA-256 and size (docs/deploy.md).

Deterministic: nothing depends on the clock, the paths or the order of a directory
listing, and JSON is written with sorted keys, so packaging the same version twice
(with the registry unchanged) gives byte-identical files. The package is built in a
temporary folder beside ``out`` and renamed into place, so a failure leaves nothing
half-written.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import tempfile
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

from mm_jupyter.display.model_card import card_markdown
from mm_jupyter.errors import MMError
from mm_jupyter.services.models import catalog, lookup, package_inputs, pins
from mm_jupyter.services.models.card import model_card
from mm_jupyter.services.runs.queries import run_detail
from mm_jupyter.store import Registry, model_queries

# serve.py reads the same format (serving/standalone.py FORMAT; a test keeps them equal).
FORMAT = "mm-jupyter.package/1"
MANIFEST = "mm-package.json"
MODEL_FILE = "model.joblib"
DEFAULT_PORT = 8080
# The zip's entries all carry this time: the zip of a package is as deterministic as it.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def package_model(registry: Registry, ref: str, out: Path) -> dict[str, Any]:
    """Write the package of ``ref`` to the folder ``out`` and return its summary.

    ``out`` must not exist or be an empty folder (``MMError`` otherwise); its parent
    is created. Returns ``{"path", "ref", "files": {name: {"sha256", "size"}},
    "requirements": [lines]}``.
    """
    out = Path(out).absolute()
    check_out(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        manifest = build_package(registry, ref, temp)
        temp.chmod(0o755)  # mkdtemp's 0700 would keep a Docker build's reader out
        check_out(out)  # again: something may have appeared while building
        if out.exists():
            out.rmdir()
        temp.rename(out)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return summary(out, manifest)


def summary(folder: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """The ``--json`` summary of a package: where, which version, files with digests."""
    files = {**manifest["files"], MANIFEST: _describe((folder / MANIFEST).read_bytes())}
    return {"path": str(folder), "ref": manifest["model"]["ref"],
            "files": dict(sorted(files.items())),
            "requirements": [f"{p['name']}=={p['version']}" for p in manifest["requirements"]]}


def check_out(out: Path) -> None:
    """``MMError`` unless ``out`` is free: absent, or an empty folder."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise MMError(f"--out {out} exists and is not a folder; name a new or empty folder")
    if out.is_dir() and any(out.iterdir()):
        raise MMError(f"--out {out} is not empty; name a new or empty folder")


def build_package(registry: Registry, ref: str, folder: Path) -> dict[str, Any]:
    """Write the package of ``ref`` into the existing empty ``folder``; return its manifest."""
    version = catalog.version_detail(registry, ref)
    if version["flavor"] not in ("sklearn", "joblib"):
        raise MMError(f"{version['ref']} is stored as {version['flavor']} (weights only);"
                      " a package serves a model object with predict()")
    profile = model_queries.reference_profile(registry, version["ref"])
    signature = package_inputs.signature_document(version, profile)
    example = package_inputs.input_example(registry, version, profile)
    recorded = version.get("requirements") or {}
    python = str(recorded.get("python") or platform.python_version())
    frame = package_inputs.takes_frame(version.get("signature"))
    roots = [*pins.FLAVOR_ROOTS[version["flavor"]], *(recorded.get("packages") or {}),
             *(["pandas"] if frame else [])]
    found, unwalked = pins.pin_requirements(
        roots, recorded=dict(recorded.get("packages") or {}),
        environment=_run_packages(registry, version), python=python)
    artifact = _copy_model(registry, version, folder / MODEL_FILE)
    card = model_card(registry, version["ref"])
    texts = {
        "requirements.txt": "".join(f"{p.line}\n" for p in found),
        "signature.json": _json(signature),
        "input_example.json": _json(example),
        "MODEL_CARD.md": card_markdown(card),
        "Dockerfile": dockerfile(version, python),
        "serve.py": resources.files("mm_jupyter.serving").joinpath("standalone.py").read_text(
            encoding="utf-8"),
    }
    files = {MODEL_FILE: artifact}
    for name, content in texts.items():
        data = content.encode("utf-8")
        (folder / name).write_bytes(data)
        files[name] = _describe(data)
    features = package_inputs.input_features(version.get("signature"), profile)
    manifest = {
        "format": FORMAT,
        "model": {"name": version["name"], "version": version["version"],
                  "ref": version["ref"], "flavor": version["flavor"]},
        "artifact": {"file": MODEL_FILE, "ref": version["artifact"]["ref"],
                     "digest": version["artifact"]["digest"], "size": version["artifact"]["size"]},
        "python": ".".join(python.split(".")[:2]),
        "input": {"features": features, "frame": frame,
                  "float_frame": frame and package_inputs.all_float(version.get("signature"))},
        "requirements": [{"name": p.name, "version": p.version, "source": p.source}
                         for p in found],
        "unwalked_requirements": unwalked,
        "files": dict(sorted(files.items())),
    }
    (folder / MANIFEST).write_bytes(_json(manifest).encode("utf-8"))
    return manifest


def verify_package(folder: Path) -> dict[str, Any]:
    """Return the manifest of the package at ``folder`` once every file it lists has its
    recorded SHA-256 and size; ``MMError`` naming the first file that does not."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MMError(f"{folder} is not a model package: it has no {MANIFEST}") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise MMError(f"cannot read {folder / MANIFEST}: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise MMError(f"{folder / MANIFEST} is not an mm-jupyter package manifest ({FORMAT})")
    root = folder.resolve()
    for name, expected in sorted(dict(manifest.get("files") or {}).items()):
        path = (root / name).resolve()
        if path.parent != root:
            raise MMError(f"{MANIFEST} lists {name!r}, which is not a file of the package")
        try:
            digest, size = _file_digest(path)
        except FileNotFoundError:
            raise MMError(f"{name} is missing from the package {folder}") from None
        if digest != expected.get("sha256") or size != expected.get("size"):
            raise MMError(f"{name} does not match {MANIFEST} (sha256 {digest[:12]}...,"
                          f" {size} bytes): the package was changed or damaged")
    return manifest


def zip_package(folder: Path, target: Path, root: str) -> int:
    """Write the package at ``folder`` as a zip under the top folder ``root``; return its
    size. Entries are sorted and carry one fixed time, so the zip is deterministic."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir(), key=lambda p: p.name):
            info = zipfile.ZipInfo(f"{root}/{path.name}", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with open(path, "rb") as source, archive.open(info, "w") as sink:
                shutil.copyfileobj(source, sink, 1 << 20)
    return target.stat().st_size


def dockerfile(version: dict[str, Any], python: str) -> str:
    """The package's Dockerfile: a slim image of the version's Python, the pins, serve.py."""
    minor = ".".join(python.split(".")[:2])
    shown = "".join(c if c.isprintable() else "?" for c in str(version["ref"]))
    return f"""\
# {shown} ({version['flavor']}), packaged by mm-jupyter. Build and run:
#   docker build -t my-model . && docker run -p {DEFAULT_PORT}:{DEFAULT_PORT} my-model
FROM python:{minor}-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt \\
    && useradd --system --uid 10001 --no-create-home model
COPY . .
USER model
EXPOSE {DEFAULT_PORT}
HEALTHCHECK CMD ["python", "-c", "import urllib.request; \\
urllib.request.urlopen('http://127.0.0.1:{DEFAULT_PORT}/health', timeout=5)"]
CMD ["python", "serve.py", "--host", "0.0.0.0", "--port", "{DEFAULT_PORT}"]
"""


def _copy_model(registry: Registry, version: dict[str, Any], target: Path) -> dict[str, Any]:
    """Copy the model's blob to ``target``, hashing as it goes; ``MMError`` on a mismatch."""
    stored = lookup.model_artifact(registry, version)
    expected = str(version["artifact"]["digest"])
    sha, size = hashlib.sha256(), 0
    with registry.blobs.open(str(stored["digest"])) as reader, open(target, "wb") as sink:
        while chunk := reader.read(1 << 20):  # the reader verifies the blob at its end too
            sha.update(chunk)
            size += len(chunk)
            sink.write(chunk)
    if sha.hexdigest() != expected:
        raise MMError(f"the stored bytes of {version['ref']} hash to {sha.hexdigest()[:12]}...,"
                      f" not the registered {expected[:12]}...: the registry is damaged")
    return {"sha256": expected, "size": size}


def _run_packages(registry: Registry, version: dict[str, Any]) -> dict[str, str] | None:
    if version.get("run") is None:
        return None
    environment = run_detail(registry, version["run"]["id"], exact=True).get("environment")
    packages = environment.get("packages") if isinstance(environment, dict) else None
    return {str(k): str(v) for k, v in packages.items()} if isinstance(packages, dict) else None


def _describe(data: bytes) -> dict[str, Any]:
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def _file_digest(path: Path) -> tuple[str, int]:
    sha, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            sha.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), size


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


__all__ = ["FORMAT", "MANIFEST", "build_package", "check_out", "dockerfile", "package_model",
           "summary", "verify_package", "zip_package"]
