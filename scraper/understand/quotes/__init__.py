"""understand.quotes: see docs/architecture.md."""
