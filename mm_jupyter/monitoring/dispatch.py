"""Run the actions of fired alerts and registry events, and record how each went.

Callables run at once on the caller's thread: in a notebook their output belongs to the
cell that logged the batch. Webhooks and notebooks run on one worker thread per process
so that ``mon.log`` and ``serve``'s request path never wait for a network call or a
kernel. Every action is a row of ``alert_actions`` (running → ok/error/skipped); a
notebook action links the first run its kernel tracked (tag ``mm.triggered_by``).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any

from mm_jupyter.store import Registry
from mm_jupyter.store import alerts as store

log = logging.getLogger("mm_jupyter")

# Callable actions live only in the process that defined them: (db path, rule id) → action.
_local_actions: dict[tuple[str, int], Any] = {}
_lock = threading.Lock()


def remember_local_action(registry: Registry, rule_id: int, action: Any) -> None:
    """Keep a rule's in-process action (a callable) for this process's dispatches."""
    with _lock:
        _local_actions[(str(registry.db_path), rule_id)] = action


def forget_local_action(registry: Registry, rule_id: int) -> None:
    with _lock:
        _local_actions.pop((str(registry.db_path), rule_id), None)


class _Worker:
    """One daemon thread running queued webhook and notebook actions in order."""

    def __init__(self) -> None:
        self.queue: queue.Queue[tuple[Registry, int, Any, dict[str, Any], dict[str, Any]]] = queue.Queue()
        self.pending = 0
        self.cond = threading.Condition()
        self.thread: threading.Thread | None = None

    def submit(self, registry: Registry, action_id: int, action: Any, event: dict[str, Any],
               context: dict[str, Any]) -> None:
        with self.cond:
            self.pending += 1
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._loop, name="mm-jupyter-actions", daemon=True)
                self.thread.start()
        self.queue.put((registry, action_id, action, event, context))

    def _loop(self) -> None:
        while True:
            registry, action_id, action, event, context = self.queue.get()
            try:
                _run(registry, action_id, action, event, context)
            finally:
                with self.cond:
                    self.pending -= 1
                    self.cond.notify_all()

    def wait(self, timeout: float | None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self.cond:
            while self.pending:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self.cond.wait(remaining)
        return True


_worker = _Worker()


def wait(timeout: float | None = None) -> bool:
    """Block until every queued action of this process has run; False on timeout."""
    return _worker.wait(timeout)


def _context(registry: Registry, tag: str) -> dict[str, Any]:
    return {"registry_root": str(registry.root), "output_dir": str(registry.root / "triggers"),
            "trigger_tag": tag}


def _run(registry: Registry, action_id: int, action: Any, event: dict[str, Any],
         context: dict[str, Any]) -> None:
    try:
        store.finish_action(registry, action_id, status="running", detail=None)
        result = action.run(event, context)
        run_id = None
        if action.kind == "notebook":
            runs = store.runs_triggered_by(registry, context["trigger_tag"])
            run_id = runs[0] if runs else None
        store.finish_action(registry, action_id, status=result.status, detail=result.detail,
                            output=result.output, run_id=run_id)
        if result.status == "error":
            log.warning("mm-jupyter: %s action for %s failed: %s", action.kind,
                        context["trigger_tag"], result.detail)
    except Exception as exc:  # an action must never take the worker (or serve) down
        log.warning("mm-jupyter: recording a %s action failed: %s", getattr(action, "kind", "?"), exc)


def dispatch(registry: Registry, items: list[dict[str, Any]]) -> None:
    """Run the actions of newly fired alerts / claimed events (store/monitoring.py, alerts.py)."""
    if not items:
        return
    from mm_jupyter.monitoring import triggers

    for item in items:
        event = dict(item)
        spec = event.pop("action", None)
        rule_id = int(event["rule_id"])
        with _lock:
            action = _local_actions.get((str(registry.db_path), rule_id))
        if action is None:
            if not spec or spec.get("kind") == "callable":
                continue  # no action, or a callable of another process
            try:
                action = triggers.action_from_spec(spec)
            except (ValueError, TypeError, OSError) as exc:
                store.record_action(registry, rule_id=rule_id, kind=str(spec.get("kind")),
                                    status="error", alert_id=event.get("alert_id"),
                                    event_id=event.get("event_id"), detail=str(exc))
                continue
            if action is None:
                continue
        tag = f"alert:{event['alert_id']}" if "alert_id" in event else f"event:{event['event_id']}"
        action_id = store.record_action(registry, rule_id=rule_id, kind=action.kind, status="pending",
                                        alert_id=event.get("alert_id"), event_id=event.get("event_id"))
        if action.kind == "callable":
            _run(registry, action_id, action, event, _context(registry, tag))
        else:
            _worker.submit(registry, action_id, action, event, _context(registry, tag))


def dispatch_events(registry: Registry) -> None:
    """Claim registry events no process has handled and run their rules' actions.

    Called after this process changes the registry (register, stage, alias) and after
    each monitored batch; it costs one read when nothing is new. Never raises: a
    registry change must not fail because an action could not be set off.
    """
    try:
        dispatch(registry, store.claim_events(registry))
    except Exception as exc:
        log.warning("mm-jupyter: dispatching registry events failed: %s", exc)
