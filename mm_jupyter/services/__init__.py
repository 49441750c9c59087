"""Use cases that several adapters share (the Python API, the CLI, the REST server).

A service calls the store and then whatever must follow a change (event rules), so
an adapter cannot forget a step: it parses its input, calls one service, renders.
"""
