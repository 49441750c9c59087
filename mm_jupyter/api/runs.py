"""The public Python API: everything a magic does is also one call here."""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from itertools import repeat
from typing import TYPE_CHECKING, Any

from mm_jupyter.capture.params import as_metric_value
from mm_jupyter.records import ActiveRunHandle, Run
from mm_jupyter.services.runs import metric_buffer, metric_series
from mm_jupyter.services.runs.session import get_session

if TYPE_CHECKING:
    import pandas

    from mm_jupyter.store import Registry

__all__ = [
    "active_run",
    "get_registry",
    "get_run",
    "list_runs",
    "log_metric",
    "log_metric_series",
    "log_metrics",
    "log_param",
    "log_params",
    "runs_frame",
    "set_experiment",
    "set_tags",
    "track",
]


def _metric_float(key: str, value: Any) -> float:
    number = as_metric_value(value)
    if number is None and isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(  # metrics are floats; an exact big int belongs in a param
            f"metric {key!r}: an int of {len(format(abs(value), 'x')) * 4} bits is beyond"
            " float range; log it with mm.log_param to keep it exactly"
        )
    if number is None:
        raise TypeError(
            f"metric {key!r} must be a real number, not {type(value).__name__}"
        )
    return number


def _check_key(kind: str, key: Any) -> str:
    if not isinstance(key, str) or not key.strip():
        raise ValueError(f"{kind} name must be a non-empty string, not {key!r}")
    if len(key) > 250:
        raise ValueError(f"{kind} name is {len(key)} characters; the limit is 250")
    return key


# Metric keys already checked (SQLite-storable): log_metric runs at ~1 µs per call, so
# a key is validated once, not per point. Bounded: cleared when it grows past this.
_GOOD_KEYS: set[str] = set()
MAX_GOOD_KEYS = 10_000
STEP_MIN, STEP_MAX = -(2**63), 2**63 - 1  # SQLite INTEGER is 64-bit signed


def _check_metric_key(key: Any) -> str:
    if key in _GOOD_KEYS:  # the fast path: a str key seen before
        return key  # type: ignore[no-any-return]
    _check_key("metric", key)
    try:
        key.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"metric name {key!r} cannot be stored: it holds a lone surrogate"
            f" at position {exc.start}"
        ) from None
    if len(_GOOD_KEYS) >= MAX_GOOD_KEYS:
        _GOOD_KEYS.clear()
    _GOOD_KEYS.add(key)
    return key  # type: ignore[no-any-return]


def _check_step(key: str, step: Any) -> int | None:
    if step is None:
        return None
    if type(step) is not int:
        if isinstance(step, bool):
            raise TypeError(f"step of metric {key!r} must be an int, not {step!r}")
        try:
            step = int(step)
        except (TypeError, ValueError, OverflowError):
            raise TypeError(f"step of metric {key!r} must be an int, not {step!r}") from None
    if not STEP_MIN <= step <= STEP_MAX:
        raise ValueError(
            f"step {step} of metric {key!r} is out of range: steps are 64-bit integers"
            f" ({STEP_MIN} to {STEP_MAX})"
        )
    return step  # type: ignore[no-any-return]


def log_metric(key: str, value: Any, step: int | None = None) -> None:
    """Log one point of metric ``key`` in the active run.

    ``step`` defaults to one more than the key's highest step so far (0 first). Points
    are buffered and written at least every second, so this is cheap inside training
    loops. A key or step SQLite cannot store raises ``ValueError`` naming it; nothing
    is logged.
    """
    try:
        series = _FAST.active[-1].hot[key]
    except (AttributeError, IndexError, KeyError):
        series = None
    # The fast path: a key this run logged before (hot until the buffer fills), a
    # float, an automatic or int step; the rest takes the checked path.
    if series is not None and (type(value) is float or type(value) in _FLOATS):
        if step is None:
            step = series.next
            if step <= STEP_MAX:
                series.next = step + 1
                series.add_step(step)
                series.add_value(value)
                series.add_stamp(_now())
                return
        elif type(step) is int and STEP_MIN <= step <= STEP_MAX:
            if step >= series.next:
                series.next = step + 1
            series.add_step(step)
            series.add_value(value)
            series.add_stamp(_now())
            return
    _log_metric_checked(key, value, step)


def _log_metric_checked(key: str, value: Any, step: Any) -> None:
    session = get_session()
    run = session.current()
    _check_metric_key(key)
    number = _metric_float(key, value)
    step = _check_step(key, step)
    session.add_point(run, key, _next_step(run, key, step), number)
    kind = type(value)
    if kind.__name__ == "float64" and kind.__module__ == "numpy" and float in kind.__mro__:
        _FLOATS.add(kind)  # numpy.float64 is a float: its C value is the value
    series = run.series.get(key)
    if series is not None and series.run_id == run.id and session.owns_buffer():
        session.check_series(series)  # lists it; past MAX_BUFFERED, writes first
        run.hot[key] = series  # the next points of this key take the fast path
        _FAST.active = session.active  # the list itself: the fast path reads its last


