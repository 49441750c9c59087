"""A real PostgreSQL server for the team-backend tests (session fixture ``postgres_url``)."""
