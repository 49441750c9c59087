"""The ``mm-jupyter`` command line (click): one module per resource, thin over services."""
