
        CREATE TABLE registry_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            change_seq INTEGER NOT NULL DEFAULT 0
        );
        INSERT INTO registry_state (id, change_seq) VALUES (1, 0);

        CREATE TABLE blobs (
            digest TEXT PRIMARY KEY,          -- sha256 hex of the content
            size INTEGER NOT NULL,
            media_type TEXT NOT NULL,
            created_at TEXT NOT NULL
        );

        CREATE TABLE experiments (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        );

        -- Code and notebook snapshots, deduplicated by the sha256 of their text.
        CREATE TABLE code_snapshots (
            digest TEXT PRIMARY KEY,
            kind TEXT NOT NULL,               -- cell | history | notebook
            content TEXT NOT NULL,
            size INTEGER NOT NULL,
            created_at TEXT NOT NULL
        );

        CREATE TABLE environments (
            digest TEXT PRIMARY KEY,
            python TEXT NOT NULL,
            platform TEXT NOT NULL,
            packages TEXT NOT NULL,           -- JSON object name -> version
            git_commit TEXT,
            git_dirty INTEGER,
            created_at TEXT NOT NULL
        );

        CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            experiment_id INTEGER NOT NULL REFERENCES experiments(id),
            status TEXT NOT NULL CHECK (status IN
                ('running', 'finished', 'failed', 'interrupted', 'killed')),
            user TEXT,
            host TEXT,
            pid INTEGER,
            notebook_path TEXT,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            duration_s REAL,
            heartbeat_ts REAL,
            tags TEXT NOT NULL DEFAULT '{}',  -- JSON object
            error TEXT,
            cell_digest TEXT REFERENCES code_snapshots(digest),
            history_digest TEXT REFERENCES code_snapshots(digest),
            notebook_digest TEXT REFERENCES code_snapshots(digest),
            environment_digest TEXT REFERENCES environments(digest),
            n_outputs INTEGER NOT NULL DEFAULT 0,
            n_figures INTEGER NOT NULL DEFAULT 0,
            change_seq INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX runs_started ON runs (started_at);
        CREATE INDEX runs_name ON runs (name, started_at);
        CREATE INDEX runs_experiment ON runs (experiment_id, started_at);
        CREATE INDEX runs_status ON runs (status);
        CREATE INDEX runs_change ON runs (change_seq);
        CREATE INDEX runs_finished ON runs (finished_at);
        CREATE INDEX runs_duration ON runs (duration_s);

        CREATE TABLE params (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,              -- JSON
            value_num REAL,                   -- numeric value, for sorting
            source TEXT NOT NULL CHECK (source IN ('auto', 'explicit', 'namespace')),
            PRIMARY KEY (run_id, key)
        );
        CREATE INDEX params_sort ON params (key, value_num);

        -- Metric step series. NaN is stored as the text 'NaN' (SQLite turns a NaN
        -- REAL into NULL); +-inf are stored as REAL infinities.
        CREATE TABLE metrics (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            step INTEGER NOT NULL,
            value REAL,
            timestamp_ts REAL NOT NULL
        );
        CREATE INDEX metrics_series ON metrics (run_id, key, step);

        -- The latest point per (run, key): what lists show and sort by.
        CREATE TABLE latest_metrics (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value REAL,
            step INTEGER NOT NULL,
            timestamp_ts REAL NOT NULL,
            PRIMARY KEY (run_id, key)
        ) WITHOUT ROWID;
        CREATE INDEX latest_metrics_sort ON latest_metrics (key, value);

        CREATE TABLE outputs (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            output_type TEXT NOT NULL,        -- stream | display_data | execute_result | figure
            name TEXT,                        -- stdout | stderr for streams
            text TEXT,
            data TEXT,                        -- JSON mime bundle (capped)
            metadata TEXT,                    -- JSON
            blobs TEXT,                       -- JSON mime type -> {digest, size}
            truncated_bytes INTEGER NOT NULL DEFAULT 0,
            UNIQUE (run_id, seq)
        );
        