
        -- Per remote: the local change cursor up to which everything was pushed, and when.
        CREATE TABLE sync_remotes (
            remote TEXT PRIMARY KEY,
            pushed_change_seq INTEGER NOT NULL DEFAULT 0,
            pushed_at TEXT,
            pulled_at TEXT
        );

        -- A local artifact or model version and the number the remote gave it: the
        -- team assigns version numbers, so two laptops' local v3 become team v3 and v4.
        CREATE TABLE sync_versions (
            remote TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('artifact', 'model')),
            local_id INTEGER NOT NULL,
            remote_version INTEGER NOT NULL,
            PRIMARY KEY (remote, kind, local_id)
        ) WITHOUT ROWID;
