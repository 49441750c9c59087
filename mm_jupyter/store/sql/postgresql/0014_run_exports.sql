-- PostgreSQL twin of store/sql/0014_run_exports.sql.

        -- The runs export (issue 16): each run's params and latest metrics as the CSV
        -- writes them, one row per run (store/export_rows.py). The rows are built in
        -- Python; these triggers only queue the run whose values changed, and the
        -- first export takes the queue in (here the backfill only queues every run).
        CREATE TABLE run_exports (
            run_id TEXT PRIMARY KEY,
            plain INTEGER NOT NULL,
            param_keys TEXT,
            param_cells TEXT,
            metric_keys TEXT,
            metric_cells TEXT
        );
        CREATE TABLE run_exports_pending (
            run_id TEXT PRIMARY KEY
        );
        CREATE FUNCTION run_exports_queue() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                INSERT INTO run_exports_pending (run_id) VALUES (OLD.run_id)
                    ON CONFLICT DO NOTHING;
            END IF;
            IF TG_OP <> 'DELETE' THEN
                INSERT INTO run_exports_pending (run_id) VALUES (NEW.run_id)
                    ON CONFLICT DO NOTHING;
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER params_export AFTER INSERT OR UPDATE OR DELETE ON params
            FOR EACH ROW EXECUTE FUNCTION run_exports_queue();
        CREATE TRIGGER latest_metrics_export AFTER INSERT OR UPDATE OR DELETE
            ON latest_metrics FOR EACH ROW EXECUTE FUNCTION run_exports_queue();
        INSERT INTO run_exports_pending (run_id)
            SELECT run_id FROM params UNION SELECT run_id FROM latest_metrics;
