"""Model monitoring: prediction logs, drift, performance, rules, alerts, triggers, export.

``docs/monitoring.md`` describes the layers; ``mm.monitor(ref)`` is the entry point.
Nothing is imported here so that ``import mm_jupyter`` stays fast (numpy loads only when
a monitor is used).
"""
