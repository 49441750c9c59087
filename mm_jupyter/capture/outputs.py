"""Tee a cell's stdout/stderr and display outputs: the user still sees everything.

Streams are wrapped by replacing the stream object's ``write`` method in place (so
``sys.stdout`` keeps its identity and type for libraries that check it), or by a
thin proxy when the stream does not allow that. Display outputs are recorded by
wrapping ``shell.display_pub.publish``. Inline content is capped; bigger payloads
and every image are spilled to content-addressed blobs at the end.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import re
import sys
from typing import Any

from mm_jupyter.store.runs import OutputRecord

INLINE_LIMIT = 256 * 1024  # bytes of text kept inline per output
SPILL_LIMIT = 50 * 1024 * 1024  # bytes of a stream kept for the blob at most
MAX_OUTPUTS = 500


class _Proxy:
    """A stand-in stream for streams whose ``write`` cannot be replaced."""

    def __init__(self, stream: Any, write: Any) -> None:
        self._stream = stream
        self.write = write

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class OutputCapture:
    """Record outputs while active; ``records()`` turns them into store records."""

    def __init__(self, shell: Any = None) -> None:
        self.shell = shell
        self.items: list[list[Any]] = []  # [kind, name_or_bundle, text_parts, size]
        self.dropped = 0
        self._in_publish = 0
        self._restore: list[Any] = []

    # -- hooks ------------------------------------------------------------------

    def __enter__(self) -> OutputCapture:
        for name in ("stdout", "stderr"):
            self._tee_stream(name)
        publisher = getattr(self.shell, "display_pub", None)
        if publisher is not None:
            original = publisher.publish

            def publish(data: Any, metadata: Any = None, *args: Any, **kw: Any) -> Any:
                self._record_display(data, metadata)
                # A terminal shell prints displays to stdout: not a second output.
                self._in_publish += 1
                try:
                    return original(data, metadata, *args, **kw)
                finally:
                    self._in_publish -= 1

            publisher.publish = publish
            self._restore.append(lambda: _unpatch(publisher, "publish", original))
        self._hook_displayhook(getattr(self.shell, "displayhook", None))
        return self

    def _hook_displayhook(self, hook: Any) -> None:
        """Record ``Out[n]`` as IPython's displayhook formatted it (never again by us:
        formatting has side effects, e.g. sklearn's HTML ids, and costs time)."""
        if hook is None or not hasattr(hook, "write_format_data"):
            return
        write, start, finish = (
            hook.write_format_data, hook.start_displayhook, hook.finish_displayhook
        )

        def write_format_data(format_dict: Any, md_dict: Any = None) -> Any:
            if isinstance(format_dict, dict):
                self.add_result(dict(format_dict), dict(md_dict or {}))
            return write(format_dict, md_dict)

        # A terminal shell prints the prompt and result to stdout: not a stream output.
        def start_displayhook() -> Any:
            self._in_publish += 1
            return start()

        def finish_displayhook() -> Any:
            try:
                return finish()
            finally:
                self._in_publish = max(0, self._in_publish - 1)

        for name, wrapper, original in (
            ("write_format_data", write_format_data, write),
            ("start_displayhook", start_displayhook, start),
            ("finish_displayhook", finish_displayhook, finish),
        ):
            setattr(hook, name, wrapper)
            self._restore.append(lambda n=name, o=original: _unpatch(hook, n, o))

    def __exit__(self, *exc: object) -> None:
        for restore in reversed(self._restore):
            restore()
        self._restore.clear()

    def _tee_stream(self, name: str) -> None:
        stream = getattr(sys, name)
        original = stream.write

        def write(text: Any) -> Any:
            result = original(text)
            if isinstance(text, str) and not self._in_publish:
                self._record_stream(name, text)
            return result

        try:
            stream.write = write
            self._restore.append(lambda: _unpatch(stream, "write", original))
        except (AttributeError, TypeError):
            setattr(sys, name, _Proxy(stream, write))

            def restore() -> None:
                if isinstance(getattr(sys, name), _Proxy):
                    setattr(sys, name, stream)

            self._restore.append(restore)

    def _record_stream(self, name: str, text: str) -> None:
        last = self.items[-1] if self.items else None
        if last is not None and last[0] == "stream" and last[1] == name:
            if last[3] < SPILL_LIMIT:
                last[2].append(text)
            last[3] += len(text)
        elif len(self.items) < MAX_OUTPUTS:
            self.items.append(["stream", name, [text], len(text)])
        else:
            self.dropped += 1

    def _record_display(self, data: Any, metadata: Any) -> None:
        if len(self.items) >= MAX_OUTPUTS or not isinstance(data, dict):
            self.dropped += 1
            return
        # Copy now: the caller may mutate the bundle after publishing it.
        kind = "figure" if is_figure_bundle(data) else "display_data"
        self.items.append([kind, dict(data), copy.copy(metadata or {}), 0])

    def add_result(self, bundle: dict[str, Any], metadata: dict[str, Any]) -> None:
        """Record the cell's result as displayed (``Out[n]``)."""
        self.items.append(["execute_result", bundle, metadata, 0])

    def add_figure(self, png: bytes) -> None:
        """Record a matplotlib figure saved as PNG."""
        self.items.append(["figure", {"image/png": png}, {}, 0])

    # -- records ----------------------------------------------------------------

    def records(self, put_blob: Any) -> list[OutputRecord]:
        """Return capped output records; ``put_blob(bytes, media_type)`` spills."""
        out = []
        for seq, (kind, first, second, size) in enumerate(self.items):
            if kind == "stream":
                text = "".join(second)
                record = OutputRecord(seq, "stream", name=first)
                encoded = text.encode("utf-8", "replace")
                if len(encoded) > INLINE_LIMIT:
                    digest = put_blob(encoded, "text/plain; charset=utf-8")
                    record.blobs = {"text/plain": {"digest": digest, "size": len(encoded)}}
                    record.text = encoded[:INLINE_LIMIT].decode("utf-8", "ignore")
                    record.truncated_bytes = max(0, size - len(record.text))
                else:
                    record.text = text
                out.append(record)
            else:
                out.append(self._bundle_record(seq, kind, first, second, put_blob))
        return out

    @staticmethod
    def _bundle_record(
        seq: int, kind: str, bundle: dict[str, Any], metadata: Any, put_blob: Any
    ) -> OutputRecord:
        data: dict[str, Any] = {}
        blobs: dict[str, dict[str, Any]] = {}
        truncated = 0
        for mime, value in bundle.items():
            raw = _as_bytes(mime, value)
            if raw is None:
                continue
            if mime.startswith("image/") or len(raw) > INLINE_LIMIT:
                digest = put_blob(raw, mime)
                blobs[mime] = {"digest": digest, "size": len(raw)}
                if not mime.startswith("image/"):
                    truncated += len(raw)
            else:
                data[mime] = value if isinstance(value, str | dict | list) else raw.decode(
                    "utf-8", "replace"
                )
        if "text/plain" not in data and "text/plain" in bundle:
            data["text/plain"] = str(bundle["text/plain"])[:1000]
        try:
            meta = json.loads(json.dumps(metadata, default=str))
        except (TypeError, ValueError):
            meta = {}
        return OutputRecord(
            seq, kind, data=data, metadata=meta, blobs=blobs or None, truncated_bytes=truncated
        )


