"""A real S3 server (SeaweedFS, ``weed mini``) for the team-backend tests (session fixture ``s3_server``)."""
