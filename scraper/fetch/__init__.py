"""fetch: see docs/architecture.md."""
