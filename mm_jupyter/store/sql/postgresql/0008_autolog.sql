-- PostgreSQL twin of store/sql/0008_autolog.sql.

        ALTER TABLE params DROP CONSTRAINT params_source_check;
        ALTER TABLE params ADD CONSTRAINT params_source_check CHECK (source IN
            ('auto', 'explicit', 'namespace', 'autolog'));

        ALTER TABLE runs ADD COLUMN parent_run_id TEXT REFERENCES runs(id);
        CREATE INDEX runs_parent ON runs (parent_run_id);

        CREATE TABLE code_objects (
            digest TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('function', 'class')),
            module TEXT NOT NULL,
            source TEXT NOT NULL,
            size BIGINT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE run_objects (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            digest TEXT NOT NULL REFERENCES code_objects(digest),
            PRIMARY KEY (run_id, digest)
        );

        ALTER TABLE lineage ADD COLUMN source TEXT;

        ALTER TABLE artifact_versions ADD COLUMN stored BIGINT NOT NULL DEFAULT 1;
