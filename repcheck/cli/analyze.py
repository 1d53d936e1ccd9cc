"""`repcheck analyze` (placeholder; commands are added here)."""
