"""Numbered schema migrations (sqlite-utils ``Migrations``).

Never edit a released migration: add a new numbered one. ``SCHEMA_VERSION`` is the
number of migrations and is mirrored in ``PRAGMA user_version`` so that opening an
up-to-date registry costs one pragma read, and a newer registry is refused.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("mm_jupyter")


@MIGRATIONS(name="0001_tracking")
def m0001_tracking(db: Database) -> None:
    """Experiments, runs, params, metrics, outputs, code, environments, blobs."""
    db.executescript(
        """
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
        """
    )


@MIGRATIONS(name="0002_artifacts")
def m0002_artifacts(db: Database) -> None:
    """Artifacts, content-addressed versions, aliases with history, lineage."""
    db.executescript(
        """
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
        """
    )


@MIGRATIONS(name="0003_model_registry")
def m0003_model_registry(db: Database) -> None:
    """Registered models, versions, stages, aliases, transitions and events."""
    db.executescript(
        """
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
        """
    )


@MIGRATIONS(name="0004_monitoring")
def m0004_monitoring(db: Database) -> None:
    """Model monitoring: prediction batches, series, rules, alerts and their actions."""
    db.executescript(
        """
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
        """
    )
    # Events that happened before monitoring existed must not fire new rules.
    db.execute("UPDATE registry_state SET events_dispatched ="
               " (SELECT COALESCE(max(id), 0) FROM registry_events)")


@MIGRATIONS(name="0005_history_and_journals")
def m0005_history_and_journals(db: Database) -> None:
    """Execution history stored once per entry; journals imported exactly once.

    Before this, every run stored the kernel's whole input history again (O(n²) in
    the number of tracked cells). Now each entry is a content-addressed snapshot
    (kind ``input``) referenced once per (kernel, execution number), and a run
    references the range it saw. Older runs keep their ``history_digest``.
    """
    db.executescript(
        """
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
        """
    )


# store/schema.py's SCHEMA_VERSION is the number of migrations above;
# tests/test_migrations.py checks they agree.
