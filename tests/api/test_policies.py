"""Promotion policies: a stage's rules refuse a move everywhere, approvals, --force.

The same refusal through the Python API, the CLI (``models check`` exit codes, promote)
and registering with a stage; REST is in tests/server/test_server_policies.py.

On PostgreSQL (``--registry-backend=postgresql``) who approves and who may force is the
database login role, not ``MM_JUPYTER_USER``: there the reviewer is a real second role.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

import mm_jupyter as mm
from mm_jupyter.errors import ConflictError, NotFoundError
from mm_jupyter.services.runs.session import get_session

sklearn = pytest.importorskip("sklearn")
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402


@pytest.fixture
def reg(registry_dir, monkeypatch):
    monkeypatch.setenv("MM_JUPYTER_USER", "alice")
    get_session().reset_registry()
    yield mm.get_registry()
    get_session().reset_registry()


@pytest.fixture
def version(reg):
    """iris-clf:1, registered by alice from a run that logged test.accuracy 0.87."""
    X, y = load_iris(return_X_y=True, as_frame=True)
    with mm.track(name="fit"):
        model = LogisticRegression(max_iter=300).fit(X, y)
        mm.log_metric("test.accuracy", 0.87)
        return mm.register_model(model, name="iris-clf", reference_data=X)


def on_postgres() -> bool:
    return bool(os.environ.get("MM_JUPYTER_DATABASE_URL"))


def as_role(url: str, role: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{role}@{parts.netloc.split('@', 1)[1]}"))


@pytest.fixture
def reviewer(reg):
    """The environment of someone other than the registrant: user ``bob`` and, on
    PostgreSQL, a login role of his own (a writer, as docs/team.md grants)."""
    url = os.environ.get("MM_JUPYTER_DATABASE_URL")
    if not url:
        yield {"MM_JUPYTER_USER": "bob"}
        return
    import psycopg

    role = f"bob_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        conn.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
        conn.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
    yield {"MM_JUPYTER_USER": "bob", "MM_JUPYTER_DATABASE_URL": as_role(url, role)}
    from mm_jupyter.store.pg import close_pools

    get_session().reset_registry()
    close_pools()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP OWNED BY {role}")
        conn.execute(f"DROP ROLE {role}")


def become(monkeypatch, env):
    """Act as ``env`` (a user, and on PostgreSQL a database role) in this process."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_session().reset_registry()


def lead_name() -> str:
    """Who may force: a user on SQLite; on PostgreSQL the login role (this test's)."""
    url = os.environ.get("MM_JUPYTER_DATABASE_URL")
    return urlsplit(url).username if url else "lead"


