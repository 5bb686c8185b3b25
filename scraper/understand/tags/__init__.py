"""understand.tags: see docs/architecture.md."""
