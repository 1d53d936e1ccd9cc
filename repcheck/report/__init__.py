"""Rendering: rich tables for people, versioned JSON for programs, charts (matplotlib)."""
