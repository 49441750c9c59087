"""Pure rules with no I/O, shared by every layer: names, references, monitoring rules.

``core`` imports nothing else of ours (tests/test_layering.py checks it), so the store,
the services and the adapters can all depend on it without cycles.
"""
