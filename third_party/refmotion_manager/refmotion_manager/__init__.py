"""Reference-motion library (no Isaac Lab import). Its loaders and runtime API arrive with issue #5."""

__version__ = "0.1.0"
