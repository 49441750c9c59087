"""Model registry use cases: flavours, registration, stage and alias transitions."""
