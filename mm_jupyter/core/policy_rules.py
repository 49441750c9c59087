"""Promotion policy rules: their grammar, and what one says about a set of facts.

A policy is a list of rules a model version must pass to enter a stage
(docs/deploy.md). Each rule is one line:

- ``test.accuracy >= 0.9``: a metric the version recorded (from its producing run),
  compared with a number (``>``, ``>=``, ``<``, ``<=``, ``==``, ``!=``);
- ``monitoring.drift.share < 0.3``: the latest value of a monitored series
  (``drift.share``, ``performance.accuracy``, ...) of the model's *current production*
  version, i.e. the traffic the new version would take over;
- ``reproducibility == "clean"``: the producing run's hidden-state verdict (issue 15);
- ``approvals >= 1``: approvals by users other than the registrant;
- ``evaluation exists``: the producing run stored an evaluation report (``mm.evaluate``);
  also ``signature exists``, ``reference_profile exists`` and ``<metric> exists``.

This module is pure: it parses rules and judges them against a ``Facts`` record the
service gathers from the store (services/models/policies.py), so the CLI, the Python API,
REST and the sidebar all say the same thing about the same rule.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from mm_jupyter.core.rules import OPS

MAX_RULES = 50
MAX_RULE_CHARS = 200
# The things a rule can be about besides a metric; anything else is a metric name.
KEYWORDS = ("approvals", "reproducibility", "monitoring", "evaluation", "signature",
            "reference_profile")
REPRODUCIBILITY = ("clean", "warnings", "unknown")
EXISTS_SUBJECTS = ("evaluation", "signature", "reference_profile")

_COMPARISON = re.compile(
    r"^\s*(?P<subject>[A-Za-z_][\w.\-/]*)\s*(?P<op>>=|<=|==|!=|>|<)\s*(?P<value>.+?)\s*$")
_EXISTS = re.compile(r"^\s*(?P<subject>[A-Za-z_][\w.\-/]*)\s+exists\s*$")
_QUOTED = re.compile(r"""^(?:"([^"]*)"|'([^']*)')$""")


class PolicyRuleError(ValueError):
    """A rule that does not parse; the message names the rule and what is wrong."""


@dataclass(frozen=True)
class Rule:
    """One parsed rule. ``text`` is its canonical spelling (what policies store)."""

    kind: str  # metric, monitoring, reproducibility, approvals, exists
    subject: str  # the metric or series name; the keyword otherwise
    op: str  # a key of OPS, or "exists"
    value: float | str | None

    @property
    def text(self) -> str:
        if self.op == "exists":
            return f"{self.subject} exists"
        shown = f'"{self.value}"' if isinstance(self.value, str) else _number(self.value)
        return f"{self.subject} {self.op} {shown}"


@dataclass
class Facts:
    """What the rules of one version are judged on (gathered by the service)."""

    metrics: dict[str, Any] = field(default_factory=dict)
    reproducibility: str = "unknown"
    approvals: int = 0
    evaluation: bool = False
    signature: bool = False
    reference_profile: bool = False
    # The current production version's latest monitored values; None when the model
    # has no production version, {} when it has one without traffic yet.
    production: str | None = None
    monitoring: dict[str, float] | None = None


@dataclass(frozen=True)
class Verdict:
    """What one rule says about one version."""

    rule: str
    status: str  # pass, fail, n/a (nothing to judge yet; does not block)
    actual: Any
    message: str

    @property
    def passed(self) -> bool:
        return self.status != "fail"

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "status": self.status, "passed": self.passed,
                "actual": self.actual, "message": self.message}


