"""``runs/{id}`` and ``diff`` carry the custom objects a run used (docs/objects.md).

A real IPython shell records the runs into the registry the real Jupyter server reads.
"""

from __future__ import annotations

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from server_helpers import API, strict_loads

from mm_jupyter import schemas
from mm_jupyter.services.runs.session import get_session

BASE = "https://mm-jupyter.invalid/schemas/v1/"
SCHEMAS = Registry().with_resources(
    (schemas.load(n)["$id"], Resource.from_contents(schemas.load(n))) for n in schemas.NAMES)


def assert_valid(name: str, payload: object) -> None:
    validator = Draft202012Validator({"$ref": f"{BASE}{name}.json"}, registry=SCHEMAS)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(payload)]
    assert not errors, "\n".join(errors[:10])


def tracked(ip, cell: str) -> str:
    """Run a tracked cell; return its run's id."""
    assert ip.run_cell(cell).success
    with get_session().require_registry().read() as conn:
        row = conn.execute("SELECT id FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
    return str(row[0])


async def get(jp_fetch, *path: str, **params: str):
    response = await jp_fetch(*API, *path, params=params)
    assert response.code == 200
    return strict_loads(response.body)


async def test_run_detail_lists_the_objects_with_their_source(jp_fetch, ip):
    # Given a run that used a class and, through it, a function (defined in cells)
    ip.run_cell("def squash(x):\n    return x / (1 + abs(x))\n")
    ip.run_cell("class MyFeatures:\n    def transform(self, x):\n        return squash(x)\n")
    run_id = tracked(ip, "%%mm_track --name feats\nMyFeatures().transform(3.0)")
    # When the sidebar asks for the run
    detail = await get(jp_fetch, "runs", run_id)
    # Then the objects come with name, kind, module, digest and source, by name
    assert_valid("run_detail", detail)
    assert [(o["name"], o["kind"], o["module"]) for o in detail["objects"]] == [
        ("MyFeatures", "class", "__main__"), ("squash", "function", "__main__")]
    assert detail["objects"][1]["source"] == "def squash(x):\n    return x / (1 + abs(x))\n"


async def test_a_run_without_objects_has_an_empty_list(jp_fetch, ip):
    run_id = tracked(ip, "%%mm_track --name plain\nx = 1 + 1")
    detail = await get(jp_fetch, "runs", run_id)
    assert_valid("run_detail", detail)
    assert detail["objects"] == []


async def test_diff_shows_which_object_changed(jp_fetch, ip):
    # Given two runs between which one function changed
    ip.run_cell("def feat(x):\n    return x + 1\n")
    a = tracked(ip, "%%mm_track --name a\nfeat(1)")
    ip.run_cell("def feat(x):\n    return x * 2\n")
    b = tracked(ip, "%%mm_track --name b\nfeat(1)")
    # When the diff is asked for
    diff = await get(jp_fetch, "diff", a=a, b=b)
    # Then it names the function, with a line diff of its source
    assert_valid("diff", diff)
    (changed,) = diff["objects"]["changed"]
    assert changed["name"] == "feat"
    assert [h["op"] for h in changed["source"]] == ["equal", "replace"]
    assert diff["summary"]["objects_changed"] == 1
