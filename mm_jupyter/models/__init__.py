"""The model registry in the notebook: register, version, stage and alias, load."""
