"""Keep runs tidy: rename, note, tag, star, archive, restore, soft delete and move.

One use case for every adapter: ``mm.update_run`` and friends, ``mm-jupyter runs
rename|note|tag|star|archive|restore|delete|move`` and the ``POST runs/{id}/...``
routes all call these, so the checks and their messages are the same everywhere.
Each change is recorded in the run's history (``run_events``: who, when, from, to).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mm_jupyter.core.names import check_name
from mm_jupyter.identity import current_user
from mm_jupyter.store import housekeeping, queries
from mm_jupyter.store.db import Registry
from mm_jupyter.store.housekeeping import RunEdit

MAX_NOTE_BYTES = 64 * 1024  # a markdown note, in UTF-8
MAX_KEY = 250  # tag keys and experiment names, as mm.set_tags / mm.set_experiment
MAX_TAG_VALUE = 5000


def _storable(kind: str, text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"{kind} holds a lone surrogate at position {exc.start}: it cannot be stored"
        ) from None
    return text


def check_note(note: Any) -> str:
    """Return a markdown note if it is a string of at most 64 KiB (UTF-8)."""
    if not isinstance(note, str):
        raise ValueError(f"a note must be a string (markdown), not {type(note).__name__}")
    size = len(_storable("the note", note).encode("utf-8"))
    if size > MAX_NOTE_BYTES:
        raise ValueError(
            f"the note is {size} bytes; the limit is {MAX_NOTE_BYTES} bytes (64 KiB)"
        )
    return note


def check_key(kind: str, key: Any) -> str:
    """Return a tag key or an experiment name: a non-empty string of at most 250."""
    if not isinstance(key, str) or not key.strip():
        raise ValueError(f"{kind} must be a non-empty string, not {key!r}")
    if len(key) > MAX_KEY:
        raise ValueError(f"{kind} is {len(key)} characters; the limit is {MAX_KEY}")
    return _storable(f"{kind} {key[:40]!r}", key)


def check_tags(tags: Any) -> dict[str, str | None]:
    """Return tag changes ``{key: value or None}``; values become strings like
    ``mm.set_tags``'s, ``None`` removes the tag."""
    if not isinstance(tags, Mapping):
        raise ValueError(
            f"tags must be a mapping of key to value (None removes a tag),"
            f" not {type(tags).__name__}"
        )
    checked: dict[str, str | None] = {}
    for key, value in tags.items():
        check_key("a tag key", key)
        if value is None:
            checked[key] = None
            continue
        if isinstance(value, (dict, list, tuple, set)):
            raise ValueError(
                f"tag {key!r} must have a string value, not {type(value).__name__}"
            )
        text = _storable(f"tag {key!r}", str(value))
        if len(text) > MAX_TAG_VALUE:
            raise ValueError(
                f"tag {key!r} is {len(text)} characters long; the limit is {MAX_TAG_VALUE}"
            )
        checked[key] = text
    return checked


def run_state(registry: Registry, run_id: str) -> dict[str, Any]:
    """Return a run's summary with its housekeeping fields (``note``, ``starred``,
    ``archived_at``, ``deleted_at``, ``cell_id``), after a change."""
    with registry.read() as conn:
        summary = queries.run_summaries(conn, [run_id])[0]
        fields = housekeeping.housekeeping_fields(conn, run_id)
    return {**summary, **fields}


def run_summary(registry: Registry, run_id: str) -> dict[str, Any]:
    """Return a run's summary as the runs list gives it (``run_summary.json``): what
    the REST routes reply with after a change."""
    with registry.read() as conn:
        return queries.run_summaries(conn, [run_id])[0]


def resolve(registry: Registry, ref: str, *, exact: bool = False) -> str:
    """Return the id of the run ``ref`` names (id, unique id prefix or name), deleted
    runs included (they can be restored); ``NotFoundError`` otherwise."""
    return queries.resolve_run(registry, ref, exact=exact)


def update_run(
    registry: Registry,
    ref: str,
    *,
    name: str | None = None,
    note: str | None = None,
    tags: Mapping[str, Any] | None = None,
    starred: bool | None = None,
    user: str | None = None,
    exact: bool = False,
) -> dict[str, Any]:
    """Change a run's name, note, tags or star; only the arguments given change.

    ``note=""`` removes the note; a tag whose value is ``None`` is removed. ``user``
    defaults to the registry identity. Returns the run (``run_state``). Raises
    ``NotFoundError`` for an unknown run and ``ValueError`` naming bad input; nothing
    changes unless every argument is valid.
    """
    edit = RunEdit(
        name=None if name is None else check_name(name, "run"),
        note=None if note is None else check_note(note),
        tags=None if tags is None else check_tags(tags),
        starred=None if starred is None else _check_bool("starred", starred),
    )
    run_id = resolve(registry, ref, exact=exact)
    housekeeping.edit_run(registry, run_id, edit, user=_who(user))
    return run_state(registry, run_id)


def _check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, not {value!r}")
    return value


def _who(user: str | None) -> str | None:
    return user if user is not None else current_user()


def _set_visibility(
    registry: Registry, ref: str, action: str, user: str | None, exact: bool
) -> dict[str, Any]:
    run_id = resolve(registry, ref, exact=exact)
    housekeeping.set_visibility(registry, run_id, action, user=_who(user))
    return run_state(registry, run_id)


def archive_run(
    registry: Registry, ref: str, *, user: str | None = None, exact: bool = False
) -> dict[str, Any]:
    """Archive a run and its child runs: lists hide them unless asked; restorable."""
    return _set_visibility(registry, ref, "archive", user, exact)


def restore_run(
    registry: Registry, ref: str, *, user: str | None = None, exact: bool = False
) -> dict[str, Any]:
    """Un-archive and un-delete a run and its child runs."""
    return _set_visibility(registry, ref, "restore", user, exact)


def delete_run(
    registry: Registry, ref: str, *, user: str | None = None, exact: bool = False
) -> dict[str, Any]:
    """Soft-delete a run and its child runs: hidden everywhere, restorable until
    ``mm-jupyter gc`` purges it. A running run raises ``ConflictError``."""
    return _set_visibility(registry, ref, "delete", user, exact)


def move_run(
    registry: Registry, ref: str, experiment: str, *, user: str | None = None,
    exact: bool = False,
) -> dict[str, Any]:
    """Move a run and its child runs to ``experiment``, created if needed (as a
    tracked cell creates it). A running run raises ``ConflictError``."""
    target = check_key("an experiment name", experiment)
    run_id = resolve(registry, ref, exact=exact)
    housekeeping.move_run(registry, run_id, target, user=_who(user))
    return run_state(registry, run_id)
