
        -- PostgreSQL twin of store/sql/0006_text_search.sql: the runs list's q filter
        -- through pg_trgm GIN indexes on runs (name, id, tags), which PostgreSQL keeps in
        -- step itself (no queue, no triggers) and builds here for existing runs. The
        -- columns are indexed under COLLATE "C" because q compares under it (ILIKE folds
        -- ASCII case only, as SQLite's LIKE does: both backends return the same runs).
        -- pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create
        -- it. Where it cannot be created (not installed, not allowed) the migration
        -- still succeeds without the indexes and q scans (docs/team.md).
        DO $$
        DECLARE
            trgm TEXT;
        BEGIN
            BEGIN
                CREATE EXTENSION IF NOT EXISTS pg_trgm;
            EXCEPTION WHEN others THEN
                NULL;
            END;
            SELECT n.nspname INTO trgm FROM pg_extension x
                JOIN pg_namespace n ON n.oid = x.extnamespace WHERE x.extname = 'pg_trgm';
            IF trgm IS NOT NULL THEN
                BEGIN
                    EXECUTE format('CREATE INDEX runs_name_trgm ON runs'
                                   ' USING gin (name COLLATE "C" %I.gin_trgm_ops)', trgm);
                    EXECUTE format('CREATE INDEX runs_id_trgm ON runs'
                                   ' USING gin (id COLLATE "C" %I.gin_trgm_ops)', trgm);
                    EXECUTE format('CREATE INDEX runs_tags_trgm ON runs'
                                   ' USING gin (tags COLLATE "C" %I.gin_trgm_ops)', trgm);
                EXCEPTION WHEN others THEN
                    NULL;
                END;
            END IF;
        END $$;
