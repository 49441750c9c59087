
        CREATE TABLE artifacts (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN
                ('dataset', 'model', 'file', 'report', 'figure')),
            description TEXT,
            tags TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            change_seq INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX artifacts_change ON artifacts (change_seq);

        CREATE TABLE artifact_versions (
            id INTEGER PRIMARY KEY,
            artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
            version INTEGER NOT NULL,
            digest TEXT NOT NULL,             -- sha256 of the file, or of the manifest
            size INTEGER NOT NULL,            -- bytes of content (all files of a dir)
            media_type TEXT NOT NULL,
            format TEXT NOT NULL,             -- file | directory | parquet | csv | npy | ...
            is_dir INTEGER NOT NULL DEFAULT 0,
            file_name TEXT NOT NULL,
            metadata TEXT NOT NULL DEFAULT '{}',
            run_id TEXT REFERENCES runs(id),  -- the producing run
            created_at TEXT NOT NULL,
            UNIQUE (artifact_id, version),
            UNIQUE (artifact_id, digest)
        );
        CREATE INDEX artifact_versions_digest ON artifact_versions (digest);
        CREATE INDEX artifact_versions_run ON artifact_versions (run_id);

        -- Members of directory versions: one blob per file, so an unchanged file
        -- inside a changed directory costs nothing.
        CREATE TABLE version_files (
            version_id INTEGER NOT NULL REFERENCES artifact_versions(id),
            path TEXT NOT NULL,
            digest TEXT NOT NULL,
            size INTEGER NOT NULL,
            PRIMARY KEY (version_id, path)
        ) WITHOUT ROWID;
        CREATE INDEX version_files_digest ON version_files (digest);

        CREATE TABLE artifact_aliases (
            artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
            alias TEXT NOT NULL,
            version_id INTEGER NOT NULL REFERENCES artifact_versions(id),
            PRIMARY KEY (artifact_id, alias)
        ) WITHOUT ROWID;

        CREATE TABLE alias_history (
            id INTEGER PRIMARY KEY,
            artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
            alias TEXT NOT NULL,
            from_version_id INTEGER REFERENCES artifact_versions(id),
            to_version_id INTEGER REFERENCES artifact_versions(id),
            changed_at TEXT NOT NULL,
            user TEXT
        );

        -- Which run consumed (input) and produced (output) which version.
        CREATE TABLE lineage (
            run_id TEXT NOT NULL REFERENCES runs(id),
            version_id INTEGER NOT NULL REFERENCES artifact_versions(id),
            direction TEXT NOT NULL CHECK (direction IN ('input', 'output')),
            created_at TEXT NOT NULL,
            PRIMARY KEY (run_id, version_id, direction)
        ) WITHOUT ROWID;
        CREATE INDEX lineage_version ON lineage (version_id, direction);

        -- (path, size, mtime_ns, inode) -> digest: an unchanged workspace file is
        -- not rehashed (as DVC's state database does).
        CREATE TABLE file_digests (
            path TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            inode INTEGER NOT NULL,
            digest TEXT NOT NULL
        ) WITHOUT ROWID;
        