        -- Promotion policies (issue 17): the rules a model version must pass before it
        -- may enter a stage. model_id NULL is the registry-wide default, which a model's
        -- own policy for the same stage replaces. require and overriders are JSON lists
        -- of strings: rules in the grammar of docs/deploy.md, and the users (or, on
        -- PostgreSQL, database roles) who may force a transition the rules refuse.
        CREATE TABLE model_policies (
            id INTEGER PRIMARY KEY,
            model_id INTEGER REFERENCES registered_models(id),
            stage TEXT NOT NULL CHECK (stage IN ('none', 'staging', 'production', 'archived')),
            require TEXT NOT NULL DEFAULT '[]',
            overriders TEXT NOT NULL DEFAULT '[]',
            updated_at TEXT NOT NULL,
            updated_by TEXT
        );
        CREATE UNIQUE INDEX model_policies_scope ON model_policies (COALESCE(model_id, 0), stage);

        -- Approvals of a model version: one per user. db_role is the database login
        -- role that wrote it (PostgreSQL's session_user; NULL on SQLite), which a client
        -- cannot choose the way it chooses MM_JUPYTER_USER; created_role is the same for
        -- the registrant, so an approval counts only when it comes from someone else.
        CREATE TABLE model_approvals (
            id INTEGER PRIMARY KEY,
            version_id INTEGER NOT NULL REFERENCES model_versions(id),
            user TEXT NOT NULL,
            db_role TEXT,
            comment TEXT,
            at TEXT NOT NULL,
            UNIQUE (version_id, user)
        );
        ALTER TABLE model_versions ADD COLUMN created_role TEXT;

        -- A transition forced past failing rules records them (JSON list) and forced = 1;
        -- the comment holds the reason.
        ALTER TABLE model_transitions ADD COLUMN forced INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE model_transitions ADD COLUMN overridden TEXT;
