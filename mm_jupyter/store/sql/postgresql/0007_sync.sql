-- PostgreSQL twin of store/sql/0007_sync.sql.

        CREATE TABLE sync_remotes (
            remote TEXT PRIMARY KEY,
            pushed_change_seq BIGINT NOT NULL DEFAULT 0,
            pushed_at TEXT,
            pulled_at TEXT
        );

        CREATE TABLE sync_versions (
            remote TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('artifact', 'model')),
            local_id BIGINT NOT NULL,
            remote_version BIGINT NOT NULL,
            PRIMARY KEY (remote, kind, local_id)
        );
