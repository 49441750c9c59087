
        -- One logged batch of predictions for a model version (mon.log, serve).
        CREATE TABLE monitor_batches (
            id INTEGER PRIMARY KEY,
            batch_id TEXT NOT NULL UNIQUE,         -- public id; log_labels takes it
            version_id INTEGER NOT NULL REFERENCES model_versions(id),
            ts REAL NOT NULL,                      -- epoch seconds: when predicted
            source TEXT NOT NULL DEFAULT 'api',    -- api | serve
            n_rows INTEGER NOT NULL,
            report TEXT NOT NULL DEFAULT '{}',     -- drift report (monitoring/drift.py)
            predictions TEXT,                      -- JSON list, kept to join late labels
            labels TEXT,                           -- JSON list aligned with predictions
            n_labelled INTEGER NOT NULL DEFAULT 0,
            performance TEXT                       -- JSON, once labels arrived
        );
        CREATE INDEX monitor_batches_version ON monitor_batches (version_id, ts);

        -- Raw input rows, a capped sample per version (oldest dropped first).
        CREATE TABLE monitor_samples (
            batch_id INTEGER PRIMARY KEY REFERENCES monitor_batches(id),
            version_id INTEGER NOT NULL REFERENCES model_versions(id),
            n_rows INTEGER NOT NULL,
            rows TEXT NOT NULL                     -- JSON {columns: {name: [...]}, predictions}
        );
        CREATE INDEX monitor_samples_version ON monitor_samples (version_id, batch_id);

        -- Every monitored value: volume.rows, drift.psi.age, performance.accuracy, ...
        CREATE TABLE monitor_series (
            version_id INTEGER NOT NULL REFERENCES model_versions(id),
            key TEXT NOT NULL,
            ts REAL NOT NULL,
            value REAL NOT NULL,
            batch_id INTEGER REFERENCES monitor_batches(id)
        );
        CREATE INDEX monitor_series_key ON monitor_series (version_id, key, ts);

        -- The last value of each series: the Prometheus scrape and overviews read only this.
        CREATE TABLE monitor_latest (
            version_id INTEGER NOT NULL REFERENCES model_versions(id),
            key TEXT NOT NULL,
            value REAL NOT NULL,
            ts REAL NOT NULL,
            PRIMARY KEY (version_id, key)
        ) WITHOUT ROWID;

        -- Rules: a series glob compared with a threshold (kind 'series'), or a registry
        -- event kind such as 'stage_changed' (kind 'event'). version_id NULL: every
        -- version of the model; model_id NULL (events only): every model.
        CREATE TABLE monitor_rules (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL DEFAULT 'series' CHECK (kind IN ('series', 'event')),
            model_id INTEGER REFERENCES registered_models(id),
            version_id INTEGER REFERENCES model_versions(id),
            pattern TEXT NOT NULL,
            op TEXT CHECK (op IN ('>', '>=', '<', '<=', '==', '!=')),
            threshold REAL,
            count INTEGER NOT NULL DEFAULT 1 CHECK (count >= 1),
            window_s REAL CHECK (window_s > 0),
            severity TEXT NOT NULL DEFAULT 'warning'
                CHECK (severity IN ('info', 'warning', 'critical')),
            name TEXT,
            action TEXT,                           -- JSON spec (monitoring/triggers.py)
            enabled INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            created_by TEXT
        );
        -- The same rule defined twice (a re-run cell) is one rule.
        CREATE UNIQUE INDEX monitor_rules_identity ON monitor_rules (
            kind, COALESCE(model_id, 0), COALESCE(version_id, 0), pattern,
            COALESCE(op, ''), COALESCE(threshold, 0), count, COALESCE(window_s, 0));

        -- Alerts: at most one firing alert per (rule, version, series); the partial
        -- unique index makes that deduplication hold across processes.
        CREATE TABLE monitor_alerts (
            id INTEGER PRIMARY KEY,
            rule_id INTEGER NOT NULL REFERENCES monitor_rules(id),
            version_id INTEGER NOT NULL REFERENCES model_versions(id),
            series TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('firing', 'resolved')),
            severity TEXT NOT NULL,
            message TEXT NOT NULL,
            value REAL,                            -- the latest value seen
            fired_values TEXT NOT NULL DEFAULT '[]',  -- [{ts, value, batch_id}] that fired it
            occurrences INTEGER NOT NULL DEFAULT 1,
            fired_ts REAL NOT NULL,
            last_ts REAL NOT NULL,
            resolved_ts REAL,
            change_seq INTEGER NOT NULL DEFAULT 0
        );
        CREATE UNIQUE INDEX monitor_alerts_open ON monitor_alerts (rule_id, version_id, series)
            WHERE state = 'firing';
        CREATE INDEX monitor_alerts_version ON monitor_alerts (version_id, fired_ts);
        CREATE INDEX monitor_alerts_state ON monitor_alerts (state, fired_ts);

        -- What each alert or registry event set off, and how it went.
        CREATE TABLE alert_actions (
            id INTEGER PRIMARY KEY,
            rule_id INTEGER NOT NULL REFERENCES monitor_rules(id),
            alert_id INTEGER REFERENCES monitor_alerts(id),
            event_id INTEGER REFERENCES registry_events(id),
            kind TEXT NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('pending', 'running', 'ok', 'error', 'skipped')),
            detail TEXT,
            output TEXT,
            run_id TEXT REFERENCES runs(id),
            host TEXT,                             -- where it runs: a dead pid there is reaped
            pid INTEGER,
            created_ts REAL NOT NULL,
            finished_ts REAL
        );
        CREATE INDEX alert_actions_alert ON alert_actions (alert_id);

        -- Registry events already handed to event rules (exactly-once dispatch).
        ALTER TABLE registry_state ADD COLUMN events_dispatched INTEGER NOT NULL DEFAULT 0;
        