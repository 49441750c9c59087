-- PostgreSQL twin of store/sql/0011_reproducibility.sql.

        -- Reproducibility (issue 15): the hidden-state analysis of a tracked cell.
        -- repro_status is 'clean', 'warnings' or 'unknown' (NULL: recorded before this
        -- existed, or a `with mm.track()` block); repro_issues is a JSON list of
        -- {name, kind, defined_in, message}. The filter `reproducibility = 'warnings'`
        -- reads repro_status.
        ALTER TABLE runs ADD COLUMN repro_status TEXT;
        ALTER TABLE runs ADD COLUMN repro_issues TEXT;

        -- What a model version records of its producing run's verdict when it was
        -- registered: {"status", "warnings", "confirmed_by"} (JSON), NULL when the run
        -- had none. Registering from a run with warnings is confirmed in the UI first.
        ALTER TABLE model_versions ADD COLUMN reproducibility TEXT;
