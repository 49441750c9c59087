"""Artifact use cases: serialise objects, ingest files, materialise versions."""
