-- PostgreSQL twin of store/sql/0016_run_frame_columns.sql.

        -- The runs frame in columns (issue 16): param keys and values as two JSON
        -- arrays, latest metrics as float64 values in a bytea (store/export_rows.py).
        -- Here the backfill only queues every built row; the first export takes the
        -- queue in, and rows with no keys text yet are read the long way.
        ALTER TABLE run_exports ADD COLUMN frame_param_keys TEXT;
        ALTER TABLE run_exports ADD COLUMN frame_params TEXT;
        ALTER TABLE run_exports ADD COLUMN frame_metric_keys TEXT;
        ALTER TABLE run_exports ADD COLUMN frame_metrics BYTEA;
        ALTER TABLE run_exports DROP COLUMN frame_json;
        INSERT INTO run_exports_pending (run_id)
            SELECT run_id FROM run_exports ON CONFLICT DO NOTHING;
