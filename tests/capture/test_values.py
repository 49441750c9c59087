"""Any value a cell touches is stored exactly or boundedly, and never fails the cell."""

from __future__ import annotations

import json
import math
import numbers
import time

import pytest

from mm_jupyter.capture.params import as_metric_value, is_scalar, namespace_params, plan_cell
from mm_jupyter.encoding import (
    MAX_STR,
    decode_param,
    dumps,
    int_text,
    numeric_value,
    safe_repr,
    to_jsonable,
)
from mm_jupyter.store import open_registry

BIG = 10**400  # beyond float range
HUGE = 10**5000  # beyond str()'s 4,300-digit limit


class Hostile(float):
    """A float whose every dunder a tracker might call raises."""

    def __repr__(self):
        raise RuntimeError("repr")

    def __float__(self):
        raise RuntimeError("float")

    def __eq__(self, other):
        raise RuntimeError("eq")

    __hash__ = float.__hash__


class NoClass:
    """An object whose ``__class__`` raises: isinstance itself raises."""

    @property
    def __class__(self):
        raise RuntimeError("class")

    def __repr__(self):
        raise RuntimeError("repr")


class FakeReal:
    """Registered as a real number, but every conversion raises."""

    def __float__(self):
        raise RuntimeError("float")

    def item(self):
        return self


numbers.Real.register(FakeReal)


# -- encoding ----------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [2**63, -(2**63), 2**70, BIG, -BIG, HUGE],
    ids=["2**63", "-2**63", "2**70", "10**400", "-10**400", "10**5000"],
)
def test_big_ints_are_exact_decimal_text(value):
    # Given an int a float cannot hold exactly
    # When it is encoded
    encoded = to_jsonable(value)
    # Then it is its exact decimal text, and its numeric value sorts (inf beyond range)
    assert encoded == ("1" + "0" * 5000 if value == HUGE else str(value))
    number = numeric_value(value)
    assert number == (float(value) if abs(value) < 2**1000 else (math.inf if value > 0 else -math.inf))
    # and a stored row reads back as the int itself
    assert decode_param(dumps(value), number) == value


def test_small_ints_stay_json_ints_and_digit_strings_stay_strings():
    assert to_jsonable(2**63 - 1) == 2**63 - 1
    assert decode_param(dumps("123"), numeric_value("123")) == "123"
    assert decode_param(dumps(5), numeric_value(5)) == 5


def test_an_int_beyond_the_string_bound_is_summarised_not_converted():
    started = time.perf_counter()
    text = int_text(10**100_000)
    assert text == "<int with about 100001 digits>"
    assert time.perf_counter() - started < 0.5
    assert MAX_STR > 5001  # HUGE above is within the bound, so it is exact


@pytest.mark.parametrize(
    "make",
    [
        lambda: Hostile(1.5),
        NoClass,
        FakeReal,
        lambda: {NoClass(): 1},
        lambda: [Hostile(2.0)] * 3,
    ],
    ids=["hostile-float", "no-class", "fake-real", "hostile-key", "list-of-hostile"],
)
def test_hostile_values_encode_without_raising(make):
    value = make()  # built in the test: pytest itself would trip over them
    encoded = dumps(value)
    json.loads(encoded)
    assert numeric_value(value) in (None, 1.5) or isinstance(numeric_value(value), float)
    assert isinstance(safe_repr(value), str)


def test_self_referencing_wide_list_is_bounded_in_time_and_size():
    # Given a list holding itself a thousand times (1000**8 paths at depth 8)
    loop: list = []
    loop.extend([loop] * 1000)
    started = time.perf_counter()
    # When it is encoded and repr'd
    encoded = dumps(loop)
    text = safe_repr(loop)
    # Then both are quick and bounded
    assert time.perf_counter() - started < 2
    assert len(encoded) < 200_000 and len(text) <= 500


def test_huge_numpy_array_is_a_bounded_repr():
    np = pytest.importorskip("numpy")
    big = np.zeros(10**7)
    assert len(dumps(big)) < 1000


def test_metric_values_never_raise():
    assert as_metric_value(BIG) is None
    assert as_metric_value(FakeReal()) is None
    assert as_metric_value(NoClass()) is None
    assert as_metric_value(Hostile(1.0)) is None
    assert as_metric_value(2**70) == float(2**70)


def test_namespace_params_skip_values_that_cannot_be_inspected():
    plan = plan_cell("y = a + b + c + n")
    found = namespace_params(plan, {"a": NoClass(), "b": 1, "c": Hostile(3.0), "n": BIG})
    assert set(found) == {"b", "c", "n"}
    assert is_scalar(NoClass()) is False


# -- tracked cells -------------------------------------------------------------


def _params(registry_dir, run_id):
    reg = open_registry(registry_dir)  # SQLite or PostgreSQL (MM_JUPYTER_DATABASE_URL)
    try:
        with reg.read() as conn:
            rows = conn.execute(
                "SELECT key, value, value_num FROM params WHERE run_id = ?", (run_id,)
            ).fetchall()
    finally:
        reg.close()
    return {key: decode_param(value, num) for key, value, num in rows}


def test_a_cell_reading_and_assigning_big_ints_runs_and_records_them_exactly(
    ip, registry_dir
):
    import mm_jupyter as mm

    # Given big ints in the namespace, in a literal and in --param
    ip.run_cell("import math\nfact = math.factorial(200)")
    digits = "9" * 400
    # When a tracked cell reads one, assigns one and logs one
    result = ip.run_cell(
        f"%%mm_track --name big --param modulus={digits}\n"
        "import mm_jupyter as mm\n"
        f"literal = {digits}\n"
        "total = fact + literal\n"
        "mm.log_param('logged', 10**400)\n"
        "mm.set_tags({'size': 10**400})\n"
        "rsa_score = 10**400\n"
    )
    # Then the cell ran as untracked, and every value is stored exactly
    assert result.error_in_exec is None and result.success
    assert ip.user_ns["total"] == math.factorial(200) + int(digits)
    run = mm.get_run("big")
    assert run.status == "finished"
    params = _params(registry_dir, run.id)
    assert params["fact"] == math.factorial(200)
    assert params["literal"] == int(digits)
    assert params["modulus"] == int(digits)
    assert params["logged"] == 10**400
    assert run.params["logged"] == str(10**400)  # display and diff show the number
    assert run.tags["size"] == str(10**400)


def test_a_cell_reading_hostile_values_runs_unchanged(ip):
    import mm_jupyter as mm

    ip.user_ns.update(weird=Hostile(2.0), noclass=NoClass(), fake=FakeReal())
    result = ip.run_cell(
        "%%mm_track --name hostile\nout = (weird is not None, noclass is not None, fake)\n"
    )
    assert result.error_in_exec is None
    assert ip.user_ns["out"][:2] == (True, True)
    assert mm.get_run("hostile").status == "finished"
