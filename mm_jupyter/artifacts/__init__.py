"""Artifact versioning: serialise objects, ingest files, track lineage."""
