"""``mm-jupyter serve``: one registered model behind a small monitored HTTP endpoint (its own tornado app)."""
