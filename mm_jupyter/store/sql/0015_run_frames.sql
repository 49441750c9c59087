        -- The runs frame (issue 16): beside each run's CSV cells, its params and latest
        -- metrics as mm.runs_frame reads them, one JSON text per run
        -- (store/export_rows.py), so that the frame of 100,000 runs parses 100,000
        -- texts instead of aggregating 2 million rows. Built in Python like the cells;
        -- 0014's triggers queue the runs whose values change.
        ALTER TABLE run_exports ADD COLUMN frame_json TEXT;
        -- The backfill: every built row is queued again (and built at once by the
        -- migrating process, store/migrations.py).
        INSERT OR IGNORE INTO run_exports_pending (run_id) SELECT run_id FROM run_exports;
