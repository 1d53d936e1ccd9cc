"""`repcheck synth` (placeholder; commands are added here)."""
