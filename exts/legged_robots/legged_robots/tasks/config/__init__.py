"""Per-robot task configurations."""
