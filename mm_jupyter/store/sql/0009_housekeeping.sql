        -- Comparing and housekeeping (issue 14).
        -- A run's markdown note, its star, archive and soft delete, and the notebook
        -- cell it ran in (JupyterLab's cellId). Archived runs are hidden from lists by
        -- default; deleted runs are hidden always until `mm-jupyter gc` purges them.
        ALTER TABLE runs ADD COLUMN note TEXT;
        ALTER TABLE runs ADD COLUMN starred INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN archived_at TEXT;
        ALTER TABLE runs ADD COLUMN deleted_at TEXT;
        ALTER TABLE runs ADD COLUMN cell_id TEXT;

        -- Every housekeeping change, with who made it and when.
        CREATE TABLE run_events (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            user TEXT,
            action TEXT NOT NULL,          -- rename, note, tag, star, archive, restore, delete, move
            detail TEXT NOT NULL DEFAULT '{}'  -- JSON: {"from": ..., "to": ...}
        );
        CREATE INDEX run_events_run ON run_events (run_id, id);

        -- Whether lower or higher is better for a metric key, where the user said so
        -- (otherwise it is inferred from the key's name).
        CREATE TABLE metric_directions (
            key TEXT PRIMARY KEY,
            direction TEXT NOT NULL CHECK (direction IN ('min', 'max')),
            set_by TEXT,
            set_at TEXT NOT NULL
        );

        -- A firing alert someone has seen and owns.
        ALTER TABLE monitor_alerts ADD COLUMN acknowledged_at REAL;
        ALTER TABLE monitor_alerts ADD COLUMN acknowledged_by TEXT;
