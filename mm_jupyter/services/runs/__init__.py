"""The run lifecycle: process state, active runs, spooling to the store."""