# The fast path's view of the session's active runs, set in the one thread that may
# append to the metric columns (Session.owns_buffer): other threads take the checked
# path, whose points are tuples.
_FAST = threading.local()
# Subclasses of float the fast path takes as floats (numpy.float64, once seen).
_FLOATS: set[type] = set()
_now = time.time


def _next_step(run: Any, key: str, step: int | None) -> int:
    step = run.next_step(key, step)
    if step > STEP_MAX:  # an automatic step after the largest one
        raise ValueError(f"metric {key!r} has no step after {STEP_MAX}; pass step=")
    return step  # type: ignore[no-any-return]


def log_metric_series(
    key: str, values: Iterable[Any], steps: Iterable[Any] | None = None
) -> None:
    """Log many points of metric ``key`` at once: ``values`` and ``steps`` are lists,
    tuples or 1-D numpy arrays (any iterable is read into a list).

    Each value and step must be what ``log_metric`` accepts. ``steps`` defaults to
    the key's next automatic steps (one more than its highest so far, then +1 per
    point), so this interleaves with ``log_metric``. A bad element raises the error
    ``log_metric`` would, naming the key and its index, and nothing of the call is
    logged. Buffered like ``log_metric`` (about 16 bytes a point).
    """
    session = get_session()
    run = session.current()
    _check_metric_key(key)
    numbers = metric_series.as_values(key, values, _metric_float)
    n = len(numbers)
    series = run.series.get(key)
    if steps is None:
        first = 0 if series is None else series.next
        if n and first + n - 1 > STEP_MAX:
            raise ValueError(f"metric {key!r} has no step after {STEP_MAX}; pass steps=")
        numbered = metric_series.step_range(first, n)
        top = first + n - 1
    else:
        numbered, top = metric_series.as_steps(key, steps, n, _check_step)
    if not n:
        return
    if series is None:
        run.next_step(key, numbered[0])
        series = run.series[key]
    series.take_step(top)
    if run.id is None or series.run_id != run.id:
        return  # not recorded
    stamp = _now()
    if not session.owns_buffer():  # another thread: tuples (see Session.owns_buffer)
        session.points.extend(zip(repeat(run.id), repeat(key), numbered.tolist(),
                                  numbers.tolist(), repeat(stamp)))
        return
    if series.buffer is None:
        series.buffer = session.metrics
    if session.metrics.count() + n <= metric_buffer.MAX_BUFFERED:
        series.extend(numbered, numbers, stamp)  # then the check: it may wake the flusher
        session.check_series(series)
        return
    chunk = metric_series.CHUNK  # the bounds are checked between chunks: they may write
    for start in range(0, n, chunk):
        series.extend(numbered[start:start + chunk], numbers[start:start + chunk], stamp)
        session.check_series(series)


def log_metrics(metrics: Mapping[str, Any], step: int | None = None) -> None:
    """Log several metrics at once; all are checked before any is logged."""
    checked = {_check_metric_key(k): _metric_float(k, v) for k, v in metrics.items()}
    for key in checked:
        step = _check_step(key, step)
    session = get_session()
    run = session.current()
    for key, number in checked.items():
        session.add_point(run, key, _next_step(run, key, step), number)


def log_param(key: str, value: Any) -> None:
    """Record param ``key`` of the active run (replacing an earlier value)."""
    log_params({key: value})


def log_params(params: Mapping[str, Any]) -> None:
    """Record several params of the active run (source ``explicit``)."""
    # Imported on first write, not when `mm.<name>` loads this module: the store
    # behind the services costs ~40 ms to import, which `mm.log_metric` never needs.
    from mm_jupyter.services.runs import annotations

    rows = [(_check_key("param", k), v, "explicit") for k, v in params.items()]
    annotations.log_params(get_session(), rows)


def set_tags(tags: Mapping[str, Any]) -> None:
    """Merge ``tags`` (string values) into the active run's tags."""
    from mm_jupyter.services.runs import annotations  # on first use: see log_params

    clean = {_check_key("tag", k): str(v) for k, v in tags.items()}
    annotations.set_tags(get_session(), clean)


def active_run() -> ActiveRunHandle | None:
    """Return the innermost run in progress in this process, or ``None``."""
    session = get_session()
    if not session.active:
        return None
    run = session.active[-1]
    return ActiveRunHandle(run.id, run.name, run.experiment)


