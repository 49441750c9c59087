"""Capture what a tracked cell does: code, params, outputs, figures, environment."""
