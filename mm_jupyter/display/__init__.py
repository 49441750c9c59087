"""What the notebook shows: HTML and text of runs, diffs, lineage and monitoring; the Register button."""
