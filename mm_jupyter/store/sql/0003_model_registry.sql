
        CREATE TABLE registered_models (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            description TEXT,
            owner TEXT,
            tags TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            change_seq INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX registered_models_change ON registered_models (change_seq);

        CREATE TABLE model_versions (
            id INTEGER PRIMARY KEY,
            model_id INTEGER NOT NULL REFERENCES registered_models(id),
            version INTEGER NOT NULL,
            artifact_version_id INTEGER NOT NULL REFERENCES artifact_versions(id),
            run_id TEXT REFERENCES runs(id),
            stage TEXT NOT NULL DEFAULT 'none'
                CHECK (stage IN ('none', 'staging', 'production', 'archived')),
            description TEXT,
            flavor TEXT NOT NULL,
            config TEXT NOT NULL DEFAULT '{}',
            metrics TEXT NOT NULL DEFAULT '{}',
            signature TEXT,
            requirements TEXT NOT NULL DEFAULT '{}',
            reference_profile TEXT,
            created_at TEXT NOT NULL,
            created_by TEXT,
            UNIQUE (model_id, version),
            UNIQUE (model_id, artifact_version_id)
        );
        CREATE INDEX model_versions_stage ON model_versions (model_id, stage);
        CREATE INDEX model_versions_run ON model_versions (run_id);

        CREATE TABLE model_aliases (
            model_id INTEGER NOT NULL REFERENCES registered_models(id),
            alias TEXT NOT NULL,
            version_id INTEGER NOT NULL REFERENCES model_versions(id),
            PRIMARY KEY (model_id, alias)
        ) WITHOUT ROWID;

        -- Every stage change and alias move: from, to, who, when, why.
        CREATE TABLE model_transitions (
            id INTEGER PRIMARY KEY,
            model_id INTEGER NOT NULL REFERENCES registered_models(id),
            version_id INTEGER NOT NULL REFERENCES model_versions(id),
            kind TEXT NOT NULL CHECK (kind IN ('stage', 'alias')),
            alias TEXT,
            from_value TEXT,
            to_value TEXT,
            user TEXT,
            comment TEXT,
            at TEXT NOT NULL
        );
        CREATE INDEX model_transitions_model ON model_transitions (model_id, id);

        -- Registry events later features trigger on (registered, stage_changed, ...).
        CREATE TABLE registry_events (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            model_id INTEGER REFERENCES registered_models(id),
            version_id INTEGER REFERENCES model_versions(id),
            payload TEXT NOT NULL DEFAULT '{}',
            at TEXT NOT NULL
        );
        