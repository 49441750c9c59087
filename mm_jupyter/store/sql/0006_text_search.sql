
        -- The runs list's text filter (q: a substring of a run's name, id, experiment or
        -- tags) through a trigram index, issue 12. The index itself, the FTS5 table
        -- runs_text (name, id, tags by runs.rowid), is built and kept in step by
        -- store/text_search.py in processes whose SQLite has the FTS5 trigram tokenizer
        -- (3.34+); a process without it still writes runs and its q filter scans.
        -- These triggers touch no FTS5 table (a trigger on one would make every write
        -- of runs fail where the tokenizer is missing): they queue the rowids whose
        -- text changed, and the index takes them in before the next search. Searches
        -- count the queued rows as candidates, so results never wait for the index.
        -- Experiment names are not indexed: q matches them in the small experiments
        -- table, so renaming one needs no upkeep.
        CREATE TABLE runs_text_pending (
            seq INTEGER PRIMARY KEY,
            run_rowid INTEGER NOT NULL
        );
        CREATE TRIGGER runs_text_insert AFTER INSERT ON runs BEGIN
            INSERT INTO runs_text_pending (run_rowid) VALUES (NEW.rowid);
        END;
        CREATE TRIGGER runs_text_update AFTER UPDATE ON runs
            WHEN NEW.rowid IS NOT OLD.rowid OR NEW.id IS NOT OLD.id
                OR NEW.name IS NOT OLD.name OR NEW.tags IS NOT OLD.tags
        BEGIN
            INSERT INTO runs_text_pending (run_rowid) VALUES (OLD.rowid);
            INSERT INTO runs_text_pending (run_rowid)
                SELECT NEW.rowid WHERE NEW.rowid IS NOT OLD.rowid;
        END;
        CREATE TRIGGER runs_text_delete AFTER DELETE ON runs BEGIN
            INSERT INTO runs_text_pending (run_rowid) VALUES (OLD.rowid);
        END;
        -- The backfill: every existing run is queued (and indexed at once when the
        -- migrating process can build the index).
        INSERT INTO runs_text_pending (run_rowid) SELECT rowid FROM runs;
