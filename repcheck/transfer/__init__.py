"""Moving training history in and out: other apps' exports, RepCheck's own export format,
and whole-journal backups."""
