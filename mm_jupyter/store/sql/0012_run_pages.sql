        -- Runs list paging (issue 16): the params' sort index holds the run id, which
        -- breaks ties between equal values (lr = 0.1 for a third of the runs), so that
        -- a page sorted by a param, and a keyset seek into it, is a walk of this index
        -- alone on both backends, and a text search's candidate runs are checked on it
        -- without reading each param's row.
        DROP INDEX params_sort;
        CREATE INDEX params_sort ON params (key, value_num, run_id);
