"""The Jupyter server extension: the REST API the sidebar reads (docs/rest.md)."""
