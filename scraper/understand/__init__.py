"""understand: see docs/architecture.md."""
