"""Diff two runs: one engine producing the JSON of docs/rest.md; display/ and server/ present it."""