def cli(*args, user="alice", env=None):
    env = {**os.environ, "MM_JUPYTER_USER": user, **(env or {})}
    return subprocess.run([sys.executable, "-m", "mm_jupyter.cli.main", *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_a_failing_rule_refuses_promote_model_and_names_the_rule(version):
    mm.set_policy("iris-clf", "production", require=["test.accuracy >= 0.9"])
    with pytest.raises(ConflictError) as refused:
        mm.promote_model("iris-clf:1", "production")
    assert "test.accuracy >= 0.9" in str(refused.value)
    assert "test.accuracy is 0.87; needs >= 0.9" in str(refused.value)
    assert mm.get_model("iris-clf:1").stage == "none"  # nothing moved
    mm.promote_model("iris-clf:1", "staging")  # a stage without a policy is free
    assert mm.get_model("iris-clf:1").stage == "staging"


def test_check_model_says_why_each_rule_passes_or_fails(version):
    mm.set_policy("iris-clf", "production", require=[
        "test.accuracy >= 0.8", "approvals >= 1", 'reproducibility == "clean"',
        "evaluation exists", "signature exists", "monitoring.drift.share < 0.3"])
    check = mm.check_model("iris-clf:1", "production")
    assert not check and check.failed == ["approvals >= 1", 'reproducibility == "clean"',
                                          "evaluation exists"]
    by_rule = {r["rule"]: r for r in check.rules}
    assert by_rule["test.accuracy >= 0.8"]["status"] == "pass"
    assert by_rule["test.accuracy >= 0.8"]["actual"] == 0.87
    assert by_rule["approvals >= 1"]["actual"] == 0
    # a `with mm.track()` block has no hidden-state analysis: unknown is not clean
    assert by_rule['reproducibility == "clean"']["actual"] == "unknown"
    assert by_rule["signature exists"]["status"] == "pass"
    # nothing in production yet: a monitoring rule has nothing to judge and does not block
    assert by_rule["monitoring.drift.share < 0.3"]["status"] == "n/a"
    assert "no version is in production yet" in by_rule["monitoring.drift.share < 0.3"]["message"]
    assert check.to_dict()["ref"] == "iris-clf:1" and check.policy["source"] == "model"


def test_the_registry_default_applies_until_a_model_has_its_own(version):
    mm.set_policy("*", "production", require=["test.accuracy >= 0.95"])
    assert mm.check_model("iris-clf:1").policy["source"] == "default"
    assert not mm.check_model("iris-clf:1")
    mm.set_policy("iris-clf", "production", require=["test.accuracy >= 0.5"])
    assert mm.check_model("iris-clf:1").passed
    assert [p["source"] for p in mm.get_policy("iris-clf")] == ["model"]
    mm.set_policy("iris-clf", "production", require=[])  # removed: the default again
    assert mm.check_model("iris-clf:1").policy["source"] == "default"


def test_bad_rules_are_refused_naming_them_and_nothing_is_stored(version):
    for rule, says in [("test.accuracy >= high", "'high' is not a number"),
                       ("accuracy is good", "is not 'NAME OP VALUE'"),
                       ("reproducibility == 'tidy'", "reproducibility compares"),
                       ("approvals >= 0.5", "approvals are a whole number"),
                       ("evaluation >= 1", "write 'evaluation exists'")]:
        with pytest.raises(ValueError, match=says):
            mm.set_policy("iris-clf", "production", require=["test.accuracy > 0", rule])
    with pytest.raises(ValueError, match="stage must be one of"):
        mm.set_policy("iris-clf", "prod", require=["test.accuracy > 0"])
    with pytest.raises(NotFoundError):
        mm.set_policy("no-such-model", "production", require=["test.accuracy > 0"])
    assert mm.get_policy("iris-clf") == []


def test_an_approval_by_the_registrant_does_not_count(version, monkeypatch, reviewer):
    mm.set_policy("iris-clf", "production", require=["approvals >= 1"])
    approvals = mm.approve_model("iris-clf:1", comment="my own work")
    assert approvals[0]["user"] == "alice" and approvals[0]["counts"] is False
    assert "registrant" in approvals[0]["why_not"]
    assert not mm.check_model("iris-clf:1", "production")
    if on_postgres():  # another name, the registrant's database role: it does not count
        monkeypatch.setenv("MM_JUPYTER_USER", "mallory")
        approvals = mm.approve_model("iris-clf:1")
        assert approvals[1]["counts"] is False and "database role" in approvals[1]["why_not"]
        assert not mm.check_model("iris-clf:1", "production")
    become(monkeypatch, reviewer)
    approvals = mm.approve_model("iris-clf:1", comment="reviewed the report")
    approvals = [a for a in approvals if a["user"] != "mallory"]
    assert [(a["user"], a["counts"]) for a in approvals] == [("alice", False), ("bob", True)]
    assert mm.check_model("iris-clf:1", "production").passed
    mm.promote_model("iris-clf:1", "production")
    [bob] = [a for a in mm.get_model("iris-clf:1").approvals if a["user"] == "bob"]
    assert bob["comment"] == "reviewed the report" and bob["counts"]


def test_force_is_for_overriders_only_and_the_history_keeps_why(version, monkeypatch):
    mm.set_policy("iris-clf", "production", require=["test.accuracy >= 0.9"],
                  overriders=["someone-else"])
    monkeypatch.setenv("MM_JUPYTER_USER", lead_name())  # a name alone is not a role
    with pytest.raises(ConflictError, match="Forcing it is for: someone-else"):
        mm.promote_model("iris-clf:1", "production", force=True, reason="hotfix")
    mm.set_policy("iris-clf", "production", require=["test.accuracy >= 0.9"],
                  overriders=[lead_name()])
    assert mm.check_model("iris-clf:1", "production").can_override
    with pytest.raises(ValueError, match="needs a reason"):
        mm.promote_model("iris-clf:1", "production", force=True)
    moved = mm.promote_model("iris-clf:1", "production", force=True, reason="hotfix for 4.2")
    assert moved.stage == "production"
    last = mm.model_history("iris-clf")[-1]
    assert (last.to_value, last.user, last.forced) == ("production", lead_name(), True)
    assert last.overridden == ["test.accuracy >= 0.9"] and "hotfix for 4.2" in last.comment


def test_registering_into_a_guarded_stage_keeps_the_version_and_refuses_the_stage(reg):
    X, y = load_iris(return_X_y=True, as_frame=True)
    mm.set_policy("*", "production", require=["approvals >= 1"])
    with mm.track(name="fit"):
        model = LogisticRegression(max_iter=300).fit(X, y)
        with pytest.raises(ConflictError, match=r"registered iris-clf:1 \(stage none\), but"):
            mm.register_model(model, name="iris-clf", stage="production", alias="candidate")
    kept = mm.get_model("iris-clf:1")
    assert (kept.stage, kept.aliases) == ("none", ["candidate"])


def test_staying_in_a_stage_is_no_move_whatever_the_policy_says(version):
    mm.promote_model("iris-clf:1", "production")
    mm.set_policy("iris-clf", "production", require=["test.accuracy >= 0.99"])
    mm.promote_model("iris-clf:1", "production")  # already there: no refusal
    assert mm.get_model("iris-clf:1").stage == "production"


def test_a_monitoring_rule_reads_the_current_production_versions_traffic(version):
    X, _ = load_iris(return_X_y=True, as_frame=True)
    mm.promote_model("iris-clf:1", "production")
    mon = mm.monitor("iris-clf@production")
    model = mm.load_model("iris-clf:1")
    shifted = X + 5.0  # every feature far from the reference: drift everywhere
    mon.log(shifted, model.predict(shifted))  # stored before it returns
    mm.set_policy("iris-clf", "staging", require=["monitoring.drift.share < 0.3"])
    check = mm.check_model("iris-clf:1", "staging")
    rule = check.rules[0]
    assert rule["status"] == "fail" and rule["actual"] == 1.0
    assert "drift.share of v1 is 1" in rule["message"]


def test_cli_check_exits_1_then_0_once_the_rule_is_met(version, registry_dir, reviewer):
    done = cli("models", "policy", "set", "iris-clf", "--stage", "production",
               "--require", "approvals >= 1", "--overrider", "lead")
    assert done.returncode == 0, done.stderr
    assert "require approvals >= 1" in done.stdout and "may force: lead" in done.stdout
    done = cli("models", "check", "iris-clf:1", "--stage", "production", "--json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["failed"] == ["approvals >= 1"] and report["passed"] is False
    done = cli("models", "promote", "iris-clf", "1", "--stage", "production")
    assert done.returncode == 1 and "approvals >= 1" in done.stderr
    done = cli("models", "approve", "iris-clf:1", "--comment", "mine")
    assert done.returncode == 0 and "does not count" in done.stderr
    assert cli("models", "check", "iris-clf:1", "--stage", "production").returncode == 1
    done = cli("models", "approve", "iris-clf:1", "--comment", "reviewed", user="bob",
               env=reviewer)
    assert done.returncode == 0, done.stderr
    done = cli("models", "check", "iris-clf:1", "--stage", "production")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "every rule passes" in done.stdout
    done = cli("models", "promote", "iris-clf", "1", "--stage", "production",
               "--if-checks-pass", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["stage"] == "production"


def test_cli_usage_errors_exit_2(version, registry_dir):
    assert cli("models", "check", "iris-clf:9", "--stage", "production").returncode == 2
    assert cli("models", "check", "iris-clf:1", "--stage", "prod").returncode == 2
    done = cli("models", "policy", "set", "iris-clf", "--stage", "production",
               "--require", "acc >>= 1")
    assert done.returncode == 2 and "acc >>= 1" in done.stderr
    done = cli("models", "promote", "iris-clf", "1", "--stage", "production", "--force")
    assert done.returncode == 2 and "--force needs --reason" in done.stderr
