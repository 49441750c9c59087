-- PostgreSQL twin of store/sql/0015_run_frames.sql.

        -- The runs frame (issue 16): beside each run's CSV cells, its params and latest
        -- metrics as mm.runs_frame reads them, one JSON text per run
        -- (store/export_rows.py). Built in Python like the cells; here the backfill
        -- only queues every built row, and the first export takes the queue in.
        ALTER TABLE run_exports ADD COLUMN frame_json TEXT;
        INSERT INTO run_exports_pending (run_id)
            SELECT run_id FROM run_exports ON CONFLICT DO NOTHING;
