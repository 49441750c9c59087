
        CREATE TABLE history_kernels (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL,                    -- host:pid:random of the process
            generation INTEGER NOT NULL DEFAULT 0, -- bumped when its history restarts
            UNIQUE (key, generation)
        );
        CREATE TABLE history_entries (
            kernel_id INTEGER NOT NULL REFERENCES history_kernels(id),
            n INTEGER NOT NULL,
            digest TEXT NOT NULL REFERENCES code_snapshots(digest),
            PRIMARY KEY (kernel_id, n)
        );
        ALTER TABLE runs ADD COLUMN history_kernel_id INTEGER
            REFERENCES history_kernels(id);
        ALTER TABLE runs ADD COLUMN history_from INTEGER;
        ALTER TABLE runs ADD COLUMN history_upto INTEGER;

        -- Spooled journals already imported (store/journal.py): importing twice is a no-op.
        CREATE TABLE journal_imports (
            name TEXT PRIMARY KEY,
            imported_at TEXT NOT NULL,
            records INTEGER NOT NULL
        );
        