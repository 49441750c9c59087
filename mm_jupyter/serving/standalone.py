"""A standalone prediction server for an mm-jupyter model package (its ``serve.py``).

``mm-jupyter models package`` copies this file's source into the package as
``serve.py``, so it imports nothing from mm_jupyter: it runs with the standard library
plus the package's ``requirements.txt`` (the flavour's library, numpy; pandas when the
model was fitted on a DataFrame). ``mm-jupyter serve --package DIR`` runs the same code.

Routes, and the request and response JSON, are those of ``mm-jupyter serve``
(docs/monitoring.md): ``POST /predict`` with ``{"rows": [...]}`` or ``{"instances":
[...]}`` gives ``{"predictions", "model", "version", "batch_id", "rows"}``; ``GET
/health``. Nothing is logged to a registry (there is none): ``batch_id`` is ``null``,
``rows`` are the rows' offsets in the request, and there is no ``POST /labels``.

Loading: every file the package lists in ``mm-package.json`` is checked against its
SHA-256 and size before the model is loaded. The model file is a pickle (joblib), and
loading a pickle runs code from it; it is loaded only because the package says that is
its format and its digest matches. The digests catch a corrupted or swapped file, not
a hostile package: whoever can rewrite the model file can rewrite this one too, so
serve only packages whose origin you trust (``mm-jupyter serve --package`` asks for
``--trust``, as for a registered pickle).

One model call at a time (a lock): requests are answered by threads, and a model
object is not known to be safe to call from several at once.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

MANIFEST = "mm-package.json"
FORMAT = "mm-jupyter.package/1"
PICKLE_FORMATS = ("sklearn", "joblib")
MAX_BODY = 10 * 1024 * 1024
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
ROUTES = "POST /predict, GET /health"


class PackageError(Exception):
    """A package that cannot be served: a missing, changed or unknown file."""


class RequestError(Exception):
    """A request the server refuses: HTTP ``status`` and a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# -- the package -----------------------------------------------------------------


def read_manifest(folder: Path) -> dict[str, Any]:
    """Return the package's ``mm-package.json``; ``PackageError`` when unusable."""
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackageError(f"{folder} is not a model package: it has no {MANIFEST}") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise PackageError(f"cannot read {path}: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise PackageError(f"{path} is not an mm-jupyter package manifest ({FORMAT}):"
                           f" its format is {found!r}")
    return manifest


def file_digest(path: Path) -> tuple[str, int]:
    """Return the SHA-256 hex digest and size of a file, read in chunks."""
    sha, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            sha.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), size


def verify_files(folder: Path, manifest: dict[str, Any]) -> None:
    """Check every listed file's digest and size; ``PackageError`` naming the first bad one."""
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise PackageError(f"{MANIFEST} lists no files")
    root = Path(folder).resolve()
    for name in sorted(files):
        expected = files[name]
        path = (root / name).resolve()
        if path.parent != root:  # a listed name must be a file of the package itself
            raise PackageError(f"{MANIFEST} lists {name!r}, which is not a file of the package")
        try:
            digest, size = file_digest(path)
        except FileNotFoundError:
            raise PackageError(f"{name} is missing from the package {folder}") from None
        if digest != expected.get("sha256") or size != expected.get("size"):
            raise PackageError(
                f"{name} does not match {MANIFEST} (sha256 {digest[:12]}..., {size} bytes;"
                f" listed {str(expected.get('sha256'))[:12]}..., {expected.get('size')} bytes):"
                " the package was changed or damaged"
            )


class Served:
    """The loaded model and how request rows become its input."""

    def __init__(self, model: Any, manifest: dict[str, Any]) -> None:
        self.model = model
        info = manifest["model"]
        self.name, self.version = str(info["name"]), int(info["version"])
        self.ref = f"{self.name}:{self.version}"
        entry = manifest.get("input") or {}
        self.features, self.use_frame = feature_order(model, entry.get("features"))
        # Like `mm-jupyter serve`: a frame fitted on all-float64 columns gets one float
        # block, the dtypes the model was fitted on.
        self.float_frame = self.use_frame and bool(entry.get("float_frame")) and (
            self.features == entry.get("features"))
        self.lock = threading.Lock()


def feature_order(model: Any, names: Any) -> tuple[list[str] | None, bool]:
    """The model's input columns (fitted names, else the package's), and whether the
    model gets a DataFrame (fitted on one, and pandas is installed)."""
    fitted = getattr(model, "feature_names_in_", None)
    if fitted is not None:
        try:
            import pandas  # noqa: F401
        except ImportError:
            return [str(n) for n in fitted], False
        return [str(n) for n in fitted], True
    listed = [str(n) for n in names] if isinstance(names, list) else None
    n = getattr(model, "n_features_in_", None)
    if isinstance(n, int) and (listed is None or len(listed) != n):
        listed = [f"x{i}" for i in range(n)]
    return listed or None, False


