        -- The runs frame in columns (issue 16): 0015's one JSON object per run cost
        -- mm.runs_frame most of its time decoding 2 million keys and values. A row now
        -- holds its param keys and values as two JSON arrays (runs with the same keys
        -- share one keys text: the frame decodes each key set once and every run's
        -- values in one call) and its latest metrics as float64 values in a BLOB in
        -- their keys' order, which the frame reads with numpy.frombuffer
        -- (store/export_rows.py). Rows with no keys text yet are read the long way.
        ALTER TABLE run_exports ADD COLUMN frame_param_keys TEXT;
        ALTER TABLE run_exports ADD COLUMN frame_params TEXT;
        ALTER TABLE run_exports ADD COLUMN frame_metric_keys TEXT;
        ALTER TABLE run_exports ADD COLUMN frame_metrics BLOB;
        -- 0015's frame_json is dropped by store/migrations.py where this SQLite can
        -- (3.35+), else emptied.
        -- The backfill: every built row is queued again (and built at once by the
        -- migrating process, store/migrations.py).
        INSERT OR IGNORE INTO run_exports_pending (run_id) SELECT run_id FROM run_exports;
