"""``%mm push`` and ``%mm pull`` in a real IPython shell, against a real team registry."""

from __future__ import annotations

import json

import pytest
from IPython.core.error import UsageError

from mm_jupyter.services.configuration import add_remote


def test_push_from_the_notebook_then_nothing_to_push(laptops, registry_dir, ip, capsys):
    # laptops (team PostgreSQL + bucket, AWS variables) first, then this shell's registry
    add_remote(registry_dir, "team", database=laptops.team_url, blobs=laptops.blobs)
    import matplotlib

    matplotlib.use("Agg")
    ip.run_cell("%%mm_track --name first\nimport mm_jupyter as mm\nacc = 0.5\n"
                "mm.log_artifact(b'rows', name='raw')\n"
                "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3]);")
    ip.run_cell("plt.close('all')")
    capsys.readouterr()
    ip.run_line_magic("mm", "push team --dry-run")
    assert capsys.readouterr().out.startswith("would push to team: 1 runs, 1 artifact versions")
    assert laptops.rows("SELECT count(*) FROM runs") == [(0,)]
    ip.run_line_magic("mm", "push team")
    assert capsys.readouterr().out.startswith("pushed to team: 1 runs, 1 artifact versions")
    assert laptops.rows("SELECT name, n_figures FROM runs") == [("first", 1)]
    # the figure's PNG went to the team's bucket with its blob row
    [(blobs,)] = laptops.rows("SELECT blobs FROM outputs WHERE output_type = 'figure'")
    digest = json.loads(blobs)["image/png"]["digest"]
    assert laptops.rows("SELECT media_type FROM blobs WHERE digest = ?", (digest,)) == \
        [("image/png",)]
    assert laptops.blob_bytes(digest).startswith(b"\x89PNG")
    ip.run_line_magic("mm", "push team")
    assert capsys.readouterr().out.startswith("Nothing to push: team is up to date")


def test_push_and_pull_name_what_is_wrong(laptops, registry_dir, ip):
    add_remote(registry_dir, "team", database=laptops.team_url, blobs=laptops.blobs)
    with pytest.raises(UsageError, match="%mm push: no remote named 'nowhere' \\(remotes: team\\)"):
        ip.run_line_magic("mm", "push nowhere")
    with pytest.raises(UsageError, match="%mm pull: say what to pull"):
        ip.run_line_magic("mm", "pull team")
    with pytest.raises(UsageError, match="no registered model named 'ghost' there"):
        ip.run_line_magic("mm", "pull team --model ghost")
