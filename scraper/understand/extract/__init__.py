"""understand.extract: see docs/architecture.md."""