def _number(value: Any) -> str:
    return repr(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(value)


def parse_rule(text: Any) -> Rule:
    """Parse one rule; ``PolicyRuleError`` says what is wrong with it."""
    if not isinstance(text, str):
        raise PolicyRuleError(f"a rule must be a string, not {type(text).__name__}")
    shown = text.strip()[:80]
    if not text.strip():
        raise PolicyRuleError("a rule must not be empty")
    if len(text) > MAX_RULE_CHARS:
        raise PolicyRuleError(f"rule {shown!r}... is longer than {MAX_RULE_CHARS} characters")
    exists = _EXISTS.match(text)
    if exists:
        subject = exists["subject"]
        if subject in ("approvals", "reproducibility", "monitoring"):
            raise PolicyRuleError(f"rule {shown!r}: {subject!r} is always there; compare it"
                                  " instead (e.g. 'approvals >= 1')")
        return Rule("exists", subject, "exists", None)
    match = _COMPARISON.match(text)
    if match is None:
        raise PolicyRuleError(
            f"rule {shown!r} is not 'NAME OP VALUE' (OP one of {', '.join(OPS)})"
            " or 'NAME exists'")
    subject, op, raw = match["subject"], match["op"], match["value"]
    if subject == "reproducibility":
        quoted = _QUOTED.match(raw)
        value = (quoted[1] if quoted[1] is not None else quoted[2]) if quoted else raw
        if value not in REPRODUCIBILITY or op not in ("==", "!="):
            raise PolicyRuleError(
                f"rule {shown!r}: reproducibility compares with == or != to one of"
                f" {', '.join(repr(v) for v in REPRODUCIBILITY)}")
        return Rule("reproducibility", subject, op, value)
    try:
        number = float(raw)
    except ValueError:
        raise PolicyRuleError(f"rule {shown!r}: {raw[:40]!r} is not a number") from None
    if math.isnan(number):
        raise PolicyRuleError(f"rule {shown!r}: NaN compares false with everything")
    if subject in EXISTS_SUBJECTS:
        raise PolicyRuleError(f"rule {shown!r}: write '{subject} exists'")
    if subject == "approvals":
        if not number.is_integer() or number < 0:
            raise PolicyRuleError(f"rule {shown!r}: approvals are a whole number")
        return Rule("approvals", subject, op, number)
    if subject == "monitoring" or subject.startswith("monitoring."):
        if subject == "monitoring":
            raise PolicyRuleError(f"rule {shown!r}: name a series, e.g. monitoring.drift.share")
        return Rule("monitoring", subject, op, number)
    return Rule("metric", subject, op, number)


def parse_rules(texts: Any) -> list[Rule]:
    """Parse a policy's rules (a list of strings), dropping exact duplicates."""
    if isinstance(texts, str) or not isinstance(texts, (list, tuple)):
        raise PolicyRuleError("require must be a list of rules, e.g. ['test.accuracy >= 0.9']")
    if len(texts) > MAX_RULES:
        raise PolicyRuleError(f"a policy holds at most {MAX_RULES} rules, not {len(texts)}")
    rules: dict[str, Rule] = {}
    for text in texts:
        rule = parse_rule(text)
        rules.setdefault(rule.text, rule)
    return list(rules.values())


def _compare(rule: Rule, name: str, actual: Any) -> Verdict:
    if not isinstance(actual, (int, float)) or isinstance(actual, bool):
        return Verdict(rule.text, "fail", actual, f"{name} is {actual!r}, not a number")
    if isinstance(actual, float) and math.isnan(actual):
        return Verdict(rule.text, "fail", None, f"{name} is NaN")
    assert isinstance(rule.value, float)
    ok = OPS[rule.op](float(actual), rule.value)
    message = f"{name} is {_number(actual)}" + ("" if ok else
                                                   f"; needs {rule.op} {_number(rule.value)}")
    return Verdict(rule.text, "pass" if ok else "fail", actual, message)


def judge(rule: Rule, facts: Facts) -> Verdict:
    """Return what ``rule`` says about the version ``facts`` describe."""
    if rule.kind == "exists":
        if rule.subject in EXISTS_SUBJECTS:
            present = bool(getattr(facts, rule.subject))
        else:
            present = rule.subject in facts.metrics
        what = {"evaluation": "an evaluation report", "signature": "an input signature",
                "reference_profile": "a reference profile"}.get(rule.subject,
                                                                 f"metric {rule.subject}")
        return Verdict(rule.text, "pass" if present else "fail", present,
                       f"{what} is recorded" if present else f"no {what} is recorded")
    if rule.kind == "reproducibility":
        same = facts.reproducibility == rule.value
        ok = same if rule.op == "==" else not same
        message = f"the producing run's reproducibility is {facts.reproducibility!r}"
        return Verdict(rule.text, "pass" if ok else "fail", facts.reproducibility,
                       message if ok else f"{message}; needs {rule.op} {rule.value!r}")
    if rule.kind == "approvals":
        return _compare(rule, "approvals by others than the registrant", facts.approvals)
    if rule.kind == "monitoring":
        series = rule.subject.removeprefix("monitoring.")
        if facts.production is None:
            return Verdict(rule.text, "n/a", None,
                           "no version is in production yet: nothing to monitor")
        value = (facts.monitoring or {}).get(series)
        if value is None:
            return Verdict(rule.text, "n/a", None,
                           f"{facts.production} (production) has no {series} values yet")
        return _compare(rule, f"{series} of {facts.production}", value)
    if rule.subject not in facts.metrics:
        return Verdict(rule.text, "fail", None, f"the version has no metric {rule.subject}")
    return _compare(rule, rule.subject, facts.metrics[rule.subject])


__all__ = ["KEYWORDS", "MAX_RULES", "Facts", "PolicyRuleError", "Rule", "Verdict", "judge",
           "parse_rule", "parse_rules"]
