
        -- Automatic logging (issue 13).
        -- Params logged by framework autologging (get_params() of a fitted estimator)
        -- have their own source. SQLite cannot change a CHECK: the table is rebuilt.
        CREATE TABLE params_autolog (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,              -- JSON
            value_num REAL,                   -- numeric value, for sorting
            source TEXT NOT NULL CHECK (source IN
                ('auto', 'explicit', 'namespace', 'autolog')),
            PRIMARY KEY (run_id, key)
        );
        INSERT INTO params_autolog (run_id, key, value, value_num, source)
            SELECT run_id, key, value, value_num, source FROM params;
        DROP TABLE params;
        ALTER TABLE params_autolog RENAME TO params;
        CREATE INDEX params_sort ON params (key, value_num);

        -- A child run (one candidate of a hyper-parameter search) points at its parent.
        ALTER TABLE runs ADD COLUMN parent_run_id TEXT REFERENCES runs(id);
        CREATE INDEX runs_parent ON runs (parent_run_id);

        -- Custom objects: the source of user-defined functions and classes a run used,
        -- stored once per content (digest: sha256 of kind, module, name and source).
        CREATE TABLE code_objects (
            digest TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('function', 'class')),
            module TEXT NOT NULL,
            source TEXT NOT NULL,
            size INTEGER NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE run_objects (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            digest TEXT NOT NULL REFERENCES code_objects(digest),
            PRIMARY KEY (run_id, digest)
        ) WITHOUT ROWID;

        -- How an input was recorded: NULL for use_artifact, 'fit' for data passed to a
        -- model's fit() (fingerprinted by autologging).
        ALTER TABLE lineage ADD COLUMN source TEXT;

        -- 0: a fingerprint-only dataset version (its digest, schema and profile are
        -- known, its bytes were not stored: MMMagics.autolog_datasets = "fingerprint").
        ALTER TABLE artifact_versions ADD COLUMN stored INTEGER NOT NULL DEFAULT 1;
