"""The public Python API (``import mm_jupyter as mm``): one module per resource, thin over services."""
