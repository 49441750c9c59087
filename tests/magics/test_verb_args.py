"""Every %mm verb reads its arguments one way (magics/verb_args.py), through a real shell."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError

import mm_jupyter as mm

VERBS = ["experiment", "runs", "show", "diff", "artifacts", "artifact", "lineage",
         "register", "models", "model", "monitor", "alerts", "push", "pull"]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("runs -n 0", "argument -n/--limit: expects a number 1..500, got '0'"),
        ("runs --limit many", "argument -n/--limit: expects a number 1..500, got 'many'"),
        ("runs -e ''", "argument -e/--experiment: expects a name, got ''"),
        ("runs -e", "argument -e/--experiment: expected one argument"),
        ("experiment '  '", "argument NAME: expects a name, got '  '"),
        ("register m --name x --tag team", "argument --tag/-t: expects KEY=VALUE, got 'team'"),
        ("register m --name x --tag =ml", "argument --tag/-t: expects KEY=VALUE, got '=ml'"),
        ("register m --name x --stage live", "argument --stage/-s: invalid choice: 'live'"),
        ("show", "the following arguments are required: RUN"),
    ],
)
def test_a_bad_value_names_the_verb_the_problem_and_the_usage(ip, line, problem):
    verb = line.split()[0]
    with pytest.raises(UsageError) as caught:
        ip.run_line_magic("mm", line)
    first, usage = str(caught.value).split("\n")
    assert first.startswith(f"%mm {verb}: {problem}")
    assert usage.startswith(f"usage: %mm {verb}")


@pytest.mark.parametrize(
    ("line", "unrecognized"),
    [
        ("runs --bogus", "--bogus"),
        ("runs -x 3", "-x 3"),
        ("show run-1 --all", "--all"),
        ("artifacts --all", "--all"),
        ("models extra", "extra"),
        ("diff a b c", "c"),
        ("alerts a firing extra", "extra"),
        ("register m --name x --colour red", "--colour red"),
    ],
)
def test_an_unknown_option_or_extra_word_is_a_usage_error(ip, line, unrecognized):
    verb = line.split()[0]
    with pytest.raises(UsageError, match=f"^%mm {verb}: unrecognized arguments: {unrecognized}\n"):
        ip.run_line_magic("mm", line)


@pytest.mark.parametrize("verb", VERBS)
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_on_a_verb_prints_its_usage_and_returns(ip, capsys, verb, flag):
    # Required arguments are missing: help still wins, and nothing goes to stderr.
    assert ip.run_line_magic("mm", f"{verb} {flag}") is None
    out, err = capsys.readouterr()
    assert out.startswith(f"usage: %mm {verb}") and "-h, --help" in out
    assert err == ""


def test_the_verbs_with_help_are_all_the_verbs(ip):
    magics = ip.magics_manager.registry["MMMagics"]
    assert sorted(n[6:] for n in dir(magics) if n.startswith("_verb_")) == sorted(VERBS)


def test_a_quoted_argument_keeps_its_spaces(ip, capsys):
    ip.run_line_magic("mm", 'experiment "churn 2024"')
    assert capsys.readouterr().out == "experiment: churn 2024\n"
    ip.run_cell("%%mm_track --name 'first try'\nacc = 0.5")
    assert mm.get_run("first try").experiment == "churn 2024"
    assert "first try" in repr(ip.run_line_magic("mm", "runs --experiment 'churn 2024'"))
    assert "acc=0.5" in repr(ip.run_line_magic("mm", "show 'first try'"))


def test_the_run_and_artifact_verbs(ip, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ip.run_line_magic("mm", "experiment e")
    ip.run_cell("%%mm_track --name a\nimport mm_jupyter as mm\nlr = 0.1\n"
                "mm.log_artifact(b'x', name='raw')")
    ip.run_cell("%%mm_track --name b\nlr = 0.2\np = mm.use_artifact('raw')")
    runs = repr(ip.run_line_magic("mm", "runs -e e -n 1"))
    assert "b" in runs.split() and "a" not in runs.split()
    assert "lr=0.1" in repr(ip.run_line_magic("mm", "show a"))
    assert "lr: 0.1 -> 0.2" in repr(ip.run_line_magic("mm", "diff a b --volatile"))
    assert "raw" in repr(ip.run_line_magic("mm", "artifacts"))
    assert "raw:v1" in repr(ip.run_line_magic("mm", "artifact raw"))
    assert "a -> raw:v1" in repr(ip.run_line_magic("mm", "lineage raw:v1"))


def test_the_model_and_monitoring_verbs(ip):
    pd = pytest.importorskip("pandas")
    linear_model = pytest.importorskip("sklearn.linear_model")
    X = pd.DataFrame({"age": [float(i % 7) for i in range(60)],
                      "income": [float(i % 5) for i in range(60)]})
    y = (X["age"] > X["income"]).astype(int)
    ip.user_ns.update(clf=linear_model.LogisticRegression().fit(X, y), X=X)
    registered = ip.run_line_magic(
        "mm", "register clf --name churn -s production -a best -t team=risk -t 'note=two words'"
        " --description 'GBM baseline' --owner ana -r X",
    )
    assert "registered churn:1 [production, best]" in repr(registered)
    [model] = mm.list_models()
    assert model.tags == {"team": "risk", "note": "two words"}
    assert (model.description, model.owner) == ("GBM baseline", "ana")
    assert "churn" in repr(ip.run_line_magic("mm", "models"))
    assert "churn:1" in repr(ip.run_line_magic("mm", "model churn"))
    monitor = mm.monitor("churn@best")
    monitor.rule("volume.rows", "<", 50)
    monitor.log(X.head(10))
    assert "volume.rows" in repr(ip.run_line_magic("mm", "monitor churn@best"))
    for line in ("alerts", "alerts firing", "alerts churn", "alerts churn:1 firing"):
        assert "volume.rows = 10 < 50" in repr(ip.run_line_magic("mm", line)), line
    assert "no alerts" in repr(ip.run_line_magic("mm", "alerts resolved"))
    with pytest.raises(UsageError, match=r"^%mm alerts: state must be one of"):
        ip.run_line_magic("mm", "alerts churn fired")
    from mm_jupyter.monitoring import dispatch

    dispatch.wait(30)