def load_package(folder: Path) -> Served:
    """Verify the package's files, then load its model (see the module docstring)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    verify_files(folder, manifest)
    artifact = manifest.get("artifact") or {}
    flavor = manifest.get("model", {}).get("flavor")
    if flavor not in PICKLE_FORMATS:
        raise PackageError(f"this server loads {', '.join(PICKLE_FORMATS)} models, not {flavor!r}")
    name = str(artifact.get("file"))
    if name not in manifest["files"] or manifest["files"][name]["sha256"] != artifact.get("digest"):
        raise PackageError(f"{MANIFEST}: the model file {name!r} is not listed with its digest")
    import joblib

    model = joblib.load(folder / name)  # digest verified above; a pickle runs code
    if not callable(getattr(model, "predict", None)):
        raise PackageError(f"the packaged model ({type(model).__name__}) has no predict()")
    return Served(model, manifest)


# -- request bodies (shared with `mm-jupyter serve`: serving/model.py) ---------------

_SCALARS = (str, int, float, bool, type(None))


def parse_json(body: bytes) -> Any:
    """Decode a JSON body; ``RequestError`` (400) naming what is wrong."""
    if not body:
        raise RequestError(400, "the body is empty; send a JSON object")
    try:
        return json.loads(body)
    except UnicodeDecodeError:
        raise RequestError(400, "the body is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise RequestError(400, f"malformed JSON: {exc.msg} at line {exc.lineno}"
                                f" column {exc.colno}") from None
    except RecursionError:
        raise RequestError(400, "malformed JSON: nested too deeply") from None
    except ValueError:  # an integer over sys.get_int_max_str_digits() digits
        raise RequestError(
            400, "a JSON integer in the body has more than"
            f" {sys.get_int_max_str_digits()} digits; send numbers that fit a float"
        ) from None


def parse_inputs(body: bytes, features: list[str] | None) -> list[list[Any]]:
    """Return the rows of a ``/predict`` body in feature order; ``RequestError`` (400) if bad."""
    payload = parse_json(body)
    if not isinstance(payload, dict):
        raise RequestError(400, "the body must be a JSON object with 'rows' or 'instances'")
    has_rows, has_instances = "rows" in payload, "instances" in payload
    if has_rows == has_instances:
        raise RequestError(400, "the body needs exactly one of 'rows' (objects by feature name)"
                                " or 'instances' (lists in feature order)")
    key = "rows" if has_rows else "instances"
    items = payload[key]
    if not isinstance(items, list) or not items:
        raise RequestError(400, f"'{key}' must be a non-empty list")
    out: list[list[Any]] = []
    if has_rows:
        if features is None:
            raise RequestError(400, "the model's feature names are unknown; send 'instances'"
                                    " (lists in feature order)")
        for i, row in enumerate(items):
            if not isinstance(row, dict):
                raise RequestError(400, f"row {i} is not an object of feature values")
            try:
                values = [row[f] for f in features]
            except KeyError as exc:
                raise RequestError(400, f"row {i} lacks feature {exc.args[0]!r}") from None
            _check_scalars(values, "row", i, features)
            out.append(values)
        return out
    width = len(features) if features is not None else None
    for i, inst in enumerate(items):
        if not isinstance(inst, list):
            raise RequestError(400, f"instance {i} is not a list of feature values")
        if width is None:
            width = len(inst)
        if len(inst) != width:
            takes = "the model takes" if features is not None else "instance 0 has"
            raise RequestError(400, f"instance {i} has {len(inst)} values; {takes} {width}")
        _check_scalars(inst, "instance", i, features)
        out.append(inst)
    return out


def _check_scalars(values: list[Any], what: str, index: int, features: list[str] | None) -> None:
    for j, value in enumerate(values):
        if not isinstance(value, _SCALARS):
            name = features[j] if features is not None else f"#{j}"
            raise RequestError(400, f"{what} {index} feature {name!r} is a"
                                    f" {type(value).__name__}, not a number, string or null")


# -- prediction -------------------------------------------------------------------


def predict(served: Served, rows: list[list[Any]]) -> list[Any]:
    """Predict ``rows`` (feature order) as JSON values, as ``mm-jupyter serve`` does."""
    import numpy as np

    if served.float_frame and {type(v) for row in rows for v in row} <= {int, float}:
        import pandas

        X: Any = pandas.DataFrame(np.asarray(rows, dtype=float), columns=served.features)
    elif served.use_frame:
        import pandas

        X = pandas.DataFrame(rows, columns=served.features)
    else:
        try:
            X = np.asarray(rows, dtype=float)
        except (TypeError, ValueError):
            X = np.asarray(rows, dtype=object)
    with served.lock:
        try:
            values = np.asarray(served.model.predict(X)).tolist()
            if len(values) != len(rows):
                raise ValueError(f"the model returned {len(values)} predictions for"
                                 f" {len(rows)} rows")
        except Exception as exc:  # the model raised: the client's problem, 422
            text = f"{type(exc).__name__}: {exc}"
            raise RequestError(422, f"prediction failed: {text[:1000]}") from None
    return [None if isinstance(v, float) and not math.isfinite(v) else v for v in values]


# -- HTTP -------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    """``POST /predict`` and ``GET /health``; refusals are ``{"message": ...}``."""

    server: PackageServer
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self._answer(self._post)

    def do_GET(self) -> None:
        self._answer(self._get)

    def _post(self) -> Any:
        if self.path != "/predict":
            return self._unknown("GET" if self.path == "/health" else None)
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        length = self.headers.get("Content-Length", "")
        if not length.isdigit():
            self.close_connection = True  # a chunked body is not read
            raise RequestError(411, "send the body with a Content-Length")
        if int(length) > MAX_BODY:
            self.close_connection = True  # the body is not read
            raise RequestError(413, f"the body is {length} bytes; the limit is {MAX_BODY}")
        body = self.rfile.read(int(length))
        if ctype != "application/json":
            raise RequestError(415, "send the body as JSON with Content-Type: application/json")
        served = self.server.served
        rows = parse_inputs(body, served.features)
        predictions = predict(served, rows)
        return {"predictions": predictions, "model": served.name, "version": served.version,
                "batch_id": None, "rows": list(range(len(rows)))}

    def _get(self) -> Any:
        if self.path != "/health":
            return self._unknown("POST" if self.path == "/predict" else None)
        served = self.server.served
        return {"status": "ok", "model": served.name, "version": served.version,
                "ref": served.ref, "uptime_s": round(time.monotonic() - self.server.started, 3),
                "buffered_rows": 0, "monitoring": False}

    def _unknown(self, allowed: str | None) -> Any:
        if allowed is not None:
            raise RequestError(405, f"{self.command} {self.path} is not allowed; use {allowed}")
        raise RequestError(404, f"no route {self.command} {self.path}; try {ROUTES}")

    def _answer(self, route: Any) -> None:
        try:
            host = host_name(self.headers.get("Host") or "")
            if self.server.loopback_only and host not in LOOPBACK_HOSTS:
                raise RequestError(403, f"Host {host!r} is not a loopback name; this endpoint"
                                        " is bound to loopback (use a reverse proxy)")
            status, payload = 200, route()
        except RequestError as exc:
            status, payload = exc.status, {"message": exc.message}
        except Exception as exc:  # a bug: answer 500 without a traceback, say it on stderr
            sys.stderr.write(f"serve.py: {type(exc).__name__}: {exc}\n")
            status, payload = 500, {"message": "internal error while predicting"}
        data = json.dumps(payload, separators=(",", ":"), default=str).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # no access log (a proxy in front keeps one)


def host_name(header: str) -> str:
    """The host of a ``Host`` header, without its port (``[::1]:80`` -> ``[::1]``)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header.split("]")[0] + "]"
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class PackageServer(ThreadingHTTPServer):
    """A threading HTTP server holding the served model."""

    daemon_threads = True

    def __init__(self, served: Served, host: str, port: int) -> None:
        self.served = served
        self.started = time.monotonic()
        self.loopback_only = host in LOOPBACK_HOSTS or host.startswith("127.")
        if ":" in host:
            import socket

            self.address_family = socket.AF_INET6
        super().__init__((host, port), Handler)