# matplotlib's Figure repr: how a figure shown by the inline backend (or display(fig))
# is told apart from other PNGs without rendering it again.
_FIGURE_TEXT = re.compile(r"^<Figure size [\d.e+-]+x[\d.e+-]+ with \d+ Axes>$")


def is_figure_bundle(data: dict[str, Any]) -> bool:
    """Return whether a display bundle is a matplotlib figure shown as PNG."""
    text = data.get("text/plain")
    return "image/png" in data and isinstance(text, str) and bool(_FIGURE_TEXT.match(text))


def _as_bytes(mime: str, value: Any) -> bytes | None:
    """Return a mime value's bytes (images decoded from base64 when given as text)."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        if mime.startswith("image/") and mime != "image/svg+xml":
            try:
                return base64.b64decode(value, validate=False)
            except (binascii.Error, ValueError):
                return value.encode()
        return value.encode("utf-8", "replace")
    try:
        return json.dumps(value, default=str).encode()
    except (TypeError, ValueError):
        return None


def _unpatch(obj: Any, attr: str, original: Any) -> None:
    try:
        if attr in vars(obj):
            delattr(obj, attr)  # back to the class method
        if getattr(obj, attr) != original:
            setattr(obj, attr, original)
    except (AttributeError, TypeError):
        pass
