"""Which custom objects changed between two runs (docs/objects.md).

Objects are matched by module and name: the same name with another digest is
``changed`` (with a line diff of the source), a name only in run B is ``added``, only
in run A ``removed``.
"""

from __future__ import annotations

from typing import Any

from mm_jupyter.services.diff.lines import line_diff


def _head(obj: dict[str, Any]) -> dict[str, Any]:
    return {"name": obj["name"], "kind": obj["kind"], "module": obj["module"],
            "digest": obj["digest"]}


def _by_name(objects: list[dict[str, Any]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    found: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for obj in objects:
        found.setdefault((obj["module"], obj["name"]), []).append(obj)
    return found


def diff_objects(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> dict[str, Any]:
    """Return ``{"added", "removed", "changed", "unchanged"}`` from run A to run B.

    ``a`` and ``b`` are the runs' ``objects`` (``runs/{id}``). A run may hold two
    versions of one name (an instance of a class defined again later): identical
    digests pair first, the rest pair in order.
    """
    in_a, in_b = _by_name(a), _by_name(b)
    added: list[dict[str, Any]] = []
    removed: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    unchanged: list[dict[str, Any]] = []
    for key in sorted(set(in_a) | set(in_b)):
        left, right = in_a.get(key, []), in_b.get(key, [])
        same = {o["digest"] for o in left} & {o["digest"] for o in right}
        unchanged.extend(_head(o) for o in left if o["digest"] in same)
        left = [o for o in left if o["digest"] not in same]
        right = [o for o in right if o["digest"] not in same]
        for old, new in zip(left, right, strict=False):  # the rest: added or removed
            changed.append({
                "name": new["name"], "module": new["module"], "kind": new["kind"],
                "digest": {"a": old["digest"], "b": new["digest"]},
                "source": line_diff(old["source"], new["source"]),
            })
        removed.extend({**_head(o), "source": o["source"]} for o in left[len(right):])
        added.extend({**_head(o), "source": o["source"]} for o in right[len(left):])
    return {"added": added, "removed": removed, "changed": changed, "unchanged": unchanged}


def count_changed(diff: dict[str, Any] | None) -> int:
    """Return how many objects were added, removed or changed."""
    if diff is None:
        return 0
    return len(diff["added"]) + len(diff["removed"]) + len(diff["changed"])