def main(argv: list[str] | None = None) -> None:
    """``python serve.py [--host H] [--port P] [--package DIR]``: serve until Ctrl-C."""
    parser = argparse.ArgumentParser(description="Serve an mm-jupyter model package.")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (no authentication: keep loopback or put a"
                             " reverse proxy in front)")
    parser.add_argument("--port", type=int, default=8080, help="port (0: any free port)")
    parser.add_argument("--package", default=str(Path(__file__).resolve().parent),
                        help="the package folder (default: this file's folder)")
    args = parser.parse_args(argv)
    try:
        served = load_package(Path(args.package))
    except (PackageError, OSError) as exc:
        sys.exit(f"serve.py: {exc}")
    try:
        run(served, args.host, args.port, print)
    except OSError as exc:  # the address is taken or not ours
        sys.exit(f"serve.py: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")


def run(served: Served, host: str, port: int, announce: Any) -> None:
    """Serve ``served`` on ``host:port`` until SIGINT/SIGTERM; ``announce`` gets the
    start line naming the port. ``OSError`` when the address cannot be bound."""
    server = PackageServer(served, host, port)
    shown = f"[{host}]" if ":" in host else host
    announce(f"Serving {served.ref} on http://{shown}:{server.server_address[1]} ({ROUTES});"
             " predictions are not logged (no registry); Ctrl-C to stop")
    sys.stdout.flush()
    # `docker stop` sends SIGTERM, which a Python PID 1 would otherwise ignore.
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    main()