def set_experiment(name: str) -> str:
    """Make ``name`` the experiment of the runs started after this call."""
    get_session().experiment = _check_key("experiment", name)
    return name


def get_registry() -> Registry:
    """Return the open registry (see ``mm_jupyter.store.Registry``)."""
    return get_session().require_registry()


def get_run(id_or_name: str) -> Run:
    """Return a run by id, unique id prefix, or name (the latest run of that name)."""
    from mm_jupyter.services.runs import queries  # on first use: see log_params

    session = get_session()
    session.flush()  # make this process's own buffered metrics visible
    return queries.get_run(session.require_registry(), id_or_name)


def list_runs(
    experiment: str | None = None, *, status: str | None = None, limit: int = 50,
    user: str | None = None, include_children: bool = False,
    filter: str | None = None,
    sort: str | None = None, order: str = "desc", include_archived: bool = False,
    archived: str | None = None,
) -> list[Run]:
    """Return the most recent runs, newest first; ``user`` keeps that user's runs.

    ``filter`` keeps the runs an expression of the filter language keeps, e.g.
    ``"metrics.acc > 0.9 and params.lr <= 0.1 and tags.team = 'risk'"``
    (docs/filter.md); a bad one raises ``FilterError`` (a ``ValueError``) pointing at
    the bad token. ``sort`` is a column, ``metric:KEY`` or ``param:KEY`` (``order``
    ``asc``/``desc``). The candidates of a hyper-parameter search (child runs) are
    left out unless ``include_children``; their parent's ``n_children`` counts them.
    Archived runs are left out unless ``include_archived`` (or ``archived="only"``
    for just them); deleted runs always (``get_run`` still finds them by id).
    """
    from mm_jupyter.services.runs import queries  # on first use: see log_params

    session = get_session()
    session.flush()
    return queries.list_runs(
        session.require_registry(), experiment=experiment, status=status, limit=limit,
        user=user, include_children=include_children, filter=filter, sort=sort,
        order=order, archived=_archived(include_archived, archived),
    )


def _archived(include_archived: bool, archived: str | None) -> str:
    if archived is None:
        return "include" if include_archived else "exclude"
    if include_archived and archived != "include":
        raise ValueError(f"include_archived=True contradicts archived={archived!r}")
    return archived


def runs_frame(
    filter: str | None = None,
    experiment: str | None = None, *, status: str | None = None,
    user: str | None = None, sort: str | None = None, order: str = "desc",
    include_children: bool = False, include_archived: bool = False,
    archived: str | None = None,
) -> pandas.DataFrame:
    """Return every run the options select as a pandas DataFrame, one row per run,
    like ``mlflow.search_runs``: ``run_id, name, experiment, status, user, start_time,
    end_time, duration_s``, then ``params.K`` (numbers as numbers), ``metrics.K``
    (latest values, floats on either backend) and ``tags.K``. The options are
    ``list_runs``'s, without a limit.

    Needs pandas (``ImportError`` saying so when it is missing).
    """
    from mm_jupyter.services.runs import frame  # on first use: see log_params

    session = get_session()
    session.flush()
    return frame.runs_frame(
        session.require_registry(), filter=filter, experiment=experiment, status=status,
        user=user, sort=sort, order=order, children=include_children,
        archived=_archived(include_archived, archived),
    )


def _script_source() -> tuple[str | None, str | None]:
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if not path:
        return None, None
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read(), path
    except (OSError, UnicodeDecodeError):
        return None, path


@contextlib.contextmanager
def track(
    name: str | None = None,
    experiment: str | None = None,
    *,
    tags: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
    capture_outputs: bool = True,
) -> Iterator[ActiveRunHandle]:
    """Track a block of code as a run (for scripts; notebooks use ``%%mm_track``).

    The script's source is snapshotted, stdout/stderr are tee'd, and the run ends
    ``finished``, ``failed`` (exception, re-raised unchanged) or ``interrupted``.
    """
    from mm_jupyter.services.runs.recorder import RunRecorder, status_of

    tags = {_check_key("tag", k): str(v) for k, v in (tags or {}).items()}
    rows = [(_check_key("param", k), v, "explicit") for k, v in (params or {}).items()]
    code, path = _script_source()
    session = get_session()
    recorder = RunRecorder(
        session,
        name=name,
        experiment=experiment,
        tags=tags,
        params=rows,
        code=code,
        capture_outputs=capture_outputs,
    )
    if path:
        recorder.tags.setdefault("script", path)
    run = recorder.start()
    handle = ActiveRunHandle(run.id, run.name, run.experiment)
    try:
        yield handle
    except BaseException as exc:
        recorder.finish(status_of(exc), exc=exc)
        raise
    else:
        recorder.finish("finished")
