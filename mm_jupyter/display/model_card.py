"""The model card as Markdown: a package's ``MODEL_CARD.md`` and the model view's card.

Takes the structured card (``services/models/card.py``, docs/rest.md ``ModelCard``)
and returns Markdown text. Pure: the same card gives the same bytes. Text from users
(names, descriptions, tags, messages) is escaped so that it cannot open HTML or break
a table, as the card is rendered in JupyterLab and on code hosts.
"""

from __future__ import annotations

from typing import Any

from mm_jupyter.display.runs import fmt_ts, fmt_value

POLICY_KEY = "policy"
POLICY_TITLE = "Promotion policy and approvals"


def text(value: Any) -> str:
    """Escape a user-supplied value for Markdown text and table cells."""
    raw = "-" if value is None or value == "" else str(value)
    raw = raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(raw.replace("|", "\\|").replace("`", "\\`").split())


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(text(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _number(value: Any) -> str:
    return fmt_value(value) if isinstance(value, int | float) and value is not None else text(value)


def card_markdown(card: dict[str, Any]) -> str:
    """Return the Markdown of a structured model card."""
    model = card["model"]
    lines = [f"# Model card: {text(model['name'])} version {model['version']}", ""]
    if model.get("description"):
        lines += [text(model["description"]), ""]
    lines += _table(["Field", "Value"], [
        ["Model", model["ref"]], ["Stage", model["stage"]],
        ["Aliases", ", ".join(model["aliases"]) or "-"], ["Owner", model.get("owner")],
        ["Tags", ", ".join(f"{k}={v}" for k, v in sorted((model.get("tags") or {}).items()))],
        ["Flavour", model["flavor"]],
        ["Registered", f"{model['created_at']} by {model['created_by']}"],
        ["Artifact", f"{model['artifact']['ref']} sha256:{model['artifact']['digest']}"
                     f" ({model['artifact']['size']} bytes)"],
    ])
    lines += _history(card["history"]) + _run(card["run"]) + _training(card["training_data"])
    lines += _metrics(card["metrics"]) + _evaluation(card["evaluation"])
    lines += _monitoring(card["monitoring"]) + _reproducibility(card["reproducibility"])
    sections = card.get("sections") or []
    if not any(s.get("key") == POLICY_KEY for s in sections):
        lines += [f"## {POLICY_TITLE}", "", "None recorded for this version.", ""]
    for section in sections:
        lines += [f"## {text(section['title'])}", "", str(section["markdown"]).rstrip(), ""]
    return "\n".join(lines).rstrip() + "\n"


def _history(history: list[dict[str, Any]]) -> list[str]:
    lines = ["## Stage and alias history", ""]
    if not history:
        return [*lines, "No stage change or alias yet.", ""]
    rows = [[h["at"], h["kind"], h.get("alias") or "", h.get("from"), h.get("to"), h.get("user"),
             h.get("comment") or ""] for h in history]
    return lines + _table(["At (UTC)", "Change", "Alias", "From", "To", "By", "Comment"], rows)


def _run(run: dict[str, Any] | None) -> list[str]:
    lines = ["## Producing run", ""]
    if run is None:
        return [*lines, "Registered outside a tracked run.", ""]
    git = run.get("git") or {}
    rows: list[list[Any]] = [["Run", f"{run['name']} ({run['id']})"], ["Experiment", run.get("experiment")],
            ["Status", run.get("status")], ["User", f"{run.get('user')} on {run.get('host')}"],
            ["Notebook", run.get("notebook_path")], ["Cell id", run.get("cell_id")],
            ["Git commit", (f"{git['commit']}{' (dirty)' if git.get('dirty') else ''}"
                            if git else None)]]
    return lines + _table(["Field", "Value"], rows)


def _training(training: dict[str, Any]) -> list[str]:
    lines = ["## Training data", ""]
    inputs = training.get("inputs") or []
    if inputs:
        lines += _table(["Input", "Kind", "sha256", "Bytes"],
                        [[i["ref"], i["kind"], i["digest"], i["size"]] for i in inputs])
    else:
        lines += ["No input artifacts recorded.", ""]
    profile = training.get("profile")
    if profile is None:
        return [*lines, "No reference profile (registered without reference data).", ""]
    lines += [f"Reference profile: {profile['rows']} rows, {profile['n_features']} features"
              + (f", task {text(profile['task'])}." if profile.get("task") else "."), ""]
    rows = []
    for f in profile["features"]:
        if f["type"] == "numeric":
            summary = (f"mean {_number(f.get('mean'))}, range {_number(f.get('min'))}"
                       f" .. {_number(f.get('max'))}")
        else:
            summary = "top: " + ", ".join(str(t) for t in f.get("top") or [])
        rows.append([f["name"], f["type"], _number(f.get("missing_rate")), summary])
    return lines + _table(["Feature", "Type", "Missing", "Summary"], rows)


def _metrics(metrics: dict[str, Any]) -> list[str]:
    lines = ["## Metrics", ""]
    if not metrics:
        return [*lines, "No metrics recorded.", ""]
    return lines + _table(["Metric", "Value"], [[k, _number(v)] for k, v in sorted(metrics.items())])


def _evaluation(reports: list[dict[str, Any]]) -> list[str]:
    lines = ["## Evaluation reports", ""]
    if not reports:
        return [*lines, "The producing run has no evaluation report.", ""]
    for report in reports:
        metrics = ", ".join(f"{k} {_number(v)}" for k, v in report["metrics"].items())
        lines.append(f"- **{text(report['name'])}** ({text(report['task'])}, {text(report['artifact'])}):"
                     f" {text(metrics)}")
    return [*lines, ""]


def _monitoring(monitoring: dict[str, Any] | None) -> list[str]:
    lines = ["## Monitoring", ""]
    if monitoring is None:
        return [*lines, "No monitored predictions for this version yet.", ""]
    lines += _table(["Field", "Value"], [
        ["Batches", monitoring["batches"]], ["Rows", monitoring["rows"]],
        ["Labelled rows", monitoring["labelled"]],
        ["Last batch (UTC)", fmt_ts(monitoring["last_ts"])],
        ["Drift share", _number(monitoring["drift_share"])],
        ["Prediction PSI", _number(monitoring["prediction_psi"])],
        *[[f"Performance: {k}", _number(v)] for k, v in sorted(monitoring["performance"].items())],
        ["Alerts firing", monitoring["firing"]],
    ])
    for alert in monitoring["alerts"]:
        lines.append(f"- {text(alert['state'])} {text(alert['severity'])} on"
                     f" {text(alert['series'])}: {text(alert['message'])}")
    return [*lines, ""] if monitoring["alerts"] else lines


def _reproducibility(found: dict[str, Any] | None) -> list[str]:
    lines = ["## Reproducibility", ""]
    if not found:
        return [*lines, "Not analysed.", ""]
    status = found.get("status")
    warnings = found.get("warnings")
    if warnings is None and isinstance(found.get("issues"), list):
        warnings = len(found["issues"])
    line = f"Verdict: **{text(status)}**"
    if warnings:
        line += f", {warnings} hidden-state warning{'s' if warnings != 1 else ''}"
    if found.get("confirmed_by"):
        line += f"; registered anyway, confirmed by {text(found['confirmed_by'])}"
    return [*lines, line + ".", ""]




def policy_markdown(data: dict[str, Any]) -> str:
    """The body of the card's policy section: each stage's rules, then the approvals."""
    lines: list[str] = []
    for policy in data["policies"]:
        overriders = ", ".join(policy["overriders"]) or "nobody"
        lines += [f"**{text(policy['stage'])}** ({text(policy['source'])} policy; may force:"
                  f" {text(overriders)}):", ""]
        lines += [f"- `{text(rule)}`" for rule in policy["require"]] + [""]
    if not data["policies"]:
        lines += ["No promotion policy applies to this model.", ""]
    rows = [[a["user"], a["at"], a["comment"], "yes" if a["counts"] else f"no: {a['why_not']}"]
            for a in data["approvals"]]
    if rows:
        lines += [f"Approvals that count: {data['count']}", ""]
        lines += _table(["Approved by", "At", "Comment", "Counts"], rows)
    else:
        lines += ["No approvals yet."]
    return "\n".join(lines).rstrip()


__all__ = ["POLICY_KEY", "POLICY_TITLE", "card_markdown", "policy_markdown", "text"]
