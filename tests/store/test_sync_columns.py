"""Push and pull copy every column: a column added by a later migration must be listed.

store/sync_runs.py and store/sync_catalog.py name the columns they copy; each table's
remaining columns are the destination's own (its ids, its change cursor). A new column
that is in neither list would silently stay behind on every push, so this fails first.
"""

from __future__ import annotations

import pytest

from mm_jupyter.store.db import open_registry
from mm_jupyter.store.sync_catalog import MODEL_VERSION_COLUMNS, VERSION_COLUMNS
from mm_jupyter.store.sync_runs import CHILD_TABLES, MAPPED_RUN_COLUMNS, RUN_COLUMNS

# table -> (columns copied as they are, columns the destination sets itself)
EXPECTED = {
    "runs": (set(RUN_COLUMNS), set(MAPPED_RUN_COLUMNS)),
    **{table: (set(columns), {"id"}) for table, columns in CHILD_TABLES.items()},
    "artifact_versions": (set(VERSION_COLUMNS), {"id", "artifact_id", "version", "run_id"}),
    "model_versions": (set(MODEL_VERSION_COLUMNS),
                       {"id", "model_id", "version", "artifact_version_id", "run_id",
                        "created_role"}),
}


@pytest.mark.parametrize("table", sorted(EXPECTED))
def test_every_column_is_copied_or_set_by_the_destination(tmp_path, table):
    with open_registry(tmp_path) as registry:
        columns = {row[1] for row in registry.conn.execute(f"PRAGMA table_info({table})")}
    copied, own = EXPECTED[table]
    assert copied | own >= columns, f"{table}: not copied by push/pull: {columns - copied - own}"
    assert not copied - columns, f"{table}: copied but gone from the schema: {copied - columns}"
