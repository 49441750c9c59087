        -- The runs export (issue 16): each run's params and latest metrics as the CSV
        -- writes them, one row per run (store/export_rows.py), so that exporting
        -- 100,000 runs reads 100,000 rows instead of pivoting 2 million. The rows are
        -- built in Python (the export's own spelling of each value); these triggers
        -- only queue the run whose values changed, once however many writes, and the
        -- export takes the queue in first (or reads a queued run the long way).
        CREATE TABLE run_exports (
            run_id TEXT PRIMARY KEY,
            plain INTEGER NOT NULL,        -- 0: a key or cell holds a separator
            param_keys TEXT,               -- sorted, joined by char(31)
            param_cells TEXT,              -- CSV cells, joined by char(30)
            metric_keys TEXT,
            metric_cells TEXT
        ) WITHOUT ROWID;
        CREATE TABLE run_exports_pending (
            run_id TEXT PRIMARY KEY
        ) WITHOUT ROWID;
        CREATE TRIGGER params_export_insert AFTER INSERT ON params BEGIN
            INSERT INTO run_exports_pending (run_id) VALUES (NEW.run_id)
                ON CONFLICT DO NOTHING;
        END;
        CREATE TRIGGER params_export_update AFTER UPDATE ON params BEGIN
            INSERT INTO run_exports_pending (run_id) VALUES (NEW.run_id)
                ON CONFLICT DO NOTHING;
            INSERT INTO run_exports_pending (run_id) SELECT OLD.run_id
                WHERE OLD.run_id IS NOT NEW.run_id ON CONFLICT DO NOTHING;
        END;
        CREATE TRIGGER params_export_delete AFTER DELETE ON params BEGIN
            INSERT INTO run_exports_pending (run_id) VALUES (OLD.run_id)
                ON CONFLICT DO NOTHING;
        END;
        CREATE TRIGGER latest_metrics_export_insert AFTER INSERT ON latest_metrics BEGIN
            INSERT INTO run_exports_pending (run_id) VALUES (NEW.run_id)
                ON CONFLICT DO NOTHING;
        END;
        CREATE TRIGGER latest_metrics_export_update AFTER UPDATE ON latest_metrics BEGIN
            INSERT INTO run_exports_pending (run_id) VALUES (NEW.run_id)
                ON CONFLICT DO NOTHING;
            INSERT INTO run_exports_pending (run_id) SELECT OLD.run_id
                WHERE OLD.run_id IS NOT NEW.run_id ON CONFLICT DO NOTHING;
        END;
        CREATE TRIGGER latest_metrics_export_delete AFTER DELETE ON latest_metrics BEGIN
            INSERT INTO run_exports_pending (run_id) VALUES (OLD.run_id)
                ON CONFLICT DO NOTHING;
        END;
        -- The backfill: every run with values is queued (and built at once by the
        -- migrating process, store/migrations.py).
        INSERT INTO run_exports_pending (run_id)
            SELECT run_id FROM params UNION SELECT run_id FROM latest_metrics;
