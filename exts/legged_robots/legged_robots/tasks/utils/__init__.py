"""Helpers for the scripts: config overrides, launching, policy metadata, user-facing errors."""
